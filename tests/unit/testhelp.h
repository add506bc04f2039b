/* testhelp.h: a tiny TAP test helper (in the spirit of Redis's testhelp.h).
 *
 *   TEST("router: unknown path is 400") { ...; CHECK(cond); CHECK_EQ_STR(a, b); }
 *   int main(void) { return test_main(); }
 *
 * Each TEST registers itself; test_main() prints "1..N" and one "ok" or
 * "not ok" line per test, with "# " diagnostics for each failed check. */
#ifndef CFMOCK_TESTHELP_H
#define CFMOCK_TESTHELP_H

#include <stdio.h>
#include <string.h>

struct test_case {
	const char *name;
	void (*fn)(void);
};

#define TEST_MAX 256
static struct test_case test_cases[TEST_MAX];
static int test_count;
static int test_failed_checks;

#define TEST_CONCAT2(a, b) a##b
#define TEST_CONCAT(a, b) TEST_CONCAT2(a, b)
#define TEST(name_)                                                                     \
	static void TEST_CONCAT(test_fn_, __LINE__)(void);                              \
	__attribute__((constructor)) static void TEST_CONCAT(test_reg_, __LINE__)(void) \
	{                                                                               \
		if (test_count < TEST_MAX) {                                            \
			test_cases[test_count].name = (name_);                          \
			test_cases[test_count].fn = TEST_CONCAT(test_fn_, __LINE__);    \
			test_count++;                                                   \
		}                                                                       \
	}                                                                               \
	static void TEST_CONCAT(test_fn_, __LINE__)(void)

#define CHECK(cond)                                                                     \
	do {                                                                            \
		if (!(cond)) {                                                          \
			printf("# %s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
			test_failed_checks++;                                           \
		}                                                                       \
	} while (0)

#define CHECK_EQ_INT(a, b)                                                              \
	do {                                                                            \
		long long a_ = (long long)(a), b_ = (long long)(b);                     \
		if (a_ != b_) {                                                         \
			printf("# %s:%d: %s == %lld, want %lld\n", __FILE__, __LINE__, #a, a_, b_); \
			test_failed_checks++;                                           \
		}                                                                       \
	} while (0)

#define CHECK_EQ_STR(a, b)                                                              \
	do {                                                                            \
		const char *a_ = (a), *b_ = (b);                                        \
		if (!a_ || !b_ || strcmp(a_, b_) != 0) {                                \
			printf("# %s:%d: %s == \"%s\", want \"%s\"\n", __FILE__, __LINE__, #a, \
			       a_ ? a_ : "(null)", b_ ? b_ : "(null)");                 \
			test_failed_checks++;                                           \
		}                                                                       \
	} while (0)

static inline int test_main(void)
{
	int i, failed = 0;

	printf("1..%d\n", test_count);
	for (i = 0; i < test_count; i++) {
		int before = test_failed_checks;
		test_cases[i].fn();
		if (test_failed_checks != before)
			failed++;
		printf("%s %d - %s\n", test_failed_checks == before ? "ok" : "not ok", i + 1,
		       test_cases[i].name);
		fflush(stdout);
	}
	return failed ? 1 : 0;
}

#endif
