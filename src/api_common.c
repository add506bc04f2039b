/* api_common.c: helpers shared by the api_*.c handlers (see api.h). */
#include "api.h"

#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "reply.h"
#include "util.h"

#define QUERY_VALUE_MAX 4096

void reply_store_error(struct req *r, enum store_rc rc, int nf, const char *id)
{
	if (rc == STORE_NOT_FOUND)
		reply_error(r, (enum err)nf, id);
	else
		reply_error(r, ERR_INTERNAL, "the database failed; see the server log");
}

int profile_or_reply(struct req *r, const cJSON *obj, const char *pointer, int required,
		     struct org_profile *out, int *out_present)
{
	const char **fields[] = {
		&out->business_address, &out->business_email, &out->business_name,
		&out->business_phone, &out->external_metadata,
	};
	const cJSON *p = obj;
	size_t i;

	memset(out, 0, sizeof(*out));
	*out_present = 0;
	if (pointer[0] && json_object_or_reply(r, obj, pointer, required, &p) < 0)
		return -1;
	if (!p)
		return 0;
	for (i = 0; store_profile_keys[i]; i++) {
		char *ptr = xasprintf("%s/%s", pointer, store_profile_keys[i]);
		int rc = json_string_or_reply(r, p, ptr, 1, fields[i]);
		free(ptr);
		if (rc < 0)
			return -1;
	}
	*out_present = 1;
	return 0;
}

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
