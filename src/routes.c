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

const struct route routes[] = {
	/* Organizations (CONTRACT.md 4.1) */
	{ "GET", CF "/organizations", organizations_list, ORG },
	{ "POST", CF "/organizations", organizations_create, ORG | ROUTE_JSON_BODY },
	{ "GET", CF "/organizations/:organization_id", organizations_get, ORG },
	{ "PUT", CF "/organizations/:organization_id", organizations_update, ORG | ROUTE_JSON_BODY },
	{ "DELETE", CF "/organizations/:organization_id", organizations_delete, ORG },
	{ "GET", CF "/organizations/:organization_id/profile", organizations_profile_get, ORG },
	{ "PUT", CF "/organizations/:organization_id/profile", organizations_profile_update,
	  ORG | ROUTE_JSON_BODY },
	{ "GET", CF "/organizations/:organization_id/accounts", organizations_accounts_list, ORG },

	/* Accounts (CONTRACT.md 4.2): the IAM family, then the
	 * Organizations-API operations on accounts */
	{ "GET", CF "/accounts", accounts_list, ROUTE_AUTH },
	{ "POST", CF "/accounts", accounts_create, ROUTE_AUTH | ROUTE_JSON_BODY },
	{ "GET", CF "/accounts/:account_id", accounts_get, ROUTE_AUTH },
	{ "PUT", CF "/accounts/:account_id", accounts_update, ROUTE_AUTH | ROUTE_JSON_BODY },
	{ "DELETE", CF "/accounts/:account_id", accounts_delete, ROUTE_AUTH },
	{ "POST", CF "/accounts/move", accounts_move_batch, ORG | ROUTE_JSON_BODY },
	{ "POST", CF "/accounts/:account_id/move", accounts_move, ORG | ROUTE_JSON_BODY },
	{ "GET", CF "/accounts/:account_id/organizations", accounts_organizations_list, ORG },
	{ "GET", CF "/accounts/:account_id/profile", accounts_profile_get, ORG },
	{ "PUT", CF "/accounts/:account_id/profile", accounts_profile_update,
	  ORG | ROUTE_JSON_BODY },

	/* Organization members (CONTRACT.md 4.1) */
	{ "GET", CF "/organizations/:organization_id/members", org_members_list, ORG },
	{ "POST", CF "/organizations/:organization_id/members", org_members_create,
	  ORG | ROUTE_JSON_BODY },
	{ "POST", CF "/organizations/:organization_id/members:batchCreate", org_members_batch_create,
	  ORG | ROUTE_JSON_BODY },
	{ "GET", CF "/organizations/:organization_id/members/:member_id", org_members_get, ORG },
	{ "DELETE", CF "/organizations/:organization_id/members/:member_id", org_members_delete,
	  ORG | ROUTE_JSON_BODY_OPT },

	/* Account members, roles, the user, token verify (CONTRACT.md 4.3) */
	{ "GET", CF "/accounts/:account_id/members", account_members_list, ROUTE_AUTH },
	{ "POST", CF "/accounts/:account_id/members", account_members_create,
	  ROUTE_AUTH | ROUTE_JSON_BODY },
	{ "GET", CF "/accounts/:account_id/members/:member_id", account_members_get, ROUTE_AUTH },
	{ "PUT", CF "/accounts/:account_id/members/:member_id", account_members_update,
	  ROUTE_AUTH | ROUTE_JSON_BODY },
	{ "DELETE", CF "/accounts/:account_id/members/:member_id", account_members_delete,
	  ROUTE_AUTH | ROUTE_JSON_BODY_OPT },
	{ "GET", CF "/accounts/:account_id/roles", roles_list, ROUTE_AUTH },
	{ "GET", CF "/accounts/:account_id/roles/:role_id", roles_get, ROUTE_AUTH },
	/* IAM permission groups and resource groups (CONTRACT.md 10.7) */
	{ "GET", CF "/accounts/:account_id/iam/permission_groups", iam_permission_groups_list,
	  ROUTE_AUTH },
	{ "GET", CF "/accounts/:account_id/iam/permission_groups/:permission_group_id",
	  iam_permission_groups_get, ROUTE_AUTH },
	{ "GET", CF "/accounts/:account_id/iam/resource_groups", iam_resource_groups_list,
	  ROUTE_AUTH },
	{ "GET", CF "/accounts/:account_id/iam/resource_groups/:resource_group_id",
	  iam_resource_groups_get, ROUTE_AUTH },
	{ "GET", CF "/accounts/:account_id/tokens/verify", tokens_verify,
	  ROUTE_AUTH | ROUTE_TOKEN_ONLY },
	{ "GET", CF "/user", users_get, ROUTE_AUTH },
	{ "PATCH", CF "/user", users_update, ROUTE_AUTH | ROUTE_JSON_BODY },
	{ "GET", CF "/user/tokens/verify", tokens_verify, ROUTE_AUTH | ROUTE_TOKEN_ONLY },

	/* cfmock's own control API (README "Control API") */
	{ "GET", "/_cfmock/health", control_health, 0 },
	{ "POST", "/_cfmock/reset", control_reset, ROUTE_ADMIN },
	{ "GET", "/_cfmock/state", control_state, ROUTE_ADMIN },
	{ "GET", "/_cfmock/snapshots", control_snapshots_list, ROUTE_ADMIN },
	{ "DELETE", "/_cfmock/snapshots", control_snapshots_clear, ROUTE_ADMIN },
	{ "POST", "/_cfmock/snapshots/*name", control_snapshot_save, ROUTE_ADMIN },
	{ "DELETE", "/_cfmock/snapshots/*name", control_snapshot_delete, ROUTE_ADMIN },
	{ "POST", "/_cfmock/snapshots/*name/restore", control_snapshot_restore, ROUTE_ADMIN },
	{ "GET", "/_cfmock/requests", control_requests_list, ROUTE_ADMIN },
	{ "DELETE", "/_cfmock/requests", control_requests_clear, ROUTE_ADMIN },
	{ "GET", "/_cfmock/faults", control_faults_list, ROUTE_ADMIN },
	{ "POST", "/_cfmock/faults", control_faults_add, ROUTE_ADMIN | ROUTE_JSON_BODY },
	{ "DELETE", "/_cfmock/faults", control_faults_clear, ROUTE_ADMIN },
	{ "DELETE", "/_cfmock/faults/:fault_id", control_fault_delete, ROUTE_ADMIN },
};

const size_t routes_count = ARRAY_SIZE(routes);
