/* config.h: cfmock's settings, from the command line, else the
 * environment (CFMOCK_<FLAG>), else the defaults. */
#ifndef CFMOCK_CONFIG_H
#define CFMOCK_CONFIG_H

#include <stddef.h>
#include <stdint.h>

struct config {
	const char *bind;        /* --bind, default 127.0.0.1 */
	int port;                /* --port, default 8780; 0 picks a free one */
	const char *db_path;     /* --db, default ./cfmock.db; ":memory:" */
	const char *fixtures;    /* --fixtures FILE, or NULL */
	int seeded;              /* --seed N given: predictable ids */
	uint64_t seed;
	int clock_fake;          /* --clock TIME given: a fake clock */
	int64_t clock_start_ms;
	int auth_strict;         /* --auth strict: only the fixtures' credentials */
	const char *admin_token; /* --admin-token: the control API needs it; NULL: open */
	size_t journal_size;     /* --journal-size: requests kept, default 1000 */
	int max_snapshots;       /* --max-snapshots, default 32 */
	int log_json;            /* --log-format json */
	int healthcheck;         /* --healthcheck: ask a running cfmock, then exit */
	int access_log;          /* --access-log on|off, default on */
	size_t max_body;         /* --max-body-bytes, default 1 MiB */
	unsigned conn_timeout;   /* --conn-timeout seconds, default 30 */
	unsigned request_timeout; /* --request-timeout: a request must arrive in this, default 30 */
	unsigned max_conns;      /* --max-connections, default 512 */
};

/* Fills @c. Returns 0 to run, 1 when --help or --version printed what was
 * asked (exit 0), -1 on a bad flag or value (*err says which; caller frees). */
int config_parse(struct config *c, int argc, char **argv, char **err);

#endif
