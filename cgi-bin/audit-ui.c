/* audit-ui.c: the audit log for staff: /admin/audit-log and
 * GET /api/audit-log?user=&object=&action=&from=&to=&page=.
 *
 * Newest first, PER_PAGE a page. user is a user's name; object is what was
 * touched as the log names it ("audit:a1…", "document:d…", "user:3"), so a
 * case's or a document's trail is one filter; from and to are days in
 * Beijing time (YYYY-MM-DD, both included). Times show in Beijing time,
 * people and objects by name, actions in Chinese; the API also gives the
 * raw action and object. */
#include "account-ui.h"
#include "arena.h"
#include "buf.h"
#include "workflow.h"
#include "labels.h"
#include "db.h"
#include "html.h"
#include "http-request.h"
#include "http-response.h"
#include "records.h"
#include "ui-shared.h"
#include "url.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define PER_PAGE 50

const char *const ui_audit_params[] = { "user", "object", "action", "from", "to", "page", NULL };

static const char *action_label(const char *action) { return label_of(L_ACTION, action); }

/* What an object is, in Chinese, and the SQL that names it from its id. */
static const struct {
	const char *kind, *label, *sql, *href;
} kinds[] = {
	{ "document", "文档", "SELECT coalesce(nullif(title, ''), filename) FROM documents WHERE id = ?", "/documents/" },
	{ "audit", "审核", "SELECT e.name || ' ' || a.year || '年' FROM audits a JOIN enterprises e ON e.id = a.enterprise_id"
			   " WHERE a.id = ?", "/audits/" },
	{ "project", "项目", "SELECT name FROM projects WHERE id = ?", "/projects/" },
	{ "enterprise", "企业", "SELECT name FROM enterprises WHERE id = ?", "/enterprises/" },
	{ "agency", "咨询机构", "SELECT name FROM agencies WHERE id = ?", "/agencies/" },
	{ "expert", "专家", "SELECT name FROM experts WHERE id = ?", "/experts/" },
	{ "training", "培训", "SELECT title FROM trainings WHERE id = ?", NULL },
	{ "user", "用户", "SELECT name FROM users WHERE id = ?", NULL },
	{ "deadlines", "年度期限", NULL, NULL },
	{ "gates", "文档门槛", NULL, NULL },
	{ "targets", "年度目标", NULL, NULL },
	{ "standard", "标准", "SELECT ?", NULL },	/* standard:GB 18466-2005 (editions.h) */
};

struct named {
	const char *label;	/* "审核 某企业 2026年" */
	const char *href;	/* NULL: no page */
};

static struct named object_name(struct request *r, const char *object)
{
	struct named n = { object ? object : "—", NULL };
	if (!object)
		return n;
	const char *colon = strchr(object, ':');
	size_t klen = colon ? (size_t)(colon - object) : strlen(object);
	const char *id = colon ? colon + 1 : "";
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
		if (strlen(kinds[i].kind) != klen || strncmp(kinds[i].kind, object, klen) != 0)
			continue;
		const char *name = id;
		if (kinds[i].sql) {
			sqlite3_stmt *st = portal_db_prepare(r->db, kinds[i].sql);
			sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
			if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
				name = arena_strdup(r->arena, (const char *)sqlite3_column_text(st, 0));
			sqlite3_finalize(st);
		}
		n.label = *name ? arena_printf(r->arena, "%s %s", kinds[i].label, name) : kinds[i].label;
		if (kinds[i].href)
			n.href = arena_printf(r->arena, "%s%s", kinds[i].href, url_encode(r->arena, id));
		return n;
	}
	return n;
}

/* A code or key as people read it: the first table of labels that knows
 * it, else as it is. */
static const char *code_text(const char *code)
{
	static const char *const tables[] = { L_SECTOR, L_ROUND, L_EXPERT_ROLE, L_DOC_ROLE, L_MEASURE,
					     L_DEADLINE, L_USER_ROLE, L_CASE_KIND, L_AUDIT_STATE, L_PROJECT_STATE,
					     L_AGENCY_STATUS, L_CHANGE_STATE };
	for (size_t i = 0; i < sizeof tables / sizeof tables[0]; i++) {
		const char *l = label_of(tables[i], code);
		if (strcmp(l, code) != 0)
			return l;
	}
	return code;
}

/* A string of a log entry: a case ("audit:ID") or a record id by its
 * name, a code by its label, anything else as it is. */
static const char *string_text(struct request *r, const char *s)
{
	const char *colon = strchr(s, ':');
	if (colon) {
		const struct rtype *t = rtype_by_kind(arena_strndup(r->arena, s, (size_t)(colon - s)));
		const char *name = t ? rec_title(r->db, r->arena, t, colon + 1) : NULL;
		if (name)
			return name;
	}
	const struct rtype *t = rtype_by_id(s);
	const char *name = t ? rec_title(r->db, r->arena, t, s) : NULL;
	return name ? name : code_text(s);
}

/* A JSON value of a log entry as a short text, in the arena: objects as
 * "名称 值，…" with their keys as labels, never as JSON. */
static const char *value_text(struct request *r, json_t *v)
{
	if (!v || json_is_null(v))
		return "（空）";
	if (json_is_string(v))
		return string_text(r, json_string_value(v));
	if (json_is_true(v) || json_is_false(v))
		return json_is_true(v) ? "是" : "否";
	if (json_is_integer(v))
		return arena_printf(r->arena, "%lld", (long long)json_integer_value(v));
	if (json_is_real(v))
		return arena_printf(r->arena, "%g", json_real_value(v));
	struct buf out = BUF_INIT;
	const char *key;
	json_t *x;
	size_t i;
	if (json_is_array(v))
		json_array_foreach(v, i, x)
			buf_printf(&out, "%s%s", i ? "、" : "", value_text(r, x));
	else
		json_object_foreach(v, key, x)
			buf_printf(&out, "%s%s %s", out.len ? "，" : "", code_text(key), value_text(r, x));
	const char *t = arena_strdup(r->arena, buf_str(&out));
	buf_free(&out);
	return t;
}

/* A value of field f (NULL: not a field of t) as people read it: states
 * by their workflow's labels, other fields as the record pages show them. */
static const char *field_text(struct request *r, const struct rtype *t, const struct rfield *f, json_t *v)
{
	if (!f || !v || json_is_null(v))
		return value_text(r, v);
	if ((f->flags & F_STATE) && t->flow && json_is_string(v))
		return workflow_label(t->flow, json_string_value(v));
	const char *text = rec_value_text(r->db, r->arena, f, v);
	return *text ? text : value_text(r, v);
}

/* The detail of an entry as people read it: each changed field by its
 * Chinese label where the object is a record ("备注：旧 → 新"), at most
 * four of them. */
static void detail_cell(struct request *r, const char *object, const char *detail)
{
	struct buf *b = &r->out;
	json_t *d = detail ? json_loads(detail, 0, NULL) : NULL;
	html_raw(b, "<td class=\"detail\">");
	if (!json_is_object(d)) {
		html_raw(b, "</td>");
		json_decref(d);
		return;
	}
	const struct rtype *t = NULL;
	if (object) {
		const char *colon = strchr(object, ':');
		if (colon)
			t = rtype_by_kind(arena_strndup(r->arena, object, (size_t)(colon - object)));
	}
	const char *key;
	json_t *v;
	int shown = 0;
	json_object_foreach(d, key, v) {
		if (shown++ == 4) {
			html_raw(b, "…");
			break;
		}
		const char *label = code_text(key);
		const struct rfield *field = NULL;
		for (const struct rfield *f = t ? t->fields : NULL; f && f->name; f++)
			if (strcmp(f->name, key) == 0 && f->label) {
				label = f->label;
				field = f;
			}
		if (strcmp(key, "reason") == 0)
			label = "理由";
		html_raw(b, shown > 1 ? "；" : "");
		html_txt(b, label);
		html_raw(b, "：");
		json_t *from = json_object_get(v, "from"), *to = json_object_get(v, "to");
		if (json_is_object(v) && (from || to)) {
			html_txt(b, field_text(r, t, field, from));
			html_raw(b, " → ");
			html_txt(b, field_text(r, t, field, to));
		} else {
			html_txt(b, field_text(r, t, field, v));
		}
	}
	html_raw(b, "</td>");
	json_decref(d);
}

/* A day YYYY-MM-DD in Beijing time: the UTC second it starts; -1 if not. */
static long long beijing_day(const char *s)
{
	struct tm tm = { 0 };
	int y, m, d;
	char tail;
	if (!s || sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3 || y < 1970 || y > 2200 || m < 1 || m > 12 ||
	    d < 1 || d > 31)
		return -1;
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	return (long long)timegm(&tm) - 8 * 3600;
}

struct filter {
	const char *user, *object, *action, *from, *to;
	long long from_t, to_t;	/* [from_t, to_t) in UTC seconds; 0: open */
	long page;
};

struct entry {
	long long at;
	const char *user, *action, *object, *detail;
};

/* Check the parameters; answers 400 and returns -1 on a bad one. */
static int filter_read(struct request *r, struct filter *f)
{
	memset(f, 0, sizeof *f);
	f->user = req_param(r, "user");
	f->object = req_param(r, "object");
	f->action = req_param(r, "action");
	f->from = req_param(r, "from");
	f->to = req_param(r, "to");
	const char *page = req_param(r, "page");
	if (f->user && !*f->user)
		f->user = NULL;
	if (f->object && !*f->object)
		f->object = NULL;
	if (f->action && !*f->action)
		f->action = NULL;
	if (f->from && *f->from && (f->from_t = beijing_day(f->from)) < 0) {
		portal_error(r, 400, "bad_from", "from 应为日期，如 2026-03-01。'from' must be a date such as 2026-03-01.");
		return -1;
	}
	if (f->to && *f->to) {
		long long t = beijing_day(f->to);
		if (t < 0) {
			portal_error(r, 400, "bad_to", "to 应为日期，如 2026-03-31。'to' must be a date such as 2026-03-31.");
			return -1;
		}
		f->to_t = t + 86400;
	}
	f->page = 1;
	if (page && *page) {
		char *end;
		f->page = strtol(page, &end, 10);
		if (*end || f->page < 1 || f->page > 100000) {
			portal_error(r, 400, "bad_page", "page 应为从 1 起的整数。'page' must be a whole number from 1.");
			return -1;
		}
	}
	return 0;
}

/* The page of entries matching f (one more than PER_PAGE when there is a
 * next page); the total count to *total. */
static size_t entries(struct request *r, const struct filter *f, struct entry **out, long long *total)
{
	static const char where[] =
		" FROM audit_log l LEFT JOIN users u ON u.id = l.user_id"
		" WHERE (?1 IS NULL OR u.name = ?1) AND (?2 IS NULL OR l.object = ?2) AND (?3 IS NULL OR l.action = ?3)"
		" AND (?4 = 0 OR l.at >= ?4) AND (?5 = 0 OR l.at < ?5)";
	sqlite3_stmt *st[2];
	st[0] = portal_db_prepare(r->db, arena_printf(r->arena, "SELECT count(*)%s", where));
	st[1] = portal_db_prepare(r->db, arena_printf(r->arena,
		"SELECT l.at, u.name, l.action, l.object, l.detail%s ORDER BY l.id DESC LIMIT ?6 OFFSET ?7", where));
	for (int k = 0; k < 2; k++) {
		portal_db_bind_text(st[k], 1, f->user);
		portal_db_bind_text(st[k], 2, f->object);
		portal_db_bind_text(st[k], 3, f->action);
		sqlite3_bind_int64(st[k], 4, f->from_t);
		sqlite3_bind_int64(st[k], 5, f->to_t);
	}
	sqlite3_bind_int(st[1], 6, PER_PAGE);
	sqlite3_bind_int64(st[1], 7, (f->page - 1) * (long long)PER_PAGE);
	*total = sqlite3_step(st[0]) == SQLITE_ROW ? sqlite3_column_int64(st[0], 0) : 0;
	sqlite3_finalize(st[0]);
	size_t n = 0, cap = 0;
	struct entry *e = NULL;
	while (sqlite3_step(st[1]) == SQLITE_ROW) {
		e = arena_grow(r->arena, e, n, &cap, sizeof *e);
		e[n].at = sqlite3_column_int64(st[1], 0);
		const unsigned char *s;
		e[n].user = (s = sqlite3_column_text(st[1], 1)) ? arena_strdup(r->arena, (const char *)s) : NULL;
		e[n].action = arena_strdup(r->arena, (const char *)sqlite3_column_text(st[1], 2));
		e[n].object = (s = sqlite3_column_text(st[1], 3)) ? arena_strdup(r->arena, (const char *)s) : NULL;
		e[n].detail = (s = sqlite3_column_text(st[1], 4)) ? arena_strdup(r->arena, (const char *)s) : NULL;
		n++;
	}
	sqlite3_finalize(st[1]);
	*out = e;
	return n;
}

static const char *iso(struct request *r, long long t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	char s[32];
	gmtime_r(&tt, &tm);
	strftime(s, sizeof s, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return arena_strdup(r->arena, s);
}

void api_audit_log(struct request *r)
{
	struct filter f;
	if (filter_read(r, &f) < 0)
		return;
	struct entry *e;
	long long total;
	size_t n = entries(r, &f, &e, &total);
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++) {
		struct named o = object_name(r, e[i].object);
		json_t *detail = e[i].detail ? json_loads(e[i].detail, 0, NULL) : NULL;
		json_array_append_new(a, json_pack("{s:s,s:s,s:s,s:s,s:s,s:s?,s:s,s:o}",
			"at", iso(r, e[i].at), "at_beijing", ui_beijing(r, iso(r, e[i].at)),
			"user", e[i].user ? e[i].user : "系统", "action", e[i].action,
			"action_label", action_label(e[i].action),
			"object", e[i].object, "object_name", o.label,
			"detail", detail ? detail : json_null()));
	}
	resp_json(r, 200, json_pack("{s:I,s:i,s:i,s:o}", "total", (json_int_t)total, "page", (int)f.page,
				    "per_page", PER_PAGE, "entries", a));
}

/* The address of page p with the same filters. */
static const char *page_href(struct request *r, const struct filter *f, long p)
{
	struct buf b = BUF_INIT;
	buf_puts(&b, "/admin/audit-log?");
	const char *names[] = { "user", "object", "action", "from", "to" };
	const char *vals[] = { f->user, f->object, f->action, f->from, f->to };
	for (size_t i = 0; i < 5; i++)
		if (vals[i] && *vals[i])
			buf_printf(&b, "%s=%s&", names[i], url_encode(r->arena, vals[i]));
	buf_printf(&b, "page=%ld", p);
	const char *s = arena_strndup(r->arena, b.data, b.len);
	buf_free(&b);
	return s;
}

static void text_input(struct buf *b, const char *label, const char *name, const char *type, const char *value,
		       const char *hint)
{
	html_raw(b, "<label>");
	html_txt(b, label);
	html_raw(b, " <input name=\"");
	html_attr(b, name);
	html_raw(b, "\" type=\"");
	html_attr(b, type);
	html_raw(b, "\" value=\"");
	html_attr(b, value ? value : "");
	html_raw(b, "\"");
	if (hint) {
		html_raw(b, " placeholder=\"");
		html_attr(b, hint);
		html_raw(b, "\"");
	}
	html_raw(b, "></label>");
}

static void filter_form(struct request *r, const struct filter *f)
{
	struct buf *b = &r->out;
	html_raw(b, "<form method=\"get\" action=\"/admin/audit-log\" class=\"filters\">");
	text_input(b, "用户", "user", "text", f->user, "用户名");
	if (f->object && *f->object) {	/* chosen by clicking an object: shown by name */
		html_raw(b, "<input type=\"hidden\" name=\"object\" value=\"");
		html_attr(b, f->object);
		html_raw(b, "\"><span class=\"chosen\">对象：");
		html_txt(b, object_name(r, f->object).label);
		html_raw(b, "</span>");
	}
	html_raw(b, "<label>操作 <select name=\"action\"><option value=\"\">全部</option>");
	const char *code, *label;
	for (int i = 0; label_each(L_ACTION, &i, &code, &label);) {
		html_raw(b, "<option value=\"");
		html_attr(b, code);
		html_raw(b, f->action && strcmp(f->action, code) == 0 ? "\" selected>" : "\">");
		html_txt(b, label);
		html_raw(b, "</option>");
	}
	html_raw(b, "</select></label>");
	text_input(b, "从", "from", "date", f->from, NULL);
	text_input(b, "到", "to", "date", f->to, NULL);
	html_raw(b, "<button type=\"submit\">筛选</button> <a href=\"/admin/audit-log\">清除</a></form>");
}

void ui_audit_log(struct request *r)
{
	struct filter f;
	if (filter_read(r, &f) < 0)
		return;
	struct entry *e;
	long long total;
	size_t n = entries(r, &f, &e, &total);
	struct buf *b = &r->out;
	resp_private(r);
	ui_page_begin(r, "审计日志");
	html_raw(b, "<section class=\"audit-log\"><h1>审计日志</h1>"
		    "<p>谁在何时查看、下载或更改了什么。时间为北京时间；点对象或用户只看它的记录。</p>");
	filter_form(r, &f);
	html_raw(b, "<p class=\"count\">");
	html_txtf(b, "共 %lld 条", total);
	html_raw(b, "</p><div class=\"table-scroll\"><table class=\"list audit\"><thead><tr><th>时间</th><th>用户</th>"
		    "<th>操作</th><th>对象</th><th>详情</th></tr></thead><tbody>");
	for (size_t i = 0; i < n; i++) {
		html_raw(b, "<tr>");
		html_cell(b, ui_beijing(r, iso(r, e[i].at)));
		html_raw(b, "<td>");
		if (e[i].user) {
			html_raw(b, "<a href=\"/admin/audit-log?user=");
			html_attr(b, url_encode(r->arena, e[i].user));
			html_raw(b, "\">");
			html_txt(b, e[i].user);
			html_raw(b, "</a>");
		} else {
			html_raw(b, "系统");
		}
		html_raw(b, "</td>");
		html_cell(b, action_label(e[i].action));
		struct named o = object_name(r, e[i].object);
		html_raw(b, "<td>");
		if (e[i].object) {
			html_raw(b, "<a href=\"/admin/audit-log?object=");
			html_attr(b, url_encode(r->arena, e[i].object));
			html_raw(b, "\">");
			html_txt(b, o.label);
			html_raw(b, "</a>");
			if (o.href) {
				html_raw(b, " <a class=\"open\" href=\"");
				html_attr(b, o.href);
				html_raw(b, "\">打开</a>");
			}
		} else {
			html_raw(b, "—");
		}
		html_raw(b, "</td>");
		detail_cell(r, e[i].object, e[i].detail);
		html_raw(b, "</tr>");
	}
	if (!n)
		html_raw(b, "<tr><td colspan=\"5\">没有符合条件的记录。</td></tr>");
	html_raw(b, "</tbody></table></div><nav class=\"pages\">");
	if (f.page > 1) {
		html_raw(b, "<a rel=\"prev\" href=\"");
		html_attr(b, page_href(r, &f, f.page - 1));
		html_raw(b, "\">上一页</a> ");
	}
	if (f.page * PER_PAGE < total) {
		html_raw(b, "<a rel=\"next\" href=\"");
		html_attr(b, page_href(r, &f, f.page + 1));
		html_raw(b, "\">下一页</a>");
	}
	html_raw(b, "</nav></section>");
	ui_page_end(r);
}
