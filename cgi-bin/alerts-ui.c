/* alerts-ui.c: saved searches, their new matches, and a feed per user.
 *
 * A signed-in user saves a search (a name and the query string the search
 * page takes: q, type, sector, year, industry, grade, case) on
 * /account/alerts, which the search page can link to with the current
 * search's parameters (?q=...&type=...) to fill the form. Looking at
 * /account/alerts shows each search's latest matches, those indexed since
 * the last look marked 新, and then counts as a look. The Atom feed
 * /feeds/TOKEN.atom carries the latest matches of all of a user's saved
 * searches; the token is per user, shown once when made (only its SHA-256
 * is stored) and a new one replaces the old. Every search runs through
 * portal_search() as the feed's owner, so the same access filter as the
 * search API decides what appears: never a document that user may not
 * read. XML text goes through the same escaper as HTML (&, <, >, ", '). */
#include "account-ui.h"
#include "arena.h"
#include "audit.h"
#include "auth.h"
#include "db.h"
#include "records.h"
#include "labels.h"
#include "docs.h"
#include "html.h"
#include "http-request.h"
#include "http-response.h"
#include "search.h"
#include "ui-shared.h"
#include "url.h"

#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define FORM_MAX 8192
#define NAME_MAX_LEN 100
#define QUERY_MAX_LEN 2000
#define SAVED_MAX 50		/* saved searches per user */
#define HITS_SHOWN 10		/* per search on the page */
#define FEED_HITS 50

/* The search parameters a saved query may hold. */
static const char *const keys[] = { "q", "type", "sector", "year", "industry", "grade", "case", NULL };
const char *const ui_alerts_params[] = { "q", "type", "sector", "year", "industry", "grade", "case", NULL };

static int allowed_key(const char *k)
{
	for (const char *const *p = keys; *p; p++)
		if (strcmp(*p, k) == 0)
			return 1;
	return 0;
}

/* ---- running a saved search ------------------------------------------- */

/* Run query (a query string) as r->user, newest first, per_page hits into
 * res. With res NULL only check that it is a valid saved query. Answers
 * 400 (as search_params_read does) or 503 and returns -1 on failure. */
static int run_query(struct request *r, const char *query, long per_page, struct search_result *res)
{
	struct url_param *params;
	int n = url_parse_query(r->arena, query, &params);
	if (n < 0) {
		portal_error(r, 400, "bad_query", "搜索条件无法读取。The query string is malformed.");
		return -1;
	}
	for (int i = 0; i < n; i++)
		if (!allowed_key(params[i].name)) {
			portal_error(r, 400, "bad_query", "搜索条件只能包含 q、type、sector、year、industry、grade、case。"
				     " A saved query may hold only q, type, sector, year, industry, grade and case.");
			return -1;
		}
	struct url_param *saved = r->params;
	int nsaved = r->nparams;
	r->params = params;
	r->nparams = n;
	struct search_params p;
	int rc = search_params_read(r, &p);
	r->params = saved;
	r->nparams = nsaved;
	if (rc < 0)
		return -1;
	p.page = 1;
	p.per_page = per_page;
	p.sort_by_date = 1;
	if (!res)
		return 0;
	return portal_search(r, &p, res);
}

static long long indexed_at(struct request *r, const char *id)
{
	sqlite3_stmt *st = portal_db_prepare(r->db, "SELECT coalesce(indexed_at, uploaded_at) FROM documents WHERE id = ?");
	sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
	long long t = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_finalize(st);
	return t;
}

struct saved {
	long long id, created_at, seen_at;
	const char *name, *query;
};

static size_t saved_list(struct request *r, long long uid, struct saved **out)
{
	sqlite3_stmt *st = portal_db_prepare(r->db,
		"SELECT id, name, query, created_at, seen_at FROM saved_searches WHERE user_id = ? ORDER BY id");
	sqlite3_bind_int64(st, 1, uid);
	size_t n = 0, cap = 0;
	struct saved *s = NULL;
	while (sqlite3_step(st) == SQLITE_ROW) {
		s = arena_grow(r->arena, s, n, &cap, sizeof *s);
		s[n].id = sqlite3_column_int64(st, 0);
		s[n].name = arena_strdup(r->arena, (const char *)sqlite3_column_text(st, 1));
		s[n].query = arena_strdup(r->arena, (const char *)sqlite3_column_text(st, 2));
		s[n].created_at = sqlite3_column_int64(st, 3);
		s[n].seen_at = sqlite3_column_int64(st, 4);
		n++;
	}
	sqlite3_finalize(st);
	*out = s;
	return n;
}

/* Save a search for r->user: its id, or -1 after answering the error. */
static long long save(struct request *r, const char *name, const char *query)
{
	if (!name || !*name || strlen(name) > NAME_MAX_LEN) {
		portal_error(r, 400, "bad_name", "名称应为 1 到 100 个字符。A name has 1 to 100 characters.");
		return -1;
	}
	if (!query || strlen(query) > QUERY_MAX_LEN) {
		portal_error(r, 400, "bad_query", "缺少搜索条件。The query string is missing or too long.");
		return -1;
	}
	if (*query == '?')
		query++;
	if (run_query(r, query, 1, NULL) < 0)
		return -1;
	struct saved *s;
	size_t n = saved_list(r, r->user.id, &s);
	for (size_t i = 0; i < n; i++)
		if (strcmp(s[i].query, query) == 0) {
			portal_error(r, 409, "exists", "已保存过同样的搜索。That search is saved already.");
			return -1;
		}
	if (n >= SAVED_MAX) {
		portal_error(r, 409, "too_many", "最多保存 50 个搜索。At most 50 saved searches.");
		return -1;
	}
	sqlite3_stmt *st = portal_db_prepare(r->db,
		"INSERT INTO saved_searches (user_id, name, query, created_at, seen_at) VALUES (?, ?, ?, ?, ?)");
	sqlite3_bind_int64(st, 1, r->user.id);
	portal_db_bind_text(st, 2, name);
	portal_db_bind_text(st, 3, query);
	sqlite3_bind_int64(st, 4, portal_now());
	sqlite3_bind_int64(st, 5, portal_now());
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		portal_error(r, 500, "database", "无法保存。The search could not be saved.");
		return -1;
	}
	long long id = sqlite3_last_insert_rowid(r->db);
	audit_log(r->db, r->user.id, "saved_search_create", arena_printf(r->arena, "user:%lld", r->user.id),
		  arena_printf(r->arena, "{\"saved_search\": %lld}", id));
	return id;
}

/* Delete one of r->user's saved searches: 1, 0 when it is not theirs. */
static int forget(struct request *r, const char *id)
{
	sqlite3_stmt *st = portal_db_prepare(r->db, "DELETE FROM saved_searches WHERE id = ? AND user_id = ?");
	sqlite3_bind_int64(st, 1, id ? atoll(id) : 0);
	sqlite3_bind_int64(st, 2, r->user.id);
	int n = sqlite3_step(st) == SQLITE_DONE ? sqlite3_changes(r->db) : 0;
	sqlite3_finalize(st);
	if (n)
		audit_log(r->db, r->user.id, "saved_search_delete", arena_printf(r->arena, "user:%lld", r->user.id),
			  arena_printf(r->arena, "{\"saved_search\": %lld}", atoll(id)));
	return n;
}

/* A new feed token for r->user (the old one stops working), in the arena. */
static const char *feed_token_new(struct request *r)
{
	unsigned char raw[32], d[crypto_hash_sha256_BYTES];
	char token[64], hex[65];
	randombytes_buf(raw, sizeof raw);
	sodium_bin2base64(token, sizeof token, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	crypto_hash_sha256(d, (const unsigned char *)token, strlen(token));
	sodium_bin2hex(hex, sizeof hex, d, sizeof d);
	sqlite3_stmt *st = portal_db_prepare(r->db,
		"INSERT INTO feed_tokens (user_id, hash, created_at) VALUES (?1, ?2, ?3)"
		" ON CONFLICT (user_id) DO UPDATE SET hash = ?2, created_at = ?3");
	sqlite3_bind_int64(st, 1, r->user.id);
	sqlite3_bind_text(st, 2, hex, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 3, portal_now());
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return NULL;
	audit_log(r->db, r->user.id, "feed_token", arena_printf(r->arena, "user:%lld", r->user.id), NULL);
	return arena_printf(r->arena, "/feeds/%s.atom", token);
}

/* The feed's full address, as a reader needs it: this site's scheme, host
 * and port (nginx passes the Host header's name without its port as
 * HTTP_HOST, and SERVER_PORT) before the path; the path alone when they
 * hold anything but host-name characters. In the arena. */
static const char *feed_url(struct request *r, const char *path)
{
	static const char name_chars[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:[]";
	const char *host = r->fcgi ? FCGX_GetParam("HTTP_HOST", r->fcgi->envp) : NULL;
	const char *port = r->fcgi ? FCGX_GetParam("SERVER_PORT", r->fcgi->envp) : NULL;
	if (!host || !*host || strlen(host) > 255 || strspn(host, name_chars) != strlen(host))
		return path;
	const char *scheme = r->https ? "https" : "http";
	int default_port = !port || !*port || strlen(port) > 5 || strspn(port, "0123456789") != strlen(port) ||
			   strcmp(port, r->https ? "443" : "80") == 0;
	if (default_port || strchr(host, ':'))	/* an address that names its port already */
		return arena_printf(r->arena, "%s://%s%s", scheme, host, path);
	return arena_printf(r->arena, "%s://%s:%s%s", scheme, host, port, path);
}

/* ---- the page ----------------------------------------------------------- */

/* The query string of this request's search parameters. */
static const char *current_query(struct request *r)
{
	struct buf b = BUF_INIT;
	for (const char *const *k = keys; *k; k++) {
		const char *v = req_param(r, *k);
		if (v && *v)
			buf_printf(&b, "%s%s=%s", b.len ? "&" : "", *k, url_encode(r->arena, v));
	}
	const char *s = arena_strndup(r->arena, b.data ? b.data : "", b.len);
	buf_free(&b);
	return s;
}

/* A filter's value as people read it: a document type, sector or case by
 * its name, the rest as given. */
static const char *filter_value(struct request *r, const char *name, const char *value)
{
	if (strcmp(name, "type") == 0)
		return docs_type_label(value);
	if (strcmp(name, "sector") == 0)
		return label_of(L_SECTOR, value);
	if (strcmp(name, "case") == 0)
		return rec_case_title(r->db, r->arena, &r->user, value);
	return value;
}

/* The query as people read it: the words, then the filters. */
static const char *query_label(struct request *r, const char *query)
{
	struct url_param *p;
	int n = url_parse_query(r->arena, query, &p);
	struct buf b = BUF_INIT;
	for (int i = 0; i < n; i++) {
		if (!*p[i].value)
			continue;
		if (strcmp(p[i].name, "q") == 0)
			buf_printf(&b, "%s“%s”", b.len ? " " : "", p[i].value);
		else
			buf_printf(&b, "%s%s：%s", b.len ? " · " : "", strcmp(p[i].name, "type") == 0 ? "类型"
				   : strcmp(p[i].name, "sector") == 0 ? "领域" : strcmp(p[i].name, "year") == 0 ? "年度"
				   : strcmp(p[i].name, "industry") == 0 ? "行业" : strcmp(p[i].name, "grade") == 0 ? "等级"
				   : "案卷", filter_value(r, p[i].name, p[i].value));
	}
	const char *s = b.len ? arena_strndup(r->arena, b.data, b.len) : "（全部文档）";
	buf_free(&b);
	return s;
}

static void small_form(struct request *r, const char *action, const char *id, const char *label)
{
	struct buf *b = &r->out;
	html_raw(b, "<form method=\"post\" action=\"/account/alerts\" class=\"inline\">");
	ui_csrf_field(r, b);
	html_raw(b, "<input type=\"hidden\" name=\"action\" value=\"");
	html_attr(b, action);
	html_raw(b, "\">");
	if (id) {
		html_raw(b, "<input type=\"hidden\" name=\"id\" value=\"");
		html_attr(b, id);
		html_raw(b, "\">");
	}
	html_raw(b, "<button type=\"submit\">");
	html_txt(b, label);
	html_raw(b, "</button></form>");
}

static void save_form(struct request *r)
{
	struct buf *b = &r->out;
	const char *query = current_query(r), *q = req_param(r, "q");
	html_raw(b, "<section class=\"alert-save\"><h2>保存搜索</h2>"
		    "<form method=\"post\" action=\"/account/alerts\" class=\"stack\">");
	ui_csrf_field(r, b);
	html_raw(b, "<input type=\"hidden\" name=\"action\" value=\"save\">"
		    "<label>名称 <input name=\"name\" required maxlength=\"100\" value=\"");
	html_attr(b, q && *q ? q : "");
	html_raw(b, "\" placeholder=\"如：医疗机构的新标准\"></label>"
		    "<label>搜索词 <input name=\"q\" value=\"");
	html_attr(b, q ? q : "");
	html_raw(b, "\"></label>");
	/* the other filters of the search that linked here ride along */
	for (const char *const *k = keys + 1; *k; k++) {
		const char *v = req_param(r, *k);
		if (v && *v) {
			html_raw(b, "<input type=\"hidden\" name=\"");
			html_attr(b, *k);
			html_raw(b, "\" value=\"");
			html_attr(b, v);
			html_raw(b, "\">");
		}
	}
	if (*query && strcmp(query, "q=") != 0) {
		html_raw(b, "<p class=\"note\">条件：");
		html_txt(b, query_label(r, query));
		html_raw(b, "</p>");
	}
	html_raw(b, "<button type=\"submit\">保存此搜索</button></form></section>");
}

static void hit_list(struct request *r, const struct search_result *res, long long seen_at, size_t *fresh)
{
	struct buf *b = &r->out;
	*fresh = 0;
	if (!res->nhits) {
		html_raw(b, "<p class=\"note\">暂无匹配的文档。</p>");
		return;
	}
	html_raw(b, "<ul class=\"alert-hits\">");
	for (size_t i = 0; i < res->nhits; i++) {
		const struct search_hit *h = &res->hits[i];
		int is_new = indexed_at(r, h->id) > seen_at;
		*fresh += is_new;
		if (i >= HITS_SHOWN)
			continue;
		html_raw(b, "<li>");
		if (is_new)
			html_raw(b, "<span class=\"badge new\">新</span> ");
		html_raw(b, "<a href=\"/documents/");
		html_attr(b, h->id);
		html_raw(b, "\">");
		html_txt(b, h->title && *h->title ? h->title : h->filename);
		html_raw(b, "</a></li>");
	}
	html_raw(b, "</ul>");
}

void ui_alerts(struct request *r)
{
	struct saved *s;
	size_t n = saved_list(r, r->user.id, &s);
	struct buf *b = &r->out;
	resp_private(r);
	ui_page_begin(r, "我的提醒");
	html_raw(b, "<section class=\"alerts\"><h1>我的提醒</h1>"
		    "<p>保存的搜索在这里列出最新匹配的文档；自上次查看以来新收录的标有“新”。</p>");
	if (!n)
		html_raw(b, "<p class=\"note\">还没有保存的搜索。在下方保存一个，或从搜索页带上搜索条件来到这里。</p>");
	for (size_t i = 0; i < n; i++) {
		struct search_result res;
		html_raw(b, "<article class=\"alert\"><h2>");
		html_txt(b, s[i].name);
		html_raw(b, "</h2><p class=\"note\">");
		html_txt(b, query_label(r, s[i].query));
		html_raw(b, " · <a href=\"/search?");
		html_attr(b, s[i].query);
		html_raw(b, "\">在搜索页打开</a></p>");
		/* a search saved valid fails only when the index cannot be
		 * searched: portal_error() has replaced the page with the error */
		if (run_query(r, s[i].query, FEED_HITS, &res) < 0)
			return;
		size_t fresh;
		size_t mark = b->len;
		hit_list(r, &res, s[i].seen_at, &fresh);
		if (fresh) {
			/* the count goes above the list: write it, then the list */
			char *list = arena_strndup(r->arena, b->data + mark, b->len - mark);
			b->len = mark;
			html_raw(b, "<p class=\"fresh\">");
			html_txtf(b, "%zu 份新文档", fresh);
			html_raw(b, "</p>");
			buf_puts(b, list);
		}
		small_form(r, "delete", arena_printf(r->arena, "%lld", s[i].id), "删除");
		html_raw(b, "</article>");
	}
	html_raw(b, "</section>");
	save_form(r);
	html_raw(b, "<section class=\"feed\"><h2>订阅（Atom）</h2>"
		    "<p>用阅读器订阅保存的搜索的新文档。订阅地址只显示一次；生成新地址后旧地址即失效。</p>");
	small_form(r, "feed", NULL, "生成订阅地址");
	html_raw(b, "</section>");
	ui_page_end(r);
	/* this was a look */
	sqlite3_stmt *st = portal_db_prepare(r->db, "UPDATE saved_searches SET seen_at = ? WHERE user_id = ?");
	sqlite3_bind_int64(st, 1, portal_now());
	sqlite3_bind_int64(st, 2, r->user.id);
	sqlite3_step(st);
	sqlite3_finalize(st);
}

void ui_alerts_post(struct request *r)
{
	if (req_form_read(r, FORM_MAX) < 0)
		return;
	const char *action = req_form(r, "action");
	if (action && strcmp(action, "save") == 0) {
		struct buf b = BUF_INIT;
		for (const char *const *k = keys; *k; k++) {
			const char *v = req_form(r, *k);
			if (v && *v)
				buf_printf(&b, "%s%s=%s", b.len ? "&" : "", *k, url_encode(r->arena, v));
		}
		const char *query = arena_strndup(r->arena, b.data ? b.data : "", b.len);
		buf_free(&b);
		if (save(r, req_form(r, "name"), query) < 0)
			return;
	} else if (action && strcmp(action, "delete") == 0) {
		if (!forget(r, req_form(r, "id"))) {
			portal_error(r, 404, "not_found", "没有这个保存的搜索。There is no such saved search.");
			return;
		}
	} else if (action && strcmp(action, "feed") == 0) {
		const char *feed = feed_token_new(r);
		if (!feed) {
			portal_error(r, 500, "database", "无法生成订阅地址。The feed address could not be made.");
			return;
		}
		struct buf *b = &r->out;
		resp_header(r, "Cache-Control", "no-store");
		ui_page_begin(r, "订阅地址");
		html_raw(b, "<section class=\"one-time\"><h1>订阅地址</h1><p>把这个地址加入阅读器（只显示这一次）：</p>"
			    "<p><a class=\"feed-url\" href=\"");
		html_attr(b, feed);
		html_raw(b, "\"><code>");
		html_txt(b, feed_url(r, feed));
		html_raw(b, "</code></a></p><p><a href=\"/account/alerts\">返回我的提醒</a></p></section>");
		ui_page_end(r);
		return;
	} else {
		portal_error(r, 400, "bad_action", "未知的操作。Unknown action.");
		return;
	}
	r->status = 303;
	resp_header(r, "Location", "/account/alerts");
}

/* ---- JSON API ----------------------------------------------------------- */

static const char *iso(struct request *r, long long t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	char s[32];
	gmtime_r(&tt, &tm);
	strftime(s, sizeof s, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return arena_strdup(r->arena, s);
}

void api_saved_searches(struct request *r)
{
	struct saved *s;
	size_t n = saved_list(r, r->user.id, &s);
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++) {
		struct search_result res;
		if (run_query(r, s[i].query, FEED_HITS, &res) < 0) {
			json_decref(a);
			return;
		}
		json_t *hits = json_array();
		size_t fresh = 0;
		for (size_t k = 0; k < res.nhits; k++) {
			int is_new = indexed_at(r, res.hits[k].id) > s[i].seen_at;
			fresh += is_new;
			json_array_append_new(hits, json_pack("{s:s,s:s?,s:b}", "id", res.hits[k].id,
				"title", res.hits[k].title, "new", is_new));
		}
		json_array_append_new(a, json_pack("{s:I,s:s,s:s,s:s,s:s,s:i,s:o}", "id", (json_int_t)s[i].id,
			"name", s[i].name, "query", s[i].query, "created_at", iso(r, s[i].created_at),
			"seen_at", iso(r, s[i].seen_at), "new", (int)fresh, "hits", hits));
	}
	resp_json(r, 200, json_pack("{s:o}", "saved_searches", a));
}

long ui_alerts_fresh(struct request *r)
{
	struct saved *s;
	size_t n = saved_list(r, r->user.id, &s);
	if (!n)
		return -1;
	/* run_query answers its failures as a page: keep what r holds so far
	 * and put it back, so that the caller's page goes on without a count */
	int status = r->status;
	const char *ct = r->content_type_out;
	struct buf keep_out = BUF_INIT, keep_headers = BUF_INIT;
	buf_append(&keep_out, r->out.data ? r->out.data : "", r->out.len);
	buf_append(&keep_headers, r->headers.data ? r->headers.data : "", r->headers.len);
	long fresh = 0;
	for (size_t i = 0; i < n && fresh >= 0; i++) {
		struct search_result res;
		if (run_query(r, s[i].query, FEED_HITS, &res) < 0) {
			fresh = -1;
			break;
		}
		for (size_t k = 0; k < res.nhits; k++)
			fresh += indexed_at(r, res.hits[k].id) > s[i].seen_at;
	}
	if (fresh < 0) {
		buf_reset(&r->out);
		buf_append(&r->out, keep_out.data, keep_out.len);
		buf_reset(&r->headers);
		buf_append(&r->headers, keep_headers.data, keep_headers.len);
		r->status = status;
		r->content_type_out = ct;
	}
	buf_free(&keep_out);
	buf_free(&keep_headers);
	return fresh;
}

void api_saved_search_create(struct request *r)
{
	json_t *in = req_json_read(r, FORM_MAX);
	if (!in)
		return;
	const char *name = json_string_value(json_object_get(in, "name"));
	const char *query = json_string_value(json_object_get(in, "query"));
	long long id = save(r, name, query);
	if (id > 0)
		resp_json(r, 201, json_pack("{s:I,s:s,s:s}", "id", (json_int_t)id, "name", name,
					    "query", *query == '?' ? query + 1 : query));
	json_decref(in);
}

void api_saved_search_delete(struct request *r)
{
	if (strspn(r->arg, "0123456789") != strlen(r->arg) || !forget(r, r->arg)) {
		portal_error(r, 404, "not_found", "没有这个保存的搜索。There is no such saved search.");
		return;
	}
	resp_json(r, 200, json_pack("{s:s}", "deleted", r->arg));
}

void api_feed_token(struct request *r)
{
	const char *feed = feed_token_new(r);
	if (!feed) {
		portal_error(r, 500, "database", "无法生成订阅地址。The feed address could not be made.");
		return;
	}
	resp_header(r, "Cache-Control", "no-store");
	resp_json(r, 201, json_pack("{s:s,s:s}", "feed", feed, "url", feed_url(r, feed)));
}

/* ---- the feed ------------------------------------------------------------ */

/* The feed's owner from "TOKEN.atom" into r->user: 0, -1 when no enabled
 * user has that token. */
static int feed_owner(struct request *r)
{
	size_t len = strlen(r->arg);
	if (len < 6 || len > 100 || strcmp(r->arg + len - 5, ".atom") != 0)
		return -1;
	char *token = arena_strndup(r->arena, r->arg, len - 5);
	unsigned char d[crypto_hash_sha256_BYTES];
	char hex[65];
	crypto_hash_sha256(d, (const unsigned char *)token, strlen(token));
	sodium_bin2hex(hex, sizeof hex, d, sizeof d);
	sqlite3_stmt *st = portal_db_prepare(r->db,
		"SELECT u.id, u.name, u.role, u.enterprise_id, u.agency_id" PORTAL_USER_AREA_COLS
		" FROM feed_tokens f JOIN users u ON u.id = f.user_id"
		" WHERE f.hash = ? AND u.disabled_at IS NULL");
	sqlite3_bind_text(st, 1, hex, -1, SQLITE_TRANSIENT);
	int rc = -1;
	if (sqlite3_step(st) == SQLITE_ROW) {
		const unsigned char *e = sqlite3_column_text(st, 3), *ag = sqlite3_column_text(st, 4);
		r->user.id = sqlite3_column_int64(st, 0);
		r->user.name = arena_strdup(r->arena, (const char *)sqlite3_column_text(st, 1));
		r->user.role = arena_strdup(r->arena, (const char *)sqlite3_column_text(st, 2));
		r->user.enterprise_id = e ? arena_strdup(r->arena, (const char *)e) : NULL;
		r->user.agency_id = ag ? arena_strdup(r->arena, (const char *)ag) : NULL;
		r->user.district = arena_strdup(r->arena, (const char *)sqlite3_column_text(st, 5));
		r->user.sector = arena_strdup(r->arena, (const char *)sqlite3_column_text(st, 6));
		rc = 0;
	}
	sqlite3_finalize(st);
	return rc;
}

struct entry {
	const char *id, *title, *snippet, *search;
	long long at;
};

static int by_time_desc(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;
	return x->at < y->at ? 1 : x->at > y->at ? -1 : strcmp(x->id, y->id);
}

void ui_feed(struct request *r)
{
	if (feed_owner(r) < 0) {
		portal_error(r, 404, "not_found", "没有这个订阅。There is no such feed.");
		return;
	}
	struct saved *s;
	size_t n = saved_list(r, r->user.id, &s), ne = 0, cap = 0;
	struct entry *e = NULL;
	for (size_t i = 0; i < n; i++) {
		struct search_result res;
		if (run_query(r, s[i].query, FEED_HITS, &res) < 0)
			return;
		for (size_t k = 0; k < res.nhits; k++) {
			const struct search_hit *h = &res.hits[k];
			size_t j = 0;
			while (j < ne && strcmp(e[j].id, h->id) != 0)
				j++;
			if (j < ne)
				continue;
			e = arena_grow(r->arena, e, ne, &cap, sizeof *e);
			e[ne].id = h->id;
			e[ne].title = h->title && *h->title ? h->title : h->filename;
			e[ne].snippet = h->snippet;
			e[ne].search = s[i].name;
			e[ne].at = indexed_at(r, h->id);
			ne++;
		}
	}
	if (ne)
		qsort(e, ne, sizeof *e, by_time_desc);
	if (ne > FEED_HITS)
		ne = FEED_HITS;
	struct buf *b = &r->out;
	resp_private(r);
	r->content_type_out = "application/atom+xml; charset=utf-8";
	html_raw(b, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">"
		    "<title>");
	html_txt(b, arena_printf(r->arena, "清洁生产文档门户 · %s 的提醒", r->user.name));
	html_raw(b, "</title><id>urn:qingjie-portal:feed:");
	html_txtf(b, "%lld", r->user.id);
	html_raw(b, "</id><updated>");
	html_txt(b, iso(r, ne ? e[0].at : portal_now()));
	html_raw(b, "</updated><link rel=\"alternate\" href=\"/account/alerts\"/><author><name>清洁生产文档门户</name></author>\n");
	for (size_t i = 0; i < ne; i++) {
		html_raw(b, "<entry><id>urn:qingjie-portal:document:");
		html_txt(b, e[i].id);
		html_raw(b, "</id><title>");
		html_txt(b, e[i].title ? e[i].title : e[i].id);
		html_raw(b, "</title><updated>");
		html_txt(b, iso(r, e[i].at));
		html_raw(b, "</updated><link href=\"/documents/");
		html_attr(b, e[i].id);
		html_raw(b, "\"/><category term=\"");
		html_attr(b, e[i].search);
		html_raw(b, "\"/>");
		if (e[i].snippet) {
			html_raw(b, "<summary type=\"html\">");
			html_txt(b, e[i].snippet);
			html_raw(b, "</summary>");
		}
		html_raw(b, "</entry>\n");
	}
	html_raw(b, "</feed>\n");
}
