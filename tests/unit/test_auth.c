/* test_auth.c: src/auth.c, reading credentials from headers. */
#include "auth.h"
#include "testhelp.h"
#include "util.h"

static int parse(struct req *r, struct credential *c, enum err *top, enum err *chain, int *n)
{
	return auth_parse(r, c, top, chain, n);
}

TEST("auth: nothing at all is 9106")
{
	struct req r = { 0 };
	struct credential c;
	enum err top, chain[3];
	int n;
	CHECK(parse(&r, &c, &top, chain, &n) < 0);
	CHECK_EQ_INT(top, ERR_MISSING_AUTH);
}

TEST("auth: a bearer token is the credential")
{
	struct req r = { 0 };
	struct credential c;
	enum err top, chain[3];
	int n;
	r.h_authorization = "Bearer abc-DEF_123.x~y+z/w==";
	CHECK(parse(&r, &c, &top, chain, &n) == 0);
	CHECK_EQ_INT(c.kind, CRED_TOKEN);
	CHECK_EQ_STR(c.secret, "abc-DEF_123.x~y+z/w==");
	r.h_authorization = "bearer  lower";
	CHECK(parse(&r, &c, &top, chain, &n) == 0);
	CHECK_EQ_STR(c.secret, "lower");
}

TEST("auth: an empty or odd Authorization header is 6003 / 6111")
{
	static const char *const bad[] = { "Bearer ", "Bearer", "Basic dXNlcjpwYXNz", "Bearer a b",
					   "Bearer =abc", "token" };
	struct req r = { 0 };
	struct credential c;
	enum err top, chain[3];
	size_t i;
	int n;
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		r.h_authorization = bad[i];
		CHECK(parse(&r, &c, &top, chain, &n) < 0);
		CHECK_EQ_INT(top, ERR_INVALID_HEADERS);
		CHECK_EQ_INT(n, 1);
		CHECK_EQ_INT(chain[0], ERR_BAD_AUTHZ_HEADER);
	}
}

TEST("auth: email + key, with 32- and 37-hex keys")
{
	struct req r = { 0 };
	struct credential c;
	enum err top, chain[3];
	int n;
	r.h_auth_email = "user@example.com";
	r.h_auth_key = "144c9defac04969c7bfad8efaa8ea194";
	CHECK(parse(&r, &c, &top, chain, &n) == 0);
	CHECK_EQ_INT(c.kind, CRED_KEY);
	CHECK_EQ_STR(c.email, "user@example.com");
	r.h_auth_key = "144c9defac04969c7bfad8efaa8ea194abcde";
	CHECK(parse(&r, &c, &top, chain, &n) == 0);
}

TEST("auth: a token in X-Auth-Key is 6003 / 6103; a bad email adds 6102")
{
	struct req r = { 0 };
	struct credential c;
	enum err top, chain[3];
	int n;
	r.h_auth_email = "user@example.com";
	r.h_auth_key = "Zb1x-ThisIsAnApiTokenNotAKey_0123456789";
	CHECK(parse(&r, &c, &top, chain, &n) < 0);
	CHECK_EQ_INT(top, ERR_INVALID_HEADERS);
	CHECK_EQ_INT(n, 1);
	CHECK_EQ_INT(chain[0], ERR_BAD_KEY_HEADER);
	r.h_auth_email = "not-an-email";
	CHECK(parse(&r, &c, &top, chain, &n) < 0);
	CHECK_EQ_INT(n, 2);
	CHECK_EQ_INT(chain[0], ERR_BAD_EMAIL_HEADER);
	CHECK_EQ_INT(chain[1], ERR_BAD_KEY_HEADER);
	r.h_auth_key = "144C9DEFAC04969C7BFAD8EFAA8EA194"; /* uppercase is not accepted */
	r.h_auth_email = "user@example.com";
	CHECK(parse(&r, &c, &top, chain, &n) < 0);
	CHECK_EQ_INT(chain[0], ERR_BAD_KEY_HEADER);
}

TEST("auth: one of email or key alone is 9106")
{
	struct req r = { 0 };
	struct credential c;
	enum err top, chain[3];
	int n;
	r.h_auth_email = "user@example.com";
	CHECK(parse(&r, &c, &top, chain, &n) < 0);
	CHECK_EQ_INT(top, ERR_MISSING_AUTH);
	r.h_auth_email = NULL;
	r.h_auth_key = "144c9defac04969c7bfad8efaa8ea194";
	CHECK(parse(&r, &c, &top, chain, &n) < 0);
	CHECK_EQ_INT(top, ERR_MISSING_AUTH);
}

TEST("auth: a user service key is the credential; an empty one is 6104")
{
	struct req r = { 0 };
	struct credential c;
	enum err top, chain[3];
	int n;
	r.h_service_key = "v1.0-abcdef-0123";
	CHECK(parse(&r, &c, &top, chain, &n) == 0);
	CHECK_EQ_INT(c.kind, CRED_SERVICE_KEY);
	r.h_service_key = "";
	CHECK(parse(&r, &c, &top, chain, &n) < 0);
	CHECK_EQ_INT(chain[0], ERR_BAD_SERVICE_KEY);
}

TEST("auth: Authorization wins over the other schemes")
{
	struct req r = { 0 };
	struct credential c;
	enum err top, chain[3];
	int n;
	r.h_authorization = "Bearer t";
	r.h_auth_email = "x@y.z";
	r.h_auth_key = "bad";
	CHECK(parse(&r, &c, &top, chain, &n) == 0);
	CHECK_EQ_INT(c.kind, CRED_TOKEN);
}

int main(void)
{
	return test_main();
}
