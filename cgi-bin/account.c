/* account.c: account.fcgi, signing in and out with a password, and the
 * staff's view of everyone's tokens and sessions.
 *
 * GET /login shows the form (with its pre-session CSRF token, session.h),
 * POST /login checks it (throttled after repeated failures) and sets the
 * session cookie, POST /logout ends the session, GET /account shows who is
 * signed in. Passwords are set with `portalctl user passwd NAME`.
 * GET /account/tokens lists every user's tokens and sessions for staff and
 * admin, and its forms (POST /account/tokens) revoke a token, all of a
 * user's tokens, or end a user's sessions; /api/tokens is the same in
 * JSON. Every revoke is in the audit log (auth.c, session.c). */
#include "account-ui.h"
#include "arena.h"
#include "auth.h"
#include "db.h"
#include "labels.h"
#include "fcgi-master.h"
#include "html.h"
#include "http-request.h"
#include "http-response.h"
#include "search.h"
#include "session.h"
#include "ui-shared.h"

#include <jansson.h>
#include <string.h>
#include <time.h>

#define FORM_MAX 4096
#define NEXT_MAX 1000

static const char *const login_params[] = { "next", NULL };
static const char *const tokens_params[] = { "user", NULL };

/* Only a path on this site is followed after sign-in: one leading '/' and
 * then only characters that cannot start another site's address or be
 * read as one by a browser (no backslash, no whitespace or control
 * character, no "//"). Anything else goes home. */
static const char *safe_next(const char *next)
{
	static const char allowed[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
				      "/_.~%?=&:-";
	if (!next || next[0] != '/' || strlen(next) > NEXT_MAX || strspn(next, allowed) != strlen(next) ||
	    strstr(next, "//"))
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
	html_raw(b, "<form method=\"post\" action=\"/login\"><input type=\"hidden\" name=\"csrf\" value=\"");
	html_attr(b, session_login_token_issue(r));
	html_raw(b, "\"><input type=\"hidden\" name=\"next\" value=\"");
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
	struct buf *b = &r->out;
	ui_page_begin(r, "账户");
	html_raw(b, "<section class=\"account\"><h1>");
	html_txt(b, r->user.name);
	html_raw(b, "</h1><table class=\"meta\"><tr><th>角色</th><td>");
	html_txt(b, label_of(L_USER_ROLE, r->user.role));
	html_raw(b, "</td></tr>");
	/* the area a district or authority user acts for */
	if (r->user.district || r->user.sector) {
		html_raw(b, r->user.district ? "<tr><th>区</th><td>" : "<tr><th>行业大类</th><td>");
		html_txt(b, r->user.district ? r->user.district : label_of(L_SECTOR, r->user.sector));
		html_raw(b, "</td></tr>");
	}
	/* The unit the account acts for, by name and linked (an enterprise
	 * user may be tied by credit code as well as by id). */
	static const struct {
		const char *label, *table;
	} units[] = { { "企业", "enterprises" }, { "咨询机构", "agencies" } };
	for (int k = 0; k < 2; k++) {
		const char *key = k ? r->user.agency_id : r->user.enterprise_id;
		if (!key)
			continue;
		sqlite3_stmt *st = portal_db_prepare(r->db, arena_printf(r->arena,
			"SELECT id, name FROM %s WHERE id = ?1 OR credit_code = ?1", units[k].table));
		portal_db_bind_text(st, 1, key);
		html_raw(b, "<tr><th>");
		html_txt(b, units[k].label);
		html_raw(b, "</th><td>");
		if (sqlite3_step(st) == SQLITE_ROW) {
			html_raw(b, "<a href=\"");
			html_attr(b, arena_printf(r->arena, "/%s/%s", units[k].table, (const char *)sqlite3_column_text(st, 0)));
			html_raw(b, "\">");
			html_txt(b, (const char *)sqlite3_column_text(st, 1));
			html_raw(b, "</a>");
		} else {
			html_raw(b, "（尚未登记）");
		}
		sqlite3_finalize(st);
		html_raw(b, "</td></tr>");
	}
	html_raw(b, "</table><ul class=\"account-links\"><li><a href=\"/account/alerts\">我的提醒（保存的搜索与订阅）</a></li>");
	if (portal_user_sees_all(&r->user))
		html_raw(b, "<li><a href=\"/admin/users\">用户管理</a></li><li><a href=\"/admin/audit-log\">审计日志</a></li>"
			    "<li><a href=\"/account/tokens\">令牌与会话</a></li>");
	html_raw(b, "</ul></section>");
	ui_page_end(r);
}

/* ---- tokens and sessions, for staff ------------------------------------- */

static const char *iso_time(struct arena *a, long long t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	char s[32];
	gmtime_r(&tt, &tm);
	strftime(s, sizeof s, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return arena_strdup(a, s);
}

/* One user as the page and the API see them. */
struct account {
	long long id;
	const char *name, *role;
	int disabled, sessions;
	struct portal_token *tokens;
	size_t ntokens;
};

/* Every user (or only the one named; NULL: all), by name, into an arena
 * array; returns the count. */
static size_t accounts(struct request *r, const char *only, struct account **out)
{
	sqlite3_stmt *st = portal_db_prepare(r->db,
		"SELECT id, name, role, disabled_at IS NOT NULL FROM users WHERE ?1 IS NULL OR name = ?1 ORDER BY name");
	portal_db_bind_text(st, 1, only);
	size_t n = 0, cap = 0;
	struct account *a = NULL;
	while (sqlite3_step(st) == SQLITE_ROW) {
		a = arena_grow(r->arena, a, n, &cap, sizeof *a);
		a[n].id = sqlite3_column_int64(st, 0);
		a[n].name = arena_strdup(r->arena, (const char *)sqlite3_column_text(st, 1));
		a[n].role = arena_strdup(r->arena, (const char *)sqlite3_column_text(st, 2));
		a[n].disabled = sqlite3_column_int(st, 3);
		n++;
	}
	sqlite3_finalize(st);
	for (size_t i = 0; i < n; i++) {
		a[i].sessions = portal_user_session_count(r->db, a[i].id);
		a[i].ntokens = portal_token_list(r->db, r->arena, a[i].id, &a[i].tokens);
	}
	*out = a;
	return n;
}

/* A one-button form posting action (and the hidden fields) to the page. */
static void revoke_form(struct request *r, const char *action, const char *user, const char *token,
			const char *label)
{
	struct buf *b = &r->out;
	html_raw(b, "<form method=\"post\" action=\"/account/tokens\" class=\"inline\">");
	ui_csrf_field(r, b);
	html_raw(b, "<input type=\"hidden\" name=\"action\" value=\"");
	html_attr(b, action);
	html_raw(b, "\"><input type=\"hidden\" name=\"user\" value=\"");
	html_attr(b, user);
	html_raw(b, "\">");
	if (token) {
		html_raw(b, "<input type=\"hidden\" name=\"token\" value=\"");
		html_attr(b, token);
		html_raw(b, "\">");
	}
	html_raw(b, "<button type=\"submit\">");
	html_txt(b, label);
	html_raw(b, "</button></form>");
}

static void token_cell(struct request *r, const struct account *u)
{
	struct buf *b = &r->out;
	if (!u->ntokens) {
		html_raw(b, "—");
		return;
	}
	html_raw(b, "<ul class=\"tokens\">");
	for (size_t k = 0; k < u->ntokens; k++) {
		const struct portal_token *t = &u->tokens[k];
		char created[PORTAL_TIME_LEN], expires[PORTAL_TIME_LEN];
		portal_time_beijing(t->created_at, created);
		html_raw(b, "<li><code>");
		html_txt(b, t->id);
		html_raw(b, "</code> 创建于 ");
		html_txt(b, created);
		if (t->expires_at) {
			portal_time_beijing(t->expires_at, expires);
			html_raw(b, t->expires_at <= portal_now() ? "，已于 " : "，到期 ");
			html_txt(b, expires);
			html_raw(b, t->expires_at <= portal_now() ? " 过期" : "");
		} else {
			html_raw(b, "，长期有效");
		}
		revoke_form(r, "revoke_token", u->name, t->id, "撤销");
		html_raw(b, "</li>");
	}
	html_raw(b, "</ul>");
}

static void ui_tokens(struct request *r)
{
	struct account *u;
	size_t n = accounts(r, NULL, &u);
	struct buf *b = &r->out;
	ui_page_begin(r, "令牌与会话");
	html_raw(b, "<section class=\"tokens\"><h1>令牌与会话 · Tokens and sessions</h1>"
		    "<p>时间为北京时间。撤销的令牌和结束的会话立即失效，并记入审计日志。</p>"
		    "<table class=\"list\"><thead><tr><th>用户</th><th>角色</th><th>会话</th><th>令牌</th><th>操作</th>"
		    "</tr></thead><tbody>");
	for (size_t i = 0; i < n; i++) {
		html_raw(b, "<tr><td>");
		html_txt(b, u[i].name);
		if (u[i].disabled)
			html_raw(b, "（已停用）");
		html_raw(b, "</td><td>");
		html_txt(b, label_of(L_USER_ROLE, u[i].role));
		html_raw(b, "</td><td>");
		html_txtf(b, "%d", u[i].sessions);
		html_raw(b, "</td><td>");
		token_cell(r, &u[i]);
		html_raw(b, "</td><td>");
		if (u[i].ntokens)
			revoke_form(r, "revoke_tokens", u[i].name, NULL, "撤销全部令牌");
		if (u[i].sessions)
			revoke_form(r, "end_sessions", u[i].name, NULL, "结束全部会话");
		html_raw(b, "</td></tr>");
	}
	html_raw(b, "</tbody></table></section>");
	ui_page_end(r);
}

/* Revoke one token of user uid, named by its public id: 1, 0 (none of
 * theirs), -1 (ambiguous). Another user's token is "none". */
static int revoke_users_token(struct request *r, long long uid, const char *id)
{
	struct portal_token *t;
	size_t n = portal_token_list(r->db, r->arena, uid, &t);
	for (size_t k = 0; k < n; k++)
		if (strcmp(t[k].id, id) == 0)
			return portal_token_revoke(r->db, id, r->user.id, NULL);
	return 0;
}

static void ui_tokens_post(struct request *r)
{
	if (req_form_read(r, FORM_MAX) < 0)
		return;
	const char *action = req_form(r, "action"), *name = req_form(r, "user"), *id = req_form(r, "token");
	long long uid = name ? portal_user_id(r->db, name) : 0;
	if (!action || !uid) {
		portal_error(r, 404, "not_found", "没有这个用户。There is no such user.");
		return;
	}
	if (strcmp(action, "revoke_tokens") == 0) {
		portal_tokens_revoke_user(r->db, uid, r->user.id);
	} else if (strcmp(action, "end_sessions") == 0) {
		portal_user_end_sessions(r->db, uid, r->user.id);
	} else if (strcmp(action, "revoke_token") == 0 && id) {
		int rc = revoke_users_token(r, uid, id);
		if (rc <= 0) {
			portal_error(r, rc < 0 ? 409 : 404, "not_found", rc < 0
				? "这个编号对应多个令牌，请在命令行撤销。That id names more than one token: revoke it with portalctl."
				: "这个用户没有这个令牌。That user has no such token.");
			return;
		}
	} else {
		portal_error(r, 400, "bad_action", "未知的操作。Unknown action.");
		return;
	}
	r->status = 303;
	resp_header(r, "Location", "/account/tokens");
}

static json_t *account_json(struct request *r, const struct account *u)
{
	json_t *tokens = json_array();
	for (size_t k = 0; k < u->ntokens; k++) {
		const struct portal_token *t = &u->tokens[k];
		json_array_append_new(tokens, json_pack("{s:s,s:s,s:o}", "id", t->id,
			"created_at", iso_time(r->arena, t->created_at),
			"expires_at", t->expires_at ? json_string(iso_time(r->arena, t->expires_at)) : json_null()));
	}
	return json_pack("{s:s,s:s,s:b,s:i,s:o}", "name", u->name, "role", u->role, "disabled", u->disabled,
			 "sessions", u->sessions, "tokens", tokens);
}

static void api_tokens(struct request *r)
{
	const char *only = req_param(r, "user");
	struct account *u;
	size_t n = accounts(r, only, &u);
	if (only && !n) {
		portal_error(r, 404, "not_found", "没有这个用户。There is no such user.");
		return;
	}
	json_t *users = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(users, account_json(r, &u[i]));
	resp_json(r, 200, json_pack("{s:o}", "users", users));
}

static void api_token_revoke(struct request *r)
{
	long long uid = 0;
	size_t len = strlen(r->arg);
	int rc = len == TOKEN_ID_LEN && strspn(r->arg, "0123456789abcdef") == len
		? portal_token_revoke(r->db, r->arg, r->user.id, &uid) : 0;
	if (rc < 0) {
		portal_error(r, 409, "ambiguous", "这个编号对应多个令牌。That id names more than one token.");
		return;
	}
	if (rc == 0) {
		portal_error(r, 404, "not_found", "没有这个令牌。There is no token with that id.");
		return;
	}
	resp_json(r, 200, json_pack("{s:s}", "revoked", r->arg));
}

static const struct page pages[] = {
	{ "GET", "/login", ui_login_page, login_params },
	{ "POST", "/login", ui_login, NULL, PAGE_SIGN_IN },
	{ "POST", "/logout", ui_logout, NULL },
	{ "GET", "/account", ui_account, NULL, PAGE_USER },
	{ "GET", "/account/tokens", ui_tokens, NULL, PAGE_STAFF },
	{ "POST", "/account/tokens", ui_tokens_post, NULL, PAGE_STAFF },
	{ "GET", "/api/tokens", api_tokens, tokens_params, PAGE_STAFF },
	{ "DELETE", "/api/tokens/*", api_token_revoke, NULL, PAGE_STAFF },
	/* users (users-ui.c) */
	{ "GET", "/admin/users", ui_users, ui_users_params, PAGE_STAFF },
	{ "POST", "/admin/users", ui_users_post, NULL, PAGE_STAFF },
	{ "POST", "/admin/users/from-year", ui_users_from_year, NULL, PAGE_STAFF },
	{ "GET", "/api/users", api_users, NULL, PAGE_STAFF },
	{ "POST", "/api/users", api_users_create, NULL, PAGE_STAFF },
	{ "POST", "/api/users/from-year", api_users_from_year, NULL, PAGE_STAFF },
	{ "POST", "/api/users/*/disable", api_users_disable, NULL, PAGE_STAFF },
	{ "POST", "/api/users/*/enable", api_users_enable, NULL, PAGE_STAFF },
	{ "POST", "/api/users/*/reset", api_users_reset, NULL, PAGE_STAFF },
	/* the audit log (audit-ui.c) */
	{ "GET", "/admin/audit-log", ui_audit_log, ui_audit_params, PAGE_STAFF },
	{ "GET", "/api/audit-log", api_audit_log, ui_audit_params, PAGE_STAFF },
	/* alerts (alerts-ui.c) */
	{ "GET", "/account/alerts", ui_alerts, ui_alerts_params, PAGE_USER },
	{ "POST", "/account/alerts", ui_alerts_post, NULL, PAGE_USER },
	{ "GET", "/api/saved-searches", api_saved_searches, NULL, PAGE_USER },
	{ "POST", "/api/saved-searches", api_saved_search_create, NULL, PAGE_USER },
	{ "DELETE", "/api/saved-searches/*", api_saved_search_delete, NULL, PAGE_USER },
	{ "POST", "/api/feed-token", api_feed_token, NULL, PAGE_USER },
	{ "GET", "/feeds/*", ui_feed, NULL },
};

/* The stand-in password hash is made before the first request, so the
 * first sign-in of an unknown name costs no more than the next. */
static void worker_init(void)
{
	session_init();
	search_reader();
}

int main(void)
{
	static const struct fcgi_program prog = {
		"account.fcgi", pages, sizeof pages / sizeof pages[0], worker_init,
	};
	return portal_fcgi_main(&prog);
}
