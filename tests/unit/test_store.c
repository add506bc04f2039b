/* test_store.c: src/store.c against :memory: with the real schema. */
#include "fixture.h"
#include "ids.h"
#include "testhelp.h"

#include <unistd.h>

static struct user user_for(const char *token)
{
	struct user u;
	memset(&u, 0, sizeof(u));
	if (store_users_resolve(test_app.store, CRED_TOKEN, token, NULL, &u) != STORE_OK)
		printf("# cannot resolve %s\n", token);
	return u;
}

static char *create(const struct user *u, const char *name, const char *parent)
{
	struct org_new n;
	cJSON *o = NULL;
	char *id;

	memset(&n, 0, sizeof(n));
	n.name = name;
	n.parent_id = parent;
	if (store_orgs_create(test_app.store, u, &n, &o) != STORE_OK)
		return NULL;
	id = xstrdup(cJSON_GetObjectItem(o, "id")->valuestring);
	cJSON_Delete(o);
	return id;
}

TEST("store: the schema is applied and the store starts empty")
{
	test_app_new();
	CHECK_EQ_INT(store_schema_version(test_app.store), 1);
	CHECK(store_is_empty(test_app.store));
	test_app_free();
}

TEST("store: one credential is one user, the same on every use")
{
	struct user a, b, c;
	test_app_new();
	a = user_for("tok-a");
	b = user_for("tok-a");
	c = user_for("tok-c");
	CHECK_EQ_INT(a.seq, b.seq);
	CHECK_EQ_STR(a.id, b.id);
	CHECK(a.seq != c.seq);
	CHECK(is_hex_id(a.id));
	test_app_free();
}

TEST("store: an organization is visible to its creator only")
{
	struct user a, b;
	cJSON *o = NULL;
	char *id;
	test_app_new();
	a = user_for("tok-a");
	b = user_for("tok-b");
	id = create(&a, "Acme", NULL);
	CHECK(id != NULL);
	CHECK_EQ_INT(store_orgs_get(test_app.store, &a, id, &o), STORE_OK);
	cJSON_Delete(o);
	o = NULL;
	CHECK_EQ_INT(store_orgs_get(test_app.store, &b, id, &o), STORE_NOT_FOUND);
	CHECK(o == NULL);
	CHECK(create(&b, "Child", id) == NULL); /* b cannot use it as a parent */
	free(id);
	test_app_free();
}

TEST("store: delete refuses a parent, then works bottom-up")
{
	struct user a;
	char *root, *child, *what = NULL;
	test_app_new();
	a = user_for("tok-a");
	root = create(&a, "Root", NULL);
	child = create(&a, "Child", root);
	CHECK_EQ_INT(store_orgs_delete(test_app.store, &a, root, &what), STORE_CONFLICT);
	CHECK_EQ_STR(what, "1 sub-organization");
	free(what);
	CHECK_EQ_INT(store_orgs_delete(test_app.store, &a, child, &what), STORE_OK);
	CHECK_EQ_INT(store_orgs_delete(test_app.store, &a, root, &what), STORE_OK);
	CHECK_EQ_INT(store_orgs_delete(test_app.store, &a, root, &what), STORE_NOT_FOUND);
	free(root);
	free(child);
	test_app_free();
}

TEST("store: listing pages in creation order with a correct total")
{
	struct org_filter f;
	struct user a, b;
	int64_t last = 0, total = 0;
	int more = 0, i, seen = 0;
	cJSON *page = NULL;
	test_app_new();
	a = user_for("tok-a");
	b = user_for("tok-b");
	for (i = 0; i < 25; i++) {
		char name[32];
		snprintf(name, sizeof(name), "org-%02d", i);
		free(create(i % 2 ? &b : &a, name, NULL));
	}
	memset(&f, 0, sizeof(f));
	do {
		CHECK_EQ_INT(store_orgs_list(test_app.store, &a, &f, last, 5, &page, &last, &more,
					     &total), STORE_OK);
		CHECK_EQ_INT(total, 13);
		seen += cJSON_GetArraySize(page);
		cJSON_Delete(page);
	} while (more);
	CHECK_EQ_INT(seen, 13);
	test_app_free();
}

TEST("store: name filters are case-insensitive and take % and _ literally")
{
	struct org_filter f;
	struct user a;
	int64_t last, total = -1;
	int more;
	cJSON *page = NULL;
	test_app_new();
	a = user_for("tok-a");
	free(create(&a, "Alpha_Team", NULL));
	free(create(&a, "alphaXteam", NULL));
	free(create(&a, "100% Beta", NULL));
	memset(&f, 0, sizeof(f));
	f.name_contains = "HA_T";
	store_orgs_list(test_app.store, &a, &f, 0, 10, &page, &last, &more, &total);
	CHECK_EQ_INT(total, 1);
	cJSON_Delete(page);
	f.name_contains = NULL;
	f.name = "100% BETA";
	store_orgs_list(test_app.store, &a, &f, 0, 10, &page, &last, &more, &total);
	CHECK_EQ_INT(total, 1);
	cJSON_Delete(page);
	f.name = "100%";
	store_orgs_list(test_app.store, &a, &f, 0, 10, &page, &last, &more, &total);
	CHECK_EQ_INT(total, 0);
	cJSON_Delete(page);
	test_app_free();
}

TEST("store: a database of a newer schema is refused")
{
	char *err = NULL;
	char path[] = "/tmp/cfmock-test-XXXXXX";
	int fd = mkstemp(path);
	struct store *st;
	close(fd);
	st = store_open(path, &err);
	CHECK(st != NULL);
	store_close(st);
	{
		/* bump the version by hand */
		char *cmd = xasprintf("sqlite3 '%s' 'PRAGMA user_version = 99' 2>/dev/null", path);
		int rc = system(cmd);
		free(cmd);
		if (rc != 0) {
			/* no sqlite3 shell: write the header field directly (offset 60) */
			FILE *f = fopen(path, "r+b");
			unsigned char v[4] = { 0, 0, 0, 99 };
			fseek(f, 60, SEEK_SET);
			fwrite(v, 1, 4, f);
			fclose(f);
		}
	}
	st = store_open(path, &err);
	CHECK(st == NULL);
	CHECK(err && strstr(err, "newer") != NULL);
	free(err);
	unlink(path);
	{
		char *wal = xasprintf("%s-wal", path), *shm = xasprintf("%s-shm", path);
		unlink(wal);
		unlink(shm);
		free(wal);
		free(shm);
	}
}

int main(void)
{
	return test_main();
}
