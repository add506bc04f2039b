/* roles.c: see roles.h. */
#include "roles.h"

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ids.h"
#include "util.h"

/* CF-API: iam_role.permissions grants read and/or write on each of these. */
static const char *const scopes[] = {
	"analytics", "billing", "cache_purge", "dns", "dns_records", "lb",
	"logs", "organization", "ssl", "waf", "zone_settings", "zones",
};
#define NSCOPES ARRAY_SIZE(scopes)

/* Grants, one letter a scope in scopes' order: '-' none, 'r' read, 'w'
 * write, 'b' both. label: the role's label as an IAM permission group.
 * CF-API: "all_privileges" is the label terraform-provider-cloudflare's
 * account_member acceptance test (internal/services/account_member/
 * resource_test.go, TestAccCloudflareAccountMember_Policies) looks up to
 * grant everything; no public source gives the others, which are cfmock's
 * snake_case of the role's name. */
struct role {
	const char *id;
	const char *name;
	const char *description;
	const char *grants;
	const char *label;
};

static const struct role roles[] = {
	{ ROLE_SUPER_ADMIN, "Super Administrator - All Privileges",
	  "Can edit any Cloudflare setting, make purchases, update billing, and manage memberships.",
	  "bbbbbbbbbbbb", "all_privileges" },
	{ "05784afa30c1afe1440e79d9351c7430", "Administrator",
	  "Can access the full account, except for membership management and billing.",
	  "brbbbbbbbbbb", "admin" },
	{ "f2b20b3ba2d1bbb0a4aa2d3b7c3d0b5f", "Administrator Read Only",
	  "Can access the full account in read-only mode.", "rrrrrrrrrrrr", "admin_readonly" },
	{ "298ce8a6e5de4d5fa8d2c03b4b3d9f64", "Billing", "Can view and edit billing profiles.",
	  "-b-------r--", "billing" },
	{ "9a5c37f6c4cd4ab2a9d6d0e8bb7c2c55", "DNS", "Can view and edit DNS records.",
	  "---bb------r", "dns" },
	{ "c4a6cd1ae0a04a59b1a4e5d2f2e0d9b3", "Analytics", "Can read Analytics.",
	  "r----------r", "analytics" },
	{ "e58cefd75d7adae0b761796c28815e5c", "Cache Purge", "Can purge the edge cache.",
	  "--w--------r", "cache_purge" },
};

const size_t roles_count = ARRAY_SIZE(roles);

const struct role *role_at(size_t i)
{
	if (i >= roles_count)
		BUG("no role %zu", i);
	return &roles[i];
}

const struct role *role_find(const char *id)
{
	size_t i;

	for (i = 0; i < roles_count; i++)
		if (strcmp(roles[i].id, id) == 0)
			return &roles[i];
	return NULL;
}

const char *role_id(const struct role *r)
{
	return r->id;
}

cJSON *role_json(const struct role *r)
{
	cJSON *o = cJSON_CreateObject(), *perms;
	size_t i;

	cJSON_AddStringToObject(o, "id", r->id);
	cJSON_AddStringToObject(o, "name", r->name);
	cJSON_AddStringToObject(o, "description", r->description);
	perms = cJSON_AddObjectToObject(o, "permissions");
	for (i = 0; i < NSCOPES; i++) {
		cJSON *g = cJSON_AddObjectToObject(perms, scopes[i]);
		char c = r->grants[i];
		cJSON_AddBoolToObject(g, "read", c == 'r' || c == 'b');
		cJSON_AddBoolToObject(g, "write", c == 'w' || c == 'b');
	}
	return o;
}

/* The permission groups that are not roles. CF-API:
 *  - "Load Balancer" / load_balancer_admin: the example of
 *    iam_permission_group in the spec (id, name and meta.label);
 *  - "Zone Read" and "Magic Network Monitoring" / fbm_user: the example of
 *    iam_permission_groups in the spec. It labels "Zone Read"
 *    load_balancer_admin too, which the example above already names; a
 *    label filter finds one group here, so "Zone Read" is zone_read
 *    [mock choice];
 *  - domain_admin_readonly: the label terraform-provider-cloudflare's
 *    account_member tests look up for a zone-scoped read-only group
 *    (resource_test.go, TestAccCloudflareAccountMember_PoliciesAddResource
 *    Group); no public source gives its id or name, so both are cfmock's. */
static const struct perm_group extra_groups[] = {
	{ "6d7f2f5f5b1d4a0e9081fdc98d432fd1", "Load Balancer", "load_balancer_admin" },
	{ "c8fed203ed3043cba015a93ad1616f1f", "Zone Read", "zone_read" },
	{ "82e64a83756745bbbb1c9c2701bf816b", "Magic Network Monitoring", "fbm_user" },
	{ "d2a1802cc9a34e30852f8b33869b2f3c", "Domain Administrator Read Only",
	  "domain_admin_readonly" },
};

const size_t perm_groups_count = ARRAY_SIZE(roles) + ARRAY_SIZE(extra_groups);

void perm_group_at(size_t i, struct perm_group *out)
{
	if (i < roles_count) {
		out->id = roles[i].id;
		out->name = roles[i].name;
		out->label = roles[i].label;
		return;
	}
	if (i >= perm_groups_count)
		BUG("no permission group %zu", i);
	*out = extra_groups[i - roles_count];
}

int perm_group_find(const char *id, struct perm_group *out)
{
	size_t i;

	for (i = 0; i < perm_groups_count; i++) {
		perm_group_at(i, out);
		if (strcmp(out->id, id) == 0)
			return 0;
	}
	return -1;
}

/* CF-API: iam_permission_group.meta is typed {key, value}; its example
 * reads {"label": ..., "scopes": ...}. cfmock answers {key: "label",
 * value: <label>}. */
cJSON *perm_group_json(const struct perm_group *g)
{
	cJSON *o = cJSON_CreateObject(), *meta;

	cJSON_AddStringToObject(o, "id", g->id);
	cJSON_AddStringToObject(o, "name", g->name);
	meta = cJSON_AddObjectToObject(o, "meta");
	cJSON_AddStringToObject(meta, "key", "label");
	cJSON_AddStringToObject(meta, "value", g->label);
	return o;
}

static uint64_t fnv1a(uint64_t h, const char *s)
{
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3ULL;
	}
	return h;
}

void resource_group_id(const char *account_id, char *out)
{
	char *key = xasprintf(RESOURCE_GROUP_KEY_PREFIX "%s", account_id);
	uint64_t h1 = fnv1a(0xcbf29ce484222325ULL, key), h2 = fnv1a(h1, key);

	snprintf(out, ID_LEN + 1, "%016" PRIx64 "%016" PRIx64, h1, h2);
	free(key);
}

static cJSON *scope_json(const char *key)
{
	cJSON *scope = cJSON_CreateObject(), *obj = cJSON_CreateObject();

	cJSON_AddStringToObject(scope, "key", key);
	cJSON_AddStringToObject(obj, "key", "*");
	cJSON_AddItemToArray(cJSON_AddArrayToObject(scope, "objects"), obj);
	return scope;
}

/* CF-API: the spec's example names the group by its scope key
 * (iam_resource_group.name) and gives meta {"editable": "false"}, typed
 * {key, value}; the whole account's group is not editable. */
cJSON *resource_group_json(const char *account_id)
{
	char id[ID_LEN + 1];
	char *key = xasprintf(RESOURCE_GROUP_KEY_PREFIX "%s", account_id);
	cJSON *o = cJSON_CreateObject(), *meta;

	resource_group_id(account_id, id);
	cJSON_AddStringToObject(o, "id", id);
	cJSON_AddStringToObject(o, "name", key);
	cJSON_AddItemToObject(o, "scope", scope_json(key));
	meta = cJSON_AddObjectToObject(o, "meta");
	cJSON_AddStringToObject(meta, "key", "editable");
	cJSON_AddStringToObject(meta, "value", "false");
	free(key);
	return o;
}

static const char *id_of(const cJSON *g)
{
	const cJSON *id = cJSON_GetObjectItemCaseSensitive(g, "id");
	return cJSON_IsString(id) ? id->valuestring : NULL;
}

cJSON *member_policies_json(const cJSON *stored, const char *account_id)
{
	char own[ID_LEN + 1];
	cJSON *out = cJSON_CreateArray();
	const cJSON *p, *g;

	resource_group_id(account_id, own);
	cJSON_ArrayForEach(p, stored) {
		cJSON *q = cJSON_CreateObject(), *pgs, *rgs;
		const cJSON *access = cJSON_GetObjectItemCaseSensitive(p, "access");

		if (!cJSON_IsObject(p)) {
			cJSON_Delete(q);
			continue;
		}
		if (id_of(p))
			cJSON_AddStringToObject(q, "id", id_of(p));
		if (cJSON_IsString(access))
			cJSON_AddStringToObject(q, "access", access->valuestring);
		pgs = cJSON_AddArrayToObject(q, "permission_groups");
		cJSON_ArrayForEach(g, cJSON_GetObjectItemCaseSensitive(p, "permission_groups")) {
			struct perm_group pg;
			cJSON *one;

			if (!id_of(g))
				continue;
			if (perm_group_find(id_of(g), &pg) == 0) {
				one = perm_group_json(&pg);
			} else {
				one = cJSON_CreateObject();
				cJSON_AddStringToObject(one, "id", id_of(g));
			}
			cJSON_AddItemToArray(pgs, one);
		}
		rgs = cJSON_AddArrayToObject(q, "resource_groups");
		cJSON_ArrayForEach(g, cJSON_GetObjectItemCaseSensitive(p, "resource_groups")) {
			cJSON *one;

			if (!id_of(g))
				continue;
			if (strcmp(id_of(g), own) == 0) {
				one = resource_group_json(account_id);
			} else {
				char *key = xasprintf(RESOURCE_GROUP_KEY_PREFIX "%s", account_id);
				one = cJSON_CreateObject();
				cJSON_AddStringToObject(one, "id", id_of(g));
				cJSON_AddItemToObject(one, "scope", scope_json(key));
				free(key);
			}
			cJSON_AddItemToArray(rgs, one);
		}
		cJSON_AddItemToArray(out, q);
	}
	return out;
}
