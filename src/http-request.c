/* http-request.c: request parameters and page dispatch. */
#include "http-request.h"
#include "http-response.h"
#include "arena.h"
#include "buf.h"

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

size_t req_read(struct request *r, char *data, size_t len)
{
	int n = FCGX_GetStr(data, (int)len, r->fcgi->in);
	return n > 0 ? (size_t)n : 0;
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

static int csrf_ok(const struct request *r, const char *given)
{
	if (r->via_bearer || !r->session_id)
		return 1;	/* only cookie-authenticated requests can be forged */
	return given && r->csrf_token && strlen(given) == strlen(r->csrf_token) &&
	       sodium_memcmp(given, r->csrf_token, strlen(given)) == 0;
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
	if (!csrf_ok(r, req_form(r, "csrf"))) {
		portal_error(r, 403, "csrf", "表单已过期或来源不明，请刷新页面后重试。The form's security token is missing or wrong: reload the page and try again.");
		return -1;
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
	if (!csrf_ok(r, FCGX_GetParam("HTTP_X_CSRF_TOKEN", r->fcgi->envp))) {
		portal_error(r, 403, "csrf", "The X-CSRF-Token header is missing or wrong.");
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
		pages[i].fn(r);
		return;
	}
	if (path_matched)
		portal_error(r, 405, "method_not_allowed",
			     arena_printf(r->arena, "This address does not accept %s requests.", r->method));
	else
		portal_error(r, 404, "not_found", "There is no page at this address.");
}
