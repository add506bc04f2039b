/* store_control.c: the whole state, for the control API (store.h "the
 * whole state"): reset, the export in the fixtures format, and snapshots
 * made and restored with SQLite's backup API. */
#include "store_internal.h"

#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "util.h"

enum store_rc store_control_reset(struct store *st)
{
	static const char *const tables[] = {
		"audit_logs", "idempotency_keys", "api_tokens", "retired_secrets", "account_members", "org_members", "accounts", "org_access",
		"organizations", "credentials", "users", "org_counts",
	};
	enum store_rc rc = STORE_OK;
	size_t i;

	if (sql_begin(st) < 0)
		return STORE_ERROR;
	for (i = 0; rc == STORE_OK && i < ARRAY_SIZE(tables); i++) {
		char *sql = xasprintf("DELETE FROM %s", tables[i]);
		if (sql_exec(st, sql) < 0)
			rc = SQLERR(st);
		free(sql);
	}
	/* keys count from 1 again, as on a new database; the new secret
	 * makes every page token from before invalid, so none can skip */
	if (rc == STORE_OK && sql_exec(st, "DELETE FROM sqlite_sequence") < 0)
		rc = SQLERR(st);
	if (rc == STORE_OK && sql_exec(st, "DELETE FROM settings WHERE key = 'page_token_secret'") < 0)
		rc = SQLERR(st);
	if (rc == STORE_OK && sql_load_secret(st) < 0)
		rc = SQLERR(st);
	return sql_finish(st, rc);
}

enum store_rc store_control_as_user(struct store *st, const char *user_id, struct user *out)
{
	return user_one(st, "SELECT seq, id, tenant_admin FROM users WHERE id = ?", user_id, out);
}

static void add_opt_string(cJSON *o, const char *key, const char *v)
{
	if (v)
		cJSON_AddStringToObject(o, key, v);
}

static enum store_rc export_users(struct store *st, cJSON *users)
{
	sqlite3_stmt *stmt = sql_prep(st, "SELECT x.seq, x.id, " USER_EMAIL("x") ", x.first_name, "
					  "x.last_name, x.telephone, x.country, x.zipcode, "
					  "x.tenant_admin FROM users x ORDER BY x.seq");
	sqlite3_stmt *creds = sql_prep(st, "SELECT kind, secret, status, token_id FROM credentials "
					   "WHERE user_seq = ? ORDER BY kind, secret");
	enum store_rc rc = STORE_OK;
	int step;

	if (!stmt || !creds) {
		sql_done(st, stmt);
		sql_done(st, creds);
		return STORE_ERROR;
	}
	while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
		cJSON *u = cJSON_CreateObject(), *tokens = NULL, *svc = NULL;
		int cstep;

		cJSON_AddStringToObject(u, "id", sql_col_text(stmt, 1));
		cJSON_AddStringToObject(u, "email", sql_col_text(stmt, 2));
		add_opt_string(u, "first_name", sql_col_text(stmt, 3));
		add_opt_string(u, "last_name", sql_col_text(stmt, 4));
		add_opt_string(u, "telephone", sql_col_text(stmt, 5));
		add_opt_string(u, "country", sql_col_text(stmt, 6));
		add_opt_string(u, "zipcode", sql_col_text(stmt, 7));
		if (sqlite3_column_int(stmt, 8))
			cJSON_AddBoolToObject(u, "tenant_admin", 1);
		sqlite3_reset(creds);
		sqlite3_bind_int64(creds, 1, sqlite3_column_int64(stmt, 0));
		while ((cstep = sqlite3_step(creds)) == SQLITE_ROW) {
			const char *kind = sql_col_text(creds, 0), *secret = sql_col_text(creds, 1);
			if (strcmp(kind, "key") == 0 && !cJSON_GetObjectItem(u, "api_key")) {
				cJSON_AddStringToObject(u, "api_key", secret);
			} else if (strcmp(kind, "token") == 0) {
				cJSON *t = cJSON_CreateObject();
				if (!tokens)
					tokens = cJSON_AddArrayToObject(u, "tokens");
				cJSON_AddStringToObject(t, "value", secret);
				cJSON_AddStringToObject(t, "status", sql_col_text(creds, 2));
				add_opt_string(t, "id", sql_col_text(creds, 3));
				cJSON_AddItemToArray(tokens, t);
			} else if (strcmp(kind, "service_key") == 0) {
				if (!svc)
					svc = cJSON_AddArrayToObject(u, "service_keys");
				cJSON_AddItemToArray(svc, cJSON_CreateString(secret));
			}
		}
		cJSON_AddItemToArray(users, u);
		if (cstep == SQLITE_DONE)
			rc = tokens_export(st, "user_seq", sqlite3_column_int64(stmt, 0), u);
		if (rc != STORE_OK)
			break;
		if (cstep != SQLITE_DONE) {
			rc = SQLERR(st);
			break;
		}
	}
	if (rc == STORE_OK && step != SQLITE_DONE && step != SQLITE_ROW)
		rc = SQLERR(st);
	sql_done(st, stmt);
	sql_done(st, creds);
	return rc;
}

/* The five profile fields of a row, if any is set. */
static void export_profile(cJSON *o, sqlite3_stmt *stmt, int col)
{
	if (sql_col_text(stmt, col))
		cJSON_AddItemToObject(o, "profile", profile_from_row(stmt, col));
}

static enum store_rc export_account_members(struct store *st, int64_t account_seq,
					    int64_t owner_seq, cJSON *a)
{
	sqlite3_stmt *stmt = sql_prep(st, "SELECT m.id, " USER_EMAIL("u") ", m.status, m.roles, m.policies, "
					  "m.create_time, m.user_seq FROM account_members m "
					  "JOIN users u ON u.seq = m.user_seq "
					  "WHERE m.account_seq = ? ORDER BY m.seq");
	cJSON *list = cJSON_CreateArray();
	int step, owner_in = 0;

	if (!stmt) {
		cJSON_Delete(list);
		return STORE_ERROR;
	}
	sqlite3_bind_int64(stmt, 1, account_seq);
	while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
		cJSON *m = cJSON_CreateObject(), *roles = cJSON_AddArrayToObject(m, "roles");
		const char *r;

		cJSON_AddStringToObject(m, "id", sql_col_text(stmt, 0));
		cJSON_AddStringToObject(m, "email", sql_col_text(stmt, 1));
		cJSON_AddStringToObject(m, "status", sql_col_text(stmt, 2));
		for (r = sql_col_text(stmt, 3); r && *r;) {
			size_t len = strcspn(r, ",");
			char *id = xstrndup(r, len);
			cJSON_AddItemToArray(roles, cJSON_CreateString(id));
			free(id);
			r += len + (r[len] == ',');
		}
		if (sql_col_text(stmt, 4)) {
			cJSON *p = cJSON_Parse(sql_col_text(stmt, 4));
			if (p)
				cJSON_AddItemToObject(m, "policies", p);
		}
		cJSON_AddStringToObject(m, "create_time", sql_col_text(stmt, 5));
		owner_in |= sqlite3_column_int64(stmt, 6) == owner_seq;
		cJSON_AddItemToArray(list, m);
	}
	sql_done(st, stmt);
	if (step != SQLITE_DONE) {
		cJSON_Delete(list);
		return SQLERR(st);
	}
	if (!owner_in)
		cJSON_AddBoolToObject(a, "owner_is_member", 0);
	if (cJSON_GetArraySize(list))
		cJSON_AddItemToObject(a, "members", list);
	else
		cJSON_Delete(list);
	return STORE_OK;
}

/* The accounts whose org_seq is @org_seq (0: stand-alone). */
static enum store_rc export_accounts(struct store *st, int64_t org_seq, cJSON *list)
{
	sqlite3_stmt *stmt = sql_prep(st, "SELECT a.seq, a.id, a.name, " USER_EMAIL("u") ", a.type, a.created_on, "
					  "a.abuse_contact_email, a.enforce_twofactor, a.business_address, "
					  "a.business_email, a.business_name, a.business_phone, "
					  "a.external_metadata, a.creator_seq FROM accounts a "
					  "JOIN users u ON u.seq = a.creator_seq "
					  "WHERE a.org_seq IS ? ORDER BY a.seq");
	enum store_rc rc = STORE_OK;
	int step;

	if (!stmt)
		return STORE_ERROR;
	if (org_seq)
		sqlite3_bind_int64(stmt, 1, org_seq);
	while (rc == STORE_OK && (step = sqlite3_step(stmt)) == SQLITE_ROW) {
		cJSON *a = cJSON_CreateObject(), *settings;

		cJSON_AddStringToObject(a, "id", sql_col_text(stmt, 1));
		cJSON_AddStringToObject(a, "name", sql_col_text(stmt, 2));
		cJSON_AddStringToObject(a, "owner", sql_col_text(stmt, 3));
		cJSON_AddStringToObject(a, "type", sql_col_text(stmt, 4));
		cJSON_AddStringToObject(a, "created_on", sql_col_text(stmt, 5));
		settings = cJSON_AddObjectToObject(a, "settings");
		add_opt_string(settings, "abuse_contact_email", sql_col_text(stmt, 6));
		cJSON_AddBoolToObject(settings, "enforce_twofactor", sqlite3_column_int(stmt, 7));
		export_profile(a, stmt, 8);
		rc = export_account_members(st, sqlite3_column_int64(stmt, 0),
					    sqlite3_column_int64(stmt, 13), a);
		if (rc == STORE_OK)
			rc = tokens_export(st, "account_seq", sqlite3_column_int64(stmt, 0), a);
		cJSON_AddItemToArray(list, a);
	}
	if (rc == STORE_OK && step != SQLITE_DONE)
		rc = SQLERR(st);
	sql_done(st, stmt);
	return rc;
}

/* The organizations whose parent is @parent_seq (0: roots), each with its
 * members, accounts and sub-organizations. */
static enum store_rc export_orgs(struct store *st, int64_t parent_seq, cJSON *list)
{
	sqlite3_stmt *stmt = sql_prep(st, "SELECT o.seq, o.id, o.name, " USER_EMAIL("u") ", o.create_time, "
					  "o.business_address, o.business_email, o.business_name, "
					  "o.business_phone, o.external_metadata FROM organizations o "
					  "JOIN users u ON u.seq = o.creator_seq "
					  "WHERE o.parent_seq IS ? ORDER BY o.seq");
	sqlite3_stmt *members = sql_prep(st, "SELECT m.id, " USER_EMAIL("u") ", m.status, m.create_time "
					     "FROM org_members m JOIN users u ON u.seq = m.user_seq "
					     "WHERE m.org_seq = ? ORDER BY m.seq");
	enum store_rc rc = STORE_OK;
	int step = SQLITE_DONE;

	if (!stmt || !members) {
		sql_done(st, stmt);
		sql_done(st, members);
		return STORE_ERROR;
	}
	if (parent_seq)
		sqlite3_bind_int64(stmt, 1, parent_seq);
	while (rc == STORE_OK && (step = sqlite3_step(stmt)) == SQLITE_ROW) {
		cJSON *o = cJSON_CreateObject(), *ml = NULL, *accounts, *subs;
		int64_t seq = sqlite3_column_int64(stmt, 0);
		int mstep;

		cJSON_AddStringToObject(o, "id", sql_col_text(stmt, 1));
		cJSON_AddStringToObject(o, "name", sql_col_text(stmt, 2));
		cJSON_AddStringToObject(o, "owner", sql_col_text(stmt, 3));
		cJSON_AddStringToObject(o, "create_time", sql_col_text(stmt, 4));
		export_profile(o, stmt, 5);
		sqlite3_reset(members);
		sqlite3_bind_int64(members, 1, seq);
		while ((mstep = sqlite3_step(members)) == SQLITE_ROW) {
			cJSON *m = cJSON_CreateObject();
			if (!ml)
				ml = cJSON_AddArrayToObject(o, "members");
			cJSON_AddStringToObject(m, "id", sql_col_text(members, 0));
			cJSON_AddStringToObject(m, "email", sql_col_text(members, 1));
			cJSON_AddStringToObject(m, "status", sql_col_text(members, 2));
			cJSON_AddStringToObject(m, "create_time", sql_col_text(members, 3));
			cJSON_AddItemToArray(ml, m);
		}
		if (mstep != SQLITE_DONE)
			rc = SQLERR(st);
		accounts = cJSON_CreateArray();
		if (rc == STORE_OK)
			rc = export_accounts(st, seq, accounts);
		if (cJSON_GetArraySize(accounts))
			cJSON_AddItemToObject(o, "accounts", accounts);
		else
			cJSON_Delete(accounts);
		subs = cJSON_CreateArray();
		if (rc == STORE_OK)
			rc = export_orgs(st, seq, subs);
		if (cJSON_GetArraySize(subs))
			cJSON_AddItemToObject(o, "organizations", subs);
		else
			cJSON_Delete(subs);
		cJSON_AddItemToArray(list, o);
	}
	if (rc == STORE_OK && step != SQLITE_DONE)
		rc = SQLERR(st);
	sql_done(st, stmt);
	sql_done(st, members);
	return rc;
}

/* Takes every secret out of @o and what it holds: "api_key",
 * "service_keys", and the "value" of each item of a "tokens" list. */
static void strip_secrets(cJSON *o)
{
	cJSON *c, *t;

	cJSON_DeleteItemFromObjectCaseSensitive(o, "api_key");
	cJSON_DeleteItemFromObjectCaseSensitive(o, "service_keys");
	cJSON_ArrayForEach(t, cJSON_GetObjectItemCaseSensitive(o, "tokens"))
		cJSON_DeleteItemFromObjectCaseSensitive(t, "value");
	cJSON_ArrayForEach(c, o)
		if (cJSON_IsObject(c) || cJSON_IsArray(c))
			strip_secrets(c);
}

/* Each user's "credential_kinds": which of "key", "service_key" and
 * "token" it has (from the export, before strip_secrets()). */
static void add_credential_kinds(cJSON *users)
{
	cJSON *u;

	cJSON_ArrayForEach(u, users) {
		cJSON *kinds = cJSON_AddArrayToObject(u, "credential_kinds");
		if (cJSON_GetObjectItemCaseSensitive(u, "api_key"))
			cJSON_AddItemToArray(kinds, cJSON_CreateString("key"));
		if (cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(u, "service_keys")))
			cJSON_AddItemToArray(kinds, cJSON_CreateString("service_key"));
		if (cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(u, "tokens")))
			cJSON_AddItemToArray(kinds, cJSON_CreateString("token"));
	}
}

/* One flat list for the dashboard: every row of @sql as an array of its
 * columns (a NULL one is null). Two queries, no statement per row, no
 * key repeated 10,000 times: at 10,000 organizations and as many
 * accounts the nested export takes 0.6 s, this a tenth of it. */
static enum store_rc export_flat(struct store *st, const char *sql, int ncol, cJSON *list)
{
	sqlite3_stmt *stmt = sql_prep(st, sql);
	int step, i;

	if (!stmt)
		return STORE_ERROR;
	while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
		cJSON *row = cJSON_CreateArray();
		for (i = 0; i < ncol; i++) {
			const char *v = sql_col_text(stmt, i);
			cJSON_AddItemToArray(row, v ? cJSON_CreateString(v) : cJSON_CreateNull());
		}
		cJSON_AddItemToArray(list, row);
	}
	sql_done(st, stmt);
	return step == SQLITE_DONE ? STORE_OK : SQLERR(st);
}

/* "organizations": [[id, name, parent id, owner email]], "accounts":
 * [[id, name, organization id, owner email]], in the order they were made. */
static enum store_rc export_index(struct store *st, cJSON *root)
{
	enum store_rc rc;

	rc = export_flat(st, "SELECT o.id, o.name, p.id, " USER_EMAIL("u") " "
			     "FROM organizations o LEFT JOIN organizations p ON p.seq = o.parent_seq "
			     "JOIN users u ON u.seq = o.creator_seq ORDER BY o.seq",
			 4, cJSON_AddArrayToObject(root, "organizations"));
	if (rc == STORE_OK)
		rc = export_flat(st, "SELECT a.id, a.name, o.id, " USER_EMAIL("u") " FROM accounts a "
				     "LEFT JOIN organizations o ON o.seq = a.org_seq "
				     "JOIN users u ON u.seq = a.creator_seq ORDER BY a.seq",
				 4, cJSON_AddArrayToObject(root, "accounts"));
	return rc;
}

enum store_rc store_control_state(struct store *st, int dashboard, cJSON **out)
{
	cJSON *root = cJSON_CreateObject();
	enum store_rc rc;

	*out = NULL;
	/* one read transaction: a consistent picture */
	if (sql_begin(st) < 0) {
		cJSON_Delete(root);
		return STORE_ERROR;
	}
	rc = export_users(st, cJSON_AddArrayToObject(root, "users"));
	if (rc == STORE_OK && dashboard)
		rc = export_index(st, root);
	if (rc == STORE_OK && !dashboard)
		rc = export_orgs(st, 0, cJSON_AddArrayToObject(root, "organizations"));
	if (rc == STORE_OK && !dashboard)
		rc = export_accounts(st, 0, cJSON_AddArrayToObject(root, "accounts"));
	if (rc == STORE_OK && !dashboard) {
		cJSON *entries = NULL;
		rc = store_audit_logs_export(st, &entries);
		if (rc == STORE_OK)
			cJSON_AddItemToObject(root, "audit_logs", entries);
	}
	sql_rollback(st);
	if (rc != STORE_OK) {
		cJSON_Delete(root);
		return rc;
	}
	if (dashboard) {
		/* the index lists hold none: only the users need a look */
		add_credential_kinds(cJSON_GetObjectItemCaseSensitive(root, "users"));
		strip_secrets(cJSON_GetObjectItemCaseSensitive(root, "users"));
	}
	*out = root;
	return STORE_OK;
}

static struct snapshot *snapshot_find(struct store *st, const char *name)
{
	struct snapshot *s;

	for (s = st->snapshots; s; s = s->next)
		if (strcmp(s->name, name) == 0)
			return s;
	return NULL;
}

/* Copies all of @from into @to with the backup API. */
static int backup_copy(sqlite3 *to, sqlite3 *from)
{
	sqlite3_backup *b = sqlite3_backup_init(to, "main", from, "main");
	int rc;

	if (!b)
		return -1;
	rc = sqlite3_backup_step(b, -1);
	sqlite3_backup_finish(b);
	return rc == SQLITE_DONE ? 0 : -1;
}

enum store_rc store_control_snapshot_save(struct store *st, const char *name, int max)
{
	struct snapshot *s = snapshot_find(st, name), **tail;
	sqlite3 *copy = NULL;
	int n = 0;

	for (tail = &st->snapshots; *tail; tail = &(*tail)->next)
		n++;
	if (!s && n >= max)
		return STORE_CONFLICT;
	if (sqlite3_open_v2(":memory:", &copy, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
	    SQLITE_OK || backup_copy(copy, st->db) < 0) {
		error("cannot save snapshot '%s': %s", name, sqlite3_errmsg(copy ? copy : st->db));
		sqlite3_close(copy);
		return STORE_ERROR;
	}
	if (s) { /* saving again under a name replaces it */
		sqlite3_close(s->db);
	} else {
		s = xcalloc(1, sizeof(*s));
		s->name = xstrdup(name);
		*tail = s;
	}
	s->db = copy;
	s->created_ms = clock_now_ms();
	return STORE_OK;
}

enum store_rc store_control_snapshot_restore(struct store *st, const char *name)
{
	struct snapshot *s = snapshot_find(st, name);

	if (!s)
		return STORE_NOT_FOUND;
	if (st->depth)
		BUG("snapshot restore inside a transaction");
	if (backup_copy(st->db, s->db) < 0) {
		error("cannot restore snapshot '%s': %s", name, sqlite3_errmsg(st->db));
		return STORE_ERROR;
	}
	/* the snapshot's secret is the one its page tokens were made with */
	if (sql_load_secret(st) < 0)
		return SQLERR(st);
	return STORE_OK;
}

enum store_rc store_control_snapshot_delete(struct store *st, const char *name)
{
	struct snapshot **p;

	for (p = &st->snapshots; *p; p = &(*p)->next) {
		if (strcmp((*p)->name, name) == 0) {
			struct snapshot *s = *p;
			*p = s->next;
			sqlite3_close(s->db);
			free(s->name);
			free(s);
			return STORE_OK;
		}
	}
	return STORE_NOT_FOUND;
}

void store_control_snapshots_clear(struct store *st)
{
	while (st->snapshots)
		store_control_snapshot_delete(st, st->snapshots->name);
}

cJSON *store_control_snapshots_list(struct store *st)
{
	cJSON *out = cJSON_CreateObject(), *list = cJSON_AddArrayToObject(out, "snapshots");
	struct snapshot *s;

	for (s = st->snapshots; s; s = s->next) {
		cJSON *o = cJSON_CreateObject();
		char when[CLOCK_RFC3339_LEN + 1];
		int64_t pages = 0, size = 0;
		sqlite3_stmt *q;

		clock_format(s->created_ms, when);
		cJSON_AddStringToObject(o, "name", s->name);
		cJSON_AddStringToObject(o, "created_at", when);
		if (sqlite3_prepare_v2(s->db, "PRAGMA page_count", -1, &q, NULL) == SQLITE_OK &&
		    sqlite3_step(q) == SQLITE_ROW)
			pages = sqlite3_column_int64(q, 0);
		sqlite3_finalize(q);
		if (sqlite3_prepare_v2(s->db, "PRAGMA page_size", -1, &q, NULL) == SQLITE_OK &&
		    sqlite3_step(q) == SQLITE_ROW)
			size = sqlite3_column_int64(q, 0);
		sqlite3_finalize(q);
		cJSON_AddNumberToObject(o, "bytes", (double)(pages * size));
		cJSON_AddItemToArray(list, o);
	}
	return out;
}
