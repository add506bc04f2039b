/* api.h: every handler, one file per resource (api_<resource>.c), and the
 * helpers they share. A handler is void and replies exactly once. */
#ifndef CFMOCK_API_H
#define CFMOCK_API_H

#include "req.h"
#include "store.h"

/* api_organizations.c */
void organizations_list(struct req *r);
void organizations_create(struct req *r);
void organizations_get(struct req *r);
void organizations_update(struct req *r);
void organizations_delete(struct req *r);
void organizations_profile_get(struct req *r);
void organizations_profile_update(struct req *r);
void organizations_accounts_list(struct req *r);

/* api_accounts.c */
void accounts_list(struct req *r);
void accounts_create(struct req *r);
void accounts_get(struct req *r);
void accounts_update(struct req *r);
void accounts_delete(struct req *r);
void accounts_move(struct req *r);
void accounts_move_batch(struct req *r);
void accounts_organizations(struct req *r);
void accounts_profile_get(struct req *r);
void accounts_profile_update(struct req *r);

/* api_control.c: cfmock's own API under /_cfmock */
void control_health(struct req *r);

/* Answers a store failure: STORE_NOT_FOUND as "@what '@id' not found"
 * (@nf is that error), STORE_ERROR as a 500. */
void reply_store_error(struct req *r, enum store_rc rc, int nf, const char *id);

/* Reads a profile object (all five strings required) at @pointer inside
 * @obj into @out; replies and returns -1 when it is not one. */
int profile_or_reply(struct req *r, const cJSON *obj, const char *pointer, int required,
		     struct org_profile *out, int *out_present);

/* Reads the single value of each query parameter in @keys (NULL-ended)
 * into @out (in order, NULL when absent); a repeated one, or one longer
 * than 4096 bytes, is an error (replied, -1). */
int query_singles_or_reply(struct req *r, const char *const *keys, const char **out);

#endif
