/* api_control.c: cfmock's own API under /_cfmock (not Cloudflare's):
 * health, reset, snapshots, the state as fixtures, the request journal and
 * fault injection. Plain JSON answers; errors in the Cloudflare envelope
 * like every other. Open unless --admin-token is given (ROUTE_ADMIN);
 * health is always open, for probes, and so are the dashboard's files,
 * which hold no data (the page asks for the token itself). */
#include "api.h"

#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "clock.h"
#include "faults.h"
#include "fixtures.h"
#include "ids.h"
#include "journal.h"
#include "json.h"
#include "query.h"
#include "reply.h"
#include "ui.h"
#include "util.h"

#ifndef CFMOCK_VERSION
#define CFMOCK_VERSION "unknown"
#endif

void control_health(struct req *r)
{
	cJSON *body = cJSON_CreateObject();

	cJSON_AddStringToObject(body, "status", "ok");
	cJSON_AddStringToObject(body, "version", CFMOCK_VERSION);
	cJSON_AddNumberToObject(body, "schema_version", store_schema_version(r->app->store));
	cJSON_AddNumberToObject(body, "uptime_ms", (double)(app_uptime_ms(r->app)));
	reply_json(r, 200, body);
}

void control_reset(struct req *r)
{
	const struct config *cfg = r->app->cfg;
	int64_t start = app_monotonic_ms();
	char *err = NULL;
	cJSON *body;

	/* The store first (it draws a new page-token secret), then the seeded
	 * id stream and the fake clock start again: the same calls after a
	 * reset make the same ids and times as after a start. */
	if (store_control_reset(r->app->store) != STORE_OK) {
		reply_error(r, ERR_INTERNAL, "the database could not be emptied; see the server log");
		return;
	}
	if (cfg->seeded)
		ids_seed(cfg->seed);
	if (cfg->clock_fake)
		clock_set_fake(cfg->clock_start_ms);
	if (r->app->fixtures_text &&
	    fixtures_load_text(r->app->store, r->app->fixtures_text, r->app->fixtures_len, &err) <
		    0) {
		/* they loaded at start, so only the database can fail here */
		reply_error(r, ERR_INTERNAL, err ? err : "the fixtures did not load");
		free(err);
		return;
	}
	journal_clear(r->app->journal);
	faults_clear(r->app->faults);
	body = cJSON_CreateObject();
	cJSON_AddStringToObject(body, "status", "reset");
	cJSON_AddBoolToObject(body, "fixtures", r->app->fixtures_text != NULL);
	cJSON_AddNumberToObject(body, "took_ms", (double)(app_monotonic_ms() - start));
	reply_json(r, 200, body);
}

void control_state(struct req *r)
{
	static const char *const keys[] = { "view", NULL };
	const char *view;
	cJSON *out = NULL;
	enum store_rc rc;

	if (query_singles_or_reply(r, keys, &view) < 0)
		return;
	if (view && strcmp(view, "dashboard") != 0) {
		reply_error_param(r, ERR_PARAM_INVALID, "view", "view",
				  "must be 'dashboard' (no secrets, no audit log), or absent");
		return;
	}
	/* server.c runs the export on a thread of its own, with a reader of
	 * the database file, where it can */
	rc = store_control_state(r->reader ? r->reader : r->app->store, view != NULL, &out);

	if (rc != STORE_OK) {
		reply_store_error(r, rc, ERR_INTERNAL, "");
		return;
	}
	reply_json(r, 200, out);
}

/* A snapshot name: 1 to 64 of A-Z a-z 0-9 . _ - */
static int snapshot_name_or_reply(struct req *r, const char **out)
{
	const char *name = req_param(r, 0), *p;
	size_t len = strlen(name);

	for (p = name; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '.' || *p == '_' || *p == '-'))
			break;
	if (*p || len > 64 || strcmp(name, ".") == 0 || strcmp(name, "..") == 0) {
		reply_error(r, ERR_FIELD_INVALID, "name",
			    "a snapshot name is 1 to 64 of A-Z a-z 0-9 . _ -");
		return -1;
	}
	*out = name;
	return 0;
}

static void reply_name(struct req *r, const char *name, const char *flag)
{
	cJSON *body = cJSON_CreateObject();

	cJSON_AddStringToObject(body, "name", name);
	cJSON_AddBoolToObject(body, flag, 1);
	reply_json(r, 200, body);
}

void control_snapshot_save(struct req *r)
{
	const char *name;
	enum store_rc rc;

	if (snapshot_name_or_reply(r, &name) < 0)
		return;
	rc = store_control_snapshot_save(r->app->store, name, r->app->cfg->max_snapshots);
	if (rc == STORE_CONFLICT) {
		reply_error(r, ERR_SNAPSHOT_LIMIT, r->app->cfg->max_snapshots);
		return;
	}
	if (rc != STORE_OK) {
		reply_store_error(r, rc, ERR_INTERNAL, "");
		return;
	}
	reply_name(r, name, "saved");
}

void control_snapshot_restore(struct req *r)
{
	const char *name;
	enum store_rc rc;

	if (snapshot_name_or_reply(r, &name) < 0)
		return;
	rc = store_control_snapshot_restore(r->app->store, name);
	if (rc != STORE_OK) {
		reply_store_error(r, rc, ERR_SNAPSHOT_NOT_FOUND, name);
		return;
	}
	reply_name(r, name, "restored");
}

void control_snapshot_delete(struct req *r)
{
	const char *name;
	enum store_rc rc;

	if (snapshot_name_or_reply(r, &name) < 0)
		return;
	rc = store_control_snapshot_delete(r->app->store, name);
	if (rc != STORE_OK) {
		reply_store_error(r, rc, ERR_SNAPSHOT_NOT_FOUND, name);
		return;
	}
	reply_name(r, name, "deleted");
}

void control_snapshots_list(struct req *r)
{
	reply_json(r, 200, store_control_snapshots_list(r->app->store));
}

void control_snapshots_clear(struct req *r)
{
	store_control_snapshots_clear(r->app->store);
	reply_json(r, 200, store_control_snapshots_list(r->app->store));
}

void control_requests_list(struct req *r)
{
	static const char *const keys[] = { "method", "path", "status", "limit", "since",
					    "user_id", NULL };
	struct journal_filter f;
	const char *v[6];
	int64_t n;

	if (query_singles_or_reply(r, keys, v) < 0)
		return;
	memset(&f, 0, sizeof(f));
	f.method = v[0];
	f.path_prefix = v[1];
	f.user_id = v[5];
	if (v[2]) {
		if (parse_int64(v[2], 100, 599, &n) < 0) {
			reply_error_param(r, ERR_PARAM_INVALID, "status", "status",
					  "must be an HTTP status, 100 to 599");
			return;
		}
		f.status = (int)n;
	}
	if (v[3]) {
		if (parse_int64(v[3], 1, 1000000, &n) < 0) {
			reply_error_param(r, ERR_PARAM_INVALID, "limit", "limit",
					  "must be a whole number of at least 1");
			return;
		}
		f.limit = (size_t)n;
	}
	/* a poller's high-water mark: only what came after that seq */
	if (v[4]) {
		if (parse_int64(v[4], 0, INT64_MAX, &n) < 0) {
			reply_error_param(r, ERR_PARAM_INVALID, "since", "since",
					  "must be a sequence number, 0 or more");
			return;
		}
		f.since = (uint64_t)n;
	}
	reply_json(r, 200, journal_json(r->app->journal, &f));
}

void control_requests_clear(struct req *r)
{
	struct journal_filter f;

	journal_clear(r->app->journal);
	memset(&f, 0, sizeof(f));
	reply_json(r, 200, journal_json(r->app->journal, &f));
}

void control_faults_add(struct req *r)
{
	const char *pointer;
	char *msg = NULL;
	cJSON *rule = faults_add(r->app->faults, r->json, &pointer, &msg);

	if (!rule) {
		reply_error_at(r, ERR_FIELD_INVALID, pointer, pointer[0] ? json_dotted(pointer) : "body",
			       msg);
		free(msg);
		return;
	}
	reply_json(r, 200, rule);
}

void control_faults_list(struct req *r)
{
	reply_json(r, 200, faults_json(r->app->faults));
}

void control_faults_clear(struct req *r)
{
	faults_clear(r->app->faults);
	reply_json(r, 200, faults_json(r->app->faults));
}

void control_fault_delete(struct req *r)
{
	const char *id = req_param(r, 0);
	cJSON *body;

	if (faults_remove(r->app->faults, id) < 0) {
		reply_error(r, ERR_FAULT_NOT_FOUND, id);
		return;
	}
	body = cJSON_CreateObject();
	cJSON_AddStringToObject(body, "id", id);
	cJSON_AddBoolToObject(body, "deleted", 1);
	reply_json(r, 200, body);
}

/* GET /_cfmock/ui, /_cfmock/ui/{file}: the dashboard's embedded files. */
void control_ui(struct req *r)
{
	const char *name = r->params[0] ? r->params[0] : "index.html";
	const struct ui_asset *a = ui_asset_find(name);

	if (!a) {
		reply_error(r, ERR_UI_FILE_NOT_FOUND, name);
		return;
	}
	reply_asset(r, a, r->h_if_none_match && strstr(r->h_if_none_match, a->etag) != NULL);
}

/* GET /_cfmock/as/{user_id}?path=/client/v4/...&...: what that GET would
 * answer the user, as if it came with the user's email and key (all the
 * user sees; no token's limits). The other query arguments go with it.
 * Only GET, only /client/v4 (no way into the control API again), nothing
 * journaled or audited; the answer is the public API's, status and body.
 * It is a control route (ROUTE_ADMIN): with --admin-token no Cloudflare
 * credential reaches it, and without one the control API already shows
 * the whole state. */
void control_as_user(struct req *r)
{
	static const char *const keys[] = { "path", NULL };
	const char *path, *id = req_param(r, 0);
	struct user u;
	struct req *sub;
	enum store_rc rc;
	size_t i;

	if (query_singles_or_reply(r, keys, &path) < 0)
		return;
	if (!path || strncmp(path, "/client/v4/", 11) != 0 || strchr(path, '?')) {
		reply_error_param(r, ERR_PARAM_INVALID, "path", "path",
				  "must be a path under /client/v4/, its query given beside it");
		return;
	}
	rc = store_control_as_user(r->app->store, id, &u);
	if (rc != STORE_OK) {
		reply_store_error(r, rc, ERR_USER_NOT_FOUND, id);
		return;
	}
	sub = req_new(r->app);
	sub->method = "GET";
	sub->path = path;
	sub->as_user = &u;
	sub->start_us = r->start_us;
	memcpy(sub->client_ip, r->client_ip, sizeof(sub->client_ip));
	sub->h_user_agent = r->h_user_agent;
	for (i = 0; i < r->nquery; i++)
		if (strcmp(r->query[i].key, "path") != 0)
			req_add_query(sub, r->query[i].key, r->query[i].value);
	r->app->dispatch(sub);
	reply_forward(r, sub);
	req_free(sub);
}
