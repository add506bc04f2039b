/* framing.c: see framing.h. */
#include "framing.h"

#include <string.h>
#include <strings.h>

/* RFC 9110 5.6.2: tchar. */
static int is_tchar(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c && strchr("!#$%&'*+-.^_`|~", c));
}

static int is_name(const char *s, size_t n)
{
	size_t i;

	if (n == 0)
		return 0;
	for (i = 0; i < n; i++)
		if (!is_tchar((unsigned char)s[i]))
			return 0;
	return 1;
}

const char *framing_method_check(const char *method)
{
	return is_name(method, strlen(method)) ? NULL : "the request method is not a token";
}

/* RFC 9110 5.5: field-value bytes are VCHAR, obs-text, SP and HTAB. */
static int is_value(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return 0;
	}
	return 1;
}

static int inside(const char *p, const char *raw, size_t raw_len)
{
	return p >= raw && p <= raw + raw_len;
}

/* Only the parser's NULs (colon, CR, LF) and white space may stand in
 * [@from, @to) of the read buffer. */
static int only_padding(const char *from, const char *to)
{
	for (; from < to; from++)
		if (*from && *from != ' ' && *from != '\t' && *from != '\r' && *from != '\n')
			return 0;
	return 1;
}

static int is_header(const struct framing_header *h, const char *name)
{
	return h->name_len == strlen(name) && strncasecmp(h->name, name, h->name_len) == 0;
}

/* The value without the white space around it. */
static void trim(const struct framing_header *h, const char **out, size_t *out_len)
{
	const char *s = h->value ? h->value : "";
	size_t n = h->value ? h->value_len : 0;

	while (n && (*s == ' ' || *s == '\t'))
		s++, n--;
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	*out = s;
	*out_len = n;
}

static const char *value_of(const struct framing_header *h, size_t *out_len)
{
	*out_len = h->value ? h->value_len : 0;
	return h->value ? h->value : h->name + h->name_len;
}

static const char *check_layout(const struct framing_header *h, size_t n, const char *raw,
				size_t raw_len, int *out_index)
{
	const char *end = raw + raw_len, *prev = raw;
	size_t i, vlen;

	if (!raw || n == 0 || !inside(h[0].name, raw, raw_len))
		return NULL; /* not the parser's in-place layout: nothing to read */
	/* each header in place and in order: libmicrohttpd moves a header it
	 * joined with a folded line out of the buffer */
	for (i = 0; i < n; i++) {
		const char *v = value_of(&h[i], &vlen);

		*out_index = (int)i;
		if (h[i].name < prev || !inside(h[i].name, raw, raw_len) || v < h[i].name ||
		    !inside(v + vlen, raw, raw_len))
			return "a folded header line (obs-fold, RFC 9112 5.2)";
		prev = v + vlen;
	}
	for (i = 0; i < n; i++) {
		const char *v = value_of(&h[i], &vlen);

		*out_index = (int)i;
		if (!only_padding(h[i].name + h[i].name_len, v))
			return "a header name holds a character a token may not";
		if (!only_padding(v + vlen, i + 1 < n ? h[i + 1].name : end))
			return "a header value holds a NUL byte or a folded line";
	}
	*out_index = -1;
	return NULL;
}

const char *framing_check(const struct framing_header *h, size_t n, const char *raw,
			  size_t raw_len, int *out_status, int *out_index)
{
	const char *cl = NULL, *te = NULL, *why;
	size_t cl_len = 0, te_len = 0, ntes = 0, i;

	*out_status = 400;
	for (i = 0; i < n; i++) {
		const char *v;
		size_t vlen;

		*out_index = (int)i;
		/* a NUL in the name (libmicrohttpd merges a folded line into
		 * it), a space before the colon, or any other non-token byte */
		if (strlen(h[i].name) != h[i].name_len || !is_name(h[i].name, h[i].name_len))
			return "a header name holds a character a token may not (a space before "
			       "the colon, or a folded line)";
		if (h[i].value && !is_value(h[i].value, h[i].value_len))
			return "a header value holds a control character";
		trim(&h[i], &v, &vlen);
		if (is_header(&h[i], "Content-Length")) {
			size_t k;

			for (k = 0; k < vlen; k++)
				if (v[k] < '0' || v[k] > '9')
					return "Content-Length is not one number";
			if (vlen == 0)
				return "Content-Length is not one number";
			if (cl && (cl_len != vlen || memcmp(cl, v, vlen) != 0))
				return "two Content-Length headers that differ";
			cl = v;
			cl_len = vlen;
		} else if (is_header(&h[i], "Transfer-Encoding")) {
			te = v;
			te_len = vlen;
			ntes++;
		}
	}
	*out_index = -1;
	if (te && cl)
		return "Content-Length together with Transfer-Encoding";
	why = check_layout(h, n, raw, raw_len, out_index);
	if (why)
		return why;
	if (te && (ntes > 1 || te_len != 7 || strncasecmp(te, "chunked", 7) != 0)) {
		*out_status = 501;
		return "only Transfer-Encoding: chunked is implemented";
	}
	return NULL;
}
