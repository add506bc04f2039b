/* api.h: every handler, one file per resource (api_<name>.c, handlers
 * <name>_<verb>), and the helpers they share (api_common.c). A handler is
 * void and replies exactly once. Only api_*.c and routes.c include this.
 *
 * What may include what, lowest level first; a file includes headers of
 * its own level and below (tests/layout/check_layout.py checks it):
 *   1. leaves: util/banned, clock, ids, errors, rules, roles, grants, config, journal,
 *      framing
 *   2. state: store.h (store_internal.h only in store*.c), store_vfs, app
 *   3. request and loaders: req, faults, fixtures
 *   4. envelope: reply
 *   5. readers: json, query, paging, auth
 *   6. handlers: api.h, api_*.c
 *   7. dispatch: router, routes.c
 *   8. edges: server.c (the only file with <microhttpd.h>), main.c */
#ifndef CFMOCK_API_H
#define CFMOCK_API_H

#include "errors.h"
#include "req.h"
#include "rules.h"
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
void accounts_organizations_list(struct req *r);
void accounts_profile_get(struct req *r);
void accounts_profile_update(struct req *r);

/* api_org_members.c: organization members */
void org_members_list(struct req *r);
void org_members_create(struct req *r);
void org_members_batch_create(struct req *r);
void org_members_get(struct req *r);
void org_members_delete(struct req *r);

/* api_account_members.c */
void account_members_list(struct req *r);
void account_members_create(struct req *r);
void account_members_get(struct req *r);
void account_members_update(struct req *r);
void account_members_delete(struct req *r);

/* api_memberships.c: the caller's memberships and invitations */
void memberships_list(struct req *r);
void memberships_get(struct req *r);
void memberships_update(struct req *r);
void memberships_delete(struct req *r);
void memberships_list_invites(struct req *r);
void memberships_get_invite(struct req *r);
void memberships_update_invite(struct req *r);
void memberships_list_organizations(struct req *r);
void memberships_get_organization(struct req *r);
void memberships_delete_organization(struct req *r);

/* api_audit_logs.c: the audit log (audit.c writes it) */
void audit_logs_list(struct req *r);
void audit_logs_list_organization(struct req *r);
void audit_logs_list_v1(struct req *r);
void audit_logs_list_user(struct req *r);

/* api_roles.c */
void roles_list(struct req *r);
void roles_get(struct req *r);

/* api_iam.c: the IAM permission-group and resource-group catalogues */
void iam_permission_groups_list(struct req *r);
void iam_permission_groups_get(struct req *r);
void iam_resource_groups_list(struct req *r);
void iam_resource_groups_get(struct req *r);

/* api_users.c: the caller's own user */
void users_get(struct req *r);
void users_update(struct req *r);

/* api_tokens.c: the API tokens of the user (/user/tokens) and of an
 * account (/accounts/{id}/tokens: the route's first parameter), and both
 * verify routes */
void tokens_verify(struct req *r);
void tokens_list(struct req *r);
void tokens_create(struct req *r);
void tokens_get(struct req *r);
void tokens_update(struct req *r);
void tokens_delete(struct req *r);
void tokens_roll(struct req *r);
void tokens_permission_groups_list(struct req *r);

/* api_control.c: cfmock's own API under /_cfmock */
void control_health(struct req *r);
void control_reset(struct req *r);
void control_state(struct req *r);
void control_snapshot_save(struct req *r);
void control_snapshot_restore(struct req *r);
void control_snapshot_delete(struct req *r);
void control_snapshots_list(struct req *r);
void control_snapshots_clear(struct req *r);
void control_requests_list(struct req *r);
void control_requests_clear(struct req *r);
void control_faults_add(struct req *r);
void control_faults_list(struct req *r);
void control_faults_clear(struct req *r);
void control_fault_delete(struct req *r);
void control_as_user(struct req *r);
void control_ui(struct req *r);

/* The account named by the route's first parameter must be one the caller
 * sees: otherwise 404 / ERR_ACCOUNT_NOT_FOUND, as for one that does not
 * exist (routes under /accounts/{id} that keep no state of their own). */
int account_visible_or_reply(struct req *r);

/* An id in a body that names an organization (parent.id, unit.id,
 * destination_organization_id): one of another shape cannot name one of
 * ours, and answers like an unknown one (400 / 1103 at @pointer). */
int org_ref_or_reply(struct req *r, const char *pointer, const char *id);

/* A store read of one object by id, as the caller sees it. */
typedef enum store_rc store_lookup_fn(struct store *st, const struct user *u, const char *id,
				      cJSON **out);
typedef enum store_rc store_profile_update_fn(struct store *st, const struct user *u,
					      const char *id, const struct profile *p);
/* GET of the object named by the route's first parameter: 200 with what
 * @fn finds, or the error @nf (404) when it finds nothing. */
void api_lookup(struct req *r, store_lookup_fn *fn, enum err nf);
/* PUT .../profile of the object named by the route's first parameter: all
 * five fields required, 204 with no body (CONTRACT.md 0.6). */
void api_profile_update(struct req *r, store_profile_update_fn *fn, enum err nf);

/* Reads a profile object (all five strings required) at @pointer inside
 * @obj into @out; replies and returns -1 when it is not one. */
int profile_or_reply(struct req *r, const cJSON *obj, const char *pointer, int required,
		     struct profile *out, int *out_present);

/* The string at @pointer in @obj (absent or null: fine unless @required),
 * which must pass @rule (rules.h): otherwise 400 / 1003 naming the field,
 * with the rule's reason. */
int field_or_reply(struct req *r, const cJSON *obj, const char *pointer, int required,
		   rules_fn *rule, const char **out);
/* The query parameter @key's @value (NULL: absent, fine), which must pass
 * @rule: otherwise 400 / 1004 naming it, with the rule's reason. */
int param_or_reply(struct req *r, const char *key, const char *value, rules_fn *rule);
/* The first @n query parameters @keys, their @values read: each a name or
 * email filter (rules_filter), else 400 / 1004 naming the first too long. */
int filters_or_reply(struct req *r, const char *const *keys, const char *const *values, int n);
/* The array at @pointer (in r->json) holds @n items, which must pass
 * @rule: otherwise 400 / 1003 naming it, with the rule's reason. */
int count_or_reply(struct req *r, const char *pointer, int n, rules_count_fn *rule);

#endif
