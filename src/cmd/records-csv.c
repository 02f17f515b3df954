/* records-csv.c: portalctl load-year CSV (records-cmd.h). Each row goes
 * through the record engine as the system user, so the CSV is validated
 * exactly like the API and every record lands in the audit trail. */
#include "records-cmd.h"
#include "records.h"
#include "report.h"
#include "arena.h"
#include "csv.h"
#include "auth.h"
#include "db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NCOLS 10
static const char *const header[NCOLS] = {
	"kind", "year", "enterprise", "credit_code", "sector", "industry", "district", "agency", "project", "round",
};

static const char *find_id(sqlite3 *db, struct arena *a, const char *sql, const char *key, int year)
{
	sqlite3_stmt *st = portal_db_prepare(db, sql);
	sqlite3_bind_text(st, 1, key, -1, SQLITE_TRANSIENT);
	if (sqlite3_bind_parameter_count(st) > 1)
		sqlite3_bind_int(st, 2, year);
	const char *id = sqlite3_step(st) == SQLITE_ROW ? arena_strdup(a, (const char *)sqlite3_column_text(st, 0)) : NULL;
	sqlite3_finalize(st);
	return id;
}

/* A row of the load-year CSV; arg is the reason for project rows (or NULL). */
static int year_row(sqlite3 *db, struct arena *a, char **f, const void *arg, const char **why)
{
	const char *reason = arg;
	static const struct portal_user system = { 0, "portalctl", "admin", NULL, NULL, NULL, NULL };
	struct rctx c = { .db = db, .a = a, .u = &system };
	int year = atoi(f[1]);
	const char *ent = find_id(db, a, "SELECT id FROM enterprises WHERE credit_code = upper(trim(?))", f[3], 0);
	if (!ent) {
		c.t = &rt_enterprises;
		json_t *in = json_pack("{s:s,s:s,s:s,s:s,s:s}", "name", f[2], "credit_code", f[3], "sector", f[4],
				       "industry", f[5], "district", f[6]);
		int rc = rec_create(&c, in, &ent);
		json_decref(in);
		if (rc) {
			*why = c.msg;
			return -1;
		}
	}
	const char *agency = NULL;
	if (*f[7] && !(agency = find_id(db, a, "SELECT id FROM agencies WHERE name = ? AND year <= ?", f[7], year))) {
		c.t = &rt_agencies;
		json_t *in = json_pack("{s:s,s:i}", "name", f[7], "year", year);
		int rc = rec_create(&c, in, &agency);
		json_decref(in);
		if (rc) {
			*why = c.msg;
			return -1;
		}
	}
	json_t *in;
	const char *id;
	if (strcmp(f[0], "audit") == 0) {
		c.t = &rt_audits;
		in = json_pack("{s:s,s:s,s:s?}", "enterprise_id", ent, "year", f[1], "agency_id", agency);
	} else if (strcmp(f[0], "project") == 0) {
		c.t = &rt_projects;
		in = json_pack("{s:s,s:s,s:s,s:s,s:s*}", "enterprise_id", ent, "year", f[1], "name", f[8],
			       "round", *f[9] ? f[9] : "spring", "reason", reason);
	} else {
		*why = "kind 应为 audit 或 project。 kind must be audit or project.";
		return -1;
	}
	int rc = rec_create(&c, in, &id);
	json_decref(in);
	if (rc)
		*why = c.msg;
	return rc ? -1 : 0;
}

/* One row of a CSV file (ncols fields): 0 when loaded, -1 with *why. */
typedef int (*csv_row_fn)(sqlite3 *db, struct arena *a, char **f, const void *arg, const char **why);

/* Load the CSV file at path whose first line is names (ncols of them):
 * each other row through row, in an arena of its own; refused rows are
 * printed with their line. what names the command in its summary. 0 when
 * every row loaded, 1 otherwise. */
static int load_csv(sqlite3 *db, const char *path, const char *what, const char *const *names, int ncols,
		    csv_row_fn row, const void *arg)
{
	FILE *fp = fopen(path, "r");
	if (!fp) {
		perror(path);
		return 1;
	}
	char *line = NULL, *f[16];
	size_t cap = 0;
	ssize_t len;
	int lineno = 0, bad = 0, loaded = 0;
	while ((len = getline(&line, &cap, fp)) > 0) {
		lineno++;
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = '\0';
		char *p = line;
		if (lineno == 1 && strncmp(p, "\xef\xbb\xbf", 3) == 0)
			p += 3;
		if (!*p)
			continue;
		int n = portal_csv_split(p, f, ncols);
		if (lineno == 1) {
			int ok = n == ncols;
			for (int i = 0; ok && i < ncols; i++)
				ok = strcmp(f[i], names[i]) == 0;
			if (!ok) {
				fprintf(stderr, "%s:1: the header must be", path);
				for (int i = 0; i < ncols; i++)
					fprintf(stderr, "%s%s", i ? "," : " ", names[i]);
				fprintf(stderr, "\n");
				bad++;
				break;
			}
			continue;
		}
		struct arena *a = arena_new();
		const char *why = NULL;
		if (n != ncols) {
			fprintf(stderr, "%s:%d: %d columns, not %d\n", path, lineno, n, ncols);
			bad++;
		} else if (row(db, a, f, arg, &why) < 0) {
			fprintf(stderr, "%s:%d: %s\n", path, lineno, why ? why : "refused");
			bad++;
		} else
			loaded++;
		arena_destroy(a);
	}
	free(line);
	fclose(fp);
	printf("%s: %d rows loaded, %d refused\n", what, loaded, bad);
	return bad ? 1 : 0;
}

int records_load_year(sqlite3 *db, const char *path, const char *reason)
{
	return load_csv(db, path, "load-year", header, NCOLS, year_row, reason);
}

/* A row of year,sector,audits,projects,funds_yuan as the year's targets. */
static int plan_row(sqlite3 *db, struct arena *a, char **f, const void *arg, const char **why)
{
	static const struct portal_user system = { 0, "portalctl", "admin", NULL, NULL, NULL, NULL };
	static const char *const names[] = { "audits", "projects", "funds_fen" };
	struct rctx c = { .db = db, .a = a, .u = &system };
	json_t *m = json_object();
	(void)arg;
	for (int i = 0; i < 3; i++) {
		char *end;
		long long v = strtoll(f[2 + i], &end, 10);
		if (*f[2 + i] && !*end)
			json_object_set_new(m, names[i], json_integer(i == 2 ? v * 100 : v));
		else if (*f[2 + i])
			json_object_set_new(m, names[i], json_string(f[2 + i]));	/* refused below */
	}
	json_t *in = json_pack("{s:o}", f[1], m);
	int rc = report_targets_set(&c, atoi(f[0]), in);
	json_decref(in);
	if (rc)
		*why = c.msg;
	return rc ? -1 : 0;
}

int records_load_plan(sqlite3 *db, const char *path)
{
	static const char *const plan_header[] = { "year", "sector", "audits", "projects", "funds_yuan" };
	return load_csv(db, path, "load-plan", plan_header, 5, plan_row, NULL);
}
