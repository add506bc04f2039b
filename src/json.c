/* json.c: see json.h. */
#include "json.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "reply.h"
#include "util.h"

/* RFC 8259, strictly, where cJSON is lenient: whitespace is only space,
 * tab, CR and LF; strings are UTF-8 with no raw control characters and only
 * the listed escapes (\u with four hex digits), and never \u0000, which
 * cJSON would decode into a NUL that silently cuts the string short;
 * numbers have no leading zeros, no bare '.', no '+'; one value and nothing
 * after it. Nesting deeper than JSON_DEPTH_MAX is refused too, before
 * cJSON's recursion sees it.
 *
 * The scanner keeps the path to the value it reads (raw key spans and
 * array indexes, one per level), so that a \u0000 can be named by its JSON
 * pointer; the keys are decoded only when that happens. */
#define JSON_DEPTH_MAX 512
#define STR_(x) #x
#define STR(x) STR_(x)

struct seg {
	const char *key; /* the raw key, quotes included; NULL: an array index */
	size_t klen;
	int index;
};

struct scan {
	const char *text, *p, *end;
	const char *why; /* the rule broken (NULL: none yet) */
	const char *at;  /* where */
	int nul_depth;   /* a \u0000: the levels of the path that name it (else -1) */
	struct seg seg[JSON_DEPTH_MAX];
};

static int fail(struct scan *s, const char *at, const char *why)
{
	if (!s->why) {
		s->why = why;
		s->at = at;
	}
	return -1;
}

static void ws(struct scan *s)
{
	while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' || *s->p == '\r' || *s->p == '\n'))
		s->p++;
}

static int lit(struct scan *s, const char *word)
{
	size_t n = strlen(word);
	if ((size_t)(s->end - s->p) < n || memcmp(s->p, word, n) != 0)
		return fail(s, s->p, "not valid JSON: expected a value");
	s->p += n;
	return 0;
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int number(struct scan *s)
{
	const char *start = s->p;

	if (s->p < s->end && *s->p == '-')
		s->p++;
	if (s->p >= s->end || !is_digit(*s->p))
		return fail(s, start, "not valid JSON: expected a value");
	if (*s->p == '0')
		s->p++;
	else
		while (s->p < s->end && is_digit(*s->p))
			s->p++;
	if (s->p < s->end && *s->p == '.') {
		s->p++;
		if (s->p >= s->end || !is_digit(*s->p))
			return fail(s, start, "not valid JSON: malformed number");
		while (s->p < s->end && is_digit(*s->p))
			s->p++;
	}
	if (s->p < s->end && (*s->p == 'e' || *s->p == 'E')) {
		s->p++;
		if (s->p < s->end && (*s->p == '+' || *s->p == '-'))
			s->p++;
		if (s->p >= s->end || !is_digit(*s->p))
			return fail(s, start, "not valid JSON: malformed number");
		while (s->p < s->end && is_digit(*s->p))
			s->p++;
	}
	return 0;
}

/* The string at s->p; @depth levels of the path name it (a key: its
 * object). */
static int string(struct scan *s, int depth, int key)
{
	const char *start = s->p++; /* the opening quote */

	while (s->p < s->end) {
		const char *at = s->p;
		unsigned char c = (unsigned char)*s->p++;

		if (c == '"') {
			if (!utf8_valid(start + 1, (size_t)(at - start - 1)))
				return fail(s, start, "not valid UTF-8");
			return 0;
		}
		if (c < 0x20)
			return fail(s, at, "not valid JSON: a control character in a string");
		if (c == '\\') {
			if (s->p >= s->end)
				break;
			c = (unsigned char)*s->p++;
			if (c == 'u') {
				int i;
				for (i = 0; i < 4; i++, s->p++)
					if (s->p >= s->end || !*s->p ||
					    !strchr("0123456789abcdefABCDEF", *s->p))
						return fail(s, at, "not valid JSON: bad \\u escape");
				if (memcmp(s->p - 4, "0000", 4) == 0) {
					s->nul_depth = depth;
					return fail(s, at, key ? "a key holds \\u0000, a NUL character"
							       : "holds \\u0000, a NUL character");
				}
			} else if (!c || !strchr("\"\\/bfnrt", c)) {
				return fail(s, at, "not valid JSON: bad escape in a string");
			}
		}
	}
	return fail(s, start, "not valid JSON: unterminated string");
}

static int value(struct scan *s, int depth)
{
	ws(s);
	if (s->p >= s->end)
		return fail(s, s->p, "not valid JSON: unexpected end");
	switch (*s->p) {
	case '{':
	case '[': {
		char close = *s->p == '{' ? '}' : ']';
		int object = close == '}', i = 0;

		if (depth >= JSON_DEPTH_MAX)
			return fail(s, s->p, "nested deeper than " STR(JSON_DEPTH_MAX));
		s->p++;
		ws(s);
		if (s->p < s->end && *s->p == close) {
			s->p++;
			return 0;
		}
		for (;; i++) {
			struct seg *seg = &s->seg[depth];

			seg->key = NULL;
			seg->index = i;
			if (object) {
				ws(s);
				if (s->p >= s->end || *s->p != '"')
					return fail(s, s->p, "not valid JSON: expected a string key");
				seg->key = s->p;
				if (string(s, depth, 1) < 0)
					return -1;
				seg->klen = (size_t)(s->p - seg->key);
				ws(s);
				if (s->p >= s->end || *s->p != ':')
					return fail(s, s->p, "not valid JSON: expected ':'");
				s->p++;
			}
			if (value(s, depth + 1) < 0)
				return -1;
			ws(s);
			if (s->p < s->end && *s->p == close) {
				s->p++;
				return 0;
			}
			if (s->p >= s->end || *s->p != ',')
				return fail(s, s->p, object ? "not valid JSON: expected ',' or '}'"
							    : "not valid JSON: expected ',' or ']'");
			s->p++;
		}
	}
	case '"':
		return string(s, depth, 0);
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

void json_pointer_add(struct strbuf *sb, const char *key)
{
	strbuf_adds(sb, "/");
	for (; *key; key++) {
		if (*key == '~')
			strbuf_adds(sb, "~0");
		else if (*key == '/')
			strbuf_adds(sb, "~1");
		else
			strbuf_add(sb, key, 1);
	}
}

/* The pointer of the first @depth levels of the scan's path. */
static char *scan_pointer(const struct scan *s, int depth)
{
	struct strbuf sb = STRBUF_INIT;
	int i;

	strbuf_adds(&sb, "");
	for (i = 0; i < depth; i++) {
		const struct seg *seg = &s->seg[i];
		cJSON *k;

		if (!seg->key) {
			strbuf_addf(&sb, "/%d", seg->index);
			continue;
		}
		/* the key passed the scan, so cJSON decodes it */
		k = cJSON_ParseWithLength(seg->key, seg->klen);
		json_pointer_add(&sb, k && cJSON_IsString(k) ? k->valuestring : "?");
		cJSON_Delete(k);
	}
	return strbuf_detach(&sb, NULL);
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Finds a key given twice in one object, the object itself first, then
 * its members in order; returns it, or NULL, with @path left at the
 * pointer of the object that holds it. The live API would keep one of the
 * two silently, which hides a client bug. */
static const char *duplicate_key(const cJSON *node, struct strbuf *path)
{
	const cJSON *child;
	const char *dup = NULL;
	int i = 0;

	if (cJSON_IsObject(node)) {
		int n = cJSON_GetArraySize(node);
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
	if (!cJSON_IsObject(node) && !cJSON_IsArray(node))
		return NULL;
	i = 0;
	cJSON_ArrayForEach(child, node) {
		size_t old = path->len;

		if (cJSON_IsObject(node))
			json_pointer_add(path, child->string);
		else
			strbuf_addf(path, "/%d", i);
		i++;
		dup = duplicate_key(child, path);
		if (dup)
			return dup;
		path->len = old;
		path->buf[old] = '\0';
	}
	return NULL;
}

static void error_at(struct json_error *err, const char *text, const char *at, const char *rule)
{
	const char *p;

	err->rule = rule;
	err->offset = (size_t)(at - text);
	err->line = 1;
	err->column = 1;
	for (p = text; p < at; p++) {
		if (*p == '\n') {
			err->line++;
			err->column = 1;
		} else {
			err->column++;
		}
	}
}

cJSON *json_parse_strict(const char *text, size_t len, struct json_error *err)
{
	struct scan *s = xmalloc(sizeof(*s));
	struct strbuf path = STRBUF_INIT;
	const char *end = NULL, *dup;
	cJSON *root = NULL;

	memset(err, 0, sizeof(*err));
	s->text = s->p = text;
	s->end = text + len;
	s->why = s->at = NULL;
	s->nul_depth = -1;
	if (value(s, 0) == 0) {
		ws(s);
		if (s->p != s->end)
			fail(s, s->p, "trailing data after the JSON value");
	}
	if (s->why) {
		error_at(err, text, s->at, s->why);
		if (s->nul_depth >= 0)
			err->pointer = scan_pointer(s, s->nul_depth);
		goto out;
	}
	root = cJSON_ParseWithLengthOpts(text, len, &end, 0);
	if (root)
		while (end < text + len && strchr(" \t\r\n", *end))
			end++;
	if (!root || end != text + len) {
		/* what the scan passes cJSON reads, but for a \u escape that
		 * is half a surrogate pair */
		error_at(err, text, end ? end : text, "not valid JSON");
		cJSON_Delete(root);
		root = NULL;
		goto out;
	}
	strbuf_adds(&path, "");
	dup = duplicate_key(root, &path);
	if (dup) {
		err->rule = "duplicate key";
		err->key = xstrdup(dup);
		err->pointer = strbuf_detach(&path, NULL);
		cJSON_Delete(root);
		root = NULL;
	}
out:
	strbuf_release(&path);
	free(s);
	return root;
}

void json_error_release(struct json_error *err)
{
	free(err->pointer);
	free(err->key);
	err->pointer = err->key = NULL;
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

int json_body_or_reply(struct req *r, int optional)
{
	struct json_error err;
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
	r->json = json_parse_strict(r->body, r->body_len, &err);
	if (!r->json && !err.key) {
		json_error_release(&err);
		reply_error(r, ERR_MALFORMED_JSON);
		return -1;
	}
	/* a body that is strict JSON but not an object says so first, even
	 * with a duplicate key inside */
	if (r->body[i] != '{') {
		json_error_release(&err);
		reply_error_at(r, ERR_FIELD_TYPE, "", "request body", "a JSON object");
		return -1;
	}
	if (!r->json) {
		reply_error(r, ERR_DUPLICATE_KEY, err.key);
		json_error_release(&err);
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

static int cmp_member(const void *a, const void *b)
{
	return strcmp((*(const cJSON *const *)a)->string, (*(const cJSON *const *)b)->string);
}

/* Prints the scalar @v as cJSON does. */
static void canonical_scalar(struct strbuf *sb, const cJSON *v)
{
	char *text = cJSON_PrintUnformatted(v);

	strbuf_adds(sb, text);
	cJSON_free(text);
}

static void canonical(struct strbuf *sb, const cJSON *v)
{
	const cJSON *item;

	if (cJSON_IsArray(v)) {
		strbuf_adds(sb, "[");
		cJSON_ArrayForEach(item, v) {
			if (item != v->child)
				strbuf_adds(sb, ",");
			canonical(sb, item);
		}
		strbuf_adds(sb, "]");
	} else if (cJSON_IsObject(v)) {
		/* the strict reader took no key twice, so the order is total */
		int n = cJSON_GetArraySize(v), i = 0;
		const cJSON **members = xmalloc((size_t)(n ? n : 1) * sizeof(*members));

		cJSON_ArrayForEach(item, v)
			members[i++] = item;
		qsort(members, (size_t)n, sizeof(*members), cmp_member);
		strbuf_adds(sb, "{");
		for (i = 0; i < n; i++) {
			cJSON *key = cJSON_CreateStringReference(members[i]->string);
			if (i)
				strbuf_adds(sb, ",");
			canonical_scalar(sb, key);
			cJSON_Delete(key);
			strbuf_adds(sb, ":");
			canonical(sb, members[i]);
		}
		strbuf_adds(sb, "}");
		free(members);
	} else {
		canonical_scalar(sb, v);
	}
}

char *json_canonical(const cJSON *v)
{
	struct strbuf sb = STRBUF_INIT;

	canonical(&sb, v);
	return strbuf_detach(&sb, NULL);
}
