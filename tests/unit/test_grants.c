/* test_grants.c: src/grants.c, token policies read, compiled and checked,
 * and the request_ip condition. */
#include <stdlib.h>
#include <string.h>

#include "grants.h"
#include "testhelp.h"
#include "util.h"

#define A1 "11111111111111111111111111111111"
#define A2 "22222222222222222222222222222222"
#define U1 "99999999999999999999999999999999"
#define READ "c1fde68c7bcc44588cbb6ddbc16d6480"
#define WRITE "1af1fa2adc104452b74a9a3364202f20"

struct compiled {
	unsigned char *blob;
	size_t len;
	cJSON *json;
};

/* Compiles @text (a JSON array of policies) for user U1, or account A1. */
static int compile(const char *text, int account_owned, struct compiled *c,
		   struct grants_error *e)
{
	cJSON *p = cJSON_Parse(text);
	struct grants_owner o = { account_owned, account_owned ? A1 : U1 };
	int rc = grants_parse(p, "/policies", &o, 0, &c->json, &c->blob, &c->len, e);

	cJSON_Delete(p);
	return rc;
}

static void release(struct compiled *c)
{
	free(c->blob);
	cJSON_Delete(c->json);
}

static int holds(const struct compiled *c, const char *account, const char *group)
{
	struct group_set want = { { 0, 0 } }, held = grants_on_account(c->blob, c->len, account);
	const char *name = token_groups[token_group_index(group)].name;

	want = group_set_of_names(name);
	return group_set_meets(held, want);
}

TEST("grants: the catalogue has distinct ids and names, all 32-hex")
{
	size_t i, j;

	CHECK(token_groups_count <= GRANTS_MAX_GROUPS);
	for (i = 0; i < token_groups_count; i++) {
		CHECK(is_hex_id(token_groups[i].id));
		CHECK_EQ_INT(token_group_index(token_groups[i].id), (int)i);
		for (j = 0; j < i; j++)
			CHECK(strcmp(token_groups[i].name, token_groups[j].name) != 0);
	}
	CHECK_EQ_INT(token_group_index("00000000000000000000000000000000"), -1);
}

TEST("grants: allow on one account, wildcard, and deny wins group by group")
{
	struct compiled c;
	struct grants_error e;
	struct account_scope s;

	CHECK_EQ_INT(compile("[{\"effect\":\"allow\",\"permission_groups\":[{\"id\":\"" READ "\"},"
			     "{\"id\":\"" WRITE "\"}],\"resources\":{\"com.cloudflare.api.account.*\":\"*\"}},"
			     "{\"effect\":\"deny\",\"permission_groups\":[{\"id\":\"" WRITE "\"}],"
			     "\"resources\":{\"com.cloudflare.api.account." A2 "\":\"*\"}}]",
			     0, &c, &e), 0);
	CHECK(holds(&c, A1, READ) && holds(&c, A1, WRITE));
	CHECK(holds(&c, A2, READ) && !holds(&c, A2, WRITE));
	CHECK(holds(&c, NULL, WRITE));
	CHECK(group_set_empty(grants_on_user(c.blob, c.len)));
	grants_account_scope(c.blob, c.len, &s);
	/* A2 keeps READ: nothing is left out of the list */
	CHECK(s.all && grants_scope_has(&s, A1) && grants_scope_has(&s, A2));
	grants_account_scope_free(&s);
	CHECK_EQ_STR(cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(
			     cJSON_GetArrayItem(c.json, 0), "permission_groups"), 0), "name")->valuestring,
		     "Account Settings Read");
	release(&c);
}

TEST("grants: a narrow token is within a wide one, not the other way")
{
	struct compiled wide, narrow;
	struct grants_error e;

	CHECK_EQ_INT(compile("[{\"effect\":\"allow\",\"permission_groups\":[{\"id\":\"" READ "\"}],"
			     "\"resources\":{\"com.cloudflare.api.account.*\":\"*\"}}]", 0, &wide, &e), 0);
	CHECK_EQ_INT(compile("[{\"effect\":\"allow\",\"permission_groups\":[{\"id\":\"" READ "\"}],"
			     "\"resources\":{\"com.cloudflare.api.account." A1 "\":\"*\"}}]", 0, &narrow,
			     &e), 0);
	CHECK(grants_within(narrow.blob, narrow.len, wide.blob, wide.len));
	CHECK(!grants_within(wide.blob, wide.len, narrow.blob, narrow.len));
	release(&wide);
	release(&narrow);
}

TEST("grants: refusals name the field")
{
	static const struct {
		const char *text;
		int account_owned;
		const char *pointer;
	} cases[] = {
		{ "[]", 0, "/policies" },
		{ "[{\"effect\":\"x\"}]", 0, "/policies/0/effect" },
		{ "[{\"effect\":\"allow\",\"permission_groups\":[{\"id\":\"" A1 "\"}],"
		  "\"resources\":{\"com.cloudflare.api.account.*\":\"*\"}}]", 0,
		  "/policies/0/permission_groups/0/id" },
		{ "[{\"effect\":\"allow\",\"permission_groups\":[{\"id\":\"" READ "\"}],"
		  "\"resources\":{\"com.cloudflare.api.account." A2 "\":\"*\"}}]", 1,
		  "/policies/0/resources/com.cloudflare.api.account." A2 },
		{ "[{\"effect\":\"allow\",\"permission_groups\":[{\"id\":\"" READ "\"}],"
		  "\"resources\":{\"com.cloudflare.api.user." A1 "\":\"*\"}}]", 0,
		  "/policies/0/resources/com.cloudflare.api.user." A1 },
		{ "[{\"effect\":\"allow\",\"permission_groups\":[{\"id\":\"" READ "\"}],"
		  "\"resources\":{\"com.cloudflare.api.account." A1 "\":{\"x\":\"*\"}}}]", 0,
		  "/policies/0/resources/com.cloudflare.api.account." A1 "/x" },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct compiled c;
		struct grants_error e;

		memset(&c, 0, sizeof(c));
		CHECK_EQ_INT(compile(cases[i].text, cases[i].account_owned, &c, &e), -1);
		CHECK_EQ_STR(e.pointer, cases[i].pointer);
		CHECK(c.blob == NULL && c.json == NULL);
	}
}

TEST("grants: request_ip in and not_in, IPv4, IPv6 and mapped addresses")
{
	CHECK(grants_ip_allowed("127.0.0.1", NULL, NULL));
	CHECK(grants_ip_allowed("10.1.2.3", "10.0.0.0/8", NULL));
	CHECK(!grants_ip_allowed("11.1.2.3", "10.0.0.0/8", NULL));
	CHECK(!grants_ip_allowed("10.1.2.3", "10.0.0.0/8", "10.1.0.0/16"));
	CHECK(grants_ip_allowed("10.2.2.3", "10.0.0.0/8", "10.1.0.0/16"));
	CHECK(grants_ip_allowed("2606:4700::1", "2606:4700::/32", NULL));
	CHECK(!grants_ip_allowed("2606:4701::1", "2606:4700::/32", NULL));
	CHECK(grants_ip_allowed("::ffff:10.0.0.1", "10.0.0.0/8", NULL));
	CHECK(grants_ip_allowed("10.0.0.7", "10.0.0.7", NULL));
	CHECK(!grants_ip_allowed("-", "10.0.0.0/8", NULL));
	CHECK(grants_ip_allowed("192.0.2.1", "0.0.0.0/0", NULL));
}

int main(void)
{
	return test_main();
}
