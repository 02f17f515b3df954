/* train.c: a document-type model trained from labelled examples (train.h).
 *
 * Training keeps the features found in at least MIN_DF documents, the
 * VOCAB_MAX most widespread of them, and counts them per type; each
 * document's counts are first scaled to DOC_MASS in total, so a
 * 20000-character law weighs no more than a two-page notice. Smoothing is
 * Lidstone with ALPHA. The calibration (classify.h) is fitted by an inner
 * cross-validation. */
#include "train.h"
#include "classify.h"
#include "log.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define K PORTAL_DOC_TYPES
#define MIN_DF 2
#define VOCAB_MAX 40000
#define DOC_MASS 1000.0
#define ALPHA 0.1

/* One example, prepared once: features scaled to DOC_MASS (keys, and their
 * numbers in the training run's dictionary), and its cues. */
struct prepared {
	struct fvec v;
	uint32_t *ids;
	double cue[K];
	int type;
};

/* Every key seen in a training run, numbered. */
struct dict {
	struct u64map at;		/* key -> number */
	uint64_t *keys;		/* number -> key */
	size_t n, cap;
};

static uint32_t dict_id(struct dict *d, uint64_t key)
{
	uint32_t id = u64map_put(&d->at, key, (uint32_t)d->n);
	if (id == d->n) {
		if (d->n == d->cap) {
			d->cap = d->cap ? d->cap * 2 : 1 << 16;
			d->keys = xrealloc(d->keys, d->cap * sizeof *d->keys);
		}
		d->keys[d->n++] = key;
	}
	return id;
}

static int cmp_df(const void *a, const void *b)
{
	const uint64_t *x = a, *y = b;	/* triples: df, key, id */
	if (x[0] != y[0])
		return x[0] < y[0] ? 1 : -1;
	return x[1] < y[1] ? -1 : x[1] > y[1];
}

/* Count a model from the examples whose index has use[i] set: the
 * features in at least MIN_DF of them, at most VOCAB_MAX, most widespread
 * first (ties by key, so the choice does not depend on order). */
static struct portal_model *fit(const struct prepared *p, size_t n, const unsigned char *use,
				const struct dict *d)
{
	struct portal_model *m = xcalloc(1, sizeof *m);
	uint32_t *df = xcalloc(d->n ? d->n : 1, sizeof *df);
	int32_t *feat = xmalloc((d->n ? d->n : 1) * sizeof *feat);
	uint64_t *triples = xmalloc((d->n ? d->n : 1) * 3 * sizeof *triples);
	size_t nt = 0;

	for (size_t i = 0; i < n; i++) {
		if (!use[i])
			continue;
		m->ndocs[p[i].type]++;
		for (size_t j = 0; j < p[i].v.n; j++)
			df[p[i].ids[j]]++;	/* a vector's keys are distinct */
	}
	for (size_t id = 0; id < d->n; id++) {
		feat[id] = -1;
		if (df[id] < MIN_DF)
			continue;
		triples[nt * 3] = df[id];
		triples[nt * 3 + 1] = d->keys[id];
		triples[nt * 3 + 2] = id;
		nt++;
	}
	qsort(triples, nt, 3 * sizeof *triples, cmp_df);
	m->nfeat = nt < VOCAB_MAX ? nt : VOCAB_MAX;
	m->keys = xmalloc((m->nfeat ? m->nfeat : 1) * sizeof *m->keys);
	m->count = xcalloc((m->nfeat ? m->nfeat : 1) * K, sizeof *m->count);
	for (size_t f = 0; f < m->nfeat; f++) {
		m->keys[f] = triples[f * 3 + 1];
		feat[triples[f * 3 + 2]] = (int32_t)f;
	}
	for (size_t i = 0; i < n; i++) {
		if (!use[i])
			continue;
		for (size_t j = 0; j < p[i].v.n; j++) {
			int32_t f = feat[p[i].ids[j]];
			if (f >= 0) {
				m->count[(size_t)f * K + p[i].type] += p[i].v.w[j];
				m->total[p[i].type] += p[i].v.w[j];
			}
		}
	}
	free(df);
	free(feat);
	free(triples);
	m->alpha = ALPHA;
	m->temperature = 0.05;
	m->prior_weight = 1;
	m->cue_scale = 1;
	m->evidence_cap = 5;
	portal_model_derive(m);
	return m;
}

static void prepare(const struct portal_train_doc *d, struct prepared *p, struct dict *dict)
{
	const char *text = d->text ? d->text : "";

	portal_classify_evidence(d->title, text, d->len, &p->v, p->cue);
	double mass = 0;
	for (size_t j = 0; j < p->v.n; j++)
		mass += p->v.w[j];
	for (size_t j = 0; j < p->v.n && mass > 0; j++)
		p->v.w[j] *= DOC_MASS / mass;
	p->ids = xmalloc((p->v.n ? p->v.n : 1) * sizeof *p->ids);
	for (size_t j = 0; j < p->v.n; j++)
		p->ids[j] = dict_id(dict, p->v.keys[j]);
	u64map_free(&p->v.at);
	p->type = d->type;
}

/* Fit temperature, prior weight and cue scale by an inner stratified
 * cross-validation: the values with the least log-loss on held-out
 * examples. Left at their defaults when there are too few examples. */
#define INNER_FOLDS 5
static void calibrate(struct portal_model *m, const struct prepared *p, size_t n, const struct dict *d)
{
	static const double betas[] = { 0, 0.25, 0.5, 1 };
	/* scale >= 1 and cap <= 5 keep a strong title cue above the model */
	static const double scales[] = { 1, 1.25, 1.5, 2, 3 };
	static const double caps[] = { 2, 3, 4, 5 };
	size_t seen[K] = { 0 };
	unsigned char *fold = xmalloc(n), *use = xmalloc(n), *have = xcalloc(n, 1);
	double (*ll)[K] = xcalloc(n, sizeof *ll), (*lp)[K] = xcalloc(n, sizeof *lp);

	if (n < 2 * INNER_FOLDS)
		goto out;
	for (size_t i = 0; i < n; i++)
		fold[i] = (unsigned char)(seen[p[i].type]++ % INNER_FOLDS);
	for (unsigned f = 0; f < INNER_FOLDS; f++) {
		for (size_t i = 0; i < n; i++)
			use[i] = fold[i] != f;
		struct portal_model *sub = fit(p, n, use, d);
		for (size_t i = 0; i < n; i++) {
			if (use[i])
				continue;
			have[i] = (unsigned char)portal_model_loglik(sub, &p[i].v, ll[i]);
			memcpy(lp[i], sub->logprior, sizeof lp[i]);
		}
		portal_model_free(sub);
	}
	/* temperature on a coarse grid (x1.7 apart, 0.001 .. ~1), then finer
	 * around the best one */
	double best = INFINITY, coarse_T = 0.05;
	for (int round = 0; round < 2; round++) {
		double T0 = round ? coarse_T / 1.7 : 0.001;
		double step = round ? pow(1.7 * 1.7, 1 / 8.0) : 1.7;
		int steps = round ? 9 : 14;
		for (int ti = 0; ti < steps; ti++) {
			double T = T0 * pow(step, ti);
			for (size_t bi = 0; bi < sizeof betas / sizeof *betas; bi++)
				for (size_t si = 0; si < sizeof scales / sizeof *scales; si++)
					for (size_t ci = 0; ci < sizeof caps / sizeof *caps; ci++) {
						double loss = 0;
						for (size_t i = 0; i < n && loss < best; i++) {
							double logit[K], q[K];
							portal_classify_logits(1, have[i], ll[i], lp[i], p[i].cue, T,
									       betas[bi], scales[si], caps[ci], logit);
							portal_classify_softmax(logit, q);
							loss -= log(q[p[i].type] > 1e-12 ? q[p[i].type] : 1e-12);
						}
						if (loss < best) {
							best = loss;
							m->temperature = T;
							m->prior_weight = betas[bi];
							m->cue_scale = scales[si];
							m->evidence_cap = caps[ci];
						}
					}
		}
		coarse_T = m->temperature;
	}
out:
	free(fold);
	free(use);
	free(have);
	free(ll);
	free(lp);
}

struct portal_model *portal_model_train(const struct portal_train_doc *docs, size_t n,
					char *err, size_t errlen)
{
	if (n == 0) {
		snprintf(err, errlen, "There are no examples to train on.");
		return NULL;
	}
	for (size_t i = 0; i < n; i++)
		if (docs[i].type < 0 || docs[i].type >= K) {
			snprintf(err, errlen, "Example %zu has no valid type.", i + 1);
			return NULL;
		}
	struct prepared *p = xcalloc(n, sizeof *p);
	unsigned char *use = xmalloc(n);
	struct dict dict = { { 0 }, NULL, 0, 0 };
	u64map_init(&dict.at, 1 << 16);
	for (size_t i = 0; i < n; i++) {
		prepare(&docs[i], &p[i], &dict);
		use[i] = 1;
	}
	struct portal_model *m = fit(p, n, use, &dict);
	calibrate(m, p, n, &dict);
	for (size_t i = 0; i < n; i++) {
		portal_fvec_free(&p[i].v);
		free(p[i].ids);
	}
	free(p);
	free(use);
	u64map_free(&dict.at);
	free(dict.keys);
	return m;
}

