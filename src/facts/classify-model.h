/* classify-model.h: the document types and the model that scores a text's
 * features for each (classify.h says how it is used): loading, saving,
 * scoring. The struct is here for the classifier (classify.c) and the
 * trainer (src/cmd/train.c); other code includes classify.h and treats the
 * model as opaque. */
#ifndef PORTAL_CLASSIFY_MODEL_H
#define PORTAL_CLASSIFY_MODEL_H

#include "classify-features.h"
#include "u64map.h"

#include <stddef.h>
#include <stdint.h>

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

/* Counts per feature and type, the calibration, and what is derived from
 * them (portal_model_derive). */
struct portal_model {
	size_t nfeat;
	uint64_t *keys;		/* per feature */
	double *count;		/* nfeat * PORTAL_DOC_TYPES weighted counts */
	double total[PORTAL_DOC_TYPES];
	size_t ndocs[PORTAL_DOC_TYPES];
	double alpha, temperature, prior_weight, cue_scale, evidence_cap;
	/* derived when made or loaded */
	float *logp;		/* nfeat * PORTAL_DOC_TYPES */
	double logprior[PORTAL_DOC_TYPES];
	struct u64map index;	/* key -> feature */
};

/* Fill m's derived parts (log-probabilities, priors, index) from its
 * counts; once, when the model is made or loaded. */
void portal_model_derive(struct portal_model *m);

/* Average log-likelihood per token of v for each type. 0 when no feature
 * is known. */
int portal_model_loglik(const struct portal_model *m, const struct fvec *v,
			double ll[PORTAL_DOC_TYPES]);

#endif
