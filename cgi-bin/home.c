/* home.c: the home page (home.h), one per role, so that everything a
 * person does is one click from it. Every role gets the big search box
 * first; then:
 *
 *   anonymous    the newest public standards and guidelines per sector,
 *                typical units
 *   staff, admin what is overdue and due this week, per sector; the
 *                indexing queue (pending, failed with the reason and a
 *                重试 button); recent uploads; every record area and report
 *   enterprise   its audits and projects: state, next step and its date,
 *                the documents missing, 上传到本案卷; its sector's and
 *                industry's standards and guidelines
 *   agency       its clients' audits, the same way; the year's deadlines
 *   expert       its assignments with their documents
 *   district     (区发改委) its projects awaiting its approval; what is
 *                overdue and due this week in its district; its cases
 *                counted by state, linked to the lists
 *   authority    (行业主管部门) its sector's bulletin; what is overdue in
 *                its sector; its sector's cases counted by state
 *
 * Records come through the engine with the caller's scope (records.h),
 * documents through link_documents() or docs_may_read(), so the page shows
 * nothing its caller may not open. Deadlines and checklists are the
 * records layer's (report_case_next(), link_checklist()). */
#include "home.h"
#include "account-ui.h"
#include "selection-ui.h"
#include "records.h"
#include "records-http.h"
#include "records-link.h"
#include "report.h"
#include "arena.h"
#include "auth.h"
#include "db.h"
#include "docs.h"
#include "html.h"
#include "http-request.h"
#include "http-response.h"
#include "session.h"
#include "ui-shared.h"
#include "url.h"
#include "workflow.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#define LIST_MAX 8	/* items shown per list before "more" */
#define CASES_MAX 50	/* cases of one kind on a party's page */

/* The sectors in the order the programme names them. */
static const char *const sectors[][2] = {
	{ "services", "服务业" }, { "industry", "工业" }, { "agriculture", "农业" },
};
#define NSECTORS (sizeof sectors / sizeof sectors[0])

static const char *jstr(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? s : "";
}

static const char *sector_name(const char *id)
{
	for (size_t i = 0; id && i < NSECTORS; i++)
		if (strcmp(sectors[i][0], id) == 0)
			return sectors[i][1];
	return id ? id : "";
}

/* date + days into out[11] (both YYYY-MM-DD). */
static void add_days(const char *date, int days, char out[11])
{
	struct tm tm;
	memset(&tm, 0, sizeof tm);
	strptime(date, "%Y-%m-%d", &tm);
	time_t t = timegm(&tm) + (time_t)days * 86400;
	gmtime_r(&t, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

/* "/audits/ID" for the case "audit:ID". */
static const char *case_href(struct request *r, const char *case_id)
{
	const char *colon = strchr(case_id, ':');
	if (!colon)
		return "/";
	return arena_printf(r->arena, "/%.*ss/%s", (int)(colon - case_id), case_id, colon + 1);
}

static void href_link(struct buf *b, const char *href, const char *text)
{
	html_raw(b, "<a href=\"");
	html_attr(b, href);
	html_raw(b, "\">");
	html_txt(b, text);
	html_raw(b, "</a>");
}

static void heading(struct buf *b, const char *id, const char *text)
{
	html_raw(b, "<h2 id=\"");
	html_attr(b, id);
	html_raw(b, "\">");
	html_txt(b, text);
	html_raw(b, "</h2>");
}

/* The big search box every home page starts with (t0003 types into it). */
static void hero(struct request *r, int signed_in)
{
	struct buf *b = &r->out;
	html_raw(b, signed_in ? "<section class=\"hero compact\">" : "<section class=\"hero\">");
	html_raw(b, "<h1>清洁生产文档门户</h1>");
	if (r->user.id) {
		html_raw(b, "<p class=\"welcome\">");
		html_txt(b, r->user.name);
		html_raw(b, "，您好。</p>");
	} else {
		html_raw(b, "<p>检索清洁生产审核报告、标准、指南、政策通知与项目文件。</p>");
	}
	html_raw(b, "<form action=\"/search\" method=\"get\" role=\"search\" class=\"big-search\" aria-label=\"检索文档\">"
		    "<label for=\"q\">检索文档</label><div class=\"box\">"
		    "<input type=\"search\" name=\"q\" id=\"q\"");
	if (!signed_in)
		html_raw(b, " autofocus");
	html_raw(b, " placeholder=\"例如：医院 节水、GB 18466、清洁生产审核\">"
		    "<button type=\"submit\">搜索</button></div></form></section>");
}

/* ---- documents ------------------------------------------------------------ */

/* The newest current public standards and guidelines of a sector (NULL:
 * those no sector was found for), at most limit. Public: anyone reads. */
static void newest_public(struct request *r, const char *sector, int limit)
{
	struct buf *b = &r->out;
	sqlite3_stmt *st = portal_db_prepare(r->db,
		"SELECT id, coalesce(nullif(title, ''), filename), doc_type FROM documents"
		" INDEXED BY documents_public_guides"
		" WHERE visibility = 'public' AND status = 'indexed' AND superseded_by IS NULL"
		" AND doc_type IN ('standard', 'guideline')"
		" AND (json_extract(metadata, '$.sector') = ?1 OR (?1 IS NULL AND json_extract(metadata, '$.sector') IS NULL))"
		" ORDER BY uploaded_at DESC, rowid DESC LIMIT ?2");
	portal_db_bind_text(st, 1, sector);
	sqlite3_bind_int(st, 2, limit);
	int n = 0;
	html_raw(b, "<ul class=\"docs\">");
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *id = (const char *)sqlite3_column_text(st, 0);
		html_raw(b, "<li>");
		href_link(b, arena_printf(r->arena, "/documents/%s", id), (const char *)sqlite3_column_text(st, 1));
		html_raw(b, " <span class=\"type\">");
		html_txt(b, docs_type_label((const char *)sqlite3_column_text(st, 2)));
		html_raw(b, "</span></li>");
		n++;
	}
	sqlite3_finalize(st);
	if (!n)
		html_raw(b, "<li class=\"empty\">暂无公开的标准或指南</li>");
	html_raw(b, "</ul>");
}

/* Search links: a type of document within a sector or an industry. */
static void search_filter_link(struct request *r, const char *type, const char *key, const char *value,
			       const char *text)
{
	struct buf *b = &r->out;
	html_raw(b, "<li>");
	href_link(b, arena_printf(r->arena, "/search?type=%s&%s=%s", type, key, url_encode(r->arena, value)), text);
	html_raw(b, "</li>");
}

static void public_standards(struct request *r)
{
	struct buf *b = &r->out;
	html_raw(b, "<section class=\"home-standards\" aria-labelledby=\"std-h\">");
	heading(b, "std-h", "最新公开的标准和指南");
	html_raw(b, "<div class=\"columns\">");
	for (size_t i = 0; i < NSECTORS; i++) {
		html_raw(b, "<section><h3>");
		html_txt(b, sectors[i][1]);
		html_raw(b, "</h3>");
		newest_public(r, sectors[i][0], 5);
		html_raw(b, "<ul class=\"more\">");
		search_filter_link(r, "standard", "sector", sectors[i][0], arena_printf(r->arena, "%s全部标准", sectors[i][1]));
		search_filter_link(r, "guideline", "sector", sectors[i][0], arena_printf(r->arena, "%s全部指南", sectors[i][1]));
		html_raw(b, "</ul></section>");
	}
	html_raw(b, "<section><h3>通用</h3>");
	newest_public(r, NULL, 5);
	html_raw(b, "</section></div></section>");
}

/* ---- staff: due and overdue ---------------------------------------------- */

/* 1 when items holds the same case and item as x. */
static int has_item(json_t *items, json_t *x)
{
	size_t i;
	json_t *y;
	json_array_foreach(items, i, y)
		if (strcmp(jstr(x, "case"), jstr(y, "case")) == 0 && strcmp(jstr(x, "item"), jstr(y, "item")) == 0)
			return 1;
	return 0;
}

/* The items of one sector as a list, at most LIST_MAX and a link to all. */
static void item_list(struct request *r, json_t *items, const char *sector, const char *cls, int year)
{
	struct buf *b = &r->out;
	size_t i, shown = 0, more = 0;
	json_t *x;
	html_raw(b, "<ul class=\"items ");
	html_attr(b, cls);
	html_raw(b, "\">");
	json_array_foreach(items, i, x) {
		if (strcmp(jstr(x, "sector"), sector) != 0)
			continue;
		if (shown == LIST_MAX) {
			more++;
			continue;
		}
		html_raw(b, "<li>");
		href_link(b, case_href(r, jstr(x, "case")), jstr(x, "title"));
		html_raw(b, " <span class=\"item\">");
		html_txt(b, jstr(x, "label"));
		html_raw(b, "</span>");
		if (*jstr(x, "due")) {
			html_raw(b, " <span class=\"due\">截止 ");
			html_txt(b, jstr(x, "due"));
			html_raw(b, "</span>");
		}
		html_raw(b, "</li>");
		shown++;
	}
	if (more) {
		html_raw(b, "<li class=\"more\">");
		href_link(b, arena_printf(r->arena, "/overdue?year=%d", year), arena_printf(r->arena, "另有 %zu 项，查看全部", more));
		html_raw(b, "</li>");
	}
	html_raw(b, "</ul>");
}

static size_t count_sector(json_t *items, const char *sector)
{
	size_t i, n = 0;
	json_t *x;
	json_array_foreach(items, i, x)
		n += strcmp(jstr(x, "sector"), sector) == 0;
	return n;
}

static void due_section(struct request *r)
{
	struct buf *b = &r->out;
	int year = report_latest_year(r->db);
	char today[11], week[11];
	struct rctx c;
	rec_today(today);
	add_days(today, 7, week);
	rh_ctx(r, &c, NULL);
	json_t *over = report_overdue(&c, year, NULL, "sector");
	rh_ctx(r, &c, NULL);
	json_t *later = report_overdue(&c, year, week, "sector");
	if (!over || !later) {
		json_decref(over);
		json_decref(later);
		return;
	}
	/* Due this week: overdue a week from now, not yet today. */
	json_t *soon = json_array(), *x;
	size_t i;
	json_array_foreach(json_object_get(later, "items"), i, x)
		if (!has_item(json_object_get(over, "items"), x))
			json_array_append(soon, x);
	json_t *over_items = json_object_get(over, "items");
	html_raw(b, "<section class=\"home-due\" aria-labelledby=\"due-h\">");
	heading(b, "due-h", arena_printf(r->arena, "逾期与本周到期（%d 年度）", year));
	html_raw(b, "<p class=\"summary\">");
	html_txtf(b, "截至 %s：逾期 %zu 项，本周（至 %s 前）到期 %zu 项。", today, json_array_size(over_items),
		  week, json_array_size(soon));
	html_raw(b, "</p><div class=\"columns\">");
	for (size_t s = 0; s < NSECTORS; s++) {
		/* an authority's records are its sector's: one column */
		if (strcmp(r->user.role, "authority") == 0 && r->user.sector &&
		    strcmp(r->user.sector, sectors[s][0]) != 0)
			continue;
		size_t n_over = count_sector(over_items, sectors[s][0]), n_soon = count_sector(soon, sectors[s][0]);
		html_raw(b, "<section class=\"sector\"><h3>");
		html_txt(b, sectors[s][1]);
		html_raw(b, "</h3><p class=\"counts\">");
		html_txtf(b, "逾期 %zu · 本周到期 %zu", n_over, n_soon);
		html_raw(b, "</p>");
		if (n_over) {
			html_raw(b, "<h4>逾期</h4>");
			item_list(r, over_items, sectors[s][0], "late", year);
		}
		if (n_soon) {
			html_raw(b, "<h4>本周到期</h4>");
			item_list(r, soon, sectors[s][0], "soon", year);
		}
		if (!n_over && !n_soon)
			html_raw(b, "<p class=\"empty\">没有逾期或本周到期的事项。</p>");
		html_raw(b, "</section>");
	}
	html_raw(b, "</div><p class=\"more\">");
	href_link(b, arena_printf(r->arena, "/overdue?year=%d", year), "全部逾期事项");
	html_raw(b, " · ");
	href_link(b, arena_printf(r->arena, "/deadlines?year=%d", year), "年度截止日期");
	html_raw(b, "</p></section>");
	json_decref(soon);
	json_decref(over);
	json_decref(later);
}

/* ---- staff: what parties filed and staff confirm (records-selfserve.c) -------- */

static void pending_row(struct request *r, const char *kind, const char *href, const char *what,
			const char *detail, const char *who, const char *at)
{
	struct buf *b = &r->out;
	html_raw(b, "<tr>");
	html_cell(b, kind);
	html_raw(b, "<td>");
	href_link(b, href, what);
	html_raw(b, "</td>");
	html_cell(b, detail);
	html_cell(b, who);
	html_cell(b, at ? ui_beijing(r, at) : "");
	html_raw(b, "</tr>");
}

static void pending_section(struct request *r)
{
	struct buf *b = &r->out;
	struct rctx c;
	rh_ctx(r, &c, NULL);
	json_t *p = selfserve_pending(&c), *x;
	if (!p)
		return;
	json_t *fs = json_object_get(p, "filings"), *cs = json_object_get(p, "changes"), *rs = json_object_get(p, "reviews");
	size_t i, n = json_array_size(fs) + json_array_size(cs) + json_array_size(rs);
	html_raw(b, "<section class=\"home-pending\" id=\"pending\" aria-labelledby=\"pending-h\">");
	heading(b, "pending-h", "待确认事项");
	if (!n) {
		html_raw(b, "<p class=\"summary\">没有等待确认的企业填报、变更申请或专家评审意见。</p></section>");
		json_decref(p);
		return;
	}
	html_raw(b, "<p class=\"summary\">");
	html_txtf(b, "企业填报 %zu 份 · 变更申请 %zu 项 · 待确认等级的评审 %zu 件", json_array_size(fs),
		  json_array_size(cs), json_array_size(rs));
	html_raw(b, "</p><table class=\"list pending\"><thead><tr><th scope=\"col\">事项</th><th scope=\"col\">案件</th>"
		    "<th scope=\"col\">内容</th><th scope=\"col\">提交人</th><th scope=\"col\">时间（北京时间）</th>"
		    "</tr></thead><tbody>");
	json_array_foreach(fs, i, x)
		pending_row(r, "企业填报", arena_printf(r->arena, "/audits/%s", jstr(x, "audit")),
			arena_printf(r->arena, "%s %lld年审核", jstr(x, "enterprise"), (long long)json_integer_value(json_object_get(x, "year"))),
			json_integer_value(json_object_get(x, "late_days"))
				? arena_printf(r->arena, "合同 %s，备案登记表 %s（逾期 %lld 天）", jstr(x, "contract_date"),
					       jstr(x, "registration_date"), (long long)json_integer_value(json_object_get(x, "late_days")))
				: arena_printf(r->arena, "合同 %s，备案登记表 %s", jstr(x, "contract_date"), jstr(x, "registration_date")),
			jstr(x, "filed_by"), jstr(x, "filed_at"));
	json_array_foreach(cs, i, x)
		pending_row(r, "变更申请", arena_printf(r->arena, "/projects/%s", jstr(x, "project")),
			arena_printf(r->arena, "%s：%s", jstr(x, "enterprise"), jstr(x, "project_name")),
			jstr(x, "description"), *jstr(x, "requested_by") ? jstr(x, "requested_by") : "工作人员",
			jstr(x, "requested_at"));
	json_array_foreach(rs, i, x)
		pending_row(r, "专家评审", arena_printf(r->arena, "/audits/%s", jstr(x, "audit")),
			arena_printf(r->arena, "%s %lld年审核", jstr(x, "enterprise"), (long long)json_integer_value(json_object_get(x, "year"))),
			jstr(x, "proposals"), arena_printf(r->arena, "%lld 位专家", (long long)json_integer_value(json_object_get(x, "opinions"))),
			jstr(x, "updated_at"));
	html_raw(b, "</tbody></table></section>");
	json_decref(p);
}

/* ---- staff: the indexing queue, recent uploads ------------------------------- */

static long long count(struct request *r, const char *sql)
{
	sqlite3_stmt *st = portal_db_prepare(r->db, sql);
	long long n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_finalize(st);
	return n;
}

static const char *when(struct request *r, sqlite3_int64 t)
{
	char out[PORTAL_TIME_LEN];
	portal_time_beijing((long long)t, out);
	return arena_strdup(r->arena, out);
}

static void queue_section(struct request *r)
{
	struct buf *b = &r->out;
	long long pending = count(r, "SELECT count(*) FROM documents WHERE status = 'pending'");
	long long failed = count(r, "SELECT count(*) FROM documents WHERE status = 'failed'");
	html_raw(b, "<section class=\"home-queue\" id=\"queue\" aria-labelledby=\"queue-h\">");
	heading(b, "queue-h", "索引队列");
	html_raw(b, "<p class=\"summary\">");
	html_txtf(b, "等待索引 %lld 份 · 处理失败 %lld 份", pending, failed);
	html_raw(b, "</p>");
	if (!failed) {
		html_raw(b, "</section>");
		return;
	}
	sqlite3_stmt *st = portal_db_prepare(r->db,
		"SELECT id, coalesce(nullif(title, ''), filename), error, uploaded_at FROM documents"
		" WHERE status = 'failed' ORDER BY uploaded_at DESC, rowid DESC LIMIT 20");
	html_raw(b, "<table class=\"list failed\"><caption>处理失败的文档</caption><thead><tr><th scope=\"col\">文档</th>"
		    "<th scope=\"col\">原因</th><th scope=\"col\">上传时间（北京时间）</th><th scope=\"col\">操作</th></tr></thead><tbody>");
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *id = (const char *)sqlite3_column_text(st, 0);
		html_raw(b, "<tr><td>");
		href_link(b, arena_printf(r->arena, "/documents/%s", id), (const char *)sqlite3_column_text(st, 1));
		html_raw(b, "</td>");
		html_cell(b, (const char *)sqlite3_column_text(st, 2));
		html_cell(b, when(r, sqlite3_column_int64(st, 3)));
		html_raw(b, "<td><form method=\"post\" class=\"inline\" action=\"");
		html_attr(b, arena_printf(r->arena, "/documents/%s/retry", id));
		html_raw(b, "\">");
		ui_csrf_field(r, b);
		html_raw(b, "<button type=\"submit\" aria-label=\"");
		html_attr(b, arena_printf(r->arena, "重试：%s", (const char *)sqlite3_column_text(st, 1)));
		html_raw(b, "\">重试</button></form></td></tr>");
	}
	sqlite3_finalize(st);
	html_raw(b, "</tbody></table>");
	if (failed > 20)
		html_raw(b, "<p>（只列出最近 20 份）</p>");
	html_raw(b, "</section>");
}

static const char *status_label(const char *status)
{
	if (status && strcmp(status, "indexed") == 0)
		return "已索引";
	if (status && strcmp(status, "failed") == 0)
		return "处理失败";
	return "等待索引";
}

static void recent_section(struct request *r)
{
	struct buf *b = &r->out;
	sqlite3_stmt *st = portal_db_prepare(r->db,
		"SELECT d.id, coalesce(nullif(d.title, ''), d.filename), d.doc_type, u.name, d.uploaded_at, d.status,"
		" d.visibility FROM documents d LEFT JOIN users u ON u.id = d.uploader_id"
		" ORDER BY d.uploaded_at DESC, d.rowid DESC LIMIT 10");
	html_raw(b, "<section class=\"home-recent\" aria-labelledby=\"recent-h\">");
	heading(b, "recent-h", "最近上传");
	html_raw(b, "<table class=\"list\"><thead><tr><th scope=\"col\">文档</th><th scope=\"col\">类型</th>"
		    "<th scope=\"col\">上传者</th><th scope=\"col\">时间（北京时间）</th><th scope=\"col\">状态</th>"
		    "<th scope=\"col\">可见性</th></tr></thead><tbody>");
	int n = 0;
	while (sqlite3_step(st) == SQLITE_ROW) {
		html_raw(b, "<tr><td>");
		href_link(b, arena_printf(r->arena, "/documents/%s", (const char *)sqlite3_column_text(st, 0)),
		     (const char *)sqlite3_column_text(st, 1));
		html_raw(b, "</td>");
		html_cell(b, sqlite3_column_text(st, 2) ? docs_type_label((const char *)sqlite3_column_text(st, 2)) : "");
		html_cell(b, sqlite3_column_text(st, 3) ? (const char *)sqlite3_column_text(st, 3) : "（导入）");
		html_cell(b, when(r, sqlite3_column_int64(st, 4)));
		html_cell(b, status_label((const char *)sqlite3_column_text(st, 5)));
		html_cell(b, strcmp((const char *)sqlite3_column_text(st, 6), "public") == 0 ? "公开" : "受限");
		html_raw(b, "</tr>");
		n++;
	}
	sqlite3_finalize(st);
	if (!n)
		html_raw(b, "<tr><td colspan=\"6\">还没有文档。</td></tr>");
	html_raw(b, "</tbody></table><p class=\"more\"><a href=\"/upload\">上传文档</a> · "
		    "<a href=\"/search\">全部文档</a></p></section>");
}

/* Every area staff work in, grouped. */
static void areas_section(struct request *r)
{
	static const char *const groups[][2] = {
		{ "记录", "/audits 审核|/projects 项目|/enterprises 企业|/agencies 咨询机构|/experts 专家|/trainings 培训" },
		{ "报表", "/reports/quarterly 季度进展报表|/reports/scoreboard 咨询机构评分榜|/overdue 逾期事项|"
			  "/deadlines 年度截止日期|/typical-units 典型单位|/agencies/selection 咨询机构年度遴选|"
			  "/admin/editions 标准版本" },
		{ "文档与账户", "/upload 上传文档|/search 全部文档|/account 我的账户|/account/tokens 令牌与会话" },
	};
	struct buf *b = &r->out;
	html_raw(b, "<section class=\"home-areas\" aria-labelledby=\"areas-h\">");
	heading(b, "areas-h", "全部功能");
	html_raw(b, "<div class=\"columns\">");
	for (size_t g = 0; g < sizeof groups / sizeof groups[0]; g++) {
		html_raw(b, "<section><h3>");
		html_txt(b, groups[g][0]);
		html_raw(b, "</h3><ul class=\"links\">");
		/* "href label|href label|…": literals of this file */
		const char *p = groups[g][1];
		while (*p) {
			const char *sp = strchr(p, ' '), *end = strchr(p, '|');
			if (!end)
				end = p + strlen(p);
			html_raw(b, "<li>");
			href_link(b, arena_strndup(r->arena, p, (size_t)(sp - p)),
			     arena_strndup(r->arena, sp + 1, (size_t)(end - sp - 1)));
			html_raw(b, "</li>");
			p = *end ? end + 1 : end;
		}
		html_raw(b, "</ul></section>");
	}
	html_raw(b, "</div></section>");
}

/* ---- parties: their cases ---------------------------------------------------- */

static const char *expert_role_label(const char *role)
{
	if (!role)
		return "";
	if (strcmp(role, "reviewer") == 0)
		return "评审专家";
	if (strcmp(role, "evaluator") == 0)
		return "评估专家";
	if (strcmp(role, "acceptance") == 0)
		return "验收专家";
	return role;
}

/* The caller's role in a case it is assigned to (experts). */
static const char *assignment_role(struct request *r, const char *case_id)
{
	sqlite3_stmt *st = portal_db_prepare(r->db,
		"SELECT s.role FROM assignments s JOIN experts x ON x.id = s.expert_id"
		" WHERE x.user_name = ? AND s.case_id = ?");
	portal_db_bind_text(st, 1, r->user.name);
	portal_db_bind_text(st, 2, case_id);
	const char *role = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0)
		? arena_strdup(r->arena, (const char *)sqlite3_column_text(st, 0)) : NULL;
	sqlite3_finalize(st);
	return role;
}

/* A case's documents as links (experts read what they assess). */
static void case_documents(struct request *r, json_t *docs)
{
	struct buf *b = &r->out;
	size_t i;
	json_t *d;
	if (!json_array_size(docs)) {
		html_raw(b, "<p class=\"empty\">本案卷暂无您可查看的文档。</p>");
		return;
	}
	html_raw(b, "<ul class=\"docs\">");
	json_array_foreach(docs, i, d) {
		html_raw(b, "<li>");
		href_link(b, arena_printf(r->arena, "/documents/%s", jstr(d, "id")),
		     *jstr(d, "title") ? jstr(d, "title") : jstr(d, "filename"));
		html_raw(b, " <span class=\"type\">");
		html_txt(b, link_role_label(json_string_value(json_object_get(d, "role"))));
		html_raw(b, "</span></li>");
	}
	html_raw(b, "</ul>");
}

/* What the case lacks: documents its stage required (late already) and
 * those its next step needs, by the step's date. */
static void case_checklist(struct request *r, json_t *now, json_t *next, const char *due)
{
	struct buf *b = &r->out;
	size_t i, n = 0;
	json_t *x;
	html_raw(b, "<ul class=\"checklist\">");
	json_array_foreach(json_object_get(now, "required"), i, x) {
		if (json_is_true(json_object_get(x, "present")))
			continue;
		html_raw(b, "<li class=\"missing\">✘ ");
		html_txt(b, jstr(x, "label"));
		html_raw(b, "（缺少，应已提交）</li>");
		n++;
	}
	json_array_foreach(json_object_get(next, "required"), i, x) {
		if (json_is_true(json_object_get(x, "present")))
			continue;
		int already = 0;
		size_t k;
		json_t *y;
		json_array_foreach(json_object_get(now, "required"), k, y)
			already |= strcmp(jstr(x, "role"), jstr(y, "role")) == 0;
		if (already)
			continue;
		html_raw(b, "<li class=\"todo\">○ ");
		html_txt(b, jstr(x, "label"));
		if (due && *due)
			html_txtf(b, "（下一步需要，%s 前提交）", due);
		else
			html_raw(b, "（下一步需要）");
		html_raw(b, "</li>");
		n++;
	}
	if (!n)
		html_raw(b, "<li class=\"present\">✔ 材料齐全</li>");
	html_raw(b, "</ul>");
}

/* One case on a party's page, with its next step (when ahead). */
struct card {
	const struct rtype *t;
	json_t *row;		/* borrowed from the list it came in */
	int ahead;
	struct report_step step;
};

/* One case as its parties (and experts) see it. */
static void case_card(struct request *r, const struct card *k, const char *today, const char *week)
{
	struct buf *b = &r->out;
	struct rctx c;
	const struct rtype *t = k->t;
	json_t *row = k->row;
	const char *id = jstr(row, "id"), *state = jstr(row, "state");
	const char *case_id = arena_printf(r->arena, "%s:%s", t->kind, id);
	rh_ctx(r, &c, t);
	json_t *docs = link_documents(&c, case_id);
	html_raw(b, "<li class=\"case\"><h3>");
	href_link(b, arena_printf(r->arena, "/%s/%s", t->name, id), jstr(row, "title"));
	html_raw(b, "</h3><p class=\"state\">");
	html_txt(b, t->label);
	html_raw(b, " · 状态：<strong>");
	html_txt(b, workflow_label(t->flow, state));
	html_raw(b, "</strong></p>");
	const char *role = strcmp(r->user.role, "expert") == 0 ? assignment_role(r, case_id) : NULL;
	if (role) {
		html_raw(b, "<p>您的角色：");
		html_txt(b, expert_role_label(role));
		html_raw(b, "</p>");
		case_documents(r, docs);
		json_decref(docs);
		html_raw(b, "</li>");
		return;
	}
	if (k->ahead) {
		html_raw(b, "<p class=\"next\">下一步：");
		html_txt(b, k->step.label);
		if (*k->step.due) {
			html_txtf(b, "，截止 %s", k->step.due);
			if (strcmp(k->step.due, today) < 0)
				html_raw(b, " <strong class=\"late\">已逾期</strong>");
			else if (strcmp(k->step.due, week) < 0)
				html_raw(b, " <strong class=\"soon\">本周到期</strong>");
		}
		html_raw(b, "</p>");
	}
	json_t *now = link_checklist(r->arena, t->kind, state, docs);
	json_t *next = k->ahead ? link_checklist(r->arena, t->kind, k->step.state, docs) : NULL;
	html_raw(b, "<p class=\"label\">材料清单</p>");
	case_checklist(r, now, next, k->ahead ? k->step.due : NULL);
	json_decref(now);
	json_decref(next);
	json_decref(docs);
	rh_ctx(r, &c, NULL);
	if (link_may_attach(&c, case_id, NULL) == 0) {
		html_raw(b, "<p><a class=\"upload\" href=\"");
		html_attr(b, arena_printf(r->arena, "/upload?case=%s", url_encode(r->arena, case_id)));
		html_raw(b, "\">上传到本案卷<span class=\"visually-hidden\">：");
		html_txt(b, jstr(row, "title"));
		html_raw(b, "</span></a></p>");
	}
	html_raw(b, "</li>");
}

/* What needs doing first: cases with a step ahead, the earliest date
 * first (undated steps after dated ones), then the finished ones. */
static int by_urgency(const void *x, const void *y)
{
	const struct card *a = x, *b = y;
	if (a->ahead != b->ahead)
		return b->ahead - a->ahead;
	if (a->ahead && (*a->step.due != 0) != (*b->step.due != 0))
		return *a->step.due ? -1 : 1;
	if (a->ahead && *a->step.due && strcmp(a->step.due, b->step.due))
		return strcmp(a->step.due, b->step.due);
	return strcmp(jstr(a->row, "title"), jstr(b->row, "title"));
}

static void cases_section(struct request *r, const char *title, int audits, int projects)
{
	struct buf *b = &r->out;
	char today[11], week[11];
	const struct rtype *types[2] = { audits ? &rt_audits : NULL, projects ? &rt_projects : NULL };
	json_t *lists[2] = { NULL, NULL }, *row;
	struct card *cards = arena_alloc(r->arena, 2 * CASES_MAX * sizeof *cards);
	size_t n = 0, late = 0, i;
	rec_today(today);
	add_days(today, 7, week);
	for (int k = 0; k < 2; k++) {
		struct rctx c;
		struct rquery q = { .page = 1, .per_page = CASES_MAX };
		if (!types[k])
			continue;
		rh_ctx(r, &c, types[k]);
		if (rec_list(&c, &q, &lists[k]))
			continue;
		json_array_foreach(json_object_get(lists[k], "results"), i, row) {
			struct card *card = &cards[n++];
			card->t = types[k];
			card->row = row;
			card->ahead = report_case_next(r->db, types[k]->kind, row, &card->step);
			late += card->ahead && *card->step.due && strcmp(card->step.due, today) < 0;
		}
	}
	qsort(cards, n, sizeof *cards, by_urgency);
	html_raw(b, "<section class=\"home-cases\" aria-labelledby=\"cases-h\">");
	heading(b, "cases-h", title);
	if (n) {
		html_raw(b, "<p class=\"summary\">");
		html_txtf(b, "共 %zu 个案卷", n);
		if (late)
			html_txtf(b, "，其中 %zu 个已逾期", late);
		html_raw(b, "；需要办理的排在前面。</p><ul class=\"cases\">");
		for (i = 0; i < n; i++)
			case_card(r, &cards[i], today, week);
		html_raw(b, "</ul>");
	} else {
		html_raw(b, "<p class=\"empty\">暂无案卷。</p>");
	}
	html_raw(b, "</section>");
	json_decref(lists[0]);
	json_decref(lists[1]);
}

/* The year's deadlines (the plan's, or as staff set them). */
static void deadlines_section(struct request *r)
{
	struct buf *b = &r->out;
	int year = report_latest_year(r->db);
	json_t *rep = report_deadlines_json(r->db, year), *x;
	size_t i;
	html_raw(b, "<section class=\"home-deadlines\" aria-labelledby=\"deadlines-h\">");
	heading(b, "deadlines-h", arena_printf(r->arena, "%d 年度截止日期", year));
	html_raw(b, "<ul class=\"deadlines\">");
	json_array_foreach(json_object_get(rep, "deadlines"), i, x) {
		html_raw(b, "<li>");
		html_txt(b, jstr(x, "label"));
		html_raw(b, "：<time>");
		html_txt(b, jstr(x, "date"));
		html_raw(b, "</time></li>");
	}
	html_raw(b, "</ul><p class=\"more\">");
	href_link(b, arena_printf(r->arena, "/overdue?year=%d", year), "我的逾期事项");
	html_raw(b, "</p></section>");
	json_decref(rep);
}

/* The enterprise's own record, and its sector's standards and guidelines. */
static void enterprise_section(struct request *r)
{
	struct buf *b = &r->out;
	struct rctx c;
	struct rquery q = { .page = 1, .per_page = 5 };
	json_t *res, *e;
	size_t i;
	rh_ctx(r, &c, &rt_enterprises);
	if (rec_list(&c, &q, &res))
		return;
	json_array_foreach(json_object_get(res, "results"), i, e) {
		const char *sector = jstr(e, "sector"), *industry = jstr(e, "industry");
		html_raw(b, "<section class=\"home-standards\" aria-labelledby=\"std-h\">");
		heading(b, "std-h", "本行业的标准和指南");
		html_raw(b, "<p>本单位：");
		href_link(b, arena_printf(r->arena, "/enterprises/%s", jstr(e, "id")), jstr(e, "name"));
		html_raw(b, " · ");
		html_txt(b, sector_name(sector));
		html_raw(b, " · ");
		html_txt(b, industry);
		html_raw(b, "</p><ul class=\"links\">");
		search_filter_link(r, "standard", "industry", industry, arena_printf(r->arena, "%s行业标准", industry));
		search_filter_link(r, "guideline", "industry", industry, arena_printf(r->arena, "%s行业指南", industry));
		search_filter_link(r, "standard", "sector", sector, arena_printf(r->arena, "%s标准", sector_name(sector)));
		search_filter_link(r, "guideline", "sector", sector, arena_printf(r->arena, "%s指南", sector_name(sector)));
		html_raw(b, "<li><a href=\"/search?type=policy_notice\">政策通知</a></li></ul><h3>");
		html_txt(b, sector_name(sector));
		html_raw(b, "最新公开的标准和指南</h3>");
		newest_public(r, sector, 5);
		html_raw(b, "</section>");
		break;	/* one enterprise per user */
	}
	json_decref(res);
}

/* ---- district and authority ---------------------------------------------- */

/* The projects waiting for the district's approval (applied, of its
 * district's enterprises: the engine's scope), oldest application first. */
static void approvals_section(struct request *r)
{
	struct buf *b = &r->out;
	static const char *const names[] = { "state" }, *const values[] = { "applied" };
	struct rquery q = { .names = names, .values = values, .nfilters = 1, .page = 1, .per_page = CASES_MAX };
	struct rctx c;
	json_t *res = NULL, *x;
	size_t i;
	char today[11];
	rec_today(today);
	rh_ctx(r, &c, &rt_projects);
	if (rec_list(&c, &q, &res))
		return;
	json_t *rows = json_object_get(res, "results");
	html_raw(b, "<section class=\"home-approvals\" aria-labelledby=\"approvals-h\">");
	heading(b, "approvals-h", "待区级审核的项目");
	if (!json_array_size(rows)) {
		html_raw(b, "<p class=\"empty\">没有等待本区审核的项目。</p></section>");
		json_decref(res);
		return;
	}
	html_raw(b, "<p class=\"summary\">");
	html_txtf(b, "共 %zu 个项目已申报，等待本区审核；在项目页面填写区级审核日期即完成审核。",
		  json_array_size(rows));
	html_raw(b, "</p><ul class=\"items approvals\">");
	json_array_foreach(rows, i, x) {
		const char *ent = rec_title(r->db, r->arena, &rt_enterprises, jstr(x, "enterprise_id"));
		html_raw(b, "<li>");
		href_link(b, arena_printf(r->arena, "/projects/%s", jstr(x, "id")), jstr(x, "title"));
		html_raw(b, " <span class=\"item\">");
		html_txt(b, ent ? ent : "");
		html_raw(b, "</span>");
		sqlite3_stmt *st = portal_db_prepare(r->db, "SELECT application_date FROM projects WHERE id = ?");
		portal_db_bind_text(st, 1, jstr(x, "id"));
		if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0)) {
			const char *d = (const char *)sqlite3_column_text(st, 0);
			html_raw(b, " <span class=\"due\">");
			html_txtf(b, "%s 申报，已等待 %ld 天", d, rec_days_between(d, today));
			html_raw(b, "</span>");
		}
		sqlite3_finalize(st);
		html_raw(b, "</li>");
	}
	html_raw(b, "</ul></section>");
	json_decref(res);
}

/* The caller's cases of year (the engine's scope: a district's or a
 * sector's) counted by state, each count linked to the list it opens. */
static void state_counts(struct request *r, const struct rtype *t, int year)
{
	struct buf *b = &r->out;
	struct rctx c;
	rh_ctx(r, &c, t);
	sqlite3_stmt *st = portal_db_prepare(r->db, arena_printf(r->arena,
		"SELECT t.state, count(*) FROM %s t WHERE t.year = :year AND (%s) GROUP BY t.state",
		t->name, records_scope_sql(&c)));
	sqlite3_bind_int(st, sqlite3_bind_parameter_index(st, ":year"), year);
	records_bind_scope(&c, st);
	json_t *counts = json_object();
	long long total = 0;
	while (sqlite3_step(st) == SQLITE_ROW) {
		json_object_set_new(counts, (const char *)sqlite3_column_text(st, 0),
				    json_integer(sqlite3_column_int64(st, 1)));
		total += sqlite3_column_int64(st, 1);
	}
	sqlite3_finalize(st);
	html_raw(b, "<section class=\"sector\"><h3>");
	href_link(b, arena_printf(r->arena, "/%s?year=%d", t->name, year), t->label);
	html_raw(b, "</h3><p class=\"counts\">");
	html_txtf(b, "共 %lld 个", total);
	html_raw(b, "</p>");
	if (total) {
		html_raw(b, "<ul class=\"items\">");
		for (const char *const *s = t->flow->states; *s; s++) {
			long long n = json_integer_value(json_object_get(counts, *s));
			if (!n)
				continue;
			html_raw(b, "<li>");
			href_link(b, arena_printf(r->arena, "/%s?year=%d&state=%s", t->name, year, *s),
				  workflow_label(t->flow, *s));
			html_txtf(b, "：%lld 个", n);
			html_raw(b, "</li>");
		}
		html_raw(b, "</ul>");
	}
	html_raw(b, "</section>");
	json_decref(counts);
}

static void area_cases_section(struct request *r, const char *title)
{
	struct buf *b = &r->out;
	int year = report_latest_year(r->db);
	html_raw(b, "<section class=\"home-area\" aria-labelledby=\"area-h\">");
	heading(b, "area-h", arena_printf(r->arena, "%s（%d 年度）", title, year));
	html_raw(b, "<div class=\"columns\">");
	state_counts(r, &rt_audits, year);
	state_counts(r, &rt_projects, year);
	html_raw(b, "</div><p class=\"more\">");
	href_link(b, "/enterprises", strcmp(r->user.role, "district") == 0 ? "本区企业" : "本行业企业");
	html_raw(b, " · ");
	href_link(b, arena_printf(r->arena, "/deadlines?year=%d", year), "年度截止日期");
	html_raw(b, "</p></section>");
}

/* An authority's bulletin: the quarters of the latest year, its sector's. */
static void bulletin_section(struct request *r)
{
	struct buf *b = &r->out;
	int year = report_latest_year(r->db);
	static const char *const qn[] = { "一", "二", "三", "四" };
	html_raw(b, "<section class=\"home-bulletin\" aria-labelledby=\"bulletin-h\">");
	heading(b, "bulletin-h", arena_printf(r->arena, "%s季度工作通报", sector_name(r->user.sector)));
	html_raw(b, "<p>市发改委按季度通报本行业的审核、项目、资金进展，逾期事项和已验收项目的成效（可打印）。</p>"
		    "<ul class=\"links\">");
	for (int q = 1; q <= 4; q++) {
		html_raw(b, "<li>");
		href_link(b, arena_printf(r->arena, "/reports/bulletin?year=%d&quarter=%d", year, q),
			  arena_printf(r->arena, "%d 年第%s季度", year, qn[q - 1]));
		html_raw(b, "</li>");
	}
	html_raw(b, "</ul><p class=\"more\">");
	href_link(b, arena_printf(r->arena, "/reports/quarterly?year=%d", year), "季度进展报表（图表）");
	html_raw(b, "</p></section>");
}

/* ---- every signed-in user: new matches of saved searches ------------------ */

/* fresh: ui_alerts_fresh(); nothing when the user saved no search. */
static void alerts_section(struct request *r, long fresh)
{
	struct buf *b = &r->out;
	if (fresh < 0)
		return;
	html_raw(b, "<p class=\"home-alerts\"><a href=\"/account/alerts\">");
	if (fresh)
		html_txtf(b, "保存的搜索有 %ld 条新结果", fresh);
	else
		html_raw(b, "保存的搜索暂无新结果");
	html_raw(b, "</a></p>");
}

/* ---- the page ------------------------------------------------------------ */

void ui_home(struct request *r)
{
	struct buf *b = &r->out;
	const char *role = r->user.role ? r->user.role : "";
	/* before the page starts: a failed search must not touch it */
	long fresh = r->user.id ? ui_alerts_fresh(r) : -1;
	ui_page_begin(r, "首页");
	hero(r, r->user.id != 0);
	if (r->user.id)
		alerts_section(r, fresh);
	if (!r->user.id) {
		public_standards(r);
		home_typical_units(r);
		html_raw(b, "<p><a href=\"/login\">登录</a>后可查看本单位的审核、项目和材料清单。</p>");
	} else if (portal_user_sees_all(&r->user)) {
		due_section(r);
		pending_section(r);
		queue_section(r);
		recent_section(r);
		areas_section(r);
	} else if (strcmp(role, "enterprise") == 0) {
		cases_section(r, "本单位的审核和项目", 1, 1);
		enterprise_section(r);
		deadlines_section(r);
	} else if (strcmp(role, "agency") == 0) {
		home_agency_year(r);
		cases_section(r, "客户的审核", 1, 0);
		deadlines_section(r);
	} else if (strcmp(role, "expert") == 0) {
		cases_section(r, "我的评审任务", 1, 1);
	} else if (strcmp(role, "district") == 0) {
		approvals_section(r);
		due_section(r);
		area_cases_section(r, arena_printf(r->arena, "%s的审核和项目", r->user.district ? r->user.district : "本区"));
	} else if (strcmp(role, "authority") == 0) {
		bulletin_section(r);
		due_section(r);
		area_cases_section(r, arena_printf(r->arena, "%s的审核和项目", sector_name(r->user.sector)));
	}
	ui_page_end(r);
}
