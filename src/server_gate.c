/* server_gate.c: see server_gate.h. */
#include "server_gate.h"

#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "framing.h"
#include "reply.h"
#include "util.h"

#define URI_MAX (8 * 1024)
#define HEADERS_MAX (16 * 1024)
#define QUERY_PARAMS_MAX 256

struct sizes {
	size_t bytes;
	size_t count;
};

static enum MHD_Result add_size(void *cls, enum MHD_ValueKind kind, const char *key,
				const char *value)
{
	struct sizes *z = cls;

	(void)kind;
	z->bytes += strlen(key) + (value ? strlen(value) : 0) + 4;
	z->count++;
	return MHD_YES;
}

/* Counts query arguments that hold a NUL byte (a decoded %00, which C
 * strings would cut short, widening a filter) or are not UTF-8. */
static enum MHD_Result bad_arg(void *cls, enum MHD_ValueKind kind, const char *key,
			       size_t key_size, const char *value, size_t value_size)
{
	int *bad = cls;

	(void)kind;
	if (strlen(key) != key_size || !utf8_valid(key, key_size) ||
	    (value && (strlen(value) != value_size || !utf8_valid(value, value_size))))
		(*bad)++;
	return MHD_YES;
}

/* The request line's path as the client sent it, before decoding. */
static const char *raw_path(const struct req *r)
{
	return r->raw_uri ? r->raw_uri : r->path;
}

/* Replies (and returns 1) when the URI, the headers or the number of query
 * parameters pass cfmock's limits, or the path or a query argument holds
 * bytes no route or filter can mean (NUL, not UTF-8): answered in the
 * envelope, before a handler sees them. */
int gate_oversized(struct MHD_Connection *c, struct req *r)
{
	struct sizes q = { 0, 0 }, h = { 0, 0 };
	const char *raw = raw_path(r);
	size_t raw_len = strcspn(raw, "?");
	int bad = 0;

	MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, add_size, &q);
	MHD_get_connection_values(c, MHD_HEADER_KIND, add_size, &h);
	if ((r->raw_uri ? strlen(r->raw_uri) : strlen(r->path) + q.bytes) > URI_MAX) {
		reply_error(r, ERR_URI_TOO_LONG, URI_MAX);
		return 1;
	}
	if (h.bytes > HEADERS_MAX) {
		reply_error(r, ERR_HEADERS_TOO_LARGE, HEADERS_MAX);
		return 1;
	}
	/* answered by the router once the route (and so the envelope's
	 * family) is known */
	if (q.count > QUERY_PARAMS_MAX)
		r->query_bad = "at most 256 query parameters are taken";
	/* a path that decodes to a NUL, or to bytes that are not UTF-8,
	 * routes nowhere */
	if (memmem(raw, raw_len, "%00", 3) || !utf8_valid(r->path, strlen(r->path))) {
		reply_no_route(r);
		return 1;
	}
	MHD_get_connection_values_n(c, MHD_GET_ARGUMENT_KIND, bad_arg, &bad);
	if (bad)
		r->query_bad = "a query parameter holds a NUL byte or is not UTF-8";
	return 0;
}

struct header_list {
	struct framing_header *h;
	size_t n, cap;
};

static enum MHD_Result add_header(void *cls, enum MHD_ValueKind kind, const char *key,
				  size_t key_size, const char *value, size_t value_size)
{
	struct header_list *l = cls;

	(void)kind;
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 32;
		l->h = xrealloc(l->h, l->cap * sizeof(*l->h));
	}
	l->h[l->n].name = key;
	l->h[l->n].name_len = key_size;
	l->h[l->n].value = value;
	l->h[l->n].value_len = value_size;
	l->n++;
	return MHD_YES;
}

/* Replies (and returns 1) when the request's framing is unsound (see
 * framing.h): before any of its body is read, and the connection is
 * closed after the answer, so that nothing after the header section runs
 * as a request. */
int gate_framing(struct MHD_Connection *c, struct req *r, const char *method)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(c, MHD_CONNECTION_INFO_REQUEST_HEADER_SIZE);
	struct header_list l = { NULL, 0, 0 };
	static const struct {
		const char *name;
		enum err err;
	} creds[] = {
		{ "Authorization", ERR_BAD_AUTHZ_HEADER },
		{ "X-Auth-Email", ERR_BAD_EMAIL_HEADER },
		{ "X-Auth-Key", ERR_BAD_KEY_HEADER },
		{ "X-Auth-User-Service-Key", ERR_BAD_SERVICE_KEY },
	};
	const char *why;
	int status, at;
	size_t i;

	if ((why = framing_method_check(method))) {
		r->close = 1;
		reply_error(r, ERR_BAD_FRAMING, why);
		return 1;
	}
	MHD_get_connection_values_n(c, MHD_HEADER_KIND, add_header, &l);
	why = framing_check(l.h, l.n, ci ? method : NULL, ci ? ci->header_size : 0, &status, &at);
	r->close = why != NULL;
	/* a credential holding a NUL or a control byte is a malformed
	 * credential, answered as the gateway answers those (CF-API: 6003
	 * with the header's own code in error_chain) */
	for (i = 0; why && at >= 0 && i < ARRAY_SIZE(creds); i++) {
		if (strlen(creds[i].name) == l.h[at].name_len &&
		    strncasecmp(creds[i].name, l.h[at].name, l.h[at].name_len) == 0) {
			reply_bad_headers(r, &creds[i].err, 1);
			free(l.h);
			return 1;
		}
	}
	free(l.h);
	if (!why)
		return 0;
	reply_error(r, status == 501 ? ERR_TE_NOT_IMPLEMENTED : ERR_BAD_FRAMING, why);
	return 1;
}

/* Answers @r, replied while its body is still arriving, and closes the
 * connection. libmicrohttpd 0.9.75 takes a response only before the first
 * byte of a body or after the last, so the answer is written to the socket
 * here (a few hundred bytes, to a socket that has only been read from) and
 * the connection is then closed, before more of the body is read.
 * Lingering: the write side is shut first, and what the client already
 * sent is read away for a moment, so that the close does not reset the
 * connection before the answer is read. */
int gate_upload(struct MHD_Connection *c, struct req *r)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
	struct strbuf sb = STRBUF_INIT;
	char drain[4096];
	int i;

	if (!ci)
		return 0;
	strbuf_addf(&sb, "HTTP/1.1 %d %s\r\nContent-Type: application/json\r\n"
		    "Content-Length: %zu\r\nConnection: close\r\n\r\n", r->status,
		    MHD_get_reason_phrase_for((unsigned)r->status), r->reply_len);
	strbuf_add(&sb, r->reply_body, r->reply_len);
	if (send(ci->connect_fd, sb.buf, sb.len, MSG_DONTWAIT | MSG_NOSIGNAL) == (ssize_t)sb.len) {
		shutdown(ci->connect_fd, SHUT_WR);
		for (i = 0; i < 64 && recv(ci->connect_fd, drain, sizeof(drain), MSG_DONTWAIT) > 0;
		     i++)
			;
	}
	strbuf_release(&sb);
	return 0; /* MHD_NO: libmicrohttpd closes the connection */
}

/* RFC 9112 3.2.2: a request target in absolute form
 * ("http://127.0.0.1:8780/client/v4/accounts", what `curl -x` and proxies
 * send) is routed by its path: the path in it, or "/" when it has none. */
const char *gate_origin_form(const char *target)
{
	const char *p;
	size_t skip;

	if (strncasecmp(target, "http://", 7) == 0)
		skip = 7;
	else if (strncasecmp(target, "https://", 8) == 0)
		skip = 8;
	else
		return target;
	p = strpbrk(target + skip, "/?");
	return p && *p == '/' ? p : "/";
}
