/* json.h: reading JSON strictly (request bodies and fixtures alike), and
 * the fields of request bodies. The *_or_reply functions have already
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
#include "util.h"

/* Why a text is not read: what json_parse_strict() refused. */
struct json_error {
	const char *rule; /* static: "trailing data after the JSON value" */
	size_t offset;    /* where in the text, from 0 (for a duplicate key: 0) */
	int line, column; /* the same place, from 1 (bytes) */
	char *pointer;    /* the value it is about, as an RFC 6901 pointer ("":
			   * the whole text), or NULL where the offset says more:
			   * a \u0000 names its string (or the object of its
			   * key), a duplicate key the object that holds it */
	char *key;        /* a duplicate key: the key (else NULL) */
};

/* The one JSON reader of cfmock: the @len bytes at @text must be exactly
 * one RFC 8259 value (see json.c) in UTF-8, nested at most 512 deep, with
 * no \u0000 and no key twice in an object. Returns the tree (caller
 * frees), or NULL with *@err filled in (release it with
 * json_error_release). */
cJSON *json_parse_strict(const char *text, size_t len, struct json_error *err);
void json_error_release(struct json_error *err);
/* Appends "/@key" to the pointer @sb, escaped as RFC 6901 says. */
void json_pointer_add(struct strbuf *sb, const char *key);

/* @v as one canonical text (caller frees): compact, every object's
 * members sorted by key (bytewise, so by code point), numbers and strings
 * as cJSON prints them. Two texts that read as the same JSON value (keys
 * in another order, other white space, "\u0041" for "A", 1.0 for 1) give
 * the same canonical text. */
char *json_canonical(const cJSON *v);

/* Parses r->body into r->json with json_parse_strict(): 400 / 6007 if it
 * refuses the text, 1002 if the text is not an object, 1007 for a key
 * given twice; a Content-Type, if given, must be application/json. With @optional an empty body is fine (r->json
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
