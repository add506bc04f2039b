/* fuzz_fixtures.c: libFuzzer target for the fixtures loader. Any input
 * either loads or is refused with a message, leaving the database empty;
 * one that loads exports (GET /_cfmock/state) to text that loads again and
 * exports the same: the round trip the control API promises. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixtures.h"
#include "store.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct store *fresh(void)
{
	char *err = NULL;
	struct store *st = store_open(":memory:", &err);
	if (!st) {
		fprintf(stderr, "cannot open store: %s\n", err);
		abort();
	}
	return st;
}

static char *export(struct store *st)
{
	cJSON *out = NULL;
	char *text;

	if (store_control_state(st, 0, &out) != STORE_OK)
		abort();
	text = cJSON_PrintUnformatted(out);
	cJSON_Delete(out);
	return text;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int hooks;
	struct store *a, *b;
	char *err = NULL, *one, *two;

	if (!hooks++)
		util_init_json_hooks();
	a = fresh();
	if (fixtures_load_text(a, (const char *)data, size, &err) < 0) {
		if (!err || !*err || !store_is_empty(a))
			abort();
		free(err);
		store_close(a);
		return 0;
	}
	one = export(a);
	b = fresh();
	if (fixtures_load_text(b, one, strlen(one), &err) < 0) {
		fprintf(stderr, "an export does not load back: %s\n%s\n", err, one);
		abort();
	}
	two = export(b);
	if (strcmp(one, two) != 0) {
		fprintf(stderr, "round trip differs:\n%s\n%s\n", one, two);
		abort();
	}
	free(one);
	free(two);
	store_close(a);
	store_close(b);
	return 0;
}
