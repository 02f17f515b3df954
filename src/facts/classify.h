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

#include "classify-model.h"

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

/* For the trainer (src/cmd/train.c): the parts of portal_classify_with(). */

/* A document's evidence, as portal_classify() reads it: its features
 * (text, and title: given, else the head's) into *v, which the caller frees
 * with portal_fvec_free(), and the cues' weights per type into cue. text
 * must not be NULL. */
void portal_classify_evidence(const char *title, const char *text, size_t len, struct fvec *v,
			      double cue[PORTAL_DOC_TYPES]);

/* Softmax of logits into p; the index of the largest. */
int portal_classify_softmax(const double logit[PORTAL_DOC_TYPES], double p[PORTAL_DOC_TYPES]);

/* The logits from the parts. The model's evidence (log-likelihood per token
 * over the temperature, plus the weighted log prior) is taken relative to
 * the best type and cut off at -cap: however sure the model is that a
 * text is not an audit report, that counts for at most cap logits, so a
 * strong title cue (weight 6, scale >= 1, cap <= 5) always outweighs the
 * model alone. The model was trained on few examples of most types, so it
 * may not know the phrasing of a real report by other authors; the title
 * is the more reliable witness. Without a model: the cues, and a small head
 * start for "other". */
void portal_classify_logits(int have_model, int have_ll, const double ll[PORTAL_DOC_TYPES],
			    const double lp[PORTAL_DOC_TYPES], const double cue[PORTAL_DOC_TYPES],
			    double T, double beta, double s, double cap, double out[PORTAL_DOC_TYPES]);

#endif
