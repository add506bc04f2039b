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
	char *t = paging_token_encode(secret, 12345, 0xdeadbeefcafef00dULL);

	CHECK_EQ_INT(strlen(t), 32);
	CHECK(paging_token_decode(secret, t, &last, &scope) == 0);
	CHECK_EQ_INT(last, 12345);
	CHECK(scope == 0xdeadbeefcafef00dULL);
	free(t);
}

TEST("paging: a token does not show its cursor in clear")
{
	char *a = paging_token_encode(secret, 1, 7), *b = paging_token_encode(secret, 2, 7);
	CHECK(strncmp(a, "AAAAAAAAAA", 10) != 0);
	CHECK(strncmp(a, b, 8) != 0);
	free(a);
	free(b);
}

TEST("paging: tampered, foreign and malformed tokens are refused")
{
	int64_t last;
	uint64_t scope;
	char *t = paging_token_encode(secret, 99, 5);

	CHECK(paging_token_decode(other, t, &last, &scope) < 0);
	t[3] = t[3] == 'A' ? 'B' : 'A';
	CHECK(paging_token_decode(secret, t, &last, &scope) < 0);
	CHECK(paging_token_decode(secret, "", &last, &scope) < 0);
	CHECK(paging_token_decode(secret, "not-a-token", &last, &scope) < 0);
	CHECK(paging_token_decode(secret, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", &last, &scope) < 0);
	free(t);
}

int main(void)
{
	return test_main();
}
