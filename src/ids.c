/* ids.c: see ids.h. */
#include "ids.h"

#include <errno.h>
#include <string.h>
#include <sys/random.h>

#include "util.h"

static int seeded;
static uint64_t id_state, secret_state;
static unsigned char pool[4096];
static size_t pool_pos, pool_len; /* pool[pool_pos..pool_len) is unused */

void ids_seed(uint64_t seed)
{
	seeded = 1;
	id_state = seed;
	secret_state = seed ^ 0x5ec4e75ec4e75ec4ULL;
}

static uint64_t splitmix64(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static void random_bytes(uint64_t *state, void *out, size_t n)
{
	unsigned char *p = out;

	if (seeded) {
		while (n) {
			uint64_t v = splitmix64(state);
			size_t k = n < sizeof(v) ? n : sizeof(v);
			memcpy(p, &v, k);
			p += k;
			n -= k;
		}
		return;
	}
	/* from the kernel 4 KiB at a time: a getrandom() call for every id
	 * was a system call in every write */
	while (n) {
		size_t k;

		if (pool_pos == pool_len) {
			ssize_t got = getrandom(pool, sizeof(pool), 0);
			if (got < 0) {
				if (errno == EINTR)
					continue;
				BUG("getrandom failed: %s", strerror(errno));
			}
			pool_pos = 0;
			pool_len = (size_t)got;
			continue;
		}
		k = pool_len - pool_pos < n ? pool_len - pool_pos : n;
		memcpy(p, pool + pool_pos, k);
		memset(pool + pool_pos, 0, k); /* given out once */
		pool_pos += k;
		p += k;
		n -= k;
	}
}

void ids_secret_bytes(void *out, size_t n)
{
	random_bytes(&secret_state, out, n);
}

void ids_new(char *out)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char raw[ID_LEN / 2];
	size_t i;

	random_bytes(&id_state, raw, sizeof(raw));
	for (i = 0; i < sizeof(raw); i++) {
		out[2 * i] = hex[raw[i] >> 4];
		out[2 * i + 1] = hex[raw[i] & 15];
	}
	out[ID_LEN] = '\0';
}
