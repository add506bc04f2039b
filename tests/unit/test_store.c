/* test_store.c: src/store.c against :memory: with the real schema. */
#include "fixture.h"
#include "ids.h"
#include "roles.h"
#include "testhelp.h"

#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

static struct user user_for(const char *token)
{
	struct user u;
	memset(&u, 0, sizeof(u));
	if (store_users_resolve(test_app.store, CRED_TOKEN, token, NULL, 0, &u) != STORE_OK)
		printf("# cannot resolve %s\n", token);
	return u;
}

static char *create(const struct user *u, const char *name, const char *parent)
{
	struct organization_new n;
	cJSON *o = NULL;
	char *id;

	memset(&n, 0, sizeof(n));
	n.name = name;
	n.parent_id = parent;
	if (store_organizations_create(test_app.store, u, &n, &o) != STORE_OK)
		return NULL;
	id = xstrdup(cJSON_GetObjectItem(o, "id")->valuestring);
	cJSON_Delete(o);
	return id;
}

TEST("store: the schema is applied and the store starts empty")
{
	test_app_new();
	CHECK_EQ_INT(store_schema_version(test_app.store), 8);
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
	CHECK_EQ_INT(store_organizations_get(test_app.store, &a, id, &o), STORE_OK);
	cJSON_Delete(o);
	o = NULL;
	CHECK_EQ_INT(store_organizations_get(test_app.store, &b, id, &o), STORE_NOT_FOUND);
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
	CHECK_EQ_INT(store_organizations_delete(test_app.store, &a, root, &what), STORE_CONFLICT);
	CHECK_EQ_STR(what, "1 sub-organization");
	free(what);
	CHECK_EQ_INT(store_organizations_delete(test_app.store, &a, child, &what), STORE_OK);
	CHECK_EQ_INT(store_organizations_delete(test_app.store, &a, root, &what), STORE_OK);
	CHECK_EQ_INT(store_organizations_delete(test_app.store, &a, root, &what), STORE_NOT_FOUND);
	free(root);
	free(child);
	test_app_free();
}

TEST("store: listing pages in creation order with a correct total")
{
	struct organization_filter f;
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
		CHECK_EQ_INT(store_organizations_list(test_app.store, &a, &f, last, 5, &page, &last, &more,
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
	struct organization_filter f;
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
	store_organizations_list(test_app.store, &a, &f, 0, 10, &page, &last, &more, &total);
	CHECK_EQ_INT(total, 1);
	cJSON_Delete(page);
	f.name_contains = NULL;
	f.name = "100% BETA";
	store_organizations_list(test_app.store, &a, &f, 0, 10, &page, &last, &more, &total);
	CHECK_EQ_INT(total, 1);
	cJSON_Delete(page);
	f.name = "100%";
	store_organizations_list(test_app.store, &a, &f, 0, 10, &page, &last, &more, &total);
	CHECK_EQ_INT(total, 0);
	cJSON_Delete(page);
	test_app_free();
}

/* Creates an account named @name in @org (NULL: stand-alone) as @u;
 * returns its id (caller frees) or NULL. */
static char *account(const struct user *u, const char *name, const char *org)
{
	struct account_new n;
	cJSON *o = NULL;
	char *id;

	memset(&n, 0, sizeof(n));
	n.name = name;
	n.type = "standard";
	n.org_id = org;
	if (store_accounts_create(test_app.store, u, &n, &o) != STORE_OK)
		return NULL;
	id = xstrdup(cJSON_GetObjectItem(o, "id")->valuestring);
	cJSON_Delete(o);
	return id;
}

static int account_visible(const struct user *u, const char *id)
{
	cJSON *o = NULL;
	enum store_rc rc = store_accounts_get(test_app.store, u, id, &o);
	cJSON_Delete(o);
	return rc == STORE_OK;
}

TEST("store: an account is seen by its creator and by whoever sees its organization")
{
	struct user a, b;
	char *root, *child, *in_child, *solo, *b_root, *b_acct;
	cJSON *page = NULL;
	int64_t total = -1;
	test_app_new();
	a = user_for("tok-a");
	b = user_for("tok-b");
	root = create(&a, "Root", NULL);
	child = create(&a, "Child", root);
	in_child = account(&a, "In child", child);
	solo = account(&a, "Solo", NULL);
	b_root = create(&b, "B root", NULL);
	b_acct = account(&b, "B's", b_root);
	CHECK(account(&b, "Nope", root) == NULL); /* b cannot see root */
	CHECK(account_visible(&a, in_child) && account_visible(&a, solo));
	CHECK(!account_visible(&b, in_child) && !account_visible(&b, solo));
	CHECK(account_visible(&b, b_acct) && !account_visible(&a, b_acct));
	CHECK_EQ_INT(store_accounts_list(test_app.store, &a, NULL, 0, 0, 20, &page, &total),
		     STORE_OK);
	CHECK_EQ_INT(total, 2);
	CHECK_EQ_INT(cJSON_GetArraySize(page), 2);
	cJSON_Delete(page);
	CHECK_EQ_INT(store_accounts_list(test_app.store, &b, "b'S", 0, 0, 20, &page, &total),
		     STORE_OK);
	CHECK_EQ_INT(total, 1);
	cJSON_Delete(page);
	free(root);
	free(child);
	free(in_child);
	free(solo);
	free(b_root);
	free(b_acct);
	test_app_free();
}

TEST("store: moves keep to one hierarchy; a batch says what became of each account")
{
	struct user a, b;
	struct move_result m[3];
	char *r1, *c1, *r2, *acct, *solo, *b_acct, *b_root, *what = NULL;
	const char *ids[3];
	test_app_new();
	a = user_for("tok-a");
	b = user_for("tok-b");
	r1 = create(&a, "R1", NULL);
	c1 = create(&a, "C1", r1);
	r2 = create(&a, "R2", NULL);
	acct = account(&a, "A", r1);
	solo = account(&a, "S", NULL);
	b_root = create(&b, "BR", NULL);
	b_acct = account(&b, "B", b_root);

	ids[0] = acct;
	CHECK_EQ_INT(store_accounts_move(test_app.store, &a, ids, 1, c1, m), STORE_OK);
	CHECK_EQ_INT(m[0].status, MOVE_DONE);
	CHECK_EQ_STR(m[0].source_id, r1);
	CHECK_EQ_INT(store_accounts_move(test_app.store, &a, ids, 1, c1, m), STORE_OK);
	CHECK_EQ_INT(m[0].status, MOVE_SAME_ORG);
	CHECK_EQ_INT(store_accounts_move(test_app.store, &a, ids, 1, r2, m), STORE_OK);
	CHECK_EQ_INT(m[0].status, MOVE_OTHER_HIERARCHY);
	/* the destination must be visible: nothing moves */
	CHECK_EQ_INT(store_accounts_move(test_app.store, &a, ids, 1, b_root, m), STORE_NOT_FOUND);

	/* a batch: a stand-alone account goes anywhere, an invisible one does not */
	ids[0] = solo;
	ids[1] = b_acct;
	ids[2] = acct;
	CHECK_EQ_INT(store_accounts_move(test_app.store, &a, ids, 3, r1, m), STORE_OK);
	CHECK_EQ_INT(m[0].status, MOVE_DONE);
	CHECK_EQ_STR(m[0].source_id, "");
	CHECK_EQ_INT(m[1].status, MOVE_NO_ACCOUNT);
	CHECK_EQ_INT(m[2].status, MOVE_DONE);
	CHECK_EQ_STR(m[2].source_id, c1);

	/* r1 now holds two accounts, and cannot go */
	CHECK_EQ_INT(store_organizations_delete(test_app.store, &a, r1, &what), STORE_CONFLICT);
	CHECK_EQ_STR(what, "1 sub-organization and 2 accounts");
	free(what);
	CHECK_EQ_INT(store_accounts_delete(test_app.store, &a, acct), STORE_OK);
	CHECK_EQ_INT(store_accounts_delete(test_app.store, &a, solo), STORE_OK);
	CHECK_EQ_INT(store_accounts_delete(test_app.store, &a, solo), STORE_NOT_FOUND);
	CHECK_EQ_INT(store_accounts_delete(test_app.store, &a, b_acct), STORE_NOT_FOUND);
	CHECK_EQ_INT(store_organizations_delete(test_app.store, &a, c1, &what), STORE_OK);
	CHECK_EQ_INT(store_organizations_delete(test_app.store, &a, r1, &what), STORE_OK);
	CHECK(account_visible(&b, b_acct));
	free(r1);
	free(c1);
	free(r2);
	free(acct);
	free(solo);
	free(b_acct);
	free(b_root);
	test_app_free();
}

TEST("store: an organization's accounts page by name with a keyset")
{
	struct organizations_accounts_filter f;
	struct user a;
	char *root, *key = NULL, *prev_key = NULL;
	int64_t last = 0, total = 0;
	int more = 1, has_after = 0, n = 0, i;
	cJSON *page = NULL;
	static const char *const names[] = { "delta", "Alpha", "charlie", "Bravo", "alpha", "Echo" };
	static const char *const want[] = { "Alpha", "alpha", "Bravo", "charlie", "delta", "Echo" };
	test_app_new();
	a = user_for("tok-a");
	root = create(&a, "Root", NULL);
	for (i = 0; i < 6; i++)
		free(account(&a, names[i], root));
	memset(&f, 0, sizeof(f));
	f.by_name = 1;
	while (more) {
		more = 0;
		CHECK_EQ_INT(store_organizations_accounts_list(test_app.store, &a, root, &f, has_after, last,
						 prev_key, 4, &page, &last, &key, &more, &total),
			     STORE_OK);
		CHECK_EQ_INT(total, 6);
		for (i = 0; i < cJSON_GetArraySize(page); i++, n++)
			CHECK_EQ_STR(cJSON_GetObjectItem(cJSON_GetArrayItem(page, i), "name")
					     ->valuestring,
				     want[n]);
		cJSON_Delete(page);
		free(prev_key);
		prev_key = key;
		key = NULL;
		has_after = 1;
	}
	CHECK_EQ_INT(n, 6);
	free(prev_key);
	free(root);
	test_app_free();
}

/* The user a token names (made on first use). */
static struct user member_user(const char *email)
{
	struct user u;
	memset(&u, 0, sizeof(u));
	store_users_resolve(test_app.store, CRED_KEY, "00000000000000000000000000000000", email, 0,
			    &u);
	return u;
}

static int org_visible_to(const struct user *u, const char *id)
{
	cJSON *o = NULL;
	enum store_rc rc = store_organizations_get(test_app.store, u, id, &o);
	cJSON_Delete(o);
	return rc == STORE_OK;
}

TEST("store: an active member sees the organization, all below it and their accounts")
{
	struct user a, bob;
	struct org_member_new m;
	char *root, *child, *grand, *acct, *member_id;
	cJSON *out = NULL;
	int bad;
	test_app_new();
	a = user_for("tok-a");
	root = create(&a, "Root", NULL);
	child = create(&a, "Child", root);
	grand = create(&a, "Grand", child);
	acct = account(&a, "Acct", grand);
	bob = member_user("bob@example.com");
	CHECK(!org_visible_to(&bob, child) && !account_visible(&bob, acct));

	memset(&m, 0, sizeof(m));
	m.email = "BOB@example.com"; /* found case-insensitively */
	m.status = "canceled";
	CHECK_EQ_INT(store_org_members_create(test_app.store, &a, child, &m, 1, &out, &bad), STORE_OK);
	cJSON_Delete(out);
	CHECK(!org_visible_to(&bob, child)); /* a canceled member sees nothing */
	CHECK_EQ_INT(store_org_members_create(test_app.store, &a, child, &m, 1, &out, &bad),
		     STORE_CONFLICT);
	CHECK_EQ_INT(bad, 0);

	m.status = "active";
	CHECK_EQ_INT(store_org_members_create(test_app.store, &a, root, &m, 1, &out, &bad), STORE_OK);
	member_id = xstrdup(cJSON_GetObjectItem(cJSON_GetArrayItem(out, 0), "id")->valuestring);
	CHECK_EQ_STR(cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetArrayItem(out, 0), "user"),
					 "id")->valuestring,
		     bob.id);
	cJSON_Delete(out);
	CHECK(org_visible_to(&bob, root) && org_visible_to(&bob, grand));
	CHECK(account_visible(&bob, acct));

	/* a sub-organization made later is seen too */
	free(create(&a, "Later", grand));
	CHECK_EQ_INT(store_org_members_delete(test_app.store, &a, root, member_id), STORE_OK);
	CHECK(!org_visible_to(&bob, root) && !org_visible_to(&bob, grand));
	CHECK(!account_visible(&bob, acct));
	CHECK_EQ_INT(store_org_members_delete(test_app.store, &a, root, member_id), STORE_NO_ITEM);
	free(member_id);
	free(root);
	free(child);
	free(grand);
	free(acct);
	test_app_free();
}

/* A model of who sees what: bob sees an organization when it or one
 * above it has bob as an active member. */
#define MODEL_MAX 64
struct model {
	char *id[MODEL_MAX];
	int parent[MODEL_MAX]; /* -1: a root */
	int member[MODEL_MAX]; /* 0 none, 1 active, 2 canceled */
	char *member_id[MODEL_MAX];
	int n;
};

static int model_sees(const struct model *m, int o)
{
	for (; o >= 0; o = m->parent[o])
		if (m->member[o] == 1)
			return 1;
	return 0;
}

static unsigned next_rand(unsigned *state)
{
	*state = *state * 1103515245u + 12345u;
	return (*state >> 16) & 0x7fff;
}

TEST("store: memberships that come and go keep what a member sees, step by step")
{
	struct user a, bob;
	struct model m;
	unsigned seed = 7;
	int step, o, wrong = 0;

	test_app_new();
	a = user_for("tok-a");
	bob = member_user("bob@example.com");
	memset(&m, 0, sizeof(m));
	for (step = 0; step < 400 && !wrong; step++) {
		unsigned r = next_rand(&seed) % 8;

		if (m.n < 3 || (r == 0 && m.n < MODEL_MAX)) {
			int parent = m.n && next_rand(&seed) % 4 ? (int)(next_rand(&seed) % (unsigned)m.n) : -1;
			m.parent[m.n] = parent;
			m.id[m.n] = create(&a, "Org", parent >= 0 ? m.id[parent] : NULL);
			m.n++;
			continue;
		}
		o = (int)(next_rand(&seed) % (unsigned)m.n);
		if (!m.member[o]) {
			struct org_member_new nm;
			cJSON *out = NULL;
			int bad;

			memset(&nm, 0, sizeof(nm));
			nm.email = "bob@example.com";
			nm.status = r < 5 ? "active" : "canceled";
			CHECK_EQ_INT(store_org_members_create(test_app.store, &a, m.id[o], &nm, 1, &out,
							      &bad),
				     STORE_OK);
			m.member_id[o] = xstrdup(cJSON_GetObjectItem(cJSON_GetArrayItem(out, 0),
								     "id")->valuestring);
			cJSON_Delete(out);
			m.member[o] = r < 5 ? 1 : 2;
		} else {
			CHECK_EQ_INT(store_org_members_delete(test_app.store, &a, m.id[o],
							      m.member_id[o]),
				     STORE_OK);
			free(m.member_id[o]);
			m.member_id[o] = NULL;
			m.member[o] = 0;
		}
		for (o = 0; o < m.n; o++) {
			if (org_visible_to(&bob, m.id[o]) != model_sees(&m, o)) {
				printf("# step %d: organization %d: bob %s it\n", step, o,
				       model_sees(&m, o) ? "does not see" : "sees");
				wrong = 1;
			}
		}
	}
	CHECK(!wrong);
	CHECK(m.n > 20);
	for (o = 0; o < m.n; o++) {
		free(m.id[o]);
		free(m.member_id[o]);
	}
	test_app_free();
}

TEST("store: an account's creator is its member; accepted members see it")
{
	struct user a, carol;
	struct account_member_new m;
	const char *roles[] = { ROLE_SUPER_ADMIN };
	char *acct, *mid;
	cJSON *out = NULL;
	int64_t total = -1;
	test_app_new();
	a = user_for("tok-a");
	acct = account(&a, "Solo", NULL);
	carol = member_user("carol@example.com");
	CHECK_EQ_INT(store_account_members_list(test_app.store, &a, acct, NULL, NULL, 0, 0, 20,
						&out, &total),
		     STORE_OK);
	CHECK_EQ_INT(total, 1);
	CHECK_EQ_STR(cJSON_GetObjectItem(cJSON_GetArrayItem(out, 0), "status")->valuestring,
		     "accepted");
	cJSON_Delete(out);

	memset(&m, 0, sizeof(m));
	m.email = "carol@example.com";
	m.status = "pending";
	m.roles = roles;
	m.nroles = 1;
	CHECK_EQ_INT(store_account_members_create(test_app.store, &a, acct, &m, &out), STORE_OK);
	mid = xstrdup(cJSON_GetObjectItem(out, "id")->valuestring);
	cJSON_Delete(out);
	CHECK(!account_visible(&carol, acct)); /* pending */
	CHECK_EQ_INT(store_account_members_create(test_app.store, &a, acct, &m, &out), STORE_CONFLICT);
	CHECK_EQ_INT(store_account_members_get(test_app.store, &carol, acct, mid, &out),
		     STORE_NOT_FOUND);
	CHECK_EQ_INT(store_accounts_delete(test_app.store, &a, acct), STORE_OK);
	CHECK_EQ_INT(store_account_members_get(test_app.store, &a, acct, mid, &out),
		     STORE_NOT_FOUND);
	free(mid);
	free(acct);
	test_app_free();
}

TEST("store: strict credentials: only known ones, active tokens, the user's own key")
{
	struct user_new n;
	struct user u, got;
	test_app_new();
	memset(&n, 0, sizeof(n));
	n.email = "ann@example.com";
	n.api_key = "144c9defac04969c7bfad8efaa8ea194";
	n.tenant_admin = 1;
	CHECK_EQ_INT(store_users_create(test_app.store, &n, &u), STORE_OK);
	CHECK_EQ_INT(store_users_token_create(test_app.store, &u, "live", "active", NULL), STORE_OK);
	CHECK_EQ_INT(store_users_token_create(test_app.store, &u, "old", "disabled", NULL), STORE_OK);
	CHECK_EQ_INT(store_users_resolve(test_app.store, CRED_TOKEN, "live", NULL, 1, &got),
		     STORE_OK);
	CHECK_EQ_INT(got.seq, u.seq);
	CHECK(got.tenant_admin);
	CHECK(is_hex_id(got.token_id));
	CHECK_EQ_INT(store_users_resolve(test_app.store, CRED_TOKEN, "old", NULL, 1, &got),
		     STORE_CONFLICT);
	CHECK_EQ_INT(store_users_resolve(test_app.store, CRED_TOKEN, "old", NULL, 0, &got),
		     STORE_CONFLICT);
	CHECK_EQ_INT(store_users_resolve(test_app.store, CRED_TOKEN, "new", NULL, 1, &got),
		     STORE_NOT_FOUND);
	CHECK_EQ_INT(store_users_resolve(test_app.store, CRED_KEY,
					 "144c9defac04969c7bfad8efaa8ea194", "ANN@example.com", 1,
					 &got),
		     STORE_OK);
	CHECK_EQ_INT(store_users_resolve(test_app.store, CRED_KEY,
					 "244c9defac04969c7bfad8efaa8ea194", "ann@example.com", 1,
					 &got),
		     STORE_NOT_FOUND);
	CHECK(store_is_empty(test_app.store) == 0);
	test_app_free();
}

TEST("store: snapshots restore the whole state; reset empties it")
{
	struct user a;
	char *root, *other;
	cJSON *list, *o = NULL;
	test_app_new();
	a = user_for("tok-a");
	root = create(&a, "Root", NULL);
	CHECK_EQ_INT(store_control_snapshot_save(test_app.store, "one", 2), STORE_OK);
	CHECK_EQ_INT(store_control_snapshot_save(test_app.store, "two", 2), STORE_OK);
	CHECK_EQ_INT(store_control_snapshot_save(test_app.store, "three", 2), STORE_CONFLICT);
	CHECK_EQ_INT(store_control_snapshot_save(test_app.store, "two", 2), STORE_OK); /* replaces */
	other = create(&a, "Other", NULL);
	CHECK_EQ_INT(store_control_snapshot_restore(test_app.store, "one"), STORE_OK);
	CHECK_EQ_INT(store_organizations_get(test_app.store, &a, other, &o), STORE_NOT_FOUND);
	CHECK_EQ_INT(store_organizations_get(test_app.store, &a, root, &o), STORE_OK);
	cJSON_Delete(o);
	CHECK_EQ_INT(store_control_snapshot_restore(test_app.store, "nope"), STORE_NOT_FOUND);
	list = store_control_snapshots_list(test_app.store);
	CHECK_EQ_INT(cJSON_GetArraySize(cJSON_GetObjectItem(list, "snapshots")), 2);
	cJSON_Delete(list);
	CHECK_EQ_INT(store_control_snapshot_delete(test_app.store, "one"), STORE_OK);
	CHECK_EQ_INT(store_control_snapshot_delete(test_app.store, "one"), STORE_NOT_FOUND);

	CHECK_EQ_INT(store_control_reset(test_app.store), STORE_OK);
	CHECK(store_is_empty(test_app.store));
	CHECK_EQ_INT(store_control_state(test_app.store, 0, &o), STORE_OK);
	CHECK_EQ_INT(cJSON_GetArraySize(cJSON_GetObjectItem(o, "users")), 0);
	cJSON_Delete(o);
	free(root);
	free(other);
	test_app_free();
}

TEST("store: a group commits its writes together; one that fails leaves the others")
{
	struct organization_filter f;
	struct user a;
	int64_t last = 0, total = 0;
	int more = 0;
	char *root, *x, *y, *z, *what = NULL;
	cJSON *o = NULL, *page = NULL;
	test_app_new();
	a = user_for("tok-a");
	root = create(&a, "Root", NULL);
	CHECK_EQ_INT(store_group_begin(test_app.store, 1), 0);
	CHECK(store_group_intact(test_app.store));
	x = create(&a, "First", root);
	CHECK(x != NULL);
	/* two writes that fail inside the group: their savepoints roll back */
	CHECK_EQ_INT(store_organizations_delete(test_app.store, &a, root, &what), STORE_CONFLICT);
	free(what);
	CHECK(create(&a, "Orphan", "0123456789abcdef0123456789abcdef") == NULL);
	y = create(&a, "Second", root);
	CHECK(y != NULL);
	/* a read inside the group sees the group's writes */
	CHECK_EQ_INT(store_organizations_get(test_app.store, &a, x, &o), STORE_OK);
	cJSON_Delete(o);
	CHECK(store_group_intact(test_app.store));
	CHECK_EQ_INT(store_group_commit(test_app.store), 0);
	memset(&f, 0, sizeof(f));
	CHECK_EQ_INT(store_organizations_list(test_app.store, &a, &f, last, 50, &page, &last, &more, &total),
		     STORE_OK);
	CHECK_EQ_INT(total, 3);
	CHECK_EQ_INT(cJSON_GetArraySize(page), 3);
	cJSON_Delete(page);
	/* after the group, a write is its own transaction again */
	z = create(&a, "After", root);
	CHECK(z != NULL);
	CHECK(!store_group_intact(test_app.store));
	free(root);
	free(x);
	free(y);
	free(z);
	test_app_free();
}

/* The size of the file at @path, 0 if there is none. */
static long long file_size(const char *path)
{
	struct stat sb;
	return stat(path, &sb) == 0 ? (long long)sb.st_size : 0;
}

/* A store on a new database file in a new directory (@dir, a mkdtemp()
 * template; @path gets the file's name), and the user of @token in it.
 * NULL if it cannot be made. */
static struct store *file_store(char *dir, char *path, size_t size, const char *token,
				struct user *u)
{
	struct store *st;
	char *err = NULL;

	if (!mkdtemp(dir))
		return NULL;
	snprintf(path, size, "%s/t.db", dir);
	st = store_open(path, &err);
	if (!st) {
		printf("# %s\n", err);
		free(err);
		return NULL;
	}
	memset(u, 0, sizeof(*u));
	if (store_users_resolve(st, CRED_TOKEN, token, NULL, 0, u) != STORE_OK) {
		store_close(st);
		return NULL;
	}
	return st;
}

/* Removes the database at @path, its WAL and shared memory, and @dir. */
static void file_store_remove(const char *dir, const char *path)
{
	char other[128];

	snprintf(other, sizeof(other), "%s-wal", path);
	unlink(other);
	snprintf(other, sizeof(other), "%s-shm", path);
	unlink(other);
	unlink(path);
	rmdir(dir);
}

/* Creates @n organizations in one group; 0 if all of it worked. */
static int group_of_creates(struct store *st, const struct user *u, int n)
{
	int i, bad = store_group_begin(st, 1) != 0;

	for (i = 0; i < n; i++) {
		struct organization_new o;
		cJSON *out = NULL;
		memset(&o, 0, sizeof(o));
		o.name = "grouped";
		bad += store_organizations_create(st, u, &o, &out) != STORE_OK;
		cJSON_Delete(out);
	}
	return bad + (store_group_commit(st) != 0);
}

TEST("store: under writes that never pause, the WAL stays bounded and every write is kept")
{
	char dir[] = "/tmp/cfmock-wal-XXXXXX", path[64], wal[80], *err = NULL;
	struct organization_filter f;
	struct store *st;
	struct user u;
	int64_t last = 0, total = 0;
	long long biggest = 0;
	int g, more = 0, groups = 400, per_group = 40;
	cJSON *page = NULL;

	st = file_store(dir, path, sizeof(path), "tok-wal", &u);
	CHECK(st != NULL);
	if (!st)
		return;
	snprintf(wal, sizeof(wal), "%s-wal", path);
	for (g = 0; g < groups; g++) {
		CHECK_EQ_INT(group_of_creates(st, &u, per_group), 0);
		if (file_size(wal) > biggest)
			biggest = file_size(wal);
	}
	/* 16,000 writes put ~10 times the cap through the WAL (4,000 pages of
	 * 4 KiB and their frame headers); it never holds much more than the
	 * cap, as it starts again once a checkpoint has copied all of it */
	printf("# largest WAL: %lld bytes\n", biggest);
	CHECK(biggest > 0);
	CHECK(biggest <= 24LL * 1024 * 1024);
	store_close(st);
	st = store_open(path, &err);
	CHECK(st != NULL);
	if (st) {
		memset(&f, 0, sizeof(f));
		CHECK_EQ_INT(store_organizations_list(st, &u, &f, last, 1, &page, &last, &more, &total),
			     STORE_OK);
		CHECK_EQ_INT(total, groups * per_group);
		cJSON_Delete(page);
		store_close(st);
	}
	free(err);
	file_store_remove(dir, path);
}

/* One value from @sql on @db, or -1. */
static long long scalar(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *q = NULL;
	long long v = -1;

	if (sqlite3_prepare_v2(db, sql, -1, &q, NULL) == SQLITE_OK && sqlite3_step(q) == SQLITE_ROW)
		v = sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	return v;
}

TEST("store: a commit is in the files when it is published: another process's reader sees it")
{
	char dir[] = "/tmp/cfmock-vfs-XXXXXX", path[64];
	struct store *st;
	struct user u;
	sqlite3 *reader = NULL;
	int g;

	st = file_store(dir, path, sizeof(path), "tok-vfs", &u);
	CHECK(st != NULL);
	if (!st)
		return;
	/* SQLite's own unix VFS: it reads only what is in the files */
	CHECK_EQ_INT(sqlite3_open_v2(path, &reader, SQLITE_OPEN_READONLY, "unix"), SQLITE_OK);
	for (g = 1; g <= 300; g++) {
		CHECK_EQ_INT(group_of_creates(st, &u, 10), 0);
		if (scalar(reader, "SELECT count(*) FROM organizations") != g * 10) {
			CHECK_EQ_INT(scalar(reader, "SELECT count(*) FROM organizations"), g * 10);
			break;
		}
		if (g % 100 == 0)
			CHECK_EQ_INT(scalar(reader, "SELECT count(*) FROM pragma_quick_check "
						    "WHERE quick_check != 'ok'"), 0);
	}
	sqlite3_close(reader);
	store_close(st);
	file_store_remove(dir, path);
}

/* Copies the file @from to @to; 0 on success (a missing @from copies as
 * nothing). */
static int copy_file(const char *from, const char *to)
{
	FILE *in = fopen(from, "rb"), *out;
	char buf[65536];
	size_t n;
	int rc = 0;

	if (!in)
		return 0;
	out = fopen(to, "wb");
	if (!out) {
		fclose(in);
		return -1;
	}
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		if (fwrite(buf, 1, n, out) != n)
			rc = -1;
	fclose(in);
	if (fclose(out) != 0)
		rc = -1;
	return rc;
}

TEST("store: a group too big for the page cache is whole in the files once committed")
{
	char dir[] = "/tmp/cfmock-spill-XXXXXX", path[64], from[80], to[96], copy[80];
	struct store *st;
	struct user u;
	sqlite3 *db = NULL;

	st = file_store(dir, path, sizeof(path), "tok-spill", &u);
	CHECK(st != NULL);
	if (!st)
		return;
	/* 6,000 creates change more pages than the 2 MB cache holds: SQLite
	 * writes some to the WAL before the commit, and rewrites frame
	 * headers after it */
	CHECK_EQ_INT(group_of_creates(st, &u, 6000), 0);
	/* what a crash would leave, taken while the store is still open */
	snprintf(copy, sizeof(copy), "%s/copy.db", dir);
	CHECK_EQ_INT(copy_file(path, copy), 0);
	snprintf(from, sizeof(from), "%s-wal", path);
	snprintf(to, sizeof(to), "%s-wal", copy);
	CHECK_EQ_INT(copy_file(from, to), 0);
	CHECK_EQ_INT(sqlite3_open_v2(copy, &db, SQLITE_OPEN_READWRITE, "unix"), SQLITE_OK);
	CHECK_EQ_INT(scalar(db, "SELECT count(*) FROM organizations"), 6000);
	CHECK_EQ_INT(scalar(db, "SELECT count(*) FROM pragma_quick_check WHERE quick_check != 'ok'"),
		     0);
	sqlite3_close(db);
	store_close(st);
	file_store_remove(dir, copy);
	file_store_remove(dir, path);
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
