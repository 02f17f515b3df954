/* auth.c: bearer tokens, users and access groups. */
#include "auth.h"
#include "arena.h"
#include "db.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

const struct portal_user portal_anonymous = { 0, "", "public", NULL, NULL };

static void token_hash(const char *token, char hex[65])
{
	unsigned char digest[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(digest, (const unsigned char *)token, strlen(token));
	sodium_bin2hex(hex, 65, digest, sizeof digest);
}

int portal_auth_bearer(sqlite3 *db, struct arena *a, const char *authorization,
		       struct portal_user *user)
{
	*user = portal_anonymous;
	if (!authorization || !*authorization)
		return 0;
	if (strncasecmp(authorization, "Bearer ", 7) != 0)
		return -1;
	const char *token = authorization + 7;
	while (*token == ' ')
		token++;
	if (!*token || strlen(token) > 200)
		return -1;
	char hex[65];
	token_hash(token, hex);
	sqlite3_stmt *st = portal_db_prepare(db,
		"SELECT u.id, u.name, u.role, u.enterprise_id, u.agency_id"
		" FROM tokens t JOIN users u ON u.id = t.user_id WHERE t.hash = ?");
	sqlite3_bind_text(st, 1, hex, -1, SQLITE_STATIC);
	int rc = -1;
	if (sqlite3_step(st) == SQLITE_ROW) {
		user->id = sqlite3_column_int64(st, 0);
		user->name = arena_strdup(a, (const char *)sqlite3_column_text(st, 1));
		user->role = arena_strdup(a, (const char *)sqlite3_column_text(st, 2));
		user->enterprise_id = arena_strdup(a, (const char *)sqlite3_column_text(st, 3));
		user->agency_id = arena_strdup(a, (const char *)sqlite3_column_text(st, 4));
		rc = 0;
	}
	sqlite3_finalize(st);
	return rc;
}

int portal_user_sees_all(const struct portal_user *u)
{
	return strcmp(u->role, "admin") == 0 || strcmp(u->role, "staff") == 0;
}

int portal_user_may_publish(const struct portal_user *u) { return portal_user_sees_all(u); }

size_t portal_user_groups(const struct portal_user *u, struct arena *a, const char ***groups)
{
	const char **g = arena_alloc(a, 5 * sizeof *g);
	size_t n = 0;
	g[n++] = "public";
	if (strcmp(u->role, "expert") == 0)	/* experts are assigned by user name */
		g[n++] = arena_printf(a, "xu:%s", u->name);
	if (u->id)
		g[n++] = arena_printf(a, "u:%lld", u->id);
	if (u->enterprise_id && *u->enterprise_id)
		g[n++] = arena_printf(a, "e:%s", u->enterprise_id);
	if (u->agency_id && *u->agency_id)
		g[n++] = arena_printf(a, "ag:%s", u->agency_id);
	*groups = g;
	return n;
}

int portal_role_valid(const char *role)
{
	static const char *const roles[] = { "admin", "staff", "expert", "agency", "enterprise" };
	for (size_t i = 0; i < sizeof roles / sizeof roles[0]; i++)
		if (strcmp(role, roles[i]) == 0)
			return 1;
	return 0;
}

int portal_user_add(sqlite3 *db, const char *name, const char *role, const char *enterprise_id,
		    const char *agency_id, char *err, size_t errlen)
{
	if (!*name || strlen(name) > 100) {
		snprintf(err, errlen, "a user name must have 1 to 100 characters");
		return -1;
	}
	if (!portal_role_valid(role)) {
		snprintf(err, errlen, "unknown role '%s' (admin, staff, expert, agency or enterprise)", role);
		return -1;
	}
	sqlite3_stmt *st = portal_db_prepare(db,
		"INSERT INTO users (name, role, enterprise_id, agency_id, created_at) VALUES (?, ?, ?, ?, ?)");
	portal_db_bind_text(st, 1, name);
	portal_db_bind_text(st, 2, role);
	portal_db_bind_text(st, 3, enterprise_id);
	portal_db_bind_text(st, 4, agency_id);
	sqlite3_bind_int64(st, 5, portal_now());
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc == SQLITE_CONSTRAINT) {
		snprintf(err, errlen, "a user named '%s' already exists", name);
		return -1;
	}
	if (rc != SQLITE_DONE) {
		snprintf(err, errlen, "database: %s", sqlite3_errmsg(db));
		return -1;
	}
	return 0;
}

int portal_token_create(sqlite3 *db, const char *name, char *out, size_t outlen, char *err, size_t errlen)
{
	unsigned char raw[32];
	char token[64], hex[65];
	if (outlen < sizeof token) {
		snprintf(err, errlen, "token buffer too small");
		return -1;
	}
	randombytes_buf(raw, sizeof raw);
	sodium_bin2base64(token, sizeof token, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	token_hash(token, hex);
	sqlite3_stmt *st = portal_db_prepare(db,
		"INSERT INTO tokens (hash, user_id, created_at) SELECT ?, id, ? FROM users WHERE name = ?");
	sqlite3_bind_text(st, 1, hex, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, portal_now());
	portal_db_bind_text(st, 3, name);
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		snprintf(err, errlen, "database: %s", sqlite3_errmsg(db));
		return -1;
	}
	if (sqlite3_changes(db) != 1) {
		snprintf(err, errlen, "no user named '%s'", name);
		return -1;
	}
	snprintf(out, outlen, "%s", token);
	return 0;
}
