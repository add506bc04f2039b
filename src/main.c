/* main.c: flags -> database -> fixtures -> server -> wait for SIGTERM or
 * SIGINT -> graceful stop. No API logic lives here. */
#include <arpa/inet.h>
#include <errno.h>
#include <malloc.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "app.h"
#include "clock.h"
#include "config.h"
#include "faults.h"
#include "fixtures.h"
#include "ids.h"
#include "journal.h"
#include "router.h"
#include "server.h"
#include "store.h"
#include "util.h"

/* How long in-flight requests get to finish after SIGTERM. */
#define SHUTDOWN_GRACE_MS 10000
/* Request and response bodies kept per journal entry. */
#define JOURNAL_BODY_MAX (64 * 1024)

/* --healthcheck: asks the cfmock listening on this host's --port for
 * /_cfmock/health (the Docker HEALTHCHECK, which has no curl). 0 if it
 * answered 200. */
static int healthcheck(const struct config *cfg)
{
	/* a wildcard bind is reached on loopback */
	const char *host = strcmp(cfg->bind, "0.0.0.0") == 0 ? "127.0.0.1" :
			   strcmp(cfg->bind, "::") == 0	      ? "::1" :
								cfg->bind;
	struct addrinfo hints, *res = NULL, *ai;
	struct timeval tv = { 5, 0 };
	char port[16], buf[64];
	int fd = -1, ok = 0;
	ssize_t n;

	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	snprintf(port, sizeof(port), "%d", cfg->port);
	if (getaddrinfo(host, port, &hints, &res) != 0) {
		fprintf(stderr, "cfmock: healthcheck: cannot resolve '%s'\n", host);
		return 1;
	}
	for (ai = res; ai && fd < 0; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
		if (fd < 0)
			continue;
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) < 0) {
			close(fd);
			fd = -1;
		}
	}
	freeaddrinfo(res);
	if (fd < 0) {
		fprintf(stderr, "cfmock: healthcheck: nothing listens on %s:%d\n", host, cfg->port);
		return 1;
	}
	snprintf(buf, sizeof(buf), "GET /_cfmock/health HTTP/1.0\r\n\r\n");
	if (write(fd, buf, strlen(buf)) == (ssize_t)strlen(buf) &&
	    (n = read(fd, buf, sizeof(buf) - 1)) > 0) {
		buf[n] = '\0';
		ok = strncmp(buf, "HTTP/1.", 7) == 0 && strncmp(buf + 8, " 200 ", 5) == 0;
	}
	close(fd);
	printf("cfmock on %s:%d is %s\n", host, cfg->port, ok ? "healthy" : "not healthy");
	return ok ? 0 : 1;
}

/* Reads the fixtures file whole, for loading now and again on reset. */
static char *read_file(const char *path, size_t *out_len, char **err)
{
	FILE *f = fopen(path, "rb");
	struct strbuf sb = STRBUF_INIT;
	char chunk[65536];
	size_t n;

	if (!f) {
		*err = xasprintf("cannot read fixtures '%s': %s", path, strerror(errno));
		return NULL;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		strbuf_add(&sb, chunk, n);
	if (ferror(f)) {
		*err = xasprintf("cannot read fixtures '%s': %s", path, strerror(errno));
		fclose(f);
		strbuf_release(&sb);
		return NULL;
	}
	fclose(f);
	strbuf_adds(&sb, "");
	return strbuf_detach(&sb, out_len);
}

int main(int argc, char **argv)
{
	struct config cfg;
	struct app app;
	struct server *srv;
	sigset_t sigs;
	char *err = NULL;
	int rc, sig;

	util_init_json_hooks();
	/* glibc gives freed memory back to the kernel as soon as the top of
	 * a heap is free, and the next request faults it in again: measured,
	 * that was a sixth of a write's cost (madvise and TLB shootdowns) */
	mallopt(M_TRIM_THRESHOLD, 64 * 1024 * 1024);
	rc = config_parse(&cfg, argc, argv, &err);
	if (rc > 0)
		return 0;
	if (rc < 0)
		die("%s", err);
	if (cfg.healthcheck)
		return healthcheck(&cfg);
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
	/* a write past a file-size limit (ulimit -f) fails with EFBIG, and
	 * SQLite's error answers 500 / 1099 as on a full disk, instead of
	 * the signal killing the server */
	signal(SIGXFSZ, SIG_IGN);

	memset(&app, 0, sizeof(app));
	app.cfg = &cfg;
	app.start_ms = app_monotonic_ms();
	if (cfg.fixtures && !(app.fixtures_text = read_file(cfg.fixtures, &app.fixtures_len, &err)))
		die("%s", err);
	app.store = store_open(cfg.db_path, &err);
	if (!app.store)
		die("%s", err);
	if (app.fixtures_text) {
		if (store_is_empty(app.store)) {
			if (fixtures_load_text(app.store, app.fixtures_text, app.fixtures_len, &err) <
			    0) {
				store_close(app.store);
				die("%s: %s", cfg.fixtures, err);
			}
		} else {
			fprintf(stderr, "cfmock: database '%s' already holds state; fixtures '%s' not "
					"loaded\n", cfg.db_path, cfg.fixtures);
		}
	}

	app.journal = journal_new(cfg.journal_size, JOURNAL_BODY_MAX);
	app.faults = faults_new(cfg.seeded ? cfg.seed : (uint64_t)app_monotonic_ms());
	app.dispatch = router_dispatch;
	srv = server_start(&app, &err);
	if (!srv) {
		store_close(app.store);
		die("%s", err);
	}
	printf("cfmock listening on http://%s:%d/client/v4\n", server_url_host(srv),
	       server_port(srv));
	printf("cfmock dashboard at http://%s:%d/_cfmock/ui\n", server_url_host(srv),
	       server_port(srv));
	fflush(stdout);

	do {
		rc = sigwait(&sigs, &sig);
	} while (rc != 0);

	server_stop(srv, SHUTDOWN_GRACE_MS);
	store_close(app.store);
	journal_free(app.journal);
	faults_free(app.faults);
	free(app.fixtures_text);
	return 0;
}
