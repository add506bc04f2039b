/* fixtures.c: see fixtures.h. Validates every entry and writes it through
 * the same store functions the API uses, so a fixture can hold nothing the
 * API could not make.
 *
 *   { "users": [ { "id"?, "email", "api_key"?, "tenant_admin"?,
 *                  "first_name"?, "last_name"?,
 *                  "tokens"?: ["...", { "value", "status"?, "id"? }] } ],
 *     "organizations": [ { "id"?, "name", "owner", "create_time"?,
 *                          "profile"?, "organizations"?: [ ... ],
 *                          "accounts"?: [ ... ],
 *                          "members"?: [ { "email", "status"?, "id"?,
 *                                          "create_time"? } ] } ],
 *     "accounts": [ { "id"?, "name", "owner", "type"?, "created_on"?,
 *                     "settings"?: { "abuse_contact_email"?,
 *                                    "enforce_twofactor"? },
 *                     "profile"?, "members"?: [ { "email", "status"?,
 *                                                  "roles"? } ] } ] }
 *
 * "owner" is the email of a user above; sub-organizations and the accounts
 * in an organization take its owner unless they name their own; top-level
 * accounts stand alone. Unknown keys are refused, so a typo does not
 * silently drop data. */
#include "fixtures.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "clock.h"
#include "roles.h"
#include "util.h"

struct loader {
	struct store *st;
	cJSON *root;
	char *err;
	struct strbuf where;
};

static int fail(struct loader *l, const char *fmt, ...) PRINTF_LIKE(2, 3);

static int fail(struct loader *l, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	if (l->where.len)
		strbuf_addf(&sb, "%s: ", l->where.buf);
	strbuf_adds(&sb, msg);
	free(msg);
	if (!l->err)
		l->err = strbuf_detach(&sb, NULL);
	else
		strbuf_release(&sb);
	return -1;
}

/* Only @allowed (NULL-ended) keys may appear in @obj. */
static int keys_ok(struct loader *l, const cJSON *obj, const char *const *allowed)
{
	const cJSON *child;

	cJSON_ArrayForEach(child, obj) {
		const char *const *a;
		for (a = allowed; *a; a++)
			if (strcmp(*a, child->string) == 0)
				break;
		if (!*a)
			return fail(l, "unknown key '%s'", child->string);
	}
	return 0;
}

static int get_string(struct loader *l, const cJSON *obj, const char *key, int required,
		      const char **out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	*out = NULL;
	if (!v) {
		if (required)
			return fail(l, "'%s' is required", key);
		return 0;
	}
	if (!cJSON_IsString(v))
		return fail(l, "'%s' must be a string", key);
	*out = v->valuestring;
	return 0;
}

static int get_id(struct loader *l, const cJSON *obj, const char **out)
{
	if (get_string(l, obj, "id", 0, out) < 0)
		return -1;
	if (*out && !is_hex_id(*out))
		return fail(l, "'id' must be 32 lowercase hex characters");
	return 0;
}

static const cJSON *get_array(struct loader *l, const cJSON *obj, const char *key, int *err)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	*err = 0;
	if (v && !cJSON_IsArray(v)) {
		*err = fail(l, "'%s' must be an array", key);
		return NULL;
	}
	return v;
}

/* Pushes "[i]" or ".key[i]" onto the location; returns the old length. */
static size_t where_push(struct loader *l, const char *key, int i)
{
	size_t old = l->where.len;
	strbuf_addf(&l->where, "%s%s[%d]", old ? "." : "", key, i);
	return old;
}

static void where_pop(struct loader *l, size_t old)
{
	l->where.len = old;
	if (l->where.buf)
		l->where.buf[old] = '\0';
}

/* A token: a string (active), or {"value", "status"?, "id"?}. */
static int load_token(struct loader *l, const struct user *user, const cJSON *t)
{
	static const char *const allowed[] = { "value", "status", "id", NULL };
	const char *value = NULL, *status = "active", *id = NULL;

	if (cJSON_IsString(t)) {
		value = t->valuestring;
	} else if (cJSON_IsObject(t)) {
		if (keys_ok(l, t, allowed) < 0 || get_string(l, t, "value", 1, &value) < 0 ||
		    get_string(l, t, "status", 0, &status) < 0 || get_id(l, t, &id) < 0)
			return -1;
		if (!status)
			status = "active";
	} else {
		return fail(l, "a token must be a string or an object with 'value'");
	}
	if (!*value)
		return fail(l, "a token must not be empty");
	if (strcmp(status, "active") != 0 && strcmp(status, "disabled") != 0 &&
	    strcmp(status, "expired") != 0)
		return fail(l, "token status must be 'active', 'disabled' or 'expired'");
	if (store_users_token_create(l->st, user, value, status, id) != STORE_OK)
		return fail(l, "token '%s' is already defined", value);
	return 0;
}

static int load_user(struct loader *l, const cJSON *u)
{
	static const char *const allowed[] = {
		"id", "email", "api_key", "tokens", "service_keys", "tenant_admin", "first_name",
		"last_name", "telephone", "country", "zipcode", NULL,
	};
	struct user_new n;
	const cJSON *tokens, *t, *admin;
	struct user user;
	enum store_rc rc;
	int bad;

	if (!cJSON_IsObject(u))
		return fail(l, "a user must be an object");
	memset(&n, 0, sizeof(n));
	if (keys_ok(l, u, allowed) < 0 || get_id(l, u, &n.id) < 0 ||
	    get_string(l, u, "email", 1, &n.email) < 0 ||
	    get_string(l, u, "api_key", 0, &n.api_key) < 0 ||
	    get_string(l, u, "first_name", 0, &n.first_name) < 0 ||
	    get_string(l, u, "last_name", 0, &n.last_name) < 0 ||
	    get_string(l, u, "telephone", 0, &n.telephone) < 0 ||
	    get_string(l, u, "country", 0, &n.country) < 0 ||
	    get_string(l, u, "zipcode", 0, &n.zipcode) < 0)
		return -1;
	if (!strchr(n.email, '@'))
		return fail(l, "'email' must be an email address");
	/* the limits of PATCH /user */
	if ((n.first_name && utf8_chars(n.first_name) > 60) ||
	    (n.last_name && utf8_chars(n.last_name) > 60))
		return fail(l, "'first_name' and 'last_name' must be at most 60 characters");
	if ((n.telephone && utf8_chars(n.telephone) > 20) ||
	    (n.zipcode && utf8_chars(n.zipcode) > 20) || (n.country && utf8_chars(n.country) > 30))
		return fail(l, "'telephone' and 'zipcode' take at most 20 characters, 'country' 30");
	if (n.api_key && !((strlen(n.api_key) == 32 || strlen(n.api_key) == 37) &&
			   is_lower_hex(n.api_key, strlen(n.api_key))))
		return fail(l, "'api_key' must be 32 or 37 lowercase hex characters");
	admin = cJSON_GetObjectItemCaseSensitive(u, "tenant_admin");
	if (admin && !cJSON_IsBool(admin))
		return fail(l, "'tenant_admin' must be true or false");
	n.tenant_admin = admin && cJSON_IsTrue(admin);
	tokens = get_array(l, u, "tokens", &bad);
	if (bad)
		return -1;
	rc = store_users_create(l->st, &n, &user);
	if (rc == STORE_CONFLICT)
		return fail(l, "a user with this email or id is already defined");
	if (rc != STORE_OK)
		return fail(l, "the database failed");
	cJSON_ArrayForEach(t, tokens) {
		if (load_token(l, &user, t) < 0)
			return -1;
	}
	tokens = get_array(l, u, "service_keys", &bad);
	if (bad)
		return -1;
	cJSON_ArrayForEach(t, tokens) {
		if (!cJSON_IsString(t) || !*t->valuestring)
			return fail(l, "'service_keys' must hold non-empty strings");
		if (store_users_service_key_create(l->st, &user, t->valuestring) != STORE_OK)
			return fail(l, "service key '%s' is already defined", t->valuestring);
	}
	return 0;
}

/* "profile", if there: an object with the five strings. */
static int get_profile(struct loader *l, const cJSON *obj, struct profile *p,
		       const struct profile **out)
{
	const cJSON *profile = cJSON_GetObjectItemCaseSensitive(obj, "profile");
	const char **fields[] = {
		&p->business_address, &p->business_email, &p->business_name,
		&p->business_phone, &p->external_metadata,
	};
	size_t i;

	*out = NULL;
	if (!profile)
		return 0;
	if (!cJSON_IsObject(profile) || keys_ok(l, profile, store_profile_keys) < 0)
		return fail(l, "'profile' must be an object with the five profile fields");
	for (i = 0; store_profile_keys[i]; i++)
		if (get_string(l, profile, store_profile_keys[i], 1, fields[i]) < 0)
			return -1;
	*out = p;
	return 0;
}

/* Organization members: [{"email", "status"?, "id"?, "create_time"?}]. */
static int load_org_members(struct loader *l, const cJSON *o, const struct user *owner,
			    const char *org_id)
{
	static const char *const allowed[] = { "email", "status", "id", "create_time", NULL };
	static const char *const statuses[] = { "active", "canceled", NULL };
	const cJSON *list, *m;
	int bad, i = 0;

	list = get_array(l, o, "members", &bad);
	if (bad)
		return -1;
	cJSON_ArrayForEach(m, list) {
		size_t old = where_push(l, "members", i++);
		struct org_member_new n;
		const char *const *s;
		cJSON *made = NULL;
		int64_t ms;
		int which;
		enum store_rc rc;

		memset(&n, 0, sizeof(n));
		if (!cJSON_IsObject(m))
			return fail(l, "a member must be an object");
		if (keys_ok(l, m, allowed) < 0 || get_string(l, m, "email", 1, &n.email) < 0 ||
		    get_string(l, m, "status", 0, &n.status) < 0 || get_id(l, m, &n.id) < 0 ||
		    get_string(l, m, "create_time", 0, &n.create_time) < 0)
			return -1;
		if (!strchr(n.email, '@'))
			return fail(l, "'email' must be an email address");
		if (!n.status)
			n.status = "active";
		for (s = statuses; *s && strcmp(*s, n.status) != 0; s++)
			;
		if (!*s)
			return fail(l, "'status' must be active or canceled");
		if (n.create_time && clock_parse(n.create_time, &ms) < 0)
			return fail(l, "'create_time' must be RFC 3339 UTC, like 2026-01-02T03:04:05.000Z");
		rc = store_org_members_create(l->st, owner, org_id, &n, 1, &made, &which);
		cJSON_Delete(made);
		if (rc == STORE_CONFLICT)
			return fail(l, "'%s' is already a member (or the id is taken)", n.email);
		if (rc != STORE_OK)
			return fail(l, "the database failed");
		where_pop(l, old);
	}
	return 0;
}

/* Account members: [{"email", "status"?, "roles"?: [role ids]}]. */
static int load_account_members(struct loader *l, const cJSON *a, const struct user *owner,
				const char *account_id)
{
	static const char *const allowed[] = {
		"email", "status", "roles", "policies", "id", "create_time", NULL,
	};
	const cJSON *list, *m;
	char *owner_email = NULL;
	int bad, i, pass;

	{
		cJSON *me = NULL;
		if (store_users_get(l->st, owner, &me) == STORE_OK)
			owner_email = xstrdup(cJSON_GetObjectItem(me, "email")->valuestring);
		cJSON_Delete(me);
	}
	list = get_array(l, a, "members", &bad);
	if (bad) {
		free(owner_email);
		return -1;
	}
	/* the owner's own entry last: it may take away the owner's sight of
	 * the account, which the others need */
	for (pass = 0; pass < 2; pass++) {
	i = 0;
	cJSON_ArrayForEach(m, list) {
		size_t old = where_push(l, "members", i++);
		struct account_member_new n;
		const char *roles[32];
		const cJSON *rl, *r, *pol;
		cJSON *made = NULL;
		char *policies = NULL;
		int64_t ms;
		enum store_rc rc;

		memset(&n, 0, sizeof(n));
		if (!cJSON_IsObject(m))
			goto bad_member;
		if (keys_ok(l, m, allowed) < 0 || get_string(l, m, "email", 1, &n.email) < 0 ||
		    get_string(l, m, "status", 0, &n.status) < 0 || get_id(l, m, &n.id) < 0 ||
		    get_string(l, m, "create_time", 0, &n.create_time) < 0)
			goto fail;
		if (n.create_time && clock_parse(n.create_time, &ms) < 0) {
			fail(l, "'create_time' must be RFC 3339 UTC, like 2026-01-02T03:04:05.000Z");
			goto fail;
		}
		pol = cJSON_GetObjectItemCaseSensitive(m, "policies");
		if (pol) {
			if (!cJSON_IsArray(pol)) {
				fail(l, "'policies' must be an array");
				goto fail;
			}
			policies = cJSON_PrintUnformatted(pol);
		}
		n.policies = policies;
		/* the owner is a member already: this entry says how */
		n.upsert = owner_email && strcasecmp(owner_email, n.email) == 0;
		if (n.upsert != pass) {
			free(policies);
			where_pop(l, old);
			continue;
		}
		if (!strchr(n.email, '@')) {
			fail(l, "'email' must be an email address");
			goto fail;
		}
		/* as through the API: pending unless told */
		if (!n.status)
			n.status = "pending";
		if (strcmp(n.status, "accepted") != 0 && strcmp(n.status, "pending") != 0) {
			fail(l, "'status' must be accepted or pending");
			goto fail;
		}
		rl = get_array(l, m, "roles", &bad);
		if (bad)
			goto fail;
		cJSON_ArrayForEach(r, rl) {
			if (!cJSON_IsString(r) || !role_find(r->valuestring)) {
				fail(l, "'roles' must hold ids of built-in roles (see the README)");
				goto fail;
			}
			if (n.nroles == (int)ARRAY_SIZE(roles)) {
				fail(l, "at most 32 roles");
				goto fail;
			}
			roles[n.nroles++] = r->valuestring;
		}
		n.roles = roles;
		rc = store_account_members_create(l->st, owner, account_id, &n, &made);
		cJSON_Delete(made);
		free(policies);
		policies = NULL;
		if (rc == STORE_CONFLICT) {
			fail(l, "'%s' is already a member (or the id is taken)", n.email);
			goto fail;
		}
		if (rc != STORE_OK) {
			fail(l, "the database failed");
			goto fail;
		}
		where_pop(l, old);
		continue;
bad_member:
		fail(l, "a member must be an object");
fail:
		free(policies);
		free(owner_email);
		return -1;
	}
	}
	free(owner_email);
	return 0;
}

/* An account in organization @org_id (NULL: stand-alone), owned by @owner
 * unless it names its own. The same rules as POST /accounts. */
static int load_account(struct loader *l, const cJSON *a, const char *org_id,
			const char *org_owner)
{
	static const char *const allowed[] = {
		"id", "name", "owner", "type", "created_on", "settings", "profile", "members",
		"owner_is_member", NULL,
	};
	static const char *const settings_allowed[] = {
		"abuse_contact_email", "enforce_twofactor", NULL,
	};
	struct account_new n;
	struct profile p;
	const cJSON *settings, *tf;
	const char *owner;
	struct user user;
	cJSON *made = NULL;
	int64_t ms;
	enum store_rc rc;

	if (!cJSON_IsObject(a))
		return fail(l, "an account must be an object");
	memset(&n, 0, sizeof(n));
	if (keys_ok(l, a, allowed) < 0 || get_id(l, a, &n.id) < 0 ||
	    get_string(l, a, "name", 1, &n.name) < 0 ||
	    get_string(l, a, "owner", !org_owner, &owner) < 0 ||
	    get_string(l, a, "type", 0, &n.type) < 0 ||
	    get_string(l, a, "created_on", 0, &n.created_on) < 0 || get_profile(l, a, &p, &n.profile) < 0)
		return -1;
	if (!*n.name || utf8_chars(n.name) > 100)
		return fail(l, "'name' must be 1 to 100 characters");
	if (!n.type)
		n.type = "standard";
	if (strcmp(n.type, "standard") != 0 && strcmp(n.type, "enterprise") != 0)
		return fail(l, "'type' must be 'standard' or 'enterprise'");
	if (n.created_on && clock_parse(n.created_on, &ms) < 0)
		return fail(l, "'created_on' must be RFC 3339 UTC, like 2026-01-02T03:04:05.000Z");
	settings = cJSON_GetObjectItemCaseSensitive(a, "settings");
	if (settings) {
		if (!cJSON_IsObject(settings) || keys_ok(l, settings, settings_allowed) < 0)
			return fail(l, "'settings' must be an object with abuse_contact_email and "
				       "enforce_twofactor");
		if (get_string(l, settings, "abuse_contact_email", 0, &n.abuse_contact_email) < 0)
			return -1;
		if (n.abuse_contact_email && !*n.abuse_contact_email)
			n.abuse_contact_email = NULL;
		if (n.abuse_contact_email && !strchr(n.abuse_contact_email, '@'))
			return fail(l, "'abuse_contact_email' must be an email address");
		tf = cJSON_GetObjectItemCaseSensitive(settings, "enforce_twofactor");
		if (tf && !cJSON_IsBool(tf))
			return fail(l, "'enforce_twofactor' must be true or false");
		n.enforce_twofactor = tf && cJSON_IsTrue(tf);
	}
	if (!owner)
		owner = org_owner;
	if (store_users_get_by_email(l->st, owner, &user) != STORE_OK)
		return fail(l, "owner '%s' is not one of the fixture's users", owner);
	n.org_id = org_id;
	n.unchecked = 1;
	rc = store_accounts_create(l->st, &user, &n, &made);
	if (rc == STORE_CONFLICT)
		return fail(l, "account id '%s' is already defined", n.id);
	if (rc == STORE_NOT_FOUND)
		return fail(l, "owner '%s' cannot see the organization", owner);
	if (rc != STORE_OK)
		return fail(l, "the database failed");
	{
		char *self = xstrdup(cJSON_GetObjectItemCaseSensitive(made, "id")->valuestring);
		int rcm;

		const cJSON *om = cJSON_GetObjectItemCaseSensitive(a, "owner_is_member");

		cJSON_Delete(made);
		rcm = load_account_members(l, a, &user, self);
		if (rcm == 0 && om) {
			if (!cJSON_IsBool(om))
				rcm = fail(l, "'owner_is_member' must be true or false");
			else if (cJSON_IsFalse(om) &&
				 store_account_members_delete_owner(l->st, &user, self) != STORE_OK)
				rcm = fail(l, "the database failed");
		}
		free(self);
		return rcm;
	}
}

/* An organization or account of the file, waiting to be made. Both are
 * made in the order of their timestamps (file order where those tie or
 * are absent), not of the nesting: internal order, which lists follow, is
 * then the order they were first made in, and GET /_cfmock/state's output
 * loads back in the same order. */
struct pending {
	const cJSON *node;
	int org;            /* organizations: the parent's index; accounts: the org's (-1: none) */
	char *where;        /* "organizations[0].accounts[1]", for errors */
	const char *owner;  /* own, or inherited */
	int64_t time_ms;    /* INT64_MAX: no time given */
	size_t order;       /* place in the file */
	char *id;           /* organizations: once made */
};

struct pendings {
	struct pending *v;
	size_t n, cap;
};

static struct pending *pending_add(struct pendings *p)
{
	if (p->n == p->cap) {
		p->cap = p->cap ? 2 * p->cap : 16;
		p->v = xrealloc(p->v, p->cap * sizeof(*p->v));
	}
	memset(&p->v[p->n], 0, sizeof(p->v[0]));
	p->v[p->n].order = p->n;
	return &p->v[p->n++];
}

static void pendings_release(struct pendings *p)
{
	size_t i;

	for (i = 0; i < p->n; i++) {
		free(p->v[i].where);
		free(p->v[i].id);
	}
	free(p->v);
}

static void where_set(struct loader *l, const char *where)
{
	l->where.len = 0;
	strbuf_adds(&l->where, where);
}

/* The time at @key (checked), or INT64_MAX. */
static int get_time(struct loader *l, const cJSON *o, const char *key, int64_t *out)
{
	const char *t;

	*out = INT64_MAX;
	if (get_string(l, o, key, 0, &t) < 0)
		return -1;
	if (t && clock_parse(t, out) < 0)
		return fail(l, "'%s' must be RFC 3339 UTC, like 2026-01-02T03:04:05.000Z", key);
	return 0;
}

static int collect_accounts(struct loader *l, const cJSON *parent, int org, const char *owner,
			    struct pendings *accounts)
{
	const cJSON *list, *a;
	int bad, i = 0;

	list = get_array(l, parent, "accounts", &bad);
	if (bad)
		return -1;
	cJSON_ArrayForEach(a, list) {
		size_t old = where_push(l, "accounts", i++);
		struct pending *p;

		if (!cJSON_IsObject(a))
			return fail(l, "an account must be an object");
		p = pending_add(accounts);
		p->node = a;
		p->org = org;
		p->owner = owner;
		p->where = xstrdup(l->where.buf);
		if (get_time(l, a, "created_on", &p->time_ms) < 0)
			return -1;
		where_pop(l, old);
	}
	return 0;
}

/* Walks organization @o and all below it into @orgs and @accounts. */
static int collect_org(struct loader *l, const cJSON *o, int parent, const char *parent_owner,
		       struct pendings *orgs, struct pendings *accounts)
{
	const cJSON *children, *child;
	const char *owner;
	int self, bad, i = 0;

	if (!cJSON_IsObject(o))
		return fail(l, "an organization must be an object");
	if (get_string(l, o, "owner", !parent_owner, &owner) < 0)
		return -1;
	self = (int)orgs->n;
	{
		struct pending *p = pending_add(orgs);
		p->node = o;
		p->org = parent;
		p->owner = owner ? owner : parent_owner;
		p->where = xstrdup(l->where.buf);
		if (get_time(l, o, "create_time", &p->time_ms) < 0)
			return -1;
		owner = p->owner;
	}
	if (collect_accounts(l, o, self, owner, accounts) < 0)
		return -1;
	children = get_array(l, o, "organizations", &bad);
	if (bad)
		return -1;
	cJSON_ArrayForEach(child, children) {
		size_t old = where_push(l, "organizations", i++);
		if (collect_org(l, child, self, owner, orgs, accounts) < 0)
			return -1;
		where_pop(l, old);
	}
	return 0;
}

static int by_time(const void *a, const void *b)
{
	const struct pending *x = *(const struct pending *const *)a;
	const struct pending *y = *(const struct pending *const *)b;

	if (x->time_ms != y->time_ms)
		return x->time_ms < y->time_ms ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

/* The pendings in the order to make them. Caller frees the array. */
static struct pending **sorted(struct pendings *p)
{
	struct pending **v = xmalloc((p->n + 1) * sizeof(*v));
	size_t i;

	for (i = 0; i < p->n; i++)
		v[i] = &p->v[i];
	qsort(v, p->n, sizeof(*v), by_time);
	return v;
}

/* Makes organization @i of @orgs (its parent first, if that is not made
 * yet: a hand-written file may give a child an earlier time). */
static int make_org(struct loader *l, struct pendings *orgs, int i)
{
	static const char *const allowed[] = {
		"id", "name", "owner", "create_time", "profile", "organizations", "accounts",
		"members", NULL,
	};
	struct pending *p = &orgs->v[i];
	const cJSON *o = p->node;
	struct organization_new n;
	struct profile prof;
	struct user user;
	cJSON *made = NULL;
	enum store_rc rc;

	if (p->id)
		return 0;
	if (p->org >= 0 && make_org(l, orgs, p->org) < 0)
		return -1;
	where_set(l, p->where);
	memset(&n, 0, sizeof(n));
	if (keys_ok(l, o, allowed) < 0 || get_id(l, o, &n.id) < 0 ||
	    get_string(l, o, "name", 1, &n.name) < 0 ||
	    get_string(l, o, "create_time", 0, &n.create_time) < 0)
		return -1;
	if (!*n.name || utf8_chars(n.name) > 10000)
		return fail(l, "'name' must be 1 to 10000 characters");
	if (store_users_get_by_email(l->st, p->owner, &user) != STORE_OK)
		return fail(l, "owner '%s' is not one of the fixture's users", p->owner);
	if (get_profile(l, o, &prof, &n.profile) < 0)
		return -1;
	n.parent_id = p->org >= 0 ? orgs->v[p->org].id : NULL;
	n.unchecked = 1;
	rc = store_organizations_create(l->st, &user, &n, &made);
	if (rc == STORE_CONFLICT)
		return fail(l, "organization id '%s' is already defined", n.id);
	if (rc != STORE_OK)
		return fail(l, "the database failed");
	p->id = xstrdup(cJSON_GetObjectItemCaseSensitive(made, "id")->valuestring);
	cJSON_Delete(made);
	return load_org_members(l, o, &user, p->id);
}

static int load_all(struct store *st, void *arg)
{
	static const char *const allowed[] = { "users", "organizations", "accounts", NULL };
	struct loader *l = arg;
	struct pendings orgs = { NULL, 0, 0 }, accounts = { NULL, 0, 0 };
	struct pending **order = NULL;
	const cJSON *list, *item;
	int bad, i, rc = -1;
	size_t k;

	(void)st;
	if (!cJSON_IsObject(l->root))
		return fail(l, "the fixtures must be a JSON object");
	if (keys_ok(l, l->root, allowed) < 0)
		return -1;
	list = get_array(l, l->root, "users", &bad);
	if (bad)
		return -1;
	i = 0;
	cJSON_ArrayForEach(item, list) {
		size_t old = where_push(l, "users", i++);
		if (load_user(l, item) < 0)
			return -1;
		where_pop(l, old);
	}
	list = get_array(l, l->root, "organizations", &bad);
	if (bad)
		goto out;
	i = 0;
	cJSON_ArrayForEach(item, list) {
		size_t old = where_push(l, "organizations", i++);
		if (collect_org(l, item, -1, NULL, &orgs, &accounts) < 0)
			goto out;
		where_pop(l, old);
	}
	if (collect_accounts(l, l->root, -1, NULL, &accounts) < 0)
		goto out;

	order = sorted(&orgs);
	for (k = 0; k < orgs.n; k++)
		if (make_org(l, &orgs, (int)(order[k] - orgs.v)) < 0)
			goto out;
	free(order);
	order = sorted(&accounts);
	for (k = 0; k < accounts.n; k++) {
		struct pending *p = order[k];
		where_set(l, p->where);
		if (load_account(l, p->node, p->org >= 0 ? orgs.v[p->org].id : NULL, p->owner) < 0)
			goto out;
	}
	where_set(l, "");
	rc = 0;
out:
	free(order);
	pendings_release(&orgs);
	pendings_release(&accounts);
	return rc;
}

int fixtures_load_text(struct store *st, const char *text, size_t len, char **err)
{
	struct loader l;
	int rc;

	memset(&l, 0, sizeof(l));
	l.st = st;
	*err = NULL;
	if (!utf8_valid(text, len) || !(l.root = cJSON_ParseWithLength(text, len))) {
		*err = xstrdup("not valid JSON");
		return -1;
	}
	rc = store_transaction(st, load_all, &l);
	if (rc < 0 && !l.err)
		l.err = xstrdup("the database failed");
	cJSON_Delete(l.root);
	strbuf_release(&l.where);
	*err = l.err;
	return rc < 0 ? -1 : 0;
}

int fixtures_load(struct store *st, const char *path, char **err)
{
	FILE *f = fopen(path, "rb");
	struct strbuf sb = STRBUF_INIT;
	char buf[65536];
	size_t n;
	int rc;

	if (!f) {
		*err = xasprintf("cannot read fixtures '%s': %s", path, strerror(errno));
		return -1;
	}
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		strbuf_add(&sb, buf, n);
	if (ferror(f)) {
		*err = xasprintf("cannot read fixtures '%s': %s", path, strerror(errno));
		fclose(f);
		strbuf_release(&sb);
		return -1;
	}
	fclose(f);
	rc = fixtures_load_text(st, sb.buf ? sb.buf : "", sb.len, err);
	strbuf_release(&sb);
	if (rc < 0) {
		char *full = xasprintf("fixtures '%s': %s", path, *err);
		free(*err);
		*err = full;
	}
	return rc;
}
