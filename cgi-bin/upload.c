/* upload.c: upload.fcgi, the write path for documents (POST /api/documents)
 * and the upload page (GET/POST /upload).
 *
 * The multipart body streams from nginx (request buffering is off) through
 * the parser into a temp file while it is hashed; nothing but one part's
 * small fields is held in memory. The bytes become durable under their
 * SHA-256 (store.h) and then the row and its indexing job are committed in
 * one SQLite transaction (docs.h); only then does the caller get 202.
 *
 * The API takes one file a request. The page's form, posted without
 * JavaScript, takes several, each in its own temp file, and refuses each on
 * its own (too large, empty, storage) while the others are stored; then
 * /upload?done=IDS shows their states and reloads itself until they are
 * indexed. With JavaScript (htdocs/upload.js) the page sends each file to
 * the API itself and follows it there. */
#include "arena.h"
#include "auth.h"
#include "buf.h"
#include "detect.h"
#include "docs.h"
#include "utf8.h"
#include "fcgi-master.h"
#include "http-multipart.h"
#include "http-request.h"
#include "http-response.h"
#include "log.h"
#include "records.h"
#include "records-http.h"
#include "records-link.h"
#include "settings.h"
#include "store.h"
#include "session.h"
#include "ui-shared.h"
#include "html.h"

#include <stdio.h>
#include <string.h>

#define FIELD_MAX 4096	/* bytes in a text field (title, case, ...) */
#define TITLE_MAX 500	/* characters in a title */
#define FILES_MAX 20	/* files in one post of the browser form */

/* One file of an upload. The API takes one per request; the browser form
 * (several files chosen at once, no JavaScript) takes up to FILES_MAX, and
 * refuses each on its own: the others are stored all the same. */
struct upfile {
	struct store_writer w;
	char *filename;
	int unnamed;		/* the form's empty file input: no file chosen */
	int status;		/* this file's refusal, or 0 */
	const char *code, *zh;
	char id[DOC_ID_LEN];	/* once recorded */
	int duplicate;
};

/* What one upload collects while the body streams by. */
struct upload {
	struct request *r;
	int form;		/* the browser form: several files, refused one by one */
	struct upfile files[FILES_MAX];
	size_t nfiles;
	struct upfile *cur;	/* the file being read, or NULL */
	struct buf *field;	/* the text field being read, or NULL */
	struct buf title, doc_type, visibility, case_id, csrf;
	/* An error of the whole request, found inside a callback: answered
	 * after the parser stops. message is Chinese, then English; zh the
	 * Chinese alone, for the form. */
	int status;
	const char *code, *message, *zh;
};

static int fail(struct upload *u, int status, const char *code, const char *zh, const char *en)
{
	if (!u->status) {
		u->status = status;
		u->code = code;
		u->zh = zh;
		u->message = arena_printf(u->r->arena, "%s%s", zh, en);
	}
	return -1;
}

/* A refusal of one file: of the whole request through the API (one file
 * a request, its contract), of that file alone in the form, whose other
 * files go on. The file's bytes are dropped and the rest of it skipped. */
static int file_fail(struct upload *u, struct upfile *f, int status, const char *code,
		     const char *zh, const char *en)
{
	if (!u->form)
		return fail(u, status, code, zh, en);
	if (!f->status) {
		f->status = status;
		f->code = code;
		f->zh = zh;
		store_abort(&f->w);
	}
	return 0;
}

/* "100 MB": the upload limit as people read it. */
static const char *limit_text(struct arena *a)
{
	unsigned long long max = portal_settings()->max_upload;
	if (max >= 1048576 && max % 1048576 == 0)
		return arena_printf(a, "%llu MB", max / 1048576);
	if (max >= 1048576)
		return arena_printf(a, "%.1f MB", max / 1048576.0);
	if (max >= 1024)
		return arena_printf(a, "%llu KB", max / 1024);
	return arena_printf(a, "%llu 字节", max);
}

static int too_large(struct upload *u, struct upfile *f)
{
	struct arena *a = u->r->arena;
	return file_fail(u, f, 413, "too_large",
		arena_printf(a, "文件过大：超过上传上限 %s。", limit_text(a)),
		arena_printf(a, "The file is larger than the upload limit of %llu bytes.",
			     portal_settings()->max_upload));
}

/* A store call failed with rc (store.h): 507 when the disk or quota is
 * full, which freeing space mends; any other cause is the server's fault,
 * answered 500 with the cause in the log. */
static int storage_failed(struct upload *u, struct upfile *f, int rc, const char *err)
{
	if (rc == STORE_FULL)
		return file_fail(u, f, 507, "storage", "服务器存储空间已满，文件未能保存。",
				 arena_strdup(u->r->arena, err));
	portal_log("upload: storage failed: %s", err);
	return file_fail(u, f, 500, "storage", "服务器出错，文件未能保存（已记录），请稍后重试。",
			 "The file could not be stored because of a fault on the server; "
			 "it has been logged. Please try again later.");
}

/* The last path component of a client-side name, as valid UTF-8. */
static char *clean_filename(struct arena *a, const char *name)
{
	const char *base = name;
	for (const char *p = name; *p; p++)
		if (*p == '/' || *p == '\\')
			base = p + 1;
	if (!*base || strcmp(base, ".") == 0 || strcmp(base, "..") == 0)
		return "upload";
	struct buf b = BUF_INIT;
	buf_append(&b, base, strnlen(base, 255));
	portal_utf8_sanitize(&b);
	char *s = arena_strdup(a, buf_str(&b));
	buf_free(&b);
	return s;
}

static int on_begin(void *ctx, const char *name, const char *filename, const char *ctype)
{
	struct upload *u = ctx;
	char err[256];
	u->field = NULL;
	u->cur = NULL;
	if (strcmp(name, "file") == 0) {
		if (u->nfiles && !u->form)
			return fail(u, 400, "two_files", "一次请求只能上传一个文件。",
				    "The upload has more than one file field; send one file per request.");
		if (u->nfiles == FILES_MAX)
			return fail(u, 400, "too_many_files", "一次最多上传 20 个文件，请分批上传。",
				    "The form holds more than 20 files; upload them in batches.");
		struct upfile *f = &u->files[u->nfiles++];
		f->w.fd = -1;
		f->unnamed = !filename || !*filename;
		f->filename = clean_filename(u->r->arena, filename ? filename : "upload");
		u->cur = f;
		int rc = store_begin(&f->w, err, sizeof err);
		if (rc < 0)
			return storage_failed(u, f, rc, err);
		return 0;
	}
	if (strcmp(name, "title") == 0)
		u->field = &u->title;
	else if (strcmp(name, "doc_type") == 0)
		u->field = &u->doc_type;
	else if (strcmp(name, "visibility") == 0)
		u->field = &u->visibility;
	else if (strcmp(name, "case") == 0)
		u->field = &u->case_id;
	else if (strcmp(name, "csrf") == 0)
		u->field = &u->csrf;
	else
		return fail(u, 400, "unknown_field", "上传含有不认识的字段。", arena_printf(u->r->arena,
			"The upload has a field named '%s'; the fields are file, title, doc_type, visibility, case and csrf.", name));
	if (u->field->len)
		return fail(u, 400, "duplicate_field", "上传的某个字段重复出现。",
			    arena_printf(u->r->arena, "The field '%s' is given twice.", name));
	return 0;
}

static int on_data(void *ctx, const char *data, size_t len)
{
	struct upload *u = ctx;
	char err[256];
	struct upfile *f = u->cur;
	if (f) {
		if (f->status)
			return 0;	/* refused: the rest of it is skipped */
		if (f->w.size + len > portal_settings()->max_upload)
			return too_large(u, f);
		int rc = store_write(&f->w, data, len, err, sizeof err);
		if (rc < 0)
			return storage_failed(u, f, rc, err);
		return 0;
	}
	if (u->field) {
		if (u->field->len + len > FIELD_MAX)
			return fail(u, 400, "field_too_long", "上传的某个文字字段过长。",
				    "A text field of the upload is longer than 4096 bytes.");
		buf_append(u->field, data, len);
	}
	return 0;
}

static int on_end(void *ctx)
{
	struct upload *u = ctx;
	u->cur = NULL;
	u->field = NULL;
	return 0;
}

static const struct multipart_callbacks callbacks = { on_begin, on_data, on_end };

/* Stream the body through the parser. 0, or -1 with u->status set. */
static int read_body(struct upload *u, const char *boundary)
{
	struct request *r = u->r;
	struct multipart_parser *mp = multipart_new(boundary, &callbacks, u);
	char chunk[65536];
	unsigned long long total = 0, limit = portal_settings()->max_upload + 65536;
	size_t n;
	int rc = 0;
	while ((n = req_read(r, chunk, sizeof chunk)) > 0) {
		total += n;
		if (total > limit) {
			rc = fail(u, 413, "too_large", arena_printf(r->arena,
				"上传过大：一次上传的文件合计不能超过 %s。", limit_text(r->arena)),
				arena_printf(r->arena, "The request is larger than the upload limit of %llu bytes.",
					     portal_settings()->max_upload));
			break;
		}
		if (multipart_feed(mp, chunk, n) < 0) {
			rc = fail(u, 400, "bad_multipart", "上传的内容格式有误。", arena_printf(r->arena,
				"The upload body is not valid multipart/form-data: %s.", multipart_error(mp)));
			break;
		}
	}
	if (rc == 0 && r->content_length >= 0 && total < (unsigned long long)r->content_length)
		rc = fail(u, 400, "truncated", "上传中断，文件没有传完。",
			  "The upload body ended before the length it announced: the upload was interrupted.");
	if (rc == 0 && multipart_finish(mp) < 0)
		rc = fail(u, 400, "bad_multipart", "上传的内容格式有误。", arena_printf(r->arena,
			"The upload body is not valid multipart/form-data: %s.", multipart_error(mp)));
	multipart_free(mp);
	return rc;
}

/* Characters in valid UTF-8: the bytes that start one. */
static size_t characters(const struct buf *b)
{
	size_t n = 0;
	for (size_t i = 0; i < b->len; i++)
		n += ((unsigned char)b->data[i] & 0xC0) != 0x80;
	return n;
}

/* Check the text fields; 0 or -1 with u->status set. */
static int check_fields(struct upload *u)
{
	struct request *r = u->r;
	if (!r->via_bearer && r->session_id &&
	    (!r->csrf_token || strcmp(buf_str(&u->csrf), r->csrf_token) != 0))
		return fail(u, 403, "csrf", "页面已过期，请刷新页面后重试。",
			    "The form's security token is missing or wrong: reload the page and try again.");
	if (!u->nfiles)
		return fail(u, 400, "no_file", "请选择要上传的文件。",
			    "The upload has no 'file' field: choose a file to upload.");
	if (!u->form && u->files[0].w.size == 0)
		return fail(u, 400, "empty_file", "文件是空的（0 字节）。", "The uploaded file is empty (0 bytes).");
	struct buf *fields[] = { &u->title, &u->doc_type, &u->visibility, &u->case_id };
	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
		if (!portal_utf8_valid(fields[i]->data ? fields[i]->data : "", fields[i]->len) ||
		    memchr(buf_str(fields[i]), '\0', fields[i]->len))
			return fail(u, 400, "bad_encoding", "上传的某个文字字段不是有效的 UTF-8。",
				    "A text field of the upload is not valid UTF-8.");
	if (u->doc_type.len && !docs_type_valid(u->doc_type.data))
		return fail(u, 400, "bad_doc_type", "文档类型无效。", arena_printf(r->arena,
			"Unknown doc_type '%s'; use audit_report, feasibility_study, standard, guideline, "
			"policy_notice, project_application, acceptance_report or other.", u->doc_type.data));
	if (characters(&u->title) > TITLE_MAX)
		return fail(u, 400, "field_too_long", "标题不能超过 500 个字。", "The title is longer than 500 characters.");
	const char *vis = u->visibility.len ? u->visibility.data : "restricted";
	if (strcmp(vis, "public") != 0 && strcmp(vis, "restricted") != 0)
		return fail(u, 400, "bad_visibility", "可见性无效。", "visibility must be 'public' or 'restricted'.");
	if (strcmp(vis, "public") == 0 && !portal_user_may_publish(&r->user))
		return fail(u, 403, "forbidden", "只有工作人员和管理员可以公开文档。",
			    "Only staff and admin may publish a document (visibility=public).");
	if (u->case_id.len) {
		const char *c = u->case_id.data;
		const char *colon = strchr(c, ':');
		int ok = colon && colon[1] && (strncmp(c, "audit:", 6) == 0 || strncmp(c, "project:", 8) == 0) &&
			 strspn(colon + 1, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_") == strlen(colon + 1);
		if (!ok)
			return fail(u, 400, "bad_case", "案卷无效。", "case must look like 'audit:ID' or 'project:ID'.");
		struct rctx ctx;
		rh_ctx(r, &ctx, NULL);
		if (link_may_attach(&ctx, u->case_id.data, NULL)) {
			/* ctx.msg is Chinese, then English (records.h) */
			u->status = ctx.status;
			u->code = ctx.code;
			u->message = ctx.msg;
			u->zh = ctx.status == 403 ? "您不能向这个案卷添加文档。" : "案卷不存在，或您无权查看。";
			return -1;
		}
	}
	return 0;
}

/* Store and record one file: 0, or a refusal through file_fail() (-1 for
 * the API, whose request it ends; 0 for the form, which goes on). */
static int record_file(struct upload *u, struct upfile *f)
{
	struct request *r = u->r;
	char mime[128], err[256];
	if (portal_detect_mime(f->w.tmp_path, mime, sizeof mime, err, sizeof err) < 0)
		snprintf(mime, sizeof mime, "application/octet-stream");
	int existed;
	int stored = store_commit(&f->w, &existed, err, sizeof err);
	if (stored < 0)
		return storage_failed(u, f, stored, err) < 0 ? -1 : 0;
	struct doc_new d = {
		.sha256 = f->w.sha256, .filename = f->filename, .size = f->w.size, .mime = mime,
		.title = u->title.len ? u->title.data : NULL,
		.doc_type = u->doc_type.len ? u->doc_type.data : NULL,
		.visibility = u->visibility.len ? u->visibility.data : "restricted",
		.case_id = u->case_id.len ? u->case_id.data : NULL,
		.uploader_id = r->user.id, .uploader = &r->user,
	};
	if (docs_create(r->db, &d, f->id, &f->duplicate, err, sizeof err) < 0) {
		int full = sqlite3_errcode(r->db) == SQLITE_FULL;
		portal_log("upload: %s", err);
		if (!existed)	/* no row will ever name the object just stored */
			store_forget(f->w.sha256);
		f->id[0] = '\0';
		if (full)
			return file_fail(u, f, 507, "storage", "服务器存储空间已满，文件未能保存。",
					 "The server's disk is full; the file could not be stored.") < 0 ? -1 : 0;
		return file_fail(u, f, 503, "database", "文档未能登记，请稍后重试。",
				 "The document could not be recorded; please try again.") < 0 ? -1 : 0;
	}
	return 0;
}

/* ---- the API ------------------------------------------------------------- */

static void answer_api(struct upload *u)
{
	struct upfile *f = &u->files[0];
	json_t *o = json_pack("{s:s,s:s,s:s}", "id", f->id, "status", "pending", "sha256", f->w.sha256);
	if (f->duplicate) {
		json_t *doc = docs_get_json(u->r->db, f->id);
		if (doc) {
			json_object_set(o, "status", json_object_get(doc, "status"));
			json_decref(doc);
		}
		json_object_set_new(o, "duplicate", json_true());
	}
	resp_header(u->r, "Location", arena_printf(u->r->arena, "/api/documents/%s", f->id));
	resp_json(u->r, f->duplicate ? 200 : 202, o);
}

/* ---- the page -------------------------------------------------------------- */

/* What the page shows besides the form: the outcome of a post or of
 * earlier posts (?done=), a refusal of the whole post, and the choices to
 * keep (a refused form is shown again as it was sent). */
struct view {
	struct upload *u;		/* a post's files, or NULL */
	const char *const *done;	/* ?done= ids, NULL-terminated, or NULL */
	const char *dup;		/* ?dup= ids, comma-separated */
	const char *error;		/* the whole post's refusal, Chinese */
	const char *doc_type, *case_id, *visibility;
	const char *follow;		/* a post's ?done= address, to follow its files */
	int pending;			/* set while rendering: a document awaits indexing */
};

static int in_list(const char *list, const char *id)
{
	size_t n = strlen(id);
	for (const char *p = list; p && *p; ) {
		const char *e = strchr(p, ',');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		if (len == n && strncmp(p, id, n) == 0)
			return 1;
		p = e ? e + 1 : NULL;
	}
	return 0;
}

/* Why the indexer could not read a document (its "error", an English
 * sentence from src/text), in Chinese: the kind of reason, found by its
 * words; the sentence itself stays on the document's page. htdocs/upload.js
 * holds the same table. */
static const struct { const char *needle, *zh; } failures[] = {
	{ "encrypted", "文件已加密（有密码保护），无法读取其中的文字。" },
	{ "Archives", "不支持压缩包，请逐个上传其中的文档。" },
	{ "Images of type", "不支持这种格式的图片；文字识别只读 PNG、JPEG 和 TIFF。" },
	{ "Sound and video", "音频和视频文件没有可索引的文字。" },
	{ "is a program", "这是程序文件，不是文档，未读取。" },
	{ "no text layer", "PDF 没有文字层（可能是扫描件），未能识别出文字。" },
	{ "No text was recognised", "图片中没有识别出文字。" },
	{ "holds no text", "文件中没有可索引的文字。" },
	{ "not supported", "不支持这种类型的文件。" },
	{ "matches no known document type", "不支持这种类型的文件。" },
	{ "could not be determined", "无法确定文件类型，未读取。" },
	{ "took longer than", "读取文件超时，已停止。" },
	{ "processor time", "读取文件超时，已停止。" },
	{ "more text than", "文件中的文字过多，无法全部读取。" },
	{ "larger than", "文件过大，未读取。" },
	{ "The file is empty", "文件是空的。" },
	{ "character set", "文件的字符集无法识别。" },
	{ "was refused", "文件结构可疑，已拒绝读取。" },
	{ "damaged", "文件已损坏，无法读取其中的文字。" },
};

static const char *failure_zh(const char *err)
{
	for (size_t i = 0; err && i < sizeof failures / sizeof failures[0]; i++)
		if (strcasestr(err, failures[i].needle))
			return failures[i].zh;
	return "无法读取文件中的文字。";
}

/* One line of the results: the file's name, its state in words and the
 * document's link. doc: its record (GET /api/documents/ID), or NULL when
 * refused (zh says why). */
static void result_row(struct view *v, struct buf *b, const char *name, const char *id,
		       json_t *doc, int duplicate, const char *zh)
{
	const char *status = doc ? json_string_value(json_object_get(doc, "status")) : NULL;
	const char *cls = !doc ? "refused" : duplicate ? "duplicate" : status ? status : "pending";
	html_raw(b, "<li class=\"file ");
	html_attr(b, cls);
	html_raw(b, "\"><span class=\"name\">");
	html_txt(b, name);
	html_raw(b, "</span><span class=\"state\">");
	if (!doc) {
		html_raw(b, "失败：");
		html_txt(b, zh);
	} else if (duplicate) {
		html_raw(b, "已在门户中");
	} else if (status && strcmp(status, "indexed") == 0) {
		html_raw(b, "已索引");
	} else if (status && strcmp(status, "failed") == 0) {
		const char *why = json_string_value(json_object_get(doc, "error"));
		html_raw(b, "失败：");
		html_txt(b, failure_zh(why));
	} else {
		char pending[64];
		html_txt(b, docs_pending_label(doc, pending, sizeof pending));
		v->pending = 1;
	}
	html_raw(b, "</span>");
	if (doc) {
		const char *title = json_string_value(json_object_get(doc, "title"));
		html_raw(b, "<a class=\"doc\" href=\"/documents/");
		html_attr(b, id);
		html_raw(b, "\">");
		html_txt(b, title && *title ? title : "查看文档");
		html_raw(b, "</a>");
	}
	html_raw(b, "</li>");
}

/* A stored document as the caller may see it, or NULL. */
static json_t *visible_doc(struct request *r, const char *id)
{
	if (!docs_id_valid(id) || !docs_may_read(r->db, &r->user, id))
		return NULL;
	return docs_get_json(r->db, id);
}

static void results(struct view *v, struct buf *b)
{
	struct request *r = v->u ? v->u->r : NULL;
	html_raw(b, "<h2 id=\"upload-results\">上传结果</h2><ul class=\"upload-list\">");
	if (v->u) {
		for (size_t i = 0; i < v->u->nfiles; i++) {
			struct upfile *f = &v->u->files[i];
			json_t *doc = f->status ? NULL : visible_doc(r, f->id);
			result_row(v, b, f->filename, f->id, doc, f->duplicate,
				   f->zh ? f->zh : "文件未能保存。");
			json_decref(doc);
		}
	}
	html_raw(b, "</ul>");
}

static void choice_option(struct buf *b, const char *value, const char *label, const char *chosen)
{
	html_raw(b, "<option value=\"");
	html_attr(b, value);
	html_raw(b, chosen && strcmp(chosen, value) == 0 ? "\" selected>" : "\">");
	html_txt(b, label);
	html_raw(b, "</option>");
}

/* The case menu: the cases the caller may add documents to, by name.
 * Returns 1 when chosen (a case asked for) is among them. */
static int case_choice(struct request *r, struct buf *b, const char *chosen)
{
	struct rctx c;
	rh_ctx(r, &c, NULL);
	json_t *cases = link_attachable_cases(&c, 500), *x;
	size_t i;
	int found = 0;
	if (json_array_size(cases)) {
		html_raw(b, "<label>案卷（可选） <select name=\"case\"><option value=\"\">不归入案卷</option>");
		json_array_foreach(cases, i, x) {
			const char *id = json_string_value(json_object_get(x, "case"));
			found |= chosen && strcmp(chosen, id) == 0;
			choice_option(b, id, json_string_value(json_object_get(x, "title")), chosen);
		}
		html_raw(b, "</select></label>");
	}
	json_decref(cases);
	return found;
}

static void upload_page(struct request *r, struct view *v)
{
	struct buf *b = &r->out;
	struct buf form = BUF_INIT;
	ui_page_begin(r, "上传文档");
	html_raw(b, "<section class=\"upload\"><h1>上传文档</h1>");
	if (v->error) {
		html_raw(b, "<p class=\"form-error\" role=\"alert\">");
		html_txt(b, v->error);
		html_raw(b, "</p>");
	}
	if (v->u) {	/* some files were refused: say so before the form */
		size_t refused = 0;
		for (size_t i = 0; i < v->u->nfiles; i++)
			refused += v->u->files[i].status != 0;
		html_raw(b, "<p class=\"form-error\" role=\"alert\">");
		html_txtf(b, "%zu 个文件未能上传，原因见", refused);
		html_raw(b, "<a href=\"#upload-results\">上传结果</a>");
		html_txt(b, refused < v->u->nfiles ? "；其余文件已保存。" : "。");
		html_raw(b, "</p>");
	}

	/* The form first, into its own buffer: whether the case asked for is
	 * on offer is known once the menu is written. */
	html_raw(&form, "<form class=\"upload-form\" method=\"post\" action=\"/upload\" "
			"enctype=\"multipart/form-data\" data-max=\"");
	html_txtf(&form, "%llu", portal_settings()->max_upload);
	html_raw(&form, "\" data-limit=\"");
	html_attr(&form, limit_text(r->arena));
	html_raw(&form, "\">");
	ui_csrf_field(r, &form);
	html_raw(&form, "<label>类型 <select name=\"doc_type\">");
	choice_option(&form, "", "自动识别", v->doc_type);
	for (size_t i = 0; portal_doc_types[i]; i++)
		choice_option(&form, portal_doc_types[i], docs_type_label(portal_doc_types[i]), v->doc_type);
	html_raw(&form, "</select></label>");
	int offered = case_choice(r, &form, v->case_id);
	if (portal_user_may_publish(&r->user)) {
		html_raw(&form, "<label>可见性 <select name=\"visibility\">");
		choice_option(&form, "restricted", "受限（仅上传单位和工作人员可见）", v->visibility);
		choice_option(&form, "public", "公开", v->visibility);
		html_raw(&form, "</select></label>");
	}
	html_raw(&form, "<div class=\"dropzone\"><label for=\"upload-files\"><strong>拖放文件到这里，或点击选择文件</strong>"
			"<small>可一次选择多个文件，每个不超过 ");
	html_txt(&form, limit_text(r->arena));
	html_raw(&form, "</small><small>支持 PDF、Word、Excel、文本、网页和图片</small></label>"
			"<input id=\"upload-files\" type=\"file\" name=\"file\" multiple required></div>"
			"<button type=\"submit\">上传</button></form>");

	if (v->case_id && *v->case_id && !offered && !v->error) {
		html_raw(b, "<p class=\"form-error\" role=\"alert\">您不能向所选案卷添加文档，或该案卷不存在；"
			    "请从下面的列表中选择。</p>");
	}
	buf_append(b, form.data ? form.data : "", form.len);
	buf_free(&form);

	if (v->u && v->u->nfiles) {
		results(v, b);
	} else if (v->done) {
		html_raw(b, "<h2 id=\"upload-results\">上传结果</h2><ul class=\"upload-list\">");
		for (size_t i = 0; v->done[i]; i++) {
			json_t *doc = visible_doc(r, v->done[i]);
			if (!doc)
				continue;
			const char *name = json_string_value(json_object_get(doc, "filename"));
			result_row(v, b, name ? name : v->done[i], v->done[i], doc, in_list(v->dup, v->done[i]), NULL);
			json_decref(doc);
		}
		html_raw(b, "</ul>");
	} else {
		html_raw(b, "<h2 id=\"upload-results\" hidden>上传结果</h2><ul class=\"upload-list\" hidden></ul>");
	}
	if (v->pending && v->follow) {
		/* The answer to a post: reloading it would lose the refusals
		 * it shows, so the following is a link away. */
		html_raw(b, "<p class=\"upload-note\">正在等待索引：<a href=\"");
		html_attr(b, v->follow);
		html_raw(b, "\">查看索引进度</a></p>");
	} else if (v->pending) {
		/* No JavaScript: the page asks again until every document is
		 * indexed (Refresh, as <meta http-equiv="refresh"> would). */
		resp_header(r, "Refresh", "3");
		html_raw(b, "<p class=\"upload-note\">正在等待索引，本页每 3 秒自动刷新。</p>");
	}
	html_raw(b, "</section><script src=\"/static/upload.js\" defer></script>");
	ui_page_end(r);
}

/* ---- both doors ------------------------------------------------------------ */

/* The form's answer: every file stored goes on to the page that follows
 * them (?done=); anything refused shows the page at once, each file with
 * its outcome. */
static void answer_form(struct upload *u)
{
	struct request *r = u->r;
	struct buf done = BUF_INIT, dup = BUF_INIT;
	int refused = 0, stored = 0;
	for (size_t i = 0; i < u->nfiles; i++) {
		struct upfile *f = &u->files[i];
		if (f->status) {
			refused++;
			continue;
		}
		stored++;
		buf_printf(&done, "%s%s", done.len ? "," : "", f->id);
		if (f->duplicate)
			buf_printf(&dup, "%s%s", dup.len ? "," : "", f->id);
	}
	const char *follow = arena_printf(r->arena, "/upload?done=%s%s%s#upload-results",
					  buf_str(&done), dup.len ? "&dup=" : "", buf_str(&dup));
	if (!refused) {
		r->status = 303;
		resp_header(r, "Location", follow);
	} else {
		struct view v = { .u = u, .doc_type = buf_str(&u->doc_type), .case_id = buf_str(&u->case_id),
				  .visibility = buf_str(&u->visibility), .follow = follow };
		upload_page(r, &v);
		if (!stored)
			for (size_t i = 0; i < u->nfiles; i++)
				if (u->files[i].status) {
					r->status = u->files[i].status;
					break;
				}
	}
	buf_free(&done);
	buf_free(&dup);
}

/* One upload, from either door. */
#define R_NO_UPLOAD "行业主管部门只能查看，不能上传文档。 A sector authority reads only; it cannot upload documents."

static void handle_upload(struct request *r, int form)
{
	char boundary[80];
	if (!portal_user_may_upload(&r->user)) {
		portal_error(r, 403, "forbidden", R_NO_UPLOAD);
		return;
	}
	if (!r->content_type || multipart_boundary(r->content_type, boundary, sizeof boundary) < 0) {
		portal_error(r, 415, "bad_content_type",
			     "上传须以 multipart/form-data 发送。Uploads must be sent as multipart/form-data with a boundary (as curl -F or an HTML form does).");
		return;
	}
	if (r->content_length >= 0 &&
	    (unsigned long long)r->content_length > portal_settings()->max_upload + 65536) {
		portal_error(r, 413, "too_large", arena_printf(r->arena,
			"上传过大：文件合计不能超过 %s。The request is larger than the upload limit of %llu bytes.",
			limit_text(r->arena), portal_settings()->max_upload));
		return;
	}
	struct upload *u = arena_alloc(r->arena, sizeof *u);
	memset(u, 0, sizeof *u);
	u->r = r;
	u->form = form;
	if (read_body(u, boundary) < 0)
		goto refuse;
	if (form) {	/* the empty file input of a form sent with no file chosen */
		size_t k = 0;
		for (size_t i = 0; i < u->nfiles; i++) {
			if (u->files[i].unnamed && u->files[i].w.size == 0 && !u->files[i].status)
				store_abort(&u->files[i].w);
			else
				u->files[k++] = u->files[i];
		}
		u->nfiles = k;
	}
	if (check_fields(u) < 0)
		goto refuse;
	for (size_t i = 0; i < u->nfiles; i++) {
		struct upfile *f = &u->files[i];
		if (f->status)
			continue;
		if (f->w.size == 0) {
			file_fail(u, f, 400, "empty_file", "文件是空的（0 字节）。", "The uploaded file is empty (0 bytes).");
			continue;
		}
		if (record_file(u, f) < 0)
			goto refuse;
	}
	if (form)
		answer_form(u);
	else
		answer_api(u);
	goto out;
refuse:
	if (form && u->status && strcmp(u->code, "csrf") != 0) {
		struct view v = { .error = u->zh, .doc_type = buf_str(&u->doc_type),
				  .case_id = buf_str(&u->case_id), .visibility = buf_str(&u->visibility) };
		upload_page(r, &v);
		r->status = u->status;
	} else {
		portal_error(r, u->status ? u->status : 400, u->code ? u->code : "bad_upload",
			     u->message ? u->message : "上传未能读取。The upload could not be read.");
	}
out:
	for (size_t i = 0; i < u->nfiles; i++)
		store_abort(&u->files[i].w);
	buf_free(&u->title);
	buf_free(&u->doc_type);
	buf_free(&u->visibility);
	buf_free(&u->case_id);
	buf_free(&u->csrf);
}

static void ui_api_upload(struct request *r) { handle_upload(r, 0); }

static void ui_form_upload(struct request *r) { handle_upload(r, 1); }

/* A ?done= or ?dup= list: document ids, comma-separated, at most FILES_MAX. */
static const char **id_list(struct request *r, const char *list)
{
	const char **ids = arena_alloc(r->arena, (FILES_MAX + 1) * sizeof *ids);
	size_t n = 0;
	for (const char *p = list; p && *p && n < FILES_MAX; ) {
		const char *e = strchr(p, ',');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		char *id = arena_strndup(r->arena, p, len);
		if (docs_id_valid(id))
			ids[n++] = id;
		p = e ? e + 1 : NULL;
	}
	ids[n] = NULL;
	return ids;
}

static void ui_upload_page(struct request *r)
{
	if (!portal_user_may_upload(&r->user)) {
		portal_error(r, 403, "forbidden", R_NO_UPLOAD);
		return;
	}
	const char *done = req_param(r, "done");
	struct view v = { .case_id = req_param(r, "case"), .dup = req_param(r, "dup") };
	if (done)
		v.done = id_list(r, done);
	upload_page(r, &v);
}

static const char *const upload_params[] = { "case", "done", "dup", NULL };

static const struct page pages[] = {
	{ "POST", "/api/documents", ui_api_upload, NULL, PAGE_USER },
	{ "GET", "/upload", ui_upload_page, upload_params, PAGE_USER },
	{ "POST", "/upload", ui_form_upload, NULL, PAGE_USER },
};

int main(void)
{
	static const struct fcgi_program prog = { "upload.fcgi", pages, sizeof pages / sizeof pages[0], NULL };
	return portal_fcgi_main(&prog);
}
