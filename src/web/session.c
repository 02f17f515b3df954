/* session.c: passwords, session cookies, CSRF tokens, sign-in throttling. */
#include "session.h"
#include "arena.h"
#include "audit.h"
#include "auth.h"
#include "buf.h"
#include "db.h"
#include "html.h"
#include "request.h"
#include "http-response.h"
#include "log.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#define FAIL_WINDOW (15 * 60)	/* seconds */
#define FAIL_MAX_NAME 5		/* failures per name in the window */
#define FAIL_MAX_ADDR 20	/* failures per address in the window */
/* argon2id's cost, for every password hash and the stand-in below. */
#define PW_OPSLIMIT crypto_pwhash_OPSLIMIT_INTERACTIVE
#define PW_MEMLIMIT crypto_pwhash_MEMLIMIT_INTERACTIVE
#define TOKEN_CHARS 43		/* random_token(): 32 bytes in unpadded base64url */

static void sha256_hex(const char *s, char hex[65])
{
	unsigned char d[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(d, (const unsigned char *)s, strlen(s));
	sodium_bin2hex(hex, 65, d, sizeof d);
}

static void random_token(char *out, size_t outlen)
{
	unsigned char raw[32];
	randombytes_buf(raw, sizeof raw);
	sodium_bin2base64(out, outlen, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

int session_set_password(sqlite3 *db, const char *name, const char *password, char *err, size_t errlen)
{
	return session_set_password_by(db, name, password, 0, "password_change", err, errlen);
}

int session_set_password_by(sqlite3 *db, const char *name, const char *password, long long actor,
			    const char *action, char *err, size_t errlen)
{
	if (strlen(password) < 8) {
		snprintf(err, errlen, "a password needs at least 8 characters");
		return -1;
	}
	long long uid = portal_user_id(db, name);
	if (!uid) {
		snprintf(err, errlen, "no user named '%s'", name);
		return -1;
	}
	char hash[crypto_pwhash_STRBYTES];
	if (crypto_pwhash_str(hash, password, strlen(password), PW_OPSLIMIT, PW_MEMLIMIT) != 0) {
		snprintf(err, errlen, "out of memory while hashing the password");
		return -1;
	}
	if (portal_db_exec(db, "BEGIN IMMEDIATE", err, errlen) < 0)
		return -1;
	sqlite3_stmt *st = portal_db_prepare(db, "UPDATE users SET password_hash = ? WHERE id = ?");
	sqlite3_bind_text(st, 1, hash, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, uid);
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		snprintf(err, errlen, "database: %s", sqlite3_errmsg(db));
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	portal_user_end_sessions(db, uid, actor);
	portal_tokens_revoke_user(db, uid, actor);
	char object[32];
	snprintf(object, sizeof object, "user:%lld", uid);
	audit_log(db, actor, action, object, NULL);
	return portal_db_exec(db, "COMMIT", err, errlen);
}

_Static_assert(SESSION_HASH_LEN == crypto_pwhash_STRBYTES, "SESSION_HASH_LEN is libsodium's hash length");

int session_password_hash(const char *password, char out[SESSION_HASH_LEN])
{
	return crypto_pwhash_str(out, password, strlen(password), PW_OPSLIMIT, PW_MEMLIMIT) == 0 ? 0 : -1;
}

void session_password_new(char out[SESSION_PASSWORD_LEN + 1])
{
	/* no 0/O, 1/l/I: read off paper and typed in by hand */
	static const char alphabet[] = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
	for (int i = 0; i < SESSION_PASSWORD_LEN; i++)
		out[i] = alphabet[randombytes_uniform(sizeof alphabet - 1)];
	out[SESSION_PASSWORD_LEN] = '\0';
}

/* The value of cookie name in a Cookie header, in the arena; NULL if absent. */
static const char *cookie_value(struct arena *a, const char *header, const char *name)
{
	size_t nlen = strlen(name);
	const char *p = header;
	while (p && *p) {
		while (*p == ' ' || *p == ';')
			p++;
		const char *end = strchr(p, ';');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		if (len > nlen && strncmp(p, name, nlen) == 0 && p[nlen] == '=')
			return arena_strndup(a, p + nlen + 1, len - nlen - 1);
		p = end;
	}
	return NULL;
}

void session_resolve(struct request *r)
{
	if (!r->cookie)
		return;
	const char *sid = cookie_value(r->arena, r->cookie, SESSION_COOKIE);
	if (!sid || strlen(sid) > 100)
		return;
	char hex[65];
	sha256_hex(sid, hex);
	/* prepared once per worker: every signed-in request runs it */
	sqlite3_stmt *st = portal_db_cached(r->db,
		"SELECT u.id, u.name, u.role, u.enterprise_id, u.agency_id, s.csrf" PORTAL_USER_AREA_COLS
		" FROM sessions s JOIN users u ON u.id = s.user_id"
		" WHERE s.hash = ? AND s.expires_at > ? AND u.disabled_at IS NULL");
	sqlite3_bind_text(st, 1, hex, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, portal_now());
	if (sqlite3_step(st) == SQLITE_ROW) {
		r->user.id = sqlite3_column_int64(st, 0);
		r->user.name = arena_strdup(r->arena, (const char *)sqlite3_column_text(st, 1));
		r->user.role = arena_strdup(r->arena, (const char *)sqlite3_column_text(st, 2));
		r->user.enterprise_id = arena_strdup(r->arena, (const char *)sqlite3_column_text(st, 3));
		r->user.agency_id = arena_strdup(r->arena, (const char *)sqlite3_column_text(st, 4));
		r->csrf_token = arena_strdup(r->arena, (const char *)sqlite3_column_text(st, 5));
		r->user.district = arena_strdup(r->arena, (const char *)sqlite3_column_text(st, 6));
		r->user.sector = arena_strdup(r->arena, (const char *)sqlite3_column_text(st, 7));
		r->session_id = sid;
	}
	sqlite3_reset(st);	/* ends its read */
}

static int recent_failures(sqlite3 *db, const char *col, const char *value)
{
	char sql[128];
	snprintf(sql, sizeof sql, "SELECT count(*) FROM login_failures WHERE %s = ? AND at > ?", col);
	sqlite3_stmt *st = portal_db_prepare(db, sql);
	portal_db_bind_text(st, 1, value);
	sqlite3_bind_int64(st, 2, portal_now() - FAIL_WINDOW);
	int n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
	sqlite3_finalize(st);
	return n;
}

static void record_failure(sqlite3 *db, const char *name, const char *addr)
{
	sqlite3_stmt *st = portal_db_prepare(db, "INSERT INTO login_failures (name, addr, at) VALUES (?, ?, ?)");
	portal_db_bind_text(st, 1, name);
	portal_db_bind_text(st, 2, addr);
	sqlite3_bind_int64(st, 3, portal_now());
	sqlite3_step(st);
	sqlite3_finalize(st);
}

/* A hash of a random password nobody knows, with the cost of real ones:
 * checking a password against it takes as long as against a user's own.
 * Made at the first use in the process (process lifetime). */
static const char *stand_in_hash(void)
{
	static char hash[crypto_pwhash_STRBYTES];
	if (!*hash) {
		char pw[64];
		random_token(pw, sizeof pw);
		if (crypto_pwhash_str(hash, pw, strlen(pw), PW_OPSLIMIT, PW_MEMLIMIT) != 0)
			portal_fatal("out of memory while making the stand-in password hash");
	}
	return hash;
}

void session_init(void) { stand_in_hash(); }

/* The id of the enabled user name whose password this is, else 0. Every
 * outcome costs one argon2id verification. */
static long long password_check(sqlite3 *db, const char *name, const char *password)
{
	sqlite3_stmt *st = portal_db_prepare(db, "SELECT id, password_hash, disabled_at IS NULL FROM users WHERE name = ?");
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	long long uid = 0;
	int enabled = 0;
	char hash[crypto_pwhash_STRBYTES];
	snprintf(hash, sizeof hash, "%s", stand_in_hash());
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 1) != SQLITE_NULL) {
		uid = sqlite3_column_int64(st, 0);
		snprintf(hash, sizeof hash, "%s", (const char *)sqlite3_column_text(st, 1));
		enabled = sqlite3_column_int(st, 2);
	}
	sqlite3_finalize(st);
	int right = crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
	return right && enabled ? uid : 0;
}

static void set_cookie(struct request *r, const char *value, long max_age)
{
	resp_header(r, "Set-Cookie", arena_printf(r->arena, "%s=%s; Path=/; Max-Age=%ld; HttpOnly; SameSite=Lax%s",
		SESSION_COOKIE, value, max_age, r->https ? "; Secure" : ""));
}

int session_login(struct request *r, const char *name, const char *password, char *err, size_t errlen)
{
	if (recent_failures(r->db, "name", name) >= FAIL_MAX_NAME ||
	    (r->remote_addr && recent_failures(r->db, "addr", r->remote_addr) >= FAIL_MAX_ADDR)) {
		snprintf(err, errlen, "登录失败次数过多，请 15 分钟后再试。Too many failed sign-ins; try again in 15 minutes.");
		return -2;
	}
	long long uid = password_check(r->db, name, password);
	if (!uid) {
		record_failure(r->db, name, r->remote_addr);
		snprintf(err, errlen, "用户名或密码不正确。The name or the password is wrong.");
		return -1;
	}
	char sid[64], csrf[64], hex[65];
	random_token(sid, sizeof sid);
	random_token(csrf, sizeof csrf);
	sha256_hex(sid, hex);
	sqlite3_stmt *st = portal_db_prepare(r->db, "INSERT INTO sessions (hash, user_id, csrf, created_at, expires_at)"
				      " VALUES (?, ?, ?, ?, ?)");
	sqlite3_bind_text(st, 1, hex, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, uid);
	sqlite3_bind_text(st, 3, csrf, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, portal_now());
	sqlite3_bind_int64(st, 5, portal_now() + SESSION_HOURS * 3600);
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		snprintf(err, errlen, "The sign-in could not be recorded; please try again.");
		return -1;
	}
	set_cookie(r, sid, SESSION_HOURS * 3600L);
	r->session_id = arena_strdup(r->arena, sid);
	r->csrf_token = arena_strdup(r->arena, csrf);
	audit_log(r->db, uid, "login", arena_printf(r->arena, "user:%lld", uid), NULL);
	return 0;
}

void session_logout(struct request *r)
{
	if (r->session_id) {
		char hex[65];
		sha256_hex(r->session_id, hex);
		sqlite3_stmt *st = portal_db_prepare(r->db, "DELETE FROM sessions WHERE hash = ?");
		sqlite3_bind_text(st, 1, hex, -1, SQLITE_STATIC);
		sqlite3_step(st);
		sqlite3_finalize(st);
		audit_log(r->db, r->user.id, "logout", arena_printf(r->arena, "user:%lld", r->user.id), NULL);
	}
	set_cookie(r, "", 0);
	r->session_id = NULL;
	r->csrf_token = NULL;
	r->user = portal_anonymous;
}

const char *session_login_token(struct request *r)
{
	const char *t = r->cookie ? cookie_value(r->arena, r->cookie, LOGIN_COOKIE) : NULL;
	if (!t || strlen(t) != TOKEN_CHARS ||
	    strspn(t, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") != TOKEN_CHARS)
		return NULL;
	return t;
}

const char *session_login_token_issue(struct request *r)
{
	const char *t = session_login_token(r);
	if (t)
		return t;
	char fresh[64];
	random_token(fresh, sizeof fresh);
	resp_header(r, "Set-Cookie", arena_printf(r->arena, "%s=%s; Path=/login; HttpOnly; SameSite=Strict%s",
		LOGIN_COOKIE, fresh, r->https ? "; Secure" : ""));
	return arena_strdup(r->arena, fresh);
}

