/* accounts.h: enterprise accounts in bulk, from a year's load-year CSV.
 *
 * Each enterprise named by a row (by credit code, as load-year finds it)
 * that has no enterprise user yet gets one: named after the enterprise
 * (its credit code's last six characters added when that name is taken),
 * with a one-time password that is returned here once and stored only as
 * its argon2id hash (session.h). Enterprises the CSV names but the portal
 * does not know yet are counted, not created: load the year first. */
#ifndef PORTAL_ACCOUNTS_H
#define PORTAL_ACCOUNTS_H

#include <sqlite3.h>
#include <stddef.h>

struct arena;

struct account_new {
	const char *name;		/* the new user's name */
	const char *enterprise;		/* the enterprise's name */
	const char *credit_code;
	const char *password;		/* one-time, shown once */
};

struct accounts_result {
	struct account_new *created;	/* arena array */
	size_t ncreated;
	size_t existing;	/* enterprises that already had a user */
	size_t unknown;		/* credit codes no enterprise has */
};

/* Read csv (text of len bytes, the load-year format with its header) and
 * create the accounts, actor (a user id, 0: the operator's tool) doing it;
 * every creation and password is in the audit log. The passwords are
 * hashed first, then all accounts are written in one transaction: all or
 * none. 0; -1 with a sentence in err when the text is not that format;
 * -2 on a database failure (then none was made). Strings live in a. */
int accounts_from_year(sqlite3 *db, struct arena *a, const char *csv, size_t len, long long actor,
		       struct accounts_result *res, char *err, size_t errlen);

#endif
