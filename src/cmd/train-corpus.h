/* train-corpus.h: the labelled corpus portal-train reads (portal-train.c),
 * as its tools (the model's build and eval, meta-eval.c) see it. */
#ifndef PORTAL_TRAIN_CORPUS_H
#define PORTAL_TRAIN_CORPUS_H

#include "buf.h"

#include <stddef.h>

enum corpus { REAL = 0, PROG = 1 };

/* One labelled file and what became of it. */
struct doc {
	char *path;
	char *file;		/* as in labels.tsv */
	enum corpus corpus;
	int type;
	/* further label columns ("" when absent or "-") */
	char *sector, *industry, *year, *enterprise, *credit_code, *title, *note;
	struct buf text;
	char *error;		/* extraction failed: why */
	double seconds;		/* extraction took (0 when from the cache) */
};

struct corpus_set {
	struct doc *docs;
	size_t n, cap;
};

/* Seconds on the monotonic clock. */
double now_s(void);

#endif
