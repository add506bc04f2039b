/* auth.c: see auth.h. The shapes of tokens, keys and emails are rules.c's. */
#include "auth.h"

#include <string.h>
#include <strings.h>

#include "app.h"
#include "clock.h"
#include "reply.h"
#include "rules.h"
#include "util.h"

const char *auth_bearer(const char *h)
{
	if (!h || strncasecmp(h, "Bearer ", 7) != 0)
		return NULL;
	h += 7;
	while (*h == ' ')
		h++;
	return h;
}

int auth_parse(const struct req *r, struct credential *out, enum err *out_top, enum err *chain,
	       int *out_n)
{
	*out_n = 0;
	*out_top = ERR_INVALID_HEADERS;
	if (r->h_authorization) {
		const char *v = auth_bearer(r->h_authorization);
		if (v && !rules_api_token(v)) {
			out->kind = CRED_TOKEN;
			out->secret = v;
			out->email = NULL;
			return 0;
		}
		chain[(*out_n)++] = ERR_BAD_AUTHZ_HEADER;
		return -1;
	}
	if (r->h_auth_email || r->h_auth_key) {
		if (r->h_auth_email && rules_user_email(r->h_auth_email))
			chain[(*out_n)++] = ERR_BAD_EMAIL_HEADER;
		if (r->h_auth_key && rules_api_key(r->h_auth_key))
			chain[(*out_n)++] = ERR_BAD_KEY_HEADER;
		if (*out_n)
			return -1;
		if (r->h_auth_email && r->h_auth_key) {
			out->kind = CRED_KEY;
			out->secret = r->h_auth_key;
			out->email = r->h_auth_email;
			return 0;
		}
		/* one of the pair alone is as good as none */
		*out_top = ERR_MISSING_AUTH;
		return -1;
	}
	if (r->h_service_key) {
		if (rules_service_key(r->h_service_key)) {
			chain[(*out_n)++] = ERR_BAD_SERVICE_KEY;
			return -1;
		}
		out->kind = CRED_SERVICE_KEY;
		out->secret = r->h_service_key;
		out->email = NULL;
		return 0;
	}
	*out_top = ERR_MISSING_AUTH;
	return -1;
}

/* A secret cfmock issued (README "API tokens"): 1 with *out_rc STORE_OK
 * when it authenticates @r (r->user and r->grants set), STORE_CONFLICT when
 * it may not now (disabled, expired, not yet valid, or from outside its
 * request_ip condition); 0 when no issued token has it; -1 on a store
 * failure. */
static int issued_token(struct req *r, const char *secret, enum store_rc *out_rc)
{
	struct token_auth t;
	enum store_rc rc = store_tokens_resolve(r->app->store, secret, &t);
	int64_t now;

	if (rc == STORE_NOT_FOUND)
		return 0;
	if (rc == STORE_CONFLICT) {
		*out_rc = STORE_CONFLICT;
		return 1;
	}
	if (rc != STORE_OK)
		return -1;
	now = clock_now_ms();
	*out_rc = STORE_CONFLICT;
	/* CF-API: "not_before: The time before which the token MUST NOT be
	 * accepted", "expires_on: ... on or after which ... MUST NOT be
	 * accepted" */
	if (t.active && now >= t.not_before && now < t.expires_on &&
	    grants_ip_allowed(r->client_ip, t.ip_in, t.ip_not_in)) {
		struct user *u = &r->user;

		memset(u, 0, sizeof(*u));
		u->seq = t.user_seq;
		memcpy(u->id, t.user_id, sizeof(u->id));
		u->tenant_admin = t.tenant_admin;
		memcpy(u->token_id, t.id, sizeof(u->token_id));
		u->token_seq = t.seq;
		u->account_seq = t.account_seq;
		memcpy(u->account_id, t.account_id, sizeof(u->account_id));
		r->grants = t.grants;
		r->grants_len = t.grants_len;
		r->token_not_before = t.not_before;
		r->token_expires_on = t.expires_on;
		t.grants = NULL;
		*out_rc = STORE_OK;
		/* last_used_on, to the second: a token used in a loop does not
		 * make each of its reads a write */
		if (now - t.last_used_ms >= 1000 &&
		    store_tokens_touch(r->app->store, t.seq, now) != STORE_OK)
			*out_rc = STORE_ERROR;
	}
	token_auth_release(&t);
	return *out_rc == STORE_ERROR ? -1 : 1;
}

int auth_permit_or_reply(struct req *r, enum route_perm perm, struct group_set groups,
			 int has_groups)
{
	const struct user *u = &r->user;
	struct group_set held;
	const char *account;
	int account_owned = u->account_seq != 0, ok;

	if (!u->token_seq || perm == PERM_NONE)
		return 0;
	if (!account_owned) {
		grants_account_scope(r->grants, r->grants_len, &r->scope);
		r->user.scope = &r->scope;
	}
	switch (perm) {
	case PERM_USER:
	case PERM_MEMBERSHIPS:
		/* CF-API: an account-owned token has no user: /memberships
		 * answers 400 / 9106, the rest of the user's endpoints 9109
		 * (CONTRACT.md 13) */
		if (account_owned) {
			reply_error(r, perm == PERM_MEMBERSHIPS ? ERR_NO_USER_IDENTITY : ERR_UNAUTHORIZED);
			return -1;
		}
		held = grants_on_user(r->grants, r->grants_len);
		ok = has_groups ? group_set_meets(held, groups) : !group_set_empty(held);
		if (!ok)
			reply_error(r, perm == PERM_MEMBERSHIPS ? ERR_AUTH_ERROR : ERR_UNAUTHORIZED);
		return ok ? 0 : -1;
	case PERM_ACCOUNT:
	case PERM_ACCOUNT_TOKENS:
		account = r->params[0];
		if (account_owned && strcmp(account, u->account_id) != 0)
			ok = 0;
		else {
			held = grants_on_account(r->grants, r->grants_len, account);
			ok = has_groups ? group_set_meets(held, groups) : !group_set_empty(held);
		}
		if (!ok)
			reply_error(r, perm == PERM_ACCOUNT ? ERR_AUTH_ERROR : ERR_UNAUTHORIZED);
		return ok ? 0 : -1;
	case PERM_ACCOUNTS:
		return 0;
	case PERM_ALL_ACCOUNTS:
		ok = !account_owned &&
		     !group_set_empty(grants_on_account(r->grants, r->grants_len, NULL));
		if (!ok)
			reply_error(r, ERR_UNAUTHORIZED);
		return ok ? 0 : -1;
	case PERM_ORG:
		ok = !account_owned && grants_any(r->grants, r->grants_len);
		if (!ok)
			reply_error(r, ERR_AUTH_ERROR);
		return ok ? 0 : -1;
	default:
		return 0;
	}
}

int auth_check_or_reply(struct req *r, int token_only)
{
	struct credential cred;
	enum err top, chain[3];
	enum store_rc rc;
	int n;

	/* the control API's view as a user: as with its email and key */
	if (r->as_user) {
		if (token_only) {
			reply_error(r, ERR_MISSING_AUTHZ);
			return -1;
		}
		r->user = *r->as_user;
		r->cred_kind = CRED_KEY;
		return 0;
	}
	if (auth_parse(r, &cred, &top, chain, &n) < 0) {
		if (top == ERR_INVALID_HEADERS)
			reply_bad_headers(r, chain, n);
		else
			reply_error(r, top);
		return -1;
	}
	/* CF-API: the verify endpoints answer other credentials with 400 /
	 * 1001 'Missing "Authorization" header' */
	if (token_only && cred.kind != CRED_TOKEN) {
		reply_error(r, ERR_MISSING_AUTHZ);
		return -1;
	}
	r->cred_kind = cred.kind;
	if (cred.kind == CRED_TOKEN) {
		int ok = issued_token(r, cred.secret, &rc);
		if (ok < 0) {
			reply_error(r, ERR_INTERNAL, "cannot resolve the credentials");
			return -1;
		}
		if (ok > 0) {
			if (rc == STORE_OK)
				return 0;
			reply_error(r, token_only ? ERR_INVALID_TOKEN : ERR_AUTH_ERROR);
			return -1;
		}
	}
	rc = store_users_resolve(r->app->store, cred.kind, cred.secret, cred.email,
				 r->app->cfg->auth_strict, &r->user);
	if (rc == STORE_NOT_FOUND || rc == STORE_CONFLICT) {
		/* CF-API: 403 / 10000 "Authentication error" for credentials
		 * that are well-formed but not accepted; 401 / 1000 "Invalid
		 * API Token" from the verify endpoints */
		reply_error(r, token_only ? ERR_INVALID_TOKEN : ERR_AUTH_ERROR);
		return -1;
	}
	if (rc != STORE_OK) {
		reply_error(r, ERR_INTERNAL, "cannot resolve the credentials");
		return -1;
	}
	return 0;
}
