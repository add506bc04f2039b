/* test_rules.c: src/rules.c, each rule at and just past its bounds, and the
 * reason it gives in the API's wording. */
#include "rules.h"
#include "testhelp.h"
#include "util.h"

/* @n copies of @c (ASCII, or one UTF-8 character), then @tail. Caller frees. */
static char *repeat(const char *c, size_t n, const char *tail)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	for (i = 0; i < n; i++)
		strbuf_adds(&sb, c);
	strbuf_adds(&sb, tail);
	return strbuf_detach(&sb, NULL);
}

/* @rule passes @len characters of @c and refuses @len + 1 with @why. */
static void check_length(rules_fn *rule, const char *c, size_t len, const char *tail,
			 const char *why)
{
	size_t tail_len = utf8_chars(tail);
	char *at = repeat(c, len - tail_len, tail), *past = repeat(c, len + 1 - tail_len, tail);

	CHECK(rule(at) == NULL);
	CHECK_EQ_STR(rule(past), why);
	free(at);
	free(past);
}

TEST("rules: an organization name is 1 to 100 characters")
{
	CHECK_EQ_STR(rules_organization_name(""), "must not be empty");
	CHECK(rules_organization_name("A") == NULL);
	check_length(rules_organization_name, "x", 100, "", "must be at most 100 characters");
	/* characters, not bytes */
	check_length(rules_organization_name, "\xc3\xa9", 100, "",
		     "must be at most 100 characters");
}

TEST("rules: a hierarchy is at most 32 organizations deep")
{
	CHECK_EQ_INT(RULES_ORG_DEPTH_MAX, 32);
	CHECK(rules_org_depth(1) == NULL);
	CHECK(rules_org_depth(32) == NULL);
	CHECK_EQ_STR(rules_org_depth(33), "a hierarchy is at most 32 organizations deep");
	CHECK_EQ_STR(rules_org_depth(3000), "a hierarchy is at most 32 organizations deep");
}

TEST("rules: a name or email filter is at most 256 characters")
{
	CHECK(rules_filter("") == NULL);
	check_length(rules_filter, "x", 256, "", "must be at most 256 characters");
	/* characters, not bytes: 256 four-byte characters pass */
	check_length(rules_filter, "\xf0\x9f\x98\x80", 256, "",
		     "must be at most 256 characters");
	check_length(rules_filter, "%", 256, "_", "must be at most 256 characters");
}

TEST("rules: each profile field has its own bound")
{
	static const struct {
		const char *key;
		size_t max;
		const char *why;
	} fields[] = {
		{ "business_address", 500, "must be at most 500 characters" },
		{ "business_email", 254, "must be at most 254 characters" },
		{ "business_name", 100, "must be at most 100 characters" },
		{ "business_phone", 50, "must be at most 50 characters" },
		{ "external_metadata", 2000, "must be at most 2000 characters" },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(fields); i++) {
		char *at = repeat("\xe2\x98\x8e", fields[i].max, "");
		char *past = repeat("x", fields[i].max + 1, "");

		CHECK(rules_profile_field(fields[i].key, "") == NULL);
		CHECK(rules_profile_field(fields[i].key, at) == NULL);
		CHECK_EQ_STR(rules_profile_field(fields[i].key, past), fields[i].why);
		free(at);
		free(past);
	}
}

TEST("rules: an account name is 1 to 100 characters, its type standard or enterprise")
{
	CHECK_EQ_STR(rules_account_name(""), "must not be empty");
	check_length(rules_account_name, "x", 100, "", "must be at most 100 characters");
	check_length(rules_account_name, "\xf0\x9f\x98\x80", 100, "",
		     "must be at most 100 characters");
	CHECK(rules_account_type("standard") == NULL);
	CHECK(rules_account_type("enterprise") == NULL);
	CHECK(rules_account_type(rules_account_type_default) == NULL);
	CHECK_EQ_STR(rules_account_type_default, "standard");
	CHECK_EQ_STR(rules_account_type("Standard"), "must be 'standard' or 'enterprise'");
	CHECK_EQ_STR(rules_account_type(""), "must be 'standard' or 'enterprise'");
}

TEST("rules: an email is one '@' between two parts, with no space or control character")
{
	static const char *const good[] = {
		"a@b", "x@example.com", "o'brien@example.com", "\"quoted\"@example.com",
		"caf\xc3\xa9@example.com", "a.b+c@d",
	};
	static const char *const bad[] = {
		"", "@", "a@", "@b", "no-at-sign", "a@b@c", "x y@", "x y@b.c", "a@b c", "a\t@b",
		"a@b\n", "a\r@b", "a\x01@b", "a@\x7f", "a\x0b@b",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(good); i++) {
		CHECK(rules_user_email(good[i]) == NULL);
		CHECK(rules_org_member_email(good[i]) == NULL);
		CHECK(rules_account_member_email(good[i]) == NULL);
		CHECK(rules_abuse_contact_email(good[i]) == NULL);
	}
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		CHECK_EQ_STR(rules_user_email(bad[i]), "must be an email address");
		CHECK_EQ_STR(rules_org_member_email(bad[i]), "must be an email address");
		CHECK_EQ_STR(rules_account_member_email(bad[i]), "must be an email address");
		if (*bad[i])
			CHECK_EQ_STR(rules_abuse_contact_email(bad[i]),
				     "must be an email address or \"\"");
	}
}

TEST("rules: an email is at most 254 characters, 90 for an account member")
{
	check_length(rules_user_email, "x", 254, "@example.com", "must be at most 254 characters");
	check_length(rules_org_member_email, "x", 254, "@example.com",
		     "must be at most 254 characters");
	check_length(rules_org_member_email, "\xc3\xa9", 254, "@example.com",
		     "must be at most 254 characters");
	check_length(rules_account_member_email, "x", 90, "@example.com",
		     "must be at most 90 characters");
	check_length(rules_account_member_email, "\xc3\xa9", 90, "@example.com",
		     "must be at most 90 characters");
}

TEST("rules: an abuse contact email is an email of any length, or \"\"")
{
	char *long_one = repeat("x", 1000, "@example.com");

	CHECK(rules_abuse_contact_email("") == NULL);
	CHECK(rules_abuse_contact_email(long_one) == NULL);
	CHECK_EQ_STR(rules_abuse_contact_email("nope"), "must be an email address or \"\"");
	free(long_one);
}

TEST("rules: emails are the same but for case, folded as Unicode")
{
	CHECK(rules_email_same("bob@example.com", "BOB@Example.COM"));
	CHECK(rules_email_same("", ""));
	CHECK(!rules_email_same("bob@example.com", "bob@example.co"));
	CHECK(!rules_email_same("bob@example.co", "bob@example.com"));
	CHECK(!rules_email_same("bob@example.com", "bab@example.com"));
	/* Unicode simple case folding, as the store's email_key and the
	 * user.email filter: "\xc3\x84LICE" and "\xc3\xa4lice" are one */
	CHECK(rules_email_same("caf\xc3\xa9@x", "CAF\xc3\x89@x"));
	CHECK(rules_email_same("\xc3\x84LICE@x", "\xc3\xa4lice@X"));
	CHECK(!rules_email_same("a[@x", "a{@x"));
	{
		char *k = rules_email_key("\xc3\x84Lice@Example.COM");
		CHECK_EQ_STR(k, "\xc3\xa4lice@example.com");
		free(k);
	}
}

TEST("rules: organization member statuses, as created and as listed")
{
	CHECK_EQ_STR(rules_org_member_status_default, "active");
	CHECK(rules_org_member_status("active") == NULL);
	CHECK(rules_org_member_status("canceled") == NULL);
	CHECK_EQ_STR(rules_org_member_status("pending"), "must be 'active' or 'canceled'");
	CHECK_EQ_STR(rules_org_member_status("rejected"), "must be 'active' or 'canceled'");
	CHECK_EQ_STR(rules_org_member_status("Active"), "must be 'active' or 'canceled'");
	CHECK_EQ_STR(rules_org_member_status("accepted"), "must be 'active' or 'canceled'");
	CHECK(rules_org_member_status_filter("active") == NULL);
	CHECK(rules_org_member_status_filter("pending") == NULL);
	CHECK(rules_org_member_status_filter("rejected") == NULL);
	CHECK(rules_org_member_status_filter("canceled") == NULL);
	CHECK_EQ_STR(rules_org_member_status_filter("accepted"),
		     "must be 'active', 'pending', 'rejected' or 'canceled'");
}

TEST("rules: account member statuses, as created and as listed")
{
	CHECK_EQ_STR(rules_account_member_status_default, "pending");
	CHECK(rules_account_member_status("accepted") == NULL);
	CHECK(rules_account_member_status("pending") == NULL);
	CHECK_EQ_STR(rules_account_member_status("rejected"), "must be 'accepted' or 'pending'");
	CHECK_EQ_STR(rules_account_member_status("active"), "must be 'accepted' or 'pending'");
	CHECK(rules_account_member_status_filter("rejected") == NULL);
	CHECK(rules_account_member_status_filter("accepted") == NULL);
	CHECK(rules_account_member_status_filter("pending") == NULL);
	CHECK_EQ_STR(rules_account_member_status_filter("canceled"),
		     "must be 'accepted', 'pending' or 'rejected'");
}

TEST("rules: orders and directions of the lists")
{
	CHECK(rules_account_member_order("user.first_name") == NULL);
	CHECK(rules_account_member_order("user.last_name") == NULL);
	CHECK(rules_account_member_order("user.email") == NULL);
	CHECK(rules_account_member_order("status") == NULL);
	CHECK_EQ_STR(rules_account_member_order("email"),
		     "must be 'user.first_name', 'user.last_name', 'user.email' or 'status'");
	CHECK(rules_organizations_accounts_order_by("account_name") == NULL);
	CHECK_EQ_STR(rules_organizations_accounts_order_by("name"),
		     "the only supported value is 'account_name'");
	CHECK(rules_direction("asc") == NULL);
	CHECK(rules_direction("desc") == NULL);
	CHECK_EQ_STR(rules_direction("DESC"), "must be 'asc' or 'desc'");
	CHECK(rules_direction_desc("desc"));
	CHECK(!rules_direction_desc("asc"));
	CHECK(!rules_direction_desc(NULL));
}

TEST("rules: the user fields of PATCH /user and their lengths")
{
	static const struct {
		const char *key;
		size_t max;
		const char *why;
	} fields[] = {
		{ "first_name", 60, "must be at most 60 characters" },
		{ "last_name", 60, "must be at most 60 characters" },
		{ "telephone", 20, "must be at most 20 characters" },
		{ "country", 30, "must be at most 30 characters" },
		{ "zipcode", 20, "must be at most 20 characters" },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(fields); i++) {
		char *at = repeat("\xc3\xa9", fields[i].max, "");
		char *past = repeat("x", fields[i].max + 1, "");

		CHECK(rules_user_field(fields[i].key, "") == NULL);
		CHECK(rules_user_field(fields[i].key, at) == NULL);
		CHECK_EQ_STR(rules_user_field(fields[i].key, past), fields[i].why);
		free(at);
		free(past);
	}
}

TEST("rules: an API token is 1 to 1024 characters of an RFC 6750 b64token")
{
	char *at = repeat("a", 1024, ""), *past = repeat("a", 1025, "");

	CHECK(rules_api_token("team-a-token") == NULL);
	CHECK(rules_api_token("A-Za-z0-9._~+/") == NULL);
	CHECK(rules_api_token("abc==") == NULL);
	CHECK(rules_api_token(at) == NULL);
	CHECK_EQ_STR(rules_api_token(""), "must be 1 to 1024 characters");
	CHECK_EQ_STR(rules_api_token(past), "must be 1 to 1024 characters");
	CHECK_EQ_STR(rules_api_token("has space"),
		     "must hold only letters, digits and '-._~+/', then any '=' padding");
	CHECK_EQ_STR(rules_api_token("a=b"),
		     "must hold only letters, digits and '-._~+/', then any '=' padding");
	CHECK_EQ_STR(rules_api_token("caf\xc3\xa9"),
		     "must hold only letters, digits and '-._~+/', then any '=' padding");
	free(at);
	free(past);
}

TEST("rules: an API key is 32 or 37 lowercase hex characters")
{
	char *k31 = repeat("a", 31, ""), *k32 = repeat("a", 32, ""), *k33 = repeat("a", 33, "");
	char *k37 = repeat("0", 37, ""), *k38 = repeat("0", 38, "");
	const char *why = "must be 32 or 37 lowercase hex characters";

	CHECK(rules_api_key(k32) == NULL);
	CHECK(rules_api_key(k37) == NULL);
	CHECK(rules_api_key("144c9defac04969c7bfad8efaa8ea194") == NULL);
	CHECK_EQ_STR(rules_api_key(k31), why);
	CHECK_EQ_STR(rules_api_key(k33), why);
	CHECK_EQ_STR(rules_api_key(k38), why);
	CHECK_EQ_STR(rules_api_key("144C9DEFAC04969C7BFAD8EFAA8EA194"), why);
	CHECK_EQ_STR(rules_api_key(""), why);
	free(k31);
	free(k32);
	free(k33);
	free(k37);
	free(k38);
}

TEST("rules: a service key is 1 to 1024 characters with no space or control character")
{
	char *at = repeat("k", 1024, ""), *past = repeat("k", 1025, "");

	CHECK(rules_service_key("v1.0-0123456789abcdef-service-key") == NULL);
	CHECK(rules_service_key(at) == NULL);
	CHECK_EQ_STR(rules_service_key(""), "must be 1 to 1024 characters");
	CHECK_EQ_STR(rules_service_key(past), "must be 1 to 1024 characters");
	CHECK_EQ_STR(rules_service_key("a b"), "must not hold white space or control characters");
	CHECK_EQ_STR(rules_service_key("a\x7f"), "must not hold white space or control characters");
	free(at);
	free(past);
}

TEST("rules: an Idempotency-Key is 1 to 255 printable ASCII characters")
{
	char *at = repeat("k", 255, ""), *past = repeat("k", 256, "");
	const char *len = "must be 1 to 255 characters", *ascii = "must hold only printable ASCII characters";

	CHECK(rules_idempotency_key("8e03978e-40d5-43e8-bc93-6894a57f9324") == NULL);
	CHECK(rules_idempotency_key("a key, \"quoted\" ~!") == NULL);
	CHECK(rules_idempotency_key(at) == NULL);
	CHECK_EQ_STR(rules_idempotency_key(""), len);
	CHECK_EQ_STR(rules_idempotency_key(past), len);
	CHECK_EQ_STR(rules_idempotency_key("caf\xc3\xa9"), ascii);
	CHECK_EQ_STR(rules_idempotency_key("a\tb"), ascii);
	CHECK_EQ_STR(rules_idempotency_key("a\x7f"), ascii);
	free(at);
	free(past);
}

TEST("rules: token statuses, ids and policy access")
{
	CHECK_EQ_STR(rules_token_status_default, "active");
	CHECK(rules_token_status("active") == NULL);
	CHECK(rules_token_status("disabled") == NULL);
	CHECK(rules_token_status("expired") == NULL);
	CHECK_EQ_STR(rules_token_status("revoked"), "must be 'active', 'disabled' or 'expired'");
	CHECK(rules_id("023e105f4ecef8ad9ca31a8372d0c353") == NULL);
	CHECK_EQ_STR(rules_id("023e105f4ecef8ad9ca31a8372d0c35"),
		     "must be 32 lowercase hex characters");
	CHECK_EQ_STR(rules_id("023e105f4ecef8ad9ca31a8372d0c3533"),
		     "must be 32 lowercase hex characters");
	CHECK_EQ_STR(rules_id("023E105F4ECEF8AD9CA31A8372D0C353"),
		     "must be 32 lowercase hex characters");
	CHECK(rules_policy_access("allow") == NULL);
	CHECK(rules_policy_access("deny") == NULL);
	CHECK_EQ_STR(rules_policy_access("Allow"), "must be 'allow' or 'deny'");
}

TEST("rules: a query value is at most 4096 bytes")
{
	char *at = repeat("q", 4096, ""), *past = repeat("q", 4097, "");
	char *wide = repeat("\xc3\xa9", 2049, ""); /* 2049 characters, 4098 bytes */

	CHECK(rules_query_value("") == NULL);
	CHECK(rules_query_value(at) == NULL);
	CHECK_EQ_STR(rules_query_value(past), "longer than 4096 bytes");
	CHECK_EQ_STR(rules_query_value(wide), "longer than 4096 bytes");
	free(at);
	free(past);
	free(wide);
}

TEST("rules: the counts, at and past their bounds")
{
	CHECK(rules_roles_count(0) == NULL);
	CHECK(rules_roles_count(RULES_ROLES_MAX) == NULL);
	CHECK_EQ_INT(RULES_ROLES_MAX, 32);
	CHECK_EQ_STR(rules_roles_count(33), "at most 32 roles");
	CHECK(rules_policies_count(0) == NULL);
	CHECK(rules_policies_count(64) == NULL);
	CHECK_EQ_INT(RULES_POLICIES_MAX, 64);
	CHECK_EQ_STR(rules_policies_count(65), "at most 64 policies");
	CHECK_EQ_STR(rules_members_batch_count(0), "must list 1 to 10 members");
	CHECK(rules_members_batch_count(1) == NULL);
	CHECK(rules_members_batch_count(10) == NULL);
	CHECK_EQ_INT(RULES_MEMBERS_BATCH_MAX, 10);
	CHECK_EQ_STR(rules_members_batch_count(11), "must list 1 to 10 members");
	CHECK_EQ_STR(rules_move_batch_count(0), "must list 1 to 100 account ids");
	CHECK(rules_move_batch_count(1) == NULL);
	CHECK(rules_move_batch_count(100) == NULL);
	CHECK_EQ_INT(RULES_MOVE_BATCH_MAX, 100);
	CHECK_EQ_STR(rules_move_batch_count(101), "must list 1 to 100 account ids");
	CHECK(rules_id_filters_count(100) == NULL);
	CHECK_EQ_INT(RULES_ID_FILTERS_MAX, 100);
	CHECK_EQ_STR(rules_id_filters_count(101), "at most 100 ids may be given");
}

TEST("rules: a timestamp is RFC 3339 UTC in the API's forms, a real date and time")
{
	static const char *const shape = "must be RFC 3339 UTC, like 2026-01-02T03:04:05.000Z";
	static const char *const date = "must be a real calendar date";
	static const char *const tod = "must be a time of day from 00:00:00 to 23:59:59";
	static const char *const frac = "fractional seconds must be milliseconds: 3 digits "
					"(more only as trailing zeros), or none";
	int64_t ms = -1;

	CHECK(rules_timestamp("2019-12-27T18:11:19.117Z", &ms) == NULL);
	CHECK_EQ_INT(ms, 1577470279117LL);
	CHECK(rules_timestamp("2026-01-01T00:00:00Z", &ms) == NULL);
	CHECK_EQ_INT(ms, 1767225600000LL);
	CHECK(rules_timestamp("2014-03-01T12:21:02.0000Z", &ms) == NULL);
	CHECK_EQ_INT(ms, 1393676462000LL);
	CHECK(rules_timestamp("2014-03-01T12:21:02.120000000Z", &ms) == NULL);
	CHECK_EQ_INT(ms, 1393676462120LL);
	CHECK(rules_timestamp("1970-01-01T00:00:00.000Z", &ms) == NULL);
	CHECK_EQ_INT(ms, 0);
	CHECK(rules_timestamp("9999-12-31T23:59:59.999Z", &ms) == NULL);
	CHECK_EQ_INT(ms, 253402300799999LL);
	/* leap years */
	CHECK(rules_timestamp("2024-02-29T00:00:00.000Z", &ms) == NULL);
	CHECK_EQ_INT(ms, 1709164800000LL);
	CHECK(rules_timestamp("2000-02-29T00:00:00.000Z", &ms) == NULL);
	CHECK_EQ_STR(rules_timestamp("2025-02-29T00:00:00.000Z", &ms), date);
	CHECK_EQ_STR(rules_timestamp("2100-02-29T00:00:00.000Z", &ms), date);
	CHECK_EQ_STR(rules_timestamp("2026-02-31T00:00:00.000Z", &ms), date);
	CHECK_EQ_STR(rules_timestamp("2026-06-31T00:00:00.000Z", &ms), date);
	CHECK_EQ_STR(rules_timestamp("2026-13-01T00:00:00.000Z", &ms), date);
	CHECK_EQ_STR(rules_timestamp("2026-00-01T00:00:00.000Z", &ms), date);
	CHECK(rules_timestamp("2026-12-31T00:00:00.000Z", &ms) == NULL);
	CHECK_EQ_STR(rules_timestamp("2026-01-01T24:00:00.000Z", &ms), tod);
	CHECK_EQ_STR(rules_timestamp("2026-01-01T23:60:00.000Z", &ms), tod);
	CHECK_EQ_STR(rules_timestamp("2026-01-01T23:59:60.000Z", &ms), tod);
	CHECK_EQ_STR(rules_timestamp("2026-01-01T00:00:00.5Z", &ms), frac);
	CHECK_EQ_STR(rules_timestamp("2026-01-01T00:00:00.12Z", &ms), frac);
	CHECK_EQ_STR(rules_timestamp("2026-01-01T00:00:00.1234Z", &ms), frac);
	CHECK_EQ_STR(rules_timestamp("2026-01-01T00:00:00.0000000000Z", &ms), frac);
	CHECK_EQ_STR(rules_timestamp("2026-01-01T00:00:00.000+01:00", &ms),
		     "must be UTC, ending in 'Z', not an offset");
	CHECK_EQ_STR(rules_timestamp("2026-01-01T00:00:00-00:00", &ms),
		     "must be UTC, ending in 'Z', not an offset");
	CHECK_EQ_STR(rules_timestamp("1969-12-31T23:59:59.999Z", &ms),
		     "must not be before 1970-01-01T00:00:00Z");
	CHECK_EQ_STR(rules_timestamp("", &ms), shape);
	CHECK_EQ_STR(rules_timestamp("2026", &ms), shape);
	CHECK_EQ_STR(rules_timestamp("2026-01-01T00:00:00.Z", &ms), shape);
	CHECK_EQ_STR(rules_timestamp("2026-01-01T00:00:00.000", &ms), shape);
	CHECK_EQ_STR(rules_timestamp("2026-01-01T00:00:00.000ZZ", &ms), shape);
	CHECK_EQ_STR(rules_timestamp("2026-01-01t00:00:00.000Z", &ms), shape);
	CHECK_EQ_STR(rules_timestamp("2026-01-01T00:00:00.000z", &ms), shape);
	CHECK_EQ_STR(rules_timestamp("2026-+1-01T00:00:00.000Z", &ms), shape);
	CHECK_EQ_STR(rules_timestamp(" 2026-01-01T00:00:00.000Z", &ms), shape);
	CHECK_EQ_STR(rules_timestamp("2026-01-01 00:00:00.000Z", &ms), shape);
}

TEST("rules: --clock takes a fraction of any length, and the same dates")
{
	int64_t ms = -1;

	CHECK(rules_clock_start("2030-05-06T07:08:09.5Z", &ms) == NULL);
	CHECK_EQ_INT(ms % 1000, 500);
	CHECK(rules_clock_start("2030-05-06T07:08:09.123456789Z", &ms) == NULL);
	CHECK_EQ_INT(ms % 1000, 123);
	CHECK(rules_clock_start("2030-05-06T07:08:09.Z", &ms) != NULL);
	CHECK_EQ_STR(rules_clock_start("2026-02-31T00:00:00Z", &ms), "must be a real calendar date");
}

int main(void)
{
	return test_main();
}
