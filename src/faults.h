/* faults.h: fault injection behind /_cfmock/faults. A rule matches
 * requests to the Cloudflare API by method, path pattern and (optionally)
 * credential, and answers them with an error, a 429 with Retry-After, added
 * latency, or a dropped connection: for the next N matches, or with a
 * probability. Used only from the server's one thread. */
#ifndef CFMOCK_FAULTS_H
#define CFMOCK_FAULTS_H

#include <cjson/cJSON.h>
#include <stdint.h>

#include "req.h"

struct faults;

enum fault_kind { FAULT_ERROR, FAULT_RATE_LIMIT, FAULT_LATENCY, FAULT_DROP };

/* What a matching rule asks for. */
struct fault_action {
	enum fault_kind kind;
	int status;          /* FAULT_ERROR, FAULT_RATE_LIMIT */
	int code;
	const char *message; /* valid until the rule is removed or the next call */
	int retry_after;     /* FAULT_RATE_LIMIT, seconds */
	int latency_ms;      /* FAULT_LATENCY */
};

/* @seed drives the probability rolls (the same seed, the same rolls). */
struct faults *faults_new(uint64_t seed);
void faults_free(struct faults *f);

/* Adds the rule described by @spec (POST /_cfmock/faults's body). On a bad
 * spec returns NULL and sets *err_pointer / *err_msg (static / caller
 * frees) naming the field. Returns the rule as JSON (caller owns). */
cJSON *faults_add(struct faults *f, const cJSON *spec, const char **err_pointer, char **err_msg);
/* {"faults": [...]} in the order they were added. */
cJSON *faults_json(const struct faults *f);
/* 0 if a rule with @id was removed. */
int faults_remove(struct faults *f, const char *id);
void faults_clear(struct faults *f);

/* The first rule that matches @r (method, path, credential headers) and
 * fires (its count not spent, its probability rolled): 1 and *out set, or
 * 0. Firing counts against the rule's "times". */
int faults_match(struct faults *f, const struct req *r, struct fault_action *out);

#endif
