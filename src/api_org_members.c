/* api_org_members.c: /organizations/{id}/members (CONTRACT.md 4.1, the
 * Organizations-API family). Validation here, state in store_org_members_*. */
#include "api.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "paging.h"
#include "query.h"
#include "reply.h"
#include "util.h"

#include "app.h"

/* distinct status filters kept (there are only four statuses) */
#define MAX_STATUS_FILTERS 8

/* One {"user": {"email"}, "status"?} at @pointer (the object @m). */
static int member_or_reply(struct req *r, const cJSON *m, const char *pointer,
			   struct org_member_new *out)
{
	const cJSON *user;
	char ptr[64];

	memset(out, 0, sizeof(*out));
	snprintf(ptr, sizeof(ptr), "%s/user", pointer);
	if (json_object_or_reply(r, m, ptr, 1, &user) < 0)
		return -1;
	snprintf(ptr, sizeof(ptr), "%s/user/email", pointer);
	if (field_or_reply(r, user, ptr, 1, rules_org_member_email, &out->email) < 0)
		return -1;
	snprintf(ptr, sizeof(ptr), "%s/status", pointer);
	if (field_or_reply(r, m, ptr, 0, rules_org_member_status, &out->status) < 0)
		return -1;
	if (!out->status)
		out->status = rules_org_member_status_default;
	return 0;
}

/* Adds @n members and answers; @pointers name each entry for errors. */
static void add_and_reply(struct req *r, const struct org_member_new *m, int n,
			  const char *const *pointers, int single)
{
	const char *id = req_param(r, 0);
	cJSON *out = NULL;
	int bad = -1, i;
	enum store_rc rc;

	/* an email twice in one batch is refused up front, naming the second */
	for (i = 1; i < n; i++) {
		int j;
		for (j = 0; j < i; j++) {
			if (rules_email_same(m[i].email, m[j].email)) {
				char *ptr = xasprintf("%s/user/email", pointers[i]);
				reply_error_at(r, ERR_ALREADY_MEMBER, ptr, m[i].email,
					       "this batch (listed twice)");
				free(ptr);
				return;
			}
		}
	}
	rc = store_org_members_create(r->app->store, &r->user, id, m, n, &out, &bad);
	if (rc == STORE_CONFLICT && bad >= 0) {
		char *ptr = xasprintf("%s/user/email", pointers[bad]);
		char *where = xasprintf("organization '%s'", id);
		reply_error_at(r, ERR_ALREADY_MEMBER, ptr, m[bad].email, where);
		free(where);
		free(ptr);
		return;
	}
	if (rc != STORE_OK) {
		reply_store_error(r, rc, ERR_ORG_NOT_FOUND, id);
		return;
	}
	if (single) {
		cJSON *first = cJSON_DetachItemFromArray(out, 0);
		cJSON_Delete(out);
		out = first;
	}
	reply_ok(r, out);
}

void org_members_create(struct req *r)
{
	static const char *const pointers[] = { "/member" };
	struct org_member_new m;
	const cJSON *member;

	if (json_object_or_reply(r, r->json, "/member", 1, &member) < 0 ||
	    member_or_reply(r, member, "/member", &m) < 0)
		return;
	add_and_reply(r, &m, 1, pointers, 1);
}

void org_members_batch_create(struct req *r)
{
	struct org_member_new m[RULES_MEMBERS_BATCH_MAX];
	char ptrs[RULES_MEMBERS_BATCH_MAX][24];
	const char *pointers[RULES_MEMBERS_BATCH_MAX];
	const cJSON *arr, *item;
	int n = 0;

	if (json_array_or_reply(r, r->json, "/members", 1, &arr) < 0 ||
	    count_or_reply(r, "/members", cJSON_GetArraySize(arr), rules_members_batch_count) < 0)
		return;
	cJSON_ArrayForEach(item, arr) {
		snprintf(ptrs[n], sizeof(ptrs[n]), "/members/%d", n);
		pointers[n] = ptrs[n];
		if (!cJSON_IsObject(item)) {
			reply_error_at(r, ERR_FIELD_TYPE, ptrs[n], json_dotted(ptrs[n]), "an object");
			return;
		}
		if (member_or_reply(r, item, ptrs[n], &m[n]) < 0)
			return;
		n++;
	}
	add_and_reply(r, m, n, pointers, 0);
}

void org_members_get(struct req *r)
{
	cJSON *out = NULL;
	enum store_rc rc = store_org_members_get(r->app->store, &r->user, req_param(r, 0),
						 req_param(r, 1), &out);
	if (rc != STORE_OK) {
		reply_member_error(r, rc, ERR_ORG_NOT_FOUND);
		return;
	}
	reply_ok(r, out);
}

void org_members_delete(struct req *r)
{
	const char *member_id = req_param(r, 1), *given;
	enum store_rc rc;

	/* CF-API: the spec requires a body {"member_id"} repeating the path;
	 * the official SDK sends none. Both are taken; a body that names
	 * another member is refused. */
	if (r->json) {
		if (json_string_or_reply(r, r->json, "/member_id", 1, &given) < 0)
			return;
		if (strcmp(given, member_id) != 0) {
			reply_error_at(r, ERR_FIELD_INVALID, "/member_id", "member_id",
				       "must be the member id of the path");
			return;
		}
	}
	rc = store_org_members_delete(r->app->store, &r->user, req_param(r, 0), member_id);
	if (rc != STORE_OK) {
		reply_member_error(r, rc, ERR_ORG_NOT_FOUND);
		return;
	}
	/* CF-API: 204, no body */
	reply_no_content(r);
}

void org_members_list(struct req *r)
{
	static const char *const filters[] = {
		"status", "user.email", "user.email.contains", "user.email.startsWith",
		"user.email.endsWith", NULL,
	};
	const char *statuses[MAX_STATUS_FILTERS];
	struct org_member_filter f;
	struct cursor c;
	cJSON *items = NULL;
	char *next = NULL;
	int64_t last, total;
	int more, i;
	size_t q;
	enum store_rc rc;

	memset(&f, 0, sizeof(f));
	if (query_singles_or_reply(r, filters + 1, f.email) < 0 ||
	    filters_or_reply(r, filters + 1, f.email, 4) < 0)
		return;
	/* CF-API: status is an array filter: status=active&status=pending */
	for (q = 0; q < r->nquery; q++) {
		const char *v = r->query[q].value;
		if (strcmp(r->query[q].key, "status") != 0)
			continue;
		if (param_or_reply(r, "status", v, rules_org_member_status_filter) < 0)
			return;
		for (i = 0; i < f.nstatuses && strcmp(statuses[i], v) != 0; i++)
			;
		if (i == f.nstatuses && f.nstatuses < MAX_STATUS_FILTERS)
			statuses[f.nstatuses++] = v;
	}
	if (f.nstatuses)
		f.statuses = statuses;
	if (paging_cursor_or_reply(r, filters, &c) < 0)
		return;
	rc = store_org_members_list(r->app->store, &r->user, req_param(r, 0), &f, c.after, c.limit,
				    &items, &last, &more, &total);
	paging_cursor_release(&c);
	if (rc != STORE_OK) {
		reply_store_error(r, rc, ERR_ORG_NOT_FOUND, req_param(r, 0));
		return;
	}
	if (more)
		next = paging_next_token(r, &c, last, NULL);
	reply_cursor_list(r, items, next, total);
	free(next);
}
