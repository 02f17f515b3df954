/* auth.c: bearer tokens, users and access groups. */
#include "auth.h"
#include "arena.h"
#include "audit.h"
#include "db.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

const struct portal_user portal_anonymous = { 0, "", "public", NULL, NULL, NULL, NULL };

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
		"SELECT u.id, u.name, u.role, u.enterprise_id, u.agency_id" PORTAL_USER_AREA_COLS
		" FROM tokens t JOIN users u ON u.id = t.user_id"
		" WHERE t.hash = ? AND (t.expires_at IS NULL OR t.expires_at > ?) AND u.disabled_at IS NULL");
	sqlite3_bind_text(st, 1, hex, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, portal_now());
	int rc = -1;
	if (sqlite3_step(st) == SQLITE_ROW) {
		user->id = sqlite3_column_int64(st, 0);
		user->name = arena_strdup(a, (const char *)sqlite3_column_text(st, 1));
		user->role = arena_strdup(a, (const char *)sqlite3_column_text(st, 2));
		user->enterprise_id = arena_strdup(a, (const char *)sqlite3_column_text(st, 3));
		user->agency_id = arena_strdup(a, (const char *)sqlite3_column_text(st, 4));
		user->district = arena_strdup(a, (const char *)sqlite3_column_text(st, 5));
		user->sector = arena_strdup(a, (const char *)sqlite3_column_text(st, 6));
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

int portal_user_may_upload(const struct portal_user *u)
{
	return u->id && strcmp(u->role, "authority") != 0;
}

size_t portal_user_groups(const struct portal_user *u, struct arena *a, const char ***groups)
{
	const char **g = arena_alloc(a, 7 * sizeof *g);
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
	/* the area roles: only for their role, so a stray column gives nothing */
	if (strcmp(u->role, "district") == 0 && u->district && *u->district)
		g[n++] = arena_printf(a, "d:%s", u->district);
	if (strcmp(u->role, "authority") == 0 && u->sector && *u->sector)
		g[n++] = arena_printf(a, "s:%s", u->sector);
	*groups = g;
	return n;
}

int portal_role_valid(const char *role)
{
	static const char *const roles[] = { "admin", "staff", "expert", "agency", "enterprise",
					     "district", "authority" };
	for (size_t i = 0; i < sizeof roles / sizeof roles[0]; i++)
		if (strcmp(role, roles[i]) == 0)
			return 1;
	return 0;
}

static int insert_user(sqlite3 *db, const char *name, const char *role, const char *enterprise_id,
		       const char *agency_id, const char *district, const char *sector, char *err,
		       size_t errlen);

int portal_user_add(sqlite3 *db, const char *name, const char *role, const char *enterprise_id,
		    const char *agency_id, char *err, size_t errlen)
{
	if (!*name || strlen(name) > 100) {
		snprintf(err, errlen, "a user name must have 1 to 100 characters");
		return -1;
	}
	if (!portal_role_valid(role)) {
		snprintf(err, errlen, "unknown role '%s' (admin, staff, expert, agency, enterprise,"
			 " district or authority)", role);
		return -1;
	}
	if (strcmp(role, "district") == 0 || strcmp(role, "authority") == 0) {
		snprintf(err, errlen, "a %s user needs its %s", role,
			 role[0] == 'd' ? "district (--district 朝阳区)" : "sector (--sector industry)");
		return -1;
	}
	return insert_user(db, name, role, enterprise_id, agency_id, NULL, NULL, err, errlen);
}

int portal_user_add_area(sqlite3 *db, const char *name, const char *role, const char *area,
			 char *err, size_t errlen)
{
	int district = strcmp(role, "district") == 0;
	if (!district && strcmp(role, "authority") != 0) {
		snprintf(err, errlen, "only district and authority users have an area, not '%s'", role);
		return -1;
	}
	if (!*name || strlen(name) > 100) {
		snprintf(err, errlen, "a user name must have 1 to 100 characters");
		return -1;
	}
	sqlite3_stmt *st = portal_db_prepare(db, district ? "SELECT 1 FROM districts WHERE id = ?"
							  : "SELECT 1 FROM sectors WHERE id = ?");
	portal_db_bind_text(st, 1, area);
	int known = area && sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	if (!known) {
		snprintf(err, errlen, district ? "unknown district '%s' (a district as the records name it: 朝阳区)"
					       : "unknown sector '%s' (industry, services or agriculture)",
			 area ? area : "");
		return -1;
	}
	return insert_user(db, name, role, NULL, NULL, district ? area : NULL, district ? NULL : area,
			   err, errlen);
}

static int insert_user(sqlite3 *db, const char *name, const char *role, const char *enterprise_id,
		       const char *agency_id, const char *district, const char *sector, char *err,
		       size_t errlen)
{
	sqlite3_stmt *st = portal_db_prepare(db,
		"INSERT INTO users (name, role, enterprise_id, agency_id, district, sector, created_at)"
		" VALUES (?, ?, ?, ?, ?, ?, ?)");
	portal_db_bind_text(st, 1, name);
	portal_db_bind_text(st, 2, role);
	portal_db_bind_text(st, 3, enterprise_id);
	portal_db_bind_text(st, 4, agency_id);
	portal_db_bind_text(st, 5, district);
	portal_db_bind_text(st, 6, sector);
	sqlite3_bind_int64(st, 7, portal_now());
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

long long portal_user_id(sqlite3 *db, const char *name)
{
	sqlite3_stmt *st = portal_db_prepare(db, "SELECT id FROM users WHERE name = ?");
	portal_db_bind_text(st, 1, name);
	long long id = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_finalize(st);
	return id;
}

static int set_disabled_at(sqlite3 *db, long long uid, int disabled)
{
	sqlite3_stmt *st = portal_db_prepare(db,
		"UPDATE users SET disabled_at = CASE WHEN ? THEN coalesce(disabled_at, ?) END WHERE id = ?");
	sqlite3_bind_int(st, 1, disabled);
	sqlite3_bind_int64(st, 2, portal_now());
	sqlite3_bind_int64(st, 3, uid);
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

int portal_user_set_disabled(sqlite3 *db, const char *name, int disabled, long long actor,
			     char *err, size_t errlen)
{
	long long uid = portal_user_id(db, name);
	if (!uid) {
		snprintf(err, errlen, "no user named '%s'", name);
		return -1;
	}
	if (portal_db_exec(db, "BEGIN IMMEDIATE", err, errlen) < 0)
		return -1;
	if (set_disabled_at(db, uid, disabled) < 0) {
		snprintf(err, errlen, "database: %s", sqlite3_errmsg(db));
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	if (disabled) {
		portal_tokens_revoke_user(db, uid, actor);
		portal_user_end_sessions(db, uid, actor);
	}
	char object[32];
	snprintf(object, sizeof object, "user:%lld", uid);
	audit_log(db, actor, disabled ? "user_disable" : "user_enable", object, NULL);
	return portal_db_exec(db, "COMMIT", err, errlen);
}

int portal_token_create(sqlite3 *db, const char *name, long long expires_at, char *out, size_t outlen,
			char *err, size_t errlen)
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
		"INSERT INTO tokens (hash, user_id, created_at, expires_at) SELECT ?, id, ?, ? FROM users WHERE name = ?");
	sqlite3_bind_text(st, 1, hex, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, portal_now());
	if (expires_at)
		sqlite3_bind_int64(st, 3, expires_at);
	else
		sqlite3_bind_null(st, 3);
	portal_db_bind_text(st, 4, name);
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

size_t portal_token_list(sqlite3 *db, struct arena *a, long long user_id, struct portal_token **tokens)
{
	sqlite3_stmt *st = portal_db_prepare(db,
		"SELECT substr(hash, 1, ?), created_at, coalesce(expires_at, 0) FROM tokens"
		" WHERE user_id = ? ORDER BY created_at, hash");
	sqlite3_bind_int(st, 1, TOKEN_ID_LEN);
	sqlite3_bind_int64(st, 2, user_id);
	size_t n = 0, cap = 0;
	struct portal_token *t = NULL;
	while (sqlite3_step(st) == SQLITE_ROW) {
		t = arena_grow(a, t, n, &cap, sizeof *t);
		snprintf(t[n].id, sizeof t[n].id, "%s", (const char *)sqlite3_column_text(st, 0));
		t[n].created_at = sqlite3_column_int64(st, 1);
		t[n].expires_at = sqlite3_column_int64(st, 2);
		n++;
	}
	sqlite3_finalize(st);
	*tokens = t;
	return n;
}

static void audit_revoke(sqlite3 *db, long long actor, long long user_id, const char *detail)
{
	char object[32];
	snprintf(object, sizeof object, "user:%lld", user_id);
	audit_log(db, actor, "token_revoke", object, detail);
}

/* Run sql, a DELETE whose one parameter is user_id; the rows it deleted
 * (0 when it failed). */
static int delete_for_user(sqlite3 *db, const char *sql, long long user_id)
{
	sqlite3_stmt *st = portal_db_prepare(db, sql);
	sqlite3_bind_int64(st, 1, user_id);
	int n = sqlite3_step(st) == SQLITE_DONE ? sqlite3_changes(db) : 0;
	sqlite3_finalize(st);
	return n;
}

int portal_tokens_revoke_user(sqlite3 *db, long long user_id, long long actor)
{
	int n = delete_for_user(db, "DELETE FROM tokens WHERE user_id = ?", user_id);
	if (n > 0) {
		char detail[64];
		snprintf(detail, sizeof detail, "{\"tokens\": %d, \"all\": true}", n);
		audit_revoke(db, actor, user_id, detail);
	}
	return n;
}

/* The full hash of the one token whose hash starts with prefix: 1, 0 none,
 * -1 several. */
static int hash_of_prefix(sqlite3 *db, const char *prefix, char hex[65])
{
	sqlite3_stmt *st = portal_db_prepare(db,
		"SELECT hash FROM tokens WHERE substr(hash, 1, ?) = ? LIMIT 2");
	sqlite3_bind_int(st, 1, (int)strlen(prefix));
	portal_db_bind_text(st, 2, prefix);
	int n = 0;
	while (sqlite3_step(st) == SQLITE_ROW)
		if (n++ == 0)
			snprintf(hex, 65, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return n > 1 ? -1 : n;
}

static int is_hash_prefix(const char *s)
{
	size_t n = strlen(s);
	return n >= TOKEN_ID_LEN && n <= 64 && strspn(s, "0123456789abcdef") == n;
}

int portal_token_revoke(sqlite3 *db, const char *id_or_token, long long actor, long long *user_id)
{
	char hex[65];
	if (strlen(id_or_token) > 200)
		return 0;
	token_hash(id_or_token, hex);
	sqlite3_stmt *st = portal_db_prepare(db, "DELETE FROM tokens WHERE hash = ? RETURNING user_id");
	sqlite3_bind_text(st, 1, hex, -1, SQLITE_STATIC);
	int found = sqlite3_step(st) == SQLITE_ROW;
	if (!found && is_hash_prefix(id_or_token)) {
		sqlite3_finalize(st);
		int n = hash_of_prefix(db, id_or_token, hex);
		if (n <= 0)
			return n;
		st = portal_db_prepare(db, "DELETE FROM tokens WHERE hash = ? RETURNING user_id");
		sqlite3_bind_text(st, 1, hex, -1, SQLITE_STATIC);
		found = sqlite3_step(st) == SQLITE_ROW;
	}
	long long uid = found ? sqlite3_column_int64(st, 0) : 0;
	while (found && sqlite3_step(st) == SQLITE_ROW)
		;
	sqlite3_finalize(st);
	if (!found)
		return 0;
	char detail[64];
	snprintf(detail, sizeof detail, "{\"token\": \"%.*s\"}", TOKEN_ID_LEN, hex);
	audit_revoke(db, actor, uid, detail);
	if (user_id)
		*user_id = uid;
	return 1;
}

int portal_user_end_sessions(sqlite3 *db, long long user_id, long long actor)
{
	int n = delete_for_user(db, "DELETE FROM sessions WHERE user_id = ?", user_id);
	if (n > 0) {
		char object[32], detail[48];
		snprintf(object, sizeof object, "user:%lld", user_id);
		snprintf(detail, sizeof detail, "{\"sessions\": %d}", n);
		audit_log(db, actor, "sessions_end", object, detail);
	}
	return n;
}

int portal_user_session_count(sqlite3 *db, long long user_id)
{
	sqlite3_stmt *st = portal_db_prepare(db, "SELECT count(*) FROM sessions WHERE user_id = ? AND expires_at > ?");
	sqlite3_bind_int64(st, 1, user_id);
	sqlite3_bind_int64(st, 2, portal_now());
	int n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
	sqlite3_finalize(st);
	return n;
}
