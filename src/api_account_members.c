/* api_account_members.c: /accounts/{id}/members (CONTRACT.md 4.3, the IAM
 * family). Validation here, state in store_account_members_*. */
#include "api.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ids.h"
#include "json.h"
#include "paging.h"
#include "query.h"
#include "reply.h"
#include "roles.h"
#include "util.h"

#include "app.h"

/* roles: role ids (@objects: [{"id"}], as PUT takes them), each one of
 * the built-in roles. */
static int roles_or_reply(struct req *r, const cJSON *arr, int objects, const char **ids,
			  int *out_n)
{
	const cJSON *item;
	int n = 0;

	if (count_or_reply(r, "/roles", cJSON_GetArraySize(arr), rules_roles_count) < 0)
		return -1;
	cJSON_ArrayForEach(item, arr) {
		char ptr[32];
		const char *id;

		snprintf(ptr, sizeof(ptr), "/roles/%d", n);
		if (objects) {
			char idptr[40];
			if (!cJSON_IsObject(item)) {
				reply_error_at(r, ERR_FIELD_TYPE, ptr, json_dotted(ptr), "an object");
				return -1;
			}
			snprintf(idptr, sizeof(idptr), "%s/id", ptr);
			if (json_string_or_reply(r, item, idptr, 1, &id) < 0)
				return -1;
		} else {
			if (!cJSON_IsString(item)) {
				reply_error_at(r, ERR_FIELD_TYPE, ptr, json_dotted(ptr), "a string");
				return -1;
			}
			id = item->valuestring;
		}
		if (!role_find(id)) {
			char *unknown = xasprintf(ROLE_UNKNOWN, id);
			reply_error_at(r, ERR_FIELD_INVALID, ptr, json_dotted(ptr), unknown);
			free(unknown);
			return -1;
		}
		ids[n++] = id;
	}
	*out_n = n;
	return 0;
}

/* An array of {id} objects at @pointer: permission groups (@account_id
 * NULL), each in the IAM catalogue, or resource groups, each one of
 * @account_id's. Their ids are added to @keep as [{id}] (what is stored:
 * the rest of a group is answered from the catalogue). */
static int groups_or_reply(struct req *r, const cJSON *policy, const char *pointer,
			   const char *account_id, cJSON *keep)
{
	const cJSON *arr, *g;
	char own[ID_LEN + 1];
	int i = 0;

	if (json_array_or_reply(r, policy, pointer, 1, &arr) < 0)
		return -1;
	if (account_id)
		resource_group_id(account_id, own);
	cJSON_ArrayForEach(g, arr) {
		char ptr[96], idptr[104];
		const char *id;
		char *why = NULL;
		struct perm_group pg;
		cJSON *one;

		snprintf(ptr, sizeof(ptr), "%s/%d", pointer, i++);
		if (!cJSON_IsObject(g)) {
			reply_error_at(r, ERR_FIELD_TYPE, ptr, json_dotted(ptr), "an object");
			return -1;
		}
		snprintf(idptr, sizeof(idptr), "%s/id", ptr);
		if (json_string_or_reply(r, g, idptr, 1, &id) < 0)
			return -1;
		/* CF-API: the ids name iam_permission_group and iam_resource_group
		 * objects (CONTRACT.md 10.7); one the account does not have is
		 * refused, and nothing is changed */
		if (!account_id && perm_group_find(id, &pg) < 0)
			why = xasprintf(PERM_GROUP_UNKNOWN, id);
		else if (account_id && strcmp(id, own) != 0)
			why = xasprintf(RESOURCE_GROUP_UNKNOWN, id, account_id);
		if (why) {
			reply_error_at(r, ERR_FIELD_INVALID, idptr, json_dotted(idptr), why);
			free(why);
			return -1;
		}
		one = cJSON_CreateObject();
		cJSON_AddStringToObject(one, "id", id);
		cJSON_AddItemToArray(keep, one);
	}
	return 0;
}

/* policies: [{access: allow|deny, id?, permission_groups: [{id}],
 * resource_groups: [{id}]}], in account @account_id. Kept by id, with an
 * id made for each policy that has none (the official SDK sends none):
 * *out is their JSON text (caller frees). */
static int policies_or_reply(struct req *r, const cJSON *arr, const char *account_id,
			     char **out)
{
	const cJSON *p;
	cJSON *keep, *made;
	int i = 0;

	if (count_or_reply(r, "/policies", cJSON_GetArraySize(arr), rules_policies_count) < 0)
		return -1;
	keep = cJSON_CreateArray();
	cJSON_ArrayForEach(p, arr) {
		char ptr[32], f[64];
		const char *access, *id;
		cJSON *q;

		snprintf(ptr, sizeof(ptr), "/policies/%d", i++);
		if (!cJSON_IsObject(p)) {
			reply_error_at(r, ERR_FIELD_TYPE, ptr, json_dotted(ptr), "an object");
			goto fail;
		}
		snprintf(f, sizeof(f), "%s/access", ptr);
		if (field_or_reply(r, p, f, 1, rules_policy_access, &access) < 0)
			goto fail;
		snprintf(f, sizeof(f), "%s/id", ptr);
		if (json_string_or_reply(r, p, f, 0, &id) < 0)
			goto fail;
		q = cJSON_CreateObject();
		cJSON_AddItemToArray(keep, q);
		if (id)
			cJSON_AddStringToObject(q, "id", id);
		cJSON_AddStringToObject(q, "access", access);
		snprintf(f, sizeof(f), "%s/permission_groups", ptr);
		if (groups_or_reply(r, p, f, NULL, cJSON_AddArrayToObject(q, "permission_groups")) < 0)
			goto fail;
		snprintf(f, sizeof(f), "%s/resource_groups", ptr);
		if (groups_or_reply(r, p, f, account_id,
				    cJSON_AddArrayToObject(q, "resource_groups")) < 0)
			goto fail;
	}
	/* only once the whole body is good, so a refused one takes no id */
	cJSON_ArrayForEach(made, keep) {
		if (!cJSON_GetObjectItemCaseSensitive(made, "id")) {
			char idbuf[ID_LEN + 1];
			ids_new(idbuf);
			cJSON_AddStringToObject(made, "id", idbuf);
		}
	}
	*out = cJSON_PrintUnformatted(keep);
	cJSON_Delete(keep);
	return 0;
fail:
	cJSON_Delete(keep);
	return -1;
}

/* Exactly one of "roles" and "policies" (CF-API: the body is oneOf the
 * two). On PUT (@role_objects) both may be left out: *nroles is then -1,
 * "keep them". */
static int grants_or_reply(struct req *r, int role_objects, const char **roles, int *nroles,
			   char **policies)
{
	const cJSON *ra, *pa;

	*nroles = 0;
	*policies = NULL;
	if (json_array_or_reply(r, r->json, "/roles", 0, &ra) < 0 ||
	    json_array_or_reply(r, r->json, "/policies", 0, &pa) < 0)
		return -1;
	if (ra && pa) {
		reply_error_at(r, ERR_FIELD_INVALID, "/policies", "policies",
			       "give either 'roles' or 'policies', not both");
		return -1;
	}
	if (!ra && !pa && role_objects) {
		*nroles = -1;
		return 0;
	}
	if (!ra && !pa) {
		reply_error_at(r, ERR_FIELD_REQUIRED, "/roles", "roles");
		return -1;
	}
	if (ra)
		return roles_or_reply(r, ra, role_objects, roles, nroles);
	return policies_or_reply(r, pa, req_param(r, 0), policies);
}

void account_members_create(struct req *r)
{
	const char *roles[RULES_ROLES_MAX];
	struct account_member_new m;
	char *policies = NULL;
	cJSON *out = NULL;
	enum store_rc rc;

	memset(&m, 0, sizeof(m));
	if (field_or_reply(r, r->json, "/email", 1, rules_account_member_email, &m.email) < 0 ||
	    field_or_reply(r, r->json, "/status", 0, rules_account_member_status, &m.status) < 0 ||
	    grants_or_reply(r, 0, roles, &m.nroles, &policies) < 0)
		return;
	if (!m.status)
		m.status = rules_account_member_status_default;
	m.roles = roles;
	m.policies = policies;
	rc = store_account_members_create(r->app->store, &r->user, req_param(r, 0), &m, &out);
	free(policies);
	if (rc == STORE_CONFLICT) {
		char *where = xasprintf("account '%s'", req_param(r, 0));
		reply_error_at(r, ERR_ALREADY_MEMBER, "/email", m.email, where);
		free(where);
		return;
	}
	if (rc != STORE_OK) {
		reply_store_error(r, rc, ERR_ACCOUNT_NOT_FOUND, req_param(r, 0));
		return;
	}
	reply_ok(r, out);
}

void account_members_get(struct req *r)
{
	cJSON *out = NULL;
	enum store_rc rc = store_account_members_get(r->app->store, &r->user, req_param(r, 0),
						     req_param(r, 1), &out);
	if (rc != STORE_OK) {
		reply_member_error(r, rc, ERR_ACCOUNT_NOT_FOUND);
		return;
	}
	reply_ok(r, out);
}

void account_members_update(struct req *r)
{
	const char *roles[RULES_ROLES_MAX];
	char *policies = NULL;
	cJSON *out = NULL;
	int nroles;
	enum store_rc rc;

	/* CF-API: PUT takes roles as [{"id"}] (or policies), both optional;
	 * status and user are read-only */
	if (grants_or_reply(r, 1, roles, &nroles, &policies) < 0)
		return;
	rc = store_account_members_update(r->app->store, &r->user, req_param(r, 0),
					  req_param(r, 1), roles, nroles, policies, &out);
	free(policies);
	if (rc != STORE_OK) {
		reply_member_error(r, rc, ERR_ACCOUNT_NOT_FOUND);
		return;
	}
	reply_ok(r, out);
}

void account_members_delete(struct req *r)
{
	enum store_rc rc = store_account_members_delete(r->app->store, &r->user, req_param(r, 0),
							req_param(r, 1));
	cJSON *out;

	if (rc != STORE_OK) {
		reply_member_error(r, rc, ERR_ACCOUNT_NOT_FOUND);
		return;
	}
	/* CF-API: iam_api-response-single-id */
	out = cJSON_CreateObject();
	cJSON_AddStringToObject(out, "id", req_param(r, 1));
	reply_ok(r, out);
}

void account_members_list(struct req *r)
{
	static const char *const keys[] = { "order", "status", "direction", NULL };
	const char *v[3];
	int64_t page, per_page, total;
	cJSON *items = NULL;
	enum store_rc rc;

	if (query_singles_or_reply(r, keys, v) < 0)
		return;
	if (param_or_reply(r, "order", v[0], rules_account_member_order) < 0 ||
	    param_or_reply(r, "status", v[1], rules_account_member_status_filter) < 0 ||
	    param_or_reply(r, "direction", v[2], rules_direction) < 0 ||
	    paging_pages_or_reply(r, &page, &per_page) < 0)
		return;
	rc = store_account_members_list(r->app->store, &r->user, req_param(r, 0), v[1], v[0],
					rules_direction_desc(v[2]), (page - 1) * per_page,
					(int)per_page, &items, &total);
	if (rc != STORE_OK) {
		reply_store_error(r, rc, ERR_ACCOUNT_NOT_FOUND, req_param(r, 0));
		return;
	}
	reply_page_list(r, items, page, per_page, total);
}
