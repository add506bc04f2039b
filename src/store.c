/* store.c: all of cfmock's SQL (see store.h). Returns cJSON trees owned by
 * the caller; never lets a statement or a column pointer out. Statements
 * are prepared per call: at cfmock's sizes that is simpler than a cache. */
#include "store.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "ids.h"
#include "util.h"

struct store {
	sqlite3 *db;
	int depth; /* transactions open */
	int schema_version;
	unsigned char secret[16];
};

/* Who sees what, the one rule of visibility (store.h). An organization is
 * visible to @u when org_access has the pair (kept up to date on every
 * write). An account (alias "a") is visible to its creator and to whoever
 * sees the organization holding it; the fragment takes the user's seq
 * twice. */
#define ACCT_VISIBLE                                                                      \
	"(a.creator_seq = ? OR a.org_seq IN (SELECT org_seq FROM org_access WHERE user_seq = ?))"

/* Logs SQLite's message with where it happened; evaluates to STORE_ERROR. */
#define SQLERR(st) sql_error((st), __FILE__, __LINE__)

static enum store_rc sql_error(struct store *st, const char *file, int line)
{
	error("%s:%d: sqlite: %s", file, line, sqlite3_errmsg(st->db));
	return STORE_ERROR;
}

static sqlite3_stmt *prep(struct store *st, const char *sql)
{
	sqlite3_stmt *stmt = NULL;
	if (sqlite3_prepare_v2(st->db, sql, -1, &stmt, NULL) != SQLITE_OK) {
		error("cannot prepare '%.60s...': %s", sql, sqlite3_errmsg(st->db));
		return NULL;
	}
	return stmt;
}

static void bind_text(sqlite3_stmt *stmt, int i, const char *s)
{
	if (s)
		sqlite3_bind_text(stmt, i, s, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(stmt, i);
}

static const char *col_text(sqlite3_stmt *stmt, int i)
{
	const unsigned char *s = sqlite3_column_text(stmt, i);
	return s ? (const char *)s : NULL;
}

/* Runs @sql; -1 on failure, leaving the message in sqlite3_errmsg(). Quiet:
 * at start-up the caller turns the failure into one line, at run time
 * begin() and commit() log it. */
static int exec(struct store *st, const char *sql)
{
	return sqlite3_exec(st->db, sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
}

/* Transactions nest: the outermost is BEGIN IMMEDIATE (so a second
 * process on the same file waits for the lock up front instead of failing
 * halfway), inner ones are savepoints. This lets the fixtures loader wrap
 * many store calls, each a transaction of its own, into one. */
static int begin(struct store *st)
{
	if (exec(st, st->depth ? "SAVEPOINT nested" : "BEGIN IMMEDIATE") < 0)
		return error("sqlite: cannot begin a transaction: %s", sqlite3_errmsg(st->db));
	st->depth++;
	return 0;
}

static void rollback(struct store *st)
{
	if (!st->depth)
		return;
	st->depth--;
	if (st->depth)
		exec(st, "ROLLBACK TO nested; RELEASE nested");
	else
		exec(st, "ROLLBACK");
}

static int commit(struct store *st)
{
	if (exec(st, st->depth > 1 ? "RELEASE nested" : "COMMIT") < 0) {
		error("sqlite: cannot commit: %s", sqlite3_errmsg(st->db));
		rollback(st);
		return -1;
	}
	st->depth--;
	return 0;
}

/* Ends a write: commits on STORE_OK, rolls back otherwise. */
static enum store_rc finish(struct store *st, enum store_rc rc)
{
	if (rc == STORE_OK) {
		if (commit(st) < 0)
			return STORE_ERROR;
	} else {
		rollback(st);
	}
	return rc;
}

/* Runs a one-statement write whose first parameters are already bound;
 * binds @seq as parameter @i. */
static enum store_rc step_write(struct store *st, sqlite3_stmt *stmt, int i, int64_t seq)
{
	enum store_rc rc = STORE_OK;

	if (!stmt)
		return STORE_ERROR;
	sqlite3_bind_int64(stmt, i, seq);
	if (sqlite3_step(stmt) != SQLITE_DONE)
		rc = SQLERR(st);
	sqlite3_finalize(stmt);
	return rc;
}

int store_transaction(struct store *st, int (*fn)(struct store *st, void *arg), void *arg)
{
	int rc;

	if (begin(st) < 0)
		return -1;
	rc = fn(st, arg);
	if (rc == 0)
		return commit(st);
	rollback(st);
	return rc;
}

/* --- opening --- */

static int int_query(struct store *st, const char *sql, int64_t *out)
{
	sqlite3_stmt *stmt = prep(st, sql);
	int rc = -1;

	if (stmt && sqlite3_step(stmt) == SQLITE_ROW) {
		*out = sqlite3_column_int64(stmt, 0);
		rc = 0;
	}
	sqlite3_finalize(stmt);
	return rc;
}

static int load_secret(struct store *st)
{
	sqlite3_stmt *stmt = prep(st, "SELECT value FROM settings WHERE key = 'page_token_secret'");
	const char *hex;
	int rc = -1;
	size_t i;

	if (!stmt)
		return -1;
	if (sqlite3_step(stmt) == SQLITE_ROW && (hex = col_text(stmt, 0)) && strlen(hex) == 32) {
		for (i = 0; i < 16; i++) {
			unsigned v;
			if (sscanf(hex + 2 * i, "%2x", &v) != 1)
				break;
			st->secret[i] = (unsigned char)v;
		}
		rc = i == 16 ? 0 : -1;
	}
	sqlite3_finalize(stmt);
	if (rc == 0)
		return 0;

	{
		char hexbuf[33];
		ids_secret_bytes(st->secret, sizeof(st->secret));
		for (i = 0; i < 16; i++)
			snprintf(hexbuf + 2 * i, 3, "%02x", st->secret[i]);
		stmt = prep(st, "INSERT OR REPLACE INTO settings(key, value) VALUES ('page_token_secret', ?)");
		if (!stmt)
			return -1;
		bind_text(stmt, 1, hexbuf);
		rc = sqlite3_step(stmt) == SQLITE_DONE ? 0 : -1;
		sqlite3_finalize(stmt);
	}
	return rc;
}

static int migrate(struct store *st, char **err)
{
	const struct migration *m;
	int64_t version;
	int latest = 0;

	for (m = store_migrations; m->version; m++)
		latest = m->version;
	if (int_query(st, "PRAGMA user_version", &version) < 0) {
		*err = xasprintf("cannot read the database: %s", sqlite3_errmsg(st->db));
		return -1;
	}
	if (version > latest) {
		*err = xasprintf("the database is at schema version %lld, newer than this cfmock "
				 "knows (%d)", (long long)version, latest);
		return -1;
	}
	for (m = store_migrations; m->version; m++) {
		char *msg = NULL;
		char *bump;

		if (m->version <= version)
			continue;
		bump = xasprintf("PRAGMA user_version = %d", m->version);
		if (begin(st) < 0 ||
		    sqlite3_exec(st->db, m->sql, NULL, NULL, &msg) != SQLITE_OK ||
		    exec(st, bump) < 0 || commit(st) < 0) {
			*err = xasprintf("cannot apply schema %s: %s", m->name,
					 msg ? msg : sqlite3_errmsg(st->db));
			sqlite3_free(msg);
			free(bump);
			rollback(st);
			return -1;
		}
		free(bump);
	}
	st->schema_version = latest;
	return 0;
}

/* cf_lower(text): utf8_lower() for SQL, so name filters fold case over
 * all of Unicode, not only ASCII as LIKE does. */
static void sql_cf_lower(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const char *s = (const char *)sqlite3_value_text(argv[0]);
	size_t len;
	char *low;

	(void)argc;
	if (!s) {
		sqlite3_result_null(ctx);
		return;
	}
	low = utf8_lower(s, (size_t)sqlite3_value_bytes(argv[0]), &len);
	sqlite3_result_text(ctx, low, (int)len, free);
}

struct store *store_open(const char *path, char **err)
{
	struct store *st = xcalloc(1, sizeof(*st));
	int memory = strcmp(path, ":memory:") == 0;

	*err = NULL;
	if (sqlite3_open_v2(path, &st->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
	    SQLITE_OK) {
		*err = xasprintf("cannot open database '%s': %s", path,
				 st->db ? sqlite3_errmsg(st->db) : "out of memory");
		goto fail;
	}
	sqlite3_extended_result_codes(st->db, 1);
	sqlite3_create_function(st->db, "cf_lower", 1,
				SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, NULL,
				sql_cf_lower, NULL, NULL);
	sqlite3_busy_timeout(st->db, 5000);
	/* WAL with synchronous=NORMAL: a write that was answered survives a
	 * crash of the process (the OS holds the log); only a power loss can
	 * take the last transactions back. */
	if (exec(st, "PRAGMA foreign_keys = ON") < 0 ||
	    (!memory && exec(st, "PRAGMA journal_mode = WAL") < 0) ||
	    exec(st, "PRAGMA synchronous = NORMAL") < 0) {
		*err = xasprintf("cannot use database '%s': %s", path, sqlite3_errmsg(st->db));
		goto fail;
	}
	if (migrate(st, err) < 0)
		goto fail;
	if (load_secret(st) < 0) {
		*err = xasprintf("cannot write to database '%s': %s", path, sqlite3_errmsg(st->db));
		goto fail;
	}
	return st;
fail:
	store_close(st);
	return NULL;
}

void store_close(struct store *st)
{
	if (!st)
		return;
	sqlite3_close(st->db);
	free(st);
}

int store_schema_version(struct store *st)
{
	return st->schema_version;
}

const unsigned char *store_secret(struct store *st)
{
	return st->secret;
}

int store_is_empty(struct store *st)
{
	int64_t n = 1;
	if (int_query(st, "SELECT (SELECT count(*) FROM users) + (SELECT count(*) FROM organizations) "
			  "+ (SELECT count(*) FROM accounts)",
		      &n) < 0)
		return 0;
	return n == 0;
}

/* --- ids --- */

/* A new id that no row of @table holds. Random ids practically never
 * collide, but a seeded run restarted on an old database replays its
 * stream, so the ones already given out are skipped. */
static enum store_rc fresh_id(struct store *st, const char *exists_sql, char *out)
{
	sqlite3_stmt *stmt = prep(st, exists_sql);
	enum store_rc rc = STORE_ERROR;
	int step, tries;

	if (!stmt)
		return STORE_ERROR;
	for (tries = 0; tries < 1000; tries++) {
		ids_new(out);
		sqlite3_reset(stmt);
		bind_text(stmt, 1, out);
		step = sqlite3_step(stmt);
		if (step == SQLITE_DONE) {
			rc = STORE_OK;
			break;
		}
		if (step != SQLITE_ROW) {
			rc = SQLERR(st);
			break;
		}
	}
	sqlite3_finalize(stmt);
	return rc;
}

#define USER_ID_TAKEN "SELECT 1 FROM users WHERE id = ?"
#define ORG_ID_TAKEN "SELECT 1 FROM organizations WHERE id = ?"
#define ACCOUNT_ID_TAKEN "SELECT 1 FROM accounts WHERE id = ?"

/* --- users --- */

static const char *const cred_kinds[] = { "token", "key", "service_key" };

static enum store_rc user_insert(struct store *st, const char *id, const char *email,
				 struct user *out)
{
	sqlite3_stmt *stmt = prep(st, "INSERT INTO users(id, email, create_time) VALUES (?, ?, ?)");
	char now[CLOCK_RFC3339_LEN + 1], idbuf[ID_LEN + 1];
	char *synth = NULL;
	enum store_rc rc = STORE_OK;
	int step;

	if (!stmt)
		return STORE_ERROR;
	if (!id) {
		if (fresh_id(st, USER_ID_TAKEN, idbuf) != STORE_OK) {
			sqlite3_finalize(stmt);
			return STORE_ERROR;
		}
		id = idbuf;
	}
	if (!email)
		email = synth = xasprintf("%s@users.cfmock.invalid", id);
	clock_now(now);
	bind_text(stmt, 1, id);
	bind_text(stmt, 2, email);
	bind_text(stmt, 3, now);
	step = sqlite3_step(stmt);
	if (step == SQLITE_CONSTRAINT_UNIQUE)
		rc = STORE_CONFLICT;
	else if (step != SQLITE_DONE)
		rc = SQLERR(st);
	else {
		out->seq = sqlite3_last_insert_rowid(st->db);
		memcpy(out->id, id, ID_LEN + 1);
	}
	sqlite3_finalize(stmt);
	free(synth);
	return rc;
}

static enum store_rc cred_insert(struct store *st, enum cred_kind kind, const char *secret,
				 int64_t user_seq)
{
	sqlite3_stmt *stmt = prep(st, "INSERT OR IGNORE INTO credentials(kind, secret, user_seq) "
				      "VALUES (?, ?, ?)");
	enum store_rc rc = STORE_OK;

	if (!stmt)
		return STORE_ERROR;
	bind_text(stmt, 1, cred_kinds[kind]);
	bind_text(stmt, 2, secret);
	sqlite3_bind_int64(stmt, 3, user_seq);
	if (sqlite3_step(stmt) != SQLITE_DONE)
		rc = SQLERR(st);
	sqlite3_finalize(stmt);
	return rc;
}

/* Looks the user up by credential (or by email for CRED_KEY). */
static enum store_rc user_find(struct store *st, enum cred_kind kind, const char *secret,
			       const char *email, struct user *out)
{
	sqlite3_stmt *stmt;
	enum store_rc rc = STORE_NOT_FOUND;
	int step;

	/* CF-API: with X-Auth-Email + X-Auth-Key the email names the user; in
	 * the default open mode any well-formed key is accepted for it. */
	if (kind == CRED_KEY) {
		stmt = prep(st, "SELECT seq, id FROM users WHERE email = ?");
		if (stmt)
			bind_text(stmt, 1, email);
	} else {
		stmt = prep(st, "SELECT u.seq, u.id FROM credentials c JOIN users u ON u.seq = c.user_seq "
				"WHERE c.kind = ? AND c.secret = ?");
		if (stmt) {
			bind_text(stmt, 1, cred_kinds[kind]);
			bind_text(stmt, 2, secret);
		}
	}
	if (!stmt)
		return STORE_ERROR;
	step = sqlite3_step(stmt);
	if (step == SQLITE_ROW) {
		out->seq = sqlite3_column_int64(stmt, 0);
		snprintf(out->id, sizeof(out->id), "%s", col_text(stmt, 1));
		rc = STORE_OK;
	} else if (step != SQLITE_DONE) {
		rc = SQLERR(st);
	}
	sqlite3_finalize(stmt);
	return rc;
}

enum store_rc store_users_resolve(struct store *st, enum cred_kind kind, const char *secret,
				  const char *email, struct user *out)
{
	enum store_rc rc = user_find(st, kind, secret, email, out);

	if (rc != STORE_NOT_FOUND)
		return rc;
	if (begin(st) < 0)
		return STORE_ERROR;
	rc = user_insert(st, NULL, kind == CRED_KEY ? email : NULL, out);
	if (rc == STORE_OK)
		rc = cred_insert(st, kind, secret, out->seq);
	return finish(st, rc);
}

enum store_rc store_users_add(struct store *st, const char *id, const char *email,
			      const char *api_key, struct user *out)
{
	enum store_rc rc;

	if (begin(st) < 0)
		return STORE_ERROR;
	rc = user_insert(st, id, email, out);
	if (rc == STORE_OK && api_key)
		rc = cred_insert(st, CRED_KEY, api_key, out->seq);
	return finish(st, rc);
}

enum store_rc store_users_add_token(struct store *st, const struct user *u, const char *token)
{
	sqlite3_stmt *stmt = prep(st, "INSERT INTO credentials(kind, secret, user_seq, token_id) "
				      "VALUES ('token', ?, ?, ?)");
	char token_id[ID_LEN + 1];
	enum store_rc rc = STORE_OK;
	int step;

	if (!stmt)
		return STORE_ERROR;
	ids_new(token_id);
	bind_text(stmt, 1, token);
	sqlite3_bind_int64(stmt, 2, u->seq);
	bind_text(stmt, 3, token_id);
	step = sqlite3_step(stmt);
	if (step == SQLITE_CONSTRAINT_PRIMARYKEY || step == SQLITE_CONSTRAINT_UNIQUE)
		rc = STORE_CONFLICT;
	else if (step != SQLITE_DONE)
		rc = SQLERR(st);
	sqlite3_finalize(stmt);
	return rc;
}

enum store_rc store_users_find_email(struct store *st, const char *email, struct user *out)
{
	return user_find(st, CRED_KEY, NULL, email, out);
}

/* --- organizations --- */

/* CF-API: meta.flags (five fields, spec c92b9b0f) and meta.tenant_flags
 * (eight, newer docs) are both optional; cfmock sends both so clients of
 * either generation find theirs. Every feature is on for a cfmock user. */
static const char *const org_flags[] = {
	"account_creation", "account_deletion", "account_migration", "account_mobility",
	"sub_org_creation",
};
static const char *const org_tenant_flags[] = {
	"account_creation", "account_creation_applies_tenant_defaults", "account_deletion",
	"account_migration", "account_mobility", "enterprise_capability", "member_management",
	"sub_org_creation",
};

const char *const store_profile_keys[] = {
	"business_address", "business_email", "business_name", "business_phone",
	"external_metadata", NULL,
};
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

/* The profile's fields in the order of store_profile_keys. */
static void profile_fields(const struct org_profile *p, const char **out)
{
	out[0] = p->business_address;
	out[1] = p->business_email;
	out[2] = p->business_name;
	out[3] = p->business_phone;
	out[4] = p->external_metadata;
}

static cJSON *profile_from_row(sqlite3_stmt *stmt, int col)
{
	cJSON *p = cJSON_CreateObject();
	size_t i;

	for (i = 0; i < PROFILE_FIELDS; i++) {
		const char *v = col_text(stmt, col + (int)i);
		cJSON_AddStringToObject(p, store_profile_keys[i], v ? v : "");
	}
	return p;
}

static cJSON *org_from_row(sqlite3_stmt *stmt)
{
	cJSON *o = cJSON_CreateObject(), *meta, *flags, *tags;
	const char *t;
	size_t i;

	cJSON_AddStringToObject(o, "id", col_text(stmt, 1));
	cJSON_AddStringToObject(o, "name", col_text(stmt, 2));
	cJSON_AddStringToObject(o, "create_time", col_text(stmt, 3));
	meta = cJSON_AddObjectToObject(o, "meta");
	flags = cJSON_AddObjectToObject(meta, "flags");
	for (i = 0; i < ARRAY_SIZE(org_flags); i++)
		cJSON_AddStringToObject(flags, org_flags[i], "enabled");
	flags = cJSON_AddObjectToObject(meta, "tenant_flags");
	for (i = 0; i < ARRAY_SIZE(org_tenant_flags); i++)
		cJSON_AddStringToObject(flags, org_tenant_flags[i], "enabled");
	/* CF-API: hierarchy_tags runs root -> self; an organization's tag is
	 * its id. managed_by names the user that created it. */
	tags = cJSON_AddArrayToObject(meta, "hierarchy_tags");
	for (t = col_text(stmt, 4); t && *t;) {
		size_t len = strcspn(t, ",");
		char *tag = xstrndup(t, len);
		cJSON_AddItemToArray(tags, cJSON_CreateString(tag));
		free(tag);
		t += len + (t[len] == ',');
	}
	cJSON_AddStringToObject(meta, "managed_by", col_text(stmt, 5));
	if (col_text(stmt, 6)) {
		cJSON *parent = cJSON_AddObjectToObject(o, "parent");
		cJSON_AddStringToObject(parent, "id", col_text(stmt, 6));
		cJSON_AddStringToObject(parent, "name", col_text(stmt, 7));
	}
	if (col_text(stmt, ORG_COL_PROFILE))
		cJSON_AddItemToObject(o, "profile", profile_from_row(stmt, ORG_COL_PROFILE));
	return o;
}

/* The internal key of organization @id if @u can see it. */
static enum store_rc org_visible(struct store *st, const struct user *u, const char *id,
				 int64_t *out_seq)
{
	sqlite3_stmt *stmt = prep(st, "SELECT o.seq FROM organizations o JOIN org_access a "
				      "ON a.org_seq = o.seq AND a.user_seq = ? WHERE o.id = ?");
	enum store_rc rc = STORE_NOT_FOUND;
	int step;

	if (!stmt)
		return STORE_ERROR;
	sqlite3_bind_int64(stmt, 1, u->seq);
	bind_text(stmt, 2, id);
	step = sqlite3_step(stmt);
	if (step == SQLITE_ROW) {
		*out_seq = sqlite3_column_int64(stmt, 0);
		rc = STORE_OK;
	} else if (step != SQLITE_DONE) {
		rc = SQLERR(st);
	}
	sqlite3_finalize(stmt);
	return rc;
}

/* The one row @sql (with one "?" for a seq) finds, made by @from_row. */
static enum store_rc row_by_seq(struct store *st, const char *sql, int64_t seq,
				cJSON *(*from_row)(sqlite3_stmt *), cJSON **out)
{
	sqlite3_stmt *stmt = prep(st, sql);
	enum store_rc rc = STORE_NOT_FOUND;
	int step;

	if (!stmt)
		return STORE_ERROR;
	sqlite3_bind_int64(stmt, 1, seq);
	step = sqlite3_step(stmt);
	if (step == SQLITE_ROW) {
		*out = from_row(stmt);
		rc = STORE_OK;
	} else if (step != SQLITE_DONE) {
		rc = SQLERR(st);
	}
	sqlite3_finalize(stmt);
	return rc;
}

static enum store_rc org_by_seq(struct store *st, int64_t seq, cJSON **out)
{
	return row_by_seq(st, "SELECT " ORG_COLS " FROM " ORG_FROM " WHERE o.seq = ?", seq,
			  org_from_row, out);
}

/* The parent's key and tags, if @u can see it. */
static enum store_rc org_parent(struct store *st, const struct user *u, const char *id,
				int64_t *out_seq, char **out_tags)
{
	sqlite3_stmt *stmt = prep(st, "SELECT o.seq, o.tags FROM organizations o JOIN org_access a "
				      "ON a.org_seq = o.seq AND a.user_seq = ? WHERE o.id = ?");
	enum store_rc rc = STORE_NOT_FOUND;
	int step;

	if (!stmt)
		return STORE_ERROR;
	sqlite3_bind_int64(stmt, 1, u->seq);
	bind_text(stmt, 2, id);
	step = sqlite3_step(stmt);
	if (step == SQLITE_ROW) {
		*out_seq = sqlite3_column_int64(stmt, 0);
		*out_tags = xstrdup(col_text(stmt, 1));
		rc = STORE_OK;
	} else if (step != SQLITE_DONE) {
		rc = SQLERR(st);
	}
	sqlite3_finalize(stmt);
	return rc;
}

static enum store_rc org_insert(struct store *st, const struct user *u, const struct org_new *o,
				int64_t *out_seq)
{
	sqlite3_stmt *stmt = NULL;
	char idbuf[ID_LEN + 1], now[CLOCK_RFC3339_LEN + 1];
	const char *id = o->id;
	char *parent_tags = NULL, *tags = NULL;
	int64_t parent_seq = 0, seq;
	enum store_rc rc;
	int step;
	size_t i;

	if (o->parent_id) {
		rc = org_parent(st, u, o->parent_id, &parent_seq, &parent_tags);
		if (rc != STORE_OK)
			return rc;
	}
	if (!id) {
		rc = fresh_id(st, ORG_ID_TAKEN, idbuf);
		if (rc != STORE_OK) {
			free(parent_tags);
			return rc;
		}
		id = idbuf;
	}
	tags = parent_tags ? xasprintf("%s,%s", parent_tags, id) : xstrdup(id);
	clock_now(now);
	stmt = prep(st, "INSERT INTO organizations(id, name, parent_seq, creator_seq, tags, "
			"create_time, business_address, business_email, business_name, "
			"business_phone, external_metadata) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
	if (!stmt) {
		rc = STORE_ERROR;
		goto out;
	}
	bind_text(stmt, 1, id);
	bind_text(stmt, 2, o->name);
	if (parent_seq)
		sqlite3_bind_int64(stmt, 3, parent_seq);
	sqlite3_bind_int64(stmt, 4, u->seq);
	bind_text(stmt, 5, tags);
	bind_text(stmt, 6, o->create_time ? o->create_time : now);
	if (o->profile) {
		const char *fields[PROFILE_FIELDS];
		profile_fields(o->profile, fields);
		for (i = 0; i < PROFILE_FIELDS; i++)
			bind_text(stmt, 7 + (int)i, fields[i]);
	}
	step = sqlite3_step(stmt);
	if (step == SQLITE_CONSTRAINT_UNIQUE || step == SQLITE_CONSTRAINT_PRIMARYKEY) {
		rc = STORE_CONFLICT;
		goto out;
	}
	if (step != SQLITE_DONE) {
		rc = SQLERR(st);
		goto out;
	}
	seq = sqlite3_last_insert_rowid(st->db);
	sqlite3_finalize(stmt);

	/* Whoever sees the parent sees the child; the creator sees it too. */
	stmt = prep(st, "INSERT OR IGNORE INTO org_access(user_seq, org_seq) "
			"SELECT user_seq, ?1 FROM org_access WHERE org_seq = ?2 "
			"UNION SELECT ?3, ?1");
	if (!stmt) {
		rc = STORE_ERROR;
		goto out;
	}
	sqlite3_bind_int64(stmt, 1, seq);
	sqlite3_bind_int64(stmt, 2, parent_seq);
	sqlite3_bind_int64(stmt, 3, u->seq);
	if (sqlite3_step(stmt) != SQLITE_DONE) {
		rc = SQLERR(st);
		goto out;
	}
	*out_seq = seq;
	rc = STORE_OK;
out:
	sqlite3_finalize(stmt);
	free(parent_tags);
	free(tags);
	return rc;
}

enum store_rc store_orgs_create(struct store *st, const struct user *u,
				const struct org_new *o, cJSON **out)
{
	enum store_rc rc;
	int64_t seq = 0;

	*out = NULL;
	if (begin(st) < 0)
		return STORE_ERROR;
	rc = org_insert(st, u, o, &seq);
	if (rc == STORE_OK)
		rc = org_by_seq(st, seq, out);
	rc = finish(st, rc);
	if (rc != STORE_OK && *out) {
		cJSON_Delete(*out);
		*out = NULL;
	}
	return rc;
}

enum store_rc store_orgs_get(struct store *st, const struct user *u, const char *id,
			     cJSON **out)
{
	int64_t seq;
	enum store_rc rc = org_visible(st, u, id, &seq);
	return rc == STORE_OK ? org_by_seq(st, seq, out) : rc;
}

enum store_rc store_orgs_rename(struct store *st, const struct user *u, const char *id,
				const char *name, cJSON **out)
{
	sqlite3_stmt *stmt;
	enum store_rc rc;
	int64_t seq;

	*out = NULL;
	if (begin(st) < 0)
		return STORE_ERROR;
	rc = org_visible(st, u, id, &seq);
	if (rc == STORE_OK) {
		stmt = prep(st, "UPDATE organizations SET name = ? WHERE seq = ?");
		if (!stmt) {
			rc = STORE_ERROR;
		} else {
			bind_text(stmt, 1, name);
			sqlite3_bind_int64(stmt, 2, seq);
			if (sqlite3_step(stmt) != SQLITE_DONE)
				rc = SQLERR(st);
			sqlite3_finalize(stmt);
		}
	}
	if (rc == STORE_OK)
		rc = org_by_seq(st, seq, out);
	rc = finish(st, rc);
	if (rc != STORE_OK && *out) {
		cJSON_Delete(*out);
		*out = NULL;
	}
	return rc;
}

/* How many rows @sql (one "?" for the organization) counts. */
static enum store_rc count_of(struct store *st, const char *sql, int64_t seq, int64_t *out)
{
	sqlite3_stmt *stmt = prep(st, sql);
	enum store_rc rc = STORE_OK;

	if (!stmt)
		return STORE_ERROR;
	sqlite3_bind_int64(stmt, 1, seq);
	if (sqlite3_step(stmt) == SQLITE_ROW)
		*out = sqlite3_column_int64(stmt, 0);
	else
		rc = SQLERR(st);
	sqlite3_finalize(stmt);
	return rc;
}

enum store_rc store_orgs_delete(struct store *st, const struct user *u, const char *id,
				char **out_what)
{
	sqlite3_stmt *stmt;
	enum store_rc rc;
	int64_t seq, children = 0, accounts = 0;

	*out_what = NULL;
	if (begin(st) < 0)
		return STORE_ERROR;
	rc = org_visible(st, u, id, &seq);
	if (rc == STORE_OK)
		rc = count_of(st, "SELECT count(*) FROM organizations WHERE parent_seq = ?", seq,
			      &children);
	if (rc == STORE_OK)
		rc = count_of(st, "SELECT count(*) FROM accounts WHERE org_seq = ?", seq, &accounts);
	/* CF-API: "The organization MUST be empty before deleting. It must not
	 * contain any sub-organizations, accounts, members or users." */
	if (rc == STORE_OK && (children || accounts)) {
		struct strbuf sb = STRBUF_INIT;
		if (children)
			strbuf_addf(&sb, "%lld sub-organization%s", (long long)children,
				    children == 1 ? "" : "s");
		if (accounts)
			strbuf_addf(&sb, "%s%lld account%s", children ? " and " : "",
				    (long long)accounts, accounts == 1 ? "" : "s");
		*out_what = strbuf_detach(&sb, NULL);
		rc = STORE_CONFLICT;
	}
	if (rc == STORE_OK) {
		stmt = prep(st, "DELETE FROM organizations WHERE seq = ?");
		if (!stmt) {
			rc = STORE_ERROR;
		} else {
			sqlite3_bind_int64(stmt, 1, seq);
			if (sqlite3_step(stmt) != SQLITE_DONE)
				rc = SQLERR(st);
			sqlite3_finalize(stmt);
		}
	}
	return finish(st, rc);
}

/* The profile columns of row @seq in @table ("organizations" or
 * "accounts": both keep the profile in the same five columns). */
static enum store_rc profile_read(struct store *st, const char *table, int64_t seq, cJSON **out)
{
	char *sql = xasprintf("SELECT business_address, business_email, business_name, "
			      "business_phone, external_metadata FROM %s WHERE seq = ?", table);
	sqlite3_stmt *stmt = prep(st, sql);
	enum store_rc rc = STORE_OK;

	free(sql);
	if (!stmt)
		return STORE_ERROR;
	sqlite3_bind_int64(stmt, 1, seq);
	if (sqlite3_step(stmt) == SQLITE_ROW)
		*out = profile_from_row(stmt, 0);
	else
		rc = SQLERR(st);
	sqlite3_finalize(stmt);
	return rc;
}

static enum store_rc profile_write(struct store *st, const char *table, int64_t seq,
				   const struct org_profile *p)
{
	char *sql = xasprintf("UPDATE %s SET business_address = ?, business_email = ?, "
			      "business_name = ?, business_phone = ?, external_metadata = ? "
			      "WHERE seq = ?", table);
	sqlite3_stmt *stmt = prep(st, sql);
	const char *fields[PROFILE_FIELDS];
	size_t i;

	free(sql);
	profile_fields(p, fields);
	for (i = 0; stmt && i < PROFILE_FIELDS; i++)
		bind_text(stmt, 1 + (int)i, fields[i]);
	return step_write(st, stmt, 6, seq);
}

enum store_rc store_orgs_profile_get(struct store *st, const struct user *u, const char *id,
				     cJSON **out)
{
	int64_t seq;
	enum store_rc rc = org_visible(st, u, id, &seq);
	return rc == STORE_OK ? profile_read(st, "organizations", seq, out) : rc;
}

enum store_rc store_orgs_profile_set(struct store *st, const struct user *u, const char *id,
				     const struct org_profile *p)
{
	enum store_rc rc;
	int64_t seq;

	if (begin(st) < 0)
		return STORE_ERROR;
	rc = org_visible(st, u, id, &seq);
	if (rc == STORE_OK)
		rc = profile_write(st, "organizations", seq, p);
	return finish(st, rc);
}

/* --- listing --- */

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

static void bind_add_int(struct binds *b, int64_t i)
{
	if (b->n == (int)ARRAY_SIZE(b->v))
		BUG("too many bind values");
	b->v[b->n].is_text = 0;
	b->v[b->n].i = i;
	b->v[b->n].s = NULL;
	b->n++;
}

/* Takes ownership of @s. */
static void bind_add_text(struct binds *b, char *s)
{
	if (b->n == (int)ARRAY_SIZE(b->v))
		BUG("too many bind values");
	b->v[b->n].is_text = 1;
	b->v[b->n].s = s;
	b->n++;
}

static void binds_apply(const struct binds *b, sqlite3_stmt *stmt)
{
	int i;
	for (i = 0; i < b->n; i++) {
		if (b->v[i].is_text)
			bind_text(stmt, i + 1, b->v[i].s);
		else
			sqlite3_bind_int64(stmt, i + 1, b->v[i].i);
	}
}

static void binds_release(struct binds *b)
{
	int i;
	for (i = 0; i < b->n; i++)
		free(b->v[i].s);
	b->n = 0;
}

/* A LIKE pattern (ESCAPE '\') matching @s lower-cased and literally,
 * between @pre and @post ("%" or ""), for use against cf_lower(column). */
static char *like_pattern(const char *pre, const char *str, const char *post)
{
	struct strbuf sb = STRBUF_INIT;
	char *low = utf8_lower(str, strlen(str), NULL);
	const char *s;

	strbuf_adds(&sb, pre);
	for (s = low; *s; s++) {
		if (*s == '\\' || *s == '%' || *s == '_')
			strbuf_add(&sb, "\\", 1);
		strbuf_add(&sb, s, 1);
	}
	strbuf_adds(&sb, post);
	free(low);
	return strbuf_detach(&sb, NULL);
}

/* Appends the WHERE conditions of @f (after the visibility condition). */
static void org_filter_sql(const struct user *u, const struct org_filter *f, struct strbuf *sql,
			   struct binds *b)
{
	int i;

	if (f->ids) {
		strbuf_adds(sql, " AND o.id IN (");
		for (i = 0; i < f->nids; i++) {
			strbuf_adds(sql, i ? ", ?" : "?");
			bind_add_text(b, xstrdup(f->ids[i]));
		}
		strbuf_adds(sql, ")");
	}
	if (f->name) {
		strbuf_adds(sql, " AND cf_lower(o.name) LIKE ? ESCAPE '\\'");
		bind_add_text(b, like_pattern("", f->name, ""));
	}
	if (f->name_starts) {
		strbuf_adds(sql, " AND cf_lower(o.name) LIKE ? ESCAPE '\\'");
		bind_add_text(b, like_pattern("", f->name_starts, "%"));
	}
	if (f->name_ends) {
		strbuf_adds(sql, " AND cf_lower(o.name) LIKE ? ESCAPE '\\'");
		bind_add_text(b, like_pattern("%", f->name_ends, ""));
	}
	if (f->name_contains) {
		strbuf_adds(sql, " AND cf_lower(o.name) LIKE ? ESCAPE '\\'");
		bind_add_text(b, like_pattern("%", f->name_contains, "%"));
	}
	if (f->parent_null)
		strbuf_adds(sql, " AND o.parent_seq IS NULL");
	if (f->parent_id) {
		strbuf_adds(sql, " AND o.parent_seq = (SELECT seq FROM organizations WHERE id = ?)");
		bind_add_text(b, xstrdup(f->parent_id));
	}
	if (f->containing_org) {
		/* the organizations above it, its parent up to the root */
		strbuf_adds(sql, " AND o.seq IN (WITH RECURSIVE up(s) AS ("
				 "SELECT parent_seq FROM organizations WHERE id = ? "
				 "UNION ALL SELECT x.parent_seq FROM organizations x JOIN up "
				 "ON x.seq = up.s) SELECT s FROM up)");
		bind_add_text(b, xstrdup(f->containing_org));
	}
	if (f->containing_account) {
		/* the organization holding the account (if @u sees the
		 * account), and those above it */
		strbuf_adds(sql, " AND o.seq IN (WITH RECURSIVE up(s) AS ("
				 "SELECT a.org_seq FROM accounts a WHERE a.id = ? AND " ACCT_VISIBLE
				 " UNION ALL SELECT x.parent_seq FROM organizations x JOIN up "
				 "ON x.seq = up.s) SELECT s FROM up)");
		bind_add_text(b, xstrdup(f->containing_account));
		bind_add_int(b, u->seq);
		bind_add_int(b, u->seq);
	}
	/* Organizations hold no members before that table exists, so no
	 * organization contains a user yet. */
	if (f->containing_user)
		strbuf_adds(sql, " AND 0");
}

enum store_rc store_orgs_list(struct store *st, const struct user *u, const struct org_filter *f,
			      int64_t after, int limit, cJSON **out, int64_t *out_last,
			      int *out_more, int64_t *out_total)
{
	struct strbuf sql = STRBUF_INIT;
	struct binds *b = xcalloc(1, sizeof(*b));
	sqlite3_stmt *stmt = NULL;
	enum store_rc rc = STORE_OK;
	cJSON *items = NULL;
	int n = 0, step;

	*out = NULL;
	*out_more = 0;
	*out_last = after;

	/* the total, with the filters but not the cursor */
	strbuf_adds(&sql, "SELECT count(*) FROM org_access a JOIN organizations o "
			  "ON o.seq = a.org_seq WHERE a.user_seq = ?");
	bind_add_int(b, u->seq);
	org_filter_sql(u, f, &sql, b);
	stmt = prep(st, sql.buf);
	if (!stmt) {
		rc = STORE_ERROR;
		goto out;
	}
	binds_apply(b, stmt);
	if (sqlite3_step(stmt) != SQLITE_ROW) {
		rc = SQLERR(st);
		goto out;
	}
	*out_total = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	stmt = NULL;

	/* the page: one more than asked, to know whether more follow */
	binds_release(b);
	sql.len = 0;
	strbuf_adds(&sql, "SELECT " ORG_COLS " FROM org_access a JOIN organizations o "
			  "ON o.seq = a.org_seq" ORG_JOINS " WHERE a.user_seq = ? AND a.org_seq > ?");
	bind_add_int(b, u->seq);
	bind_add_int(b, after);
	org_filter_sql(u, f, &sql, b);
	strbuf_adds(&sql, " ORDER BY a.org_seq LIMIT ?");
	bind_add_int(b, (int64_t)limit + 1);
	stmt = prep(st, sql.buf);
	if (!stmt) {
		rc = STORE_ERROR;
		goto out;
	}
	binds_apply(b, stmt);
	items = cJSON_CreateArray();
	while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
		if (n == limit) {
			*out_more = 1;
			break;
		}
		cJSON_AddItemToArray(items, org_from_row(stmt));
		*out_last = sqlite3_column_int64(stmt, 0);
		n++;
	}
	if (step != SQLITE_ROW && step != SQLITE_DONE) {
		rc = SQLERR(st);
		goto out;
	}
	*out = items;
	items = NULL;
out:
	sqlite3_finalize(stmt);
	cJSON_Delete(items);
	binds_release(b);
	free(b);
	strbuf_release(&sql);
	return rc;
}

/* --- accounts --- */

#define ACCT_COLS                                                                         \
	"a.seq, a.id, a.name, a.type, a.created_on, a.abuse_contact_email, "              \
	"a.enforce_twofactor, o.id, o.name, a.name_key"
#define ACCT_FROM "accounts a LEFT JOIN organizations o ON o.seq = a.org_seq"
#define ACCT_COL_NAME_KEY 9

/* The IAM shape (iam_account). */
static cJSON *account_from_row(sqlite3_stmt *stmt)
{
	cJSON *a = cJSON_CreateObject(), *settings;

	cJSON_AddStringToObject(a, "id", col_text(stmt, 1));
	cJSON_AddStringToObject(a, "name", col_text(stmt, 2));
	cJSON_AddStringToObject(a, "type", col_text(stmt, 3));
	cJSON_AddStringToObject(a, "created_on", col_text(stmt, 4));
	/* CF-API: iam_account's settings.abuse_contact_email is a string
	 * (not nullable): left out while none is set. */
	settings = cJSON_AddObjectToObject(a, "settings");
	cJSON_AddBoolToObject(settings, "enforce_twofactor", sqlite3_column_int(stmt, 6));
	if (col_text(stmt, 5))
		cJSON_AddStringToObject(settings, "abuse_contact_email", col_text(stmt, 5));
	if (col_text(stmt, 7)) {
		cJSON *m = cJSON_AddObjectToObject(a, "managed_by");
		cJSON_AddStringToObject(m, "parent_org_id", col_text(stmt, 7));
		cJSON_AddStringToObject(m, "parent_org_name", col_text(stmt, 8));
	}
	return a;
}

/* The Organizations-API shape (organizations-api_Account): settings has six
 * required, nullable keys; cfmock keeps two of them. */
static cJSON *org_account_from_row(sqlite3_stmt *stmt)
{
	cJSON *a = cJSON_CreateObject(), *settings;
	const char *abuse = col_text(stmt, 5);

	cJSON_AddStringToObject(a, "id", col_text(stmt, 1));
	cJSON_AddStringToObject(a, "name", col_text(stmt, 2));
	cJSON_AddStringToObject(a, "type", col_text(stmt, 3));
	cJSON_AddStringToObject(a, "created_on", col_text(stmt, 4));
	settings = cJSON_AddObjectToObject(a, "settings");
	if (abuse)
		cJSON_AddStringToObject(settings, "abuse_contact_email", abuse);
	else
		cJSON_AddNullToObject(settings, "abuse_contact_email");
	cJSON_AddNullToObject(settings, "access_approval_expiry");
	cJSON_AddNullToObject(settings, "api_access_enabled");
	cJSON_AddNullToObject(settings, "default_nameservers");
	cJSON_AddBoolToObject(settings, "enforce_twofactor", sqlite3_column_int(stmt, 6));
	cJSON_AddNullToObject(settings, "use_account_custom_ns_by_default");
	return a;
}

/* Where a visible account sits. */
struct acct_pos {
	int64_t seq;
	int64_t org_seq; /* 0: stand-alone */
};

/* The position of account @id if @u can see it. */
static enum store_rc acct_visible(struct store *st, const struct user *u, const char *id,
				  struct acct_pos *out)
{
	sqlite3_stmt *stmt = prep(st, "SELECT a.seq, a.org_seq FROM accounts a "
				      "WHERE a.id = ? AND " ACCT_VISIBLE);
	enum store_rc rc = STORE_NOT_FOUND;
	int step;

	if (!stmt)
		return STORE_ERROR;
	bind_text(stmt, 1, id);
	sqlite3_bind_int64(stmt, 2, u->seq);
	sqlite3_bind_int64(stmt, 3, u->seq);
	step = sqlite3_step(stmt);
	if (step == SQLITE_ROW) {
		out->seq = sqlite3_column_int64(stmt, 0);
		out->org_seq = sqlite3_column_int64(stmt, 1);
		rc = STORE_OK;
	} else if (step != SQLITE_DONE) {
		rc = SQLERR(st);
	}
	sqlite3_finalize(stmt);
	return rc;
}

static enum store_rc account_by_seq(struct store *st, int64_t seq, cJSON **out)
{
	return row_by_seq(st, "SELECT " ACCT_COLS " FROM " ACCT_FROM " WHERE a.seq = ?", seq,
			  account_from_row, out);
}

/* Finishes a write that answers with a tree: on failure, *out is dropped. */
static enum store_rc finish_out(struct store *st, enum store_rc rc, cJSON **out)
{
	rc = finish(st, rc);
	if (rc != STORE_OK && *out) {
		cJSON_Delete(*out);
		*out = NULL;
	}
	return rc;
}

enum store_rc store_accounts_create(struct store *st, const struct user *u,
				    const struct account_new *a, cJSON **out)
{
	sqlite3_stmt *stmt = NULL;
	char idbuf[ID_LEN + 1], now[CLOCK_RFC3339_LEN + 1];
	const char *id = a->id;
	char *tags = NULL, *key = NULL;
	int64_t org_seq = 0;
	enum store_rc rc = STORE_OK;
	int step;

	*out = NULL;
	if (begin(st) < 0)
		return STORE_ERROR;
	if (a->org_id)
		rc = org_parent(st, u, a->org_id, &org_seq, &tags);
	if (rc == STORE_OK && !id) {
		rc = fresh_id(st, ACCOUNT_ID_TAKEN, idbuf);
		id = idbuf;
	}
	if (rc != STORE_OK)
		goto out;
	clock_now(now);
	key = utf8_lower(a->name, strlen(a->name), NULL);
	stmt = prep(st, "INSERT INTO accounts(id, name, name_key, type, org_seq, creator_seq, "
			"created_on, abuse_contact_email, enforce_twofactor, business_address, "
			"business_email, business_name, business_phone, external_metadata) "
			"VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
	if (!stmt) {
		rc = STORE_ERROR;
		goto out;
	}
	bind_text(stmt, 1, id);
	bind_text(stmt, 2, a->name);
	bind_text(stmt, 3, key);
	bind_text(stmt, 4, a->type);
	if (org_seq)
		sqlite3_bind_int64(stmt, 5, org_seq);
	sqlite3_bind_int64(stmt, 6, u->seq);
	bind_text(stmt, 7, a->created_on ? a->created_on : now);
	bind_text(stmt, 8, a->abuse_contact_email);
	sqlite3_bind_int(stmt, 9, a->enforce_twofactor > 0);
	if (a->profile) {
		const char *fields[PROFILE_FIELDS];
		size_t i;
		profile_fields(a->profile, fields);
		for (i = 0; i < PROFILE_FIELDS; i++)
			bind_text(stmt, 10 + (int)i, fields[i]);
	}
	step = sqlite3_step(stmt);
	if (step == SQLITE_CONSTRAINT_UNIQUE || step == SQLITE_CONSTRAINT_PRIMARYKEY)
		rc = STORE_CONFLICT;
	else if (step != SQLITE_DONE)
		rc = SQLERR(st);
	else
		rc = account_by_seq(st, sqlite3_last_insert_rowid(st->db), out);
out:
	sqlite3_finalize(stmt);
	free(tags);
	free(key);
	return finish_out(st, rc, out);
}

enum store_rc store_accounts_get(struct store *st, const struct user *u, const char *id,
				 cJSON **out)
{
	struct acct_pos pos;
	enum store_rc rc = acct_visible(st, u, id, &pos);
	return rc == STORE_OK ? account_by_seq(st, pos.seq, out) : rc;
}

enum store_rc store_accounts_update(struct store *st, const struct user *u, const char *id,
				    const struct account_update *a, cJSON **out)
{
	struct acct_pos pos;
	sqlite3_stmt *stmt;
	char *key;
	enum store_rc rc;

	*out = NULL;
	if (begin(st) < 0)
		return STORE_ERROR;
	rc = acct_visible(st, u, id, &pos);
	if (rc == STORE_OK) {
		/* "" clears the abuse contact; NULL and -1 keep what is there */
		stmt = prep(st, "UPDATE accounts SET name = ?1, name_key = ?2, type = ?3, "
				"abuse_contact_email = CASE WHEN ?4 IS NULL THEN abuse_contact_email "
				"WHEN ?4 = '' THEN NULL ELSE ?4 END, "
				"enforce_twofactor = CASE WHEN ?5 < 0 THEN enforce_twofactor ELSE ?5 END "
				"WHERE seq = ?6");
		key = utf8_lower(a->name, strlen(a->name), NULL);
		if (stmt) {
			bind_text(stmt, 1, a->name);
			bind_text(stmt, 2, key);
			bind_text(stmt, 3, a->type);
			bind_text(stmt, 4, a->abuse_contact_email);
			sqlite3_bind_int(stmt, 5, a->enforce_twofactor);
		}
		rc = step_write(st, stmt, 6, pos.seq);
		free(key);
	}
	if (rc == STORE_OK)
		rc = account_by_seq(st, pos.seq, out);
	return finish_out(st, rc, out);
}

enum store_rc store_accounts_delete(struct store *st, const struct user *u, const char *id)
{
	struct acct_pos pos;
	enum store_rc rc;

	if (begin(st) < 0)
		return STORE_ERROR;
	/* The profile lives in the row; what hangs off an account in other
	 * tables goes with it by ON DELETE CASCADE. */
	rc = acct_visible(st, u, id, &pos);
	if (rc == STORE_OK)
		rc = step_write(st, prep(st, "DELETE FROM accounts WHERE seq = ?"), 1, pos.seq);
	return finish(st, rc);
}

enum store_rc store_accounts_profile_get(struct store *st, const struct user *u, const char *id,
					 cJSON **out)
{
	struct acct_pos pos;
	enum store_rc rc = acct_visible(st, u, id, &pos);
	return rc == STORE_OK ? profile_read(st, "accounts", pos.seq, out) : rc;
}

enum store_rc store_accounts_profile_set(struct store *st, const struct user *u, const char *id,
					 const struct org_profile *p)
{
	struct acct_pos pos;
	enum store_rc rc;

	if (begin(st) < 0)
		return STORE_ERROR;
	rc = acct_visible(st, u, id, &pos);
	if (rc == STORE_OK)
		rc = profile_write(st, "accounts", pos.seq, p);
	return finish(st, rc);
}

/* The organizations from the root down to @org_seq, as Organization
 * objects. */
static enum store_rc org_chain(struct store *st, int64_t org_seq, cJSON **out)
{
	sqlite3_stmt *stmt = prep(st, "WITH RECURSIVE up(s, depth) AS (SELECT ?, 0 "
				      "UNION ALL SELECT x.parent_seq, up.depth + 1 FROM organizations x "
				      "JOIN up ON x.seq = up.s WHERE x.parent_seq IS NOT NULL) "
				      "SELECT " ORG_COLS " FROM up JOIN organizations o ON o.seq = up.s"
				      ORG_JOINS " ORDER BY up.depth DESC");
	enum store_rc rc = STORE_OK;
	cJSON *items = cJSON_CreateArray();
	int step;

	if (!stmt) {
		cJSON_Delete(items);
		return STORE_ERROR;
	}
	sqlite3_bind_int64(stmt, 1, org_seq);
	while ((step = sqlite3_step(stmt)) == SQLITE_ROW)
		cJSON_AddItemToArray(items, org_from_row(stmt));
	if (step != SQLITE_DONE) {
		rc = SQLERR(st);
		cJSON_Delete(items);
		items = NULL;
	}
	sqlite3_finalize(stmt);
	*out = items;
	return rc;
}

enum store_rc store_accounts_organizations(struct store *st, const struct user *u,
					   const char *id, cJSON **out)
{
	struct acct_pos pos;
	enum store_rc rc = acct_visible(st, u, id, &pos);

	if (rc != STORE_OK)
		return rc;
	/* CF-API: "in order from "root" to "leaf", where the "leaf" will be
	 * the organization that _immediately_ contains the specified account" */
	if (!pos.org_seq) {
		*out = cJSON_CreateArray();
		return STORE_OK;
	}
	return org_chain(st, pos.org_seq, out);
}

/* Steps @stmt, adding each row made by @from_row to a new array *out (and
 * its seq, as in ACCT_COLS, to *out_last); with @limit >= 0, stops after
 * that many and sets *out_more if another follows. */
static enum store_rc collect(struct store *st, sqlite3_stmt *stmt, cJSON *(*from_row)(sqlite3_stmt *),
			     int limit, cJSON **out, int64_t *out_last, char **out_last_key,
			     int *out_more)
{
	cJSON *items = cJSON_CreateArray();
	int n = 0, step;

	while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
		if (limit >= 0 && n == limit) {
			if (out_more)
				*out_more = 1;
			break;
		}
		cJSON_AddItemToArray(items, from_row(stmt));
		if (out_last)
			*out_last = sqlite3_column_int64(stmt, 0);
		if (out_last_key) {
			free(*out_last_key);
			*out_last_key = xstrdup(col_text(stmt, ACCT_COL_NAME_KEY));
		}
		n++;
	}
	if (step != SQLITE_ROW && step != SQLITE_DONE) {
		cJSON_Delete(items);
		return SQLERR(st);
	}
	*out = items;
	return STORE_OK;
}

/* The count of a query built in @sql with @b. */
static enum store_rc count_query(struct store *st, const char *sql, const struct binds *b,
				 int64_t *out)
{
	sqlite3_stmt *stmt = prep(st, sql);
	enum store_rc rc = STORE_OK;

	if (!stmt)
		return STORE_ERROR;
	binds_apply(b, stmt);
	if (sqlite3_step(stmt) == SQLITE_ROW)
		*out = sqlite3_column_int64(stmt, 0);
	else
		rc = SQLERR(st);
	sqlite3_finalize(stmt);
	return rc;
}

enum store_rc store_accounts_list(struct store *st, const struct user *u, const char *name,
				  int desc, int64_t offset, int limit, cJSON **out,
				  int64_t *out_total)
{
	struct strbuf where = STRBUF_INIT, sql = STRBUF_INIT;
	struct binds *b = xcalloc(1, sizeof(*b));
	sqlite3_stmt *stmt = NULL;
	enum store_rc rc;

	*out = NULL;
	strbuf_adds(&where, " WHERE " ACCT_VISIBLE);
	bind_add_int(b, u->seq);
	bind_add_int(b, u->seq);
	/* CF-API: "name: Name of the account": the whole name, compared
	 * case-insensitively as the Organizations-API name filters are */
	if (name) {
		strbuf_adds(&where, " AND a.name_key = ?");
		bind_add_text(b, utf8_lower(name, strlen(name), NULL));
	}
	strbuf_addf(&sql, "SELECT count(*) FROM accounts a%s", where.buf);
	rc = count_query(st, sql.buf, b, out_total);
	if (rc != STORE_OK)
		goto out;
	/* CF-API: no order parameter; like the Organizations API's lists,
	 * the order is the internal id's, and direction turns it round */
	sql.len = 0;
	strbuf_addf(&sql, "SELECT " ACCT_COLS " FROM " ACCT_FROM "%s ORDER BY a.seq %s "
			  "LIMIT ? OFFSET ?", where.buf, desc ? "DESC" : "ASC");
	bind_add_int(b, limit);
	bind_add_int(b, offset);
	stmt = prep(st, sql.buf);
	if (!stmt) {
		rc = STORE_ERROR;
		goto out;
	}
	binds_apply(b, stmt);
	rc = collect(st, stmt, account_from_row, -1, out, NULL, NULL, NULL);
out:
	sqlite3_finalize(stmt);
	binds_release(b);
	free(b);
	strbuf_release(&where);
	strbuf_release(&sql);
	return rc;
}

/* The root of the hierarchy an organization is in: the first of its tags. */
static int same_root(const char *tags_a, const char *tags_b)
{
	size_t la = strcspn(tags_a, ","), lb = strcspn(tags_b, ",");
	return la == lb && memcmp(tags_a, tags_b, la) == 0;
}

/* Moves one account (within the caller's transaction). */
static enum store_rc move_one(struct store *st, const struct user *u, const char *id,
			      int64_t dest_seq, const char *dest_tags, struct move_result *out)
{
	sqlite3_stmt *stmt;
	struct acct_pos pos;
	enum store_rc rc;
	int step;

	out->source_id[0] = '\0';
	rc = acct_visible(st, u, id, &pos);
	if (rc == STORE_NOT_FOUND) {
		out->status = MOVE_NO_ACCOUNT;
		return STORE_OK;
	}
	if (rc != STORE_OK)
		return rc;
	if (pos.org_seq == dest_seq) {
		out->status = MOVE_SAME_ORG;
		return STORE_OK;
	}
	if (pos.org_seq) {
		stmt = prep(st, "SELECT id, tags FROM organizations WHERE seq = ?");
		if (!stmt)
			return STORE_ERROR;
		sqlite3_bind_int64(stmt, 1, pos.org_seq);
		step = sqlite3_step(stmt);
		if (step != SQLITE_ROW) {
			rc = SQLERR(st);
			sqlite3_finalize(stmt);
			return rc;
		}
		snprintf(out->source_id, sizeof(out->source_id), "%s", col_text(stmt, 0));
		/* CF-API: an account moves "between organizations in the same
		 * hierarchy" (a stand-alone one may go anywhere) */
		if (!same_root(col_text(stmt, 1), dest_tags)) {
			sqlite3_finalize(stmt);
			out->status = MOVE_OTHER_HIERARCHY;
			return STORE_OK;
		}
		sqlite3_finalize(stmt);
	}
	stmt = prep(st, "UPDATE accounts SET org_seq = ? WHERE seq = ?");
	if (stmt)
		sqlite3_bind_int64(stmt, 1, dest_seq);
	rc = step_write(st, stmt, 2, pos.seq);
	if (rc == STORE_OK)
		out->status = MOVE_DONE;
	return rc;
}

enum store_rc store_accounts_move(struct store *st, const struct user *u,
				  const char *const *ids, int n, const char *dest_id,
				  struct move_result *out)
{
	char *dest_tags = NULL;
	int64_t dest_seq;
	enum store_rc rc;
	int i;

	if (begin(st) < 0)
		return STORE_ERROR;
	rc = org_parent(st, u, dest_id, &dest_seq, &dest_tags);
	for (i = 0; rc == STORE_OK && i < n; i++)
		rc = move_one(st, u, ids[i], dest_seq, dest_tags, &out[i]);
	free(dest_tags);
	return finish(st, rc);
}

/* Appends " AND <col> LIKE ?" for each of the four name filters in @v
 * (=, startsWith, endsWith, contains). */
static void name_filters_sql(const char *col, const char *const *v, struct strbuf *sql,
			     struct binds *b)
{
	static const char *const pre[] = { "", "", "%", "%" }, *const post[] = { "", "%", "", "%" };
	int i;

	for (i = 0; i < 4; i++) {
		if (!v[i])
			continue;
		strbuf_addf(sql, " AND %s LIKE ? ESCAPE '\\'", col);
		bind_add_text(b, like_pattern(pre[i], v[i], post[i]));
	}
}

enum store_rc store_orgs_accounts(struct store *st, const struct user *u, const char *org_id,
				  const struct org_accounts_filter *f, int has_after,
				  int64_t after, const char *after_key, int limit, cJSON **out,
				  int64_t *out_last, char **out_last_key, int *out_more,
				  int64_t *out_total)
{
	struct strbuf where = STRBUF_INIT, sql = STRBUF_INIT;
	struct binds *b = xcalloc(1, sizeof(*b));
	sqlite3_stmt *stmt = NULL;
	const char *dir = f->desc ? "DESC" : "ASC", *cmp = f->desc ? "<" : ">";
	int64_t org_seq;
	enum store_rc rc;

	*out = NULL;
	*out_more = 0;
	*out_last = after;
	*out_last_key = NULL;
	rc = org_visible(st, u, org_id, &org_seq);
	if (rc != STORE_OK)
		goto out;
	/* Every account in an organization @u sees is visible to @u. */
	strbuf_adds(&where, " WHERE a.org_seq = ?");
	bind_add_int(b, org_seq);
	/* CF-API: cfmock's accounts have one name; account_pubname (the
	 * account's public name) filters the same one */
	name_filters_sql("a.name_key", f->name, &where, b);
	name_filters_sql("a.name_key", f->pubname, &where, b);
	strbuf_addf(&sql, "SELECT count(*) FROM accounts a%s", where.buf);
	rc = count_query(st, sql.buf, b, out_total);
	if (rc != STORE_OK)
		goto out;

	/* The page: keyset, one more than asked to know whether more follow.
	 * CF-API: "When not specified, results are ordered by internal
	 * account ID." */
	sql.len = 0;
	strbuf_addf(&sql, "SELECT " ACCT_COLS " FROM " ACCT_FROM "%s", where.buf);
	if (has_after && f->by_name) {
		strbuf_addf(&sql, " AND (a.name_key, a.seq) %s (?, ?)", cmp);
		bind_add_text(b, xstrdup(after_key ? after_key : ""));
		bind_add_int(b, after);
	} else if (has_after) {
		strbuf_addf(&sql, " AND a.seq %s ?", cmp);
		bind_add_int(b, after);
	}
	if (f->by_name)
		strbuf_addf(&sql, " ORDER BY a.name_key %s, a.seq %s LIMIT ?", dir, dir);
	else
		strbuf_addf(&sql, " ORDER BY a.seq %s LIMIT ?", dir);
	bind_add_int(b, (int64_t)limit + 1);
	stmt = prep(st, sql.buf);
	if (!stmt) {
		rc = STORE_ERROR;
		goto out;
	}
	binds_apply(b, stmt);
	rc = collect(st, stmt, org_account_from_row, limit, out, out_last,
		     f->by_name ? out_last_key : NULL, out_more);
	if (rc != STORE_OK) {
		free(*out_last_key);
		*out_last_key = NULL;
	}
out:
	sqlite3_finalize(stmt);
	binds_release(b);
	free(b);
	strbuf_release(&where);
	strbuf_release(&sql);
	return rc;
}
