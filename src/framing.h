/* framing.h: HTTP/1.1 message framing as RFC 9112 demands it, checked on a
 * request's header section before any of its body is read.
 *
 * libmicrohttpd 0.9.75 lets through what a front-end and cfmock could read
 * two ways (request smuggling): two Content-Length headers that differ
 * (it takes the first, and the rest of the body runs as a second request),
 * a space before the colon ("Transfer-Encoding : chunked" is then no
 * Transfer-Encoding at all), Content-Length beside Transfer-Encoding,
 * obsolete line folding (the folded line is merged into the header's name
 * or moved out of place), a NUL byte inside a value (the value is handed
 * over cut at the NUL: "Bearer victim\0x" reads as "Bearer victim"), and a
 * Transfer-Encoding other than chunked (it then waits for a body it cannot
 * delimit). cfmock refuses each, answers in the envelope and closes the
 * connection, so nothing after the header section is read as a request.
 *
 * The NUL byte cannot be seen in the value libmicrohttpd hands over, but
 * its parser works in place: the header section stays in the connection's
 * read buffer, each header's name and value pointing into it, with the
 * colon and each CRLF overwritten by NUL bytes. Between the end of one
 * value and the start of the next name there is only room for those NULs
 * and the value's trailing white space; anything else there is a part of
 * the value that was cut off, or a folded line. The check reads that
 * region, and only when the layout is as described (the first header's
 * name lies inside it): where it is not, only the header list is
 * checked. Pure: no libmicrohttpd types, so the unit tests can feed it. */
#ifndef CFMOCK_FRAMING_H
#define CFMOCK_FRAMING_H

#include <stddef.h>

struct framing_header {
	const char *name;
	size_t name_len;
	const char *value; /* may be NULL (no value) */
	size_t value_len;
};

/* Checks the @n headers of one request, in the order received, and the
 * header section @raw (@raw_len bytes, from the request line's start;
 * NULL if unknown). NULL if the framing is sound; otherwise a reason
 * (static text), *out_status (400, or 501 for a Transfer-Encoding other
 * than chunked) and *out_index, the header at fault (-1: none alone). */
const char *framing_check(const struct framing_header *h, size_t n, const char *raw,
			  size_t raw_len, int *out_status, int *out_index);

/* NULL if @method is a token (RFC 9110 9.1: method = token), else a
 * reason. libmicrohttpd takes any bytes up to the first space. */
const char *framing_method_check(const char *method);

#endif
