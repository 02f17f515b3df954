/* html.c: HTML output with escaping chosen by the caller. */
#include "html.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static const char *entity(char c)
{
	switch (c) {
	case '&': return "&amp;";
	case '<': return "&lt;";
	case '>': return "&gt;";
	case '"': return "&quot;";
	case '\'': return "&#39;";
	default: return NULL;
	}
}

size_t html_escaped_len(const char *s, size_t len)
{
	size_t n = 0;
	for (size_t i = 0; i < len; i++) {
		const char *e = entity(s[i]);
		n += e ? strlen(e) : 1;
	}
	return n;
}

void html_escape_into(char *dst, const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		const char *e = entity(s[i]);
		if (e) {
			size_t el = strlen(e);
			memcpy(dst, e, el);
			dst += el;
		} else {
			*dst++ = s[i];
		}
	}
	*dst = '\0';
}

void html_raw(struct buf *b, const char *literal) { buf_puts(b, literal); }

void html_txtn(struct buf *b, const char *s, size_t len)
{
	size_t n = html_escaped_len(s, len);
	buf_grow(b, n);
	html_escape_into(b->data + b->len, s, len);
	b->len += n;
}

void html_txt(struct buf *b, const char *s)
{
	if (s)
		html_txtn(b, s, strlen(s));
}

/* Attribute values are always written inside double quotes, and the same
 * set of characters is escaped, so one escaper serves both. */
void html_attr(struct buf *b, const char *s) { html_txt(b, s); }

void html_txtf(struct buf *b, const char *fmt, ...)
{
	struct buf tmp = BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(&tmp, fmt, ap);
	va_end(ap);
	html_txtn(b, tmp.data, tmp.len);
	buf_free(&tmp);
}

void html_cell(struct buf *b, const char *text)
{
	html_raw(b, "<td>");
	if (text)
		html_txt(b, text);
	html_raw(b, "</td>");
}

void html_cell_int(struct buf *b, long long n)
{
	buf_printf(b, "<td>%lld</td>", n);	/* digits need no escaping */
}

void html_option(struct buf *b, const char *value, const char *text, int selected)
{
	html_raw(b, "<option value=\"");
	html_attr(b, value);
	html_raw(b, selected ? "\" selected>" : "\">");
	html_txt(b, text);
	html_raw(b, "</option>");
}
