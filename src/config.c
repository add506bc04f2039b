/* config.c: see config.h. Each flag has one row in the table below, which
 * is also the source of --help. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "util.h"

#ifndef CFMOCK_VERSION
#define CFMOCK_VERSION "unknown"
#endif

enum opt_id {
	OPT_BIND = 'b', OPT_PORT = 'p', OPT_DB = 'd', OPT_FIXTURES = 'f',
	OPT_SEED = 256, OPT_CLOCK, OPT_ACCESS_LOG, OPT_MAX_BODY, OPT_CONN_TIMEOUT,
	OPT_MAX_CONNS, OPT_AUTH, OPT_ADMIN_TOKEN, OPT_JOURNAL_SIZE,
	OPT_MAX_SNAPSHOTS, OPT_LOG_FORMAT, OPT_HEALTHCHECK, OPT_REQUEST_TIMEOUT, OPT_HELP = 'h', OPT_VERSION = 'V',
};

static const struct flag {
	const char *name;
	const char *env;
	int id;
	const char *arg;
	const char *help;
} flags[] = {
	{ "bind", "CFMOCK_BIND", OPT_BIND, "ADDR", "address to listen on (default 127.0.0.1)" },
	{ "port", "CFMOCK_PORT", OPT_PORT, "N", "port to listen on; 0 picks a free one (default 8780)" },
	{ "db", "CFMOCK_DB", OPT_DB, "PATH", "SQLite database file, or :memory: (default ./cfmock.db)" },
	{ "fixtures", "CFMOCK_FIXTURES", OPT_FIXTURES, "FILE", "JSON state loaded into an empty database at start" },
	{ "seed", "CFMOCK_SEED", OPT_SEED, "N", "make ids predictable: generate them from seed N" },
	{ "clock", "CFMOCK_CLOCK", OPT_CLOCK, "TIME", "fake clock from TIME (2026-01-01T00:00:00Z), +1 ms a reading" },
	{ "auth", "CFMOCK_AUTH", OPT_AUTH, "open|strict", "strict: only the fixtures' users and credentials exist (default open)" },
	{ "access-log", "CFMOCK_ACCESS_LOG", OPT_ACCESS_LOG, "on|off", "one line per request on stdout (default on)" },
	{ "max-body-bytes", "CFMOCK_MAX_BODY_BYTES", OPT_MAX_BODY, "N", "largest request body; larger is 413 (default 1048576)" },
	{ "conn-timeout", "CFMOCK_CONN_TIMEOUT", OPT_CONN_TIMEOUT, "SECS", "close a connection idle this long (default 30)" },
	{ "request-timeout", "CFMOCK_REQUEST_TIMEOUT", OPT_REQUEST_TIMEOUT, "SECS", "close a connection whose request (headers and body) takes longer to arrive (default 30)" },
	{ "max-connections", "CFMOCK_MAX_CONNECTIONS", OPT_MAX_CONNS, "N", "connections served at once, 16 more kept for /_cfmock (default 512)" },
	{ "admin-token", "CFMOCK_ADMIN_TOKEN", OPT_ADMIN_TOKEN, "TOKEN", "the control API (/_cfmock) needs 'Authorization: Bearer TOKEN' (default: open)" },
	{ "journal-size", "CFMOCK_JOURNAL_SIZE", OPT_JOURNAL_SIZE, "N", "requests kept for GET /_cfmock/requests; 0 keeps none (default 1000)" },
	{ "max-snapshots", "CFMOCK_MAX_SNAPSHOTS", OPT_MAX_SNAPSHOTS, "N", "snapshots kept in memory at most (default 32)" },
	{ "log-format", "CFMOCK_LOG_FORMAT", OPT_LOG_FORMAT, "text|json", "access log lines as text or one JSON object each (default text)" },
	{ "healthcheck", NULL, OPT_HEALTHCHECK, NULL, "ask the cfmock on --port of this host whether it is healthy; exit 0 if so" },
	{ "help", NULL, OPT_HELP, NULL, "print this help and exit" },
	{ "version", NULL, OPT_VERSION, NULL, "print the version and exit" },
};

static void usage(void)
{
	size_t i;

	printf("usage: cfmock [flags]\n\n"
	       "A local, stateful fake of Cloudflare's v4 Organizations and Accounts API,\n"
	       "served under http://ADDR:PORT/client/v4.\n\nflags (each also read from the "
	       "environment variable shown):\n");
	for (i = 0; i < ARRAY_SIZE(flags); i++) {
		char left[64];
		snprintf(left, sizeof(left), "--%s%s%s", flags[i].name, flags[i].arg ? " " : "",
			 flags[i].arg ? flags[i].arg : "");
		printf("  %-26s %s%s%s%s\n", left, flags[i].help, flags[i].env ? "  [$" : "",
		       flags[i].env ? flags[i].env : "", flags[i].env ? "]" : "");
	}
}

static int set(struct config *c, int id, const char *name, const char *v, char **err)
{
	int64_t n;

	switch (id) {
	case OPT_BIND:
		if (!*v)
			goto bad;
		c->bind = v;
		return 0;
	case OPT_PORT:
		if (parse_int64(v, 0, 65535, &n) < 0)
			goto bad;
		c->port = (int)n;
		return 0;
	case OPT_DB:
		if (!*v)
			goto bad;
		c->db_path = v;
		return 0;
	case OPT_FIXTURES:
		c->fixtures = *v ? v : NULL;
		return 0;
	case OPT_SEED:
		if (parse_int64(v, 0, INT64_MAX, &n) < 0)
			goto bad;
		c->seeded = 1;
		c->seed = (uint64_t)n;
		return 0;
	case OPT_CLOCK:
		if (clock_parse(v, &c->clock_start_ms) < 0)
			goto bad;
		c->clock_fake = 1;
		return 0;
	case OPT_ACCESS_LOG:
		if (strcmp(v, "on") == 0)
			c->access_log = 1;
		else if (strcmp(v, "off") == 0)
			c->access_log = 0;
		else
			goto bad;
		return 0;
	case OPT_AUTH:
		if (strcmp(v, "open") == 0)
			c->auth_strict = 0;
		else if (strcmp(v, "strict") == 0)
			c->auth_strict = 1;
		else
			goto bad;
		return 0;
	case OPT_HEALTHCHECK:
		c->healthcheck = 1;
		return 0;
	case OPT_ADMIN_TOKEN:
		if (!*v || strlen(v) > 1024)
			goto bad;
		c->admin_token = v;
		return 0;
	case OPT_JOURNAL_SIZE:
		if (parse_int64(v, 0, 1000000, &n) < 0)
			goto bad;
		c->journal_size = (size_t)n;
		return 0;
	case OPT_MAX_SNAPSHOTS:
		if (parse_int64(v, 0, 10000, &n) < 0)
			goto bad;
		c->max_snapshots = (int)n;
		return 0;
	case OPT_LOG_FORMAT:
		if (strcmp(v, "text") == 0)
			c->log_json = 0;
		else if (strcmp(v, "json") == 0)
			c->log_json = 1;
		else
			goto bad;
		return 0;
	case OPT_MAX_BODY:
		if (parse_int64(v, 1024, (int64_t)1 << 30, &n) < 0)
			goto bad;
		c->max_body = (size_t)n;
		return 0;
	case OPT_CONN_TIMEOUT:
		if (parse_int64(v, 1, 86400, &n) < 0)
			goto bad;
		c->conn_timeout = (unsigned)n;
		return 0;
	case OPT_REQUEST_TIMEOUT:
		if (parse_int64(v, 1, 86400, &n) < 0)
			goto bad;
		c->request_timeout = (unsigned)n;
		return 0;
	case OPT_MAX_CONNS:
		if (parse_int64(v, 1, 65536, &n) < 0)
			goto bad;
		c->max_conns = (unsigned)n;
		return 0;
	}
	BUG("unhandled flag %d", id);
bad:
	*err = xasprintf("invalid value '%s' for %s", v, name);
	return -1;
}

int config_parse(struct config *c, int argc, char **argv, char **err)
{
	struct option longopts[ARRAY_SIZE(flags) + 1];
	size_t i;
	int opt;

	memset(c, 0, sizeof(*c));
	c->bind = "127.0.0.1";
	c->port = 8780;
	c->db_path = "./cfmock.db";
	c->access_log = 1;
	c->journal_size = 1000;
	c->max_snapshots = 32;
	c->max_body = 1024 * 1024;
	c->conn_timeout = 30;
	c->request_timeout = 30;
	c->max_conns = 512;
	*err = NULL;

	for (i = 0; i < ARRAY_SIZE(flags); i++) {
		const char *v = flags[i].env ? getenv(flags[i].env) : NULL;
		if (v && *v) {
			char *name = xasprintf("$%s", flags[i].env);
			int rc = set(c, flags[i].id, name, v, err);
			free(name);
			if (rc < 0)
				return -1;
		}
		longopts[i].name = flags[i].name;
		longopts[i].has_arg = flags[i].arg ? required_argument : no_argument;
		longopts[i].flag = NULL;
		longopts[i].val = flags[i].id;
	}
	memset(&longopts[ARRAY_SIZE(flags)], 0, sizeof(longopts[0]));

	optind = 1;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":b:p:d:f:hV", longopts, NULL)) != -1) {
		if (opt == OPT_HELP) {
			usage();
			return 1;
		}
		if (opt == OPT_VERSION) {
			printf("cfmock %s\n", CFMOCK_VERSION);
			return 1;
		}
		if (opt == '?' || opt == ':') {
			*err = xasprintf("%s '%s' (see --help)",
					 opt == ':' ? "missing value for" : "unknown flag",
					 argv[optind - 1]);
			return -1;
		}
		for (i = 0; i < ARRAY_SIZE(flags); i++) {
			if (flags[i].id == opt) {
				char *name = xasprintf("--%s", flags[i].name);
				int rc = set(c, opt, name, optarg, err);
				free(name);
				if (rc < 0)
					return -1;
			}
		}
	}
	if (optind < argc) {
		*err = xasprintf("unexpected argument '%s' (see --help)", argv[optind]);
		return -1;
	}
	return 0;
}
