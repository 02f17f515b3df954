/* ui-shared.c: the frame every HTML page shares. */
#include "ui-shared.h"
#include "html.h"
#include "arena.h"
#include "db.h"
#include "url.h"
#include "request.h"
#include "http-response.h"
#include "session.h"

#include <string.h>
#include <time.h>

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
	if (r->user.id)
		html_raw(b, "<a href=\"/upload\">上传</a>");
	if (r->user.id && r->session_id) {
		html_raw(b, "<a href=\"/account\">");
		html_txt(b, r->user.name);
		html_raw(b, "</a><form method=\"post\" action=\"/logout\" class=\"logout\">");
		ui_csrf_field(r, b);
		html_raw(b, "<button type=\"submit\">退出</button></form>");
	} else if (!r->user.id) {
		html_raw(b, "<a href=\"/login\">登录</a>");
	}
	html_raw(b, "</nav></header><main id=\"main\">");
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
