/* store_users.c: users and their credentials (store.h "users and
 * credentials"): resolving a credential to its user, GET and PATCH /user,
 * and the users, tokens and service keys fixtures make. */
#include "store_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "clock.h"
#include "ids.h"
#include "rules.h"
#include "util.h"

static const char *const cred_kinds[] = { "token", "key", "service_key" };

static enum store_rc user_insert(struct store *st, const struct user_new *n, struct user *out)
{
	sqlite3_stmt *stmt = sql_prep(st, "INSERT INTO users(id, email, tenant_admin, first_name, "
					  "last_name, create_time, telephone, country, zipcode, "
					  "email_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
	char now[CLOCK_RFC3339_LEN + 1], idbuf[ID_LEN + 1];
	const char *id = n->id, *email = n->email;
	char *key = n->email ? rules_email_key(n->email) : NULL;
	enum store_rc rc = STORE_OK;
	int step;

	if (!stmt)
		return STORE_ERROR;
	if (!id) {
		if (sql_fresh_id(st, USER_ID_TAKEN, idbuf) != STORE_OK) {
			sql_done(st, stmt);
			return STORE_ERROR;
		}
		id = idbuf;
	}
	/* a user made from a token or a service key keeps its id as its
	 * email and has no email_key: shown with its label (USER_EMAIL), and
	 * no X-Auth-Email reaches it */
	if (!email)
		email = id;
	clock_now(now);
	sql_bind_text(stmt, 1, id);
	sql_bind_text(stmt, 2, email);
	sqlite3_bind_int(stmt, 3, n->tenant_admin);
	sql_bind_text(stmt, 4, n->first_name);
	sql_bind_text(stmt, 5, n->last_name);
	sql_bind_text(stmt, 6, now);
	sql_bind_text(stmt, 7, n->telephone);
	sql_bind_text(stmt, 8, n->country);
	sql_bind_text(stmt, 9, n->zipcode);
	sql_bind_text(stmt, 10, key);
	step = sqlite3_step(stmt);
	if (step == SQLITE_CONSTRAINT_UNIQUE)
		rc = STORE_CONFLICT;
	else if (step != SQLITE_DONE)
		rc = SQLERR(st);
	else {
		memset(out, 0, sizeof(*out));
		out->seq = sqlite3_last_insert_rowid(st->db);
		memcpy(out->id, id, ID_LEN + 1);
		out->tenant_admin = n->tenant_admin;
	}
	sql_done(st, stmt);
	free(key);
	return rc;
}

/* Adds a credential; an API token gets an id of its own (@token_id, or a
 * new one), which token verify answers. */
static enum store_rc cred_insert(struct store *st, enum cred_kind kind, const char *secret,
				 int64_t user_seq, const char *status, const char *token_id,
				 char *out_token_id)
{
	sqlite3_stmt *stmt = sql_prep(st, "INSERT INTO credentials(kind, secret, user_seq, token_id, "
					  "status) VALUES (?, ?, ?, ?, ?)");
	char idbuf[ID_LEN + 1];
	enum store_rc rc = STORE_OK;
	int step;

	if (!stmt)
		return STORE_ERROR;
	if (kind == CRED_TOKEN && !token_id) {
		ids_new(idbuf);
		token_id = idbuf;
	}
	sql_bind_text(stmt, 1, cred_kinds[kind]);
	sql_bind_text(stmt, 2, secret);
	sqlite3_bind_int64(stmt, 3, user_seq);
	sql_bind_text(stmt, 4, kind == CRED_TOKEN ? token_id : NULL);
	sql_bind_text(stmt, 5, status ? status : "active");
	step = sqlite3_step(stmt);
	if (step == SQLITE_CONSTRAINT_PRIMARYKEY || step == SQLITE_CONSTRAINT_UNIQUE)
		rc = STORE_CONFLICT;
	else if (step != SQLITE_DONE)
		rc = SQLERR(st);
	else if (out_token_id && kind == CRED_TOKEN)
		snprintf(out_token_id, ID_LEN + 1, "%s", token_id);
	sql_done(st, stmt);
	return rc;
}

/* Looks the user up by credential, or by email for CRED_KEY (with
 * @need_key, the key must be that user's too). *out_active: whether the
 * credential is active (not disabled or expired). */
static enum store_rc user_find(struct store *st, enum cred_kind kind, const char *secret,
			       const char *email, int need_key, struct user *out, int *out_active)
{
	sqlite3_stmt *stmt;
	enum store_rc rc = STORE_NOT_FOUND;
	char *key = kind == CRED_KEY ? rules_email_key(email) : NULL;
	int step;

	/* by email_key: a user made from a token or a service key has none */
	if (kind == CRED_KEY && !need_key) {
		stmt = sql_prep(st, "SELECT seq, id, tenant_admin, 1, NULL FROM users "
				    "WHERE email_key = ?");
		if (stmt)
			sql_bind_text(stmt, 1, key);
	} else if (kind == CRED_KEY) {
		stmt = sql_prep(st, "SELECT u.seq, u.id, u.tenant_admin, c.status = 'active', NULL "
				    "FROM users u "
				    "JOIN credentials c ON c.user_seq = u.seq AND c.kind = 'key' "
				    "AND c.secret = ? WHERE u.email_key = ?");
		if (stmt) {
			sql_bind_text(stmt, 1, secret);
			sql_bind_text(stmt, 2, key);
		}
	} else {
		stmt = sql_prep(st, "SELECT u.seq, u.id, u.tenant_admin, c.status = 'active', c.token_id "
				    "FROM credentials c JOIN users u ON u.seq = c.user_seq "
				    "WHERE c.kind = ? AND c.secret = ?");
		if (stmt) {
			sql_bind_text(stmt, 1, cred_kinds[kind]);
			sql_bind_text(stmt, 2, secret);
		}
	}
	free(key);
	if (!stmt)
		return STORE_ERROR;
	step = sqlite3_step(stmt);
	if (step == SQLITE_ROW) {
		memset(out, 0, sizeof(*out));
		out->seq = sqlite3_column_int64(stmt, 0);
		snprintf(out->id, sizeof(out->id), "%s", sql_col_text(stmt, 1));
		out->tenant_admin = sqlite3_column_int(stmt, 2);
		if (sql_col_text(stmt, 4))
			snprintf(out->token_id, sizeof(out->token_id), "%s", sql_col_text(stmt, 4));
		*out_active = sqlite3_column_int(stmt, 3);
		rc = STORE_OK;
	} else if (step != SQLITE_DONE) {
		rc = SQLERR(st);
	}
	sql_done(st, stmt);
	return rc;
}

enum store_rc store_users_resolve(struct store *st, enum cred_kind kind, const char *secret,
				  const char *email, int strict, struct user *out)
{
	int active = 1;
	struct user_new n;
	enum store_rc rc = user_find(st, kind, secret, email, strict, out, &active);

	if (rc == STORE_OK)
		return active ? STORE_OK : STORE_CONFLICT;
	if (rc != STORE_NOT_FOUND || strict)
		return rc;
	/* CF-API: with X-Auth-Email + X-Auth-Key the email names the user; in
	 * the default open mode any well-formed credential is accepted and
	 * makes its user on first use. */
	memset(&n, 0, sizeof(n));
	n.email = kind == CRED_KEY ? email : NULL;
	if (sql_begin(st) < 0)
		return STORE_ERROR;
	rc = user_insert(st, &n, out);
	/* an API key is not kept: in open mode the email alone names the
	 * user, and two users may well send the same key */
	if (rc == STORE_OK && kind != CRED_KEY)
		rc = cred_insert(st, kind, secret, out->seq, "active", NULL, out->token_id);
	return sql_finish(st, rc);
}

enum store_rc store_users_create(struct store *st, const struct user_new *n, struct user *out)
{
	enum store_rc rc;

	if (sql_begin(st) < 0)
		return STORE_ERROR;
	rc = user_insert(st, n, out);
	if (rc == STORE_OK && n->api_key)
		rc = cred_insert(st, CRED_KEY, n->api_key, out->seq, "active", NULL, NULL);
	return sql_finish(st, rc);
}

enum store_rc store_users_token_create(struct store *st, const struct user *u, const char *token,
				       const char *status, const char *token_id)
{
	return cred_insert(st, CRED_TOKEN, token, u->seq, status, token_id, NULL);
}

enum store_rc store_users_service_key_create(struct store *st, const struct user *u,
					     const char *key)
{
	return cred_insert(st, CRED_SERVICE_KEY, key, u->seq, "active", NULL, NULL);
}

enum store_rc user_one(struct store *st, const char *sql, const char *value, struct user *out)
{
	sqlite3_stmt *stmt = sql_prep(st, sql);
	enum store_rc rc = STORE_NOT_FOUND;
	int step;

	if (!stmt)
		return STORE_ERROR;
	sql_bind_text(stmt, 1, value);
	step = sqlite3_step(stmt);
	if (step == SQLITE_ROW) {
		memset(out, 0, sizeof(*out));
		out->seq = sqlite3_column_int64(stmt, 0);
		snprintf(out->id, sizeof(out->id), "%s", sql_col_text(stmt, 1));
		out->tenant_admin = sqlite3_column_int(stmt, 2);
		rc = STORE_OK;
	} else if (step != SQLITE_DONE) {
		rc = SQLERR(st);
	}
	sql_done(st, stmt);
	return rc;
}

/* The user made from a token or a service key whose label @email is. */
static enum store_rc labelled_user(struct store *st, const char *email, struct user *out)
{
	size_t n = strlen(email);

	if (n != ID_LEN + 1 + strlen(RULES_SYNTHETIC_DOMAIN) || email[ID_LEN] != '@' ||
	    strcasecmp(email + ID_LEN + 1, RULES_SYNTHETIC_DOMAIN) != 0)
		return STORE_NOT_FOUND;
	return user_one(st, "SELECT seq, id, tenant_admin FROM users "
			    "WHERE email = substr(?, 1, 32) AND email_key IS NULL", email, out);
}

/* The user a member's email (or a fixture's owner) names: the token user
 * a label names, first, so that a user who sent that label as its
 * X-Auth-Email is never taken for it; else the user with that email. */
static enum store_rc user_by_email(struct store *st, const char *email, struct user *out)
{
	enum store_rc rc = labelled_user(st, email, out);
	int active;

	if (rc == STORE_NOT_FOUND)
		rc = user_find(st, CRED_KEY, NULL, email, 0, out, &active);
	return rc;
}

enum store_rc store_users_get_by_email(struct store *st, const char *email, struct user *out)
{
	return user_by_email(st, email, out);
}

const char *const store_users_update_keys[] = {
	"first_name", "last_name", "telephone", "country", "zipcode", NULL,
};

static cJSON *user_from_row(sqlite3_stmt *stmt)
{
	cJSON *u = cJSON_CreateObject();
	int i;

	cJSON_AddStringToObject(u, "id", sql_col_text(stmt, 0));
	cJSON_AddStringToObject(u, "email", sql_col_text(stmt, 1));
	for (i = 0; i < USERS_UPDATE_FIELDS; i++) {
		const char *v = sql_col_text(stmt, 2 + i);
		if (v)
			cJSON_AddStringToObject(u, store_users_update_keys[i], v);
		else
			cJSON_AddNullToObject(u, store_users_update_keys[i]);
	}
	/* CF-API: cfmock users have no second factor, zones or betas */
	cJSON_AddBoolToObject(u, "two_factor_authentication_enabled", 0);
	cJSON_AddBoolToObject(u, "two_factor_authentication_locked", 0);
	cJSON_AddBoolToObject(u, "suspended", 0);
	cJSON_AddBoolToObject(u, "has_pro_zones", 0);
	cJSON_AddBoolToObject(u, "has_business_zones", 0);
	cJSON_AddBoolToObject(u, "has_enterprise_zones", 0);
	cJSON_AddArrayToObject(u, "betas");
	return u;
}

#define USER_COLS \
	"x.id, " USER_EMAIL("x") ", x.first_name, x.last_name, x.telephone, x.country, x.zipcode"

enum store_rc store_users_get(struct store *st, const struct user *u, cJSON **out)
{
	return sql_row_by_seq(st, "SELECT " USER_COLS " FROM users x WHERE x.seq = ?", u->seq,
			      user_from_row, out);
}

enum store_rc store_users_update(struct store *st, const struct user *u,
				 const char *const *values, const int *clear, cJSON **out)
{
	sqlite3_stmt *stmt;
	enum store_rc rc = STORE_OK;
	int i;

	*out = NULL;
	if (sql_begin(st) < 0)
		return STORE_ERROR;
	for (i = 0; rc == STORE_OK && i < USERS_UPDATE_FIELDS; i++) {
		char *sql;

		if (!values[i] && !clear[i])
			continue;
		/* the column name comes from the fixed list, never from input */
		sql = xasprintf("UPDATE users SET %s = ? WHERE seq = ?", store_users_update_keys[i]);
		stmt = sql_prep(st, sql);
		free(sql);
		if (stmt)
			sql_bind_text(stmt, 1, clear[i] ? NULL : values[i]);
		rc = sql_step_write(st, stmt, 2, u->seq);
	}
	if (rc == STORE_OK)
		rc = store_users_get(st, u, out);
	return sql_finish_out(st, rc, out);
}

enum store_rc user_for_email(struct store *st, const char *email, int64_t *out_seq)
{
	struct user found;
	enum store_rc rc = user_by_email(st, email, &found);

	if (rc == STORE_NOT_FOUND) {
		struct user_new n;
		memset(&n, 0, sizeof(n));
		n.email = email;
		rc = user_insert(st, &n, &found);
	}
	if (rc == STORE_OK)
		*out_seq = found.seq;
	return rc;
}

cJSON *member_user(sqlite3_stmt *stmt, int col)
{
	cJSON *u = cJSON_CreateObject();
	const char *first = sql_col_text(stmt, col + 2), *last = sql_col_text(stmt, col + 3);
	char *name = xasprintf("%s%s%s", first ? first : "", first && last ? " " : "",
			       last ? last : "");

	cJSON_AddStringToObject(u, "id", sql_col_text(stmt, col));
	cJSON_AddStringToObject(u, "email", sql_col_text(stmt, col + 1));
	cJSON_AddStringToObject(u, "name", name);
	cJSON_AddBoolToObject(u, "two_factor_authentication_enabled", 0);
	free(name);
	return u;
}
