/* url.c: percent-decoding and query strings. */
#include "url.h"
#include "arena.h"

#include <string.h>

int url_hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

char *url_decode(struct arena *a, const char *s, size_t len, int plus_space)
{
	char *out = arena_alloc(a, len + 1);
	size_t o = 0;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (c == '%') {
			if (i + 2 >= len)
				return NULL;
			int hi = url_hexval((unsigned char)s[i + 1]);
			int lo = url_hexval((unsigned char)s[i + 2]);
			if (hi < 0 || lo < 0)
				return NULL;
			c = (char)(hi * 16 + lo);
			if (c == '\0')
				return NULL;
			i += 2;
		} else if (c == '+' && plus_space) {
			c = ' ';
		} else if (c == '\0') {
			return NULL;
		}
		out[o++] = c;
	}
	out[o] = '\0';
	return out;
}

int url_parse_query(struct arena *a, const char *query, struct url_param **params)
{
	*params = NULL;
	if (!query || !*query)
		return 0;
	int n = 1;
	for (const char *p = query; *p; p++)
		n += (*p == '&');
	struct url_param *v = arena_alloc(a, sizeof *v * (size_t)n);
	int count = 0;
	const char *p = query;
	while (*p) {
		const char *end = strchr(p, '&');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		if (len > 0) {
			const char *eq = memchr(p, '=', len);
			size_t nlen = eq ? (size_t)(eq - p) : len;
			const char *val = eq ? eq + 1 : p + len;
			size_t vlen = eq ? len - nlen - 1 : 0;
			v[count].name = url_decode(a, p, nlen, 1);
			v[count].value = url_decode(a, val, vlen, 1);
			if (!v[count].name || !v[count].value)
				return -1;
			count++;
		}
		if (!end)
			break;
		p = end + 1;
	}
	*params = v;
	return count;
}

char *url_encode(struct arena *a, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t len = strlen(s);
	char *out = arena_alloc(a, len * 3 + 1);
	size_t o = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("-._~", *p)) {
			out[o++] = (char)*p;
		} else {
			out[o++] = '%';
			out[o++] = hex[*p >> 4];
			out[o++] = hex[*p & 15];
		}
	}
	out[o] = '\0';
	return out;
}
