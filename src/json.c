/* json.c: see json.h. */
#include "json.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "reply.h"
#include "util.h"

/* 1 if the body holds the escape \u0000, which cJSON would decode into a
 * NUL that silently cuts the string short. */
static int has_nul_escape(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len; i++) {
		if (s[i] != '\\')
			continue;
		if (s[i + 1] == 'u' && i + 5 < len && memcmp(s + i + 2, "0000", 4) == 0)
			return 1;
		i++; /* skip the escaped character */
	}
	return 0;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Finds a key given twice in one object; returns it, or NULL. The live API
 * would keep one of the two silently, which hides a client bug. */
static const char *duplicate_key(const cJSON *node)
{
	const cJSON *child;
	const char *dup = NULL;

	if (cJSON_IsObject(node)) {
		int n = cJSON_GetArraySize(node), i = 0;
		const char **names;

		if (n > 1) {
			names = xmalloc((size_t)n * sizeof(*names));
			cJSON_ArrayForEach(child, node)
				names[i++] = child->string;
			qsort(names, (size_t)n, sizeof(*names), cmp_names);
			for (i = 1; i < n && !dup; i++)
				if (strcmp(names[i - 1], names[i]) == 0)
					dup = names[i];
			free(names);
			if (dup)
				return dup;
		}
	}
	if (cJSON_IsObject(node) || cJSON_IsArray(node)) {
		cJSON_ArrayForEach(child, node) {
			dup = duplicate_key(child);
			if (dup)
				return dup;
		}
	}
	return NULL;
}

/* 1 if @ct names JSON: application/json, or any type with a +json suffix,
 * parameters such as "; charset=utf-8" allowed. */
static int is_json_type(const char *ct)
{
	size_t len = strcspn(ct, ";");

	while (len && (ct[len - 1] == ' ' || ct[len - 1] == '\t'))
		len--;
	while (len && (*ct == ' ' || *ct == '\t'))
		ct++, len--;
	if (len == 16 && strncasecmp(ct, "application/json", 16) == 0)
		return 1;
	return len > 5 && strncasecmp(ct + len - 5, "+json", 5) == 0;
}

/* RFC 8259, strictly, where cJSON is lenient: whitespace is only space,
 * tab, CR and LF; strings hold no raw control characters and only the
 * listed escapes (\u with four hex digits); numbers have no leading zeros,
 * no bare '.', no '+'. Nesting deeper than JSON_DEPTH_MAX is refused too,
 * before cJSON's recursion sees it. */
#define JSON_DEPTH_MAX 512

struct scan {
	const char *p, *end;
};

static void ws(struct scan *s)
{
	while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' || *s->p == '\r' || *s->p == '\n'))
		s->p++;
}

static int lit(struct scan *s, const char *word)
{
	size_t n = strlen(word);
	if ((size_t)(s->end - s->p) < n || memcmp(s->p, word, n) != 0)
		return -1;
	s->p += n;
	return 0;
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int number(struct scan *s)
{
	if (s->p < s->end && *s->p == '-')
		s->p++;
	if (s->p >= s->end || !is_digit(*s->p))
		return -1;
	if (*s->p == '0')
		s->p++;
	else
		while (s->p < s->end && is_digit(*s->p))
			s->p++;
	if (s->p < s->end && *s->p == '.') {
		s->p++;
		if (s->p >= s->end || !is_digit(*s->p))
			return -1;
		while (s->p < s->end && is_digit(*s->p))
			s->p++;
	}
	if (s->p < s->end && (*s->p == 'e' || *s->p == 'E')) {
		s->p++;
		if (s->p < s->end && (*s->p == '+' || *s->p == '-'))
			s->p++;
		if (s->p >= s->end || !is_digit(*s->p))
			return -1;
		while (s->p < s->end && is_digit(*s->p))
			s->p++;
	}
	return 0;
}

static int string(struct scan *s)
{
	s->p++; /* the opening quote */
	while (s->p < s->end) {
		unsigned char c = (unsigned char)*s->p++;
		if (c == '"')
			return 0;
		if (c < 0x20)
			return -1;
		if (c == '\\') {
			if (s->p >= s->end)
				return -1;
			c = (unsigned char)*s->p++;
			if (c == 'u') {
				int i;
				for (i = 0; i < 4; i++, s->p++)
					if (s->p >= s->end || !strchr("0123456789abcdefABCDEF", *s->p) || !*s->p)
						return -1;
			} else if (!strchr("\"\\/bfnrt", c) || !c) {
				return -1;
			}
		}
	}
	return -1;
}

static int value(struct scan *s, int depth)
{
	ws(s);
	if (s->p >= s->end)
		return -1;
	switch (*s->p) {
	case '{':
	case '[': {
		char close = *s->p == '{' ? '}' : ']';
		int object = close == '}';

		if (depth >= JSON_DEPTH_MAX)
			return -1;
		s->p++;
		ws(s);
		if (s->p < s->end && *s->p == close) {
			s->p++;
			return 0;
		}
		for (;;) {
			if (object) {
				ws(s);
				if (s->p >= s->end || *s->p != '"' || string(s) < 0)
					return -1;
				ws(s);
				if (s->p >= s->end || *s->p != ':')
					return -1;
				s->p++;
			}
			if (value(s, depth + 1) < 0)
				return -1;
			ws(s);
			if (s->p >= s->end)
				return -1;
			if (*s->p == close) {
				s->p++;
				return 0;
			}
			if (*s->p != ',')
				return -1;
			s->p++;
		}
	}
	case '"':
		return string(s);
	case 't':
		return lit(s, "true");
	case 'f':
		return lit(s, "false");
	case 'n':
		return lit(s, "null");
	default:
		return number(s);
	}
}

/* 1 if the @len bytes at @text are one JSON value and nothing else. */
static int json_strict(const char *text, size_t len)
{
	struct scan s = { text, text + len };

	if (value(&s, 0) < 0)
		return 0;
	ws(&s);
	return s.p == s.end;
}

int json_body_or_reply(struct req *r, int optional)
{
	const char *end = NULL;
	const char *dup;
	size_t i;

	/* (strchr would take a NUL byte for whitespace: it finds the
	 * terminator) */
	for (i = 0; i < r->body_len && r->body[i] && strchr(" \t\r\n", r->body[i]); i++)
		;
	if (i == r->body_len) {
		if (optional)
			return 0;
		reply_error(r, ERR_MALFORMED_JSON);
		return -1;
	}
	/* CF-API: a JSON body sent as a form (curl -d without -H) answers
	 * 400 / 9207 "Content-type must be application/json." */
	if (r->h_content_type && !is_json_type(r->h_content_type)) {
		reply_error(r, ERR_BAD_CONTENT_TYPE);
		return -1;
	}
	if (memchr(r->body, '\0', r->body_len) || !utf8_valid(r->body, r->body_len) ||
	    has_nul_escape(r->body, r->body_len) || !json_strict(r->body, r->body_len)) {
		reply_error(r, ERR_MALFORMED_JSON);
		return -1;
	}
	r->json = cJSON_ParseWithLengthOpts(r->body, r->body_len, &end, 0);
	if (r->json) {
		while (end < r->body + r->body_len && strchr(" \t\r\n", *end))
			end++;
	}
	if (!r->json || end != r->body + r->body_len) {
		reply_error(r, ERR_MALFORMED_JSON);
		return -1;
	}
	if (!cJSON_IsObject(r->json)) {
		reply_error_at(r, ERR_FIELD_TYPE, "", "request body", "a JSON object");
		return -1;
	}
	dup = duplicate_key(r->json);
	if (dup) {
		reply_error(r, ERR_DUPLICATE_KEY, dup);
		return -1;
	}
	return 0;
}

const char *json_dotted(const char *pointer)
{
	static char buf[256];
	size_t i, n = 0;

	for (i = pointer[0] == '/' ? 1 : 0; pointer[i] && n + 1 < sizeof(buf); i++)
		buf[n++] = pointer[i] == '/' ? '.' : pointer[i];
	buf[n] = '\0';
	return buf;
}

static const char *last_segment(const char *pointer)
{
	const char *slash = strrchr(pointer, '/');
	return slash ? slash + 1 : pointer;
}

enum kind { K_STRING, K_OBJECT, K_ARRAY, K_BOOL };

static const char *kind_name(enum kind k)
{
	switch (k) {
	case K_STRING: return "a string";
	case K_OBJECT: return "an object";
	case K_ARRAY: return "an array";
	case K_BOOL: return "a boolean";
	}
	return "?";
}

static int kind_ok(const cJSON *item, enum kind k)
{
	switch (k) {
	case K_STRING: return cJSON_IsString(item);
	case K_OBJECT: return cJSON_IsObject(item);
	case K_ARRAY: return cJSON_IsArray(item);
	case K_BOOL: return cJSON_IsBool(item);
	}
	return 0;
}

static int member_or_reply(struct req *r, const cJSON *obj, const char *pointer, int required,
			   enum kind k, const cJSON **out)
{
	const cJSON *item = obj ? cJSON_GetObjectItemCaseSensitive(obj, last_segment(pointer)) : NULL;

	*out = NULL;
	if (!item || cJSON_IsNull(item)) {
		if (!required)
			return 0;
		reply_error_at(r, ERR_FIELD_REQUIRED, pointer, json_dotted(pointer));
		return -1;
	}
	if (!kind_ok(item, k)) {
		reply_error_at(r, ERR_FIELD_TYPE, pointer, json_dotted(pointer), kind_name(k));
		return -1;
	}
	*out = item;
	return 0;
}

int json_string_or_reply(struct req *r, const cJSON *obj, const char *pointer, int required,
			 const char **out)
{
	const cJSON *item;
	int rc = member_or_reply(r, obj, pointer, required, K_STRING, &item);
	*out = item ? item->valuestring : NULL;
	return rc;
}

int json_object_or_reply(struct req *r, const cJSON *obj, const char *pointer, int required,
			 const cJSON **out)
{
	return member_or_reply(r, obj, pointer, required, K_OBJECT, out);
}

int json_array_or_reply(struct req *r, const cJSON *obj, const char *pointer, int required,
			const cJSON **out)
{
	return member_or_reply(r, obj, pointer, required, K_ARRAY, out);
}

int json_bool_or_reply(struct req *r, const cJSON *obj, const char *pointer, int required,
		       int *out)
{
	const cJSON *item;
	int rc = member_or_reply(r, obj, pointer, required, K_BOOL, &item);
	*out = item ? cJSON_IsTrue(item) : -1;
	return rc;
}
