/* classify.h: what kind of document a text is, with a confidence.
 *
 * Two sources of evidence are combined:
 *
 *  - cues: the title (given, or the title-like lines at the top of the
 *    text) and the structure a genre has: "……清洁生产审核报告",
 *    "……可行性研究报告", "……验收报告", "……申请报告", "关于……的通知",
 *    "……指南", a standard's cover ("DB11/T 1259—2015", "…发布 …实施"),
 *    "……条例"/"……办法" for laws and rules, which are "other";
 *  - a multinomial naive Bayes model over CJK character bigrams and ASCII
 *    words (the title counted several times), trained from labelled
 *    documents by portal-train (`make model/doc-type.model`).
 *
 * Each type gets a logit: the model's evidence (average log-likelihood per
 * token over a temperature, plus a weighted log prior), taken relative to
 * the best type and cut off at an evidence cap, plus the cues' weights
 * times a scale; the confidence is the softmax. The cap (at most 5) and the
 * scale (at least 1) are chosen so that a strong title cue (weight 6)
 * outweighs the model on its own: the model has seen few examples of most
 * types, all by one author, and may not know the phrasing of a real report
 * by another; a title that ends in 审核报告 is the better witness. The
 * temperature, prior weight, cue scale and cap are fitted when the model is
 * trained, by a stratified 5-fold cross-validation on its own training set
 * (least log-loss), so that confidence matches accuracy on documents like
 * the training ones (portal-train eval prints the table). Without a model
 * only cues count, with fixed weights; with neither a cue nor a model the
 * answer is "other" at low confidence.
 *
 * Nothing here keeps state; a model is read-only after it is made, so any
 * number of callers may share one. */
#ifndef PORTAL_CLASSIFY_H
#define PORTAL_CLASSIFY_H

#include <stddef.h>

#define PORTAL_DOC_TYPES 8

/* The type names (the same, in the same order, as docs.h's
 * portal_doc_types), in the order used for every per-type array below:
 * audit_report, feasibility_study, standard, guideline, policy_notice,
 * project_application, acceptance_report, other. Static strings. */
extern const char *const portal_classify_types[PORTAL_DOC_TYPES];

/* The index of name in portal_classify_types, or -1. */
int portal_classify_type_index(const char *name);

/* A trained model: immutable once made; may be shared read-only by any
 * number of callers. Owned by whoever loaded or trained it, who frees it
 * with portal_model_free(). Typically process-lifetime (the indexer loads
 * it once at start). */
struct portal_model;

/* Load a model file written by portal_model_save(). NULL with a sentence
 * in err when the file is missing, unreadable or not a model. */
struct portal_model *portal_model_load(const char *path, char *err, size_t errlen);

/* Write m to path (through a temporary file and rename, so a reader never
 * sees half a model). 0, or -1 with err. */
int portal_model_save(const struct portal_model *m, const char *path, char *err, size_t errlen);

void portal_model_free(struct portal_model *m);

/* One line of a model's description, e.g. "12000 features, 452 documents
 * (audit_report 8, ...), temperature 0.031, ..." into out. */
void portal_model_describe(const struct portal_model *m, char *out, size_t outlen);

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

#define PORTAL_CLASSIFY_MAX_CHARS 20000	/* characters of text read */

struct portal_classification {
	const char *doc_type;		/* one of portal_classify_types (static) */
	double confidence;		/* 0..1: the probability of doc_type */
	double prob[PORTAL_DOC_TYPES];	/* every type's probability; they sum to 1 */
	const char *cue;		/* the strongest cue that fired, a static
					 * description such as "title ends in 验收报告";
					 * NULL when none did */
};

/* What to use; portal_classify() uses both. */
#define PORTAL_CLASSIFY_CUES	1u
#define PORTAL_CLASSIFY_MODEL	2u

/* Classify a document. m may be NULL (cues only). title may be NULL or "":
 * a given title is judged first; when it has no telling ending (or is
 * absent) the title-like lines at the top of the text are (a title broken
 * over two lines is joined); the model reads the text and the title (the
 * given one, else the first title-like line). Only the first
 * PORTAL_CLASSIFY_MAX_CHARS characters of text count. text need not be
 * NUL-terminated; invalid UTF-8 is skipped. Fills *out. Returns 0, or -1
 * when there is neither text nor title to go on (then *out says "other",
 * confidence 0). */
int portal_classify(const struct portal_model *m, const char *title, const char *text, size_t len,
		    struct portal_classification *out);

/* The same with a choice of evidence (PORTAL_CLASSIFY_CUES and/or
 * PORTAL_CLASSIFY_MODEL), for measuring each part on its own. */
int portal_classify_with(const struct portal_model *m, unsigned use, const char *title,
			 const char *text, size_t len, struct portal_classification *out);

#endif
