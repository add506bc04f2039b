/* reply.h: Cloudflare's response envelope. Every answer cfmock gives goes
 * through exactly one of these functions, which set r->status and
 * r->reply_body; server.c only sends what they built.
 *
 * Success: {"success":true,"errors":[],"messages":[],"result":...}, plus
 * "result_info" on lists. Errors: {"success":false,"errors":[...],
 * "messages":[]} with "result":null except for operation errors on
 * Organizations-API routes (see errors.def for why).
 *
 * Every function that takes a cJSON tree consumes it, on every path. */
#ifndef CFMOCK_REPLY_H
#define CFMOCK_REPLY_H

#include <cjson/cJSON.h>
#include <stdint.h>

#include "errors.h"
#include "req.h"
#include "store.h"
#include "ui.h"

/* 200 with @result (consumed). */
void reply_ok(struct req *r, cJSON *result);
/* 200 with @result (consumed) and one item in "messages" (as the live
 * API's token verify sends: {code, message, type: null}). */
void reply_ok_message(struct req *r, cJSON *result, int code, const char *message);
/* 200 with the @items array (consumed) and the Organizations-API cursor
 * result_info: next_page_token (left out when @next_token is NULL) and
 * total_size. */
void reply_cursor_list(struct req *r, cJSON *items, const char *next_token, int64_t total);
/* 200 with the @items array (consumed) and the IAM page-number result_info. */
void reply_page_list(struct req *r, cJSON *items, int64_t page, int64_t per_page,
		     int64_t total);
/* 204, no body. */
void reply_no_content(struct req *r);
/* A plain JSON body (consumed) with @status, for cfmock's own /_cfmock API. */
void reply_json(struct req *r, int status, cJSON *body);

/* A file of the dashboard (ui.h): 200 with its bytes (copied), or, when
 * @not_modified (the client's If-None-Match is its ETag), 304 with none.
 * server.c sends it with its type, ETag and the page's security headers
 * (README "Dashboard"). */
void reply_asset(struct req *r, const struct ui_asset *a, int not_modified);

/* Answers @r with what @from was answered (its status, body and
 * headers, taken from it): GET /_cfmock/as/{user_id}. */
void reply_forward(struct req *r, struct req *from);

/* The error @e; its message is formatted with the arguments that follow. */
void reply_error(struct req *r, enum err e, ...);
/* As reply_error, with "source":{"pointer":@pointer} naming a body field
 * (RFC 6901, e.g. "/parent/id"). */
void reply_error_at(struct req *r, enum err e, const char *pointer, ...);
/* As reply_error, with "source":{"parameter":@param} naming a query
 * parameter. */
void reply_error_param(struct req *r, enum err e, const char *param, ...);
/* An error that is not in the catalogue: a fault the user injected with
 * /_cfmock/faults (status, code and message are theirs). */
void reply_injected(struct req *r, int status, int code, const char *message);
/* 400 with 7003 (naming the path) and 7000: what the live API answers for a
 * path that routes nowhere or an id of the wrong shape. */
void reply_no_route(struct req *r);
/* 400 / 6003 "Invalid request headers" with an error_chain of @n codes. */
void reply_bad_headers(struct req *r, const enum err *chain, int n);

/* Takes back the answer @r was given and answers 500 (1099) instead: the
 * group commit that was to save it failed, so what it said happened did
 * not (server.c). */
void reply_unsaved(struct req *r);

/* Answers a store failure: STORE_NOT_FOUND as "@what '@id' not found"
 * (@nf is that error), STORE_ERROR as a 500. */
void reply_store_error(struct req *r, enum store_rc rc, int nf, const char *id);

/* Answers a store failure on .../{id}/members/{member_id}: 404 with
 * @parent_nf for the organization or account, 1301 for the member. */
void reply_member_error(struct req *r, enum store_rc rc, enum err parent_nf);

#endif
