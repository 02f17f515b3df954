/* account.c: account.fcgi, signing in and out with a password.
 *
 * GET /login shows the form, POST /login checks it (throttled after
 * repeated failures) and sets the session cookie, POST /logout ends the
 * session, GET /account shows who is signed in. Passwords are set with
 * `portalctl user passwd NAME`. */
#include "arena.h"
#include "fcgi-master.h"
#include "html.h"
#include "http-request.h"
#include "http-response.h"
#include "session.h"
#include "ui-shared.h"

#include <string.h>

#define FORM_MAX 4096

static const char *const login_params[] = { "next", NULL };

/* Only local paths are followed after sign-in (no open redirect). */
static const char *safe_next(const char *next)
{
	if (!next || next[0] != '/' || next[1] == '/' || next[1] == '\\' || strpbrk(next, "\r\n"))
		return "/";
	return next;
}

static void login_form(struct request *r, const char *name, const char *message, const char *next)
{
	struct buf *b = &r->out;
	ui_page_begin(r, "登录");
	html_raw(b, "<section class=\"login\"><h1>登录 · Sign in</h1>");
	if (message) {
		html_raw(b, "<p class=\"form-error\" role=\"alert\">");
		html_txt(b, message);
		html_raw(b, "</p>");
	}
	html_raw(b, "<form method=\"post\" action=\"/login\"><input type=\"hidden\" name=\"next\" value=\"");
	html_attr(b, safe_next(next));
	html_raw(b, "\"><label>用户名 <input name=\"name\" autocomplete=\"username\" required value=\"");
	html_attr(b, name ? name : "");
	html_raw(b, "\"></label><label>密码 <input type=\"password\" name=\"password\" autocomplete=\"current-password\" required></label>"
		    "<button type=\"submit\">登录</button></form></section>");
	ui_page_end(r);
}

static void ui_login_page(struct request *r)
{
	login_form(r, NULL, NULL, req_param(r, "next"));
}

static void ui_login(struct request *r)
{
	if (req_form_read(r, FORM_MAX) < 0)
		return;
	const char *name = req_form(r, "name"), *password = req_form(r, "password");
	const char *next = req_form(r, "next");
	if (!name || !*name || !password || !*password) {
		r->status = 400;
		login_form(r, name, "请输入用户名和密码。Enter your name and password.", next);
		return;
	}
	char err[256];
	int rc = session_login(r, name, password, err, sizeof err);
	if (rc < 0) {
		r->status = rc == -2 ? 429 : 401;
		login_form(r, name, err, next);
		return;
	}
	r->status = 303;
	resp_header(r, "Location", safe_next(next));
}

static void ui_logout(struct request *r)
{
	if (req_form_read(r, FORM_MAX) < 0)
		return;
	session_logout(r);
	r->status = 303;
	resp_header(r, "Location", "/");
}

static void ui_account(struct request *r)
{
	if (!r->user.id) {
		r->status = 303;
		resp_header(r, "Location", "/login?next=/account");
		return;
	}
	struct buf *b = &r->out;
	ui_page_begin(r, "账户");
	html_raw(b, "<section class=\"account\"><h1>");
	html_txt(b, r->user.name);
	html_raw(b, "</h1><table class=\"meta\"><tr><th>角色</th><td>");
	html_txt(b, r->user.role);
	html_raw(b, "</td></tr>");
	if (r->user.enterprise_id) {
		html_raw(b, "<tr><th>企业</th><td>");
		html_txt(b, r->user.enterprise_id);
		html_raw(b, "</td></tr>");
	}
	if (r->user.agency_id) {
		html_raw(b, "<tr><th>咨询机构</th><td>");
		html_txt(b, r->user.agency_id);
		html_raw(b, "</td></tr>");
	}
	html_raw(b, "</table></section>");
	ui_page_end(r);
}

static const struct page pages[] = {
	{ "GET", "/login", ui_login_page, login_params },
	{ "POST", "/login", ui_login, NULL },
	{ "POST", "/logout", ui_logout, NULL },
	{ "GET", "/account", ui_account, NULL },
};

int main(void)
{
	static const struct fcgi_program prog = { "account.fcgi", pages, sizeof pages / sizeof pages[0], NULL };
	return portal_fcgi_main(&prog);
}
