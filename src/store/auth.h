/* auth.h: who is calling, and which access groups that gives them.
 *
 * Bearer tokens are random 32-byte strings shown once; only their SHA-256 is
 * stored, and the first 8 hex characters of that hash are the token's public
 * id (what lists show and what revokes one without knowing it). A token may
 * have an expiry; an expired token, a revoked one (its row is deleted) and
 * one of a disabled user answer 401 on the next request: tokens are looked
 * up in SQLite on every request, never cached. Access groups are the strings a document's access terms are
 * matched against (see docs.h): "public", "u:<user id>", "e:<enterprise>",
 * "ag:<agency>", and for experts "xu:<user name>" (the name an expert record
 * carries, through which assignments reach its user), for a district
 * user (区发改委) "d:<district>" and for a sector's authority (行业主管部门)
 * "s:<sector>": a case's documents carry the district and sector of its
 * enterprise. Staff and admin see everything. */
#ifndef PORTAL_AUTH_H
#define PORTAL_AUTH_H

#include <sqlite3.h>
#include <stddef.h>

struct arena;

struct portal_user {
	long long id;		/* 0 for anonymous callers */
	const char *name;
	const char *role;	/* "public" for anonymous callers */
	const char *enterprise_id;	/* NULL when none */
	const char *agency_id;
	const char *district;	/* role district: its district (朝阳区); else NULL */
	const char *sector;	/* role authority: its sector (industry); else NULL */
};

extern const struct portal_user portal_anonymous;

/* Resolve an Authorization header value (may be NULL: anonymous). Strings in
 * *user live in the arena. Returns 0, or -1 when a token was given but is
 * not valid: unknown, revoked, expired, or its user is disabled (the caller
 * answers 401). */
int portal_auth_bearer(sqlite3 *db, struct arena *a, const char *authorization,
		       struct portal_user *user);

int portal_user_sees_all(const struct portal_user *u);
/* 1 when the caller may upload documents: every signed-in role but a
 * sector's authority, which only reads. */
int portal_user_may_upload(const struct portal_user *u);
/* 1 when the role may publish (visibility=public). */
int portal_user_may_publish(const struct portal_user *u);
/* The caller's access groups, as an arena array; returns the count. */
size_t portal_user_groups(const struct portal_user *u, struct arena *a, const char ***groups);

/* 1 when role names one of the seven roles (admin, staff, expert, agency,
 * enterprise, district, authority). */
int portal_role_valid(const char *role);
/* Create a user. -1 with err (duplicate name, bad role; district and
 * authority users are made with portal_user_add_area). */
int portal_user_add(sqlite3 *db, const char *name, const char *role, const char *enterprise_id,
		    const char *agency_id, char *err, size_t errlen);
/* Create a district user (role "district", area a district's id as the
 * enterprises' records hold it: 朝阳区) or a sector's authority (role
 * "authority", area a sector id: industry, services, agriculture). -1 with
 * err (duplicate name, bad role, unknown district or sector). */
int portal_user_add_area(sqlite3 *db, const char *name, const char *role, const char *area,
			 char *err, size_t errlen);
/* The SQL columns a user's row is read with, after id, name, role,
 * enterprise_id, agency_id: ", u.district, u.sector" (for the places
 * that resolve a caller: tokens, sessions, feeds). */
#define PORTAL_USER_AREA_COLS ", u.district, u.sector"
/* The id of the user named name; 0 when there is none. */
long long portal_user_id(sqlite3 *db, const char *name);

/* Disable (disabled 1) or enable (0) the named user. Disabling also revokes
 * all their tokens and ends their sessions; a disabled user cannot sign in
 * and no token of theirs works. actor: who does it (0: the operator's
 * tool), for the audit log. -1 with err (no such user). */
int portal_user_set_disabled(sqlite3 *db, const char *name, int disabled, long long actor,
			     char *err, size_t errlen);

/* Create a token for the named user, written to out (>= 64 bytes).
 * expires_at: seconds since the epoch, 0 for a token that never expires. */
int portal_token_create(sqlite3 *db, const char *name, long long expires_at, char *out, size_t outlen,
			char *err, size_t errlen);

#define TOKEN_ID_LEN 8		/* hex characters of the public id */

struct portal_token {
	char id[TOKEN_ID_LEN + 1];
	long long created_at;
	long long expires_at;	/* 0: never */
};

/* A user's tokens, oldest first, into an arena array; returns the count. */
size_t portal_token_list(sqlite3 *db, struct arena *a, long long user_id, struct portal_token **tokens);

/* Revoke every token of a user; returns how many there were. actor as
 * above; the revoke is written to the audit log. */
int portal_tokens_revoke_user(sqlite3 *db, long long user_id, long long actor);

/* Revoke one token, named by its public id (or a longer prefix of its
 * hash, at least TOKEN_ID_LEN hex characters) or by the token itself.
 * Returns 1 when one was revoked (its user's id to *user_id when not NULL),
 * 0 when none matches, -1 when an id matches several tokens (nothing is
 * revoked: give more of the hash). Written to the audit log. */
int portal_token_revoke(sqlite3 *db, const char *id_or_token, long long actor, long long *user_id);

/* End every session of a user (their cookies stop working at once);
 * returns how many there were. When there were any, the audit log records
 * it with actor as the one who did it (0: the operator's tool). */
int portal_user_end_sessions(sqlite3 *db, long long user_id, long long actor);

/* How many sessions of a user have not expired. */
int portal_user_session_count(sqlite3 *db, long long user_id);

#endif
