/* test_framing.c: src/framing.c, on header lists and header sections laid
 * out as libmicrohttpd's in-place parser leaves them (the colon and each
 * CRLF overwritten by NUL bytes). */
#include "framing.h"
#include "testhelp.h"

/* A header section built like the parser's: @text uses '|' for the NULs
 * the parser writes and '#' for a NUL the client sent. */
struct section {
	char raw[512];
	size_t len;
	struct framing_header h[8];
	size_t n;
};

static void header(struct section *s, const char *name_at, size_t name_len, const char *value_at,
		   size_t value_len)
{
	s->h[s->n].name = name_at;
	s->h[s->n].name_len = name_len;
	s->h[s->n].value = value_at;
	s->h[s->n].value_len = value_len;
	s->n++;
}

/* Lays out "GET / HTTP/1.1" and the headers "name: value" in @lines
 * (NULL-ended), each value up to @cut[i] bytes as the parser reports it
 * (-1: whole). */
static void lay_out(struct section *s, const char *const *lines, const int *cut)
{
	size_t i, at, k;

	memset(s, 0, sizeof(*s));
	at = (size_t)snprintf(s->raw, sizeof(s->raw), "GET|/|HTTP/1.1||");
	for (i = 0; lines[i]; i++) {
		const char *colon = strchr(lines[i], ':');
		size_t nlen = (size_t)(colon - lines[i]), vstart, vlen;
		char *name = s->raw + at;

		memcpy(name, lines[i], nlen);
		at += nlen;
		s->raw[at++] = '|';
		while (colon[1] == ' ')
			s->raw[at++] = ' ', colon++;
		vstart = at;
		vlen = strlen(colon + 1);
		memcpy(s->raw + at, colon + 1, vlen);
		at += vlen;
		s->raw[at++] = '|';
		s->raw[at++] = '|';
		header(s, name, nlen, s->raw + vstart, cut[i] >= 0 ? (size_t)cut[i] : vlen);
	}
	s->raw[at++] = '|';
	s->raw[at++] = '|';
	s->len = at;
	for (k = 0; k < at; k++)
		if (s->raw[k] == '|' || s->raw[k] == '#')
			s->raw[k] = '\0';
}

static const char *check(struct section *s, int *status, int *index)
{
	return framing_check(s->h, s->n, s->raw, s->len, status, index);
}

TEST("framing: a method is a token")
{
	CHECK(framing_method_check("GET") == NULL);
	CHECK(framing_method_check("M-SEARCH") == NULL);
	CHECK(framing_method_check("BREW") == NULL);
	CHECK(framing_method_check("G\xffT") != NULL);
	CHECK(framing_method_check("P\xc3\xa9ST") != NULL);
	CHECK(framing_method_check("G\x01T") != NULL);
	CHECK(framing_method_check("GE(T") != NULL);
	CHECK(framing_method_check("") != NULL);
}

TEST("framing: a plain request passes, with empty and padded values")
{
	static const char *const lines[] = { "Host: x", "X-Empty:", "Authorization:   Bearer t  ",
					     "Content-Length: 2", NULL };
	static const int cut[] = { -1, -1, -1, -1 };
	struct section s;
	int status, at;

	lay_out(&s, lines, cut);
	s.h[2].value_len = 8; /* the parser hands over the value trimmed */
	CHECK(check(&s, &status, &at) == NULL);
}

TEST("framing: a NUL inside a value is seen in the section, and names its header")
{
	static const char *const lines[] = { "Host: x", "Authorization: Bearer victim#x",
					     "X-Other: 1", NULL };
	static const int cut[] = { -1, 13, -1 };
	struct section s;
	int status, at;

	lay_out(&s, lines, cut);
	CHECK_EQ_STR(check(&s, &status, &at), "a header value holds a NUL byte or a folded line");
	CHECK_EQ_INT(status, 400);
	CHECK_EQ_INT(at, 1);
	/* the same as the last header */
	{
		static const char *const last[] = { "Host: x", "Authorization: Bearer victim#x",
						    NULL };
		lay_out(&s, last, cut);
		CHECK(check(&s, &status, &at) != NULL);
		CHECK_EQ_INT(at, 1);
	}
	/* without the section, only the list is checked: nothing to see */
	CHECK(framing_check(s.h, s.n, NULL, 0, &status, &at) == NULL);
}

TEST("framing: control bytes, non-token names and a NUL in a name are refused")
{
	struct framing_header h[2] = {
		{ "Host", 4, "x", 1 },
		{ "Authorization", 13, "Bearer vic\x01tim", 14 },
	};
	int status, at;

	CHECK_EQ_STR(framing_check(h, 2, NULL, 0, &status, &at),
		     "a header value holds a control character");
	CHECK_EQ_INT(at, 1);
	h[1].value = "Bearer\ttab"; /* HTAB is allowed */
	h[1].value_len = 10;
	CHECK(framing_check(h, 2, NULL, 0, &status, &at) == NULL);
	h[1].name = "Transfer-Encoding "; /* a space before the colon */
	h[1].name_len = 18;
	CHECK(framing_check(h, 2, NULL, 0, &status, &at) != NULL);
	h[1].name = "X-Auth-Email\0c@d"; /* a folded line merged into the name */
	h[1].name_len = 16;
	CHECK(framing_check(h, 2, NULL, 0, &status, &at) != NULL);
	h[1].name = "";
	h[1].name_len = 0;
	CHECK(framing_check(h, 2, NULL, 0, &status, &at) != NULL);
}

TEST("framing: Content-Length must be one number, the same each time")
{
	struct framing_header h[3] = {
		{ "Content-Length", 14, "5", 1 },
		{ "content-length", 14, "5", 1 },
		{ "Host", 4, "x", 1 },
	};
	int status, at;

	CHECK(framing_check(h, 3, NULL, 0, &status, &at) == NULL); /* the same twice */
	h[1].value = "30";
	h[1].value_len = 2;
	CHECK_EQ_STR(framing_check(h, 3, NULL, 0, &status, &at),
		     "two Content-Length headers that differ");
	h[1].value = "5, 30";
	h[1].value_len = 5;
	CHECK_EQ_STR(framing_check(h, 3, NULL, 0, &status, &at), "Content-Length is not one number");
	h[1].value = "";
	h[1].value_len = 0;
	CHECK_EQ_STR(framing_check(h, 3, NULL, 0, &status, &at), "Content-Length is not one number");
}

TEST("framing: Transfer-Encoding is chunked alone, never with Content-Length")
{
	struct framing_header h[2] = {
		{ "Transfer-Encoding", 17, "chunked", 7 },
		{ "Host", 4, "x", 1 },
	};
	int status, at;

	CHECK(framing_check(h, 2, NULL, 0, &status, &at) == NULL);
	h[0].value = "CHUNKED";
	CHECK(framing_check(h, 2, NULL, 0, &status, &at) == NULL);
	h[0].value = "gzip, chunked";
	h[0].value_len = 13;
	CHECK_EQ_STR(framing_check(h, 2, NULL, 0, &status, &at),
		     "only Transfer-Encoding: chunked is implemented");
	CHECK_EQ_INT(status, 501);
	h[0].value = "chunked";
	h[0].value_len = 7;
	h[1].name = "Content-Length";
	h[1].name_len = 14;
	h[1].value = "4";
	CHECK_EQ_STR(framing_check(h, 2, NULL, 0, &status, &at),
		     "Content-Length together with Transfer-Encoding");
	CHECK_EQ_INT(status, 400);
}

TEST("framing: a header moved out of the section (a folded line) is refused")
{
	static const char *const lines[] = { "Host: x", "X-Foo: a", "Authorization: Bearer t",
					     NULL };
	static const int cut[] = { -1, -1, -1 };
	static const char moved[] = "X-Foob";
	struct section s;
	int status, at;

	lay_out(&s, lines, cut);
	CHECK(check(&s, &status, &at) == NULL);
	s.h[1].name = moved;
	s.h[1].name_len = 6;
	CHECK_EQ_STR(check(&s, &status, &at), "a folded header line (obs-fold, RFC 9112 5.2)");
	CHECK_EQ_INT(at, 1);
}

int main(void)
{
	return test_main();
}
