/* test_clock.c: src/clock.c (RFC 3339 with milliseconds, the fake clock). */
#include "clock.h"
#include "testhelp.h"
#include "util.h"

TEST("clock: format is RFC 3339 UTC with milliseconds")
{
	char buf[CLOCK_RFC3339_LEN + 1];
	clock_format(1577470279117LL, buf);
	CHECK_EQ_STR(buf, "2019-12-27T18:11:19.117Z");
	clock_format(0, buf);
	CHECK_EQ_STR(buf, "1970-01-01T00:00:00.000Z");
}

TEST("clock: parse round-trips and refuses other shapes")
{
	int64_t ms = 0;
	CHECK(clock_parse("2019-12-27T18:11:19.117Z", &ms) == 0);
	CHECK_EQ_INT(ms, 1577470279117LL);
	CHECK(clock_parse("2026-01-01T00:00:00Z", &ms) == 0);
	CHECK_EQ_INT(ms, 1767225600000LL);
	CHECK(clock_parse("2014-03-01T12:21:02.0000Z", &ms) == 0);
	CHECK_EQ_INT(ms % 1000, 0);
	CHECK(clock_parse("2026-01-01 00:00:00Z", &ms) < 0);
	CHECK(clock_parse("2026-01-01T00:00:00", &ms) < 0);
	CHECK(clock_parse("2026-13-01T00:00:00Z", &ms) < 0);
	CHECK(clock_parse("2026-01-01T00:00:00.Z", &ms) < 0);
	CHECK(clock_parse("2026-01-01T00:00:00+01:00", &ms) < 0);
	/* a real date: timegm() would have made this 3 March */
	CHECK(clock_parse("2026-02-31T00:00:00Z", &ms) < 0);
	CHECK(clock_parse("2030-05-06T07:08:09.5Z", &ms) == 0);
	CHECK_EQ_INT(ms % 1000, 500);
}

TEST("clock: the fake clock starts where told and ticks 1 ms a reading")
{
	char a[CLOCK_RFC3339_LEN + 1], b[CLOCK_RFC3339_LEN + 1];
	clock_set_fake(1767225600000LL);
	clock_now(a);
	clock_now(b);
	CHECK_EQ_STR(a, "2026-01-01T00:00:00.000Z");
	CHECK_EQ_STR(b, "2026-01-01T00:00:00.001Z");
}

int main(void)
{
	return test_main();
}
