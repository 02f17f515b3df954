/* utf8.c: UTF-8 bytes: decode, encode, validate, count, fold.
 *
 * Pure byte work, no charsets and no allocation but the caller's buffer,
 * so every layer may use it. */
#include "utf8.h"

#include <string.h>

#define REPLACEMENT_BYTES "\xEF\xBF\xBD"

/* ---- decoding -------------------------------------------------------- */

size_t portal_utf8_seq_len(const char *str, size_t n, size_t *bad)
{
	const unsigned char *s = (const unsigned char *)str;
	unsigned c = s[0], lo = 0x80, hi = 0xBF;
	size_t need;

	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		need = 1;
	else if (c == 0xE0)
		need = 2, lo = 0xA0;		/* no overlongs */
	else if (c == 0xED)
		need = 2, hi = 0x9F;		/* no surrogates */
	else if (c >= 0xE1 && c <= 0xEF)
		need = 2;
	else if (c == 0xF0)
		need = 3, lo = 0x90;		/* no overlongs */
	else if (c == 0xF4)
		need = 3, hi = 0x8F;		/* nothing above U+10FFFF */
	else if (c >= 0xF1 && c <= 0xF3)
		need = 3;
	else {
		*bad = 1;
		return 0;
	}
	for (size_t i = 1; i <= need; i++) {
		if (i >= n || s[i] < lo || s[i] > hi) {
			*bad = i;
			return 0;
		}
		lo = 0x80;
		hi = 0xBF;
	}
	return need + 1;
}

int portal_utf8_valid(const char *s, size_t len)
{
	size_t i = 0, bad;

	while (i < len) {
		size_t k = portal_utf8_seq_len(s + i, len - i, &bad);
		if (!k)
			return 0;
		i += k;
	}
	return 1;
}

uint32_t portal_utf8_next(const char *str, size_t n, size_t *i)
{
	const unsigned char *s = (const unsigned char *)str + *i;
	size_t left = n - *i;
	unsigned char c = s[0];

	if (c < 0x80) {
		(*i)++;
		return c;
	}
	if (c >= 0xC2 && c < 0xE0 && left >= 2 && portal_utf8_is_cont(s[1])) {
		*i += 2;
		return ((uint32_t)(c & 0x1F) << 6) | (s[1] & 0x3F);
	}
	if (c >= 0xE0 && c < 0xF0 && left >= 3 && portal_utf8_is_cont(s[1]) &&
	    portal_utf8_is_cont(s[2])) {
		*i += 3;
		return ((uint32_t)(c & 0x0F) << 12) | ((uint32_t)(s[1] & 0x3F) << 6) | (s[2] & 0x3F);
	}
	if (c >= 0xF0 && c < 0xF5 && left >= 4 && portal_utf8_is_cont(s[1]) &&
	    portal_utf8_is_cont(s[2]) && portal_utf8_is_cont(s[3])) {
		*i += 4;
		return ((uint32_t)(c & 0x07) << 18) | ((uint32_t)(s[1] & 0x3F) << 12) |
		       ((uint32_t)(s[2] & 0x3F) << 6) | (s[3] & 0x3F);
	}
	(*i)++;
	return UTF8_REPLACEMENT;
}

/* ---- encoding -------------------------------------------------------- */

size_t portal_utf8_encode(char out[UTF8_MAX], uint32_t cp)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xC0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xE0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		out[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	out[0] = (char)(0xF0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	out[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

void portal_utf8_put(struct buf *b, uint32_t cp)
{
	char u[UTF8_MAX];
	buf_append(b, u, portal_utf8_encode(u, cp));
}

uint32_t portal_utf8_text_cp(uint32_t cp)
{
	if (cp == 0 || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
		return UTF8_REPLACEMENT;
	return cp;
}

/* ---- counting and folding -------------------------------------------- */

size_t portal_utf8_count(const char *s, size_t n)
{
	size_t c = 0;
	for (size_t i = 0; i < n; i++)
		c += !portal_utf8_is_cont((unsigned char)s[i]);
	return c;
}

size_t portal_utf8_count_str(const char *s)
{
	return portal_utf8_count(s, strlen(s));
}

uint32_t portal_utf8_fold(uint32_t cp, unsigned what)
{
	if ((what & UTF8_FOLD_WIDTH) && cp >= 0xFF01 && cp <= 0xFF5E)
		cp -= 0xFEE0;
	else if ((what & UTF8_FOLD_SPACE) && (cp == 0x3000 || cp == 0xA0))
		cp = ' ';
	else if ((what & UTF8_FOLD_DASH) && ((cp >= 0x2010 && cp <= 0x2015) || cp == 0x2212))
		cp = '-';
	if ((what & UTF8_FOLD_CASE) && cp >= 'A' && cp <= 'Z')
		cp += 32;
	return cp;
}

void portal_utf8_fold_alnum(struct buf *out, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t from = 0;
	buf_grow(out, n);
	for (size_t i = 0; i + 2 < n; i++) {
		if (p[i] != 0xEF || (p[i + 1] != 0xBC && p[i + 1] != 0xBD))
			continue;
		uint32_t cp = 0xFF00u + (uint32_t)(p[i + 1] - 0xBC) * 0x40u + (uint32_t)(p[i + 2] - 0x80);
		if (p[i + 2] < 0x80 || p[i + 2] > 0xBF ||
		    !((cp >= 0xFF10 && cp <= 0xFF19) || (cp >= 0xFF21 && cp <= 0xFF3A) ||
		      (cp >= 0xFF41 && cp <= 0xFF5A)))
			continue;
		buf_append(out, s + from, i - from);
		buf_putc(out, (char)(cp - 0xFEE0));
		i += 2;
		from = i + 1;
	}
	buf_append(out, s + from, n - from);
}

/* ---- cleaning -------------------------------------------------------- */

void portal_utf8_append_clean(struct buf *out, const char *s, size_t len, int crlf)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, run = 0, bad;

	buf_grow(out, len);
	while (i < len) {
		size_t k = portal_utf8_seq_len(s + i, len - i, &bad);
		if (k && p[i] != '\0' && !(crlf && p[i] == '\r')) {
			i += k;
			run += k;
			continue;
		}
		buf_append(out, s + i - run, run);
		run = 0;
		if (!k) {
			buf_puts(out, REPLACEMENT_BYTES);
			i += bad;
		} else if (p[i] == '\r') {
			buf_putc(out, '\n');
			i += (i + 1 < len && p[i + 1] == '\n') ? 2 : 1;
		} else {
			i++;		/* NUL */
		}
	}
	buf_append(out, s + i - run, run);
}

void portal_utf8_sanitize(struct buf *b)
{
	if (b->len == 0 || (portal_utf8_valid(b->data, b->len) && !memchr(b->data, 0, b->len)))
		return;
	struct buf clean = BUF_INIT;
	portal_utf8_append_clean(&clean, b->data, b->len, 0);
	buf_free(b);
	*b = clean;
}
