/* fixtures.c: see fixtures.h. Validates every entry with the API's own
 * rules (rules.c) and writes it through the same store functions the API
 * uses, so a fixture can hold nothing the API could not make. An error
 * names the bad value by its RFC 6901 JSON pointer, then the rule:
 * "/organizations/2/members/0/email: must be an email address". The text
 * is read by the same strict reader as request bodies (json.c), so a
 * duplicate key, a \u0000 or trailing data is refused rather than half
 * read; a timestamp must be one the API could write (rules_timestamp) and
 * is kept in cfmock's own form, the one it emits.
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
 *                                                  "roles"? } ] } ] ,
 *     "audit_logs"?: [ entries in the Audit Logs v2 shape ] }
 *
 * "owner" is the email of a user above; sub-organizations and the accounts
 * in an organization take its owner unless they name their own; top-level
 * accounts stand alone. Unknown keys are refused, so a typo does not
 * silently drop data. */
#include "fixtures.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "grants.h"
#include "ids.h"
#include "json.h"
#include "roles.h"
#include "rules.h"
#include "util.h"

struct loader {
	struct store *st;
	cJSON *root;
	char *err;
	struct strbuf where; /* the JSON pointer of the value being read */
};

/* Fails with "POINTER: MESSAGE", the pointer naming the value being read,
 * or its member @key (NULL: the value itself). Only the first failure is
 * kept. Returns -1. */
static int fail_at(struct loader *l, const char *key, const char *fmt, ...) PRINTF_LIKE(3, 4);

static int fail_at(struct loader *l, const char *key, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;
	char *msg;

	if (l->err)
		return -1;
	if (l->where.len)
		strbuf_add(&sb, l->where.buf, l->where.len);
	if (key)
		json_pointer_add(&sb, key);
	if (sb.len)
		strbuf_adds(&sb, ": ");
	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	strbuf_adds(&sb, msg);
	free(msg);
	l->err = strbuf_detach(&sb, NULL);
	return -1;
}

/* Fails at @key (as fail_at) with the reason a rule gave, if any. */
static int rule_at(struct loader *l, const char *key, const char *why)
{
	return why ? fail_at(l, key, "%s", why) : 0;
}

/* Pushes "/@key" and, if @i >= 0, "/@i" onto the pointer; returns the old
 * length for where_pop. */
static size_t where_push(struct loader *l, const char *key, int i)
{
	size_t old = l->where.len;

	json_pointer_add(&l->where, key);
	if (i >= 0)
		strbuf_addf(&l->where, "/%d", i);
	return old;
}

static void where_pop(struct loader *l, size_t old)
{
	l->where.len = old;
	if (l->where.buf)
		l->where.buf[old] = '\0';
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
			return fail_at(l, child->string, "unknown key");
	}
	return 0;
}

static int get_string(struct loader *l, const cJSON *obj, const char *key, int required,
		      const char **out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	*out = NULL;
	if (!v)
		return required ? fail_at(l, key, "is required") : 0;
	if (!cJSON_IsString(v))
		return fail_at(l, key, "must be a string");
	*out = v->valuestring;
	return 0;
}

/* The string at @key, which must pass @rule when it is there. */
static int get_checked(struct loader *l, const cJSON *obj, const char *key, int required,
		       rules_fn *rule, const char **out)
{
	if (get_string(l, obj, key, required, out) < 0)
		return -1;
	return *out ? rule_at(l, key, rule(*out)) : 0;
}

static int get_id(struct loader *l, const cJSON *obj, const char **out)
{
	return get_checked(l, obj, "id", 0, rules_id, out);
}

/* The boolean at @key; @def when it is absent. */
static int get_bool(struct loader *l, const cJSON *obj, const char *key, int def, int *out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	*out = v ? cJSON_IsTrue(v) : def;
	if (v && !cJSON_IsBool(v))
		return fail_at(l, key, "must be true or false");
	return 0;
}

/* The time at @key (NULL and INT64_MAX when absent), which must pass
 * rules_timestamp(). *out is its canonical form, written into @buf: what
 * cfmock stores and echoes is always what clock_format() writes
 * ("2014-03-01T12:21:02.0000Z" is kept as "2014-03-01T12:21:02.000Z"),
 * never the file's own spelling. */
static int get_time(struct loader *l, const cJSON *obj, const char *key,
		    char buf[CLOCK_RFC3339_LEN + 1], const char **out, int64_t *out_ms)
{
	const char *s;

	*out = NULL;
	*out_ms = INT64_MAX;
	if (get_string(l, obj, key, 0, &s) < 0)
		return -1;
	if (!s)
		return 0;
	if (rule_at(l, key, rules_timestamp(s, out_ms)) < 0)
		return -1;
	clock_format(*out_ms, buf);
	*out = buf;
	return 0;
}

static const cJSON *get_array(struct loader *l, const cJSON *obj, const char *key, int *err)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	*err = 0;
	if (v && !cJSON_IsArray(v)) {
		*err = fail_at(l, key, "must be an array");
		return NULL;
	}
	return v;
}

/* An issued token (one with "policies"): of the user @user, or with
 * @account_id of that account (which @user sees). The same rules as POST
 * .../tokens; a state export's ids, dates and status are kept. */
static int load_issued_token(struct loader *l, const struct user *user, const char *account_id,
			     const cJSON *t)
{
	static const char *const allowed[] = {
		"value", "status", "id", "name", "policies", "condition", "not_before",
		"expires_on", "issued_on", "modified_on", "last_used_on", NULL,
	};
	struct grants_owner owner = { account_id != NULL, account_id ? account_id : user->id };
	char b1[CLOCK_RFC3339_LEN + 1], b2[CLOCK_RFC3339_LEN + 1], b3[CLOCK_RFC3339_LEN + 1];
	char b4[CLOCK_RFC3339_LEN + 1], b5[CLOCK_RFC3339_LEN + 1];
	const char *nb, *ex;
	struct token_new n;
	struct grants_error e;
	cJSON *policies = NULL, *made = NULL;
	unsigned char *grants = NULL;
	char *ptext = NULL, *ip_in = NULL, *ip_not_in = NULL;
	enum store_rc rc;
	int ret = -1;

	memset(&n, 0, sizeof(n));
	if (keys_ok(l, t, allowed) < 0 || get_checked(l, t, "value", 1, rules_api_token, &n.secret) < 0 ||
	    get_id(l, t, &n.id) < 0 || get_string(l, t, "name", 1, &n.name) < 0 ||
	    get_string(l, t, "status", 0, &n.status) < 0 ||
	    get_time(l, t, "not_before", b1, &nb, &n.not_before) < 0 ||
	    get_time(l, t, "expires_on", b2, &ex, &n.expires_on) < 0 ||
	    get_time(l, t, "issued_on", b3, &n.issued_on, &(int64_t){ 0 }) < 0 ||
	    get_time(l, t, "modified_on", b4, &n.modified_on, &(int64_t){ 0 }) < 0 ||
	    get_time(l, t, "last_used_on", b5, &n.last_used_on, &(int64_t){ 0 }) < 0)
		return -1;
	if (!nb)
		n.not_before = INT64_MIN;
	if (n.status && strcmp(n.status, "active") != 0 && strcmp(n.status, "disabled") != 0)
		return fail_at(l, "status", "must be 'active' or 'disabled'");
	if (grants_parse(cJSON_GetObjectItemCaseSensitive(t, "policies"), "policies", &owner, 1,
			 &policies, &grants, &n.grants_len, &e) < 0)
		return fail_at(l, NULL, "%s: %s", e.pointer, e.why);
	if (grants_condition(cJSON_GetObjectItemCaseSensitive(t, "condition"), "condition", &ip_in,
			     &ip_not_in, &e) < 0) {
		fail_at(l, NULL, "%s: %s", e.pointer, e.why);
		goto out;
	}
	ptext = cJSON_PrintUnformatted(policies);
	n.policies = ptext;
	n.grants = grants;
	n.ip_in = ip_in;
	n.ip_not_in = ip_not_in;
	rc = store_tokens_create(l->st, user, account_id, &n, &made);
	if (rc == STORE_CONFLICT)
		fail_at(l, "value", "token '%s' (or its id) is already defined", n.secret);
	else if (rc != STORE_OK)
		fail_at(l, NULL, "the database failed");
	else
		ret = 0;
out:
	cJSON_Delete(made);
	cJSON_Delete(policies);
	free(grants);
	cJSON_free(ptext);
	free(ip_in);
	free(ip_not_in);
	return ret;
}

/* An account's tokens: each an issued token of the account. */
static int load_account_tokens(struct loader *l, const cJSON *a, const struct user *user,
			       const char *account_id)
{
	const cJSON *tokens, *t;
	int bad, i = 0;

	tokens = get_array(l, a, "tokens", &bad);
	if (bad)
		return -1;
	cJSON_ArrayForEach(t, tokens) {
		size_t old = where_push(l, "tokens", i++);
		if (!cJSON_IsObject(t))
			return fail_at(l, NULL, "must be an object with 'value', 'name' and 'policies'");
		if (load_issued_token(l, user, account_id, t) < 0)
			return -1;
		where_pop(l, old);
	}
	return 0;
}

/* Token @i of the user: a string (active), {"value", "status"?, "id"?},
 * or an issued token (with "policies"). */
static int load_token(struct loader *l, const struct user *user, const cJSON *t, int i)
{
	static const char *const allowed[] = { "value", "status", "id", NULL };
	const char *value = NULL, *status = NULL, *id = NULL, *value_key = NULL;
	size_t old = where_push(l, "tokens", i);

	if (cJSON_IsString(t)) {
		value = t->valuestring;
		if (rule_at(l, NULL, rules_api_token(value)) < 0)
			return -1;
	} else if (cJSON_IsObject(t) && cJSON_GetObjectItemCaseSensitive(t, "policies")) {
		if (load_issued_token(l, user, NULL, t) < 0)
			return -1;
		where_pop(l, old);
		return 0;
	} else if (cJSON_IsObject(t)) {
		value_key = "value";
		if (keys_ok(l, t, allowed) < 0 ||
		    get_checked(l, t, "value", 1, rules_api_token, &value) < 0 ||
		    get_checked(l, t, "status", 0, rules_token_status, &status) < 0 ||
		    get_id(l, t, &id) < 0)
			return -1;
	} else {
		return fail_at(l, NULL, "must be a string or an object with 'value'");
	}
	if (store_users_token_create(l->st, user, value, status ? status : rules_token_status_default,
				     id) != STORE_OK)
		return fail_at(l, value_key, "token '%s' is already defined", value);
	where_pop(l, old);
	return 0;
}

/* Service key @i of the user: a string. */
static int load_service_key(struct loader *l, const struct user *user, const cJSON *k, int i)
{
	size_t old = where_push(l, "service_keys", i);

	if (!cJSON_IsString(k))
		return fail_at(l, NULL, "must be a string");
	if (rule_at(l, NULL, rules_service_key(k->valuestring)) < 0)
		return -1;
	if (store_users_service_key_create(l->st, user, k->valuestring) != STORE_OK)
		return fail_at(l, NULL, "service key '%s' is already defined", k->valuestring);
	where_pop(l, old);
	return 0;
}

/* 1 if @email is "<@id>@" RULES_SYNTHETIC_DOMAIN. */
static int is_label(const char *id, const cJSON *email)
{
	const char *e = cJSON_IsString(email) ? email->valuestring : NULL;

	return id && e && strncmp(e, id, ID_LEN) == 0 && e[ID_LEN] == '@' &&
	       strcmp(e + ID_LEN + 1, RULES_SYNTHETIC_DOMAIN) == 0;
}

static int load_user(struct loader *l, const cJSON *u)
{
	static const char *const allowed[] = {
		"id", "email", "api_key", "tokens", "service_keys", "tenant_admin", "first_name",
		"last_name", "telephone", "country", "zipcode", NULL,
	};
	struct user_new n;
	/* in store_users_update_keys' order: the fields of PATCH /user */
	const char **fields[USERS_UPDATE_FIELDS] = {
		&n.first_name, &n.last_name, &n.telephone, &n.country, &n.zipcode,
	};
	const cJSON *tokens, *keys, *t;
	struct user user;
	enum store_rc rc;
	int bad, i;

	if (!cJSON_IsObject(u))
		return fail_at(l, NULL, "must be an object");
	memset(&n, 0, sizeof(n));
	if (keys_ok(l, u, allowed) < 0 || get_id(l, u, &n.id) < 0)
		return -1;
	/* a state export names a user made from a token by the label cfmock
	 * gave it, "<id>@users.cfmock.invalid": loaded back as such a user
	 * (reached by its tokens only), not as one an email names */
	if (is_label(n.id, cJSON_GetObjectItemCaseSensitive(u, "email")))
		n.email = NULL;
	else if (get_checked(l, u, "email", 1, rules_user_email, &n.email) < 0)
		return -1;
	if (get_checked(l, u, "api_key", 0, rules_api_key, &n.api_key) < 0 ||
	    get_bool(l, u, "tenant_admin", 0, &n.tenant_admin) < 0)
		return -1;
	for (i = 0; i < USERS_UPDATE_FIELDS; i++) {
		const char *key = store_users_update_keys[i];
		if (get_string(l, u, key, 0, fields[i]) < 0 ||
		    (*fields[i] && rule_at(l, key, rules_user_field(key, *fields[i])) < 0))
			return -1;
	}
	tokens = get_array(l, u, "tokens", &bad);
	if (bad)
		return -1;
	keys = get_array(l, u, "service_keys", &bad);
	if (bad)
		return -1;
	rc = store_users_create(l->st, &n, &user);
	if (rc == STORE_CONFLICT)
		return fail_at(l, NULL, "a user with this email or id is already defined");
	if (rc != STORE_OK)
		return fail_at(l, NULL, "the database failed");
	i = 0;
	cJSON_ArrayForEach(t, tokens) {
		if (load_token(l, &user, t, i++) < 0)
			return -1;
	}
	i = 0;
	cJSON_ArrayForEach(t, keys) {
		if (load_service_key(l, &user, t, i++) < 0)
			return -1;
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
	size_t i, old;

	*out = NULL;
	if (!profile)
		return 0;
	if (!cJSON_IsObject(profile))
		return fail_at(l, "profile", "must be an object with the five profile fields");
	old = where_push(l, "profile", -1);
	if (keys_ok(l, profile, store_profile_keys) < 0)
		return -1;
	for (i = 0; store_profile_keys[i]; i++)
		if (get_string(l, profile, store_profile_keys[i], 1, fields[i]) < 0 ||
		    rule_at(l, store_profile_keys[i],
			    rules_profile_field(store_profile_keys[i], *fields[i])) < 0)
			return -1;
	where_pop(l, old);
	*out = p;
	return 0;
}

/* Organization members: [{"email", "status"?, "id"?, "create_time"?}]. */
static int load_org_members(struct loader *l, const cJSON *o, const struct user *owner,
			    const char *org_id)
{
	static const char *const allowed[] = { "email", "status", "id", "create_time", NULL };
	const cJSON *list, *m;
	int bad, i = 0;

	list = get_array(l, o, "members", &bad);
	if (bad)
		return -1;
	cJSON_ArrayForEach(m, list) {
		size_t old = where_push(l, "members", i++);
		struct org_member_new n;
		cJSON *made = NULL;
		char when[CLOCK_RFC3339_LEN + 1];
		int64_t ms;
		int which;
		enum store_rc rc;

		memset(&n, 0, sizeof(n));
		if (!cJSON_IsObject(m))
			return fail_at(l, NULL, "must be an object");
		if (keys_ok(l, m, allowed) < 0 ||
		    get_checked(l, m, "email", 1, rules_org_member_email, &n.email) < 0 ||
		    get_checked(l, m, "status", 0, rules_org_member_status, &n.status) < 0 ||
		    get_id(l, m, &n.id) < 0 ||
		    get_time(l, m, "create_time", when, &n.create_time, &ms) < 0)
			return -1;
		if (!n.status)
			n.status = rules_org_member_status_default;
		rc = store_org_members_create(l->st, owner, org_id, &n, 1, &made, &which);
		cJSON_Delete(made);
		if (rc == STORE_CONFLICT)
			return fail_at(l, NULL, "'%s' is already a member (or the id is taken)", n.email);
		if (rc != STORE_OK)
			return fail_at(l, NULL, "the database failed");
		where_pop(l, old);
	}
	return 0;
}

/* "roles" of an account member: ids of built-in roles, as POST
 * /accounts/{id}/members takes them. */
static int get_roles(struct loader *l, const cJSON *m, const char **roles, int *out_n)
{
	const cJSON *list, *r;
	int bad, i = 0;

	*out_n = 0;
	list = get_array(l, m, "roles", &bad);
	if (bad || rule_at(l, "roles", rules_roles_count(cJSON_GetArraySize(list))) < 0)
		return -1;
	cJSON_ArrayForEach(r, list) {
		size_t old = where_push(l, "roles", i);

		if (!cJSON_IsString(r))
			return fail_at(l, NULL, "must be a string");
		if (!role_find(r->valuestring))
			return fail_at(l, NULL, ROLE_UNKNOWN, r->valuestring);
		roles[i++] = r->valuestring;
		where_pop(l, old);
	}
	*out_n = i;
	return 0;
}

/* An array of {id} objects at @key: a policy's permission groups
 * (@account_id NULL), each in the IAM catalogue, or its resource groups,
 * each one of @account_id's, as the API checks them. */
static int get_groups(struct loader *l, const cJSON *policy, const char *key,
		      const char *account_id)
{
	const cJSON *list, *g;
	const char *id;
	char own[ID_LEN + 1];
	struct perm_group pg;
	int bad, i = 0;

	list = get_array(l, policy, key, &bad);
	if (bad)
		return -1;
	if (!list)
		return fail_at(l, key, "is required");
	if (account_id)
		resource_group_id(account_id, own);
	cJSON_ArrayForEach(g, list) {
		size_t old = where_push(l, key, i++);

		if (!cJSON_IsObject(g))
			return fail_at(l, NULL, "must be an object");
		if (get_string(l, g, "id", 1, &id) < 0)
			return -1;
		if (!account_id && perm_group_find(id, &pg) < 0)
			return fail_at(l, "id", PERM_GROUP_UNKNOWN, id);
		if (account_id && strcmp(id, own) != 0)
			return fail_at(l, "id", RESOURCE_GROUP_UNKNOWN " (the account's is '%s')", id,
				       account_id, own);
		where_pop(l, old);
	}
	return 0;
}

/* "policies" of an account member, as POST /accounts/{id}/members takes
 * them: [{access, id?, permission_groups: [{id}], resource_groups: [{id}]}].
 * *out is their JSON text, kept as given (NULL: none; caller frees). */
static int get_policies(struct loader *l, const cJSON *m, const char *account_id, char **out)
{
	const cJSON *list, *p;
	const char *v;
	int bad, i = 0;

	*out = NULL;
	list = get_array(l, m, "policies", &bad);
	if (bad || rule_at(l, "policies", rules_policies_count(cJSON_GetArraySize(list))) < 0)
		return -1;
	if (!list)
		return 0;
	cJSON_ArrayForEach(p, list) {
		size_t old = where_push(l, "policies", i++);

		if (!cJSON_IsObject(p))
			return fail_at(l, NULL, "must be an object");
		if (get_checked(l, p, "access", 1, rules_policy_access, &v) < 0 ||
		    get_string(l, p, "id", 0, &v) < 0 || get_groups(l, p, "permission_groups", NULL) < 0 ||
		    get_groups(l, p, "resource_groups", account_id) < 0)
			return -1;
		where_pop(l, old);
	}
	*out = cJSON_PrintUnformatted(list);
	return 0;
}

/* Account member @m. The entry of the account's owner (@own) says how the
 * owner is a member, as POST /accounts made it; any other is made as POST
 * /accounts/{id}/members would make it. */
static int load_account_member(struct loader *l, const cJSON *m, const struct user *owner,
			       int own, const char *account_id)
{
	static const char *const allowed[] = {
		"email", "status", "roles", "policies", "id", "create_time", NULL,
	};
	struct account_member_new n;
	const char *roles[RULES_ROLES_MAX];
	cJSON *made = NULL;
	char *policies = NULL;
	char when[CLOCK_RFC3339_LEN + 1];
	int64_t ms;
	enum store_rc rc;

	memset(&n, 0, sizeof(n));
	if (!cJSON_IsObject(m))
		return fail_at(l, NULL, "must be an object");
	if (keys_ok(l, m, allowed) < 0 || get_string(l, m, "email", 1, &n.email) < 0)
		return -1;
	n.upsert = own;
	if ((!own && rule_at(l, "email", rules_account_member_email(n.email)) < 0) ||
	    get_checked(l, m, "status", 0, rules_account_member_status, &n.status) < 0 ||
	    get_id(l, m, &n.id) < 0 ||
	    get_time(l, m, "create_time", when, &n.create_time, &ms) < 0 ||
	    get_roles(l, m, roles, &n.nroles) < 0 || get_policies(l, m, account_id, &policies) < 0) {
		free(policies);
		return -1;
	}
	if (!n.status)
		n.status = rules_account_member_status_default;
	n.roles = roles;
	n.policies = policies;
	rc = store_account_members_create(l->st, owner, account_id, &n, &made);
	cJSON_Delete(made);
	free(policies);
	if (rc == STORE_CONFLICT)
		return fail_at(l, NULL, "'%s' is already a member (or the id is taken)", n.email);
	if (rc != STORE_OK)
		return fail_at(l, NULL, "the database failed");
	return 0;
}

/* Account members: [{"email", "status"?, "roles"? | "policies"?, "id"?,
 * "create_time"?}]. */
static int load_account_members(struct loader *l, const cJSON *a, const struct user *owner,
				const char *account_id)
{
	const cJSON *list, *m;
	char *owner_email = NULL;
	int bad, pass, rc = 0;

	list = get_array(l, a, "members", &bad);
	if (bad)
		return -1;
	{
		cJSON *me = NULL;
		if (store_users_get(l->st, owner, &me) == STORE_OK)
			owner_email = xstrdup(cJSON_GetObjectItem(me, "email")->valuestring);
		cJSON_Delete(me);
	}
	/* the owner's own entry last: it may take away the owner's sight of
	 * the account, which the others need */
	for (pass = 0; pass < 2 && rc == 0; pass++) {
		int i = 0;

		cJSON_ArrayForEach(m, list) {
			size_t old = where_push(l, "members", i++);
			const cJSON *email = cJSON_GetObjectItemCaseSensitive(m, "email");
			int own = owner_email && cJSON_IsString(email) &&
				  rules_email_same(owner_email, email->valuestring);

			if (own == pass && load_account_member(l, m, owner, own, account_id) < 0) {
				rc = -1;
				break;
			}
			where_pop(l, old);
		}
	}
	free(owner_email);
	return rc;
}

/* An account in organization @org_id (NULL: stand-alone), owned by @owner
 * unless it names its own. The same rules as POST /accounts. */
static int load_account(struct loader *l, const cJSON *a, const char *org_id,
			const char *org_owner)
{
	static const char *const allowed[] = {
		"id", "name", "owner", "type", "created_on", "settings", "profile", "members",
		"owner_is_member", "tokens", NULL,
	};
	static const char *const settings_allowed[] = {
		"abuse_contact_email", "enforce_twofactor", NULL,
	};
	struct account_new n;
	struct profile p;
	const cJSON *settings;
	const char *owner;
	struct user user;
	cJSON *made = NULL;
	char when[CLOCK_RFC3339_LEN + 1];
	int64_t ms;
	int owner_is_member;
	enum store_rc rc;

	if (!cJSON_IsObject(a))
		return fail_at(l, NULL, "must be an object");
	memset(&n, 0, sizeof(n));
	if (keys_ok(l, a, allowed) < 0 || get_id(l, a, &n.id) < 0 ||
	    get_checked(l, a, "name", 1, rules_account_name, &n.name) < 0 ||
	    get_string(l, a, "owner", !org_owner, &owner) < 0 ||
	    get_checked(l, a, "type", 0, rules_account_type, &n.type) < 0 ||
	    get_time(l, a, "created_on", when, &n.created_on, &ms) < 0 ||
	    get_profile(l, a, &p, &n.profile) < 0 ||
	    get_bool(l, a, "owner_is_member", 1, &owner_is_member) < 0)
		return -1;
	if (!n.type)
		n.type = rules_account_type_default;
	settings = cJSON_GetObjectItemCaseSensitive(a, "settings");
	if (settings) {
		size_t old;

		if (!cJSON_IsObject(settings))
			return fail_at(l, "settings", "must be an object with abuse_contact_email and "
						      "enforce_twofactor");
		old = where_push(l, "settings", -1);
		if (keys_ok(l, settings, settings_allowed) < 0 ||
		    get_checked(l, settings, "abuse_contact_email", 0, rules_abuse_contact_email,
				&n.abuse_contact_email) < 0 ||
		    get_bool(l, settings, "enforce_twofactor", 0, &n.enforce_twofactor) < 0)
			return -1;
		where_pop(l, old);
		if (n.abuse_contact_email && !*n.abuse_contact_email)
			n.abuse_contact_email = NULL;
	}
	if (!owner)
		owner = org_owner;
	if (store_users_get_by_email(l->st, owner, &user) != STORE_OK)
		return fail_at(l, "owner", "'%s' is not one of the fixture's users", owner);
	n.org_id = org_id;
	n.unchecked = 1;
	rc = store_accounts_create(l->st, &user, &n, &made);
	if (rc == STORE_CONFLICT)
		return fail_at(l, "id", "account id '%s' is already defined", n.id);
	if (rc == STORE_NOT_FOUND)
		return fail_at(l, "owner", "'%s' cannot see the organization", owner);
	if (rc != STORE_OK)
		return fail_at(l, NULL, "the database failed");
	{
		char *self = xstrdup(cJSON_GetObjectItemCaseSensitive(made, "id")->valuestring);
		int rcm;

		cJSON_Delete(made);
		rcm = load_account_members(l, a, &user, self);
		if (rcm == 0)
			rcm = load_account_tokens(l, a, &user, self);
		if (rcm == 0 && !owner_is_member &&
		    store_account_members_delete_owner(l->st, &user, self) != STORE_OK)
			rcm = fail_at(l, NULL, "the database failed");
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
	char *where;        /* "/organizations/0/accounts/1", for errors */
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
		char when[CLOCK_RFC3339_LEN + 1];
		const char *t;

		if (!cJSON_IsObject(a))
			return fail_at(l, NULL, "must be an object");
		p = pending_add(accounts);
		p->node = a;
		p->org = org;
		p->owner = owner;
		p->where = xstrdup(l->where.buf);
		if (get_time(l, a, "created_on", when, &t, &p->time_ms) < 0)
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
	const char *owner, *t;
	char when[CLOCK_RFC3339_LEN + 1];
	int self, bad, i = 0;

	if (!cJSON_IsObject(o))
		return fail_at(l, NULL, "must be an object");
	if (get_string(l, o, "owner", !parent_owner, &owner) < 0)
		return -1;
	self = (int)orgs->n;
	{
		struct pending *p = pending_add(orgs);
		p->node = o;
		p->org = parent;
		p->owner = owner ? owner : parent_owner;
		p->where = xstrdup(l->where.buf);
		if (get_time(l, o, "create_time", when, &t, &p->time_ms) < 0)
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
	char when[CLOCK_RFC3339_LEN + 1];
	int64_t ms;
	enum store_rc rc;

	if (p->id)
		return 0;
	if (p->org >= 0 && make_org(l, orgs, p->org) < 0)
		return -1;
	where_set(l, p->where);
	memset(&n, 0, sizeof(n));
	if (keys_ok(l, o, allowed) < 0 || get_id(l, o, &n.id) < 0 ||
	    get_checked(l, o, "name", 1, rules_organization_name, &n.name) < 0 ||
	    get_time(l, o, "create_time", when, &n.create_time, &ms) < 0)
		return -1;
	if (store_users_get_by_email(l->st, p->owner, &user) != STORE_OK)
		return fail_at(l, "owner", "'%s' is not one of the fixture's users", p->owner);
	if (get_profile(l, o, &prof, &n.profile) < 0)
		return -1;
	n.parent_id = p->org >= 0 ? orgs->v[p->org].id : NULL;
	n.unchecked = 1;
	rc = store_organizations_create(l->st, &user, &n, &made);
	if (rc == STORE_CONFLICT)
		return fail_at(l, "id", "organization id '%s' is already defined", n.id);
	if (rc == STORE_LIMIT)
		return fail_at(l, NULL, "%s", rules_org_depth(RULES_ORG_DEPTH_MAX + 1));
	if (rc != STORE_OK)
		return fail_at(l, NULL, "the database failed");
	p->id = xstrdup(cJSON_GetObjectItemCaseSensitive(made, "id")->valuestring);
	cJSON_Delete(made);
	return load_org_members(l, o, &user, p->id);
}

/* An entry of the audit log as the state export writes it (the v2 shape,
 * README "Audit logs"), kept as it is, with its id and time: each string
 * member below (the part NULL: the entry itself), then the time, status
 * and the logged request and response. */
static int load_audit_entry(struct loader *l, const cJSON *e)
{
	static const struct {
		const char *part, *key;
		int required;
		size_t off;
	} fields[] = {
#define F(part, key, req, field) { part, key, req, offsetof(struct audit_entry, field) }
		F(NULL, "id", 1, id), F("action", "type", 1, action_type),
		F("action", "description", 1, description), F("action", "result", 1, result),
		F("actor", "id", 1, actor_id), F("actor", "type", 1, actor_type),
		F("actor", "context", 1, actor_context), F("actor", "email", 0, actor_email),
		F("actor", "ip_address", 1, ip), F("actor", "token_id", 0, token_id),
		F("actor", "token_name", 0, token_name), F("account", "id", 1, account_id),
		F("account", "name", 0, account_name), F("organization", "id", 1, org_id),
		F("raw", "method", 1, method), F("raw", "uri", 1, uri),
		F("raw", "cf_ray_id", 1, ray_id), F("raw", "user_agent", 0, user_agent),
		F("resource", "id", 0, resource_id), F("resource", "product", 1, product),
		F("resource", "type", 1, rtype), F("resource", "scope", 1, scope),
#undef F
	};
	static const char *const top[] = { "id", "action", "actor", "account", "organization",
					   "raw", "resource", NULL };
	static const char *const optional[] = { "account", "organization", NULL };
	const cJSON *action, *raw, *resource, *status, *part;
	char *texts[2] = { NULL, NULL };
	struct audit_entry a;
	const char *time, *why;
	size_t i, old;
	int rc = -1;

	memset(&a, 0, sizeof(a));
	if (!cJSON_IsObject(e))
		return fail_at(l, NULL, "must be an object");
	if (keys_ok(l, e, top) < 0)
		return -1;
	for (i = 0; i < ARRAY_SIZE(fields); i++) {
		const cJSON *obj = fields[i].part ? cJSON_GetObjectItemCaseSensitive(e, fields[i].part)
						  : e;
		const char **out = (const char **)(void *)((char *)&a + fields[i].off);
		const char *const *o;

		for (o = optional; *o && fields[i].part && strcmp(*o, fields[i].part); o++)
			;
		if (!obj && *o)
			continue; /* no account, or no organization */
		if (!cJSON_IsObject(obj))
			return fail_at(l, fields[i].part, obj ? "must be an object" : "is required");
		old = fields[i].part ? where_push(l, fields[i].part, -1) : l->where.len;
		if (get_string(l, obj, fields[i].key, fields[i].required, out) < 0 ||
		    (!strcmp(fields[i].key, "id") && *out && rule_at(l, "id", rules_id(*out)) < 0))
			return -1;
		where_pop(l, old);
	}
	if (!strcmp(a.actor_type, "user"))
		a.actor_user = a.actor_id;
	action = cJSON_GetObjectItemCaseSensitive(e, "action");
	raw = cJSON_GetObjectItemCaseSensitive(e, "raw");
	resource = cJSON_GetObjectItemCaseSensitive(e, "resource");
	old = where_push(l, "action", -1);
	if (strcmp(a.action_type, "create") && strcmp(a.action_type, "update") &&
	    strcmp(a.action_type, "delete") && strcmp(a.action_type, "view"))
		return fail_at(l, "type", "must be 'create', 'update', 'delete' or 'view'");
	if (strcmp(a.result, "success") && strcmp(a.result, "failure"))
		return fail_at(l, "result", "must be 'success' or 'failure'");
	if (get_string(l, action, "time", 1, &time) < 0 ||
	    rule_at(l, "time", (why = rules_timestamp(time, &a.time_ms))) < 0)
		return -1;
	where_pop(l, old);
	old = where_push(l, "raw", -1);
	status = cJSON_GetObjectItemCaseSensitive(raw, "status_code");
	if (!cJSON_IsNumber(status) || status->valuedouble < 100 || status->valuedouble > 599)
		return fail_at(l, "status_code", "must be an HTTP status code, 100 to 599");
	a.status = status->valueint;
	where_pop(l, old);
	old = where_push(l, "resource", -1);
	for (i = 0; i < 2; i++) {
		part = cJSON_GetObjectItemCaseSensitive(resource, i ? "response" : "request");
		if (part && !cJSON_IsObject(part)) {
			fail_at(l, i ? "response" : "request", "must be an object");
			goto out;
		}
		texts[i] = part ? cJSON_PrintUnformatted(part) : NULL;
	}
	where_pop(l, old);
	a.request = texts[0];
	a.response = texts[1];
	switch (store_audit_logs_add(l->st, &a)) {
	case STORE_OK:
		rc = 0;
		break;
	case STORE_CONFLICT:
		rc = fail_at(l, "id", "another entry has the id '%s'", a.id);
		break;
	default:
		rc = fail_at(l, NULL, "the store failed (see the log)");
	}
out:
	free(texts[0]);
	free(texts[1]);
	return rc;
}

static int load_all(struct store *st, void *arg)
{
	static const char *const allowed[] = { "users", "organizations", "accounts", "audit_logs",
					       NULL };
	struct loader *l = arg;
	struct pendings orgs = { NULL, 0, 0 }, accounts = { NULL, 0, 0 };
	struct pending **order = NULL;
	const cJSON *list, *item;
	int bad, i, rc = -1;
	size_t k;

	(void)st;
	if (!cJSON_IsObject(l->root))
		return fail_at(l, NULL, "the fixtures must be a JSON object");
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
	list = get_array(l, l->root, "audit_logs", &bad);
	if (bad)
		goto out;
	i = 0;
	cJSON_ArrayForEach(item, list) {
		size_t old = where_push(l, "audit_logs", i++);
		if (load_audit_entry(l, item) < 0)
			goto out;
		where_pop(l, old);
	}
	rc = 0;
out:
	free(order);
	pendings_release(&orgs);
	pendings_release(&accounts);
	return rc;
}

/* *err for a text the strict reader refused: "POINTER: RULE" where a
 * pointer names the value, else "offset N (line L, column C): RULE". */
static char *json_failure(const struct json_error *e)
{
	struct strbuf sb = STRBUF_INIT;

	if (e->pointer && *e->pointer)
		strbuf_addf(&sb, "%s: ", e->pointer);
	else if (!e->pointer)
		strbuf_addf(&sb, "offset %zu (line %d, column %d): ", e->offset, e->line, e->column);
	strbuf_adds(&sb, e->rule);
	if (e->key)
		strbuf_addf(&sb, " '%s'", e->key);
	return strbuf_detach(&sb, NULL);
}

int fixtures_load_text(struct store *st, const char *text, size_t len, char **err)
{
	struct json_error jerr;
	struct loader l;
	int rc;

	memset(&l, 0, sizeof(l));
	l.st = st;
	*err = NULL;
	l.root = json_parse_strict(text, len, &jerr);
	if (!l.root) {
		*err = json_failure(&jerr);
		json_error_release(&jerr);
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
		char *full = xasprintf("%s: %s", path, *err);
		free(*err);
		*err = full;
	}
	return rc;
}
