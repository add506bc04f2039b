/* auth.c: see auth.h. The shapes of tokens, keys and emails are rules.c's. */
#include "auth.h"

#include <string.h>
#include <strings.h>

#include "app.h"
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

int auth_check_or_reply(struct req *r, int token_only)
{
	struct credential cred;
	enum err top, chain[3];
	enum store_rc rc;
	int n;

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
