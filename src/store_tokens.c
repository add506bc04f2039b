/* store_tokens.c: API tokens made through the API or declared with
 * policies by fixtures (store.h "API tokens"): user tokens
 * (/user/tokens), account-owned tokens (/accounts/{id}/tokens), and the
 * look-up of a secret on every request one authenticates. */
#include "store_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "grants.h"
#include "ids.h"
#include "util.h"

#define TOKEN_ID_TAKEN "SELECT 1 FROM api_tokens WHERE id = ?"

enum store_rc store_tokens_resolve(struct store *st, const char *secret, struct token_auth *out)
{
	sqlite3_stmt *stmt = sql_prep(st, "SELECT t.seq, t.id, t.user_seq, u.id, u.tenant_admin, "
					  "t.account_seq, a.id, t.status = 'active', t.not_before, "
					  "t.expires_on, t.ip_in, t.ip_not_in, t.grants, t.last_used_ms "
					  "FROM api_tokens t LEFT JOIN users u ON u.seq = t.user_seq "
					  "LEFT JOIN accounts a ON a.seq = t.account_seq "
					  "WHERE t.secret = ?");
	enum store_rc rc = STORE_NOT_FOUND;
	int step;

	memset(out, 0, sizeof(*out));
	if (!stmt)
		return STORE_ERROR;
	sql_bind_text(stmt, 1, secret);
	step = sqlite3_step(stmt);
	if (step == SQLITE_ROW) {
		const void *g = sqlite3_column_blob(stmt, 12);
		int glen = sqlite3_column_bytes(stmt, 12);

		out->seq = sqlite3_column_int64(stmt, 0);
		snprintf(out->id, sizeof(out->id), "%s", sql_col_text(stmt, 1));
		out->user_seq = sqlite3_column_int64(stmt, 2);
		if (sql_col_text(stmt, 3))
			snprintf(out->user_id, sizeof(out->user_id), "%s", sql_col_text(stmt, 3));
		out->tenant_admin = sqlite3_column_int(stmt, 4);
		out->account_seq = sqlite3_column_int64(stmt, 5);
		if (sql_col_text(stmt, 6))
			snprintf(out->account_id, sizeof(out->account_id), "%s", sql_col_text(stmt, 6));
		out->active = sqlite3_column_int(stmt, 7);
		out->not_before = sqlite3_column_type(stmt, 8) == SQLITE_NULL
					  ? INT64_MIN : sqlite3_column_int64(stmt, 8);
		out->expires_on = sqlite3_column_type(stmt, 9) == SQLITE_NULL
					  ? INT64_MAX : sqlite3_column_int64(stmt, 9);
		if (sql_col_text(stmt, 10))
			out->ip_in = xstrdup(sql_col_text(stmt, 10));
		if (sql_col_text(stmt, 11))
			out->ip_not_in = xstrdup(sql_col_text(stmt, 11));
		if (g && glen > 0) {
			out->grants = xmalloc((size_t)glen);
			memcpy(out->grants, g, (size_t)glen);
			out->grants_len = (size_t)glen;
		}
		out->last_used_ms = sqlite3_column_int64(stmt, 13);
		rc = STORE_OK;
	} else if (step != SQLITE_DONE) {
		rc = SQLERR(st);
	}
	sql_done(st, stmt);
	if (rc == STORE_NOT_FOUND) {
		/* a secret deleted or rolled away fails, in open mode too */
		stmt = sql_prep(st, "SELECT 1 FROM retired_secrets WHERE secret = ?");
		if (!stmt)
			return STORE_ERROR;
		sql_bind_text(stmt, 1, secret);
		step = sqlite3_step(stmt);
		rc = step == SQLITE_ROW ? STORE_CONFLICT : step == SQLITE_DONE ? STORE_NOT_FOUND
									: SQLERR(st);
		sql_done(st, stmt);
	}
	return rc;
}

void token_auth_release(struct token_auth *t)
{
	free(t->ip_in);
	free(t->ip_not_in);
	free(t->grants);
	memset(t, 0, sizeof(*t));
}

enum store_rc store_tokens_touch(struct store *st, int64_t seq, int64_t now_ms)
{
	sqlite3_stmt *stmt = sql_prep(st, "UPDATE api_tokens SET last_used_ms = ? WHERE seq = ?");

	if (stmt)
		sqlite3_bind_int64(stmt, 1, now_ms);
	return sql_step_write(st, stmt, 2, seq);
}

/* --- the API's view --- */

#define TOKEN_COLS                                                                       \
	"t.seq, t.id, t.name, t.status, t.issued_on, t.modified_on, t.last_used_ms, "     \
	"t.not_before, t.expires_on, t.ip_in, t.ip_not_in, t.policies, t.secret"

static void add_time(cJSON *o, const char *key, sqlite3_stmt *stmt, int col)
{
	char buf[CLOCK_RFC3339_LEN + 1];

	if (sqlite3_column_type(stmt, col) == SQLITE_NULL)
		return;
	clock_format(sqlite3_column_int64(stmt, col), buf);
	cJSON_AddStringToObject(o, key, buf);
}

/* iam_token_base: CF-API: no condition, not_before or expires_on when
 * none was set, as a live GET /user/tokens/{id} answers (CONTRACT.md 11) */
static cJSON *token_from_row(sqlite3_stmt *stmt)
{
	cJSON *t = cJSON_CreateObject(), *cond, *policies;
	const char *status = sql_col_text(stmt, 3);

	cJSON_AddStringToObject(t, "id", sql_col_text(stmt, 1));
	cJSON_AddStringToObject(t, "name", sql_col_text(stmt, 2));
	if (strcmp(status, "active") == 0 && sqlite3_column_type(stmt, 8) != SQLITE_NULL &&
	    sqlite3_column_int64(stmt, 8) <= clock_now_ms())
		status = "expired";
	cJSON_AddStringToObject(t, "status", status);
	cJSON_AddStringToObject(t, "issued_on", sql_col_text(stmt, 4));
	cJSON_AddStringToObject(t, "modified_on", sql_col_text(stmt, 5));
	add_time(t, "last_used_on", stmt, 6);
	add_time(t, "not_before", stmt, 7);
	add_time(t, "expires_on", stmt, 8);
	policies = cJSON_Parse(sql_col_text(stmt, 11));
	cJSON_AddItemToObject(t, "policies", policies ? policies : cJSON_CreateArray());
	cond = grants_condition_json(sql_col_text(stmt, 9), sql_col_text(stmt, 10));
	if (cond)
		cJSON_AddItemToObject(t, "condition", cond);
	return t;
}

static cJSON *token_with_value(sqlite3_stmt *stmt)
{
	cJSON *t = token_from_row(stmt);

	cJSON_AddStringToObject(t, "value", sql_col_text(stmt, 12));
	return t;
}

/* The owner a route names: the caller's own tokens, or account
 * @account_id's, which the caller must see. Sets the column and key. */
struct owner {
	const char *col; /* "user_seq" or "account_seq" (fixed names) */
	int64_t seq;
};

static enum store_rc owner_of(struct store *st, const struct user *u, const char *account_id,
			      struct owner *out)
{
	struct account_pos pos;
	enum store_rc rc;

	if (!account_id) {
		out->col = "user_seq";
		out->seq = u->seq;
		return u->seq ? STORE_OK : STORE_NOT_FOUND;
	}
	rc = account_visible(st, u, account_id, &pos);
	out->col = "account_seq";
	out->seq = pos.seq;
	return rc;
}

/* The key of token @token_id of @o. */
static enum store_rc token_seq(struct store *st, const struct owner *o, const char *token_id,
			       int64_t *out)
{
	char *sql = xasprintf("SELECT seq FROM api_tokens WHERE id = ? AND %s = ?", o->col);
	sqlite3_stmt *stmt = sql_prep(st, sql);
	enum store_rc rc = STORE_NO_ITEM;
	int step;

	free(sql);
	if (!stmt)
		return STORE_ERROR;
	sql_bind_text(stmt, 1, token_id);
	sqlite3_bind_int64(stmt, 2, o->seq);
	step = sqlite3_step(stmt);
	if (step == SQLITE_ROW) {
		*out = sqlite3_column_int64(stmt, 0);
		rc = STORE_OK;
	} else if (step != SQLITE_DONE) {
		rc = SQLERR(st);
	}
	sql_done(st, stmt);
	return rc;
}

static void new_secret(char *out)
{
	static const char alphabet[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	unsigned char raw[TOKEN_SECRET_LEN];
	int i;

	ids_secret_bytes(raw, sizeof(raw));
	for (i = 0; i < TOKEN_SECRET_LEN; i++)
		out[i] = alphabet[raw[i] & 63];
	out[TOKEN_SECRET_LEN] = '\0';
}

/* Whether @secret is taken, by an issued token or a plain one. */
static enum store_rc secret_taken(struct store *st, const char *secret)
{
	sqlite3_stmt *stmt = sql_prep(st, "SELECT 1 FROM api_tokens WHERE secret = ?1 UNION ALL "
					  "SELECT 1 FROM credentials WHERE kind = 'token' AND "
					  "secret = ?1");
	enum store_rc rc;
	int step;

	if (!stmt)
		return STORE_ERROR;
	sql_bind_text(stmt, 1, secret);
	step = sqlite3_step(stmt);
	rc = step == SQLITE_ROW ? STORE_CONFLICT : step == SQLITE_DONE ? STORE_OK : SQLERR(st);
	sql_done(st, stmt);
	return rc;
}

static void bind_ms(sqlite3_stmt *stmt, int i, int64_t ms, int64_t none)
{
	if (ms == none)
		sqlite3_bind_null(stmt, i);
	else
		sqlite3_bind_int64(stmt, i, ms);
}

static enum store_rc row_by_seq(struct store *st, int64_t seq, int with_value, cJSON **out)
{
	return sql_row_by_seq(st, "SELECT " TOKEN_COLS " FROM api_tokens t WHERE t.seq = ?", seq,
			      with_value ? token_with_value : token_from_row, out);
}

enum store_rc store_tokens_create(struct store *st, const struct user *u, const char *account_id,
				  const struct token_new *t, cJSON **out)
{
	char now[CLOCK_RFC3339_LEN + 1], idbuf[ID_LEN + 1], secret[TOKEN_SECRET_LEN + 1];
	sqlite3_stmt *stmt;
	struct owner o;
	enum store_rc rc;
	int step;

	*out = NULL;
	if (sql_begin(st) < 0)
		return STORE_ERROR;
	rc = owner_of(st, u, account_id, &o);
	if (rc == STORE_OK && !t->id)
		rc = sql_fresh_id(st, TOKEN_ID_TAKEN, idbuf);
	if (rc == STORE_OK && !t->secret)
		new_secret(secret);
	if (rc == STORE_OK)
		rc = secret_taken(st, t->secret ? t->secret : secret);
	if (rc != STORE_OK)
		return sql_finish(st, rc);
	clock_now(now);
	stmt = sql_prep(st, "INSERT INTO api_tokens(id, secret, user_seq, account_seq, name, status, "
			    "issued_on, modified_on, last_used_ms, not_before, expires_on, ip_in, "
			    "ip_not_in, policies, grants) "
			    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
	if (!stmt)
		return sql_finish(st, STORE_ERROR);
	sql_bind_text(stmt, 1, t->id ? t->id : idbuf);
	sql_bind_text(stmt, 2, t->secret ? t->secret : secret);
	if (account_id) {
		sqlite3_bind_null(stmt, 3);
		sqlite3_bind_int64(stmt, 4, o.seq);
	} else {
		sqlite3_bind_int64(stmt, 3, o.seq);
		sqlite3_bind_null(stmt, 4);
	}
	sql_bind_text(stmt, 5, t->name);
	sql_bind_text(stmt, 6, t->status ? t->status : "active");
	sql_bind_text(stmt, 7, t->issued_on ? t->issued_on : now);
	sql_bind_text(stmt, 8, t->modified_on ? t->modified_on : t->issued_on ? t->issued_on : now);
	{
		int64_t used;
		if (t->last_used_on && clock_parse(t->last_used_on, &used) == 0)
			sqlite3_bind_int64(stmt, 9, used);
		else
			sqlite3_bind_null(stmt, 9);
	}
	bind_ms(stmt, 10, t->not_before, INT64_MIN);
	bind_ms(stmt, 11, t->expires_on, INT64_MAX);
	sql_bind_text(stmt, 12, t->ip_in);
	sql_bind_text(stmt, 13, t->ip_not_in);
	sql_bind_text(stmt, 14, t->policies);
	sqlite3_bind_blob(stmt, 15, t->grants, (int)t->grants_len, SQLITE_TRANSIENT);
	step = sqlite3_step(stmt);
	if (step == SQLITE_CONSTRAINT_UNIQUE)
		rc = STORE_CONFLICT;
	else if (step != SQLITE_DONE)
		rc = SQLERR(st);
	if (rc == STORE_OK)
		rc = row_by_seq(st, sqlite3_last_insert_rowid(st->db), 1, out);
	sql_done(st, stmt);
	return sql_finish_out(st, rc, out);
}

enum store_rc store_tokens_get(struct store *st, const struct user *u, const char *account_id,
			       const char *token_id, cJSON **out)
{
	struct owner o;
	int64_t seq;
	enum store_rc rc = owner_of(st, u, account_id, &o);

	if (rc == STORE_OK)
		rc = token_seq(st, &o, token_id, &seq);
	if (rc == STORE_OK)
		rc = row_by_seq(st, seq, 0, out);
	return rc;
}

enum store_rc store_tokens_update(struct store *st, const struct user *u, const char *account_id,
				  const char *token_id, const struct token_new *t, cJSON **out)
{
	char now[CLOCK_RFC3339_LEN + 1];
	sqlite3_stmt *stmt;
	struct owner o;
	int64_t seq = 0;
	enum store_rc rc;

	*out = NULL;
	if (sql_begin(st) < 0)
		return STORE_ERROR;
	rc = owner_of(st, u, account_id, &o);
	if (rc == STORE_OK)
		rc = token_seq(st, &o, token_id, &seq);
	if (rc != STORE_OK)
		return sql_finish(st, rc);
	clock_now(now);
	stmt = sql_prep(st, "UPDATE api_tokens SET name = ?, status = coalesce(?, status), modified_on = ?, "
			    "not_before = ?, expires_on = ?, ip_in = ?, ip_not_in = ?, policies = ?, "
			    "grants = ? WHERE seq = ?");
	if (stmt) {
		sql_bind_text(stmt, 1, t->name);
		sql_bind_text(stmt, 2, t->status);
		sql_bind_text(stmt, 3, now);
		bind_ms(stmt, 4, t->not_before, INT64_MIN);
		bind_ms(stmt, 5, t->expires_on, INT64_MAX);
		sql_bind_text(stmt, 6, t->ip_in);
		sql_bind_text(stmt, 7, t->ip_not_in);
		sql_bind_text(stmt, 8, t->policies);
		sqlite3_bind_blob(stmt, 9, t->grants, (int)t->grants_len, SQLITE_TRANSIENT);
	}
	rc = sql_step_write(st, stmt, 10, seq);
	if (rc == STORE_OK)
		rc = row_by_seq(st, seq, 0, out);
	return sql_finish_out(st, rc, out);
}

enum store_rc store_tokens_delete(struct store *st, const struct user *u, const char *account_id,
				  const char *token_id)
{
	struct owner o;
	int64_t seq = 0;
	enum store_rc rc;

	if (sql_begin(st) < 0)
		return STORE_ERROR;
	rc = owner_of(st, u, account_id, &o);
	if (rc == STORE_OK)
		rc = token_seq(st, &o, token_id, &seq);
	if (rc == STORE_OK)
		rc = sql_step_write(st, sql_prep(st, "DELETE FROM api_tokens WHERE seq = ?"), 1, seq);
	return sql_finish(st, rc);
}

enum store_rc store_tokens_roll(struct store *st, const struct user *u, const char *account_id,
				const char *token_id, char *out)
{
	char now[CLOCK_RFC3339_LEN + 1];
	sqlite3_stmt *stmt;
	struct owner o;
	int64_t seq = 0;
	enum store_rc rc;

	if (sql_begin(st) < 0)
		return STORE_ERROR;
	rc = owner_of(st, u, account_id, &o);
	if (rc == STORE_OK)
		rc = token_seq(st, &o, token_id, &seq);
	if (rc != STORE_OK)
		return sql_finish(st, rc);
	new_secret(out);
	clock_now(now);
	/* CF-API: the roll is a modification too (CONTRACT.md 12.2, a mock
	 * choice) */
	stmt = sql_prep(st, "UPDATE api_tokens SET secret = ?, modified_on = ? WHERE seq = ?");
	if (stmt) {
		sql_bind_text(stmt, 1, out);
		sql_bind_text(stmt, 2, now);
	}
	rc = sql_step_write(st, stmt, 3, seq);
	return sql_finish(st, rc);
}

enum store_rc store_tokens_list(struct store *st, const struct user *u, const char *account_id,
				int include_expired, int desc, int64_t offset, int limit,
				cJSON **out, int64_t *out_total)
{
	struct strbuf where = STRBUF_INIT, sql = STRBUF_INIT;
	struct binds *b = xcalloc(1, sizeof(*b));
	struct owner o;
	enum store_rc rc;

	*out = NULL;
	rc = owner_of(st, u, account_id, &o);
	if (rc != STORE_OK)
		goto out;
	strbuf_addf(&where, " WHERE t.%s = ?", o.col);
	binds_add_int(b, o.seq);
	/* CF-API: include_expired "includes recently-expired tokens": cfmock
	 * keeps every expired token until it is deleted */
	if (!include_expired) {
		strbuf_adds(&where, " AND (t.expires_on IS NULL OR t.expires_on > ?)");
		binds_add_int(b, clock_now_ms());
	}
	strbuf_addf(&sql, "SELECT count(*) FROM api_tokens t%s", where.buf);
	rc = sql_count(st, sql.buf, b, out_total);
	if (rc != STORE_OK)
		goto out;
	sql.len = 0;
	strbuf_addf(&sql, "SELECT " TOKEN_COLS " FROM api_tokens t%s ORDER BY t.seq %s "
			  "LIMIT ? OFFSET ?", where.buf, desc ? "DESC" : "ASC");
	binds_add_int(b, limit);
	binds_add_int(b, offset);
	rc = sql_collect(st, sql.buf, b, token_from_row, -1, out, NULL, -1, NULL, NULL);
out:
	binds_release(b);
	free(b);
	strbuf_release(&where);
	strbuf_release(&sql);
	return rc;
}

enum store_rc tokens_export(struct store *st, const char *col, int64_t seq, cJSON *parent)
{
	char *sql = xasprintf("SELECT " TOKEN_COLS " FROM api_tokens t WHERE t.%s = ? "
			      "ORDER BY t.seq", col);
	sqlite3_stmt *stmt = sql_prep(st, sql);
	cJSON *list = cJSON_GetObjectItemCaseSensitive(parent, "tokens");
	enum store_rc rc = STORE_OK;
	int step;

	free(sql);
	if (!stmt)
		return STORE_ERROR;
	sqlite3_bind_int64(stmt, 1, seq);
	while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
		cJSON *t = token_with_value(stmt);

		/* the status kept, not the one shown: "expired" follows from
		 * expires_on when it is loaded back */
		cJSON_ReplaceItemInObjectCaseSensitive(t, "status",
						       cJSON_CreateString(sql_col_text(stmt, 3)));
		if (!list)
			list = cJSON_AddArrayToObject(parent, "tokens");
		cJSON_AddItemToArray(list, t);
	}
	if (step != SQLITE_DONE)
		rc = SQLERR(st);
	sql_done(st, stmt);
	return rc;
}
