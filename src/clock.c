/* clock.c: see clock.h. */
#include "clock.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "util.h"

static int fake_on;
static int64_t fake_ms;

void clock_set_fake(int64_t start_ms)
{
	fake_on = 1;
	fake_ms = start_ms;
}

int64_t clock_now_ms(void)
{
	struct timespec ts;

	if (fake_on)
		return fake_ms++;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void clock_format(int64_t ms, char *out)
{
	time_t secs = (time_t)(ms / 1000);
	struct tm tm;

	char buf[64];

	gmtime_r(&secs, &tm);
	snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
		 (tm.tm_year + 1900) % 10000, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		 tm.tm_min, tm.tm_sec, (int)(ms % 1000));
	memcpy(out, buf, CLOCK_RFC3339_LEN);
	out[CLOCK_RFC3339_LEN] = '\0';
}

void clock_now(char *out)
{
	clock_format(clock_now_ms(), out);
}

int clock_parse(const char *s, int64_t *out_ms)
{
	int y, mo, d, h, mi, sec, ms = 0, n = 0;
	struct tm tm;
	time_t t;

	if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &sec, &n) != 6 ||
	    n != 19)
		return -1;
	s += n;
	if (*s == '.') {
		int digits = 0;
		for (s++; *s >= '0' && *s <= '9'; s++, digits++)
			if (digits < 3)
				ms = ms * 10 + (*s - '0');
		if (digits == 0)
			return -1;
		for (; digits < 3; digits++)
			ms *= 10;
	}
	if (strcmp(s, "Z") != 0 || y < 1970 || mo < 1 || mo > 12 || d < 1 || d > 31 ||
	    h > 23 || mi > 59 || sec > 59)
		return -1;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	t = timegm(&tm);
	if (t == (time_t)-1)
		return -1;
	*out_ms = (int64_t)t * 1000 + ms;
	return 0;
}
