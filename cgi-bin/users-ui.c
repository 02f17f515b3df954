/* users-ui.c: staff manage users: the page /admin/users and /api/users.
 *
 * Staff and admin list every user with role, organisation (the enterprise
 * or agency by name) and status; create one (a one-time password is shown
 * once, in the answer to the form or the API call, and stored only as its
 * hash), disable or enable one, reset a password (which ends the user's
 * sessions and tokens, as `portalctl user passwd` does). Staff may not
 * create or change admins; admin may. Accounts for a year's enterprises
 * come in bulk from the load-year CSV (accounts.h), as a page or as a CSV
 * to hand out. Every change is in the audit log, with who did it. */
#include "account-ui.h"
#include "labels.h"
#include "accounts.h"
#include "arena.h"
#include "audit.h"
#include "auth.h"
#include "db.h"
#include "html.h"
#include "http-multipart.h"
#include "http-request.h"
#include "http-response.h"
#include "session.h"
#include "ui-shared.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#define FORM_MAX 4096
#define CSV_MAX (2 * 1024 * 1024)

const char *const ui_users_params[] = { NULL };

const char *account_role_label(const char *role) { return label_of(L_USER_ROLE, role); }

struct urow {
	const char *name, *role, *org;	/* org: the enterprise's or agency's name, NULL */
	int disabled;
};

static const char *col(struct arena *a, sqlite3_stmt *st, int i)
{
	const unsigned char *s = sqlite3_column_text(st, i);
	return s ? arena_strdup(a, (const char *)s) : NULL;
}

static size_t users_list(struct request *r, struct urow **out)
{
	sqlite3_stmt *st = portal_db_prepare(r->db,
		"SELECT u.name, u.role, u.disabled_at IS NOT NULL,"
		" coalesce((SELECT e.name FROM enterprises e WHERE e.id = u.enterprise_id OR e.credit_code = u.enterprise_id),"
		"  (SELECT g.name FROM agencies g WHERE g.id = u.agency_id), u.enterprise_id, u.agency_id,"
		"  u.district, (SELECT s.name FROM sectors s WHERE s.id = u.sector))"
		" FROM users u ORDER BY CASE u.role WHEN 'admin' THEN 0 WHEN 'staff' THEN 1 WHEN 'district' THEN 2"
		"  WHEN 'authority' THEN 3 WHEN 'expert' THEN 4 WHEN 'agency' THEN 5 ELSE 6 END, u.name");
	size_t n = 0, cap = 0;
	struct urow *u = NULL;
	while (sqlite3_step(st) == SQLITE_ROW) {
		u = arena_grow(r->arena, u, n, &cap, sizeof *u);
		u[n].name = col(r->arena, st, 0);
		u[n].role = col(r->arena, st, 1);
		u[n].disabled = sqlite3_column_int(st, 2);
		u[n].org = col(r->arena, st, 3);
		n++;
	}
	sqlite3_finalize(st);
	*out = u;
	return n;
}

/* The role of the named user, NULL when there is none. */
static const char *role_of(struct request *r, const char *name)
{
	sqlite3_stmt *st = portal_db_prepare(r->db, "SELECT role FROM users WHERE name = ?");
	portal_db_bind_text(st, 1, name);
	const char *role = sqlite3_step(st) == SQLITE_ROW ? col(r->arena, st, 0) : NULL;
	sqlite3_finalize(st);
	return role;
}

/* Staff may not touch admins; admin may touch anyone. */
static int may_manage(const struct request *r, const char *role)
{
	return strcmp(r->user.role, "admin") == 0 || strcmp(role, "admin") != 0;
}

/* An enterprise or agency named by id, name or credit code: its id, or NULL. */
static const char *org_id(struct request *r, const char *table, const char *key)
{
	const char *sql = strcmp(table, "enterprises") == 0
		? "SELECT id FROM enterprises WHERE id = ?1 OR name = ?1 OR credit_code = upper(trim(?1)) ORDER BY id LIMIT 1"
		: "SELECT id FROM agencies WHERE id = ?1 OR name = ?1 OR credit_code = upper(trim(?1)) ORDER BY year DESC LIMIT 1";
	sqlite3_stmt *st = portal_db_prepare(r->db, sql);
	portal_db_bind_text(st, 1, key);
	const char *id = sqlite3_step(st) == SQLITE_ROW ? col(r->arena, st, 0) : NULL;
	sqlite3_finalize(st);
	return id;
}

/* A district or sector as chosen (sql: its id for ?1), or NULL. */
static const char *area_id(struct request *r, const char *sql, const char *key)
{
	if (!key || !*key)
		return NULL;
	sqlite3_stmt *st = portal_db_prepare(r->db, sql);
	portal_db_bind_text(st, 1, key);
	const char *id = sqlite3_step(st) == SQLITE_ROW ? col(r->arena, st, 0) : NULL;
	sqlite3_finalize(st);
	return id;
}

/* The result of one change: 0 done; otherwise an HTTP status with code and
 * message for portal_error(). */
struct outcome {
	int status;
	const char *code, *message;
	const char *password;	/* create and reset: the one-time password */
};

static int refuse(struct outcome *o, int status, const char *code, const char *message)
{
	o->status = status;
	o->code = code;
	o->message = message;
	return -1;
}

static int set_new_password(struct request *r, const char *name, const char *action, struct outcome *o)
{
	char pw[SESSION_PASSWORD_LEN + 1], err[256];
	session_password_new(pw);
	if (session_set_password_by(r->db, name, pw, r->user.id, action, err, sizeof err) < 0)
		return refuse(o, 500, "database", "无法设置密码。The password could not be set.");
	o->password = arena_strdup(r->arena, pw);
	return 0;
}

/* area: a district user's district (区), an authority's sector (its code
 * or its Chinese name); ignored for other roles. */
static int create_user(struct request *r, const char *name, const char *role, const char *ent, const char *ag,
		       const char *area, struct outcome *o)
{
	memset(o, 0, sizeof *o);
	if (!name || !*name || strlen(name) > 100 || strchr(name, '/'))
		return refuse(o, 400, "bad_name", "用户名应为 1 到 100 个字符，不含 /。A name has 1 to 100 characters, no '/'.");
	if (!role || !portal_role_valid(role))
		return refuse(o, 400, "bad_role", "未知的角色。Unknown role (admin, staff, expert, agency, enterprise,"
			      " district, authority).");
	if (!may_manage(r, role))
		return refuse(o, 403, "forbidden", "工作人员不能创建管理员。Staff may not create admin users.");
	const char *ent_id = NULL, *ag_id = NULL;
	if (strcmp(role, "enterprise") == 0) {
		if (!ent || !*ent || !(ent_id = org_id(r, "enterprises", ent)))
			return refuse(o, 400, "bad_enterprise", "请选择一个已登记的企业。Choose a registered enterprise.");
	} else if (strcmp(role, "agency") == 0) {
		if (!ag || !*ag || !(ag_id = org_id(r, "agencies", ag)))
			return refuse(o, 400, "bad_agency", "请选择一个已登记的咨询机构。Choose a registered agency.");
	}
	int district = strcmp(role, "district") == 0, authority = strcmp(role, "authority") == 0;
	const char *dist = NULL, *sec = NULL;
	if (district && !(dist = area_id(r, "SELECT id FROM districts WHERE id = ?1", area)))
		return refuse(o, 400, "bad_district", "请选择一个区。Choose a district (朝阳区…).");
	if (authority && !(sec = area_id(r, "SELECT id FROM sectors WHERE id = ?1 OR name = ?1", area)))
		return refuse(o, 400, "bad_sector", "请选择一个行业大类。Choose a sector (industry, services, agriculture).");
	char err[256];
	if (portal_user_id(r->db, name))
		return refuse(o, 409, "exists", "已有同名用户。A user with that name exists.");
	if ((district || authority ? portal_user_add_area(r->db, name, role, district ? dist : sec, err, sizeof err)
				   : portal_user_add(r->db, name, role, ent_id, ag_id, err, sizeof err)) < 0)
		return refuse(o, 500, "database", "无法创建用户。The user could not be created.");
	json_t *d = json_pack("{s:s,s:s*,s:s*,s:s*,s:s*}", "role", role, "enterprise", ent_id, "agency", ag_id,
			      "district", dist, "sector", sec);
	char *detail = json_dumps(d, JSON_COMPACT | JSON_ENSURE_ASCII);
	audit_log(r->db, r->user.id, "user_create", arena_printf(r->arena, "user:%lld", portal_user_id(r->db, name)),
		  detail);
	free(detail);
	json_decref(d);
	return set_new_password(r, name, "password_set", o);
}

/* disable, enable or reset the named user. */
static int change_user(struct request *r, const char *name, const char *action, struct outcome *o)
{
	memset(o, 0, sizeof *o);
	const char *role = name ? role_of(r, name) : NULL;
	if (!role)
		return refuse(o, 404, "not_found", "没有这个用户。There is no such user.");
	if (!may_manage(r, role))
		return refuse(o, 403, "forbidden", "工作人员不能更改管理员。Staff may not change admin users.");
	if (strcmp(action, "reset") == 0)
		return set_new_password(r, name, "password_reset", o);
	int disable = strcmp(action, "disable") == 0;
	if (!disable && strcmp(action, "enable") != 0)
		return refuse(o, 400, "bad_action", "未知的操作。Unknown action.");
	if (disable && strcmp(name, r->user.name) == 0)
		return refuse(o, 409, "self", "不能停用自己的账户。You cannot disable your own account.");
	char err[256];
	if (portal_user_set_disabled(r->db, name, disable, r->user.id, err, sizeof err) < 0)
		return refuse(o, 500, "database", "无法更改用户。The user could not be changed.");
	return 0;
}

/* ---- the page ----------------------------------------------------------- */

static void options(struct request *r, const char *sql)
{
	struct buf *b = &r->out;
	sqlite3_stmt *st = portal_db_prepare(r->db, sql);
	while (sqlite3_step(st) == SQLITE_ROW) {
		html_raw(b, "<option value=\"");
		html_attr(b, (const char *)sqlite3_column_text(st, 0));
		html_raw(b, "\"></option>");
	}
	sqlite3_finalize(st);
}

/* <option value="ID">NAME</option> for each row (id, name) of sql. */
static void labelled_options(struct request *r, const char *sql)
{
	struct buf *b = &r->out;
	sqlite3_stmt *st = portal_db_prepare(r->db, sql);
	while (sqlite3_step(st) == SQLITE_ROW) {
		html_raw(b, "<option value=\"");
		html_attr(b, (const char *)sqlite3_column_text(st, 0));
		html_raw(b, "\">");
		html_txt(b, (const char *)sqlite3_column_text(st, 1));
		html_raw(b, "</option>");
	}
	sqlite3_finalize(st);
}

static void action_form(struct request *r, const char *name, const char *action, const char *label)
{
	struct buf *b = &r->out;
	html_raw(b, "<form method=\"post\" action=\"/admin/users\" class=\"inline\">");
	ui_csrf_field(r, b);
	html_raw(b, "<input type=\"hidden\" name=\"action\" value=\"");
	html_attr(b, action);
	html_raw(b, "\"><input type=\"hidden\" name=\"name\" value=\"");
	html_attr(b, name);
	html_raw(b, "\"><button type=\"submit\">");
	html_txt(b, label);
	html_raw(b, "</button></form>");
}

static void create_form(struct request *r)
{
	struct buf *b = &r->out;
	int admin = strcmp(r->user.role, "admin") == 0;
	html_raw(b, "<section class=\"user-create\"><h2>新建用户</h2>"
		    "<form method=\"post\" action=\"/admin/users\" class=\"stack\">");
	ui_csrf_field(r, b);
	html_raw(b, "<input type=\"hidden\" name=\"action\" value=\"create\">"
		    "<label>用户名 <input name=\"name\" required maxlength=\"100\"></label>"
		    "<label>角色 <select name=\"role\">"
		    "<option value=\"enterprise\">企业</option><option value=\"agency\">咨询机构</option>"
		    "<option value=\"expert\">专家</option><option value=\"district\">区发改委</option>"
		    "<option value=\"authority\">行业主管部门</option><option value=\"staff\">工作人员</option>");
	if (admin)
		html_raw(b, "<option value=\"admin\">管理员</option>");
	html_raw(b, "</select></label>"
		    "<label>企业（角色为企业时，按名称选择） <input name=\"enterprise\" list=\"enterprise-names\"></label>"
		    "<datalist id=\"enterprise-names\">");
	options(r, "SELECT name FROM enterprises ORDER BY name");
	html_raw(b, "</datalist><label>咨询机构（角色为咨询机构时，按名称选择） <input name=\"agency\" list=\"agency-names\"></label>"
		    "<datalist id=\"agency-names\">");
	options(r, "SELECT DISTINCT name FROM agencies ORDER BY name");
	html_raw(b, "</datalist><label>区（角色为区发改委时） <select name=\"district\"><option value=\"\">—</option>");
	labelled_options(r, "SELECT id, id FROM districts ORDER BY code");
	html_raw(b, "</select></label><label>行业大类（角色为行业主管部门时） <select name=\"sector\">"
		    "<option value=\"\">—</option>");
	labelled_options(r, "SELECT id, name FROM sectors ORDER BY rowid");
	html_raw(b, "</select></label><button type=\"submit\">创建并生成一次性密码</button></form></section>");
}

static void bulk_form(struct request *r)
{
	struct buf *b = &r->out;
	html_raw(b, "<section class=\"user-bulk\"><h2>按年度名单批量开通企业账户</h2>"
		    "<p>上传该年度的名单 CSV（与 load-year 相同的格式）。尚无账户的企业各开通一个企业账户，"
		    "一次性密码只显示这一次。</p>"
		    "<form method=\"post\" action=\"/admin/users/from-year\" enctype=\"multipart/form-data\" class=\"stack\">");
	ui_csrf_field(r, b);
	html_raw(b, "<label>名单 CSV <input type=\"file\" name=\"file\" accept=\".csv,text/csv\" required></label>"
		    "<fieldset><legend>结果</legend>"
		    "<label><input type=\"radio\" name=\"format\" value=\"page\" checked> 在页面上显示</label>"
		    "<label><input type=\"radio\" name=\"format\" value=\"csv\"> 下载 CSV（用户名、企业、密码）</label>"
		    "</fieldset><button type=\"submit\">开通账户</button></form></section>");
}

void ui_users(struct request *r)
{
	struct urow *u;
	size_t n = users_list(r, &u);
	struct buf *b = &r->out;
	ui_page_begin(r, "用户管理");
	html_raw(b, "<section class=\"users\"><h1>用户管理</h1>"
		    "<p>停用的用户不能登录，其会话和令牌随即失效；重置密码会生成一次性密码并结束该用户的全部会话和令牌。"
		    "所有更改记入<a href=\"/admin/audit-log\">审计日志</a>。</p>");
	if (strcmp(r->user.role, "admin") != 0)
		html_raw(b, "<p class=\"note\">工作人员不能创建或更改管理员账户。</p>");
	html_raw(b, "<div class=\"table-scroll\"><table class=\"list users\"><thead><tr><th>用户</th><th>角色</th>"
		    "<th>单位</th><th>状态</th><th>操作</th></tr></thead><tbody>");
	for (size_t i = 0; i < n; i++) {
		html_raw(b, "<tr>");
		html_cell(b, u[i].name);
		html_cell(b, account_role_label(u[i].role));
		html_cell(b, u[i].org ? u[i].org : "—");
		html_cell(b, u[i].disabled ? "已停用" : "正常");
		html_raw(b, "<td>");
		if (may_manage(r, u[i].role)) {
			if (u[i].disabled)
				action_form(r, u[i].name, "enable", "启用");
			else if (strcmp(u[i].name, r->user.name) != 0)
				action_form(r, u[i].name, "disable", "停用");
			action_form(r, u[i].name, "reset", "重置密码");
		}
		html_raw(b, "</td></tr>");
	}
	html_raw(b, "</tbody></table></div></section>");
	create_form(r);
	bulk_form(r);
	ui_page_end(r);
}

/* The one-time password, shown once, never cached. */
static void password_page(struct request *r, const char *title, const char *name, const char *password)
{
	struct buf *b = &r->out;
	resp_header(r, "Cache-Control", "no-store");
	ui_page_begin(r, title);
	html_raw(b, "<section class=\"one-time\"><h1>");
	html_txt(b, title);
	html_raw(b, "</h1><table class=\"meta\"><tr><th>用户名</th><td>");
	html_txt(b, name);
	html_raw(b, "</td></tr><tr><th>一次性密码</th><td><code class=\"password\">");
	html_txt(b, password);
	html_raw(b, "</code></td></tr></table><p class=\"note\">密码只显示这一次，门户只保存其散列值。"
		    "请当面或以安全方式交给本人。</p><p><a href=\"/admin/users\">返回用户管理</a></p></section>");
	ui_page_end(r);
}

void ui_users_post(struct request *r)
{
	if (req_form_read(r, FORM_MAX) < 0)
		return;
	const char *action = req_form(r, "action"), *name = req_form(r, "name");
	struct outcome o;
	int rc;
	if (action && strcmp(action, "create") == 0)
		rc = create_user(r, name, req_form(r, "role"), req_form(r, "enterprise"), req_form(r, "agency"),
				 strcmp(req_form(r, "role") ? req_form(r, "role") : "", "authority") == 0
					 ? req_form(r, "sector") : req_form(r, "district"), &o);
	else
		rc = change_user(r, name, action ? action : "", &o);
	if (rc < 0) {
		portal_error(r, o.status, o.code, o.message);
		return;
	}
	if (o.password) {
		password_page(r, strcmp(action, "create") == 0 ? "已创建用户" : "已重置密码", name, o.password);
		return;
	}
	r->status = 303;
	resp_header(r, "Location", "/admin/users");
}

/* ---- bulk accounts ------------------------------------------------------ */

static void csv_field(struct buf *b, const char *s, int last)
{
	if (strpbrk(s, ",\"\r\n")) {
		buf_putc(b, '"');
		for (; *s; s++) {
			if (*s == '"')
				buf_putc(b, '"');
			buf_putc(b, *s);
		}
		buf_putc(b, '"');
	} else
		buf_puts(b, s);
	buf_putc(b, last ? '\n' : ',');
}

static void bulk_csv(struct request *r, const struct accounts_result *res)
{
	resp_header(r, "Cache-Control", "no-store");
	resp_header(r, "Content-Disposition", "attachment; filename=\"accounts.csv\"");
	r->content_type_out = "text/csv; charset=utf-8";
	buf_puts(&r->out, "\xef\xbb\xbf" "name,enterprise,password\n");
	for (size_t i = 0; i < res->ncreated; i++) {
		csv_field(&r->out, res->created[i].name, 0);
		csv_field(&r->out, res->created[i].enterprise, 0);
		csv_field(&r->out, res->created[i].password, 1);
	}
}

static void bulk_page(struct request *r, const struct accounts_result *res)
{
	struct buf *b = &r->out;
	resp_header(r, "Cache-Control", "no-store");
	ui_page_begin(r, "批量开通企业账户");
	html_raw(b, "<section class=\"one-time\"><h1>批量开通企业账户</h1><p>");
	html_txtf(b, "新开通 %zu 个账户；%zu 家企业已有账户；%zu 个统一社会信用代码尚未登记（请先导入年度名单）。",
		  res->ncreated, res->existing, res->unknown);
	html_raw(b, "</p><p class=\"note\">密码只显示这一次，门户只保存其散列值。</p>");
	if (res->ncreated) {
		html_raw(b, "<div class=\"table-scroll\"><table class=\"list\"><thead><tr><th>用户名</th><th>企业</th>"
			    "<th>一次性密码</th></tr></thead><tbody>");
		for (size_t i = 0; i < res->ncreated; i++) {
			html_raw(b, "<tr>");
			html_cell(b, res->created[i].name);
			html_cell(b, res->created[i].enterprise);
			html_raw(b, "<td><code class=\"password\">");
			html_txt(b, res->created[i].password);
			html_raw(b, "</code></td></tr>");
		}
		html_raw(b, "</tbody></table></div>");
	}
	html_raw(b, "<p><a href=\"/admin/users\">返回用户管理</a></p></section>");
	ui_page_end(r);
}

static json_t *bulk_json(const struct accounts_result *res)
{
	json_t *a = json_array();
	for (size_t i = 0; i < res->ncreated; i++)
		json_array_append_new(a, json_pack("{s:s,s:s,s:s,s:s}", "name", res->created[i].name,
			"enterprise", res->created[i].enterprise, "credit_code", res->created[i].credit_code,
			"password", res->created[i].password));
	return json_pack("{s:o,s:i,s:i}", "created", a, "existing", (json_int_t)res->existing,
			 "unknown", (json_int_t)res->unknown);
}

/* Run the bulk creation over csv; answers the error itself. */
static int bulk(struct request *r, const char *csv, size_t len, struct accounts_result *res)
{
	char err[512];
	int rc = accounts_from_year(r->db, r->arena, csv, len, r->user.id, res, err, sizeof err);
	if (rc == -1)
		portal_error(r, 400, "bad_csv", err);
	else if (rc < 0)
		portal_error(r, 500, "database", "无法开通账户，一个也没有开通。No account was made (database failure).");
	return rc < 0 ? -1 : 0;
}

/* Read the whole body (at most CSV_MAX bytes) into the arena. */
static char *read_body(struct request *r, size_t *len)
{
	struct buf b = BUF_INIT;
	char chunk[8192];
	size_t n;
	*len = 0;
	while ((n = req_read(r, chunk, sizeof chunk)) > 0) {
		if (b.len + n > CSV_MAX) {
			buf_free(&b);
			portal_error(r, 413, "too_large", "文件过大（上限 2 MB）。The file is larger than 2 MB.");
			return NULL;
		}
		buf_append(&b, chunk, n);
	}
	char *s = arena_alloc(r->arena, b.len + 1);
	memcpy(s, b.data ? b.data : "", b.len);
	s[b.len] = '\0';
	*len = b.len;
	buf_free(&b);
	return s;
}

/* multipart: the part "file" (the CSV) and "format". */
struct parts {
	const char *current;
	struct buf file, format;
};

static int on_begin(void *ctx, const char *name, const char *filename, const char *type)
{
	(void)filename;
	(void)type;
	struct parts *p = ctx;
	p->current = strcmp(name, "file") == 0 ? "file" : strcmp(name, "format") == 0 ? "format" : NULL;
	return 0;
}

static int on_data(void *ctx, const char *data, size_t len)
{
	struct parts *p = ctx;
	struct buf *b = !p->current ? NULL : strcmp(p->current, "file") == 0 ? &p->file : &p->format;
	if (!b)
		return 0;
	if (b->len + len > CSV_MAX)
		return -1;
	buf_append(b, data, len);
	return 0;
}



void ui_users_from_year(struct request *r)
{
	char boundary[128];
	if (!r->content_type || multipart_boundary(r->content_type, boundary, sizeof boundary) < 0) {
		portal_error(r, 415, "bad_type", "请用表单上传文件。Send the file from the form (multipart/form-data).");
		return;
	}
	static const struct multipart_callbacks cb = { on_begin, on_data, NULL };
	struct parts p = { NULL, BUF_INIT, BUF_INIT };
	struct multipart_parser *mp = multipart_new(boundary, &cb, &p);
	char chunk[8192];
	size_t n;
	int rc = 0;
	while (rc == 0 && (n = req_read(r, chunk, sizeof chunk)) > 0)
		rc = multipart_feed(mp, chunk, n);
	if (rc == 0)
		rc = multipart_finish(mp);
	multipart_free(mp);
	if (rc < 0 || r->csrf != CSRF_VERIFIED) {
		buf_free(&p.file);
		buf_free(&p.format);
		if (rc < 0)
			portal_error(r, 400, "bad_form", "上传的表单无法读取（文件不超过 2 MB）。The form could not be read.");
		else
			portal_error(r, 403, "csrf", "表单已过期，请刷新页面后重试。The form has expired: reload the page.");
		return;
	}
	int as_csv = p.format.len == 3 && memcmp(p.format.data, "csv", 3) == 0;
	struct accounts_result res;
	rc = bulk(r, p.file.data ? p.file.data : "", p.file.len, &res);
	buf_free(&p.file);
	buf_free(&p.format);
	if (rc < 0)
		return;
	if (as_csv)
		bulk_csv(r, &res);
	else
		bulk_page(r, &res);
}

/* ---- JSON API ----------------------------------------------------------- */

void api_users(struct request *r)
{
	struct urow *u;
	size_t n = users_list(r, &u);
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_pack("{s:s,s:s,s:s,s:s?,s:s}", "name", u[i].name, "role", u[i].role,
			"role_label", account_role_label(u[i].role), "organisation", u[i].org,
			"status", u[i].disabled ? "disabled" : "active"));
	resp_json(r, 200, json_pack("{s:o}", "users", a));
}

static void answer(struct request *r, int rc, const struct outcome *o, int status, const char *name)
{
	if (rc < 0) {
		portal_error(r, o->status, o->code, o->message);
		return;
	}
	resp_header(r, "Cache-Control", "no-store");
	json_t *j = json_pack("{s:s}", "name", name);
	if (o->password)
		json_object_set_new(j, "password", json_string(o->password));
	resp_json(r, status, j);
}

void api_users_create(struct request *r)
{
	json_t *in = req_json_read(r, FORM_MAX);
	if (!in)
		return;
	const char *name = json_string_value(json_object_get(in, "name"));
	struct outcome o;
	int rc = create_user(r, name, json_string_value(json_object_get(in, "role")),
			     json_string_value(json_object_get(in, "enterprise")),
			     json_string_value(json_object_get(in, "agency")),
			     json_string_value(json_object_get(in, json_object_get(in, "sector") ? "sector" : "district")),
			     &o);
	answer(r, rc, &o, 201, name ? arena_strdup(r->arena, name) : "");
	json_decref(in);
}

static void api_change(struct request *r, const char *action)
{
	struct outcome o;
	int rc = change_user(r, r->arg, action, &o);
	answer(r, rc, &o, 200, r->arg);
}

void api_users_disable(struct request *r) { api_change(r, "disable"); }
void api_users_enable(struct request *r) { api_change(r, "enable"); }
void api_users_reset(struct request *r) { api_change(r, "reset"); }

void api_users_from_year(struct request *r)
{
	size_t len;
	char *csv = read_body(r, &len);
	if (!csv)
		return;
	struct accounts_result res;
	if (bulk(r, csv, len, &res) < 0)
		return;
	resp_header(r, "Cache-Control", "no-store");
	resp_json(r, 200, bulk_json(&res));
}
