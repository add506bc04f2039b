/* grants.h: what an API token may reach (CONTRACT.md 12.2, 12.3).
 *
 * The built-in catalogue of token permission groups (README "Token
 * permission groups"), with Cloudflare's own ids and names; a token's
 * policies read and checked against it, then compiled into a small blob
 * that the store keeps beside the JSON, so the check on every request
 * parses nothing; the check itself; and the request_ip condition.
 *
 * A policy {effect, permission_groups[{id}], resources{key: "*" | {zone
 * key: "*"}}} grants (allow) or takes away (deny) its groups on the
 * resources its keys name. What a token holds on one resource is the
 * union of the groups of its allow policies that name it, less those of
 * its deny policies that name it: deny wins, group by group. An operation
 * is allowed when that set meets the operation's groups (its
 * x-api-token-group list in the OpenAPI document), or, for the operations
 * the document gives no groups, when the set is not empty.
 *
 * A leaf: cJSON, libc and the other leaves only. */
#ifndef CFMOCK_GRANTS_H
#define CFMOCK_GRANTS_H

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdint.h>

#include "ids.h"

/* The resource kinds of the scopes a permission group applies to. */
enum grants_scope {
	GRANTS_ACCOUNT = 1 << 0, /* com.cloudflare.api.account */
	GRANTS_ZONE = 1 << 1,    /* com.cloudflare.api.account.zone */
	GRANTS_USER = 1 << 2,    /* com.cloudflare.api.user */
	GRANTS_R2 = 1 << 3,      /* com.cloudflare.edge.r2.bucket */
};

/* A set of permission groups, one bit each in catalogue order. */
struct group_set {
	uint64_t w[2];
};
#define GRANTS_MAX_GROUPS 128

struct token_group {
	const char *id;
	const char *name;
	unsigned scopes; /* enum grants_scope bits */
	const char *category;
};

extern const struct token_group token_groups[];
extern const size_t token_groups_count;

/* The index of the group with @id, or -1. */
int token_group_index(const char *id);
/* {id, name, scopes[], category}, as the token permission_groups lists
 * answer it. */
cJSON *token_group_json(const struct token_group *g);
/* The set of the groups named in @names, a comma-separated list of group
 * names (the route table's); a name the catalogue lacks is a BUG. */
struct group_set group_set_of_names(const char *names);
int group_set_empty(struct group_set s);
int group_set_meets(struct group_set a, struct group_set b);

/* Whose policies are read. A user token may name its own user only; an
 * account-owned token only its own account and zones, and no user-level
 * group. */
struct grants_owner {
	int account_owned;
	const char *id; /* the user's id, or the account's */
};

/* Why policies or a condition are refused: the field, as a JSON pointer
 * from the body's root, and the reason. */
struct grants_error {
	char pointer[128];
	char why[200];
};

/* Reads @policies (the body's "policies", at @pointer), which must be 1
 * to GRANTS_MAX_POLICIES policies. On success returns 0, *out_json the
 * policies as the API answers them (group names filled in, policy ids
 * new; with @keep_ids, a state export's or a fixture's, the ids given are
 * kept where they are ids) and *out_blob (*out_len bytes) their compiled
 * form; the caller frees both. On failure -1 with @err set. */
#define GRANTS_MAX_POLICIES 50
#define GRANTS_MAX_RESOURCES 50
int grants_parse(const cJSON *policies, const char *pointer, const struct grants_owner *owner,
		 int keep_ids, cJSON **out_json, unsigned char **out_blob, size_t *out_len,
		 struct grants_error *err);

/* The groups a compiled @blob holds on account @account_id (NULL: on an
 * account its keys do not name, through com.cloudflare.api.account.*). */
struct group_set grants_on_account(const unsigned char *blob, size_t len,
				   const char *account_id);
/* The groups it holds on its user (com.cloudflare.api.user.<id>). */
struct group_set grants_on_user(const unsigned char *blob, size_t len);
/* Whether any allow policy at all names anything. */
int grants_any(const unsigned char *blob, size_t len);

/* Which accounts a token reaches at all: every account but @ids (@all),
 * or only @ids. Made by grants_account_scope(), freed with
 * grants_account_scope_free(). */
struct account_scope {
	int all;
	int n;
	char (*ids)[ID_LEN + 1];
};
void grants_account_scope(const unsigned char *blob, size_t len, struct account_scope *out);
void grants_account_scope_free(struct account_scope *s);
/* Whether @s lets @account_id through. */
int grants_scope_has(const struct account_scope *s, const char *account_id);

/* Whether the token @new_blob holds reaches no further than @have does
 * (a token making another): each group of each allow policy of @new_blob
 * on each resource it names must be held by @have there. */
int grants_within(const unsigned char *new_blob, size_t new_len, const unsigned char *have,
		  size_t have_len);

/* condition.request_ip (or the older condition["request.ip"]) of a body:
 * @condition may be NULL. Sets *out_in and *out_not_in (caller frees;
 * NULL: none) to the CIDRs, comma-separated, as given. -1 with @err set
 * when one does not parse. */
int grants_condition(const cJSON *condition, const char *pointer, char **out_in,
		     char **out_not_in, struct grants_error *err);
/* {"request_ip": {"in"?, "not_in"?}} for the stored lists, or NULL when
 * neither is set. */
cJSON *grants_condition_json(const char *in, const char *not_in);
/* Whether client address @ip (text, IPv4 or IPv6) passes the lists: inside
 * one @in range (if @in is set) and outside every @not_in range. */
int grants_ip_allowed(const char *ip, const char *in, const char *not_in);
/* Whether @s is one address or CIDR range, IPv4 or IPv6. */
int grants_cidr_valid(const char *s);

#endif
