/* main.c: flags -> database -> fixtures -> server -> wait for SIGTERM or
 * SIGINT -> graceful stop. No API logic lives here. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

#include "app.h"
#include "clock.h"
#include "config.h"
#include "fixtures.h"
#include "ids.h"
#include "server.h"
#include "store.h"
#include "util.h"

/* How long in-flight requests get to finish after SIGTERM. */
#define SHUTDOWN_GRACE_MS 10000

int main(int argc, char **argv)
{
	struct config cfg;
	struct app app;
	struct server *srv;
	sigset_t sigs;
	char *err = NULL;
	int rc, sig;

	util_init_json_hooks();
	rc = config_parse(&cfg, argc, argv, &err);
	if (rc > 0)
		return 0;
	if (rc < 0)
		die("%s", err);
	if (cfg.seeded)
		ids_seed(cfg.seed);
	if (cfg.clock_fake)
		clock_set_fake(cfg.clock_start_ms);

	/* Block the stop signals in every thread (the server's inherits the
	 * mask), and take them with sigwait() below. */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);

	app.cfg = &cfg;
	app.start_ms = app_monotonic_ms();
	app.store = store_open(cfg.db_path, &err);
	if (!app.store)
		die("%s", err);
	if (cfg.fixtures) {
		if (store_is_empty(app.store)) {
			if (fixtures_load(app.store, cfg.fixtures, &err) < 0) {
				store_close(app.store);
				die("%s", err);
			}
		} else {
			fprintf(stderr, "cfmock: database '%s' already holds state; fixtures '%s' not "
					"loaded\n", cfg.db_path, cfg.fixtures);
		}
	}

	srv = server_start(&app, &err);
	if (!srv) {
		store_close(app.store);
		die("%s", err);
	}
	printf("cfmock listening on http://%s:%d/client/v4\n", server_url_host(srv),
	       server_port(srv));
	fflush(stdout);

	do {
		rc = sigwait(&sigs, &sig);
	} while (rc != 0);

	server_stop(srv, SHUTDOWN_GRACE_MS);
	store_close(app.store);
	return 0;
}
