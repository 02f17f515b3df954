/* portal-indexer.c: the indexer daemon, the single Xapian writer.
 *
 * It takes queued jobs from SQLite one at a time: detects the stored file's
 * type, extracts its text in a sandboxed child, derives a title, writes the
 * document into Xapian (replace by id term, so running a job twice is
 * harmless), commits, then records text and status in one SQLite
 * transaction. A job found 'running' at start-up was cut short by a crash
 * and is queued again. With --once it drains the queue and exits. */
#include "arena.h"
#include "buf.h"
#include "db.h"
#include "detect.h"
#include "docs.h"
#include "encoding.h"
#include "extract.h"
#include "index.h"
#include "classify.h"
#include "meta.h"
#include <jansson.h>
#include "index-dir.h"
#include "log.h"
#include "sandbox.h"
#include "settings.h"
#include "xap.h"

#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define TITLE_MAX 120	/* characters taken from the text for a title */
#define MAX_ATTEMPTS 3	/* a job that crashed the indexer this often is given up */
#define BATCH_MAX 256	/* jobs per index commit (a commit costs as much as ~10 jobs) */
#define BATCH_MS 2000	/* ... or this long, so the first results show soon */
#define LINGER_MS 500	/* an empty queue ends a batch once it stayed empty this long */
#define POLL_MS 10	/* how often the queue is looked at meanwhile */
#define IDLE_MS 100	/* ... and between batches */
/* After this many commits, once the queue has been empty for
 * COMPACT_IDLE_S, the index is compacted (index_dir_compact): documents
 * that arrive one by one leave it in part-full blocks, a third bigger and
 * slower to search. PORTAL_COMPACT_COMMITS and PORTAL_COMPACT_IDLE (seconds)
 * override both; commits 0 turns it off. */
#define COMPACT_COMMITS 200
#define COMPACT_IDLE_S 60

static volatile sig_atomic_t stopping;
static struct portal_model *model;	/* process lifetime; NULL: title cues only */
static void on_stop(int sig) { stopping = sig; }

static const struct sandbox_limits limits = {
	.cpu_seconds = 60,
	.memory_bytes = 1024UL * 1024 * 1024,
	.wall_seconds = 180,	/* OCR stops starting pages at PORTAL_OCR_BUDGET (extract.h) */
	.max_output = 64UL * 1024 * 1024,
};

struct job {
	long long id;
	char doc_id[DOC_ID_LEN];
	char sha256[65];
	char *title;		/* given by the uploader, or NULL */
	char *doc_type;
	char *filename;
	long long uploaded_at;
	int attempts;		/* including this one */
	int has_text;		/* indexed before: text is in SQLite */
	char mime[128];		/* detected when the bytes were stored; "" if none */
};

/* Extractions run in children of this zygote (sandbox.h), forked at
 * start-up while the process is small. Process lifetime. */
static struct sandbox_zygote *zygote;

/* Runs in the sandboxed child. msg is "path\0mime". */
static int extract_child(const char *msg, size_t len, struct buf *out, char *err, size_t errlen)
{
	size_t plen = strlen(msg);
	if (plen >= len) {
		snprintf(err, errlen, "The file could not be read.");
		return -1;
	}
	return portal_extract_file(msg, msg + plen + 1, out, err, errlen);
}

/* The first line of text with some letters in it, at most TITLE_MAX
 * characters, as an arena-free malloc()ed string; NULL when none. */
static char *title_from_text(const char *text)
{
	const char *p = text;
	while (*p) {
		const char *end = strchr(p, '\n');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		while (len && (*p == ' ' || *p == '\t' || *p == '\r')) {
			p++;
			len--;
		}
		while (len && (p[len - 1] == ' ' || p[len - 1] == '\r' || p[len - 1] == '\t'))
			len--;
		if (len >= 4) {
			size_t bytes = 0, chars = 0;
			while (bytes < len && chars < TITLE_MAX) {
				bytes++;
				while (bytes < len && ((unsigned char)p[bytes] & 0xC0) == 0x80)
					bytes++;
				chars++;
			}
			return xstrndup(p, bytes);
		}
		if (!end)
			break;
		p = end + 1;
	}
	return NULL;
}

static char *filename_stem(const char *filename)
{
	char *s = xstrdup(filename);
	char *dot = strrchr(s, '.');
	if (dot && dot != s)
		*dot = '\0';
	return s;
}

static char *col_dup(sqlite3_stmt *st, int i)
{
	const unsigned char *s = sqlite3_column_text(st, i);
	return s ? xstrdup((const char *)s) : NULL;
}

static void job_free(struct job *j)
{
	free(j->title);
	free(j->doc_type);
	free(j->filename);
}

/* Claim the oldest queued job. 1 when one was found. */
static int next_job(sqlite3 *db, struct job *j)
{
	memset(j, 0, sizeof *j);
	sqlite3_stmt *st = portal_db_cached(db,
		"SELECT j.id, d.id, d.sha256,"
		" CASE WHEN d.title_source = 'uploader' THEN d.title END,"
		" CASE WHEN d.doc_type_source = 'uploader' THEN d.doc_type END,"
		" d.filename, d.uploaded_at, j.attempts,"
		" d.status = 'indexed' AND EXISTS (SELECT 1 FROM document_text t WHERE t.doc_id = d.id),"
		" d.mime"
		" FROM jobs j JOIN documents d ON d.id = j.doc_id"
		" WHERE j.state = 'queued' ORDER BY j.id LIMIT 1");
	int found = sqlite3_step(st) == SQLITE_ROW;
	if (found) {
		j->id = sqlite3_column_int64(st, 0);
		snprintf(j->doc_id, sizeof j->doc_id, "%s", sqlite3_column_text(st, 1));
		snprintf(j->sha256, sizeof j->sha256, "%s", sqlite3_column_text(st, 2));
		j->title = col_dup(st, 3);
		j->doc_type = col_dup(st, 4);
		j->filename = col_dup(st, 5);
		j->uploaded_at = sqlite3_column_int64(st, 6);
		j->attempts = sqlite3_column_int(st, 7) + 1;
		j->has_text = sqlite3_column_int(st, 8);
		if (sqlite3_column_text(st, 9))
			snprintf(j->mime, sizeof j->mime, "%s", sqlite3_column_text(st, 9));
	}
	sqlite3_reset(st);
	if (found) {
		st = portal_db_cached(db, "UPDATE jobs SET state = 'running', attempts = attempts + 1,"
					  " updated_at = ? WHERE id = ?");
		sqlite3_bind_int64(st, 1, portal_now());
		sqlite3_bind_int64(st, 2, j->id);
		sqlite3_step(st);
		sqlite3_reset(st);
	}
	return found;
}

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The next job for the batch begun at start (now_ms()) holding n jobs:
 * 1 when one was claimed, 0 when the batch is complete. Uploads arrive
 * one by one, a few milliseconds apart, and the indexer often catches up
 * with them; ending the batch at every empty queue would commit (several
 * disk flushes, as much work as ~10 jobs) for every few documents, so an
 * empty queue is watched for LINGER_MS before the batch ends (on a busy
 * machine uploads sent one after another arrived 300-500 ms apart; with
 * 200 ms, 20 of them still took 12 commits). */
static int next_in_batch(sqlite3 *db, struct job *j, long long start, size_t n)
{
	long long quiet = now_ms() + LINGER_MS;
	for (;;) {
		if (stopping || n >= BATCH_MAX || now_ms() - start >= BATCH_MS)
			return 0;
		if (next_job(db, j))
			return 1;
		if (now_ms() >= quiet)
			return 0;
		usleep(POLL_MS * 1000);
	}
}

static long env_long(const char *name, long fallback)
{
	const char *v = getenv(name);
	char *end;
	long n = v && *v ? strtol(v, &end, 10) : fallback;
	return v && *v && (*end || n < 0) ? fallback : n;
}

/* Compact the index when it is due: enough commits since the last time and
 * a quiet queue since idle_since (now_ms()). Closes the writer (*w), which
 * the main loop reopens on the new generation. An index replaced meanwhile
 * (portalctl compact after an import, a rebuild) starts the count again. */
static void compact_when_due(pxap_writer **w, const char *generation, long *commits, long long idle_since)
{
	static long due_after = -1, idle_s;
	if (due_after < 0) {
		due_after = env_long("PORTAL_COMPACT_COMMITS", COMPACT_COMMITS);
		idle_s = env_long("PORTAL_COMPACT_IDLE", COMPACT_IDLE_S);
	}
	if (!due_after || *commits < due_after || now_ms() - idle_since < idle_s * 1000)
		return;
	char err[512], now[PATH_MAX];
	if (index_dir_current(now, sizeof now) == 0 && strcmp(now, generation) != 0) {
		*commits = 0;
		return;
	}
	int lock = index_dir_lock(err, sizeof err);
	if (lock < 0)
		portal_fatal("index: %s", err);
	pxap_writer_close(*w);	/* everything in it is committed */
	*w = NULL;
	long long before, after;
	long long t0 = now_ms();
	if (index_dir_compact(&before, &after, err, sizeof err) < 0)
		portal_log("compacting the index failed, it stays as it is: %s", err);
	else
		portal_log("compacted the index after %ld commits: %.1f MB, was %.1f MB (%lld ms)",
			   *commits, after / 1e6, before / 1e6, now_ms() - t0);
	index_dir_unlock(lock);
	*commits = 0;	/* a failure is not retried at once either */
}

/* The uploads' transactions hold the write lock while their commit is
 * flushed to disk (a few milliseconds each). SQLite's own busy handler
 * sleeps ever longer between tries (up to 100 ms), so while uploads
 * stream in, the indexer lost the lock to them again and again; this one
 * tries every millisecond, for the same 10 seconds in all. */
static int busy_retry(void *arg, int tries)
{
	if (tries >= 10000)
		return 0;
	usleep(1000);
	return 1;
}

static void exec_or_die(sqlite3 *db, const char *sql)
{
	char err[512];
	if (portal_db_exec(db, sql, err, sizeof err) < 0)
		portal_fatal("%s", err);
}

/* Run a statement from portal_db_cached() to its end, and reset it. */
static void step_or_die(sqlite3 *db, sqlite3_stmt *st)
{
	if (sqlite3_step(st) != SQLITE_DONE)
		portal_fatal("database: %s", sqlite3_errmsg(db));
	sqlite3_reset(st);
}

static void begin_or_die(sqlite3 *db)
{
	step_or_die(db, portal_db_cached(db, "BEGIN IMMEDIATE"));
}

static void commit_or_die(sqlite3 *db)
{
	step_or_die(db, portal_db_cached(db, "COMMIT"));
}

static void job_state(sqlite3 *db, long long job, const char *state)
{
	sqlite3_stmt *st = portal_db_cached(db, "UPDATE jobs SET state = ?, updated_at = ? WHERE id = ?");
	portal_db_bind_text(st, 1, state);
	sqlite3_bind_int64(st, 2, portal_now());
	sqlite3_bind_int64(st, 3, job);
	step_or_die(db, st);
}

/* The document cannot be indexed: record why, in a sentence. */
static void fail_job(sqlite3 *db, const struct job *j, const char *mime, const char *why)
{
	begin_or_die(db);
	sqlite3_stmt *st = portal_db_cached(db, "UPDATE documents SET status = 'failed', error = ?,"
				   " mime = coalesce(?, mime), indexed_at = NULL WHERE id = ?");
	portal_db_bind_text(st, 1, why);
	portal_db_bind_text(st, 2, mime);
	portal_db_bind_text(st, 3, j->doc_id);
	step_or_die(db, st);
	job_state(db, j->id, "failed");
	commit_or_die(db);
	portal_log("failed %s: %s", j->doc_id, why);
}

/* Step 1 of a successful job: text, title, type and versions into SQLite.
 * Returns the documents this one superseded (they need reindexing). */
/* What the text says about the document. Uploader-given title and type are
 * kept (and recorded as such); otherwise they come from the text. */
struct learned {
	const char *title, *title_source;
	const char *doc_type, *type_source;
	double confidence;
	char *metadata;		/* JSON text, malloc()ed */
};

static void learn(const struct job *j, const struct buf *text, struct arena *a, struct learned *l)
{
	json_t *meta = portal_meta_extract(j->title, buf_str(text), text->len);
	char found[512];
	if (j->title) {
		l->title = j->title;
		l->title_source = "uploader";
	} else if (portal_meta_title(buf_str(text), text->len, found, sizeof found) > 0) {
		l->title = arena_strdup(a, found);
		l->title_source = "text";
	} else {
		char *t = title_from_text(buf_str(text));
		l->title = arena_strdup(a, t ? t : "");
		free(t);
		l->title_source = "text";
		if (!*l->title) {
			char *stem = filename_stem(j->filename);
			l->title = arena_strdup(a, stem);
			free(stem);
			l->title_source = "filename";
		}
	}
	struct portal_classification c;
	if (j->doc_type) {
		l->doc_type = j->doc_type;
		l->type_source = "uploader";
		l->confidence = 1.0;
	} else if (portal_classify(model, l->title, buf_str(text), text->len, &c) == 0) {
		l->doc_type = c.doc_type;
		l->type_source = model ? "classifier" : "cues";
		l->confidence = c.confidence;
	} else {
		l->doc_type = "other";
		l->type_source = "default";
		l->confidence = 0;
	}
	l->metadata = json_dumps(meta, JSON_COMPACT);
	json_decref(meta);
}

static size_t record_text(sqlite3 *db, struct arena *a, const struct job *j, const char *mime,
			  const struct learned *l, const struct buf *text, const char ***superseded)
{
	begin_or_die(db);
	sqlite3_stmt *st = portal_db_cached(db, "UPDATE documents SET mime = ?, title = ?,"
		" title_source = ?, doc_type = ?, doc_type_confidence = ?, doc_type_source = ?,"
		" metadata = ?, error = NULL WHERE id = ?");
	portal_db_bind_text(st, 1, mime);
	portal_db_bind_text(st, 2, l->title);
	portal_db_bind_text(st, 3, l->title_source);
	portal_db_bind_text(st, 4, l->doc_type);
	sqlite3_bind_double(st, 5, l->confidence);
	portal_db_bind_text(st, 6, l->type_source);
	portal_db_bind_text(st, 7, l->metadata ? l->metadata : "{}");
	portal_db_bind_text(st, 8, j->doc_id);
	step_or_die(db, st);
	st = portal_db_cached(db, "INSERT OR REPLACE INTO document_text (doc_id, text) VALUES (?, ?)");
	portal_db_bind_text(st, 1, j->doc_id);
	sqlite3_bind_text(st, 2, buf_str(text), (int)text->len, SQLITE_STATIC);
	step_or_die(db, st);
	size_t n = docs_supersede_older(db, a, j->doc_id, superseded);
	commit_or_die(db);
	return n;
}

/* ---- extraction ahead ----------------------------------------------------
 *
 * While this process writes documents into SQLite and Xapian, the sandbox
 * extracts the next queued ones, up to AHEAD of them, so the two use both
 * processors and neither waits for the other at every document (on a busy
 * machine each such wait is a trip through the scheduler). Those jobs are
 * not claimed until their turn comes (their attempts count only their own
 * runs, and a crash leaves them queued as they were); when one is claimed
 * and still the same file, the text waiting for it is used. Jobs are
 * claimed in id order and the ahead ones are submitted in id order, so the
 * text for a job is always the oldest in flight, or not there at all. */
#define AHEAD 16	/* jobs extracted ahead at most (<= SANDBOX_ZYGOTE_QUEUE) */

static struct {
	struct {
		long long job;
		char sha256[65];
		char mime[128];
	} q[AHEAD];		/* submitted, oldest first (a ring from head) */
	size_t head, n;
	long long last;		/* the newest job looked at for submitting */
} ahead;

static struct buf *extract_msg(struct buf *msg, const char *path, const char *mime)
{
	buf_reset(msg);
	buf_append(msg, path, strlen(path) + 1);
	buf_puts(msg, mime);
	return msg;
}

/* The type of the stored file at path. The upload (or import) detected it
 * from these same bytes (stored under their SHA-256, never changed) with
 * the same code, so a supported type recorded then is used as it is: it
 * saves a libmagic run (it compiles its patterns for every file). Anything
 * else (no type, a type we cannot read) is detected again. 0 or -1. */
static int job_mime(const char *recorded, const char *path, char *mime, size_t mimelen,
		    char *err, size_t errlen)
{
	if (recorded && *recorded && portal_extract_supported(recorded) &&
	    strlen(recorded) < mimelen) {
		snprintf(mime, mimelen, "%s", recorded);
		return 0;
	}
	return portal_detect_mime(path, mime, mimelen, err, errlen);
}

/* Start extracting the queued jobs after job `after` (and after those
 * already in flight) that will need it, until AHEAD are in flight. */
static void start_ahead(sqlite3 *db, long long after)
{
	if (stopping || ahead.n == AHEAD)
		return;
	if (ahead.last < after)
		ahead.last = after;
	sqlite3_stmt *st = portal_db_cached(db,
		"SELECT j.id, d.sha256, d.mime FROM jobs j JOIN documents d ON d.id = j.doc_id"
		" WHERE j.state = 'queued' AND j.id > ? AND j.attempts < ?"
		" AND NOT (d.status = 'indexed' AND EXISTS"
		"  (SELECT 1 FROM document_text t WHERE t.doc_id = d.id))"
		" ORDER BY j.id LIMIT ?");
	sqlite3_bind_int64(st, 1, ahead.last);
	sqlite3_bind_int(st, 2, MAX_ATTEMPTS);
	sqlite3_bind_int(st, 3, (int)(AHEAD - ahead.n));
	struct buf msg = BUF_INIT;
	while (sqlite3_step(st) == SQLITE_ROW) {
		char path[PATH_MAX], err[512], recorded[128] = "";
		size_t i = (ahead.head + ahead.n) % AHEAD;
		ahead.last = ahead.q[i].job = sqlite3_column_int64(st, 0);
		snprintf(ahead.q[i].sha256, sizeof ahead.q[i].sha256, "%s", sqlite3_column_text(st, 1));
		if (sqlite3_column_text(st, 2))
			snprintf(recorded, sizeof recorded, "%s", sqlite3_column_text(st, 2));
		portal_object_path(ahead.q[i].sha256, path, sizeof path);
		/* A file that cannot be detected or is refused is left to its
		 * turn, which records why. */
		if (job_mime(recorded, path, ahead.q[i].mime, sizeof ahead.q[i].mime, err, sizeof err) < 0 ||
		    !portal_extract_supported(ahead.q[i].mime))
			continue;
		extract_msg(&msg, path, ahead.q[i].mime);
		if (portal_sandbox_zygote_submit(zygote, msg.data, msg.len, &limits, err, sizeof err) < 0)
			break;	/* no zygote now: each job tries at its turn */
		ahead.n++;
	}
	sqlite3_reset(st);
	buf_free(&msg);
}

/* Collect and throw away the oldest text extracted ahead. */
static void drop_oldest(void)
{
	struct buf discard = BUF_INIT;
	char err[512];
	portal_sandbox_zygote_collect(zygote, &discard, err, sizeof err);
	buf_free(&discard);
	ahead.head = (ahead.head + 1) % AHEAD;
	ahead.n--;
}

/* The zygote is needed for something else: drop every text extracted
 * ahead (the jobs are submitted again by the next start_ahead()). */
static void drop_ahead(void)
{
	while (ahead.n)
		drop_oldest();
	ahead.last = 0;
}

/* Extracted ahead for jobs before j (done since without it, or given up)
 * is of no use: drop it. Then 1 when the oldest in flight is j's text. */
static int ahead_is(const struct job *j)
{
	while (ahead.n && ahead.q[ahead.head].job < j->id)
		drop_oldest();
	return ahead.n && ahead.q[ahead.head].job == j->id &&
	       strcmp(ahead.q[ahead.head].sha256, j->sha256) == 0;
}

/* Detect and extract j's file: 0 with the text, or -1 after failing the
 * job with a sentence. */
static int extract_job(sqlite3 *db, const struct job *j, const char *path, char *mime,
		       size_t mimelen, struct buf *text)
{
	char err[512];
	int rc;

	if (ahead_is(j)) {
		snprintf(mime, mimelen, "%s", ahead.q[ahead.head].mime);
		ahead.head = (ahead.head + 1) % AHEAD;
		ahead.n--;
		rc = portal_sandbox_zygote_collect(zygote, text, err, sizeof err);
	} else {
		if (job_mime(j->mime, path, mime, mimelen, err, sizeof err) < 0) {
			portal_log("%s: %s", j->doc_id, err);
			fail_job(db, j, NULL, "The stored file could not be read.");
			return -1;
		}
		if (!portal_extract_supported(mime)) {
			portal_extract_refusal(mime, err, sizeof err);
			fail_job(db, j, mime, err);
			return -1;
		}
		drop_ahead();
		struct buf msg = BUF_INIT;
		extract_msg(&msg, path, mime);
		rc = portal_sandbox_zygote_run(zygote, msg.data, msg.len, &limits, text,
					       err, sizeof err);
		buf_free(&msg);
	}
	if (rc < 0) {
		fail_job(db, j, mime, err);
		return -1;
	}
	return 0;
}

/* Step 3: the index has it; mark it so. */
/* The jobs whose documents went into the index since the last commit. */
struct batch {
	long long job[BATCH_MAX];
	char doc[BATCH_MAX][DOC_ID_LEN];
	size_t n;
};

static void batch_add(struct batch *b, const struct job *j)
{
	b->job[b->n] = j->id;
	snprintf(b->doc[b->n], DOC_ID_LEN, "%s", j->doc_id);
	b->n++;
}

/* Step 3, for a whole batch at once: the index has them (committed);
 * mark them so in one transaction. */
static void mark_indexed(sqlite3 *db, struct batch *b)
{
	if (!b->n)
		return;
	begin_or_die(db);
	for (size_t i = 0; i < b->n; i++) {
		sqlite3_stmt *st = portal_db_cached(db, "UPDATE documents SET status = 'indexed', indexed_at = ? WHERE id = ?");
		sqlite3_bind_int64(st, 1, portal_now());
		portal_db_bind_text(st, 2, b->doc[i]);
		step_or_die(db, st);
		job_state(db, b->job[i], "done");
	}
	commit_or_die(db);
	b->n = 0;
}

/* A job runs in three steps: SQLite (text), Xapian (put; the commit comes
 * once per batch), SQLite (status, once per batch). A crash between any two
 * leaves the job 'running'; at restart it is queued again and every step
 * repeats harmlessly. A job whose document went into the index is added to
 * b; one that failed is finished here. */
static void run_job(sqlite3 *db, pxap_writer *w, struct job *j, struct batch *b)
{
	char path[PATH_MAX], mime[128], err[512];
	struct buf text = BUF_INIT;
	struct arena *a = arena_new();
	portal_object_path(j->sha256, path, sizeof path);
	if (j->attempts > MAX_ATTEMPTS) {
		fail_job(db, j, NULL, "Indexing this document stopped the indexer several times, so it was given up.");
		goto out;
	}
	if (j->has_text) {	/* already extracted: only the index entry is rebuilt */
		if (portal_index_document(db, w, j->doc_id, err, sizeof err) < 0)
			portal_fatal("reindex %s: %s", j->doc_id, err);
		batch_add(b, j);
		portal_log("reindexed %s", j->doc_id);
		goto out;
	}
	if (extract_job(db, j, path, mime, sizeof mime, &text) < 0)
		goto out;
	start_ahead(db, j->id);	/* the next text while we index this one */
	portal_utf8_sanitize(&text);
	struct learned l;
	learn(j, &text, a, &l);
	const char **superseded;
	size_t nsup = record_text(db, a, j, mime, &l, &text, &superseded);
	free(l.metadata);
	if (portal_index_document(db, w, j->doc_id, err, sizeof err) < 0)
		portal_fatal("index %s: %s", j->doc_id, err);	/* the job runs again after restart */
	for (size_t i = 0; i < nsup; i++)
		if (portal_index_document(db, w, superseded[i], err, sizeof err) < 0)
			portal_fatal("reindex %s: %s", superseded[i], err);
	batch_add(b, j);
	portal_log("indexed %s (%s, %zu bytes of text, %s %.2f by %s%s)", j->doc_id, mime, text.len,
		   l.doc_type, l.confidence, l.type_source, nsup ? ", supersedes an earlier version" : "");
out:
	start_ahead(db, j->id);
	buf_free(&text);
	arena_destroy(a);
}

int main(int argc, char **argv)
{
	int once = argc > 1 && strcmp(argv[1], "--once") == 0;
	portal_log_init("portal-indexer");
	signal(SIGPIPE, SIG_IGN);
	char err[512];
	/* First, before SQLite, the model and Xapian make this process big. */
	zygote = portal_sandbox_zygote_start(extract_child, err, sizeof err);
	if (!zygote)
		portal_fatal("%s", err);
	struct sigaction sa = { 0 };
	sa.sa_handler = on_stop;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);

	const struct portal_settings *s = portal_settings();
	sqlite3 *db = portal_db_open(s->db_path, err, sizeof err);
	if (!db)
		portal_fatal("%s", err);
	/* This connection's commits need not wait for the disk: in WAL mode
	 * a commit is in the operating system's hands once written, so it
	 * survives SIGKILL of this process; only a power cut can undo the
	 * latest ones, and each of our writes is a step that repeats (a job
	 * rolled back is queued or running, and is done again). A checkpoint
	 * still syncs the WAL first, so the database stays consistent; the
	 * uploads' connections keep synchronous=FULL. This saves two disk
	 * flushes per document (the claim and the text). */
	exec_or_die(db, "PRAGMA synchronous=NORMAL");
	sqlite3_busy_handler(db, busy_retry, NULL);
	/* Jobs left running were cut short by a crash. Jobs are claimed one
	 * at a time in id order, each when the one before it has been
	 * written, so only the newest of them was in progress: the others
	 * had been done and were waiting for their batch's commit. Only the
	 * newest keeps the attempt it used up; a document that crashes the
	 * indexer is then given up alone, not with its whole batch. */
	exec_or_die(db, "UPDATE jobs SET attempts = attempts - 1 WHERE state = 'running' AND attempts > 0"
			" AND id < (SELECT max(id) FROM jobs WHERE state = 'running')");
	exec_or_die(db, "UPDATE jobs SET state = 'queued' WHERE state = 'running'");
	const char *model_path = getenv("PORTAL_MODEL");
	model = portal_model_load(model_path && *model_path ? model_path : PORTAL_MODEL_PATH, err, sizeof err);
	if (!model)
		portal_log("no document-type model (%s): classifying by title cues only", err);
	portal_log("started");
	pxap_writer *w = NULL;
	char generation[PATH_MAX] = "";
	long commits = 0;	/* since start or the last compaction */
	long long idle_since = now_ms();
	while (!stopping) {
		struct job j;
		if (next_job(db, &j)) {
			/* Write only under the writer lock, into the current
			 * generation: a rebuild may have switched it. */
			int lock = index_dir_lock(err, sizeof err);
			char now[PATH_MAX];
			if (lock < 0 || index_dir_current(now, sizeof now) < 0)
				portal_fatal("index: %s", lock < 0 ? err : "no index (run portalctl init)");
			if (!w || strcmp(now, generation) != 0) {
				pxap_writer_close(w);
				w = pxap_writer_open(s->xapian_path, err, sizeof err);
				if (!w)
					portal_fatal("%s", err);
				snprintf(generation, sizeof generation, "%s", now);
			}
			/* A batch: up to BATCH_MAX jobs or BATCH_MS, then
			 * one Xapian commit and one SQLite transaction. */
			struct batch b = { .n = 0 };
			long long start = now_ms();
			do {
				run_job(db, w, &j, &b);
				job_free(&j);
			} while (next_in_batch(db, &j, start, b.n));
			size_t n = b.n;
			if (n && pxap_writer_commit(w, err, sizeof err) < 0)
				portal_fatal("commit: %s", err);	/* the jobs run again after restart */
			mark_indexed(db, &b);
			if (n)
				portal_log("committed %zu document%s", n, n == 1 ? "" : "s");
			index_dir_unlock(lock);
			commits += n > 0;
			idle_since = now_ms();
			continue;
		}
		if (once)
			break;
		compact_when_due(&w, generation, &commits, idle_since);
		usleep(IDLE_MS * 1000);
	}
	if (w)
		pxap_writer_close(w);
	portal_db_close_cached(db);
	sqlite3_close(db);
	portal_sandbox_zygote_close(zygote);
	portal_log("stopped");
	return 0;
}
