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
	const char *values[USERS_UPDATE_FIELDS];
	int clear[USERS_UPDATE_FIELDS];
	cJSON *out = NULL;
	enum store_rc rc;
	int i;

	for (i = 0; i < USERS_UPDATE_FIELDS; i++) {
		const char *key = store_users_update_keys[i], *why;
		char ptr[32];
		const cJSON *v;

		snprintf(ptr, sizeof(ptr), "/%s", key);
		v = cJSON_GetObjectItemCaseSensitive(r->json, key);
		/* null clears the field (the spec makes each nullable) */
		clear[i] = v && cJSON_IsNull(v);
		values[i] = NULL;
		if (clear[i])
			continue;
		if (json_string_or_reply(r, r->json, ptr, 0, &values[i]) < 0)
			return;
		if (values[i] && (why = rules_user_field(key, values[i]))) {
			reply_error_at(r, ERR_FIELD_INVALID, ptr, key, why);
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
