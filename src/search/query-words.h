/* query-words.h: Chinese typed without spaces, split into words.
 *
 * People type 环保部门核定 or 医院节水措施 as one run. The index holds
 * Chinese as characters and bigrams (xap.cc), and a query run becomes the
 * AND of all its bigrams, so a run matches only documents holding it
 * character for character: 环保部门核定 found nothing in a document that
 * says 环保部门对企业排污量进行核定. query_words_split() puts a space between
 * the dictionary words of each such run (ICU's word breaks, the dictionary
 * Xapian 1.5 uses for Chinese), so each word must occur, not the whole run
 * as typed: the same rule as words the user separated. A break is kept
 * only where the index says the two sides are not written as one word
 * (query_words_set_freq()). Quoted phrases, field:values, and runs of one
 * or two characters are left as they are. */
#ifndef PORTAL_QUERY_WORDS_H
#define PORTAL_QUERY_WORDS_H

#include <stddef.h>

struct arena;

/* q with its Chinese runs split into words (arena), or q itself when
 * nothing changes (or ICU is unavailable). *joins (arena) gets the
 * character pairs across the breaks it made (门核 for 部门|核定), for
 * ranking the run as typed first (xap.h: pxap_query.joins); *njoins their
 * number. */
const char *query_words_split(struct arena *a, const char *q, const char ***joins, size_t *njoins);

/* How many documents hold a term (a character or a pair of them), for
 * query_words_join(); ctx is the caller's. */
typedef unsigned long (*query_words_freq)(void *ctx, const char *term);

/* Set where query_words_split() asks how often terms occur (NULL: never
 * asks). With it, a break ICU finds is kept only when the pair across it
 * is rare beside its neighbours: tf(pair) < QUERY_WORDS_BOND * min(tf of
 * the pair that ends the left word, tf of the pair that starts the right
 * one), or in no document at all. Compounds the documents write as one (医疗|废物, 自由|裁量, 机动|车)
 * stay whole; words that only met in the query (部门|核定) part. */
void query_words_set_freq(query_words_freq f, void *ctx);
#define QUERY_WORDS_BOND 0.3

#endif
