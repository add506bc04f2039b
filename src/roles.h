/* roles.h: the built-in account roles, the IAM permission groups (the
 * roles again, with a label each, and a few more) and the accounts'
 * resource groups, and how a member's policies are answered from them.
 * CF-API: the roles endpoints are deprecated upstream ("Use
 * /accounts/{account_id}/iam/permission_groups instead") and list roles
 * per account; cfmock has one fixed list of each, the same for every
 * account, which the README shows. Pure: no store, no request. */
#ifndef CFMOCK_ROLES_H
#define CFMOCK_ROLES_H

#include <cjson/cJSON.h>
#include <stddef.h>

struct role;

/* The roles, in their listed order. */
extern const size_t roles_count;
/* The @i-th role (i < roles_count). */
const struct role *role_at(size_t i);
/* The role with id @id, or NULL. */
const struct role *role_find(const char *id);
/* Why an id role_find() does not know is refused, through the API and in
 * fixtures alike (a printf format taking the id). */
#define ROLE_UNKNOWN "no role has the id '%s' (see GET /accounts/{id}/roles)"
const char *role_id(const struct role *r);
/* {id, name, description, permissions}. */
cJSON *role_json(const struct role *r);

/* IAM permission groups (GET /accounts/{id}/iam/permission_groups), the
 * groups an account member's policies grant: the roles first, in their
 * order, with the same ids and names, then the others. */
struct perm_group {
	const char *id;
	const char *name;
	const char *label; /* meta {key: "label", value: label} */
};
extern const size_t perm_groups_count;
/* The @i-th group (i < perm_groups_count), filled into @out. */
void perm_group_at(size_t i, struct perm_group *out);
/* The group with id @id into @out: 0, or -1 when there is none. */
int perm_group_find(const char *id, struct perm_group *out);
/* {id, name, meta: {key: "label", value}}. */
cJSON *perm_group_json(const struct perm_group *g);
/* Why a permission group id perm_group_find() does not know is refused
 * (a printf format taking the id). */
#define PERM_GROUP_UNKNOWN \
	"no permission group has the id '%s' (see GET /accounts/{id}/iam/permission_groups)"

/* IAM resource groups (GET /accounts/{id}/iam/resource_groups): each
 * account has one, the group of the whole account, named by its scope key
 * "com.cloudflare.api.account.<account id>". Its id is derived from that
 * key, so it is stable and needs no state: the FNV-1a 64-bit hash of the
 * key, then the same hash run on over the key a second time (that is, of
 * the key written twice), each as 16 lowercase hex digits. */
#define RESOURCE_GROUP_KEY_PREFIX "com.cloudflare.api.account."
/* Writes the id of @account_id's resource group (ID_LEN + 1 bytes). */
void resource_group_id(const char *account_id, char *out);
/* {id, name, scope: {key, objects: [{key: "*"}]}, meta: {key:
 * "editable", value: "false"}}. */
cJSON *resource_group_json(const char *account_id);
/* Why a resource group id that is not one of the account's is refused (a
 * printf format taking the id and the account id). */
#define RESOURCE_GROUP_UNKNOWN \
	"no resource group has the id '%s' in account '%s' " \
	"(see GET /accounts/{id}/iam/resource_groups)"

/* A member's policies as stored ([{id, access, permission_groups: [{id}],
 * resource_groups: [{id}]}]) as the API answers them: each group in its
 * whole shape, from the catalogue and @account_id's resource group. A
 * group this catalogue does not know (a database written before policies
 * were checked) keeps its id, and a resource group gets the whole
 * account's scope, which iam_resource_group requires. Returns a new
 * array; the caller owns it. */
cJSON *member_policies_json(const cJSON *stored, const char *account_id);

/* The role every account's creator gets. */
#define ROLE_SUPER_ADMIN "33666b9c79b9a5273fc7344ff42f953d"

#endif
