/* server.c: libmicrohttpd set-up, the access handler, sending and the
 * access log. The only file that includes <microhttpd.h>.
 *
 * Threading: one internal polling thread (epoll) runs every callback, so
 * the store's single SQLite connection is used from one thread and needs
 * no locks (Redis's rule: one thread until a benchmark says otherwise).
 * Nothing in a handler may block; a slow answer must use suspend/resume.
 *
 * A request's struct req is made on the first callback, filled by the
 * upload callbacks, dispatched on the last, and freed only in the
 * completion callback, which libmicrohttpd calls even when the client
 * went away. */
#include "server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netdb.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "app.h"
#include "clock.h"
#include "reply.h"
#include "router.h"
#include "util.h"

struct server {
	struct MHD_Daemon *daemon;
	struct app *app;
	int listen_fd;
	int port;
	char url_host[INET6_ADDRSTRLEN + 2];
	atomic_int in_flight;
};

static int64_t mono_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static enum MHD_Result add_query(void *cls, enum MHD_ValueKind kind, const char *key,
				 const char *value)
{
	(void)kind;
	req_add_query(cls, key, value);
	return MHD_YES;
}

static void read_request(struct MHD_Connection *c, struct req *r)
{
	r->h_authorization = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
	r->h_auth_email = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Auth-Email");
	r->h_auth_key = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Auth-Key");
	r->h_service_key = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Auth-User-Service-Key");
	r->h_content_type = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type");
	MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, add_query, r);
}

static enum MHD_Result send_reply(struct MHD_Connection *c, struct req *r)
{
	struct MHD_Response *resp;
	enum MHD_Result ret;

	if (!r->replied)
		BUG("no reply for %s %s", r->method, r->path);
	if (r->reply_body) {
		resp = MHD_create_response_from_buffer_with_free_callback(r->reply_len, r->reply_body,
									   free);
		r->reply_body = NULL; /* libmicrohttpd frees it now */
	} else {
		resp = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
	}
	if (!resp)
		return MHD_NO;
	if (r->status != 204)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json");
	if (r->allow)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, r->allow);
	ret = MHD_queue_response(c, (unsigned)r->status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
				  const char *method, const char *version,
				  const char *upload_data, size_t *upload_size, void **req_cls)
{
	struct server *s = cls;
	struct req *r = *req_cls;
	size_t limit = s->app->cfg->max_body;

	(void)version;
	if (!r) {
		const char *len;
		int64_t n;

		r = req_new(s->app);
		r->method = method;
		r->path = url;
		r->start_us = mono_us();
		*req_cls = r;
		atomic_fetch_add(&s->in_flight, 1);
		/* A body declared larger than the limit is refused before a byte
		 * of it is read; the connection is then closed. */
		len = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
		if (len && parse_int64(len, 0, INT64_MAX, &n) == 0 && (uint64_t)n > limit) {
			reply_error(r, ERR_BODY_TOO_LARGE, limit);
			return send_reply(c, r);
		}
		return MHD_YES;
	}
	if (r->replied) { /* refused early: drop the upload */
		*upload_size = 0;
		return MHD_YES;
	}
	if (*upload_size) {
		req_append_body(r, upload_data, *upload_size, limit);
		*upload_size = 0;
		return MHD_YES;
	}
	read_request(c, r);
	if (r->body_too_large)
		reply_error(r, ERR_BODY_TOO_LARGE, limit);
	else
		router_dispatch(r);
	return send_reply(c, r);
}

static void log_access(const struct req *r, struct MHD_Connection *c)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	char when[CLOCK_RFC3339_LEN + 1], addr[INET6_ADDRSTRLEN] = "-";
	struct timespec ts;

	if (ci && ci->client_addr) {
		const struct sockaddr *sa = ci->client_addr;
		if (sa->sa_family == AF_INET)
			inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, addr,
				  sizeof(addr));
		else if (sa->sa_family == AF_INET6)
			inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr,
				  addr, sizeof(addr));
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	clock_format((int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000, when);
	printf("%s %s %s %s %d %lldus\n", when, addr, r->method, r->path,
	       r->replied ? r->status : 0, (long long)(mono_us() - r->start_us));
	fflush(stdout);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **req_cls,
			 enum MHD_RequestTerminationCode toe)
{
	struct server *s = cls;
	struct req *r = *req_cls;

	(void)toe;
	if (!r)
		return;
	if (s->app->cfg->access_log)
		log_access(r, c);
	req_free(r);
	*req_cls = NULL;
	atomic_fetch_sub(&s->in_flight, 1);
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	(void)cls;
	fputs("cfmock: http: ", stderr);
	vfprintf(stderr, fmt, ap);
}

static int bind_listen(struct server *s, const char *host, int port, char **err)
{
	struct addrinfo hints, *res = NULL, *ai;
	char portbuf[16];
	int fd = -1, one = 1, gai, saved = 0;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	snprintf(portbuf, sizeof(portbuf), "%d", port);
	gai = getaddrinfo(host, portbuf, &hints, &res);
	if (gai) {
		*err = xasprintf("cannot resolve bind address '%s': %s", host, gai_strerror(gai));
		return -1;
	}
	for (ai = res; ai; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
		if (fd < 0) {
			saved = errno;
			continue;
		}
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 && listen(fd, 256) == 0)
			break;
		saved = errno;
		close(fd);
		fd = -1;
	}
	if (fd < 0) {
		*err = xasprintf("cannot listen on %s:%d: %s", host, port, strerror(saved));
		freeaddrinfo(res);
		return -1;
	}
	{
		struct sockaddr_storage ss;
		socklen_t len = sizeof(ss);
		char addr[INET6_ADDRSTRLEN];

		getsockname(fd, (struct sockaddr *)&ss, &len);
		if (ss.ss_family == AF_INET6) {
			const struct sockaddr_in6 *a6 = (const void *)&ss;
			inet_ntop(AF_INET6, &a6->sin6_addr, addr, sizeof(addr));
			snprintf(s->url_host, sizeof(s->url_host), "[%s]", addr);
			s->port = ntohs(a6->sin6_port);
		} else {
			const struct sockaddr_in *a4 = (const void *)&ss;
			inet_ntop(AF_INET, &a4->sin_addr, addr, sizeof(addr));
			snprintf(s->url_host, sizeof(s->url_host), "%s", addr);
			s->port = ntohs(a4->sin_port);
		}
	}
	freeaddrinfo(res);
	s->listen_fd = fd;
	return 0;
}

struct server *server_start(struct app *app, char **err)
{
	struct server *s = xcalloc(1, sizeof(*s));
	const struct config *cfg = app->cfg;

	s->app = app;
	s->listen_fd = -1;
	atomic_init(&s->in_flight, 0);
	if (bind_listen(s, cfg->bind, cfg->port, err) < 0) {
		free(s);
		return NULL;
	}
	s->daemon = MHD_start_daemon(
		MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL_LINUX_ONLY | MHD_ALLOW_SUSPEND_RESUME |
			MHD_USE_ERROR_LOG,
		0, NULL, NULL, on_request, s,
		MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
		MHD_OPTION_LISTEN_SOCKET, (MHD_socket)s->listen_fd,
		MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
		MHD_OPTION_CONNECTION_TIMEOUT, cfg->conn_timeout,
		MHD_OPTION_CONNECTION_LIMIT, cfg->max_conns,
		MHD_OPTION_END);
	if (!s->daemon) {
		*err = xasprintf("cannot start the HTTP server on %s:%d", cfg->bind, s->port);
		close(s->listen_fd);
		free(s);
		return NULL;
	}
	return s;
}

int server_port(const struct server *s)
{
	return s->port;
}

const char *server_url_host(const struct server *s)
{
	return s->url_host;
}

void server_stop(struct server *s, int grace_ms)
{
	MHD_socket fd;
	int waited = 0;

	if (!s)
		return;
	fd = MHD_quiesce_daemon(s->daemon);
	if (fd != MHD_INVALID_SOCKET)
		close(fd);
	/* Requests already being read or answered finish; idle keep-alive
	 * connections are closed by MHD_stop_daemon below. */
	while (atomic_load(&s->in_flight) > 0 && waited < grace_ms) {
		struct timespec ts = { 0, 10 * 1000000 };
		nanosleep(&ts, NULL);
		waited += 10;
	}
	MHD_stop_daemon(s->daemon);
	free(s);
}
