/* query-words.c: Chinese runs of a query split into words (query-words.h). */
#include "query-words.h"

#include "arena.h"
#include "buf.h"
#include "snippet.h"
#include "utf8.h"

#include <string.h>
#include <unicode/ubrk.h>
#include <unicode/ustring.h>

#define RUN_MAX 256	/* code points: longer runs are left whole */

/* One word-break iterator per process (a worker serves one request at a
 * time); NULL when ICU cannot make one. */
static UBreakIterator *breaker(void)
{
	static UBreakIterator *bi;
	static int tried;
	if (!tried) {
		UErrorCode st = U_ZERO_ERROR;
		tried = 1;
		bi = ubrk_open(UBRK_WORD, "zh", NULL, 0, &st);
		if (U_FAILURE(st))
			bi = NULL;
	}
	return bi;
}

#define JOINS_MAX 16

struct joins {
	const char *pair[JOINS_MAX];
	size_t n;
};

/* Append the CJK run s[0..n) (ncp code points) to out with a space between
 * its words; the pair of characters across each break goes to j. */
static void split_run(struct arena *a, const char *s, size_t n, size_t ncp, struct buf *out,
	struct joins *j)
{
	UBreakIterator *bi = breaker();
	UChar u[2 * RUN_MAX];
	int32_t ulen = 0;
	UErrorCode st = U_ZERO_ERROR;
	if (!bi || ncp > RUN_MAX || ncp < 3) {
		buf_append(out, s, n);
		return;
	}
	u_strFromUTF8(u, (int32_t)(sizeof u / sizeof u[0]), &ulen, s, (int32_t)n, &st);
	if (U_FAILURE(st)) {
		buf_append(out, s, n);
		return;
	}
	ubrk_setText(bi, u, ulen, &st);
	if (U_FAILURE(st)) {
		buf_append(out, s, n);
		return;
	}
	/* walk the UTF-8 and the UTF-16 offsets together */
	size_t i = 0, last = 0, prev_last = 0;	/* where a word's last character starts */
	int32_t upos = 0;
	for (int32_t b = ubrk_following(bi, 0); b != UBRK_DONE; b = ubrk_next(bi)) {
		size_t start = i, first_end = 0;
		while (upos < b && i < n) {
			size_t at = i;
			uint32_t c = portal_utf8_next(s, n, &i);
			upos += c > 0xFFFF ? 2 : 1;
			if (!first_end)
				first_end = i;
			if (upos >= b || i >= n)
				last = at;
		}
		if (start) {
			buf_putc(out, ' ');
			if (j->n < JOINS_MAX && first_end)
				j->pair[j->n++] = arena_strndup(a, s + prev_last, first_end - prev_last);
		}
		buf_append(out, s + start, i - start);
		prev_last = last;
	}
	if (i < n)
		buf_append(out, s + i, n - i);
}

const char *query_words_split(struct arena *a, const char *q, const char ***joins, size_t *njoins)
{
	*joins = NULL;
	*njoins = 0;
	if (!q || !breaker())
		return q;
	struct joins j = { .n = 0 };
	size_t n = strlen(q), i = 0;
	int quoted = 0, field = 0;
	struct buf out = BUF_INIT;
	while (i < n) {
		size_t at = i;
		uint32_t c = portal_utf8_next(q, n, &i);
		if (c == '"')
			quoted = !quoted;
		if (c == ' ' || c == '\t')
			field = 0;
		else if (c == ':')
			field = 1;
		if (!snippet_is_cjk(c) || quoted || field) {
			buf_append(&out, q + at, i - at);
			continue;
		}
		size_t end = i, ncp = 1;
		for (size_t k = i; k < n && snippet_is_cjk(portal_utf8_next(q, n, &k)); end = k)
			ncp++;
		split_run(a, q + at, end - at, ncp, &out, &j);
		i = end;
	}
	const char *r = q;
	if (out.len != n || memcmp(buf_str(&out), q, n) != 0)
		r = arena_strdup(a, buf_str(&out));
	buf_free(&out);
	if (j.n) {
		*joins = arena_alloc(a, j.n * sizeof **joins);
		memcpy(*joins, j.pair, j.n * sizeof **joins);
		*njoins = j.n;
	}
	return r;
}
