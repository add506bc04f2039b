/* api_iam.c: /accounts/{id}/iam/permission_groups and /iam/resource_groups
 * (CONTRACT.md 10.7, the IAM family): the catalogues account-member
 * policies refer to. Both are built in (roles.c), read-only and derived
 * from the account alone; the store only says whether the caller sees the
 * account. */
#include "api.h"

#include <string.h>

#include "ids.h"
#include "paging.h"
#include "query.h"
#include "reply.h"
#include "roles.h"

/* CF-API: the filters are exact matches [mock choice: the spec says only
 * "ID/Name/Label of the permission group to be fetched"]; @label is
 * meta.label. */
static int perm_group_matches(const struct perm_group *g, const char *id, const char *name,
			      const char *label)
{
	return (!id || strcmp(g->id, id) == 0) && (!name || strcmp(g->name, name) == 0) &&
	       (!label || strcmp(g->label, label) == 0);
}

void iam_permission_groups_list(struct req *r)
{
	static const char *const keys[] = { "id", "name", "label", NULL };
	const char *v[3];
	int64_t page, per_page, total = 0;
	cJSON *items;
	size_t i;

	if (query_singles_or_reply(r, keys, v) < 0)
		return;
	if (param_or_reply(r, "id", v[0], rules_id) < 0 || filters_or_reply(r, keys + 1, v + 1, 2) < 0 ||
	    paging_pages_or_reply(r, &page, &per_page) < 0)
		return;
	if (account_visible_or_reply(r) < 0)
		return;
	/* CF-API: page numbers (V4PagePaginationArray); a page past the end is
	 * 200 with [] */
	items = cJSON_CreateArray();
	for (i = 0; i < perm_groups_count; i++) {
		struct perm_group g;

		perm_group_at(i, &g);
		if (!perm_group_matches(&g, v[0], v[1], v[2]))
			continue;
		if (total >= (page - 1) * per_page && total < page * per_page)
			cJSON_AddItemToArray(items, perm_group_json(&g));
		total++;
	}
	reply_page_list(r, items, page, per_page, total);
}

void iam_permission_groups_get(struct req *r)
{
	struct perm_group g;

	if (account_visible_or_reply(r) < 0)
		return;
	if (perm_group_find(req_param(r, 1), &g) < 0) {
		reply_error(r, ERR_PERM_GROUP_NOT_FOUND, req_param(r, 1));
		return;
	}
	reply_ok(r, perm_group_json(&g));
}

void iam_resource_groups_list(struct req *r)
{
	static const char *const keys[] = { "id", "name", NULL };
	const char *v[2];
	char id[ID_LEN + 1];
	cJSON *items, *g;

	if (query_singles_or_reply(r, keys, v) < 0)
		return;
	if (param_or_reply(r, "id", v[0], rules_id) < 0 || filters_or_reply(r, keys + 1, v + 1, 1) < 0)
		return;
	if (account_visible_or_reply(r) < 0)
		return;
	/* CF-API: no paging parameters and no result_info (SDK SinglePage);
	 * cfmock's accounts have one group each, the whole account's */
	items = cJSON_CreateArray();
	g = resource_group_json(req_param(r, 0));
	resource_group_id(req_param(r, 0), id);
	if ((!v[0] || strcmp(v[0], id) == 0) &&
	    (!v[1] || strcmp(v[1], cJSON_GetObjectItem(g, "name")->valuestring) == 0))
		cJSON_AddItemToArray(items, g);
	else
		cJSON_Delete(g);
	reply_ok(r, items);
}

void iam_resource_groups_get(struct req *r)
{
	char id[ID_LEN + 1];

	if (account_visible_or_reply(r) < 0)
		return;
	resource_group_id(req_param(r, 0), id);
	if (strcmp(req_param(r, 1), id) != 0) {
		reply_error(r, ERR_RESOURCE_GROUP_NOT_FOUND, req_param(r, 1));
		return;
	}
	reply_ok(r, resource_group_json(req_param(r, 0)));
}
