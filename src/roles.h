/* roles.h: the built-in account roles. CF-API: the roles endpoints are
 * deprecated upstream and list roles per account; cfmock has one fixed
 * list, the same for every account, which the README shows. */
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

/* The role every account's creator gets. */
#define ROLE_SUPER_ADMIN "33666b9c79b9a5273fc7344ff42f953d"

#endif
