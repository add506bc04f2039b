/* server.h: the HTTP server. server.c is the only file that includes
 * <microhttpd.h>. */
#ifndef CFMOCK_SERVER_H
#define CFMOCK_SERVER_H

struct app;
struct server;

/* Binds config's address and port and starts serving @app on a thread of
 * its own. NULL and *err (caller frees) on failure, e.g. a taken port. */
struct server *server_start(struct app *app, char **err);
/* The port actually bound (useful with --port 0). */
int server_port(const struct server *s);
/* The address as it goes in a URL ("127.0.0.1", "[::1]"). */
const char *server_url_host(const struct server *s);
/* Stops accepting connections, lets the requests in flight finish (for up
 * to @grace_ms), then closes every connection and frees @s. */
void server_stop(struct server *s, int grace_ms);

#endif
