/* store.h: cfmock's state, in SQLite. store.c is the only file that
 * includes <sqlite3.h>, and all SQL text lives there.
 *
 * Read functions return a new cJSON tree in the API's own shape, which the
 * caller owns (cJSON_Delete). Every write is one transaction: on any
 * failure nothing is modified. Visibility ("who sees which organization")
 * is decided here, once, through the org_access table: an object the
 * caller cannot see answers STORE_NOT_FOUND, exactly like one that does not
 * exist. */
#ifndef CFMOCK_STORE_H
#define CFMOCK_STORE_H

#include <cjson/cJSON.h>
#include <stdint.h>

#include "req.h"

struct store;

/* One embedded schema migration (schema/NNN-name.sql). The generated
 * schema.c defines the array, ended by a row with version 0. */
struct migration {
	int version;
	const char *name;
	const char *sql;
};
extern const struct migration store_migrations[];

enum store_rc {
	STORE_OK = 0,
	STORE_NOT_FOUND, /* the object, or one the request names, is not there */
	STORE_CONFLICT,  /* a rule forbids it (details in the out message) */
	STORE_ERROR,     /* SQLite failed; logged with file:line */
};

/* Opens (creating if needed) the database at @path (":memory:" for none)
 * and brings its schema up to date. Returns NULL and sets *err (caller
 * frees) on failure. */
struct store *store_open(const char *path, char **err);
/* Closes the database. NULL is a no-op. */
void store_close(struct store *st);
/* 1 if the database holds no users and no organizations. */
int store_is_empty(struct store *st);
/* The schema version the database is at. */
int store_schema_version(struct store *st);
/* A secret made when the database was created, for signing page tokens
 * (16 bytes). */
const unsigned char *store_secret(struct store *st);
/* Runs @fn inside one transaction: committed if it returns 0, rolled back
 * otherwise. Returns what @fn returned (or -1 if COMMIT failed). */
int store_transaction(struct store *st, int (*fn)(struct store *st, void *arg), void *arg);

/* --- users and credentials --- */

enum cred_kind { CRED_TOKEN, CRED_KEY, CRED_SERVICE_KEY };

/* Finds the user a credential belongs to, creating it on first use. For
 * CRED_KEY, @email names the user. */
enum store_rc store_users_resolve(struct store *st, enum cred_kind kind, const char *secret,
				  const char *email, struct user *out);
/* Creates a user with @email (and an API key, if non-NULL) for fixtures:
 * STORE_CONFLICT if the email is taken. */
enum store_rc store_users_add(struct store *st, const char *id, const char *email,
			      const char *api_key, struct user *out);

/* Adds API token @token for @u (fixtures). STORE_CONFLICT if taken. */
enum store_rc store_users_add_token(struct store *st, const struct user *u, const char *token);
/* The user with @email (case-insensitive). */
enum store_rc store_users_find_email(struct store *st, const char *email, struct user *out);

/* --- organizations --- */

/* The profile's five field names, in struct org_profile's order, NULL-ended. */
extern const char *const store_profile_keys[];

struct org_profile {
	const char *business_address;
	const char *business_email;
	const char *business_name;
	const char *business_phone;
	const char *external_metadata;
};

struct org_new {
	const char *id;          /* NULL: a new random id */
	const char *name;
	const char *parent_id;   /* NULL for a root organization */
	const struct org_profile *profile; /* NULL: none */
	const char *create_time; /* NULL: now */
};

/* Creates an organization as @u. STORE_NOT_FOUND: the parent is not
 * visible to @u. STORE_CONFLICT: the id is taken (fixtures only). */
enum store_rc store_orgs_create(struct store *st, const struct user *u,
				const struct org_new *o, cJSON **out);
enum store_rc store_orgs_get(struct store *st, const struct user *u, const char *id,
			     cJSON **out);
enum store_rc store_orgs_rename(struct store *st, const struct user *u, const char *id,
				const char *name, cJSON **out);
/* STORE_CONFLICT: not empty; *out_what (caller frees) says what is inside,
 * e.g. "2 sub-organizations". */
enum store_rc store_orgs_delete(struct store *st, const struct user *u, const char *id,
				char **out_what);
/* The profile, with empty strings where none was ever set. */
enum store_rc store_orgs_profile_get(struct store *st, const struct user *u, const char *id,
				     cJSON **out);
enum store_rc store_orgs_profile_set(struct store *st, const struct user *u, const char *id,
				     const struct org_profile *p);

struct org_filter {
	const char *const *ids; /* id=..., repeatable; NULL when not given */
	int nids;
	const char *name;       /* the four name filters: case-insensitive */
	const char *name_starts;
	const char *name_ends;
	const char *name_contains;
	const char *parent_id;  /* parent.id=<id> */
	int parent_null;        /* parent.id=null: roots only */
	const char *containing_account;
	const char *containing_org;
	const char *containing_user;
};

/* One page of the organizations @u can see that pass @f, in internal
 * order, after the one with internal key @after (0 for the first page).
 * Sets *out_last to the key of the last one returned, *out_more to whether
 * more follow, and *out_total to how many pass @f in all. */
enum store_rc store_orgs_list(struct store *st, const struct user *u, const struct org_filter *f,
			      int64_t after, int limit, cJSON **out, int64_t *out_last,
			      int *out_more, int64_t *out_total);

#endif
