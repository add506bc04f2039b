/* roles.c: see roles.h. */
#include "roles.h"

#include <string.h>

#include "util.h"

/* CF-API: iam_role.permissions grants read and/or write on each of these. */
static const char *const scopes[] = {
	"analytics", "billing", "cache_purge", "dns", "dns_records", "lb",
	"logs", "organization", "ssl", "waf", "zone_settings", "zones",
};
#define NSCOPES ARRAY_SIZE(scopes)

/* Grants, one letter a scope in scopes' order: '-' none, 'r' read, 'w'
 * write, 'b' both. */
struct role {
	const char *id;
	const char *name;
	const char *description;
	const char *grants;
};

static const struct role roles[] = {
	{ ROLE_SUPER_ADMIN, "Super Administrator - All Privileges",
	  "Can edit any Cloudflare setting, make purchases, update billing, and manage memberships.",
	  "bbbbbbbbbbbb" },
	{ "05784afa30c1afe1440e79d9351c7430", "Administrator",
	  "Can access the full account, except for membership management and billing.",
	  "brbbbbbbbbbb" },
	{ "f2b20b3ba2d1bbb0a4aa2d3b7c3d0b5f", "Administrator Read Only",
	  "Can access the full account in read-only mode.", "rrrrrrrrrrrr" },
	{ "298ce8a6e5de4d5fa8d2c03b4b3d9f64", "Billing", "Can view and edit billing profiles.",
	  "-b-------r--" },
	{ "9a5c37f6c4cd4ab2a9d6d0e8bb7c2c55", "DNS", "Can view and edit DNS records.",
	  "---bb------r" },
	{ "c4a6cd1ae0a04a59b1a4e5d2f2e0d9b3", "Analytics", "Can read Analytics.",
	  "r----------r" },
	{ "e58cefd75d7adae0b761796c28815e5c", "Cache Purge", "Can purge the edge cache.",
	  "--w--------r" },
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
