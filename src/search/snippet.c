/* snippet.c: the piece of a document's text shown under a search hit.
 *
 * Two steps. snippet_window() finds where the query's terms cluster: the
 * text is searched a chunk at a time (memmem for Chinese and numbers, a
 * case-blind scan for Latin words), and the span of at most two thirds of
 * the snippet's length holding the most distinct terms wins (a bigram or a
 * word weighs 4, a lone character 1); reading stops early once a span
 * holds every term. render() then writes that part of the text as escaped
 * HTML with the query's words marked (see snippet.h).
 *
 * This replaced Xapian's MSet::snippet, which looks up term statistics for
 * every word of the text it is given: over whole documents that was 85% of
 * the cost of a search. */
#include "snippet.h"
#include "arena.h"
#include "buf.h"
#include "fold.h"
#include "utf8.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MAX_TERMS 256	/* the query's terms and their traditional spellings */
#define MAX_OWN 64	/* the query's own terms */
#define MAX_VARIANTS 8	/* traditional spellings looked for, per term */
#define MAX_HITS 256		/* occurrences of one term considered */
#define CHUNK 8192		/* bytes of text searched at a time */

static const char ELLIPSIS[] = "\xe2\x80\xa6";

enum kind { BIGRAM, SINGLE, WORD };

struct term {
	const char *s;
	size_t len;
	enum kind kind;
	uint32_t a, b;		/* the characters of a bigram or single */
	int weight;
	size_t id;		/* the query term it spells: its own index, or its original's */
	int number;		/* a WORD of digits (and points): letters may touch it */
};

/* The query's terms (t[0, own)), then the traditional spellings of its
 * Chinese ones (環境 for 环境: fold.h), which count as the term they
 * spell. Terms are simplified (folded like the index), the stored text is
 * as written: so a traditional document's snippet is found and marked. */
struct query {
	struct term t[MAX_TERMS];
	size_t n, own;
	char pool[MAX_TERMS * 2 * UTF8_MAX];	/* the spellings' bytes */
	size_t used;
};

/* Roughly the scripts Xapian's CJK n-gram mode splits into characters. */
int snippet_is_cjk(uint32_t c)
{
	return (c >= 0x1100 && c <= 0x11FF) || (c >= 0x2E80 && c <= 0x9FFF) ||
	       (c >= 0xA960 && c <= 0xA97F) || (c >= 0xAC00 && c <= 0xD7FF) ||
	       (c >= 0xF900 && c <= 0xFAFF) || (c >= 0xFE30 && c <= 0xFE4F) ||
	       (c >= 0xFF00 && c <= 0xFFEF) || (c >= 0x20000 && c <= 0x3FFFF);
}

static int ascii_alnum(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int digit_or_point(unsigned char c)
{
	return (c >= '0' && c <= '9') || c == '.';
}

static int is_space(uint32_t c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v' || c == 0x3000;
}

/* The traditional spellings of Chinese term i as terms of their own. */
static void add_spellings(struct query *q, size_t i)
{
	const struct term *t = &q->t[i];
	if (t->kind == WORD)
		return;
	uint32_t va[MAX_VARIANTS + 1] = { t->a }, vb[MAX_VARIANTS + 1] = { t->b };
	size_t na = 1 + portal_fold_variants(t->a, va + 1, MAX_VARIANTS);
	size_t nb = t->kind == BIGRAM ? 1 + portal_fold_variants(t->b, vb + 1, MAX_VARIANTS) : 1;
	size_t added = 0;
	for (size_t x = 0; x < na; x++)
		for (size_t y = 0; y < nb && added < MAX_VARIANTS; y++) {
			if ((x == 0 && y == 0) || q->n == MAX_TERMS ||
			    q->used + 2 * UTF8_MAX > sizeof q->pool)
				continue;
			char *s = q->pool + q->used;
			size_t len = portal_utf8_encode(s, va[x]);
			if (t->kind == BIGRAM)
				len += portal_utf8_encode(s + len, vb[y]);
			q->used += len;
			q->t[q->n] = *t;
			q->t[q->n].s = s;
			q->t[q->n].len = len;
			q->n++;
			added++;
		}
}

/* Sort the terms into bigrams, single characters and words; drop
 * duplicates, and single characters that belong to a query bigram (they
 * are found, and marked, through the bigram). */
static void read_terms(const char *const *terms, size_t nterms, struct query *q)
{
	q->n = 0;
	for (size_t i = 0; i < nterms && q->n < MAX_OWN; i++) {
		const char *s = terms[i];
		size_t len = s ? strlen(s) : 0, at = 0;
		if (!len)
			continue;
		uint32_t cp[3];
		size_t ncp = 0;
		while (at < len && ncp < 3)
			cp[ncp++] = portal_utf8_next(s, len, &at);
		int dup = 0;
		for (size_t k = 0; k < q->n; k++)
			dup = dup || (q->t[k].len == len && memcmp(q->t[k].s, s, len) == 0);
		if (dup)
			continue;
		struct term *t = &q->t[q->n++];
		*t = (struct term){ .s = s, .len = len, .kind = WORD, .weight = 4,
				    .number = strspn(s, "0123456789.") == len };
		if (ncp == 2 && at == len && snippet_is_cjk(cp[0]) && snippet_is_cjk(cp[1])) {
			t->kind = BIGRAM;
			t->a = cp[0];
			t->b = cp[1];
		} else if (ncp == 1 && at == len && snippet_is_cjk(cp[0])) {
			t->kind = SINGLE;
			t->a = cp[0];
			t->weight = 1;
		}
	}
	size_t kept = 0;
	for (size_t i = 0; i < q->n; i++) {
		int grouped = 0;
		for (size_t k = 0; k < q->n && q->t[i].kind == SINGLE; k++)
			grouped = grouped || (q->t[k].kind == BIGRAM &&
					      (q->t[k].a == q->t[i].a || q->t[k].b == q->t[i].a));
		if (!grouped) {
			q->t[kept] = q->t[i];
			q->t[kept].id = kept;
			kept++;
		}
	}
	q->n = q->own = kept;
	q->used = 0;
	for (size_t i = 0; i < q->own; i++)
		add_spellings(q, i);
}

static int is_bigram(const struct query *q, uint32_t a, uint32_t b)
{
	for (size_t i = 0; i < q->n; i++)
		if (q->t[i].kind == BIGRAM && q->t[i].a == a && q->t[i].b == b)
			return 1;
	return 0;
}

static int is_single(const struct query *q, uint32_t a)
{
	for (size_t i = 0; i < q->n; i++)
		if (q->t[i].kind == SINGLE && q->t[i].a == a)
			return 1;
	return 0;
}

/* A Latin word or number at text[i]: same letters in any case, and not
 * inside a longer word. */
static int word_at(const struct term *t, const char *text, size_t len, size_t i)
{
	/* a number ends where its digits do: 320 in 标煤320t */
	int (*part)(unsigned char) = t->number ? digit_or_point : ascii_alnum;
	if (i + t->len > len || (i > 0 && part((unsigned char)text[i - 1])) ||
	    (i + t->len < len && part((unsigned char)text[i + t->len])))
		return 0;
	for (size_t k = 0; k < t->len; k++) {
		unsigned char a = (unsigned char)text[i + k], b = (unsigned char)t->s[k];
		if (a != b && !(a >= 'A' && a <= 'Z' && (a | 0x20) == b))
			return 0;
	}
	return 1;
}

/* The first occurrence of t starting in [from, stop), or len. */
static size_t find(const struct term *t, const char *text, size_t len, size_t from, size_t stop)
{
	if (t->kind != WORD) {
		size_t end = stop + t->len - 1 < len ? stop + t->len - 1 : len;
		if (from >= end)
			return len;
		const char *p = memmem(text + from, end - from, t->s, t->len);
		return p ? (size_t)(p - text) : len;
	}
	/* the first letter first (terms are lower case): most places fail it */
	unsigned char first = (unsigned char)t->s[0];
	unsigned char upper = first >= 'a' && first <= 'z' ? (unsigned char)(first - 32) : first;
	for (size_t i = from; i < stop; i++) {
		unsigned char c = (unsigned char)text[i];
		if ((c == first || c == upper) && word_at(t, text, len, i))
			return i;
	}
	return len;
}

struct hit {
	size_t pos;
	size_t term;
};

static int by_pos(const void *x, const void *y)
{
	const struct hit *a = x, *b = y;
	return a->pos < b->pos ? -1 : a->pos > b->pos;
}

/* Where the snippet starts: just before the span of at most `span` bytes
 * holding the most (weighted, distinct) query terms, of the first nterms
 * of q; 0 without any. Its score to *score. */
static size_t snippet_window(const struct query *q, size_t nterms, const char *text, size_t len,
			     size_t span, int *score_out)
{
	size_t cap = nterms * MAX_HITS, nhits = 0, best = 0;
	struct hit *hits = malloc((cap ? cap : 1) * sizeof *hits);
	int count[MAX_TERMS], found[MAX_TERMS] = { 0 }, all = 0, best_score = 0;
	*score_out = 0;
	if (!hits)
		return 0;
	for (size_t i = 0; i < q->own; i++)
		all += q->t[i].weight;
	for (size_t chunk = 0; chunk < len && best_score < all; chunk += CHUNK) {
		size_t stop = chunk + CHUNK < len ? chunk + CHUNK : len, before = nhits;
		for (size_t i = 0; i < nterms; i++) {
			size_t at = chunk;
			while (found[i] < MAX_HITS && (at = find(&q->t[i], text, len, at, stop)) < stop) {
				hits[nhits++] = (struct hit){ at, i };
				found[i]++;
				at += q->t[i].len;
			}
		}
		if (nhits == before)
			continue;
		qsort(hits, nhits, sizeof *hits, by_pos);
		memset(count, 0, sizeof count);
		int score = 0;
		for (size_t lo = 0, hi = 0; hi < nhits; hi++) {
			const struct term *th = &q->t[hits[hi].term];
			if (count[th->id]++ == 0)
				score += th->weight;
			while (hits[hi].pos - hits[lo].pos > span) {
				const struct term *tl = &q->t[hits[lo].term];
				if (--count[tl->id] == 0)
					score -= tl->weight;
				lo++;
			}
			if (score > best_score) {
				best_score = score;
				best = hits[lo].pos;
			}
		}
	}
	free(hits);
	*score_out = best_score;
	return best;
}

static void put_escaped(struct buf *b, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		switch (s[i]) {
		case '&': buf_puts(b, "&amp;"); break;
		case '<': buf_puts(b, "&lt;"); break;
		case '>': buf_puts(b, "&gt;"); break;
		case '"': buf_puts(b, "&quot;"); break;
		case '\'': buf_puts(b, "&#39;"); break;
		default: buf_putc(b, s[i]);
		}
	}
}

/* text[from, to) as HTML, query words marked, white space runs as one
 * space, control characters dropped. */
static void render(const struct query *q, const char *text, size_t from, size_t to, struct buf *out)
{
	size_t n = 0;
	uint32_t *cp = malloc((to - from + 1) * sizeof *cp);
	size_t *off = malloc((to - from + 2) * sizeof *off);
	if (!cp || !off) {
		free(cp);
		free(off);
		return;
	}
	for (size_t i = from; i < to;) {
		off[n] = i;
		/* folded, to compare with the query's (simplified) terms */
		cp[n++] = portal_fold_char(portal_utf8_next(text, to, &i));
	}
	off[n] = to;
	int marking = 0, space = 1;	/* no space at the start */
	for (size_t k = 0; k < n;) {
		size_t end = k;	/* characters k..end-1 are marked */
		if (ascii_alnum((unsigned char)text[off[k]])) {
			for (size_t i = 0; i < q->n && end == k; i++)
				if (q->t[i].kind == WORD && word_at(&q->t[i], text, to, off[k]))
					end = k + q->t[i].len;	/* ASCII: a byte a character */
		} else if (snippet_is_cjk(cp[k])) {
			size_t j = k;
			while (j + 1 < n && is_bigram(q, cp[j], cp[j + 1]))
				j++;
			if (j > k)
				end = j + 1;
			else if (is_single(q, cp[k]))
				end = k + 1;
		}
		if (end > n)
			end = n;
		if (end > k) {
			if (!marking)
				buf_puts(out, "<mark>");
			marking = 1;
			put_escaped(out, text + off[k], off[end] - off[k]);
			space = 0;
			k = end;
			continue;
		}
		if (marking)
			buf_puts(out, "</mark>");
		marking = 0;
		if (is_space(cp[k])) {
			if (!space)
				buf_putc(out, ' ');
			space = 1;
		} else if (cp[k] >= 0x20 && cp[k] != 0x7F) {
			put_escaped(out, text + off[k], off[k + 1] - off[k]);
			space = 0;
		}
		k++;
	}
	if (marking)
		buf_puts(out, "</mark>");
	while (out->len && out->data[out->len - 1] == ' ')
		out->len--;
	free(cp);
	free(off);
}

char *snippet_html(struct arena *a, const char *const *terms, size_t nterms,
		   const char *text, size_t len, size_t max_bytes)
{
	if (!text || !len || !max_bytes)
		return arena_strdup(a, "");
	struct query q;
	read_terms(terms, nterms, &q);
	size_t from = 0;
	if (len > max_bytes) {
		/* The query's own terms first; their traditional spellings
		 * only when those are nowhere (a traditional document): most
		 * texts are simplified, and the spellings double the search. */
		int score;
		from = snippet_window(&q, q.own, text, len, max_bytes * 2 / 3, &score);
		if (!score && q.n > q.own)
			from = snippet_window(&q, q.n, text, len, max_bytes * 2 / 3, &score);
		from = from > max_bytes / 6 ? from - max_bytes / 6 : 0;
		if (from + max_bytes > len)
			from = len - max_bytes;
	}
	size_t to = from + max_bytes < len ? from + max_bytes : len;
	while (from > 0 && ((unsigned char)text[from] & 0xC0) == 0x80)
		from--;
	while (to < len && ((unsigned char)text[to] & 0xC0) == 0x80)
		to--;
	struct buf out = BUF_INIT;
	if (from > 0)
		buf_puts(&out, ELLIPSIS);
	render(&q, text, from, to, &out);
	if (to < len)
		buf_puts(&out, ELLIPSIS);
	char *s = arena_strndup(a, buf_str(&out), out.len);
	buf_free(&out);
	return s;
}
