/* upload.c: upload.fcgi, the write path for documents (POST /api/documents).
 *
 * The multipart body streams from nginx (request buffering is off) through
 * the parser into a temp file while it is hashed; nothing but one part's
 * small fields is held in memory. The bytes become durable under their
 * SHA-256 (store.h) and then the row and its indexing job are committed in
 * one SQLite transaction (docs.h); only then does the caller get 202. */
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

/* What one upload collects while the body streams by. */
struct upload {
	struct request *r;
	struct store_writer file;
	int have_file, in_file, file_open;
	char *filename;
	struct buf *field;	/* the text field being read, or NULL */
	struct buf title, doc_type, visibility, case_id, csrf;
	/* An error found inside a callback: answered after the parser stops. */
	int status;
	const char *code, *message;
};

static int fail(struct upload *u, int status, const char *code, const char *message)
{
	if (!u->status) {
		u->status = status;
		u->code = code;
		u->message = message;
	}
	return -1;
}

/* A store call failed with rc (store.h): 507 when the disk or quota is
 * full, which freeing space mends; any other cause is the server's fault,
 * answered 500 with the cause in the log. */
static int storage_failed(struct upload *u, int rc, const char *err)
{
	if (rc == STORE_FULL)
		return fail(u, 507, "storage", arena_strdup(u->r->arena, err));
	portal_log("upload: storage failed: %s", err);
	return fail(u, 500, "storage", "The file could not be stored because of a fault on the server; "
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
	if (strcmp(name, "file") == 0) {
		if (u->have_file)
			return fail(u, 400, "two_files", "The upload has more than one file field; send one file per request.");
		u->have_file = 1;
		u->in_file = 1;
		u->filename = clean_filename(u->r->arena, filename ? filename : "upload");
		int rc = store_begin(&u->file, err, sizeof err);
		if (rc < 0)
			return storage_failed(u, rc, err);
		u->file_open = 1;
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
		return fail(u, 400, "unknown_field", arena_printf(u->r->arena,
			"The upload has a field named '%s'; the fields are file, title, doc_type, visibility, case and csrf.", name));
	if (u->field->len)
		return fail(u, 400, "duplicate_field", arena_printf(u->r->arena, "The field '%s' is given twice.", name));
	return 0;
}

static int on_data(void *ctx, const char *data, size_t len)
{
	struct upload *u = ctx;
	char err[256];
	if (u->in_file) {
		if (u->file.size + len > portal_settings()->max_upload)
			return fail(u, 413, "too_large", arena_printf(u->r->arena,
				"The file is larger than the upload limit of %llu bytes.", portal_settings()->max_upload));
		int rc = store_write(&u->file, data, len, err, sizeof err);
		if (rc < 0)
			return storage_failed(u, rc, err);
		return 0;
	}
	if (u->field) {
		if (u->field->len + len > FIELD_MAX)
			return fail(u, 400, "field_too_long", "A text field of the upload is longer than 4096 bytes.");
		buf_append(u->field, data, len);
	}
	return 0;
}

static int on_end(void *ctx)
{
	struct upload *u = ctx;
	u->in_file = 0;
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
				"The request is larger than the upload limit of %llu bytes.", portal_settings()->max_upload));
			break;
		}
		if (multipart_feed(mp, chunk, n) < 0) {
			rc = fail(u, 400, "bad_multipart", arena_printf(r->arena,
				"The upload body is not valid multipart/form-data: %s.", multipart_error(mp)));
			break;
		}
	}
	if (rc == 0 && r->content_length >= 0 && total < (unsigned long long)r->content_length)
		rc = fail(u, 400, "truncated", "The upload body ended before the length it announced: the upload was interrupted.");
	if (rc == 0 && multipart_finish(mp) < 0)
		rc = fail(u, 400, "bad_multipart", arena_printf(r->arena,
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
		return fail(u, 403, "csrf", "The form's security token is missing or wrong: reload the page and try again.");
	if (!u->have_file)
		return fail(u, 400, "no_file", "The upload has no 'file' field: choose a file to upload.");
	if (u->file.size == 0)
		return fail(u, 400, "empty_file", "The uploaded file is empty (0 bytes).");
	struct buf *fields[] = { &u->title, &u->doc_type, &u->visibility, &u->case_id };
	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
		if (!portal_utf8_valid(fields[i]->data ? fields[i]->data : "", fields[i]->len) ||
		    memchr(buf_str(fields[i]), '\0', fields[i]->len))
			return fail(u, 400, "bad_encoding", "A text field of the upload is not valid UTF-8.");
	if (u->doc_type.len && !docs_type_valid(u->doc_type.data))
		return fail(u, 400, "bad_doc_type", arena_printf(r->arena,
			"Unknown doc_type '%s'; use audit_report, feasibility_study, standard, guideline, "
			"policy_notice, project_application, acceptance_report or other.", u->doc_type.data));
	if (characters(&u->title) > TITLE_MAX)
		return fail(u, 400, "field_too_long", "标题不能超过 500 个字。 The title is longer than 500 characters.");
	const char *vis = u->visibility.len ? u->visibility.data : "restricted";
	if (strcmp(vis, "public") != 0 && strcmp(vis, "restricted") != 0)
		return fail(u, 400, "bad_visibility", "visibility must be 'public' or 'restricted'.");
	if (strcmp(vis, "public") == 0 && !portal_user_may_publish(&r->user))
		return fail(u, 403, "forbidden", "Only staff and admin may publish a document (visibility=public).");
	if (u->case_id.len) {
		const char *c = u->case_id.data;
		const char *colon = strchr(c, ':');
		int ok = colon && colon[1] && (strncmp(c, "audit:", 6) == 0 || strncmp(c, "project:", 8) == 0) &&
			 strspn(colon + 1, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_") == strlen(colon + 1);
		if (!ok)
			return fail(u, 400, "bad_case", "case must look like 'audit:ID' or 'project:ID'.");
		struct rctx ctx;
		rh_ctx(r, &ctx, NULL);
		if (link_may_attach(&ctx, u->case_id.data, NULL))
			return fail(u, ctx.status, ctx.code, ctx.msg);
	}
	return 0;
}

/* The browser form: on success go to the document's page. */
static void answer_html(struct upload *u, const char *id, int duplicate)
{
	u->r->status = 303;
	resp_header(u->r, "Location", arena_printf(u->r->arena, "/documents/%s", id));
}

static void answer(struct upload *u, const char *id, int duplicate)
{
	json_t *o = json_pack("{s:s,s:s,s:s}", "id", id, "status", "pending", "sha256", u->file.sha256);
	if (duplicate) {
		json_t *doc = docs_get_json(u->r->db, id);
		if (doc) {
			json_object_set(o, "status", json_object_get(doc, "status"));
			json_decref(doc);
		}
		json_object_set_new(o, "duplicate", json_true());
	}
	resp_header(u->r, "Location", arena_printf(u->r->arena, "/api/documents/%s", id));
	resp_json(u->r, duplicate ? 200 : 202, o);
}

/* One upload, from either door; answered through done() on success. */
static void handle_upload(struct request *r, void (*done)(struct upload *, const char *, int))
{
	char boundary[80], err[256], id[DOC_ID_LEN];
	if (!r->content_type || multipart_boundary(r->content_type, boundary, sizeof boundary) < 0) {
		portal_error(r, 415, "bad_content_type",
			     "Uploads must be sent as multipart/form-data with a boundary (as curl -F or an HTML form does).");
		return;
	}
	if (r->content_length >= 0 &&
	    (unsigned long long)r->content_length > portal_settings()->max_upload + 65536) {
		portal_error(r, 413, "too_large", arena_printf(r->arena,
			"The request is larger than the upload limit of %llu bytes.", portal_settings()->max_upload));
		return;
	}
	struct upload u = { .r = r };
	u.file.fd = -1;
	if (read_body(&u, boundary) < 0 || check_fields(&u) < 0)
		goto refuse;

	char mime[128];
	if (portal_detect_mime(u.file.tmp_path, mime, sizeof mime, err, sizeof err) < 0)
		snprintf(mime, sizeof mime, "application/octet-stream");
	int existed;
	int stored = store_commit(&u.file, &existed, err, sizeof err);
	if (stored < 0) {
		storage_failed(&u, stored, err);
		goto refuse;
	}
	struct doc_new d = {
		.sha256 = u.file.sha256, .filename = u.filename, .size = u.file.size, .mime = mime,
		.title = u.title.len ? u.title.data : NULL,
		.doc_type = u.doc_type.len ? u.doc_type.data : NULL,
		.visibility = u.visibility.len ? u.visibility.data : "restricted",
		.case_id = u.case_id.len ? u.case_id.data : NULL,
		.uploader_id = r->user.id, .uploader = &r->user,
	};
	int duplicate;
	if (docs_create(r->db, &d, id, &duplicate, err, sizeof err) < 0) {
		int full = sqlite3_errcode(r->db) == SQLITE_FULL;
		portal_log("upload: %s", err);
		if (!existed)	/* no row will ever name the object just stored */
			store_forget(u.file.sha256);
		if (full)
			fail(&u, 507, "storage", "The server's disk is full; the file could not be stored.");
		else
			fail(&u, 503, "database", "The document could not be recorded; please try again.");
		goto refuse;
	}
	done(&u, id, duplicate);
	goto out;
refuse:
	portal_error(r, u.status ? u.status : 400, u.code ? u.code : "bad_upload",
		     u.message ? u.message : "The upload could not be read.");
out:
	store_abort(&u.file);
	buf_free(&u.title);
	buf_free(&u.doc_type);
	buf_free(&u.visibility);
	buf_free(&u.case_id);
	buf_free(&u.csrf);
}

static void ui_api_upload(struct request *r) { handle_upload(r, answer); }

static void ui_form_upload(struct request *r) { handle_upload(r, answer_html); }

/* The case menu: the cases the caller may add documents to, by name. */
static void case_choice(struct request *r, struct buf *b)
{
	struct rctx c;
	rh_ctx(r, &c, NULL);
	json_t *cases = link_attachable_cases(&c, 500), *x;
	size_t i;
	if (json_array_size(cases)) {
		html_raw(b, "<label>案卷（可选） <select name=\"case\"><option value=\"\">不归入案卷</option>");
		json_array_foreach(cases, i, x) {
			html_raw(b, "<option value=\"");
			html_attr(b, json_string_value(json_object_get(x, "case")));
			html_raw(b, "\">");
			html_txt(b, json_string_value(json_object_get(x, "title")));
			html_raw(b, "</option>");
		}
		html_raw(b, "</select></label>");
	}
	json_decref(cases);
}

static void ui_upload_page(struct request *r)
{
	struct buf *b = &r->out;
	ui_page_begin(r, "上传文档");
	html_raw(b, "<section class=\"upload\"><h1>上传文档</h1>"
		    "<form method=\"post\" action=\"/upload\" enctype=\"multipart/form-data\">");
	ui_csrf_field(r, b);
	html_raw(b, "<label>文件 <input type=\"file\" name=\"file\" required></label>"
		    "<label>标题（可选） <input name=\"title\" maxlength=\"500\"></label>"
		    "<label>类型 <select name=\"doc_type\"><option value=\"\">自动识别</option>");
	for (size_t i = 0; portal_doc_types[i]; i++) {
		html_raw(b, "<option value=\"");
		html_attr(b, portal_doc_types[i]);
		html_raw(b, "\">");
		html_txt(b, docs_type_label(portal_doc_types[i]));
		html_raw(b, "</option>");
	}
	html_raw(b, "</select></label>");
	case_choice(r, b);
	if (portal_user_may_publish(&r->user))
		html_raw(b, "<label>可见性 <select name=\"visibility\"><option value=\"restricted\">受限</option>"
			    "<option value=\"public\">公开</option></select></label>");
	html_raw(b, "<button type=\"submit\">上传</button></form></section>");
	ui_page_end(r);
}

static const struct page pages[] = {
	{ "POST", "/api/documents", ui_api_upload, NULL, PAGE_USER },
	{ "GET", "/upload", ui_upload_page, NULL, PAGE_USER },
	{ "POST", "/upload", ui_form_upload, NULL, PAGE_USER },
};

int main(void)
{
	static const struct fcgi_program prog = { "upload.fcgi", pages, sizeof pages / sizeof pages[0], NULL };
	return portal_fcgi_main(&prog);
}
