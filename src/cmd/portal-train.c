/* portal-train.c: build and measure the document-type model.
 *
 *   portal-train build CORPUS_DIR OUT_MODEL
 *   portal-train eval CORPUS_DIR [--folds K] [--seed N]
 *   portal-train text CORPUS_DIR FILE        (the text training sees)
 *
 * CORPUS_DIR holds labels.tsv and docs/ (real documents by other authors)
 * and programme/labels.tsv with the programme samples beside it. Every
 * labelled file is detected and extracted exactly as the indexer does it,
 * inside the sandbox, by a few worker processes at once; a file whose
 * extraction fails (a format not supported yet, a scan without text) is
 * skipped and counted per type.
 *
 * eval holds out whole documents: stratified k-fold by type over the union
 * of both label files, then the same figures restricted to each corpus,
 * then "leave-programme-out" (train on one corpus, test on the other) so a
 * model that memorised the programme's templates shows it. Cues alone and
 * the model alone are reported beside the combination, with a calibration
 * table (how often answers of a given confidence are right). */
#include "buf.h"
#include "classify.h"
#include "detect.h"
#include "extract.h"
#include "log.h"
#include "sandbox.h"
#include "train.h"
#include "train-corpus.h"
#include "meta-eval.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_WORKERS 8

/* The indexer's limits, except time: a file that takes longer than
 * --max-seconds (default 20: scans that need OCR take minutes) is skipped,
 * and the skip is cached like any other result. */
#define DEFAULT_MAX_SECONDS 20
static struct sandbox_limits limits = {
	.cpu_seconds = DEFAULT_MAX_SECONDS,
	.memory_bytes = 1024UL * 1024 * 1024,
	.wall_seconds = DEFAULT_MAX_SECONDS,
	.max_output = 64UL * 1024 * 1024,
};

static const char *const corpus_names[2] = { "real", "programme" };

double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---- reading the labels ------------------------------------------------ */

/* Split line (modified) at tabs into at most max fields. */
static size_t split_tabs(char *line, char **f, size_t max)
{
	size_t n = 0;
	char *p = line;

	while (n < max) {
		f[n++] = p;
		char *t = strchr(p, '\t');
		if (!t)
			break;
		*t = '\0';
		p = t + 1;
	}
	return n;
}

static char *field(char **f, size_t n, int i)
{
	if (i < 0 || (size_t)i >= n || strcmp(f[i], "-") == 0)
		return xstrdup("");
	return xstrdup(f[i]);
}

static int column(char **f, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(f[i], name) == 0)
			return (int)i;
	return -1;
}

static int read_labels(const char *labels, const char *dir, enum corpus c, struct corpus_set *set)
{
	FILE *fp = fopen(labels, "r");
	char *line = NULL;
	size_t cap = 0;
	ssize_t got;
	char *head[16];
	size_t nh = 0;
	int col[9], lineno = 0;
	static const char *const names[9] = { "file", "doc_type", "sector", "industry", "year",
		"enterprise", "credit_code", "title", "note" };
	char *header = NULL;

	if (!fp) {
		fprintf(stderr, "portal-train: %s: %s (the corpus is expected at ../shared/corpus beside "
			"the repository; PORTAL_CORPUS names another place)\n", labels, strerror(errno));
		return -1;
	}
	while ((got = getline(&line, &cap, fp)) >= 0) {
		while (got > 0 && (line[got - 1] == '\n' || line[got - 1] == '\r'))
			line[--got] = '\0';
		lineno++;
		if (!header) {
			header = xstrdup(line);
			nh = split_tabs(header, head, 16);
			for (int i = 0; i < 9; i++)
				col[i] = column(head, nh, names[i]);
			if (col[0] < 0 || col[1] < 0) {
				fprintf(stderr, "portal-train: %s: no file or doc_type column\n", labels);
				free(line);
				free(header);
				fclose(fp);
				return -1;
			}
			continue;
		}
		if (!got)
			continue;
		char *f[16];
		size_t nf = split_tabs(line, f, 16);
		int type = (size_t)col[1] < nf ? portal_classify_type_index(f[col[1]]) : -1;
		if (type < 0 || (size_t)col[0] >= nf) {
			fprintf(stderr, "portal-train: %s:%d: bad line skipped\n", labels, lineno);
			continue;
		}
		if (set->n == set->cap) {
			set->cap = set->cap ? set->cap * 2 : 512;
			set->docs = xrealloc(set->docs, set->cap * sizeof *set->docs);
		}
		struct doc *d = &set->docs[set->n++];
		memset(d, 0, sizeof *d);
		d->file = xstrdup(f[col[0]]);
		struct buf p = BUF_INIT;
		buf_printf(&p, "%s/%s", dir, d->file);
		d->path = buf_detach(&p);
		d->corpus = c;
		d->type = type;
		d->sector = field(f, nf, col[2]);
		d->industry = field(f, nf, col[3]);
		d->year = field(f, nf, col[4]);
		d->enterprise = field(f, nf, col[5]);
		d->credit_code = field(f, nf, col[6]);
		d->title = field(f, nf, col[7]);
		d->note = field(f, nf, col[8]);
	}
	free(line);
	free(header);
	fclose(fp);
	return 0;
}

static int read_corpus(const char *root, struct corpus_set *set)
{
	struct buf a = BUF_INIT, b = BUF_INIT;
	int rc;

	buf_printf(&a, "%s/labels.tsv", root);
	buf_printf(&b, "%s/docs", root);
	rc = read_labels(buf_str(&a), buf_str(&b), REAL, set);
	buf_reset(&a);
	buf_reset(&b);
	buf_printf(&a, "%s/programme/labels.tsv", root);
	buf_printf(&b, "%s/programme", root);
	if (rc == 0)
		rc = read_labels(buf_str(&a), buf_str(&b), PROG, set);
	buf_free(&a);
	buf_free(&b);
	return rc;
}

/* ---- extraction, in parallel sandboxes ---------------------------------- */

struct extract_arg {
	const char *path;
	char mime[128];
};

/* Runs in the sandboxed child. */
static int extract_child(void *argp, struct buf *out, char *err, size_t errlen)
{
	struct extract_arg *a = argp;
	return portal_extract_file(a->path, a->mime, out, err, errlen);
}

/* Detect and extract one file; the text (valid UTF-8) or an error. */
static int extract_one(const char *path, struct buf *out, char *err, size_t errlen)
{
	struct extract_arg a = { .path = path };

	if (portal_detect_mime(path, a.mime, sizeof a.mime, err, errlen) < 0)
		return -1;
	if (!portal_extract_supported(a.mime)) {
		snprintf(err, errlen, "Files of type %s are not supported.", a.mime);
		return -1;
	}
	if (portal_sandbox_run(extract_child, &a, &limits, out, err, errlen) < 0)
		return -1;
	size_t letters = 0;
	for (size_t i = 0; i < out->len && letters < 20; i++)
		if ((unsigned char)out->data[i] >= 0xE0)
			letters++;
	if (letters < 20) {
		snprintf(err, errlen, "The file has (almost) no Chinese text.");
		return -1;
	}
	return 0;
}

/* A record a worker writes: index, status (0 text, 1 error), length, bytes. */
struct record {
	uint32_t index;
	uint32_t status;
	uint64_t len;
	double seconds;
};

/* Take document indices from the queue (a pipe of uint32_t, read until
 * empty) and write a record for each. */
static void worker(struct corpus_set *set, int queue, FILE *out)
{
	uint32_t i;

	while (read(queue, &i, sizeof i) == (ssize_t)sizeof i) {
		struct buf text = BUF_INIT;
		char err[512] = "";
		double t0 = now_s();
		int rc = extract_one(set->docs[i].path, &text, err, sizeof err);
		struct record r = { i, rc < 0, rc < 0 ? strlen(err) : text.len, now_s() - t0 };
		fwrite(&r, sizeof r, 1, out);
		fwrite(rc < 0 ? err : buf_str(&text), 1, (size_t)r.len, out);
		buf_free(&text);
	}
	fflush(out);
}

static int read_records(struct corpus_set *set, FILE *in)
{
	struct record r;

	rewind(in);
	while (fread(&r, sizeof r, 1, in) == 1) {
		if (r.index >= set->n)
			return -1;
		char *data = xmalloc((size_t)r.len + 1);
		if (fread(data, 1, (size_t)r.len, in) != r.len) {
			free(data);
			return -1;
		}
		data[r.len] = '\0';
		struct doc *d = &set->docs[r.index];
		d->seconds = r.seconds;
		if (r.status) {
			d->error = data;
		} else {
			buf_append(&d->text, data, (size_t)r.len);
			free(data);
		}
	}
	return 0;
}

/* ---- the text cache ------------------------------------------------------
 *
 * Extracting the corpus takes seconds (PDFs) to minutes (OCR), and the model
 * is rebuilt whenever the library is relinked. The cache keeps each file's
 * text (or extraction error) with the file's size and mtime, under a key
 * that is a hash of the extraction code's object files (--cache-key-files;
 * this program's own binary when none are given). Any change to those
 * invalidates the whole cache. Format: a header line with the key, then per
 * file: path NUL, size, mtime seconds and nanoseconds, status, length (all
 * uint64_t), bytes. Written to a temporary file and renamed. */
#define CACHE_MAGIC "portal-train-text-cache 1"

static uint64_t fnv_file(uint64_t h, const char *path)
{
	FILE *fp = fopen(path, "rb");
	int c;

	for (const char *p = path; *p; p++)
		h = (h ^ (unsigned char)*p) * 0x100000001b3ULL;
	if (!fp)
		return h;
	while ((c = getc(fp)) != EOF)
		h = (h ^ (unsigned char)c) * 0x100000001b3ULL;
	fclose(fp);
	return h;
}

static uint64_t cache_key(const char *files)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	/* a file skipped for time may be read with more time */
	h = (h ^ limits.wall_seconds) * 0x100000001b3ULL;

	if (!files || !*files)
		return fnv_file(h, "/proc/self/exe");
	char *list = xstrdup(files), *save = NULL;
	for (char *f = strtok_r(list, " \t\n", &save); f; f = strtok_r(NULL, " \t\n", &save))
		h = fnv_file(h, f);
	free(list);
	return h;
}

struct stamp {
	uint64_t size, sec, nsec;
};

static int stamp_of(const char *path, struct stamp *s)
{
	struct stat st;
	if (stat(path, &st) != 0)
		return -1;
	s->size = (uint64_t)st.st_size;
	s->sec = (uint64_t)st.st_mtim.tv_sec;
	s->nsec = (uint64_t)st.st_mtim.tv_nsec;
	return 0;
}

/* Fill documents from the cache; hit[i] = 1 for each one found. */
static void cache_read(const char *path, uint64_t key, struct corpus_set *set, unsigned char *hit)
{
	FILE *fp = path ? fopen(path, "rb") : NULL;
	char head[128], want[128];
	struct buf name = BUF_INIT;

	if (!fp)
		return;
	snprintf(want, sizeof want, "%s %016llx\n", CACHE_MAGIC, (unsigned long long)key);
	if (!fgets(head, sizeof head, fp) || strcmp(head, want) != 0) {
		fclose(fp);
		return;
	}
	for (;;) {
		int c;
		uint64_t v[5];
		buf_reset(&name);
		while ((c = getc(fp)) != EOF && c != '\0')
			buf_putc(&name, (char)c);
		if (c == EOF || fread(v, sizeof *v, 5, fp) != 5 || v[4] > (1ULL << 32))
			break;
		char *data = xmalloc((size_t)v[4] + 1);
		if (fread(data, 1, (size_t)v[4], fp) != v[4]) {
			free(data);
			break;
		}
		data[v[4]] = '\0';
		size_t i;
		struct stamp st;
		for (i = 0; i < set->n; i++)
			if (!hit[i] && strcmp(set->docs[i].path, buf_str(&name)) == 0)
				break;
		if (i < set->n && stamp_of(set->docs[i].path, &st) == 0 && st.size == v[0] &&
		    st.sec == v[1] && st.nsec == v[2]) {
			hit[i] = 1;
			if (v[3]) {
				set->docs[i].error = data;
				data = NULL;
			} else {
				buf_append(&set->docs[i].text, data, (size_t)v[4]);
			}
		}
		free(data);
	}
	buf_free(&name);
	fclose(fp);
}

static void cache_write(const char *path, uint64_t key, const struct corpus_set *set)
{
	struct buf tmp = BUF_INIT;
	buf_printf(&tmp, "%s.tmp.%ld", path, (long)getpid());
	FILE *fp = fopen(buf_str(&tmp), "wb");
	if (!fp) {
		fprintf(stderr, "portal-train: %s: %s (no cache kept)\n", buf_str(&tmp), strerror(errno));
		buf_free(&tmp);
		return;
	}
	fprintf(fp, "%s %016llx\n", CACHE_MAGIC, (unsigned long long)key);
	for (size_t i = 0; i < set->n; i++) {
		const struct doc *d = &set->docs[i];
		struct stamp st;
		if (stamp_of(d->path, &st) < 0)
			continue;
		const char *data = d->error ? d->error : buf_str(&d->text);
		uint64_t v[5] = { st.size, st.sec, st.nsec, d->error != NULL,
				  d->error ? strlen(d->error) : d->text.len };
		fwrite(d->path, 1, strlen(d->path) + 1, fp);
		fwrite(v, sizeof *v, 5, fp);
		fwrite(data, 1, (size_t)v[4], fp);
	}
	if (fclose(fp) != 0 || rename(buf_str(&tmp), path) != 0) {
		fprintf(stderr, "portal-train: the cache %s could not be written\n", path);
		unlink(buf_str(&tmp));
	}
	buf_free(&tmp);
}

/* Extract every document not in the cache, nworkers at a time. Sets
 * *fresh to how many were extracted now. */
static int extract_all(struct corpus_set *set, const char *cache, const char *keyfiles, size_t *fresh)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	size_t nworkers = cpus < 1 ? 1 : cpus > MAX_WORKERS ? MAX_WORKERS : (size_t)cpus;
	FILE *files[MAX_WORKERS];
	pid_t pids[MAX_WORKERS];
	int rc = 0;
	unsigned char *hit = xcalloc(set->n ? set->n : 1, 1);
	size_t *todo = xmalloc((set->n ? set->n : 1) * sizeof *todo), ntodo = 0;
	uint64_t key = cache ? cache_key(keyfiles) : 0;

	if (cache)
		cache_read(cache, key, set, hit);
	for (size_t i = 0; i < set->n; i++)
		if (!hit[i])
			todo[ntodo++] = i;
	*fresh = ntodo;
	if (nworkers > ntodo)
		nworkers = ntodo;
	/* the queue: workers read indices until the parent closes it */
	int q[2];
	if (pipe(q) != 0)
		portal_fatal("pipe: %s", strerror(errno));
	fflush(NULL);
	for (size_t k = 0; k < nworkers; k++) {
		files[k] = tmpfile();
		if (!files[k])
			portal_fatal("tmpfile: %s", strerror(errno));
		pids[k] = fork();
		if (pids[k] < 0)
			portal_fatal("fork: %s", strerror(errno));
		if (pids[k] == 0) {
			close(q[1]);
			worker(set, q[0], files[k]);
			_exit(0);
		}
	}
	close(q[0]);
	for (size_t t = 0; t < ntodo; t++) {
		uint32_t i = (uint32_t)todo[t];
		if (write(q[1], &i, sizeof i) != (ssize_t)sizeof i)
			portal_fatal("queue: %s", strerror(errno));
	}
	close(q[1]);
	for (size_t k = 0; k < nworkers; k++) {
		int st;
		while (waitpid(pids[k], &st, 0) < 0 && errno == EINTR)
			;
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0 || read_records(set, files[k]) < 0) {
			fprintf(stderr, "portal-train: extraction worker %zu failed\n", k);
			rc = -1;
		}
		fclose(files[k]);
	}
	for (size_t i = 0; i < set->n; i++)
		if (!set->docs[i].error && set->docs[i].text.len == 0 && rc == 0)
			set->docs[i].error = xstrdup("No text came back.");
	if (rc == 0 && cache && ntodo)
		cache_write(cache, key, set);
	free(hit);
	free(todo);
	return rc;
}

static void corpus_free(struct corpus_set *set)
{
	for (size_t i = 0; i < set->n; i++) {
		struct doc *d = &set->docs[i];
		free(d->path);
		free(d->file);
		free(d->sector);
		free(d->industry);
		free(d->year);
		free(d->enterprise);
		free(d->credit_code);
		free(d->title);
		free(d->note);
		free(d->error);
		buf_free(&d->text);
	}
	free(set->docs);
}

/* Load the labels and extract; prints what was skipped. */
static int load(const char *root, const char *cache, const char *keyfiles, struct corpus_set *set)
{
	double t0 = now_s();
	size_t fresh = 0;

	memset(set, 0, sizeof *set);
	if (read_corpus(root, set) < 0)
		return -1;
	if (extract_all(set, cache, keyfiles, &fresh) < 0)
		return -1;
	size_t skipped[2][PORTAL_DOC_TYPES] = { { 0 } }, total[2][PORTAL_DOC_TYPES] = { { 0 } };
	size_t nskip = 0;
	for (size_t i = 0; i < set->n; i++) {
		struct doc *d = &set->docs[i];
		total[d->corpus][d->type]++;
		if (d->error) {
			skipped[d->corpus][d->type]++;
			nskip++;
		}
	}
	printf("corpus %s: %zu labelled documents, %zu with text, %zu skipped "
	       "(%zu extracted now, %zu from the cache; %.1f s)\n", root, set->n, set->n - nskip,
	       nskip, fresh, set->n - fresh, now_s() - t0);
	for (int c = 0; c < 2; c++) {
		printf("  %-10s", corpus_names[c]);
		for (int t = 0; t < PORTAL_DOC_TYPES; t++)
			if (total[c][t])
				printf(" %s %zu/%zu", portal_classify_types[t], total[c][t] - skipped[c][t],
				       total[c][t]);
		printf("  (used/labelled)\n");
	}
	if (fresh) {
		/* the slowest files */
		printf("  slowest to extract:");
		for (int k = 0; k < 3; k++) {
			size_t best = SIZE_MAX;
			for (size_t i = 0; i < set->n; i++)
				if (set->docs[i].seconds > 0 && (best == SIZE_MAX || set->docs[i].seconds > set->docs[best].seconds))
					best = i;
			if (best == SIZE_MAX)
				break;
			printf(" %s %.1f s;", set->docs[best].file, set->docs[best].seconds);
			set->docs[best].seconds = -set->docs[best].seconds;
		}
		printf("\n");
		for (size_t i = 0; i < set->n; i++)
			if (set->docs[i].seconds < 0)
				set->docs[i].seconds = -set->docs[i].seconds;
	}
	if (nskip) {
		/* the reasons, counted */
		printf("  skipped because:\n");
		for (size_t i = 0; i < set->n; i++) {
			const char *e = set->docs[i].error;
			int seen = 0;
			if (!e)
				continue;
			for (size_t j = 0; j < i && !seen; j++)
				seen = set->docs[j].error && strcmp(set->docs[j].error, e) == 0;
			if (seen)
				continue;
			size_t count = 0;
			for (size_t j = i; j < set->n; j++)
				count += set->docs[j].error && strcmp(set->docs[j].error, e) == 0;
			printf("    %3zu  %s\n", count, e);
		}
	}
	return 0;
}

/* ---- build ---------------------------------------------------------------- */

/* The training examples: every document with text (title from the text, as
 * the indexer gives it when the uploader gave none). sel: REAL, PROG or -1
 * for both. */
static size_t examples(const struct corpus_set *set, int sel, struct portal_train_doc *out)
{
	size_t n = 0;
	for (size_t i = 0; i < set->n; i++) {
		const struct doc *d = &set->docs[i];
		if (d->error || (sel >= 0 && (int)d->corpus != sel))
			continue;
		out[n++] = (struct portal_train_doc){ NULL, d->text.data, d->text.len, d->type };
	}
	return n;
}

static int cmd_build(const char *root, const char *out, const char *cache, const char *keyfiles)
{
	struct corpus_set set;
	char err[512], desc[1024];
	double t0 = now_s();

	if (load(root, cache, keyfiles, &set) < 0)
		return 1;
	struct portal_train_doc *ex = xmalloc((set.n ? set.n : 1) * sizeof *ex);
	size_t n = examples(&set, -1, ex);
	struct portal_model *m = portal_model_train(ex, n, err, sizeof err);
	if (!m || portal_model_save(m, out, err, sizeof err) < 0) {
		fprintf(stderr, "portal-train: %s\n", err);
		portal_model_free(m);
		free(ex);
		corpus_free(&set);
		return 1;
	}
	portal_model_describe(m, desc, sizeof desc);
	printf("model %s: %s (%.1f s in all)\n", out, desc, now_s() - t0);
	portal_model_free(m);
	free(ex);
	corpus_free(&set);
	return 0;
}

/* ---- eval ------------------------------------------------------------------ */

struct outcome {
	int pred, pred_cues, pred_model, pred_titled;
	double conf;
	const char *cue;
};

/* A small deterministic generator (xorshift), so folds repeat for a seed. */
static uint64_t rng_state;
static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* Stratified folds: within each (corpus, type) the documents are shuffled
 * and dealt round-robin, continuing the deal across strata so small strata
 * do not all land in fold 0. */
static void make_folds(const struct corpus_set *set, int k, unsigned long seed, int *fold)
{
	size_t *idx = xmalloc((set->n ? set->n : 1) * sizeof *idx);
	int next = 0;

	rng_state = seed * 0x9E3779B97F4A7C15ULL + 1;
	for (int c = 0; c < 2; c++)
		for (int t = 0; t < PORTAL_DOC_TYPES; t++) {
			size_t m = 0;
			for (size_t i = 0; i < set->n; i++)
				if (!set->docs[i].error && (int)set->docs[i].corpus == c && set->docs[i].type == t)
					idx[m++] = i;
			for (size_t i = m; i > 1; i--) {
				size_t j = (size_t)(rng() % i), tmp = idx[i - 1];
				idx[i - 1] = idx[j];
				idx[j] = tmp;
			}
			for (size_t i = 0; i < m; i++) {
				fold[idx[i]] = next;
				next = (next + 1) % k;
			}
		}
	free(idx);
}

static void classify_doc(const struct portal_model *m, const struct doc *d, struct outcome *o)
{
	struct portal_classification r;

	portal_classify(m, NULL, d->text.data, d->text.len, &r);
	o->pred = portal_classify_type_index(r.doc_type);
	o->conf = r.confidence;
	o->cue = r.cue;
	portal_classify_with(NULL, PORTAL_CLASSIFY_CUES, NULL, d->text.data, d->text.len, &r);
	o->pred_cues = portal_classify_type_index(r.doc_type);
	portal_classify_with(m, PORTAL_CLASSIFY_MODEL, NULL, d->text.data, d->text.len, &r);
	o->pred_model = portal_classify_type_index(r.doc_type);
	portal_classify(m, d->title[0] ? d->title : NULL, d->text.data, d->text.len, &r);
	o->pred_titled = portal_classify_type_index(r.doc_type);
}

/* Accuracy and the per-type table over the documents with sel (REAL, PROG,
 * -1 both) that have an outcome. */
static void report(const char *heading, const struct corpus_set *set, const struct outcome *o,
		   const unsigned char *tested, int sel, int full)
{
	size_t conf[PORTAL_DOC_TYPES][PORTAL_DOC_TYPES] = { { 0 } };
	size_t n = 0, right = 0, right_cues = 0, right_model = 0, right_titled = 0;

	for (size_t i = 0; i < set->n; i++) {
		const struct doc *d = &set->docs[i];
		if (!tested[i] || (sel >= 0 && (int)d->corpus != sel))
			continue;
		n++;
		right += o[i].pred == d->type;
		right_cues += o[i].pred_cues == d->type;
		right_model += o[i].pred_model == d->type;
		right_titled += o[i].pred_titled == d->type;
		conf[d->type][o[i].pred]++;
	}
	if (!n) {
		printf("\n%s: no documents\n", heading);
		return;
	}
	printf("\n%s: %zu documents\n", heading, n);
	printf("  accuracy %.1f%% (%zu/%zu)   cues alone %.1f%%   model alone %.1f%%   "
	       "with the labelled title given %.1f%%\n", 100.0 * right / n, right, n,
	       100.0 * right_cues / n, 100.0 * right_model / n, 100.0 * right_titled / n);
	if (!full)
		return;
	printf("  %-20s %9s %9s %9s %8s\n", "type", "precision", "recall", "F1", "support");
	for (int t = 0; t < PORTAL_DOC_TYPES; t++) {
		size_t tp = conf[t][t], fn = 0, fp = 0;
		for (int u = 0; u < PORTAL_DOC_TYPES; u++)
			if (u != t) {
				fn += conf[t][u];
				fp += conf[u][t];
			}
		if (tp + fn + fp == 0)
			continue;
		double p = tp + fp ? (double)tp / (double)(tp + fp) : 0;
		double r = tp + fn ? (double)tp / (double)(tp + fn) : 0;
		double f = p + r > 0 ? 2 * p * r / (p + r) : 0;
		printf("  %-20s %9.3f %9.3f %9.3f %8zu\n", portal_classify_types[t], p, r, f, tp + fn);
	}
	printf("  confusion (rows: true, columns: predicted)\n  %-20s", "");
	static const char *const abbr[PORTAL_DOC_TYPES] = { "aud", "feas", "std", "guide", "notice",
		"appl", "accept", "other" };
	for (int u = 0; u < PORTAL_DOC_TYPES; u++)
		printf(" %6s", abbr[u]);
	printf("\n");
	for (int t = 0; t < PORTAL_DOC_TYPES; t++) {
		size_t row = 0;
		for (int u = 0; u < PORTAL_DOC_TYPES; u++)
			row += conf[t][u];
		if (!row)
			continue;
		printf("  %-20s", portal_classify_types[t]);
		for (int u = 0; u < PORTAL_DOC_TYPES; u++)
			printf(" %6zu", conf[t][u]);
		printf("\n");
	}
}

/* How far confidence can be trusted: per band, how many, mean confidence,
 * how many right. */
static void calibration(const struct corpus_set *set, const struct outcome *o, const unsigned char *tested)
{
	static const double edges[] = { 0, 0.5, 0.7, 0.9, 0.97, 1.0001 };
	double loss = 0;
	size_t n = 0;

	printf("\ncalibration (all, cross-validated): confidence band, documents, mean confidence, accuracy\n");
	for (size_t b = 0; b + 1 < sizeof edges / sizeof *edges; b++) {
		size_t cnt = 0, right = 0;
		double sum = 0;
		for (size_t i = 0; i < set->n; i++) {
			if (!tested[i] || o[i].conf < edges[b] || o[i].conf >= edges[b + 1])
				continue;
			cnt++;
			sum += o[i].conf;
			right += o[i].pred == set->docs[i].type;
		}
		if (cnt)
			printf("  [%.2f, %.2f)  %4zu  %.3f  %.3f\n", edges[b], edges[b + 1] > 1 ? 1.0 : edges[b + 1],
			       cnt, sum / cnt, (double)right / cnt);
	}
	for (size_t i = 0; i < set->n; i++)
		if (tested[i]) {
			double p = o[i].pred == set->docs[i].type ? o[i].conf : 1 - o[i].conf;
			loss += (1 - p) * (1 - p);
			n++;
		}
	if (n)
		printf("  Brier score of the answer %.4f\n", loss / n);
}

static void misses(const struct corpus_set *set, const struct outcome *o, const unsigned char *tested)
{
	size_t shown = 0, total = 0;

	for (size_t i = 0; i < set->n; i++)
		total += tested[i] && o[i].pred != set->docs[i].type;
	printf("\nwrong answers (%zu):\n", total);
	for (size_t i = 0; i < set->n && shown < 60; i++) {
		const struct doc *d = &set->docs[i];
		if (!tested[i] || o[i].pred == d->type)
			continue;
		printf("  %-18s -> %-18s %.2f  %s  [%s]\n", portal_classify_types[d->type],
		       portal_classify_types[o[i].pred], o[i].conf, d->file, o[i].cue ? o[i].cue : "no cue");
		shown++;
	}
}

/* Train on the documents of corpus `from`, test on those of the other. */
static void cross_corpus(const struct corpus_set *set, int from, struct outcome *o, unsigned char *tested)
{
	struct portal_train_doc *ex = xmalloc((set->n ? set->n : 1) * sizeof *ex);
	size_t n = examples(set, from, ex);
	char err[512], heading[1536];
	struct portal_model *m = portal_model_train(ex, n, err, sizeof err);

	memset(tested, 0, set->n);
	if (!m) {
		printf("\ntrained on %s only: %s\n", corpus_names[from], err);
		free(ex);
		return;
	}
	for (size_t i = 0; i < set->n; i++)
		if (!set->docs[i].error && (int)set->docs[i].corpus != from) {
			classify_doc(m, &set->docs[i], &o[i]);
			tested[i] = 1;
		}
	char desc[1024];
	portal_model_describe(m, desc, sizeof desc);
	snprintf(heading, sizeof heading, "leave-programme-out: trained on the %s documents only (%zu), "
		 "tested on the %s documents\n  (model: %s)", corpus_names[from], n, corpus_names[!from], desc);
	report(heading, set, o, tested, !from, 1);
	portal_model_free(m);
	free(ex);
}

static int cmd_eval(const char *root, int k, unsigned long seed, const char *cache, const char *keyfiles)
{
	struct corpus_set set;
	double t0 = now_s();

	if (load(root, cache, keyfiles, &set) < 0)
		return 1;
	double t1 = now_s();
	int *fold = xmalloc((set.n ? set.n : 1) * sizeof *fold);
	struct outcome *o = xcalloc(set.n ? set.n : 1, sizeof *o);
	unsigned char *tested = xcalloc(set.n ? set.n : 1, 1);
	struct portal_train_doc *ex = xmalloc((set.n ? set.n : 1) * sizeof *ex);
	char err[512];

	make_folds(&set, k, seed, fold);
	for (int f = 0; f < k; f++) {
		size_t n = 0;
		for (size_t i = 0; i < set.n; i++) {
			const struct doc *d = &set.docs[i];
			if (!d->error && fold[i] != f)
				ex[n++] = (struct portal_train_doc){ NULL, d->text.data, d->text.len, d->type };
		}
		struct portal_model *m = portal_model_train(ex, n, err, sizeof err);
		if (!m) {
			fprintf(stderr, "portal-train: fold %d: %s\n", f + 1, err);
			return 1;
		}
		for (size_t i = 0; i < set.n; i++)
			if (!set.docs[i].error && fold[i] == f) {
				classify_doc(m, &set.docs[i], &o[i]);
				tested[i] = 1;
			}
		portal_model_free(m);
	}
	printf("\n%d-fold cross-validation, stratified by corpus and type, whole documents held out "
	       "(seed %lu); the title is what the text's top gives, as for an upload without one\n", k, seed);
	report("both label files", &set, o, tested, -1, 1);
	report("real documents (labels.tsv)", &set, o, tested, REAL, 1);
	report("programme samples (programme/labels.tsv)", &set, o, tested, PROG, 1);
	calibration(&set, o, tested);
	misses(&set, o, tested);

	struct outcome *o2 = xcalloc(set.n ? set.n : 1, sizeof *o2);
	cross_corpus(&set, REAL, o2, tested);
	cross_corpus(&set, PROG, o2, tested);
	meta_eval(&set);
	printf("\ntimes: loading and extraction %.1f s, training and testing %.1f s\n", t1 - t0, now_s() - t1);
	free(o2);
	free(fold);
	free(o);
	free(tested);
	free(ex);
	corpus_free(&set);
	return 0;
}


/* ---- main ------------------------------------------------------------------ */

static int cmd_text(const char *root, const char *file)
{
	struct corpus_set set = { 0 };
	int rc = 1;

	if (read_corpus(root, &set) < 0)
		return 1;
	for (size_t i = 0; i < set.n; i++) {
		if (strcmp(set.docs[i].file, file) != 0)
			continue;
		struct buf text = BUF_INIT;
		char err[512];
		if (extract_one(set.docs[i].path, &text, err, sizeof err) < 0) {
			fprintf(stderr, "portal-train: %s: %s\n", file, err);
		} else {
			fwrite(text.data, 1, text.len, stdout);
			rc = 0;
		}
		buf_free(&text);
		corpus_free(&set);
		return rc;
	}
	fprintf(stderr, "portal-train: %s is not in the labels\n", file);
	corpus_free(&set);
	return 1;
}

static int usage(void)
{
	fprintf(stderr, "usage: portal-train build [CACHE] CORPUS_DIR OUT_MODEL\n"
			"       portal-train eval [CACHE] CORPUS_DIR [--folds K] [--seed N]\n"
			"       portal-train text CORPUS_DIR FILE\n"
			"CACHE: --cache FILE [--cache-key-files \"OBJECT...\"] keeps extracted text\n"
			"--max-seconds N: skip files that take longer to extract (default %d)\n",
		DEFAULT_MAX_SECONDS);
	return 2;
}

int main(int argc, char **argv)
{
	const char *cache = NULL, *keyfiles = NULL, *pos[3] = { NULL, NULL, NULL };
	int npos = 0, folds = 5;
	unsigned long seed = 1;

	portal_log_init("portal-train");
	if (argc < 2)
		return usage();
	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--cache") == 0 && i + 1 < argc)
			cache = argv[++i];
		else if (strcmp(argv[i], "--cache-key-files") == 0 && i + 1 < argc)
			keyfiles = argv[++i];
		else if (strcmp(argv[i], "--folds") == 0 && i + 1 < argc)
			folds = atoi(argv[++i]);
		else if (strcmp(argv[i], "--seed") == 0 && i + 1 < argc)
			seed = strtoul(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--max-seconds") == 0 && i + 1 < argc &&
			 (limits.cpu_seconds = limits.wall_seconds = (unsigned)atoi(argv[++i])) == 0)
			return usage();
		else if (argv[i][0] == '-' && argv[i][1] == '-')
			return usage();
		else if (npos < 3)
			pos[npos++] = argv[i];
		else
			return usage();
	}
	if (strcmp(argv[1], "build") == 0 && npos == 2)
		return cmd_build(pos[0], pos[1], cache, keyfiles);
	if (strcmp(argv[1], "eval") == 0 && npos == 1 && folds >= 2 && folds <= 20)
		return cmd_eval(pos[0], folds, seed, cache, keyfiles);
	if (strcmp(argv[1], "text") == 0 && npos == 2)
		return cmd_text(pos[0], pos[1]);
	return usage();
}
