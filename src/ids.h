/* ids.h: object ids, 32 lowercase hex characters like every id in the
 * Cloudflare docs. From getrandom(2) by default; ids_seed() switches to a
 * seeded generator (splitmix64) so a test run can predict every id. Not
 * thread-safe: called from the one server thread. */
#ifndef CFMOCK_IDS_H
#define CFMOCK_IDS_H

#include <stddef.h>
#include <stdint.h>

#define ID_LEN 32

/* Makes the following ids come from a generator seeded with @seed. */
void ids_seed(uint64_t seed);
/* Writes a new id and its NUL into @out (ID_LEN + 1 bytes). */
void ids_new(char *out);
/* Fills @out with @n random bytes for a secret. Seeded runs take them from
 * a stream of their own, so no id ever equals a secret. */
void ids_secret_bytes(void *out, size_t n);

#endif
