/* api_accounts.c: /accounts, an account's profile, its moves and the
 * organizations that hold it (CONTRACT.md 4.2). /accounts and
 * /accounts/{id} are the IAM family; move, profile and organizations are
 * Organizations-API operations. Validation here, state in store_accounts_*. */
#include "api.h"

#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "paging.h"
#include "query.h"
#include "reply.h"
#include "util.h"

#include "app.h"

/* "name" and "type": both required, but @type_def (if not NULL) is the
 * type when none is given. */
static int name_type_or_reply(struct req *r, const char *type_def, const char **name,
			      const char **type)
{
	if (field_or_reply(r, r->json, "/name", 1, rules_account_name, name) < 0 ||
	    field_or_reply(r, r->json, "/type", !type_def, rules_account_type, type) < 0)
		return -1;
	if (!*type)
		*type = type_def;
	return 0;
}

void accounts_list(struct req *r)
{
	static const char *const keys[] = { "name", "direction", NULL };
	const char *v[2];
	int64_t page, per_page, total;
	cJSON *items;
	enum store_rc rc;

	if (query_singles_or_reply(r, keys, v) < 0)
		return;
	if (param_or_reply(r, "direction", v[1], rules_direction) < 0 ||
	    paging_pages_or_reply(r, &page, &per_page) < 0)
		return;
	rc = store_accounts_list(r->app->store, &r->user, v[0], rules_direction_desc(v[1]),
				 (page - 1) * per_page, (int)per_page, &items, &total);
	if (rc != STORE_OK) {
		reply_store_error(r, rc, ERR_INTERNAL, "");
		return;
	}
	/* CF-API: a page past the end is 200 with result [] (the official
	 * TypeScript SDK pages until it sees one) */
	reply_page_list(r, items, page, per_page, total);
}

/* With --auth strict, only tenant admins may create and delete accounts
 * (CF-API: "available for tenant admins"). */
static int tenant_admin_or_reply(struct req *r)
{
	if (!r->app->cfg->auth_strict || r->user.tenant_admin)
		return 0;
	reply_error(r, ERR_AUTH_ERROR);
	return -1;
}

/* The Idempotency-Key header, if given: one, of the shape rules.c takes. */
static int idempotency_key_or_reply(struct req *r, const char **out)
{
	const char *why;

	*out = r->h_idempotency_key;
	if (!*out)
		return 0;
	if (r->n_idempotency_key > 1)
		why = "given more than once";
	else if (!(why = rules_idempotency_key(*out)))
		return 0;
	reply_error(r, ERR_IDEMPOTENCY_KEY_INVALID, why);
	return -1;
}

void accounts_create(struct req *r)
{
	struct account_new a;
	const cJSON *unit;
	cJSON *out = NULL;
	char *request = NULL;
	enum store_rc rc;

	if (tenant_admin_or_reply(r) < 0)
		return;
	memset(&a, 0, sizeof(a));
	if (idempotency_key_or_reply(r, &a.idempotency_key) < 0 ||
	    name_type_or_reply(r, rules_account_type_default, &a.name, &a.type) < 0 ||
	    json_object_or_reply(r, r->json, "/unit", 0, &unit) < 0 ||
	    (unit && json_string_or_reply(r, unit, "/unit/id", 0, &a.org_id) < 0) ||
	    (a.org_id && org_ref_or_reply(r, "/unit/id", a.org_id) < 0))
		return;
	/* CF-API: the SDK's AccountCreateParams: "Reuse the same key when
	 * retrying the same request"; what "the same" is, and for how long,
	 * the docs do not say. cfmock: the same user, and a body that reads
	 * as the same JSON (keys in any order, any white space), for 24 hours
	 * of its clock; only a request that succeeded is kept, so one that
	 * failed runs again when retried (README "Idempotency-Key"). */
	if (a.idempotency_key)
		a.request = request = json_canonical(r->json);
	rc = store_accounts_create(r->app->store, &r->user, &a, &out);
	free(request);
	if (rc == STORE_NOT_FOUND) {
		reply_error_at(r, ERR_PARENT_NOT_FOUND, "/unit/id", a.org_id);
		return;
	}
	if (rc == STORE_CONFLICT) {
		reply_error(r, ERR_IDEMPOTENCY_KEY_REUSED, a.idempotency_key);
		return;
	}
	if (rc != STORE_OK) {
		reply_store_error(r, rc, ERR_INTERNAL, "");
		return;
	}
	reply_ok(r, out);
}

void accounts_get(struct req *r)
{
	api_lookup(r, store_accounts_get, ERR_ACCOUNT_NOT_FOUND);
}

void accounts_update(struct req *r)
{
	const char *id = req_param(r, 0);
	struct account_update a;
	const cJSON *settings;
	cJSON *out = NULL;
	enum store_rc rc;

	/* CF-API: name and type are required (the spec's and the official
	 * SDK's AccountUpdateParams); id, created_on and managed_by are
	 * read-only and ignored. Settings not given keep their values. */
	memset(&a, 0, sizeof(a));
	a.enforce_twofactor = -1;
	if (name_type_or_reply(r, NULL, &a.name, &a.type) < 0 ||
	    json_object_or_reply(r, r->json, "/settings", 0, &settings) < 0)
		return;
	if (settings &&
	    (json_bool_or_reply(r, settings, "/settings/enforce_twofactor", 0,
				&a.enforce_twofactor) < 0 ||
	     field_or_reply(r, settings, "/settings/abuse_contact_email", 0,
			    rules_abuse_contact_email, &a.abuse_contact_email) < 0))
		return;
	rc = store_accounts_update(r->app->store, &r->user, id, &a, &out);
	if (rc != STORE_OK) {
		reply_store_error(r, rc, ERR_ACCOUNT_NOT_FOUND, id);
		return;
	}
	reply_ok(r, out);
}

void accounts_delete(struct req *r)
{
	const char *id = req_param(r, 0);
	enum store_rc rc;
	cJSON *out;

	if (tenant_admin_or_reply(r) < 0)
		return;
	rc = store_accounts_delete(r->app->store, &r->user, id);
	if (rc != STORE_OK) {
		reply_store_error(r, rc, ERR_ACCOUNT_NOT_FOUND, id);
		return;
	}
	/* CF-API: iam_api-response-single-id, {"result": {"id": ...}} */
	out = cJSON_CreateObject();
	cJSON_AddStringToObject(out, "id", id);
	reply_ok(r, out);
}

/* destination_organization_id: required, and naming one of ours. */
static int destination_or_reply(struct req *r, const char **out)
{
	if (json_string_or_reply(r, r->json, "/destination_organization_id", 1, out) < 0)
		return -1;
	return org_ref_or_reply(r, "/destination_organization_id", *out);
}

void accounts_move(struct req *r)
{
	const char *id = req_param(r, 0), *dest;
	struct move_result m;
	cJSON *out = NULL;
	enum store_rc rc;

	/* the body first (as every handler reads it before the state), then
	 * the account named by the path (404), then the destination */
	if (destination_or_reply(r, &dest) < 0)
		return;
	rc = store_accounts_get(r->app->store, &r->user, id, &out);
	cJSON_Delete(out);
	if (rc != STORE_OK) {
		reply_store_error(r, rc, ERR_ACCOUNT_NOT_FOUND, id);
		return;
	}
	rc = store_accounts_move(r->app->store, &r->user, &id, 1, dest, &m);
	if (rc == STORE_NOT_FOUND) {
		reply_error_at(r, ERR_PARENT_NOT_FOUND, "/destination_organization_id", dest);
		return;
	}
	if (rc != STORE_OK) {
		reply_store_error(r, rc, ERR_INTERNAL, "");
		return;
	}
	switch (m.status) {
	case MOVE_DONE:
		break;
	case MOVE_NO_ACCOUNT: /* deleted in between */
		reply_error(r, ERR_ACCOUNT_NOT_FOUND, id);
		return;
	case MOVE_SAME_ORG:
		reply_error_at(r, ERR_ALREADY_IN_ORG, "/destination_organization_id", id, dest);
		return;
	case MOVE_OTHER_HIERARCHY:
		reply_error_at(r, ERR_OTHER_HIERARCHY, "/destination_organization_id", id, dest);
		return;
	}
	/* CF-API: a stand-alone account has no source organization; the
	 * field is a required string, so it is "" */
	out = cJSON_CreateObject();
	cJSON_AddStringToObject(out, "account_id", id);
	cJSON_AddStringToObject(out, "source_organization_id", m.source_id);
	cJSON_AddStringToObject(out, "destination_organization_id", dest);
	reply_ok(r, out);
}

/* account_ids: strings, as many as rules_move_batch_count takes, none
 * twice. @ids gets them. */
static int account_ids_or_reply(struct req *r, const char **ids, int *out_n)
{
	const cJSON *arr, *item;
	int n = 0, i;

	if (json_array_or_reply(r, r->json, "/account_ids", 1, &arr) < 0 ||
	    count_or_reply(r, "/account_ids", cJSON_GetArraySize(arr), rules_move_batch_count) < 0)
		return -1;
	cJSON_ArrayForEach(item, arr) {
		char ptr[32];
		snprintf(ptr, sizeof(ptr), "/account_ids/%d", n);
		if (!cJSON_IsString(item)) {
			reply_error_at(r, ERR_FIELD_TYPE, ptr, ptr + 1, "a string");
			return -1;
		}
		for (i = 0; i < n; i++) {
			if (strcmp(ids[i], item->valuestring) == 0) {
				char *twice = xasprintf("'%s' is listed more than once (items %d "
							"and %d)", item->valuestring, i, n);
				reply_error_at(r, ERR_FIELD_INVALID, ptr, "account_ids", twice);
				free(twice);
				return -1;
			}
		}
		ids[n++] = item->valuestring;
	}
	*out_n = n;
	return 0;
}

void accounts_move_batch(struct req *r)
{
	const char *ids[RULES_MOVE_BATCH_MAX], *dest;
	struct move_result m[RULES_MOVE_BATCH_MAX];
	cJSON *out, *statuses, *each;
	enum store_rc rc;
	int n = 0, i, done = 0;

	if (account_ids_or_reply(r, ids, &n) < 0 || destination_or_reply(r, &dest) < 0)
		return;
	/* CF-API: upstream marks this "Not implemented"; cfmock moves each
	 * account by the single move's rules, all in one transaction. */
	rc = store_accounts_move(r->app->store, &r->user, ids, n, dest, m);
	if (rc == STORE_NOT_FOUND) {
		reply_error_at(r, ERR_PARENT_NOT_FOUND, "/destination_organization_id", dest);
		return;
	}
	if (rc != STORE_OK) {
		reply_store_error(r, rc, ERR_INTERNAL, "");
		return;
	}
	/* CF-API: BatchAccountMoveResponse.statuses is one object, {moved,
	 * tag, message?} (moved and tag required), and generated clients
	 * read it so. For the batch: moved is whether every account given
	 * moved, tag the destination's id, message (only when some did not
	 * move) how many did. "accounts", beside them, is the same per
	 * account given, in order: {tag: its id, moved, message: why not}. */
	out = cJSON_CreateObject();
	statuses = cJSON_AddObjectToObject(out, "statuses");
	each = cJSON_CreateArray();
	for (i = 0; i < n; i++) {
		cJSON *s = cJSON_CreateObject();
		char *msg = NULL;

		cJSON_AddStringToObject(s, "tag", ids[i]);
		cJSON_AddBoolToObject(s, "moved", m[i].status == MOVE_DONE);
		if (m[i].status == MOVE_DONE)
			done++;
		else if (m[i].status == MOVE_NO_ACCOUNT)
			msg = err_message(ERR_ACCOUNT_NOT_FOUND, ids[i]);
		else if (m[i].status == MOVE_SAME_ORG)
			msg = err_message(ERR_ALREADY_IN_ORG, ids[i], dest);
		else if (m[i].status == MOVE_OTHER_HIERARCHY)
			msg = err_message(ERR_OTHER_HIERARCHY, ids[i], dest);
		if (msg)
			cJSON_AddStringToObject(s, "message", msg);
		free(msg);
		cJSON_AddItemToArray(each, s);
	}
	cJSON_AddBoolToObject(statuses, "moved", done == n);
	cJSON_AddStringToObject(statuses, "tag", dest);
	if (done < n) {
		char *msg = xasprintf("%d of %d accounts moved", done, n);
		cJSON_AddStringToObject(statuses, "message", msg);
		free(msg);
	}
	cJSON_AddItemToObject(statuses, "accounts", each);
	reply_ok(r, out);
}

void accounts_organizations_list(struct req *r)
{
	/* CF-API: no pagination, so no result_info */
	api_lookup(r, store_accounts_organizations_list, ERR_ACCOUNT_NOT_FOUND);
}

void accounts_profile_get(struct req *r)
{
	api_lookup(r, store_accounts_profile_get, ERR_ACCOUNT_NOT_FOUND);
}

void accounts_profile_update(struct req *r)
{
	api_profile_update(r, store_accounts_profile_update, ERR_ACCOUNT_NOT_FOUND);
}
