/* store.h: cfmock's state, in SQLite: the store's one public header. Only
 * the store*.c files include <sqlite3.h>, and all SQL text lives in them:
 * store.c is the engine, store_<name>.c the SQL of one resource (the same
 * <name> as its api_<name>.c), store_control.c reset, export and snapshots,
 * store_vfs.c the VFS the database is opened with; store_internal.h is what
 * they share. The sections below follow those files.
 *
 * Read functions return a new cJSON tree in the API's own shape, which the
 * caller owns (cJSON_Delete). Every write is one transaction: on any
 * failure nothing is modified. Visibility is decided here, once: a user
 * sees the organizations in its org_access rows (those it created and all
 * below them), the accounts it created, and every account inside an
 * organization it sees. An object the caller cannot see answers
 * STORE_NOT_FOUND, exactly like one that does not exist. */
#ifndef CFMOCK_STORE_H
#define CFMOCK_STORE_H

#include <cjson/cJSON.h>
#include <stdint.h>

#include "ids.h"

struct store;

struct account_scope; /* grants.h */

/* The caller, once credentials were checked: a user, or an account-owned
 * API token, which acts for its account and has no user (seq 0). */
struct user {
	int64_t seq;
	char id[ID_LEN + 1];
	int tenant_admin;
	char token_id[ID_LEN + 1]; /* "" unless the credential is an API token */
	int64_t token_seq;          /* an issued token (README "API tokens"): its key */
	int64_t account_seq;        /* an account-owned token: its account's key */
	char account_id[ID_LEN + 1];
	/* an issued token's reach: the accounts it may see at all (NULL:
	 * every one the user sees), which account_visible() and the lists
	 * apply on top of the user's own visibility */
	const struct account_scope *scope;
};

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
	STORE_NO_ITEM,   /* the object is there, but not the item of it named */
	STORE_CONFLICT,  /* a rule forbids it (details in the out message) */
	STORE_LIMIT,     /* a limit of rules.h forbids it (the call says which) */
	STORE_ERROR,     /* SQLite failed; logged with file:line */
};

/* Opens (creating if needed) the database at @path (":memory:" for none)
 * and brings its schema up to date. Returns NULL and sets *err (caller
 * frees) on failure. */
struct store *store_open(const char *path, char **err);
/* Closes the database. NULL is a no-op. */
void store_close(struct store *st);
/* A read-only view of @st's database file on a connection of its own, for
 * one other thread to read a consistent state from (a transaction of its
 * own, beside the server thread's writes: WAL). NULL for :memory:, or if
 * it cannot be opened. Close it with store_close(). */
struct store *store_open_reader(struct store *st);
/* 1 if the database holds no users, organizations or accounts. */
int store_is_empty(struct store *st);
/* The schema version the database is at. */
int store_schema_version(struct store *st);
/* A secret made when the database was created, for signing page tokens
 * (16 bytes). */
const unsigned char *store_secret(struct store *st);
/* Runs @fn inside one transaction: committed if it returns 0, rolled back
 * otherwise. Returns what @fn returned (or -1 if COMMIT failed). */
int store_transaction(struct store *st, int (*fn)(struct store *st, void *arg), void *arg);

/* Group commit. The server runs the writes that arrive together inside
 * one transaction and answers them only once it is committed: one commit,
 * and one set of WAL frames, for many writes, with every answered write
 * still durable. Each write stays a transaction of its own inside the
 * group (a savepoint), so one that fails leaves the others as they were.
 *
 * store_group_begin() opens the group (no transaction may be open): @write
 * 0 takes no write lock until a write needs it (a turn of reads).
 * store_group_intact() is 0 once SQLite has rolled the whole group back
 * by itself (it does after a full disk or an I/O error): every write in it
 * is lost and must not be answered as done. store_group_commit() ends the
 * group: 0 if it is committed, -1 if it failed and nothing in it was kept.
 * Both return -1 with the reason in the log. store_group_wrote() is 1 once
 * anything in the group changed a row (a read can: in open mode, the
 * first use of a credential makes its user), so that its answer waits for
 * the commit. */
int store_group_begin(struct store *st, int write);
int store_group_intact(struct store *st);
int store_group_wrote(struct store *st);
int store_group_commit(struct store *st);

/* --- users and credentials --- */

enum cred_kind { CRED_TOKEN, CRED_KEY, CRED_SERVICE_KEY };

/* Finds the user a credential belongs to. For CRED_KEY, @email names the
 * user. Open (@strict 0): a credential seen for the first time makes a new
 * user (for CRED_KEY, a user with that email, if none has it). Strict: only
 * existing users and credentials, and CRED_KEY needs that user's key.
 * STORE_NOT_FOUND: no such credential (strict). STORE_CONFLICT: a token
 * that is disabled or expired. */
enum store_rc store_users_resolve(struct store *st, enum cred_kind kind, const char *secret,
				  const char *email, int strict, struct user *out);

struct user_new {
	const char *id;         /* NULL: a new random id */
	const char *email;
	const char *api_key;    /* NULL: none */
	int tenant_admin;
	const char *first_name; /* NULL: none */
	const char *last_name;
	const char *telephone;
	const char *country;
	const char *zipcode;
};
/* Creates a user (fixtures): STORE_CONFLICT if the email or id is taken. */
enum store_rc store_users_create(struct store *st, const struct user_new *n, struct user *out);
/* Adds API token @token for @u with @status ("active", "disabled" or
 * "expired") and id @token_id (NULL: a new one). STORE_CONFLICT if taken. */
enum store_rc store_users_token_create(struct store *st, const struct user *u, const char *token,
				       const char *status, const char *token_id);
/* Adds user service key @key for @u (fixtures). STORE_CONFLICT if taken. */
enum store_rc store_users_service_key_create(struct store *st, const struct user *u,
					     const char *key);
/* The user with @email (Unicode case folding, rules_email_key()); or, for
 * the fixtures, the user made from a token whose label @email is. */
enum store_rc store_users_get_by_email(struct store *st, const char *email, struct user *out);
/* The caller's own user, as GET /user answers it. */
enum store_rc store_users_get(struct store *st, const struct user *u, cJSON **out);

/* PATCH /user: each field is NULL (unchanged) or a value; @clear[i] set
 * means "set field i to null". Fields in the order of
 * store_users_update_keys. */
extern const char *const store_users_update_keys[];
#define USERS_UPDATE_FIELDS 5
enum store_rc store_users_update(struct store *st, const struct user *u,
				 const char *const *values, const int *clear, cJSON **out);

/* --- API tokens (store_tokens.c) --- */

/* An issued token as authentication needs it (store_tokens_resolve()). */
struct token_auth {
	int64_t seq;
	char id[ID_LEN + 1];
	int64_t user_seq;            /* 0 for an account-owned token */
	char user_id[ID_LEN + 1];
	int tenant_admin;
	int64_t account_seq;         /* 0 for a user token */
	char account_id[ID_LEN + 1];
	int active;                  /* not disabled */
	int64_t not_before;          /* ms; INT64_MIN: none */
	int64_t expires_on;          /* ms; INT64_MAX: none */
	char *ip_in, *ip_not_in;     /* CIDR lists, or NULL */
	unsigned char *grants;       /* compiled policies (grants.h) */
	size_t grants_len;
	int64_t last_used_ms;        /* 0: never */
};
/* The issued token whose secret is @secret: STORE_NOT_FOUND if none,
 * STORE_CONFLICT if it was one that was deleted or rolled away.
 * Release *out with token_auth_release(). */
enum store_rc store_tokens_resolve(struct store *st, const char *secret, struct token_auth *out);
void token_auth_release(struct token_auth *t);
/* Notes that token @seq authenticated a request at @now_ms. */
enum store_rc store_tokens_touch(struct store *st, int64_t seq, int64_t now_ms);

/* What a create or a full update sets (a PUT replaces all of it). */
struct token_new {
	const char *name;
	const char *status;          /* "active" or "disabled"; NULL: as it was */
	const char *policies;        /* the policies as answered (JSON text) */
	const unsigned char *grants; /* and compiled */
	size_t grants_len;
	int64_t not_before;          /* ms; INT64_MIN: none */
	int64_t expires_on;          /* ms; INT64_MAX: none */
	const char *ip_in, *ip_not_in;
	/* fixtures and state exports only (NULL: new, or now) */
	const char *id;
	const char *secret;
	const char *issued_on, *modified_on, *last_used_on;
};
/* The tokens of the caller (@account_id NULL) or of account @account_id,
 * which the caller must see. Create answers the token with its "value";
 * STORE_CONFLICT: the id or the secret is taken (fixtures). */
enum store_rc store_tokens_create(struct store *st, const struct user *u, const char *account_id,
				  const struct token_new *t, cJSON **out);
enum store_rc store_tokens_get(struct store *st, const struct user *u, const char *account_id,
			       const char *token_id, cJSON **out);
enum store_rc store_tokens_update(struct store *st, const struct user *u, const char *account_id,
				  const char *token_id, const struct token_new *t, cJSON **out);
enum store_rc store_tokens_delete(struct store *st, const struct user *u, const char *account_id,
				  const char *token_id);
/* A new secret for the token (@out: 40 characters and a NUL); the old one
 * stops working. */
enum store_rc store_tokens_roll(struct store *st, const struct user *u, const char *account_id,
				const char *token_id, char *out);
/* A page of the tokens, oldest first (newest with @desc); expired ones
 * only with @include_expired. */
enum store_rc store_tokens_list(struct store *st, const struct user *u, const char *account_id,
				int include_expired, int desc, int64_t offset, int limit,
				cJSON **out, int64_t *out_total);
#define TOKEN_SECRET_LEN 40

/* --- organizations --- */

/* The profile's five field names, in struct profile's order, NULL-ended. */
extern const char *const store_profile_keys[];

struct profile {
	const char *business_address;
	const char *business_email;
	const char *business_name;
	const char *business_phone;
	const char *external_metadata;
};

struct organization_new {
	const char *id;          /* NULL: a new random id */
	const char *name;
	const char *parent_id;   /* NULL for a root organization */
	const struct profile *profile; /* NULL: none */
	const char *create_time; /* NULL: now */
	int unchecked;           /* fixtures: the parent need not be visible to u */
};

/* Creates an organization as @u. STORE_NOT_FOUND: the parent is not
 * visible to @u. STORE_CONFLICT: the id is taken (fixtures only). */
enum store_rc store_organizations_create(struct store *st, const struct user *u,
					 const struct organization_new *o, cJSON **out);
enum store_rc store_organizations_get(struct store *st, const struct user *u, const char *id,
				      cJSON **out);
enum store_rc store_organizations_update(struct store *st, const struct user *u, const char *id,
					 const char *name, cJSON **out);
/* STORE_CONFLICT: not empty; *out_what (caller frees) says what is inside,
 * e.g. "2 sub-organizations". */
enum store_rc store_organizations_delete(struct store *st, const struct user *u, const char *id,
					 char **out_what);
/* The profile, with empty strings where none was ever set. */
enum store_rc store_organizations_profile_get(struct store *st, const struct user *u,
					      const char *id, cJSON **out);
enum store_rc store_organizations_profile_update(struct store *st, const struct user *u,
						 const char *id, const struct profile *p);

struct organization_filter {
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
enum store_rc store_organizations_list(struct store *st, const struct user *u,
				       const struct organization_filter *f, int64_t after,
				       int limit, cJSON **out, int64_t *out_last, int *out_more,
				       int64_t *out_total);

/* --- accounts --- */

struct account_new {
	const char *id;          /* NULL: a new random id */
	const char *name;
	const char *type;        /* "standard" or "enterprise" */
	const char *org_id;      /* NULL: stand-alone */
	const char *created_on;  /* NULL: now */
	const char *abuse_contact_email; /* NULL: none */
	int enforce_twofactor;
	const struct profile *profile; /* NULL: none */
	int unchecked;           /* fixtures: the organization need not be visible to u */
	/* POST /accounts' Idempotency-Key (NULL: none), and the request
	 * body in canonical JSON (json_canonical()) that goes with it */
	const char *idempotency_key;
	const char *request;
};

/* Creates an account as @u; *out is its IAM shape. STORE_NOT_FOUND: the
 * organization is not visible to @u. STORE_CONFLICT: the id is taken
 * (fixtures only), or @a's idempotency_key was used by @u in the last
 * RULES_IDEMPOTENCY_TTL_MS with another request. With a key that @u used
 * with the same request, nothing is created and *out is the result that
 * first request answered. A new key is kept with the account, in its
 * transaction; keys past their time are deleted. */
enum store_rc store_accounts_create(struct store *st, const struct user *u,
				    const struct account_new *a, cJSON **out);
/* The account in its IAM shape. */
enum store_rc store_accounts_get(struct store *st, const struct user *u, const char *id,
				 cJSON **out);

struct account_update {
	const char *name;
	const char *type;
	const char *abuse_contact_email; /* NULL: unchanged; "": none */
	int enforce_twofactor;           /* -1: unchanged */
};
enum store_rc store_accounts_update(struct store *st, const struct user *u, const char *id,
				    const struct account_update *a, cJSON **out);
/* Deletes the account and all that hangs off it. */
enum store_rc store_accounts_delete(struct store *st, const struct user *u, const char *id);
enum store_rc store_accounts_profile_get(struct store *st, const struct user *u, const char *id,
					 cJSON **out);
enum store_rc store_accounts_profile_update(struct store *st, const struct user *u, const char *id,
					    const struct profile *p);
/* The organizations that hold the account, root first (an array of
 * Organization objects; empty for a stand-alone account). */
enum store_rc store_accounts_organizations_list(struct store *st, const struct user *u,
						const char *id, cJSON **out);

/* One page of the accounts @u sees, in IAM shape, by internal order
 * (newest first with @desc), @offset items in; @name (if not NULL) keeps
 * those with that name, case-insensitively. *out_total: how many pass. */
enum store_rc store_accounts_list(struct store *st, const struct user *u, const char *name,
				  int desc, int64_t offset, int limit, cJSON **out,
				  int64_t *out_total);

enum move_status {
	MOVE_DONE,
	MOVE_NO_ACCOUNT,      /* not there, or not visible */
	MOVE_SAME_ORG,        /* already in the destination */
	MOVE_OTHER_HIERARCHY, /* in an organization under another root */
};
struct move_result {
	enum move_status status;
	char source_id[ID_LEN + 1]; /* "" for a stand-alone account */
};
/* Moves each of @ids (@n of them) into organization @dest_id, in one
 * transaction, and says for each what happened. STORE_NOT_FOUND: @dest_id
 * is not visible to @u (nothing moved). */
enum store_rc store_accounts_move(struct store *st, const struct user *u,
				  const char *const *ids, int n, const char *dest_id,
				  struct move_result *out);

struct organizations_accounts_filter {
	const char *name[4];    /* =, startsWith, endsWith, contains; NULL: not given */
	const char *pubname[4]; /* the same on account_pubname */
	int by_name;            /* order_by=account_name */
	int desc;
};
/* One page of the accounts directly in organization @org_id (visible to
 * @u), in the Organizations-API shape, after the one at (@after, @after_key)
 * when @has_after. *out_last / *out_last_key (caller frees; NULL unless
 * sorted by name) give the position of the last one returned. */
enum store_rc store_organizations_accounts_list(struct store *st, const struct user *u,
						const char *org_id,
						const struct organizations_accounts_filter *f,
						int has_after, int64_t after, const char *after_key,
						int limit, cJSON **out, int64_t *out_last,
						char **out_last_key, int *out_more,
						int64_t *out_total);

/* --- organization members --- */

struct org_member_new {
	const char *id;          /* NULL: a new random id (fixtures may give one) */
	const char *email;       /* the user's; found (case-insensitive) or created */
	const char *status;      /* "active" or "canceled" */
	const char *create_time; /* NULL: now */
};
/* Adds @n members to organization @org_id in one transaction; *out is the
 * array of them. STORE_CONFLICT: m[*out_bad] is already a member (or
 * listed twice); nothing was added. */
enum store_rc store_org_members_create(struct store *st, const struct user *u, const char *org_id,
				       const struct org_member_new *m, int n, cJSON **out,
				       int *out_bad);
/* STORE_NO_ITEM: the organization has no member @member_id. */
enum store_rc store_org_members_get(struct store *st, const struct user *u, const char *org_id,
				    const char *member_id, cJSON **out);
enum store_rc store_org_members_delete(struct store *st, const struct user *u,
				       const char *org_id, const char *member_id);

struct org_member_filter {
	const char *const *statuses; /* status=..., repeatable; NULL: any */
	int nstatuses;
	const char *email[4];        /* =, contains, startsWith, endsWith */
};
enum store_rc store_org_members_list(struct store *st, const struct user *u, const char *org_id,
				     const struct org_member_filter *f, int64_t after, int limit,
				     cJSON **out, int64_t *out_last, int *out_more,
				     int64_t *out_total);

/* --- account members --- */

struct account_member_new {
	const char *email;
	const char *status;            /* "accepted" or "pending" */
	const char *const *roles;      /* role ids, checked by the caller */
	int nroles;
	const char *policies;          /* JSON array text, or NULL for roles */
	/* fixtures only: */
	const char *id;                /* NULL: a new one */
	const char *create_time;       /* NULL: now */
	int upsert;                    /* an existing membership is replaced */
};
/* STORE_CONFLICT: the user is already a member (and !upsert). */
enum store_rc store_account_members_create(struct store *st, const struct user *u,
					   const char *account_id,
					   const struct account_member_new *m, cJSON **out);
enum store_rc store_account_members_get(struct store *st, const struct user *u,
					const char *account_id, const char *member_id,
					cJSON **out);
/* Replaces the member's roles (@policies NULL) or policies; @nroles -1
 * with no @policies keeps what it has. */
enum store_rc store_account_members_update(struct store *st, const struct user *u,
					   const char *account_id, const char *member_id,
					   const char *const *roles, int nroles,
					   const char *policies, cJSON **out);
enum store_rc store_account_members_delete(struct store *st, const struct user *u,
					   const char *account_id, const char *member_id);
/* @order: NULL (the order they were added), "user.first_name",
 * "user.last_name", "user.email" or "status"; @status: NULL or a status. */
enum store_rc store_account_members_list(struct store *st, const struct user *u,
					 const char *account_id, const char *status,
					 const char *order, int desc, int64_t offset, int limit,
					 cJSON **out, int64_t *out_total);
/* 0 if account @account_id is visible to @u (for routes that only need
 * that, like the roles). */
enum store_rc store_accounts_visible(struct store *st, const struct user *u,
				     const char *account_id);

/* Removes the membership the account's creator got (fixtures that say
 * the owner is no longer a member). */
enum store_rc store_account_members_delete_owner(struct store *st, const struct user *u,
						 const char *account_id);

/* --- memberships: the caller's side of account members
 * (store_memberships.c) --- */

struct membership_filter {
	int invites;              /* /user/invites: pending ones, as invitations */
	const char *status;       /* NULL: any */
	const char *account_name; /* the whole name, case-insensitively */
	const char *order;        /* NULL, "id", "account.name" or "status" */
	int desc;
	/* /user/organizations: the accepted and pending ones, as legacy
	 * organizations (status "member" or "invited"; order "id", "name"
	 * or "status" of those); @match_any: a row passes the status or the
	 * name filter, not both */
	int legacy;
	int match_any;
};
/* A page of the caller's memberships (or invitations), in the order they
 * were made unless @f orders them. */
enum store_rc store_memberships_list(struct store *st, const struct user *u,
				     const struct membership_filter *f, int64_t offset, int limit,
				     cJSON **out, int64_t *out_total);
/* Membership @id of the caller (@invite: as an invitation, while
 * pending). STORE_NOT_FOUND: none of the caller's has that id. */
enum store_rc store_memberships_get(struct store *st, const struct user *u, const char *id,
				    int invite, cJSON **out);
/* Accepts or rejects (@status) a pending membership; the same status
 * again is a no-op. STORE_CONFLICT: it was answered already the other way
 * (*out_was, 16 bytes, says how). */
enum store_rc store_memberships_update(struct store *st, const struct user *u, const char *id,
				       int invite, const char *status, cJSON **out,
				       char *out_was);
/* The caller leaves the account: the member is removed. */
enum store_rc store_memberships_delete(struct store *st, const struct user *u, const char *id);
/* The legacy organization (CONTRACT.md 10.6) that is account @account_id,
 * of which the caller is an accepted or pending member. */
enum store_rc store_memberships_get_organization(struct store *st, const struct user *u,
						 const char *account_id, cJSON **out);
/* The caller leaves account @account_id (any status of membership). */
enum store_rc store_memberships_delete_organization(struct store *st, const struct user *u,
						    const char *account_id);

/* --- the audit log (store_audit_logs.c) --- */

/* One entry, as the recorder (audit.c) or fixtures give it. The strings
 * are borrowed; NULL: none. */
struct audit_entry {
	const char *id;             /* NULL: a new one */
	int64_t time_ms;
	const char *account_id, *account_name, *org_id;
	const char *actor_user;     /* the acting user's id (NULL: an account token) */
	const char *action_type, *description, *result;
	const char *actor_id, *actor_email, *actor_type, *actor_context;
	const char *token_id, *token_name, *ip;
	const char *method, *uri, *ray_id, *user_agent;
	int status;
	const char *resource_id, *product, *rtype, *scope;
	const char *request, *response; /* JSON texts */
	/* the recorder only: the email and token name are looked up from these */
	int64_t user_seq, token_seq;
};
enum store_rc store_audit_logs_add(struct store *st, const struct audit_entry *e);

/* The savepoint a change and its entry share: begin, then end with @keep 1
 * (release) or 0 (undo). changed: whether the database changed since the
 * begin. */
int store_audit_logs_begin(struct store *st);
int store_audit_logs_changed(struct store *st);
int store_audit_logs_end(struct store *st, int keep);
/* The name of account @id (*out owned; STORE_NOT_FOUND: none). */
enum store_rc store_audit_logs_account_name(struct store *st, const char *id, char **out);
/* The account of @u's membership @id: its id (ID_LEN + 1 bytes) and name. */
enum store_rc store_audit_logs_membership_account(struct store *st, const struct user *u,
						  const char *id, char *out_id, char **out_name);

enum audit_log { AUDIT_LOG_ACCOUNT, AUDIT_LOG_ORG, AUDIT_LOG_USER };
/* What a filter compares (the v2 names; v1's map onto them). */
enum audit_col {
	AUDIT_ID, AUDIT_ACCOUNT_NAME, AUDIT_ACTION_RESULT, AUDIT_ACTION_TYPE,
	AUDIT_ACTOR_CONTEXT, AUDIT_ACTOR_EMAIL, AUDIT_ACTOR_ID, AUDIT_ACTOR_IP,
	AUDIT_ACTOR_TOKEN_ID, AUDIT_ACTOR_TOKEN_NAME, AUDIT_ACTOR_TYPE, AUDIT_RAY_ID,
	AUDIT_METHOD, AUDIT_STATUS, AUDIT_URI, AUDIT_RESOURCE_ID, AUDIT_PRODUCT,
	AUDIT_RTYPE, AUDIT_SCOPE, AUDIT_ZONE_ID, AUDIT_ZONE_NAME,
	AUDIT_ACTOR_IP_CIDR, /* v1's actor.ip: an address or a CIDR range */
	AUDIT_COLS
};
/* One value of a filter: rows whose column is one of a column's values
 * (@negate 0), and none of its negated ones. */
struct audit_filter {
	enum audit_col col;
	int negate;
	const char *value;
};
struct audit_query {
	enum audit_log log;
	const char *key;                  /* the account, organization or user id */
	const struct user *user;          /* an organization's log: the caller, who must see it */
	int64_t since, before;            /* since <= time < before (ms) */
	int desc;
	const struct audit_filter *filters;
	int nfilters;
	int hide_user;                    /* leave out user-level entries */
	int limit;                        /* rows in the page */
	/* a cursor page (v2): after the row (after_time, after_seq) */
	int has_after;
	int64_t after_time, after_seq;
	int64_t offset;                   /* a numbered page (v1) */
	int numbered;                     /* v1: the page holds all @limit rows, not
					   * a cursor page cut at STORE_PAGE_BYTES */
};
/* A page of entries in the Audit Logs v2 shape (an organization's with
 * "organization" for "account"). Cursor pages set *out_more and the last
 * row's key; numbered ones *out_total when it is not NULL. */
enum store_rc store_audit_logs_list(struct store *st, const struct audit_query *q, cJSON **out,
				    int *out_more, int64_t *out_last_time, int64_t *out_last_seq,
				    int64_t *out_total);
/* Fixtures and state exports: every entry, oldest first (with
 * "organization" when it is in an organization's log), and back. */
enum store_rc store_audit_logs_export(struct store *st, cJSON **out);

/* --- the whole state (the control API) --- */

/* Empties the database (users, organizations, accounts, members,
 * Idempotency-Keys; the schema stays) in one transaction, and makes a new
 * page-token secret, so no token from before answers after. */
enum store_rc store_control_reset(struct store *st);
/* The whole state in the fixtures format (fixtures.c reads it back). With
 * @dashboard, the dashboard's index of it instead: the users with no
 * secret (no API key, service key or token value; each says which
 * "credential_kinds" it has), and every organization and account in one
 * flat list each, a row an array: [id, name, parent organization's id or
 * null, owner's email]; no audit log. */
enum store_rc store_control_state(struct store *st, int dashboard, cJSON **out);
/* The user @user_id as a request made with its email and key would be
 * (no token: it sees all the user sees), for GET /_cfmock/as/{user_id}.
 * STORE_NOT_FOUND: no such user. */
enum store_rc store_control_as_user(struct store *st, const char *user_id, struct user *out);

/* Snapshots: whole copies of the database, made and restored with
 * SQLite's backup API, kept in memory (at most @max of them). */
/* STORE_CONFLICT: @max snapshots exist already (and @name is not one). */
enum store_rc store_control_snapshot_save(struct store *st, const char *name, int max);
/* STORE_NOT_FOUND: no snapshot @name. */
enum store_rc store_control_snapshot_restore(struct store *st, const char *name);
enum store_rc store_control_snapshot_delete(struct store *st, const char *name);
void store_control_snapshots_clear(struct store *st);
/* {"snapshots": [{name, created_at, bytes}]}, oldest first. */
cJSON *store_control_snapshots_list(struct store *st);

#endif
