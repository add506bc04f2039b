/* store_account_members.c: /accounts/{id}/members (store.h "account
 * members"): roles or policies per member, the list and its orders. */
#include "store_internal.h"

#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "ids.h"
#include "roles.h"
#include "util.h"

static enum store_rc account_member_seq(struct store *st, int64_t account_seq,
					const char *member_id, int64_t *out_seq)
{
	return member_lookup(st, "account_members", "account_seq", account_seq, member_id,
			     out_seq, NULL);
}

#define ACCOUNT_MEMBER_COLS \
	"m.seq, m.id, m.status, m.roles, m.policies, u.id, " USER_EMAIL("u") ", u.first_name, " \
	"u.last_name, (SELECT id FROM accounts WHERE seq = m.account_seq)"
#define ACCOUNT_MEMBER_FROM "account_members m JOIN users u ON u.seq = m.user_seq"

/* iam_member_with_policies. */
static cJSON *account_member_from_row(sqlite3_stmt *stmt)
{
	cJSON *m = cJSON_CreateObject(), *user, *roles, *policies = NULL;
	const char *first = sql_col_text(stmt, 7), *last = sql_col_text(stmt, 8), *r;

	cJSON_AddStringToObject(m, "id", sql_col_text(stmt, 1));
	cJSON_AddStringToObject(m, "email", sql_col_text(stmt, 6));
	cJSON_AddStringToObject(m, "status", sql_col_text(stmt, 2));
	user = cJSON_AddObjectToObject(m, "user");
	cJSON_AddStringToObject(user, "id", sql_col_text(stmt, 5));
	cJSON_AddStringToObject(user, "email", sql_col_text(stmt, 6));
	if (first)
		cJSON_AddStringToObject(user, "first_name", first);
	else
		cJSON_AddNullToObject(user, "first_name");
	if (last)
		cJSON_AddStringToObject(user, "last_name", last);
	else
		cJSON_AddNullToObject(user, "last_name");
	cJSON_AddBoolToObject(user, "two_factor_authentication_enabled", 0);
	roles = cJSON_AddArrayToObject(m, "roles");
	for (r = sql_col_text(stmt, 3); r && *r;) {
		size_t len = strcspn(r, ",");
		char *id = xstrndup(r, len);
		const struct role *role = role_find(id);
		if (role)
			cJSON_AddItemToArray(roles, role_json(role));
		free(id);
		r += len + (r[len] == ',');
	}
	if (sql_col_text(stmt, 4))
		policies = cJSON_Parse(sql_col_text(stmt, 4));
	/* CF-API: stored by id, answered in the groups' whole shape
	 * (iam_permission_group, iam_resource_group) */
	cJSON_AddItemToObject(m, "policies",
			      member_policies_json(cJSON_IsArray(policies) ? policies : NULL,
						   sql_col_text(stmt, 9)));
	cJSON_Delete(policies);
	return m;
}

cJSON *member_policies(const char *text, const char *account_id)
{
	cJSON *policies = text ? cJSON_Parse(text) : NULL, *out;

	out = member_policies_json(cJSON_IsArray(policies) ? policies : NULL, account_id);
	cJSON_Delete(policies);
	return out;
}

enum store_rc account_member_insert(struct store *st, const char *id,
				    int64_t account_seq, int64_t user_seq,
				    const char *status, const char *roles,
				    const char *policies, const char *create_time,
				    int64_t *out_seq)
{
	sqlite3_stmt *stmt;
	char idbuf[ID_LEN + 1];
	enum store_rc rc = STORE_OK;
	int step;

	if (!id) {
		rc = sql_fresh_id(st, MEMBER_ID_TAKEN, idbuf);
		id = idbuf;
	}
	if (rc != STORE_OK)
		return rc;
	stmt = sql_prep(st, "INSERT INTO account_members(id, account_seq, user_seq, status, roles, "
			    "policies, create_time) VALUES (?, ?, ?, ?, ?, ?, ?)");
	if (!stmt)
		return STORE_ERROR;
	sql_bind_text(stmt, 1, id);
	sqlite3_bind_int64(stmt, 2, account_seq);
	sqlite3_bind_int64(stmt, 3, user_seq);
	sql_bind_text(stmt, 4, status);
	sql_bind_text(stmt, 5, roles);
	sql_bind_text(stmt, 6, policies);
	sql_bind_text(stmt, 7, create_time);
	step = sqlite3_step(stmt);
	if (step == SQLITE_CONSTRAINT_UNIQUE || step == SQLITE_CONSTRAINT_PRIMARYKEY)
		rc = STORE_CONFLICT;
	else if (step != SQLITE_DONE)
		rc = SQLERR(st);
	else if (out_seq)
		*out_seq = sqlite3_last_insert_rowid(st->db);
	sql_done(st, stmt);
	return rc;
}

static char *roles_text(const char *const *roles, int n)
{
	struct strbuf sb = STRBUF_INIT;
	int i;

	strbuf_adds(&sb, "");
	for (i = 0; i < n; i++)
		strbuf_addf(&sb, "%s%s", i ? "," : "", roles[i]);
	return strbuf_detach(&sb, NULL);
}

enum store_rc store_account_members_create(struct store *st, const struct user *u,
					   const char *account_id,
					   const struct account_member_new *m, cJSON **out)
{
	char now[CLOCK_RFC3339_LEN + 1];
	struct account_pos pos;
	int64_t user_seq = 0, seq = 0;
	char *roles = roles_text(m->roles, m->nroles);
	enum store_rc rc;

	*out = NULL;
	if (sql_begin(st) < 0) {
		free(roles);
		return STORE_ERROR;
	}
	rc = account_visible(st, u, account_id, &pos);
	if (rc == STORE_OK)
		rc = user_for_email(st, m->email, &user_seq);
	clock_now(now);
	if (rc == STORE_OK && m->upsert) {
		/* in place, so the membership keeps its place in the order */
		sqlite3_stmt *up = sql_prep(st, "UPDATE account_members SET id = coalesce(?, id), "
						"status = ?, roles = ?, policies = ?, "
						"create_time = coalesce(?, create_time) "
						"WHERE account_seq = ? AND user_seq = ? RETURNING seq");
		int step;

		if (!up) {
			rc = STORE_ERROR;
		} else {
			sql_bind_text(up, 1, m->id);
			sql_bind_text(up, 2, m->status);
			sql_bind_text(up, 3, roles);
			sql_bind_text(up, 4, m->policies);
			sql_bind_text(up, 5, m->create_time);
			sqlite3_bind_int64(up, 6, pos.seq);
			sqlite3_bind_int64(up, 7, user_seq);
			step = sqlite3_step(up);
			if (step == SQLITE_ROW)
				seq = sqlite3_column_int64(up, 0);
			else if (step != SQLITE_DONE)
				rc = step == SQLITE_CONSTRAINT_UNIQUE ? STORE_CONFLICT : SQLERR(st);
			sql_done(st, up);
		}
	}
	if (rc == STORE_OK && !seq)
		rc = account_member_insert(st, m->id, pos.seq, user_seq, m->status, roles,
					   m->policies, m->create_time ? m->create_time : now, &seq);
	if (rc == STORE_OK)
		rc = sql_row_by_seq(st, "SELECT " ACCOUNT_MEMBER_COLS " FROM " ACCOUNT_MEMBER_FROM
					" WHERE m.seq = ?", seq, account_member_from_row, out);
	free(roles);
	return sql_finish_out(st, rc, out);
}

enum store_rc store_account_members_get(struct store *st, const struct user *u,
					const char *account_id, const char *member_id,
					cJSON **out)
{
	struct account_pos pos;
	int64_t seq;
	enum store_rc rc = account_visible(st, u, account_id, &pos);

	if (rc == STORE_OK)
		rc = account_member_seq(st, pos.seq, member_id, &seq);
	if (rc == STORE_OK)
		rc = sql_row_by_seq(st, "SELECT " ACCOUNT_MEMBER_COLS " FROM " ACCOUNT_MEMBER_FROM
					" WHERE m.seq = ?", seq, account_member_from_row, out);
	return rc;
}

enum store_rc store_account_members_update(struct store *st, const struct user *u,
					   const char *account_id, const char *member_id,
					   const char *const *roles, int nroles,
					   const char *policies, cJSON **out)
{
	struct account_pos pos;
	sqlite3_stmt *stmt;
	int64_t seq = 0;
	char *text = roles_text(roles, nroles);
	enum store_rc rc;

	*out = NULL;
	if (sql_begin(st) < 0) {
		free(text);
		return STORE_ERROR;
	}
	rc = account_visible(st, u, account_id, &pos);
	if (rc == STORE_OK)
		rc = account_member_seq(st, pos.seq, member_id, &seq);
	if (rc == STORE_OK && nroles >= 0) {
		stmt = sql_prep(st, "UPDATE account_members SET roles = ?, policies = ? WHERE seq = ?");
		if (stmt) {
			sql_bind_text(stmt, 1, policies ? "" : text);
			sql_bind_text(stmt, 2, policies);
		}
		rc = sql_step_write(st, stmt, 3, seq);
	}
	if (rc == STORE_OK)
		rc = sql_row_by_seq(st, "SELECT " ACCOUNT_MEMBER_COLS " FROM " ACCOUNT_MEMBER_FROM
					" WHERE m.seq = ?", seq, account_member_from_row, out);
	free(text);
	return sql_finish_out(st, rc, out);
}

enum store_rc store_account_members_delete(struct store *st, const struct user *u,
					   const char *account_id, const char *member_id)
{
	struct account_pos pos;
	int64_t seq;
	enum store_rc rc;

	if (sql_begin(st) < 0)
		return STORE_ERROR;
	rc = account_visible(st, u, account_id, &pos);
	if (rc == STORE_OK)
		rc = account_member_seq(st, pos.seq, member_id, &seq);
	if (rc == STORE_OK)
		rc = sql_step_write(st, sql_prep(st, "DELETE FROM account_members WHERE seq = ?"), 1, seq);
	return sql_finish(st, rc);
}

enum store_rc store_account_members_list(struct store *st, const struct user *u,
					 const char *account_id, const char *status,
					 const char *order, int desc, int64_t offset, int limit,
					 cJSON **out, int64_t *out_total)
{
	/* the order keys, from a fixed list (never from the request) */
	static const struct {
		const char *name;
		const char *sql;
	} orders[] = {
		{ "user.first_name", "cf_lower(u.first_name)" },
		{ "user.last_name", "cf_lower(u.last_name)" },
		{ "user.email", "cf_lower(" USER_EMAIL("u") ")" },
		{ "status", "m.status" },
	};
	struct strbuf where = STRBUF_INIT, sql = STRBUF_INIT;
	struct binds *b = xcalloc(1, sizeof(*b));
	const char *dir = desc ? "DESC" : "ASC", *key = NULL;
	struct account_pos pos;
	enum store_rc rc;
	size_t i;

	*out = NULL;
	rc = account_visible(st, u, account_id, &pos);
	if (rc != STORE_OK)
		goto out;
	for (i = 0; order && i < ARRAY_SIZE(orders); i++)
		if (strcmp(order, orders[i].name) == 0)
			key = orders[i].sql;
	strbuf_adds(&where, " WHERE m.account_seq = ?");
	binds_add_int(b, pos.seq);
	if (status) {
		strbuf_adds(&where, " AND m.status = ?");
		binds_add_text(b, xstrdup(status));
	}
	strbuf_addf(&sql, "SELECT count(*) FROM " ACCOUNT_MEMBER_FROM "%s", where.buf);
	rc = sql_count(st, sql.buf, b, out_total);
	if (rc != STORE_OK)
		goto out;
	sql.len = 0;
	/* CF-API: no default order is documented; cfmock lists members in the
	 * order they were added, and by @order with ties in that order */
	if (key)
		strbuf_addf(&sql, "SELECT " ACCOUNT_MEMBER_COLS " FROM " ACCOUNT_MEMBER_FROM "%s "
				  "ORDER BY %s %s NULLS LAST, m.seq %s LIMIT ? OFFSET ?",
			    where.buf, key, dir, dir);
	else
		strbuf_addf(&sql, "SELECT " ACCOUNT_MEMBER_COLS " FROM " ACCOUNT_MEMBER_FROM "%s "
				  "ORDER BY m.seq %s LIMIT ? OFFSET ?", where.buf, dir);
	binds_add_int(b, limit);
	binds_add_int(b, offset);
	rc = sql_collect(st, sql.buf, b, account_member_from_row, -1, out, NULL, -1, NULL, NULL);
out:
	binds_release(b);
	free(b);
	strbuf_release(&where);
	strbuf_release(&sql);
	return rc;
}

enum store_rc store_account_members_delete_owner(struct store *st, const struct user *u,
						 const char *account_id)
{
	struct account_pos pos;
	enum store_rc rc;

	if (sql_begin(st) < 0)
		return STORE_ERROR;
	rc = account_visible(st, u, account_id, &pos);
	if (rc == STORE_OK) {
		sqlite3_stmt *del = sql_prep(st, "DELETE FROM account_members WHERE account_seq = ? "
						 "AND user_seq = ?");
		if (del)
			sqlite3_bind_int64(del, 1, pos.seq);
		rc = sql_step_write(st, del, 2, u->seq);
	}
	return sql_finish(st, rc);
}
