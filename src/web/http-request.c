/* http-request.c: request parameters and page dispatch. */
#include "http-request.h"
#include "http-response.h"
#include "arena.h"
#include "buf.h"
#include "http-multipart.h"
#include "log.h"
#include "session.h"
#include "ui-shared.h"
#include "url.h"

#include <jansson.h>
#include <sodium.h>
#include <string.h>
#include <strings.h>

const char *req_param(const struct request *r, const char *name)
{
	for (int i = 0; i < r->nparams; i++)
		if (strcmp(r->params[i].name, name) == 0)
			return r->params[i].value;
	return NULL;
}

/* ---- CSRF --------------------------------------------------------------- */

static int token_equal(const char *given, const char *expected)
{
	return given && expected && strlen(given) == strlen(expected) &&
	       sodium_memcmp(given, expected, strlen(given)) == 0;
}

/* The first "csrf" field of a multipart body, checked as req_read() hands
 * the body out: the parser runs beside the handler's own, on the same
 * bytes, and stops at that field. */
#define SNIFF_MAX 256
struct csrf_sniffer {
	struct request *r;
	struct multipart_parser *mp;
	int in_field, done;
	char value[SNIFF_MAX];
	size_t len;
};

static int sniff_begin(void *ctx, const char *name, const char *filename, const char *ctype)
{
	struct csrf_sniffer *s = ctx;
	s->in_field = strcmp(name, "csrf") == 0;
	return 0;
}

static int sniff_data(void *ctx, const char *data, size_t len)
{
	struct csrf_sniffer *s = ctx;
	if (!s->in_field)
		return 0;
	if (s->len + len >= SNIFF_MAX)
		return -1;	/* no token is that long: stop, unverified */
	memcpy(s->value + s->len, data, len);
	s->len += len;
	return 0;
}

static int sniff_end(void *ctx)
{
	struct csrf_sniffer *s = ctx;
	if (!s->in_field)
		return 0;
	s->value[s->len] = '\0';
	if (token_equal(s->value, s->r->csrf_expected))
		s->r->csrf = CSRF_VERIFIED;
	s->done = 1;
	return -1;	/* the first csrf field decides */
}

static const struct multipart_callbacks sniff_callbacks = { sniff_begin, sniff_data, sniff_end };

static void sniffer_free(void *p)
{
	struct csrf_sniffer *s = p;
	multipart_free(s->mp);
}

static void sniff(struct request *r, const char *data, size_t len)
{
	struct csrf_sniffer *s = r->csrf_sniffer;
	if (!s || s->done || r->csrf != CSRF_IN_BODY)
		return;
	if (multipart_feed(s->mp, data, len) < 0)
		s->done = 1;
}

size_t req_read(struct request *r, char *data, size_t len)
{
	int n = FCGX_GetStr(data, (int)len, r->fcgi->in);
	if (n <= 0)
		return 0;
	sniff(r, data, (size_t)n);
	return (size_t)n;
}

/* Read the whole body (at most max bytes) into b. -1 after answering. */
static int read_body(struct request *r, size_t max, struct buf *b)
{
	if (r->content_length > (long long)max) {
		portal_error(r, 413, "too_large", arena_printf(r->arena,
			"The request body is larger than %zu bytes.", max));
		return -1;
	}
	char chunk[8192];
	size_t n;
	while ((n = req_read(r, chunk, sizeof chunk)) > 0) {
		if (b->len + n > max) {
			portal_error(r, 413, "too_large", arena_printf(r->arena,
				"The request body is larger than %zu bytes.", max));
			return -1;
		}
		buf_append(b, chunk, n);
	}
	return 0;
}

static int type_is(const char *content_type, const char *want)
{
	size_t n = strlen(want);
	return content_type && strncasecmp(content_type, want, n) == 0 &&
	       (content_type[n] == '\0' || content_type[n] == ';' || content_type[n] == ' ');
}

int req_form_read(struct request *r, size_t max)
{
	if (!type_is(r->content_type, "application/x-www-form-urlencoded")) {
		portal_error(r, 415, "bad_content_type", "This form must be sent as application/x-www-form-urlencoded.");
		return -1;
	}
	struct buf b = BUF_INIT;
	if (read_body(r, max, &b) < 0) {
		buf_free(&b);
		return -1;
	}
	r->nform = url_parse_query(r->arena, buf_str(&b), &r->form);
	buf_free(&b);
	if (r->nform < 0) {
		r->nform = 0;
		portal_error(r, 400, "bad_form", "The form data is malformed (a broken %-escape).");
		return -1;
	}
	if (r->csrf == CSRF_IN_BODY) {
		if (!token_equal(req_form(r, "csrf"), r->csrf_expected)) {
			portal_error(r, 403, "csrf", "表单已过期或来源不明，请刷新页面后重试。The form's security token is missing or wrong: reload the page and try again.");
			return -1;
		}
		r->csrf = CSRF_VERIFIED;
	}
	return 0;
}

const char *req_form(const struct request *r, const char *name)
{
	for (int i = 0; i < r->nform; i++)
		if (strcmp(r->form[i].name, name) == 0)
			return r->form[i].value;
	return NULL;
}

json_t *req_json_read(struct request *r, size_t max)
{
	if (!type_is(r->content_type, "application/json")) {
		portal_error(r, 415, "bad_content_type", "This request body must be JSON (Content-Type: application/json).");
		return NULL;
	}
	struct buf b = BUF_INIT;
	if (read_body(r, max, &b) < 0) {
		buf_free(&b);
		return NULL;
	}
	json_error_t e;
	json_t *j = json_loadb(buf_str(&b), b.len, JSON_REJECT_DUPLICATES, &e);
	buf_free(&b);
	if (!j) {
		portal_error(r, 400, "bad_json", arena_printf(r->arena,
			"The request body is not valid JSON: %s (line %d).", e.text, e.line));
		return NULL;
	}
	return j;
}

/* Match path against pattern; on a match with '*', the segment goes to *arg. */
static int match(const char *pattern, const char *path, struct arena *a, const char **arg)
{
	*arg = NULL;
	while (*pattern) {
		if (*pattern == '*') {
			const char *end = path;
			while (*end && *end != '/')
				end++;
			if (end == path)
				return 0;
			*arg = arena_strndup(a, path, (size_t)(end - path));
			path = end;
			pattern++;
			continue;
		}
		if (*pattern != *path)
			return 0;
		pattern++;
		path++;
	}
	return *path == '\0';
}

static int declared(const struct page *p, const char *name)
{
	for (const char *const *d = p->params; d && *d; d++)
		if (strcmp(*d, name) == 0)
			return 1;
	return 0;
}

/* ---- preconditions, enforced before any handler runs ------------------- */

static int is_safe_method(const char *method)
{
	return strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0;
}

/* The length of the host name at the start of an authority ("host",
 * "host:port", "[v6]:port"), without the port. */
static size_t host_len(const char *authority, size_t n)
{
	if (n && authority[0] == '[') {
		const char *end = memchr(authority, ']', n);
		return end ? (size_t)(end - authority) + 1 : n;
	}
	const char *colon = memchr(authority, ':', n);
	return colon ? (size_t)(colon - authority) : n;
}

/* "scheme://authority/..." names the host the request was sent to. Ports
 * are not compared: nginx's HTTP_HOST has none, and cookies do not tell
 * ports apart either. */
static int url_has_host(const char *url, const char *host)
{
	const char *p = strstr(url, "://");
	if (!p || !host || !*host)
		return 0;
	p += 3;
	size_t n = strcspn(p, "/?#");
	if (memchr(p, '@', n))
		return 0;
	size_t a = host_len(p, n), b = host_len(host, strlen(host));
	return a == b && strncasecmp(p, host, a) == 0;
}

/* The request comes from a page of this site, or says nothing about where
 * it comes from (then its token decides). */
static int same_site(const struct request *r)
{
	const char *host = FCGX_GetParam("HTTP_HOST", r->fcgi->envp);
	const char *origin = FCGX_GetParam("HTTP_ORIGIN", r->fcgi->envp);
	const char *referer = FCGX_GetParam("HTTP_REFERER", r->fcgi->envp);
	if (origin && *origin)
		return url_has_host(origin, host);	/* "null" too is refused */
	if (referer && *referer)
		return url_has_host(referer, host);
	return 1;
}

static int is_form(const char *content_type)
{
	return type_is(content_type, "application/x-www-form-urlencoded") ||
	       type_is(content_type, "multipart/form-data");
}

/* The database refuses writes while a form's token is still unchecked. */
static int write_gate(void *ctx, int action, const char *a, const char *b, const char *c, const char *d)
{
	struct request *r = ctx;
	if (r->csrf != CSRF_IN_BODY ||
	    (action != SQLITE_INSERT && action != SQLITE_UPDATE && action != SQLITE_DELETE))
		return SQLITE_OK;
	portal_log("%s %s wrote to %s before its form's CSRF token was checked: refused",
		   r->method, r->path, a ? a : "?");
	return SQLITE_DENY;
}

static void expect_token_in_body(struct request *r)
{
	r->csrf = CSRF_IN_BODY;
	sqlite3_set_authorizer(r->db, write_gate, r);
	char boundary[80];
	if (multipart_boundary(r->content_type, boundary, sizeof boundary) < 0)
		return;
	struct csrf_sniffer *s = arena_alloc(r->arena, sizeof *s);
	s->r = r;
	s->mp = multipart_new(boundary, &sniff_callbacks, s);
	arena_on_destroy(r->arena, sniffer_free, s);
	r->csrf_sniffer = s;
}

static int refuse_csrf(struct request *r, const char *why)
{
	portal_error(r, 403, "csrf", why);
	return -1;
}

/* Decide r's CSRF check (see portal_dispatch in the header); -1 after a 403. */
static int csrf_precondition(struct request *r, const struct page *p)
{
	if (is_safe_method(r->method) || r->via_bearer)
		return 0;
	if (p->needs & PAGE_SIGN_IN)
		r->csrf_expected = session_login_token(r);
	else if (r->session_id)
		r->csrf_expected = r->csrf_token;
	else
		return 0;	/* anonymous: nothing to forge */
	if (!same_site(r))
		return refuse_csrf(r, "请求来自其他网站，已拒绝。This request comes from another site and was refused.");
	if (!r->csrf_expected)
		return refuse_csrf(r, "登录表单已过期，请刷新页面后重试。The sign-in form has expired: reload the page and try again.");
	const char *header = FCGX_GetParam("HTTP_X_CSRF_TOKEN", r->fcgi->envp);
	if (header) {
		if (!token_equal(header, r->csrf_expected))
			return refuse_csrf(r, "X-CSRF-Token 不正确。The X-CSRF-Token header is wrong.");
		r->csrf = CSRF_VERIFIED;
		return 0;
	}
	if (strcmp(r->method, "POST") == 0 && is_form(r->content_type)) {
		expect_token_in_body(r);
		return 0;
	}
	return refuse_csrf(r, "缺少 X-CSRF-Token。A browser session must send its CSRF token in the X-CSRF-Token header.");
}

/* Where an anonymous browser is sent to sign in and come back: this
 * address, its query escaped into next's value. */
static const char *sign_in_address(const struct request *r)
{
	if (!r->query || !*r->query)
		return arena_printf(r->arena, "/login?next=%s", r->path);
	return arena_printf(r->arena, "/login?next=%s%%3F%s", r->path, url_encode(r->arena, r->query));
}

static void ask_to_sign_in(struct request *r)
{
	if (!r->is_api && is_safe_method(r->method)) {
		r->status = 303;
		resp_header(r, "Location", sign_in_address(r));
		return;
	}
	portal_error(r, 401, "unauthenticated", "请先登录。Sign in (or send a bearer token) first.");
	resp_header(r, "WWW-Authenticate", "Bearer");	/* after the error page's own headers */
}

/* PAGE_USER and PAGE_STAFF: who may call the page at all; -1 after
 * answering. */
static int caller_precondition(struct request *r, const struct page *p)
{
	if (!(p->needs & (PAGE_USER | PAGE_STAFF)))
		return 0;
	if (!r->user.id) {
		ask_to_sign_in(r);
		return -1;
	}
	if ((p->needs & PAGE_STAFF) && !portal_user_sees_all(&r->user)) {
		portal_error(r, 403, "forbidden", "只有工作人员和管理员可以使用此页面。Only staff and admin may use this page.");
		return -1;
	}
	return 0;
}

static void run_page(struct request *r, const struct page *p)
{
	if (caller_precondition(r, p) < 0 || csrf_precondition(r, p) < 0)
		return;
	p->fn(r);
	if (r->csrf != CSRF_NONE)
		sqlite3_set_authorizer(r->db, NULL, NULL);
}

void portal_dispatch(struct request *r, const struct page *pages, size_t npages)
{
	int path_matched = 0;
	for (size_t i = 0; i < npages; i++) {
		const char *arg;
		if (!match(pages[i].pattern, r->path, r->arena, &arg))
			continue;
		path_matched = 1;
		if (strcmp(pages[i].method, r->method) != 0 &&
		    !(strcmp(pages[i].method, "GET") == 0 && strcmp(r->method, "HEAD") == 0))
			continue;
		for (int k = 0; k < r->nparams; k++) {
			if (!declared(&pages[i], r->params[k].name)) {
				portal_error(r, 400, "unknown_parameter",
					     arena_printf(r->arena, "This address does not take a parameter named '%s'.",
							  r->params[k].name));
				return;
			}
		}
		r->arg = arg;
		run_page(r, &pages[i]);
		return;
	}
	if (path_matched)
		portal_error(r, 405, "method_not_allowed",
			     arena_printf(r->arena, "This address does not accept %s requests.", r->method));
	else
		portal_error(r, 404, "not_found", "There is no page at this address.");
}
