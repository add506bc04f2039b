/* api_organizations.c: /organizations, its profile and its accounts list
 * (CONTRACT.md 4.1, the Organizations-API family). Validation here, state
 * in store_orgs_*. */
#include "api.h"

#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "paging.h"
#include "query.h"
#include "reply.h"
#include "util.h"

#include "app.h"

static const char *const list_filters[] = {
	"id", "name", "name.startsWith", "name.endsWith", "name.contains", "parent.id",
	"containing.account", "containing.organization", "containing.user", NULL,
};

void organizations_list(struct req *r)
{
	/* the scalar filters, in list_filters order after "id" */
	const char *v[ARRAY_SIZE(list_filters) - 2];
	const char *ids[RULES_ID_FILTERS_MAX];
	struct organization_filter f;
	struct cursor c;
	int64_t last, total;
	cJSON *items;
	char *next = NULL;
	int more;
	size_t i;
	enum store_rc rc;

	if (query_singles_or_reply(r, list_filters + 1, v) < 0 ||
	    filters_or_reply(r, list_filters + 1, v, 4) < 0)
		return;
	memset(&f, 0, sizeof(f));
	for (i = 0; i < r->nquery; i++) {
		const char *why;

		if (strcmp(r->query[i].key, "id") != 0)
			continue;
		if ((why = rules_id_filters_count(f.nids + 1))) {
			reply_error_param(r, ERR_PARAM_INVALID, "id", "id", why);
			return;
		}
		ids[f.nids++] = r->query[i].value;
	}
	if (f.nids)
		f.ids = ids;
	f.name = v[0];
	f.name_starts = v[1];
	f.name_ends = v[2];
	f.name_contains = v[3];
	/* CF-API: parent.id=null (the literal) means root organizations only */
	if (v[4] && strcmp(v[4], "null") == 0)
		f.parent_null = 1;
	else
		f.parent_id = v[4];
	f.containing_account = v[5];
	f.containing_org = v[6];
	f.containing_user = v[7];

	if (paging_cursor_or_reply(r, list_filters, &c) < 0)
		return;
	rc = store_organizations_list(r->app->store, &r->user, &f, c.after, c.limit, &items, &last,
				      &more, &total);
	paging_cursor_release(&c);
	if (rc != STORE_OK) {
		reply_store_error(r, rc, ERR_INTERNAL, "");
		return;
	}
	/* CF-API: "The API omits next_page_token to indicate no more items." */
	if (more)
		next = paging_next_token(r, &c, last, NULL);
	reply_cursor_list(r, items, next, total);
	free(next);
}

void organizations_create(struct req *r)
{
	struct organization_new o;
	struct profile profile;
	const cJSON *parent;
	int has_profile;
	cJSON *out = NULL;
	enum store_rc rc;

	memset(&o, 0, sizeof(o));
	if (field_or_reply(r, r->json, "/name", 1, rules_organization_name, &o.name) < 0 ||
	    json_object_or_reply(r, r->json, "/parent", 0, &parent) < 0 ||
	    (parent && json_string_or_reply(r, parent, "/parent/id", 1, &o.parent_id) < 0) ||
	    profile_or_reply(r, r->json, "/profile", 0, &profile, &has_profile) < 0)
		return;
	if (has_profile)
		o.profile = &profile;
	if (o.parent_id && org_ref_or_reply(r, "/parent/id", o.parent_id) < 0)
		return;
	rc = store_organizations_create(r->app->store, &r->user, &o, &out);
	if (rc == STORE_NOT_FOUND) {
		reply_error_at(r, ERR_PARENT_NOT_FOUND, "/parent/id", o.parent_id);
		return;
	}
	if (rc == STORE_LIMIT) {
		reply_error_at(r, ERR_FIELD_INVALID, "/parent/id", "parent.id",
			       rules_org_depth(RULES_ORG_DEPTH_MAX + 1));
		return;
	}
	if (rc != STORE_OK) {
		reply_store_error(r, rc, ERR_INTERNAL, "");
		return;
	}
	reply_ok(r, out);
}

void organizations_get(struct req *r)
{
	api_lookup(r, store_organizations_get, ERR_ORG_NOT_FOUND);
}

void organizations_update(struct req *r)
{
	const char *id = req_param(r, 0), *name;
	cJSON *out = NULL;
	enum store_rc rc;

	/* CF-API: PUT takes the whole Organization but "Only accepts updates
	 * to "name" currently": parent and profile are read-only here (the
	 * profile has its own endpoint). */
	if (field_or_reply(r, r->json, "/name", 1, rules_organization_name, &name) < 0)
		return;
	rc = store_organizations_update(r->app->store, &r->user, id, name, &out);
	if (rc != STORE_OK) {
		reply_store_error(r, rc, ERR_ORG_NOT_FOUND, id);
		return;
	}
	reply_ok(r, out);
}

void organizations_delete(struct req *r)
{
	const char *id = req_param(r, 0);
	char *what = NULL;
	enum store_rc rc = store_organizations_delete(r->app->store, &r->user, id, &what);
	cJSON *out;

	if (rc == STORE_CONFLICT) {
		reply_error(r, ERR_ORG_NOT_EMPTY, id, what);
		free(what);
		return;
	}
	if (rc != STORE_OK) {
		reply_store_error(r, rc, ERR_ORG_NOT_FOUND, id);
		return;
	}
	/* CF-API: 200 {"result": {"id": ...}}, not 204 */
	out = cJSON_CreateObject();
	cJSON_AddStringToObject(out, "id", id);
	reply_ok(r, out);
}

void organizations_profile_get(struct req *r)
{
	api_lookup(r, store_organizations_profile_get, ERR_ORG_NOT_FOUND);
}

void organizations_profile_update(struct req *r)
{
	api_profile_update(r, store_organizations_profile_update, ERR_ORG_NOT_FOUND);
}

void organizations_accounts_list(struct req *r)
{
	static const char *const filters[] = {
		"name", "name.startsWith", "name.endsWith", "name.contains", "account_pubname",
		"account_pubname.startsWith", "account_pubname.endsWith", "account_pubname.contains",
		"order_by", "direction", NULL,
	};
	const char *v[ARRAY_SIZE(filters)];
	const char *id = req_param(r, 0);
	struct organizations_accounts_filter f;
	struct cursor c;
	cJSON *items = NULL;
	char *next = NULL, *last_key = NULL;
	int64_t last, total;
	int more, i;
	enum store_rc rc;

	if (query_singles_or_reply(r, filters, v) < 0 || filters_or_reply(r, filters, v, 8) < 0)
		return;
	if (param_or_reply(r, "order_by", v[8], rules_organizations_accounts_order_by) < 0 ||
	    param_or_reply(r, "direction", v[9], rules_direction) < 0)
		return;
	memset(&f, 0, sizeof(f));
	for (i = 0; i < 4; i++) {
		f.name[i] = v[i];
		f.pubname[i] = v[4 + i];
	}
	/* CF-API: "Defaults to asc when order_by is specified"; without
	 * order_by, direction turns the internal order round */
	f.by_name = v[8] != NULL;
	f.desc = rules_direction_desc(v[9]);
	if (paging_cursor_or_reply(r, filters, &c) < 0)
		return;
	rc = store_organizations_accounts_list(r->app->store, &r->user, id, &f, c.has_after,
					       c.after, c.after_key, c.limit, &items, &last, &last_key,
					       &more, &total);
	if (rc != STORE_OK) {
		paging_cursor_release(&c);
		reply_store_error(r, rc, ERR_ORG_NOT_FOUND, id);
		return;
	}
	if (more)
		next = paging_next_token(r, &c, last, last_key);
	paging_cursor_release(&c);
	reply_cursor_list(r, items, next, total);
	free(next);
	free(last_key);
}
