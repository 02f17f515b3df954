/* report-ui.c: HTML pages for reports (records-ui.h): the quarterly
 * progress report with SVG bar charts (drawn here from literals and
 * numbers; labels go through html_txt), the agency scoreboard, overdue
 * items and the deadline settings of a year. */
#include "records-ui.h"
#include "report-ui.h"
#include "records.h"
#include "records-http.h"
#include "report.h"
#include "auth.h"
#include "arena.h"
#include "html.h"
#include "http-request.h"
#include "http-response.h"
#include "session.h"
#include "ui-shared.h"
#include "workflow.h"
#include "labels.h"
#include "results.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static long year_of(struct request *r)
{
	return rh_num(r, "year", report_latest_year(r->db), 2000, 2100);
}

static void year_form(struct request *r, long year, const char *extra)
{
	html_raw(&r->out, "<form method=\"get\" class=\"filters\"><label>年度<input type=\"text\" name=\"year\" value=\"");
	html_txtf(&r->out, "%ld", year);
	html_raw(&r->out, "\"></label>");
	if (extra)
		html_raw(&r->out, extra);	/* markup made in this file, no data */
	html_raw(&r->out, "<button type=\"submit\">查看</button></form>");
}

/* A horizontal bar chart of n labelled values, readable without sight:
 * role="img" named by its <title> and described by a <desc> that lists
 * every value; its text at 14 px. id makes the two ids unique on the page. */
void report_bars(struct request *r, const char *id, const char *title, const char *const *labels,
		 const long long *v, int n)
{
	struct buf *b = &r->out;
	long long max = 1, sum = 0;
	for (int i = 0; i < n; i++) {
		if (v[i] > max)
			max = v[i];
		sum += v[i];
	}
	html_raw(b, "<figure class=\"chart\"><figcaption>");
	html_txt(b, title);
	html_raw(b, "</figcaption>");
	buf_printf(b, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"480\" height=\"%d\" viewBox=\"0 0 480 %d\""
		      " role=\"img\" aria-labelledby=\"%s-t %s-d\"><title id=\"%s-t\">", 26 * n + 6, 26 * n + 6, id, id, id);
	html_txt(b, title);
	buf_printf(b, "</title><desc id=\"%s-d\">", id);
	for (int i = 0; i < n; i++)
		html_txtf(b, "%s%s：%lld", i ? "；" : "", labels[i], v[i]);
	if (!sum)
		html_raw(b, "（均为 0）");
	html_raw(b, "</desc>");
	for (int i = 0; i < n; i++) {
		int w = (int)(250 * v[i] / max);
		buf_printf(b, "<text x=\"0\" y=\"%d\" font-size=\"14\">", 26 * i + 18);
		html_txt(b, labels[i]);
		buf_printf(b, "</text><rect x=\"170\" y=\"%d\" width=\"%d\" height=\"18\" fill=\"#1c7c54\"></rect>"
			      "<text x=\"%d\" y=\"%d\" font-size=\"14\">%lld</text>", 26 * i + 4, w, 176 + w, 26 * i + 18, v[i]);
	}
	html_raw(b, "</svg></figure>");
}

/* Fen as the reports write money: 万元 with two decimals. */
const char *report_wan_yuan(struct request *r, long long fen)
{
	return arena_printf(r->arena, "%s%lld.%02lld 万元", fen < 0 ? "-" : "", llabs(fen) / 1000000,
			    (llabs(fen) % 1000000) / 10000);
}

void ui_reports(struct request *r)
{
	ui_page_begin(r, "报表");
	html_raw(&r->out, "<h1>报表</h1><ul>");
	if (portal_user_sees_all(&r->user))
		html_raw(&r->out, "<li><a href=\"/reports/quarterly\">季度进展报表</a></li>"
				  "<li><a href=\"/reports/bulletin\">季度工作通报（可打印）</a></li>"
				  "<li><a href=\"/reports/scoreboard\">咨询机构评分榜</a></li>");
	else if (strcmp(r->user.role, "authority") == 0)	/* its sector's (report.h) */
		html_raw(&r->out, "<li><a href=\"/reports/bulletin\">本行业季度工作通报（可打印）</a></li>"
				  "<li><a href=\"/reports/quarterly\">本行业季度进展报表</a></li>");
	html_raw(&r->out, "<li><a href=\"/typical-units\">典型单位</a></li><li><a href=\"/overdue\">逾期事项</a></li>"
			  "<li><a href=\"/deadlines\">年度截止日期</a></li></ul>");
	ui_page_end(r);
}

/* A sector's plan against its figures: audits listed, projects, funds
 * approved (the year's targets, report.h). */
static void target_table(struct request *r, json_t *s)
{
	struct buf *b = &r->out;
	json_t *t = json_object_get(s, "target");
	if (!t || (json_is_null(json_object_get(t, "audits")) && json_is_null(json_object_get(t, "projects")) &&
		   json_is_null(json_object_get(t, "funds_fen"))))
		return;
	html_raw(b, "<table class=\"list target\"><caption>年度目标与完成</caption><thead><tr><th scope=\"col\">指标</th>"
		    "<th scope=\"col\">目标</th><th scope=\"col\">完成</th></tr></thead><tbody>");
	struct { const char *label, *key; long long actual; int money; } rows[] = {
		{ "列入审核名单", "audits", json_integer_value(json_object_get(json_object_get(s, "audits"), "listed")), 0 },
		{ "项目", "projects", json_integer_value(json_object_get(json_object_get(s, "projects"), "total")), 0 },
		{ "批准补助", "funds_fen", json_integer_value(json_object_get(json_object_get(s, "funds"), "approved_fen")), 1 },
	};
	for (size_t k = 0; k < sizeof rows / sizeof rows[0]; k++) {
		json_t *v = json_object_get(t, rows[k].key);
		if (json_is_null(v))
			continue;
		html_raw(b, "<tr>");
		html_cell(b, rows[k].label);
		html_cell(b, rows[k].money ? report_wan_yuan(r, json_integer_value(v))
					   : arena_printf(r->arena, "%lld", (long long)json_integer_value(v)));
		html_cell(b, rows[k].money ? report_wan_yuan(r, rows[k].actual) : arena_printf(r->arena, "%lld", rows[k].actual));
		html_raw(b, "</tr>");
	}
	html_raw(b, "</tbody></table>");
}

/* The confirmed results of the projects accepted so far. */
static void results_line(struct request *r, json_t *res)
{
	struct buf *b = &r->out;
	const char *key;
	json_t *v;
	if (!json_object_size(res))
		return;
	html_raw(b, "<p>已验收项目成效：");
	const char *sep = "";
	json_object_foreach(res, key, v) {
		html_raw(b, sep);
		html_txt(b, portal_results_label(key) ? portal_results_label(key) : key);
		html_txtf(b, " %g %s", json_real_value(v), portal_results_unit(key) ? portal_results_unit(key) : "");
		sep = "；";
	}
	html_raw(b, "</p>");
}

void ui_quarterly(struct request *r)
{
	long year = year_of(r), quarter;
	struct rctx c;
	if (year < 0 || (quarter = rh_num(r, "quarter", 4, 1, 4)) < 0)
		return;
	const char *format = req_param(r, "format");
	rh_ctx(r, &c, NULL);
	json_t *rep = report_quarterly(&c, (int)year, (int)quarter);
	if (!rep) {
		rh_fail(r, &c);
		return;
	}
	if (format && strcmp(format, "csv") == 0) {
		report_quarterly_csv(r, rep);
		json_decref(rep);
		return;
	}
	struct buf *b = &r->out;
	/* a sector's authority reads its sector's report (report.h) */
	const char *sector = strcmp(r->user.role, "authority") == 0 ? r->user.sector : NULL;
	ui_page_begin(r, "季度进展报表");
	html_raw(b, "<h1>清洁生产工作季度进展报表");
	if (sector)
		html_txtf(b, "（%s）", label_of(L_SECTOR, sector));
	html_raw(b, "</h1>");
	char menu[256];
	snprintf(menu, sizeof menu, "<label>季度<select name=\"quarter\">"
		 "<option value=\"1\"%s>第一季度</option><option value=\"2\"%s>第二季度</option>"
		 "<option value=\"3\"%s>第三季度</option><option value=\"4\"%s>第四季度</option></select></label>",
		 quarter == 1 ? " selected" : "", quarter == 2 ? " selected" : "",
		 quarter == 3 ? " selected" : "", quarter == 4 ? " selected" : "");
	year_form(r, year, menu);
	html_txtf(b, "%ld 年第 %ld 季度（截至 %s）", year, quarter,
		  json_string_value(json_object_get(rep, "period_end")));
	html_raw(b, " · <a href=\"");
	html_attr(b, arena_printf(r->arena, "/reports/quarterly?year=%ld&quarter=%ld&format=csv", year, quarter));
	html_raw(b, "\">下载 CSV</a> · <a href=\"");
	html_attr(b, arena_printf(r->arena, "/reports/bulletin?year=%ld&quarter=%ld", year, quarter));
	html_raw(b, "\">季度工作通报</a>");
	json_t *t = json_object_get(rep, "total");
	if (!json_integer_value(json_object_get(json_object_get(t, "audits"), "listed")) &&
	    !json_integer_value(json_object_get(json_object_get(t, "projects"), "total")))
		html_raw(b, "<p class=\"empty\">暂无数据：该年度尚无审核或项目。请换一个年度查看。</p>");
	json_t *s;
	size_t i;
	json_t *all = json_array();
	json_array_extend(all, json_object_get(rep, "sectors"));
	json_t *tot = json_deep_copy(json_object_get(rep, "total"));
	json_object_set_new(tot, "name", json_string("合计"));
	if (!sector)	/* one sector's total is that sector */
		json_array_append_new(all, tot);
	else
		json_decref(tot);
	json_array_foreach(all, i, s) {
		json_t *a = json_object_get(s, "audits"), *p = json_object_get(s, "projects");
		json_t *f = json_object_get(s, "funds");
		html_raw(b, "<section class=\"sector\"><h2>");
		html_txt(b, json_string_value(json_object_get(s, "name")));
		html_raw(b, "</h2>");
		static const char *const al[] = { "列入名单", "已启动", "已提交报告", "已评估" };
		static const char *const ak[] = { "listed", "started", "submitted", "evaluated" };
		long long av[4], gv[4];
		for (int k = 0; k < 4; k++) {
			av[k] = json_integer_value(json_object_get(a, ak[k]));
			gv[k] = json_integer_value(json_object_get(json_object_get(a, "grades"), audit_grades[k]));
		}
		report_bars(r, arena_printf(r->arena, "c%zu-a", i), arena_printf(r->arena, "%s：审核进展", json_string_value(json_object_get(s, "name"))), al, av, 4);
		report_bars(r, arena_printf(r->arena, "c%zu-g", i), arena_printf(r->arena, "%s：评估等级", json_string_value(json_object_get(s, "name"))),
		     (const char *const *)audit_grades, gv, 4);
		const char *sl[16];
		long long sv[16];
		int n = 0;
		for (const char *const *st = rt_projects.flow->states; *st && n < 16; st++, n++) {
			sl[n] = workflow_label(rt_projects.flow, *st);
			sv[n] = json_integer_value(json_object_get(json_object_get(p, "by_stage"), *st));
		}
		report_bars(r, arena_printf(r->arena, "c%zu-p", i), arena_printf(r->arena, "%s：项目阶段", json_string_value(json_object_get(s, "name"))), sl, sv, n);
		html_raw(b, "<p>批准补助 ");
		html_txt(b, report_wan_yuan(r, json_integer_value(json_object_get(f, "approved_fen"))));
		html_raw(b, " · 已拨付 ");
		html_txt(b, report_wan_yuan(r, json_integer_value(json_object_get(f, "paid_fen"))));
		html_raw(b, "</p>");
		target_table(r, s);
		results_line(r, json_object_get(s, "results"));
		html_raw(b, "</section>");
	}
	json_decref(all);
	json_decref(rep);
	ui_page_end(r);
}

void ui_scoreboard(struct request *r)
{
	long year = year_of(r);
	struct rctx c;
	if (year < 0)
		return;
	rh_ctx(r, &c, NULL);
	json_t *rep = report_scoreboard(&c, (int)year), *x;
	if (!rep) {
		rh_fail(r, &c);
		return;
	}
	struct buf *b = &r->out;
	size_t i;
	ui_page_begin(r, "咨询机构评分榜");
	html_raw(b, "<h1>咨询机构评分榜</h1>");
	year_form(r, year, NULL);
	html_raw(b, "<table class=\"list\"><thead><tr><th>名次</th><th>机构</th><th>状态</th><th>审核数</th>"
		    "<th>已评估</th><th>优秀</th><th>良好</th><th>合格</th><th>不合格</th><th>平均分</th>"
		    "<th>逾期备案</th><th>逾期报告</th><th>年度考评</th></tr></thead><tbody>");
	json_array_foreach(json_object_get(rep, "results"), i, x) {
		json_t *g = json_object_get(x, "grades"), *m = json_object_get(x, "mean_score");
		json_t *ys = json_object_get(x, "yearly_score");
		html_raw(b, "<tr>");
		html_cell_int(b, json_integer_value(json_object_get(x, "rank")));
		html_raw(b, "<td><a href=\"");
		html_attr(b, arena_printf(r->arena, "/agencies/%s", json_string_value(json_object_get(x, "agency_id"))));
		html_raw(b, "\">");
		html_txt(b, json_string_value(json_object_get(x, "name")));
		html_raw(b, "</a></td>");
		html_cell(b, workflow_label(rt_agencies.flow, json_string_value(json_object_get(x, "status"))));
		html_cell_int(b, json_integer_value(json_object_get(x, "audits")));
		html_cell_int(b, json_integer_value(json_object_get(x, "evaluated")));
		for (int k = 0; audit_grades[k]; k++)
			html_cell_int(b, json_integer_value(json_object_get(g, audit_grades[k])));
		html_cell(b, json_is_number(m) ? arena_printf(r->arena, "%.1f", json_number_value(m)) : NULL);
		html_cell_int(b, json_integer_value(json_object_get(x, "late_filings")));
		html_cell_int(b, json_integer_value(json_object_get(x, "late_reports")));
		html_cell(b, json_is_integer(ys) ? arena_printf(r->arena, "%lld", (long long)json_integer_value(ys)) : NULL);
		html_raw(b, "</tr>");
	}
	if (!json_array_size(json_object_get(rep, "results")))
		html_raw(b, "<tr><td colspan=\"13\">暂无数据</td></tr>");
	html_raw(b, "</tbody></table>");
	json_decref(rep);
	ui_page_end(r);
}

void ui_overdue(struct request *r)
{
	long year = year_of(r);
	struct rctx c;
	if (year < 0)
		return;
	rh_ctx(r, &c, NULL);
	const char *as_of = req_param(r, "as_of");
	json_t *rep = report_overdue(&c, (int)year, as_of && *as_of ? as_of : NULL, req_param(r, "by")), *x;
	if (!rep) {
		rh_fail(r, &c);
		return;
	}
	struct buf *b = &r->out;
	size_t i;
	ui_page_begin(r, "逾期事项");
	html_raw(b, "<h1>逾期事项</h1>");
	year_form(r, year, "<label>截至<input type=\"date\" name=\"as_of\"></label>");
	static const char *const groups[][2] = { { "sector", "按行业大类" }, { "agency", "按咨询机构" }, { "district", "按区" } };
	for (int g = 0; g < 3; g++) {
		json_t *o = json_object_get(json_object_get(rep, "by"), groups[g][0]), *v;
		const char *key;
		if (!o)
			continue;
		html_raw(b, "<h2>");
		html_txt(b, groups[g][1]);
		html_raw(b, "</h2><ul>");
		if (!json_object_size(o))
			html_raw(b, "<li>暂无数据</li>");
		json_object_foreach(o, key, v) {
			html_raw(b, "<li>");
			html_txt(b, g == 0 ? label_of(L_SECTOR, key) : key);
			html_txtf(b, "：%lld", (long long)json_integer_value(v));
			html_raw(b, "</li>");
		}
		html_raw(b, "</ul>");
	}
	html_raw(b, "<h2>明细</h2><table class=\"list\"><thead><tr><th>案件</th><th>事项</th><th>截止</th>"
		    "<th>已逾期</th></tr></thead><tbody>");
	json_array_foreach(json_object_get(rep, "items"), i, x) {
		const char *cs = json_string_value(json_object_get(x, "case"));
		const char *colon = strchr(cs, ':');
		html_raw(b, "<tr><td><a href=\"");
		html_attr(b, arena_printf(r->arena, "/%ss/%s", arena_strndup(r->arena, cs, (size_t)(colon - cs)), colon + 1));
		html_raw(b, "\">");
		html_txt(b, json_string_value(json_object_get(x, "title")));
		html_raw(b, "</a></td><td>");
		html_txt(b, json_string_value(json_object_get(x, "label")));
		html_raw(b, "</td><td>");
		const char *due = json_string_value(json_object_get(x, "due"));
		html_txt(b, due ? due : "");
		html_raw(b, "</td>");
		html_cell(b, arena_printf(r->arena, "%lld 天", (long long)json_integer_value(json_object_get(x, "days_overdue"))));
		html_raw(b, "</tr>");
	}
	if (!json_array_size(json_object_get(rep, "items")))
		html_raw(b, "<tr><td colspan=\"4\">暂无数据</td></tr>");
	html_raw(b, "</tbody></table>");
	json_decref(rep);
	ui_page_end(r);
}

static void deadlines_page(struct request *r, long year, const char *err)
{
	json_t *rep = report_deadlines_json(r->db, (int)year), *x;
	struct buf *b = &r->out;
	size_t i;
	ui_page_begin(r, "年度截止日期");
	html_raw(b, "<h1>年度截止日期</h1>");
	year_form(r, year, NULL);
	if (err) {
		html_raw(b, "<p class=\"form-error\" role=\"alert\">");
		html_txt(b, rh_zh(r, err));
		html_raw(b, "</p>");
	}
	html_raw(b, "<form method=\"post\" class=\"record\" action=\"");
	html_attr(b, arena_printf(r->arena, "/deadlines?year=%ld", year));
	html_raw(b, "\">");
	ui_csrf_field(r, b);
	json_array_foreach(json_object_get(rep, "deadlines"), i, x) {
		html_raw(b, "<label>");
		html_txt(b, json_string_value(json_object_get(x, "label")));
		html_raw(b, "<input type=\"date\" name=\"");
		html_attr(b, json_string_value(json_object_get(x, "item")));
		html_raw(b, "\" value=\"");
		html_attr(b, json_string_value(json_object_get(x, "date")));
		html_raw(b, "\"></label>");
	}
	if (records_may_write(&r->user))
		html_raw(b, "<button type=\"submit\">保存</button>");
	html_raw(b, "</form>");
	json_decref(rep);
	ui_page_end(r);
}

void ui_deadlines(struct request *r)
{
	long year = year_of(r);
	if (year >= 0)
		deadlines_page(r, year, NULL);
}

void ui_deadlines_post(struct request *r)
{
	long year = year_of(r);
	struct rctx c;
	if (year < 0 || req_form_read(r, 8192) < 0)
		return;
	rh_ctx(r, &c, NULL);
	json_t *in = json_object();
	for (int i = 0; report_deadline_items[i]; i++) {
		const char *v = req_form(r, report_deadline_items[i]);
		if (v && *v)
			json_object_set_new(in, report_deadline_items[i], json_string(v));
	}
	if (report_deadlines_set(&c, (int)year, in)) {
		r->status = c.status;
		deadlines_page(r, year, c.msg);
	} else {
		r->status = 303;
		resp_header(r, "Location", arena_printf(r->arena, "/deadlines?year=%ld", year));
	}
	json_decref(in);
}
