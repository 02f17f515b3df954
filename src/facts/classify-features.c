/* classify-features.c: text to the classifier's features (classify-features.h).
 *
 * The first max_chars characters (classify.c: PORTAL_CLASSIFY_MAX_CHARS) are
 * read with full-width ASCII folded to ASCII and letters lowered. Features
 * are CJK character bigrams (blank space between two characters does not
 * break a bigram: PDF covers come out as "中 华 人 民"; anything else does)
 * and ASCII words of two letters or more (the first 11 letters kept). Each
 * feature is a 64-bit key that can be turned back into its text: a bigram
 * is flag 62 | cp1 << 21 | cp2, a word is flag 63 | length << 55 | five
 * bits per letter. (classify.c counts a title's features TITLE_WEIGHT times.) */
#include "classify-features.h"
#include "log.h"
#include "utf8.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static int is_cjk(uint32_t cp)
{
	return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
	       (cp >= 0xF900 && cp <= 0xFAFF);
}

static int is_blank(uint32_t cp)
{
	return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == '\f' || cp == '\v';
}

#define KEY_BIGRAM (1ULL << 62)
#define KEY_WORD (1ULL << 63)
#define WORD_MAX 11

static uint64_t bigram_key(uint32_t a, uint32_t b)
{
	return KEY_BIGRAM | ((uint64_t)a << 21) | b;
}

static uint64_t word_key(const char *w, size_t n)
{
	uint64_t k = KEY_WORD | ((uint64_t)n << 55);
	for (size_t i = 0; i < n; i++)
		k |= (uint64_t)(w[i] - 'a' + 1) << (5 * i);
	return k;
}

int portal_feature_key_text(uint64_t key, char *out)
{
	if (key & KEY_WORD) {
		size_t n = (size_t)((key >> 55) & 0xF);
		if (n < 2 || n > WORD_MAX)
			return -1;
		for (size_t i = 0; i < n; i++) {
			unsigned v = (unsigned)((key >> (5 * i)) & 0x1F);
			if (v < 1 || v > 26)
				return -1;
			out[i] = (char)('a' + v - 1);
		}
		out[n] = '\0';
		return 0;
	}
	if (key & KEY_BIGRAM) {
		uint32_t a = (uint32_t)((key >> 21) & 0x1FFFFF), b = (uint32_t)(key & 0x1FFFFF);
		if (!is_cjk(a) || !is_cjk(b))
			return -1;
		size_t n = portal_utf8_encode(out, a);
		n += portal_utf8_encode(out + n, b);
		out[n] = '\0';
		return 0;
	}
	return -1;
}

uint64_t portal_feature_text_key(const char *s)
{
	size_t n = strlen(s), i = 0;
	if (n >= 2 && n <= WORD_MAX && strspn(s, "abcdefghijklmnopqrstuvwxyz") == n)
		return word_key(s, n);
	uint32_t a = portal_utf8_next(s, n, &i);
	if (i >= n)
		return 0;
	uint32_t b = portal_utf8_next(s, n, &i);
	if (i != n || !is_cjk(a) || !is_cjk(b))
		return 0;
	return bigram_key(a, b);
}


static void fvec_add(struct fvec *v, uint64_t key, double w)
{
	uint32_t pos = u64map_put(&v->at, key, (uint32_t)v->n);
	if (pos == v->n) {
		if (v->n == v->cap) {
			v->cap = v->cap ? v->cap * 2 : 256;
			v->keys = xrealloc(v->keys, v->cap * sizeof *v->keys);
			v->w = xrealloc(v->w, v->cap * sizeof *v->w);
		}
		v->keys[v->n] = key;
		v->w[v->n++] = 0;
	}
	v->w[pos] += w;
}

void portal_fvec_free(struct fvec *v)
{
	free(v->keys);
	free(v->w);
	u64map_free(&v->at);
	memset(v, 0, sizeof *v);
}

void portal_features_add(struct fvec *v, const char *s, size_t n, size_t max_chars, double w)
{
	uint32_t prev = 0;	/* the last CJK character, while a bigram can continue */
	char word[WORD_MAX];
	size_t wl = 0, wlen = 0, chars = 0;

	for (size_t i = 0; i < n && chars < max_chars; chars++) {
		uint32_t cp = portal_utf8_fold(portal_utf8_next(s, n, &i),
					       UTF8_FOLD_WIDTH | UTF8_FOLD_SPACE | UTF8_FOLD_CASE);
		if (cp >= 'a' && cp <= 'z') {
			if (wl < WORD_MAX)
				word[wl++] = (char)cp;
			wlen++;
			prev = 0;
			continue;
		}
		if (wlen >= 2)
			fvec_add(v, word_key(word, wl), w);
		wl = wlen = 0;
		if (is_cjk(cp)) {
			if (prev)
				fvec_add(v, bigram_key(prev, cp), w);
			prev = cp;
		} else if (!is_blank(cp)) {
			prev = 0;
		}
	}
	if (wlen >= 2)
		fvec_add(v, word_key(word, wl), w);
}

size_t portal_feature_compact(const char *s, size_t n, char *out, size_t cap)
{
	size_t o = 0;
	for (size_t i = 0; i < n;) {
		uint32_t cp = portal_utf8_fold(portal_utf8_next(s, n, &i), UTF8_FOLD_WIDTH);
		if (is_blank(cp) || cp == 0x3000 || cp == 0xA0 || cp == 0xFFFD)
			continue;
		if (o + 4 >= cap)
			break;
		o += portal_utf8_encode(out + o, cp);
	}
	out[o] = '\0';
	return o;
}

