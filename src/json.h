/* json.h: reading request bodies. The *_or_reply functions have already
 * replied with a Cloudflare error (naming the field, with source.pointer)
 * when they return -1; the caller just returns.
 *
 * A field is named by its JSON pointer ("/parent/id"); messages show it
 * dotted ('parent.id'). Pointers into r->json stay valid until the request
 * is freed. Unknown fields are ignored, as on the live API. */
#ifndef CFMOCK_JSON_H
#define CFMOCK_JSON_H

#include <cjson/cJSON.h>

#include "req.h"

/* Parses r->body into r->json. The body must be a JSON object, in UTF-8,
 * with no duplicate keys and no NUL characters; a Content-Type, if given,
 * must be application/json. With @optional an empty body is fine (r->json
 * stays NULL). */
int json_body_or_reply(struct req *r, int optional);

/* The member at @pointer's last segment inside @obj (which is the object
 * the pointer's parent names). Absent or null, with !@required: 0 and *out
 * = NULL. Wrong type, or absent when @required: replies, returns -1. */
int json_string_or_reply(struct req *r, const cJSON *obj, const char *pointer, int required,
			 const char **out);
int json_object_or_reply(struct req *r, const cJSON *obj, const char *pointer, int required,
			 const cJSON **out);
int json_array_or_reply(struct req *r, const cJSON *obj, const char *pointer, int required,
			const cJSON **out);
/* 'parent.id' for "/parent/id": a field's name in messages, in a static
 * buffer good until the next call (cfmock serves from one thread). */
const char *json_dotted(const char *pointer);

/* For booleans *out is -1 when absent. */
int json_bool_or_reply(struct req *r, const cJSON *obj, const char *pointer, int required,
		       int *out);

#endif
