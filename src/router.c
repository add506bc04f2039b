/* router.c: see router.h. Linear over the route table: with a few dozen
 * routes that costs less than one SQLite statement. */
#include "router.h"

#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "audit.h"
#include "auth.h"
#include "json.h"
#include "reply.h"
#include "util.h"

#define MAX_SEGMENTS 16

/* Splits @p ("/a/b/c") in place into segments. Returns their number, or -1
 * if there are too many or one is empty: a doubled or trailing slash routes
 * nowhere, as on the live API. */
static int split(char *p, char **seg, int max)
{
	int n = 0;

	if (*p != '/')
		return -1;
	for (;;) {
		char *start = ++p;
		while (*p && *p != '/')
			p++;
		if (p == start || n == max)
			return -1;
		seg[n++] = start;
		if (!*p)
			return n;
		*p = '\0';
	}
}

/* 1 if the @n segments match @pattern; captures go to @params. */
static int match(const char *pattern, char **seg, int n, const char **params)
{
	const char *p = pattern;
	int i = 0, np = 0;

	while (*p == '/') {
		const char *start = ++p;
		size_t len;

		while (*p && *p != '/')
			p++;
		len = (size_t)(p - start);
		if (i == n)
			return 0;
		if (start[0] == ':' || start[0] == '*') {
			if ((start[0] == ':' && !is_hex_id(seg[i])) || np == REQ_MAX_PARAMS)
				return 0;
			params[np++] = seg[i];
		} else if (strlen(seg[i]) != len || memcmp(seg[i], start, len) != 0) {
			return 0;
		}
		i++;
	}
	return i == n;
}

/* --admin-token given: the control API needs "Authorization: Bearer" it. */
static int admin_ok(const struct req *r)
{
	const char *want = r->app->cfg->admin_token, *token = auth_bearer(r->h_authorization);

	if (!want)
		return 1;
	return token && strcmp(token, want) == 0;
}

static void allow_add(struct strbuf *allow, const char *method)
{
	const char *p = allow->buf;
	size_t len = strlen(method);

	while (p && *p) {
		if (strncmp(p, method, len) == 0 && (p[len] == ',' || p[len] == '\0'))
			return;
		p = strchr(p, ',');
		p = p ? p + 2 : NULL;
	}
	if (allow->len)
		strbuf_adds(allow, ", ");
	strbuf_adds(allow, method);
}

/* The set of the route's groups, made once per route (the server is one
 * thread). */
static struct group_set route_groups(const struct route *rt)
{
	static struct group_set *sets;
	static unsigned char *made;
	size_t i = (size_t)(rt - routes);

	if (!sets) {
		sets = xcalloc(routes_count, sizeof(*sets));
		made = xcalloc(routes_count, 1);
	}
	if (!made[i]) {
		sets[i] = group_set_of_names(rt->groups);
		made[i] = 1;
	}
	return sets[i];
}

void router_dispatch(struct req *r)
{
	char *seg[MAX_SEGMENTS];
	const char *params[REQ_MAX_PARAMS];
	const char *method = strcmp(r->method, "HEAD") == 0 ? "GET" : r->method;
	struct strbuf allow = STRBUF_INIT;
	const struct route *found = NULL;
	size_t i;
	int n, audited;

	r->path_buf = xstrdup(r->path);
	n = split(r->path_buf, seg, MAX_SEGMENTS);
	for (i = 0; n > 0 && i < routes_count && !found; i++) {
		memset(params, 0, sizeof(params));
		if (!match(routes[i].pattern, seg, n, params))
			continue;
		if (strcmp(routes[i].method, method) == 0) {
			found = &routes[i];
			memcpy(r->params, params, sizeof(params));
		} else {
			allow_add(&allow, routes[i].method);
		}
	}
	if (!found) {
		if (allow.len) {
			reply_error(r, ERR_METHOD_NOT_ALLOWED, r->method, r->path);
			r->allow = strbuf_detach(&allow, NULL);
		} else {
			reply_no_route(r);
		}
		return;
	}
	strbuf_release(&allow);
	r->route = found;
	r->no_error_result = (found->flags & (ROUTE_ORG_API | ROUTE_NO_ERROR_RESULT)) != 0;
	if (r->query_bad) {
		reply_error_param(r, ERR_PARAM_INVALID, "*", "*", r->query_bad);
		return;
	}
	if ((found->flags & ROUTE_ADMIN) && !admin_ok(r)) {
		reply_error(r, ERR_ADMIN_TOKEN);
		return;
	}
	if ((found->flags & ROUTE_AUTH) &&
	    auth_check_or_reply(r, (found->flags & ROUTE_TOKEN_ONLY) != 0) < 0)
		return;
	if ((found->flags & ROUTE_AUTH) &&
	    auth_permit_or_reply(r, found->perm, route_groups(found), found->groups != NULL) < 0)
		return;
	if ((found->flags & (ROUTE_JSON_BODY | ROUTE_JSON_BODY_OPT)) &&
	    json_body_or_reply(r, !!(found->flags & ROUTE_JSON_BODY_OPT)) < 0)
		return;
	/* a change on /client/v4 and its audit-log entry share a savepoint */
	audited = (found->flags & ROUTE_AUTH) && strcmp(method, "GET") != 0 &&
		  strncmp(found->pattern, "/client/v4/", 11) == 0;
	if (audited && audit_begin_or_reply(r, found->pattern) < 0)
		return;
	found->handler(r);
	if (!r->replied)
		BUG("handler for %s %s set no reply", found->method, found->pattern);
	if (audited)
		audit_end(r, found->pattern);
}
