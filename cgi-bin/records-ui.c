/* records-ui.c: HTML pages for programme records (records-ui.h), drawn
 * from the same field tables as the API: a list with filters and a pager,
 * a record page (fields, checklist, documents, suggested documents,
 * experts, change requests, next states, history) with its forms, and the
 * new-record form. Forms post application/x-www-form-urlencoded with the
 * CSRF token; the engine validates them exactly as it validates JSON, and a
 * refusal shows the page again with the sentence on top. */
#include "records-ui.h"
#include "selection-ui.h"
#include "results.h"
#include "records.h"
#include "records-view.h"
#include "records-http.h"
#include "records-link.h"
#include "arena.h"
#include "db.h"
#include "auth.h"
#include "html.h"
#include "http-request.h"
#include "http-response.h"
#include "session.h"
#include "ui-shared.h"
#include "url.h"
#include "records-move.h"
#include "similar-cases.h"
#include "workflow.h"
#include "labels.h"

#include <stdlib.h>
#include <string.h>

#define FORM_MAX 65536

/* ---- pieces ------------------------------------------------------------------ */

/* What the record engine stores in a lookup table named by a field's ref
 * (sectors, industries, districts), as the SQL listing its rows (id and
 * how it reads), or NULL when ref names a record type. */
static const char *lookup_sql(const char *ref)
{
	if (strcmp(ref, "sectors") == 0)
		return "SELECT id, name FROM sectors ORDER BY rowid";
	if (strcmp(ref, "industries") == 0)
		return "SELECT i.id, i.id FROM industries i JOIN sectors s ON s.id = i.sector ORDER BY s.rowid, i.rowid";
	if (strcmp(ref, "districts") == 0)
		return "SELECT id, id FROM districts ORDER BY code";
	return NULL;
}

/* A stored value as people read it (records.h, rec_value_text). */
static const char *value_text(struct request *r, const struct rfield *f, json_t *v)
{
	return rec_value_text(r->db, r->arena, f, v);
}

/* A value as a form's input holds it: money as plain yuan, references and
 * codes as value_text() shows them (the server maps them back). */
static const char *input_text(struct request *r, const struct rfield *f, json_t *v)
{
	if (f && f->type == FT_MONEY && json_is_integer(v))
		return rec_yuan(r->arena, json_integer_value(v));
	if (f && f->codes && f->type != FT_ENUM && json_is_string(v))
		return rec_coded_list(r->arena, f->codes, json_string_value(v), "、");
	return value_text(r, f, v);
}

/* How a code of field f of t reads: states by the workflow's labels. */
static const char *code_label(const struct rtype *t, const struct rfield *f, const char *code)
{
	if ((f->flags & F_STATE) && t && t->flow)
		return workflow_label(t->flow, code);
	return f->codes ? label_of(f->codes, code) : code;
}

/* A field's label where its value is shown: money is shown with its unit,
 * so "总投资（元）" reads "总投资" there. */
static const char *shown_label(struct request *r, const struct rfield *f)
{
	size_t n = strlen(f->label), u = strlen("（元）");
	if (f->type == FT_MONEY && n > u && strcmp(f->label + n - u, "（元）") == 0)
		return arena_strndup(r->arena, f->label, n - u);
	return f->label;
}

/* A field's value in a cell or a row of a record: references by name,
 * linked when the caller may open them. */
static void field_html(struct request *r, const struct rtype *t, const struct rfield *f, json_t *v)
{
	struct buf *b = &r->out;
	if (f->flags & F_STATE) {
		html_txt(b, workflow_label(t->flow, json_string_value(v)));
		return;
	}
	const struct rtype *rt = f->type == FT_REF ? rtype_find(f->ref) : NULL;
	if (!rt || !json_is_string(v)) {
		html_txt(b, value_text(r, f, v));
		return;
	}
	struct rctx c;
	rh_ctx(r, &c, rt);
	json_t *row = rec_row(&c, json_string_value(v));
	if (!row) {
		html_txt(b, value_text(r, f, v));
		return;
	}
	json_decref(row);
	html_raw(b, "<a href=\"");
	html_attr(b, arena_printf(r->arena, "/%s/%s", f->ref, json_string_value(v)));
	html_raw(b, "\">");
	html_txt(b, value_text(r, f, v));
	html_raw(b, "</a>");
}

static void error_box(struct request *r, const char *msg)
{
	if (!msg)
		return;
	html_raw(&r->out, "<p class=\"form-error\" role=\"alert\">");
	html_txt(&r->out, rh_zh(r, msg));
	html_raw(&r->out, "</p>");
}

/* <datalist id="ID"> of the names of the records of t the caller may
 * pick: what an <input list=ID> offers, typed names filtered as one types,
 * without JavaScript. */
static void names_datalist(struct request *r, const struct rtype *t, const char *id)
{
	struct buf *b = &r->out;
	struct rctx c;
	rh_ctx(r, &c, t);
	json_t *names = rec_names(&c, NULL, 1000), *x;
	size_t i;
	html_raw(b, "<datalist id=\"");
	html_attr(b, id);
	html_raw(b, "\">");
	json_array_foreach(names, i, x) {
		html_raw(b, "<option value=\"");
		html_attr(b, json_string_value(json_object_get(x, "name")));
		html_raw(b, "\"></option>");
	}
	html_raw(b, "</datalist>");
	json_decref(names);
}

/* The options of a <select> for field f of t: its codes in Chinese, a
 * lookup table's rows, or (a filter) the records of the referenced type
 * the caller may see. selected may be NULL; blank is the empty option. */
static void select_field(struct request *r, const struct rtype *t, const struct rfield *f, const char *selected,
			 const char *blank)
{
	struct buf *b = &r->out;
	html_raw(b, "<select name=\"");
	html_attr(b, f->name);
	html_raw(b, "\">");
	html_option(b, "", blank, 0);
	if (f->type == FT_ENUM) {
		for (const char *const *c = f->choices; c && *c; c++)
			html_option(b, *c, code_label(t, f, *c), selected && strcmp(selected, *c) == 0);
	} else if (lookup_sql(f->ref)) {
		sqlite3_stmt *st = portal_db_prepare(r->db, lookup_sql(f->ref));
		while (sqlite3_step(st) == SQLITE_ROW) {
			const char *id = (const char *)sqlite3_column_text(st, 0);
			const char *text = strcmp(f->ref, "sectors") == 0 ? label_of(L_SECTOR, id)
				: (const char *)sqlite3_column_text(st, 1);
			html_option(b, id, text, selected && strcmp(selected, id) == 0);
		}
		sqlite3_finalize(st);
	} else {
		struct rctx c;
		rh_ctx(r, &c, rtype_find(f->ref));
		json_t *names = rec_names(&c, NULL, 1000), *x;
		size_t i;
		json_array_foreach(names, i, x) {
			const char *id = json_string_value(json_object_get(x, "id"));
			html_option(b, id, json_string_value(json_object_get(x, "name")), selected && strcmp(selected, id) == 0);
		}
		json_decref(names);
	}
	html_raw(b, "</select>");
}

/* One labelled input for field f of t holding v (may be NULL): a menu for
 * codes and lookup tables, a searchable list of names for a reference to
 * a record (the name typed or chosen is mapped back to the id on posting,
 * resolve_form), a plain field otherwise. */
static void input(struct request *r, const struct rtype *t, const struct rfield *f, json_t *v, int required)
{
	struct buf *b = &r->out;
	html_raw(b, "<label>");
	html_txt(b, f->label);
	if (required)
		html_raw(b, " *");
	if (f->type == FT_ENUM || (f->type == FT_REF && lookup_sql(f->ref))) {
		select_field(r, t, f, json_is_string(v) ? json_string_value(v) : NULL, "请选择");
		html_raw(b, "</label>");
		return;
	}
	const char *type = f->type == FT_DATE ? "date" : "text";
	html_raw(b, f->type == FT_LONG ? "<textarea name=\"" : "<input type=\"");
	if (f->type != FT_LONG) {
		html_attr(b, type);
		html_raw(b, "\" name=\"");
	}
	html_attr(b, f->name);
	html_raw(b, "\"");
	if (required)
		html_raw(b, " required");
	if (f->type == FT_LONG) {
		html_raw(b, ">");
		html_txt(b, input_text(r, f, v));
		html_raw(b, "</textarea></label>");
		return;
	}
	const char *list = f->type == FT_REF || f->type == FT_REFS ? arena_printf(r->arena, "names-%s", f->name) : NULL;
	if (list) {
		html_raw(b, " list=\"");
		html_attr(b, list);
		html_raw(b, "\" autocomplete=\"off\" placeholder=\"");
		html_raw(b, f->type == FT_REFS ? "名称，多个以“、”分隔" : "输入或选择名称");
		html_raw(b, "\"");
	}
	html_raw(b, " value=\"");
	html_attr(b, input_text(r, f, v));
	html_raw(b, "\">");
	if (list)
		names_datalist(r, rtype_find(f->ref), list);
	html_raw(b, "</label>");
}

/* A list filter for field f of t: a menu with 全部 for codes, lookup
 * tables and references, a text field otherwise. */
static void filter_input(struct request *r, const struct rtype *t, const struct rfield *f, const char *v)
{
	if (f->type == FT_ENUM || f->type == FT_REF) {
		html_raw(&r->out, "<label>");
		html_txt(&r->out, f->label);
		select_field(r, t, f, v, "全部");
		html_raw(&r->out, "</label>");
		return;
	}
	json_t *j = json_string(v ? v : "");
	struct rfield loose = *f;
	loose.codes = NULL;
	input(r, t, &loose, j, 0);
	json_decref(j);
}

/* Map what a form holds for references and codes to what the engine
 * stores: a record's name (or id, or credit code) to its id among those the
 * caller may see, several for FT_REFS; a code's Chinese label to the code.
 * Values are replaced in place; a name that matches nothing or several
 * records fails (422 on c) and leaves in as typed, for the form again. */
static int resolve_form(struct request *r, struct rctx *c, const struct rtype *t, json_t *in)
{
	if (!records_may_write(&r->user))	/* the engine refuses the write (403) */
		return 0;
	for (const struct rfield *f = t->fields; f->name; f++) {
		json_t *v = json_object_get(in, f->name);
		const char *s = json_string_value(v), *code;
		if (!s || !*s)
			continue;
		if (f->codes && f->type == FT_ENUM && (code = label_code(f->codes, s)))
			json_object_set_new(in, f->name, json_string(code));
		if (f->type == FT_REF && strcmp(f->ref, "sectors") == 0 && (code = label_code(L_SECTOR, s)))
			json_object_set_new(in, f->name, json_string(code));
		if (f->codes && f->type == FT_TEXT) {	/* specialties: 服务业 -> services */
			struct buf out = BUF_INIT;
			const char *p = s;
			while (*p) {
				size_t skip, n = rec_list_item(p, &skip);
				const char *item = arena_strndup(r->arena, p, n);
				const char *k = label_code(f->codes, item);
				if (*item)
					buf_printf(&out, "%s%s", out.len ? "," : "", k ? k : item);
				p += n + skip;
			}
			json_object_set_new(in, f->name, json_string(buf_str(&out)));
			buf_free(&out);
		}
		const struct rtype *rt = (f->type == FT_REF || f->type == FT_REFS) ? rtype_find(f->ref) : NULL;
		if (!rt)
			continue;
		struct rctx rc;
		rh_ctx(r, &rc, rt);
		struct buf ids = BUF_INIT;
		const char *p = s;
		int failed = 0;
		while (*p && !failed) {
			size_t skip = 0, n = f->type == FT_REFS ? rec_list_item(p, &skip) : strlen(p);
			const char *name = arena_strndup(r->arena, p, n), *id;
			if (*name) {
				if (rec_resolve(&rc, name, &id)) {
					rctx_fail(c, rc.status, rc.code, f->name, arena_printf(r->arena, "%s：%s", f->label, rc.msg));
					failed = 1;
				} else {
					buf_printf(&ids, "%s%s", ids.len ? "," : "", id);
				}
			}
			p += n + skip;
		}
		if (!failed)
			json_object_set_new(in, f->name, json_string(buf_str(&ids)));
		buf_free(&ids);
		if (failed)
			return c->status;
	}
	return 0;
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

static void form_close(struct request *r, const char *button)
{
	html_raw(&r->out, "<button type=\"submit\">");
	html_txt(&r->out, button);
	html_raw(&r->out, "</button></form>");
}

/* The editable fields of t as a form (values from row, may be NULL). */
static void record_form(struct request *r, const struct rtype *t, json_t *row, const char *action,
			const char *button)
{
	form_open(r, action, "record");
	for (const struct rfield *f = t->fields; f->name; f++)
		if (!(f->flags & (F_FLOW | F_STATE)))
			input(r, t, f, row ? json_object_get(row, f->name) : NULL, (f->flags & F_REQ) != 0);
	form_close(r, button);
}

/* A form's fields as the JSON object the engine takes: every field of t
 * the form holds (blank means "clear"), plus extra names. */
static json_t *form_json(struct request *r, const struct rtype *t, const char *const *extra)
{
	json_t *o = json_object();
	for (const struct rfield *f = t ? t->fields : NULL; f && f->name; f++) {
		const char *v = req_form(r, f->name);
		if (v)
			json_object_set_new(o, f->name, *v ? json_string(v) : json_null());
	}
	for (; extra && *extra; extra++) {
		const char *v = req_form(r, *extra);
		if (v && *v)
			json_object_set_new(o, *extra, json_string(v));
	}
	return o;
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

/* ---- list ---------------------------------------------------------------- */

static void list_link(struct request *r, const struct rtype *t, long page)
{
	struct buf *b = &r->out;
	html_raw(b, "<a href=\"");
	struct buf q = BUF_INIT;
	buf_printf(&q, "/%s?page=%ld", t->name, page);
	for (int i = 0; i < r->nparams; i++)
		if (strcmp(r->params[i].name, "page"))
			buf_printf(&q, "&%s=%s", r->params[i].name, url_encode(r->arena, r->params[i].value));
	html_attr(b, buf_str(&q));
	buf_free(&q);
	html_raw(b, "\">");
}

void ui_list(struct request *r)
{
	const struct rtype *t = rh_type(r, 0);
	struct rquery q;
	struct rctx c;
	json_t *res;
	if (!t || rh_list_query(r, &q) < 0)
		return;
	rh_ctx(r, &c, t);
	if (rec_list(&c, &q, &res)) {
		rh_fail(r, &c);
		return;
	}
	struct buf *b = &r->out;
	ui_page_begin(r, arena_printf(r->arena, "%s列表", t->label));
	html_raw(b, "<nav class=\"records\" aria-label=\"项目记录\"><a href=\"/enterprises\">企业</a><a href=\"/audits\">审核</a>"
		    "<a href=\"/projects\">项目</a><a href=\"/agencies\">咨询机构</a><a href=\"/experts\">专家</a>"
		    "<a href=\"/trainings\">培训</a><a href=\"/reports\">报表</a></nav><h1>");
	html_txt(b, t->label);
	html_raw(b, "</h1><form method=\"get\" class=\"filters\"><label>名称<input type=\"text\" name=\"q\" value=\"");
	html_attr(b, q.q ? q.q : "");
	html_raw(b, "\"></label>");
	for (const struct rfield *f = t->fields; f->name; f++)
		if (f->flags & F_FILTER)
			filter_input(r, t, f, req_param(r, f->name));
	html_raw(b, "<button type=\"submit\">筛选</button></form>");
	if (records_may_write(&r->user)) {
		html_raw(b, "<p><a class=\"button\" href=\"/");
		html_attr(b, t->name);
		html_raw(b, "/new\">新建");
		html_txt(b, t->label);
		html_raw(b, "</a></p>");
	}
	long long total = json_integer_value(json_object_get(res, "total"));
	html_txtf(b, "共 %lld 条", total);
	html_raw(b, "<table class=\"list\"><thead><tr><th>名称</th>");
	for (const struct rfield *f = t->fields; f->name; f++)
		if ((f->flags & F_LIST) && strcmp(f->name, "name")) {
			html_raw(b, "<th>");
			html_txt(b, shown_label(r, f));
			html_raw(b, "</th>");
		}
	html_raw(b, "</tr></thead><tbody>");
	size_t i;
	json_t *row;
	json_array_foreach(json_object_get(res, "results"), i, row) {
		html_raw(b, "<tr><td><a href=\"");
		html_attr(b, arena_printf(r->arena, "/%s/%s", t->name, json_string_value(json_object_get(row, "id"))));
		html_raw(b, "\">");
		html_txt(b, value_text(r, NULL, json_object_get(row, "title")));
		html_raw(b, "</a></td>");
		for (const struct rfield *f = t->fields; f->name; f++)
			if ((f->flags & F_LIST) && strcmp(f->name, "name")) {
				html_raw(b, "<td>");
				field_html(r, t, f, json_object_get(row, f->name));
				html_raw(b, "</td>");
			}
		html_raw(b, "</tr>");
	}
	html_raw(b, "</tbody></table><p class=\"pager\">");
	if (q.page > 1) {
		list_link(r, t, q.page - 1);
		html_raw(b, "上一页</a> ");
	}
	if (q.page * q.per_page < total) {
		list_link(r, t, q.page + 1);
		html_raw(b, "下一页</a>");
	}
	html_raw(b, "</p>");
	json_decref(res);
	ui_page_end(r);
}

/* ---- new ---------------------------------------------------------------------- */

static void new_page(struct request *r, const struct rtype *t, json_t *values, const char *err)
{
	ui_page_begin(r, arena_printf(r->arena, "新建%s", t->label));
	html_raw(&r->out, "<h1>新建");
	html_txt(&r->out, t->label);
	html_raw(&r->out, "</h1>");
	error_box(r, err);
	record_form(r, t, values, arena_printf(r->arena, "/%s", t->name), "保存");
	ui_page_end(r);
}

void ui_new(struct request *r)
{
	const struct rtype *t = rh_type(r, 0);
	if (t)
		new_page(r, t, NULL, NULL);
}

void ui_create(struct request *r)
{
	const struct rtype *t = rh_type(r, 0);
	struct rctx c;
	if (!t || req_form_read(r, FORM_MAX) < 0)
		return;
	rh_ctx(r, &c, t);
	json_t *in = form_json(r, t, NULL);
	/* A form leaves optional fields blank: blank is "not given" here. */
	const char *key;
	json_t *v;
	void *tmp;
	json_object_foreach_safe(in, tmp, key, v)
		if (json_is_null(v))
			json_object_del(in, key);
	const char *id;
	json_t *typed = json_deep_copy(in);
	if (resolve_form(r, &c, t, in) || rec_create(&c, in, &id)) {
		r->status = c.status;
		new_page(r, t, typed, c.msg);
	} else {
		see_other(r, arena_printf(r->arena, "/%s/%s", t->name, id));
	}
	json_decref(typed);
	json_decref(in);
}

/* ---- one record -------------------------------------------------------------- */

static void section(struct request *r, const char *title)
{
	html_raw(&r->out, "<h2>");
	html_txt(&r->out, title);
	html_raw(&r->out, "</h2>");
}

static void fields_table(struct request *r, const struct rtype *t, json_t *o)
{
	struct buf *b = &r->out;
	html_raw(b, "<table class=\"meta\">");
	for (const struct rfield *f = t->fields; f->name; f++) {
		json_t *v = json_object_get(o, f->name);
		if (!v || json_is_null(v))
			continue;
		html_raw(b, "<tr><th>");
		html_txt(b, shown_label(r, f));
		html_raw(b, "</th><td>");
		field_html(r, t, f, v);
		html_raw(b, "</td></tr>");
	}
	html_raw(b, "</table>");
}

/* The case's dated steps against their deadlines (timeline.h). */
static void timeline(struct request *r, json_t *o)
{
	struct buf *b = &r->out;
	json_t *steps = json_object_get(o, "timeline"), *s;
	size_t i;
	if (!json_array_size(steps))
		return;
	section(r, "进度与期限");
	html_raw(b, "<table class=\"list timeline\"><thead><tr><th scope=\"col\">事项</th>"
		    "<th scope=\"col\">截止日期</th><th scope=\"col\">完成日期</th><th scope=\"col\">情况</th>"
		    "</tr></thead><tbody>");
	json_array_foreach(steps, i, s) {
		const char *status = json_string_value(json_object_get(s, "status"));
		html_raw(b, "<tr class=\"");
		html_attr(b, status);
		html_raw(b, "\">");
		html_cell(b, json_string_value(json_object_get(s, "label")));
		html_cell(b, json_string_value(json_object_get(s, "due")) ? json_string_value(json_object_get(s, "due")) : "—");
		html_cell(b, json_string_value(json_object_get(s, "done")) ? json_string_value(json_object_get(s, "done")) : "—");
		html_cell(b, json_string_value(json_object_get(s, "status_label")));
		html_raw(b, "</tr>");
	}
	html_raw(b, "</tbody></table>");
}

/* A project's results: those staff confirmed, and those its reports
 * state, which staff confirm here (records-results.c). */
static void results(struct request *r, const char *id, json_t *o)
{
	struct buf *b = &r->out;
	json_t *done = json_object_get(o, "results"), *prop = json_object_get(o, "proposed_results"), *v;
	const char *key;
	size_t i;
	section(r, "项目成效");
	if (!json_object_size(done) && !json_array_size(prop)) {
		html_raw(b, "<p>暂无数据：验收、评估或进度报告关联后，其中写明的成效会列在这里。</p>");
		return;
	}
	if (json_object_size(done)) {
		html_raw(b, "<table class=\"meta\"><caption>已确认</caption>");
		json_object_foreach(done, key, v) {
			html_raw(b, "<tr><th>");
			html_txt(b, json_string_value(json_object_get(v, "label")));
			html_raw(b, "</th><td>");
			html_txtf(b, "%g %s", json_real_value(json_object_get(v, "value")),
				  json_string_value(json_object_get(v, "unit")));
			html_raw(b, "</td></tr>");
		}
		html_raw(b, "</table>");
	}
	if (!json_array_size(prop))
		return;
	html_raw(b, "<p>报告中写明的成效（待工作人员确认）：</p><ul>");
	json_array_foreach(prop, i, v) {
		html_raw(b, "<li>");
		html_txt(b, json_string_value(json_object_get(v, "label")));
		html_raw(b, "：");
		html_txtf(b, "%g %s", json_real_value(json_object_get(v, "value")), json_string_value(json_object_get(v, "unit")));
		html_raw(b, "（“");
		html_txt(b, json_string_value(json_object_get(v, "text")));
		html_raw(b, "”，见<a href=\"");
		html_attr(b, arena_printf(r->arena, "/documents/%s", json_string_value(json_object_get(v, "document"))));
		html_raw(b, "\">");
		html_txt(b, json_string_value(json_object_get(v, "title")));
		html_raw(b, "</a>）</li>");
	}
	html_raw(b, "</ul>");
	if (!records_may_write(&r->user))
		return;
	form_open(r, arena_printf(r->arena, "/projects/%s/results", id), "results");
	json_array_foreach(prop, i, v) {
		const char *m = json_string_value(json_object_get(v, "measure"));
		if (i == 0) {
			html_raw(b, "<input type=\"hidden\" name=\"source\" value=\"");
			html_attr(b, json_string_value(json_object_get(v, "document")));
			html_raw(b, "\">");
		}
		html_raw(b, "<label>");
		html_txt(b, json_string_value(json_object_get(v, "label")));
		html_raw(b, "（");
		html_txt(b, json_string_value(json_object_get(v, "unit")));
		html_raw(b, "）<input type=\"number\" step=\"any\" min=\"0\" name=\"");
		html_attr(b, m);
		html_raw(b, "\" value=\"");
		html_txtf(b, "%g", json_real_value(json_object_get(v, "value")));
		html_raw(b, "\"></label>");
	}
	form_close(r, "确认成效");
}

static void checklist(struct request *r, json_t *o)
{
	struct buf *b = &r->out;
	json_t *req = json_object_get(json_object_get(o, "checklist"), "required"), *it;
	size_t i;
	section(r, "材料清单");
	if (!json_array_size(req)) {
		html_raw(b, "<p>当前阶段尚无必需材料。</p>");
		return;
	}
	html_raw(b, "<ul class=\"checklist\">");
	json_array_foreach(req, i, it) {
		int present = json_is_true(json_object_get(it, "present"));
		html_raw(b, present ? "<li class=\"present\">✔ " : "<li class=\"missing\">✘ ");
		html_txt(b, json_string_value(json_object_get(it, "label")));
		html_raw(b, present ? "（已提交）</li>" : "（缺少）</li>");
	}
	html_raw(b, "</ul>");
}

static void documents(struct request *r, const struct rtype *t, const char *id, json_t *o)
{
	struct buf *b = &r->out;
	json_t *d;
	size_t i;
	section(r, "相关文档");
	html_raw(b, "<ul>");
	json_array_foreach(json_object_get(o, "documents"), i, d) {
		html_raw(b, "<li><a href=\"");
		html_attr(b, arena_printf(r->arena, "/documents/%s", json_string_value(json_object_get(d, "id"))));
		html_raw(b, "\">");
		html_txt(b, value_text(r, NULL, json_object_get(d, "title")));
		html_raw(b, "</a> · ");
		html_txt(b, link_role_label(json_string_value(json_object_get(d, "role"))));
		html_raw(b, "</li>");
	}
	html_raw(b, "</ul>");
	json_t *sug = json_object_get(o, "suggested_documents");
	if (json_array_size(sug)) {
		section(r, "可能相关的文档（请确认）");
		json_array_foreach(sug, i, d) {
			form_open(r, arena_printf(r->arena, "/%s/%s/links", t->name, id), "inline");
			html_raw(b, "<input type=\"hidden\" name=\"document\" value=\"");
			html_attr(b, json_string_value(json_object_get(d, "id")));
			html_raw(b, "\"><a href=\"");
			html_attr(b, arena_printf(r->arena, "/documents/%s", json_string_value(json_object_get(d, "id"))));
			html_raw(b, "\">");
			html_txt(b, value_text(r, NULL, json_object_get(d, "title")));
			html_raw(b, "</a>（");
			html_txt(b, json_string_value(json_object_get(d, "reason")));
			html_raw(b, "）<select name=\"role\" aria-label=\"文档在本案件中的角色\">");
			for (const char *const *role = link_roles; *role; role++) {
				html_raw(b, "<option value=\"");
				html_attr(b, *role);
				html_raw(b, "\">");
				html_txt(b, link_role_label(*role));
				html_raw(b, "</option>");
			}
			html_raw(b, "</select>");
			form_close(r, "确认关联");
		}
	}
}

static void transitions(struct request *r, const struct rtype *t, const char *id, json_t *o)
{
	const struct workflow *w = t->flow;
	const char *state = json_string_value(json_object_get(o, w->column));
	struct rctx c;
	rh_ctx(r, &c, t);
	section(r, "办理");
	/* An audit whose experts' opinions wait: its grade is confirmed in
	 * 专家评审意见 (reviews()), beside the proposals, not here. */
	int reviews_wait = 0, any = 0;
	json_t *rv;
	size_t k;
	json_array_foreach(json_object_get(o, "reviews"), k, rv)
		reviews_wait |= strcmp(json_string_value(json_object_get(rv, "state")), "pending") == 0;
	reviews_wait = reviews_wait && t == &rt_audits;
	for (size_t i = 0; i < w->n; i++)
		any |= strcmp(w->t[i].from, state) == 0 && workflow_may_move(&c, id, w->t[i].to) &&
		       !(reviews_wait && strcmp(w->t[i].to, "evaluated") == 0);
	if (!any)
		html_raw(&r->out, reviews_wait ? "<p>专家评审意见待确认：请在上方“专家评审意见”中确认评估等级。</p>"
			 : "<p>当前状态没有后续办理事项。</p>");
	for (size_t i = 0; i < w->n; i++) {
		const struct transition *tr = &w->t[i];
		/* only the moves this caller may make (a district: its approval) */
		if (strcmp(tr->from, state) || !workflow_may_move(&c, id, tr->to) ||
		    (reviews_wait && strcmp(tr->to, "evaluated") == 0))
			continue;
		form_open(r, arena_printf(r->arena, "/%s/%s/transitions", t->name, id), "transition");
		html_raw(&r->out, "<input type=\"hidden\" name=\"to\" value=\"");
		html_attr(&r->out, tr->to);
		html_raw(&r->out, "\">");
		for (int pass = 0; pass < 2; pass++)
			for (const char *const *f = pass ? tr->optional : tr->sets; f && *f; f++)
				input(r, t, rtype_field(t, *f), NULL, !pass);
		if (t->is_case && records_may_write(&r->user))
			html_raw(&r->out, "<label>理由（缺少所需材料而先行办理时填写）"
				    "<input type=\"text\" name=\"reason\" maxlength=\"300\"></label>");
		form_close(r, arena_printf(r->arena, "转为：%s", workflow_label(w, tr->to)));
	}
}

/* An enterprise's audits and projects that the viewer may open (the
 * record's "audits" and "projects", records-enterprise.c). */
static void cases_of(struct request *r, json_t *o)
{
	struct buf *b = &r->out;
	json_t *audits = json_object_get(o, "audits"), *projects = json_object_get(o, "projects"), *x;
	size_t i;
	if (!json_is_array(audits) && !json_is_array(projects))
		return;
	section(r, "审核与项目");
	if (!json_array_size(audits) && !json_array_size(projects)) {
		html_raw(b, "<p>暂无数据</p>");
		return;
	}
	html_raw(b, "<ul>");
	json_array_foreach(audits, i, x) {
		html_raw(b, "<li><a href=\"");
		html_attr(b, arena_printf(r->arena, "/audits/%s", json_string_value(json_object_get(x, "id"))));
		html_raw(b, "\">");
		html_txtf(b, "%lld 年清洁生产审核", (long long)json_integer_value(json_object_get(x, "year")));
		html_raw(b, "</a> · ");
		html_txt(b, label_of(L_AUDIT_STATE, json_string_value(json_object_get(x, "state"))));
		if (json_is_string(json_object_get(x, "grade"))) {
			html_raw(b, " · ");
			html_txt(b, json_string_value(json_object_get(x, "grade")));
		}
		html_raw(b, "</li>");
	}
	json_array_foreach(projects, i, x) {
		html_raw(b, "<li><a href=\"");
		html_attr(b, arena_printf(r->arena, "/projects/%s", json_string_value(json_object_get(x, "id"))));
		html_raw(b, "\">");
		html_txtf(b, "%lld 年项目：", (long long)json_integer_value(json_object_get(x, "year")));
		html_txt(b, json_string_value(json_object_get(x, "name")));
		html_raw(b, "</a> · ");
		html_txt(b, label_of(L_PROJECT_STATE, json_string_value(json_object_get(x, "state"))));
		html_raw(b, "</li>");
	}
	html_raw(b, "</ul>");
}

static void people_and_changes(struct request *r, const struct rtype *t, const char *id, json_t *o)
{
	struct buf *b = &r->out;
	json_t *x;
	size_t i;
	if (json_object_get(o, "experts")) {
		section(r, "指派专家");
		if (!json_array_size(json_object_get(o, "experts")))
			html_raw(b, "<p>暂无。</p>");
		html_raw(b, "<ul>");
		json_array_foreach(json_object_get(o, "experts"), i, x) {
			html_raw(b, "<li>");
			html_txt(b, value_text(r, NULL, json_object_get(x, "name")));
			html_raw(b, " · ");
			html_txt(b, label_of(L_EXPERT_ROLE, json_string_value(json_object_get(x, "role"))));
			html_raw(b, "</li>");
		}
		html_raw(b, "</ul>");
		if (records_may_write(&r->user)) {
			form_open(r, arena_printf(r->arena, "/%s/%s/assignments", t->name, id), "inline");
			/* After a refused assignment, what was typed stays. */
			const char *typed = strcmp(rh_seg(r, 2), "assignments") == 0 ? req_form(r, "expert") : NULL;
			html_raw(b, "<label>专家<input type=\"text\" name=\"expert\" list=\"names-expert\""
				    " autocomplete=\"off\" required placeholder=\"输入姓名\" value=\"");
			html_attr(b, typed ? typed : "");
			html_raw(b, "\">");
			names_datalist(r, &rt_experts, "names-expert");
			html_raw(b, "</label><label>角色<select name=\"role\">");
			const char *code, *label;
			for (int k = 0; label_each(L_EXPERT_ROLE, &k, &code, &label);)
				html_option(b, code, label, 0);
			html_raw(b, "</select></label>");
			form_close(r, "指派");
		}
	}
	if (json_object_get(o, "changes")) {
		struct rctx cc;
		rh_ctx(r, &cc, t);
		int may_file = selfserve_allowed(&cc, SS_CHANGE_REQUEST, id);
		section(r, "变更申请");
		if (!json_array_size(json_object_get(o, "changes")))
			html_raw(b, "<p>暂无变更申请。</p>");
		html_raw(b, "<ul class=\"changes\">");
		json_array_foreach(json_object_get(o, "changes"), i, x) {
			html_raw(b, "<li>");
			html_txt(b, value_text(r, NULL, json_object_get(x, "description")));
			if (json_is_string(json_object_get(x, "new_end_date"))) {
				html_raw(b, "（完工日期改为 ");
				html_txt(b, json_string_value(json_object_get(x, "new_end_date")));
				html_raw(b, "）");
			}
			if (json_is_string(json_object_get(x, "reason"))) {
				html_raw(b, " · 理由：");
				html_txt(b, json_string_value(json_object_get(x, "reason")));
			}
			html_raw(b, " · ");
			const char *by = json_string_value(json_object_get(x, "requested_by"));
			if (by) {
				html_txt(b, by);
				html_raw(b, "提出于 ");
			}
			html_txt(b, value_text(r, NULL, json_object_get(x, "requested")));
			html_raw(b, " · ");
			html_txt(b, label_of(L_CHANGE_STATE, json_string_value(json_object_get(x, "state"))));
			const char *st = json_string_value(json_object_get(x, "state"));
			if (st && strcmp(st, "pending") == 0 && records_may_write(&r->user)) {
				form_open(r, arena_printf(r->arena, "/%s/%s/changes", t->name, id), "inline");
				html_raw(b, "<input type=\"hidden\" name=\"change_id\" value=\"");
				html_attr(b, value_text(r, NULL, json_object_get(x, "id")));
				html_raw(b, "\"><select name=\"decision\"><option value=\"approved\">批准</option>"
					    "<option value=\"rejected\">不批准</option></select>");
				form_close(r, "审批");
			}
			html_raw(b, "</li>");
		}
		html_raw(b, "</ul>");
		if (may_file) {
			int ent = !records_may_write(&r->user);
			html_raw(b, "<h3>申请变更</h3>");
			form_open(r, arena_printf(r->arena, "/%s/%s/changes", t->name, id), "record wide");
			html_raw(b, "<label>变更内容 *<textarea name=\"description\" required></textarea></label>"
				    "<label>变更后的完工日期<input type=\"date\" name=\"new_end_date\"></label>");
			html_raw(b, ent ? "<label>变更理由 *<textarea name=\"reason\" required></textarea></label>"
				     : "<label>变更理由<textarea name=\"reason\"></textarea></label>");
			form_close(r, "提出变更申请");
		}
	}
}

/* ---- self-service on an audit (records-selfserve.c) ------------------------------ */

/* The enterprise's filings of its contract and registration dates: what
 * was filed and how it stands; 填报 for the enterprise while the audit is
 * on the list, 确认 / 退回 for staff on a pending one. */
static void filings(struct request *r, const char *id, json_t *o)
{
	struct buf *b = &r->out;
	json_t *fs = json_object_get(o, "filings"), *f;
	size_t i;
	struct rctx c;
	rh_ctx(r, &c, &rt_audits);
	int may_file = selfserve_allowed(&c, SS_FILE, id), staff = records_may_write(&r->user), pending = 0;
	int listed = strcmp(json_string_value(json_object_get(o, "state")), "listed") == 0;
	if (!json_array_size(fs) && !(may_file && listed))
		return;
	section(r, "企业填报（合同和备案登记表日期）");
	if (json_array_size(fs)) {
		html_raw(b, "<table class=\"list filings\"><thead><tr><th scope=\"col\">咨询合同日期</th>"
			    "<th scope=\"col\">备案登记表日期</th><th scope=\"col\">期限</th><th scope=\"col\">填报人</th>"
			    "<th scope=\"col\">填报时间（北京时间）</th><th scope=\"col\">状态</th></tr></thead><tbody>");
		json_array_foreach(fs, i, f) {
			const char *st = json_string_value(json_object_get(f, "state"));
			long long late = json_integer_value(json_object_get(f, "late_days"));
			pending |= strcmp(st, "pending") == 0;
			html_raw(b, "<tr>");
			html_cell(b, json_string_value(json_object_get(f, "contract_date")));
			html_cell(b, json_string_value(json_object_get(f, "registration_date")));
			html_cell(b, late ? arena_printf(r->arena, "逾期 %lld 天", late) : "按时");
			html_cell(b, value_text(r, NULL, json_object_get(f, "filed_by")));
			html_cell(b, ui_beijing(r, value_text(r, NULL, json_object_get(f, "filed_at"))));
			html_raw(b, "<td>");
			html_txt(b, label_of(L_FILING_STATE, st));
			if (json_is_string(json_object_get(f, "decided_by"))) {
				html_raw(b, "（");
				html_txt(b, json_string_value(json_object_get(f, "decided_by")));
				if (json_is_string(json_object_get(f, "reason"))) {
					html_raw(b, "：");
					html_txt(b, json_string_value(json_object_get(f, "reason")));
				}
				html_raw(b, "）");
			}
			if (staff && strcmp(st, "pending") == 0) {
				const char *fid = value_text(r, NULL, json_object_get(f, "id"));
				form_open(r, arena_printf(r->arena, "/audits/%s/filings", id), "inline");
				html_raw(b, "<input type=\"hidden\" name=\"filing_id\" value=\"");
				html_attr(b, fid);
				html_raw(b, "\"><input type=\"hidden\" name=\"decision\" value=\"confirmed\">");
				form_close(r, "确认");
				form_open(r, arena_printf(r->arena, "/audits/%s/filings", id), "inline");
				html_raw(b, "<input type=\"hidden\" name=\"filing_id\" value=\"");
				html_attr(b, fid);
				html_raw(b, "\"><input type=\"hidden\" name=\"decision\" value=\"returned\">"
					    "<label>退回理由<input type=\"text\" name=\"reason\" required maxlength=\"300\"></label>");
				form_close(r, "退回");
			}
			html_raw(b, "</td></tr>");
		}
		html_raw(b, "</tbody></table>");
	}
	if (may_file && listed && !pending) {
		html_raw(b, "<h3>填报</h3><p>填报后由市级工作人员确认；确认后审核进入“已备案”，逾期填报会标明逾期天数。</p>");
		form_open(r, arena_printf(r->arena, "/audits/%s/filings", id), "record");
		input(r, &rt_audits, rtype_field(&rt_audits, "contract_date"), NULL, 1);
		input(r, &rt_audits, rtype_field(&rt_audits, "registration_date"), NULL, 1);
		form_close(r, "提交填报");
	} else if (may_file && pending) {
		html_raw(b, "<p>填报已提交，等待市级工作人员确认。</p>");
	}
}

static void grade_select(struct request *r, const char *label, const char *selected)
{
	struct buf *b = &r->out;
	html_raw(b, "<label>");
	html_txt(b, label);
	html_raw(b, " *<select name=\"grade\" required>");
	html_option(b, "", "请选择", 0);
	for (const char *const *g = audit_grades; *g; g++)
		html_option(b, *g, *g, selected && strcmp(selected, *g) == 0);
	html_raw(b, "</select></label>");
}

static void score_input(struct request *r, const char *label, json_t *v)
{
	struct buf *b = &r->out;
	html_raw(b, "<label>");
	html_txt(b, label);
	html_raw(b, "（0–100） *<input type=\"number\" name=\"score\" min=\"0\" max=\"100\" step=\"1\" required value=\"");
	if (json_is_integer(v))
		html_txtf(b, "%lld", (long long)json_integer_value(v));
	html_raw(b, "\"></label>");
}

/* The experts' review opinions: staff see them all, with 退回 for each
 * pending one and the form confirming the grade; an assigned expert its
 * own, with the 评审意见 form until staff confirm. */
static void reviews(struct request *r, const char *id, json_t *o)
{
	struct buf *b = &r->out;
	json_t *rv = json_object_get(o, "reviews"), *x, *mine = NULL;
	size_t i;
	if (!rv)
		return;
	struct rctx c;
	rh_ctx(r, &c, &rt_audits);
	int staff = records_may_write(&r->user), pending = 0;
	int open = strcmp(json_string_value(json_object_get(o, "state")), "evaluated") != 0;
	int may_review = !staff && selfserve_allowed(&c, SS_REVIEW, id);
	if (!staff && !may_review)
		return;
	section(r, "专家评审意见");
	if (!json_array_size(rv))
		html_raw(b, staff ? "<p>指派的专家尚未提交评审意见。</p>" : "<p>您尚未提交评审意见。</p>");
	json_array_foreach(rv, i, x) {
		const char *st = json_string_value(json_object_get(x, "state"));
		pending += strcmp(st, "pending") == 0;
		if (!staff)
			mine = x;
		html_raw(b, "<article class=\"review\"><h3>");
		html_txt(b, value_text(r, NULL, json_object_get(x, "expert")));
		html_raw(b, "：建议“");
		html_txt(b, value_text(r, NULL, json_object_get(x, "grade")));
		html_raw(b, "”，");
		html_txtf(b, "%lld 分", (long long)json_integer_value(json_object_get(x, "score")));
		html_raw(b, "</h3><p class=\"opinion\">");
		html_txt(b, value_text(r, NULL, json_object_get(x, "opinion")));
		html_raw(b, "</p><p class=\"meta\">");
		html_txt(b, label_of(L_FILING_STATE, st));
		html_raw(b, " · 更新于 ");
		html_txt(b, ui_beijing(r, value_text(r, NULL, json_object_get(x, "updated_at"))));
		if (json_is_string(json_object_get(x, "return_reason"))) {
			html_raw(b, " · 退回理由：");
			html_txt(b, json_string_value(json_object_get(x, "return_reason")));
		}
		html_raw(b, "</p>");
		if (staff && strcmp(st, "pending") == 0 && open) {
			form_open(r, arena_printf(r->arena, "/audits/%s/reviews", id), "inline");
			html_raw(b, "<input type=\"hidden\" name=\"expert_id\" value=\"");
			html_attr(b, value_text(r, NULL, json_object_get(x, "expert_id")));
			html_raw(b, "\"><label>退回理由<input type=\"text\" name=\"reason\" required maxlength=\"300\"></label>");
			form_close(r, "退回");
		}
		html_raw(b, "</article>");
	}
	if (staff && pending && open && strcmp(json_string_value(json_object_get(o, "state")), "submitted") == 0) {
		html_raw(b, "<h3>确认评估等级</h3><p>评估等级只由工作人员在此确认；确认后专家意见不再修改。</p>");
		form_open(r, arena_printf(r->arena, "/audits/%s/reviews", id), "record");
		html_raw(b, "<input type=\"hidden\" name=\"confirm\" value=\"1\">");
		input(r, &rt_audits, rtype_field(&rt_audits, "evaluated_date"), NULL, 1);
		grade_select(r, "评估等级", NULL);
		score_input(r, "评估得分", NULL);
		form_close(r, "确认");
	}
	const char *mst = mine ? json_string_value(json_object_get(mine, "state")) : NULL;
	if (may_review && open && !(mst && strcmp(mst, "confirmed") == 0)) {
		html_raw(b, mine ? "<h3>修改评审意见</h3>" : "<h3>填写评审意见</h3>");
		form_open(r, arena_printf(r->arena, "/audits/%s/reviews", id), "record wide");
		html_raw(b, "<label>评审意见 *<textarea name=\"opinion\" required rows=\"6\">");
		if (mine)
			html_txt(b, value_text(r, NULL, json_object_get(mine, "opinion")));
		html_raw(b, "</textarea></label>");
		grade_select(r, "建议等级", mine ? json_string_value(json_object_get(mine, "grade")) : NULL);
		score_input(r, "建议得分", mine ? json_object_get(mine, "score") : NULL);
		form_close(r, "提交评审意见");
	}
}

/* A case ("audit:ID") or a document id as people read it: its name. */
static const char *case_or_document(struct request *r, const char *key, const char *v)
{
	if (strcmp(key, "case") == 0) {
		const char *colon = strchr(v, ':');
		const struct rtype *t = colon ? rtype_by_kind(arena_strndup(r->arena, v, (size_t)(colon - v))) : NULL;
		const char *name = t ? rec_title(r->db, r->arena, t, colon + 1) : NULL;
		return name ? arena_printf(r->arena, "%s“%s”", t->label, name) : "（已删除的案件）";
	}
	sqlite3_stmt *st = portal_db_prepare(r->db, "SELECT coalesce(title, filename) FROM documents WHERE id = ?");
	portal_db_bind_text(st, 1, v);
	const char *name = sqlite3_step(st) == SQLITE_ROW
		? arena_printf(r->arena, "“%s”", (const char *)sqlite3_column_text(st, 0)) : "（已删除的文档）";
	sqlite3_finalize(st);
	return name;
}

/* One value of a change, as field_html() would show it, as text. key
 * names it when it is no field of t. */
static const char *change_value(struct request *r, const struct rtype *t, const struct rfield *f, const char *key,
				json_t *v)
{
	if (!v || json_is_null(v))
		return "（空）";
	if (f && (f->flags & F_STATE))
		return workflow_label(t->flow, json_string_value(v));
	if (!f && json_is_string(v) && (strcmp(key, "case") == 0 || strcmp(key, "document") == 0 ||
					 strcmp(key, "superseded_by") == 0))
		return case_or_document(r, key, json_string_value(v));
	if (json_is_object(v) || json_is_array(v))
		return "（详见记录）";
	return value_text(r, f, v);
}

/* The changes of one history entry as a sentence: "状态：已备案 → 已提交；
 * 审核报告提交日期：2025-05-10". */
static void change_sentence(struct request *r, const struct rtype *t, const char *action, json_t *changes)
{
	static const char *const names[][2] = {
		{ "document", "文档" }, { "case", "案卷" }, { "role", "角色" }, { "expert", "专家" },
		{ "reason", "理由" }, { "change_request", "变更申请" }, { "superseded_by", "被替代为" },
		{ "decision", "结果" }, { "late_days", "逾期天数" }, { "opinion", "评审意见" },
		{ "proposed_grade", "建议等级" }, { "proposed_score", "建议得分" },
		{ "reviews_confirmed", "确认的评审意见数" },
	};
	struct buf *b = &r->out;
	const char *key;
	json_t *v;
	int first = 1;
	if (!json_is_object(changes))
		return;
	json_object_foreach(changes, key, v) {
		const struct rfield *f = rtype_field(t, key);
		const char *label = f ? shown_label(r, f) : key;
		for (size_t i = 0; !f && i < sizeof names / sizeof names[0]; i++)
			if (strcmp(names[i][0], key) == 0)
				label = names[i][1];
		if (!first)
			html_raw(b, "；");
		first = 0;
		html_txt(b, label);
		html_raw(b, "：");
		static const struct rfield expert_ref = { .name = "expert", .type = FT_REF, .ref = "experts" };
		if (!f && strcmp(key, "expert") == 0)
			f = &expert_ref;
		json_t *from = json_object_get(v, "from"), *to = json_object_get(v, "to");
		if (!f && strcmp(key, "decision") == 0 && json_is_string(v)) {
			html_txt(b, label_of(L_FILING_STATE, json_string_value(v)));
			continue;
		}
		if (!rtype_field(t, key) && strcmp(key, "role") == 0 && json_is_string(to)) {
			const char *role = json_string_value(to);
			html_txt(b, strcmp(action, "assign") == 0 ? label_of(L_EXPERT_ROLE, role) : link_role_label(role));
			continue;
		}
		if (json_is_object(v) && (from || to)) {
			if (from && !json_is_null(from)) {
				html_txt(b, change_value(r, t, f, key, from));
				html_raw(b, " → ");
			}
			html_txt(b, change_value(r, t, f, key, to));
		} else {
			html_txt(b, change_value(r, t, f, key, v));
		}
	}
}

static void history(struct request *r, const struct rtype *t, json_t *o)
{
	struct buf *b = &r->out;
	json_t *h;
	size_t i;
	section(r, "变更记录");
	html_raw(b, "<table class=\"list history\"><thead><tr><th>时间（北京时间）</th><th>用户</th><th>操作</th><th>内容</th></tr></thead><tbody>");
	json_array_foreach(json_object_get(o, "history"), i, h) {
		html_raw(b, "<tr><td>");
		html_txt(b, ui_beijing(r, value_text(r, NULL, json_object_get(h, "at"))));
		html_raw(b, "</td><td>");
		const char *who = value_text(r, NULL, json_object_get(h, "user"));
		html_txt(b, *who ? who : "系统");
		html_raw(b, "</td><td>");
		html_txt(b, label_of(L_ACTION, json_string_value(json_object_get(h, "action"))));
		html_raw(b, "</td><td>");
		change_sentence(r, t, value_text(r, NULL, json_object_get(h, "action")), json_object_get(h, "changes"));
		html_raw(b, "</td></tr>");
	}
	html_raw(b, "</tbody></table>");
}

/* Where a record page stands: 首页 › 审核 › its name (the last one is
 * this page). */
static void breadcrumbs(struct request *r, const struct rtype *t, const char *title)
{
	struct buf *b = &r->out;
	html_raw(b, "<nav class=\"crumbs\" aria-label=\"当前位置\"><ol><li><a href=\"/\">首页</a></li><li><a href=\"/");
	html_attr(b, t->name);
	html_raw(b, "\">");
	html_txt(b, t->label);
	html_raw(b, "</a></li><li aria-current=\"page\">");
	html_txt(b, title);
	html_raw(b, "</li></ol></nav>");
}

/* The record page, with err (may be NULL) on top and r->status kept. */
static void record_page(struct request *r, const struct rtype *t, const char *id, const char *err)
{
	struct rctx c;
	rh_ctx(r, &c, t);
	json_t *o = rec_get(&c, id);
	if (!o) {
		rh_fail(r, &c);
		return;
	}
	/* documents to confirm: a call to link them, for who may (not an
	 * authority or a district, which only read the case's documents) */
	struct rctx lc;
	rh_ctx(r, &lc, NULL);
	if (t->is_case && link_may_attach(&lc, arena_printf(r->arena, "%s:%s", t->kind, id), NULL) == 0)
		json_object_set_new(o, "suggested_documents",
			link_suggest_documents(&c, arena_printf(r->arena, "%s:%s", t->kind, id)));
	struct buf *b = &r->out;
	ui_page_begin(r, value_text(r, NULL, json_object_get(o, "title")));
	breadcrumbs(r, t, value_text(r, NULL, json_object_get(o, "title")));
	html_raw(b, "<h1>");
	html_txt(b, value_text(r, NULL, json_object_get(o, "title")));
	html_raw(b, "</h1>");
	error_box(r, err);
	fields_table(r, t, o);
	if (t->is_case) {
		html_raw(b, "<p><a href=\"");
		html_attr(b, arena_printf(r->arena, "/search?case=%s%%3A%s", t->kind, id));
		html_raw(b, "\">在本案件文档中搜索</a></p>");
		timeline(r, o);
		checklist(r, o);
		documents(r, t, id, o);
		similar_cases_section(r, arena_printf(r->arena, "%s:%s", t->kind, id));
	}
	if (t == &rt_projects)
		results(r, id, o);
	if (t == &rt_enterprises)
		cases_of(r, o);
	if (t == &rt_agencies)
		ui_agency_years_section(r, id);
	people_and_changes(r, t, id, o);
	struct rctx mc;
	rh_ctx(r, &mc, t);
	if (!records_may_write(&r->user) && t->flow && workflow_may_move_some(&mc))
		transitions(r, t, id, o);	/* a district: its approval, nothing else */
	if (t == &rt_audits) {
		filings(r, id, o);
		reviews(r, id, o);
	}
	if (records_may_write(&r->user)) {
		if (t->flow)
			transitions(r, t, id, o);
		section(r, "修改");
		/* A refused edit shows the form as it was filled in. */
		json_t *typed = err && strcmp(r->method, "POST") == 0 && !*rh_seg(r, 2) ? form_json(r, t, NULL) : NULL;
		record_form(r, t, typed ? typed : o, arena_printf(r->arena, "/%s/%s", t->name, id), "保存修改");
		json_decref(typed);
	}
	history(r, t, o);
	json_decref(o);
	ui_page_end(r);
}

void ui_record(struct request *r)
{
	const struct rtype *t = rh_type(r, 0);
	if (t)
		record_page(r, t, rh_seg(r, 1), NULL);
}

/* Run op for the record /TYPE/ID from a posted form; show the outcome. */
static void posted(struct request *r, int (*op)(struct request *, struct rctx *, const char *))
{
	const struct rtype *t = rh_type(r, 0);
	struct rctx c;
	if (!t || req_form_read(r, FORM_MAX) < 0)
		return;
	rh_ctx(r, &c, t);
	const char *id = rh_seg(r, 1);
	if (op(r, &c, id)) {
		if (c.status == 404) {
			rh_fail(r, &c);
			return;
		}
		r->status = c.status;
		record_page(r, t, id, c.msg);
		return;
	}
	see_other(r, arena_printf(r->arena, "/%s/%s", t->name, id));
}

static int op_update(struct request *r, struct rctx *c, const char *id)
{
	json_t *in = form_json(r, c->t, NULL);
	int rc = resolve_form(r, c, c->t, in);
	if (!rc)
		rc = rec_patch(c, id, in);
	json_decref(in);
	return rc;
}

static int op_transition(struct request *r, struct rctx *c, const char *id)
{
	if (!c->t->flow)
		return rctx_fail(c, 404, "not_found", NULL, "这类记录没有状态流转。");
	static const char *const to[] = { "to", "reason", NULL };
	json_t *in = form_json(r, c->t, to);
	/* Only what this form sent (blank optional fields are left out). */
	const char *key;
	json_t *v;
	void *tmp;
	json_object_foreach_safe(in, tmp, key, v)
		if (json_is_null(v))
			json_object_del(in, key);
	int rc = resolve_form(r, c, c->t, in);
	if (!rc)
		rc = workflow_move(c, id, in);
	json_decref(in);
	return rc;
}

static int op_link(struct request *r, struct rctx *c, const char *id)
{
	if (!c->t->is_case)
		return rctx_fail(c, 404, "not_found", NULL, "这类记录不能关联文档。");
	json_t *in = json_pack("{s:s,s:s?}", "case", arena_printf(r->arena, "%s:%s", c->t->kind, id),
			       "role", req_form(r, "role"));
	const char *doc = req_form(r, "document");
	int rc = link_add(c, doc ? doc : "", in);
	json_decref(in);
	return rc;
}

static int op_assign(struct request *r, struct rctx *c, const char *id)
{
	if (!c->t->is_case)
		return rctx_fail(c, 404, "not_found", NULL, "只能为审核或项目指派专家。");
	/* The expert as chosen by name (or id) among all experts. */
	struct rctx xc;
	const char *typed = req_form(r, "expert"), *expert;
	rh_ctx(r, &xc, &rt_experts);
	if (!records_may_write(&r->user) || !typed || !*typed) {	/* the engine's 403 or 422 */
		json_t *in = json_pack("{s:s}", "case", arena_printf(r->arena, "%s:%s", c->t->kind, id));
		int rc = expert_assign(c, typed ? typed : "", in);
		json_decref(in);
		c->t = rtype_find(rh_seg(r, 0));
		return rc;
	}
	if (rec_resolve(&xc, typed, &expert))
		return rctx_fail(c, xc.status, xc.code, "expert", arena_printf(r->arena, "专家：%s", xc.msg));
	json_t *in = json_pack("{s:s,s:s?}", "case", arena_printf(r->arena, "%s:%s", c->t->kind, id),
			       "role", req_form(r, "role") && *req_form(r, "role") ? req_form(r, "role") : NULL);
	int rc = expert_assign(c, expert, in);
	json_decref(in);
	c->t = rtype_find(rh_seg(r, 0));
	return rc;
}

static int op_change(struct request *r, struct rctx *c, const char *id)
{
	if (c->t != &rt_projects)
		return rctx_fail(c, 404, "not_found", NULL, "只有项目可以提出变更申请。");
	static const char *const names[] = { "description", "new_end_date", "decision", "reason", NULL };
	json_t *in = form_json(r, NULL, names);
	const char *cid = req_form(r, "change_id");
	long long change = 0;
	int rc = cid ? project_change_decide(c, id, atoll(cid), in) : project_change_request(c, id, in, &change);
	json_decref(in);
	return rc;
}

static int op_results(struct request *r, struct rctx *c, const char *id)
{
	json_t *in = json_object();
	const char *m, *v;
	for (size_t i = 0; (m = portal_results_measure(i)); i++) {
		char *end;
		if (!(v = req_form(r, m)) || !*v)
			continue;
		double d = strtod(v, &end);
		json_object_set_new(in, m, *end ? json_string(v) : json_real(d));
	}
	if ((v = req_form(r, "source")) && *v)
		json_object_set_new(in, "source", json_string(v));
	int rc = project_results_confirm(c, id, in);
	json_decref(in);
	return rc;
}

/* 填报 (an enterprise) or, with filing_id, 确认 / 退回 (staff). */
static int op_filing(struct request *r, struct rctx *c, const char *id)
{
	static const char *const names[] = { "contract_date", "registration_date", "decision", "reason", NULL };
	json_t *in = form_json(r, NULL, names);
	const char *fid = req_form(r, "filing_id");
	long long filing = 0;
	int rc = fid ? audit_filing_decide(c, id, atoll(fid), in) : audit_filing_submit(c, id, in, &filing);
	json_decref(in);
	return rc;
}

/* 评审意见 (an expert); with confirm, the grade (staff); with expert_id,
 * 退回 (staff). */
static int op_review(struct request *r, struct rctx *c, const char *id)
{
	static const char *const names[] = { "opinion", "grade", "evaluated_date", "reason", NULL };
	json_t *in = form_json(r, NULL, names);
	const char *score = req_form(r, "score"), *expert = req_form(r, "expert_id");
	if (score && *score) {
		char *end;
		long long v = strtoll(score, &end, 10);
		json_object_set_new(in, "score", *end ? json_string(score) : json_integer(v));
	}
	int rc = req_form(r, "confirm") ? review_confirm(c, id, in)
		: expert ? review_return(c, id, expert, in) : review_save(c, id, in);
	json_decref(in);
	return rc;
}

void ui_filing(struct request *r) { posted(r, op_filing); }
void ui_review(struct request *r) { posted(r, op_review); }
void ui_results(struct request *r) { posted(r, op_results); }
void ui_update(struct request *r) { posted(r, op_update); }
void ui_transition(struct request *r) { posted(r, op_transition); }
void ui_link(struct request *r) { posted(r, op_link); }
void ui_assign(struct request *r) { posted(r, op_assign); }
void ui_change(struct request *r) { posted(r, op_change); }
