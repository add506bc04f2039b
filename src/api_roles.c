/* api_roles.c: /accounts/{id}/roles (CONTRACT.md 4.3, the IAM family).
 * The roles are cfmock's built-in catalogue (roles.c), the same for every
 * account; the store only says whether the caller sees the account. */
#include "api.h"

#include "paging.h"
#include "reply.h"
#include "roles.h"

void roles_list(struct req *r)
{
	int64_t page, per_page, i;
	cJSON *items;

	if (paging_pages_or_reply(r, &page, &per_page) < 0)
		return;
	if (account_visible_or_reply(r) < 0)
		return;
	items = cJSON_CreateArray();
	for (i = (page - 1) * per_page; i < page * per_page && i < (int64_t)roles_count; i++)
		cJSON_AddItemToArray(items, role_json(role_at((size_t)i)));
	reply_page_list(r, items, page, per_page, (int64_t)roles_count);
}

void roles_get(struct req *r)
{
	const struct role *role;

	if (account_visible_or_reply(r) < 0)
		return;
	role = role_find(req_param(r, 1));
	if (!role) {
		reply_error(r, ERR_ROLE_NOT_FOUND, req_param(r, 1));
		return;
	}
	reply_ok(r, role_json(role));
}
