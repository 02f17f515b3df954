/* report.c: deadlines, overdue items, the quarterly report, the agency
 * scoreboard and typical units (report.h). */
#include "report.h"
#include "records.h"
#include "arena.h"
#include "audit.h"
#include "auth.h"
#include "buf.h"
#include "db.h"
#include "http-request.h"
#include "http-response.h"
#include "workflow.h"
#include "labels.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int report_current_year(void)
{
	char today[11];
	rec_today(today);
	return atoi(today);
}

int report_latest_year(sqlite3 *db)
{
	int now = report_current_year();
	sqlite3_stmt *st = portal_db_prepare(db,
		"SELECT max(year) FROM (SELECT year FROM audits UNION ALL SELECT year FROM projects) WHERE year <= ?");
	sqlite3_bind_int(st, 1, now);
	int y = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL ? sqlite3_column_int(st, 0) : now;
	sqlite3_finalize(st);
	return y;
}

/* ---- deadlines -------------------------------------------------------- */

const char *const report_deadline_items[] = {
	"audit_filing", "audit_report", "audit_evaluation", "application_spring", "application_autumn", NULL,
};
static const char *const deadline_defaults[] = { "02-28", "05-31", "06-30", "02-28", "08-31" };

static int item_index(const char *item)
{
	for (int i = 0; item && report_deadline_items[i]; i++)
		if (strcmp(item, report_deadline_items[i]) == 0)
			return i;
	return -1;
}

const char *report_deadline_label(const char *item)
{
	return label_of(L_DEADLINE, item);
}

static int configured(sqlite3 *db, int year, const char *item, char *out)
{
	sqlite3_stmt *st = portal_db_prepare(db, "SELECT date FROM deadlines WHERE year = ? AND item = ?");
	sqlite3_bind_int(st, 1, year);
	sqlite3_bind_text(st, 2, item, -1, SQLITE_TRANSIENT);
	int found = sqlite3_step(st) == SQLITE_ROW;
	if (found)
		snprintf(out, 11, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return found;
}

void report_deadline(sqlite3 *db, int year, const char *item, char *out)
{
	if (configured(db, year, item, out))
		return;
	int i = item_index(item);
	char tmp[32];
	snprintf(tmp, sizeof tmp, "%04d-%s", year, i < 0 ? "12-31" : deadline_defaults[i]);
	memcpy(out, tmp, 10);
	out[10] = '\0';
	/* "End of February" in a leap year is the 29th. */
	if (strcmp(out + 5, "02-28") == 0 && ((year % 4 == 0 && year % 100 != 0) || year % 400 == 0))
		out[9] = '9';
}

json_t *report_deadlines_json(sqlite3 *db, int year)
{
	json_t *a = json_array();
	for (int i = 0; report_deadline_items[i]; i++) {
		char d[11], tmp[11];
		report_deadline(db, year, report_deadline_items[i], d);
		json_array_append_new(a, json_pack("{s:s,s:s,s:s,s:b}", "item", report_deadline_items[i],
			"label", label_of(L_DEADLINE, report_deadline_items[i]), "date", d,
			"configured", configured(db, year, report_deadline_items[i], tmp)));
	}
	return json_pack("{s:i,s:o}", "year", year, "deadlines", a);
}

int report_deadlines_set(struct rctx *c, int year, json_t *in)
{
	char err[256];
	if (!records_may_write(c->u))
		return rctx_fail(c, 403, "forbidden", NULL, "只有市级工作人员可以设置截止日期。 Only staff may set deadlines.");
	if (!json_is_object(in))
		return rctx_fail(c, 422, "invalid", NULL, "请求内容应为 JSON 对象。 The body must be a JSON object.");
	const char *key;
	json_t *v;
	json_object_foreach(in, key, v) {
		const char *d = json_string_value(v);
		if (item_index(key) < 0)
			return rctx_fail(c, 422, "unknown_field", key, arena_printf(c->a,
				"没有“%s”这个截止事项。 '%s' is not a deadline item.", key, key));
		if (!d || !rec_date_valid(d))
			return rctx_fail(c, 422, "invalid", key, arena_printf(c->a,
				"%s：日期应为 YYYY-MM-DD 格式的有效日期。 %s: must be a real date written YYYY-MM-DD.",
				report_deadline_label(key), key));
	}
	if (portal_db_exec(c->db, "BEGIN IMMEDIATE", err, sizeof err) < 0)
		return rctx_fail(c, 503, "busy", NULL, "数据库繁忙，请稍后再试。 The database is busy; try again.");
	json_t *diff = json_object();
	json_object_foreach(in, key, v) {
		char old[11];
		report_deadline(c->db, year, key, old);
		sqlite3_stmt *st = portal_db_prepare(c->db, "INSERT OR REPLACE INTO deadlines (year, item, date) VALUES (?, ?, ?)");
		sqlite3_bind_int(st, 1, year);
		sqlite3_bind_text(st, 2, key, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 3, json_string_value(v), -1, SQLITE_TRANSIENT);
		sqlite3_step(st);
		sqlite3_finalize(st);
		json_object_set_new(diff, key, json_pack("{s:s,s:O}", "from", old, "to", v));
	}
	char *detail = json_dumps(diff, JSON_COMPACT);
	audit_log(c->db, c->u->id, "update", arena_printf(c->a, "deadlines:%d", year), detail);
	free(detail);
	json_decref(diff);
	if (portal_db_exec(c->db, "COMMIT", err, sizeof err) < 0) {
		sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
		return rctx_fail(c, 500, "database", NULL, "保存失败。 The deadlines could not be saved.");
	}
	return 0;
}

/* ---- targets ------------------------------------------------------------------ */

static const char *const target_measures[] = { "audits", "projects", "funds_fen", NULL };

static int measure_index(const char *m)
{
	for (int i = 0; target_measures[i]; i++)
		if (strcmp(m, target_measures[i]) == 0)
			return i;
	return -1;
}

json_t *report_targets_json(sqlite3 *db, int year)
{
	json_t *sectors = json_object(), *total = json_object();
	sqlite3_stmt *ss = portal_db_prepare(db, "SELECT id FROM sectors ORDER BY rowid");
	while (sqlite3_step(ss) == SQLITE_ROW) {
		json_t *o = json_object();
		for (int i = 0; target_measures[i]; i++)
			json_object_set_new(o, target_measures[i], json_null());
		json_object_set_new(sectors, (const char *)sqlite3_column_text(ss, 0), o);
	}
	sqlite3_finalize(ss);
	for (int i = 0; target_measures[i]; i++)
		json_object_set_new(total, target_measures[i], json_null());
	sqlite3_stmt *st = portal_db_prepare(db, "SELECT sector, measure, value FROM targets WHERE year = ?");
	sqlite3_bind_int(st, 1, year);
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *m = (const char *)sqlite3_column_text(st, 1);
		long long v = sqlite3_column_int64(st, 2);
		json_t *o = json_object_get(sectors, (const char *)sqlite3_column_text(st, 0));
		if (o)
			json_object_set_new(o, m, json_integer(v));
		json_object_set_new(total, m, json_integer(json_integer_value(json_object_get(total, m)) + v));
	}
	sqlite3_finalize(st);
	return json_pack("{s:i,s:o,s:o}", "year", year, "sectors", sectors, "total", total);
}

/* The body of a targets write is {SECTOR: {MEASURE: n | null}}: 0 or 422. */
static int targets_valid(struct rctx *c, json_t *in)
{
	const char *sector, *m;
	json_t *o, *v;
	if (!json_is_object(in) || !json_object_size(in))
		return rctx_fail(c, 422, "invalid", NULL, "请求内容应为非空的 JSON 对象。 The body must be a non-empty JSON object.");
	json_object_foreach(in, sector, o) {
		sqlite3_stmt *st = portal_db_prepare(c->db, "SELECT 1 FROM sectors WHERE id = ?");
		sqlite3_bind_text(st, 1, sector, -1, SQLITE_TRANSIENT);
		int known = sqlite3_step(st) == SQLITE_ROW;
		sqlite3_finalize(st);
		if (!known || !json_is_object(o))
			return rctx_fail(c, 422, "unknown_field", sector, arena_printf(c->a,
				"没有“%s”这个行业大类。 '%s' is not a sector.", sector, sector));
		json_object_foreach(o, m, v) {
			if (measure_index(m) < 0)
				return rctx_fail(c, 422, "unknown_field", m, arena_printf(c->a,
					"没有“%s”这项目标（应为 audits、projects 或 funds_fen）。"
					" '%s' is not a target (audits, projects or funds_fen).", m, m));
			if (!json_is_null(v) && (!json_is_integer(v) || json_integer_value(v) < 0))
				return rctx_fail(c, 422, "invalid", m, arena_printf(c->a,
					"%s：目标应为不小于 0 的整数。 %s: a target is a whole number, 0 or more.", m, m));
		}
	}
	return 0;
}

int report_targets_set(struct rctx *c, int year, json_t *in)
{
	char err[256];
	const char *sector, *m;
	json_t *o, *v;
	int rc;
	if (!records_may_write(c->u))
		return rctx_fail(c, 403, "forbidden", NULL, "只有市级工作人员可以设置年度目标。 Only staff may set a year's targets.");
	if ((rc = targets_valid(c, in)))
		return rc;
	if (portal_db_exec(c->db, "BEGIN IMMEDIATE", err, sizeof err) < 0)
		return rctx_fail(c, 503, "busy", NULL, "数据库繁忙，请稍后再试。 The database is busy; try again.");
	json_object_foreach(in, sector, o) {
		json_object_foreach(o, m, v) {
			sqlite3_stmt *st = portal_db_prepare(c->db, json_is_null(v)
				? "DELETE FROM targets WHERE year = ?1 AND sector = ?2 AND measure = ?3"
				: "INSERT OR REPLACE INTO targets (year, sector, measure, value) VALUES (?1, ?2, ?3, ?4)");
			sqlite3_bind_int(st, 1, year);
			sqlite3_bind_text(st, 2, sector, -1, SQLITE_TRANSIENT);
			sqlite3_bind_text(st, 3, m, -1, SQLITE_TRANSIENT);
			if (!json_is_null(v))
				sqlite3_bind_int64(st, 4, json_integer_value(v));
			sqlite3_step(st);
			sqlite3_finalize(st);
		}
	}
	char *detail = json_dumps(in, JSON_COMPACT);
	audit_log(c->db, c->u->id, "update", arena_printf(c->a, "targets:%d", year), detail);
	free(detail);
	if (portal_db_exec(c->db, "COMMIT", err, sizeof err) < 0) {
		sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
		return rctx_fail(c, 500, "database", NULL, "保存失败。 The targets could not be saved.");
	}
	return 0;
}

int report_case_next(sqlite3 *db, const char *kind, json_t *row, struct report_step *s)
{
	static const struct {
		const char *kind, *from, *to, *item;
	} steps[] = {
		{ "audit", "listed", "filed", "audit_filing" },
		{ "audit", "filed", "submitted", "audit_report" },
		{ "audit", "submitted", "evaluated", "audit_evaluation" },
		{ "project", "recommended", "applied", "application" },
		{ "project", "implementing", "accepted", NULL },
		{ "project", "first_paid", "accepted", NULL },
		{ "project", "evaluated", "accepted", NULL },
		{ "project", "acceptance_failed", "accepted", NULL },
	};
	const char *state = json_string_value(json_object_get(row, "state"));
	int year = (int)json_integer_value(json_object_get(row, "year"));
	for (size_t i = 0; state && i < sizeof steps / sizeof steps[0]; i++) {
		if (strcmp(steps[i].kind, kind) || strcmp(steps[i].from, state))
			continue;
		const char *item = steps[i].item;
		s->state = steps[i].to;
		s->due[0] = '\0';
		if (item && strcmp(item, "application") == 0) {
			const char *round = json_string_value(json_object_get(row, "round"));
			item = round && strcmp(round, "autumn") == 0 ? "application_autumn" : "application_spring";
		}
		if (item) {
			s->label = report_deadline_label(item);
			report_deadline(db, year, item, s->due);
		} else {
			const char *end = json_string_value(json_object_get(row, "planned_end_date"));
			s->label = "项目按期完工验收";
			if (end && rec_date_valid(end))
				snprintf(s->due, sizeof s->due, "%s", end);
		}
		return 1;
	}
	return 0;
}

/* ---- overdue ---------------------------------------------------------------- */

static void bump(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key ? key : "");
	json_object_set_new(o, key ? key : "", json_integer(v ? json_integer_value(v) + 1 : 1));
}

json_t *report_overdue(struct rctx *c, int year, const char *as_of, const char *by)
{
	char today[11], d[5][11];
	if (!as_of) {
		rec_today(today);
		as_of = today;
	} else if (!rec_date_valid(as_of)) {
		rctx_fail(c, 400, "bad_parameter", "as_of", "as_of 应为 YYYY-MM-DD 格式的日期。 as_of must be a date written YYYY-MM-DD.");
		return NULL;
	}
	if (by && strcmp(by, "sector") && strcmp(by, "agency") && strcmp(by, "district")) {
		rctx_fail(c, 400, "bad_parameter", "by", "by 应为 sector、agency 或 district。 by must be sector, agency or district.");
		return NULL;
	}
	for (int i = 0; i < 5; i++)
		report_deadline(c->db, year, report_deadline_items[i], d[i]);
	/* One row per overdue case: its earliest step not done by as_of whose
	 * deadline had passed then. Done means the date its move recorded is
	 * on or before as_of, so the state of every case on as_of is
	 * reconstructed from its dated moves, whatever it is today. */
	c->t = &rt_audits;
	const char *audit_scope = records_scope_sql(c);
	c->t = &rt_projects;
	const char *project_scope = records_scope_sql(c);
#define NOT_BY(col) "coalesce(t." col ", '9999-12-31') > :as"
	sqlite3_stmt *st = portal_db_prepare(c->db, arena_printf(c->a,
		"SELECT 'audit:' || t.id, e.name || ' ' || t.year || '年审核',"
		"  CASE WHEN :as > :d0 AND (" NOT_BY("contract_date") " OR " NOT_BY("registration_date") ")"
		"         THEN 'audit_filing'"
		"       WHEN :as > :d1 AND " NOT_BY("report_date") " THEN 'audit_report'"
		"       WHEN :as > :d2 AND " NOT_BY("evaluated_date") " THEN 'audit_evaluation' END AS item,"
		"  e.sector, g.name, e.district, NULL FROM audits t JOIN enterprises e ON e.id = t.enterprise_id"
		"  LEFT JOIN agencies g ON g.id = t.agency_id WHERE t.year = :y AND item IS NOT NULL AND (%s)"
		" UNION ALL "
		"SELECT 'project:' || t.id, t.name,"
		"  CASE WHEN t.round = 'spring' AND :as > :d3 AND " NOT_BY("application_date") " THEN 'application_spring'"
		"       WHEN t.round = 'autumn' AND :as > :d4 AND " NOT_BY("application_date") " THEN 'application_autumn'"
		"       WHEN t.start_date <= :as AND :as > t.planned_end_date AND " NOT_BY("accepted_date")
		"         AND " NOT_BY("rejected_date") " THEN 'implementation_end' END AS item,"
		"  e.sector, NULL, e.district, t.planned_end_date FROM projects t JOIN enterprises e ON e.id = t.enterprise_id"
		"  WHERE t.year = :y AND item IS NOT NULL AND (%s)"
		" ORDER BY 1", audit_scope, project_scope));
#undef NOT_BY
	sqlite3_bind_text(st, sqlite3_bind_parameter_index(st, ":as"), as_of, -1, SQLITE_TRANSIENT);
	static const char *const names[] = { ":d0", ":d1", ":d2", ":d3", ":d4" };
	for (int i = 0; i < 5; i++)
		sqlite3_bind_text(st, sqlite3_bind_parameter_index(st, names[i]), d[i], -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, sqlite3_bind_parameter_index(st, ":y"), year);
	records_bind_scope(c, st);
	json_t *items = json_array(), *g_sector = json_object(), *g_agency = json_object(), *g_district = json_object();
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *item = (const char *)sqlite3_column_text(st, 2);
		char due[11];
		if (strcmp(item, "implementation_end") == 0)
			snprintf(due, sizeof due, "%s", (const char *)sqlite3_column_text(st, 6));
		else
			report_deadline(c->db, year, item, due);
		json_t *o = json_pack("{s:o,s:o,s:s,s:s,s:o,s:o,s:o,s:s,s:I}", "case", rec_column(st, 0),
			"title", rec_column(st, 1), "item", item, "label",
			report_deadline_label(item),
			"sector", rec_column(st, 3), "agency", rec_column(st, 4), "district", rec_column(st, 5),
			"due", due, "days_overdue", (json_int_t)rec_days_between(due, as_of));
		json_array_append_new(items, o);
		bump(g_sector, (const char *)sqlite3_column_text(st, 3));
		bump(g_agency, sqlite3_column_text(st, 4) ? (const char *)sqlite3_column_text(st, 4) : "（无咨询机构）");
		bump(g_district, (const char *)sqlite3_column_text(st, 5));
	}
	sqlite3_finalize(st);
	json_t *groups = json_object();
	if (!by || strcmp(by, "sector") == 0)
		json_object_set(groups, "sector", g_sector);
	if (!by || strcmp(by, "agency") == 0)
		json_object_set(groups, "agency", g_agency);
	if (!by || strcmp(by, "district") == 0)
		json_object_set(groups, "district", g_district);
	json_decref(g_sector);
	json_decref(g_agency);
	json_decref(g_district);
	return json_pack("{s:i,s:s,s:I,s:o,s:o}", "year", year, "as_of", as_of,
			 "total", (json_int_t)json_array_size(items), "items", items, "by", groups);
}

/* ---- quarterly report ------------------------------------------------------ */

/* A project's main-line stage on date end, from the dates of its moves. */
static const char *stage_on(sqlite3_stmt *st, const char *end, const char *state)
{
	/* columns 2.. : application_date, district_approved_date, review_date,
	 * approved_date, start_date, first_paid_date, evaluation_date,
	 * accepted_date, final_paid_date, rejected_date */
	static const char *const stage[] = {
		"applied", "district_approved", "reviewed", "approved", "implementing", "first_paid",
		"evaluated", "accepted", "completed", "rejected",
	};
	const char *best = "recommended";
	for (int i = 0; i < 10; i++) {
		const char *d = (const char *)sqlite3_column_text(st, 2 + i);
		if (!d || strcmp(d, end) > 0)
			continue;
		best = stage[i];
		if (i == 7 && strcmp(state, "acceptance_failed") == 0)
			best = "acceptance_failed";
	}
	return best;
}

static void add_real(json_t *o, const char *key, double v)
{
	json_object_set_new(o, key, json_real(json_real_value(json_object_get(o, key)) + v));
}

static json_t *sector_block(void)
{
	json_t *grades = json_object();
	for (int i = 0; audit_grades[i]; i++)
		json_object_set_new(grades, audit_grades[i], json_integer(0));
	json_t *stages = json_object();
	for (const char *const *s = rt_projects.flow->states; *s; s++)
		json_object_set_new(stages, *s, json_integer(0));
	return json_pack("{s:{s:i,s:i,s:i,s:i,s:o},s:{s:i,s:o},s:{s:i,s:i}}",
		"audits", "listed", 0, "started", 0, "submitted", 0, "evaluated", 0, "grades", grades,
		"projects", "total", 0, "by_stage", stages, "funds", "approved_fen", 0, "paid_fen", 0);
}

static void inc(json_t *block, const char *group, const char *key, long long n)
{
	json_t *g = json_object_get(block, group);
	json_object_set_new(g, key, json_integer(json_integer_value(json_object_get(g, key)) + n));
}

static void inc2(json_t *block, const char *group, const char *sub, const char *key, long long n)
{
	inc(json_object_get(block, group), sub, key, n);
}

int report_may_read(struct rctx *c)
{
	if (portal_user_sees_all(c->u))
		return 1;
	rctx_fail(c, 403, "forbidden", NULL,
		"报表仅供市级工作人员查看。 Reports are for the commission's staff.");
	return 0;
}

int report_quarterly_may_read(struct rctx *c)
{
	if (portal_user_sees_all(c->u) || (strcmp(c->u->role, "authority") == 0 && c->u->sector))
		return 1;
	rctx_fail(c, 403, "forbidden", NULL,
		"季度报表仅供市级工作人员和行业主管部门查看。 The quarterly report is for the commission's staff"
		" and the sector authorities.");
	return 0;
}

/* The one sector an authority's report is cut to; NULL: all (staff). */
static const char *report_sector(const struct rctx *c)
{
	return portal_user_sees_all(c->u) ? NULL : c->u->sector;
}

/* The confirmed results of the projects of year accepted by end, summed
 * into each sector's block ("results": {MEASURE: sum}) and the total;
 * returns the same per industry: {INDUSTRY: {MEASURE: sum}}. */
static json_t *results_by(struct rctx *c, int year, const char *end, json_t *sectors, json_t *total)
{
	json_t *by_industry = json_object(), *b;
	size_t i;
	json_array_foreach(sectors, i, b)
		json_object_set_new(b, "results", json_object());
	json_object_set_new(total, "results", json_object());
	sqlite3_stmt *st = portal_db_prepare(c->db,
		"SELECT e.sector, e.industry, r.measure, sum(r.value) FROM project_results r"
		" JOIN projects p ON p.id = r.project_id JOIN enterprises e ON e.id = p.enterprise_id"
		" WHERE p.year = ? AND p.accepted_date <= ? AND p.state IN ('accepted', 'completed')"
		" AND (?3 IS NULL OR e.sector = ?3)"
		" GROUP BY e.sector, e.industry, r.measure");
	sqlite3_bind_int(st, 1, year);
	sqlite3_bind_text(st, 2, end, -1, SQLITE_TRANSIENT);
	portal_db_bind_text(st, 3, report_sector(c));
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *sector = (const char *)sqlite3_column_text(st, 0);
		const char *industry = (const char *)sqlite3_column_text(st, 1);
		const char *m = (const char *)sqlite3_column_text(st, 2);
		double v = sqlite3_column_double(st, 3);
		json_array_foreach(sectors, i, b)
			if (strcmp(json_string_value(json_object_get(b, "sector")), sector) == 0)
				add_real(json_object_get(b, "results"), m, v);
		add_real(json_object_get(total, "results"), m, v);
		if (!json_object_get(by_industry, industry))
			json_object_set_new(by_industry, industry, json_object());
		add_real(json_object_get(by_industry, industry), m, v);
	}
	sqlite3_finalize(st);
	return by_industry;
}

json_t *report_quarterly(struct rctx *c, int year, int quarter)
{
	if (!report_quarterly_may_read(c))
		return NULL;
	static const char *const ends[] = { "03-31", "06-30", "09-30", "12-31" };
	char end[32];
	snprintf(end, sizeof end, "%04d-%s", year, ends[quarter - 1]);
	json_t *sectors = json_array(), *total = sector_block();
	/* an authority's report is its sector's alone: its total is that sector */
	sqlite3_stmt *ss = portal_db_prepare(c->db,
		"SELECT id, name FROM sectors WHERE ?1 IS NULL OR id = ?1 ORDER BY rowid");
	portal_db_bind_text(ss, 1, report_sector(c));
	while (sqlite3_step(ss) == SQLITE_ROW) {
		const char *sector = (const char *)sqlite3_column_text(ss, 0);
		json_t *b = sector_block();
		json_t *blocks[2] = { b, total };
		sqlite3_stmt *st = portal_db_prepare(c->db,
			"SELECT a.registration_date, a.report_date, a.evaluated_date, a.grade FROM audits a"
			" JOIN enterprises e ON e.id = a.enterprise_id WHERE a.year = ? AND e.sector = ?");
		sqlite3_bind_int(st, 1, year);
		sqlite3_bind_text(st, 2, sector, -1, SQLITE_TRANSIENT);
		while (sqlite3_step(st) == SQLITE_ROW) {
			static const char *const keys[] = { "started", "submitted", "evaluated" };
			for (int k = 0; k < 2; k++) {
				inc(blocks[k], "audits", "listed", 1);
				for (int i = 0; i < 3; i++) {
					const char *d = (const char *)sqlite3_column_text(st, i);
					if (d && strcmp(d, end) <= 0)
						inc(blocks[k], "audits", keys[i], 1);
				}
				const char *ev = (const char *)sqlite3_column_text(st, 2);
				if (ev && strcmp(ev, end) <= 0 && sqlite3_column_text(st, 3))
					inc2(blocks[k], "audits", "grades", (const char *)sqlite3_column_text(st, 3), 1);
			}
		}
		sqlite3_finalize(st);
		st = portal_db_prepare(c->db,
			"SELECT p.state, p.subsidy_fen, p.application_date, p.district_approved_date, p.review_date,"
			" p.approved_date, p.start_date, p.first_paid_date, p.evaluation_date, p.accepted_date,"
			" p.final_paid_date, p.rejected_date, p.first_paid_fen, p.final_paid_fen"
			" FROM projects p JOIN enterprises e ON e.id = p.enterprise_id WHERE p.year = ? AND e.sector = ?");
		sqlite3_bind_int(st, 1, year);
		sqlite3_bind_text(st, 2, sector, -1, SQLITE_TRANSIENT);
		while (sqlite3_step(st) == SQLITE_ROW) {
			const char *stage = stage_on(st, end, (const char *)sqlite3_column_text(st, 0));
			const char *approved = (const char *)sqlite3_column_text(st, 5);
			const char *first = (const char *)sqlite3_column_text(st, 7);
			const char *final = (const char *)sqlite3_column_text(st, 10);
			for (int k = 0; k < 2; k++) {
				inc(blocks[k], "projects", "total", 1);
				inc2(blocks[k], "projects", "by_stage", stage, 1);
				if (approved && strcmp(approved, end) <= 0)
					inc(blocks[k], "funds", "approved_fen", sqlite3_column_int64(st, 1));
				if (first && strcmp(first, end) <= 0)
					inc(blocks[k], "funds", "paid_fen", sqlite3_column_int64(st, 12));
				if (final && strcmp(final, end) <= 0)
					inc(blocks[k], "funds", "paid_fen", sqlite3_column_int64(st, 13));
			}
		}
		sqlite3_finalize(st);
		json_object_set_new(b, "sector", json_string(sector));
		json_object_set_new(b, "name", rec_column(ss, 1));
		json_array_append_new(sectors, b);
	}
	sqlite3_finalize(ss);
	json_t *by_industry = results_by(c, year, end, sectors, total);
	json_t *targets = report_targets_json(c->db, year), *b;
	size_t i;
	json_array_foreach(sectors, i, b)
		json_object_set(b, "target", json_object_get(json_object_get(targets, "sectors"),
			json_string_value(json_object_get(b, "sector"))));
	if (report_sector(c))
		json_object_set(total, "target", json_object_get(json_object_get(targets, "sectors"),
								 report_sector(c)));
	else
		json_object_set(total, "target", json_object_get(targets, "total"));
	json_decref(targets);
	return json_pack("{s:i,s:i,s:s,s:o,s:o,s:o}", "year", year, "quarter", quarter, "period_end", end,
			 "sectors", sectors, "total", total, "results_by_industry", by_industry);
}

/* One row: the codes and the value, then the same codes in Chinese
 * (labels.h), so a spreadsheet reads without a key. */
static void csv_row(struct buf *b, const char *sector, const char *measure, const char *key, long long v)
{
	const char *key_kind = strcmp(measure, "project_stage") == 0 ? L_PROJECT_STATE : L_MEASURE;
	buf_printf(b, "%s,%s,%s,%lld,%s,%s,%s\r\n", sector, measure, key, v,
		   label_of(strcmp(sector, "total") ? L_SECTOR : L_MEASURE, sector), label_of(L_MEASURE, measure),
		   label_of(key_kind, key));
}

void report_quarterly_csv(struct request *r, json_t *rep)
{
	struct buf *b = &r->out;
	r->content_type_out = "text/csv; charset=utf-8";
	resp_header(r, "Content-Disposition", arena_printf(r->arena,
		"attachment; filename=\"quarterly-%lld-Q%lld.csv\"",
		(long long)json_integer_value(json_object_get(rep, "year")),
		(long long)json_integer_value(json_object_get(rep, "quarter"))));
	buf_puts(b, "\xef\xbb\xbfsector,measure,key,value,行业大类,指标,分项\r\n");
	json_t *all = json_array(), *s;
	size_t i;
	json_array_extend(all, json_object_get(rep, "sectors"));
	json_t *tot = json_deep_copy(json_object_get(rep, "total"));
	json_object_set_new(tot, "sector", json_string("total"));
	json_array_append_new(all, tot);
	json_array_foreach(all, i, s) {
		const char *sector = json_string_value(json_object_get(s, "sector"));
		json_t *a = json_object_get(s, "audits"), *p = json_object_get(s, "projects");
		json_t *f = json_object_get(s, "funds"), *v;
		static const char *const ak[] = { "listed", "started", "submitted", "evaluated" };
		for (int k = 0; k < 4; k++)
			csv_row(b, sector, "audits", ak[k], json_integer_value(json_object_get(a, ak[k])));
		const char *key;
		json_object_foreach(json_object_get(a, "grades"), key, v)
			csv_row(b, sector, "audit_grade", key, json_integer_value(v));
		csv_row(b, sector, "projects", "total", json_integer_value(json_object_get(p, "total")));
		json_object_foreach(json_object_get(p, "by_stage"), key, v)
			csv_row(b, sector, "project_stage", key, json_integer_value(v));
		csv_row(b, sector, "funds", "approved_fen", json_integer_value(json_object_get(f, "approved_fen")));
		csv_row(b, sector, "funds", "paid_fen", json_integer_value(json_object_get(f, "paid_fen")));
		json_object_foreach(json_object_get(s, "target"), key, v)
			if (json_is_integer(v))
				csv_row(b, sector, "target", key, json_integer_value(v));
		json_object_foreach(json_object_get(s, "results"), key, v)
			buf_printf(b, "%s,result,%s,%.3f\r\n", sector, key, json_real_value(v));
	}
	json_decref(all);
}

/* ---- scoreboard (typical units: records-selection.c) --------------------------------------- */

json_t *report_scoreboard(struct rctx *c, int year)
{
	if (!report_may_read(c))
		return NULL;
	char d0[11], d1[11], today[11];
	report_deadline(c->db, year, "audit_filing", d0);
	report_deadline(c->db, year, "audit_report", d1);
	rec_today(today);
	/* Late: done after the deadline, or not done and the deadline passed.
	 * Among agencies of the same mean score, fewer late reports rank first. */
#define LATE(col, due) "sum(a.id IS NOT NULL AND coalesce(" col ", CASE WHEN :today > " due \
	" THEN :today END) > " due ")"
	sqlite3_stmt *st = portal_db_prepare(c->db,
		"SELECT g.id, g.name, g.status, g.score, count(a.id),"
		" sum(a.state = 'evaluated'), sum(a.grade = '优秀'), sum(a.grade = '良好'),"
		" sum(a.grade = '合格'), sum(a.grade = '不合格'),"
		" round(avg(CASE WHEN a.state = 'evaluated' THEN a.score END), 1) AS mean,"
		" " LATE("max(a.contract_date, a.registration_date)", ":d0") ","
		" " LATE("a.report_date", ":d1") " AS late_reports"
		" FROM agencies g LEFT JOIN audits a ON a.agency_id = g.id AND a.year = :y"
		" GROUP BY g.id ORDER BY mean IS NULL, mean DESC, late_reports, g.name");
#undef LATE
	sqlite3_bind_int(st, sqlite3_bind_parameter_index(st, ":y"), year);
	sqlite3_bind_text(st, sqlite3_bind_parameter_index(st, ":d0"), d0, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, sqlite3_bind_parameter_index(st, ":d1"), d1, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, sqlite3_bind_parameter_index(st, ":today"), today, -1, SQLITE_TRANSIENT);
	json_t *a = json_array();
	int rank = 0;
	while (sqlite3_step(st) == SQLITE_ROW) {
		json_t *grades = json_object();
		for (int i = 0; i < 4; i++)
			json_object_set_new(grades, audit_grades[i], json_integer(sqlite3_column_int64(st, 6 + i)));
		json_array_append_new(a, json_pack("{s:i,s:o,s:o,s:o,s:o,s:I,s:I,s:o,s:o,s:I,s:I}", "rank", ++rank,
			"agency_id", rec_column(st, 0), "name", rec_column(st, 1), "status", rec_column(st, 2),
			"yearly_score", rec_column(st, 3), "audits", (json_int_t)sqlite3_column_int64(st, 4),
			"evaluated", (json_int_t)sqlite3_column_int64(st, 5), "grades", grades,
			"mean_score", rec_column(st, 10), "late_filings", (json_int_t)sqlite3_column_int64(st, 11),
			"late_reports", (json_int_t)sqlite3_column_int64(st, 12)));
	}
	sqlite3_finalize(st);
	return json_pack("{s:i,s:o}", "year", year, "results", a);
}
