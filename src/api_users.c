/* api_users.c: /user, the caller's own user (CONTRACT.md 4.3, the IAM
 * family). */
#include "api.h"

#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "reply.h"
#include "util.h"

#include "app.h"

void users_get(struct req *r)
{
	cJSON *out = NULL;
	enum store_rc rc = store_users_get(r->app->store, &r->user, &out);

	if (rc != STORE_OK) {
		reply_store_error(r, rc, ERR_INTERNAL, "");
		return;
	}
	reply_ok(r, out);
}

void users_update(struct req *r)
{
	/* CF-API: maxLength of each field, in store_users_update_keys' order */
	static const size_t max[USERS_UPDATE_FIELDS] = { 60, 60, 20, 30, 20 };
	const char *values[USERS_UPDATE_FIELDS];
	int clear[USERS_UPDATE_FIELDS];
	cJSON *out = NULL;
	enum store_rc rc;
	int i;

	for (i = 0; i < USERS_UPDATE_FIELDS; i++) {
		char ptr[32];
		const cJSON *v;

		snprintf(ptr, sizeof(ptr), "/%s", store_users_update_keys[i]);
		v = cJSON_GetObjectItemCaseSensitive(r->json, store_users_update_keys[i]);
		/* null clears the field (the spec makes each nullable) */
		clear[i] = v && cJSON_IsNull(v);
		values[i] = NULL;
		if (clear[i])
			continue;
		if (json_string_or_reply(r, r->json, ptr, 0, &values[i]) < 0)
			return;
		if (values[i] && utf8_chars(values[i]) > max[i]) {
			char *why = xasprintf("must be at most %zu characters", max[i]);
			reply_error_at(r, ERR_FIELD_INVALID, ptr, store_users_update_keys[i], why);
			free(why);
			return;
		}
	}
	rc = store_users_update(r->app->store, &r->user, values, clear, &out);
	if (rc != STORE_OK) {
		reply_store_error(r, rc, ERR_INTERNAL, "");
		return;
	}
	reply_ok(r, out);
}
