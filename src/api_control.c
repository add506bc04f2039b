/* api_control.c: cfmock's own API under /_cfmock (not Cloudflare's): plain
 * JSON, no credentials. */
#include "api.h"

#include "app.h"
#include "clock.h"
#include "reply.h"

#ifndef CFMOCK_VERSION
#define CFMOCK_VERSION "unknown"
#endif

void control_health(struct req *r)
{
	cJSON *body = cJSON_CreateObject();

	cJSON_AddStringToObject(body, "status", "ok");
	cJSON_AddStringToObject(body, "version", CFMOCK_VERSION);
	cJSON_AddNumberToObject(body, "schema_version", store_schema_version(r->app->store));
	cJSON_AddNumberToObject(body, "uptime_ms", (double)(app_uptime_ms(r->app)));
	reply_json(r, 200, body);
}
