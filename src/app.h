/* app.h: what every request can reach: the store and the configuration.
 * One per process, made by main.c. */
#ifndef CFMOCK_APP_H
#define CFMOCK_APP_H

#include <stdint.h>

#include "config.h"
#include "store.h"

struct journal;
struct faults;
struct req;

struct app {
	struct store *store;
	const struct config *cfg;
	int64_t start_ms;      /* monotonic clock at start, for uptime */
	struct journal *journal; /* GET /_cfmock/requests */
	struct faults *faults;   /* /_cfmock/faults */
	char *fixtures_text;     /* the fixtures given at start (for reset), or NULL */
	size_t fixtures_len;
	/* router_dispatch(), set by main.c: GET /_cfmock/as/{user_id}
	 * answers a request inside its own (handlers sit below the router) */
	void (*dispatch)(struct req *r);
};

/* The monotonic clock, in milliseconds. */
int64_t app_monotonic_ms(void);
/* Milliseconds since the server started. */
int64_t app_uptime_ms(const struct app *app);

#endif
