/* server_gate.h: what a request must pass before its handler runs, read
 * from its request line and header section while its body has not been
 * read: cfmock's size limits, bytes no route or filter can mean, HTTP
 * framing (framing.h), and the answer to an upload refused mid-body. Each
 * check replies in the envelope (reply.h) when it refuses. Part of the
 * server (server.c is its only user); with it, the only file that
 * includes <microhttpd.h>. */
#ifndef CFMOCK_SERVER_GATE_H
#define CFMOCK_SERVER_GATE_H

#include "req.h"

struct MHD_Connection;

/* Replies (and returns 1) when the URI, the headers or the number of query
 * parameters pass cfmock's limits (8 KiB, 16 KiB: 414 / 6010, 431 / 6011),
 * or the path holds bytes no route can mean (NUL, not UTF-8: 7003). Query
 * arguments past 256, or holding such bytes, are left in r->query_bad for
 * the router to answer in the route's envelope. */
int gate_oversized(struct MHD_Connection *c, struct req *r);
/* Replies (and returns 1) when @method is not a token or the header
 * section's framing is unsound (framing.h): 400 / 6012 or 501 / 6013, or
 * 400 / 6003 for a credential header holding a NUL or control byte. Sets
 * r->close: nothing after the header section may run as a request. */
int gate_framing(struct MHD_Connection *c, struct req *r, const char *method);
/* Writes @r's answer, replied while its body is still arriving, straight
 * to the socket and returns 0 (MHD_NO: libmicrohttpd then closes the
 * connection): libmicrohttpd 0.9.75 takes a response only before a body's
 * first byte or after its last. */
int gate_upload(struct MHD_Connection *c, struct req *r);
/* RFC 9112 3.2.2: the path of an absolute-form target
 * ("http://host/client/v4/accounts"), or @target itself. */
const char *gate_origin_form(const char *target);

#endif
