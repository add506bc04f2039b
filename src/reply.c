/* reply.c: see reply.h. The only place that writes an envelope. */
#include "reply.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

static void set_body(struct req *r, int status, cJSON *body)
{
	if (r->replied)
		BUG("second reply for %s %s", r->method, r->path);
	r->replied = 1;
	r->status = status;
	if (body) {
		/* every answer is UTF-8: what an answer echoes of a request
		 * (a method, a path, a journalled body) may not be */
		r->reply_body = cJSON_PrintUnformatted(body);
		r->reply_len = strlen(r->reply_body);
		r->reply_body = utf8_repair(r->reply_body, &r->reply_len);
		/* an accepted change's result goes on to its audit-log entry:
		 * kept here, it need not be parsed back out of the text */
		if (r->audit_open && status >= 200 && status < 300)
			r->audit_result = cJSON_DetachItemFromObjectCaseSensitive(body, "result");
		cJSON_Delete(body);
	}
}

static cJSON *envelope(int success)
{
	cJSON *env = cJSON_CreateObject();
	cJSON_AddBoolToObject(env, "success", success);
	cJSON_AddArrayToObject(env, "errors");
	cJSON_AddArrayToObject(env, "messages");
	return env;
}

static void attach(cJSON *parent, const char *key, cJSON *child)
{
	if (!cJSON_AddItemToObject(parent, key, child)) {
		cJSON_Delete(child);
		BUG("cannot attach '%s'", key);
	}
}

void reply_ok(struct req *r, cJSON *result)
{
	cJSON *env = envelope(1);
	attach(env, "result", result);
	set_body(r, 200, env);
}

void reply_ok_message(struct req *r, cJSON *result, int code, const char *message)
{
	cJSON *env = envelope(1), *m = cJSON_CreateObject();

	cJSON_AddNumberToObject(m, "code", code);
	cJSON_AddStringToObject(m, "message", message);
	cJSON_AddNullToObject(m, "type");
	cJSON_AddItemToArray(cJSON_GetObjectItemCaseSensitive(env, "messages"), m);
	attach(env, "result", result);
	set_body(r, 200, env);
}

void reply_cursor_list(struct req *r, cJSON *items, const char *next_token, int64_t total)
{
	cJSON *env = envelope(1), *info;

	attach(env, "result", items);
	info = cJSON_AddObjectToObject(env, "result_info");
	if (next_token)
		cJSON_AddStringToObject(info, "next_page_token", next_token);
	cJSON_AddNumberToObject(info, "total_size", (double)total);
	set_body(r, 200, env);
}

void reply_page_list(struct req *r, cJSON *items, int64_t page, int64_t per_page,
		     int64_t total)
{
	cJSON *env = envelope(1), *info;
	int count = cJSON_GetArraySize(items);

	attach(env, "result", items);
	info = cJSON_AddObjectToObject(env, "result_info");
	cJSON_AddNumberToObject(info, "page", (double)page);
	cJSON_AddNumberToObject(info, "per_page", (double)per_page);
	cJSON_AddNumberToObject(info, "count", count);
	cJSON_AddNumberToObject(info, "total_count", (double)total);
	cJSON_AddNumberToObject(info, "total_pages",
				(double)(total ? (total + per_page - 1) / per_page : 0));
	set_body(r, 200, env);
}

void reply_no_content(struct req *r)
{
	set_body(r, 204, NULL);
}

void reply_json(struct req *r, int status, cJSON *body)
{
	set_body(r, status, body);
}

static cJSON *error_item(enum err e, va_list ap)
{
	const struct err_info *info = err_info(e);
	cJSON *item = cJSON_CreateObject();
	char *msg = xvasprintf(info->message, ap);

	cJSON_AddNumberToObject(item, "code", info->code);
	cJSON_AddStringToObject(item, "message", msg);
	free(msg);
	return item;
}

/* Sends @errors (consumed), whose first item decides the status. @layer is
 * that of the first error. */
static void send_errors(struct req *r, int status, enum err_layer layer, cJSON *errors)
{
	cJSON *env = cJSON_CreateObject();

	cJSON_AddBoolToObject(env, "success", 0);
	attach(env, "errors", errors);
	cJSON_AddArrayToObject(env, "messages");
	/* CF-API: the IAM failure envelope requires "result": null; the
	 * Organizations-API V4ErrorResponse types "result" as a non-nullable
	 * object, and the v1 audit logs' failure allows only an array, so
	 * operation errors there leave it out. */
	if (layer == GW || !r->no_error_result)
		cJSON_AddNullToObject(env, "result");
	set_body(r, status, env);
}

void reply_injected(struct req *r, int status, int code, const char *message)
{
	cJSON *env = cJSON_CreateObject(), *item = cJSON_CreateObject();

	cJSON_AddBoolToObject(env, "success", 0);
	cJSON_AddNumberToObject(item, "code", code);
	cJSON_AddStringToObject(item, "message", message);
	cJSON_AddItemToArray(cJSON_AddArrayToObject(env, "errors"), item);
	cJSON_AddArrayToObject(env, "messages");
	cJSON_AddNullToObject(env, "result");
	set_body(r, status, env);
}

static void reply_error_plain(struct req *r, enum err e, va_list ap);

static void reply_error_source(struct req *r, enum err e, const char *key, const char *where,
			       va_list ap)
{
	cJSON *errors, *item;

	if (err_info(e)->layer == AAA) {
		reply_error_plain(r, e, ap);
		return;
	}
	errors = cJSON_CreateArray();
	item = error_item(e, ap);

	if (key) {
		cJSON *source = cJSON_AddObjectToObject(item, "source");
		cJSON_AddStringToObject(source, key, where);
	}
	cJSON_AddItemToArray(errors, item);
	send_errors(r, err_info(e)->status, err_info(e)->layer, errors);
}

/* An AAA error: {success: false, errors: [{message}], messages: []}. */
static void reply_error_plain(struct req *r, enum err e, va_list ap)
{
	cJSON *env = cJSON_CreateObject(), *item = cJSON_CreateObject();
	char *msg = xvasprintf(err_info(e)->message, ap);

	cJSON_AddBoolToObject(env, "success", 0);
	cJSON_AddStringToObject(item, "message", msg);
	free(msg);
	cJSON_AddItemToArray(cJSON_AddArrayToObject(env, "errors"), item);
	cJSON_AddArrayToObject(env, "messages");
	set_body(r, err_info(e)->status, env);
}

void reply_error(struct req *r, enum err e, ...)
{
	va_list ap;
	va_start(ap, e);
	reply_error_source(r, e, NULL, NULL, ap);
	va_end(ap);
}

void reply_error_at(struct req *r, enum err e, const char *pointer, ...)
{
	va_list ap;
	va_start(ap, pointer);
	reply_error_source(r, e, "pointer", pointer, ap);
	va_end(ap);
}

void reply_error_param(struct req *r, enum err e, const char *param, ...)
{
	va_list ap;
	va_start(ap, param);
	reply_error_source(r, e, "parameter", param, ap);
	va_end(ap);
}

static void add_error(cJSON *errors, enum err e, ...)
{
	va_list ap;
	va_start(ap, e);
	cJSON_AddItemToArray(errors, error_item(e, ap));
	va_end(ap);
}

void reply_no_route(struct req *r)
{
	cJSON *errors = cJSON_CreateArray();

	add_error(errors, ERR_NO_ROUTE_ID, r->path);
	add_error(errors, ERR_NO_ROUTE);
	send_errors(r, err_info(ERR_NO_ROUTE_ID)->status, GW, errors);
}

void reply_bad_headers(struct req *r, const enum err *chain, int n)
{
	cJSON *errors = cJSON_CreateArray(), *top, *list;
	int i;

	top = cJSON_CreateObject();
	cJSON_AddNumberToObject(top, "code", err_info(ERR_INVALID_HEADERS)->code);
	cJSON_AddStringToObject(top, "message", err_info(ERR_INVALID_HEADERS)->message);
	list = cJSON_AddArrayToObject(top, "error_chain");
	for (i = 0; i < n; i++)
		add_error(list, chain[i]);
	cJSON_AddItemToArray(errors, top);
	send_errors(r, err_info(ERR_INVALID_HEADERS)->status, GW, errors);
}

void reply_unsaved(struct req *r)
{
	free(r->reply_body);
	free(r->allow);
	r->reply_body = NULL;
	r->reply_len = 0;
	r->allow = NULL;
	r->retry_after = 0;
	r->replied = 0;
	reply_error(r, ERR_INTERNAL, "the database could not commit; nothing was saved (see the "
				     "server log)");
}

void reply_store_error(struct req *r, enum store_rc rc, int nf, const char *id)
{
	if (rc == STORE_NOT_FOUND)
		reply_error(r, (enum err)nf, id);
	else
		reply_error(r, ERR_INTERNAL, "the database failed; see the server log");
}

void reply_member_error(struct req *r, enum store_rc rc, enum err parent_nf)
{
	if (rc == STORE_NO_ITEM)
		reply_error(r, ERR_MEMBER_NOT_FOUND, req_param(r, 1));
	else
		reply_store_error(r, rc, parent_nf, req_param(r, 0));
}
