/* api_users.c: /user and the token verify endpoints (CONTRACT.md 4.3,
 * the IAM family). */
#include "api.h"

#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "reply.h"
#include "util.h"

#include "app.h"

void user_get(struct req *r)
{
	cJSON *out = NULL;
	enum store_rc rc = store_users_get(r->app->store, &r->user, &out);

	if (rc != STORE_OK) {
		reply_store_error(r, rc, ERR_INTERNAL, "");
		return;
	}
	reply_ok(r, out);
}

void user_patch(struct req *r)
{
	/* CF-API: maxLength of each field, in store_user_patch_keys' order */
	static const size_t max[USER_PATCH_FIELDS] = { 60, 60, 20, 30, 20 };
	const char *values[USER_PATCH_FIELDS];
	int clear[USER_PATCH_FIELDS];
	cJSON *out = NULL;
	enum store_rc rc;
	int i;

	for (i = 0; i < USER_PATCH_FIELDS; i++) {
		char ptr[32];
		const cJSON *v;

		snprintf(ptr, sizeof(ptr), "/%s", store_user_patch_keys[i]);
		v = cJSON_GetObjectItemCaseSensitive(r->json, store_user_patch_keys[i]);
		/* null clears the field (the spec makes each nullable) */
		clear[i] = v && cJSON_IsNull(v);
		values[i] = NULL;
		if (clear[i])
			continue;
		if (json_string_or_reply(r, r->json, ptr, 0, &values[i]) < 0)
			return;
		if (values[i] && utf8_chars(values[i]) > max[i]) {
			char *why = xasprintf("must be at most %zu characters", max[i]);
			reply_error_at(r, ERR_FIELD_INVALID, ptr, store_user_patch_keys[i], why);
			free(why);
			return;
		}
	}
	rc = store_users_patch(r->app->store, &r->user, values, clear, &out);
	if (rc != STORE_OK) {
		reply_store_error(r, rc, ERR_INTERNAL, "");
		return;
	}
	reply_ok(r, out);
}

/* The router has checked that the credential is an active API token
 * (ROUTE_TOKEN_ONLY). */
static void verified(struct req *r)
{
	cJSON *out = cJSON_CreateObject();

	cJSON_AddStringToObject(out, "id", r->user.token_id);
	cJSON_AddStringToObject(out, "status", "active");
	/* CF-API: the live API's words, in "messages" */
	reply_ok_message(r, out, 10000, "This API Token is valid and active");
}

void tokens_verify(struct req *r)
{
	verified(r);
}

void account_tokens_verify(struct req *r)
{
	enum store_rc rc = store_accounts_visible(r->app->store, &r->user, req_param(r, 0));

	if (rc != STORE_OK) {
		reply_store_error(r, rc, ERR_ACCOUNT_NOT_FOUND, req_param(r, 0));
		return;
	}
	verified(r);
}
