/* rules.h: every value rule of the API, written once. A rule takes a value
 * and returns NULL when it is fine, or a static reason in the API's
 * wording ("must be an email address"). The api_*.c wrappers answer the
 * reason (400 / 1003 "invalid value for 'x': <reason>", or 1004 for a
 * query parameter), auth.c answers its header error, and fixtures.c prints
 * it after the file and the value's JSON pointer: so a fixture can never
 * hold what the API refuses. Pure and a leaf: no request, reply, store or
 * JSON; it includes only util.h and libc.
 *
 *   organization name      1 to 100 characters (the IAM API's "Organization name")
 *   hierarchy depth        at most 32 organizations from a root down to a leaf
 *   name and email filter  at most 256 characters (name, account_pubname and
 *                          user.email, and their .startsWith, .endsWith and
 *                          .contains)
 *   profile fields         business_name 100, business_email 254,
 *                          business_phone 50, business_address 500,
 *                          external_metadata 2000 characters
 *   account name           1 to 100 characters
 *   account type           "standard" (the default) or "enterprise"
 *   email                  one '@' between a local part and a domain, no white
 *                          space or control character, and at most
 *                            254 characters: X-Auth-Email, a fixture's users,
 *                                organization members
 *                            90 characters: account members
 *   abuse contact email    an email of any length, or "" (none)
 *   email comparison       Unicode simple case folding (utf8_lower), the same
 *                          fold as the store's email_key and its filters
 *   org member status      created "active" (the default) or "canceled"; lists
 *                          filter by those, "pending" and "rejected"
 *   account member status  created "pending" (the default) or "accepted"; lists
 *                          filter by those and "rejected"
 *   account member order   user.first_name, user.last_name, user.email, status
 *   org accounts order_by  account_name
 *   direction              "asc" or "desc"
 *   user fields            first_name 60, last_name 60, telephone 20, country 30,
 *                          zipcode 20 characters (PATCH /user)
 *   API token              1 to 1024 characters of an RFC 6750 b64token
 *   API key                32 or 37 lowercase hex characters
 *   service key            1 to 1024 characters, no white space or control character
 *   token status           "active" (the default), "disabled" or "expired"
 *   id                     32 lowercase hex characters
 *   policy access          "allow" or "deny"
 *   counts                 at most 32 roles and 64 policies a member; 1 to 10
 *                          members a batch create; 1 to 100 accounts a batch
 *                          move; at most 100 id filters
 *   query value            at most 4096 bytes
 *   Idempotency-Key        1 to 255 printable ASCII characters (0x20 to 0x7e)
 *   timestamp              RFC 3339 UTC, "YYYY-MM-DDTHH:MM:SS[.mmm]Z": a real
 *                          date (leap years counted) from 1970, a time of day
 *                          00:00:00 to 23:59:59, a fraction of 3 digits (more
 *                          only as trailing zeros) or none, "Z" and no offset
 *
 * Lengths count characters (UTF-8 code points), as JSON Schema's maxLength
 * does; the query value counts bytes. Role ids are role_find()'s
 * (roles.h). */
#ifndef CFMOCK_RULES_H
#define CFMOCK_RULES_H

#include <stddef.h>
#include <stdint.h>

/* A rule on a string value: NULL if @value passes, else the reason. */
typedef const char *rules_fn(const char *value);

const char *rules_organization_name(const char *s);
/* The hierarchy's depth: a root organization is 1 deep, its children 2. */
#define RULES_ORG_DEPTH_MAX 32
const char *rules_org_depth(int depth);
/* A name or email filter of a list (compared as a whole, a prefix, a
 * suffix or a substring). */
const char *rules_filter(const char *s);
/* The profile field @key (one of store_profile_keys). */
const char *rules_profile_field(const char *key, const char *value);
const char *rules_account_name(const char *s);
const char *rules_account_type(const char *s);
extern const char *const rules_account_type_default;

/* X-Auth-Email, and the email of a user in the fixtures. */
const char *rules_user_email(const char *s);
const char *rules_org_member_email(const char *s);
const char *rules_account_member_email(const char *s);
const char *rules_abuse_contact_email(const char *s);
/* 1 if @a and @b name the same user: equal but for ASCII case. */
int rules_email_same(const char *a, const char *b);
/* The email's key: what two emails that are the same address share
 * (caller frees). The store keeps it beside each user named by email. */
char *rules_email_key(const char *email);
/* The domain of the label cfmock shows for a user it made from an API
 * token or a service key ("<user id>@users.cfmock.invalid"). The label is
 * not that user's email: no X-Auth-Email reaches it (README "Credentials"). */
#define RULES_SYNTHETIC_DOMAIN "users.cfmock.invalid"

const char *rules_org_member_status(const char *s);        /* as created */
const char *rules_org_member_status_filter(const char *s); /* as a list filters */
extern const char *const rules_org_member_status_default;
const char *rules_account_member_status(const char *s);
const char *rules_account_member_status_filter(const char *s);
extern const char *const rules_account_member_status_default;
const char *rules_account_member_order(const char *s);
/* GET /memberships' order, and the answer to an invitation. */
const char *rules_membership_order(const char *s);
const char *rules_membership_answer(const char *s);
/* GET /user/organizations' order, status and match. */
const char *rules_legacy_org_order(const char *s);
const char *rules_legacy_org_status(const char *s);
const char *rules_match(const char *s);
const char *rules_organizations_accounts_order_by(const char *s);
const char *rules_direction(const char *s);
/* 1 if @direction (checked, or NULL) asks for descending order. */
int rules_direction_desc(const char *direction);

/* The field @key of PATCH /user (one of store_users_update_keys). */
const char *rules_user_field(const char *key, const char *value);

const char *rules_api_token(const char *s);
const char *rules_api_key(const char *s);
const char *rules_service_key(const char *s);
const char *rules_token_status(const char *s);
extern const char *const rules_token_status_default;

const char *rules_id(const char *s);
const char *rules_policy_access(const char *s);
const char *rules_query_value(const char *s);
/* The Idempotency-Key header of POST /accounts. */
const char *rules_idempotency_key(const char *s);
/* How long cfmock remembers an Idempotency-Key, in milliseconds of its
 * clock (the fake one too): 24 hours. */
#define RULES_IDEMPOTENCY_TTL_MS (24LL * 60 * 60 * 1000)
/* A timestamp as a fixture may give it; on success *out_ms is
 * its instant in milliseconds since the epoch, which clock_format() writes
 * back in the API's form. */
const char *rules_timestamp(const char *s, int64_t *out_ms);
/* The start of --clock: the same, but a fraction of any length (cut to
 * milliseconds), as "2030-05-06T07:08:09.5Z". */
const char *rules_clock_start(const char *s, int64_t *out_ms);
/* An audit log's since / before: a date (its midnight, UTC) or an RFC 3339
 * UTC date-time with a fraction of any length. */
const char *rules_audit_time(const char *s, int64_t *out_ms);

/* The counts: a rule on how many items a list holds. The maxima size the
 * arrays that hold what they count. */
typedef const char *rules_count_fn(int n);
#define RULES_ROLES_MAX 32
#define RULES_POLICIES_MAX 64
#define RULES_MEMBERS_BATCH_MAX 10
#define RULES_MOVE_BATCH_MAX 100
#define RULES_ID_FILTERS_MAX 100
const char *rules_roles_count(int n);
const char *rules_policies_count(int n);
const char *rules_members_batch_count(int n);
const char *rules_move_batch_count(int n);
const char *rules_id_filters_count(int n);

#endif
