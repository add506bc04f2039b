/* req.h: one HTTP request as the handlers see it, with no libmicrohttpd
 * types, so unit tests can make one by hand and call router_dispatch().
 *
 * Ownership: server.c creates a req on the first access-handler call and
 * frees it (req_free) only when libmicrohttpd reports the request complete.
 * Handlers borrow everything reachable from it until then; the strings in
 * @query, @method, @path and the headers belong to libmicrohttpd's
 * connection and live as long as the request. */
#ifndef CFMOCK_REQ_H
#define CFMOCK_REQ_H

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdint.h>

#include "grants.h"
#include "store.h"

struct app;
struct route;

struct kv {
	const char *key;
	const char *value; /* never NULL: "" for "?flag" */
};

#define REQ_MAX_PARAMS 4

struct req {
	struct app *app;
	int64_t start_us;      /* monotonic, for the access log */

	/* the request */
	const char *method;
	const char *path;      /* the whole decoded path, "/client/v4/..." */
	char *raw_uri;         /* the request line's URI as sent (owned), or NULL */
	struct kv *query;      /* in the order given; keys may repeat */
	size_t nquery;
	size_t query_cap;
	const char *h_authorization;
	const char *h_auth_email;
	const char *h_auth_key;
	const char *h_service_key;
	const char *h_content_type;
	const char *h_idempotency_key; /* the first one given, or NULL */
	int n_idempotency_key;         /* how many were given */
	char *body;            /* NUL-terminated copy of the upload */
	size_t body_len;
	size_t body_cap;
	int body_too_large;
	const char *query_bad;  /* why the query cannot be taken (static), or NULL */
	char client_ip[46];     /* the client's address as text (INET6_ADDRSTRLEN), or "-" */

	/* set by the router and the central checks */
	const struct route *route;
	int no_error_result;   /* an operation error leaves "result" out (router.h) */
	char *path_buf;        /* the segments @params point into */
	const char *params[REQ_MAX_PARAMS];
	cJSON *json;           /* the parsed body, for ROUTE_JSON_BODY */
	struct user user;
	/* an issued API token's compiled policies (grants.h) and the
	 * accounts they reach, which r->user.scope points to */
	unsigned char *grants;
	size_t grants_len;
	struct account_scope scope;
	int64_t token_not_before;  /* ms; INT64_MIN: none (an issued token's) */
	int64_t token_expires_on;  /* ms; INT64_MAX: none */

	/* fault injection and the journal (server.c) */
	int fault_done;        /* faults were looked at (a delay is over) */
	int held;              /* answered, waiting for its group's commit */
	struct store *reader;  /* set: the state export reads from it, off the server thread */
	char *journal_reply;   /* a copy of the reply body, for the journal */
	const char *h_origin;  /* for CORS */
	const char *h_user_agent;

	/* the audit log (audit.c): the change's savepoint is open, and what
	 * was read of its account before the handler ran */
	int audit_open;
	enum cred_kind cred_kind;  /* how r->user authenticated */
	char audit_account[ID_LEN + 1];
	char *audit_account_name;
	cJSON *audit_result;   /* the reply's result, kept by reply.c for the entry */

	/* the reply, set exactly once by a reply_* function */
	int replied;
	int status;
	char *reply_body;      /* NULL for no body */
	size_t reply_len;
	char *allow;           /* the Allow header of a 405 */
	int retry_after;       /* > 0: a Retry-After header (seconds) */
	int close;             /* close the connection after the answer */
};

/* Returns a zeroed request bound to @app. */
struct req *req_new(struct app *app);
/* Frees @r and everything it owns. NULL is a no-op. */
void req_free(struct req *r);
/* Appends upload bytes to the body, up to @limit bytes in all; past that,
 * sets body_too_large and drops the rest. */
void req_append_body(struct req *r, const char *data, size_t len, size_t limit);
/* Adds one query argument (pointers borrowed). */
void req_add_query(struct req *r, const char *key, const char *value);
/* The route parameter at @index (0-based, in pattern order). */
const char *req_param(const struct req *r, int index);
/* The value of the query argument @key: NULL if absent. Sets @out_count to
 * the number of times it appears, if non-NULL. */
const char *req_query(const struct req *r, const char *key, int *out_count);

#endif
