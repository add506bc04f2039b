/* query.h: reading the query string of a request, for paging.c and the
 * handlers (struct req keeps the arguments in order, keys may repeat). */
#ifndef CFMOCK_QUERY_H
#define CFMOCK_QUERY_H

#include "req.h"

/* Reads the single value of each query parameter in @keys (NULL-ended)
 * into @out (in order, NULL when absent); a repeated one, or one longer
 * than 4096 bytes, is an error (replied, -1). */
int query_singles_or_reply(struct req *r, const char *const *keys, const char **out);

#endif
