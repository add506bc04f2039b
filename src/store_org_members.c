/* store_org_members.c: /organizations/{id}/members (store.h
 * "organization members"), and access_grant() / access_revoke(), which
 * keep org_access true when a membership comes or goes. */
#include "store_internal.h"

#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "ids.h"
#include "util.h"

/* The roots of what user ?1 sees: what it created, and where it is an
 * active member. */
#define ACCESS_ROOTS \
	"roots(s) AS (SELECT seq FROM organizations WHERE creator_seq = ?1 " \
	"UNION SELECT org_seq FROM org_members WHERE user_seq = ?1 AND status = 'active')"

static enum store_rc step_two(struct store *st, const char *sql, int64_t a, int64_t b)
{
	sqlite3_stmt *stmt = sql_prep(st, sql);
	enum store_rc rc = STORE_OK;

	if (!stmt)
		return STORE_ERROR;
	sqlite3_bind_int64(stmt, 1, a);
	sqlite3_bind_int64(stmt, 2, b);
	if (sqlite3_step(stmt) != SQLITE_DONE)
		rc = SQLERR(st);
	sql_done(st, stmt);
	return rc;
}

/* The rows a membership adds: organization @org_seq and all below it
 * (those the user already sees are left as they are). Only the new
 * subtree is touched, whatever else the user sees. */
enum store_rc access_grant(struct store *st, int64_t user_seq, int64_t org_seq)
{
	return step_two(st, "INSERT OR IGNORE INTO org_access(user_seq, org_seq) "
			    "WITH RECURSIVE down(s) AS (SELECT ?2 UNION ALL "
			    "SELECT o.seq FROM organizations o JOIN down ON o.parent_seq = down.s) "
			    "SELECT ?1, s FROM down",
			user_seq, org_seq);
}

/* The rows a membership of @org_seq took away, once it is gone: every
 * organization of its subtree that no remaining root reaches. A root
 * above @org_seq (the walk up is at most the depth limit) keeps it all;
 * else the walk down keeps each branch from the first remaining root in
 * it. The cost is the subtree's size, never the rest of what the user
 * sees. */
enum store_rc access_revoke(struct store *st, int64_t user_seq, int64_t org_seq)
{
	return step_two(st, "WITH RECURSIVE " ACCESS_ROOTS ", "
			    "up(s) AS (SELECT ?2 UNION ALL SELECT o.parent_seq FROM organizations o "
			    "JOIN up ON o.seq = up.s WHERE o.parent_seq IS NOT NULL), "
			    "down(s, kept) AS (SELECT ?2, EXISTS (SELECT 1 FROM up "
			    "WHERE up.s IN (SELECT s FROM roots)) UNION ALL "
			    "SELECT o.seq, down.kept OR o.seq IN (SELECT s FROM roots) "
			    "FROM organizations o JOIN down ON o.parent_seq = down.s) "
			    "DELETE FROM org_access WHERE user_seq = ?1 AND org_seq IN "
			    "(SELECT s FROM down WHERE NOT kept)",
			user_seq, org_seq);
}

#define ORG_MEMBER_COLS \
	"m.seq, m.id, m.status, m.create_time, m.update_time, u.id, " USER_EMAIL("u") ", " \
	"u.first_name, " \
	"u.last_name"
#define ORG_MEMBER_FROM "org_members m JOIN users u ON u.seq = m.user_seq"

static cJSON *org_member_from_row(sqlite3_stmt *stmt)
{
	cJSON *m = cJSON_CreateObject();

	cJSON_AddStringToObject(m, "id", sql_col_text(stmt, 1));
	cJSON_AddStringToObject(m, "status", sql_col_text(stmt, 2));
	cJSON_AddItemToObject(m, "user", member_user(stmt, 5));
	/* CF-API: meta is a required object with no defined keys */
	cJSON_AddObjectToObject(m, "meta");
	cJSON_AddStringToObject(m, "create_time", sql_col_text(stmt, 3));
	cJSON_AddStringToObject(m, "update_time", sql_col_text(stmt, 4));
	return m;
}

enum store_rc member_lookup(struct store *st, const char *table, const char *parent_col,
			    int64_t parent_seq, const char *member_id, int64_t *out_seq,
			    int64_t *out_user_seq)
{
	char *sql = xasprintf("SELECT seq, user_seq FROM %s WHERE %s = ? AND id = ?", table,
			      parent_col);
	sqlite3_stmt *stmt = sql_prep(st, sql);
	enum store_rc rc = STORE_NO_ITEM;
	int step;

	free(sql);
	if (!stmt)
		return STORE_ERROR;
	sqlite3_bind_int64(stmt, 1, parent_seq);
	sql_bind_text(stmt, 2, member_id);
	step = sqlite3_step(stmt);
	if (step == SQLITE_ROW) {
		*out_seq = sqlite3_column_int64(stmt, 0);
		if (out_user_seq)
			*out_user_seq = sqlite3_column_int64(stmt, 1);
		rc = STORE_OK;
	} else if (step != SQLITE_DONE) {
		rc = SQLERR(st);
	}
	sql_done(st, stmt);
	return rc;
}

static enum store_rc org_member_seq(struct store *st, int64_t org_seq, const char *member_id,
				    int64_t *out_seq, int64_t *out_user_seq)
{
	return member_lookup(st, "org_members", "org_seq", org_seq, member_id, out_seq,
			     out_user_seq);
}

enum store_rc store_org_members_create(struct store *st, const struct user *u, const char *org_id,
				       const struct org_member_new *m, int n, cJSON **out,
				       int *out_bad)
{
	sqlite3_stmt *stmt;
	char now[CLOCK_RFC3339_LEN + 1];
	int64_t org_seq;
	enum store_rc rc;
	cJSON *items = cJSON_CreateArray();
	int i, step;

	*out = NULL;
	*out_bad = -1;
	if (sql_begin(st) < 0) {
		cJSON_Delete(items);
		return STORE_ERROR;
	}
	rc = org_visible(st, u, org_id, &org_seq);
	for (i = 0; rc == STORE_OK && i < n; i++) {
		char idbuf[ID_LEN + 1];
		const char *id = m[i].id;
		int64_t user_seq = 0, seq;

		rc = user_for_email(st, m[i].email, &user_seq);
		if (rc == STORE_OK && !id) {
			rc = sql_fresh_id(st, MEMBER_ID_TAKEN, idbuf);
			id = idbuf;
		}
		if (rc != STORE_OK)
			break;
		clock_now(now);
		stmt = sql_prep(st, "INSERT INTO org_members(id, org_seq, user_seq, status, create_time, "
				    "update_time) VALUES (?, ?, ?, ?, ?, ?5)");
		if (!stmt) {
			rc = STORE_ERROR;
			break;
		}
		sql_bind_text(stmt, 1, id);
		sqlite3_bind_int64(stmt, 2, org_seq);
		sqlite3_bind_int64(stmt, 3, user_seq);
		sql_bind_text(stmt, 4, m[i].status);
		sql_bind_text(stmt, 5, m[i].create_time ? m[i].create_time : now);
		step = sqlite3_step(stmt);
		sql_done(st, stmt);
		if (step == SQLITE_CONSTRAINT_UNIQUE || step == SQLITE_CONSTRAINT_PRIMARYKEY) {
			*out_bad = i;
			rc = STORE_CONFLICT;
			break;
		}
		if (step != SQLITE_DONE) {
			rc = SQLERR(st);
			break;
		}
		seq = sqlite3_last_insert_rowid(st->db);
		if (strcmp(m[i].status, "active") == 0)
			rc = access_grant(st, user_seq, org_seq);
		if (rc == STORE_OK) {
			cJSON *item = NULL;
			rc = sql_row_by_seq(st, "SELECT " ORG_MEMBER_COLS " FROM " ORG_MEMBER_FROM
						" WHERE m.seq = ?", seq, org_member_from_row, &item);
			if (item)
				cJSON_AddItemToArray(items, item);
		}
	}
	rc = sql_finish(st, rc);
	if (rc == STORE_OK)
		*out = items;
	else
		cJSON_Delete(items);
	return rc;
}

enum store_rc store_org_members_get(struct store *st, const struct user *u, const char *org_id,
				    const char *member_id, cJSON **out)
{
	int64_t org_seq, seq, user_seq;
	enum store_rc rc = org_visible(st, u, org_id, &org_seq);

	if (rc == STORE_OK)
		rc = org_member_seq(st, org_seq, member_id, &seq, &user_seq);
	if (rc == STORE_OK)
		rc = sql_row_by_seq(st, "SELECT " ORG_MEMBER_COLS " FROM " ORG_MEMBER_FROM
					" WHERE m.seq = ?", seq, org_member_from_row, out);
	return rc;
}

enum store_rc store_org_members_delete(struct store *st, const struct user *u,
				       const char *org_id, const char *member_id)
{
	int64_t org_seq, seq, user_seq;
	enum store_rc rc;

	if (sql_begin(st) < 0)
		return STORE_ERROR;
	rc = org_visible(st, u, org_id, &org_seq);
	if (rc == STORE_OK)
		rc = org_member_seq(st, org_seq, member_id, &seq, &user_seq);
	if (rc == STORE_OK)
		rc = sql_step_write(st, sql_prep(st, "DELETE FROM org_members WHERE seq = ?"), 1, seq);
	/* the former member sees only what it still reaches otherwise */
	if (rc == STORE_OK)
		rc = access_revoke(st, user_seq, org_seq);
	return sql_finish(st, rc);
}

enum store_rc store_org_members_list(struct store *st, const struct user *u, const char *org_id,
				     const struct org_member_filter *f, int64_t after, int limit,
				     cJSON **out, int64_t *out_last, int *out_more,
				     int64_t *out_total)
{
	static const enum match how[] = { MATCH_EQUAL, MATCH_CONTAINS, MATCH_PREFIX, MATCH_SUFFIX };
	struct strbuf where = STRBUF_INIT, sql = STRBUF_INIT;
	struct binds *b = xcalloc(1, sizeof(*b));
	int64_t org_seq;
	enum store_rc rc;
	int i;

	*out = NULL;
	*out_more = 0;
	*out_last = after;
	rc = org_visible(st, u, org_id, &org_seq);
	if (rc != STORE_OK)
		goto out;
	strbuf_adds(&where, " WHERE m.org_seq = ?");
	binds_add_int(b, org_seq);
	if (f->statuses) {
		strbuf_adds(&where, " AND m.status IN (");
		for (i = 0; i < f->nstatuses; i++) {
			strbuf_adds(&where, i ? ", ?" : "?");
			binds_add_text(b, xstrdup(f->statuses[i]));
		}
		strbuf_adds(&where, ")");
	}
	/* CF-API: emails compare case-insensitively, as everywhere */
	for (i = 0; i < 4; i++)
		sql_match(&where, b, "cf_lower(" USER_EMAIL("u") ")", how[i], f->email[i]);
	strbuf_addf(&sql, "SELECT count(*) FROM " ORG_MEMBER_FROM "%s", where.buf);
	rc = sql_count(st, sql.buf, b, out_total);
	if (rc != STORE_OK)
		goto out;
	sql.len = 0;
	strbuf_addf(&sql, "SELECT " ORG_MEMBER_COLS " FROM " ORG_MEMBER_FROM "%s AND m.seq > ? "
			  "ORDER BY m.seq LIMIT ?", where.buf);
	binds_add_int(b, after);
	binds_add_int(b, (int64_t)limit + 1);
	rc = sql_collect(st, sql.buf, b, org_member_from_row, limit, out, out_last, -1, NULL, out_more);
out:
	binds_release(b);
	free(b);
	strbuf_release(&where);
	strbuf_release(&sql);
	return rc;
}
