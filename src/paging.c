/* paging.c: see paging.h. */
#include "paging.h"

#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "query.h"
#include "reply.h"
#include "util.h"

/* CF-API: page_size "The amount of items to return. Defaults to 10."
 * (minimum 0, maximum 1000); 0 is read as "the default", as AIP-158 does. */
#define PAGE_SIZE_DEFAULT 10
#define PAGE_SIZE_MAX 1000
#define PER_PAGE_DEFAULT 20
#define PER_PAGE_MAX 50
#define STR_(x) #x
#define STR(x) STR_(x)

static uint64_t fnv1a(uint64_t h, const void *data, size_t len)
{
	const unsigned char *p = data;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= p[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

#define FNV_INIT 0xcbf29ce484222325ULL

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

static void put64(unsigned char *p, uint64_t v)
{
	int i;
	for (i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (56 - 8 * i));
}

static uint64_t get64(const unsigned char *p)
{
	uint64_t v = 0;
	int i;
	for (i = 0; i < 8; i++)
		v = (v << 8) | p[i];
	return v;
}

#define HEAD_LEN 24 /* last, scope, mac; then the sort key, if any */
#define KEY_MAX 1024 /* bytes of sort key a token may carry */

/* The MAC covers the last key, the scope and the sort key. */
static uint64_t token_mac(const unsigned char *secret, const unsigned char *raw,
			  const unsigned char *key, size_t keylen)
{
	uint64_t h = fnv1a(FNV_INIT, secret, 16);
	h = fnv1a(h, raw, 16);
	h = fnv1a(h, key, keylen);
	return fnv1a(h, secret, 16);
}

/* XORs everything but the MAC with a keystream derived from the MAC and
 * the secret, so the token shows no structure (it is opaque, as the
 * contract says). Its own inverse. */
static void mask(const unsigned char *secret, unsigned char *raw, size_t len)
{
	uint64_t x = fnv1a(fnv1a(FNV_INIT, secret, 16), raw + 16, 8);
	size_t b;

	for (b = 0; b < len / 8; b++) {
		uint64_t z;
		if (b == 2)
			continue; /* the MAC stays in clear */
		/* splitmix64 */
		z = (x += 0x9e3779b97f4a7c15ULL);
		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
		z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
		z ^= z >> 31;
		put64(raw + 8 * b, get64(raw + 8 * b) ^ z);
	}
}

char *paging_token_encode(const unsigned char *secret, int64_t last, uint64_t scope,
			  const char *key)
{
	size_t keylen = key ? strlen(key) : 0;
	/* padded to whole 8-byte blocks for mask(), and to whole 3-byte
	 * groups for base64 */
	size_t len = key ? HEAD_LEN + (keylen + 1 + 7) / 8 * 8 : HEAD_LEN;
	unsigned char *raw;
	char *out;
	size_t i, j = 0;

	while (len % 3)
		len += 8;
	raw = xcalloc(1, len);
	put64(raw, (uint64_t)last);
	put64(raw + 8, scope);
	if (key)
		memcpy(raw + HEAD_LEN, key, keylen + 1); /* the NUL ends the key */
	put64(raw + 16, token_mac(secret, raw, raw + HEAD_LEN, len - HEAD_LEN));
	mask(secret, raw, len);
	out = xmalloc(len / 3 * 4 + 1);
	for (i = 0; i < len; i += 3) {
		uint32_t v = (uint32_t)raw[i] << 16 | (uint32_t)raw[i + 1] << 8 | raw[i + 2];
		out[j++] = b64[(v >> 18) & 63];
		out[j++] = b64[(v >> 12) & 63];
		out[j++] = b64[(v >> 6) & 63];
		out[j++] = b64[v & 63];
	}
	out[j] = '\0';
	free(raw);
	return out;
}

int paging_token_decode(const unsigned char *secret, const char *token, int64_t *out_last,
			uint64_t *out_scope, char **out_key)
{
	size_t tlen = strlen(token), len, i, j = 0;
	unsigned char *raw;
	int rc = -1;

	*out_key = NULL;
	if (tlen < 32 || tlen % 4 || tlen / 4 * 3 > HEAD_LEN + KEY_MAX + 24)
		return -1;
	len = tlen / 4 * 3;
	if ((len - HEAD_LEN) % 8)
		return -1;
	raw = xmalloc(len);
	for (i = 0; i < tlen; i += 4) {
		uint32_t v = 0;
		int k;
		for (k = 0; k < 4; k++) {
			const char *p = strchr(b64, token[i + k]);
			if (!p || !*p)
				goto out;
			v = v << 6 | (uint32_t)(p - b64);
		}
		raw[j++] = (unsigned char)(v >> 16);
		raw[j++] = (unsigned char)(v >> 8);
		raw[j++] = (unsigned char)v;
	}
	mask(secret, raw, len);
	if (get64(raw + 16) != token_mac(secret, raw, raw + HEAD_LEN, len - HEAD_LEN))
		goto out;
	*out_last = (int64_t)get64(raw);
	*out_scope = get64(raw + 8);
	if (*out_last < 0)
		goto out;
	if (len > HEAD_LEN) {
		const unsigned char *nul = memchr(raw + HEAD_LEN, '\0', len - HEAD_LEN);
		if (!nul)
			goto out;
		*out_key = xstrdup((const char *)raw + HEAD_LEN);
	}
	rc = 0;
out:
	free(raw);
	return rc;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* A hash of the caller and every filter value, in a canonical order (a
 * repeated filter's values sorted), so the same filters give the same scope
 * however they are ordered in the URL. */
static uint64_t scope_of(const struct req *r, const char *const *filter_keys)
{
	uint64_t h = fnv1a(FNV_INIT, &r->user.seq, sizeof(r->user.seq));
	const char **vals = xmalloc((r->nquery + 1) * sizeof(*vals));
	size_t i, n;

	h = fnv1a(h, r->route ? r->path : "", strlen(r->route ? r->path : ""));
	for (; filter_keys && *filter_keys; filter_keys++) {
		for (i = 0, n = 0; i < r->nquery; i++)
			if (strcmp(r->query[i].key, *filter_keys) == 0)
				vals[n++] = r->query[i].value;
		qsort(vals, n, sizeof(*vals), cmp_str);
		h = fnv1a(h, *filter_keys, strlen(*filter_keys) + 1);
		for (i = 0; i < n; i++)
			h = fnv1a(h, vals[i], strlen(vals[i]) + 1);
		h = fnv1a(h, "\n", 1);
	}
	free(vals);
	return h;
}

int paging_cursor_or_reply(struct req *r, const char *const *filter_keys, struct cursor *out)
{
	static const char *const keys[] = { "page_size", "page_token", NULL };
	const char *v[2], *size, *token;
	int64_t n = 0;

	if (query_singles_or_reply(r, keys, v) < 0)
		return -1;
	size = v[0];
	token = v[1];
	if (size && parse_int64(size, 0, PAGE_SIZE_MAX, &n) < 0) {
		reply_error_param(r, ERR_PARAM_INVALID, "page_size", "page_size",
				  "must be a whole number from 0 to 1000");
		return -1;
	}
	out->limit = n ? (int)n : PAGE_SIZE_DEFAULT;
	out->has_after = 0;
	out->after = 0;
	out->after_key = NULL;
	out->scope = scope_of(r, filter_keys);
	if (token && *token) {
		uint64_t scope;
		if (paging_token_decode(store_secret(r->app->store), token, &out->after, &scope,
					&out->after_key) < 0) {
			reply_error_param(r, ERR_PAGE_TOKEN_INVALID, "page_token");
			return -1;
		}
		/* CF-API: "Parameters used to filter the retrieved list must
		 * remain in subsequent requests with a page token." */
		if (scope != out->scope) {
			paging_cursor_release(out);
			reply_error_param(r, ERR_PAGE_TOKEN_MISMATCH, "page_token");
			return -1;
		}
		out->has_after = 1;
	}
	return 0;
}

void paging_cursor_release(struct cursor *c)
{
	free(c->after_key);
	c->after_key = NULL;
}

char *paging_next_token(const struct req *r, const struct cursor *c, int64_t last,
			const char *last_key)
{
	return paging_token_encode(store_secret(r->app->store), last, c->scope, last_key);
}

/* A whole number of at least 1 in decimal: digits only, not all zeros
 * ("1.5", "1e3", "+5", "-5", " 5" and "" are not), of any length. */
static int whole_number_from_1(const char *s)
{
	if (!*s || s[strspn(s, "0123456789")])
		return 0;
	return s[strspn(s, "0")] != '\0';
}

int paging_pages_or_reply(struct req *r, int64_t *out_page, int64_t *out_per_page)
{
	static const char *const keys[] = { "page", "per_page", NULL };
	const char *v[2], *page, *per_page;

	if (query_singles_or_reply(r, keys, v) < 0)
		return -1;
	page = v[0];
	per_page = v[1];
	*out_page = 1;
	*out_per_page = PER_PAGE_DEFAULT;
	if (page && parse_int64(page, 1, 1000000000, out_page) < 0) {
		reply_error_param(r, ERR_PARAM_INVALID, "page", "page",
				  "must be a whole number of at least 1");
		return -1;
	}
	/* CF-API: per_page minimum 5, maximum 50, default 20; but clients
	 * send less and more (python-cloudflare's cli4 finds an account by
	 * name with per_page=1, the official SDK passes per_page=100 on) and
	 * no public report has the live API refusing either. So 1 to 50 is
	 * taken and anything larger is read as 50 (a number too large for
	 * int64 too: it is still a whole number); result_info.per_page says
	 * what was used. Less than 1, or not a whole number: 400. */
	if (per_page && !whole_number_from_1(per_page)) {
		reply_error_param(r, ERR_PARAM_INVALID, "per_page", "per_page",
				  "must be a whole number of at least 1 (more than "
				  STR(PER_PAGE_MAX) " is read as " STR(PER_PAGE_MAX) ")");
		return -1;
	}
	if (per_page && parse_int64(per_page, 1, PER_PAGE_MAX, out_per_page) < 0)
		*out_per_page = PER_PAGE_MAX;
	return 0;
}
