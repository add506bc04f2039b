/* paging.h: the two pagination styles of the API.
 *
 * Cursor (Organizations-API): page_size 0..1000 (0 or absent: 10) and an
 * opaque page_token. A token carries the position of the last item sent
 * (its internal key, and its sort key when the list is sorted by
 * something else, e.g. a name), a hash of the caller and of the filters it
 * was made for, and a MAC keyed by the database's secret: a token that was
 * not issued here, or is sent with other filters, is refused with a 400.
 * The position is a key, not an offset, so items created or deleted
 * between two pages never make a page skip or repeat one.
 *
 * Page number (IAM): page >= 1 (default 1), per_page 1..50 (default 20;
 * more than 50 is read as 50, so the documented 5 to 50 and what clients
 * send beyond it both work). */
#ifndef CFMOCK_PAGING_H
#define CFMOCK_PAGING_H

#include <stdint.h>

#include "req.h"

struct cursor {
	int limit;        /* page size */
	int has_after;    /* 0: from the start */
	int64_t after;    /* internal key of the last item sent */
	char *after_key;  /* its sort key, for lists sorted by one (owned) */
	uint64_t scope;   /* hash of the caller and filters */
};

/* Reads page_size and page_token. @filter_keys (NULL-ended) are the query
 * parameters that filter or order this list: a token is only good with
 * the same ones. Replies and returns -1 on a bad value; otherwise the
 * caller releases @out. */
int paging_cursor_or_reply(struct req *r, const char *const *filter_keys, struct cursor *out);
void paging_cursor_release(struct cursor *c);
/* The token for the page after the one that ended at the item with
 * internal key @last and sort key @last_key (NULL when the list is in
 * internal order). Caller frees. */
char *paging_next_token(const struct req *r, const struct cursor *c, int64_t last,
			const char *last_key);

/* Reads page and per_page (*out_per_page: the one used, at most 50);
 * replies and returns -1 on a bad value. */
int paging_pages_or_reply(struct req *r, int64_t *out_page, int64_t *out_per_page);

/* Below this line: exposed for the unit tests. */
char *paging_token_encode(const unsigned char *secret, int64_t last, uint64_t scope,
			  const char *key);
/* *out_key: the sort key (caller frees), or NULL when the token has none. */
int paging_token_decode(const unsigned char *secret, const char *token, int64_t *out_last,
			uint64_t *out_scope, char **out_key);

#endif
