/* journal.h: the request journal behind GET /_cfmock/requests: the last N
 * requests to the Cloudflare API (not to /_cfmock), newest first, each
 * with its answer, so a test can assert what its client called. A ring:
 * when full, the oldest entry goes (and is counted as dropped). Used only
 * from the server's one thread. */
#ifndef CFMOCK_JOURNAL_H
#define CFMOCK_JOURNAL_H

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdint.h>

struct journal;

struct journal_entry {
	int64_t time_ms;       /* wall clock, when the request completed */
	int64_t duration_us;
	const char *method;
	const char *path;
	const char *query;     /* "a=1&b=2", decoded; "" for none */
	int status;            /* 0: the connection was dropped */
	const char *user_id;   /* "" if the credentials were not accepted */
	const char *request_body;  /* NULL: none */
	const char *response_body; /* NULL: none */
};

/* A journal of @capacity entries (0: keep none); bodies longer than
 * @body_max bytes are cut there. */
struct journal *journal_new(size_t capacity, size_t body_max);
void journal_free(struct journal *j);
/* 1 if the journal keeps entries (its capacity is not 0). */
int journal_keeps(const struct journal *j);
/* Copies @e in. */
void journal_add(struct journal *j, const struct journal_entry *e);
void journal_clear(struct journal *j);

struct journal_filter {
	const char *method;      /* NULL: any */
	const char *path_prefix; /* NULL: any */
	int status;              /* 0: any */
	const char *user_id;     /* NULL: any; "": requests whose credentials were refused */
	uint64_t since;          /* only entries with a larger seq (0: all) */
	size_t limit;            /* 0: all */
};
/* {"requests": [...newest first...], "count", "total", "capacity",
 * "dropped"}: count is how many are listed, total how many are kept.
 * Sequence numbers go on rising across journal_clear(), so a poller that
 * asks for what came @since the last one it saw misses nothing. */
cJSON *journal_json(const struct journal *j, const struct journal_filter *f);

#endif
