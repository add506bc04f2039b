/* clock.c: see clock.h. */
#include "clock.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "rules.h"
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
	/* the one timestamp reader (rules.c), in its --clock form */
	return rules_clock_start(s, out_ms) ? -1 : 0;
}
