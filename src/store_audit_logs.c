/* store_audit_logs.c: the audit log's SQL (store.h "the audit log";
 * schema/008-audit.sql). Entries are written by audit.c inside the
 * savepoint of the change they record, and read in pages keyed by
 * (time_ms, seq): a page costs what it returns, however many entries the
 * log holds. */
#include "store_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "ids.h"
#include "util.h"


enum store_rc store_audit_logs_add(struct store *st, const struct audit_entry *e)
{
	char id[ID_LEN + 1];
	sqlite3_stmt *stmt;
	enum store_rc rc;
	int i = 1;

	if (e->id) {
		snprintf(id, sizeof(id), "%s", e->id);
	} else {
		/* the time first, so that new ids go at the end of the
		 * unique index; then 80 random bits (a clash is refused by
		 * the index, and answered as a failed write) */
		char rnd[ID_LEN + 1];
		ids_new(rnd);
		snprintf(id, sizeof(id), "%012llx%.20s",
			 (unsigned long long)(e->time_ms & 0xffffffffffffLL), rnd);
	}
	/* the email and token name as they are now, looked up in the
	 * statement itself: one round trip for the entry */
	stmt = sql_prep(st, "INSERT INTO audit_logs (id, time_ms, account_id, account_name, org_id, "
			    "actor_user, action_type, description, result, actor_id, actor_email, "
			    "actor_type, actor_context, token_id, token_name, ip, method, uri, status, "
			    "ray_id, user_agent, resource_id, product, rtype, scope, request, response, "
			    "account_seq, org_seq) "
			    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, "
			    "coalesce(?, (SELECT " USER_EMAIL("u") " FROM users u WHERE u.seq = ?)), "
			    "?, ?, ?, coalesce(?, (SELECT name FROM api_tokens WHERE seq = ?)), "
			    "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
			    "(SELECT seq FROM accounts WHERE id = ?3), "
			    "(SELECT seq FROM organizations WHERE id = ?5))");
	if (!stmt)
		return STORE_ERROR;
	sql_bind_text(stmt, i++, id);
	sqlite3_bind_int64(stmt, i++, e->time_ms);
	sql_bind_text(stmt, i++, e->account_id);
	sql_bind_text(stmt, i++, e->account_name);
	sql_bind_text(stmt, i++, e->org_id);
	sql_bind_text(stmt, i++, e->actor_user);
	sql_bind_text(stmt, i++, e->action_type);
	sql_bind_text(stmt, i++, e->description);
	sql_bind_text(stmt, i++, e->result);
	sql_bind_text(stmt, i++, e->actor_id);
	sql_bind_text(stmt, i++, e->actor_email);
	sqlite3_bind_int64(stmt, i++, e->user_seq);
	sql_bind_text(stmt, i++, e->actor_type);
	sql_bind_text(stmt, i++, e->actor_context);
	sql_bind_text(stmt, i++, e->token_id);
	sql_bind_text(stmt, i++, e->token_name);
	sqlite3_bind_int64(stmt, i++, e->token_seq);
	sql_bind_text(stmt, i++, e->ip);
	sql_bind_text(stmt, i++, e->method);
	sql_bind_text(stmt, i++, e->uri);
	sqlite3_bind_int(stmt, i++, e->status);
	sql_bind_text(stmt, i++, e->ray_id);
	sql_bind_text(stmt, i++, e->user_agent);
	sql_bind_text(stmt, i++, e->resource_id);
	sql_bind_text(stmt, i++, e->product);
	sql_bind_text(stmt, i++, e->rtype);
	sql_bind_text(stmt, i++, e->scope);
	sql_bind_text(stmt, i++, e->request);
	sql_bind_text(stmt, i++, e->response);
	rc = sqlite3_step(stmt) == SQLITE_DONE ? STORE_OK
	     : sqlite3_extended_errcode(st->db) == SQLITE_CONSTRAINT_UNIQUE ? STORE_CONFLICT
									     : SQLERR(st);
	sql_done(st, stmt);
	return rc;
}

int store_audit_logs_begin(struct store *st)
{
	if (sql_begin(st) < 0)
		return -1;
	st->audit_changes = sqlite3_total_changes64(st->db);
	return 0;
}

int store_audit_logs_changed(struct store *st)
{
	return sqlite3_total_changes64(st->db) != st->audit_changes;
}

int store_audit_logs_end(struct store *st, int keep)
{
	if (!keep) {
		sql_rollback(st);
		return 0;
	}
	return sql_finish(st, STORE_OK) == STORE_OK ? 0 : -1;
}

enum store_rc store_audit_logs_account_name(struct store *st, const char *id, char **out)
{
	sqlite3_stmt *stmt = sql_prep(st, "SELECT name FROM accounts WHERE id = ?");
	enum store_rc rc;

	*out = NULL;
	if (!stmt)
		return STORE_ERROR;
	sql_bind_text(stmt, 1, id);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		*out = xstrdup(sql_col_text(stmt, 0));
	rc = rc == SQLITE_ROW ? STORE_OK : rc == SQLITE_DONE ? STORE_NOT_FOUND : SQLERR(st);
	sql_done(st, stmt);
	return rc;
}

enum store_rc store_audit_logs_membership_account(struct store *st, const struct user *u,
						  const char *id, char *out_id, char **out_name)
{
	sqlite3_stmt *stmt = sql_prep(st, "SELECT a.id, a.name FROM account_members m "
					  "JOIN accounts a ON a.seq = m.account_seq "
					  "WHERE m.id = ? AND m.user_seq = ?");
	enum store_rc rc;

	*out_name = NULL;
	out_id[0] = '\0';
	if (!stmt)
		return STORE_ERROR;
	sql_bind_text(stmt, 1, id);
	sqlite3_bind_int64(stmt, 2, u->seq);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		snprintf(out_id, ID_LEN + 1, "%s", sql_col_text(stmt, 0));
		*out_name = xstrdup(sql_col_text(stmt, 1));
	}
	rc = rc == SQLITE_ROW ? STORE_OK : rc == SQLITE_DONE ? STORE_NOT_FOUND : SQLERR(st);
	sql_done(st, stmt);
	return rc;
}

/* The columns a page reads, in from_row()'s order (seq first, for
 * sql_collect(); time_ms second, the page key's other half). */
#define AUDIT_COLS_SQL                                                                   \
	"seq, time_ms, id, account_id, account_name, org_id, action_type, description, "  \
	"result, actor_id, actor_email, actor_type, actor_context, token_id, token_name, " \
	"ip, method, uri, status, ray_id, user_agent, resource_id, product, rtype, scope, " \
	"request, response"

static void add_text(cJSON *o, const char *key, sqlite3_stmt *stmt, int col)
{
	const char *v = sql_col_text(stmt, col);

	if (v)
		cJSON_AddStringToObject(o, key, v);
}

static void add_json(cJSON *o, const char *key, sqlite3_stmt *stmt, int col)
{
	const char *v = sql_col_text(stmt, col);
	cJSON *j = v ? cJSON_Parse(v) : NULL;

	cJSON_AddItemToObject(o, key, j ? j : cJSON_CreateObject());
}

/* aaa_audit-logs-v2; @org: an organization's log (organization{id} and
 * no account), @both: the export's, with whichever it has. */
static cJSON *entry_from_row(sqlite3_stmt *stmt, int org, int both)
{
	cJSON *e = cJSON_CreateObject(), *o;
	char when[CLOCK_RFC3339_LEN + 1];

	cJSON_AddStringToObject(e, "id", sql_col_text(stmt, 2));
	o = cJSON_AddObjectToObject(e, "action");
	add_text(o, "description", stmt, 7);
	add_text(o, "result", stmt, 8);
	clock_format(sqlite3_column_int64(stmt, 1), when);
	cJSON_AddStringToObject(o, "time", when);
	add_text(o, "type", stmt, 6);
	o = cJSON_AddObjectToObject(e, "actor");
	add_text(o, "context", stmt, 12);
	add_text(o, "email", stmt, 10);
	add_text(o, "id", stmt, 9);
	add_text(o, "ip_address", stmt, 15);
	add_text(o, "token_id", stmt, 13);
	add_text(o, "token_name", stmt, 14);
	add_text(o, "type", stmt, 11);
	if ((!org || both) && sql_col_text(stmt, 3)) {
		o = cJSON_AddObjectToObject(e, "account");
		add_text(o, "id", stmt, 3);
		add_text(o, "name", stmt, 4);
	}
	if ((org || both) && sql_col_text(stmt, 5)) {
		o = cJSON_AddObjectToObject(e, "organization");
		add_text(o, "id", stmt, 5);
	}
	o = cJSON_AddObjectToObject(e, "raw");
	add_text(o, "cf_ray_id", stmt, 19);
	add_text(o, "method", stmt, 16);
	cJSON_AddNumberToObject(o, "status_code", sqlite3_column_int(stmt, 18));
	add_text(o, "uri", stmt, 17);
	add_text(o, "user_agent", stmt, 20);
	o = cJSON_AddObjectToObject(e, "resource");
	add_text(o, "id", stmt, 21);
	add_text(o, "product", stmt, 22);
	add_json(o, "request", stmt, 25);
	add_json(o, "response", stmt, 26);
	/* CF-API: a string, as the document's example and the Logpush
	 * dataset have it, though its schema says object (CONTRACT.md 11) */
	add_text(o, "scope", stmt, 24);
	add_text(o, "type", stmt, 23);
	return e;
}

static cJSON *account_row(sqlite3_stmt *stmt)
{
	return entry_from_row(stmt, 0, 0);
}

static cJSON *org_row(sqlite3_stmt *stmt)
{
	return entry_from_row(stmt, 1, 0);
}

static cJSON *export_row(sqlite3_stmt *stmt)
{
	return entry_from_row(stmt, 0, 1);
}

static const char *const filter_sql[AUDIT_COLS] = {
	[AUDIT_ID] = "id", [AUDIT_ACCOUNT_NAME] = "account_name",
	[AUDIT_ACTION_RESULT] = "result", [AUDIT_ACTION_TYPE] = "action_type",
	[AUDIT_ACTOR_CONTEXT] = "actor_context", [AUDIT_ACTOR_EMAIL] = "actor_email",
	[AUDIT_ACTOR_ID] = "actor_id", [AUDIT_ACTOR_IP] = "ip",
	[AUDIT_ACTOR_TOKEN_ID] = "token_id", [AUDIT_ACTOR_TOKEN_NAME] = "token_name",
	[AUDIT_ACTOR_TYPE] = "actor_type", [AUDIT_RAY_ID] = "ray_id", [AUDIT_METHOD] = "method",
	[AUDIT_STATUS] = "status", [AUDIT_URI] = "uri", [AUDIT_RESOURCE_ID] = "resource_id",
	[AUDIT_PRODUCT] = "product", [AUDIT_RTYPE] = "rtype", [AUDIT_SCOPE] = "scope",
	/* no entry has a zone: cfmock serves no zone's changes */
	[AUDIT_ZONE_ID] = NULL, [AUDIT_ZONE_NAME] = NULL, [AUDIT_ACTOR_IP_CIDR] = "ip",
};

/* One column's values of one sense, OR'ed: " AND col IN (...)", or for
 * the negated ones " AND (col IS NULL OR col NOT IN (...))". */
static void add_filter(struct strbuf *sql, struct binds *b, const struct audit_query *q,
		       enum audit_col col, int negate)
{
	const char *name = filter_sql[col];
	int i, n = 0;

	for (i = 0; i < q->nfilters; i++) {
		const struct audit_filter *f = &q->filters[i];
		if (f->col != col || f->negate != negate)
			continue;
		if (col == AUDIT_ACTOR_IP_CIDR) {
			strbuf_addf(sql, n ? " OR " : negate ? " AND NOT (" : " AND (");
			strbuf_adds(sql, "cf_ip_in(ip, ?)");
		} else if (name) {
			strbuf_adds(sql, n ? ", ?" : negate ? " AND (" : " AND ");
			if (!n)
				strbuf_addf(sql, negate ? "%s IS NULL OR %s NOT IN (?" : "%s IN (?",
					    name, name);
		}
		if (col == AUDIT_STATUS)
			binds_add_int(b, strtoll(f->value, NULL, 10));
		else if (name)
			binds_add_text(b, xstrdup(f->value));
		n++;
	}
	if (!n)
		return;
	if (!name)
		strbuf_adds(sql, negate ? "" : " AND 0");
	else if (col == AUDIT_ACTOR_IP_CIDR)
		strbuf_adds(sql, ")");
	else
		strbuf_adds(sql, negate ? "))" : ")");
}

void audit_counts_clear(struct store *st)
{
	int i;

	for (i = 0; i < AUDIT_COUNTS; i++) {
		free(st->audit_counts[i].key);
		memset(&st->audit_counts[i], 0, sizeof(st->audit_counts[i]));
	}
}

/* The entry with the highest seq: *seq 0 when there is none. */
static enum store_rc last_entry(struct store *st, int64_t *seq, char id[ID_LEN + 1])
{
	sqlite3_stmt *stmt = sql_prep(st, "SELECT seq, id FROM audit_logs ORDER BY seq DESC LIMIT 1");
	enum store_rc rc = STORE_OK;
	int step;

	if (!stmt)
		return STORE_ERROR;
	*seq = 0;
	id[0] = '\0';
	if ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
		*seq = sqlite3_column_int64(stmt, 0);
		snprintf(id, ID_LEN + 1, "%s", sql_col_text(stmt, 1));
	} else if (step != SQLITE_DONE) {
		rc = SQLERR(st);
	}
	sql_done(st, stmt);
	return rc;
}

/* Is the entry at @seq still the one with @id? */
static int same_entry(struct store *st, int64_t seq, const char *id)
{
	sqlite3_stmt *stmt = sql_prep(st, "SELECT id FROM audit_logs WHERE seq = ?");
	int same;

	if (!stmt)
		return 0;
	sqlite3_bind_int64(stmt, 1, seq);
	same = sqlite3_step(stmt) == SQLITE_ROW && strcmp(sql_col_text(stmt, 0), id) == 0;
	sql_done(st, stmt);
	return same;
}

/* count(*) of @where with @b, for the entries with lo < seq <= hi; @lo >
 * 0 reads only those rows, by seq (NOT INDEXED: the rowid range, not the
 * log's index). The bounds go after @b's values, and go again after. */
static enum store_rc count_range(struct store *st, const char *where, struct binds *b,
				 int64_t lo, int64_t hi, int64_t *out)
{
	struct strbuf sql = STRBUF_INIT;
	enum store_rc rc;
	int n = b->n;

	if (lo > 0) {
		strbuf_addf(&sql, "SELECT count(*) FROM audit_logs NOT INDEXED%s "
				  "AND seq > ? AND seq <= ?", where);
		binds_add_int(b, lo);
	} else {
		/* +seq: the log's own index, whatever the range */
		strbuf_addf(&sql, "SELECT count(*) FROM audit_logs%s AND +seq <= ?", where);
	}
	binds_add_int(b, hi);
	rc = sql_count(st, sql.buf, b, out);
	binds_truncate(b, n);
	strbuf_release(&sql);
	return rc;
}

/* A numbered page's total_count. Counting a log of a million entries
 * reads a million index entries (tens of ms), so each count is kept with
 * the last seq it saw, and the next one adds only the entries written
 * since: entries are never changed or removed but by a reset, a restore
 * or a fixture load, and each of those changes the entry at that seq
 * (it goes, or another with a new id takes its place), which is checked
 * first. bench/audit.py: v1 page 1 flat from 1,000 to 1,000,000. */
static enum store_rc count_entries(struct store *st, const char *where, struct binds *b,
				   int64_t *out)
{
	struct strbuf key = STRBUF_INIT;
	struct audit_count *c, *slot = NULL;
	char top_id[ID_LEN + 1];
	int64_t top, n = 0;
	enum store_rc rc;
	int i;

	if ((rc = last_entry(st, &top, top_id)) != STORE_OK)
		return rc;
	if (top == 0) {
		*out = 0;
		return STORE_OK;
	}
	strbuf_adds(&key, where);
	for (i = 0; i < b->n; i++) {
		if (b->v[i].is_text && b->v[i].s) /* with its length: no two lists read alike */
			strbuf_addf(&key, " t%zu:%s", strlen(b->v[i].s), b->v[i].s);
		else if (b->v[i].is_text)
			strbuf_adds(&key, " n");
		else
			strbuf_addf(&key, " i%lld", (long long)b->v[i].i);
	}
	for (i = 0; i < AUDIT_COUNTS; i++) {
		c = &st->audit_counts[i];
		if (c->key && strcmp(c->key, key.buf) == 0) {
			slot = c;
			break;
		}
		if (!slot || !c->key || (slot->key && c->last_used < slot->last_used))
			slot = c;
	}
	if (slot->key && strcmp(slot->key, key.buf) == 0 && slot->upto <= top &&
	    same_entry(st, slot->upto, slot->upto_id)) {
		rc = slot->upto == top ? STORE_OK : count_range(st, where, b, slot->upto, top, &n);
		n += slot->n;
		strbuf_release(&key);
	} else {
		rc = count_range(st, where, b, 0, top, &n);
		free(slot->key);
		slot->key = strbuf_detach(&key, NULL);
	}
	if (rc != STORE_OK) {
		free(slot->key);
		memset(slot, 0, sizeof(*slot));
		return rc;
	}
	slot->n = n;
	slot->upto = top;
	snprintf(slot->upto_id, sizeof(slot->upto_id), "%s", top_id);
	slot->last_used = ++st->tick;
	*out = n;
	return STORE_OK;
}

enum store_rc store_audit_logs_list(struct store *st, const struct audit_query *q, cJSON **out,
				    int *out_more, int64_t *out_last_time, int64_t *out_last_seq,
				    int64_t *out_total)
{
	static const char *const key_col[] = {
		"account_seq = (SELECT seq FROM accounts WHERE id = ?)", "org_seq = ?",
		"actor_user = ?"
	};
	struct strbuf where = STRBUF_INIT, sql = STRBUF_INIT;
	struct binds *b = xcalloc(1, sizeof(*b));
	const char *dir = q->desc ? "DESC" : "ASC";
	char *last_key = NULL;
	enum store_rc rc = STORE_OK;
	int64_t org_seq;
	int col, neg;

	if (q->log == AUDIT_LOG_ORG && (rc = org_visible(st, q->user, q->key, &org_seq)) != STORE_OK) {
		binds_release(b);
		free(b);
		return rc;
	}

	/* the first three terms are the index's: key, then the time range */
	strbuf_addf(&where, " WHERE %s AND time_ms >= ? AND time_ms < ?", key_col[q->log]);
	if (q->log == AUDIT_LOG_ORG)
		binds_add_int(b, org_seq);
	else
		binds_add_text(b, xstrdup(q->key));
	binds_add_int(b, q->since);
	binds_add_int(b, q->before);
	if (q->hide_user)
		strbuf_adds(&where, " AND scope NOT IN ('user', 'memberships')");
	for (col = 0; col < AUDIT_COLS; col++)
		for (neg = 0; neg < 2; neg++)
			add_filter(&where, b, q, (enum audit_col)col, neg);
	if (out_total)
		rc = count_entries(st, where.buf, b, out_total);
	if (rc == STORE_OK) {
		strbuf_addf(&sql, "SELECT " AUDIT_COLS_SQL " FROM audit_logs%s", where.buf);
		if (q->has_after) {
			strbuf_addf(&sql, q->desc ? " AND (time_ms, seq) < (?, ?)"
						  : " AND (time_ms, seq) > (?, ?)");
			binds_add_int(b, q->after_time);
			binds_add_int(b, q->after_seq);
		}
		strbuf_addf(&sql, " ORDER BY time_ms %s, seq %s LIMIT ? OFFSET ?", dir, dir);
		binds_add_int(b, (int64_t)q->limit + !q->numbered);
		binds_add_int(b, q->offset);
		*out_more = 0;
		/* a numbered page must hold its rows, or the next page's
		 * offset would skip those it left out */
		rc = sql_collect(st, sql.buf, b, q->log == AUDIT_LOG_ORG ? org_row : account_row,
				 q->numbered ? -1 : q->limit, out, out_last_seq, 1, &last_key,
				 out_more);
		if (rc == STORE_OK && last_key)
			*out_last_time = strtoll(last_key, NULL, 10);
	}
	free(last_key);
	strbuf_release(&sql);
	strbuf_release(&where);
	binds_release(b);
	free(b);
	return rc;
}

enum store_rc store_audit_logs_export(struct store *st, cJSON **out)
{
	struct binds *b = xcalloc(1, sizeof(*b));
	enum store_rc rc = sql_collect(st, "SELECT " AUDIT_COLS_SQL " FROM audit_logs ORDER BY seq",
				       b, export_row, -1, out, NULL, -1, NULL, NULL);

	free(b);
	return rc;
}
