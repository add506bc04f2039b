/* test_roles.c: src/roles.c, the built-in account roles. */
#include "roles.h"
#include "testhelp.h"
#include "util.h"

TEST("roles: ids are distinct cfmock ids and every role grants per scope")
{
	size_t i, j;

	CHECK_EQ_INT(roles_count, 7);
	CHECK_EQ_STR(role_id(role_at(0)), ROLE_SUPER_ADMIN);
	for (i = 0; i < roles_count; i++) {
		cJSON *o = role_json(role_at(i)), *perms = cJSON_GetObjectItem(o, "permissions"), *g;
		int n = 0;

		CHECK(is_hex_id(role_id(role_at(i))));
		CHECK(role_find(role_id(role_at(i))) == role_at(i));
		for (j = 0; j < i; j++)
			CHECK(strcmp(role_id(role_at(i)), role_id(role_at(j))) != 0);
		CHECK(cJSON_GetObjectItem(o, "name") && cJSON_GetObjectItem(o, "description"));
		cJSON_ArrayForEach(g, perms) {
			CHECK(cJSON_IsBool(cJSON_GetObjectItem(g, "read")));
			CHECK(cJSON_IsBool(cJSON_GetObjectItem(g, "write")));
			n++;
		}
		CHECK_EQ_INT(n, 12);
		cJSON_Delete(o);
	}
	CHECK(role_find("00000000000000000000000000000000") == NULL);
}

TEST("roles: the super administrator may read and write everything")
{
	cJSON *o = role_json(role_find(ROLE_SUPER_ADMIN)), *g;

	cJSON_ArrayForEach(g, cJSON_GetObjectItem(o, "permissions")) {
		CHECK(cJSON_IsTrue(cJSON_GetObjectItem(g, "read")));
		CHECK(cJSON_IsTrue(cJSON_GetObjectItem(g, "write")));
	}
	cJSON_Delete(o);
}

int main(void)
{
	return test_main();
}
