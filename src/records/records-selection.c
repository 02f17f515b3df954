/* records-selection.c: agencies' yearly selection and evaluation, and the
 * typical units chosen from accepted projects (selection.h). */
#include "selection.h"
#include "records.h"
#include "report.h"
#include "timeline.h"
#include "arena.h"
#include "audit.h"
#include "auth.h"
#include "db.h"
#include "results.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const statuses[] = { "申请", "入选", "未入选", "暂停", NULL };

static int one_of(const char *s, const char *const *set)
{
	for (; s && *set; set++)
		if (strcmp(s, *set) == 0)
			return 1;
	return 0;
}

static const char *text(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

void agency_selection_due(int year, char *out)
{
	snprintf(out, 11, "%04d-01-31", year);
}

/* The agency's name when c->u may see it; NULL with 404 on c otherwise. */
static const char *visible_agency(struct rctx *c, const char *agency_id)
{
	c->t = &rt_agencies;
	json_t *row = rec_row(c, agency_id);
	if (!row) {
		rec_not_found(c);
		return NULL;
	}
	const char *name = arena_strdup(c->a, text(row, "name"));
	json_decref(row);
	return name;
}

static int begin(struct rctx *c)
{
	char err[256];
	if (portal_db_exec(c->db, "BEGIN IMMEDIATE", err, sizeof err) < 0)
		return rctx_fail(c, 503, "busy", NULL, "数据库繁忙，请稍后再试。 The database is busy; try again.");
	return 0;
}

static int commit(struct rctx *c, const char *action, const char *object, json_t *detail)
{
	char err[256];
	char *d = json_dumps(detail, JSON_COMPACT);
	audit_log(c->db, c->u->id, action, object, d);
	free(d);
	json_decref(detail);
	if (portal_db_exec(c->db, "COMMIT", err, sizeof err) < 0) {
		sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
		return rctx_fail(c, 500, "database", NULL, "保存失败。 The change could not be saved.");
	}
	return 0;
}

/* A date value of in (absent: today) into out[11]; 0 or 422. */
static int date_of(struct rctx *c, json_t *in, const char *key, const char *label, char *out)
{
	json_t *v = json_object_get(in, key);
	char today[11];
	rec_today(today);
	if (!v || json_is_null(v) || (json_is_string(v) && !*json_string_value(v))) {
		memcpy(out, today, 11);
		return 0;
	}
	const char *s = json_string_value(v);
	if (!s || !rec_date_valid(s))
		return rctx_fail(c, 422, "invalid", key, arena_printf(c->a,
			"%s应为 YYYY-MM-DD 格式的日期。 %s must be a date (YYYY-MM-DD).", label, key));
	if (strcmp(s, today) > 0)
		return rctx_fail(c, 422, "future_date", key, arena_printf(c->a,
			"%s（%s）不能晚于今天（%s）。 %s cannot be after today (%s).", label, s, today, key, today));
	memcpy(out, s, 11);
	return 0;
}

/* ---- agency years ---------------------------------------------------------- */

/* The scoreboard of year as staff see it: the late counts of an agency's
 * year come from it (the caller has already been allowed to see that
 * agency's figures). A new reference. */
static json_t *board_of(struct rctx *c, int year)
{
	struct portal_user staff = *c->u;
	staff.role = "staff";
	struct rctx sc = *c;
	sc.u = &staff;
	return report_scoreboard(&sc, year);
}

static void late_counts(json_t *board, const char *agency_id, json_t *o)
{
	json_t *row;
	size_t i;
	json_array_foreach(json_object_get(board, "results"), i, row)
		if (strcmp(text(row, "agency_id"), agency_id) == 0) {
			json_object_set(o, "late_filings", json_object_get(row, "late_filings"));
			json_object_set(o, "late_reports", json_object_get(row, "late_reports"));
		}
}

/* One row of agency_years (the columns year, applied_at, status,
 * selected_at, score, grade, reason) as JSON; with the late counts of
 * board when it is not NULL. */
static json_t *year_row(sqlite3_stmt *st, const char *agency_id, json_t *board)
{
	int year = sqlite3_column_int(st, 0);
	char due[11];
	agency_selection_due(year, due);
	const char *status = (const char *)sqlite3_column_text(st, 2);
	const char *sel = (const char *)sqlite3_column_text(st, 3);
	json_t *o = json_pack("{s:i,s:s,s:o,s:o,s:o,s:o,s:o}", "year", year, "status", status,
		"applied_at", rec_column(st, 1), "selected_at", rec_column(st, 3), "score", rec_column(st, 4),
		"grade", rec_column(st, 5), "reason", rec_column(st, 6));
	/* the selection step: done when decided (入选 or 未入选, or 暂停 after 入选) */
	json_object_set_new(o, "selection", timeline_step("agency_selection", "年度咨询机构遴选", due,
		strcmp(status, "申请") == 0 ? NULL : sel, NULL));
	if (board)
		late_counts(board, agency_id, o);
	return o;
}

json_t *agency_years_json(struct rctx *c, const char *agency_id)
{
	const char *name = visible_agency(c, agency_id);
	if (!name)
		return NULL;
	int with_late = portal_user_sees_all(c->u) ||
		(c->u->agency_id && strcmp(c->u->agency_id, agency_id) == 0);
	sqlite3_stmt *st = portal_db_prepare(c->db,
		"SELECT year, applied_at, status, selected_at, score, grade, reason FROM agency_years"
		" WHERE agency_id = ? ORDER BY year DESC");
	sqlite3_bind_text(st, 1, agency_id, -1, SQLITE_TRANSIENT);
	json_t *a = json_array();
	while (sqlite3_step(st) == SQLITE_ROW) {
		json_t *board = with_late ? board_of(c, sqlite3_column_int(st, 0)) : NULL;
		json_array_append_new(a, year_row(st, agency_id, board));
		json_decref(board);
	}
	sqlite3_finalize(st);
	return json_pack("{s:s,s:s,s:o}", "agency_id", agency_id, "name", name, "years", a);
}

const char *agency_year_status(struct rctx *c, const char *agency_id, int year)
{
	sqlite3_stmt *st = portal_db_prepare(c->db, "SELECT status FROM agency_years WHERE agency_id = ? AND year = ?");
	sqlite3_bind_text(st, 1, agency_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 2, year);
	const char *s = NULL;
	if (sqlite3_step(st) == SQLITE_ROW)
		for (const char *const *p = statuses; *p; p++)
			if (strcmp(*p, (const char *)sqlite3_column_text(st, 0)) == 0)
				s = *p;
	sqlite3_finalize(st);
	return s;
}

static int year_of(struct rctx *c, json_t *v, int *year)
{
	long long y = json_is_integer(v) ? json_integer_value(v)
		: json_is_string(v) ? strtoll(json_string_value(v), NULL, 10) : 0;
	if (y < 2000 || y > 2100)
		return rctx_fail(c, 422, "invalid", "year", "年度应为 2000 到 2100 之间的年份。 year must be 2000-2100.");
	*year = (int)y;
	return 0;
}

int agency_year_apply(struct rctx *c, const char *agency_id, json_t *in)
{
	int own = c->u->agency_id && strcmp(c->u->agency_id, agency_id) == 0 && strcmp(c->u->role, "agency") == 0;
	if (!own && !records_may_write(c->u))
		return rctx_fail(c, 403, "forbidden", NULL,
			"只有咨询机构本身或市级工作人员可以申请年度入选。 Only the agency itself or staff may apply for a year.");
	if (!visible_agency(c, agency_id))
		return c->status;
	int year = 0, rc;
	char applied[11];
	if ((rc = year_of(c, json_object_get(in, "year"), &year)) ||
	    (rc = date_of(c, in, "applied_at", "申请日期", applied)))
		return rc;
	if (agency_year_status(c, agency_id, year))
		return rctx_fail(c, 409, "already_applied", "year", arena_printf(c->a,
			"该咨询机构已申请 %d 年度入选。 The agency has already applied for %d.", year, year));
	if ((rc = begin(c)))
		return rc;
	sqlite3_stmt *st = portal_db_prepare(c->db,
		"INSERT INTO agency_years (agency_id, year, applied_at) VALUES (?, ?, ?)");
	sqlite3_bind_text(st, 1, agency_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 2, year);
	sqlite3_bind_text(st, 3, applied, -1, SQLITE_TRANSIENT);
	sqlite3_step(st);
	sqlite3_finalize(st);
	return commit(c, "agency_apply", arena_printf(c->a, "agency:%s", agency_id),
		      json_pack("{s:i,s:s}", "年度", year, "申请日期", applied));
}

int agency_year_decide(struct rctx *c, const char *agency_id, int year, json_t *in)
{
	if (!records_may_write(c->u))
		return rctx_fail(c, 403, "forbidden", NULL,
			"只有市级工作人员可以遴选和考评咨询机构。 Only staff may select and evaluate agencies.");
	if (!visible_agency(c, agency_id))
		return c->status;
	if (!json_is_object(in))
		return rctx_fail(c, 422, "invalid", NULL, "请求内容应为 JSON 对象。 The body must be a JSON object.");
	const char *now = agency_year_status(c, agency_id, year);
	if (!now)
		return rctx_fail(c, 409, "not_applied", "year", arena_printf(c->a,
			"该咨询机构未申请 %d 年度入选，须先申请。 The agency has not applied for %d.", year, year));
	const char *key;
	json_t *v;
	json_object_foreach(in, key, v)
		if (!one_of(key, (const char *const[]){ "status", "selected_at", "score", "grade", "reason", NULL }))
			return rctx_fail(c, 422, "unknown_field", key, arena_printf(c->a,
				"没有“%s”这一项。 '%s' is not a field of an agency's year.", key, key));
	const char *status = text(in, "status"), *grade = text(in, "grade"), *reason = text(in, "reason");
	json_t *sv = json_object_get(in, "score");
	if (json_object_get(in, "status") && !one_of(status, statuses + 1))
		return rctx_fail(c, 422, "invalid", "status",
			"状态应为入选、未入选或暂停。 status must be 入选, 未入选 or 暂停.");
	if (json_object_get(in, "grade") && !json_is_null(json_object_get(in, "grade")) &&
	    !one_of(grade, audit_grades))
		return rctx_fail(c, 422, "invalid", "grade",
			"考评等级应为优秀、良好、合格或不合格。 grade must be 优秀, 良好, 合格 or 不合格.");
	if (sv && !json_is_null(sv) && (!json_is_integer(sv) || json_integer_value(sv) < 0 || json_integer_value(sv) > 100))
		return rctx_fail(c, 422, "invalid", "score", "考评得分应为 0 到 100 的整数。 score must be 0-100.");
	if (status && strcmp(status, "暂停") == 0) {
		if (strcmp(now, "入选") != 0 && strcmp(now, "暂停") != 0)
			return rctx_fail(c, 409, "not_selected", "status",
				"只有已入选的咨询机构可以暂停。 Only a selected agency can be suspended.");
		if (!reason || !*reason)
			return rctx_fail(c, 422, "reason_required", "reason",
				"暂停须写明原因。 A suspension needs a reason.");
	}
	char sel[11] = "";
	int rc;
	int deciding = status && strcmp(status, "暂停") != 0;
	if (deciding || json_object_get(in, "selected_at")) {
		if ((rc = date_of(c, in, "selected_at", "遴选日期", sel)))
			return rc;
		sqlite3_stmt *st = portal_db_prepare(c->db,
			"SELECT applied_at FROM agency_years WHERE agency_id = ? AND year = ?");
		sqlite3_bind_text(st, 1, agency_id, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int(st, 2, year);
		const char *applied = sqlite3_step(st) == SQLITE_ROW
			? arena_strdup(c->a, (const char *)sqlite3_column_text(st, 0)) : "";
		sqlite3_finalize(st);
		if (strcmp(sel, applied) < 0)
			return rctx_fail(c, 422, "date_order", "selected_at", arena_printf(c->a,
				"遴选日期（%s）不能早于申请日期（%s）。 selected_at must not be before applied_at.",
				sel, applied));
	}
	if ((rc = begin(c)))
		return rc;
	sqlite3_stmt *st = portal_db_prepare(c->db,
		"UPDATE agency_years SET status = coalesce(?3, status),"
		" selected_at = CASE WHEN ?4 <> '' THEN ?4 ELSE selected_at END,"
		" score = CASE WHEN ?5 THEN ?6 ELSE score END, grade = CASE WHEN ?7 THEN ?8 ELSE grade END,"
		" reason = CASE WHEN ?9 THEN ?10 ELSE reason END WHERE agency_id = ?1 AND year = ?2");
	sqlite3_bind_text(st, 1, agency_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 2, year);
	portal_db_bind_text(st, 3, status);
	sqlite3_bind_text(st, 4, sel, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 5, sv != NULL);
	if (sv && json_is_integer(sv))
		sqlite3_bind_int64(st, 6, json_integer_value(sv));
	sqlite3_bind_int(st, 7, json_object_get(in, "grade") != NULL);
	portal_db_bind_text(st, 8, grade);
	sqlite3_bind_int(st, 9, json_object_get(in, "reason") != NULL);
	portal_db_bind_text(st, 10, reason && *reason ? reason : NULL);
	sqlite3_step(st);
	sqlite3_finalize(st);
	/* the detail as the audit-log page shows it: in Chinese */
	json_t *d = json_pack("{s:i}", "年度", year);
	if (status)
		json_object_set_new(d, "状态", json_string(status));
	if (*sel)
		json_object_set_new(d, "遴选日期", json_string(sel));
	if (sv)
		json_object_set(d, "考评得分", sv);
	if (grade)
		json_object_set_new(d, "考评等级", json_string(grade));
	if (reason && *reason)
		json_object_set_new(d, "原因", json_string(reason));
	return commit(c, "agency_year", arena_printf(c->a, "agency:%s", agency_id), d);
}

json_t *agency_selection_json(struct rctx *c, int year)
{
	if (!records_may_write(c->u)) {
		rctx_fail(c, 403, "forbidden", NULL, "年度遴选仅供市级工作人员。 The selection is for staff.");
		return NULL;
	}
	char due[11];
	agency_selection_due(year, due);
	sqlite3_stmt *st = portal_db_prepare(c->db,
		"SELECT y.year, y.applied_at, y.status, y.selected_at, y.score, y.grade, y.reason, g.id, g.name, g.status"
		" FROM agencies g LEFT JOIN agency_years y ON y.agency_id = g.id AND y.year = ?"
		" WHERE g.status <> 'removed' ORDER BY y.status IS NULL, g.name");
	sqlite3_bind_int(st, 1, year);
	json_t *a = json_array(), *board = board_of(c, year);
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *id = (const char *)sqlite3_column_text(st, 7);
		json_t *o = sqlite3_column_type(st, 2) == SQLITE_NULL
			? json_pack("{s:i,s:n}", "year", year, "status")
			: year_row(st, id, board);
		json_object_set_new(o, "agency_id", json_string(id));
		json_object_set_new(o, "name", rec_column(st, 8));
		json_object_set_new(o, "agency_status", rec_column(st, 9));
		json_array_append_new(a, o);
	}
	sqlite3_finalize(st);
	json_decref(board);
	return json_pack("{s:i,s:s,s:o}", "year", year, "due", due, "agencies", a);
}

/* ---- typical units ------------------------------------------------------------ */

/* A project's figures: {MEASURE: {"value", "unit", "label"}} from the
 * results staff confirmed (the third-party assessment). */
static json_t *figures(struct rctx *c, const char *project_id)
{
	json_t *o = json_object();
	sqlite3_stmt *st = portal_db_prepare(c->db,
		"SELECT measure, value FROM project_results WHERE project_id = ? ORDER BY rowid");
	sqlite3_bind_text(st, 1, project_id, -1, SQLITE_TRANSIENT);
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *m = (const char *)sqlite3_column_text(st, 0);
		json_object_set_new(o, m, json_pack("{s:f,s:s?,s:s?}", "value", sqlite3_column_double(st, 1),
			"unit", portal_results_unit(m), "label", portal_results_label(m)));
	}
	sqlite3_finalize(st);
	return o;
}

#define PROJECT_COLS "p.id, p.name, p.year, e.name, e.sector, s.name, e.industry, e.district," \
	" p.investment_fen, p.accepted_date, t.reason, p.state"
#define PROJECT_FROM " FROM projects p JOIN enterprises e ON e.id = p.enterprise_id" \
	" JOIN sectors s ON s.id = e.sector"

static json_t *project_json(struct rctx *c, sqlite3_stmt *st)
{
	const char *id = (const char *)sqlite3_column_text(st, 0);
	json_t *o = json_pack("{s:s,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o}", "project_id", id,
		"project", rec_column(st, 1), "year", rec_column(st, 2), "enterprise", rec_column(st, 3),
		"sector", rec_column(st, 4), "sector_name", rec_column(st, 5), "industry", rec_column(st, 6),
		"district", rec_column(st, 7), "investment_fen", rec_column(st, 8),
		"accepted_date", rec_column(st, 9), "reason", rec_column(st, 10), "results", figures(c, id));
	json_object_set_new(o, "typical", json_boolean(sqlite3_column_type(st, 10) != SQLITE_NULL));
	json_object_set_new(o, "state", rec_column(st, 11));
	return o;
}

json_t *report_typical_units(struct rctx *c, int year)
{
	sqlite3_stmt *st = portal_db_prepare(c->db, "SELECT " PROJECT_COLS PROJECT_FROM
		" JOIN typical_units t ON t.project_id = p.id WHERE t.year = ? ORDER BY s.rowid, e.name");
	sqlite3_bind_int(st, 1, year);
	json_t *a = json_array();
	while (sqlite3_step(st) == SQLITE_ROW)
		json_array_append_new(a, project_json(c, st));
	sqlite3_finalize(st);
	return json_pack("{s:i,s:I,s:o}", "year", year, "total", (json_int_t)json_array_size(a), "results", a);
}

json_t *typical_candidates(struct rctx *c, int year)
{
	if (!records_may_write(c->u)) {
		rctx_fail(c, 403, "forbidden", NULL, "只有市级工作人员可以评选典型单位。 Only staff choose typical units.");
		return NULL;
	}
	sqlite3_stmt *st = portal_db_prepare(c->db, "SELECT " PROJECT_COLS PROJECT_FROM
		" LEFT JOIN typical_units t ON t.project_id = p.id"
		" WHERE p.year = ? AND p.state IN ('accepted', 'completed') ORDER BY t.project_id IS NULL, s.rowid, e.name");
	sqlite3_bind_int(st, 1, year);
	json_t *a = json_array();
	while (sqlite3_step(st) == SQLITE_ROW)
		json_array_append_new(a, project_json(c, st));
	sqlite3_finalize(st);
	return json_pack("{s:i,s:o}", "year", year, "results", a);
}

/* The project's row for a typical-unit write by staff; NULL with the
 * status on c. */
static json_t *typical_project(struct rctx *c, const char *project_id)
{
	if (!records_may_write(c->u)) {
		rctx_fail(c, 403, "forbidden", NULL, "只有市级工作人员可以评选典型单位。 Only staff choose typical units.");
		return NULL;
	}
	c->t = &rt_projects;
	json_t *row = rec_row(c, project_id);
	if (!row)
		rec_not_found(c);
	return row;
}

int typical_choose(struct rctx *c, const char *project_id, json_t *in)
{
	json_t *row = typical_project(c, project_id);
	if (!row)
		return c->status;
	const char *state = text(row, "state");
	int year = (int)json_integer_value(json_object_get(row, "year"));
	int accepted = state && (strcmp(state, "accepted") == 0 || strcmp(state, "completed") == 0);
	json_decref(row);
	if (!accepted)
		return rctx_fail(c, 409, "not_accepted", "project_id",
			"典型单位只能从已验收的项目中评选。 A typical unit is chosen from an accepted project.");
	const char *reason = text(in, "reason");
	if (!reason || !*reason)
		return rctx_fail(c, 422, "reason_required", "reason", "评选典型单位须写明理由。 A typical unit needs a reason.");
	if (strlen(reason) > 4000)
		return rctx_fail(c, 422, "invalid", "reason", "理由过长。 The reason is too long.");
	int rc = begin(c);
	if (rc)
		return rc;
	sqlite3_stmt *st = portal_db_prepare(c->db,
		"INSERT OR REPLACE INTO typical_units (project_id, year, reason, chosen_by, chosen_at) VALUES (?, ?, ?, ?, ?)");
	sqlite3_bind_text(st, 1, project_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 2, year);
	sqlite3_bind_text(st, 3, reason, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 4, c->u->id);
	sqlite3_bind_int64(st, 5, portal_now());
	sqlite3_step(st);
	sqlite3_finalize(st);
	return commit(c, "typical_unit", arena_printf(c->a, "project:%s", project_id),
		      json_pack("{s:i,s:s}", "年度", year, "理由", reason));
}

int typical_withdraw(struct rctx *c, const char *project_id)
{
	json_t *row = typical_project(c, project_id);
	if (!row)
		return c->status;
	json_decref(row);
	int rc = begin(c);
	if (rc)
		return rc;
	sqlite3_stmt *st = portal_db_prepare(c->db, "DELETE FROM typical_units WHERE project_id = ?");
	sqlite3_bind_text(st, 1, project_id, -1, SQLITE_TRANSIENT);
	sqlite3_step(st);
	sqlite3_finalize(st);
	return commit(c, "typical_unit_withdrawn", arena_printf(c->a, "project:%s", project_id), json_object());
}
