/* accounts.c: enterprise accounts in bulk from a year's CSV (accounts.h). */
#include "accounts.h"
#include "arena.h"
#include "csv.h"
#include "audit.h"
#include "auth.h"
#include "db.h"
#include "session.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#define NCOLS 10
#define COL_CREDIT 3

/* The enterprise with this credit code: 1 with its id and name, 0 none. */
static int enterprise_of(sqlite3 *db, struct arena *a, const char *credit, const char **id, const char **name)
{
	sqlite3_stmt *st = portal_db_prepare(db,
		"SELECT id, name, credit_code FROM enterprises WHERE credit_code = upper(trim(?))");
	portal_db_bind_text(st, 1, credit);
	int found = sqlite3_step(st) == SQLITE_ROW;
	if (found) {
		*id = arena_strdup(a, (const char *)sqlite3_column_text(st, 0));
		*name = arena_strdup(a, (const char *)sqlite3_column_text(st, 1));
	}
	sqlite3_finalize(st);
	return found;
}

/* 1 when an enterprise user is tied to the enterprise (by id or credit
 * code, as the record rules accept either). */
static int has_user(sqlite3 *db, const char *ent_id)
{
	sqlite3_stmt *st = portal_db_prepare(db,
		"SELECT 1 FROM users u, enterprises e WHERE e.id = ?1 AND u.role = 'enterprise'"
		" AND (u.enterprise_id = e.id OR u.enterprise_id = e.credit_code) LIMIT 1");
	portal_db_bind_text(st, 1, ent_id);
	int has = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return has;
}

/* An account to make: the enterprise, and its password with the hash. */
struct plan {
	const char *ent_id, *ent_name, *credit;
	char password[SESSION_PASSWORD_LEN + 1];
	char hash[SESSION_HASH_LEN];
};

/* Create the planned account p inside the caller's transaction. */
static int make_one(sqlite3 *db, struct arena *a, const struct plan *p, long long actor, struct account_new *out,
		    char *err, size_t errlen)
{
	const char *name = p->ent_name;
	if (portal_user_id(db, name)) {
		size_t cl = strlen(p->credit);
		name = arena_printf(a, "%s-%s", p->ent_name, cl > 6 ? p->credit + cl - 6 : p->credit);
	}
	if (portal_user_add(db, name, "enterprise", p->ent_id, NULL, err, errlen) < 0)
		return -1;
	long long uid = portal_user_id(db, name);
	sqlite3_stmt *st = portal_db_prepare(db, "UPDATE users SET password_hash = ? WHERE id = ?");
	sqlite3_bind_text(st, 1, p->hash, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, uid);
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		snprintf(err, errlen, "database: %s", sqlite3_errmsg(db));
		return -1;
	}
	const char *object = arena_printf(a, "user:%lld", uid);
	audit_log(db, actor, "user_create", object,
		  arena_printf(a, "{\"role\": \"enterprise\", \"enterprise\": \"%s\", \"bulk\": true}", p->ent_id));
	audit_log(db, actor, "password_set", object, NULL);
	out->name = name;
	out->enterprise = p->ent_name;
	out->credit_code = p->credit;
	out->password = arena_strdup(a, p->password);
	return 0;
}

static int listed(const char *const *ids, size_t n, const char *id)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(ids[i], id) == 0)
			return 1;
	return 0;
}

/* Read the CSV into plans (one per enterprise without a user), counting
 * the others in res. -1 with err when it is not the load-year format. */
static int read_plans(sqlite3 *db, struct arena *a, char *text, struct plan **plans, size_t *nplans,
		      struct accounts_result *res, char *err, size_t errlen)
{
	size_t cap = 0, nseen = 0, seen_cap = 0;
	const char **seen = NULL;	/* enterprise ids and unknown codes met so far */
	int lineno = 0;
	char *save = NULL;
	*plans = NULL;
	*nplans = 0;
	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		size_t l = strlen(line);
		while (l && line[l - 1] == '\r')
			line[--l] = '\0';
		if (!*line)
			continue;
		char *f[NCOLS];
		int n = portal_csv_split(line, f, NCOLS);
		if (++lineno == 1) {
			if (n != NCOLS || strcmp(f[0], "kind") || strcmp(f[COL_CREDIT], "credit_code")) {
				snprintf(err, errlen, "第一行应为 load-year 的表头 kind,year,enterprise,credit_code,…。"
					 " The first line must be load-year's header.");
				return -1;
			}
			continue;
		}
		if (n != NCOLS)
			continue;
		const char *ent_id = NULL, *ent_name = NULL, *key;
		int known = enterprise_of(db, a, f[COL_CREDIT], &ent_id, &ent_name);
		key = known ? ent_id : arena_printf(a, "?%s", f[COL_CREDIT]);
		if (listed(seen, nseen, key))	/* an enterprise's second row */
			continue;
		seen = arena_grow(a, seen, nseen, &seen_cap, sizeof *seen);
		seen[nseen++] = key;
		if (!known)
			res->unknown++;
		else if (has_user(db, ent_id))
			res->existing++;
		else {
			*plans = arena_grow(a, *plans, *nplans, &cap, sizeof **plans);
			struct plan *p = &(*plans)[(*nplans)++];
			p->ent_id = ent_id;
			p->ent_name = ent_name;
			p->credit = arena_strdup(a, f[COL_CREDIT]);
		}
	}
	return 0;
}

int accounts_from_year(sqlite3 *db, struct arena *a, const char *csv, size_t len, long long actor,
		       struct accounts_result *res, char *err, size_t errlen)
{
	memset(res, 0, sizeof *res);
	char *text = arena_alloc(a, len + 1);
	memcpy(text, csv, len);
	text[len] = '\0';
	if (strncmp(text, "\xef\xbb\xbf", 3) == 0)
		text += 3;
	struct plan *plans;
	size_t n;
	if (read_plans(db, a, text, &plans, &n, res, err, errlen) < 0)
		return -1;
	/* argon2id takes a good fraction of a second per password: hash them
	 * all before taking the database's write lock, then write them in one
	 * short transaction (all or nothing). */
	for (size_t i = 0; i < n; i++) {
		session_password_new(plans[i].password);
		if (session_password_hash(plans[i].password, plans[i].hash) < 0) {
			snprintf(err, errlen, "out of memory while hashing a password");
			return -2;
		}
	}
	res->created = arena_alloc(a, (n ? n : 1) * sizeof *res->created);
	if (portal_db_exec(db, "BEGIN IMMEDIATE", err, errlen) < 0)
		return -2;
	for (size_t i = 0; i < n; i++) {
		if (has_user(db, plans[i].ent_id)) {	/* made meanwhile by someone else */
			res->existing++;
			continue;
		}
		if (make_one(db, a, &plans[i], actor, &res->created[res->ncreated], err, errlen) < 0) {
			sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
			res->ncreated = 0;
			return -2;
		}
		res->ncreated++;
	}
	for (size_t i = 0; i < n; i++)
		sodium_memzero(plans[i].password, sizeof plans[i].password);
	if (portal_db_exec(db, "COMMIT", err, errlen) < 0) {
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
		res->ncreated = 0;
		return -2;
	}
	return 0;
}
