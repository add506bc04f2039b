/* query.c: see query.h. */
#include "query.h"

#include <string.h>

#include "reply.h"
#include "rules.h"

int query_singles_or_reply(struct req *r, const char *const *keys, const char **out)
{
	const char *why;
	size_t i;

	for (i = 0; keys[i]; i++) {
		int count;
		out[i] = req_query(r, keys[i], &count);
		if (count > 1) {
			reply_error_param(r, ERR_PARAM_INVALID, keys[i], keys[i],
					  "given more than once");
			return -1;
		}
		if (out[i] && (why = rules_query_value(out[i]))) {
			reply_error_param(r, ERR_PARAM_INVALID, keys[i], keys[i], why);
			return -1;
		}
	}
	return 0;
}
