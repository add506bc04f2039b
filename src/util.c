/* util.c: see util.h. No cfmock state lives here. */
#include "util.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <locale.h>
#include <wctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static NORETURN void oom(size_t n)
{
	fprintf(stderr, "cfmock: out of memory allocating %zu bytes\n", n);
	abort();
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		oom(n);
	return p;
}

void *xcalloc(size_t nmemb, size_t size)
{
	void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);
	if (!p)
		oom(nmemb * size);
	return p;
}

void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		oom(n);
	return q;
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *xvasprintf(const char *fmt, va_list ap)
{
	char small[256], *out;
	va_list copy;
	int n;

	va_copy(copy, ap);
	n = vsnprintf(small, sizeof(small), fmt, copy);
	va_end(copy);
	if (n < 0)
		BUG("bad format '%s'", fmt);
	if ((size_t)n < sizeof(small))
		return xstrndup(small, (size_t)n);
	out = xmalloc((size_t)n + 1);
	vsnprintf(out, (size_t)n + 1, fmt, ap);
	return out;
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	return s;
}

void die(const char *fmt, ...)
{
	va_list ap;
	fputs("cfmock: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

void bug_at(const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "cfmock: BUG at %s:%d: ", file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

static void log_line(const char *level, const char *fmt, va_list ap)
{
	fprintf(stderr, "cfmock: %s: ", level);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

int error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	log_line("error", fmt, ap);
	va_end(ap);
	return -1;
}

void warning(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	log_line("warning", fmt, ap);
	va_end(ap);
}

void util_init_json_hooks(void)
{
	cJSON_Hooks hooks = { xmalloc, free };
	cJSON_InitHooks(&hooks);
}

static void strbuf_grow(struct strbuf *sb, size_t extra)
{
	size_t want = sb->len + extra + 1;
	if (want <= sb->cap)
		return;
	sb->cap = sb->cap ? sb->cap : 64;
	while (sb->cap < want)
		sb->cap *= 2;
	sb->buf = xrealloc(sb->buf, sb->cap);
}

void strbuf_add(struct strbuf *sb, const char *data, size_t len)
{
	strbuf_grow(sb, len);
	memcpy(sb->buf + sb->len, data, len);
	sb->len += len;
	sb->buf[sb->len] = '\0';
}

void strbuf_adds(struct strbuf *sb, const char *s)
{
	strbuf_add(sb, s, strlen(s));
}

void strbuf_addf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	strbuf_adds(sb, s);
	free(s);
}

char *strbuf_detach(struct strbuf *sb, size_t *out_len)
{
	char *p;
	if (!sb->buf)
		strbuf_grow(sb, 0);
	p = sb->buf;
	p[sb->len] = '\0';
	if (out_len)
		*out_len = sb->len;
	sb->buf = NULL;
	sb->len = sb->cap = 0;
	return p;
}

void strbuf_release(struct strbuf *sb)
{
	free(sb->buf);
	sb->buf = NULL;
	sb->len = sb->cap = 0;
}

int is_lower_hex(const char *s, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
			return 0;
	}
	return s[n] == '\0';
}

int is_hex_id(const char *s)
{
	return s && is_lower_hex(s, 32);
}

/* The code point at @s (at most @len bytes) and its length, or 0 if the
 * bytes there are not well-formed UTF-8. */
static size_t utf8_next(const unsigned char *s, size_t len, uint32_t *cp)
{
	size_t n, k;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 1, *cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 2, *cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 3, *cp = s[0] & 0x07;
	else
		return 0;
	if (len <= n)
		return 0;
	for (k = 1; k <= n; k++) {
		if ((s[k] & 0xc0) != 0x80)
			return 0;
		*cp = (*cp << 6) | (s[k] & 0x3f);
	}
	if ((n == 2 && *cp < 0x800) || (n == 3 && *cp < 0x10000) || *cp > 0x10ffff ||
	    (*cp >= 0xd800 && *cp <= 0xdfff))
		return 0;
	return n + 1;
}

/* The length of the run of ASCII bytes at the start of @s, read a word at
 * a time: most of what cfmock checks is ASCII. */
static size_t ascii_run(const unsigned char *s, size_t len)
{
	size_t i = 0;

	for (; i + sizeof(uint64_t) <= len; i += sizeof(uint64_t)) {
		uint64_t w;
		memcpy(&w, s + i, sizeof(w));
		if (w & UINT64_C(0x8080808080808080))
			break;
	}
	while (i < len && s[i] < 0x80)
		i++;
	return i;
}

int utf8_valid(const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;

	while ((i += ascii_run(s + i, len - i)) < len) {
		uint32_t cp;
		size_t n = utf8_next(s + i, len - i, &cp);

		if (!n)
			return 0;
		i += n;
	}
	return 1;
}

static size_t utf8_put(uint32_t cp, unsigned char *out)
{
	if (cp < 0x80) {
		out[0] = (unsigned char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (unsigned char)(0xc0 | (cp >> 6));
		out[1] = (unsigned char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (unsigned char)(0xe0 | (cp >> 12));
		out[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		out[2] = (unsigned char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (unsigned char)(0xf0 | (cp >> 18));
	out[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3f));
	out[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
	out[3] = (unsigned char)(0x80 | (cp & 0x3f));
	return 4;
}

char *utf8_lower(const char *str, size_t len, size_t *out_len)
{
	static locale_t loc;
	static int tried;
	const unsigned char *s = (const unsigned char *)str;
	unsigned char *out = xmalloc(len * 2 + 1), *o = out;
	size_t i = 0;

	if (!tried) {
		tried = 1;
		loc = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
	}
	while (i < len) {
		uint32_t cp;
		size_t n = utf8_next(s + i, len - i, &cp);

		if (!n) { /* not UTF-8: keep the byte */
			*o++ = s[i++];
			continue;
		}
		if (cp < 0x80)
			cp = (cp >= 'A' && cp <= 'Z') ? cp + 32 : cp;
		else if (loc)
			cp = (uint32_t)towlower_l((wint_t)cp, loc);
		o += utf8_put(cp, o);
		i += n;
	}
	*o = '\0';
	if (out_len)
		*out_len = (size_t)(o - out);
	return (char *)out;
}

char *utf8_repair(char *str, size_t *len)
{
	const unsigned char *s = (const unsigned char *)str;
	struct strbuf sb = STRBUF_INIT;
	size_t i = 0;

	if (utf8_valid(str, *len))
		return str;
	while (i < *len) {
		size_t run = ascii_run(s + i, *len - i), n;
		uint32_t cp;

		strbuf_add(&sb, str + i, run);
		if ((i += run) >= *len)
			break;
		if ((n = utf8_next(s + i, *len - i, &cp))) {
			strbuf_add(&sb, str + i, n);
			i += n;
		} else {
			strbuf_adds(&sb, "\xef\xbf\xbd"); /* U+FFFD */
			i++;
		}
	}
	free(str);
	return strbuf_detach(&sb, len);
}

int parse_int64(const char *s, int64_t min, int64_t max, int64_t *out)
{
	char *end;
	long long v;

	if (!s || !*s || (*s != '-' && (*s < '0' || *s > '9')))
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

size_t utf8_chars(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}
