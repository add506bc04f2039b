/* api_memberships.c: the user's account memberships and invitations
 * (CONTRACT.md 10.1, 10.2, 12.1): /memberships and /user/invites, the
 * caller's view of the account members whose user it is. Another user's
 * membership answers 404, as one that does not exist. */
#include "api.h"

#include <string.h>

#include "json.h"
#include "paging.h"
#include "query.h"
#include "reply.h"

#include "app.h"

static void reply_membership_error(struct req *r, enum store_rc rc, const char *was)
{
	if (rc == STORE_CONFLICT)
		/* CF-API: changing an answered membership is not documented:
		 * cfmock refuses it (the same answer again is a no-op) */
		reply_error_at(r, ERR_FIELD_INVALID, "/status", "status",
			       !strcmp(was, "accepted") ? "the membership is accepted already"
							: "the membership is rejected already");
	else
		reply_store_error(r, rc, ERR_MEMBERSHIP_NOT_FOUND, req_param(r, 0));
}

static void list(struct req *r, int invites)
{
	static const char *const keys[] = { "status", "account.name", "name", "order",
					    "direction", NULL };
	struct membership_filter f;
	const char *v[5];
	int64_t page = 1, per_page = 50, total;
	cJSON *items = NULL;
	enum store_rc rc;

	memset(&f, 0, sizeof(f));
	f.invites = invites;
	if (!invites) {
		if (query_singles_or_reply(r, keys, v) < 0 || filters_or_reply(r, keys + 1, v + 1, 2) < 0 ||
		    param_or_reply(r, "status", v[0], rules_account_member_status_filter) < 0 ||
		    param_or_reply(r, "order", v[3], rules_membership_order) < 0 ||
		    param_or_reply(r, "direction", v[4], rules_direction) < 0 ||
		    paging_pages_or_reply(r, &page, &per_page) < 0)
			return;
		f.status = v[0];
		f.account_name = v[1] ? v[1] : v[2];
		f.order = v[3];
		f.desc = rules_direction_desc(v[4]);
	}
	/* CF-API: /user/invites takes no paging: one page of them all */
	rc = store_memberships_list(r->app->store, &r->user, &f, (page - 1) * per_page,
				    invites ? -1 : (int)per_page, &items, &total);
	if (rc != STORE_OK) {
		reply_store_error(r, rc, ERR_INTERNAL, "");
		return;
	}
	if (invites)
		reply_page_list(r, items, 1, total > 0 ? total : 1, total);
	else
		reply_page_list(r, items, page, per_page, total);
}

void memberships_list(struct req *r)
{
	list(r, 0);
}

void memberships_list_invites(struct req *r)
{
	list(r, 1);
}

static void get(struct req *r, int invite)
{
	cJSON *out = NULL;
	enum store_rc rc = store_memberships_get(r->app->store, &r->user, req_param(r, 0), invite,
						 &out);

	if (rc != STORE_OK) {
		reply_membership_error(r, rc, "");
		return;
	}
	reply_ok(r, out);
}

void memberships_get(struct req *r)
{
	get(r, 0);
}

void memberships_get_invite(struct req *r)
{
	get(r, 1);
}

static void update(struct req *r, int invite)
{
	const char *status;
	char was[16] = "";
	cJSON *out = NULL;
	enum store_rc rc;

	if (field_or_reply(r, r->json, "/status", 1, rules_membership_answer, &status) < 0)
		return;
	rc = store_memberships_update(r->app->store, &r->user, req_param(r, 0), invite, status,
				      &out, was);
	if (rc != STORE_OK) {
		reply_membership_error(r, rc, was);
		return;
	}
	reply_ok(r, out);
}

void memberships_update(struct req *r)
{
	update(r, 0);
}

void memberships_update_invite(struct req *r)
{
	update(r, 1);
}

/* CF-API: the document requires a body; SDK 7.3.0 sends none */
void memberships_delete(struct req *r)
{
	enum store_rc rc = store_memberships_delete(r->app->store, &r->user, req_param(r, 0));
	cJSON *out;

	if (rc != STORE_OK) {
		reply_membership_error(r, rc, "");
		return;
	}
	out = cJSON_CreateObject();
	cJSON_AddStringToObject(out, "id", req_param(r, 0));
	reply_ok(r, out);
}

/* The legacy /user/organizations (CONTRACT.md 10.6): the caller's
 * accepted and pending memberships as "organizations" (accounts), with
 * status "member" or "invited"; deprecated, still read by
 * python-cloudflare's cli4. */
void memberships_list_organizations(struct req *r)
{
	static const char *const keys[] = { "name", "status", "order", "direction", "match", NULL };
	struct membership_filter f;
	const char *v[5];
	int64_t page = 1, per_page = 20, total;
	cJSON *items = NULL;
	enum store_rc rc;

	memset(&f, 0, sizeof(f));
	if (query_singles_or_reply(r, keys, v) < 0 || filters_or_reply(r, keys, v, 1) < 0 ||
	    param_or_reply(r, "status", v[1], rules_legacy_org_status) < 0 ||
	    param_or_reply(r, "order", v[2], rules_legacy_org_order) < 0 ||
	    param_or_reply(r, "direction", v[3], rules_direction) < 0 ||
	    param_or_reply(r, "match", v[4], rules_match) < 0 ||
	    paging_pages_or_reply(r, &page, &per_page) < 0)
		return;
	f.legacy = 1;
	f.account_name = v[0];
	f.status = !v[1] ? NULL : strcmp(v[1], "member") == 0 ? "accepted" : "pending";
	f.order = v[2];
	f.desc = rules_direction_desc(v[3]);
	f.match_any = v[4] && strcmp(v[4], "any") == 0;
	rc = store_memberships_list(r->app->store, &r->user, &f, (page - 1) * per_page,
				    (int)per_page, &items, &total);
	if (rc != STORE_OK) {
		reply_store_error(r, rc, ERR_INTERNAL, "");
		return;
	}
	reply_page_list(r, items, page, per_page, total);
}

void memberships_get_organization(struct req *r)
{
	cJSON *out = NULL;
	enum store_rc rc = store_memberships_get_organization(r->app->store, &r->user,
							      req_param(r, 0), &out);

	if (rc != STORE_OK) {
		reply_store_error(r, rc, ERR_ORG_NOT_FOUND, req_param(r, 0));
		return;
	}
	reply_ok(r, out);
}

/* CF-API: the document requires a body with no schema; none is fine */
void memberships_delete_organization(struct req *r)
{
	enum store_rc rc = store_memberships_delete_organization(r->app->store, &r->user,
								 req_param(r, 0));
	cJSON *out;

	if (rc != STORE_OK) {
		reply_store_error(r, rc, ERR_ORG_NOT_FOUND, req_param(r, 0));
		return;
	}
	out = cJSON_CreateObject();
	cJSON_AddStringToObject(out, "id", req_param(r, 0));
	reply_ok(r, out);
}
