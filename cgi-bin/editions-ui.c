/* editions-ui.c: the staff's page of standards and their editions
 * (selection-ui.h): every standard number the portal knows, each edition
 * with its status (现行, 已被代替, 已废止), what replaced it and who said so
 * (a text, or staff); a form marks an edition replaced by another, withdrawn
 * or current again through editions_set(), the function PATCH
 * /api/standards and `portal ctl editions` rely on, logged the same way. */
#include "selection-ui.h"
#include "records-http.h"
#include "arena.h"
#include "audit.h"
#include "db.h"
#include "editions.h"
#include "html.h"
#include "http-request.h"
#include "http-response.h"
#include "jobs.h"
#include "log.h"
#include "normalize.h"
#include "ui-shared.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#define FORM_MAX 8192

int editions_set_logged(struct request *r, const char *edition, const char *status, const char *by,
			const char **msg)
{
	char err[256];
	const char **changed;
	size_t n;
	if (!edition || !status) {
		*msg = "须给出标准版本（如 GB 18466-2001）和状态。 An edition and a status are required.";
		return 400;
	}
	if (portal_db_exec(r->db, "BEGIN IMMEDIATE", err, sizeof err) < 0) {
		*msg = "数据库繁忙，请重试。 The database is busy; please try again.";
		return 503;
	}
	if (editions_set(r->db, r->arena, edition, status, by, &changed, &n, err, sizeof err) < 0) {
		portal_db_exec(r->db, "ROLLBACK", err + 128, 128);
		*msg = arena_strdup(r->arena, err);
		return 400;
	}
	for (size_t i = 0; i < n; i++)
		if (jobs_enqueue(r->db, changed[i], err, sizeof err) < 0)
			portal_log("standards: reindex %s: %s", changed[i], err);
	char canon[PORTAL_IDENT_MAX];
	portal_norm_standard(edition, strlen(edition), canon, sizeof canon, NULL, 0);
	/* the detail as the audit-log page shows it: in Chinese */
	json_t *d = json_object();
	json_object_set_new(d, "状态", json_string(strcmp(status, "current") == 0 ? "现行"
		: strcmp(status, "withdrawn") == 0 ? "已废止" : "已被代替"));
	char byc[PORTAL_IDENT_MAX];
	if (by && *by && strcmp(status, "superseded") == 0 &&
	    portal_norm_standard(by, strlen(by), byc, sizeof byc, NULL, 0) == 0)
		json_object_set_new(d, "代替版本", json_string(byc));
	char *detail = json_dumps(d, JSON_COMPACT);
	json_decref(d);
	audit_log(r->db, r->user.id, "edition_set", arena_printf(r->arena, "standard:%s", canon), detail);
	free(detail);
	if (portal_db_exec(r->db, "COMMIT", err, sizeof err) < 0) {
		portal_db_exec(r->db, "ROLLBACK", err, sizeof err);
		*msg = "未能保存，请重试。 The change could not be saved; please try again.";
		return 503;
	}
	return 0;
}

static const char *status_label(const char *s)
{
	return strcmp(s, "current") == 0 ? "现行" : strcmp(s, "withdrawn") == 0 ? "已废止" : "已被代替";
}

static void editions_page(struct request *r, const char *err)
{
	struct buf *b = &r->out;
	ui_page_begin(r, "标准版本");
	html_raw(b, "<h1>标准版本</h1><p>每项标准的各个版本及其状态。状态由标准文本（“代替……”“废止”）自动判断；"
		    "工作人员在此设定的状态优先，并记入审计日志。</p>");
	if (err) {
		html_raw(b, "<p class=\"form-error\" role=\"alert\">");
		html_txt(b, rh_zh(r, err));
		html_raw(b, "</p>");
	}
	html_raw(b, "<form method=\"post\" class=\"record\" action=\"/admin/editions\">");
	ui_csrf_field(r, b);
	html_raw(b, "<label>标准版本<input type=\"text\" name=\"edition\" required list=\"editions\""
		    " placeholder=\"GB 18466-2001\"></label><label>状态<select name=\"status\">");
	html_option(b, "superseded", "已被代替", 0);
	html_option(b, "withdrawn", "已废止", 0);
	html_option(b, "current", "现行", 0);
	html_raw(b, "</select></label><label>被代替为<input type=\"text\" name=\"replaced_by\" list=\"editions\""
		    " placeholder=\"GB 18466-2005\"></label><button type=\"submit\">保存</button></form>");
	sqlite3_stmt *st = portal_db_prepare(r->db,
		"SELECT e.number, e.year, e.status, e.replaced_by, e.named_by, e.staff, e.doc_id,"
		" coalesce(nullif(d.title, ''), d.filename)"
		" FROM standard_editions e LEFT JOIN documents d ON d.id = e.doc_id ORDER BY e.number, e.year DESC");
	html_raw(b, "<datalist id=\"editions\">");
	while (sqlite3_step(st) == SQLITE_ROW) {
		html_raw(b, "<option value=\"");
		html_attr(b, arena_printf(r->arena, "%s-%d", (const char *)sqlite3_column_text(st, 0),
					  sqlite3_column_int(st, 1)));
		html_raw(b, "\"></option>");
	}
	html_raw(b, "</datalist>");
	sqlite3_reset(st);
	html_raw(b, "<h2>各标准的版本</h2><table class=\"list editions\"><thead><tr><th>标准号</th><th>版本</th><th>状态</th>"
		    "<th>被代替为</th><th>依据</th><th>文档</th></tr></thead><tbody>");
	int rows = 0;
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *number = (const char *)sqlite3_column_text(st, 0);
		const char *status = (const char *)sqlite3_column_text(st, 2);
		const char *by = (const char *)sqlite3_column_text(st, 3);
		const char *named = (const char *)sqlite3_column_text(st, 4);
		rows++;
		html_raw(b, strcmp(status, "current") == 0 ? "<tr class=\"current\">" : "<tr>");
		html_cell(b, number);
		html_cell(b, arena_printf(r->arena, "%s-%d", number, sqlite3_column_int(st, 1)));
		html_cell(b, status_label(status));
		html_cell(b, by ? by : "");
		html_cell(b, sqlite3_column_int(st, 5) ? "工作人员设定"
			  : named ? arena_printf(r->arena, "%s 的文本", named) : "版本年份");
		if (sqlite3_column_type(st, 6) != SQLITE_NULL) {
			html_raw(b, "<td><a href=\"");
			html_attr(b, arena_printf(r->arena, "/documents/%s", (const char *)sqlite3_column_text(st, 6)));
			html_raw(b, "\">");
			html_txt(b, (const char *)sqlite3_column_text(st, 7));
			html_raw(b, "</a></td>");
		} else {
			html_cell(b, "（无文档）");
		}
		html_raw(b, "</tr>");
	}
	sqlite3_finalize(st);
	if (!rows)
		html_raw(b, "<tr><td colspan=\"6\">暂无标准版本</td></tr>");
	html_raw(b, "</tbody></table>");
	ui_page_end(r);
}

void ui_editions(struct request *r)
{
	editions_page(r, NULL);
}

void ui_editions_post(struct request *r)
{
	if (req_form_read(r, FORM_MAX) < 0)
		return;
	const char *edition = req_form(r, "edition"), *status = req_form(r, "status");
	const char *by = req_form(r, "replaced_by"), *msg;
	int rc = editions_set_logged(r, edition && *edition ? edition : NULL, status, by && *by ? by : NULL, &msg);
	if (rc) {
		buf_reset(&r->out);
		r->status = rc;
		editions_page(r, msg);
		return;
	}
	r->status = 303;
	resp_header(r, "Location", "/admin/editions");
}
