/* errors.c: the table behind errors.h, built from errors.def. */
#include "errors.h"

#include <stdarg.h>

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

char *err_message(enum err e, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, e);
	msg = xvasprintf(err_info(e)->message, ap);
	va_end(ap);
	return msg;
}
