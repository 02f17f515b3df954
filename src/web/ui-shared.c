/* ui-shared.c: the frame every HTML page shares. */
#include "ui-shared.h"
#include "html.h"
#include "arena.h"
#include "db.h"
#include "url.h"
#include "request.h"
#include "http-response.h"
#include "session.h"
#include "auth.h"

#include <string.h>
#include <time.h>

/* The header menu: the areas the caller's role may open, each answering
 * 2xx to that role (tests/t0026-home.sh asks each one as each role).
 * Record lists are scoped by the engine, so a role is offered only the
 * lists that hold its own records. A <details> that is open on wide
 * screens (portal.css) and collapses on narrow ones, without script. */
enum { M_ANON = 1, M_STAFF = 2, M_ENT = 4, M_AG = 8, M_EXP = 16, M_USERS = 30, M_ALL = 127,
       M_DIST = 32, M_AUTH = 64, M_AREA = 96 };
static const struct {
	const char *href, *label;
	unsigned roles;
} menu_items[] = {
	{ "/", "首页", M_ALL },
	{ "/search", "文档检索", M_ANON },
	{ "/audits", "审核", M_STAFF | M_ENT | M_AG | M_EXP | M_AREA },
	{ "/projects", "项目", M_STAFF | M_ENT | M_EXP | M_AREA },
	{ "/enterprises", "企业", M_STAFF },
	{ "/enterprises", "本单位", M_ENT },
	{ "/enterprises", "客户企业", M_AG },
	{ "/enterprises", "本区企业", M_DIST },
	{ "/enterprises", "本行业企业", M_AUTH },
	{ "/agencies", "咨询机构", M_STAFF },
	{ "/agencies", "本机构", M_AG },
	{ "/experts", "专家", M_STAFF },
	{ "/experts", "本人信息", M_EXP },
	{ "/reports", "报表", M_STAFF | M_AUTH },
	{ "/overdue", "逾期", M_STAFF | M_ENT | M_AG | M_AREA },
	{ "/deadlines", "截止日期", M_STAFF | M_ENT | M_AG | M_AREA },
	{ "/typical-units", "典型单位", M_ALL },
	{ "/upload", "上传", M_USERS | M_DIST },
	{ "/account/alerts", "提醒", M_USERS | M_AREA },
	{ "/admin/users", "用户", M_STAFF },
	{ "/admin/audit-log", "审计日志", M_STAFF },
};

static unsigned menu_role(const struct request *r)
{
	const char *role = r->user.role ? r->user.role : "";
	if (!r->user.id)
		return M_ANON;
	if (portal_user_sees_all(&r->user))
		return M_STAFF;
	if (strcmp(role, "enterprise") == 0)
		return M_ENT;
	if (strcmp(role, "agency") == 0)
		return M_AG;
	if (strcmp(role, "district") == 0)
		return M_DIST;
	if (strcmp(role, "authority") == 0)
		return M_AUTH;
	return strcmp(role, "expert") == 0 ? M_EXP : 0;
}

/* 1 when path is within the area href ("/audits" holds "/audits/a1"). */
static int in_area(const char *path, const char *href)
{
	size_t n = strlen(href);
	if (strcmp(href, "/") == 0)
		return strcmp(path, "/") == 0;
	return strncmp(path, href, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

static void menu(struct request *r, struct buf *b)
{
	unsigned role = menu_role(r);
	const char *path = r->path ? r->path : "";
	html_raw(b, "<nav class=\"menu\" aria-label=\"主菜单\"><details><summary>菜单</summary><ul>");
	for (size_t i = 0; i < sizeof menu_items / sizeof menu_items[0]; i++) {
		if (!(menu_items[i].roles & role))
			continue;
		html_raw(b, "<li><a href=\"");
		html_attr(b, menu_items[i].href);
		html_raw(b, in_area(path, menu_items[i].href) ? "\" aria-current=\"page\">" : "\">");
		html_txt(b, menu_items[i].label);
		html_raw(b, "</a></li>");
	}
	html_raw(b, "</ul></details></nav>");
}

void ui_page_begin_q(struct request *r, const char *title, const char *q)
{
	struct buf *b = &r->out;
	r->content_type_out = "text/html; charset=utf-8";
	resp_header(r, "Content-Security-Policy", "default-src 'self'; img-src 'self' data:");
	html_raw(b, "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
		    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
		    "<title>");
	html_txt(b, title);
	html_raw(b, " · 清洁生产文档门户</title><link rel=\"stylesheet\" href=\"/static/portal.css\">"
		    "</head><body><a class=\"skip\" href=\"#main\">跳到正文</a>"
		    "<header class=\"site\"><a class=\"brand\" href=\"/\">清洁生产文档门户"
		    "<small>Qingjie Portal</small></a>"
		    "<form class=\"search\" action=\"/search\" method=\"get\" role=\"search\" aria-label=\"全站搜索\">"
		    "<label for=\"site-q\" class=\"visually-hidden\">搜索文档</label>"
		    "<input type=\"search\" name=\"q\" id=\"site-q\" placeholder=\"搜索标准、指南、审核报告…\" value=\"");
	html_attr(b, q ? q : "");
	html_raw(b, "\"><button type=\"submit\">搜索</button></form><nav class=\"user\" aria-label=\"账户\">");
	if (r->user.id && r->session_id) {
		html_raw(b, "<a href=\"/account\">");
		html_txt(b, r->user.name);
		html_raw(b, "</a><form method=\"post\" action=\"/logout\" class=\"logout\">");
		ui_csrf_field(r, b);
		html_raw(b, "<button type=\"submit\">退出</button></form>");
	} else if (!r->user.id) {
		html_raw(b, "<a href=\"/login\">登录</a>");
	}
	html_raw(b, "</nav>");
	menu(r, b);
	html_raw(b, "</header><main id=\"main\">");
}

void ui_page_begin(struct request *r, const char *title) { ui_page_begin_q(r, title, NULL); }

void ui_page_end(struct request *r)
{
	html_raw(&r->out, "</main><footer class=\"site\">清洁生产文档门户 · 北京市清洁生产工作</footer>"
			  "</body></html>\n");
}

void ui_csrf_field(struct request *r, struct buf *b)
{
	if (!r->csrf_token)
		return;
	html_raw(b, "<input type=\"hidden\" name=\"csrf\" value=\"");
	html_attr(b, r->csrf_token);
	html_raw(b, "\">");
}

/* The heading of an error page, in Chinese. */
static const char *error_heading(int status)
{
	switch (status) {
	case 400: return "请求有误";
	case 401: return "需要登录";
	case 403: return "无权操作";
	case 404: return "没有找到";
	case 405: return "不支持此操作";
	case 409: return "与现有记录冲突";
	case 413: return "文件过大";
	case 415: return "格式不受支持";
	case 421: return "请发往主服务器";
	case 422: return "内容无效";
	case 429: return "请求过于频繁";
	case 503: return "服务繁忙";
	case 507: return "存储空间不足";
	default: return status >= 500 ? "服务器出错" : "请求未能完成";
	}
}

void portal_error(struct request *r, int status, const char *code, const char *message)
{
	buf_reset(&r->headers);
	if (r->is_api) {
		json_t *e = json_pack("{s:{s:s,s:s}}", "error", "code", code, "message", message);
		resp_json(r, status, e);
		return;
	}
	buf_reset(&r->out);
	r->status = status;
	ui_page_begin(r, error_heading(status));
	html_raw(&r->out, "<section class=\"error\"><h1>");
	html_txt(&r->out, error_heading(status));
	html_raw(&r->out, "</h1><p>");
	html_txt(&r->out, message);
	html_raw(&r->out, "</p><p>");
	if (status == 401 && r->path) {	/* sign in, then come back here */
		html_raw(&r->out, "<a href=\"/login?next=");
		html_attr(&r->out, url_encode(r->arena, r->path));
		html_raw(&r->out, "\">登录后返回此页</a> · ");
	}
	html_raw(&r->out, "<a href=\"/\">返回首页</a></p>");
	html_raw(&r->out, "<p class=\"status\">");
	html_txtf(&r->out, "%d %s", status, http_reason(status));
	html_raw(&r->out, "</p></section>");
	ui_page_end(r);
}

const char *ui_beijing(struct request *r, const char *iso_utc)
{
	struct tm tm;
	memset(&tm, 0, sizeof tm);
	const char *end = iso_utc ? strptime(iso_utc, "%Y-%m-%dT%H:%M:%SZ", &tm) : NULL;
	if (!end || *end)
		return iso_utc ? iso_utc : "";
	char out[PORTAL_TIME_LEN];
	portal_time_beijing((long long)timegm(&tm), out);
	return arena_strdup(r->arena, out);
}
