/* routes.c: THE route table, the index of the whole API.
 *
 * Adding an endpoint (a resource <name>, e.g. accounts or org_members):
 *  1. read its operation in spec/cloudflare-organizations-accounts.openapi.json
 *     and its section of spec/CONTRACT.md;
 *  2. write the handler <name>_<verb> in src/api_<name>.c (verbs: list, get,
 *     create, update, delete, or the API's own action) and declare it in
 *     src/api.h; value rules come from src/rules.h, never written again;
 *  3. add a row here, with the flags for what the router must check first;
 *  4. if it keeps state, add store_<name>_<verb> (the same verb) to
 *     src/store_<name>.c, declared in src/store.h; what the store files
 *     share is in src/store_internal.h;
 *  5. add any new error to src/errors.def (and the README's catalogue);
 *  6. add cases to tests/http/test_<name>.py (or test_<name>_<detail>.py),
 *     using tests/http/helpers.py.
 * tests/layout/check_layout.py checks the names and the include levels.
 *
 * Patterns are matched segment by segment; ":name" matches a 32-hex id,
 * "*name" any segment (cfmock's own API only). */
#include "api.h"
#include "router.h"
#include "util.h"

#define CF "/client/v4"
#define ORG (ROUTE_AUTH | ROUTE_ORG_API)

/* The x-api-token-group lists of the OpenAPI document, group names
 * comma-separated (tests/http/check_permissions.py holds them to it). */
#define G_ACCOUNT_READ                                                                       \
	"Trust and Safety Write,Trust and Safety Read,DNS View Write,DNS View Read,"        \
	"SCIM Provisioning,Load Balancers Account Write,Load Balancers Account Read,"       \
	"Zero Trust: PII Read,DDoS Botnet Feed Write,DDoS Botnet Feed Read,"                \
	"Workers R2 Storage Write,Workers R2 Storage Read,DDoS Protection Write,"           \
	"DDoS Protection Read,Workers Tail Read,Workers KV Storage Write,"                  \
	"Workers KV Storage Read,Workers Scripts Write,Workers Scripts Read,"               \
	"Load Balancing: Monitors and Pools Write,Load Balancing: Monitors and Pools Read," \
	"Account Firewall Access Rules Write,Account Firewall Access Rules Read,"           \
	"DNS Firewall Write,DNS Firewall Read,Billing Write,Billing Read,"                  \
	"Account Settings Write,Account Settings Read"
#define G_SETTINGS_WRITE "Account Settings Write"
#define G_SETTINGS_READ "Account Settings Write,Account Settings Read"
#define G_MEMBERS_READ "SCIM Provisioning,Account Settings Write,Account Settings Read"
#define G_MEMBERS_WRITE "SCIM Provisioning,Account Settings Write"
#define G_USER_READ "User Details Write,User Details Read"
#define G_USER_WRITE "User Details Write"
#define G_MEMBERSHIPS_READ "Memberships Write,Memberships Read"
#define G_MEMBERSHIPS_WRITE "Memberships Write"
#define G_TOKENS_READ "API Tokens Write,API Tokens Read"
#define G_TOKENS_WRITE "API Tokens Write"
#define G_ACCOUNT_TOKENS_READ "Account API Tokens Write,Account API Tokens Read"
#define G_ACCOUNT_TOKENS_WRITE "Account API Tokens Write"
/* a route of an account, reached through @g (NULL: any grant on it) */
#define ACC(g) PERM_ACCOUNT, g

const struct route routes[] = {
	/* Organizations (CONTRACT.md 4.1) */
	{ "GET", CF "/organizations", organizations_list, ORG, PERM_USER, G_USER_READ },
	{ "POST", CF "/organizations", organizations_create, ORG | ROUTE_JSON_BODY, PERM_USER, G_USER_WRITE },
	{ "GET", CF "/organizations/:organization_id", organizations_get, ORG, PERM_ORG, NULL },
	{ "PUT", CF "/organizations/:organization_id", organizations_update, ORG | ROUTE_JSON_BODY, PERM_ORG, NULL },
	{ "DELETE", CF "/organizations/:organization_id", organizations_delete, ORG, PERM_ORG, NULL },
	{ "GET", CF "/organizations/:organization_id/profile", organizations_profile_get, ORG, PERM_ORG, NULL },
	{ "PUT", CF "/organizations/:organization_id/profile", organizations_profile_update,
	  ORG | ROUTE_JSON_BODY, PERM_ORG, NULL },
	{ "GET", CF "/organizations/:organization_id/accounts", organizations_accounts_list, ORG, PERM_ORG, NULL },

	/* Accounts (CONTRACT.md 4.2): the IAM family, then the
	 * Organizations-API operations on accounts */
	{ "GET", CF "/accounts", accounts_list, ROUTE_AUTH, PERM_ACCOUNTS, NULL },
	{ "POST", CF "/accounts", accounts_create, ROUTE_AUTH | ROUTE_JSON_BODY, PERM_ALL_ACCOUNTS, NULL },
	{ "GET", CF "/accounts/:account_id", accounts_get, ROUTE_AUTH, ACC(G_ACCOUNT_READ) },
	{ "PUT", CF "/accounts/:account_id", accounts_update, ROUTE_AUTH | ROUTE_JSON_BODY, ACC(G_SETTINGS_WRITE) },
	{ "DELETE", CF "/accounts/:account_id", accounts_delete, ROUTE_AUTH, ACC(G_SETTINGS_WRITE) },
	{ "POST", CF "/accounts/move", accounts_move_batch, ORG | ROUTE_JSON_BODY, PERM_ORG, NULL },
	{ "POST", CF "/accounts/:account_id/move", accounts_move, ORG | ROUTE_JSON_BODY, ACC(NULL) },
	{ "GET", CF "/accounts/:account_id/organizations", accounts_organizations_list, ORG, ACC(G_ACCOUNT_READ) },
	{ "GET", CF "/accounts/:account_id/profile", accounts_profile_get, ORG, ACC(G_ACCOUNT_READ) },
	{ "PUT", CF "/accounts/:account_id/profile", accounts_profile_update,
	  ORG | ROUTE_JSON_BODY, ACC(G_SETTINGS_WRITE) },

	/* Organization members (CONTRACT.md 4.1) */
	{ "GET", CF "/organizations/:organization_id/members", org_members_list, ORG, PERM_ORG, NULL },
	{ "POST", CF "/organizations/:organization_id/members", org_members_create,
	  ORG | ROUTE_JSON_BODY, PERM_ORG, NULL },
	{ "POST", CF "/organizations/:organization_id/members:batchCreate", org_members_batch_create,
	  ORG | ROUTE_JSON_BODY, PERM_ORG, NULL },
	{ "GET", CF "/organizations/:organization_id/members/:member_id", org_members_get, ORG, PERM_ORG, NULL },
	{ "DELETE", CF "/organizations/:organization_id/members/:member_id", org_members_delete,
	  ORG | ROUTE_JSON_BODY_OPT, PERM_ORG, NULL },

	/* Account members, roles, the user, token verify (CONTRACT.md 4.3) */
	{ "GET", CF "/accounts/:account_id/members", account_members_list, ROUTE_AUTH, ACC(G_MEMBERS_READ) },
	{ "POST", CF "/accounts/:account_id/members", account_members_create,
	  ROUTE_AUTH | ROUTE_JSON_BODY, ACC(G_MEMBERS_WRITE) },
	{ "GET", CF "/accounts/:account_id/members/:member_id", account_members_get, ROUTE_AUTH, ACC(G_MEMBERS_READ) },
	{ "PUT", CF "/accounts/:account_id/members/:member_id", account_members_update,
	  ROUTE_AUTH | ROUTE_JSON_BODY, ACC(G_MEMBERS_WRITE) },
	{ "DELETE", CF "/accounts/:account_id/members/:member_id", account_members_delete,
	  ROUTE_AUTH | ROUTE_JSON_BODY_OPT, ACC(G_MEMBERS_WRITE) },
	{ "GET", CF "/accounts/:account_id/roles", roles_list, ROUTE_AUTH, ACC(G_MEMBERS_READ) },
	{ "GET", CF "/accounts/:account_id/roles/:role_id", roles_get, ROUTE_AUTH, ACC(G_MEMBERS_READ) },
	/* IAM permission groups and resource groups (CONTRACT.md 10.7) */
	{ "GET", CF "/accounts/:account_id/iam/permission_groups", iam_permission_groups_list,
	  ROUTE_AUTH, ACC(G_ACCOUNT_READ) },
	{ "GET", CF "/accounts/:account_id/iam/permission_groups/:permission_group_id",
	  iam_permission_groups_get, ROUTE_AUTH, ACC(G_ACCOUNT_READ) },
	{ "GET", CF "/accounts/:account_id/iam/resource_groups", iam_resource_groups_list,
	  ROUTE_AUTH, ACC(G_MEMBERS_READ) },
	{ "GET", CF "/accounts/:account_id/iam/resource_groups/:resource_group_id",
	  iam_resource_groups_get, ROUTE_AUTH, ACC(G_MEMBERS_READ) },
	{ "GET", CF "/accounts/:account_id/tokens/verify", tokens_verify,
	  ROUTE_AUTH | ROUTE_TOKEN_ONLY, PERM_NONE, NULL },
	{ "GET", CF "/user", users_get, ROUTE_AUTH, PERM_USER, G_USER_READ },
	{ "PATCH", CF "/user", users_update, ROUTE_AUTH | ROUTE_JSON_BODY, PERM_USER, G_USER_WRITE },
	{ "GET", CF "/user/tokens/verify", tokens_verify, ROUTE_AUTH | ROUTE_TOKEN_ONLY, PERM_NONE, NULL },

	/* The user's memberships and invitations (CONTRACT.md 10.1, 10.2) */
	{ "GET", CF "/memberships", memberships_list, ROUTE_AUTH, PERM_MEMBERSHIPS,
	  G_MEMBERSHIPS_READ },
	{ "GET", CF "/memberships/:membership_id", memberships_get, ROUTE_AUTH, PERM_MEMBERSHIPS,
	  G_MEMBERSHIPS_READ },
	{ "PUT", CF "/memberships/:membership_id", memberships_update,
	  ROUTE_AUTH | ROUTE_JSON_BODY, PERM_MEMBERSHIPS, G_MEMBERSHIPS_WRITE },
	{ "DELETE", CF "/memberships/:membership_id", memberships_delete,
	  ROUTE_AUTH | ROUTE_JSON_BODY_OPT, PERM_MEMBERSHIPS, G_MEMBERSHIPS_WRITE },
	{ "GET", CF "/user/invites", memberships_list_invites, ROUTE_AUTH, PERM_USER,
	  G_MEMBERSHIPS_READ },
	{ "GET", CF "/user/invites/:invite_id", memberships_get_invite, ROUTE_AUTH, PERM_USER,
	  G_MEMBERSHIPS_READ },
	{ "PATCH", CF "/user/invites/:invite_id", memberships_update_invite,
	  ROUTE_AUTH | ROUTE_JSON_BODY, PERM_USER, G_MEMBERSHIPS_WRITE },

	/* The legacy view of the user's memberships (CONTRACT.md 10.6) */
	{ "GET", CF "/user/organizations", memberships_list_organizations, ROUTE_AUTH, PERM_USER,
	  G_MEMBERSHIPS_READ },
	{ "GET", CF "/user/organizations/:organization_id", memberships_get_organization,
	  ROUTE_AUTH, PERM_USER, NULL },
	{ "DELETE", CF "/user/organizations/:organization_id", memberships_delete_organization,
	  ROUTE_AUTH | ROUTE_JSON_BODY_OPT, PERM_USER, NULL },

	/* Audit logs (CONTRACT.md 10.5): v2 with cursors, v1 with pages */
	{ "GET", CF "/accounts/:account_id/logs/audit", audit_logs_list, ROUTE_AUTH,
	  ACC(G_SETTINGS_READ) },
	{ "GET", CF "/organizations/:organization_id/logs/audit", audit_logs_list_organization,
	  ROUTE_AUTH, PERM_ORG, NULL },
	{ "GET", CF "/accounts/:account_id/audit_logs", audit_logs_list_v1,
	  ROUTE_AUTH | ROUTE_NO_ERROR_RESULT, ACC(G_SETTINGS_READ) },
	{ "GET", CF "/user/audit_logs", audit_logs_list_user, ROUTE_AUTH | ROUTE_NO_ERROR_RESULT,
	  PERM_USER, NULL },

	/* API tokens (CONTRACT.md 10.3, 10.4): one set of handlers for the
	 * user's own and for an account's */
	{ "GET", CF "/user/tokens", tokens_list, ROUTE_AUTH, PERM_USER, G_TOKENS_READ },
	{ "POST", CF "/user/tokens", tokens_create, ROUTE_AUTH | ROUTE_JSON_BODY, PERM_USER,
	  G_TOKENS_WRITE },
	{ "GET", CF "/user/tokens/permission_groups", tokens_permission_groups_list, ROUTE_AUTH,
	  PERM_USER, G_TOKENS_READ },
	{ "GET", CF "/user/tokens/:token_id", tokens_get, ROUTE_AUTH, PERM_USER, G_TOKENS_READ },
	{ "PUT", CF "/user/tokens/:token_id", tokens_update, ROUTE_AUTH | ROUTE_JSON_BODY, PERM_USER,
	  G_TOKENS_WRITE },
	{ "DELETE", CF "/user/tokens/:token_id", tokens_delete, ROUTE_AUTH | ROUTE_JSON_BODY_OPT,
	  PERM_USER, G_TOKENS_WRITE },
	{ "PUT", CF "/user/tokens/:token_id/value", tokens_roll, ROUTE_AUTH | ROUTE_JSON_BODY_OPT,
	  PERM_USER, G_TOKENS_WRITE },
	{ "GET", CF "/accounts/:account_id/tokens", tokens_list, ROUTE_AUTH, PERM_ACCOUNT_TOKENS,
	  G_ACCOUNT_TOKENS_READ },
	{ "POST", CF "/accounts/:account_id/tokens", tokens_create, ROUTE_AUTH | ROUTE_JSON_BODY,
	  PERM_ACCOUNT_TOKENS, G_ACCOUNT_TOKENS_WRITE },
	{ "GET", CF "/accounts/:account_id/tokens/permission_groups", tokens_permission_groups_list,
	  ROUTE_AUTH, PERM_ACCOUNT_TOKENS, G_ACCOUNT_TOKENS_READ },
	{ "GET", CF "/accounts/:account_id/tokens/:token_id", tokens_get, ROUTE_AUTH,
	  PERM_ACCOUNT_TOKENS, G_ACCOUNT_TOKENS_READ },
	{ "PUT", CF "/accounts/:account_id/tokens/:token_id", tokens_update,
	  ROUTE_AUTH | ROUTE_JSON_BODY, PERM_ACCOUNT_TOKENS, G_ACCOUNT_TOKENS_WRITE },
	{ "DELETE", CF "/accounts/:account_id/tokens/:token_id", tokens_delete,
	  ROUTE_AUTH | ROUTE_JSON_BODY_OPT, PERM_ACCOUNT_TOKENS, G_ACCOUNT_TOKENS_WRITE },
	{ "PUT", CF "/accounts/:account_id/tokens/:token_id/value", tokens_roll,
	  ROUTE_AUTH | ROUTE_JSON_BODY_OPT, PERM_ACCOUNT_TOKENS, G_ACCOUNT_TOKENS_WRITE },

	/* cfmock's own control API (README "Control API") */
	{ "GET", "/_cfmock/health", control_health, 0, PERM_NONE, NULL },
	{ "POST", "/_cfmock/reset", control_reset, ROUTE_ADMIN, PERM_NONE, NULL },
	{ "GET", "/_cfmock/state", control_state, ROUTE_ADMIN, PERM_NONE, NULL },
	{ "GET", "/_cfmock/snapshots", control_snapshots_list, ROUTE_ADMIN, PERM_NONE, NULL },
	{ "DELETE", "/_cfmock/snapshots", control_snapshots_clear, ROUTE_ADMIN, PERM_NONE, NULL },
	{ "POST", "/_cfmock/snapshots/*name", control_snapshot_save, ROUTE_ADMIN, PERM_NONE, NULL },
	{ "DELETE", "/_cfmock/snapshots/*name", control_snapshot_delete, ROUTE_ADMIN, PERM_NONE, NULL },
	{ "POST", "/_cfmock/snapshots/*name/restore", control_snapshot_restore, ROUTE_ADMIN, PERM_NONE, NULL },
	{ "GET", "/_cfmock/requests", control_requests_list, ROUTE_ADMIN, PERM_NONE, NULL },
	{ "DELETE", "/_cfmock/requests", control_requests_clear, ROUTE_ADMIN, PERM_NONE, NULL },
	{ "GET", "/_cfmock/faults", control_faults_list, ROUTE_ADMIN, PERM_NONE, NULL },
	{ "POST", "/_cfmock/faults", control_faults_add, ROUTE_ADMIN | ROUTE_JSON_BODY, PERM_NONE, NULL },
	{ "DELETE", "/_cfmock/faults", control_faults_clear, ROUTE_ADMIN, PERM_NONE, NULL },
	{ "DELETE", "/_cfmock/faults/:fault_id", control_fault_delete, ROUTE_ADMIN, PERM_NONE, NULL },
	{ "GET", "/_cfmock/as/:user_id", control_as_user, ROUTE_ADMIN, PERM_NONE, NULL },
	/* the dashboard (README "Dashboard"): its files hold no data */
	{ "GET", "/_cfmock/ui", control_ui, 0, PERM_NONE, NULL },
	{ "GET", "/_cfmock/ui/*file", control_ui, 0, PERM_NONE, NULL },
};

const size_t routes_count = ARRAY_SIZE(routes);
