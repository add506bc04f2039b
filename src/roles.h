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
const char *role_id(const struct role *r);
/* {id, name, description, permissions}. */
cJSON *role_json(const struct role *r);

/* The role every account's creator gets. */
#define ROLE_SUPER_ADMIN "33666b9c79b9a5273fc7344ff42f953d"

#endif
