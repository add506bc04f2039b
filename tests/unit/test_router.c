/* test_router.c: src/router.c and routes.c, through router_dispatch() on
 * hand-made requests (no socket). */
#include "fixture.h"
#include "testhelp.h"

TEST("router: a path that routes nowhere is 400 with 7003 and 7000")
{
	struct req *r;
	test_app_new();
	r = test_dispatch("GET", "/client/v4/nowhere", "Bearer t", NULL);
	CHECK_EQ_INT(r->status, 400);
	CHECK_EQ_STR(r->reply_body,
		     "{\"success\":false,\"errors\":[{\"code\":7003,\"message\":\"Could not route to "
		     "/client/v4/nowhere, perhaps your object identifier is invalid?\"},{\"code\":7000,"
		     "\"message\":\"No route for that URI\"}],\"messages\":[],\"result\":null}");
	req_free(r);
	test_app_free();
}

TEST("router: an id of the wrong shape routes nowhere")
{
	static const char *const paths[] = {
		"/client/v4/organizations/ABCDEF0123456789ABCDEF0123456789",
		"/client/v4/organizations/023e105f4ecef8ad9ca31a8372d0c35",
		"/client/v4/organizations/user@example.com",
		"/client/v4/organizations/",
		"/client/v4//organizations",
		"/client/v4/organizations/023e105f4ecef8ad9ca31a8372d0c353/nope",
	};
	size_t i;
	test_app_new();
	for (i = 0; i < ARRAY_SIZE(paths); i++) {
		struct req *r = test_dispatch("GET", paths[i], "Bearer t", NULL);
		CHECK_EQ_INT(r->status, 400);
		CHECK(strstr(r->reply_body, "\"code\":7003") != NULL);
		req_free(r);
	}
	test_app_free();
}

TEST("router: a known path with another method is 405 with Allow")
{
	struct req *r;
	test_app_new();
	r = test_dispatch("PATCH", "/client/v4/organizations/023e105f4ecef8ad9ca31a8372d0c353",
			  "Bearer t", NULL);
	CHECK_EQ_INT(r->status, 405);
	CHECK_EQ_STR(r->allow, "GET, PUT, DELETE");
	CHECK(strstr(r->reply_body, "\"code\":7001") != NULL);
	req_free(r);
	r = test_dispatch("DELETE", "/client/v4/organizations", "Bearer t", NULL);
	CHECK_EQ_STR(r->allow, "GET, POST");
	req_free(r);
	test_app_free();
}

TEST("router: routing comes before credentials; credentials before the body")
{
	struct req *r;
	test_app_new();
	r = test_dispatch("GET", "/client/v4/nowhere", NULL, NULL);
	CHECK_EQ_INT(r->status, 400);
	CHECK(strstr(r->reply_body, "7003") != NULL);
	req_free(r);
	r = test_dispatch("POST", "/client/v4/organizations", NULL, "not json");
	CHECK(strstr(r->reply_body, "9106") != NULL);
	req_free(r);
	r = test_dispatch("POST", "/client/v4/organizations", "Bearer t", "not json");
	CHECK_EQ_STR(r->reply_body, "{\"success\":false,\"errors\":[{\"code\":6007,\"message\":"
				    "\"Malformed JSON in request body\"}],\"messages\":[]}");
	req_free(r);
	test_app_free();
}

TEST("router: HEAD is served as GET")
{
	struct req *r;
	test_app_new();
	r = test_dispatch("HEAD", "/_cfmock/health", NULL, NULL);
	CHECK_EQ_INT(r->status, 200);
	req_free(r);
	test_app_free();
}

TEST("router: the JSON body checks (type, duplicates, NUL, UTF-8)")
{
	static const struct {
		const char *body;
		const char *want;
	} cases[] = {
		{ "[]", "\"code\":1002" },
		{ "\"x\"", "\"code\":1002" },
		{ "{\"name\":\"a\",\"name\":\"b\"}", "\"code\":1007" },
		{ "{\"name\":\"a\\u0000b\"}", "\"code\":6007" },
		{ "{\"name\":\"\xff\"}", "\"code\":6007" },
		{ "{\"name\":\"a\"} trailing", "\"code\":6007" },
		{ "", "\"code\":6007" },
		{ "{\"name\":5}", "\"code\":1002" },
		{ "{}", "\"code\":1001" },
	};
	size_t i;
	test_app_new();
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct req *r = test_dispatch("POST", "/client/v4/organizations", "Bearer t",
					      cases[i].body);
		CHECK_EQ_INT(r->status, 400);
		if (!strstr(r->reply_body, cases[i].want))
			printf("# case %zu: %s\n", i, r->reply_body);
		CHECK(strstr(r->reply_body, cases[i].want) != NULL);
		req_free(r);
	}
	test_app_free();
}

int main(void)
{
	return test_main();
}
