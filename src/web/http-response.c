/* http-response.c: status, headers and the one error renderer. */
#include "http-response.h"
#include "request.h"
#include "html.h"
#include "log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char *http_reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 201: return "Created";
	case 202: return "Accepted";
	case 204: return "No Content";
	case 302: return "Found";
	case 303: return "See Other";
	case 304: return "Not Modified";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 409: return "Conflict";
	case 411: return "Length Required";
	case 413: return "Payload Too Large";
	case 415: return "Unsupported Media Type";
	case 421: return "Misdirected Request";
	case 422: return "Unprocessable Entity";
	case 429: return "Too Many Requests";
	case 500: return "Internal Server Error";
	case 503: return "Service Unavailable";
	case 507: return "Insufficient Storage";
	default: return "Unknown";
	}
}

void resp_header(struct request *r, const char *name, const char *value)
{
	if (strpbrk(value, "\r\n") || strpbrk(name, "\r\n:"))
		portal_fatal("header %s carries a line break", name);
	buf_printf(&r->headers, "%s: %s\r\n", name, value);
}

#define PRIVATE_HEADER "Cache-Control: private, no-store\r\n"

/* 1 when the extra headers hold a header called name. */
static int has_header(const struct request *r, const char *name)
{
	size_t n = strlen(name);
	const char *h = r->headers.data, *end = h + r->headers.len;
	while (h && h < end) {
		if ((size_t)(end - h) > n && strncasecmp(h, name, n) == 0 && h[n] == ':')
			return 1;
		h = memchr(h, '\n', (size_t)(end - h));
		h = h ? h + 1 : NULL;
	}
	return 0;
}

void resp_private(struct request *r)
{
	if (!has_header(r, "Cache-Control"))
		buf_puts(&r->headers, PRIVATE_HEADER);
}

/* A response for this caller alone: it answers credentials (a bearer token,
 * valid or not, or a session) or it sets a cookie. */
static int for_one_caller(const struct request *r)
{
	return r->user.id != 0 || r->authorization || r->session_id || has_header(r, "Set-Cookie");
}

void resp_json(struct request *r, int status, json_t *body)
{
	char *s = json_dumps(body, JSON_COMPACT);
	json_decref(body);
	if (!s)
		portal_fatal("json_dumps failed");
	r->status = status;
	r->content_type_out = "application/json; charset=utf-8";
	buf_reset(&r->out);
	buf_puts(&r->out, s);
	buf_putc(&r->out, '\n');
	free(s);
}

static void put_head(struct request *r)
{
	struct buf h = BUF_INIT;
	int status = r->status ? r->status : 200;
	buf_printf(&h, "Status: %d %s\r\n", status, http_reason(status));
	if (r->content_type_out)
		buf_printf(&h, "Content-Type: %s\r\n", r->content_type_out);
	buf_puts(&h, "X-Content-Type-Options: nosniff\r\n");
	if (for_one_caller(r) && !has_header(r, "Cache-Control"))
		buf_puts(&h, PRIVATE_HEADER);
	buf_append(&h, r->headers.data, r->headers.len);
	buf_puts(&h, "\r\n");
	FCGX_PutStr(h.data, (int)h.len, r->fcgi->out);
	buf_free(&h);
}

void resp_send_headers(struct request *r)
{
	put_head(r);
	r->sent = 1;
}

void resp_send(struct request *r)
{
	if (r->sent)
		return;
	if (!r->content_type_out)
		r->content_type_out = "text/html; charset=utf-8";
	char len[32];
	snprintf(len, sizeof len, "%zu", r->out.len);
	resp_header(r, "Content-Length", len);
	put_head(r);
	if (r->out.len && strcmp(r->method, "HEAD") != 0)
		FCGX_PutStr(r->out.data, (int)r->out.len, r->fcgi->out);
	r->sent = 1;
}
