/* fuzz_request.c: libFuzzer target for the whole request path below the
 * HTTP library: routing, query parameters, credentials, JSON bodies and
 * every handler, against an in-memory database that keeps its state from
 * one input to the next (emptied every so often).
 *
 * Input: "METHOD PATH\nQUERY\nAUTH\nBODY", where QUERY is "k=v&k=v" and
 * AUTH is "t:TOKEN", "k:EMAIL:KEY", "s:SERVICEKEY" or empty. Every part
 * may be anything. The target checks what the server promises: one reply,
 * a status the API may send (never 5xx), and a body that is JSON. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "config.h"
#include "faults.h"
#include "journal.h"
#include "req.h"
#include "router.h"
#include "store.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct config cfg;
static struct app app;
static unsigned runs;

static void setup(void)
{
	char *err = NULL;

	util_init_json_hooks();
	cfg.max_body = 1 << 20;
	cfg.max_snapshots = 2;
	cfg.journal_size = 8;
	app.cfg = &cfg;
	app.store = store_open(":memory:", &err);
	if (!app.store) {
		fprintf(stderr, "cannot open store: %s\n", err);
		abort();
	}
	app.journal = journal_new(8, 1024);
	app.faults = faults_new(1);
	app.dispatch = router_dispatch;
}

/* Cuts @s at the first '\n' (in place); returns what follows, or NULL. */
static char *line(char *s, char *end)
{
	char *nl = memchr(s, '\n', (size_t)(end - s));
	if (!nl)
		return NULL;
	*nl = '\0';
	return nl + 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = xmalloc(size + 1), *end = buf + size, *path, *query, *auth, *body, *p;
	struct req *r;
	cJSON *json;

	if (!app.store)
		setup();
	if (++runs % 5000 == 0)
		store_control_reset(app.store);
	memcpy(buf, data, size);
	buf[size] = '\0';
	query = line(buf, end);
	auth = query ? line(query, end) : NULL;
	body = auth ? line(auth, end) : NULL;
	path = strchr(buf, ' ');
	if (!path || strlen(buf) > 4096) {
		free(buf);
		return 0;
	}
	*path++ = '\0';

	r = req_new(&app);
	r->method = buf;
	r->path = path;
	/* query: "k=v&k=v", as the HTTP library hands them over (decoded) */
	for (p = query; p && *p;) {
		char *amp = strchr(p, '&'), *eq;
		if (amp)
			*amp = '\0';
		eq = strchr(p, '=');
		if (eq)
			*eq = '\0';
		req_add_query(r, p, eq ? eq + 1 : "");
		p = amp ? amp + 1 : NULL;
	}
	if (auth && auth[0] == 't' && auth[1] == ':') {
		static char hdr[4200];
		snprintf(hdr, sizeof(hdr), "Bearer %s", auth + 2);
		r->h_authorization = hdr;
	} else if (auth && auth[0] == 'k' && auth[1] == ':') {
		char *colon = strchr(auth + 2, ':');
		r->h_auth_email = auth + 2;
		if (colon) {
			*colon = '\0';
			r->h_auth_key = colon + 1;
		}
	} else if (auth && auth[0] == 's' && auth[1] == ':') {
		r->h_service_key = auth + 2;
	}
	r->h_content_type = "application/json";
	if (body)
		req_append_body(r, body, (size_t)(end - body), cfg.max_body);

	router_dispatch(r);
	if (!r->replied || r->status < 200 || r->status >= 500)
		abort();
	if (r->reply_body) {
		json = cJSON_ParseWithLength(r->reply_body, r->reply_len);
		if (!json)
			abort();
		cJSON_Delete(json);
	}
	req_free(r);
	free(buf);
	return 0;
}
