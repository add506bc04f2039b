/* store_organizations.c: /organizations and below it, as store.h
 * declares: create, get, update, delete, the filtered cursor list, the
 * profile (shared with accounts: both keep it in the same five columns),
 * and GET /organizations/{id}/accounts. */
#include "store_internal.h"

#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "ids.h"
#include "util.h"

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

void profile_fields(const struct profile *p, const char **out)
{
	out[0] = p->business_address;
	out[1] = p->business_email;
	out[2] = p->business_name;
	out[3] = p->business_phone;
	out[4] = p->external_metadata;
}

cJSON *profile_from_row(sqlite3_stmt *stmt, int col)
{
	cJSON *p = cJSON_CreateObject();
	size_t i;

	for (i = 0; i < PROFILE_FIELDS; i++) {
		const char *v = sql_col_text(stmt, col + (int)i);
		row_add_str(p, store_profile_keys[i], v ? v : "");
	}
	return p;
}

cJSON *org_from_row(sqlite3_stmt *stmt)
{
	cJSON *o = cJSON_CreateObject(), *meta, *flags, *tags;
	const char *t;
	size_t i;

	row_add_str(o, "id", sql_col_text(stmt, 1));
	row_add_str(o, "name", sql_col_text(stmt, 2));
	row_add_str(o, "create_time", sql_col_text(stmt, 3));
	meta = row_add_obj(o, "meta");
	flags = row_add_obj(meta, "flags");
	for (i = 0; i < ARRAY_SIZE(org_flags); i++)
		row_add_const(flags, org_flags[i], "enabled");
	flags = row_add_obj(meta, "tenant_flags");
	for (i = 0; i < ARRAY_SIZE(org_tenant_flags); i++)
		row_add_const(flags, org_tenant_flags[i], "enabled");
	/* CF-API: hierarchy_tags runs root -> self; an organization's tag is
	 * its id. managed_by names the user that created it. */
	tags = cJSON_CreateArray();
	if (!cJSON_AddItemToObjectCS(meta, "hierarchy_tags", tags)) {
		cJSON_Delete(tags);
		tags = NULL;
	}
	for (t = sql_col_text(stmt, 4); t && *t;) {
		size_t len = strcspn(t, ",");
		char buf[ID_LEN + 1], *tag = len < sizeof(buf) ? buf : xmalloc(len + 1);

		memcpy(tag, t, len);
		tag[len] = '\0';
		cJSON_AddItemToArray(tags, cJSON_CreateString(tag));
		if (tag != buf)
			free(tag);
		t += len + (t[len] == ',');
	}
	row_add_str(meta, "managed_by", sql_col_text(stmt, 5));
	if (sql_col_text(stmt, 6)) {
		cJSON *parent = row_add_obj(o, "parent");
		row_add_str(parent, "id", sql_col_text(stmt, 6));
		row_add_str(parent, "name", sql_col_text(stmt, 7));
	}
	if (sql_col_text(stmt, ORG_COL_PROFILE)) {
		cJSON *p = profile_from_row(stmt, ORG_COL_PROFILE);
		if (!cJSON_AddItemToObjectCS(o, "profile", p))
			cJSON_Delete(p);
	}
	return o;
}

enum store_rc org_visible(struct store *st, const struct user *u, const char *id,
			  int64_t *out_seq)
{
	sqlite3_stmt *stmt = sql_prep(st, "SELECT o.seq FROM organizations o JOIN org_access a "
					  "ON a.org_seq = o.seq AND a.user_seq = ? WHERE o.id = ?");
	enum store_rc rc = STORE_NOT_FOUND;
	int step;

	if (!stmt)
		return STORE_ERROR;
	sqlite3_bind_int64(stmt, 1, u->seq);
	sql_bind_text(stmt, 2, id);
	step = sqlite3_step(stmt);
	if (step == SQLITE_ROW) {
		*out_seq = sqlite3_column_int64(stmt, 0);
		rc = STORE_OK;
	} else if (step != SQLITE_DONE) {
		rc = SQLERR(st);
	}
	sql_done(st, stmt);
	return rc;
}

int org_id_seen(struct store *st, const struct user *u, struct org_seen *seen, const char *id)
{
	int64_t seq;
	int i, visible;

	for (i = 0; i < seen->n; i++)
		if (strcmp(seen->id[i], id) == 0)
			return seen->visible[i];
	/* a failed look-up hides: never show what may not be seen */
	visible = org_visible(st, u, id, &seq) == STORE_OK;
	i = seen->n < (int)ARRAY_SIZE(seen->id) ? seen->n++ : seen->next++ % (int)ARRAY_SIZE(seen->id);
	snprintf(seen->id[i], sizeof(seen->id[i]), "%s", id);
	seen->visible[i] = (unsigned char)visible;
	return visible;
}

void org_hide_unseen(struct store *st, const struct user *u, struct org_seen *seen, cJSON *org)
{
	cJSON *meta = cJSON_GetObjectItemCaseSensitive(org, "meta");
	cJSON *tags = cJSON_GetObjectItemCaseSensitive(meta, "hierarchy_tags");
	int n = cJSON_GetArraySize(tags), cut = 0, hi = n - 1;

	/* root first, the organization itself last (seen: it is answered);
	 * what is seen is a lower end of the chain, so the first tag seen is
	 * found by bisection: log2(depth) look-ups, which the next
	 * organization of the same chain mostly finds in @seen */
	while (cut < hi) {
		int mid = cut + (hi - cut) / 2;
		if (org_id_seen(st, u, seen, cJSON_GetArrayItem(tags, mid)->valuestring))
			hi = mid;
		else
			cut = mid + 1;
	}
	if (!cut)
		return;
	while (cut--)
		cJSON_DeleteItemFromArray(tags, 0);
	/* the parent was among them when only the organization is left */
	if (cJSON_GetArraySize(tags) == 1)
		cJSON_DeleteItemFromObjectCaseSensitive(org, "parent");
}

void account_hide_unseen(struct store *st, const struct user *u, struct org_seen *seen,
			 cJSON *account)
{
	cJSON *m = cJSON_GetObjectItemCaseSensitive(account, "managed_by");
	cJSON *id = cJSON_GetObjectItemCaseSensitive(m, "parent_org_id");

	if (cJSON_IsString(id) && !org_id_seen(st, u, seen, id->valuestring))
		cJSON_DeleteItemFromObjectCaseSensitive(account, "managed_by");
}

/* Organization @seq as @u is shown it. */
static enum store_rc org_by_seq(struct store *st, const struct user *u, int64_t seq,
				cJSON **out)
{
	struct org_seen seen = ORG_SEEN_INIT;
	enum store_rc rc = sql_row_by_seq(st, "SELECT " ORG_COLS " FROM " ORG_FROM
					      " WHERE o.seq = ?", seq, org_from_row, out);

	if (rc == STORE_OK && u)
		org_hide_unseen(st, u, &seen, *out);
	return rc;
}

enum store_rc org_parent(struct store *st, const struct user *u, const char *id,
			 int64_t *out_seq, char **out_tags)
{
	sqlite3_stmt *stmt = sql_prep(st, u ? "SELECT o.seq, o.tags FROM organizations o JOIN org_access a "
					      "ON a.org_seq = o.seq AND a.user_seq = ? WHERE o.id = ?" :
					      "SELECT o.seq, o.tags FROM organizations o "
					      "WHERE ? IS NULL AND o.id = ?");
	enum store_rc rc = STORE_NOT_FOUND;
	int step;

	if (!stmt)
		return STORE_ERROR;
	if (u)
		sqlite3_bind_int64(stmt, 1, u->seq);
	sql_bind_text(stmt, 2, id);
	step = sqlite3_step(stmt);
	if (step == SQLITE_ROW) {
		*out_seq = sqlite3_column_int64(stmt, 0);
		*out_tags = xstrdup(sql_col_text(stmt, 1));
		rc = STORE_OK;
	} else if (step != SQLITE_DONE) {
		rc = SQLERR(st);
	}
	sql_done(st, stmt);
	return rc;
}

static enum store_rc org_insert(struct store *st, const struct user *u,
				const struct organization_new *o, int64_t *out_seq)
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
		int depth = 2; /* the parent's tags, one more each comma, and this one */
		const char *t;

		rc = org_parent(st, o->unchecked ? NULL : u, o->parent_id, &parent_seq, &parent_tags);
		if (rc != STORE_OK)
			return rc;
		for (t = parent_tags; (t = strchr(t, ',')); t++)
			depth++;
		if (rules_org_depth(depth)) {
			free(parent_tags);
			return STORE_LIMIT;
		}
	}
	if (!id) {
		rc = sql_fresh_id(st, ORG_ID_TAKEN, idbuf);
		if (rc != STORE_OK) {
			free(parent_tags);
			return rc;
		}
		id = idbuf;
	}
	tags = parent_tags ? xasprintf("%s,%s", parent_tags, id) : xstrdup(id);
	clock_now(now);
	stmt = sql_prep(st, "INSERT INTO organizations(id, name, parent_seq, creator_seq, tags, "
			    "create_time, business_address, business_email, business_name, "
			    "business_phone, external_metadata) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
	if (!stmt) {
		rc = STORE_ERROR;
		goto out;
	}
	sql_bind_text(stmt, 1, id);
	sql_bind_text(stmt, 2, o->name);
	if (parent_seq)
		sqlite3_bind_int64(stmt, 3, parent_seq);
	sqlite3_bind_int64(stmt, 4, u->seq);
	sql_bind_text(stmt, 5, tags);
	sql_bind_text(stmt, 6, o->create_time ? o->create_time : now);
	if (o->profile) {
		const char *fields[PROFILE_FIELDS];
		profile_fields(o->profile, fields);
		for (i = 0; i < PROFILE_FIELDS; i++)
			sql_bind_text(stmt, 7 + (int)i, fields[i]);
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
	sql_done(st, stmt);

	/* Whoever sees the parent sees the child; the creator sees it too. */
	stmt = sql_prep(st, "INSERT OR IGNORE INTO org_access(user_seq, org_seq) "
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
	sql_done(st, stmt);
	free(parent_tags);
	free(tags);
	return rc;
}

enum store_rc store_organizations_create(struct store *st, const struct user *u,
					 const struct organization_new *o, cJSON **out)
{
	enum store_rc rc;
	int64_t seq = 0;

	*out = NULL;
	if (sql_begin(st) < 0)
		return STORE_ERROR;
	rc = org_insert(st, u, o, &seq);
	if (rc == STORE_OK)
		rc = org_by_seq(st, u, seq, out);
	return sql_finish_out(st, rc, out);
}

enum store_rc store_organizations_get(struct store *st, const struct user *u, const char *id,
				      cJSON **out)
{
	int64_t seq;
	enum store_rc rc = org_visible(st, u, id, &seq);
	return rc == STORE_OK ? org_by_seq(st, u, seq, out) : rc;
}

enum store_rc store_organizations_update(struct store *st, const struct user *u, const char *id,
					 const char *name, cJSON **out)
{
	sqlite3_stmt *stmt;
	enum store_rc rc;
	int64_t seq;

	*out = NULL;
	if (sql_begin(st) < 0)
		return STORE_ERROR;
	rc = org_visible(st, u, id, &seq);
	if (rc == STORE_OK) {
		stmt = sql_prep(st, "UPDATE organizations SET name = ? WHERE seq = ?");
		if (!stmt) {
			rc = STORE_ERROR;
		} else {
			sql_bind_text(stmt, 1, name);
			sqlite3_bind_int64(stmt, 2, seq);
			if (sqlite3_step(stmt) != SQLITE_DONE)
				rc = SQLERR(st);
			sql_done(st, stmt);
		}
	}
	if (rc == STORE_OK)
		rc = org_by_seq(st, u, seq, out);
	return sql_finish_out(st, rc, out);
}

/* How many rows @sql (one "?" for the organization) counts. */
static enum store_rc sql_count_of(struct store *st, const char *sql, int64_t seq, int64_t *out)
{
	sqlite3_stmt *stmt = sql_prep(st, sql);
	enum store_rc rc = STORE_OK;

	if (!stmt)
		return STORE_ERROR;
	sqlite3_bind_int64(stmt, 1, seq);
	if (sqlite3_step(stmt) == SQLITE_ROW)
		*out = sqlite3_column_int64(stmt, 0);
	else
		rc = SQLERR(st);
	sql_done(st, stmt);
	return rc;
}

enum store_rc store_organizations_delete(struct store *st, const struct user *u, const char *id,
					 char **out_what)
{
	sqlite3_stmt *stmt;
	enum store_rc rc;
	int64_t seq, children = 0, accounts = 0, members = 0;

	*out_what = NULL;
	if (sql_begin(st) < 0)
		return STORE_ERROR;
	rc = org_visible(st, u, id, &seq);
	if (rc == STORE_OK)
		rc = sql_count_of(st, "SELECT count(*) FROM organizations WHERE parent_seq = ?", seq,
				  &children);
	if (rc == STORE_OK)
		rc = sql_count_of(st, "SELECT count(*) FROM accounts WHERE org_seq = ?", seq, &accounts);
	if (rc == STORE_OK)
		rc = sql_count_of(st, "SELECT count(*) FROM org_members WHERE org_seq = ?", seq, &members);
	/* CF-API: "The organization MUST be empty before deleting. It must not
	 * contain any sub-organizations, accounts, members or users." */
	if (rc == STORE_OK && (children || accounts || members)) {
		const struct {
			int64_t n;
			const char *what;
		} parts[] = { { children, "sub-organization" }, { accounts, "account" },
			      { members, "member" } };
		struct strbuf sb = STRBUF_INIT;
		size_t i, said = 0, total = 0;

		for (i = 0; i < ARRAY_SIZE(parts); i++)
			total += parts[i].n != 0;
		for (i = 0; i < ARRAY_SIZE(parts); i++) {
			if (!parts[i].n)
				continue;
			said++;
			strbuf_addf(&sb, "%s%lld %s%s",
				    said == 1 ? "" : said == total ? " and " : ", ",
				    (long long)parts[i].n, parts[i].what, parts[i].n == 1 ? "" : "s");
		}
		*out_what = strbuf_detach(&sb, NULL);
		rc = STORE_CONFLICT;
	}
	if (rc == STORE_OK) {
		stmt = sql_prep(st, "DELETE FROM organizations WHERE seq = ?");
		if (!stmt) {
			rc = STORE_ERROR;
		} else {
			sqlite3_bind_int64(stmt, 1, seq);
			if (sqlite3_step(stmt) != SQLITE_DONE)
				rc = SQLERR(st);
			sql_done(st, stmt);
		}
	}
	return sql_finish(st, rc);
}

enum store_rc profile_read(struct store *st, const char *table, int64_t seq, cJSON **out)
{
	char *sql = xasprintf("SELECT business_address, business_email, business_name, "
			      "business_phone, external_metadata FROM %s WHERE seq = ?", table);
	sqlite3_stmt *stmt = sql_prep(st, sql);
	enum store_rc rc = STORE_OK;

	free(sql);
	if (!stmt)
		return STORE_ERROR;
	sqlite3_bind_int64(stmt, 1, seq);
	if (sqlite3_step(stmt) == SQLITE_ROW)
		*out = profile_from_row(stmt, 0);
	else
		rc = SQLERR(st);
	sql_done(st, stmt);
	return rc;
}

enum store_rc profile_write(struct store *st, const char *table, int64_t seq,
			    const struct profile *p)
{
	char *sql = xasprintf("UPDATE %s SET business_address = ?, business_email = ?, "
			      "business_name = ?, business_phone = ?, external_metadata = ? "
			      "WHERE seq = ?", table);
	sqlite3_stmt *stmt = sql_prep(st, sql);
	const char *fields[PROFILE_FIELDS];
	size_t i;

	free(sql);
	profile_fields(p, fields);
	for (i = 0; stmt && i < PROFILE_FIELDS; i++)
		sql_bind_text(stmt, 1 + (int)i, fields[i]);
	return sql_step_write(st, stmt, 6, seq);
}

enum store_rc store_organizations_profile_get(struct store *st, const struct user *u,
					      const char *id, cJSON **out)
{
	int64_t seq;
	enum store_rc rc = org_visible(st, u, id, &seq);
	return rc == STORE_OK ? profile_read(st, "organizations", seq, out) : rc;
}

enum store_rc store_organizations_profile_update(struct store *st, const struct user *u,
						 const char *id, const struct profile *p)
{
	enum store_rc rc;
	int64_t seq;

	if (sql_begin(st) < 0)
		return STORE_ERROR;
	rc = org_visible(st, u, id, &seq);
	if (rc == STORE_OK)
		rc = profile_write(st, "organizations", seq, p);
	return sql_finish(st, rc);
}

/* Appends the WHERE conditions of @f (after the visibility condition). */
static void org_filter_sql(const struct user *u, const struct organization_filter *f,
			   struct strbuf *sql, struct binds *b)
{
	int i;

	if (f->ids) {
		strbuf_adds(sql, " AND o.id IN (");
		for (i = 0; i < f->nids; i++) {
			strbuf_adds(sql, i ? ", ?" : "?");
			binds_add_text(b, xstrdup(f->ids[i]));
		}
		strbuf_adds(sql, ")");
	}
	sql_match(sql, b, "cf_lower(o.name)", MATCH_EQUAL, f->name);
	sql_match(sql, b, "cf_lower(o.name)", MATCH_PREFIX, f->name_starts);
	sql_match(sql, b, "cf_lower(o.name)", MATCH_SUFFIX, f->name_ends);
	sql_match(sql, b, "cf_lower(o.name)", MATCH_CONTAINS, f->name_contains);
	if (f->parent_null)
		strbuf_adds(sql, " AND o.parent_seq IS NULL");
	if (f->parent_id) {
		strbuf_adds(sql, " AND o.parent_seq = (SELECT seq FROM organizations WHERE id = ?)");
		binds_add_text(b, xstrdup(f->parent_id));
	}
	if (f->containing_org) {
		/* the organizations above it, its parent up to the root */
		strbuf_adds(sql, " AND o.seq IN (WITH RECURSIVE up(s) AS ("
				 "SELECT parent_seq FROM organizations WHERE id = ? "
				 "UNION ALL SELECT x.parent_seq FROM organizations x JOIN up "
				 "ON x.seq = up.s) SELECT s FROM up)");
		binds_add_text(b, xstrdup(f->containing_org));
	}
	if (f->containing_account) {
		/* the organization holding the account (if @u sees the
		 * account), and those above it */
		strbuf_adds(sql, " AND o.seq IN (WITH RECURSIVE up(s) AS ("
				 "SELECT a.org_seq FROM accounts a WHERE a.id = ? AND " ACCOUNT_VISIBLE
				 " UNION ALL SELECT x.parent_seq FROM organizations x JOIN up "
				 "ON x.seq = up.s) SELECT s FROM up)");
		binds_add_text(b, xstrdup(f->containing_account));
		binds_add_int(b, u->seq);
		binds_add_int(b, u->seq);
		binds_add_int(b, u->account_seq);
	}
	if (f->containing_user) {
		/* the organizations where the user is an active member, and
		 * those above them */
		strbuf_adds(sql, " AND o.seq IN (WITH RECURSIVE up(s) AS ("
				 "SELECT m.org_seq FROM org_members m JOIN users mu ON mu.seq = m.user_seq "
				 "WHERE mu.id = ? AND m.status = 'active' "
				 "UNION SELECT x.parent_seq FROM organizations x JOIN up "
				 "ON x.seq = up.s) SELECT s FROM up)");
		binds_add_text(b, xstrdup(f->containing_user));
	}
}

static int org_filter_empty(const struct organization_filter *f)
{
	return !f->ids && !f->name && !f->name_starts && !f->name_ends && !f->name_contains &&
	       !f->parent_id && !f->parent_null && !f->containing_account &&
	       !f->containing_org && !f->containing_user;
}

enum store_rc store_organizations_list(struct store *st, const struct user *u,
				       const struct organization_filter *f, int64_t after,
				       int limit, cJSON **out, int64_t *out_last, int *out_more,
				       int64_t *out_total)
{
	struct strbuf sql = STRBUF_INIT;
	struct binds *b = xcalloc(1, sizeof(*b));
	enum store_rc rc;

	*out = NULL;
	*out_more = 0;
	*out_last = after;

	/* the total, with the filters but not the cursor; with none, the
	 * count the triggers keep (schema 004), so a page costs the same
	 * whatever the user sees */
	if (org_filter_empty(f)) {
		strbuf_adds(&sql, "SELECT coalesce((SELECT n FROM org_counts WHERE user_seq = ?), 0)");
		binds_add_int(b, u->seq);
	} else {
		strbuf_adds(&sql, "SELECT count(*) FROM org_access a JOIN organizations o "
				  "ON o.seq = a.org_seq WHERE a.user_seq = ?");
		binds_add_int(b, u->seq);
		org_filter_sql(u, f, &sql, b);
	}
	rc = sql_count(st, sql.buf, b, out_total);
	if (rc != STORE_OK)
		goto out;

	/* the page: one more than asked, to know whether more follow */
	binds_release(b);
	sql.len = 0;
	strbuf_adds(&sql, "SELECT " ORG_COLS " FROM org_access a JOIN organizations o "
			  "ON o.seq = a.org_seq" ORG_JOINS " WHERE a.user_seq = ? AND a.org_seq > ?");
	binds_add_int(b, u->seq);
	binds_add_int(b, after);
	org_filter_sql(u, f, &sql, b);
	strbuf_adds(&sql, " ORDER BY a.org_seq LIMIT ?");
	binds_add_int(b, (int64_t)limit + 1);
	rc = sql_collect(st, sql.buf, b, org_from_row, limit, out, out_last, -1, NULL, out_more);
	if (rc == STORE_OK) {
		struct org_seen seen = ORG_SEEN_INIT;
		cJSON *o;

		cJSON_ArrayForEach(o, *out)
			org_hide_unseen(st, u, &seen, o);
	}
out:
	binds_release(b);
	free(b);
	strbuf_release(&sql);
	return rc;
}

/* The Organizations-API shape (organizations-api_Account): settings has six
 * required, nullable keys; cfmock keeps two of them. */
static cJSON *org_account_from_row(sqlite3_stmt *stmt)
{
	cJSON *a = cJSON_CreateObject(), *settings;
	const char *abuse = sql_col_text(stmt, 5);

	row_add_str(a, "id", sql_col_text(stmt, 1));
	row_add_str(a, "name", sql_col_text(stmt, 2));
	row_add_str(a, "type", sql_col_text(stmt, 3));
	row_add_str(a, "created_on", sql_col_text(stmt, 4));
	settings = row_add_obj(a, "settings");
	if (abuse)
		row_add_str(settings, "abuse_contact_email", abuse);
	else
		cJSON_AddNullToObject(settings, "abuse_contact_email");
	cJSON_AddNullToObject(settings, "access_approval_expiry");
	cJSON_AddNullToObject(settings, "api_access_enabled");
	cJSON_AddNullToObject(settings, "default_nameservers");
	cJSON_AddBoolToObject(settings, "enforce_twofactor", sqlite3_column_int(stmt, 6));
	cJSON_AddNullToObject(settings, "use_account_custom_ns_by_default");
	return a;
}

/* Appends the four name filters in @v (=, startsWith, endsWith,
 * contains) on @col, a folded column. */
static void name_filters_sql(const char *col, const char *const *v, struct strbuf *sql,
			     struct binds *b)
{
	static const enum match how[] = { MATCH_EQUAL, MATCH_PREFIX, MATCH_SUFFIX, MATCH_CONTAINS };
	int i;

	for (i = 0; i < 4; i++)
		sql_match(sql, b, col, how[i], v[i]);
}

enum store_rc store_organizations_accounts_list(struct store *st, const struct user *u,
						const char *org_id,
						const struct organizations_accounts_filter *f,
						int has_after, int64_t after, const char *after_key,
						int limit, cJSON **out, int64_t *out_last,
						char **out_last_key, int *out_more,
						int64_t *out_total)
{
	struct strbuf where = STRBUF_INIT, sql = STRBUF_INIT;
	struct binds *b = xcalloc(1, sizeof(*b));
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
	binds_add_int(b, org_seq);
	/* CF-API: cfmock's accounts have one name; account_pubname (the
	 * account's public name) filters the same one */
	name_filters_sql("a.name_key", f->name, &where, b);
	name_filters_sql("a.name_key", f->pubname, &where, b);
	strbuf_addf(&sql, "SELECT count(*) FROM accounts a%s", where.buf);
	rc = sql_count(st, sql.buf, b, out_total);
	if (rc != STORE_OK)
		goto out;

	/* The page: keyset, one more than asked to know whether more follow.
	 * CF-API: "When not specified, results are ordered by internal
	 * account ID." */
	sql.len = 0;
	strbuf_addf(&sql, "SELECT " ACCOUNT_COLS " FROM " ACCOUNT_FROM "%s", where.buf);
	if (has_after && f->by_name) {
		strbuf_addf(&sql, " AND (a.name_key, a.seq) %s (?, ?)", cmp);
		binds_add_text(b, xstrdup(after_key ? after_key : ""));
		binds_add_int(b, after);
	} else if (has_after) {
		strbuf_addf(&sql, " AND a.seq %s ?", cmp);
		binds_add_int(b, after);
	}
	if (f->by_name)
		strbuf_addf(&sql, " ORDER BY a.name_key %s, a.seq %s LIMIT ?", dir, dir);
	else
		strbuf_addf(&sql, " ORDER BY a.seq %s LIMIT ?", dir);
	binds_add_int(b, (int64_t)limit + 1);
	rc = sql_collect(st, sql.buf, b, org_account_from_row, limit, out, out_last,
			 f->by_name ? ACCOUNT_COL_NAME_KEY : -1, out_last_key, out_more);
	if (rc != STORE_OK) {
		free(*out_last_key);
		*out_last_key = NULL;
	}
out:
	binds_release(b);
	free(b);
	strbuf_release(&where);
	strbuf_release(&sql);
	return rc;
}
