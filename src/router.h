/* router.h: the route table's shape, matching and dispatch.
 *
 * A pattern is fixed segments and ":name" captures; a capture matches only
 * a cfmock id (32 lowercase hex), so an id of the wrong shape routes nowhere,
 * as on the live API. "*name" (cfmock's own API only) captures any segment. A path that matches no pattern answers 400 (7003 +
 * 7000); one that matches with another method answers 405 with Allow.
 * Before the handler runs, router_dispatch() does what the route's flags ask
 * for (credentials, JSON body), so handlers never repeat those checks. */
#ifndef CFMOCK_ROUTER_H
#define CFMOCK_ROUTER_H

#include "auth.h"
#include "req.h"

enum route_flags {
	ROUTE_AUTH = 1 << 0,          /* credentials required; sets r->user */
	ROUTE_JSON_BODY = 1 << 1,     /* body must be a JSON object; sets r->json */
	ROUTE_JSON_BODY_OPT = 1 << 2, /* as ROUTE_JSON_BODY, but no body is fine */
	ROUTE_ORG_API = 1 << 3,       /* Organizations-API family (error envelope) */
	ROUTE_TOKEN_ONLY = 1 << 4,    /* with ROUTE_AUTH: an API token is required */
	ROUTE_NO_ERROR_RESULT = 1 << 6, /* operation errors without "result" (v1 audit logs) */
	ROUTE_ADMIN = 1 << 5,         /* cfmock's control API: --admin-token, if set */
};

typedef void handler_fn(struct req *r);

struct route {
	const char *method;
	const char *pattern;
	handler_fn *handler;
	unsigned flags;
	enum route_perm perm;
	/* the permission groups that reach it, comma-separated, as the
	 * operation's x-api-token-group lists them (NULL: the document
	 * gives none, and any grant on the resource does);
	 * tests/http/check_permissions.py checks them against it */
	const char *groups;
};

/* THE route table, in routes.c. */
extern const struct route routes[];
extern const size_t routes_count;

/* Routes @r, runs the central checks its route's flags ask for, then its
 * handler. On return r->replied is set. */
void router_dispatch(struct req *r);

#endif
