/* ui.c: see ui.h. */
#include "ui.h"

#include <string.h>

const struct ui_asset *ui_asset_find(const char *name)
{
	const struct ui_asset *a;

	for (a = ui_assets; a->name; a++)
		if (strcmp(a->name, name) == 0)
			return a;
	return NULL;
}
