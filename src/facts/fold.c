/* fold.c: text as the index's terms read it (fold.h): full-width forms as
 * ASCII, traditional characters as simplified through OpenCC's t2s.json. */
#include "fold.h"
#include "log.h"
#include "utf8.h"

#include <opencc.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* The characters the table covers: CJK Extension A, the Unified
 * Ideographs and the compatibility ideographs (all three bytes in UTF-8).
 * Traditional forms outside them (Extension B and later) are rare enough to
 * be left to the lines that hold others too. */
static const uint32_t ranges[][2] = { { 0x3400, 0x9FFF }, { 0xF900, 0xFAFF } };
#define NRANGES (sizeof ranges / sizeof ranges[0])
#define TABLE_SIZE ((0x9FFF - 0x3400 + 1) + (0xFAFF - 0xF900 + 1))
/* table[] value of a character that converts, but not to one character of
 * three bytes (it counts as traditional; portal_fold_char() keeps it). */
#define CONVERTS 1

/* Process lifetime, made once by init() (fold.h). */
static opencc_t t2s = (opencc_t)-1;
static uint16_t *table;	/* by slot(): 0 unchanged, CONVERTS, or the simplified character */
static pthread_once_t once = PTHREAD_ONCE_INIT;

static long slot(uint32_t cp)
{
	long base = 0;
	for (size_t r = 0; r < NRANGES; r++) {
		if (cp >= ranges[r][0] && cp <= ranges[r][1])
			return base + (long)(cp - ranges[r][0]);
		base += (long)(ranges[r][1] - ranges[r][0] + 1);
	}
	return -1;
}

/* Every character of the ranges, one per line, through the converter at
 * once (a line break stops phrases spanning two characters), compared with
 * itself: about 30 ms. */
static void make_table(void)
{
	struct buf all = BUF_INIT;
	for (size_t r = 0; r < NRANGES; r++)
		for (uint32_t cp = ranges[r][0]; cp <= ranges[r][1]; cp++) {
			portal_utf8_put(&all, cp);
			buf_putc(&all, '\n');
		}
	char *out = opencc_convert_utf8(t2s, all.data, all.len);
	if (!out) {
		portal_log("fold: OpenCC could not convert its own table: %s", opencc_error());
		buf_free(&all);
		return;
	}
	table = xcalloc(TABLE_SIZE, sizeof *table);
	const char *p = out;
	size_t i = 0;
	for (size_t r = 0; r < NRANGES; r++)
		for (uint32_t cp = ranges[r][0]; cp <= ranges[r][1]; cp++, i += 4) {
			const char *eol = strchr(p, '\n');
			if (!eol)
				goto done;
			size_t len = (size_t)(eol - p), at = 0;
			if (len != 3 || memcmp(p, all.data + i, 3) != 0) {
				uint32_t to = len ? portal_utf8_next(p, len, &at) : 0;
				table[slot(cp)] = len == 3 && at == 3 && to >= 0x800 && to <= 0xFFFF &&
					(to < 0xD800 || to > 0xDFFF) ? (uint16_t)to : CONVERTS;
			}
			p = eol + 1;
		}
done:
	opencc_convert_utf8_free(out);
	buf_free(&all);
}

/* The table the other way round: rev[k] = { simplified, traditional },
 * sorted, for portal_fold_variants(). */
static uint32_t (*rev)[2];
static size_t nrev;

static int by_pair(const void *a, const void *b)
{
	const uint32_t *x = a, *y = b;
	return x[0] != y[0] ? (x[0] < y[0] ? -1 : 1) : x[1] < y[1] ? -1 : x[1] > y[1];
}

static void make_reverse(void)
{
	size_t n = 0;
	for (long k = 0; k < TABLE_SIZE; k++)
		n += table[k] > CONVERTS;
	rev = xmalloc((n + 1) * sizeof *rev);
	for (size_t r = 0; r < NRANGES; r++)
		for (uint32_t cp = ranges[r][0]; cp <= ranges[r][1]; cp++) {
			uint16_t to = table[slot(cp)];
			if (to > CONVERTS) {
				rev[nrev][0] = to;
				rev[nrev++][1] = cp;
			}
		}
	qsort(rev, nrev, sizeof *rev, by_pair);
}

static void init(void)
{
	t2s = opencc_open("t2s.json");
	if (t2s == (opencc_t)-1) {
		portal_log("fold: no OpenCC t2s.json (%s): traditional characters are not folded "
			   "(apt-get install libopencc-data)", opencc_error());
		return;
	}
	make_table();
	if (table)
		make_reverse();
}

/* 1 when the line s (n bytes) holds a character that converts. */
static int has_traditional(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	for (size_t i = 0; i + 2 < n; i++) {
		if (p[i] < 0xE3 || p[i] > 0xEF)
			continue;	/* the ranges are E3 90 80 .. EF AB BF */
		size_t at = i;
		long k = slot(portal_utf8_next(s, n, &at));
		if (k >= 0 && table[k])
			return 1;
		i = at - 1;
	}
	return 0;
}

/* Lines [s, s + n) through OpenCC onto out. */
static void convert(struct buf *out, const char *s, size_t n)
{
	char *c = opencc_convert_utf8(t2s, s, n);
	if (!c) {
		buf_append(out, s, n);	/* never seen; the text unfolded beats none */
		return;
	}
	buf_puts(out, c);
	opencc_convert_utf8_free(c);
}

void portal_fold_text(struct buf *out, const char *s, size_t n)
{
	pthread_once(&once, init);
	if (!table) {
		portal_utf8_fold_alnum(out, s, n);
		return;
	}
	struct buf wide = BUF_INIT;
	portal_utf8_fold_alnum(&wide, s, n);
	const char *t = wide.data ? wide.data : "";
	size_t len = wide.len;
	/* Runs of lines that need OpenCC go to it together: no phrase spans a
	 * line break, so that equals a call per line, and costs less. */
	size_t from = 0, run = 0;	/* [run, line) are lines that convert */
	int converting = 0;
	buf_grow(out, len);
	for (size_t line = 0; line < len;) {
		const char *eol = memchr(t + line, '\n', len - line);
		size_t next = eol ? (size_t)(eol - t) + 1 : len;
		int trad = has_traditional(t + line, next - line);
		if (trad && !converting) {
			buf_append(out, t + from, line - from);
			run = line;
			converting = 1;
		} else if (!trad && converting) {
			convert(out, t + run, line - run);
			from = line;
			converting = 0;
		}
		line = next;
	}
	if (converting)
		convert(out, t + run, len - run);
	else
		buf_append(out, t + from, len - from);
	buf_free(&wide);
}

uint32_t portal_fold_char(uint32_t cp)
{
	pthread_once(&once, init);
	long k = table ? slot(cp) : -1;
	return k >= 0 && table[k] > CONVERTS ? table[k] : cp;
}

int portal_fold_same_length(struct buf *out, const char *s, size_t n)
{
	pthread_once(&once, init);
	int changed = 0;
	buf_grow(out, n);
	for (size_t i = 0; i < n;) {
		size_t at = i;
		uint32_t cp = portal_utf8_next(s, n, &at);
		uint32_t to = at - i == 3 ? portal_fold_char(cp) : cp;
		if (to != cp) {
			portal_utf8_put(out, to);
			changed = 1;
		} else {
			buf_append(out, s + i, at - i);
		}
		i = at;
	}
	return changed;
}

size_t portal_fold_variants(uint32_t cp, uint32_t *out, size_t max)
{
	pthread_once(&once, init);
	size_t lo = 0, hi = nrev, n = 0;
	while (lo < hi) {	/* the first pair for cp */
		size_t mid = (lo + hi) / 2;
		if (rev[mid][0] < cp)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < nrev && rev[lo][0] == cp && n < max; lo++)
		out[n++] = rev[lo][1];
	return n;
}
