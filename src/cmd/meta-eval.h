/* meta-eval.h: portal-train's measure of the metadata extraction (meta.h)
 * against the corpus labels. */
#ifndef PORTAL_META_EVAL_H
#define PORTAL_META_EVAL_H

#include "train-corpus.h"

/* Extract every document's metadata from its text alone and print, per
 * field, how often it agrees with the labels, and the misses. */
void meta_eval(const struct corpus_set *set);

#endif
