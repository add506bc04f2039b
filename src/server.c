/* server.c: libmicrohttpd set-up, the access handler, sending and the
 * access log. With server_gate.c (the checks a request passes before its
 * handler), the only file that includes <microhttpd.h>.
 *
 * Threading: one server thread runs the event loop (libmicrohttpd's epoll
 * set, driven from outside with MHD_run()) and so every callback: the
 * store's single SQLite connection is used from one thread and needs no
 * locks (Redis's rule: one thread until a benchmark says otherwise).
 * Nothing in a handler may block; a slow answer must use suspend/resume.
 * A timer thread only resumes connections and cuts late ones.
 *
 * Group commit: the loop is cfmock's own so that it can act at the end of
 * each turn. The requests of one turn run inside one transaction
 * (store_group_begin()), each write as a savepoint of its own; a write's
 * connection is suspended with its answer ready, and at the end of the
 * turn one COMMIT saves them all and they are resumed and answered.
 * Nothing is answered before it is committed, so every answered write
 * survives a crash as before, but the commit's WAL writes are shared. A
 * read is answered at once unless it or anything before it in the turn
 * wrote (it may see that write, so it waits for the commit with it). One
 * transaction a turn also takes SQLite's file locks once a turn rather
 * than once a statement.
 *
 * A request's struct req is made on the first callback, filled by the
 * upload callbacks, dispatched on the last, and freed only in the
 * completion callback, which libmicrohttpd calls even when the client
 * went away. */
#include "server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <microhttpd.h>
#include <netdb.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "app.h"
#include "clock.h"
#include "faults.h"
#include "journal.h"
#include "reply.h"
#include "router.h"
#include "server_gate.h"
#include "util.h"

/* Every open connection, so that the timer thread can cut one whose
 * request takes longer than --request-timeout to arrive (a client sending
 * a byte a second is never idle, so the idle timeout alone would let it
 * hold its slot forever). */
struct tracked {
	int fd;
	int64_t deadline_us; /* 0: none (a request is being answered) */
	int receiving;       /* a request may be arriving (not yet whole) */
	int cut;
	int client;          /* it has carried a /client/v4 request */
	struct tracked *prev, *next;
};

/* A connection held back by a latency fault, until @due_us. */
struct delayed {
	struct MHD_Connection *conn;
	int64_t due_us;
	struct delayed *next;
};

/* The most writes one commit saves: past it the group is committed at
 * once, so that a flood of requests in one turn still gets answers. Each
 * write keeps ~30 KiB of pages in the group's savepoint journal, which is
 * held in memory (store.c). */
#define GROUP_MAX 128

struct server {
	struct MHD_Daemon *daemon;
	struct app *app;
	int listen_fd;
	int port;
	char url_host[INET6_ADDRSTRLEN + 2];
	atomic_int in_flight;

	/* the server thread's loop, and how server_stop() wakes it */
	pthread_t loop;
	int loop_started;
	int wake_fd;              /* an eventfd */
	int epoll_fd;             /* the loop's: libmicrohttpd's set and wake_fd */
	atomic_int stop_requested;
	int grace_ms;             /* set before stop_requested */

	/* the group being run: its connections are suspended, their
	 * answers ready (server thread only) */
	struct MHD_Connection *group_conn[GROUP_MAX];
	struct req *group_req[GROUP_MAX];
	int ngroup;
	int group_open;
	/* run the next turn without waiting: connections were resumed, or
	 * closed (libmicrohttpd takes the listening socket back into its set
	 * only at the start of a turn, once it is below its limit again) */
	int run_again;

	/* Latency faults: the connection is suspended (the server thread goes
	 * on with others) and this timer thread resumes it when it is due. */
	pthread_t timer;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	struct delayed *delayed; /* soonest first */
	struct tracked *tracked; /* every open connection */
	unsigned nclient;        /* how many carried a /client/v4 request */
	int exports;             /* state exports running on threads of their own */
	int stopping;
	int timer_started;
};

#define SWEEP_US 250000 /* how often deadlines are looked at */
/* Per connection: the request line and headers must fit, with room to
 * spare above the limits answered in the envelope (server_gate.c's
 * URI_MAX, HEADERS_MAX); past it, libmicrohttpd answers 414/431 itself. It
 * must also hold a record for each query argument (a thousand arguments
 * fit). Not larger: libmicrohttpd clears the pool for every request, and
 * at 1 MiB that halved the requests per second; 128 KiB costs 6% against
 * 64 KiB (measured with bench/). */
#define CONN_MEMORY_LIMIT (128 * 1024)
#define CONTROL_RESERVE 16 /* connections past --max-connections, for /_cfmock */

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

/* Cuts the connections past their deadline: shutdown() makes the server
 * thread see the end of the stream and close it as it would any other.
 * Called with the lock held. */
static void sweep(struct server *s, int64_t now)
{
	struct tracked *t;

	for (t = s->tracked; t; t = t->next) {
		char byte;
		ssize_t n;

		if (t->cut)
			continue;
		if (t->deadline_us && now > t->deadline_us) {
			shutdown(t->fd, SHUT_RDWR);
			t->cut = 1;
			continue;
		}
		/* libmicrohttpd does not notice a client that goes away in the
		 * middle of sending its body: peek (nothing is consumed) for
		 * the end of the stream or a reset */
		if (!t->receiving)
			continue;
		n = recv(t->fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT);
		if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
			shutdown(t->fd, SHUT_RDWR);
			t->cut = 1;
		}
	}
}

/* Wakes the server thread: libmicrohttpd driven from outside has no
 * wake-up of its own for a connection resumed from another thread. */
static void wake(struct server *s)
{
	uint64_t one = 1;

	if (write(s->wake_fd, &one, sizeof(one)) < 0 && errno != EAGAIN)
		error("server: cannot wake the server thread: %s", strerror(errno));
}

static void *timer_main(void *arg)
{
	struct server *s = arg;

	pthread_mutex_lock(&s->lock);
	for (;;) {
		int64_t now = mono_us();
		int resumed = 0;

		while (s->delayed && (s->delayed->due_us <= now || s->stopping)) {
			struct delayed *d = s->delayed;
			s->delayed = d->next;
			MHD_resume_connection(d->conn);
			free(d);
			resumed = 1;
		}
		if (resumed)
			wake(s);
		sweep(s, now);
		if (s->stopping)
			break;
		{
			int64_t due = s->delayed ? s->delayed->due_us - now : SWEEP_US;
			if (due > SWEEP_US)
				due = SWEEP_US;
			struct timespec ts;
			clock_gettime(CLOCK_REALTIME, &ts);
			ts.tv_sec += due / 1000000;
			ts.tv_nsec += (due % 1000000) * 1000;
			if (ts.tv_nsec >= 1000000000) {
				ts.tv_sec++;
				ts.tv_nsec -= 1000000000;
			}
			pthread_cond_timedwait(&s->wake, &s->lock, &ts);
		}
	}
	pthread_mutex_unlock(&s->lock);
	return NULL;
}

static struct tracked *tracker_of(struct MHD_Connection *c)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	return ci ? ci->socket_context : NULL;
}

/* Sets @c's deadline (0: none) and whether a request may be arriving on
 * it, under the lock. */
static void set_deadline(struct server *s, struct MHD_Connection *c, int64_t deadline_us,
			 int receiving)
{
	struct tracked *t = tracker_of(c);

	if (!t)
		return;
	pthread_mutex_lock(&s->lock);
	t->deadline_us = deadline_us;
	t->receiving = receiving;
	pthread_mutex_unlock(&s->lock);
}

static void on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
			  enum MHD_ConnectionNotificationCode toe)
{
	struct server *s = cls;
	struct tracked *t;

	pthread_mutex_lock(&s->lock);
	if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
		const union MHD_ConnectionInfo *ci =
			MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
		t = xcalloc(1, sizeof(*t));
		t->fd = ci ? ci->connect_fd : -1;
		t->deadline_us = mono_us() + (int64_t)s->app->cfg->request_timeout * 1000000;
		t->receiving = 1;
		t->next = s->tracked;
		if (t->next)
			t->next->prev = t;
		s->tracked = t;
		*socket_context = t;
	} else if ((t = *socket_context)) {
		s->run_again = 1;
		s->nclient -= (unsigned)t->client;
		if (t->prev)
			t->prev->next = t->next;
		else
			s->tracked = t->next;
		if (t->next)
			t->next->prev = t->prev;
		free(t);
		*socket_context = NULL;
	}
	pthread_mutex_unlock(&s->lock);
}

/* Holds @c back for @ms, without holding the server thread. */
static void delay(struct server *s, struct MHD_Connection *c, int ms)
{
	struct delayed *d = xcalloc(1, sizeof(*d)), **p;

	d->conn = c;
	d->due_us = mono_us() + (int64_t)ms * 1000;
	MHD_suspend_connection(c);
	pthread_mutex_lock(&s->lock);
	{
		/* the wait is cfmock's, not the client's */
		struct tracked *t = tracker_of(c);
		if (t && t->deadline_us)
			t->deadline_us += (int64_t)ms * 1000;
	}
	for (p = &s->delayed; *p && (*p)->due_us <= d->due_us; p = &(*p)->next)
		;
	d->next = *p;
	*p = d;
	pthread_cond_signal(&s->wake);
	pthread_mutex_unlock(&s->lock);
}

static enum MHD_Result count_idempotency_key(void *cls, enum MHD_ValueKind kind,
					     const char *key, const char *value)
{
	(void)kind;
	(void)value;
	if (strcasecmp(key, "Idempotency-Key") == 0)
		((struct req *)cls)->n_idempotency_key++;
	return MHD_YES;
}

static void read_request(struct MHD_Connection *c, struct req *r)
{
	r->h_authorization = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
	r->h_auth_email = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Auth-Email");
	r->h_auth_key = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Auth-Key");
	r->h_service_key = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Auth-User-Service-Key");
	r->h_content_type = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type");
	r->h_origin = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Origin");
	r->h_user_agent = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "User-Agent");
	r->h_idempotency_key = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Idempotency-Key");
	r->h_if_none_match = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "If-None-Match");
	if (r->h_idempotency_key)
		MHD_get_connection_values(c, MHD_HEADER_KIND, count_idempotency_key, r);
	MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, add_query, r);
}

/* Requests to the Cloudflare API are journaled; cfmock's own are not, so
 * a test's calls to /_cfmock do not show among its client's. */
static int journaled(const struct req *r)
{
	return journal_keeps(r->app->journal) && strncmp(r->path, "/_cfmock", 8) != 0;
}

/* The dashboard's files (README "Dashboard"): the page may load and
 * reach nothing but cfmock itself, and runs no script or style that is
 * not one of its own files; no other site may frame it; a browser revalidates
 * it (ETag) rather than keep an old copy across a new build. */
#define PAGE_CSP                                                                              \
	"default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "           \
	"connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

static void page_headers(struct MHD_Response *resp, const struct req *r)
{
	MHD_add_response_header(resp, "Content-Security-Policy", PAGE_CSP);
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "X-Frame-Options", "DENY");
	MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(resp, "Cross-Origin-Opener-Policy", "same-origin");
	MHD_add_response_header(resp, "Cross-Origin-Resource-Policy", "same-origin");
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-cache");
	if (r->etag)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_ETAG, r->etag);
}

static enum MHD_Result send_reply(struct server *s, struct MHD_Connection *c, struct req *r)
{
	struct MHD_Response *resp;
	enum MHD_Result ret;

	if (!r->replied)
		BUG("no reply for %s %s", r->method, r->path);
	/* the request has arrived: sending the answer is up to the idle
	 * timeout */
	set_deadline(s, c, 0, 0);
	if (r->reply_body && journaled(r))
		r->journal_reply = xstrndup(r->reply_body, r->reply_len);
	if (r->reply_body) {
		resp = MHD_create_response_from_buffer_with_free_callback(r->reply_len, r->reply_body,
									   free);
		r->reply_body = NULL; /* libmicrohttpd frees it now */
	} else {
		resp = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
	}
	if (!resp)
		return MHD_NO;
	if (r->status != 204 && r->status != 304)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
					r->content_type ? r->content_type : "application/json");
	if (r->page)
		page_headers(resp, r);
	if (r->allow)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, r->allow);
	if (r->retry_after > 0) {
		char secs[16];
		snprintf(secs, sizeof(secs), "%d", r->retry_after);
		MHD_add_response_header(resp, MHD_HTTP_HEADER_RETRY_AFTER, secs);
	}
	/* CORS on every answer, so a browser app in development can call
	 * cfmock directly (credentials are headers, never cookies) */
	MHD_add_response_header(resp, "Access-Control-Allow-Origin", r->h_origin ? r->h_origin : "*");
	MHD_add_response_header(resp, "Vary", "Origin");
	MHD_add_response_header(resp, "Access-Control-Allow-Methods",
				"GET, POST, PUT, PATCH, DELETE, OPTIONS");
	MHD_add_response_header(resp, "Access-Control-Allow-Headers",
				"Authorization, Content-Type, X-Auth-Email, X-Auth-Key, "
				"X-Auth-User-Service-Key, Idempotency-Key");
	MHD_add_response_header(resp, "Access-Control-Expose-Headers", "Retry-After");
	MHD_add_response_header(resp, "Access-Control-Max-Age", "600");
	if (r->close)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONNECTION, "close");
	ret = MHD_queue_response(c, (unsigned)r->status, resp);
	MHD_destroy_response(resp);
	return ret;
}

/* Replies (and returns 1) when @r would make one connection more than
 * --max-connections carry /client/v4 requests. libmicrohttpd accepts
 * CONTROL_RESERVE connections more than that, so that /_cfmock/health and
 * DELETE /_cfmock/faults answer while requests held by a latency fault fill
 * every other slot; a /client/v4 request on one of those is refused and
 * its connection closed. A connection counts from its first /client/v4
 * request until it closes (an idle keep-alive one included). */
static int refuse_crowd(struct server *s, struct MHD_Connection *c, struct req *r)
{
	struct tracked *t = tracker_of(c);
	unsigned max = s->app->cfg->max_conns;
	int refused = 0;

	if (!t || strncmp(r->path, "/_cfmock", 8) == 0)
		return 0;
	pthread_mutex_lock(&s->lock);
	if (!t->client && s->nclient >= max) {
		refused = 1;
	} else if (!t->client) {
		t->client = 1;
		s->nclient++;
	}
	pthread_mutex_unlock(&s->lock);
	if (!refused)
		return 0;
	r->close = 1;
	reply_error(r, ERR_TOO_MANY_CONNECTIONS, max);
	return 1;
}

/* libmicrohttpd calls this with the request line's URI as sent, before
 * it decodes it; what it returns becomes the request's context. */
static void *on_uri(void *cls, const char *uri, struct MHD_Connection *c)
{
	struct server *s = cls;
	struct req *r = req_new(s->app);

	(void)c;
	r->raw_uri = xstrdup(gate_origin_form(uri));
	return r;
}

/* Ends the group: commits it, and resumes its connections to be answered
 * (with 500 instead, if the commit failed: nothing in it was saved). */
static void group_commit(struct server *s)
{
	int i, ok;

	if (!s->group_open)
		return;
	s->group_open = 0;
	ok = store_group_commit(s->app->store) == 0;
	for (i = 0; i < s->ngroup; i++) {
		if (!ok)
			reply_unsaved(s->group_req[i]);
		MHD_resume_connection(s->group_conn[i]);
	}
	s->ngroup = 0;
	s->run_again = 1;
}

static int is_read(const char *method)
{
	return strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0;
}

/* GET /_cfmock/state builds the whole state as one answer: seconds for a
 * large one. On the server thread that would stop every other client, so
 * it runs on a thread of its own, reading the database file through a
 * connection of its own (one read transaction: the state as committed when
 * it began), while the connection waits suspended, as a latency fault's
 * does. With --db :memory: there is no file to read beside the server
 * thread's connection, and it runs inline. */
#define EXPORTS_MAX 4

struct export_job {
	struct server *s;
	struct MHD_Connection *c;
	struct req *r;
};

static void *export_main(void *arg)
{
	struct export_job *job = arg;
	struct server *s = job->s;

	router_dispatch(job->r); /* the admin check, then control_state() */
	store_close(job->r->reader);
	job->r->reader = NULL;
	job->r->held = 1;
	pthread_mutex_lock(&s->lock);
	MHD_resume_connection(job->c);
	s->exports--;
	pthread_cond_broadcast(&s->wake);
	pthread_mutex_unlock(&s->lock);
	wake(s);
	free(job);
	return NULL;
}

/* 1 if @r went to a thread of its own (see above). */
static int export_elsewhere(struct server *s, struct MHD_Connection *c, struct req *r)
{
	struct export_job *job;
	pthread_attr_t attr;
	pthread_t t;
	int ok = 0;

	if (strcmp(r->method, "GET") != 0 || strcmp(r->path, "/_cfmock/state") != 0)
		return 0;
	/* (under the lock, so that the thread's end comes after the count) */
	pthread_mutex_lock(&s->lock);
	if (s->exports < EXPORTS_MAX && (r->reader = store_open_reader(s->app->store))) {
		job = xmalloc(sizeof(*job));
		*job = (struct export_job){ s, c, r };
		MHD_suspend_connection(c);
		pthread_attr_init(&attr);
		pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
		if ((ok = pthread_create(&t, &attr, export_main, job) == 0))
			s->exports++;
		pthread_attr_destroy(&attr);
		if (!ok) {
			MHD_resume_connection(c);
			store_close(r->reader);
			r->reader = NULL;
			free(job);
		}
	}
	pthread_mutex_unlock(&s->lock);
	return ok;
}

/* Runs the request's handler inside the turn's group (opening it), and
 * answers it now (a read before any write of the turn), or holds the
 * answer until the group is committed. */
static enum MHD_Result dispatch(struct server *s, struct MHD_Connection *c, struct req *r)
{
	struct store *st = s->app->store;

	if (strncmp(r->path, "/_cfmock", 8) == 0) {
		/* cfmock's own API resets, restores and exports the whole
		 * store: what came before it is saved and answered first */
		group_commit(s);
		if (export_elsewhere(s, c, r))
			return MHD_YES;
		router_dispatch(r);
		return send_reply(s, c, r);
	}
	if (!s->group_open) {
		if (store_group_begin(st, !is_read(r->method)) < 0) {
			/* the handler's own transaction meets the same failure
			 * and answers it */
			router_dispatch(r);
			return send_reply(s, c, r);
		}
		s->group_open = 1;
	}
	router_dispatch(r);
	/* a read is answered at once only if nothing in the group wrote
	 * (itself included: the first use of a credential makes a user) */
	if (s->ngroup || !is_read(r->method) || store_group_wrote(st)) {
		r->held = 1;
		MHD_suspend_connection(c);
		s->group_conn[s->ngroup] = c;
		s->group_req[s->ngroup] = r;
		s->ngroup++;
	}
	/* a group SQLite rolled back by itself ends at once: nothing may
	 * join a transaction that is gone */
	if (s->ngroup == GROUP_MAX || !store_group_intact(st))
		group_commit(s);
	return r->held ? MHD_YES : send_reply(s, c, r);
}

/* The client's address as text into @addr (INET6_ADDRSTRLEN bytes), or
 * "-" when libmicrohttpd does not say. */
static void client_address(struct MHD_Connection *c, char *addr)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);

	memcpy(addr, "-", 2);
	if (ci && ci->client_addr) {
		const struct sockaddr *sa = ci->client_addr;
		if (sa->sa_family == AF_INET)
			inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, addr,
				  INET6_ADDRSTRLEN);
		else if (sa->sa_family == AF_INET6)
			inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr,
				  addr, INET6_ADDRSTRLEN);
	}
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
				  const char *method, const char *version,
				  const char *upload_data, size_t *upload_size, void **req_cls)
{
	struct server *s = cls;
	struct req *r = *req_cls;
	size_t limit = s->app->cfg->max_body;

	(void)version;
	if (!r || !r->method) {
		const char *len;
		int64_t n;

		if (!r)
			r = req_new(s->app);
		r->method = method;
		r->path = gate_origin_form(url);
		r->start_us = mono_us();
		client_address(c, r->client_ip);
		*req_cls = r;
		atomic_fetch_add(&s->in_flight, 1);
		if (gate_framing(c, r, method))
			return send_reply(s, c, r);
		if (refuse_crowd(s, c, r))
			return send_reply(s, c, r);
		/* A body declared larger than the limit is refused before a byte
		 * of it is read; the connection is then closed. */
		len = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
		if (len && parse_int64(len, 0, INT64_MAX, &n) == 0 && (uint64_t)n > limit) {
			reply_error(r, ERR_BODY_TOO_LARGE, limit);
			return send_reply(s, c, r);
		}
		if (gate_oversized(c, r))
			return send_reply(s, c, r);
		return MHD_YES;
	}
	if (r->held) { /* its group is committed */
		r->held = 0;
		return send_reply(s, c, r);
	}
	if (r->replied) { /* refused early: drop the upload */
		*upload_size = 0;
		return MHD_YES;
	}
	if (*upload_size) {
		req_append_body(r, upload_data, *upload_size, limit);
		*upload_size = 0;
		/* a chunked body has no Content-Length to refuse it by: it is
		 * refused as soon as it passes the limit, not once it has all
		 * arrived (it may never end), and the rest is not read */
		if (r->body_too_large) {
			reply_error(r, ERR_BODY_TOO_LARGE, limit);
			return (enum MHD_Result)gate_upload(c, r);
		}
		return MHD_YES;
	}
	if (!r->fault_done) {
		struct fault_action fa;
		struct tracked *t = tracker_of(c);

		/* the whole request is here: no more end-of-stream watch (a
		 * client may half-close once it has sent it) */
		if (t) {
			pthread_mutex_lock(&s->lock);
			t->receiving = 0;
			pthread_mutex_unlock(&s->lock);
		}
		read_request(c, r);
		r->fault_done = 1;
		/* CORS preflight: answered before credentials or routing */
		if (strcmp(method, "OPTIONS") == 0) {
			reply_no_content(r);
			return send_reply(s, c, r);
		}
		if (faults_match(s->app->faults, r, &fa)) {
			switch (fa.kind) {
			case FAULT_LATENCY:
				/* answered for real once the delay is over */
				delay(s, c, fa.latency_ms);
				return MHD_YES;
			case FAULT_DROP:
				r->status = 0;
				return MHD_NO; /* libmicrohttpd closes the connection */
			case FAULT_ERROR:
			case FAULT_RATE_LIMIT:
				reply_injected(r, fa.status, fa.code, fa.message);
				if (fa.kind == FAULT_RATE_LIMIT)
					r->retry_after = fa.retry_after;
				return send_reply(s, c, r);
			}
		}
	}
	if (r->body_too_large) {
		reply_error(r, ERR_BODY_TOO_LARGE, limit);
		return send_reply(s, c, r);
	}
	return dispatch(s, c, r);
}

static void log_access(const struct req *r, int json)
{
	const char *addr = r->client_ip[0] ? r->client_ip : "-";
	char when[CLOCK_RFC3339_LEN + 1], *line;
	struct timespec ts;
	size_t len;

	clock_gettime(CLOCK_REALTIME, &ts);
	clock_format((int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000, when);
	if (json) {
		cJSON *o = cJSON_CreateObject();

		cJSON_AddStringToObject(o, "time", when);
		cJSON_AddStringToObject(o, "remote", addr);
		cJSON_AddStringToObject(o, "method", r->method);
		cJSON_AddStringToObject(o, "path", r->path);
		cJSON_AddNumberToObject(o, "status", r->replied ? r->status : 0);
		cJSON_AddNumberToObject(o, "duration_us", (double)(mono_us() - r->start_us));
		if (r->user.seq)
			cJSON_AddStringToObject(o, "user_id", r->user.id);
		line = cJSON_PrintUnformatted(o);
		len = strlen(line);
		cJSON_Delete(o);
	} else {
		struct strbuf sb = STRBUF_INIT;
		strbuf_addf(&sb, "%s %s %s %s %d %lldus", when, addr, r->method, r->path,
			    r->replied ? r->status : 0, (long long)(mono_us() - r->start_us));
		line = strbuf_detach(&sb, &len);
	}
	/* a method or path that is not UTF-8 is logged with U+FFFD for its
	 * odd bytes, so that every line is text (and JSON lines parse) */
	line = utf8_repair(line, &len);
	printf("%s\n", line);
	free(line);
	fflush(stdout);
}

static void journal_request(struct journal *j, const struct req *r)
{
	struct journal_entry e;
	struct strbuf q = STRBUF_INIT;
	size_t i;

	for (i = 0; i < r->nquery; i++)
		strbuf_addf(&q, "%s%s=%s", i ? "&" : "", r->query[i].key, r->query[i].value);
	strbuf_adds(&q, "");
	memset(&e, 0, sizeof(e));
	e.time_ms = clock_now_ms();
	e.duration_us = mono_us() - r->start_us;
	e.method = r->method;
	e.path = r->path;
	e.query = q.buf;
	e.status = r->replied ? r->status : 0;
	e.user_id = r->user.seq ? r->user.id : "";
	e.request_body = r->body_len ? r->body : NULL;
	e.response_body = r->journal_reply;
	journal_add(j, &e);
	strbuf_release(&q);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **req_cls,
			 enum MHD_RequestTerminationCode toe)
{
	struct server *s = cls;
	struct req *r = *req_cls;

	(void)toe;
	/* a next request on this keep-alive connection may idle, then must
	 * arrive within the request timeout */
	set_deadline(s, c, mono_us() + ((int64_t)s->app->cfg->conn_timeout +
					(int64_t)s->app->cfg->request_timeout) * 1000000, 1);
	if (!r)
		return;
	if (!r->method) {
		/* refused by libmicrohttpd before it reached cfmock (a bad
		 * header, say): only the URI was seen */
		req_free(r);
		*req_cls = NULL;
		return;
	}
	if (s->app->cfg->access_log)
		log_access(r, s->app->cfg->log_json);
	if (journaled(r))
		journal_request(s->app->journal, r);
	req_free(r);
	*req_cls = NULL;
	atomic_fetch_sub(&s->in_flight, 1);
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	(void)cls;
	/* what libmicrohttpd says when a "drop" fault closes a connection on
	 * purpose: not an error */
	if (strncmp(fmt, "Application reported internal error", 35) == 0)
		return;
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

/* The server thread: waits on libmicrohttpd's epoll set and the wake
 * eventfd, runs one turn, then commits the turn's group. On a stop
 * request it stops accepting and goes on until no request is in flight or
 * the grace time is over. */
/* The loop's epoll set: libmicrohttpd's own epoll set and the wake-up
 * eventfd. -1 on failure, with errno set. */
static int make_epoll(struct server *s)
{
	const union MHD_DaemonInfo *di = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_EPOLL_FD);
	struct epoll_event ev;
	int ep;

	if (!di) {
		errno = EINVAL;
		return -1;
	}
	ep = epoll_create1(EPOLL_CLOEXEC);
	if (ep < 0)
		return -1;
	memset(&ev, 0, sizeof(ev));
	ev.events = EPOLLIN;
	ev.data.fd = di->epoll_fd;
	if (epoll_ctl(ep, EPOLL_CTL_ADD, di->epoll_fd, &ev) < 0)
		goto fail;
	ev.data.fd = s->wake_fd;
	if (epoll_ctl(ep, EPOLL_CTL_ADD, s->wake_fd, &ev) < 0)
		goto fail;
	return ep;
fail:
	close(ep);
	return -1;
}

static void *loop_main(void *arg)
{
	struct server *s = arg;
	struct epoll_event got[2];
	int64_t stop_at = 0;
	int ep = s->epoll_fd;

	for (;;) {
		MHD_UNSIGNED_LONG_LONG mhd_ms;
		int timeout = -1, n, i;

		if (MHD_get_timeout(s->daemon, &mhd_ms) == MHD_YES)
			timeout = mhd_ms > INT_MAX ? INT_MAX : (int)mhd_ms;
		/* with the loop outside it, libmicrohttpd has no wake-up of its
		 * own for a resumed connection or a freed slot: the next
		 * MHD_run() takes them up */
		if (s->run_again) {
			timeout = 0;
			s->run_again = 0;
		}
		if (stop_at) {
			int64_t left = (stop_at - mono_us()) / 1000 + 1;
			if (timeout < 0 || timeout > left)
				timeout = (int)left;
		}
		/* nothing to wait for: straight to the turn */
		n = timeout == 0 ? 0 : epoll_wait(ep, got, 2, timeout);
		for (i = 0; i < n; i++) {
			if (got[i].data.fd == s->wake_fd) {
				uint64_t v;
				if (read(s->wake_fd, &v, sizeof(v)) < 0 && errno != EAGAIN)
					error("server: cannot read the wake-up eventfd: %s",
					      strerror(errno));
			}
		}
		if (!stop_at && atomic_load(&s->stop_requested)) {
			MHD_socket fd = MHD_quiesce_daemon(s->daemon);
			if (fd != MHD_INVALID_SOCKET)
				close(fd);
			stop_at = mono_us() + (int64_t)s->grace_ms * 1000;
		}
		MHD_run(s->daemon);
		/* before the commit, one more look for requests that came in
		 * while this turn ran: they join the group (at 16 clients,
		 * groups grew from 7 writes to 14) */
		if (s->ngroup)
			MHD_run(s->daemon);
		group_commit(s);
		/* requests already being read or answered finish; idle
		 * keep-alive connections are closed by MHD_stop_daemon() */
		if (stop_at && (atomic_load(&s->in_flight) == 0 || mono_us() >= stop_at))
			break;
	}
	return NULL;
}

struct server *server_start(struct app *app, char **err)
{
	struct server *s = xcalloc(1, sizeof(*s));
	const struct config *cfg = app->cfg;

	s->app = app;
	s->listen_fd = -1;
	atomic_init(&s->in_flight, 0);
	atomic_init(&s->stop_requested, 0);
	s->epoll_fd = -1;
	s->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (s->wake_fd < 0) {
		*err = xasprintf("cannot make an eventfd: %s", strerror(errno));
		free(s);
		return NULL;
	}
	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->wake, NULL);
	if (bind_listen(s, cfg->bind, cfg->port, err) < 0) {
		close(s->wake_fd);
		free(s);
		return NULL;
	}
	s->daemon = MHD_start_daemon(
		MHD_USE_EPOLL_LINUX_ONLY | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG,
		0, NULL, NULL, on_request, s,
		MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
		MHD_OPTION_LISTEN_SOCKET, (MHD_socket)s->listen_fd,
		MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
		MHD_OPTION_NOTIFY_CONNECTION, on_connection, s,
		MHD_OPTION_URI_LOG_CALLBACK, on_uri, s,
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)CONN_MEMORY_LIMIT,
		MHD_OPTION_CONNECTION_TIMEOUT, cfg->conn_timeout,
		MHD_OPTION_CONNECTION_LIMIT, cfg->max_conns + CONTROL_RESERVE,
		MHD_OPTION_END);
	if (!s->daemon) {
		*err = xasprintf("cannot start the HTTP server on %s:%d", cfg->bind, s->port);
		close(s->listen_fd);
		close(s->wake_fd);
		free(s);
		return NULL;
	}
	s->epoll_fd = make_epoll(s);
	if (s->epoll_fd < 0) {
		*err = xasprintf("cannot make the server's epoll set: %s", strerror(errno));
		server_stop(s, 0);
		return NULL;
	}
	if (pthread_create(&s->timer, NULL, timer_main, s) != 0) {
		*err = xstrdup("cannot start the timer thread");
		server_stop(s, 0);
		return NULL;
	}
	s->timer_started = 1;
	if (pthread_create(&s->loop, NULL, loop_main, s) != 0) {
		*err = xstrdup("cannot start the server thread");
		server_stop(s, 0);
		return NULL;
	}
	s->loop_started = 1;
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
	if (!s)
		return;
	if (s->loop_started) {
		s->grace_ms = grace_ms;
		atomic_store(&s->stop_requested, 1);
		wake(s);
		pthread_join(s->loop, NULL);
	}
	/* connections still held by a latency fault are let go at once; a
	 * state export being built is waited for (it ends by itself) */
	pthread_mutex_lock(&s->lock);
	while (s->exports > 0)
		pthread_cond_wait(&s->wake, &s->lock);
	s->stopping = 1;
	pthread_cond_signal(&s->wake);
	pthread_mutex_unlock(&s->lock);
	if (s->timer_started)
		pthread_join(s->timer, NULL);
	MHD_stop_daemon(s->daemon);
	if (s->epoll_fd >= 0)
		close(s->epoll_fd);
	close(s->wake_fd);
	pthread_mutex_destroy(&s->lock);
	pthread_cond_destroy(&s->wake);
	free(s);
}
