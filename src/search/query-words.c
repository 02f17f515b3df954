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

static query_words_freq freq_fn;
static void *freq_ctx;

void query_words_set_freq(query_words_freq f, void *ctx)
{
	freq_fn = f;
	freq_ctx = ctx;
}

/* The byte length of the code point at s[i]. */
static size_t cp_len(const char *s, size_t n, size_t i)
{
	size_t k = i;
	portal_utf8_next(s, n, &k);
	return k - i;
}

/* The start of the code point that ends at byte at (exclusive), not
 * before from. */
static size_t cp_before(const char *s, size_t from, size_t at)
{
	size_t k = at > from ? at - 1 : from;
	while (k > from && ((unsigned char)s[k] & 0xC0) == 0x80)
		k--;
	return k;
}

/* Whether the break at byte b of s (between the words [l, b) and [b, r))
 * is kept: the pair across it is rare beside the pairs at its sides. */
static int keep_break(struct arena *a, const char *s, size_t n, size_t l, size_t b, size_t r)
{
	if (!freq_fn)
		return 1;
	size_t last = cp_before(s, l, b);		/* the left word's last character */
	size_t next = b + cp_len(s, n, b);		/* after the right word's first */
	size_t lstart = last > l ? cp_before(s, l, last) : last;
	size_t rend = next < r ? next + cp_len(s, n, next) : next;
	const char *pair = arena_strndup(a, s + last, next - last);
	const char *left = arena_strndup(a, s + lstart, b - lstart);
	const char *right = arena_strndup(a, s + b, rend - b);
	unsigned long tp = freq_fn(freq_ctx, pair);
	unsigned long tl = freq_fn(freq_ctx, left), tr = freq_fn(freq_ctx, right);
	unsigned long m = tl < tr ? tl : tr;
	return tp == 0 || (double)tp < QUERY_WORDS_BOND * (double)m;
}

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
	/* the words' ends in bytes, walking the UTF-8 and UTF-16 together */
	size_t ends[RUN_MAX + 1], nends = 0, i = 0;
	int32_t upos = 0;
	for (int32_t b = ubrk_following(bi, 0); b != UBRK_DONE && nends < RUN_MAX; b = ubrk_next(bi)) {
		while (upos < b && i < n) {
			uint32_t c = portal_utf8_next(s, n, &i);
			upos += c > 0xFFFF ? 2 : 1;
		}
		ends[nends++] = i;
	}
	if (!nends || ends[nends - 1] != n)
		ends[nends++] = n;
	size_t from = 0;
	for (size_t k = 0; k < nends; k++) {
		size_t e = ends[k];
		if (from) {
			size_t l = k >= 2 ? ends[k - 2] : 0;
			if (keep_break(a, s, n, l, from, e)) {
				size_t pe = from + cp_len(s, n, from), ps = cp_before(s, 0, from);
				buf_putc(out, ' ');
				if (j->n < JOINS_MAX)
					j->pair[j->n++] = arena_strndup(a, s + ps, pe - ps);
			}
		}
		buf_append(out, s + from, e - from);
		from = e;
	}
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
