/* test-records-props.c: a property test of the record engine's write rules
 * (doc/records.md, issue 14 "Invariants on every write").
 *
 * A seeded PRNG drives a few thousand random writes on audits and projects
 * through the engine itself (rec_patch, workflow_move, rec_create,
 * expert_assign, project_change_request/decide, and PATCHes of experts'
 * conflict links and agency moves beside them), with values that are mostly
 * plausible so that many are accepted and the cases travel their whole
 * workflows. After every accepted write every invariant holds on every
 * record, checked twice: by the type's validator (struct rtype.check) and by
 * checks written here without the engine's code, so a broken validator is
 * caught too. After every refused write nothing changed: the record's row
 * (rec_row), every row of the programme tables, the assignments, the change
 * requests and the audit trail are byte for byte what they were.
 *
 * The seed is printed; PROPS_SEED=N reproduces a run, PROPS_STEPS=N changes
 * its length (default 3000), PROPS_TRACE=1 prints every operation. A
 * failure names the seed, the step, the operation and the record. */
#include "arena.h"
#include "auth.h"
#include "buf.h"
#include "db.h"
#include "records.h"
#include "records-link.h"
#include "records-move.h"
#include "records-link.h"
#include "labels.h"
#include "workflow.h"

#include "check-run.h"
#include <jansson.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define DEFAULT_SEED 20261205ull
#define DEFAULT_STEPS 3000
#define MAX_CASES 64

/* ---- the run's state ------------------------------------------------------ */

static sqlite3 *db;
static char dir[256], dbpath[300];
static struct portal_user staff;
static struct arena *A;	/* one per step */
static uint64_t seed, rng;
static int step = -1, trace;
static char op[4096];	/* the current operation, for failure messages */
static char today[11];
static int year_now;

static const char *ents[3], *ags[3], *exps[3];
static const char *audits[MAX_CASES], *projects[MAX_CASES];
static int naudits, nprojects;

static const char *const project_states[] = {
	"recommended", "applied", "district_approved", "reviewed", "approved", "implementing",
	"first_paid", "evaluated", "accepted", "completed", "acceptance_failed", "rejected", NULL,
};
static const char *const audit_states[] = { "listed", "filed", "submitted", "evaluated", NULL };
/* The dates of each flow in the order the moves set them. */
static const char *const project_chain[] = {
	"application_date", "district_approved_date", "review_date", "approved_date", "start_date",
	"first_paid_date", "evaluation_date", "accepted_date", "final_paid_date", NULL,
};
static const char *const audit_chain[] = {
	"contract_date", "registration_date", "report_date", "evaluated_date", NULL,
};

/* ---- failing with everything needed to reproduce ------------------------ */

static void fail_at(int line, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fail_at(int line, const char *fmt, ...)
{
	char msg[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (step < 0) {	/* a fixture or the targeted test */
		printf("# FAILED (line %d): %s\n# operation: %s\n# database kept in %s\n", line, msg, op, dir);
		fflush(stdout);
		ck_abort_msg("%s [operation: %.300s]", msg, op);
	}
	printf("# FAILED (line %d) at step %d with seed %llu: %s\n# operation: %s\n"
	       "# reproduce: PROPS_SEED=%llu make check TESTS=tests/unit/test-records-props"
	       " (database kept in %s)\n", line, step, (unsigned long long)seed, msg, op,
	       (unsigned long long)seed, dir);
	fflush(stdout);
	ck_abort_msg("seed %llu, step %d: %s [operation: %.300s]", (unsigned long long)seed, step, msg, op);
}
#define FAIL(...) fail_at(__LINE__, __VA_ARGS__)

/* ---- PRNG (splitmix64) ------------------------------------------------- */

static uint64_t next64(void)
{
	uint64_t z = (rng += 0x9E3779B97F4A7C15ull);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}
static long long rnd(long long n) { return n <= 0 ? 0 : (long long)(next64() % (uint64_t)n); }
static int chance(int percent) { return rnd(100) < percent; }
static const char *pick(const char *const *a, int n) { return a[rnd(n)]; }

/* ---- dates, without the engine's helpers -------------------------------- */

static long days_from_civil(int y, int m, int d)
{
	y -= m <= 2;
	long era = (y >= 0 ? y : y - 399) / 400;
	long yoe = y - era * 400;
	long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void civil_from_days(long z, char out[11])
{
	z += 719468;
	long era = (z >= 0 ? z : z - 146096) / 146097;
	long doe = z - era * 146097;
	long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long y = yoe + era * 400, doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	long mp = (5 * doy + 2) / 153, d = doy - (153 * mp + 2) / 5 + 1, m = mp + (mp < 10 ? 3 : -9);
	char tmp[64];
	snprintf(tmp, sizeof tmp, "%04ld-%02ld-%02ld", y + (m <= 2), m, d);
	snprintf(out, 11, "%.10s", tmp);
}

static long day_of(const char *iso)
{
	int y = 0, m = 0, d = 0;
	sscanf(iso, "%d-%d-%d", &y, &m, &d);
	return days_from_civil(y, m, d);
}

static const char *date_at(long days)
{
	char *s = arena_alloc(A, 11);
	civil_from_days(days, s);
	return s;
}

/* Today, local time, as the engine counts it; read again before each
 * step and each check, so a run across midnight compares a date the
 * engine accepted with a today at least as late as the engine's. */
static void refresh_today(void)
{
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	strftime(today, sizeof today, "%Y-%m-%d", &tm);
}

static int leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

/* The last day of a 12-month implementation that starts on start. */
static void twelve_months_after(const char *start, char out[11])
{
	int y = 0, m = 0, d = 0;
	sscanf(start, "%d-%d-%d", &y, &m, &d);
	if (m == 2 && d == 29 && !leap(y + 1))
		d = 28;
	char tmp[48];
	snprintf(tmp, sizeof tmp, "%04d-%02d-%02d", y + 1, m, d);
	snprintf(out, 11, "%.10s", tmp);
}

/* A date for the next step of a flow: mostly a few days after prev (or
 * after base when prev is not set), sometimes before it or after today. */
static const char *date_after(const char *prev, const char *base)
{
	long from = day_of(prev ? prev : base);
	if (chance(1))
		return chance(50) ? "2025-02-29" : "2025-13-01";	/* not a day: refused */
	if (chance(6))
		return date_at(from - 1 - rnd(10));
	if (chance(4))
		return date_at(day_of(today) + 1 + rnd(30));
	if (chance(3))
		return today;
	return date_at(from + rnd(25));
}

/* ---- reading records ------------------------------------------------------ */

static void ctx(struct rctx *c, const struct rtype *t)
{
	memset(c, 0, sizeof *c);
	c->db = db;
	c->a = A;
	c->u = &staff;
	c->t = t;
}

static json_t *row_of(const struct rtype *t, const char *id)
{
	struct rctx c;
	ctx(&c, t);
	return rec_row(&c, id);
}

/* The row as canonical JSON text (arena), or "(none)". */
static const char *dump(json_t *row)
{
	if (!row)
		return "(none)";
	char *s = json_dumps(row, JSON_COMPACT | JSON_SORT_KEYS);
	char *r = arena_strdup(A, s);
	free(s);
	return r;
}

/* The fields that differ between two rows: "year: 2024 -> 2026; ...". */
static const char *changes(json_t *before, json_t *after)
{
	struct buf b = BUF_INIT;
	const char *key;
	json_t *v;
	json_object_foreach(after, key, v) {
		json_t *w = json_object_get(before, key);
		if (w && json_equal(v, w))
			continue;
		char *x = w ? json_dumps(w, JSON_ENCODE_ANY | JSON_COMPACT) : NULL, *y = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
		buf_printf(&b, "%s%s: %s -> %s", b.len ? "; " : "", key, x ? x : "(none)", y ? y : "?");
		free(x);
		free(y);
	}
	if (!b.len)
		buf_puts(&b, "(no change)");
	const char *r = arena_strdup(A, buf_str(&b));
	buf_free(&b);
	return r;
}

static const char *str(json_t *row, const char *k) { return json_string_value(json_object_get(row, k)); }
static int set(json_t *row, const char *k)
{
	json_t *v = json_object_get(row, k);
	return v && !json_is_null(v);
}
static long long num(json_t *row, const char *k) { return json_integer_value(json_object_get(row, k)); }

static int index_of(const char *const *list, const char *s)
{
	for (int i = 0; s && list[i]; i++)
		if (strcmp(list[i], s) == 0)
			return i;
	return -1;
}

/* Everything a refused write must leave as it was: every row of the
 * programme tables, assignments, change requests, the audit trail. The
 * statements are prepared once per database (thousands of snapshots). */
#define NSNAP 8
static sqlite3_stmt *snap_st[NSNAP];

static char *snapshot(void)
{
	static const char *const queries[NSNAP] = {
		"SELECT * FROM audits ORDER BY id",
		"SELECT * FROM projects ORDER BY id",
		"SELECT * FROM experts ORDER BY id",
		"SELECT * FROM agencies ORDER BY id",
		"SELECT * FROM enterprises ORDER BY id",
		"SELECT * FROM assignments ORDER BY expert_id, case_id",
		"SELECT * FROM project_changes ORDER BY id",
		"SELECT count(*), max(id) FROM audit_log",
	};
	struct buf b = BUF_INIT;
	for (int k = 0; k < NSNAP; k++) {
		if (!snap_st[k])
			snap_st[k] = portal_db_prepare(db, queries[k]);
		sqlite3_stmt *st = snap_st[k];
		buf_puts(&b, queries[k]);
		buf_append(&b, "\n", 1);
		while (sqlite3_step(st) == SQLITE_ROW) {
			for (int i = 0; i < sqlite3_column_count(st); i++) {
				char type = (char)('0' + sqlite3_column_type(st, i));
				const unsigned char *v = sqlite3_column_text(st, i);
				buf_append(&b, &type, 1);
				if (v)
					buf_append(&b, v, (size_t)sqlite3_column_bytes(st, i));
				buf_append(&b, "|", 1);
			}
			buf_append(&b, "\n", 1);
		}
		sqlite3_reset(st);
	}
	return buf_detach(&b);
}

static long long audit_log_max(void)
{
	sqlite3_stmt *st = portal_db_prepare(db, "SELECT ifnull(max(id), 0) FROM audit_log");
	long long n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
	sqlite3_finalize(st);
	return n;
}

/* The audit trail entries of object after entry `after`: their count, and
 * the last one's action and detail (arena strings). */
static int log_since(long long after, const char *object, const char **action, const char **detail)
{
	sqlite3_stmt *st = portal_db_prepare(db,
		"SELECT action, detail FROM audit_log WHERE id > ? AND object = ? ORDER BY id");
	sqlite3_bind_int64(st, 1, after);
	sqlite3_bind_text(st, 2, object, -1, SQLITE_TRANSIENT);
	int n = 0;
	*action = *detail = NULL;
	while (sqlite3_step(st) == SQLITE_ROW) {
		n++;
		*action = arena_strdup(A, (const char *)sqlite3_column_text(st, 0));
		*detail = sqlite3_column_text(st, 1) ? arena_strdup(A, (const char *)sqlite3_column_text(st, 1)) : "";
	}
	sqlite3_finalize(st);
	return n;
}

/* ---- the invariants, written independently of the engine --------------- */

/* 1 when the comma-separated list has id. */
static int list_has(const char *list, const char *id)
{
	if (!list || !id || !*id)
		return 0;
	size_t n = strlen(id);
	for (const char *p = list; *p;) {
		const char *e = strchr(p, ',');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		while (len && *p == ' ')
			p++, len--;
		while (len && p[len - 1] == ' ')
			len--;
		if (len == n && memcmp(p, id, n) == 0)
			return 1;
		if (!e)
			break;
		p = e + 1;
	}
	return 0;
}

static void dates_in_order(const char *what, json_t *row, const char *const *chain)
{
	for (int i = 0; chain[i]; i++)
		for (int j = i + 1; chain[j]; j++) {
			const char *a = str(row, chain[i]), *b = str(row, chain[j]);
			if (a && b && strcmp(a, b) > 0)
				FAIL("%s: %s %s is after %s %s: %s", what, chain[i], a, chain[j], b, dump(row));
		}
}

static void project_invariants(const char *id, json_t *r)
{
	const char *what = arena_printf(A, "project %s", id);
	const char *state = str(r, "state");
	int si = index_of(project_states, state);
	if (si < 0)
		FAIL("%s: unknown state '%s'", what, state ? state : "(null)");
	long long inv = num(r, "investment_fen"), sub = num(r, "subsidy_fen");
	long long first = num(r, "first_paid_fen"), final = num(r, "final_paid_fen");
	if (set(r, "subsidy_fen")) {
		if (sub <= 0)
			FAIL("%s: subsidy %lld is not above zero: %s", what, sub, dump(r));
		if (!set(r, "investment_fen"))
			FAIL("%s: a subsidy of %lld with no investment recorded: %s", what, sub, dump(r));
		if (sub > inv)
			FAIL("%s: subsidy %lld above the investment %lld: %s", what, sub, inv, dump(r));
	}
	if ((set(r, "first_paid_fen") || set(r, "final_paid_fen")) && !set(r, "subsidy_fen"))
		FAIL("%s: a payment without an approved subsidy: %s", what, dump(r));
	if (first * 10 > sub * 7)
		FAIL("%s: first payment %lld above 70%% of the subsidy %lld: %s", what, first, sub, dump(r));
	if (first + final > sub && (first || final))
		FAIL("%s: payments %lld + %lld above the subsidy %lld: %s", what, first, final, sub, dump(r));
	static const char *const past[] = { "first_paid_date", "final_paid_date", "accepted_date", NULL };
	for (const char *const *f = past; *f; f++)
		if (str(r, *f) && strcmp(str(r, *f), today) > 0)
			FAIL("%s: %s %s is after today %s: %s", what, *f, str(r, *f), today, dump(r));
	dates_in_order(what, r, project_chain);
	const char *start = str(r, "start_date"), *end = str(r, "planned_end_date");
	if (start && end) {
		char limit[11];
		twelve_months_after(start, limit);
		if (strcmp(end, limit) > 0 || strcmp(end, start) < 0)
			FAIL("%s: planned end %s not within 12 months of the start %s: %s", what, end, start, dump(r));
	}
	static const char *const in_year[] = { "application_date", "start_date", NULL };
	for (const char *const *f = in_year; *f; f++)
		if (str(r, *f) && atoi(str(r, *f)) != num(r, "year"))
			FAIL("%s: %s %s is not in the project's year %lld: %s", what, *f, str(r, *f),
			     num(r, "year"), dump(r));
	/* What each state implies was set by the moves that reached it. */
	int approved = si >= index_of(project_states, "approved") && strcmp(state, "rejected") != 0;
	if (approved && !(set(r, "subsidy_fen") && set(r, "investment_fen") && set(r, "approved_date")))
		FAIL("%s: %s without subsidy, investment or approval date: %s", what, state, dump(r));
	int paid = si >= index_of(project_states, "first_paid") && strcmp(state, "rejected") != 0;
	if (paid && !(set(r, "first_paid_fen") && set(r, "first_paid_date")))
		FAIL("%s: %s without the first payment: %s", what, state, dump(r));
	if (strcmp(state, "completed") == 0 && !(set(r, "final_paid_fen") && set(r, "final_paid_date")))
		FAIL("%s: completed without the final payment: %s", what, dump(r));
}

static void audit_invariants(const char *id, json_t *r)
{
	const char *what = arena_printf(A, "audit %s", id);
	const char *state = str(r, "state"), *grade = str(r, "grade");
	int si = index_of(audit_states, state);
	if (si < 0)
		FAIL("%s: unknown state '%s'", what, state ? state : "(null)");
	if (!!grade != set(r, "score"))
		FAIL("%s: a grade without a score or a score without a grade: %s", what, dump(r));
	if (grade) {
		long long s = num(r, "score");
		const char *want = s >= 90 ? "优秀" : s >= 80 ? "良好" : s >= 60 ? "合格" : "不合格";
		if (s < 0 || s > 100 || strcmp(grade, want) != 0)
			FAIL("%s: grade %s does not follow the score %lld: %s", what, grade, s, dump(r));
	}
	if (strcmp(state, "evaluated") == 0 && !grade)
		FAIL("%s: evaluated without a grade: %s", what, dump(r));
	if (si > 0 && !set(r, "agency_id"))
		FAIL("%s: past 'listed' without a consulting agency: %s", what, dump(r));
	for (int i = 1; i <= si; i++)	/* filed: contract and registration; ... */
		if (!str(r, audit_chain[i]))
			FAIL("%s: %s without %s: %s", what, state, audit_chain[i], dump(r));
	dates_in_order(what, r, audit_chain);
}

/* No assigned expert is linked to the case's enterprise or (audits) agency. */
static void no_conflicts(void)
{
	sqlite3_stmt *st = portal_db_prepare(db,
		"SELECT s.expert_id, s.case_id, x.conflict_enterprises, x.conflict_agencies,"
		" coalesce(a.enterprise_id, p.enterprise_id), a.agency_id, a.id IS NULL AND p.id IS NULL"
		" FROM assignments s JOIN experts x ON x.id = s.expert_id"
		" LEFT JOIN audits a ON s.case_id LIKE 'audit:%' AND a.id = substr(s.case_id, 7)"
		" LEFT JOIN projects p ON s.case_id LIKE 'project:%' AND p.id = substr(s.case_id, 9)");
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *v[6];
		for (int i = 0; i < 6; i++)
			v[i] = sqlite3_column_text(st, i) ? arena_strdup(A, (const char *)sqlite3_column_text(st, i)) : NULL;
		int missing = sqlite3_column_int(st, 6);
		if (missing || list_has(v[2], v[4]) || list_has(v[3], v[5])) {
			sqlite3_finalize(st);
			if (missing)
				FAIL("expert %s is assigned to %s, which does not exist", v[0], v[1]);
			FAIL("expert %s (conflicts: enterprises %s, agencies %s) is assigned to %s of"
			     " enterprise %s, agency %s", v[0], v[2] ? v[2] : "-", v[3] ? v[3] : "-", v[1],
			     v[4] ? v[4] : "-", v[5] ? v[5] : "-");
		}
	}
	sqlite3_finalize(st);
}

/* The type's own validator on a stored row: the record "after a write
 * that changed nothing" (old = row). Not old = NULL: that is a creation,
 * which also applies the rules for new values (an agency active for a new
 * filing), and an agency suspended since is no broken invariant. */
static void validator_accepts(const struct rtype *t, const char *id, json_t *r)
{
	if (!t->check)
		return;	/* "May be NULL": the independent checks still run */
	struct rctx c;
	ctx(&c, t);
	if (t->check(&c, r, r) != 0)
		FAIL("the %s validator refuses stored %s %s: %d %s %s (%s): %s", t->kind, t->kind, id,
		     c.status, c.code ? c.code : "", c.field ? c.field : "", c.msg ? c.msg : "", dump(r));
}

/* The rows of projects and audits as last checked (id -> their columns as
 * text): a row's invariants depend on nothing but the row (and today), so a
 * row that is byte for byte the one checked before needs no new check.
 * Experts' rows are checked every time (their validator reads the
 * assignments). */
static json_t *checked;

static void every_invariant(void)
{
	static const struct rtype *const types[] = { &rt_projects, &rt_audits, &rt_experts };
	refresh_today();
	if (!checked)
		checked = json_object();
	for (size_t k = 0; k < sizeof types / sizeof types[0]; k++) {
		const struct rtype *t = types[k];
		/* read here with SELECT *, not with the engine's rec_row */
		sqlite3_stmt *st = portal_db_prepare(db, arena_printf(A, "SELECT * FROM %s ORDER BY rowid", t->name));
		struct buf raw = BUF_INIT;
		while (sqlite3_step(st) == SQLITE_ROW) {
			int n = sqlite3_column_count(st);
			buf_reset(&raw);
			buf_puts(&raw, t->kind);
			for (int i = 0; i < n; i++) {
				char type = (char)('0' + sqlite3_column_type(st, i));
				buf_append(&raw, &type, 1);
				if (sqlite3_column_text(st, i))
					buf_append(&raw, sqlite3_column_text(st, i), (size_t)sqlite3_column_bytes(st, i));
				buf_append(&raw, "|", 1);
			}
			const char *id = arena_strdup(A, (const char *)sqlite3_column_text(st, 0));
			const char *seen = json_string_value(json_object_get(checked, id));
			if (t != &rt_experts && seen && strcmp(seen, buf_str(&raw)) == 0)
				continue;
			json_t *r = json_object();
			for (int i = 0; i < n; i++) {
				json_t *v;
				switch (sqlite3_column_type(st, i)) {
				case SQLITE_INTEGER: v = json_integer(sqlite3_column_int64(st, i)); break;
				case SQLITE_FLOAT: v = json_real(sqlite3_column_double(st, i)); break;
				case SQLITE_NULL: v = json_null(); break;
				default: v = json_string((const char *)sqlite3_column_text(st, i));
				}
				json_object_set_new(r, sqlite3_column_name(st, i), v);
			}
			if (t == &rt_projects)
				project_invariants(id, r);
			else if (t == &rt_audits)
				audit_invariants(id, r);
			validator_accepts(t, id, r);
			json_decref(r);
			json_object_set_new(checked, id, json_string(buf_str(&raw)));
		}
		buf_free(&raw);
		sqlite3_finalize(st);
	}
	no_conflicts();
}

/* ---- fixtures -------------------------------------------------------------- */

static const char *must_create(const struct rtype *t, json_t *in)
{
	struct rctx c;
	const char *id = NULL;
	ctx(&c, t);
	char *s = json_dumps(in, JSON_COMPACT);
	int rc = rec_create(&c, in, &id);
	if (rc)
		FAIL("fixture: creating %s %s: %d %s %s", t->kind, s, rc, c.code, c.msg);
	free(s);
	json_decref(in);
	return strdup(id);
}

static void must_move(const struct rtype *t, const char *id, json_t *in)
{
	struct rctx c;
	ctx(&c, t);
	int rc = workflow_move(&c, id, in);
	if (rc)
		FAIL("fixture: moving %s %s: %d %s %s", t->kind, id, rc, c.code, c.msg);
	json_decref(in);
}

static void open_db(void)
{
	char err[256];
	const char *tmp = getenv("TMPDIR");
	snprintf(dir, sizeof dir, "%s/portal-props-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(dbpath, sizeof dbpath, "%s/portal.db", dir);
	db = portal_db_open(dbpath, err, sizeof err);
	ck_assert_msg(db != NULL, "portal_db_open: %s", err);
	/* Commits need not reach the disk in a test: thousands of them. */
	ck_assert_int_eq(portal_db_exec(db, "PRAGMA synchronous=OFF", err, sizeof err), 0);
	ck_assert_int_eq(portal_user_add(db, "prop-staff", "staff", NULL, NULL, err, sizeof err), 0);
	staff.id = sqlite3_last_insert_rowid(db);
	staff.name = "prop-staff";
	staff.role = "staff";
	A = arena_new();
	/* the engine's today and ours agree (the test computes dates from it) */
	char engine[11];
	rec_today(engine);
	refresh_today();
	ck_assert_str_eq(today, engine);
	year_now = atoi(today);
}

static void close_db(void)
{
	for (int k = 0; k < NSNAP; k++) {
		sqlite3_finalize(snap_st[k]);
		snap_st[k] = NULL;
	}
	arena_destroy(A);
	A = NULL;
	sqlite3_close(db);
	db = NULL;
	static const char *const suffix[] = { "", "-wal", "-shm" };
	for (int i = 0; i < 3; i++) {
		char path[320];
		snprintf(path, sizeof path, "%s%s", dbpath, suffix[i]);
		unlink(path);
	}
	rmdir(dir);
}

static void parties(void)
{
	static const char *const codes[] = { "91110105MA01A00012", "91110108MA01B00028", "91110114MA01D0004K" };
	static const char *const names[] = { "北京朝阳某医院", "某化工厂", "昌平某餐饮公司" };
	static const char *const sectors[] = { "services", "industry", "services" };
	static const char *const industries[] = { "医疗机构", "化工", "餐饮" };
	static const char *const districts[] = { "朝阳区", "海淀区", "昌平区" };
	for (int i = 0; i < 3; i++)
		ents[i] = must_create(&rt_enterprises, json_pack("{s:s,s:s,s:s,s:s,s:s}", "name", names[i],
			"credit_code", codes[i], "sector", sectors[i], "industry", industries[i], "district", districts[i]));
	for (int i = 0; i < 3; i++)
		ags[i] = must_create(&rt_agencies, json_pack("{s:s,s:i}", "name",
			i == 0 ? "清源咨询" : i == 1 ? "绿洲咨询" : "将被暂停的咨询", "year", year_now - 1));
	/* x0 is free of links; x1 is linked to enterprise 0, x2 to agency 1 */
	exps[0] = must_create(&rt_experts, json_pack("{s:s}", "name", "张专家"));
	exps[1] = must_create(&rt_experts, json_pack("{s:s,s:s}", "name", "李专家", "conflict_enterprises", ents[0]));
	exps[2] = must_create(&rt_experts, json_pack("{s:s,s:s}", "name", "王专家", "conflict_agencies", ags[1]));
}

/* ---- the random operations -------------------------------------------------- */

/* What an operation did, for the checks after it. */
struct outcome {
	const struct rtype *t;	/* the record written (NULL: none in particular) */
	const char *id;
	const char *to;		/* a move's target state */
	int patch;		/* a PATCH of the record */
	int create;
	const char *reason;	/* the PATCH's correction reason */
	const char *expert, *case_id;	/* an assignment */
	json_t *before;		/* the record's row before (rec_row), owned */
	int keeps_row;		/* the write leaves the record's own row as it was */
};

static void describe(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void describe(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(op, sizeof op, fmt, ap);
	va_end(ap);
}

static const char *json_text(json_t *v)
{
	char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
	char *r = arena_strdup(A, s ? s : "?");
	free(s);
	return r;
}

static const char *a_project(void) { return projects[rnd(nprojects)]; }
static const char *an_audit(void) { return audits[rnd(naudits)]; }

/* Mostly a case the condition holds for (one still on its way), so that
 * the cases travel their whole flows; otherwise any. */
static const char *a_case_where(const char *table, const char *cond)
{
	const char *id = NULL;
	if (chance(85)) {
		sqlite3_stmt *st = portal_db_prepare(db, arena_printf(A,
			"SELECT id FROM %s WHERE %s ORDER BY rowid", table, cond));
		json_t *ids = json_array();
		while (sqlite3_step(st) == SQLITE_ROW)
			json_array_append_new(ids, json_string((const char *)sqlite3_column_text(st, 0)));
		sqlite3_finalize(st);
		if (json_array_size(ids))
			id = arena_strdup(A, json_string_value(json_array_get(ids, (size_t)rnd((long long)json_array_size(ids)))));
		json_decref(ids);
	}
	if (id)
		return id;
	return strcmp(table, "audits") == 0 ? an_audit() : a_project();
}
static const char *a_live_project(void) { return a_case_where("projects", "state NOT IN ('completed', 'rejected')"); }
static const char *a_live_audit(void) { return a_case_where("audits", "state <> 'evaluated'"); }
static const char *an_enterprise(void) { return chance(4) ? "e00deadbeef" : ents[rnd(3)]; }
static int a_year(int back) { return chance(2) ? 1999 : year_now - (int)rnd(back + 1); }

static json_t *an_amount(long long around)
{
	switch (rnd(9)) {
	case 8:	/* yuan as a form writes them: 2 decimals at most */
		return chance(80) ? json_sprintf("%lld.%02lld", rnd(10000000), rnd(100)) : json_string("12.345");
	case 0: return json_integer(0);
	case 1: return json_integer(1 + rnd(100));
	case 2: return json_integer(10000000000000LL);	/* the largest amount */
	case 3: return chance(50) ? json_integer(10000000000001LL) : json_integer(-1);	/* refused */
	case 4: case 5:
		if (around > 0)
			return json_integer(around + rnd(3) - 1);
		/* fall through */
	default: return json_integer(100000 + rnd(100000000000LL));
	}
}

static const char *a_reason(void)
{
	if (chance(5))
		return "";	/* refused: a reason is 1 to 1000 bytes */
	return pick((const char *const[]){ "录入错误，更正", "企业更名后合并", "年度填错" }, 3);
}

static int op_patch_project(struct rctx *c, struct outcome *o)
{
	const char *id = chance(50) ? a_live_project() : a_project();
	json_t *row = row_of(&rt_projects, id), *in = json_object();
	long long sub = num(row, "subsidy_fen");
	for (int k = 1 + (int)rnd(3); k > 0; k--)
		switch (rnd(9)) {
		case 0: case 1: case 2:
			json_object_set_new(in, "investment_fen", chance(5) ? json_null() : an_amount(sub));
			break;
		case 3:
			json_object_set_new(in, "enterprise_id", json_string(an_enterprise()));
			break;
		case 4:
			json_object_set_new(in, "year", json_integer(a_year(2)));
			break;
		case 5:
			json_object_set_new(in, "round", json_string(chance(5) ? "winter" : chance(50) ? "spring" : "autumn"));
			break;
		case 6:
			json_object_set_new(in, "note", chance(20) ? json_null() : json_sprintf("备注 %lld", rnd(1000)));
			break;
		case 7:
			json_object_set_new(in, "name", json_sprintf("清洁生产改造项目 %lld", rnd(1000)));
			break;
		default:	/* fields only a move sets: refused */
			json_object_set_new(in, chance(50) ? "subsidy_fen" : "state",
					    chance(50) ? json_integer(1) : json_string("completed"));
		}
	if (chance(25))
		json_object_set_new(in, "reason", json_string(o->reason = a_reason()));
	o->t = &rt_projects, o->id = id, o->patch = 1;
	describe("rec_patch project %s %s on %s", id, json_text(in), dump(row));
	o->before = row;
	int rc = rec_patch(c, id, in);
	json_decref(in);
	return rc;
}

static int op_patch_audit(struct rctx *c, struct outcome *o)
{
	const char *id = an_audit();
	json_t *row = row_of(&rt_audits, id), *in = json_object();
	for (int k = 1 + (int)rnd(2); k > 0; k--)
		switch (rnd(5)) {
		case 0:
			json_object_set_new(in, "enterprise_id", json_string(an_enterprise()));
			break;
		case 1:
			json_object_set_new(in, "year", json_integer(a_year(5)));
			break;
		case 2:
			json_object_set_new(in, "agency_id", chance(10) ? json_null() :
					    json_string(chance(4) ? "g00deadbeef" : ags[rnd(3)]));
			break;
		case 3:
			json_object_set_new(in, "note", json_sprintf("审核备注 %lld", rnd(1000)));
			break;
		default:
			json_object_set_new(in, chance(50) ? "grade" : "score",
					    chance(50) ? json_string("优秀") : json_integer(95));
		}
	if (chance(25))
		json_object_set_new(in, "reason", json_string(o->reason = a_reason()));
	o->t = &rt_audits, o->id = id, o->patch = 1;
	describe("rec_patch audit %s %s on %s", id, json_text(in), dump(row));
	o->before = row;
	int rc = rec_patch(c, id, in);
	json_decref(in);
	return rc;
}

/* The target of a move: mostly a state the record can reach now. */
static const char *a_target(const struct rtype *t, const char *state, const char *const *all, int n)
{
	json_t *next = workflow_next(t->flow, state);
	const char *to;
	size_t n_next = json_array_size(next);
	if (n_next && chance(80)) {
		to = json_string_value(json_array_get(next, (size_t)rnd((long long)n_next)));
		/* a rejection ends a project: rarely */
		if (strcmp(to, "rejected") == 0 && n_next > 1 && !chance(8))
			to = json_string_value(json_array_get(next, 0));
		to = arena_strdup(A, to);
	}
	else {
		to = chance(3) ? "nowhere" : pick(all, n);
		if (strcmp(to, "rejected") == 0 && chance(70))
			to = pick(all, n);
	}
	json_decref(next);
	return to;
}

static const char *a_unit(void)
{
	return pick((const char *const[]){ "吨标准煤/年", "万千瓦时/年", "吨/年", "%" }, 4);
}

static int op_move_project(struct rctx *c, struct outcome *o)
{
	const char *id = a_live_project();
	json_t *r = row_of(&rt_projects, id), *in = json_object();
	const char *to = a_target(&rt_projects, str(r, "state"), project_states, 12);
	int year = (int)num(r, "year");
	const char *jan = arena_printf(A, "%04d-01-10", year);
	long long inv = num(r, "investment_fen"), sub = num(r, "subsidy_fen"), first = num(r, "first_paid_fen");
	json_object_set_new(in, "to", json_string(to));
	if (!strcmp(to, "applied")) {
		long d = day_of(jan) + rnd(300);
		if (chance(5))
			d += 365 * (chance(50) ? 1 : -1);	/* not in the project's year: refused */
		json_object_set_new(in, "application_date", json_string(date_at(d)));
	} else if (!strcmp(to, "district_approved")) {
		json_object_set_new(in, "district_approved_date", json_string(date_after(str(r, "application_date"), jan)));
	} else if (!strcmp(to, "reviewed")) {
		json_object_set_new(in, "review_date", json_string(date_after(str(r, "district_approved_date"), jan)));
	} else if (!strcmp(to, "approved")) {
		json_object_set_new(in, "approved_date", json_string(date_after(str(r, "review_date"), jan)));
		long long s = inv > 0 ? 1 + rnd(inv) : 1 + rnd(1000000000);
		if (chance(10))
			s = chance(50) ? inv + 1 : 0;
		else if (chance(10))
			s = inv;
		json_object_set_new(in, "subsidy_fen", json_integer(s));
	} else if (!strcmp(to, "implementing")) {
		const char *start = date_after(str(r, "approved_date"), jan);
		json_object_set_new(in, "start_date", json_string(start));
		long len = chance(15) ? 300 + rnd(200) : 30 + rnd(330);	/* sometimes over 12 months */
		json_object_set_new(in, "planned_end_date", json_string(date_at(day_of(start) + len)));
	} else if (!strcmp(to, "first_paid")) {
		long long f = sub * 7 / 10;
		f += chance(20) ? 1 + rnd(3) : chance(50) ? 0 : -rnd(f + 1);	/* around the 70% */
		json_object_set_new(in, "first_paid_fen", json_integer(f));
		json_object_set_new(in, "first_paid_date", json_string(date_after(str(r, "start_date"), jan)));
	} else if (!strcmp(to, "evaluated")) {
		json_object_set_new(in, "evaluation_date", json_string(date_after(str(r, "first_paid_date"), jan)));
		static const char *const figures[] = { "energy_saved", "consumption_cut", "pollution_cut", "efficiency_gain" };
		for (int i = 0; i < 4; i++) {
			json_object_set_new(in, figures[i], json_real((double)rnd(100000) / 10.0));
			json_object_set_new(in, arena_printf(A, "%s_unit", figures[i]), json_string(a_unit()));
		}
	} else if (!strcmp(to, "accepted") || !strcmp(to, "acceptance_failed")) {
		json_object_set_new(in, "accepted_date", json_string(date_after(str(r, "evaluation_date"), jan)));
		if (!strcmp(to, "acceptance_failed") || chance(30))
			json_object_set_new(in, "acceptance_note", json_string("节能量未达申报目标"));
	} else if (!strcmp(to, "completed")) {
		long long f = sub - first;
		f += chance(20) ? 1 + rnd(3) : chance(50) ? 0 : -rnd(f + 1);	/* around the rest */
		json_object_set_new(in, "final_paid_fen", json_integer(f));
		json_object_set_new(in, "final_paid_date", json_string(date_after(str(r, "accepted_date"), jan)));
	} else if (!strcmp(to, "rejected")) {
		json_object_set_new(in, "rejected_date", json_string(date_after(str(r, "application_date"), jan)));
		if (chance(30))
			json_object_set_new(in, "note", json_string("不符合支持条件"));
	}
	if (chance(4)) {	/* a field the move does not set, or one it needs missing */
		if (chance(50))
			json_object_set_new(in, "investment_fen", json_integer(1));
		else {
			const char *key = NULL;
			json_t *v;
			void *tmp;
			json_object_foreach_safe(in, tmp, key, v)
				if (strcmp(key, "to") != 0) {
					json_object_del(in, key);
					break;
				}
		}
	}
	o->t = &rt_projects, o->id = id, o->to = to;
	describe("workflow_move project %s %s on %s", id, json_text(in), dump(r));
	o->before = r;
	int rc = workflow_move(c, id, in);
	json_decref(in);
	return rc;
}

static int op_move_audit(struct rctx *c, struct outcome *o)
{
	const char *id = a_live_audit();
	json_t *r = row_of(&rt_audits, id), *in = json_object();
	const char *to = a_target(&rt_audits, str(r, "state"), audit_states, 4);
	const char *feb = arena_printf(A, "%04lld-02-01", num(r, "year"));
	json_object_set_new(in, "to", json_string(to));
	if (!strcmp(to, "filed")) {
		const char *contract = date_after(NULL, feb);
		json_object_set_new(in, "contract_date", json_string(contract));
		json_object_set_new(in, "registration_date", json_string(date_after(contract, feb)));
	} else if (!strcmp(to, "submitted")) {
		json_object_set_new(in, "report_date", json_string(date_after(str(r, "registration_date"), feb)));
	} else if (!strcmp(to, "evaluated")) {
		json_object_set_new(in, "evaluated_date", json_string(date_after(str(r, "report_date"), feb)));
		long long s = chance(3) ? 101 : rnd(101);
		const char *g = s >= 90 ? "优秀" : s >= 80 ? "良好" : s >= 60 ? "合格" : "不合格";
		if (chance(20))
			g = pick(audit_grades, 4);	/* often not the score's */
		json_object_set_new(in, "score", json_integer(s));
		json_object_set_new(in, "grade", json_string(g));
	}
	if (chance(3))
		json_object_set_new(in, "note", json_string("不是这一步的字段"));
	o->t = &rt_audits, o->id = id, o->to = to;
	describe("workflow_move audit %s %s on %s", id, json_text(in), dump(r));
	o->before = r;
	int rc = workflow_move(c, id, in);
	json_decref(in);
	return rc;
}

static int op_assign(struct rctx *c, struct outcome *o)
{
	const char *expert = exps[rnd(3)];
	const char *case_id = chance(3) ? "audit:a00deadbeef"
		: chance(40) ? arena_printf(A, "audit:%s", a_live_audit()) : arena_printf(A, "project:%s", a_live_project());
	json_t *in = json_pack("{s:s,s:s}", "case", case_id, "role",
			       chance(4) ? "boss" : pick((const char *const[]){ "reviewer", "evaluator", "acceptance" }, 3));
	o->expert = expert, o->case_id = case_id;
	if (strncmp(case_id, "audit:", 6) == 0)
		o->t = &rt_audits, o->id = case_id + 6;
	else
		o->t = &rt_projects, o->id = case_id + 8;
	o->before = row_of(o->t, o->id);
	o->keeps_row = 1;
	describe("expert_assign %s %s on %s", expert, json_text(in), dump(o->before));
	int rc = expert_assign(c, expert, in);
	json_decref(in);
	return rc;
}

static int op_patch_expert(struct rctx *c, struct outcome *o)
{
	const char *id = exps[rnd(3)];
	json_t *in = json_object();
	for (int k = 0; k < 2; k++) {
		int which = (int)rnd(2);
		struct buf b = BUF_INIT;
		for (int i = 0; i < 3; i++)
			if (chance(30))
				buf_printf(&b, "%s%s", b.len ? pick((const char *const[]){ ",", ", ", " " }, 3) : "",
					   which ? ags[i] : ents[i]);
		json_object_set_new(in, which ? "conflict_agencies" : "conflict_enterprises",
				    b.len ? json_string(buf_str(&b)) : json_null());
		buf_free(&b);
	}
	o->t = &rt_experts, o->id = id, o->patch = 1, o->before = row_of(&rt_experts, id);
	describe("rec_patch expert %s %s on %s", id, json_text(in), dump(o->before));
	int rc = rec_patch(c, id, in);
	json_decref(in);
	return rc;
}

static int op_agency(struct rctx *c, struct outcome *o)
{
	/* the third agency is suspended and reinstated; the others stay active */
	json_t *r = row_of(&rt_agencies, ags[2]);
	const char *to = chance(80) ? (strcmp(str(r, "status"), "active") ? "active" : "suspended") : "active";
	json_t *in = json_pack("{s:s}", "to", to);
	o->t = &rt_agencies, o->id = ags[2], o->to = to;
	describe("workflow_move agency %s %s on %s", ags[2], json_text(in), dump(r));
	o->before = r;
	int rc = workflow_move(c, ags[2], in);
	json_decref(in);
	return rc;
}

static int op_change_request(struct rctx *c, struct outcome *o)
{
	const char *id = a_case_where("projects", "state IN ('approved', 'implementing', 'first_paid', 'evaluated')");
	json_t *r = row_of(&rt_projects, id);
	json_t *in = json_pack("{s:s}", "description", "更换主要设备型号");
	const char *start = str(r, "start_date");
	if (chance(70))
		json_object_set_new(in, "new_end_date", json_string(date_at(
			day_of(start ? start : today) + (chance(20) ? 340 + rnd(60) : 30 + rnd(300)))));
	long long change = 0;
	o->t = &rt_projects, o->id = id, o->keeps_row = 1;
	describe("project_change_request %s %s on %s", id, json_text(in), dump(r));
	o->before = r;
	int rc = project_change_request(c, id, in, &change);
	json_decref(in);
	return rc;
}

static int op_change_decide(struct rctx *c, struct outcome *o)
{
	const char *id = a_case_where("projects", "id IN (SELECT project_id FROM project_changes WHERE state = 'pending')");
	sqlite3_stmt *st = portal_db_prepare(db, chance(85)
		? "SELECT id FROM project_changes WHERE project_id = ? AND state = 'pending' ORDER BY id"
		: "SELECT id FROM project_changes WHERE project_id = ? OR 1 ORDER BY id DESC");
	sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
	long long change = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 999999;
	sqlite3_finalize(st);
	const char *decision = chance(5) ? "maybe" : chance(60) ? "approved" : "rejected";
	json_t *in = json_pack("{s:s}", "decision", decision), *r = row_of(&rt_projects, id);
	o->t = &rt_projects, o->id = id;
	describe("project_change_decide %s change %lld %s on %s", id, change, json_text(in), dump(r));
	o->before = r;
	int rc = project_change_decide(c, id, change, in);
	json_decref(in);
	return rc;
}

static int op_create(struct rctx *c, struct outcome *o)
{
	json_t *in;
	const char *id = NULL;
	int audit = chance(40);
	if (audit && naudits < MAX_CASES) {
		in = json_pack("{s:s,s:i}", "enterprise_id", an_enterprise(), "year", a_year(12));
		if (chance(70))
			json_object_set_new(in, "agency_id", json_string(ags[rnd(3)]));
		c->t = o->t = &rt_audits;
	} else if (!audit && nprojects < MAX_CASES) {
		in = json_pack("{s:s,s:i,s:s,s:s}", "enterprise_id", an_enterprise(), "year", a_year(2),
			       "name", "新增清洁生产项目", "round", chance(50) ? "spring" : "autumn");
		if (chance(80))
			json_object_set_new(in, "investment_fen", an_amount(0));
		if (chance(50))	/* else refused unless an audit of it is graded 合格 or better */
			json_object_set_new(in, "reason", json_string("性质测试"));
		c->t = o->t = &rt_projects;
	} else
		return -1;	/* nothing to do */
	o->create = 1;
	describe("rec_create %s %s", o->t->kind, json_text(in));
	int rc = rec_create(c, in, &id);
	json_decref(in);
	if (!rc) {
		o->id = arena_strdup(A, id);
		if (audit)
			audits[naudits++] = strdup(id);
		else
			projects[nprojects++] = strdup(id);
	}
	return rc;
}

/* ---- checks after each operation ------------------------------------------ */

static int fixed_changed(const struct rtype *t, json_t *before, json_t *after)
{
	static const char *const fields[] = { "enterprise_id", "year", "round", NULL };
	for (int i = 0; fields[i]; i++) {
		if (t == &rt_audits && i == 2)
			break;
		json_t *a = json_object_get(before, fields[i]), *b = json_object_get(after, fields[i]);
		if (!json_equal(a, b))
			return 1;
	}
	return 0;
}

/* After an accepted write: the rules of the write itself. */
static void accepted_write(const struct outcome *o, json_t *before, json_t *after, long long log_before)
{
	if (!o->t || !o->id)
		return;
	if (o->t->is_case && !after)
		FAIL("the record is gone after an accepted write");
	const char *object = arena_printf(A, "%s:%s", o->t->kind, o->id);
	const char *action, *detail;
	int n = log_since(log_before, object, &action, &detail);
	if (o->patch && o->t->is_case) {
		const char *state = str(before, "state");
		int started = strcmp(state, o->t->flow->initial) != 0;
		int changed = !json_equal(before, after);
		if (started && fixed_changed(o->t, before, after) && !(o->reason && *o->reason))
			FAIL("enterprise, year or round of a started %s (%s) changed without a reason: %s",
			     o->t->kind, str(before, "state"), changes(before, after));
		if (changed && (n != 1 || strcmp(action, o->reason ? "correct" : "update") != 0))
			FAIL("a change logged %d times, last as '%s', not once as '%s'", n, action ? action : "-",
			     o->reason ? "correct" : "update");
		if (changed && o->reason && !strstr(detail, o->reason))
			FAIL("a correction logged without its reason: %s", detail);
		if (!changed && n)
			FAIL("a PATCH that changed nothing was logged (%s)", action);
	}
	if (o->to && o->t->flow) {
		if (strcmp(str(after, o->t->flow->column), o->to) != 0)
			FAIL("an accepted move to %s left the %s in %s", o->to, o->t->kind, str(after, o->t->flow->column));
		if (n != 1 || strcmp(action, "transition") != 0)
			FAIL("a move logged %d times, last as '%s'", n, action ? action : "-");
	}
	if (o->keeps_row && strcmp(dump(before), dump(after)) != 0)
		FAIL("the %s's row changed: %s", o->t->kind, changes(before, after));
	if (o->create && (n != 1 || strcmp(action, "create") != 0))
		FAIL("a creation logged %d times, last as '%s'", n, action ? action : "-");
	if (o->expert) {
		sqlite3_stmt *st = portal_db_prepare(db, "SELECT 1 FROM assignments WHERE expert_id = ? AND case_id = ?");
		sqlite3_bind_text(st, 1, o->expert, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 2, o->case_id, -1, SQLITE_TRANSIENT);
		int found = sqlite3_step(st) == SQLITE_ROW;
		sqlite3_finalize(st);
		if (!found)
			FAIL("an accepted assignment is not stored");
	}
}

/* ---- the property ------------------------------------------------------------ */

struct counts {
	long accepted, refused;
	long by_op[10][2];
	const char *codes[64];	/* refusals by code */
	long ncode[64];
};

static void count_code(struct counts *k, const char *code)
{
	int i = 0;
	for (; i < 64 && k->codes[i]; i++)
		if (strcmp(k->codes[i], code) == 0)
			break;
	if (i == 64)
		return;
	if (!k->codes[i])
		k->codes[i] = strdup(code);
	k->ncode[i]++;
}

static const char *const op_names[] = {
	"patch project", "move project", "patch audit", "move audit", "assign expert",
	"change request", "change decision", "patch expert", "agency status", "create case",
};

static int run_op(int which, struct rctx *c, struct outcome *o)
{
	switch (which) {
	case 0: return op_patch_project(c, o);
	case 1: return op_move_project(c, o);
	case 2: return op_patch_audit(c, o);
	case 3: return op_move_audit(c, o);
	case 4: return op_assign(c, o);
	case 5: return op_change_request(c, o);
	case 6: return op_change_decide(c, o);
	case 7: return op_patch_expert(c, o);
	case 8: return op_agency(c, o);
	default: return op_create(c, o);
	}
}

static int choose_op(void)
{
	/* weights, in the order of op_names */
	static const int w[] = { 18, 30, 10, 14, 8, 5, 5, 3, 2, 5 };
	long long x = rnd(100);
	for (int i = 0; i < 10; i++)
		if ((x -= w[i]) < 0)
			return i;
	return 0;
}

/* The document gates of case moves off: the writes here link no
 * documents (t0106-gates.sh tests the gates). */
static void gates_off(void)
{
	struct rctx c;
	ctx(&c, NULL);
	json_t *gates = link_gates(&c), *g, *off = json_object();
	size_t i;
	json_array_foreach(gates, i, g)
		json_object_set_new(off, json_string_value(json_object_get(g, "gate")), json_false());
	if (link_gates_set(&c, off))
		FAIL("fixture: gates off: %s", c.msg);
	json_decref(off);
	json_decref(gates);
}

/* Audits of year, evaluated 合格, for the three enterprises: what makes
 * them eligible for projects (written directly: a fixture, not a write
 * under test). */
static void eligible_audits(int year)
{
	for (int e = 0; e < 3; e++) {
		sqlite3_stmt *st = portal_db_prepare(db,
			"INSERT INTO audits (id, enterprise_id, year, agency_id, state, contract_date, registration_date,"
			" report_date, evaluated_date, grade, score, created_at, updated_at)"
			" VALUES (?1, ?2, ?3, ?4, 'evaluated', ?3 || '-01-10', ?3 || '-02-10', ?3 || '-05-10',"
			" ?3 || '-06-10', '合格', 70, 0, 0)");
		sqlite3_bind_text(st, 1, arena_printf(A, "aelig%05d%d", year, e), -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 2, ents[e], -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 3, year);
		sqlite3_bind_text(st, 4, ags[0], -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE)
			FAIL("fixture: eligible audit: %s", sqlite3_errmsg(db));
		sqlite3_finalize(st);
	}
}

static void make_cases(void)
{
	gates_off();
	/* audits: each enterprise for the last two years, agencies mixed */
	for (int e = 0; e < 3; e++)
		for (int y = 1; y <= 2; y++) {
			json_t *in = json_pack("{s:s,s:i}", "enterprise_id", ents[e], "year", year_now - y);
			if ((e + y) % 3)
				json_object_set_new(in, "agency_id", json_string(ags[(e + y) % 3]));
			audits[naudits++] = must_create(&rt_audits, in);
		}
	for (int i = 0; i < 8; i++) {
		json_t *in = json_pack("{s:s,s:i,s:s,s:s}", "enterprise_id", ents[i % 3], "year",
				       year_now - 1 - i % 2, "name", "清洁生产技术改造", "round", i % 2 ? "autumn" : "spring");
		if (i % 4)
			json_object_set_new(in, "investment_fen", json_integer(100000000LL * (1 + i)));
		/* no audit is evaluated yet: staff list the projects with a reason */
		json_object_set_new(in, "reason", json_string("性质测试"));
		projects[nprojects++] = must_create(&rt_projects, in);
	}
	/* the agency to suspend takes no new filings from here on */
	must_move(&rt_agencies, ags[2], json_pack("{s:s}", "to", "suspended"));
}

START_TEST(random_writes_keep_every_invariant_and_refusals_change_nothing)
{
	const char *s = getenv("PROPS_SEED"), *n = getenv("PROPS_STEPS");
	seed = s && *s ? strtoull(s, NULL, 0) : DEFAULT_SEED;
	int steps = n && *n ? atoi(n) : DEFAULT_STEPS;
	trace = getenv("PROPS_TRACE") && *getenv("PROPS_TRACE") == '1';
	rng = seed;
	printf("# seed %llu (PROPS_SEED), %d steps (PROPS_STEPS), today %s\n", (unsigned long long)seed, steps, today);
	fflush(stdout);
	parties();
	make_cases();
	every_invariant();

	/* The database as the last accepted write left it: a refused write
	 * must leave it so. */
	char *snap = snapshot();
	struct counts k = { 0 };
	for (step = 0; step < steps; step++) {
		arena_destroy(A);
		A = arena_new();
		refresh_today();
		struct rctx c;
		struct outcome o = { 0 };
		int which = choose_op();
		long long log_before = audit_log_max();
		ctx(&c, which == 0 || which == 1 || which == 5 || which == 6 ? &rt_projects
			: which == 2 || which == 3 ? &rt_audits : which == 7 ? &rt_experts
			: which == 8 ? &rt_agencies : &rt_audits);
		op[0] = '\0';
		int rc = run_op(which, &c, &o);
		if (rc < 0) {	/* the operation had nothing to do */
			json_decref(o.before);
			continue;
		}
		json_t *after = o.t && o.id ? row_of(o.t, o.id) : NULL;
		if (trace)
			printf("# %d: %s -> %d %s\n", step, op, rc, rc ? c.code : "");
		char *now = snapshot();
		if (rc == 0) {
			k.accepted++;
			k.by_op[which][0]++;
			accepted_write(&o, o.before, after, log_before);
			every_invariant();
		} else {
			k.refused++;
			k.by_op[which][1]++;
			if (rc < 400 || rc >= 500)
				FAIL("refused with status %d (%s: %s): a write is refused with a 4xx answer", rc,
				     c.code ? c.code : "-", c.msg ? c.msg : "-");
			if (!c.code || !c.msg)
				FAIL("refused with %d but no code or message", rc);
			count_code(&k, c.code);
			if (strcmp(snap, now) != 0) {
				/* name the first line that differs */
				const char *p = snap, *q = now;
				while (*p && *p == *q)
					p++, q++;
				while (p > snap && p[-1] != '\n')
					p--, q--;
				FAIL("a refused write (%d %s) changed the database: was \"%.300s\" now \"%.300s\"",
				     rc, c.code, p, q);
			}
			/* the record byte for byte, as rec_row shows it */
			if (o.before && strcmp(dump(o.before), dump(after)) != 0)
				FAIL("a refused write changed the record: %s", changes(o.before, after));
		}
		free(snap);
		snap = now;
		json_decref(o.before);
		json_decref(after);
	}
	free(snap);
	step = -1;
	printf("# %d steps: %ld accepted, %ld refused\n", steps, k.accepted, k.refused);
	for (int i = 0; i < 10; i++)
		printf("#   %-16s %5ld accepted %5ld refused\n", op_names[i], k.by_op[i][0], k.by_op[i][1]);
	printf("# refused by code:");
	for (int i = 0; i < 64 && k.codes[i]; i++) {
		printf(" %s %ld", k.codes[i], k.ncode[i]);
		free((void *)k.codes[i]);
	}
	printf("\n");
	sqlite3_stmt *st = portal_db_prepare(db, "SELECT state, count(*) FROM projects GROUP BY state ORDER BY 1");
	printf("# projects by state:");
	while (sqlite3_step(st) == SQLITE_ROW)
		printf(" %s %d", sqlite3_column_text(st, 0), sqlite3_column_int(st, 1));
	sqlite3_finalize(st);
	st = portal_db_prepare(db, "SELECT state, count(*) FROM audits GROUP BY state ORDER BY 1");
	printf("\n# audits by state:");
	while (sqlite3_step(st) == SQLITE_ROW)
		printf(" %s %d", sqlite3_column_text(st, 0), sqlite3_column_int(st, 1));
	sqlite3_finalize(st);
	printf("\n");
	fflush(stdout);
	/* The run is worth something only when both kinds were many, and the
	 * cases went all the way. */
	ck_assert_msg(k.accepted >= steps / 5 && k.refused >= steps / 10,
		      "seed %llu: too few accepted (%ld) or refused (%ld) writes to mean anything",
		      (unsigned long long)seed, k.accepted, k.refused);
	st = portal_db_prepare(db, "SELECT (SELECT count(*) FROM projects WHERE state = 'completed'),"
				   " (SELECT count(*) FROM audits WHERE state = 'evaluated')");
	ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
	int completed = sqlite3_column_int(st, 0), evaluated = sqlite3_column_int(st, 1);
	sqlite3_finalize(st);
	if (steps >= 1000)	/* a short run (PROPS_STEPS) need not get there */
		ck_assert_msg(completed > 0 && evaluated > 0, "seed %llu: no project completed or no audit evaluated",
			      (unsigned long long)seed);
}
END_TEST

/* ---- targeted: the fields fixed once a case has started ------------------- */

static int patch(const struct rtype *t, const char *id, json_t *in, const char **code)
{
	struct rctx c;
	ctx(&c, t);
	describe("rec_patch %s %s %s", t->kind, id, json_text(in));
	int rc = rec_patch(&c, id, in);
	*code = c.code ? arena_strdup(A, c.code) : "";
	json_decref(in);
	return rc;
}

/* A PATCH refused with status and code that changed nothing. */
static void refused(const struct rtype *t, const char *id, json_t *in, int status, const char *code)
{
	char *before = snapshot();
	const char *got;
	int rc = patch(t, id, in, &got);
	if (rc != status || strcmp(got, code) != 0)
		FAIL("expected %d %s, got %d %s", status, code, rc, got);
	char *after = snapshot();
	if (strcmp(before, after) != 0)
		FAIL("the refused PATCH changed the database");
	free(before);
	free(after);
}

/* A PATCH accepted and logged once as action with the reason (or none). */
static void accepted(const struct rtype *t, const char *id, json_t *in, const char *action, const char *reason)
{
	long long log_before = audit_log_max();
	const char *got, *act, *detail;
	int rc = patch(t, id, in, &got);
	if (rc != 0)
		FAIL("expected the PATCH accepted, got %d %s", rc, got);
	int n = log_since(log_before, arena_printf(A, "%s:%s", t->kind, id), &act, &detail);
	if (n != 1 || strcmp(act, action) != 0)
		FAIL("logged %d times, last as %s, not once as %s", n, act ? act : "-", action);
	if (reason && !strstr(detail, arena_printf(A, "\"reason\":\"%s\"", reason)))
		FAIL("the correction's log entry lacks its reason: %s", detail);
	if (!reason && strstr(detail, "\"reason\""))
		FAIL("an update logged with a reason: %s", detail);
	every_invariant();
}

START_TEST(enterprise_year_round_are_fixed_once_started_except_by_a_correction)
{
	parties();
	gates_off();
	int y = year_now - 1;
	const char *reason = "信用代码录错，更正为正确企业";
	eligible_audits(y - 3);

	/* audit: free while listed, fixed once filed, correctable with a reason */
	const char *a = must_create(&rt_audits, json_pack("{s:s,s:i,s:s}", "enterprise_id", ents[0],
		"year", y, "agency_id", ags[0]));
	audits[naudits++] = a;	/* freed by teardown */
	accepted(&rt_audits, a, json_pack("{s:s}", "enterprise_id", ents[1]), "update", NULL);
	accepted(&rt_audits, a, json_pack("{s:i}", "year", y - 1), "update", NULL);
	must_move(&rt_audits, a, json_pack("{s:s,s:s,s:s}", "to", "filed",
		"contract_date", arena_printf(A, "%d-02-01", y - 1), "registration_date", arena_printf(A, "%d-02-03", y - 1)));
	refused(&rt_audits, a, json_pack("{s:s}", "enterprise_id", ents[2]), 409, "fixed_field");
	refused(&rt_audits, a, json_pack("{s:i}", "year", y), 409, "fixed_field");
	refused(&rt_audits, a, json_pack("{s:s,s:s}", "enterprise_id", ents[2], "reason", ""), 422, "invalid");
	refused(&rt_audits, a, json_pack("{s:s,s:i}", "enterprise_id", ents[2], "reason", 1), 422, "invalid");
	accepted(&rt_audits, a, json_pack("{s:s}", "note", "不动企业和年度"), "update", NULL);
	accepted(&rt_audits, a, json_pack("{s:s,s:s}", "enterprise_id", ents[2], "reason", reason), "correct", reason);
	accepted(&rt_audits, a, json_pack("{s:i,s:s}", "year", y, "reason", reason), "correct", reason);
	json_t *r = row_of(&rt_audits, a);
	ck_assert_str_eq(str(r, "enterprise_id"), ents[2]);
	ck_assert_int_eq(num(r, "year"), y);
	json_decref(r);

	/* a correction re-checks conflicts: x1 is linked to enterprise 0 */
	struct rctx c;
	ctx(&c, &rt_audits);
	json_t *in = json_pack("{s:s}", "case", arena_printf(A, "audit:%s", a));
	ck_assert_int_eq(expert_assign(&c, exps[1], in), 0);
	json_decref(in);
	refused(&rt_audits, a, json_pack("{s:s,s:s}", "enterprise_id", ents[0], "reason", reason), 409,
		"conflict_of_interest");
	/* ... and x2 is linked to agency 1 */
	ctx(&c, &rt_audits);
	in = json_pack("{s:s}", "case", arena_printf(A, "audit:%s", a));
	ck_assert_int_eq(expert_assign(&c, exps[2], in), 0);
	json_decref(in);
	refused(&rt_audits, a, json_pack("{s:s}", "agency_id", ags[1]), 409, "conflict_of_interest");
	/* a suspended agency takes no case */
	must_move(&rt_agencies, ags[2], json_pack("{s:s}", "to", "suspended"));
	refused(&rt_audits, a, json_pack("{s:s}", "agency_id", ags[2]), 409, "agency_inactive");

	/* project: free while recommended, fixed once applied */
	const char *p = must_create(&rt_projects, json_pack("{s:s,s:i,s:s,s:s,s:I}", "enterprise_id", ents[0],
		"year", y, "name", "锅炉低氮改造", "round", "spring", "investment_fen", (json_int_t)500000000));
	projects[nprojects++] = p;
	accepted(&rt_projects, p, json_pack("{s:s,s:i,s:s}", "enterprise_id", ents[1], "year", y - 1, "round", "autumn"),
		 "update", NULL);
	accepted(&rt_projects, p, json_pack("{s:i}", "year", y), "update", NULL);
	must_move(&rt_projects, p, json_pack("{s:s,s:s}", "to", "applied", "application_date", arena_printf(A, "%d-03-01", y)));
	refused(&rt_projects, p, json_pack("{s:s}", "enterprise_id", ents[2]), 409, "fixed_field");
	refused(&rt_projects, p, json_pack("{s:i}", "year", y - 1), 409, "fixed_field");
	refused(&rt_projects, p, json_pack("{s:s}", "round", "spring"), 409, "fixed_field");
	accepted(&rt_projects, p, json_pack("{s:I}", "investment_fen", (json_int_t)600000000), "update", NULL);
	accepted(&rt_projects, p, json_pack("{s:s,s:s}", "enterprise_id", ents[2], "reason", reason), "correct", reason);
	accepted(&rt_projects, p, json_pack("{s:s,s:s}", "round", "spring", "reason", reason), "correct", reason);
	/* a corrected year must still hold the application date */
	refused(&rt_projects, p, json_pack("{s:i,s:s}", "year", y - 1, "reason", reason), 422, "wrong_year");
	r = row_of(&rt_projects, p);
	ck_assert_str_eq(str(r, "enterprise_id"), ents[2]);
	ck_assert_str_eq(str(r, "round"), "spring");
	ck_assert_int_eq(num(r, "year"), y);
	json_decref(r);
	ctx(&c, &rt_projects);
	in = json_pack("{s:s}", "case", arena_printf(A, "project:%s", p));
	ck_assert_int_eq(expert_assign(&c, exps[1], in), 0);
	json_decref(in);
	refused(&rt_projects, p, json_pack("{s:s,s:s}", "enterprise_id", ents[0], "reason", reason), 409,
		"conflict_of_interest");
	/* the money rules hold on a plain edit too, once approved */
	must_move(&rt_projects, p, json_pack("{s:s,s:s}", "to", "district_approved", "district_approved_date",
		arena_printf(A, "%d-03-05", y)));
	must_move(&rt_projects, p, json_pack("{s:s,s:s}", "to", "reviewed", "review_date", arena_printf(A, "%d-03-09", y)));
	must_move(&rt_projects, p, json_pack("{s:s,s:s,s:I}", "to", "approved", "approved_date",
		arena_printf(A, "%d-03-20", y), "subsidy_fen", (json_int_t)300000000));
	refused(&rt_projects, p, json_pack("{s:I}", "investment_fen", (json_int_t)100), 422, "subsidy_above_investment");
	refused(&rt_projects, p, json_pack("{s:n}", "investment_fen"), 422, "investment_required");
	accepted(&rt_projects, p, json_pack("{s:I}", "investment_fen", (json_int_t)300000000), "update", NULL);
	refused(&rt_projects, p, json_pack("{s:I}", "investment_fen", (json_int_t)299999999), 422, "subsidy_above_investment");
}
END_TEST

static void setup(void) { open_db(); }
static void teardown(void)
{
	close_db();
	for (int i = 0; i < naudits; i++)
		free((void *)audits[i]);
	for (int i = 0; i < nprojects; i++)
		free((void *)projects[i]);
	for (int i = 0; i < 3; i++) {
		free((void *)ents[i]);
		free((void *)ags[i]);
		free((void *)exps[i]);
	}
	naudits = nprojects = 0;
	json_decref(checked);
	checked = NULL;
}

/* ---- labels: every code a page shows has its Chinese ------------------ */

START_TEST(every_code_has_a_chinese_label)
{
	/* Every state of every workflow, every coded choice, every document
	 * role: a label other than the code itself. */
	for (const struct rtype *const *t = record_types; *t; t++) {
		for (const char *const *st = (*t)->flow ? (*t)->flow->states : NULL; st && *st; st++)
			ck_assert_msg(strcmp(workflow_label((*t)->flow, *st), *st), "%s state %s has no label", (*t)->name, *st);
		for (const struct rfield *f = (*t)->fields; f->name; f++)
			for (const char *const *c = f->codes && f->type == FT_ENUM ? f->choices : NULL; c && *c; c++)
				ck_assert_msg(strcmp(label_of(f->codes, *c), *c), "%s.%s %s has no label", (*t)->name, f->name, *c);
	}
	for (const char *const *r = link_roles; *r; r++)
		ck_assert_str_ne(link_role_label(*r), *r);
	ck_assert_str_eq(label_of(L_SECTOR, "services"), "服务业");
	ck_assert_str_eq(label_of(L_ROUND, "autumn"), "秋季");
	ck_assert_str_eq(label_of(L_SECTOR, "医疗机构"), "医疗机构");	/* not a code: as it is */
	ck_assert_str_eq(label_of(L_SECTOR, NULL), "");
	ck_assert_str_eq(label_code(L_SECTOR, "农业"), "agriculture");
	ck_assert_ptr_null(label_code(L_SECTOR, "医疗机构"));
	/* label_each walks a kind in table order, and only that kind. */
	const char *code, *label, *want[] = { "industry", "services", "agriculture" };
	int i = 0, n = 0;
	while (label_each(L_SECTOR, &i, &code, &label))
		ck_assert_str_eq(code, want[n++]);
	ck_assert_int_eq(n, 3);
}
END_TEST

START_TEST(money_reads_with_separators_and_its_unit)
{
	struct arena *a = arena_new();
	ck_assert_str_eq(rec_yuan_text(a, 140000000), "1,400,000.00 元");
	ck_assert_str_eq(rec_yuan_text(a, 99999), "999.99 元");
	ck_assert_str_eq(rec_yuan_text(a, 100000), "1,000.00 元");
	ck_assert_str_eq(rec_yuan_text(a, 0), "0.00 元");
	ck_assert_str_eq(rec_yuan_text(a, -123456789), "-1,234,567.89 元");
	arena_destroy(a);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("records-props");
	TCase *tc = tcase_create("records-props");
	/* checked (not unchecked) fixtures: each test runs in its own child
	 * with its own database */
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 300);	/* a guard against a hang, not a measure */
	tcase_add_test(tc, random_writes_keep_every_invariant_and_refusals_change_nothing);
	tcase_add_test(tc, enterprise_year_round_are_fixed_once_started_except_by_a_correction);
	suite_add_tcase(s, tc);
	TCase *tl = tcase_create("labels");
	tcase_add_test(tl, every_code_has_a_chinese_label);
	tcase_add_test(tl, money_reads_with_separators_and_its_unit);
	suite_add_tcase(s, tl);
	return run_suite(s);
}
