/* faults.c: see faults.h. */
#include "faults.h"

#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ids.h"
#include "rules.h"
#include "util.h"

#define API_PREFIX "/client/v4"
#define FAULTS_MAX 256

struct rule {
	char id[ID_LEN + 1];
	char *method;     /* NULL: any */
	char *path;       /* glob over the path after /client/v4 */
	char *credential; /* NULL: any */
	struct fault_action action;
	char *message;
	int64_t times;    /* -1: no limit; else how many more times it fires */
	double probability;
	int64_t hits;
	struct rule *next;
};

struct faults {
	struct rule *head;
	int count;
	uint64_t rng;
};

struct faults *faults_new(uint64_t seed)
{
	struct faults *f = xcalloc(1, sizeof(*f));
	f->rng = seed ? seed : 0x9e3779b97f4a7c15ULL;
	return f;
}

static void rule_free(struct rule *r)
{
	free(r->method);
	free(r->path);
	free(r->credential);
	free(r->message);
	free(r);
}

void faults_clear(struct faults *f)
{
	while (f->head) {
		struct rule *r = f->head;
		f->head = r->next;
		rule_free(r);
	}
	f->count = 0;
}

void faults_free(struct faults *f)
{
	if (!f)
		return;
	faults_clear(f);
	free(f);
}

static double roll(struct faults *f)
{
	/* xorshift64* */
	uint64_t x = f->rng;
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	f->rng = x;
	return (double)((x * 0x2545f4914f6cdd1dULL) >> 11) / 9007199254740992.0;
}

static const char *const kinds[] = { "error", "rate_limit", "latency", "drop" };

static cJSON *rule_json(const struct rule *r)
{
	cJSON *o = cJSON_CreateObject(), *a;

	cJSON_AddStringToObject(o, "id", r->id);
	cJSON_AddStringToObject(o, "method", r->method ? r->method : "*");
	cJSON_AddStringToObject(o, "path", r->path);
	if (r->credential)
		cJSON_AddStringToObject(o, "credential", r->credential);
	else
		cJSON_AddNullToObject(o, "credential");
	a = cJSON_AddObjectToObject(o, "action");
	cJSON_AddStringToObject(a, "type", kinds[r->action.kind]);
	switch (r->action.kind) {
	case FAULT_ERROR:
		cJSON_AddNumberToObject(a, "status", r->action.status);
		cJSON_AddNumberToObject(a, "code", r->action.code);
		cJSON_AddStringToObject(a, "message", r->message);
		break;
	case FAULT_RATE_LIMIT:
		cJSON_AddNumberToObject(a, "retry_after", r->action.retry_after);
		break;
	case FAULT_LATENCY:
		cJSON_AddNumberToObject(a, "ms", r->action.latency_ms);
		break;
	case FAULT_DROP:
		break;
	}
	if (r->times >= 0)
		cJSON_AddNumberToObject(o, "remaining", (double)r->times);
	else
		cJSON_AddNullToObject(o, "remaining");
	cJSON_AddNumberToObject(o, "probability", r->probability);
	cJSON_AddNumberToObject(o, "hits", (double)r->hits);
	return o;
}

/* A whole number in [lo, hi] at @key of @obj; @def when absent. */
static int get_int(const cJSON *obj, const char *key, int64_t lo, int64_t hi, int64_t def,
		   int64_t *out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	*out = def;
	if (!v || cJSON_IsNull(v))
		return 0;
	/* the range first: a number past int64_t's has no cast to test */
	if (!cJSON_IsNumber(v) || v->valuedouble < (double)lo || v->valuedouble > (double)hi ||
	    v->valuedouble != (double)(int64_t)v->valuedouble)
		return -1;
	*out = (int64_t)v->valuedouble;
	return 0;
}

static const char *get_str(const cJSON *obj, const char *key, int *bad)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	*bad = 0;
	if (!v || cJSON_IsNull(v))
		return NULL;
	if (!cJSON_IsString(v) || !*v->valuestring) {
		*bad = 1;
		return NULL;
	}
	return v->valuestring;
}

#define BAD(ptr, ...)                                         \
	do {                                                  \
		*err_pointer = (ptr);                         \
		*err_msg = xasprintf(__VA_ARGS__);            \
		goto fail;                                    \
	} while (0)

cJSON *faults_add(struct faults *f, const cJSON *spec, const char **err_pointer, char **err_msg)
{
	struct rule *r = xcalloc(1, sizeof(*r)), **tail;
	const cJSON *action, *prob;
	const char *s, *type;
	int64_t n;
	int bad;
	size_t k;

	*err_pointer = NULL;
	*err_msg = NULL;
	if (f->count >= FAULTS_MAX)
		BAD("", "at most %d fault rules; DELETE /_cfmock/faults first", FAULTS_MAX);
	s = get_str(spec, "method", &bad);
	if (bad)
		BAD("/method", "'method' must be an HTTP method or \"*\"");
	if (s && strcmp(s, "*") != 0) {
		const char *p;
		for (p = s; *p; p++)
			if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z')))
				BAD("/method", "'method' must be an HTTP method or \"*\"");
		r->method = xstrdup(s);
	}
	s = get_str(spec, "path", &bad);
	if (bad || !s)
		BAD("/path", "'path' is required: a pattern like \"/accounts/*\" (* matches anything)");
	/* a full path works as well as one relative to /client/v4 */
	if (strncmp(s, API_PREFIX "/", strlen(API_PREFIX) + 1) == 0)
		s += strlen(API_PREFIX);
	if (s[0] != '/' && s[0] != '*')
		BAD("/path", "'path' must start with '/' (relative to /client/v4) or '*'");
	if (strlen(s) > 1024)
		BAD("/path", "'path' must be at most 1024 bytes");
	r->path = xstrdup(s);
	s = get_str(spec, "credential", &bad);
	if (bad)
		BAD("/credential", "'credential' must be an API token, an email or a service key");
	if (s)
		r->credential = xstrdup(s);
	if (get_int(spec, "times", 1, INT64_MAX / 2, -1, &r->times) < 0)
		BAD("/times", "'times' must be a whole number of at least 1");
	prob = cJSON_GetObjectItemCaseSensitive(spec, "probability");
	r->probability = 1;
	if (prob && !cJSON_IsNull(prob)) {
		if (!cJSON_IsNumber(prob) || prob->valuedouble < 0 || prob->valuedouble > 1)
			BAD("/probability", "'probability' must be a number from 0 to 1");
		r->probability = prob->valuedouble;
	}
	action = cJSON_GetObjectItemCaseSensitive(spec, "action");
	if (!cJSON_IsObject(action))
		BAD("/action", "'action' is required: {\"type\": \"error\"|\"rate_limit\"|\"latency\"|\"drop\", ...}");
	type = get_str(action, "type", &bad);
	for (k = 0; type && k < ARRAY_SIZE(kinds) && strcmp(type, kinds[k]) != 0; k++)
		;
	if (!type || k == ARRAY_SIZE(kinds))
		BAD("/action/type", "'action.type' must be \"error\", \"rate_limit\", \"latency\" or \"drop\"");
	r->action.kind = (enum fault_kind)k;
	switch (r->action.kind) {
	case FAULT_ERROR:
		if (get_int(action, "status", 400, 599, -1, &n) < 0 || n < 0)
			BAD("/action/status", "'action.status' is required: an HTTP status from 400 to 599");
		r->action.status = (int)n;
		/* CF-API: codes are >= 1000 */
		if (get_int(action, "code", 1000, 999999, 1099, &n) < 0)
			BAD("/action/code", "'action.code' must be a whole number from 1000 to 999999");
		r->action.code = (int)n;
		s = get_str(action, "message", &bad);
		if (bad)
			BAD("/action/message", "'action.message' must be a non-empty string");
		r->message = xstrdup(s ? s : "injected fault");
		break;
	case FAULT_RATE_LIMIT:
		if (get_int(action, "retry_after", 1, 86400, 1, &n) < 0)
			BAD("/action/retry_after", "'action.retry_after' must be seconds, 1 to 86400");
		r->action.status = 429;
		r->action.retry_after = (int)n;
		/* CF-API: what the live API answers when it rate-limits */
		r->action.code = 971;
		r->message = xstrdup("Please wait and consider throttling your request speed");
		break;
	case FAULT_LATENCY:
		if (get_int(action, "ms", 0, 600000, -1, &n) < 0 || n < 0)
			BAD("/action/ms", "'action.ms' is required: milliseconds, 0 to 600000");
		r->action.latency_ms = (int)n;
		break;
	case FAULT_DROP:
		break;
	}
	ids_new(r->id);
	for (tail = &f->head; *tail; tail = &(*tail)->next)
		;
	*tail = r;
	f->count++;
	return rule_json(r);
fail:
	rule_free(r);
	return NULL;
}

cJSON *faults_json(const struct faults *f)
{
	cJSON *out = cJSON_CreateObject(), *list = cJSON_AddArrayToObject(out, "faults");
	const struct rule *r;

	for (r = f->head; r; r = r->next)
		cJSON_AddItemToArray(list, rule_json(r));
	return out;
}

int faults_remove(struct faults *f, const char *id)
{
	struct rule **p;

	for (p = &f->head; *p; p = &(*p)->next) {
		if (strcmp((*p)->id, id) == 0) {
			struct rule *r = *p;
			*p = r->next;
			rule_free(r);
			f->count--;
			return 0;
		}
	}
	return -1;
}

/* The credential the request presents, as a fault names it. */
static int credential_is(const struct req *q, const char *want)
{
	const char *a = q->h_authorization;

	if (a && strncasecmp(a, "Bearer ", 7) == 0 && strcmp(a + 7, want) == 0)
		return 1;
	if (q->h_auth_email && rules_email_same(q->h_auth_email, want))
		return 1;
	return q->h_service_key && strcmp(q->h_service_key, want) == 0;
}

int faults_match(struct faults *f, const struct req *q, struct fault_action *out)
{
	const char *path = q->path;
	struct rule *r;

	if (strncmp(path, API_PREFIX, strlen(API_PREFIX)) != 0)
		return 0;
	path += strlen(API_PREFIX);
	for (r = f->head; r; r = r->next) {
		if (r->times == 0)
			continue;
		if (r->method && strcasecmp(r->method, q->method) != 0)
			continue;
		if (fnmatch(r->path, path, 0) != 0)
			continue;
		if (r->credential && !credential_is(q, r->credential))
			continue;
		if (r->probability < 1 && roll(f) >= r->probability)
			continue;
		if (r->times > 0)
			r->times--;
		r->hits++;
		*out = r->action;
		out->message = r->message;
		return 1;
	}
	return 0;
}
