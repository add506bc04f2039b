/* app.c: the little that belongs to struct app itself. */
#include "app.h"

#include <time.h>

int64_t app_monotonic_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t app_uptime_ms(const struct app *app)
{
	return app_monotonic_ms() - app->start_ms;
}
