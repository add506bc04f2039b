/* api_tokens.c: API tokens (CONTRACT.md 4.3, 10.3, 10.4): the user's own
 * (/user/tokens...) and an account's (/accounts/{id}/tokens...), served by
 * one set of handlers, the token permission-group catalogue, and both
 * verify routes. Who may call them is the router's check (router.h
 * PERM_USER, PERM_ACCOUNT_TOKENS); what a token may then reach is
 * grants.c's. */
#include "api.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "clock.h"
#include "grants.h"
#include "json.h"
#include "paging.h"
#include "query.h"
#include "reply.h"
#include "util.h"

#include "app.h"

/* The account whose tokens the route names, or NULL for the user's own. */
static const char *owner_account(const struct req *r)
{
	return strncmp(r->path, "/client/v4/accounts/", 20) == 0 ? r->params[0] : NULL;
}

static const char *token_param(const struct req *r)
{
	return r->params[owner_account(r) ? 1 : 0];
}

static void reply_token_error(struct req *r, enum store_rc rc)
{
	if (rc == STORE_NO_ITEM)
		reply_error(r, ERR_TOKEN_NOT_FOUND, token_param(r));
	else if (rc == STORE_NOT_FOUND && owner_account(r))
		reply_error(r, ERR_ACCOUNT_NOT_FOUND, owner_account(r));
	else
		reply_store_error(r, rc, ERR_TOKEN_NOT_FOUND, token_param(r));
}

/* The router has checked that the credential is an active API token
 * (ROUTE_TOKEN_ONLY). On the account route, the account must also be one
 * the token's user sees (an account-owned token: its own). */
void tokens_verify(struct req *r)
{
	cJSON *out;

	/* CF-API: an account-owned token is "Invalid API Token" (401 /
	 * 1000) on the user's verify: wrangler tells the two kinds apart by
	 * it (CONTRACT.md 13, 14) */
	if (!r->params[0] && r->user.account_seq) {
		reply_error(r, ERR_INVALID_TOKEN);
		return;
	}
	if (r->params[0] && account_visible_or_reply(r) < 0)
		return;
	out = cJSON_CreateObject();
	cJSON_AddStringToObject(out, "id", r->user.token_id);
	cJSON_AddStringToObject(out, "status", "active");
	/* CF-API: the token's own limits, when it has them (the document's
	 * iam_token_verify_response_single_segment) */
	if (r->user.token_seq) {
		char when[CLOCK_RFC3339_LEN + 1];

		if (r->token_not_before != INT64_MIN) {
			clock_format(r->token_not_before, when);
			cJSON_AddStringToObject(out, "not_before", when);
		}
		if (r->token_expires_on != INT64_MAX) {
			clock_format(r->token_expires_on, when);
			cJSON_AddStringToObject(out, "expires_on", when);
		}
	}
	/* CF-API: the live API's words, in "messages" */
	reply_ok_message(r, out, 10000, "This API Token is valid and active");
}

/* A date-time field (absent or null: none); otherwise RFC 3339 UTC. */
static int time_or_reply(struct req *r, const char *pointer, int64_t none, int64_t *out)
{
	const char *v;

	*out = none;
	if (json_string_or_reply(r, r->json, pointer, 0, &v) < 0)
		return -1;
	if (v && clock_parse(v, out) < 0) {
		reply_error_at(r, ERR_FIELD_INVALID, pointer, json_dotted(pointer),
			       "must be an RFC 3339 UTC date-time, like \"2027-01-01T00:00:00Z\"");
		return -1;
	}
	return 0;
}

static void reply_grants_error(struct req *r, const struct grants_error *e)
{
	reply_error_at(r, ERR_FIELD_INVALID, e->pointer, json_dotted(e->pointer), e->why);
}

/* The body of a create (@update 0) or of a PUT into @t; the strings and
 * blob it points to are freed by token_body_release(). */
struct token_body {
	struct token_new t;
	char *policies;
	unsigned char *grants;
	char *ip_in, *ip_not_in;
};

static void token_body_release(struct token_body *b)
{
	free(b->policies);
	free(b->grants);
	free(b->ip_in);
	free(b->ip_not_in);
}

static int token_body_or_reply(struct req *r, int update, struct token_body *b)
{
	const char *account = owner_account(r), *status = NULL;
	struct grants_owner owner = { account != NULL, account ? account : r->user.id };
	struct grants_error e;
	cJSON *policies;
	size_t len;

	memset(b, 0, sizeof(*b));
	if (json_string_or_reply(r, r->json, "/name", 1, &b->t.name) < 0)
		return -1;
	len = utf8_chars(b->t.name);
	if (len < 1 || len > 120) {
		reply_error_at(r, ERR_FIELD_INVALID, "/name", "name", "must be 1 to 120 characters");
		return -1;
	}
	if (!cJSON_GetObjectItemCaseSensitive(r->json, "policies")) {
		reply_error_at(r, ERR_FIELD_REQUIRED, "/policies", "policies");
		return -1;
	}
	if (grants_parse(cJSON_GetObjectItemCaseSensitive(r->json, "policies"), "/policies", &owner,
			 0, &policies, &b->grants, &b->t.grants_len, &e) < 0) {
		reply_grants_error(r, &e);
		return -1;
	}
	b->policies = cJSON_PrintUnformatted(policies);
	cJSON_Delete(policies);
	b->t.policies = b->policies;
	b->t.grants = b->grants;
	if (grants_condition(cJSON_GetObjectItemCaseSensitive(r->json, "condition"), "/condition",
			     &b->ip_in, &b->ip_not_in, &e) < 0) {
		reply_grants_error(r, &e);
		return -1;
	}
	b->t.ip_in = b->ip_in;
	b->t.ip_not_in = b->ip_not_in;
	if (time_or_reply(r, "/not_before", INT64_MIN, &b->t.not_before) < 0 ||
	    time_or_reply(r, "/expires_on", INT64_MAX, &b->t.expires_on) < 0)
		return -1;
	if (b->t.not_before != INT64_MIN && b->t.expires_on != INT64_MAX &&
	    b->t.expires_on <= b->t.not_before) {
		reply_error_at(r, ERR_FIELD_INVALID, "/expires_on", "expires_on",
			       "must be after not_before");
		return -1;
	}
	/* CF-API: iam_create_payload has no status; a PUT may set active or
	 * disabled, and leaves it as it was when it gives none */
	if (update && json_string_or_reply(r, r->json, "/status", 0, &status) < 0)
		return -1;
	if (status && strcmp(status, "active") != 0 && strcmp(status, "disabled") != 0) {
		reply_error_at(r, ERR_FIELD_INVALID, "/status", "status",
			       strcmp(status, "expired") == 0
				       ? "\"expired\" follows from expires_on: set \"active\" or "
					 "\"disabled\""
				       : "must be \"active\" or \"disabled\"");
		return -1;
	}
	b->t.status = status;
	/* CF-API: a token cannot make one that reaches further than itself
	 * (403 / 9109, CONTRACT.md 13) */
	if (r->grants && !grants_within(b->grants, b->t.grants_len, r->grants, r->grants_len)) {
		reply_error(r, ERR_UNAUTHORIZED);
		return -1;
	}
	return 0;
}

void tokens_create(struct req *r)
{
	struct token_body b;
	cJSON *out = NULL;
	enum store_rc rc;

	if (token_body_or_reply(r, 0, &b) < 0) {
		token_body_release(&b);
		return;
	}
	b.t.status = "active";
	rc = store_tokens_create(r->app->store, &r->user, owner_account(r), &b.t, &out);
	token_body_release(&b);
	if (rc != STORE_OK) {
		reply_token_error(r, rc);
		return;
	}
	reply_ok(r, out);
}

void tokens_get(struct req *r)
{
	cJSON *out = NULL;
	enum store_rc rc = store_tokens_get(r->app->store, &r->user, owner_account(r),
					    token_param(r), &out);

	if (rc != STORE_OK) {
		reply_token_error(r, rc);
		return;
	}
	reply_ok(r, out);
}

void tokens_update(struct req *r)
{
	struct token_body b;
	cJSON *out = NULL;
	enum store_rc rc;

	if (token_body_or_reply(r, 1, &b) < 0) {
		token_body_release(&b);
		return;
	}
	rc = store_tokens_update(r->app->store, &r->user, owner_account(r), token_param(r), &b.t,
				 &out);
	token_body_release(&b);
	if (rc != STORE_OK) {
		reply_token_error(r, rc);
		return;
	}
	reply_ok(r, out);
}

/* CF-API: the document requires a body on DELETE and on the roll; SDK
 * 7.3.0 sends none, so none is needed (CONTRACT.md 9.11) */
void tokens_delete(struct req *r)
{
	enum store_rc rc = store_tokens_delete(r->app->store, &r->user, owner_account(r),
					       token_param(r));
	cJSON *out;

	if (rc != STORE_OK) {
		reply_token_error(r, rc);
		return;
	}
	out = cJSON_CreateObject();
	cJSON_AddStringToObject(out, "id", token_param(r));
	reply_ok(r, out);
}

void tokens_roll(struct req *r)
{
	char secret[TOKEN_SECRET_LEN + 1];
	enum store_rc rc = store_tokens_roll(r->app->store, &r->user, owner_account(r),
					     token_param(r), secret);

	if (rc != STORE_OK) {
		reply_token_error(r, rc);
		return;
	}
	/* CF-API: "result" is the new secret itself, a string */
	reply_ok(r, cJSON_CreateString(secret));
}

void tokens_list(struct req *r)
{
	static const char *const keys[] = { "direction", "include_expired", NULL };
	const char *v[2];
	int64_t page, per_page, total;
	cJSON *items = NULL;
	enum store_rc rc;

	if (query_singles_or_reply(r, keys, v) < 0)
		return;
	if (param_or_reply(r, "direction", v[0], rules_direction) < 0 ||
	    paging_pages_or_reply(r, &page, &per_page) < 0)
		return;
	if (v[1] && strcmp(v[1], "true") != 0 && strcmp(v[1], "false") != 0) {
		reply_error_param(r, ERR_PARAM_INVALID, "include_expired", "include_expired",
				  "must be true or false");
		return;
	}
	rc = store_tokens_list(r->app->store, &r->user, owner_account(r),
			       v[1] && strcmp(v[1], "true") == 0, rules_direction_desc(v[0]),
			       (page - 1) * per_page, (int)per_page, &items, &total);
	if (rc != STORE_OK) {
		reply_token_error(r, rc);
		return;
	}
	reply_page_list(r, items, page, per_page, total);
}

/* CF-API: the catalogue is one list, read by the SDK as a single page;
 * an account's lists only the groups an account-owned token may hold
 * (CONTRACT.md 10.4). name matches the whole name, case-insensitively;
 * scope one of the group's scopes. */
void tokens_permission_groups_list(struct req *r)
{
	static const char *const keys[] = { "name", "scope", NULL };
	const char *v[2];
	cJSON *items;
	size_t i;
	int n = 0;

	if (query_singles_or_reply(r, keys, v) < 0)
		return;
	if (owner_account(r) && account_visible_or_reply(r) < 0)
		return;
	items = cJSON_CreateArray();
	for (i = 0; i < token_groups_count; i++) {
		const struct token_group *g = &token_groups[i];
		cJSON *item;

		if (owner_account(r) && !(g->scopes & (GRANTS_ACCOUNT | GRANTS_ZONE)))
			continue;
		if (v[0] && strcasecmp(v[0], g->name) != 0)
			continue;
		item = token_group_json(g);
		if (v[1]) {
			const cJSON *s;
			int hit = 0;
			cJSON_ArrayForEach(s, cJSON_GetObjectItemCaseSensitive(item, "scopes"))
				hit |= strcmp(s->valuestring, v[1]) == 0;
			if (!hit) {
				cJSON_Delete(item);
				continue;
			}
		}
		cJSON_AddItemToArray(items, item);
		n++;
	}
	reply_page_list(r, items, 1, (int64_t)token_groups_count, n);
}
