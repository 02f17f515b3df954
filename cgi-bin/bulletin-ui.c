/* bulletin-ui.c: the quarterly bulletin (按季度通报) the commission sends
 * to districts and sector authorities: per sector, progress against the
 * year's targets, what is late at the quarter's end and the results of the
 * projects accepted so far; one page that prints as it reads. Every figure
 * comes from report_quarterly() and report_overdue() (report.h). */
#include "report-ui.h"
#include "records.h"
#include "records-http.h"
#include "report.h"
#include "arena.h"
#include "html.h"
#include "http-request.h"
#include "labels.h"
#include "results.h"
#include "ui-shared.h"

#include <stdio.h>
#include <string.h>

static long long num(json_t *o, const char *group, const char *key)
{
	return json_integer_value(json_object_get(json_object_get(o, group), key));
}

/* "目标 141 家，" or nothing when the measure is not planned. */
static const char *target_text(struct request *r, json_t *s, const char *key, const char *unit)
{
	json_t *v = json_object_get(json_object_get(s, "target"), key);
	if (!json_is_integer(v))
		return "";
	if (strcmp(key, "funds_fen") == 0)
		return arena_printf(r->arena, "目标 %s，", report_wan_yuan(r, json_integer_value(v)));
	return arena_printf(r->arena, "目标 %lld %s，", (long long)json_integer_value(v), unit);
}

static void progress(struct request *r, json_t *s)
{
	struct buf *b = &r->out;
	json_t *g = json_object_get(json_object_get(s, "audits"), "grades");
	html_raw(b, "<ul class=\"bulletin\"><li>审核：");
	html_txt(b, target_text(r, s, "audits", "家"));
	html_txtf(b, "列入名单 %lld 家，已启动 %lld 家，已提交报告 %lld 家，已评估 %lld 家",
		  num(s, "audits", "listed"), num(s, "audits", "started"), num(s, "audits", "submitted"),
		  num(s, "audits", "evaluated"));
	if (num(s, "audits", "evaluated"))
		html_txtf(b, "（优秀 %lld，良好 %lld，合格 %lld，不合格 %lld）",
			  (long long)json_integer_value(json_object_get(g, "优秀")),
			  (long long)json_integer_value(json_object_get(g, "良好")),
			  (long long)json_integer_value(json_object_get(g, "合格")),
			  (long long)json_integer_value(json_object_get(g, "不合格")));
	html_raw(b, "。</li><li>项目：");
	html_txt(b, target_text(r, s, "projects", "个"));
	json_t *st = json_object_get(json_object_get(s, "projects"), "by_stage");
	html_txtf(b, "共 %lld 个，已验收 %lld 个。", num(s, "projects", "total"),
		  (long long)(json_integer_value(json_object_get(st, "accepted")) +
			      json_integer_value(json_object_get(st, "completed"))));
	html_raw(b, "</li><li>资金：");
	html_txt(b, target_text(r, s, "funds_fen", ""));
	html_txt(b, arena_printf(r->arena, "批准补助 %s，已拨付 %s。", report_wan_yuan(r, num(s, "funds", "approved_fen")),
				 report_wan_yuan(r, num(s, "funds", "paid_fen"))));
	html_raw(b, "</li></ul>");
}

static void late_items(struct request *r, json_t *overdue, const char *sector)
{
	struct buf *b = &r->out;
	json_t *x;
	size_t i, n = 0;
	json_array_foreach(json_object_get(overdue, "items"), i, x)
		n += !sector || strcmp(json_string_value(json_object_get(x, "sector")), sector) == 0;
	html_raw(b, "<h3>");
	html_txtf(b, "逾期事项（%zu 项）", n);
	html_raw(b, "</h3>");
	if (!n) {
		html_raw(b, "<p>无。</p>");
		return;
	}
	html_raw(b, "<ul>");
	json_array_foreach(json_object_get(overdue, "items"), i, x) {
		if (sector && strcmp(json_string_value(json_object_get(x, "sector")), sector) != 0)
			continue;
		html_raw(b, "<li>");
		html_txt(b, json_string_value(json_object_get(x, "title")));
		html_raw(b, "：");
		html_txt(b, json_string_value(json_object_get(x, "label")));
		html_txtf(b, "，截止 %s，已逾期 %lld 天", json_string_value(json_object_get(x, "due")),
			  (long long)json_integer_value(json_object_get(x, "days_overdue")));
		html_raw(b, "</li>");
	}
	html_raw(b, "</ul>");
}

static void results(struct request *r, json_t *res)
{
	struct buf *b = &r->out;
	const char *key, *sep = "";
	json_t *v;
	html_raw(b, "<h3>已验收项目成效</h3><p>");
	if (!json_object_size(res))
		html_raw(b, "暂无数据");
	json_object_foreach(res, key, v) {
		html_raw(b, sep);
		html_txt(b, portal_results_label(key) ? portal_results_label(key) : key);
		html_txtf(b, " %g %s", json_real_value(v), portal_results_unit(key) ? portal_results_unit(key) : "");
		sep = "；";
	}
	html_raw(b, "</p>");
}

void ui_bulletin(struct request *r)
{
	long year = rh_num(r, "year", report_latest_year(r->db), 2000, 2100), quarter;
	struct rctx c;
	if (year < 0 || (quarter = rh_num(r, "quarter", 4, 1, 4)) < 0)
		return;
	rh_ctx(r, &c, NULL);
	json_t *rep = report_quarterly(&c, (int)year, (int)quarter);
	if (!rep) {
		rh_fail(r, &c);
		return;
	}
	const char *end = json_string_value(json_object_get(rep, "period_end"));
	char today[11];
	rec_today(today);
	/* what was late at the quarter's end, or today while it runs */
	json_t *overdue = report_overdue(&c, (int)year, strcmp(end, today) < 0 ? end : today, NULL);
	static const char *const qn[] = { "一", "二", "三", "四" };
	/* a sector's authority reads its sector's bulletin (report.h) */
	const char *sector = strcmp(r->user.role, "authority") == 0 ? r->user.sector : NULL;
	const char *title = arena_printf(r->arena, "%ld 年第%s季度清洁生产工作通报%s%s%s", year, qn[quarter - 1],
					 sector ? "（" : "", sector ? label_of(L_SECTOR, sector) : "", sector ? "）" : "");
	struct buf *b = &r->out;
	ui_page_begin(r, title);
	html_raw(b, "<article class=\"bulletin\"><h1>");
	html_txt(b, title);
	html_raw(b, "</h1><p class=\"lead\">");
	html_txtf(b, "统计截至 %s。数据来自门户中的审核与项目记录，逾期按各事项截止日期计算。", end);
	html_raw(b, "</p><p class=\"no-print\"><a href=\"");
	html_attr(b, arena_printf(r->arena, "/reports/quarterly?year=%ld&quarter=%ld", year, quarter));
	html_raw(b, "\">季度进展报表（图表）</a> · <a href=\"");
	html_attr(b, arena_printf(r->arena, "/reports/quarterly?year=%ld&quarter=%ld&format=csv", year, quarter));
	html_raw(b, "\">下载 CSV</a></p>");
	json_t *s;
	size_t i;
	json_array_foreach(json_object_get(rep, "sectors"), i, s) {
		html_raw(b, "<section><h2>");
		html_txt(b, json_string_value(json_object_get(s, "name")));
		html_raw(b, "</h2>");
		progress(r, s);
		late_items(r, overdue, json_string_value(json_object_get(s, "sector")));
		results(r, json_object_get(s, "results"));
		html_raw(b, "</section>");
	}
	json_t *total = json_object_get(rep, "total");
	if (!sector) {	/* one sector's total is that sector */
		html_raw(b, "<section><h2>合计</h2>");
		progress(r, total);
		late_items(r, overdue, NULL);
		results(r, json_object_get(total, "results"));
		html_raw(b, "</section>");
	}
	html_raw(b, "</article>");
	json_decref(overdue);
	json_decref(rep);
	ui_page_end(r);
}
