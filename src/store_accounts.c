/* store_accounts.c: /accounts (store.h "accounts"): the IAM family
 * (create, get, update, delete, the page-numbered list), the account
 * profile, the chain of organizations above an account, and moves. */
#include "store_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "grants.h"
#include "ids.h"
#include "roles.h"
#include "util.h"

/* The IAM shape (iam_account). */
cJSON *account_from_row(sqlite3_stmt *stmt)
{
	cJSON *a = cJSON_CreateObject(), *settings;

	row_add_str(a, "id", sql_col_text(stmt, 1));
	row_add_str(a, "name", sql_col_text(stmt, 2));
	row_add_str(a, "type", sql_col_text(stmt, 3));
	row_add_str(a, "created_on", sql_col_text(stmt, 4));
	/* CF-API: iam_account's settings.abuse_contact_email is a string
	 * (not nullable): left out while none is set. */
	settings = row_add_obj(a, "settings");
	cJSON_AddBoolToObject(settings, "enforce_twofactor", sqlite3_column_int(stmt, 6));
	if (sql_col_text(stmt, 5))
		row_add_str(settings, "abuse_contact_email", sql_col_text(stmt, 5));
	if (sql_col_text(stmt, 7)) {
		cJSON *m = row_add_obj(a, "managed_by");
		row_add_str(m, "parent_org_id", sql_col_text(stmt, 7));
		row_add_str(m, "parent_org_name", sql_col_text(stmt, 8));
	}
	return a;
}

void account_scope_sql(struct strbuf *sql, const struct user *u)
{
	int i;

	if (!u->scope || (u->scope->all && !u->scope->n))
		return;
	if (!u->scope->n) {
		strbuf_adds(sql, " AND 0");
		return;
	}
	/* the ids are 32-hex (grants.c read them so): safe as literals */
	strbuf_addf(sql, " AND a.id %sIN (", u->scope->all ? "NOT " : "");
	for (i = 0; i < u->scope->n; i++)
		strbuf_addf(sql, "%s'%s'", i ? ", " : "", u->scope->ids[i]);
	strbuf_adds(sql, ")");
}

enum store_rc account_visible(struct store *st, const struct user *u, const char *id,
			      struct account_pos *out)
{
	sqlite3_stmt *stmt = sql_prep(st, "SELECT a.seq, a.org_seq FROM accounts a "
					  "WHERE a.id = ? AND " ACCOUNT_VISIBLE);
	enum store_rc rc = STORE_NOT_FOUND;
	int step;

	if (!stmt)
		return STORE_ERROR;
	sql_bind_text(stmt, 1, id);
	sqlite3_bind_int64(stmt, 2, u->seq);
	sqlite3_bind_int64(stmt, 3, u->seq);
	sqlite3_bind_int64(stmt, 4, u->account_seq);
	step = sqlite3_step(stmt);
	if (step == SQLITE_ROW && (!u->scope || grants_scope_has(u->scope, id))) {
		out->seq = sqlite3_column_int64(stmt, 0);
		out->org_seq = sqlite3_column_int64(stmt, 1);
		rc = STORE_OK;
	} else if (step != SQLITE_DONE) {
		rc = SQLERR(st);
	}
	sql_done(st, stmt);
	return rc;
}

/* Account @seq as @u is shown it. */
static enum store_rc account_by_seq(struct store *st, const struct user *u, int64_t seq,
				    cJSON **out)
{
	struct org_seen seen = ORG_SEEN_INIT;
	enum store_rc rc = sql_row_by_seq(st, "SELECT " ACCOUNT_COLS " FROM " ACCOUNT_FROM
					      " WHERE a.seq = ?", seq, account_from_row, out);

	if (rc == STORE_OK && u)
		account_hide_unseen(st, u, &seen, *out);
	return rc;
}

/* The Idempotency-Key of POST /accounts (store.h): keys past their time
 * go first, so what is found is live. STORE_OK with *out (the first
 * answer's result) when @u sent @key with @request before; STORE_CONFLICT
 * when with another request; STORE_NOT_FOUND when the key is new. */
static enum store_rc idempotency_find(struct store *st, const struct user *u, const char *key,
				      const char *request, int64_t now_ms, cJSON **out)
{
	sqlite3_stmt *stmt = sql_prep(st, "DELETE FROM idempotency_keys WHERE created_ms <= ?");
	enum store_rc rc;
	int step;

	rc = sql_step_write(st, stmt, 1, now_ms - RULES_IDEMPOTENCY_TTL_MS);
	if (rc != STORE_OK)
		return rc;
	stmt = sql_prep(st, "SELECT request, response FROM idempotency_keys "
			    "WHERE user_seq = ? AND key = ?");
	if (!stmt)
		return STORE_ERROR;
	sqlite3_bind_int64(stmt, 1, u->seq);
	sql_bind_text(stmt, 2, key);
	step = sqlite3_step(stmt);
	if (step == SQLITE_ROW) {
		if (strcmp(sql_col_text(stmt, 0), request) != 0) {
			rc = STORE_CONFLICT;
		} else {
			/* cJSON prints a tree it read back byte for byte as
			 * before: the replay is the first answer's bytes */
			*out = cJSON_Parse(sql_col_text(stmt, 1));
			rc = *out ? STORE_OK : STORE_ERROR;
		}
	} else {
		rc = step == SQLITE_DONE ? STORE_NOT_FOUND : SQLERR(st);
	}
	sql_done(st, stmt);
	return rc;
}

static enum store_rc idempotency_keep(struct store *st, const struct user *u, const char *key,
				      const char *request, int64_t now_ms, const cJSON *result)
{
	sqlite3_stmt *stmt = sql_prep(st, "INSERT INTO idempotency_keys(user_seq, key, request, "
					  "response, created_ms) VALUES (?, ?, ?, ?, ?)");
	char *text = cJSON_PrintUnformatted(result);
	enum store_rc rc;

	if (stmt) {
		sqlite3_bind_int64(stmt, 1, u->seq);
		sql_bind_text(stmt, 2, key);
		sql_bind_text(stmt, 3, request);
		sql_bind_text(stmt, 4, text);
	}
	rc = sql_step_write(st, stmt, 5, now_ms);
	cJSON_free(text);
	return rc;
}

enum store_rc store_accounts_create(struct store *st, const struct user *u,
				    const struct account_new *a, cJSON **out)
{
	sqlite3_stmt *stmt = NULL;
	char idbuf[ID_LEN + 1], now[CLOCK_RFC3339_LEN + 1];
	const char *id = a->id;
	char *tags = NULL, *key = NULL;
	int64_t org_seq = 0, now_ms = 0;
	enum store_rc rc = STORE_OK;
	int step;

	*out = NULL;
	if (sql_begin(st) < 0)
		return STORE_ERROR;
	if (a->idempotency_key) {
		now_ms = clock_now_ms();
		rc = idempotency_find(st, u, a->idempotency_key, a->request, now_ms, out);
		if (rc != STORE_NOT_FOUND)
			return sql_finish_out(st, rc, out);
		rc = STORE_OK;
	}
	if (a->org_id)
		rc = org_parent(st, a->unchecked ? NULL : u, a->org_id, &org_seq, &tags);
	if (rc == STORE_OK && !id) {
		rc = sql_fresh_id(st, ACCOUNT_ID_TAKEN, idbuf);
		id = idbuf;
	}
	if (rc != STORE_OK)
		goto out;
	/* one reading of the clock: with a key, the one it was kept at */
	if (!a->idempotency_key)
		now_ms = clock_now_ms();
	clock_format(now_ms, now);
	key = utf8_lower(a->name, strlen(a->name), NULL);
	stmt = sql_prep(st, "INSERT INTO accounts(id, name, name_key, type, org_seq, creator_seq, "
			    "created_on, abuse_contact_email, enforce_twofactor, business_address, "
			    "business_email, business_name, business_phone, external_metadata) "
			    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
	if (!stmt) {
		rc = STORE_ERROR;
		goto out;
	}
	sql_bind_text(stmt, 1, id);
	sql_bind_text(stmt, 2, a->name);
	sql_bind_text(stmt, 3, key);
	sql_bind_text(stmt, 4, a->type);
	if (org_seq)
		sqlite3_bind_int64(stmt, 5, org_seq);
	sqlite3_bind_int64(stmt, 6, u->seq);
	sql_bind_text(stmt, 7, a->created_on ? a->created_on : now);
	sql_bind_text(stmt, 8, a->abuse_contact_email);
	sqlite3_bind_int(stmt, 9, a->enforce_twofactor > 0);
	if (a->profile) {
		const char *fields[PROFILE_FIELDS];
		size_t i;
		profile_fields(a->profile, fields);
		for (i = 0; i < PROFILE_FIELDS; i++)
			sql_bind_text(stmt, 10 + (int)i, fields[i]);
	}
	step = sqlite3_step(stmt);
	if (step == SQLITE_CONSTRAINT_UNIQUE || step == SQLITE_CONSTRAINT_PRIMARYKEY) {
		rc = STORE_CONFLICT;
	} else if (step != SQLITE_DONE) {
		rc = SQLERR(st);
	} else {
		int64_t seq = sqlite3_last_insert_rowid(st->db);
		/* CF-API: whoever creates an account is its first member, a
		 * Super Administrator */
		rc = account_member_insert(st, NULL, seq, u->seq, "accepted", ROLE_SUPER_ADMIN,
					   NULL, a->created_on ? a->created_on : now, NULL);
		if (rc == STORE_OK)
			rc = account_by_seq(st, u, seq, out);
		if (rc == STORE_OK && a->idempotency_key)
			rc = idempotency_keep(st, u, a->idempotency_key, a->request, now_ms, *out);
	}
out:
	sql_done(st, stmt);
	free(tags);
	free(key);
	return sql_finish_out(st, rc, out);
}

enum store_rc store_accounts_get(struct store *st, const struct user *u, const char *id,
				 cJSON **out)
{
	struct account_pos pos;
	enum store_rc rc = account_visible(st, u, id, &pos);
	return rc == STORE_OK ? account_by_seq(st, u, pos.seq, out) : rc;
}

enum store_rc store_accounts_update(struct store *st, const struct user *u, const char *id,
				    const struct account_update *a, cJSON **out)
{
	struct account_pos pos;
	sqlite3_stmt *stmt;
	char *key;
	enum store_rc rc;

	*out = NULL;
	if (sql_begin(st) < 0)
		return STORE_ERROR;
	rc = account_visible(st, u, id, &pos);
	if (rc == STORE_OK) {
		/* "" clears the abuse contact; NULL and -1 keep what is there */
		stmt = sql_prep(st, "UPDATE accounts SET name = ?1, name_key = ?2, type = ?3, "
				    "abuse_contact_email = CASE WHEN ?4 IS NULL THEN abuse_contact_email "
				    "WHEN ?4 = '' THEN NULL ELSE ?4 END, "
				    "enforce_twofactor = CASE WHEN ?5 < 0 THEN enforce_twofactor ELSE ?5 END "
				    "WHERE seq = ?6");
		key = utf8_lower(a->name, strlen(a->name), NULL);
		if (stmt) {
			sql_bind_text(stmt, 1, a->name);
			sql_bind_text(stmt, 2, key);
			sql_bind_text(stmt, 3, a->type);
			sql_bind_text(stmt, 4, a->abuse_contact_email);
			sqlite3_bind_int(stmt, 5, a->enforce_twofactor);
		}
		rc = sql_step_write(st, stmt, 6, pos.seq);
		free(key);
	}
	if (rc == STORE_OK)
		rc = account_by_seq(st, u, pos.seq, out);
	return sql_finish_out(st, rc, out);
}

enum store_rc store_accounts_delete(struct store *st, const struct user *u, const char *id)
{
	struct account_pos pos;
	enum store_rc rc;

	if (sql_begin(st) < 0)
		return STORE_ERROR;
	/* The profile lives in the row; what hangs off an account in other
	 * tables goes with it by ON DELETE CASCADE. */
	rc = account_visible(st, u, id, &pos);
	if (rc == STORE_OK)
		rc = sql_step_write(st, sql_prep(st, "DELETE FROM accounts WHERE seq = ?"), 1, pos.seq);
	return sql_finish(st, rc);
}

enum store_rc store_accounts_profile_get(struct store *st, const struct user *u, const char *id,
					 cJSON **out)
{
	struct account_pos pos;
	enum store_rc rc = account_visible(st, u, id, &pos);
	return rc == STORE_OK ? profile_read(st, "accounts", pos.seq, out) : rc;
}

enum store_rc store_accounts_profile_update(struct store *st, const struct user *u, const char *id,
					    const struct profile *p)
{
	struct account_pos pos;
	enum store_rc rc;

	if (sql_begin(st) < 0)
		return STORE_ERROR;
	rc = account_visible(st, u, id, &pos);
	if (rc == STORE_OK)
		rc = profile_write(st, "accounts", pos.seq, p);
	return sql_finish(st, rc);
}

/* The organizations from the root down to @org_seq that @u sees, as
 * Organization objects. (A member of a sub-organization, or of the account
 * only, does not see the ones above.) */
static enum store_rc org_chain(struct store *st, const struct user *u, int64_t org_seq,
			       cJSON **out)
{
	sqlite3_stmt *stmt = sql_prep(st, "WITH RECURSIVE up(s, depth) AS (SELECT ?, 0 "
					  "UNION ALL SELECT x.parent_seq, up.depth + 1 FROM organizations x "
					  "JOIN up ON x.seq = up.s WHERE x.parent_seq IS NOT NULL) "
					  "SELECT " ORG_COLS " FROM up JOIN organizations o ON o.seq = up.s "
					  "JOIN org_access a ON a.org_seq = o.seq AND a.user_seq = ?"
					  ORG_JOINS " ORDER BY up.depth DESC");
	struct org_seen seen = ORG_SEEN_INIT;
	enum store_rc rc = STORE_OK;
	cJSON *items = cJSON_CreateArray();
	int step;

	if (!stmt) {
		cJSON_Delete(items);
		return STORE_ERROR;
	}
	sqlite3_bind_int64(stmt, 1, org_seq);
	sqlite3_bind_int64(stmt, 2, u->seq);
	while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
		cJSON *o = org_from_row(stmt);
		org_hide_unseen(st, u, &seen, o);
		cJSON_AddItemToArray(items, o);
	}
	if (step != SQLITE_DONE) {
		rc = SQLERR(st);
		cJSON_Delete(items);
		items = NULL;
	}
	sql_done(st, stmt);
	*out = items;
	return rc;
}

enum store_rc store_accounts_organizations_list(struct store *st, const struct user *u,
						const char *id, cJSON **out)
{
	struct account_pos pos;
	enum store_rc rc = account_visible(st, u, id, &pos);

	if (rc != STORE_OK)
		return rc;
	/* CF-API: "in order from "root" to "leaf", where the "leaf" will be
	 * the organization that _immediately_ contains the specified account" */
	if (!pos.org_seq) {
		*out = cJSON_CreateArray();
		return STORE_OK;
	}
	return org_chain(st, u, pos.org_seq, out);
}

enum store_rc store_accounts_list(struct store *st, const struct user *u, const char *name,
				  int desc, int64_t offset, int limit, cJSON **out,
				  int64_t *out_total)
{
	struct strbuf where = STRBUF_INIT, sql = STRBUF_INIT;
	struct binds *b = xcalloc(1, sizeof(*b));
	enum store_rc rc;

	*out = NULL;
	strbuf_adds(&where, " WHERE " ACCOUNT_VISIBLE);
	binds_add_int(b, u->seq);
	binds_add_int(b, u->seq);
	binds_add_int(b, u->account_seq);
	account_scope_sql(&where, u);
	/* CF-API: "name: Name of the account": the whole name, compared
	 * case-insensitively as the Organizations-API name filters are */
	if (name) {
		strbuf_adds(&where, " AND a.name_key = ?");
		binds_add_text(b, utf8_lower(name, strlen(name), NULL));
	}
	strbuf_addf(&sql, "SELECT count(*) FROM accounts a%s", where.buf);
	rc = sql_count(st, sql.buf, b, out_total);
	if (rc != STORE_OK)
		goto out;
	/* CF-API: no order parameter; like the Organizations API's lists,
	 * the order is the internal id's, and direction turns it round */
	sql.len = 0;
	strbuf_addf(&sql, "SELECT " ACCOUNT_COLS " FROM " ACCOUNT_FROM "%s ORDER BY a.seq %s "
			  "LIMIT ? OFFSET ?", where.buf, desc ? "DESC" : "ASC");
	binds_add_int(b, limit);
	binds_add_int(b, offset);
	rc = sql_collect(st, sql.buf, b, account_from_row, -1, out, NULL, -1, NULL, NULL);
	if (rc == STORE_OK) {
		struct org_seen seen = ORG_SEEN_INIT;
		cJSON *a;

		cJSON_ArrayForEach(a, *out)
			account_hide_unseen(st, u, &seen, a);
	}
out:
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
	struct account_pos pos;
	enum store_rc rc;
	int step;

	out->source_id[0] = '\0';
	rc = account_visible(st, u, id, &pos);
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
		stmt = sql_prep(st, "SELECT id, tags FROM organizations WHERE seq = ?");
		if (!stmt)
			return STORE_ERROR;
		sqlite3_bind_int64(stmt, 1, pos.org_seq);
		step = sqlite3_step(stmt);
		if (step != SQLITE_ROW) {
			rc = SQLERR(st);
			sql_done(st, stmt);
			return rc;
		}
		snprintf(out->source_id, sizeof(out->source_id), "%s", sql_col_text(stmt, 0));
		/* CF-API: an account moves "between organizations in the same
		 * hierarchy" (a stand-alone one may go anywhere) */
		if (!same_root(sql_col_text(stmt, 1), dest_tags)) {
			sql_done(st, stmt);
			out->status = MOVE_OTHER_HIERARCHY;
			return STORE_OK;
		}
		sql_done(st, stmt);
	}
	stmt = sql_prep(st, "UPDATE accounts SET org_seq = ? WHERE seq = ?");
	if (stmt)
		sqlite3_bind_int64(stmt, 1, dest_seq);
	rc = sql_step_write(st, stmt, 2, pos.seq);
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

	if (sql_begin(st) < 0)
		return STORE_ERROR;
	rc = org_parent(st, u, dest_id, &dest_seq, &dest_tags);
	for (i = 0; rc == STORE_OK && i < n; i++)
		rc = move_one(st, u, ids[i], dest_seq, dest_tags, &out[i]);
	free(dest_tags);
	return sql_finish(st, rc);
}

enum store_rc store_accounts_visible(struct store *st, const struct user *u,
				     const char *account_id)
{
	struct account_pos pos;
	return account_visible(st, u, account_id, &pos);
}
