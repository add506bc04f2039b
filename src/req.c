/* req.c: the lifecycle of struct req (see req.h). */
#include "req.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

struct req *req_new(struct app *app)
{
	struct req *r = xcalloc(1, sizeof(*r));
	r->app = app;
	return r;
}

void req_free(struct req *r)
{
	if (!r)
		return;
	free(r->query);
	free(r->body);
	free(r->path_buf);
	free(r->audit_account_name);
	cJSON_Delete(r->json);
	cJSON_Delete(r->audit_result);
	free(r->reply_body);
	free(r->allow);
	free(r->journal_reply);
	free(r->raw_uri);
	free(r->grants);
	grants_account_scope_free(&r->scope);
	free(r);
}

void req_append_body(struct req *r, const char *data, size_t len, size_t limit)
{
	if (r->body_too_large)
		return;
	if (r->body_len + len > limit) {
		r->body_too_large = 1;
		return;
	}
	if (r->body_len + len + 1 > r->body_cap) {
		size_t cap = r->body_cap ? r->body_cap : 1024;
		while (cap < r->body_len + len + 1)
			cap *= 2;
		r->body = xrealloc(r->body, cap);
		r->body_cap = cap;
	}
	memcpy(r->body + r->body_len, data, len);
	r->body_len += len;
	r->body[r->body_len] = '\0';
}

void req_add_query(struct req *r, const char *key, const char *value)
{
	if (r->nquery == r->query_cap) {
		r->query_cap = r->query_cap ? r->query_cap * 2 : 8;
		r->query = xrealloc(r->query, r->query_cap * sizeof(*r->query));
	}
	r->query[r->nquery].key = key;
	r->query[r->nquery].value = value ? value : "";
	r->nquery++;
}

const char *req_param(const struct req *r, int index)
{
	if (index < 0 || index >= REQ_MAX_PARAMS || !r->params[index])
		BUG("route has no parameter %d", index);
	return r->params[index];
}

const char *req_query(const struct req *r, const char *key, int *out_count)
{
	const char *first = NULL;
	int count = 0;
	size_t i;

	for (i = 0; i < r->nquery; i++) {
		if (strcmp(r->query[i].key, key) == 0) {
			if (!count)
				first = r->query[i].value;
			count++;
		}
	}
	if (out_count)
		*out_count = count;
	return first;
}
