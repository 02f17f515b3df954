/* auth.h: who is calling, and which access groups that gives them.
 *
 * Bearer tokens are random 32-byte strings shown once; only their SHA-256 is
 * stored. Access groups are the strings a document's access terms are
 * matched against (see docs.h): "public", "u:<user id>", "e:<enterprise>",
 * "ag:<agency>", and for experts "xu:<user name>" (the name an expert record
 * carries, through which assignments reach its user). Staff and admin see
 * everything. */
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
};

extern const struct portal_user portal_anonymous;

/* Resolve an Authorization header value (may be NULL: anonymous). Strings in
 * *user live in the arena. Returns 0, or -1 when a token was given but is
 * not valid (the caller answers 401). */
int portal_auth_bearer(sqlite3 *db, struct arena *a, const char *authorization,
		       struct portal_user *user);

int portal_user_sees_all(const struct portal_user *u);
/* 1 when the role may publish (visibility=public). */
int portal_user_may_publish(const struct portal_user *u);
/* The caller's access groups, as an arena array; returns the count. */
size_t portal_user_groups(const struct portal_user *u, struct arena *a, const char ***groups);

/* 1 when role names one of the five roles. */
int portal_role_valid(const char *role);
/* Create a user. -1 with err (duplicate name, bad role). */
int portal_user_add(sqlite3 *db, const char *name, const char *role, const char *enterprise_id,
		    const char *agency_id, char *err, size_t errlen);
/* Create a token for the named user, written to out (>= 64 bytes). */
int portal_token_create(sqlite3 *db, const char *name, char *out, size_t outlen, char *err, size_t errlen);

#endif
