/* classify-model.c: the document-type model: its counts made into
 * log-probabilities, scoring a document's features, and its file.
 *
 * Smoothing is Lidstone with the model's alpha. Scoring takes the average
 * log-likelihood per token (so long and short texts get comparable scores);
 * classify.c applies the calibration in classify.h. The type names are
 * here, with the model that is made of them.
 *
 * The model file is text:
 *
 *	portal-doc-type-model 1
 *	types audit_report feasibility_study ... other
 *	docs 8 8 60 8 11 8 8 343
 *	params alpha=0.1 temperature=0.031 prior_weight=0.5 cue_scale=1 evidence_cap=5
 *	features 12000
 *	清洁<TAB>c0 c1 c2 c3 c4 c5 c6 c7	(weighted counts per type)
 *	... */
#include "classify-model.h"
#include "log.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define K PORTAL_DOC_TYPES
#define MODEL_MAGIC "portal-doc-type-model 1"

const char *const portal_classify_types[K] = {
	"audit_report", "feasibility_study", "standard", "guideline",
	"policy_notice", "project_application", "acceptance_report", "other",
};

int portal_classify_type_index(const char *name)
{
	for (int i = 0; name && i < K; i++)
		if (strcmp(portal_classify_types[i], name) == 0)
			return i;
	return -1;
}

void portal_model_derive(struct portal_model *m)
{
	size_t docs = 0;
	double v = (double)m->nfeat;

	for (int c = 0; c < K; c++)
		docs += m->ndocs[c];
	m->logp = xmalloc((m->nfeat ? m->nfeat : 1) * K * sizeof *m->logp);
	for (size_t f = 0; f < m->nfeat; f++)
		for (int c = 0; c < K; c++)
			m->logp[f * K + c] = (float)log((m->count[f * K + c] + m->alpha) /
							(m->total[c] + m->alpha * v));
	for (int c = 0; c < K; c++)
		m->logprior[c] = log((m->ndocs[c] + 1.0) / (docs + (double)K));
	u64map_init(&m->index, m->nfeat);
	for (size_t f = 0; f < m->nfeat; f++)
		u64map_put(&m->index, m->keys[f], (uint32_t)f);
}

void portal_model_free(struct portal_model *m)
{
	if (!m)
		return;
	free(m->keys);
	free(m->count);
	free(m->logp);
	u64map_free(&m->index);
	free(m);
}

int portal_model_loglik(const struct portal_model *m, const struct fvec *v, double ll[K])
{
	double mass = 0;

	memset(ll, 0, K * sizeof *ll);
	for (size_t i = 0; i < v->n; i++) {
		uint32_t f;
		if (!u64map_get(&m->index, v->keys[i], &f))
			continue;
		mass += v->w[i];
		for (int c = 0; c < K; c++)
			ll[c] += v->w[i] * m->logp[(size_t)f * K + c];
	}
	if (mass <= 0)
		return 0;
	for (int c = 0; c < K; c++)
		ll[c] /= mass;
	return 1;
}

int portal_model_save(const struct portal_model *m, const char *path, char *err, size_t errlen)
{
	char tmp[4096];
	FILE *fp;

	if (snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid()) >= (int)sizeof tmp) {
		snprintf(err, errlen, "The model path is too long.");
		return -1;
	}
	if (!(fp = fopen(tmp, "w"))) {
		snprintf(err, errlen, "The model could not be written to %s: %s.", tmp, strerror(errno));
		return -1;
	}
	fprintf(fp, "%s\ntypes", MODEL_MAGIC);
	for (int c = 0; c < K; c++)
		fprintf(fp, " %s", portal_classify_types[c]);
	fprintf(fp, "\ndocs");
	for (int c = 0; c < K; c++)
		fprintf(fp, " %zu", m->ndocs[c]);
	fprintf(fp, "\nparams alpha=%.17g temperature=%.17g prior_weight=%.17g cue_scale=%.17g "
		"evidence_cap=%.17g\n", m->alpha, m->temperature, m->prior_weight, m->cue_scale,
		m->evidence_cap);
	fprintf(fp, "features %zu\n", m->nfeat);
	for (size_t f = 0; f < m->nfeat; f++) {
		char name[16];
		if (portal_feature_key_text(m->keys[f], name) < 0)
			portal_fatal("model feature %zu has a bad key", f);
		fputs(name, fp);
		for (int c = 0; c < K; c++)
			fprintf(fp, "%c%.9g", c ? ' ' : '\t', m->count[f * K + c]);
		fputc('\n', fp);
	}
	int bad = ferror(fp);
	if (fflush(fp) != 0 || fsync(fileno(fp)) != 0)
		bad = 1;
	if (fclose(fp) != 0 || bad) {
		snprintf(err, errlen, "The model could not be written to %s: %s.", tmp, strerror(errno));
		unlink(tmp);
		return -1;
	}
	if (rename(tmp, path) != 0) {
		snprintf(err, errlen, "The model could not be put at %s: %s.", path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

static int bad_model(FILE *fp, struct portal_model *m, char *line, const char *path, int lineno,
		     char *err, size_t errlen)
{
	snprintf(err, errlen, "%s is not a document-type model (line %d is wrong); "
		 "rebuild it with make model/doc-type.model.", path, lineno);
	free(line);
	fclose(fp);
	portal_model_free(m);
	return -1;
}

struct portal_model *portal_model_load(const char *path, char *err, size_t errlen)
{
	FILE *fp = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	ssize_t got;
	int lineno = 0;
	struct portal_model *m;

	if (!fp) {
		snprintf(err, errlen, "The document-type model %s could not be opened: %s.", path,
			 strerror(errno));
		return NULL;
	}
	m = xcalloc(1, sizeof *m);
#define NEXT() ((got = getline(&line, &cap, fp)) > 0 ? (lineno++, line[got - 1] == '\n' ? (line[--got] = '\0') : 0, 1) : 0)
	if (!NEXT() || strcmp(line, MODEL_MAGIC) != 0)
		goto bad;
	if (!NEXT() || strncmp(line, "types", 5) != 0)
		goto bad;
	{
		char *save = NULL, *tok = strtok_r(line + 5, " ", &save);
		for (int c = 0; c < K; c++, tok = strtok_r(NULL, " ", &save))
			if (!tok || strcmp(tok, portal_classify_types[c]) != 0)
				goto bad;
	}
	if (!NEXT() || strncmp(line, "docs", 4) != 0)
		goto bad;
	{
		char *p = line + 4;
		for (int c = 0; c < K; c++) {
			char *end;
			m->ndocs[c] = strtoul(p, &end, 10);
			if (end == p)
				goto bad;
			p = end;
		}
	}
	if (!NEXT() || sscanf(line, "params alpha=%lf temperature=%lf prior_weight=%lf cue_scale=%lf "
			      "evidence_cap=%lf", &m->alpha, &m->temperature, &m->prior_weight,
			      &m->cue_scale, &m->evidence_cap) != 5 || !(m->evidence_cap > 0) ||
	    !(m->alpha > 0) || !(m->temperature > 0))
		goto bad;
	if (!NEXT() || sscanf(line, "features %zu", &m->nfeat) != 1 || m->nfeat > 10000000)
		goto bad;
	m->keys = xmalloc((m->nfeat ? m->nfeat : 1) * sizeof *m->keys);
	m->count = xcalloc((m->nfeat ? m->nfeat : 1) * K, sizeof *m->count);
	for (size_t f = 0; f < m->nfeat; f++) {
		if (!NEXT())
			goto bad;
		char *tab = strchr(line, '\t');
		if (!tab)
			goto bad;
		*tab = '\0';
		if (!(m->keys[f] = portal_feature_text_key(line)))
			goto bad;
		char *p = tab + 1;
		for (int c = 0; c < K; c++) {
			char *end;
			double v = strtod(p, &end);
			if (end == p || v < 0)
				goto bad;
			m->count[f * K + c] = v;
			m->total[c] += v;
			p = end;
		}
	}
#undef NEXT
	free(line);
	fclose(fp);
	portal_model_derive(m);
	return m;
bad:
	bad_model(fp, m, line, path, lineno, err, errlen);
	return NULL;
}

void portal_model_describe(const struct portal_model *m, char *out, size_t outlen)
{
	size_t docs = 0, o;

	for (int c = 0; c < K; c++)
		docs += m->ndocs[c];
	o = (size_t)snprintf(out, outlen, "%zu features, %zu documents (", m->nfeat, docs);
	for (int c = 0; c < K && o < outlen; c++)
		o += (size_t)snprintf(out + o, outlen - o, "%s%s %zu", c ? ", " : "",
				      portal_classify_types[c], m->ndocs[c]);
	if (o < outlen)
		snprintf(out + o, outlen - o, "), temperature %.4g, prior weight %.3g, cue scale %.3g, "
			 "evidence cap %.3g", m->temperature, m->prior_weight, m->cue_scale, m->evidence_cap);
}
