/* fixtures.h: loading a JSON state file into an empty database at start.
 * The format is documented in the README ("Fixtures"); fixtures/ holds an
 * example. */
#ifndef CFMOCK_FIXTURES_H
#define CFMOCK_FIXTURES_H

#include "store.h"

/* Loads @path into @st in one transaction: all of it or nothing. On
 * failure returns -1 and sets *err (caller frees) to the file, the JSON
 * pointer (RFC 6901) of the bad value and the rule it breaks, e.g.
 * "f.json: /organizations/0/organizations/1/name: is required". A text
 * that is not strict JSON (json_parse_strict) is named the same way where
 * a value can be ("f.json: /organizations/0: duplicate key 'name'"), else
 * by its offset ("f.json: offset 9 (line 2, column 2): trailing data after
 * the JSON value"). */
int fixtures_load(struct store *st, const char *path, char **err);
/* The same, from a string already in memory; *err starts at the pointer. */
int fixtures_load_text(struct store *st, const char *text, size_t len, char **err);

#endif
