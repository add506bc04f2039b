/* test_faults.c: src/faults.c, fault rules and their matching. */
#include "faults.h"
#include "testhelp.h"
#include "util.h"

static cJSON *add(struct faults *f, const char *json, const char **ptr)
{
	cJSON *spec = cJSON_Parse(json), *rule;
	char *msg = NULL;

	rule = faults_add(f, spec, ptr, &msg);
	free(msg);
	cJSON_Delete(spec);
	return rule;
}

static struct req make(const char *method, const char *path, const char *authz)
{
	struct req r;
	memset(&r, 0, sizeof(r));
	r.method = method;
	r.path = path;
	r.h_authorization = authz;
	return r;
}

TEST("faults: method, path glob and credential must all match; times counts down")
{
	struct faults *f = faults_new(1);
	struct fault_action a;
	struct req r;
	const char *ptr;
	cJSON *rule = add(f, "{\"method\":\"GET\",\"path\":\"/client/v4/accounts/*\","
			     "\"credential\":\"tok\",\"times\":2,"
			     "\"action\":{\"type\":\"error\",\"status\":503,\"code\":2001}}", &ptr);

	CHECK(rule != NULL);
	cJSON_Delete(rule);
	r = make("GET", "/client/v4/accounts/abc", "Bearer tok");
	CHECK(faults_match(f, &r, &a) == 1);
	CHECK_EQ_INT(a.status, 503);
	CHECK_EQ_INT(a.code, 2001);
	r = make("POST", "/client/v4/accounts/abc", "Bearer tok");
	CHECK(faults_match(f, &r, &a) == 0);
	r = make("GET", "/client/v4/accounts/abc", "Bearer other");
	CHECK(faults_match(f, &r, &a) == 0);
	r = make("GET", "/client/v4/organizations", "Bearer tok");
	CHECK(faults_match(f, &r, &a) == 0);
	r = make("GET", "/_cfmock/requests", "Bearer tok");
	CHECK(faults_match(f, &r, &a) == 0);
	r = make("GET", "/client/v4/accounts/abc", "Bearer tok");
	CHECK(faults_match(f, &r, &a) == 1);
	CHECK(faults_match(f, &r, &a) == 0); /* spent */
	faults_free(f);
}

TEST("faults: bad rules name the field")
{
	static const struct {
		const char *json, *pointer;
	} cases[] = {
		{ "{}", "/path" },
		{ "{\"path\":\"x\",\"action\":{\"type\":\"drop\"}}", "/path" },
		{ "{\"path\":\"/a\"}", "/action" },
		{ "{\"path\":\"/a\",\"action\":{\"type\":\"boom\"}}", "/action/type" },
		{ "{\"path\":\"/a\",\"action\":{\"type\":\"error\"}}", "/action/status" },
		{ "{\"path\":\"/a\",\"action\":{\"type\":\"error\",\"status\":200}}", "/action/status" },
		{ "{\"path\":\"/a\",\"action\":{\"type\":\"latency\"}}", "/action/ms" },
		{ "{\"path\":\"/a\",\"times\":0,\"action\":{\"type\":\"drop\"}}", "/times" },
		{ "{\"path\":\"/a\",\"probability\":2,\"action\":{\"type\":\"drop\"}}", "/probability" },
		{ "{\"path\":\"/a\",\"method\":\"G T\",\"action\":{\"type\":\"drop\"}}", "/method" },
	};
	struct faults *f = faults_new(1);
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		const char *ptr = NULL;
		cJSON *rule = add(f, cases[i].json, &ptr);
		CHECK(rule == NULL);
		if (ptr && strcmp(ptr, cases[i].pointer) != 0)
			printf("# case %zu: pointer %s\n", i, ptr);
		CHECK(ptr && strcmp(ptr, cases[i].pointer) == 0);
		cJSON_Delete(rule);
	}
	faults_free(f);
}

TEST("faults: probability 0 never fires; a seed gives the same rolls")
{
	struct faults *a = faults_new(42), *b = faults_new(42);
	struct fault_action fa;
	struct req r = make("GET", "/client/v4/user", NULL);
	const char *ptr;
	int i, hits_a = 0, same = 1;

	cJSON_Delete(add(a, "{\"path\":\"/user\",\"probability\":0.5,\"action\":{\"type\":\"drop\"}}",
			 &ptr));
	cJSON_Delete(add(b, "{\"path\":\"/user\",\"probability\":0.5,\"action\":{\"type\":\"drop\"}}",
			 &ptr));
	for (i = 0; i < 200; i++) {
		int x = faults_match(a, &r, &fa), y = faults_match(b, &r, &fa);
		hits_a += x;
		same &= x == y;
	}
	CHECK(same);
	CHECK(hits_a > 50 && hits_a < 150);
	faults_clear(a);
	cJSON_Delete(add(a, "{\"path\":\"*\",\"probability\":0,\"action\":{\"type\":\"drop\"}}", &ptr));
	for (i = 0; i < 100; i++)
		CHECK(faults_match(a, &r, &fa) == 0);
	faults_free(a);
	faults_free(b);
}

int main(void)
{
	return test_main();
}
