/* rules.c: see rules.h. Each rule's numbers and words are here and nowhere
 * else; a reason that names a number is built from it at compile time, so
 * the two cannot drift apart. */
#include "rules.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

#define STR_(x) #x
#define STR(x) STR_(x)
#define AT_MOST(n) "must be at most " STR(n) " characters"

/* CF-API: the Organizations-API schema gives the name no maxLength; the
 * IAM API's "Organization name" (iam_schemas-name, and a membership's
 * organization_name) has maxLength 100, so no real organization's name is
 * longer. (cfmock took up to 10000 before: a page of 1000 such names cost
 * tens of MB to answer.) */
#define ORG_NAME_MAX 100
/* CF-API: the spec gives a filter no maxLength; 256 is longer than any
 * name (100) or email (254) a filter can match, so no useful filter is
 * refused, and matching one costs a row at most name + filter bytes. */
#define FILTER_MAX 256
/* CF-API: iam_account.name has maxLength 100 (characters) */
#define ACCOUNT_NAME_MAX 100
/* RFC 5321's path limit; the spec has none for X-Auth-Email or
 * organization members */
#define EMAIL_MAX 254
/* CF-API: an account member's email has maxLength 90 */
#define ACCOUNT_MEMBER_EMAIL_MAX 90
#define SECRET_MAX 1024
#define QUERY_VALUE_MAX 4096
#define IDEMPOTENCY_KEY_MAX 255

/* A set of values, and the reason that lists them. */
struct one_of {
	const char *const values[6];
	const char *reason;
};

static const char *one_of(const struct one_of *set, const char *s)
{
	size_t i;

	for (i = 0; set->values[i]; i++)
		if (strcmp(s, set->values[i]) == 0)
			return NULL;
	return set->reason;
}

static const char *name_rule(const char *s, size_t max, const char *too_long)
{
	if (!*s)
		return "must not be empty";
	return utf8_chars(s) > max ? too_long : NULL;
}

const char *rules_organization_name(const char *s)
{
	return name_rule(s, ORG_NAME_MAX, AT_MOST(ORG_NAME_MAX));
}

/* CF-API: the spec says nothing of the hierarchy's depth. Every
 * organization carries its ancestors' ids (meta.hierarchy_tags) and GET
 * /accounts/{id}/organizations answers the whole chain, so the depth is
 * what those answers grow with (quadratically for the chain); 32 levels
 * is far past any real organization chart and keeps both small. */
const char *rules_org_depth(int depth)
{
	if (depth > RULES_ORG_DEPTH_MAX)
		return "a hierarchy is at most " STR(RULES_ORG_DEPTH_MAX) " organizations deep";
	return NULL;
}

const char *rules_filter(const char *s)
{
	return utf8_chars(s) > FILTER_MAX ? AT_MOST(FILTER_MAX) : NULL;
}

const char *rules_account_name(const char *s)
{
	return name_rule(s, ACCOUNT_NAME_MAX, AT_MOST(ACCOUNT_NAME_MAX));
}

const char *const rules_account_type_default = "standard";

const char *rules_account_type(const char *s)
{
	static const struct one_of types = {
		{ "standard", "enterprise", NULL }, "must be 'standard' or 'enterprise'",
	};
	return one_of(&types, s);
}

/* 1 if @s holds a space, a control character or DEL (none of which an
 * address or a credential header may carry). */
static int has_space_or_control(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s <= ' ' || *s == 0x7f)
			return 1;
	return 0;
}

static const char *email_rule(const char *s, size_t max, const char *too_long)
{
	const char *at = strchr(s, '@');

	if (!at || at == s || !at[1] || strchr(at + 1, '@') || has_space_or_control(s) ||
	    !utf8_valid(s, strlen(s)))
		return "must be an email address";
	return utf8_chars(s) > max ? too_long : NULL;
}

const char *rules_user_email(const char *s)
{
	return email_rule(s, EMAIL_MAX, AT_MOST(EMAIL_MAX));
}

const char *rules_org_member_email(const char *s)
{
	return email_rule(s, EMAIL_MAX, AT_MOST(EMAIL_MAX));
}

const char *rules_account_member_email(const char *s)
{
	return email_rule(s, ACCOUNT_MEMBER_EMAIL_MAX, AT_MOST(ACCOUNT_MEMBER_EMAIL_MAX));
}

const char *rules_abuse_contact_email(const char *s)
{
	if (!*s || !email_rule(s, (size_t)-1, NULL))
		return NULL;
	return "must be an email address or \"\"";
}

char *rules_email_key(const char *email)
{
	return utf8_lower(email, strlen(email), NULL);
}

int rules_email_same(const char *a, const char *b)
{
	char *ka = rules_email_key(a), *kb = rules_email_key(b);
	int same = strcmp(ka, kb) == 0;

	free(ka);
	free(kb);
	return same;
}

/* CF-API: an organization member is created "active" or "canceled",
 * "active" unless told; the list's status filter takes all four. */
const char *const rules_org_member_status_default = "active";

const char *rules_org_member_status(const char *s)
{
	static const struct one_of statuses = {
		{ "active", "canceled", NULL }, "must be 'active' or 'canceled'",
	};
	return one_of(&statuses, s);
}

const char *rules_org_member_status_filter(const char *s)
{
	static const struct one_of statuses = {
		{ "active", "pending", "rejected", "canceled", NULL },
		"must be 'active', 'pending', 'rejected' or 'canceled'",
	};
	return one_of(&statuses, s);
}

/* CF-API: an account member "If not provided during creation, defaults to
 * 'pending'." */
const char *const rules_account_member_status_default = "pending";

const char *rules_account_member_status(const char *s)
{
	static const struct one_of statuses = {
		{ "accepted", "pending", NULL }, "must be 'accepted' or 'pending'",
	};
	return one_of(&statuses, s);
}

const char *rules_account_member_status_filter(const char *s)
{
	static const struct one_of statuses = {
		{ "accepted", "pending", "rejected", NULL },
		"must be 'accepted', 'pending' or 'rejected'",
	};
	return one_of(&statuses, s);
}

const char *rules_account_member_order(const char *s)
{
	static const struct one_of orders = {
		{ "user.first_name", "user.last_name", "user.email", "status", NULL },
		"must be 'user.first_name', 'user.last_name', 'user.email' or 'status'",
	};
	return one_of(&orders, s);
}

const char *rules_membership_order(const char *s)
{
	static const struct one_of orders = {
		{ "id", "account.name", "status", NULL }, "must be 'id', 'account.name' or 'status'",
	};
	return one_of(&orders, s);
}

const char *rules_legacy_org_order(const char *s)
{
	static const struct one_of orders = {
		{ "id", "name", "status", NULL }, "must be 'id', 'name' or 'status'",
	};
	return one_of(&orders, s);
}

const char *rules_legacy_org_status(const char *s)
{
	static const struct one_of statuses = {
		{ "member", "invited", NULL }, "must be 'member' or 'invited'",
	};
	return one_of(&statuses, s);
}

const char *rules_match(const char *s)
{
	static const struct one_of matches = {
		{ "any", "all", NULL }, "must be 'any' or 'all'",
	};
	return one_of(&matches, s);
}

const char *rules_membership_answer(const char *s)
{
	static const struct one_of answers = {
		{ "accepted", "rejected", NULL }, "must be 'accepted' or 'rejected'",
	};
	return one_of(&answers, s);
}

const char *rules_organizations_accounts_order_by(const char *s)
{
	static const struct one_of orders = {
		{ "account_name", NULL }, "the only supported value is 'account_name'",
	};
	return one_of(&orders, s);
}

static const struct one_of directions = {
	{ "asc", "desc", NULL }, "must be 'asc' or 'desc'",
};

const char *rules_direction(const char *s)
{
	return one_of(&directions, s);
}

int rules_direction_desc(const char *direction)
{
	return direction && strcmp(direction, directions.values[1]) == 0;
}

/* CF-API: the maxLength of each PATCH /user field. */
#define LENGTH_RULE(key, max) { key, max, AT_MOST(max) }
static const struct {
	const char *key;
	size_t max;
	const char *too_long;
} user_fields[] = {
	LENGTH_RULE("first_name", 60), LENGTH_RULE("last_name", 60), LENGTH_RULE("telephone", 20),
	LENGTH_RULE("country", 30), LENGTH_RULE("zipcode", 20),
};

const char *rules_user_field(const char *key, const char *value)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(user_fields); i++)
		if (strcmp(key, user_fields[i].key) == 0)
			return utf8_chars(value) > user_fields[i].max ? user_fields[i].too_long : NULL;
	BUG("no rule for the user field '%s'", key);
}

/* CF-API: the spec gives the profile's five strings no maxLength; an
 * organization's profile is part of every organization a page lists, so
 * cfmock bounds them, well past any real business's: a name as long as an
 * organization's, an email as long as RFC 5321 allows, and room for an
 * address and a small JSON document of metadata. */
static const struct {
	const char *key;
	size_t max;
	const char *too_long;
} profile_fields[] = {
	LENGTH_RULE("business_address", 500), LENGTH_RULE("business_email", 254),
	LENGTH_RULE("business_name", 100), LENGTH_RULE("business_phone", 50),
	LENGTH_RULE("external_metadata", 2000),
};

const char *rules_profile_field(const char *key, const char *value)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(profile_fields); i++)
		if (strcmp(key, profile_fields[i].key) == 0)
			return utf8_chars(value) > profile_fields[i].max ? profile_fields[i].too_long : NULL;
	BUG("no rule for the profile field '%s'", key);
}

/* CF-API: an API token is 40 characters of letters, digits, '-' and '_';
 * cfmock takes any RFC 6750 b64token up to 1024 characters, so tests may use
 * readable tokens such as "team-a-token". */
const char *rules_api_token(const char *s)
{
	size_t n = strlen(s), i = 0;

	if (n == 0 || n > SECRET_MAX)
		return "must be 1 to " STR(SECRET_MAX) " characters";
	for (; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      strchr("-._~+/", c)))
			break;
	}
	while (i < n && s[i] == '=') /* trailing padding only */
		i++;
	if (i != n)
		return "must hold only letters, digits and '-._~+/', then any '=' padding";
	return NULL;
}

/* CF-API: a Global API Key is 37 lowercase hex characters; the docs'
 * examples use 32 (144c9defac04969c7bfad8efaa8ea194). Both are accepted. */
const char *rules_api_key(const char *s)
{
	size_t n = strlen(s);

	if ((n == 32 || n == 37) && is_lower_hex(s, n))
		return NULL;
	return "must be 32 or 37 lowercase hex characters";
}

const char *rules_service_key(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > SECRET_MAX)
		return "must be 1 to " STR(SECRET_MAX) " characters";
	if (has_space_or_control(s))
		return "must not hold white space or control characters";
	if (!utf8_valid(s, n))
		return "must be UTF-8";
	return NULL;
}

const char *const rules_token_status_default = "active";

const char *rules_token_status(const char *s)
{
	static const struct one_of statuses = {
		{ "active", "disabled", "expired", NULL },
		"must be 'active', 'disabled' or 'expired'",
	};
	return one_of(&statuses, s);
}

const char *rules_id(const char *s)
{
	return is_hex_id(s) ? NULL : "must be 32 lowercase hex characters";
}

const char *rules_policy_access(const char *s)
{
	static const struct one_of access = {
		{ "allow", "deny", NULL }, "must be 'allow' or 'deny'",
	};
	return one_of(&access, s);
}

/* CF-API: the docs give the header no shape. The IETF httpapi draft's
 * Idempotency-Key is a String (printable ASCII), and Stripe's, which the
 * Stainless SDKs copy, at most 255 characters; a UUID is 36. */
const char *rules_idempotency_key(const char *s)
{
	size_t n = strlen(s), i;

	if (n == 0 || n > IDEMPOTENCY_KEY_MAX)
		return "must be 1 to " STR(IDEMPOTENCY_KEY_MAX) " characters";
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7e)
			return "must hold only printable ASCII characters";
	return NULL;
}

const char *rules_query_value(const char *s)
{
	return strlen(s) > QUERY_VALUE_MAX ? "longer than " STR(QUERY_VALUE_MAX) " bytes" : NULL;
}

/* cfmock's bounds on what one member holds (the spec gives none) */
const char *rules_roles_count(int n)
{
	return n > RULES_ROLES_MAX ? "at most " STR(RULES_ROLES_MAX) " roles" : NULL;
}

const char *rules_policies_count(int n)
{
	return n > RULES_POLICIES_MAX ? "at most " STR(RULES_POLICIES_MAX) " policies" : NULL;
}

/* CF-API: members:batchCreate takes 1 to 10 (minItems, maxItems) */
const char *rules_members_batch_count(int n)
{
	if (n < 1 || n > RULES_MEMBERS_BATCH_MAX)
		return "must list 1 to " STR(RULES_MEMBERS_BATCH_MAX) " members";
	return NULL;
}

/* cfmock's bound on a batch move (the spec gives none) */
const char *rules_move_batch_count(int n)
{
	if (n < 1 || n > RULES_MOVE_BATCH_MAX)
		return "must list 1 to " STR(RULES_MOVE_BATCH_MAX) " account ids";
	return NULL;
}

const char *rules_id_filters_count(int n)
{
	if (n > RULES_ID_FILTERS_MAX)
		return "at most " STR(RULES_ID_FILTERS_MAX) " ids may be given";
	return NULL;
}

/* The timestamp rule. CF-API: every timestamp is "format: date-time"
 * (RFC 3339) and every example is UTC with a "Z": whole seconds
 * ("2019-04-30T01:12:20Z"), milliseconds ("2019-12-27T18:11:19.117Z", the
 * Organizations API's and cfmock's own form), or four digits with the
 * last a zero ("2014-03-01T12:21:02.0000Z", iam_account.created_on).
 * cfmock keeps milliseconds, so it takes a fraction of 3 digits, or more
 * when those past the third are 0 (up to 9, nanoseconds), and refuses one
 * it would have to round (".1234") or that no fixed-width writer makes
 * (".5"). It takes no offset other than Z (the API writes none), no lower
 * case 't' or 'z', no leap second (POSIX time, which cfmock counts in,
 * has none), and nothing before 1970, where its millisecond count would
 * go negative. */
#define TIME_SHAPE "must be RFC 3339 UTC, like 2026-01-02T03:04:05.000Z"
#define FRACTION_MAX 9

/* The @n decimal digits at @s into *out; 0 if one is not a digit (a NUL
 * stops the scan before anything past it is read). */
static int digits(const char *s, int n, int *out)
{
	int i;

	*out = 0;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		*out = *out * 10 + (s[i] - '0');
	}
	return 1;
}

static int days_in_month(int y, int m)
{
	static const int days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 && leap ? 29 : days[m - 1];
}

/* Days from 1970-01-01 to @y-@m-@d of the proleptic Gregorian calendar
 * (Howard Hinnant's days_from_civil, for y >= 1). */
static int64_t days_from_civil(int y, int m, int d)
{
	int era, yoe, doy, doe;

	y -= m <= 2;
	era = y / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (int64_t)era * 146097 + doe - 719468;
}

/* The one timestamp reader. With @any_fraction (--clock, which is no API
 * value) the fraction may have any number of digits, cut to
 * milliseconds. */
static const char *timestamp(const char *s, int any_fraction, int64_t *out_ms)
{
	int y, mo, d, h, mi, sec, ms = 0, n = 0;

	*out_ms = 0;
	if (!digits(s, 4, &y) || s[4] != '-' || !digits(s + 5, 2, &mo) || s[7] != '-' ||
	    !digits(s + 8, 2, &d) || s[10] != 'T' || !digits(s + 11, 2, &h) || s[13] != ':' ||
	    !digits(s + 14, 2, &mi) || s[16] != ':' || !digits(s + 17, 2, &sec))
		return TIME_SHAPE;
	s += 19;
	if (*s == '.') {
		int scale = 100, past_ms = 0;

		for (s++; s[n] >= '0' && s[n] <= '9'; n++) {
			if (n < 3) {
				ms += (s[n] - '0') * scale;
				scale /= 10;
			} else if (s[n] != '0') {
				past_ms = 1;
			}
		}
		if (n == 0)
			return TIME_SHAPE;
		if (!any_fraction && (n < 3 || n > FRACTION_MAX || past_ms))
			return "fractional seconds must be milliseconds: 3 digits (more only as "
			       "trailing zeros), or none";
		s += n;
	}
	if (*s == '+' || *s == '-')
		return "must be UTC, ending in 'Z', not an offset";
	if (strcmp(s, "Z") != 0)
		return TIME_SHAPE;
	if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo))
		return "must be a real calendar date";
	if (h > 23 || mi > 59 || sec > 59)
		return "must be a time of day from 00:00:00 to 23:59:59";
	if (y < 1970)
		return "must not be before 1970-01-01T00:00:00Z";
	*out_ms = (((days_from_civil(y, mo, d) * 24 + h) * 60 + mi) * 60 + sec) * 1000 + ms;
	return NULL;
}

const char *rules_timestamp(const char *s, int64_t *out_ms)
{
	return timestamp(s, 0, out_ms);
}

const char *rules_audit_time(const char *s, int64_t *out_ms)
{
	char day[32];

	if (strlen(s) == 10) {
		snprintf(day, sizeof(day), "%sT00:00:00Z", s);
		return timestamp(day, 0, out_ms) ? "must be a date (2026-04-30) or an RFC 3339 date-time"
						 : NULL;
	}
	return timestamp(s, 1, out_ms);
}

const char *rules_clock_start(const char *s, int64_t *out_ms)
{
	return timestamp(s, 1, out_ms);
}
