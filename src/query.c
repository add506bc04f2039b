/* query.c: see query.h. */
#include "query.h"

#include <string.h>

#include "reply.h"

/* cfmock's bound on one query value (README "Limits"). */
#define QUERY_VALUE_MAX 4096

int query_singles_or_reply(struct req *r, const char *const *keys, const char **out)
{
	size_t i;

	for (i = 0; keys[i]; i++) {
		int count;
		out[i] = req_query(r, keys[i], &count);
		if (count > 1) {
			reply_error_param(r, ERR_PARAM_INVALID, keys[i], keys[i],
					  "given more than once");
			return -1;
		}
		if (out[i] && strlen(out[i]) > QUERY_VALUE_MAX) {
			reply_error_param(r, ERR_PARAM_INVALID, keys[i], keys[i],
					  "longer than 4096 bytes");
			return -1;
		}
	}
	return 0;
}
