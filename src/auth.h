/* auth.h: credentials, read the way the live API reads them.
 *
 * Exactly one scheme is used, in this order: "Authorization: Bearer
 * TOKEN"; X-Auth-Email + X-Auth-Key; X-Auth-User-Service-Key. None: 400 /
 * 9106. Present but malformed: 400 / 6003 with an error_chain naming each
 * bad header (6111, 6102, 6103, 6104). Each well-formed credential is a
 * user, created on first use (--auth open), or must be one of the
 * fixtures' (--auth strict). */
#ifndef CFMOCK_AUTH_H
#define CFMOCK_AUTH_H

#include "errors.h"
#include "grants.h"
#include "req.h"
#include "store.h"

/* What an issued API token needs to reach a route (README "API tokens";
 * CONTRACT.md 12.3). Credentials that are not issued tokens (keys, service
 * keys, the tokens open mode makes) are their user, and reach what it
 * sees. An account-owned token has no user: the user-level kinds refuse
 * it as the live API does. */
enum route_perm {
	PERM_NONE = 0,    /* any valid credential (token verify, control) */
	PERM_USER,        /* the token's own user: 403 / 9109 */
	PERM_MEMBERSHIPS, /* the same, but an account-owned token gets 400 / 9106 */
	PERM_ACCOUNT,     /* the account of the route's first parameter: 403 / 10000 */
	PERM_ACCOUNT_TOKENS, /* the same, for the token endpoints: 403 / 9109 */
	PERM_ACCOUNTS,    /* GET /accounts: no check, the list shows what it reaches */
	PERM_ALL_ACCOUNTS, /* POST /accounts: every account (account.*): 403 / 9109 */
	PERM_ORG,         /* Organizations-API routes with no account: any grant */
};

struct credential {
	enum cred_kind kind;
	const char *secret; /* the token or key, borrowed from the request */
	const char *email;  /* for CRED_KEY */
};

/* The token of an "Authorization: Bearer TOKEN" header @h, or NULL. The
 * scheme is case-insensitive (RFC 9110 11.1): the control API's
 * --admin-token is read with this too. */
const char *auth_bearer(const char *h);

/* Reads the credentials of @r. 0: *out is set. -1: *out_top is the error to
 * answer (ERR_MISSING_AUTH or ERR_INVALID_HEADERS) and, for the latter,
 * @chain holds *out_n (at most 3) header errors. Touches no state. */
int auth_parse(const struct req *r, struct credential *out, enum err *out_top, enum err *chain,
	       int *out_n);

/* auth_parse, then finds (or, with --auth open, creates) the user: sets
 * r->user, or replies and returns -1. An unknown credential (strict) or a
 * token that is not active answers 403 / 10000. With @token_only (the
 * token verify endpoints) other credentials answer 400 / 1001 and a bad
 * token 401 / 1000, as the live API does. */
int auth_check_or_reply(struct req *r, int token_only);

/* After auth_check_or_reply(): whether the caller may use a route of kind
 * @perm reached through @groups (@has_groups 0: the document names none);
 * replies (403 / 9109 or 10000, 400 / 9106) and returns -1 if not. Sets
 * r->user.scope for an issued user token. Credentials that are not issued
 * tokens pass. */
int auth_permit_or_reply(struct req *r, enum route_perm perm, struct group_set groups,
			 int has_groups);

#endif
