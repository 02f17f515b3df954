/* document-page.c: one document as search.fcgi shows it: its page
 * (GET /documents/ID) and its JSON record, original bytes and text under
 * /api/documents/ID, each behind the one read check, visible_doc(). The
 * page table stays in search.c.
 *
 * The page shows what the document is (its details), how it reads (the
 * first pages of a PDF as images the indexer rendered, served by
 * /api/documents/ID/preview/N under the same check as the file; other
 * documents' text laid out in paragraphs and headings), where it belongs
 * (its cases and roles, the ones the reader may open, by name), its
 * versions and similar documents. */
#include "arena.h"
#include "audit.h"
#include "db.h"
#include "docs.h"
#include "document-page.h"
#include "editions.h"
#include "html.h"
#include "http-request.h"
#include "hit-record.h"
#include "http-response.h"
#include "jobs.h"
#include "log.h"
#include "preview.h"
#include "previews.h"
#include "search.h"
#include "records.h"
#include "records-link.h"
#include "records-view.h"
#include "utf8.h"
#include "session.h"
#include "settings.h"
#include "ui-shared.h"
#include "url.h"
#include "xap.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define PREVIEW_BYTES 20000

/* ---- shared: look a document up for the caller ----------------------- */

static const char *jstr(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? s : "";
}

json_t *visible_doc(struct request *r, const char *action)
{
	if (!docs_id_valid(r->arg) || !docs_may_read(r->db, &r->user, r->arg)) {
		portal_error(r, 404, "not_found", "没有这份文档，或您无权查看。 There is no document with this id, or you may not see it.");
		return NULL;
	}
	json_t *doc = docs_get_json(r->db, r->arg);
	if (!doc)
		portal_error(r, 404, "not_found", "没有这份文档，或您无权查看。 There is no document with this id, or you may not see it.");
	else if (strcmp(jstr(doc, "visibility"), "public") != 0) {
		resp_private(r);
		if (action)
				audit_log(r->db, r->user.id, action, arena_printf(r->arena, "document:%s", r->arg), NULL);
	}
	return doc;
}


/* ---- JSON API --------------------------------------------------------- */

void ui_api_document(struct request *r)
{
	json_t *doc = visible_doc(r, "view");
	if (doc)
		resp_json(r, 200, doc);
}

/* Content-Disposition with an ASCII fallback and the RFC 5987 UTF-8 name. */
static const char *disposition(struct request *r, const char *filename)
{
	/* The fallback keeps printable ASCII; each run of anything else
	 * (a whole Chinese name, say) becomes one '_'. */
	char *ascii = arena_alloc(r->arena, strlen(filename) + 1), *o = ascii;
	for (const unsigned char *p = (const unsigned char *)filename; *p; p++) {
		int plain = *p >= 0x20 && *p < 0x7f && *p != '"' && *p != '\\';
		if (plain)
			*o++ = (char)*p;
		else if (o == ascii || o[-1] != '_')
			*o++ = '_';
	}
	*o = '\0';
	return arena_printf(r->arena, "attachment; filename=\"%s\"; filename*=UTF-8''%s", ascii,
			    url_encode(r->arena, filename));
}

void ui_api_file(struct request *r)
{
	json_t *doc = visible_doc(r, "download");
	if (!doc)
		return;
	char path[PATH_MAX];
	portal_object_path(jstr(doc, "sha256"), path, sizeof path);
	int fd = open(path, O_RDONLY);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0) {
		portal_log("document %s: cannot open %s: %s", r->arg, path, strerror(errno));
		portal_error(r, 500, "file_missing", "这份文档的原文件无法读取。 The stored file of this document cannot be read.");
		if (fd >= 0)
			close(fd);
		json_decref(doc);
		return;
	}
	const char *mime = jstr(doc, "mime");
	r->content_type_out = arena_strdup(r->arena, *mime ? mime : "application/octet-stream");
	resp_header(r, "Content-Disposition", disposition(r, jstr(doc, "filename")));
	resp_header(r, "Content-Length", arena_printf(r->arena, "%lld", (long long)st.st_size));
	resp_header(r, "Content-Security-Policy", "sandbox");
	json_decref(doc);
	resp_send_headers(r);
	if (strcmp(r->method, "HEAD") != 0) {
		char chunk[65536];
		ssize_t n;
		while ((n = read(fd, chunk, sizeof chunk)) > 0)
			if (FCGX_PutStr(chunk, (int)n, r->fcgi->out) < 0)
				break;
	}
	close(fd);
}

/* GET /api/documents/ID/preview/N: page N's image, under the file's read
 * rule (a document the caller may not read is a 404 like a missing one).
 * Not audited one by one: the page that shows them is. */
void ui_api_preview(struct request *r)
{
	char *end;
	long page = strtol(r->arg, &end, 10);
	/* /api/documents/ID/preview/N: the id is the third segment */
	const char *id = r->path + strlen("/api/documents/");
	const char *slash = strchr(id, '/');
	r->arg = arena_strndup(r->arena, id, slash ? (size_t)(slash - id) : strlen(id));
	json_t *doc = visible_doc(r, NULL);
	if (!doc)
		return;
	json_decref(doc);
	char path[PATH_MAX];
	int fd = -1;
	struct stat st;
	if (*end == '\0' && page >= 1 && page <= PREVIEW_PAGES) {
		previews_path(r->arg, (int)page, path, sizeof path);
		fd = open(path, O_RDONLY | O_CLOEXEC);
	}
	if (fd < 0 || fstat(fd, &st) < 0) {
		if (fd >= 0)
			close(fd);
		portal_error(r, 404, "not_found", "这一页没有预览图。 There is no image of this page.");
		return;
	}
	r->content_type_out = "image/png";
	resp_header(r, "Content-Length", arena_printf(r->arena, "%lld", (long long)st.st_size));
	resp_header(r, "Content-Security-Policy", "sandbox");
	resp_header(r, "X-Content-Type-Options", "nosniff");
	resp_send_headers(r);
	if (strcmp(r->method, "HEAD") != 0) {
		char chunk[65536];
		ssize_t n;
		while ((n = read(fd, chunk, sizeof chunk)) > 0)
			if (FCGX_PutStr(chunk, (int)n, r->fcgi->out) < 0)
				break;
	}
	close(fd);
}

/* The extracted text of a document, or NULL (answered) when there is none. */
static const char *doc_text(struct request *r, size_t *len)
{
	sqlite3_stmt *st = portal_db_prepare(r->db, "SELECT text FROM document_text WHERE doc_id = ?");
	sqlite3_bind_text(st, 1, r->arg, -1, SQLITE_STATIC);
	const char *text = NULL;
	*len = 0;
	if (sqlite3_step(st) == SQLITE_ROW) {
		*len = (size_t)sqlite3_column_bytes(st, 0);
		text = arena_strndup(r->arena, (const char *)sqlite3_column_text(st, 0), *len);
	}
	sqlite3_finalize(st);
	return text;
}

void ui_api_text(struct request *r)
{
	json_t *doc = visible_doc(r, "read_text");
	if (!doc)
		return;
	size_t len;
	const char *text = doc_text(r, &len);
	if (!text) {
		const char *status = jstr(doc, "status");
		portal_error(r, 409, "no_text", strcmp(status, "failed") == 0
			? arena_printf(r->arena, "未能从这份文档提取文字：%s No text could be extracted from this document.", jstr(doc, "error"))
			: "文档尚未完成索引，暂无文字。 The document has not been indexed yet; its text is not available.");
		json_decref(doc);
		return;
	}
	json_decref(doc);
	r->content_type_out = "text/plain; charset=utf-8";
	buf_append(&r->out, text, len);
}

/* ---- the HTML page ------------------------------------------------------ */

static void meta_row(struct buf *b, const char *label, const char *value)
{
	if (!value || !*value)
		return;
	html_raw(b, "<tr><th>");
	html_txt(b, label);
	html_raw(b, "</th><td>");
	html_txt(b, value);
	html_raw(b, "</td></tr>");
}

/* Cases this document's text points at (a credit code or an enterprise
 * name of a record), for a signed-in person to confirm; see records-link.h. */
static void suggested_cases(struct request *r)
{
	if (!r->user.id)
		return;
	struct rctx c = { .db = r->db, .a = r->arena, .u = &r->user };
	json_t *sug = link_suggest(&c, r->arg);
	if (!json_array_size(sug)) {
		json_decref(sug);
		return;
	}
	struct buf *b = &r->out;
	html_raw(b, "<section class=\"suggested\"><h2>可能相关的案卷（请确认）</h2>");
	size_t i;
	json_t *s;
	json_array_foreach(sug, i, s) {
		const char *cas = jstr(s, "case"), *colon = strchr(cas, ':');
		if (!colon)
			continue;
		html_raw(b, "<form method=\"post\" class=\"inline\" action=\"/");
		html_attr(b, arena_printf(r->arena, "%.*ss/%s/links", (int)(colon - cas), cas, colon + 1));
		html_raw(b, "\">");
		ui_csrf_field(r, b);
		html_raw(b, "<input type=\"hidden\" name=\"document\" value=\"");
		html_attr(b, r->arg);
		html_raw(b, "\"><input type=\"hidden\" name=\"role\" value=\"");
		html_attr(b, jstr(s, "role"));
		html_raw(b, "\"><a href=\"/");
		html_attr(b, arena_printf(r->arena, "%.*ss/%s", (int)(colon - cas), cas, colon + 1));
		html_raw(b, "\">");
		html_txt(b, jstr(s, "title"));
		html_raw(b, "</a>（");
		html_txt(b, jstr(s, "reason"));
		html_raw(b, "）<button type=\"submit\">确认关联</button></form>");
	}
	html_raw(b, "</section>");
	json_decref(sug);
}

static const char *sector_label(const char *name)
{
	if (strcmp(name, "industry") == 0) return "工业";
	if (strcmp(name, "services") == 0) return "服务业";
	if (strcmp(name, "agriculture") == 0) return "农业";
	return name;
}

/* The metadata the indexer found in the text (meta.h), as table rows. */
static void metadata_rows(struct request *r, json_t *meta)
{
	static const struct {
		const char *key, *label;
	} rows[] = {
		{ "standard_no", "标准编号" }, { "doc_no", "文号" }, { "credit_code", "统一社会信用代码" },
		{ "enterprise", "单位" }, { "sector", "领域" }, { "industry", "行业" }, { "year", "年份" },
		{ "dates", "日期" },
	};
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		json_t *v = json_object_get(meta, rows[i].key);
		if (json_is_string(v)) {
			const char *val = json_string_value(v);
			meta_row(&r->out, rows[i].label, strcmp(rows[i].key, "sector") == 0 ? sector_label(val) : val);
		} else if (json_is_array(v) && json_array_size(v)) {
			struct buf joined = BUF_INIT;
			size_t k;
			json_t *e;
			json_array_foreach(v, k, e) {
				if (k == 8) {
					buf_puts(&joined, "、…");
					break;
				}
				if (json_is_string(e))
					buf_printf(&joined, "%s%s", k ? "、" : "", json_string_value(e));
			}
			meta_row(&r->out, rows[i].label, arena_strdup(r->arena, buf_str(&joined)));
			buf_free(&joined);
		}
	}
}

/* ---- how it reads: page images, or the text laid out ----------------------- */

/* The pixel size of a PNG file from its header; 0 when unreadable. */
static int png_size(const char *path, unsigned *w, unsigned *h)
{
	unsigned char head[24];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	ssize_t n = read(fd, head, sizeof head);
	close(fd);
	if (n != (ssize_t)sizeof head || memcmp(head, "\x89PNG\r\n\x1a\n", 8) != 0)
		return 0;
	*w = (unsigned)head[16] << 24 | (unsigned)head[17] << 16 | (unsigned)head[18] << 8 | head[19];
	*h = (unsigned)head[20] << 24 | (unsigned)head[21] << 16 | (unsigned)head[22] << 8 | head[23];
	return *w && *h;
}

static void preview_images(struct request *r, int pages)
{
	struct buf *b = &r->out;
	html_raw(b, "<section class=\"preview\"><h2>");
	html_txtf(b, "预览（前 %d 页）", pages);
	html_raw(b, "</h2>");
	for (int i = 1; i <= pages; i++) {
		char path[PATH_MAX];
		unsigned w = 0, h = 0;
		previews_path(r->arg, i, path, sizeof path);
		html_raw(b, "<figure><img src=\"/api/documents/");
		html_attr(b, r->arg);
		html_raw(b, arena_printf(r->arena, "/preview/%d\" alt=\"第 %d 页\"", i, i));
		if (png_size(path, &w, &h))
			html_raw(b, arena_printf(r->arena, " width=\"%u\" height=\"%u\"", w, h));
		html_raw(b, i > 1 ? " loading=\"lazy\">" : ">");
		html_raw(b, arena_printf(r->arena, "<figcaption>第 %d 页</figcaption></figure>", i));
	}
	html_raw(b, "</section>");
}

/* A line that reads as a heading: 2 for a chapter (第一章, 一、, 1 总则,
 * 前言, 附录 A), 3 for a section (第一节, 1.1 范围), 0 for none. Headings
 * are short and do not end like a sentence. */
static int heading_level(const char *s, size_t n)
{
	size_t chars = portal_utf8_count(s, n);
	if (chars < 2 || chars > 40)
		return 0;
	static const char *const stops[] = { "。", "；", "，", "：", ",", ";", ":", "、" };
	for (size_t i = 0; i < sizeof stops / sizeof stops[0]; i++) {
		size_t l = strlen(stops[i]);
		if (n >= l && memcmp(s + n - l, stops[i], l) == 0)
			return 0;
	}
	static const char *const words[] = { "前言", "引言", "目录", "目次", "附录", "附件", "参考文献" };
	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
		if (strncmp(s, words[i], strlen(words[i])) == 0)
			return 2;
	static const char numerals[] = "一二三四五六七八九十百零";
	size_t i = 0;
	if (strncmp(s, "第", 3) == 0) {	/* 第 + numerals + 章/节/部分/篇 */
		for (i = 3; i + 3 <= n && (memmem(numerals, sizeof numerals - 1, s + i, 3) ||
					   (s[i] >= '0' && s[i] <= '9')); )
			i += s[i] >= '0' && s[i] <= '9' ? 1 : 3;
		if (i > 3 && i + 3 <= n) {
			if (!strncmp(s + i, "章", 3) || !strncmp(s + i, "篇", 3) || !strncmp(s + i, "部分", 6))
				return 2;
			if (!strncmp(s + i, "节", 3))
				return 3;
		}
		return 0;
	}
	while (i + 3 <= n && memmem(numerals, sizeof numerals - 1, s + i, 3))
		i += 3;
	if (i && i + 3 <= n && strncmp(s + i, "、", 3) == 0)	/* 一、 */
		return 2;
	/* 1 总则 / 1.1 范围 / ５ 技术要求: digits, dots between, then a blank */
	int dots = 0;
	i = 0;
	for (;;) {
		int digits = 0;	/* ASCII or full-width, one or two of them */
		while (i < n && digits < 3) {
			if (s[i] >= '0' && s[i] <= '9')
				i++;
			else if (i + 3 <= n && (unsigned char)s[i] == 0xEF && (unsigned char)s[i + 1] == 0xBC &&
				 (unsigned char)s[i + 2] >= 0x90 && (unsigned char)s[i + 2] <= 0x99)
				i += 3;
			else
				break;
			digits++;
		}
		if (digits == 0 || digits > 2)
			return 0;
		if (i < n && s[i] == '.' && dots < 3) {
			dots++;
			i++;
			continue;
		}
		break;
	}
	if (i < n && (s[i] == ' ' || strncmp(s + i, "\u3000", 3) == 0))
		return dots ? 3 : 2;
	return 0;
}

static int cjk_edge(uint32_t c)
{
	return c >= 0x2E80;
}

/* The first PREVIEW_BYTES of the text as paragraphs and headings. With
 * wrapped (a PDF's text: a line per printed line), a paragraph is the
 * lines between blank lines, joined (without a blank between CJK);
 * otherwise (Office, HTML, plain text: a line per paragraph) each line is
 * one. */
static void text_html(struct request *r, const char *text, size_t len, int wrapped)
{
	struct buf *b = &r->out;
	size_t n = len;
	if (n > PREVIEW_BYTES) {	/* cut at a character boundary */
		n = PREVIEW_BYTES;
		while (n > 0 && ((unsigned char)text[n] & 0xC0) == 0x80)
			n--;
	}
	int in_p = 0;
	uint32_t last = 0;	/* the last character of the paragraph so far */
	for (size_t at = 0; at < n;) {
		const char *nl = memchr(text + at, '\n', n - at);
		size_t end = nl ? (size_t)(nl - text) : n, s = at, e = end;
		at = end + 1;
		while (s < e && (text[s] == ' ' || text[s] == '\t' || text[s] == '\r'))
			s++;
		while (e > s && (text[e - 1] == ' ' || text[e - 1] == '\t' || text[e - 1] == '\r'))
			e--;
		if (s == e) {	/* a blank line ends the paragraph */
			if (in_p)
				html_raw(b, "</p>");
			in_p = 0;
			continue;
		}
		int level = heading_level(text + s, e - s);
		if (level) {
			if (in_p)
				html_raw(b, "</p>");
			in_p = 0;
			html_raw(b, level == 2 ? "<h3>" : "<h4>");
			html_txtn(b, text + s, e - s);
			html_raw(b, level == 2 ? "</h3>" : "</h4>");
			continue;
		}
		size_t i = s;
		uint32_t first = portal_utf8_next(text, e, &i);
		if (in_p && !wrapped) {
			html_raw(b, "</p>");
			in_p = 0;
		}
		if (!in_p)
			html_raw(b, "<p>");
		else if (!(cjk_edge(last) && cjk_edge(first)))
			html_raw(b, " ");
		in_p = 1;
		html_txtn(b, text + s, e - s);
		for (i = s; i < e;)	/* the line's last character */
			last = portal_utf8_next(text, e, &i);
	}
	if (in_p)
		html_raw(b, "</p>");
	if (n < len)
		html_raw(b, "<p class=\"more\">…（以下略，全文请<a href=\"/api/documents/");
	if (n < len) {
		html_attr(b, r->arg);
		html_raw(b, "/text\">查看纯文本</a>）</p>");
	}
}

/* ---- where it belongs: cases, versions ----------------------------------- */

/* The cases this document is filed in that the reader may open, by name,
 * with the role it plays there. Cases the reader may not see are left
 * out, named or counted nowhere. */
static void document_cases(struct request *r)
{
	struct rctx c = { .db = r->db, .a = r->arena, .u = &r->user };
	json_t *links = link_of_document(&c, r->arg);
	struct buf *b = &r->out;
	int shown = 0;
	size_t i;
	json_t *l;
	json_array_foreach(links, i, l) {
		const char *cas = jstr(l, "case"), *colon = strchr(cas, ':');
		const struct rtype *t = colon ? rtype_by_kind(arena_strndup(r->arena, cas, (size_t)(colon - cas))) : NULL;
		if (!t || !t->title_sql)
			continue;
		struct rctx v = c;
		v.t = t;
		json_t *row = rec_row(&v, colon + 1);	/* NULL: not the reader's to see */
		if (!row)
			continue;
		json_decref(row);
		sqlite3_stmt *st = portal_db_prepare(r->db, arena_printf(r->arena,
			"SELECT %s FROM %s t WHERE t.id = ?", t->title_sql, t->name));
		sqlite3_bind_text(st, 1, colon + 1, -1, SQLITE_TRANSIENT);
		const char *title = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0)
			? arena_strdup(r->arena, (const char *)sqlite3_column_text(st, 0)) : t->label;
		sqlite3_finalize(st);
		if (!shown++)
			html_raw(b, "<section class=\"cases\"><h2>所属案卷</h2><ul>");
		html_raw(b, "<li><a href=\"/");
		html_attr(b, arena_printf(r->arena, "%s/%s", t->name, colon + 1));
		html_raw(b, "\">");
		html_txt(b, title);
		html_raw(b, "</a> <span class=\"role\">");
		const char *role = jstr(l, "role");	/* "": filed without a role */
		html_txt(b, *role ? arena_printf(r->arena, "%s · %s", t->label, link_role_label(role)) : t->label);
		html_raw(b, "</span></li>");
	}
	if (shown)
		html_raw(b, "</ul></section>");
	json_decref(links);
}

/* One version as a list item: a link when the reader may read it. */
static void version_item(struct request *r, const char *label, const char *id)
{
	struct buf *b = &r->out;
	html_raw(b, "<li>");
	html_txt(b, label);
	if (!docs_may_read(r->db, &r->user, id)) {
		html_raw(b, "（您无权查看）</li>");
		return;
	}
	sqlite3_stmt *st = portal_db_prepare(r->db, "SELECT coalesce(nullif(title, ''), filename), version,"
					     " strftime('%Y-%m-%dT%H:%M:%SZ', uploaded_at, 'unixepoch') FROM documents WHERE id = ?");
	sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(st) == SQLITE_ROW) {
		html_raw(b, "<a href=\"/documents/");
		html_attr(b, id);
		html_raw(b, "\">");
		html_txt(b, (const char *)sqlite3_column_text(st, 0));
		html_raw(b, "</a> ");
		html_txtf(b, "（第 %lld 版，", (long long)sqlite3_column_int64(st, 1));
		html_txt(b, ui_beijing(r, (const char *)sqlite3_column_text(st, 2)));
		html_raw(b, " 上传）");
	}
	sqlite3_finalize(st);
	html_raw(b, "</li>");
}

/* The versions around this one: the one that replaced it, and the ones
 * it replaced. Nothing when it stands alone. */
static void versions(struct request *r, json_t *doc)
{
	const char *newer = json_string_value(json_object_get(doc, "superseded_by"));
	sqlite3_stmt *st = portal_db_prepare(r->db, "SELECT id FROM documents WHERE superseded_by = ?"
					     " ORDER BY version DESC, uploaded_at DESC");
	sqlite3_bind_text(st, 1, r->arg, -1, SQLITE_TRANSIENT);
	const char *older[16];
	size_t nolder = 0;
	while (nolder < 16 && sqlite3_step(st) == SQLITE_ROW)
		older[nolder++] = arena_strdup(r->arena, (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	if (!newer && !nolder)
		return;
	struct buf *b = &r->out;
	html_raw(b, "<section class=\"versions\"><h2>版本</h2><ul>");
	if (newer)
		version_item(r, "已被取代，新版本：", newer);
	for (size_t i = 0; i < nolder; i++)
		version_item(r, "取代了：", older[i]);
	html_raw(b, "</ul></section>");
}

/* A standard whose edition is not current says so under its title
 * (editions.h), with a search for the edition that replaced it. */
static void edition_notice(struct request *r, const char *id)
{
	const char *status, *by;
	if (!editions_of_doc(r->db, r->arena, id, &status, &by) || strcmp(status, "current") == 0)
		return;
	struct buf *b = &r->out;
	html_raw(b, "<p class=\"edition-notice\">");
	editions_mark_html(b, status, by);
	if (by) {
		html_raw(b, " <a href=\"/search?q=");
		html_attr(b, url_encode(r->arena, by));
		html_raw(b, "\">查看现行版本</a>");
	}
	html_raw(b, "</p>");
}

/* The page images (pages of them), then the text (len bytes, or NULL). */
static void how_it_reads(struct request *r, json_t *doc, int pages, const char *text, size_t len)
{
	struct buf *b = &r->out;
	if (pages > 0)
		preview_images(r, pages);
	int wrapped = strcmp(jstr(doc, "mime"), "application/pdf") == 0;
	if (text && pages > 0) {
		html_raw(b, "<details class=\"doc-text\"><summary>提取的文字</summary>");
		text_html(r, text, len, wrapped);
		html_raw(b, "</details>");
	} else if (text) {
		html_raw(b, "<section class=\"doc-text\"><h2>正文</h2>");
		text_html(r, text, len, wrapped);
		html_raw(b, "</section>");
	}
}

/* A PDF's text is searchable before its page images are drawn (the
 * indexer queues them behind it): say they are coming, so the text alone
 * does not look like all there is. */
static void previews_coming(struct request *r, json_t *doc, int pages)
{
	if (pages >= 0 || strcmp(jstr(doc, "status"), "indexed") != 0 ||
	    !previews_wanted(jstr(doc, "mime")) || jobs_pending(r->db, r->arg) != 1)
		return;
	html_raw(&r->out, "<p class=\"previews-coming\" role=\"status\">页面预览图正在生成，"
		 "稍后刷新本页即可看到；下面先显示提取的文字。</p>");
}

/* Documents like this one that the reader may read (an error answers
 * nothing here: the page goes on without them). */
static void similar_section(struct request *r)
{
	struct buf *b = &r->out;
	struct search_result similar;
	if (portal_similar(r, r->arg, SIMILAR_MAX, &similar) < 0 || !similar.nhits)
		return;
	html_raw(b, "<section class=\"similar\"><h2>相似文档</h2><ul>");
	for (size_t i = 0; i < similar.nhits; i++) {
		html_raw(b, "<li><a href=\"/documents/");
		html_attr(b, similar.hits[i].id);
		html_raw(b, "\">");
		html_txt(b, similar.hits[i].title);
		html_raw(b, "</a> <span class=\"type\">");
		html_txt(b, docs_type_label(similar.hits[i].doc_type));
		html_raw(b, "</span></li>");
	}
	html_raw(b, "</ul></section>");
}

/* What the document is, as a table, and its download and text links. */
static void meta_table(struct request *r, json_t *doc)
{
	struct buf *b = &r->out;
	const char *status = jstr(doc, "status");
	html_raw(b, "<table class=\"meta\">");
	meta_row(b, "文件名", jstr(doc, "filename"));
	meta_row(b, "类型", docs_type_label(json_string_value(json_object_get(doc, "doc_type"))));
	meta_row(b, "格式", jstr(doc, "mime"));
	meta_row(b, "大小", arena_printf(r->arena, "%lld 字节", (long long)json_integer_value(json_object_get(doc, "size"))));
	char pending[64];
	meta_row(b, "状态", strcmp(status, "indexed") == 0 ? "已索引" : strcmp(status, "failed") == 0 ? "处理失败"
		 : docs_pending_label(doc, pending, sizeof pending));
	meta_row(b, "错误", jstr(doc, "error"));
	json_t *conf = json_object_get(doc, "doc_type_confidence");
	const char *tsrc = jstr(doc, "doc_type_source");
	if (json_is_number(conf) && *tsrc)
		meta_row(b, "类型依据", arena_printf(r->arena, "%s（置信度 %.2f）",
			strcmp(tsrc, "uploader") == 0 ? "上传者指定" : strcmp(tsrc, "classifier") == 0 ? "自动分类" :
			strcmp(tsrc, "cues") == 0 ? "标题线索" : "默认", json_number_value(conf)));
	metadata_rows(r, json_object_get(doc, "metadata"));
	meta_row(b, "版本", arena_printf(r->arena, "%lld", (long long)json_integer_value(json_object_get(doc, "version"))));
	meta_row(b, "可见性", strcmp(jstr(doc, "visibility"), "public") == 0 ? "公开" : "受限");
	meta_row(b, "上传时间（北京时间）", ui_beijing(r, jstr(doc, "uploaded_at")));
	meta_row(b, "索引时间（北京时间）", ui_beijing(r, jstr(doc, "indexed_at")));
	meta_row(b, "SHA-256", jstr(doc, "sha256"));
	html_raw(b, "</table><p class=\"actions\"><a class=\"download\" href=\"/api/documents/");
	html_attr(b, r->arg);
	html_raw(b, "/file\">下载原文件</a> <a href=\"/api/documents/");
	html_attr(b, r->arg);
	html_raw(b, "/text\">纯文本</a></p>");
}

void ui_document(struct request *r)
{
	json_t *doc = visible_doc(r, "view");
	if (!doc)
		return;
	struct buf *b = &r->out;
	const char *title = *jstr(doc, "title") ? jstr(doc, "title") : jstr(doc, "filename");
	const char *status = jstr(doc, "status");
	ui_page_begin(r, title);
	html_raw(b, "<article class=\"document\"><h1>");
	html_txt(b, title);
	html_raw(b, "</h1>");
	edition_notice(r, jstr(doc, "id"));
	const char *newer = json_string_value(json_object_get(doc, "superseded_by"));
	if (newer) {
		html_raw(b, "<div class=\"superseded\"><p>");
		if (docs_may_read(r->db, &r->user, newer)) {
			html_raw(b, "此版本已被<a href=\"/documents/");
			html_attr(b, newer);
			html_raw(b, "\">新版本</a>取代。");
		} else {
			html_raw(b, "此版本已被新版本取代。");
		}
		html_raw(b, "</p>");
		if (portal_user_sees_all(&r->user)) {
			html_raw(b, "<form method=\"post\" action=\"/documents/");
			html_attr(b, jstr(doc, "id"));
			html_raw(b, "/restore\">");
			ui_csrf_field(r, b);
			html_raw(b, "<button type=\"submit\">恢复为当前版本</button></form>");
		}
		html_raw(b, "</div>");
	}
	meta_table(r, doc);
	/* where it belongs before how it reads: the images are long */
	document_cases(r);
	versions(r, doc);
	size_t len;
	const char *text = doc_text(r, &len);
	int pages = previews_count(r->arg, PREVIEW_PAGES);
	previews_coming(r, doc, pages);
	how_it_reads(r, doc, pages, text, len);
	suggested_cases(r);
	if (strcmp(status, "indexed") == 0)
		similar_section(r);
	html_raw(b, "</article>");
	json_decref(doc);
	ui_page_end(r);
}

/* ---- on a search host: from the index alone -------------------------------
 *
 * A search host (PORTAL_ROLE=search-host) has a replica of the index and
 * no SQLite: it shows public documents from the record each one carries in
 * the index (hit-record.h: the details of GET /api/documents/ID, the first
 * HIT_EXCERPT_CHARS characters of the text). A document that is not public
 * is not there as far as the host is concerned (404, as the primary answers
 * an anonymous caller); nginx sends every signed-in request to the primary,
 * and a 404 or 421 from a host is asked again of the primary (doc/scaling.md),
 * so a document the host does not hold yet is still found. The file and the
 * page images are the primary's (its nginx serves those addresses). */

static void free_record(void *p) { free(p); }

/* Document r->arg as the index holds it when it is public: its record in
 * *hr and the record's details in *doc (a new reference). 0, or -1 after
 * answering 404 (no such public document here) or 503. */
static int host_doc(struct request *r, struct hit_record *hr, json_t **doc)
{
	pxap_reader *rd = search_reader();
	if (!rd) {
		portal_error(r, 503, "index_unavailable", "搜索索引暂时不可用，请稍后再试。 The search index is not available right now; please try again shortly.");
		return -1;
	}
	char *rec = NULL, err[512];
	size_t len = 0;
	int found = docs_id_valid(r->arg) ? pxap_document_record(rd, r->arg, "public", &rec, &len, err, sizeof err) : 0;
	if (found < 0) {
		portal_log("document %s: %s", r->arg, err);
		portal_error(r, 503, "index_unavailable", "搜索索引暂时不可用，请稍后再试。 The search index is not available right now; please try again shortly.");
		return -1;
	}
	if (rec)
		arena_on_destroy(r->arena, free_record, rec);
	*doc = found && hit_record_unpack(r->arena, rec, len, hr) == 0 && hr->details
		? json_loads(hr->details, 0, NULL) : NULL;
	if (!*doc) {
		portal_error(r, 404, "not_found", "没有这份文档，或您无权查看。 There is no document with this id, or you may not see it.");
		return -1;
	}
	return 0;
}

/* Whether document id is public in this host's index. */
static int host_public(struct request *r, const char *id)
{
	char *rec = NULL, err[512];
	size_t len;
	pxap_reader *rd = search_reader();
	int found = rd ? pxap_document_record(rd, id, "public", &rec, &len, err, sizeof err) : 0;
	free(rec);
	return found == 1;
}

void ui_host_api_document(struct request *r)
{
	struct hit_record hr;
	json_t *doc;
	if (host_doc(r, &hr, &doc) < 0)
		return;
	json_object_del(doc, "text_bytes");
	json_object_del(doc, "preview_pages");
	resp_json(r, 200, doc);
}

/* The text, when the host holds all of it; else 421: the primary has it. */
void ui_host_api_text(struct request *r)
{
	struct hit_record hr;
	json_t *doc;
	if (host_doc(r, &hr, &doc) < 0)
		return;
	size_t whole = (size_t)json_integer_value(json_object_get(doc, "text_bytes"));
	json_decref(doc);
	if (hr.excerpt_len < whole) {
		portal_error(r, 421, "misdirected", "这份文档的全文在主服务器上。 This document's whole text is on the primary.");
		return;
	}
	r->content_type_out = "text/plain; charset=utf-8";
	buf_append(&r->out, hr.excerpt, hr.excerpt_len);
}

void ui_host_api_similar(struct request *r)
{
	struct hit_record hr;
	json_t *doc;
	if (host_doc(r, &hr, &doc) < 0)
		return;
	json_decref(doc);
	struct search_result res;
	if (portal_similar(r, r->arg, SIMILAR_MAX, &res) < 0)
		return;
	json_t *hits = json_array();
	for (size_t i = 0; i < res.nhits; i++)
		json_array_append_new(hits, json_pack("{s:s,s:s,s:s?,s:s?,s:f,s:s}", "id", res.hits[i].id,
			"title", res.hits[i].title, "doc_type", res.hits[i].doc_type,
			"filename", res.hits[i].filename, "score", res.hits[i].score, "snippet", res.hits[i].snippet));
	resp_json(r, 200, json_pack("{s:I,s:o}", "total", (json_int_t)res.total, "results", hits));
}

/* The page an anonymous reader gets on the primary, less what needs the
 * records: the cases it is filed in and the list of its versions. */
void ui_host_document(struct request *r)
{
	struct hit_record hr;
	json_t *doc;
	if (host_doc(r, &hr, &doc) < 0)
		return;
	struct buf *b = &r->out;
	const char *title = *jstr(doc, "title") ? jstr(doc, "title") : jstr(doc, "filename");
	ui_page_begin(r, title);
	html_raw(b, "<article class=\"document\"><h1>");
	html_txt(b, title);
	html_raw(b, "</h1>");
	if (hr.edition_status && strcmp(hr.edition_status, "current") != 0) {
		html_raw(b, "<p class=\"edition-notice\">");
		editions_mark_html(b, hr.edition_status, hr.replaced_by);
		if (hr.replaced_by) {
			html_raw(b, " <a href=\"/search?q=");
			html_attr(b, url_encode(r->arena, hr.replaced_by));
			html_raw(b, "\">查看现行版本</a>");
		}
		html_raw(b, "</p>");
	}
	const char *newer = json_string_value(json_object_get(doc, "superseded_by"));
	if (newer && host_public(r, newer)) {
		html_raw(b, "<div class=\"superseded\"><p>此版本已被<a href=\"/documents/");
		html_attr(b, newer);
		html_raw(b, "\">新版本</a>取代。</p></div>");
	} else if (newer) {
		html_raw(b, "<div class=\"superseded\"><p>此版本已被新版本取代。</p></div>");
	}
	meta_table(r, doc);
	how_it_reads(r, doc, (int)json_integer_value(json_object_get(doc, "preview_pages")),
		     hr.excerpt, hr.excerpt_len);
	similar_section(r);
	html_raw(b, "</article>");
	json_decref(doc);
	ui_page_end(r);
}
