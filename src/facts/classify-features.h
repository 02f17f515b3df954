/* classify-features.h: the document-type classifier's features: CJK
 * character bigrams and ASCII words of a text, each a 64-bit key that can
 * be turned back into its text (classify-features.c says how). Used by
 * classify.c, classify-model.c and the trainer. */
#ifndef PORTAL_CLASSIFY_FEATURES_H
#define PORTAL_CLASSIFY_FEATURES_H

#include "u64map.h"

#include <stddef.h>
#include <stdint.h>

/* A sparse vector: keys with weights. */
struct fvec {
	uint64_t *keys;
	double *w;
	size_t n, cap;
	struct u64map at;		/* key -> position */
};

/* Free v's arrays and its index. */
void portal_fvec_free(struct fvec *v);

/* The text of a feature's key into out (at least 16 bytes). 0, or -1 when
 * the key is not one of ours. */
int portal_feature_key_text(uint64_t key, char *out);

/* The key of a feature's text, or 0. */
uint64_t portal_feature_text_key(const char *s);

/* Add the features of s (n bytes, at most max_chars characters) to v with
 * weight w each. v starts zeroed with its index initialised. */
void portal_features_add(struct fvec *v, const char *s, size_t n, size_t max_chars, double w);

/* A line of the head, folded and without blank space, in out (cap bytes);
 * its length. */
size_t portal_feature_compact(const char *s, size_t n, char *out, size_t cap);

#endif
