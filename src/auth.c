/* auth.c: see auth.h. */
#include "auth.h"

#include <string.h>
#include <strings.h>

#include "app.h"
#include "reply.h"
#include "util.h"

/* CF-API: an API token is 40 characters of letters, digits, '-' and '_';
 * cfmock takes any RFC 6750 b64token up to 1024 characters, so tests may use
 * readable tokens such as "team-a-token". */
static int token_ok(const char *t)
{
	size_t n = strlen(t), i = 0;

	if (n == 0 || n > 1024)
		return 0;
	for (; i < n; i++) {
		char c = t[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      strchr("-._~+/", c)))
			break;
	}
	while (i < n && t[i] == '=') /* trailing padding only */
		i++;
	return i == n;
}

/* CF-API: a Global API Key is 37 lowercase hex characters; the docs'
 * examples use 32 (144c9defac04969c7bfad8efaa8ea194). Both are accepted. */
static int key_ok(const char *k)
{
	size_t n = strlen(k);
	return (n == 32 || n == 37) && is_lower_hex(k, n);
}

static int email_ok(const char *e)
{
	const char *at = strchr(e, '@');
	size_t n = strlen(e), i;

	if (!at || at == e || !at[1] || strchr(at + 1, '@') || n > 254)
		return 0;
	for (i = 0; i < n; i++)
		if ((unsigned char)e[i] <= ' ' || e[i] == 0x7f)
			return 0;
	return 1;
}

static int service_key_ok(const char *k)
{
	size_t n = strlen(k), i;

	if (n == 0 || n > 1024)
		return 0;
	for (i = 0; i < n; i++)
		if ((unsigned char)k[i] <= ' ' || k[i] == 0x7f)
			return 0;
	return 1;
}

int auth_parse(const struct req *r, struct credential *out, enum err *out_top, enum err *chain,
	       int *out_n)
{
	*out_n = 0;
	*out_top = ERR_INVALID_HEADERS;
	if (r->h_authorization) {
		const char *v = r->h_authorization;
		if (strncasecmp(v, "Bearer ", 7) == 0) {
			v += 7;
			while (*v == ' ')
				v++;
			if (token_ok(v)) {
				out->kind = CRED_TOKEN;
				out->secret = v;
				out->email = NULL;
				return 0;
			}
		}
		chain[(*out_n)++] = ERR_BAD_AUTHZ_HEADER;
		return -1;
	}
	if (r->h_auth_email || r->h_auth_key) {
		if (r->h_auth_email && !email_ok(r->h_auth_email))
			chain[(*out_n)++] = ERR_BAD_EMAIL_HEADER;
		if (r->h_auth_key && !key_ok(r->h_auth_key))
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
		if (!service_key_ok(r->h_service_key)) {
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
