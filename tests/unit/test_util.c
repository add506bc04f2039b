/* test_util.c: src/util.c (strings, UTF-8, integers, ids shape). */
#include "testhelp.h"
#include "util.h"

TEST("util: strbuf grows and detaches")
{
	struct strbuf sb = STRBUF_INIT;
	size_t len;
	char *s;
	int i;

	for (i = 0; i < 1000; i++)
		strbuf_addf(&sb, "%d,", i % 10);
	s = strbuf_detach(&sb, &len);
	CHECK_EQ_INT(len, 2000);
	CHECK(strncmp(s, "0,1,2,", 6) == 0);
	CHECK(sb.buf == NULL && sb.len == 0);
	free(s);
	s = strbuf_detach(&sb, &len);
	CHECK_EQ_STR(s, "");
	CHECK_EQ_INT(len, 0);
	free(s);
}

TEST("util: is_hex_id takes exactly 32 lowercase hex characters")
{
	CHECK(is_hex_id("023e105f4ecef8ad9ca31a8372d0c353"));
	CHECK(!is_hex_id("023E105F4ECEF8AD9CA31A8372D0C353"));
	CHECK(!is_hex_id("023e105f4ecef8ad9ca31a8372d0c35"));
	CHECK(!is_hex_id("023e105f4ecef8ad9ca31a8372d0c3533"));
	CHECK(!is_hex_id("a7b9c3d2e8f4g1h5i6j0k9l2m3n7o4p8"));
	CHECK(!is_hex_id(""));
	CHECK(!is_hex_id(NULL));
}

TEST("util: utf8_valid accepts UTF-8 and refuses the rest")
{
	CHECK(utf8_valid("plain", 5));
	CHECK(utf8_valid("caf\xc3\xa9", 5));
	CHECK(utf8_valid("\xe2\x82\xac", 3));
	CHECK(utf8_valid("\xf0\x9f\x98\x80", 4));
	CHECK(!utf8_valid("\xc3", 1));              /* truncated */
	CHECK(!utf8_valid("\xc0\xaf", 2));          /* overlong */
	CHECK(!utf8_valid("\xe0\x80\xaf", 3));      /* overlong */
	CHECK(!utf8_valid("\xed\xa0\x80", 3));      /* surrogate */
	CHECK(!utf8_valid("\xf4\x90\x80\x80", 4));  /* above U+10FFFF */
	CHECK(!utf8_valid("\xff", 1));
	CHECK(!utf8_valid("a\x80", 2));
}

static int repaired_is(const char *in, size_t len, const char *want)
{
	char *s = xstrndup(in, len);
	size_t n = len;
	int ok;

	s = utf8_repair(s, &n);
	ok = n == strlen(want) && memcmp(s, want, n) == 0 && s[n] == '\0';
	free(s);
	return ok;
}

TEST("util: utf8_repair keeps UTF-8 and shows each stray byte as U+FFFD")
{
	CHECK(repaired_is("plain", 5, "plain"));
	CHECK(repaired_is("caf\xc3\xa9", 5, "caf\xc3\xa9"));
	CHECK(repaired_is("a\xff" "b", 3, "a\xef\xbf\xbd" "b"));
	CHECK(repaired_is("\xc3", 1, "\xef\xbf\xbd"));                          /* truncated */
	CHECK(repaired_is("\xc0\xaf", 2, "\xef\xbf\xbd\xef\xbf\xbd"));          /* overlong */
	CHECK(repaired_is("\xed\xa0\x80", 3,
			  "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"));               /* surrogate */
	CHECK(repaired_is("x\xe2\x82\xac\x80" "y", 6, "x\xe2\x82\xac\xef\xbf\xbd" "y"));
	/* a run of ASCII longer than a word, then a stray byte */
	CHECK(repaired_is("0123456789abcdef\xfe", 17, "0123456789abcdef\xef\xbf\xbd"));
	CHECK(repaired_is("", 0, ""));
}

TEST("util: parse_int64 takes whole numbers in range only")
{
	int64_t v = 0;
	CHECK(parse_int64("42", 0, 100, &v) == 0 && v == 42);
	CHECK(parse_int64("0", 0, 100, &v) == 0 && v == 0);
	CHECK(parse_int64("101", 0, 100, &v) < 0);
	CHECK(parse_int64("-1", 0, 100, &v) < 0);
	CHECK(parse_int64("4x", 0, 100, &v) < 0);
	CHECK(parse_int64(" 4", 0, 100, &v) < 0);
	CHECK(parse_int64("", 0, 100, &v) < 0);
	CHECK(parse_int64("99999999999999999999999", 0, INT64_MAX, &v) < 0);
}

TEST("util: utf8_lower folds Unicode and keeps bytes that are not UTF-8")
{
	size_t len;
	char *s = utf8_lower("\xc3\x89LAN \xc3\x96" "d\xc3\xb6" "n ABC", 16, &len);
	CHECK_EQ_STR(s, "\xc3\xa9lan \xc3\xb6" "d\xc3\xb6" "n abc");
	CHECK_EQ_INT(len, 16);
	free(s);
	s = utf8_lower("A\xff" "B", 3, &len);
	CHECK_EQ_STR(s, "a\xff" "b");
	free(s);
}

int main(void)
{
	return test_main();
}
