/* store_memberships.c: the user's own side of account membership
 * (store.h "memberships"): /memberships and /user/invites. A membership
 * is the account_members row whose user is the caller, with the same id;
 * an invitation is such a row while it is pending (CONTRACT.md 12.1). */
#include "store_internal.h"

#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "roles.h"
#include "util.h"

/* CF-API: an invitation's lifetime is not documented; cfmock's is 7 days
 * from when the member was added (a mock choice). */
#define INVITE_TTL_MS (7LL * 24 * 3600 * 1000)

/* ACCOUNT_COLS first (account_from_row() reads them from column 0), then
 * the membership's. */
#define MEMBERSHIP_COLS \
	ACCOUNT_COLS ", m.seq, m.id, m.status, m.roles, m.policies, m.create_time, u.id, " \
	USER_EMAIL("u")
#define M_SEQ 10
#define MEMBERSHIP_FROM \
	"account_members m JOIN accounts a ON a.seq = m.account_seq " \
	"LEFT JOIN organizations o ON o.seq = a.org_seq JOIN users u ON u.seq = m.user_seq"

/* The role names of a stored role list, and the union of their grants. */
static void add_roles(cJSON *out, const char *text, int with_permissions)
{
	cJSON *names = cJSON_AddArrayToObject(out, "roles"), *perms = NULL;

	while (text && *text) {
		size_t len = strcspn(text, ",");
		char *id = xstrndup(text, len);
		const struct role *role = role_find(id);

		if (role) {
			cJSON *j = role_json(role), *p, *g;
			cJSON_AddItemToArray(names, cJSON_CreateString(
				cJSON_GetObjectItemCaseSensitive(j, "name")->valuestring));
			p = cJSON_GetObjectItemCaseSensitive(j, "permissions");
			if (!perms) {
				perms = cJSON_Duplicate(p, 1);
			} else {
				cJSON_ArrayForEach(g, p) {
					cJSON *mine = cJSON_GetObjectItemCaseSensitive(perms, g->string);
					const char *const rw[] = { "read", "write" };
					size_t i;
					for (i = 0; i < 2; i++)
						if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(g, rw[i])))
							cJSON_ReplaceItemInObjectCaseSensitive(
								mine, rw[i], cJSON_CreateTrue());
				}
			}
			cJSON_Delete(j);
		}
		free(id);
		text += len + (text[len] == ',');
	}
	if (with_permissions)
		cJSON_AddItemToObject(out, "permissions", perms ? perms : cJSON_CreateObject());
	else
		cJSON_Delete(perms);
}

/* iam_membership-with-policies. */
static cJSON *membership_from_row(sqlite3_stmt *stmt)
{
	cJSON *m = cJSON_CreateObject();

	cJSON_AddStringToObject(m, "id", sql_col_text(stmt, M_SEQ + 1));
	cJSON_AddItemToObject(m, "account", account_from_row(stmt));
	cJSON_AddStringToObject(m, "status", sql_col_text(stmt, M_SEQ + 2));
	add_roles(m, sql_col_text(stmt, M_SEQ + 3), 1);
	cJSON_AddItemToObject(m, "policies",
			      member_policies(sql_col_text(stmt, M_SEQ + 4), sql_col_text(stmt, 1)));
	cJSON_AddNullToObject(m, "api_access_enabled");
	return m;
}

/* iam_user_invite. */
static cJSON *invite_from_row(sqlite3_stmt *stmt)
{
	cJSON *i = cJSON_CreateObject();
	char when[CLOCK_RFC3339_LEN + 1];
	const char *status = sql_col_text(stmt, M_SEQ + 2);
	int64_t invited = 0;

	cJSON_AddStringToObject(i, "id", sql_col_text(stmt, M_SEQ + 1));
	cJSON_AddStringToObject(i, "invited_member_id", sql_col_text(stmt, M_SEQ + 6));
	cJSON_AddStringToObject(i, "invited_member_email", sql_col_text(stmt, M_SEQ + 7));
	cJSON_AddStringToObject(i, "organization_id", sql_col_text(stmt, 1));
	cJSON_AddStringToObject(i, "organization_name", sql_col_text(stmt, 2));
	cJSON_AddBoolToObject(i, "organization_is_enforcing_twofactor",
			      sqlite3_column_int(stmt, 6));
	cJSON_AddStringToObject(i, "invited_on", sql_col_text(stmt, M_SEQ + 5));
	clock_parse(sql_col_text(stmt, M_SEQ + 5), &invited);
	clock_format(invited + INVITE_TTL_MS, when);
	cJSON_AddStringToObject(i, "expires_on", when);
	add_roles(i, sql_col_text(stmt, M_SEQ + 3), 0);
	if (strcmp(status, "pending") == 0 && clock_now_ms() >= invited + INVITE_TTL_MS)
		status = "expired";
	cJSON_AddStringToObject(i, "status", status);
	return i;
}

/* iam_organization, the legacy view of a membership. CF-API: the
 * permissions are the roles' grants in the legacy "#scope:read" and
 * "#scope:edit" form. */
static cJSON *organization_from_row(sqlite3_stmt *stmt)
{
	cJSON *o = cJSON_CreateObject(), *m = cJSON_CreateObject(), *list, *g, *perms;

	cJSON_AddStringToObject(o, "id", sql_col_text(stmt, 1));
	cJSON_AddStringToObject(o, "name", sql_col_text(stmt, 2));
	add_roles(m, sql_col_text(stmt, M_SEQ + 3), 1);
	list = cJSON_AddArrayToObject(o, "permissions");
	perms = cJSON_GetObjectItemCaseSensitive(m, "permissions");
	cJSON_ArrayForEach(g, perms) {
		char buf[64];
		if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(g, "read"))) {
			snprintf(buf, sizeof(buf), "#%s:read", g->string);
			cJSON_AddItemToArray(list, cJSON_CreateString(buf));
		}
		if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(g, "write"))) {
			snprintf(buf, sizeof(buf), "#%s:edit", g->string);
			cJSON_AddItemToArray(list, cJSON_CreateString(buf));
		}
	}
	cJSON_AddItemToObject(o, "roles", cJSON_DetachItemFromObjectCaseSensitive(m, "roles"));
	cJSON_AddStringToObject(o, "status",
				strcmp(sql_col_text(stmt, M_SEQ + 2), "accepted") == 0 ? "member"
											: "invited");
	cJSON_Delete(m);
	return o;
}

/* The key and status of membership @id of @u (with @pending, only while
 * it is pending: an invitation). */
static enum store_rc membership_seq(struct store *st, const struct user *u, const char *id,
				    int64_t *out_seq, char *out_status)
{
	sqlite3_stmt *stmt = sql_prep(st, "SELECT seq, status FROM account_members "
					  "WHERE id = ? AND user_seq = ?");
	enum store_rc rc = STORE_NOT_FOUND;
	int step;

	if (!stmt)
		return STORE_ERROR;
	sql_bind_text(stmt, 1, id);
	sqlite3_bind_int64(stmt, 2, u->seq);
	step = sqlite3_step(stmt);
	if (step == SQLITE_ROW) {
		*out_seq = sqlite3_column_int64(stmt, 0);
		snprintf(out_status, 16, "%s", sql_col_text(stmt, 1));
		rc = STORE_OK;
	} else if (step != SQLITE_DONE) {
		rc = SQLERR(st);
	}
	sql_done(st, stmt);
	return rc;
}

static enum store_rc row(struct store *st, int64_t seq, int invite, cJSON **out)
{
	return sql_row_by_seq(st, "SELECT " MEMBERSHIP_COLS " FROM " MEMBERSHIP_FROM
				  " WHERE m.seq = ?", seq, invite ? invite_from_row : membership_from_row,
			      out);
}

enum store_rc store_memberships_get(struct store *st, const struct user *u, const char *id,
				    int invite, cJSON **out)
{
	char status[16];
	int64_t seq;
	enum store_rc rc = membership_seq(st, u, id, &seq, status);

	if (rc == STORE_OK && invite && strcmp(status, "pending") != 0)
		rc = STORE_NOT_FOUND;
	if (rc == STORE_OK)
		rc = row(st, seq, invite, out);
	return rc;
}

enum store_rc store_memberships_update(struct store *st, const struct user *u, const char *id,
				       int invite, const char *status, cJSON **out,
				       char *out_was)
{
	char was[16];
	int64_t seq = 0;
	enum store_rc rc;

	*out = NULL;
	if (sql_begin(st) < 0)
		return STORE_ERROR;
	rc = membership_seq(st, u, id, &seq, was);
	if (rc == STORE_OK && invite && strcmp(was, "pending") != 0 && strcmp(was, status) != 0)
		rc = STORE_NOT_FOUND;
	if (rc == STORE_OK && strcmp(was, "pending") != 0 && strcmp(was, status) != 0) {
		snprintf(out_was, 16, "%s", was);
		rc = STORE_CONFLICT;
	}
	if (rc == STORE_OK && strcmp(was, status) != 0) {
		sqlite3_stmt *stmt = sql_prep(st, "UPDATE account_members SET status = ? WHERE seq = ?");
		if (stmt)
			sql_bind_text(stmt, 1, status);
		rc = sql_step_write(st, stmt, 2, seq);
	}
	if (rc == STORE_OK)
		rc = row(st, seq, invite, out);
	return sql_finish_out(st, rc, out);
}

enum store_rc store_memberships_delete(struct store *st, const struct user *u, const char *id)
{
	char status[16];
	int64_t seq = 0;
	enum store_rc rc;

	if (sql_begin(st) < 0)
		return STORE_ERROR;
	rc = membership_seq(st, u, id, &seq, status);
	if (rc == STORE_OK)
		rc = sql_step_write(st, sql_prep(st, "DELETE FROM account_members WHERE seq = ?"), 1,
				    seq);
	return sql_finish(st, rc);
}

/* The key and status of the caller's membership of account @account_id. */
static enum store_rc membership_of_account(struct store *st, const struct user *u,
					   const char *account_id, int64_t *out_seq,
					   char *out_status)
{
	sqlite3_stmt *stmt = sql_prep(st, "SELECT m.seq, m.status FROM account_members m "
					  "JOIN accounts a ON a.seq = m.account_seq "
					  "WHERE a.id = ? AND m.user_seq = ?");
	enum store_rc rc = STORE_NOT_FOUND;
	int step;

	if (!stmt)
		return STORE_ERROR;
	sql_bind_text(stmt, 1, account_id);
	sqlite3_bind_int64(stmt, 2, u->seq);
	step = sqlite3_step(stmt);
	if (step == SQLITE_ROW) {
		*out_seq = sqlite3_column_int64(stmt, 0);
		snprintf(out_status, 16, "%s", sql_col_text(stmt, 1));
		rc = STORE_OK;
	} else if (step != SQLITE_DONE) {
		rc = SQLERR(st);
	}
	sql_done(st, stmt);
	return rc;
}

enum store_rc store_memberships_get_organization(struct store *st, const struct user *u,
						 const char *account_id, cJSON **out)
{
	char status[16];
	int64_t seq;
	enum store_rc rc = membership_of_account(st, u, account_id, &seq, status);

	/* CF-API: a rejected invitation is no organization of the user's */
	if (rc == STORE_OK && strcmp(status, "rejected") == 0)
		rc = STORE_NOT_FOUND;
	if (rc == STORE_OK)
		rc = sql_row_by_seq(st, "SELECT " MEMBERSHIP_COLS " FROM " MEMBERSHIP_FROM
					" WHERE m.seq = ?", seq, organization_from_row, out);
	return rc;
}

enum store_rc store_memberships_delete_organization(struct store *st, const struct user *u,
						    const char *account_id)
{
	char status[16];
	int64_t seq = 0;
	enum store_rc rc;

	if (sql_begin(st) < 0)
		return STORE_ERROR;
	rc = membership_of_account(st, u, account_id, &seq, status);
	if (rc == STORE_OK)
		rc = sql_step_write(st, sql_prep(st, "DELETE FROM account_members WHERE seq = ?"), 1,
				    seq);
	return sql_finish(st, rc);
}

enum store_rc store_memberships_list(struct store *st, const struct user *u,
				     const struct membership_filter *f, int64_t offset, int limit,
				     cJSON **out, int64_t *out_total)
{
	/* the order keys, from a fixed list (never from the request) */
	static const struct {
		const char *name;
		const char *sql;
	} orders[] = {
		{ "id", "m.id" },
		{ "account.name", "a.name_key" },
		{ "status", "m.status" },
		{ "name", "a.name_key" },
	};
	struct strbuf where = STRBUF_INIT, sql = STRBUF_INIT;
	struct binds *b = xcalloc(1, sizeof(*b));
	const char *key = "m.seq", *dir = f->desc ? "DESC" : "ASC";
	enum store_rc rc;
	size_t i;

	*out = NULL;
	for (i = 0; f->order && i < ARRAY_SIZE(orders); i++)
		if (strcmp(f->order, orders[i].name) == 0)
			key = orders[i].sql;
	strbuf_adds(&where, " WHERE m.user_seq = ?");
	binds_add_int(b, u->seq);
	if (f->invites)
		strbuf_adds(&where, " AND m.status = 'pending'");
	if (f->legacy)
		strbuf_adds(&where, " AND m.status IN ('accepted', 'pending')");
	if (f->legacy && f->match_any && f->status && f->account_name) {
		strbuf_adds(&where, " AND (m.status = ? OR a.name_key = ?)");
		binds_add_text(b, xstrdup(f->status));
		binds_add_text(b, utf8_lower(f->account_name, strlen(f->account_name), NULL));
	} else {
		if (f->status) {
			strbuf_adds(&where, " AND m.status = ?");
			binds_add_text(b, xstrdup(f->status));
		}
		if (f->account_name) {
			strbuf_adds(&where, " AND a.name_key = ?");
			binds_add_text(b, utf8_lower(f->account_name, strlen(f->account_name), NULL));
		}
	}
	strbuf_addf(&sql, "SELECT count(*) FROM " MEMBERSHIP_FROM "%s", where.buf);
	rc = sql_count(st, sql.buf, b, out_total);
	if (rc != STORE_OK)
		goto out;
	sql.len = 0;
	strbuf_addf(&sql, "SELECT " MEMBERSHIP_COLS " FROM " MEMBERSHIP_FROM "%s ORDER BY %s %s, "
			  "m.seq %s LIMIT ? OFFSET ?", where.buf, key, dir, dir);
	binds_add_int(b, limit);
	binds_add_int(b, offset);
	rc = sql_collect(st, sql.buf, b,
			 f->legacy    ? organization_from_row
			 : f->invites ? invite_from_row
				      : membership_from_row,
			 -1,
			 out, NULL, -1, NULL, NULL);
out:
	binds_release(b);
	free(b);
	strbuf_release(&where);
	strbuf_release(&sql);
	return rc;
}
