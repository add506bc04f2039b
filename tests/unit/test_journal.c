/* test_journal.c: src/journal.c, the request journal's ring. */
#include "journal.h"
#include "testhelp.h"
#include "util.h"

static void add(struct journal *j, const char *method, const char *path, int status,
		const char *body)
{
	struct journal_entry e;

	memset(&e, 0, sizeof(e));
	e.time_ms = 1767225600000LL;
	e.method = method;
	e.path = path;
	e.status = status;
	e.response_body = body;
	journal_add(j, &e);
}

static const char *path_at(cJSON *out, int i)
{
	return cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(out, "requests"), i),
				   "path")->valuestring;
}

TEST("journal: newest first, the oldest dropped when full, and counted")
{
	struct journal *j = journal_new(3, 1024);
	struct journal_filter f;
	cJSON *out;

	memset(&f, 0, sizeof(f));
	add(j, "GET", "/a", 200, NULL);
	add(j, "GET", "/b", 200, NULL);
	add(j, "POST", "/c", 400, NULL);
	add(j, "GET", "/d", 404, NULL);
	out = journal_json(j, &f);
	CHECK_EQ_INT(cJSON_GetObjectItem(out, "count")->valueint, 3);
	CHECK_EQ_INT(cJSON_GetObjectItem(out, "dropped")->valueint, 1);
	CHECK_EQ_STR(path_at(out, 0), "/d");
	CHECK_EQ_STR(path_at(out, 2), "/b");
	cJSON_Delete(out);

	f.method = "get";
	f.status = 200;
	out = journal_json(j, &f);
	CHECK_EQ_INT(cJSON_GetObjectItem(out, "count")->valueint, 1);
	CHECK_EQ_STR(path_at(out, 0), "/b");
	cJSON_Delete(out);

	journal_clear(j);
	memset(&f, 0, sizeof(f));
	out = journal_json(j, &f);
	CHECK_EQ_INT(cJSON_GetObjectItem(out, "total")->valueint, 0);
	cJSON_Delete(out);
	journal_free(j);
}

TEST("journal: JSON bodies as JSON; long ones cut at a character and marked")
{
	struct journal *j = journal_new(2, 8);
	struct journal_filter f;
	cJSON *out, *e;

	memset(&f, 0, sizeof(f));
	add(j, "GET", "/x", 200, "{\"a\":1}");
	add(j, "GET", "/y", 200, "ééééé"); /* 10 bytes: cut to 8 */
	out = journal_json(j, &f);
	e = cJSON_GetArrayItem(cJSON_GetObjectItem(out, "requests"), 1);
	CHECK(cJSON_IsObject(cJSON_GetObjectItem(e, "response_body")));
	e = cJSON_GetArrayItem(cJSON_GetObjectItem(out, "requests"), 0);
	CHECK_EQ_STR(cJSON_GetObjectItem(e, "response_body")->valuestring, "éééé");
	CHECK(cJSON_IsTrue(cJSON_GetObjectItem(e, "truncated")));
	cJSON_Delete(out);
	journal_free(j);
}

TEST("journal: a journal of size 0 keeps nothing")
{
	struct journal *j = journal_new(0, 8);
	struct journal_filter f;
	cJSON *out;

	memset(&f, 0, sizeof(f));
	add(j, "GET", "/x", 200, NULL);
	out = journal_json(j, &f);
	CHECK_EQ_INT(cJSON_GetObjectItem(out, "total")->valueint, 0);
	cJSON_Delete(out);
	journal_free(j);
}

int main(void)
{
	return test_main();
}
