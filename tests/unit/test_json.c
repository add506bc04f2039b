/* test_json.c: src/json.c's strict reader, the one that request bodies and
 * fixtures go through: what it refuses, and how it says where. */
#include "json.h"
#include "testhelp.h"

/* json_parse_strict on @text; 1 if it parsed. */
static int parse(const char *text, struct json_error *err)
{
	cJSON *root = json_parse_strict(text, strlen(text), err);

	cJSON_Delete(root);
	return root != NULL;
}

TEST("json: strict JSON parses, and nothing is left to release")
{
	struct json_error e;

	CHECK(parse("{\"a\": [1, -0.5e+3, true, false, null, \"\\u00e9\\/\"]}\r\n", &e));
	CHECK(e.rule == NULL && e.pointer == NULL && e.key == NULL);
	CHECK(parse("\"\xc3\xa9\"", &e));
	CHECK(parse("{\"a\":{\"b\":1},\"c\":{\"b\":2}}", &e)); /* same key, other objects */
}

TEST("json: a syntax error says the rule and the place, with no pointer")
{
	struct json_error e;

	CHECK(!parse("{\"a\":1}\n x", &e));
	CHECK_EQ_STR(e.rule, "trailing data after the JSON value");
	CHECK_EQ_INT(e.offset, 9);
	CHECK_EQ_INT(e.line, 2);
	CHECK_EQ_INT(e.column, 2);
	CHECK(e.pointer == NULL);
	json_error_release(&e);

	CHECK(!parse("{\"a\":1}{}", &e));
	CHECK_EQ_STR(e.rule, "trailing data after the JSON value");
	CHECK(!parse("{\"a\":01}", &e));
	CHECK_EQ_STR(e.rule, "not valid JSON: expected ',' or '}'");
	CHECK(!parse("[1,]", &e));
	CHECK_EQ_STR(e.rule, "not valid JSON: expected a value");
	CHECK(!parse("{\"a\":1", &e));
	CHECK_EQ_STR(e.rule, "not valid JSON: expected ',' or '}'");
	CHECK_EQ_INT(e.offset, 6);
	CHECK(!parse("{\"a\":\"x\ty\"}", &e));
	CHECK_EQ_STR(e.rule, "not valid JSON: a control character in a string");
	CHECK(!parse("{\"a\":\"\\x\"}", &e));
	CHECK_EQ_STR(e.rule, "not valid JSON: bad escape in a string");
	CHECK(!parse("{\"a\":\"\xff\"}", &e));
	CHECK_EQ_STR(e.rule, "not valid UTF-8");
	CHECK_EQ_INT(e.offset, 5);
	CHECK(!parse("\"\\ud800\"", &e)); /* half a surrogate pair: cJSON's refusal */
	CHECK_EQ_STR(e.rule, "not valid JSON");
	CHECK(!parse("", &e));
	CHECK_EQ_STR(e.rule, "not valid JSON: unexpected end");
}

TEST("json: nesting past 512 is refused before cJSON recurses")
{
	struct json_error e;
	char deep[2 * 513 + 1];

	memset(deep, '[', 512);
	memset(deep + 512, ']', 512);
	deep[1024] = '\0';
	CHECK(parse(deep, &e));
	memset(deep, '[', 513);
	memset(deep + 513, ']', 513);
	deep[1026] = '\0';
	CHECK(!parse(deep, &e));
	CHECK_EQ_STR(e.rule, "nested deeper than 512");
	CHECK_EQ_INT(e.offset, 512);
}

TEST("json: \\u0000 is refused, named by the pointer of its string")
{
	struct json_error e;

	CHECK(!parse("{\"organizations\":[{\"name\":\"a\\u0000b\"}]}", &e));
	CHECK_EQ_STR(e.rule, "holds \\u0000, a NUL character");
	CHECK_EQ_STR(e.pointer, "/organizations/0/name");
	CHECK_EQ_INT(e.offset, 28); /* the backslash */
	json_error_release(&e);
	/* keys are decoded and escaped as RFC 6901 says */
	CHECK(!parse("{\"a\\/b~\\u00e9\":[\"\\u0000\"]}", &e));
	CHECK_EQ_STR(e.pointer, "/a~1b~0\xc3\xa9/0");
	json_error_release(&e);
	/* in a key: the object that holds it */
	CHECK(!parse("{\"users\":[{\"em\\u0000ail\":1}]}", &e));
	CHECK_EQ_STR(e.rule, "a key holds \\u0000, a NUL character");
	CHECK_EQ_STR(e.pointer, "/users/0");
	json_error_release(&e);
	CHECK(!parse("\"\\u0000\"", &e));
	CHECK_EQ_STR(e.pointer, "");
	json_error_release(&e);
	/* a raw NUL byte is a control character */
	CHECK(!json_parse_strict("\"a\0\"", 4, &e));
	CHECK_EQ_STR(e.rule, "not valid JSON: a control character in a string");
}

TEST("json: a duplicate key names the object that holds it, and the key")
{
	struct json_error e;

	CHECK(!parse("{\"organizations\":[{\"name\":\"a\",\"owner\":\"o\",\"name\":\"b\"}]}", &e));
	CHECK_EQ_STR(e.rule, "duplicate key");
	CHECK_EQ_STR(e.key, "name");
	CHECK_EQ_STR(e.pointer, "/organizations/0");
	json_error_release(&e);
	CHECK(e.key == NULL && e.pointer == NULL);
	/* the same key, however it is escaped */
	CHECK(!parse("{\"users\":[],\"\\u0075sers\":[]}", &e));
	CHECK_EQ_STR(e.key, "users");
	CHECK_EQ_STR(e.pointer, "");
	json_error_release(&e);
	/* an outer duplicate is found before an inner one */
	CHECK(!parse("{\"a\":{\"x\":1,\"x\":2},\"a\":1}", &e));
	CHECK_EQ_STR(e.key, "a");
	json_error_release(&e);
}

/* json_canonical of @text (which must parse); caller frees. */
static char *canon(const char *text)
{
	struct json_error e;
	cJSON *root = json_parse_strict(text, strlen(text), &e);
	char *out;

	if (!root)
		return xstrdup("(did not parse)");
	out = json_canonical(root);
	cJSON_Delete(root);
	return out;
}

TEST("json: the canonical text sorts keys at every depth and keeps arrays in order")
{
	static const struct {
		const char *in, *want;
	} cases[] = {
		{ "{\"name\": \"A\", \"type\": \"standard\"}", "{\"name\":\"A\",\"type\":\"standard\"}" },
		{ " {\"type\":\"standard\" ,\n\"name\":\"\\u0041\"} ", "{\"name\":\"A\",\"type\":\"standard\"}" },
		{ "{\"u\":{\"z\":1.0,\"a\":[3,1,{\"y\":null,\"b\":true}]},\"a\":{}}",
		  "{\"a\":{},\"u\":{\"a\":[3,1,{\"b\":true,\"y\":null}],\"z\":1}}" },
		{ "{\"\\u00e9\":1,\"e\":2,\"\\\"\":3}", "{\"\\\"\":3,\"e\":2,\"\xc3\xa9\":1}" },
		{ "[]", "[]" },
		{ "\"x\\ny\"", "\"x\\ny\"" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *got = canon(cases[i].in);
		CHECK_EQ_STR(got, cases[i].want);
		free(got);
	}
}

int main(void)
{
	return test_main();
}
