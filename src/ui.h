/* ui.h: the dashboard's files (those in src/ui), embedded in the binary at
 * build time by src/ui/embed.py and served at /_cfmock/ui by api_control.c. No
 * state, no request: a table and a lookup. */
#ifndef CFMOCK_UI_H
#define CFMOCK_UI_H

#include <stddef.h>

struct ui_asset {
	const char *name;          /* "index.html", "app.js", ... */
	const char *type;          /* its Content-Type */
	const unsigned char *data; /* static */
	size_t len;
	const char *etag;          /* quoted, from its bytes */
};

/* The generated table, ended by a row with a NULL name. */
extern const struct ui_asset ui_assets[];

/* The file @name, or NULL. */
const struct ui_asset *ui_asset_find(const char *name);

#endif
