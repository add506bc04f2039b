/* test_paging.c: src/paging.c (page tokens). */
#include "paging.h"
#include "testhelp.h"
#include "util.h"

static const unsigned char secret[16] = "0123456789abcdef";
static const unsigned char other[16] = "fedcba9876543210";

TEST("paging: a token decodes to what was encoded")
{
	int64_t last = 0;
	uint64_t scope = 0;
	char *key = NULL;
	char *t = paging_token_encode(secret, 12345, 0xdeadbeefcafef00dULL, NULL);

	CHECK_EQ_INT(strlen(t), 32);
	CHECK(paging_token_decode(secret, t, &last, &scope, &key) == 0);
	CHECK_EQ_INT(last, 12345);
	CHECK(scope == 0xdeadbeefcafef00dULL);
	CHECK(key == NULL);
	free(t);
}

TEST("paging: a token with a sort key carries it, hidden and signed")
{
	static const char *const keys[] = { "", "a", "acme", "école ünïcode 名前",
					     "exactly-16-bytes", "name, with \"quotes\" and 20%" };
	int64_t last = 0;
	uint64_t scope = 0;
	char *key = NULL;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(keys); i++) {
		char *t = paging_token_encode(secret, 77, 9, keys[i]);
		CHECK(strlen(t) > 32);
		CHECK(strlen(t) % 4 == 0);
		CHECK(strlen(keys[i]) < 4 || strstr(t, keys[i]) == NULL);
		CHECK(paging_token_decode(secret, t, &last, &scope, &key) == 0);
		CHECK_EQ_INT(last, 77);
		CHECK(scope == 9);
		CHECK_EQ_STR(key, keys[i]);
		free(key);
		key = NULL;
		/* any change to any byte is refused */
		t[strlen(t) - 2] = t[strlen(t) - 2] == 'A' ? 'B' : 'A';
		CHECK(paging_token_decode(secret, t, &last, &scope, &key) < 0);
		CHECK(key == NULL);
		CHECK(paging_token_decode(other, t, &last, &scope, &key) < 0);
		free(t);
	}
}

TEST("paging: a token does not show its cursor in clear")
{
	char *a = paging_token_encode(secret, 1, 7, NULL), *b = paging_token_encode(secret, 2, 7, NULL);
	CHECK(strncmp(a, "AAAAAAAAAA", 10) != 0);
	CHECK(strncmp(a, b, 8) != 0);
	free(a);
	free(b);
}

TEST("paging: tampered, foreign and malformed tokens are refused")
{
	int64_t last;
	uint64_t scope;
	char *key = NULL;
	char *t = paging_token_encode(secret, 99, 5, NULL);

	CHECK(paging_token_decode(other, t, &last, &scope, &key) < 0);
	t[3] = t[3] == 'A' ? 'B' : 'A';
	CHECK(paging_token_decode(secret, t, &last, &scope, &key) < 0);
	CHECK(paging_token_decode(secret, "", &last, &scope, &key) < 0);
	CHECK(paging_token_decode(secret, "not-a-token", &last, &scope, &key) < 0);
	CHECK(paging_token_decode(secret, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", &last, &scope, &key) < 0);
	free(t);
}

int main(void)
{
	return test_main();
}
