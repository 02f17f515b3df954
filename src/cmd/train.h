/* train.h: training a document-type model (classify.h) from labelled
 * documents; used by portal-train only. */
#ifndef PORTAL_TRAIN_H
#define PORTAL_TRAIN_H

#include "classify.h"

#include <stddef.h>

/* A labelled example for training. */
struct portal_train_doc {
	const char *title;	/* NULL: taken from the text, as portal_classify does */
	const char *text;	/* UTF-8; only the first PORTAL_CLASSIFY_MAX_CHARS count */
	size_t len;
	int type;		/* index into portal_classify_types */
};

/* Train a model from n examples (at least one; types with no example get
 * no probability mass beyond smoothing). Fits the calibration by an inner
 * cross-validation when there are enough examples. The caller owns the
 * result. NULL with err when there is nothing to train on. */
struct portal_model *portal_model_train(const struct portal_train_doc *docs, size_t n,
					char *err, size_t errlen);

#endif
