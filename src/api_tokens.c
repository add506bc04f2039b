/* api_tokens.c: the API token endpoints (CONTRACT.md 4.3): today the two
 * verify routes, GET /user/tokens/verify and
 * GET /accounts/{id}/tokens/verify, served by one handler. */
#include "api.h"

#include "reply.h"

/* The router has checked that the credential is an active API token
 * (ROUTE_TOKEN_ONLY). On the account route, the account must also be one
 * the token's user sees. */
void tokens_verify(struct req *r)
{
	cJSON *out;

	if (r->params[0] && account_visible_or_reply(r) < 0)
		return;
	out = cJSON_CreateObject();
	cJSON_AddStringToObject(out, "id", r->user.token_id);
	cJSON_AddStringToObject(out, "status", "active");
	/* CF-API: the live API's words, in "messages" */
	reply_ok_message(r, out, 10000, "This API Token is valid and active");
}
