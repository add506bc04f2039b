/* clock.h: the time cfmock stamps on objects, as RFC 3339 UTC with
 * milliseconds ("2026-01-02T03:04:05.678Z").
 *
 * By default it is the wall clock. clock_set_fake() starts a fake clock at a
 * given instant that advances one millisecond per reading, so a test that
 * makes the same calls gets byte-identical timestamps, still strictly
 * increasing. Not thread-safe: cfmock reads it from the one server thread. */
#ifndef CFMOCK_CLOCK_H
#define CFMOCK_CLOCK_H

#include <stdint.h>

#define CLOCK_RFC3339_LEN 24 /* "YYYY-MM-DDTHH:MM:SS.mmmZ" */

/* Parses a timestamp that passes rules_clock_start() ("YYYY-MM-DDTHH:MM:SS
 * [.fff]Z", a real date and time of day); 0 on success, -1 otherwise. */
int clock_parse(const char *s, int64_t *out_ms);
/* Starts the fake clock at @start_ms (milliseconds since the epoch). */
void clock_set_fake(int64_t start_ms);
/* Milliseconds since the epoch (fake or real). */
int64_t clock_now_ms(void);
/* Formats @ms into @out (at least CLOCK_RFC3339_LEN + 1 bytes). */
void clock_format(int64_t ms, char *out);
/* clock_format(clock_now_ms()). */
void clock_now(char *out);

#endif
