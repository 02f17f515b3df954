/* selection-ui.c: agencies' yearly selection and the typical units, as
 * JSON and as pages (selection-ui.h, selection.h).
 *
 *   GET  /api/agencies/ID/years          an agency's years (who sees it)
 *   POST /api/agencies/ID/years          apply: {"year", "applied_at"?}
 *   PATCH /api/agencies/ID/years/YEAR    staff decide and evaluate
 *   GET  /api/agencies/selection?year=   staff: every agency's record
 *   POST|DELETE /api/projects/ID/typical staff mark or unmark a unit
 *   /agencies/selection, /typical        their pages; the agency page's
 *                                        history (ui_agency_years_section)
 *
 * Forms post to the page they came from and show it again with the
 * engine's sentence when refused. */
#include "selection-ui.h"
#include "records.h"
#include "records-http.h"
#include "report.h"
#include "selection.h"
#include "arena.h"
#include "auth.h"
#include "db.h"
#include "html.h"
#include "http-request.h"
#include "http-response.h"
#include "ui-shared.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BODY_MAX 16384

static const char *js(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? s : "";
}

static void see_other(struct request *r, const char *where)
{
	r->status = 303;
	resp_header(r, "Location", where);
	r->content_type_out = "text/html; charset=utf-8";
	html_raw(&r->out, "<!DOCTYPE html><title>303</title><a href=\"");
	html_attr(&r->out, where);
	html_raw(&r->out, "\">继续</a>\n");
}

static void error_box(struct request *r, const char *msg)
{
	if (!msg)
		return;
	html_raw(&r->out, "<p class=\"form-error\" role=\"alert\">");
	html_txt(&r->out, rh_zh(r, msg));
	html_raw(&r->out, "</p>");
}

static void form_open(struct request *r, const char *action, const char *cls)
{
	html_raw(&r->out, "<form method=\"post\" class=\"");
	html_attr(&r->out, cls);
	html_raw(&r->out, "\" action=\"");
	html_attr(&r->out, action);
	html_raw(&r->out, "\">");
	ui_csrf_field(r, &r->out);
}

static void hidden(struct request *r, const char *name, const char *value)
{
	html_raw(&r->out, "<input type=\"hidden\" name=\"");
	html_attr(&r->out, name);
	html_raw(&r->out, "\" value=\"");
	html_attr(&r->out, value);
	html_raw(&r->out, "\">");
}

static long year_param(struct request *r)
{
	return rh_num(r, "year", report_current_year(), 2000, 2100);
}

static void year_form(struct request *r, const char *action, long year)
{
	html_raw(&r->out, "<form method=\"get\" class=\"filters\" action=\"");
	html_attr(&r->out, action);
	html_raw(&r->out, "\"><label>年度<input type=\"text\" inputmode=\"numeric\" name=\"year\" value=\"");
	html_txtf(&r->out, "%ld", year);
	html_raw(&r->out, "\"></label><button type=\"submit\">查看</button></form>");
}

/* A posted form's non-empty fields among names as a JSON object; "score"
 * as a number when it is one. */
static json_t *form_object(struct request *r, const char *const *names)
{
	json_t *o = json_object();
	for (; *names; names++) {
		const char *v = req_form(r, *names);
		if (!v || !*v)
			continue;
		char *end;
		long n = strtol(v, &end, 10);
		if ((strcmp(*names, "score") == 0 || strcmp(*names, "year") == 0) && !*end)
			json_object_set_new(o, *names, json_integer(n));
		else
			json_object_set_new(o, *names, json_string(v));
	}
	return o;
}

/* ---- JSON ------------------------------------------------------------------- */

static void answer_years(struct request *r, struct rctx *c, int status, const char *agency_id)
{
	json_t *o = agency_years_json(c, agency_id);
	if (!o)
		rh_fail(r, c);
	else
		resp_json(r, status, o);
}

void api_agency_years(struct request *r)
{
	struct rctx c;
	rh_ctx(r, &c, &rt_agencies);
	answer_years(r, &c, 200, rh_seg(r, 2));
}

void api_agency_apply(struct request *r)
{
	struct rctx c;
	json_t *in = req_json_read(r, BODY_MAX);
	if (!in)
		return;
	rh_ctx(r, &c, &rt_agencies);
	int rc = agency_year_apply(&c, rh_seg(r, 2), in);
	json_decref(in);
	if (rc)
		rh_fail(r, &c);
	else
		answer_years(r, &c, 201, rh_seg(r, 2));
}

void api_agency_decide(struct request *r)
{
	struct rctx c;
	char *end;
	long year = strtol(r->arg, &end, 10);
	if (*end || year < 2000 || year > 2100) {
		portal_error(r, 404, "not_found", "没有这个年度。 There is no such year.");
		return;
	}
	json_t *in = req_json_read(r, BODY_MAX);
	if (!in)
		return;
	rh_ctx(r, &c, &rt_agencies);
	int rc = agency_year_decide(&c, rh_seg(r, 2), (int)year, in);
	json_decref(in);
	if (rc)
		rh_fail(r, &c);
	else
		answer_years(r, &c, 200, rh_seg(r, 2));
}

void api_agency_selection(struct request *r)
{
	struct rctx c;
	long year = year_param(r);
	if (year < 0)
		return;
	rh_ctx(r, &c, NULL);
	json_t *o = agency_selection_json(&c, (int)year);
	if (!o)
		rh_fail(r, &c);
	else
		resp_json(r, 200, o);
}

static void typical_write(struct request *r, int choose)
{
	struct rctx c;
	json_t *in = choose ? req_json_read(r, BODY_MAX) : json_object();
	if (!in)
		return;
	rh_ctx(r, &c, &rt_projects);
	int rc = choose ? typical_choose(&c, r->arg, in) : typical_withdraw(&c, r->arg);
	json_decref(in);
	if (rc)
		rh_fail(r, &c);
	else
		resp_json(r, 200, json_pack("{s:s,s:b}", "project_id", r->arg, "typical", choose));
}

void api_typical_choose(struct request *r) { typical_write(r, 1); }
void api_typical_withdraw(struct request *r) { typical_write(r, 0); }

/* ---- an agency's years ---------------------------------------------------- */

static void mark_cell(struct request *r, json_t *y)
{
	json_t *s = json_object_get(y, "selection");
	const char *st = js(s, "status");
	html_raw(&r->out, "<td>");
	html_txt(&r->out, js(y, "selected_at"));
	if (*js(y, "selected_at") || strcmp(st, "overdue") == 0) {
		html_raw(&r->out, strcmp(st, "late") == 0 || strcmp(st, "overdue") == 0
			 ? " <span class=\"late\">" : " <span class=\"on-time\">");
		html_txt(&r->out, js(s, "status_label"));
		html_raw(&r->out, "</span>");
	}
	html_raw(&r->out, "</td>");
}

static void int_or_blank(struct request *r, json_t *v)
{
	if (json_is_integer(v))
		html_cell_int(&r->out, json_integer_value(v));
	else
		html_cell(&r->out, "");
}

void ui_agency_years_section(struct request *r, const char *agency_id)
{
	struct rctx c;
	struct buf *b = &r->out;
	rh_ctx(r, &c, &rt_agencies);
	json_t *o = agency_years_json(&c, agency_id), *y;
	if (!o)
		return;
	size_t i;
	html_raw(b, "<h2>年度入选与考评</h2>");
	html_raw(b, "<table class=\"list agency-years\"><thead><tr><th>年度</th><th>状态</th><th>申请日期</th>"
		    "<th>遴选日期（1月31日前）</th><th>考评得分</th><th>考评等级</th><th>逾期备案</th>"
		    "<th>逾期报告</th><th>原因或说明</th></tr></thead><tbody>");
	json_array_foreach(json_object_get(o, "years"), i, y) {
		html_raw(b, "<tr>");
		html_cell_int(b, json_integer_value(json_object_get(y, "year")));
		html_cell(b, js(y, "status"));
		html_cell(b, js(y, "applied_at"));
		mark_cell(r, y);
		int_or_blank(r, json_object_get(y, "score"));
		html_cell(b, js(y, "grade"));
		int_or_blank(r, json_object_get(y, "late_filings"));
		int_or_blank(r, json_object_get(y, "late_reports"));
		html_cell(b, js(y, "reason"));
		html_raw(b, "</tr>");
	}
	if (!json_array_size(json_object_get(o, "years")))
		html_raw(b, "<tr><td colspan=\"9\">暂无年度记录</td></tr>");
	html_raw(b, "</tbody></table>");
	int own = r->user.agency_id && strcmp(r->user.agency_id, agency_id) == 0;
	if (own || records_may_write(&r->user)) {
		form_open(r, arena_printf(r->arena, "/agencies/%s/years", agency_id), "record inline");
		html_raw(b, "<label>申请入选年度<input type=\"text\" inputmode=\"numeric\" name=\"year\" required value=\"");
		html_txtf(b, "%d", report_current_year() + 1);
		html_raw(b, "\"></label><button type=\"submit\">申请入选</button></form>");
	}
	if (records_may_write(&r->user))
		html_raw(b, "<p><a href=\"/agencies/selection\">年度遴选（工作人员）</a></p>");
	json_decref(o);
}

void ui_agency_apply(struct request *r)
{
	struct rctx c;
	if (req_form_read(r, BODY_MAX) < 0)
		return;
	rh_ctx(r, &c, &rt_agencies);
	json_t *in = form_object(r, (const char *const[]){ "year", "applied_at", NULL });
	const char *id = rh_seg(r, 1);
	int rc = agency_year_apply(&c, id, in);
	json_decref(in);
	if (rc)
		rh_fail(r, &c);
	else
		see_other(r, arena_printf(r->arena, "/agencies/%s", id));
}

/* ---- staff: the year's selection -------------------------------------------- */

/* The agencies of the list with (has = 1) or without a record of the year
 * as a select named agency_id; 0 when there is none. */
static int agency_select(struct request *r, json_t *list, int has)
{
	struct buf *b = &r->out;
	json_t *a;
	size_t i;
	int n = 0;
	json_array_foreach(list, i, a)
		n += (*js(a, "status") != 0) == has;
	if (!n)
		return 0;
	html_raw(b, "<label>咨询机构<select name=\"agency_id\" required>");
	json_array_foreach(list, i, a)
		if ((*js(a, "status") != 0) == has)
			html_option(b, js(a, "agency_id"), js(a, "name"), 0);
	html_raw(b, "</select></label>");
	return 1;
}

static void decide_forms(struct request *r, long year, json_t *list)
{
	struct buf *b = &r->out;
	const char *action = arena_printf(r->arena, "/agencies/selection?year=%ld", year);
	html_raw(b, "<h2>遴选与考评</h2>");
	form_open(r, action, "record");
	if (!agency_select(r, list, 1)) {
		html_raw(b, "<p>该年度尚无咨询机构申请。</p></form>");
	} else {
		hidden(r, "action", "decide");
		html_raw(b, "<label>状态<select name=\"status\">");
		static const char *const sts[] = { "入选", "未入选", "暂停" };
		html_option(b, "", "（不变）", 0);
		for (int k = 0; k < 3; k++)
			html_option(b, sts[k], sts[k], 0);
		html_raw(b, "</select></label><label>遴选日期<input type=\"date\" name=\"selected_at\"></label>"
			    "<label>考评得分<input type=\"text\" inputmode=\"numeric\" name=\"score\"></label>"
			    "<label>考评等级<select name=\"grade\">");
		html_option(b, "", "（不变）", 0);
		for (int k = 0; audit_grades[k]; k++)
			html_option(b, audit_grades[k], audit_grades[k], 0);
		html_raw(b, "</select></label><label>原因或说明<input type=\"text\" name=\"reason\"></label>"
			    "<button type=\"submit\">保存</button></form>");
	}
	html_raw(b, "<h2>代为申请</h2>");
	form_open(r, action, "record");
	if (!agency_select(r, list, 0)) {
		html_raw(b, "<p>所有咨询机构均已申请该年度。</p></form>");
		return;
	}
	hidden(r, "action", "apply");
	html_raw(b, "<label>申请日期<input type=\"date\" name=\"applied_at\"></label>"
		    "<button type=\"submit\">代为申请</button></form>");
}

static void selection_page(struct request *r, long year, const char *err)
{
	struct rctx c;
	struct buf *b = &r->out;
	rh_ctx(r, &c, NULL);
	json_t *o = agency_selection_json(&c, (int)year), *a;
	if (!o) {
		rh_fail(r, &c);
		return;
	}
	size_t i;
	ui_page_begin(r, "咨询机构年度遴选");
	html_raw(b, "<h1>咨询机构年度遴选</h1>");
	year_form(r, "/agencies/selection", year);
	html_raw(b, "<p>咨询机构申请后，由工作人员在当年 1 月 31 日前遴选；晚于该日的遴选照常保存并标记逾期。"
		    "暂停须写明原因。只有入选当年度的咨询机构可以承接该年度的审核。</p>");
	error_box(r, err);
	html_raw(b, "<table class=\"list selection\"><thead><tr><th>咨询机构</th><th>状态</th><th>申请日期</th>"
		    "<th>遴选日期</th><th>考评</th><th>逾期备案/报告</th><th>原因或说明</th></tr></thead><tbody>");
	json_array_foreach(json_object_get(o, "agencies"), i, a) {
		html_raw(b, "<tr><td><a href=\"");
		html_attr(b, arena_printf(r->arena, "/agencies/%s", js(a, "agency_id")));
		html_raw(b, "\">");
		html_txt(b, js(a, "name"));
		html_raw(b, "</a></td>");
		html_cell(b, *js(a, "status") ? js(a, "status") : "未申请");
		html_cell(b, js(a, "applied_at"));
		if (*js(a, "status"))
			mark_cell(r, a);
		else
			html_cell(b, "");
		json_t *sc = json_object_get(a, "score");
		html_cell(b, json_is_integer(sc) ? arena_printf(r->arena, "%lld 分 %s",
			(long long)json_integer_value(sc), js(a, "grade")) : js(a, "grade"));
		html_cell(b, *js(a, "status") ? arena_printf(r->arena, "%lld / %lld",
			(long long)json_integer_value(json_object_get(a, "late_filings")),
			(long long)json_integer_value(json_object_get(a, "late_reports"))) : "");
		html_cell(b, js(a, "reason"));
		html_raw(b, "</tr>");
	}
	if (!json_array_size(json_object_get(o, "agencies")))
		html_raw(b, "<tr><td colspan=\"7\">暂无咨询机构</td></tr>");
	html_raw(b, "</tbody></table>");
	decide_forms(r, year, json_object_get(o, "agencies"));
	json_decref(o);
	ui_page_end(r);
}

void ui_agency_selection(struct request *r)
{
	long year = year_param(r);
	if (year >= 0)
		selection_page(r, year, NULL);
}

void ui_agency_selection_post(struct request *r)
{
	struct rctx c;
	long year = year_param(r);
	if (year < 0 || req_form_read(r, BODY_MAX) < 0)
		return;
	rh_ctx(r, &c, &rt_agencies);
	const char *id = req_form(r, "agency_id"), *action = req_form(r, "action");
	int rc;
	if (!id)
		id = "";
	if (action && strcmp(action, "apply") == 0) {
		json_t *in = form_object(r, (const char *const[]){ "applied_at", NULL });
		json_object_set_new(in, "year", json_integer(year));
		rc = agency_year_apply(&c, id, in);
		json_decref(in);
	} else {
		json_t *in = form_object(r, (const char *const[]){ "status", "selected_at", "score", "grade",
								 "reason", NULL });
		rc = agency_year_decide(&c, id, (int)year, in);
		json_decref(in);
	}
	if (rc && (c.status == 403 || c.status == 404)) {
		rh_fail(r, &c);
	} else if (rc) {
		buf_reset(&r->out);
		r->status = c.status;
		selection_page(r, year, c.msg);
	} else {
		see_other(r, arena_printf(r->arena, "/agencies/selection?year=%ld", year));
	}
}

/* ---- typical units ------------------------------------------------------------ */

/* A unit's figures as one line: "节能量 12.5 tce；节水量 300 m³"; "" when none. */
static const char *figures_text(struct request *r, json_t *x)
{
	const char *out = "", *key;
	json_t *v;
	json_object_foreach(json_object_get(x, "results"), key, v)
		out = arena_printf(r->arena, "%s%s%s %.10g %s", out, *out ? "；" : "", js(v, "label"),
				   json_number_value(json_object_get(v, "value")), js(v, "unit"));
	return out;
}

/* The investment in 万元 with two decimals, as the reports write money. */
static const char *investment_text(struct request *r, json_t *x)
{
	json_t *v = json_object_get(x, "investment_fen");
	if (!json_is_integer(v))
		return "";
	long long fen = json_integer_value(v);
	return arena_printf(r->arena, "%lld.%02lld 万元", fen / 1000000, fen % 1000000 / 10000);
}

static void unit_cells(struct request *r, json_t *x, int link)
{
	struct buf *b = &r->out;
	html_cell(b, js(x, "enterprise"));
	if (link) {
		html_raw(b, "<td><a href=\"");
		html_attr(b, arena_printf(r->arena, "/projects/%s", js(x, "project_id")));
		html_raw(b, "\">");
		html_txt(b, js(x, "project"));
		html_raw(b, "</a></td>");
	} else {
		html_cell(b, js(x, "project"));
	}
	html_cell(b, js(x, "sector_name"));
	html_cell(b, investment_text(r, x));
	const char *f = figures_text(r, x);
	html_cell(b, *f ? f : "未确认");
}

static void typical_page(struct request *r, long year, const char *err)
{
	struct rctx c;
	struct buf *b = &r->out;
	size_t i;
	json_t *x;
	rh_ctx(r, &c, NULL);
	json_t *rep = report_typical_units(&c, (int)year);
	ui_page_begin(r, "清洁生产典型单位");
	html_raw(b, "<h1>清洁生产典型单位</h1>");
	year_form(r, "/typical", year);
	html_raw(b, "<p>典型单位从已通过验收的清洁生产项目中评选，成效为第三方评估确认的数据。</p>");
	error_box(r, err);
	html_raw(b, "<table class=\"list typical\"><thead><tr><th>单位</th><th>项目</th><th>行业大类</th>"
		    "<th>总投资</th><th>第三方评估成效</th><th>评选理由</th></tr></thead><tbody>");
	json_array_foreach(json_object_get(rep, "results"), i, x) {
		html_raw(b, "<tr>");
		unit_cells(r, x, 0);
		html_cell(b, js(x, "reason"));
		html_raw(b, "</tr>");
	}
	if (!json_array_size(json_object_get(rep, "results")))
		html_raw(b, "<tr><td colspan=\"6\">暂无数据：该年度尚未评选典型单位</td></tr>");
	html_raw(b, "</tbody></table>");
	json_decref(rep);
	json_t *cand = records_may_write(&r->user) ? typical_candidates(&c, (int)year) : NULL;
	if (cand) {
		html_raw(b, "<h2>评选典型单位（工作人员）</h2><p>该年度已验收的项目及其第三方评估成效：</p>");
		html_raw(b, "<table class=\"list candidates\"><thead><tr><th>单位</th><th>项目</th><th>行业大类</th>"
			    "<th>总投资</th><th>第三方评估成效</th><th>操作</th></tr></thead><tbody>");
		json_array_foreach(json_object_get(cand, "results"), i, x) {
			html_raw(b, "<tr>");
			unit_cells(r, x, 1);
			html_raw(b, "<td>");
			form_open(r, arena_printf(r->arena, "/typical?year=%ld", year), "row-form");
			hidden(r, "project_id", js(x, "project_id"));
			if (json_is_true(json_object_get(x, "typical"))) {
				hidden(r, "action", "withdraw");
				html_raw(b, "<span>已评为典型单位</span> <button type=\"submit\">撤销</button></form>");
			} else {
				hidden(r, "action", "choose");
				html_raw(b, "<label>理由<input type=\"text\" name=\"reason\" required></label>"
					    "<button type=\"submit\">评为典型单位</button></form>");
			}
			html_raw(b, "</td></tr>");
		}
		if (!json_array_size(json_object_get(cand, "results")))
			html_raw(b, "<tr><td colspan=\"6\">该年度暂无已验收的项目</td></tr>");
		html_raw(b, "</tbody></table>");
		json_decref(cand);
	}
	ui_page_end(r);
}

void ui_typical(struct request *r)
{
	long year = rh_num(r, "year", report_latest_year(r->db), 2000, 2100);
	if (year >= 0)
		typical_page(r, year, NULL);
}

void ui_typical_post(struct request *r)
{
	struct rctx c;
	long year = rh_num(r, "year", report_latest_year(r->db), 2000, 2100);
	if (year < 0 || req_form_read(r, BODY_MAX) < 0)
		return;
	rh_ctx(r, &c, &rt_projects);
	const char *id = req_form(r, "project_id"), *action = req_form(r, "action");
	int rc;
	if (action && strcmp(action, "withdraw") == 0) {
		rc = typical_withdraw(&c, id ? id : "");
	} else {
		json_t *in = form_object(r, (const char *const[]){ "reason", NULL });
		rc = typical_choose(&c, id ? id : "", in);
		json_decref(in);
	}
	if (rc && (c.status == 403 || c.status == 404)) {
		rh_fail(r, &c);
	} else if (rc) {
		buf_reset(&r->out);
		r->status = c.status;
		typical_page(r, year, c.msg);
	} else {
		see_other(r, arena_printf(r->arena, "/typical?year=%ld", year));
	}
}

/* ---- on the home page ------------------------------------------------------ */

void home_typical_units(struct request *r)
{
	struct rctx c;
	struct buf *b = &r->out;
	rh_ctx(r, &c, NULL);
	sqlite3_stmt *st = portal_db_prepare(r->db, "SELECT max(year) FROM typical_units");
	int year = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
	sqlite3_finalize(st);
	html_raw(b, "<section class=\"home-typical\" aria-labelledby=\"typical-h\"><h2 id=\"typical-h\">清洁生产典型单位</h2>");
	if (!year) {
		html_raw(b, "<p>典型单位从已验收的清洁生产项目中评选，评选后在此公布。<a href=\"/typical-units\">查看典型单位</a></p></section>");
		return;
	}
	json_t *rep = report_typical_units(&c, year), *x;
	size_t i;
	html_raw(b, "<p>");
	html_txtf(b, "%d 年度从已验收项目中评选的典型单位及其第三方评估成效：", year);
	html_raw(b, "</p><ul class=\"typical-units\">");
	json_array_foreach(json_object_get(rep, "results"), i, x) {
		if (i == 8)
			break;
		html_raw(b, "<li><strong>");
		html_txt(b, js(x, "enterprise"));
		html_raw(b, "</strong> ");
		html_txt(b, js(x, "project"));
		const char *f = figures_text(r, x);
		if (*f) {
			html_raw(b, "：");
			html_txt(b, f);
		}
		html_raw(b, "</li>");
	}
	html_raw(b, "</ul><p><a href=\"");
	html_attr(b, arena_printf(r->arena, "/typical-units?year=%d", year));
	html_raw(b, "\">查看全部典型单位</a></p></section>");
	json_decref(rep);
}

void home_agency_year(struct request *r)
{
	struct rctx c;
	struct buf *b = &r->out;
	if (!r->user.agency_id)
		return;
	rh_ctx(r, &c, &rt_agencies);
	int year = report_current_year();
	const char *s = agency_year_status(&c, r->user.agency_id, year);
	html_raw(b, "<section class=\"home-agency-year\" aria-labelledby=\"agency-year-h\"><h2 id=\"agency-year-h\">");
	html_txtf(b, "本机构 %d 年度入选状态", year);
	html_raw(b, "</h2><p class=\"summary\">");
	html_txt(b, !s ? "未申请" : strcmp(s, "申请") == 0 ? "已申请，待工作人员遴选" : s);
	if (!s || strcmp(s, "入选") != 0)
		html_txtf(b, "。未入选 %d 年度的咨询机构不能承接该年度的审核。", year);
	html_raw(b, " <a href=\"");
	html_attr(b, arena_printf(r->arena, "/agencies/%s", r->user.agency_id));
	html_raw(b, "\">年度入选与考评记录</a></p></section>");
}
