/* store_internal.h: what the store*.c files share, and nothing outside
 * them may see (SQLite's vdbeInt.h, git's refs-internal.h): the store's
 * struct, the one rule of visibility, the engine that store.c provides to
 * the resource files (statements, transactions, the list runner, fresh
 * ids), and the row builders and probes one resource file lends another.
 *
 * The files: store.c the engine (open, migrations, the checkpointer, the
 * statement cache, transactions and group commit, the list runner);
 * store_users.c, store_organizations.c, store_accounts.c,
 * store_org_members.c, store_account_members.c one resource each (the SQL
 * of its routes); store_control.c reset, the state export and snapshots. */
#ifndef CFMOCK_STORE_INTERNAL_H
#define CFMOCK_STORE_INTERNAL_H

#include <sqlite3.h>
#include <stdint.h>

#include "rules.h"
#include "store.h"

/* Who sees what, the one rule of visibility (store.h).
 *
 * Organizations: @u sees those it created, those where it is an active
 * member, and all below them. That set is kept in org_access: a new
 * organization gets the rows of its parent plus its creator's, and
 * access_grant() / access_revoke() add and take away one user's rows
 * when a membership comes or goes. Queries only ever join org_access.
 *
 * Accounts (alias "a"): @u sees those inside an organization it sees and
 * those where it is an accepted member (an account's creator is one); an
 * account-owned token sees its account alone. An issued token sees of
 * these only those its policies reach (u->scope; account_visible() and
 * account_scope_sql() apply it). The fragment takes the user's seq twice
 * and the token's account; it is written with correlated
 * EXISTS so each test is one index probe, whatever the store's size (an IN
 * (SELECT ...) would build the user's whole set on every query). */
#define ACCOUNT_VISIBLE                                                                      \
	"(EXISTS (SELECT 1 FROM org_access x WHERE x.user_seq = ? AND x.org_seq = a.org_seq) " \
	"OR EXISTS (SELECT 1 FROM account_members y WHERE y.account_seq = a.seq "              \
	"AND y.user_seq = ? AND y.status = 'accepted') OR a.seq = ?)"
/* Binds ACCOUNT_VISIBLE's three values: the user's seq twice (0 for an
 * account-owned token, which no row names), then the account-owned
 * token's account (0: none). */
#define ACCOUNT_VISIBLE_BINDS 3

/* --- the store --- */

struct snapshot {
	char *name;
	sqlite3 *db; /* an in-memory copy */
	int64_t created_ms;
	struct snapshot *next;
};

#define STMT_CACHE 64

struct cached {
	char *sql;
	const char *caller_sql; /* the text it was asked for with: a literal, most often */
	uint64_t hash;
	sqlite3_stmt *stmt;
	int in_use;
	uint64_t last_used;
};

struct checkpointer;

/* A v1 audit-log page's total_count, kept so that the next one counts only
 * the entries written since (store_audit_logs.c): entries are only ever
 * added, at a higher seq, until a reset, restore or fixture load, which
 * change the entry at @upto and so are seen. */
#define AUDIT_COUNTS 16
struct audit_count {
	char *key;              /* the count's WHERE clause and its values */
	int64_t n;              /* the entries it matches with seq <= upto */
	int64_t upto;
	char upto_id[32 + 1];   /* the id of the entry at upto when it was counted */
	uint64_t last_used;
};

struct store {
	sqlite3 *db;
	int lock_fd;                /* flock()ed: one cfmock per file */
	struct checkpointer *ckpt;  /* NULL for :memory: */
	struct cached cache[STMT_CACHE];
	uint64_t tick;
	int depth; /* transactions open */
	sqlite3_int64 group_changes; /* sqlite3_total_changes64() when the group began */
	sqlite3_int64 audit_changes; /* and when the audited change's savepoint began */
	int schema_version;
	unsigned char secret[16];
	struct snapshot *snapshots; /* oldest first */
	struct audit_count audit_counts[AUDIT_COUNTS];
	int reader;                 /* store_open_reader(): reads only */
};

/* --- the engine (store.c) --- */

/* Logs SQLite's message with where it happened; evaluates to STORE_ERROR. */
#define SQLERR(st) sql_error((st), __FILE__, __LINE__)
enum store_rc sql_error(struct store *st, const char *file, int line);
/* A statement for @sql: from the cache when one for the same text is free
 * (parsing and planning cost more than most of cfmock's queries), else a
 * new one, cached when there is room. Give it back with sql_done(). */
sqlite3_stmt *sql_prep(struct store *st, const char *sql);
/* Gives back a statement from sql_prep(): reset for its next use if cached,
 * finalized if not. NULL is a no-op. */
void sql_done(struct store *st, sqlite3_stmt *stmt);
void sql_bind_text(sqlite3_stmt *stmt, int i, const char *s);
const char *sql_col_text(sqlite3_stmt *stmt, int i);
/* Runs @sql; -1 on failure, leaving the message in sqlite3_errmsg(). Quiet:
 * at start-up the caller turns the failure into one line, at run time
 * sql_begin() and sql_commit() log it. */
int sql_exec(struct store *st, const char *sql);
/* Transactions nest: the outermost is BEGIN IMMEDIATE (so a second
 * process on the same file waits for the lock up front instead of failing
 * halfway), inner ones are savepoints. This lets the fixtures loader wrap
 * many store calls, each a transaction of its own, into one, and the
 * server run many writes in one group (store_group_begin()). */
int sql_begin(struct store *st);
void sql_rollback(struct store *st);
/* Ends a write: commits on STORE_OK, rolls back otherwise. */
enum store_rc sql_finish(struct store *st, enum store_rc rc);
/* Finishes a write that answers with a tree: on failure, *out is dropped. */
enum store_rc sql_finish_out(struct store *st, enum store_rc rc, cJSON **out);
/* Runs a one-statement write whose first parameters are already bound;
 * binds @seq as parameter @i. */
enum store_rc sql_step_write(struct store *st, sqlite3_stmt *stmt, int i, int64_t seq);
/* The one row @sql (with one "?" for a seq) finds, made by @from_row. */
enum store_rc sql_row_by_seq(struct store *st, const char *sql, int64_t seq,
			     cJSON *(*from_row)(sqlite3_stmt *), cJSON **out);
/* A new id that no row of @table holds. Random ids practically never
 * collide, but a seeded run restarted on an old database replays its
 * stream, so the ones already given out are skipped. */
enum store_rc sql_fresh_id(struct store *st, const char *exists_sql, char *out);
int sql_load_secret(struct store *st);

/* Ids taken, for sql_fresh_id(). */
#define USER_ID_TAKEN "SELECT 1 FROM users WHERE id = ?"
#define ORG_ID_TAKEN "SELECT 1 FROM organizations WHERE id = ?"
#define ACCOUNT_ID_TAKEN "SELECT 1 FROM accounts WHERE id = ?"
#define MEMBER_ID_TAKEN "SELECT 1 FROM org_members WHERE id = ?1 UNION ALL " \
	"SELECT 1 FROM account_members WHERE id = ?1"

/* --- the list runner (store.c) --- */

struct strbuf; /* util.h */

/* Values to bind, in order, for a query built from fragments. Text values
 * are owned by the list. */
struct binds {
	struct {
		int is_text;
		int64_t i;
		char *s;
	} v[1024 + 16];
	int n;
};

void binds_add_int(struct binds *b, int64_t i);
/* Takes ownership of @s. */
void binds_add_text(struct binds *b, char *s);
/* Drops the values past the first @n (a query's own, added for it alone). */
void binds_truncate(struct binds *b, int n);
void binds_release(struct binds *b);
/* How a name or email filter compares: with the whole value, its start,
 * its end, or anywhere in it. */
enum match { MATCH_EQUAL, MATCH_PREFIX, MATCH_SUFFIX, MATCH_CONTAINS };
/* Appends " AND cf_match(@folded, ?, @how)" and binds @value folded by
 * utf8_lower(); nothing when @value is NULL. @folded is SQL whose value is
 * folded the same way (cf_lower(column), or a column kept folded).
 * cf_match compares bytes in linear time (memcmp, memmem), so a filter
 * costs a row at most the two lengths, never their product as LIKE's
 * backtracking did. */
void sql_match(struct strbuf *sql, struct binds *b, const char *folded, enum match how,
	       const char *value);
/* The count of a query built in @sql with @b. */
enum store_rc sql_count(struct store *st, const char *sql, const struct binds *b,
			int64_t *out);
/* Forgets the kept audit-log counts (store_close). */
void audit_counts_clear(struct store *st);
/* Runs the list query @sql with @b, adding each row made by @from_row to a
 * new array *out (and the row's first column, its seq, to *out_last; its
 * column @key_col, if >= 0, to *out_last_key); with @limit >= 0 (a cursor
 * page), stops after that many, or before the rows' JSON would pass
 * STORE_PAGE_BYTES (one row at least), and sets *out_more if another
 * follows. */
/* What one cursor page may answer, estimated from its rows (README
 * "Limits and security"): a page costs the server time in proportion to its
 * bytes, and the server answers one request at a time. CF-API: page_size is
 * "The amount of items to return"; as AIP-158 allows, a page may hold fewer,
 * and its next_page_token then goes on from its last item. */
#define STORE_PAGE_BYTES (1024 * 1024)
enum store_rc sql_collect(struct store *st, const char *sql, const struct binds *b,
			  cJSON *(*from_row)(sqlite3_stmt *), int limit, cJSON **out,
			  int64_t *out_last, int key_col, char **out_last_key, int *out_more);

/* --- building answers (store.c) --- */

/* Members whose keys are string constants: cJSON keeps the key's pointer
 * instead of a copy (and row_add_const() the value's too). A page of 50
 * organizations made ~3,000 small allocations: 45% of its time, in
 * callgrind. */
cJSON *row_add_obj(cJSON *o, const char *key);
void row_add_str(cJSON *o, const char *key, const char *value);
void row_add_const(cJSON *o, const char *key, const char *value);

/* --- users (store_users.c) --- */

/* The email a user is shown with, for a users table aliased @u: its own, or
 * for a user made from a token or a service key (no email_key; its id in
 * "email") the label "<id>@users.cfmock.invalid". */
#define USER_EMAIL(u) \
	"(CASE WHEN " u ".email_key IS NULL THEN " u ".email || '@" RULES_SYNTHETIC_DOMAIN \
	"' ELSE " u ".email END)"

/* The user with @email, made (with no credentials) if there is none. */
enum store_rc user_for_email(struct store *st, const char *email, int64_t *out_seq);
/* The user (seq, id, tenant_admin: the first three columns) of the one row
 * @sql finds with the text @value; STORE_NOT_FOUND: none. */
enum store_rc user_one(struct store *st, const char *sql, const char *value, struct user *out);
/* The user of a member, as the Organizations-API shows it: cols are
 * id, email, first_name, last_name from @col. */
cJSON *member_user(sqlite3_stmt *stmt, int col);

/* --- API tokens (store_tokens.c) --- */

/* Adds the issued tokens whose @col ("user_seq" or "account_seq", fixed
 * names) is @seq to @parent's "tokens" array, in the fixtures format (the
 * API's shape with "value"). */
enum store_rc tokens_export(struct store *st, const char *col, int64_t seq, cJSON *parent);

/* --- organizations and profiles (store_organizations.c) --- */

#define PROFILE_FIELDS 5

#define ORG_COLS                                                                          \
	"o.seq, o.id, o.name, o.create_time, o.tags, c.id, p.id, p.name, "               \
	"o.business_address, o.business_email, o.business_name, o.business_phone, "      \
	"o.external_metadata"
#define ORG_JOINS                                                                         \
	" JOIN users c ON c.seq = o.creator_seq "                                        \
	"LEFT JOIN organizations p ON p.seq = o.parent_seq"
#define ORG_FROM "organizations o" ORG_JOINS
#define ORG_COL_PROFILE 8

/* What an answer may name: never an organization the caller gets 404
 * for. A user sees an organization and all below it (the visibility rule),
 * so what it sees of a chain is the chain's lower end; one who sees only a
 * sub-organization (an active member of it, or its creator who lost access
 * above) must not be shown the ids and names above it in parent,
 * meta.hierarchy_tags or an account's managed_by. The answers are built
 * row by row without the caller, then trimmed: org_hide_unseen() takes out
 * of an Organization what names an organization @u does not see, and
 * account_hide_unseen() an account's managed_by. @seen remembers the last
 * ids looked up, so a page of siblings costs one probe. */
struct org_seen {
	char id[16][ID_LEN + 1];
	unsigned char visible[16];
	int n, next;
};
#define ORG_SEEN_INIT { .n = 0 }
int org_id_seen(struct store *st, const struct user *u, struct org_seen *seen, const char *id);
void org_hide_unseen(struct store *st, const struct user *u, struct org_seen *seen, cJSON *org);
void account_hide_unseen(struct store *st, const struct user *u, struct org_seen *seen,
			 cJSON *account);

/* The internal key of organization @id if @u can see it. */
enum store_rc org_visible(struct store *st, const struct user *u, const char *id,
			  int64_t *out_seq);
/* The parent's key and tags, if @u can see it (@u NULL: whoever sees it;
 * fixtures, which write a state as it was, not as a user would make it). */
enum store_rc org_parent(struct store *st, const struct user *u, const char *id,
			 int64_t *out_seq, char **out_tags);
cJSON *org_from_row(sqlite3_stmt *stmt);
/* The profile's fields in the order of store_profile_keys. */
void profile_fields(const struct profile *p, const char **out);
cJSON *profile_from_row(sqlite3_stmt *stmt, int col);
/* The profile columns of row @seq in @table ("organizations" or
 * "accounts": both keep the profile in the same five columns). */
enum store_rc profile_read(struct store *st, const char *table, int64_t seq, cJSON **out);
enum store_rc profile_write(struct store *st, const char *table, int64_t seq,
			    const struct profile *p);

/* --- accounts (store_accounts.c) --- */

#define ACCOUNT_COLS                                                                         \
	"a.seq, a.id, a.name, a.type, a.created_on, a.abuse_contact_email, "              \
	"a.enforce_twofactor, o.id, o.name, a.name_key"
#define ACCOUNT_FROM "accounts a LEFT JOIN organizations o ON o.seq = a.org_seq"
#define ACCOUNT_COL_NAME_KEY 9

/* Where a visible account sits. */
struct account_pos {
	int64_t seq;
	int64_t org_seq; /* 0: stand-alone */
};

/* Appends to @sql the condition that keeps the accounts (alias "a") an
 * issued token reaches (u->scope): nothing when it reaches all. */
void account_scope_sql(struct strbuf *sql, const struct user *u);

/* An account in its IAM shape, from a row of ACCOUNT_COLS (from column 0). */
cJSON *account_from_row(sqlite3_stmt *stmt);

/* The position of account @id if @u can see it. */
enum store_rc account_visible(struct store *st, const struct user *u, const char *id,
			      struct account_pos *out);

/* --- members (store_org_members.c, store_account_members.c) --- */

/* Keeps what user @user_seq sees (store.h's rule) true after it became an
 * active member of organization @org_seq (grant), or stopped being one
 * (revoke: call it once the membership is gone). */
enum store_rc access_grant(struct store *st, int64_t user_seq, int64_t org_seq);
enum store_rc access_revoke(struct store *st, int64_t user_seq, int64_t org_seq);
/* The key (and user) of member @member_id of the organization or account
 * with key @parent_seq: @table is "org_members" or "account_members",
 * @parent_col its "org_seq" or "account_seq" (fixed names, never input). */
enum store_rc member_lookup(struct store *st, const char *table, const char *parent_col,
			    int64_t parent_seq, const char *member_id, int64_t *out_seq,
			    int64_t *out_user_seq);

/* A member's policies (@text, the stored JSON, or NULL) as answered:
 * resource groups with their scope (account @account_id's). */
cJSON *member_policies(const char *text, const char *account_id);

enum store_rc account_member_insert(struct store *st, const char *id,
				    int64_t account_seq, int64_t user_seq,
				    const char *status, const char *roles,
				    const char *policies, const char *create_time,
				    int64_t *out_seq);

#endif
