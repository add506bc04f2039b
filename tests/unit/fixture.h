/* fixture.h: an app on a fresh in-memory store, and hand-made requests, for
 * the unit tests that go through the router and the store. */
#ifndef CFMOCK_TEST_FIXTURE_H
#define CFMOCK_TEST_FIXTURE_H

#include "app.h"
#include "router.h"
#include "store.h"
#include "util.h"

static struct config test_cfg;
static struct app test_app;

static inline struct app *test_app_new(void)
{
	char *err = NULL;
	memset(&test_cfg, 0, sizeof(test_cfg));
	test_cfg.max_body = 1 << 20;
	util_init_json_hooks();
	test_app.cfg = &test_cfg;
	test_app.dispatch = router_dispatch;
	test_app.store = store_open(":memory:", &err);
	if (!test_app.store) {
		printf("# cannot open store: %s\n", err);
		exit(1);
	}
	return &test_app;
}

static inline void test_app_free(void)
{
	store_close(test_app.store);
	test_app.store = NULL;
}

/* Dispatches one request; the caller req_free()s it. */
static inline struct req *test_dispatch(const char *method, const char *path, const char *token,
					const char *body)
{
	struct req *r = req_new(&test_app);
	r->method = method;
	r->path = path;
	r->h_authorization = token;
	if (body)
		req_append_body(r, body, strlen(body), 1 << 20);
	router_dispatch(r);
	return r;
}

#endif
