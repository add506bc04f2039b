/* audit.c: see audit.h. What an entry says of each change (its
 * description, product and resource type) is the table below, one row for
 * each route that changes state; tests/http/test_audit_logs.py makes every
 * one of them and reads its entry back. */
#include "audit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "clock.h"
#include "ids.h"
#include "reply.h"
#include "util.h"

#define CF "/client/v4"

/* CF-API: the document gives "Add Member" / "members" / "create" as its
 * examples and nothing for the rest: the other descriptions, products
 * and types are cfmock's, in the same style (CONTRACT.md 12.4). */
struct audit_kind {
	const char *method, *pattern; /* the route's, without /client/v4 */
	const char *description, *product, *type;
	const char *action;           /* NULL: from the method */
};

static const struct audit_kind kinds[] = {
	{ "POST", "/organizations", "Create Organization", "organizations", "organization", NULL },
	{ "PUT", "/organizations/:organization_id", "Update Organization", "organizations",
	  "organization", NULL },
	{ "DELETE", "/organizations/:organization_id", "Delete Organization", "organizations",
	  "organization", NULL },
	{ "PUT", "/organizations/:organization_id/profile", "Update Organization Profile",
	  "organizations", "profile", NULL },
	{ "POST", "/organizations/:organization_id/members", "Add Organization Member",
	  "organizations", "member", NULL },
	{ "POST", "/organizations/:organization_id/members:batchCreate", "Add Organization Members",
	  "organizations", "member", NULL },
	{ "DELETE", "/organizations/:organization_id/members/:member_id",
	  "Remove Organization Member", "organizations", "member", NULL },
	{ "POST", "/accounts", "Create Account", "accounts", "account", NULL },
	{ "PUT", "/accounts/:account_id", "Update Account", "accounts", "account", NULL },
	{ "DELETE", "/accounts/:account_id", "Delete Account", "accounts", "account", NULL },
	{ "POST", "/accounts/move", "Move Accounts", "accounts", "account", "update" },
	{ "POST", "/accounts/:account_id/move", "Move Account", "accounts", "account", "update" },
	{ "PUT", "/accounts/:account_id/profile", "Update Account Profile", "accounts", "profile",
	  NULL },
	{ "POST", "/accounts/:account_id/members", "Add Member", "members", "member", NULL },
	{ "PUT", "/accounts/:account_id/members/:member_id", "Update Member", "members", "member",
	  NULL },
	{ "DELETE", "/accounts/:account_id/members/:member_id", "Remove Member", "members",
	  "member", NULL },
	{ "POST", "/accounts/:account_id/tokens", "Create API Token", "api_tokens", "token", NULL },
	{ "PUT", "/accounts/:account_id/tokens/:token_id", "Update API Token", "api_tokens",
	  "token", NULL },
	{ "DELETE", "/accounts/:account_id/tokens/:token_id", "Delete API Token", "api_tokens",
	  "token", NULL },
	{ "PUT", "/accounts/:account_id/tokens/:token_id/value", "Roll API Token", "api_tokens",
	  "token", NULL },
	{ "PATCH", "/user", "Update User", "users", "user", NULL },
	{ "POST", "/user/tokens", "Create API Token", "api_tokens", "token", NULL },
	{ "PUT", "/user/tokens/:token_id", "Update API Token", "api_tokens", "token", NULL },
	{ "DELETE", "/user/tokens/:token_id", "Delete API Token", "api_tokens", "token", NULL },
	{ "PUT", "/user/tokens/:token_id/value", "Roll API Token", "api_tokens", "token", NULL },
	{ "PUT", "/memberships/:membership_id", "Update Membership", "memberships", "membership",
	  NULL },
	{ "DELETE", "/memberships/:membership_id", "Leave Account", "memberships", "membership",
	  NULL },
	{ "PATCH", "/user/invites/:invite_id", "Answer Invitation", "memberships", "invite", NULL },
	{ "DELETE", "/user/organizations/:organization_id", "Leave Account", "memberships",
	  "membership", NULL },
};

static const struct audit_kind *kind_of(const struct req *r, const char *pattern)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(kinds); i++)
		if (strcmp(kinds[i].method, r->method) == 0 && strcmp(kinds[i].pattern, pattern) == 0)
			return &kinds[i];
	return NULL;
}

static int starts(const char *pattern, const char *prefix)
{
	return strncmp(pattern, prefix, strlen(prefix)) == 0;
}

int audit_begin_or_reply(struct req *r, const char *route)
{
	const char *pattern = route + strlen(CF);
	struct store *st = r->app->store;
	enum store_rc rc = STORE_OK;

	r->audit_account[0] = '\0';
	/* the account as it was: a deleted one keeps its name in its log */
	if (starts(pattern, "/accounts/:account_id") || starts(pattern, "/user/organizations/")) {
		snprintf(r->audit_account, sizeof(r->audit_account), "%s", r->params[0]);
		rc = store_audit_logs_account_name(st, r->params[0], &r->audit_account_name);
	} else if (starts(pattern, "/memberships/") || starts(pattern, "/user/invites/")) {
		rc = store_audit_logs_membership_account(st, &r->user, r->params[0], r->audit_account,
							 &r->audit_account_name);
	}
	/* not found: the handler says so, and nothing is logged */
	if ((rc != STORE_OK && rc != STORE_NOT_FOUND) || store_audit_logs_begin(st) < 0) {
		reply_error(r, ERR_INTERNAL, "cannot open the audit log");
		return -1;
	}
	r->audit_open = 1;
	return 0;
}

static const char *json_str(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* The answer's result, with a token's secret taken out: the log never
 * holds one (a roll's result is the secret itself). */
static cJSON *logged_result(struct req *r, const struct audit_kind *k)
{
	cJSON *result = r->audit_result;

	r->audit_result = NULL;
	if (result && strcmp(k->product, "api_tokens") == 0) {
		if (cJSON_IsObject(result)) {
			cJSON_DeleteItemFromObjectCaseSensitive(result, "value");
		} else {
			cJSON_Delete(result);
			result = NULL;
		}
	}
	if (result && !cJSON_IsObject(result)) {
		cJSON *wrap = cJSON_CreateObject();
		cJSON_AddItemToObject(wrap, "result", result);
		result = wrap;
	}
	return result;
}

static const char *scope_of(const char *pattern)
{
	if (starts(pattern, "/organizations") || strcmp(pattern, "/accounts/move") == 0)
		return "organizations";
	if (starts(pattern, "/accounts"))
		return "accounts";
	if (starts(pattern, "/memberships") || starts(pattern, "/user/invites") ||
	    starts(pattern, "/user/organizations"))
		return "memberships";
	return "user";
}

static const char *context_of(enum cred_kind kind)
{
	switch (kind) {
	case CRED_KEY:
		return "api_key";
	case CRED_SERVICE_KEY:
		/* CF-API: the X-Auth-User-Service-Key is the Origin CA key */
		return "origin_ca_key";
	default:
		return "api_token";
	}
}

static int write_entry(struct req *r, const struct audit_kind *k, const char *pattern)
{
	const struct user *u = &r->user;
	struct audit_entry e;
	cJSON *result = logged_result(r, k);
	/* the request as it came: r->json parsed it, so it is JSON */
	const char *request = r->json ? r->body : NULL;
	char *response = result ? cJSON_PrintUnformatted(result) : NULL;
	char ray[ID_LEN + 1];
	const char *org = NULL;
	int i, rc;

	memset(&e, 0, sizeof(e));
	e.time_ms = clock_now_ms();
	e.action_type = k->action;
	if (!e.action_type)
		e.action_type = strcmp(r->method, "POST") == 0     ? "create"
				: strcmp(r->method, "DELETE") == 0 ? "delete"
								   : "update";
	e.description = k->description;
	e.result = "success";
	e.product = k->product;
	e.rtype = k->type;
	e.scope = scope_of(pattern);

	/* the resource: the id the answer gives, else the path's last */
	e.resource_id = json_str(result, "id");
	for (i = REQ_MAX_PARAMS - 1; !e.resource_id && i >= 0; i--)
		e.resource_id = r->params[i];

	/* whose logs it is in */
	if (r->audit_account[0]) {
		/* the name the change left, or for a deleted account its last */
		char *now = NULL;
		if (store_audit_logs_account_name(r->app->store, r->audit_account, &now) == STORE_OK) {
			free(r->audit_account_name);
			r->audit_account_name = now;
		}
		e.account_id = r->audit_account;
		e.account_name = r->audit_account_name;
	} else if (strcmp(pattern, "/accounts") == 0) {
		e.account_id = json_str(result, "id");
		e.account_name = json_str(result, "name");
	}
	if (starts(pattern, "/organizations/"))
		org = r->params[0];
	else if (strcmp(pattern, "/organizations") == 0)
		org = json_str(result, "id");
	else if (strcmp(pattern, "/accounts") == 0)
		org = json_str(cJSON_GetObjectItemCaseSensitive(r->json, "unit"), "id");
	else if (strstr(pattern, "/move"))
		org = json_str(r->json, "destination_organization_id");
	e.org_id = org;

	if (u->account_seq) {
		e.actor_id = u->account_id;
		e.actor_type = "account";
	} else {
		e.actor_id = u->id;
		e.actor_user = u->id;
		e.actor_type = "user";
		e.user_seq = u->seq;
	}
	e.actor_context = context_of(r->cred_kind);
	if (r->cred_kind == CRED_TOKEN && u->token_id[0]) {
		e.token_id = u->token_id;
		e.token_seq = u->token_seq;
	}
	e.ip = r->client_ip;
	e.method = r->method;
	e.uri = r->path + strlen(CF);
	e.status = r->status;
	ids_new(ray);
	ray[16] = '\0';
	e.ray_id = ray;
	e.user_agent = r->h_user_agent;
	e.request = request;
	e.response = response;
	rc = store_audit_logs_add(r->app->store, &e) == STORE_OK ? 0 : -1;
	free(response);
	cJSON_Delete(result);
	return rc;
}

void audit_end(struct req *r, const char *route)
{
	const char *pattern = route + strlen(CF);
	struct store *st = r->app->store;
	const struct audit_kind *k;

	if (!r->audit_open)
		return;
	r->audit_open = 0;
	if (r->status < 200 || r->status >= 300 || !store_audit_logs_changed(st)) {
		/* refused, or accepted with nothing to do (an Idempotency-Key
		 * replay, an answer given again): no change, no entry */
		store_audit_logs_end(st, 1);
		return;
	}
	if (!(k = kind_of(r, pattern)))
		BUG("no audit-log row for %s %s (src/audit.c)", r->method, route);
	if (write_entry(r, k, pattern) < 0) {
		store_audit_logs_end(st, 0);
		reply_unsaved(r);
		return;
	}
	if (store_audit_logs_end(st, 1) < 0)
		reply_unsaved(r);
}
