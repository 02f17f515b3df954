/* accounts.c: enterprise accounts in bulk from a year's CSV (accounts.h). */
#include "accounts.h"
#include "arena.h"
#include "audit.h"
#include "auth.h"
#include "db.h"
#include "session.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#define NCOLS 10
#define COL_CREDIT 3

/* Split a line at commas into out (fields may be "quoted", "" inside
 * quotes); the line is changed in place. The count, -1 on an open quote. */
static int split(char *line, char **out, int max)
{
	int n = 0;
	char *p = line;
	while (n < max) {
		char *w = p;
		out[n++] = w;
		if (*p == '"') {
			p++;
			for (;;) {
				if (!*p)
					return -1;
				if (*p == '"' && p[1] == '"') {
					*w++ = '"';
					p += 2;
				} else if (*p == '"') {
					p++;
					break;
				} else
					*w++ = *p++;
			}
		} else
			while (*p && *p != ',')
				*w++ = *p++;
		int end = *p != ',';
		if (*p)
			p++;
		*w = '\0';
		if (end)
			break;
	}
	return n;
}

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

static int make_one(sqlite3 *db, struct arena *a, const char *ent_id, const char *ent_name, const char *credit,
		    long long actor, struct account_new *out, char *err, size_t errlen)
{
	const char *name = ent_name;
	if (portal_user_id(db, name)) {
		size_t cl = strlen(credit);
		name = arena_printf(a, "%s-%s", ent_name, cl > 6 ? credit + cl - 6 : credit);
	}
	if (portal_user_add(db, name, "enterprise", ent_id, NULL, err, errlen) < 0)
		return -1;
	long long uid = portal_user_id(db, name);
	audit_log(db, actor, "user_create", arena_printf(a, "user:%lld", uid),
		  arena_printf(a, "{\"role\": \"enterprise\", \"enterprise\": \"%s\", \"bulk\": true}", ent_id));
	char pw[SESSION_PASSWORD_LEN + 1];
	session_password_new(pw);
	int rc = session_set_password_by(db, name, pw, actor, "password_set", err, errlen);
	out->name = name;
	out->enterprise = ent_name;
	out->credit_code = credit;
	out->password = arena_strdup(a, pw);
	sodium_memzero(pw, sizeof pw);
	return rc;
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
	size_t cap = 0;
	int lineno = 0;
	char *save = NULL;
	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		size_t l = strlen(line);
		while (l && line[l - 1] == '\r')
			line[--l] = '\0';
		if (!*line)
			continue;
		char *f[NCOLS];
		int n = split(line, f, NCOLS);
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
		const char *ent_id, *ent_name;
		if (!enterprise_of(db, a, f[COL_CREDIT], &ent_id, &ent_name)) {
			res->unknown++;
			continue;
		}
		if (has_user(db, ent_id)) {
			/* a second row of one enterprise (audit and project) is not
			 * counted twice */
			int seen = 0;
			for (size_t i = 0; i < res->ncreated; i++)
				seen |= strcmp(res->created[i].credit_code, f[COL_CREDIT]) == 0;
			res->existing += !seen;
			continue;
		}
		res->created = arena_grow(a, res->created, res->ncreated, &cap, sizeof *res->created);
		if (make_one(db, a, ent_id, ent_name, arena_strdup(a, f[COL_CREDIT]), actor,
			     &res->created[res->ncreated], err, errlen) < 0)
			return -1;
		res->ncreated++;
	}
	return 0;
}
