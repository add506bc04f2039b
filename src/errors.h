/* errors.h: the error catalogue (errors.def) as an enum and a lookup table.
 * Nothing here builds a response: reply.c does. */
#ifndef CFMOCK_ERRORS_H
#define CFMOCK_ERRORS_H

/* AAA: an Audit Logs v2 error, sent with its message alone (the
 * document's aaa_api-response-common-failure-2 items have no code; the
 * code here names the row in the README's catalogue). */
enum err_layer { GW, API, AAA };

enum err {
#define ERR(name, status, code, layer, msg) ERR_##name,
#include "errors.def"
#undef ERR
	ERR__COUNT
};

struct err_info {
	const char *name;
	int status;
	int code;
	enum err_layer layer;
	const char *message; /* printf format */
};

const struct err_info *err_info(enum err e);
/* The message of @e with its conversions filled in. Caller frees. */
char *err_message(enum err e, ...);

#endif
