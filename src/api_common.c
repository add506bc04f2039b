/* api_common.c: helpers shared by the api_*.c handlers (see api.h). */
#include "api.h"

#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "reply.h"
#include "util.h"

#include "app.h"

int account_visible_or_reply(struct req *r)
{
	enum store_rc rc = store_accounts_visible(r->app->store, &r->user, req_param(r, 0));

	if (rc == STORE_OK)
		return 0;
	reply_store_error(r, rc, ERR_ACCOUNT_NOT_FOUND, req_param(r, 0));
	return -1;
}

int org_ref_or_reply(struct req *r, const char *pointer, const char *id)
{
	if (is_hex_id(id))
		return 0;
	reply_error_at(r, ERR_PARENT_NOT_FOUND, pointer, id);
	return -1;
}

void api_lookup(struct req *r, store_lookup_fn *fn, enum err nf)
{
	const char *id = req_param(r, 0);
	cJSON *out = NULL;
	enum store_rc rc = fn(r->app->store, &r->user, id, &out);

	if (rc != STORE_OK) {
		reply_store_error(r, rc, nf, id);
		return;
	}
	reply_ok(r, out);
}

void api_profile_update(struct req *r, store_profile_update_fn *fn, enum err nf)
{
	const char *id = req_param(r, 0);
	struct profile p;
	int present;
	enum store_rc rc;

	if (profile_or_reply(r, r->json, "", 1, &p, &present) < 0)
		return;
	rc = fn(r->app->store, &r->user, id, &p);
	if (rc != STORE_OK) {
		reply_store_error(r, rc, nf, id);
		return;
	}
	/* CF-API: PUT .../profile answers 204, no body */
	reply_no_content(r);
}

int profile_or_reply(struct req *r, const cJSON *obj, const char *pointer, int required,
		     struct profile *out, int *out_present)
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
		const char *why;

		if (rc == 0 && (why = rules_profile_field(store_profile_keys[i], *fields[i]))) {
			reply_error_at(r, ERR_FIELD_INVALID, ptr, json_dotted(ptr), why);
			rc = -1;
		}
		free(ptr);
		if (rc < 0)
			return -1;
	}
	*out_present = 1;
	return 0;
}

int field_or_reply(struct req *r, const cJSON *obj, const char *pointer, int required,
		   rules_fn *rule, const char **out)
{
	const char *why;

	if (json_string_or_reply(r, obj, pointer, required, out) < 0)
		return -1;
	if (!*out || !(why = rule(*out)))
		return 0;
	reply_error_at(r, ERR_FIELD_INVALID, pointer, json_dotted(pointer), why);
	return -1;
}

int param_or_reply(struct req *r, const char *key, const char *value, rules_fn *rule)
{
	const char *why;

	if (!value || !(why = rule(value)))
		return 0;
	reply_error_param(r, ERR_PARAM_INVALID, key, key, why);
	return -1;
}

int filters_or_reply(struct req *r, const char *const *keys, const char *const *values, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (param_or_reply(r, keys[i], values[i], rules_filter) < 0)
			return -1;
	return 0;
}

int count_or_reply(struct req *r, const char *pointer, int n, rules_count_fn *rule)
{
	const char *why = rule(n);

	if (!why)
		return 0;
	reply_error_at(r, ERR_FIELD_INVALID, pointer, json_dotted(pointer), why);
	return -1;
}
