/* test_fixtures.c: src/fixtures.c, validation and all-or-nothing loading. */
#include "fixture.h"
#include "fixtures.h"
#include "testhelp.h"

static int load(const char *text, char **err)
{
	return fixtures_load_text(test_app.store, text, strlen(text), err);
}

TEST("fixtures: a nested hierarchy loads with its ids and owners")
{
	char *err = NULL;
	struct user u;
	cJSON *o = NULL;
	test_app_new();
	CHECK(load("{\"users\":[{\"email\":\"alice@example.com\",\"api_key\":"
		   "\"144c9defac04969c7bfad8efaa8ea194\",\"tokens\":[\"alice-token\"]}],"
		   "\"organizations\":[{\"id\":\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\",\"name\":\"Root\","
		   "\"owner\":\"alice@example.com\",\"organizations\":[{\"id\":"
		   "\"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\",\"name\":\"Child\"}]}]}",
		   &err) == 0);
	CHECK(err == NULL);
	CHECK_EQ_INT(store_users_resolve(test_app.store, CRED_TOKEN, "alice-token", NULL, 1, &u),
		     STORE_OK);
	CHECK_EQ_INT(store_organizations_get(test_app.store, &u, "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", &o),
		     STORE_OK);
	CHECK_EQ_STR(cJSON_GetObjectItem(cJSON_GetObjectItem(o, "parent"), "id")->valuestring,
		     "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
	cJSON_Delete(o);
	test_app_free();
}

TEST("fixtures: accounts load into their organization, or stand alone")
{
	char *err = NULL;
	struct user u;
	cJSON *a = NULL, *chain = NULL;
	test_app_new();
	CHECK(load("{\"users\":[{\"email\":\"alice@example.com\",\"tokens\":[\"t\"]}],"
		   "\"organizations\":[{\"id\":\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\",\"name\":\"Root\","
		   "\"owner\":\"alice@example.com\",\"organizations\":[{\"id\":"
		   "\"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\",\"name\":\"Child\",\"accounts\":[{\"id\":"
		   "\"cccccccccccccccccccccccccccccccc\",\"name\":\"In child\",\"type\":\"enterprise\","
		   "\"settings\":{\"enforce_twofactor\":true}}]}]}],"
		   "\"accounts\":[{\"id\":\"dddddddddddddddddddddddddddddddd\",\"name\":\"Solo\","
		   "\"owner\":\"alice@example.com\",\"created_on\":\"2026-03-04T05:06:07.000Z\"}]}",
		   &err) == 0);
	CHECK(err == NULL);
	CHECK_EQ_INT(store_users_resolve(test_app.store, CRED_TOKEN, "t", NULL, 1, &u), STORE_OK);
	CHECK_EQ_INT(store_accounts_get(test_app.store, &u, "cccccccccccccccccccccccccccccccc", &a),
		     STORE_OK);
	CHECK_EQ_STR(cJSON_GetObjectItem(a, "type")->valuestring, "enterprise");
	CHECK_EQ_STR(cJSON_GetObjectItem(cJSON_GetObjectItem(a, "managed_by"), "parent_org_id")
			     ->valuestring,
		     "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb");
	CHECK(cJSON_IsTrue(cJSON_GetObjectItem(cJSON_GetObjectItem(a, "settings"),
					       "enforce_twofactor")));
	cJSON_Delete(a);
	CHECK_EQ_INT(store_accounts_organizations_list(test_app.store, &u,
						  "cccccccccccccccccccccccccccccccc", &chain),
		     STORE_OK);
	CHECK_EQ_INT(cJSON_GetArraySize(chain), 2);
	CHECK_EQ_STR(cJSON_GetObjectItem(cJSON_GetArrayItem(chain, 0), "id")->valuestring,
		     "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
	cJSON_Delete(chain);
	a = NULL;
	CHECK_EQ_INT(store_accounts_get(test_app.store, &u, "dddddddddddddddddddddddddddddddd", &a),
		     STORE_OK);
	CHECK_EQ_STR(cJSON_GetObjectItem(a, "created_on")->valuestring, "2026-03-04T05:06:07.000Z");
	CHECK(cJSON_GetObjectItem(a, "managed_by") == NULL);
	cJSON_Delete(a);
	test_app_free();
}

TEST("fixtures: errors name the entry, and nothing is loaded")
{
	static const struct {
		const char *text;
		const char *want;
	} cases[] = {
		{ "[", "offset 1 (line 1, column 2): not valid JSON: unexpected end" },
		{ "{\"users\":[]} x", "offset 13 (line 1, column 14): trailing data after the JSON value" },
		{ "{\"users\":[{\"email\":\"a@b.c\",\"email\":\"b@b.c\"}]}",
		  "/users/0: duplicate key 'email'" },
		{ "{\"users\":[{\"email\":\"a@b.c\\u0000x\"}]}",
		  "/users/0/email: holds \\u0000, a NUL character" },
		{ "[]", "must be a JSON object" },
		{ "{\"orgs\":[]}", "/orgs: unknown key" },
		{ "{\"users\":[{}]}", "/users/0/email: is required" },
		{ "{\"users\":[{\"email\":\"a@b.c\",\"api_key\":\"XYZ\"}]}", "/users/0/api_key: must be 32" },
		{ "{\"users\":[{\"email\":\"a@b.c\"},{\"email\":\"A@b.c\"}]}", "/users/1: a user with" },
		{ "{\"users\":[{\"email\":\"a@b.c\"}],\"organizations\":[{\"name\":\"R\",\"owner\":"
		  "\"a@b.c\",\"organizations\":[{\"name\":\"ok\"},{\"nam\":\"typo\"}]}]}",
		  "/organizations/0/organizations/1/nam: unknown key" },
		{ "{\"organizations\":[{\"name\":\"R\",\"owner\":\"who@b.c\"}]}",
		  "/organizations/0/owner: 'who@b.c' is not one of the fixture's users" },
		{ "{\"users\":[{\"email\":\"a@b.c\"}],\"organizations\":[{\"name\":\"R\",\"owner\":"
		  "\"a@b.c\",\"id\":\"nothex\"}]}", "/organizations/0/id: must be 32" },
		{ "{\"users\":[{\"email\":\"a@b.c\"}],\"organizations\":[{\"name\":\"R\",\"owner\":"
		  "\"a@b.c\",\"create_time\":\"yesterday\"}]}",
		  "/organizations/0/create_time: must be RFC 3339" },
		{ "{\"users\":[{\"email\":\"a@b.c\"}],\"organizations\":[{\"name\":\"R\",\"owner\":"
		  "\"a@b.c\",\"create_time\":\"2026-02-31T00:00:00.000Z\"}]}",
		  "/organizations/0/create_time: must be a real calendar date" },
		{ "{\"users\":[{\"email\":\"a@b.c\"}],\"organizations\":[{\"name\":\"R\",\"owner\":"
		  "\"a@b.c\",\"accounts\":[{\"name\":\"A\"},{\"name\":\"B\",\"type\":\"gold\"}]}]}",
		  "/organizations/0/accounts/1/type: must be" },
		{ "{\"users\":[{\"email\":\"a@b.c\",\"first_name\":"
		  "\"0123456789012345678901234567890123456789012345678901234567890\"}]}",
		  "/users/0/first_name: must be at most 60" },
		{ "{\"users\":[{\"email\":\"a@b.c\",\"tokens\":[{\"value\":\"t\",\"status\":\"gone\"}]}]}",
		  "/users/0/tokens/0/status: must be" },
		{ "{\"users\":[{\"email\":\"a@b.c\"}],\"organizations\":[{\"name\":\"R\",\"owner\":"
		  "\"a@b.c\",\"members\":[{\"email\":\"x@b.c\",\"status\":\"pending\"}]}]}",
		  "/organizations/0/members/0/status: must be 'active' or 'canceled'" },
		{ "{\"users\":[{\"email\":\"a@b.c\"}],\"accounts\":[{\"name\":\"A\"}]}",
		  "/accounts/0/owner: is required" },
		{ "{\"users\":[{\"email\":\"a@b.c\"}],\"accounts\":[{\"name\":\"\",\"owner\":\"a@b.c\"}]}",
		  "/accounts/0/name: must not be empty" },
		{ "{\"users\":[{\"email\":\"a@b.c\"}],\"accounts\":[{\"name\":\"A\",\"owner\":\"a@b.c\","
		  "\"settings\":{\"enforce_twofactor\":\"yes\"}}]}",
		  "/accounts/0/settings/enforce_twofactor: must be" },
		{ "{\"users\":[{\"email\":\"a@b.c\"}],\"accounts\":[{\"name\":\"A\",\"owner\":\"a@b.c\","
		  "\"id\":\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"},{\"name\":\"B\",\"owner\":\"a@b.c\","
		  "\"id\":\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"}]}",
		  "/accounts/1/id: account id 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' is already defined" },
	};
	size_t i;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		char *err = NULL;
		test_app_new();
		CHECK(load(cases[i].text, &err) < 0);
		if (!err || !strstr(err, cases[i].want))
			printf("# case %zu: got '%s'\n", i, err ? err : "(null)");
		CHECK(err && strstr(err, cases[i].want));
		CHECK(store_is_empty(test_app.store));
		free(err);
		test_app_free();
	}
}

int main(void)
{
	return test_main();
}
