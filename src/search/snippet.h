/* snippet.h: the piece of a document's text shown under a search hit.
 *
 * Given the query's text terms as Xapian parsed them (lower-case words and
 * numbers, single CJK characters, CJK bigrams; field prefixes already
 * removed), snippet_html() picks the part of the text holding the most
 * query terms and returns it as HTML: the text escaped, the query's words
 * in <mark>...</mark>, "…" where the text was cut.
 *
 * Marking follows the n-gram model of the index: a Chinese run is marked
 * where neighbouring characters form query bigrams (清洁生产 marks
 * 清洁生产, not the 产生 in 产生了), a single character only when the query
 * has it on its own; Latin words and numbers as whole words, in any case
 * (a number of digits and points may touch letters: 320 in 标煤320t). The
 * text is as stored, the terms folded (fold.h): Chinese terms are also
 * looked for in their traditional spellings and compared folded. */
#ifndef PORTAL_SNIPPET_H
#define PORTAL_SNIPPET_H

#include <stddef.h>
#include <stdint.h>

struct arena;

/* text: UTF-8, len bytes. max_bytes: length of the text shown (about a
 * third as many Chinese characters), before escaping and marks. The result
 * is allocated in a; "" for no text, never NULL. */
char *snippet_html(struct arena *a, const char *const *terms, size_t nterms,
		   const char *text, size_t len, size_t max_bytes);

/* 1 for a character of the scripts Xapian's CJK n-gram mode splits into
 * characters (Han, kana, Hangul, CJK punctuation and full-width forms). */
int snippet_is_cjk(uint32_t c);

#endif
