/* util.h: allocation that never fails, die/BUG/error, a growable string
 * buffer and small string checks shared by every module.
 *
 * OOM aborts (git's xmalloc): x* functions never return NULL, and cJSON is
 * given the same hooks at start-up, so cJSON_Create and cJSON_Add results
 * are not NULL-checked anywhere in cfmock. cJSON_Parse and lookups are. */
#ifndef CFMOCK_UTIL_H
#define CFMOCK_UTIL_H

/* Every system header that declares a banned function comes before
 * banned.h (git-compat-util.h's order). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#if defined(__GNUC__)
#define NORETURN __attribute__((noreturn))
#define PRINTF_LIKE(f, a) __attribute__((format(printf, f, a)))
#else
#define NORETURN
#define PRINTF_LIKE(f, a)
#endif

void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* Return a new string the caller frees. */
char *xasprintf(const char *fmt, ...) PRINTF_LIKE(1, 2);
char *xvasprintf(const char *fmt, va_list ap) PRINTF_LIKE(1, 0);

/* Start-up failure: prints "cfmock: <msg>" to stderr and exits 1. Never
 * called once the server is listening. */
NORETURN void die(const char *fmt, ...) PRINTF_LIKE(1, 2);
/* Programmer error: an invariant is broken. Aborts. */
NORETURN void bug_at(const char *file, int line, const char *fmt, ...) PRINTF_LIKE(3, 4);
#define BUG(...) bug_at(__FILE__, __LINE__, __VA_ARGS__)
/* Logs "cfmock: error: <msg>" to stderr and returns -1. */
int error(const char *fmt, ...) PRINTF_LIKE(1, 2);
/* Logs "cfmock: warning: <msg>" to stderr: the server goes on as it is. */
void warning(const char *fmt, ...) PRINTF_LIKE(1, 2);

/* Installs xmalloc/free as cJSON's allocator. */
void util_init_json_hooks(void);

/* A growable NUL-terminated string (git's strbuf). */
struct strbuf {
	char *buf;
	size_t len;
	size_t cap;
};
#define STRBUF_INIT { NULL, 0, 0 }
void strbuf_add(struct strbuf *sb, const char *data, size_t len);
void strbuf_adds(struct strbuf *sb, const char *s);
void strbuf_addf(struct strbuf *sb, const char *fmt, ...) PRINTF_LIKE(2, 3);
/* Hands the buffer to the caller (never NULL) and resets @sb. */
char *strbuf_detach(struct strbuf *sb, size_t *out_len);
void strbuf_release(struct strbuf *sb);

/* 1 if @s is exactly 32 lowercase hex characters (cfmock's id shape). */
int is_hex_id(const char *s);
/* 1 if @s is @n lowercase hex characters. */
int is_lower_hex(const char *s, size_t n);
/* 1 if the @len bytes at @s are well-formed UTF-8 (no overlongs, no
 * surrogates, nothing above U+10FFFF). */
int utf8_valid(const char *s, size_t len);
/* @s (@len bytes, malloc'd) as valid UTF-8: itself if it is, else a new
 * string, with U+FFFD for each byte that starts no well-formed sequence,
 * and @s freed. What only echoes outside input goes through this. */
char *utf8_repair(char *s, size_t *len);
/* The number of characters in the valid UTF-8 string @s. */
size_t utf8_chars(const char *s);
/* @s (@len bytes) lower-cased character by character over all of Unicode
 * (towlower in C.UTF-8; ASCII only if that locale is missing). Bytes that
 * are not UTF-8 are kept as they are. Caller frees. */
char *utf8_lower(const char *s, size_t len, size_t *out_len);
/* Parses a whole decimal integer in [min, max]; 0 on success, -1 otherwise. */
int parse_int64(const char *s, int64_t min, int64_t max, int64_t *out);

#include "banned.h"
#endif
