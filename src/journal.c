/* journal.c: see journal.h. */
#include "journal.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "clock.h"
#include "util.h"

struct stored {
	int64_t time_ms;
	int64_t duration_us;
	char *method, *path, *query, *user_id;
	char *request_body, *response_body;
	int request_cut, response_cut;
	int status;
	uint64_t seq;
};

struct journal {
	struct stored *ring;
	size_t capacity, head, count; /* head: where the next one goes */
	size_t body_max;
	uint64_t next_seq, dropped;
};

struct journal *journal_new(size_t capacity, size_t body_max)
{
	struct journal *j = xcalloc(1, sizeof(*j));

	j->capacity = capacity;
	j->body_max = body_max;
	j->ring = capacity ? xcalloc(capacity, sizeof(*j->ring)) : NULL;
	j->next_seq = 1;
	return j;
}

int journal_keeps(const struct journal *j)
{
	return j->capacity > 0;
}

static void stored_release(struct stored *s)
{
	free(s->method);
	free(s->path);
	free(s->query);
	free(s->user_id);
	free(s->request_body);
	free(s->response_body);
	memset(s, 0, sizeof(*s));
}

void journal_clear(struct journal *j)
{
	size_t i;

	for (i = 0; i < j->capacity; i++)
		stored_release(&j->ring[i]);
	j->head = j->count = 0;
	j->dropped = 0;
}

void journal_free(struct journal *j)
{
	if (!j)
		return;
	journal_clear(j);
	free(j->ring);
	free(j);
}

static char *cut(const char *s, size_t max, int *out_cut)
{
	size_t len;

	*out_cut = 0;
	if (!s)
		return NULL;
	len = strlen(s);
	if (len <= max)
		return xstrdup(s);
	*out_cut = 1;
	/* do not end inside a UTF-8 sequence */
	while (max > 0 && ((unsigned char)s[max] & 0xc0) == 0x80)
		max--;
	return xstrndup(s, max);
}

void journal_add(struct journal *j, const struct journal_entry *e)
{
	struct stored *s;

	if (!j->capacity)
		return;
	s = &j->ring[j->head];
	if (j->count == j->capacity) {
		stored_release(s);
		j->dropped++;
	} else {
		j->count++;
	}
	s->seq = j->next_seq++;
	s->time_ms = e->time_ms;
	s->duration_us = e->duration_us;
	s->method = xstrdup(e->method ? e->method : "");
	s->path = xstrdup(e->path ? e->path : "");
	s->query = xstrdup(e->query ? e->query : "");
	s->user_id = xstrdup(e->user_id ? e->user_id : "");
	s->status = e->status;
	s->request_body = cut(e->request_body, j->body_max, &s->request_cut);
	s->response_body = cut(e->response_body, j->body_max, &s->response_cut);
	j->head = (j->head + 1) % j->capacity;
}

/* A body as JSON when it parses as JSON (and was not cut), else as a
 * string. */
static cJSON *body_json(const char *body, int was_cut)
{
	cJSON *v;

	if (!body)
		return cJSON_CreateNull();
	if (!was_cut && (v = cJSON_Parse(body)))
		return v;
	return cJSON_CreateString(body);
}

static int matches(const struct stored *s, const struct journal_filter *f)
{
	if (f->method && strcasecmp(s->method, f->method) != 0)
		return 0;
	if (f->path_prefix && strncmp(s->path, f->path_prefix, strlen(f->path_prefix)) != 0)
		return 0;
	if (f->user_id && strcmp(s->user_id, f->user_id) != 0)
		return 0;
	return !f->status || s->status == f->status;
}

cJSON *journal_json(const struct journal *j, const struct journal_filter *f)
{
	cJSON *out = cJSON_CreateObject(), *list = cJSON_AddArrayToObject(out, "requests");
	size_t i, n = 0;

	for (i = 0; i < j->count; i++) {
		/* newest first: walk back from the one before head */
		const struct stored *s = &j->ring[(j->head + j->capacity - 1 - i) % j->capacity];
		char when[CLOCK_RFC3339_LEN + 1];
		cJSON *e;

		/* newest first: past @since, every older one is too */
		if (s->seq <= f->since)
			break;
		if (!matches(s, f))
			continue;
		if (f->limit && n == f->limit)
			break;
		e = cJSON_CreateObject();
		cJSON_AddNumberToObject(e, "seq", (double)s->seq);
		clock_format(s->time_ms, when);
		cJSON_AddStringToObject(e, "time", when);
		cJSON_AddNumberToObject(e, "duration_us", (double)s->duration_us);
		cJSON_AddStringToObject(e, "method", s->method);
		cJSON_AddStringToObject(e, "path", s->path);
		cJSON_AddStringToObject(e, "query", s->query);
		cJSON_AddNumberToObject(e, "status", s->status);
		if (*s->user_id)
			cJSON_AddStringToObject(e, "user_id", s->user_id);
		else
			cJSON_AddNullToObject(e, "user_id");
		cJSON_AddItemToObject(e, "request_body", body_json(s->request_body, s->request_cut));
		cJSON_AddItemToObject(e, "response_body",
				      body_json(s->response_body, s->response_cut));
		if (s->request_cut || s->response_cut)
			cJSON_AddBoolToObject(e, "truncated", 1);
		cJSON_AddItemToArray(list, e);
		n++;
	}
	cJSON_AddNumberToObject(out, "count", (double)n);
	cJSON_AddNumberToObject(out, "total", (double)j->count);
	cJSON_AddNumberToObject(out, "capacity", (double)j->capacity);
	cJSON_AddNumberToObject(out, "dropped", (double)j->dropped);
	return out;
}
