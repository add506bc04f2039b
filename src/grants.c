/* grants.c: see grants.h. */
#include "grants.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* CF-API: the ids, names and scopes are Cloudflare's own, as its "API
 * token permissions" documentation lists them and as Terraform and
 * Pulumi configurations hard-code them: the 37 groups the OpenAPI
 * document names in x-api-token-group, and the groups wrangler's and the
 * docs' token templates use most. The categories are cfmock's pick from
 * the document's 13-value enum. */
#define U GRANTS_USER
#define A GRANTS_ACCOUNT
#define Z GRANTS_ZONE
#define R GRANTS_R2
const struct token_group token_groups[] = {
	{ "0cc3a61731504c89b99ec1be78b77aa0", "API Tokens Read", U, "account_and_billing" },
	{ "686d18d5ac6c441c867cbf6771e58a0a", "API Tokens Write", U, "account_and_billing" },
	{ "3518d0f75557482e952c6762d3e64903", "Memberships Read", U, "account_and_billing" },
	{ "9201bc6f42d440968aaab0c6f17ebb1d", "Memberships Write", U, "account_and_billing" },
	{ "8acbe5bb0d54464ab867149d7f7cf8ac", "User Details Read", U, "account_and_billing" },
	{ "55a5e17cc99e4a3fa1f3432d262f2e55", "User Details Write", U, "account_and_billing" },
	{ "eb56a6953c034b9d97dd838155666f06", "Account API Tokens Read", A, "account_and_billing" },
	{ "5bc3f8b21c554832afc660159ab75fa4", "Account API Tokens Write", A, "account_and_billing" },
	{ "c1fde68c7bcc44588cbb6ddbc16d6480", "Account Settings Read", A, "account_and_billing" },
	{ "1af1fa2adc104452b74a9a3364202f20", "Account Settings Write", A, "account_and_billing" },
	{ "7cf72faf220841aabcfdfab81c43c4f6", "Billing Read", A, "account_and_billing" },
	{ "6c80e02421494afc9ae14414ed442632", "Billing Write", A, "account_and_billing" },
	{ "d5812c023a5048b4882175a28952362d", "SCIM Provisioning", A, "account_and_billing" },
	{ "b89a480218d04ceb98b4fe57ca29dc1f", "Account Analytics Read", A, "analytics_and_logs" },
	{ "de7a688cc47d43bd9ea700b467a09c96", "Account Firewall Access Rules Read", A,
	  "app_security" },
	{ "a416acf9ef5a4af19fb11ed3b96b1fe6", "Account Firewall Access Rules Write", A,
	  "app_security" },
	{ "dee7c22a57674abea8f942110b094717", "DDoS Botnet Feed Read", A, "app_security" },
	{ "0caa90c9b186447397c8b00358d34a76", "DDoS Botnet Feed Write", A, "app_security" },
	{ "af1c363c35ba45b9a8c682ae50eb3f99", "DDoS Protection Read", A, "app_security" },
	{ "d44ed14bcc4340b194d3824d60edad3f", "DDoS Protection Write", A, "app_security" },
	{ "f0ba3733e746429182fcd40ec648c066", "Trust and Safety Read", A, "app_security" },
	{ "120f843a9c074f399b830e542e5616b8", "Trust and Safety Write", A, "app_security" },
	{ "5f48a472240a4b489a21d43bd19a06e1", "DNS Firewall Read", A, "dns_and_zones" },
	{ "da6d2d6f2ec8442eaadda60d13f42bca", "DNS Firewall Write", A, "dns_and_zones" },
	{ "95d69e8d6d5144bfb0923667355d9f11", "DNS View Read", A, "dns_and_zones" },
	{ "5b7aedd821a548b9bf5a2acabbce98c7", "DNS View Write", A, "dns_and_zones" },
	{ "59059f0c977b44f8b1c18e0aaf91c369", "Load Balancers Account Read", A,
	  "network_services" },
	{ "419ec42810af4659ade77716dbe47bc6", "Load Balancers Account Write", A,
	  "network_services" },
	{ "9d24387c6e8544e2bc4024a03991339f", "Load Balancing: Monitors and Pools Read", A,
	  "network_services" },
	{ "d2a1802cc9a34e30852f8b33869b2f3c", "Load Balancing: Monitors and Pools Write", A,
	  "network_services" },
	{ "efea2ab8357b47888938f101ae5e053f", "Cloudflare Tunnel Read", A,
	  "cloudflare_one_and_zero_trust" },
	{ "c07321b023e944ff818fec44d8203567", "Cloudflare Tunnel Write", A,
	  "cloudflare_one_and_zero_trust" },
	{ "f5d857f67f144e3c8bacea88c17d4a13", "Zero Trust: PII Read", A,
	  "cloudflare_one_and_zero_trust" },
	{ "192192df92ee43ac90f2aeeffce67e35", "D1 Read", A, "developer_platform" },
	{ "09b2857d1c31407795e75e3fed8617a1", "D1 Write", A, "developer_platform" },
	{ "e247aedd66bd41cc9193af0213416666", "Pages Read", A, "developer_platform" },
	{ "8d28297797f24fb8a0c332fe0866ec89", "Pages Write", A, "developer_platform" },
	{ "84a7755d54c646ca87cd50682a34bf7c", "Queues Read", A, "developer_platform" },
	{ "366f57075ffc42689627bcf8242a1b6d", "Queues Write", A, "developer_platform" },
	{ "8b47d2786a534c08a1f94ee8f9f599ef", "Workers KV Storage Read", A, "developer_platform" },
	{ "f7f0eda5697f475c90846e879bab8666", "Workers KV Storage Write", A, "developer_platform" },
	{ "b4992e1108244f5d8bfbd5744320c2e1", "Workers R2 Storage Read", A, "developer_platform" },
	{ "bf7481a1826f439697cb59a20b22293e", "Workers R2 Storage Write", A, "developer_platform" },
	{ "6a018a9f2fc74eb6b293b0c548f38b39", "Workers R2 Storage Bucket Item Read", R,
	  "developer_platform" },
	{ "2efd5506f9c8494dacb1fa10a3e7d5b6", "Workers R2 Storage Bucket Item Write", R,
	  "developer_platform" },
	{ "1a71c399035b4950a1bd1466bbe4f420", "Workers Scripts Read", A, "developer_platform" },
	{ "e086da7e2179491d91ee5f35b3ca210a", "Workers Scripts Write", A, "developer_platform" },
	{ "05880cd1bdc24d8bae0be2136972816b", "Workers Tail Read", A, "developer_platform" },
	{ "2072033d694d415a936eaeb94e6405b8", "Workers Routes Read", Z, "developer_platform" },
	{ "28f4b596e7d643029c524985477ae49a", "Workers Routes Write", Z, "developer_platform" },
	{ "c8fed203ed3043cba015a93ad1616f1f", "Zone Read", Z, "dns_and_zones" },
	{ "e6d2666161e84845a636613608cee8d5", "Zone Write", Z, "dns_and_zones" },
	{ "82e64a83756745bbbb1c9c2701bf816b", "DNS Read", Z, "dns_and_zones" },
	{ "4755a26eedb94da69e1066d98aa820be", "DNS Write", Z, "dns_and_zones" },
	{ "517b21aee92c4d89936c976ba6e4be55", "Zone Settings Read", Z, "rules_and_configuration" },
	{ "3030687196b94b638145a3953da2b699", "Zone Settings Write", Z, "rules_and_configuration" },
	{ "7b7216b327b04b8fbc8f524e1f9b7531", "SSL and Certificates Read", Z, "app_security" },
	{ "c03055bc037c4ea9afb9a9f104b7b721", "SSL and Certificates Write", Z, "app_security" },
	{ "e17beae8b8cb423a99b1730f21238bed", "Cache Purge", Z, "cache_and_performance" },
	{ "9c88f9c5bce24ce7af9a958ba9c504db", "Analytics Read", Z, "analytics_and_logs" },
};
#undef U
#undef A
#undef Z
#undef R
const size_t token_groups_count = ARRAY_SIZE(token_groups);

static const char *const scope_names[] = {
	"com.cloudflare.api.account",
	"com.cloudflare.api.account.zone",
	"com.cloudflare.api.user",
	"com.cloudflare.edge.r2.bucket",
};

int token_group_index(const char *id)
{
	size_t i;

	for (i = 0; i < token_groups_count; i++)
		if (strcmp(token_groups[i].id, id) == 0)
			return (int)i;
	return -1;
}

cJSON *token_group_json(const struct token_group *g)
{
	cJSON *o = cJSON_CreateObject(), *scopes;
	size_t i;

	cJSON_AddStringToObject(o, "id", g->id);
	cJSON_AddStringToObject(o, "name", g->name);
	scopes = cJSON_AddArrayToObject(o, "scopes");
	for (i = 0; i < ARRAY_SIZE(scope_names); i++)
		if (g->scopes & (1u << i))
			cJSON_AddItemToArray(scopes, cJSON_CreateString(scope_names[i]));
	cJSON_AddStringToObject(o, "category", g->category);
	return o;
}

static void set_add(struct group_set *s, size_t i)
{
	s->w[i / 64] |= (uint64_t)1 << (i % 64);
}

static int set_has(const struct group_set *s, size_t i)
{
	return (s->w[i / 64] >> (i % 64)) & 1;
}

struct group_set group_set_of_names(const char *names)
{
	struct group_set s = { { 0, 0 } };

	while (names && *names) {
		size_t len = strcspn(names, ","), i;

		for (i = 0; i < token_groups_count; i++)
			if (strlen(token_groups[i].name) == len &&
			    memcmp(token_groups[i].name, names, len) == 0)
				break;
		if (i == token_groups_count)
			BUG("no permission group '%.*s'", (int)len, names);
		set_add(&s, i);
		names += len + (names[len] == ',');
	}
	return s;
}

int group_set_empty(struct group_set s)
{
	return !s.w[0] && !s.w[1];
}

int group_set_meets(struct group_set a, struct group_set b)
{
	return (a.w[0] & b.w[0]) || (a.w[1] & b.w[1]);
}

/* --- the compiled form --- */

enum res_kind { RES_ACCOUNT = 1, RES_ZONE, RES_USER, RES_R2 };

/* One (policy, resource) pair: the blob is an array of these after a
 * two-byte header. A policy naming three resources is three rules. */
struct rule {
	uint8_t allow;
	uint8_t kind;
	uint8_t wild;           /* the key ends in ".*" */
	char id[ID_LEN + 1];    /* "" when wild */
	char acct[ID_LEN + 1];  /* RES_ZONE of the nested form: its account */
	struct group_set groups;
};

#define BLOB_MAGIC0 'G'
#define BLOB_MAGIC1 (char)sizeof(struct rule)

static size_t blob_rules(const unsigned char *blob, size_t len)
{
	if (!blob || len < 2 || blob[0] != BLOB_MAGIC0 || blob[1] != (unsigned char)BLOB_MAGIC1 ||
	    (len - 2) % sizeof(struct rule))
		return 0;
	return (len - 2) / sizeof(struct rule);
}

static void rule_at(const unsigned char *blob, size_t i, struct rule *out)
{
	memcpy(out, blob + 2 + i * sizeof(*out), sizeof(*out));
}

/* Whether rule @r names what @q names (@q a resource of a request or of
 * another token's rule). */
static int covers(const struct rule *r, const struct rule *q)
{
	if (r->kind != q->kind)
		return 0;
	switch (r->kind) {
	case RES_USER:
		return 1; /* grants_parse() let in the token's own user only */
	case RES_ACCOUNT:
		return r->wild || (!q->wild && strcmp(r->id, q->id) == 0);
	case RES_ZONE:
		if (r->acct[0] && strcmp(r->acct, q->acct) != 0)
			return 0;
		return r->wild || (!q->wild && strcmp(r->id, q->id) == 0);
	default:
		return 1;
	}
}

static struct group_set held_on(const unsigned char *blob, size_t len, const struct rule *q)
{
	struct group_set allow = { { 0, 0 } }, deny = { { 0, 0 } };
	size_t i, n = blob_rules(blob, len);

	for (i = 0; i < n; i++) {
		struct rule r;
		rule_at(blob, i, &r);
		if (!covers(&r, q))
			continue;
		if (r.allow) {
			allow.w[0] |= r.groups.w[0];
			allow.w[1] |= r.groups.w[1];
		} else {
			deny.w[0] |= r.groups.w[0];
			deny.w[1] |= r.groups.w[1];
		}
	}
	allow.w[0] &= ~deny.w[0];
	allow.w[1] &= ~deny.w[1];
	return allow;
}

struct group_set grants_on_account(const unsigned char *blob, size_t len, const char *account_id)
{
	struct rule q;

	memset(&q, 0, sizeof(q));
	q.kind = RES_ACCOUNT;
	if (account_id)
		snprintf(q.id, sizeof(q.id), "%s", account_id);
	else
		q.wild = 1;
	return held_on(blob, len, &q);
}

struct group_set grants_on_user(const unsigned char *blob, size_t len)
{
	struct rule q;

	memset(&q, 0, sizeof(q));
	q.kind = RES_USER;
	q.wild = 1; /* a token names its own user only */
	return held_on(blob, len, &q);
}

int grants_any(const unsigned char *blob, size_t len)
{
	size_t i, n = blob_rules(blob, len);

	for (i = 0; i < n; i++) {
		struct rule r;
		rule_at(blob, i, &r);
		if (r.allow && !group_set_empty(r.groups))
			return 1;
	}
	return 0;
}

void grants_account_scope(const unsigned char *blob, size_t len, struct account_scope *out)
{
	size_t i, j, n = blob_rules(blob, len);

	memset(out, 0, sizeof(*out));
	out->all = !group_set_empty(grants_on_account(blob, len, NULL));
	for (i = 0; i < n; i++) {
		struct rule r;
		int seen = 0, reach;

		rule_at(blob, i, &r);
		if (r.kind != RES_ACCOUNT || r.wild)
			continue;
		for (j = 0; j < (size_t)out->n; j++)
			seen |= strcmp(out->ids[j], r.id) == 0;
		reach = !group_set_empty(grants_on_account(blob, len, r.id));
		/* all: the ids are the ones left out; else the ones let in */
		if (seen || reach == out->all)
			continue;
		out->ids = xrealloc(out->ids, (size_t)(out->n + 1) * sizeof(*out->ids));
		memcpy(out->ids[out->n++], r.id, ID_LEN + 1);
	}
}

void grants_account_scope_free(struct account_scope *s)
{
	free(s->ids);
	memset(s, 0, sizeof(*s));
}

int grants_scope_has(const struct account_scope *s, const char *account_id)
{
	int i;

	for (i = 0; i < s->n; i++)
		if (strcmp(s->ids[i], account_id) == 0)
			return !s->all;
	return s->all;
}

int grants_within(const unsigned char *new_blob, size_t new_len, const unsigned char *have,
		  size_t have_len)
{
	size_t i, n = blob_rules(new_blob, new_len);

	for (i = 0; i < n; i++) {
		struct rule r;
		struct group_set h;

		rule_at(new_blob, i, &r);
		if (!r.allow)
			continue;
		h = held_on(have, have_len, &r);
		if ((r.groups.w[0] & ~h.w[0]) || (r.groups.w[1] & ~h.w[1]))
			return 0;
	}
	return 1;
}

/* --- reading policies --- */

/* A JSON pointer into @buf: one too long to name is cut (the reason
 * still says what is wrong). */
static void ptrf(char *buf, size_t n, const char *fmt, ...) PRINTF_LIKE(3, 4);

static void ptrf(char *buf, size_t n, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, n, fmt, ap);
	va_end(ap);
}

static int fail(struct grants_error *err, const char *pointer, const char *fmt, ...)
	PRINTF_LIKE(3, 4);

static int fail(struct grants_error *err, const char *pointer, const char *fmt, ...)
{
	va_list ap;

	snprintf(err->pointer, sizeof(err->pointer), "%s", pointer);
	va_start(ap, fmt);
	vsnprintf(err->why, sizeof(err->why), fmt, ap);
	va_end(ap);
	return -1;
}

#define KEY_ACCOUNT "com.cloudflare.api.account."
#define KEY_ZONE "com.cloudflare.api.account.zone."
#define KEY_USER "com.cloudflare.api.user."
#define KEY_R2 "com.cloudflare.edge.r2.bucket."

static int prefixed(const char *s, const char *prefix, const char **rest)
{
	size_t n = strlen(prefix);

	if (strncmp(s, prefix, n) != 0)
		return 0;
	*rest = s + n;
	return 1;
}

/* Reads resource key @key into @r (kind, id or wild). NULL if it is one,
 * else why not. */
static const char *read_key(const char *key, struct rule *r)
{
	const char *rest;

	memset(r, 0, sizeof(*r));
	if (prefixed(key, KEY_ZONE, &rest))
		r->kind = RES_ZONE;
	else if (prefixed(key, KEY_ACCOUNT, &rest))
		r->kind = RES_ACCOUNT;
	else if (prefixed(key, KEY_USER, &rest))
		r->kind = RES_USER;
	else if (prefixed(key, KEY_R2, &rest)) {
		r->kind = RES_R2;
		/* CF-API: <account id>_<jurisdiction>_<bucket name> */
		return *rest && strlen(rest) <= 200 ? NULL
						     : "an R2 bucket key must name a bucket";
	} else {
		return "must be a resource name: com.cloudflare.api.account.<id>, "
		       "com.cloudflare.api.account.zone.<id>, com.cloudflare.api.user.<id>, "
		       "com.cloudflare.edge.r2.bucket.<bucket> (or an account or zone '*')";
	}
	if (strcmp(rest, "*") == 0 && r->kind != RES_USER) {
		r->wild = 1;
		return NULL;
	}
	if (!is_hex_id(rest))
		return "the resource's id must be 32 lowercase hex characters";
	memcpy(r->id, rest, ID_LEN + 1);
	return NULL;
}

/* The kind's scope bit. */
static unsigned kind_scope(int kind)
{
	switch (kind) {
	case RES_ACCOUNT:
		return GRANTS_ACCOUNT;
	case RES_ZONE:
		return GRANTS_ZONE;
	case RES_USER:
		return GRANTS_USER;
	default:
		return GRANTS_R2;
	}
}

struct compiling {
	const struct grants_owner *owner;
	struct strbuf blob;
	unsigned scopes; /* the kinds the policy's resources name */
	int nres;
};

/* Checks that resource @r may be held by the owner, and adds it. */
static int add_rule(struct compiling *c, struct rule *r, const char *ptr, struct grants_error *err)
{
	const struct grants_owner *o = c->owner;

	if (++c->nres > GRANTS_MAX_RESOURCES)
		return fail(err, ptr, "a policy names at most %d resources", GRANTS_MAX_RESOURCES);
	if (r->kind == RES_USER && o->account_owned)
		return fail(err, ptr, "an account-owned token cannot name a user");
	if (r->kind == RES_USER && strcmp(r->id, o->id) != 0)
		return fail(err, ptr, "a user token can name only its own user (%s)", o->id);
	if (r->kind == RES_ACCOUNT && o->account_owned && (r->wild || strcmp(r->id, o->id) != 0))
		return fail(err, ptr, "an account-owned token can name only its own account (%s)",
			    o->id);
	if (r->kind == RES_ZONE && o->account_owned && r->wild && !r->acct[0])
		return fail(err, ptr, "an account-owned token reaches the zones of its own "
				      "account only: nest the zone key under com.cloudflare.api.account.%s",
			    o->id);
	c->scopes |= kind_scope(r->kind);
	strbuf_add(&c->blob, (const char *)r, sizeof(*r));
	return 0;
}

static int read_resources(struct compiling *c, const cJSON *res, const char *pointer,
			  struct rule *proto, struct grants_error *err)
{
	const cJSON *kv;
	struct strbuf ptr = STRBUF_INIT;
	int rc = 0;

	if (!cJSON_IsObject(res))
		return fail(err, pointer, "must be an object of resource names");
	if (!res->child)
		return fail(err, pointer, "must name at least one resource");
	cJSON_ArrayForEach(kv, res) {
		struct rule r;
		const char *why = read_key(kv->string, &r);

		ptr.len = 0;
		strbuf_addf(&ptr, "%s/%s", pointer, kv->string);
		if (why) {
			rc = fail(err, ptr.buf, "%s", why);
			break;
		}
		r.allow = proto->allow;
		r.groups = proto->groups;
		if (cJSON_IsString(kv) && strcmp(kv->valuestring, "*") == 0) {
			rc = add_rule(c, &r, ptr.buf, err);
		} else if (cJSON_IsObject(kv) && r.kind == RES_ACCOUNT && !r.wild && kv->child) {
			/* the nested form: zones of this account */
			const cJSON *z;
			struct strbuf zp = STRBUF_INIT;
			cJSON_ArrayForEach(z, kv) {
				struct rule zr;
				zp.len = 0;
				strbuf_addf(&zp, "%s/%s", ptr.buf, z->string);
				why = read_key(z->string, &zr);
				if (!why && zr.kind != RES_ZONE)
					why = "must be a zone key inside an account: "
					      "com.cloudflare.api.account.zone.<id> or ...zone.*";
				if (!why && !(cJSON_IsString(z) && strcmp(z->valuestring, "*") == 0))
					why = "must be \"*\"";
				if (why) {
					rc = fail(err, zp.buf, "%s", why);
					break;
				}
				zr.allow = proto->allow;
				zr.groups = proto->groups;
				memcpy(zr.acct, r.id, ID_LEN + 1);
				if ((rc = add_rule(c, &zr, zp.buf, err)) < 0)
					break;
			}
			strbuf_release(&zp);
		} else {
			rc = fail(err, ptr.buf, "must be \"*\" (or, for an account, an object of "
						"its zone keys, each \"*\")");
		}
		if (rc < 0)
			break;
	}
	strbuf_release(&ptr);
	return rc;
}

/* Reads permission_groups at @pointer into @out (ids checked, names
 * filled in) and the set @groups. */
static int read_groups(const cJSON *pgs, const char *pointer, const struct grants_owner *o,
		       cJSON *out, struct group_set *groups, unsigned *scopes,
		       struct grants_error *err)
{
	const cJSON *g;
	char ptr[128];
	int i = 0;

	if (!cJSON_IsArray(pgs))
		return fail(err, pointer, "must be an array of permission groups");
	if (!pgs->child)
		return fail(err, pointer, "must hold at least one permission group");
	*scopes = 0;
	cJSON_ArrayForEach(g, pgs) {
		const cJSON *id = cJSON_GetObjectItemCaseSensitive(g, "id"), *meta;
		cJSON *item;
		int idx;

		ptrf(ptr, sizeof(ptr), "%s/%d/id", pointer, i);
		if (i++ >= GRANTS_MAX_GROUPS)
			return fail(err, pointer, "holds at most %d permission groups", GRANTS_MAX_GROUPS);
		if (!cJSON_IsObject(g))
			return fail(err, ptr, "each permission group must be an object {\"id\": ...}");
		if (!cJSON_IsString(id))
			return fail(err, ptr, "is required: the id of a permission group");
		idx = token_group_index(id->valuestring);
		if (idx < 0)
			return fail(err, ptr, "no permission group has the id '%.40s' (see GET "
					      "/user/tokens/permission_groups)", id->valuestring);
		if (o->account_owned && token_groups[idx].scopes == GRANTS_USER)
			return fail(err, ptr, "'%s' is a user-level group, which an account-owned "
					      "token cannot hold", token_groups[idx].name);
		meta = cJSON_GetObjectItemCaseSensitive(g, "meta");
		if (meta && !cJSON_IsNull(meta) && !cJSON_IsObject(meta)) {
			ptrf(ptr, sizeof(ptr), "%s/%d/meta", pointer, i - 1);
			return fail(err, ptr, "must be an object {\"key\", \"value\"}");
		}
		if (set_has(groups, (size_t)idx))
			continue;
		set_add(groups, (size_t)idx);
		*scopes |= token_groups[idx].scopes;
		item = cJSON_CreateObject();
		cJSON_AddStringToObject(item, "id", token_groups[idx].id);
		cJSON_AddStringToObject(item, "name", token_groups[idx].name);
		if (cJSON_IsObject(meta))
			cJSON_AddItemToObject(item, "meta", cJSON_Duplicate(meta, 1));
		cJSON_AddItemToArray(out, item);
	}
	return 0;
}

/* The scopes of the groups in @s. */
static int groups_fit(struct group_set s, unsigned res_scopes, int *out_bad)
{
	size_t i;

	for (i = 0; i < token_groups_count; i++)
		if (set_has(&s, i) && !(token_groups[i].scopes & res_scopes)) {
			*out_bad = (int)i;
			return 0;
		}
	return 1;
}

int grants_parse(const cJSON *policies, const char *pointer, const struct grants_owner *owner,
		 int keep_ids, cJSON **out_json, unsigned char **out_blob, size_t *out_len,
		 struct grants_error *err)
{
	struct compiling c;
	const cJSON *p;
	cJSON *out;
	char ptr[128];
	int i = 0;

	*out_json = NULL;
	*out_blob = NULL;
	*out_len = 0;
	if (!cJSON_IsArray(policies))
		return fail(err, pointer, "must be an array of policies");
	if (!policies->child)
		return fail(err, pointer, "must hold at least one policy");
	memset(&c, 0, sizeof(c));
	c.owner = owner;
	{
		const char magic[2] = { BLOB_MAGIC0, BLOB_MAGIC1 };
		struct strbuf init = STRBUF_INIT;
		c.blob = init;
		strbuf_add(&c.blob, magic, 2);
	}
	out = cJSON_CreateArray();
	cJSON_ArrayForEach(p, policies) {
		const cJSON *effect = cJSON_GetObjectItemCaseSensitive(p, "effect");
		const cJSON *pid = cJSON_GetObjectItemCaseSensitive(p, "id");
		struct rule proto;
		cJSON *item, *groups;
		char idbuf[ID_LEN + 1];
		unsigned gscopes;
		int bad;

		if (i >= GRANTS_MAX_POLICIES) {
			fail(err, pointer, "holds at most %d policies", GRANTS_MAX_POLICIES);
			goto failed;
		}
		ptrf(ptr, sizeof(ptr), "%s/%d", pointer, i);
		if (!cJSON_IsObject(p)) {
			fail(err, ptr, "each policy must be an object");
			goto failed;
		}
		memset(&proto, 0, sizeof(proto));
		ptrf(ptr, sizeof(ptr), "%s/%d/effect", pointer, i);
		if (!cJSON_IsString(effect) || (strcmp(effect->valuestring, "allow") != 0 &&
						strcmp(effect->valuestring, "deny") != 0)) {
			fail(err, ptr, "must be \"allow\" or \"deny\"");
			goto failed;
		}
		proto.allow = effect->valuestring[0] == 'a';
		item = cJSON_CreateObject();
		cJSON_AddItemToArray(out, item);
		if (keep_ids && cJSON_IsString(pid) && is_hex_id(pid->valuestring))
			snprintf(idbuf, sizeof(idbuf), "%s", pid->valuestring);
		else
			ids_new(idbuf);
		cJSON_AddStringToObject(item, "id", idbuf);
		cJSON_AddStringToObject(item, "effect", proto.allow ? "allow" : "deny");
		groups = cJSON_AddArrayToObject(item, "permission_groups");
		ptrf(ptr, sizeof(ptr), "%s/%d/permission_groups", pointer, i);
		if (read_groups(cJSON_GetObjectItemCaseSensitive(p, "permission_groups"), ptr, owner,
				groups, &proto.groups, &gscopes, err) < 0)
			goto failed;
		ptrf(ptr, sizeof(ptr), "%s/%d/resources", pointer, i);
		c.scopes = 0;
		c.nres = 0;
		if (read_resources(&c, cJSON_GetObjectItemCaseSensitive(p, "resources"), ptr, &proto,
				   err) < 0)
			goto failed;
		/* CF-API: a group must apply to what the policy names: "Zone
		 * Read" on an account alone reaches nothing */
		if (!groups_fit(proto.groups, c.scopes, &bad)) {
			ptrf(ptr, sizeof(ptr), "%s/%d/permission_groups", pointer, i);
			fail(err, ptr, "'%s' applies to %s resources, which the policy does not name",
			     token_groups[bad].name,
			     token_groups[bad].scopes & GRANTS_USER    ? "user"
			     : token_groups[bad].scopes & GRANTS_ZONE  ? "zone"
			     : token_groups[bad].scopes & GRANTS_R2    ? "R2 bucket"
								      : "account");
			goto failed;
		}
		cJSON_AddItemToObject(item, "resources",
				      cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(p, "resources"), 1));
		i++;
	}
	*out_json = out;
	*out_blob = (unsigned char *)strbuf_detach(&c.blob, out_len);
	return 0;
failed:
	cJSON_Delete(out);
	strbuf_release(&c.blob);
	return -1;
}

/* --- request_ip --- */

struct cidr {
	int family;
	unsigned char addr[16];
	int bits;
};

/* "1.2.3.0/24", "2606:4700::/32", or an address alone. */
static int cidr_parse(const char *s, struct cidr *out)
{
	char buf[64];
	const char *slash = strchr(s, '/');
	size_t n = slash ? (size_t)(slash - s) : strlen(s);
	int max;

	if (n == 0 || n >= sizeof(buf))
		return -1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	memset(out, 0, sizeof(*out));
	if (inet_pton(AF_INET, buf, out->addr) == 1)
		out->family = AF_INET, max = 32;
	else if (inet_pton(AF_INET6, buf, out->addr) == 1)
		out->family = AF_INET6, max = 128;
	else
		return -1;
	out->bits = max;
	if (slash) {
		char *end;
		long b;
		if (!slash[1] || slash[1] < '0' || slash[1] > '9')
			return -1;
		b = strtol(slash + 1, &end, 10);
		if (*end || b < 0 || b > max)
			return -1;
		out->bits = (int)b;
	}
	return 0;
}

static int cidr_has(const struct cidr *c, const struct cidr *ip)
{
	int full = c->bits / 8, rest = c->bits % 8;

	if (c->family != ip->family)
		return 0;
	if (memcmp(c->addr, ip->addr, (size_t)full) != 0)
		return 0;
	if (rest) {
		unsigned char mask = (unsigned char)(0xff << (8 - rest));
		if ((c->addr[full] & mask) != (ip->addr[full] & mask))
			return 0;
	}
	return 1;
}

static int read_list(const cJSON *list, const char *pointer, char **out, struct grants_error *err)
{
	const cJSON *v;
	struct strbuf sb = STRBUF_INIT;
	char ptr[128];
	int i = 0;

	*out = NULL;
	if (!list || cJSON_IsNull(list))
		return 0;
	if (!cJSON_IsArray(list))
		return fail(err, pointer, "must be an array of IPv4 or IPv6 CIDRs");
	cJSON_ArrayForEach(v, list) {
		struct cidr c;
		ptrf(ptr, sizeof(ptr), "%s/%d", pointer, i);
		if (i++ >= 100) {
			strbuf_release(&sb);
			return fail(err, pointer, "holds at most 100 CIDRs");
		}
		if (!cJSON_IsString(v) || cidr_parse(v->valuestring, &c) < 0) {
			strbuf_release(&sb);
			return fail(err, ptr, "must be an IPv4 or IPv6 CIDR, like \"192.0.2.0/24\" or "
					      "\"2001:db8::/32\"");
		}
		if (sb.len)
			strbuf_adds(&sb, ",");
		strbuf_adds(&sb, v->valuestring);
	}
	if (i)
		*out = strbuf_detach(&sb, NULL);
	else
		strbuf_release(&sb);
	return 0;
}

int grants_condition(const cJSON *condition, const char *pointer, char **out_in,
		     char **out_not_in, struct grants_error *err)
{
	const cJSON *ip;
	char ptr[128];
	const char *key = "request_ip";

	*out_in = *out_not_in = NULL;
	if (!condition || cJSON_IsNull(condition))
		return 0;
	if (!cJSON_IsObject(condition))
		return fail(err, pointer, "must be an object");
	/* CF-API: the document says request_ip; the API, cloudflare-go and
	 * Terraform before January 2025 sent "request.ip": both are read */
	ip = cJSON_GetObjectItemCaseSensitive(condition, "request_ip");
	if (!ip || cJSON_IsNull(ip)) {
		key = "request.ip";
		ip = cJSON_GetObjectItemCaseSensitive(condition, "request.ip");
	}
	if (!ip || cJSON_IsNull(ip))
		return 0;
	ptrf(ptr, sizeof(ptr), "%s/%s", pointer, key);
	if (!cJSON_IsObject(ip))
		return fail(err, ptr, "must be an object {\"in\", \"not_in\"}");
	ptrf(ptr, sizeof(ptr), "%s/%s/in", pointer, key);
	if (read_list(cJSON_GetObjectItemCaseSensitive(ip, "in"), ptr, out_in, err) < 0)
		return -1;
	ptrf(ptr, sizeof(ptr), "%s/%s/not_in", pointer, key);
	if (read_list(cJSON_GetObjectItemCaseSensitive(ip, "not_in"), ptr, out_not_in, err) < 0) {
		free(*out_in);
		*out_in = NULL;
		return -1;
	}
	return 0;
}

static cJSON *list_json(const char *list)
{
	cJSON *a = cJSON_CreateArray();

	while (list && *list) {
		size_t n = strcspn(list, ",");
		char *one = xstrndup(list, n);
		cJSON_AddItemToArray(a, cJSON_CreateString(one));
		free(one);
		list += n + (list[n] == ',');
	}
	return a;
}

cJSON *grants_condition_json(const char *in, const char *not_in)
{
	cJSON *c, *ip;

	if (!in && !not_in)
		return NULL;
	c = cJSON_CreateObject();
	ip = cJSON_AddObjectToObject(c, "request_ip");
	if (in)
		cJSON_AddItemToObject(ip, "in", list_json(in));
	if (not_in)
		cJSON_AddItemToObject(ip, "not_in", list_json(not_in));
	return c;
}

static int list_has(const char *list, const struct cidr *ip)
{
	while (list && *list) {
		size_t n = strcspn(list, ",");
		char one[64];
		struct cidr c;
		if (n < sizeof(one)) {
			memcpy(one, list, n);
			one[n] = '\0';
			if (cidr_parse(one, &c) == 0 && cidr_has(&c, ip))
				return 1;
		}
		list += n + (list[n] == ',');
	}
	return 0;
}

int grants_cidr_valid(const char *s)
{
	struct cidr c;

	return !strchr(s, ',') && cidr_parse(s, &c) == 0;
}

int grants_ip_allowed(const char *ip, const char *in, const char *not_in)
{
	static const unsigned char mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
	struct cidr a;

	if (!in && !not_in)
		return 1;
	if (!ip || cidr_parse(ip, &a) < 0)
		return 0;
	/* an IPv4 client of a server on an IPv6 socket */
	if (a.family == AF_INET6 && memcmp(a.addr, mapped, 12) == 0) {
		memmove(a.addr, a.addr + 12, 4);
		memset(a.addr + 4, 0, 12);
		a.family = AF_INET;
		a.bits = 32;
	}
	if (in && !list_has(in, &a))
		return 0;
	return !list_has(not_in, &a);
}
