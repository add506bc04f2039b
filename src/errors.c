/* errors.c: the table behind errors.h, built from errors.def. */
#include "errors.h"

#include "util.h"

static const struct err_info table[] = {
#define ERR(name, status, code, layer, msg) { #name, status, code, layer, msg },
#include "errors.def"
#undef ERR
};

const struct err_info *err_info(enum err e)
{
	if ((unsigned)e >= ARRAY_SIZE(table))
		BUG("no error %d in the catalogue", (int)e);
	return &table[e];
}
