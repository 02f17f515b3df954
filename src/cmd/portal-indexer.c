/* portal-indexer.c: the indexer daemon, the single Xapian writer.
 *
 * It claims queued jobs (jobs.h) one at a time: detects the stored file's
 * type, extracts its text in a sandboxed child, derives a title, records
 * text and facts in SQLite, writes the document into Xapian (replace by id
 * term, so running a job twice is harmless), and after a batch commits the
 * index and then the batch's status in one SQLite transaction. Whatever
 * fails for one document fails its job, with a sentence saying why; only a
 * failure of the database or the index as a whole stops the process, and
 * its master (supervise.h) starts it again. A job found 'running' at
 * start-up was cut short by a crash and is queued again. With --once it
 * drains the queue and exits, unsupervised.
 *
 * A PDF's first pages are also rendered as images for its page (preview.h),
 * by the same sandboxed child in the same request: the reply is the framed
 * images, then the text. The indexer writes them under index/preview/ID
 * (previews.h). A PDF indexed before previews existed gets them when a job
 * for it runs again (portalctl reindex queues one for each). */
#include "arena.h"
#include "buf.h"
#include "db.h"
#include "detect.h"
#include "docs.h"
#include "editions.h"
#include "utf8.h"
#include "extract.h"
#include "extract-job.h"
#include "extract-remote.h"
#include "index.h"
#include "jobs.h"
#include "classify.h"
#include "meta.h"
#include "preview.h"
#include "previews.h"
#include <jansson.h>
#include "index-dir.h"
#include "log.h"
#include "sandbox.h"
#include "settings.h"
#include "supervise.h"
#include "xap.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
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
/* Where a batch's time went (ms), for its log line. */
static struct { long long wait, learn, text, put; } spent;
static struct portal_model *model;	/* process lifetime; NULL: title cues only */
static void on_stop(int sig) { stopping = sig; }

/* The lanes' sandbox limits (extract-job.h). A lane whose jobs go to
 * the extraction hosts (extract-remote.h) has its time twice: once for the
 * hosts, once to read the file here should none of them do it. */
static struct sandbox_limits lane_limits(int is_long)
{
	struct sandbox_limits l = is_long ? portal_extract_long_limits : portal_extract_quick_limits;
	if (portal_remote_wanted(is_long))
		l.wall_seconds *= 2;
	return l;
}

static long env_long(const char *name, long fallback)
{
	const char *v = getenv(name);
	char *end;
	long n = v && *v ? strtol(v, &end, 10) : fallback;
	return v && *v && (*end || n < 0) ? fallback : n;
}

/* Processors online: the default width of the lanes. */
static long cores(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n > 0 ? n : 1;
}

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

/* Where a long lane's child says how far its text recognition is: one
 * slot per worker, in memory shared with the workers' children (mapped
 * before the zygotes are forked). Process lifetime. */
struct progress_slot {
	volatile int done, total;
};
#define WORKERS_MAX 16	/* extraction workers at most; slot WORKERS_MAX is the spare's */
static struct progress_slot *progress;

static void report_pages(void *arg, int done, int total)
{
	struct progress_slot *p = arg;
	p->total = total;
	p->done = done;
}

/* Runs in the sandboxed child. msg is "path\0mime\0want\0lane\0name":
 * want is "" (the text), "preview" (the first pages' images, then the
 * text; preview.h) or "preview-only" (the images alone); lane is "q"
 * (quick: a long extraction is not run but answered "L") or "l" and the
 * worker's progress slot ("l2"); name is the document's id. The reply is
 * portal_extract_job()'s (extract-job.h), from the extraction hosts when
 * they take this lane's jobs (extract-remote.h), else from here. */
static int extract_child(const char *msg, size_t len, struct buf *out, char *err, size_t errlen)
{
	const char *field[5];
	size_t at = 0;
	for (int i = 0; i < 5; i++) {
		field[i] = at < len ? msg + at : "";
		at += strlen(field[i]) + 1;
	}
	const char *mime = field[1], *want = field[2], *lane = field[3], *name = field[4];
	struct portal_extract_lane l = { .is_long = lane[0] == 'l' };
	if (l.is_long) {
		int slot = atoi(lane + 1);
		if (slot < 0 || slot > WORKERS_MAX)
			slot = WORKERS_MAX;
		l.progress = report_pages;
		l.progress_arg = &progress[slot];
	}
	if (*msg && strcmp(want, "preview-only") != 0 && portal_remote_wanted(l.is_long)) {
		const struct sandbox_limits *base = l.is_long ? &portal_extract_long_limits
							      : &portal_extract_quick_limits;
		int rc = portal_remote_extract(msg, mime, want, l.is_long, name, base->wall_seconds - 10,
					       out, err, errlen);
		if (rc != PORTAL_REMOTE_HOST_FAILED)
			return rc;
		if (!portal_remote_fallback()) {
			char why[512];
			snprintf(why, sizeof why, "%s", err);
			snprintf(err, errlen, "The file could not be read: no extraction host read it (%s).", why);
			return -1;
		}
		portal_log("%s: no extraction host read it (%s): reading it here", name, err);
	}
	return portal_extract_job(msg, mime, want, &l, out, err, errlen);
}

/* Take the images off the front of a reply (extract_child) and keep them
 * for document id; out is left with the text after them. 0, or -1 when the
 * reply is malformed (then nothing is kept). A failure to write them is
 * logged: the document is indexed all the same. */
static int keep_previews(const char *id, struct buf *out)
{
	struct portal_preview_page pages[PREVIEW_PAGES];
	const char *png[PREVIEW_PAGES];
	size_t lens[PREVIEW_PAGES], used;
	char err[512];
	int n = portal_preview_split(out->data ? out->data : "", out->len, pages, PREVIEW_PAGES, &used);
	if (n < 0)
		return -1;
	for (int i = 0; i < n; i++) {
		png[i] = pages[i].png;
		lens[i] = pages[i].len;
		if (!portal_preview_is_png(png[i], lens[i]))
			return -1;
	}
	if (previews_save(id, png, lens, n, err, sizeof err) < 0)
		portal_log("%s: page images: %s", id, err);
	memmove(out->data, out->data + used, out->len - used);
	out->len -= used;
	if (out->data)
		out->data[out->len] = '\0';
	return 0;
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

/* What the job needs of its document. 0, or -1 when it is gone. */
static int load_document(sqlite3 *db, struct job *j)
{
	sqlite3_stmt *st = portal_db_cached(db,
		"SELECT d.sha256,"
		" CASE WHEN d.title_source = 'uploader' THEN d.title END,"
		" CASE WHEN d.doc_type_source = 'uploader' THEN d.doc_type END,"
		" d.filename, d.uploaded_at,"
		" d.status = 'indexed' AND EXISTS (SELECT 1 FROM document_text t WHERE t.doc_id = d.id),"
		" d.mime"
		" FROM documents d WHERE d.id = ?");
	sqlite3_bind_text(st, 1, j->doc_id, -1, SQLITE_STATIC);
	int found = sqlite3_step(st) == SQLITE_ROW;
	if (found) {
		snprintf(j->sha256, sizeof j->sha256, "%s", sqlite3_column_text(st, 0));
		j->title = col_dup(st, 1);
		j->doc_type = col_dup(st, 2);
		j->filename = col_dup(st, 3);
		j->uploaded_at = sqlite3_column_int64(st, 4);
		j->has_text = sqlite3_column_int(st, 5);
		if (sqlite3_column_text(st, 6))
			snprintf(j->mime, sizeof j->mime, "%s", sqlite3_column_text(st, 6));
	}
	sqlite3_reset(st);
	return found ? 0 : -1;
}

/* Compact the index when it is due: enough commits since the last time and
 * a quiet queue since idle_since (portal_now_ms()). Closes the writer (*w), which
 * the main loop reopens on the new generation. An index replaced meanwhile
 * (portalctl compact after an import, a rebuild) starts the count again. */
static void compact_when_due(pxap_writer **w, const char *generation, long *commits, long long idle_since)
{
	static long due_after = -1, idle_s;
	if (due_after < 0) {
		due_after = env_long("PORTAL_COMPACT_COMMITS", COMPACT_COMMITS);
		idle_s = env_long("PORTAL_COMPACT_IDLE", COMPACT_IDLE_S);
	}
	if (!due_after || *commits < due_after || portal_now_ms() - idle_since < idle_s * 1000)
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
	long long t0 = portal_now_ms();
	if (index_dir_compact(&before, &after, err, sizeof err) < 0)
		portal_log("compacting the index failed, it stays as it is: %s", err);
	else
		portal_log("compacted the index after %ld commits: %.1f MB, was %.1f MB (%lld ms)",
			   *commits, after / 1e6, before / 1e6, portal_now_ms() - t0);
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

/* Run a statement from portal_db_cached() to its end, and reset it. 0, or
 * -1 with err. */
static int step_done(sqlite3 *db, sqlite3_stmt *st, char *err, size_t errlen)
{
	int rc = sqlite3_step(st);
	if (rc != SQLITE_DONE)
		snprintf(err, errlen, "database: %s", sqlite3_errmsg(db));
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* The same where a failure is not the document's but the database's. */
static void step_or_die(sqlite3 *db, sqlite3_stmt *st)
{
	char err[512];
	if (step_done(db, st, err, sizeof err) < 0)
		portal_fatal("%s", err);
}

static void begin_or_die(sqlite3 *db)
{
	step_or_die(db, portal_db_cached(db, "BEGIN IMMEDIATE"));
}

static void commit_or_die(sqlite3 *db)
{
	step_or_die(db, portal_db_cached(db, "COMMIT"));
}

/* Undo the open transaction, if SQLite has not undone it already. */
static void rollback(sqlite3 *db)
{
	if (!sqlite3_get_autocommit(db))
		step_or_die(db, portal_db_cached(db, "ROLLBACK"));
}

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

/* Step 1 of a successful job: text, title, type, metadata and versions
 * into SQLite, in one transaction. Returns how many documents this one
 * superseded (their ids in *superseded: they need reindexing), or -1 with
 * err when the database refused this document's rows (nothing written). */
static long record_text(sqlite3 *db, struct arena *a, const struct job *j, const char *mime,
			const struct learned *l, const struct buf *text, const char ***superseded,
			char *err, size_t errlen)
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
	if (step_done(db, st, err, errlen) < 0)
		goto refused;
	st = portal_db_cached(db, "INSERT OR REPLACE INTO document_text (doc_id, text) VALUES (?, ?)");
	portal_db_bind_text(st, 1, j->doc_id);
	sqlite3_bind_text(st, 2, buf_str(text), (int)text->len, SQLITE_STATIC);
	if (step_done(db, st, err, errlen) < 0)
		goto refused;
	size_t n = docs_supersede_older(db, a, j->doc_id, superseded);
	commit_or_die(db);
	return (long)n;
refused:
	rollback(db);
	return -1;
}

/* ---- lanes of extraction workers ----------------------------------------
 *
 * Texts are extracted by workers while this process writes documents into
 * SQLite and Xapian: each worker is a zygote (sandbox.h), forked at
 * start-up while the process is small, that runs each extraction in a
 * sandboxed child of its own. The quick lane has PORTAL_EXTRACT_WORKERS
 * of them (default: one per processor), each given up to DEPTH jobs at a
 * time; the long lane (PORTAL_LONG_WORKERS, default 1) takes one job at a
 * time and recognises up to PORTAL_OCR_WIDTH pages of it at once (default:
 * one per processor). An image goes to the long lane at once; any other
 * file goes to the quick lane first, whose child answers "L" instead of
 * starting anything long (a scan, a PDF of over PORTAL_LONG_PAGES pages:
 * extract.h), and then to the long lane. So a scan of a hundred pages
 * holds up no other document: each answer is taken as it comes, whatever
 * its order in the queue.
 *
 * Jobs are not claimed while their text is extracted, only once it is
 * there (their attempts count only their own runs, and a crash of this
 * process, which takes the workers with it, leaves them queued as they
 * were); the text is then used if the job is still queued. A job that
 * needs no extraction (its text is in SQLite, its type is refused, its
 * attempts are used up) waits in `ready` for its turn in a batch. A long
 * job is recorded as such in SQLite (jobs_set_long) and, while a worker
 * reads it, how many of its pages are done (progress slots, written to
 * SQLite at most once a second), for its document's page and portalctl. */
#define DEPTH 8			/* jobs at a quick worker at once (<= SANDBOX_ZYGOTE_QUEUE) */
#define BACKLOG_MAX 512		/* long jobs waiting for a long worker */
#define READY_MAX 512		/* jobs waiting to run without a worker */
#define LOOK 32			/* queued jobs looked at in one go */
#define PROGRESS_MS 1000	/* a long job's pages go to SQLite this often at most */

enum lane { QUICK, LONG };

/* A job handed to a worker (or waiting for one). */
struct flight {
	long long job;
	char doc[DOC_ID_LEN];
	char sha256[65];
	char mime[128];
	int text_only;		/* a PDF in the quick lane: its page images come after (previews_later()) */
	int images_only;	/* an indexed PDF's page images alone (previews_ahead()) */
};

struct worker {
	struct sandbox_zygote *z;
	enum lane lane;
	struct flight q[DEPTH];	/* submitted, oldest first (a ring from head): the order of its answers */
	size_t head, n;
	int done_seen, total_seen;	/* long: the pages last written to SQLite */
	long long written_ms;
};

static struct {
	struct worker w[WORKERS_MAX];	/* the quick ones, then the long ones */
	int n;
	struct flight backlog[BACKLOG_MAX];	/* long jobs, oldest first */
	size_t nbacklog;
	long long ready[READY_MAX];	/* jobs to run with no worker, oldest first */
	size_t nready;
	long long cursor;	/* the newest job looked at */
	int next_answer;	/* the worker looked at first for an answer (in turn) */
} lanes;

/* For the rare extraction run here and now (a job whose text was not
 * extracted ahead, previews of a document indexed before): a zygote of
 * its own, using the last progress slot. Process lifetime. */
static struct sandbox_zygote *spare;

/* The message for extract_child(): want NULL asks for the text (and the
 * page images, for a PDF). */
static struct buf *extract_msg(struct buf *msg, const char *path, const char *mime, int slot,
			       const char *want, const char *doc)
{
	char lane[16];
	buf_reset(msg);
	buf_append(msg, path, strlen(path) + 1);
	buf_append(msg, mime, strlen(mime) + 1);
	if (want)
		buf_puts(msg, want);
	else if (previews_wanted(mime))
		buf_puts(msg, "preview");
	buf_putc(msg, '\0');
	if (slot < 0)
		snprintf(lane, sizeof lane, "q");
	else
		snprintf(lane, sizeof lane, "l%d", slot);
	buf_append(msg, lane, strlen(lane) + 1);
	buf_puts(msg, doc);
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

/* What extracting ahead needs of a queued job's document: its file and
 * the type recorded for it. 1 when it needs extracting, 0 when not (it
 * has its text already, or it is gone). */
static int ahead_document(sqlite3 *db, const char *doc_id, char sha256[65], char *recorded, size_t len)
{
	sqlite3_stmt *st = portal_db_cached(db,
		"SELECT d.sha256, d.mime FROM documents d WHERE d.id = ?"
		" AND NOT (d.status = 'indexed' AND EXISTS"
		"  (SELECT 1 FROM document_text t WHERE t.doc_id = d.id))");
	sqlite3_bind_text(st, 1, doc_id, -1, SQLITE_STATIC);
	int found = sqlite3_step(st) == SQLITE_ROW;
	if (found) {
		snprintf(sha256, 65, "%s", sqlite3_column_text(st, 0));
		snprintf(recorded, len, "%s", sqlite3_column_text(st, 1) ? (const char *)sqlite3_column_text(st, 1) : "");
	}
	sqlite3_reset(st);
	return found;
}

/* Hand f to worker wi. 0, or -1 when its zygote can take nothing now.
 * A quick worker reads a PDF's text alone: drawing its page images took
 * most of the time of reading the real corpus's PDFs (four times the
 * text's), so its text is indexed first and the images follow in a job of
 * their own (previews_later()). A long job still draws them after its
 * text (OCR dwarfs them), on the extraction host when one reads it; so
 * does a quick one when the hosts read every job (PORTAL_EXTRACT_REMOTE=all:
 * the primary then draws nothing). */
static int submit(sqlite3 *db, int wi, const struct flight *given)
{
	struct worker *w = &lanes.w[wi];
	char path[PATH_MAX], err[512];
	struct buf msg = BUF_INIT;
	struct flight one = *given, *f = &one;
	f->text_only = w->lane == QUICK && previews_wanted(f->mime) && !f->images_only &&
		       !portal_remote_wanted(0);
	portal_object_path(f->sha256, path, sizeof path);
	extract_msg(&msg, path, f->mime, w->lane == LONG ? wi : -1,
		    f->images_only ? "preview-only" : f->text_only ? "" : NULL, f->doc);
	struct sandbox_limits lim = lane_limits(w->lane == LONG);
	int rc = portal_sandbox_zygote_submit(w->z, msg.data, msg.len, &lim, err, sizeof err);
	buf_free(&msg);
	if (rc < 0) {
		portal_log("%s: no extraction worker: %s", f->doc, err);
		return -1;
	}
	w->q[(w->head + w->n) % DEPTH] = *f;
	w->n++;
	if (w->lane == LONG) {
		progress[wi].done = progress[wi].total = 0;
		w->done_seen = w->total_seen = -1;
		w->written_ms = 0;
		if (jobs_set_long(db, f->job, 1) < 0)
			portal_log("%s: database: %s", f->doc, sqlite3_errmsg(db));
		portal_log("%s: reading in the long lane", f->doc);
	}
	return 0;
}

static void make_ready(long long job)
{
	if (lanes.nready == READY_MAX)
		portal_fatal("more than %d jobs ready", READY_MAX);	/* fill() keeps room */
	lanes.ready[lanes.nready++] = job;
}

/* f belongs to the long lane: to a free long worker, or to the backlog. */
static void to_long(sqlite3 *db, const struct flight *f)
{
	for (int i = 0; i < lanes.n; i++)
		if (lanes.w[i].lane == LONG && lanes.w[i].n == 0)
			if (submit(db, i, f) == 0)
				return;
	if (lanes.nbacklog == BACKLOG_MAX) {
		make_ready(f->job);	/* fill() keeps room; extracted at its turn */
		return;
	}
	lanes.backlog[lanes.nbacklog++] = *f;
	if (jobs_set_long(db, f->job, 0) < 0)
		portal_log("%s: database: %s", f->doc, sqlite3_errmsg(db));
}

/* f to the least busy quick worker: 1, or 0 when none can take it. */
static int to_quick(sqlite3 *db, const struct flight *f)
{
	int best = -1;
	for (int i = 0; i < lanes.n; i++)
		if (lanes.w[i].lane == QUICK && lanes.w[i].n < DEPTH &&
		    (best < 0 || lanes.w[i].n < lanes.w[best].n))
			best = i;
	return best >= 0 && submit(db, best, f) == 0;
}

/* An indexed PDF whose page images were never drawn (previews_later()
 * queued its job): 1 with its file and type, so a quick worker draws them
 * while the writer goes on; 0 for anything else. */
static int previews_ahead(sqlite3 *db, const char *doc_id, char sha256[65], char *mime, size_t len)
{
	sqlite3_stmt *st = portal_db_cached(db,
		"SELECT sha256, mime FROM documents WHERE id = ? AND status = 'indexed'");
	sqlite3_bind_text(st, 1, doc_id, -1, SQLITE_STATIC);
	int found = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 1) &&
		    previews_wanted((const char *)sqlite3_column_text(st, 1));
	if (found) {
		snprintf(sha256, 65, "%s", sqlite3_column_text(st, 0));
		snprintf(mime, len, "%s", sqlite3_column_text(st, 1));
	}
	sqlite3_reset(st);
	return found && previews_count(doc_id, PREVIEW_PAGES) < 0;
}

/* Where queued job q goes: a quick worker, the long lane, or ready. */
static void place(sqlite3 *db, const struct portal_job *q)
{
	struct flight f;
	char path[PATH_MAX], recorded[128], err[512];
	memset(&f, 0, sizeof f);
	f.job = q->id;
	snprintf(f.doc, sizeof f.doc, "%s", q->doc_id);
	/* Used up, text already there (or document gone), type unreadable or
	 * refused: the job's turn says so, with no worker. */
	if (q->attempts >= MAX_ATTEMPTS) {
		make_ready(q->id);
		return;
	}
	if (!ahead_document(db, q->doc_id, f.sha256, recorded, sizeof recorded)) {
		f.images_only = previews_ahead(db, q->doc_id, f.sha256, f.mime, sizeof f.mime);
		if (!f.images_only || !to_quick(db, &f))
			make_ready(q->id);
		return;
	}
	portal_object_path(f.sha256, path, sizeof path);
	if (job_mime(recorded, path, f.mime, sizeof f.mime, err, sizeof err) < 0 ||
	    !portal_extract_supported(f.mime)) {
		make_ready(q->id);
		return;
	}
	if (portal_extract_is_long(f.mime)) {
		to_long(db, &f);
		return;
	}
	if (!to_quick(db, &f))
		make_ready(q->id);
}

static size_t tracked(void)
{
	size_t n = lanes.nbacklog + lanes.nready;
	for (int i = 0; i < lanes.n; i++)
		n += lanes.w[i].n;
	return n;
}

/* Give the workers what they can take: the long backlog to free long
 * workers, then queued jobs not looked at yet, while the quick workers
 * have room. */
static void fill(sqlite3 *db)
{
	if (stopping)
		return;
	for (int i = 0; i < lanes.n && lanes.nbacklog; i++) {
		if (lanes.w[i].lane != LONG || lanes.w[i].n)
			continue;
		if (submit(db, i, &lanes.backlog[0]) < 0)
			break;
		memmove(lanes.backlog, lanes.backlog + 1, --lanes.nbacklog * sizeof lanes.backlog[0]);
	}
	if (!tracked())
		lanes.cursor = 0;	/* nothing is lost between looks */
	for (;;) {
		size_t room = 0;
		for (int i = 0; i < lanes.n; i++)
			if (lanes.w[i].lane == QUICK)
				room += DEPTH - lanes.w[i].n;
		/* Each job looked at may end in ready or the backlog, and each
		 * quick one in flight may yet go to the backlog. */
		if (!room || lanes.nready + LOOK > READY_MAX ||
		    lanes.nbacklog + LOOK + (size_t)lanes.n * DEPTH > BACKLOG_MAX)
			break;
		struct portal_job next[LOOK];
		size_t want = room < LOOK ? room : LOOK;
		size_t n = jobs_queued_after(db, lanes.cursor, INT_MAX, next, want);
		for (size_t k = 0; k < n; k++) {
			lanes.cursor = next[k].id;
			place(db, &next[k]);
		}
		if (n < want)
			break;
	}
}

/* Write the long jobs' pages to SQLite when they moved (at most once a
 * second each, and at once when the last page is done). */
static void note_progress(sqlite3 *db)
{
	for (int i = 0; i < lanes.n; i++) {
		struct worker *w = &lanes.w[i];
		if (w->lane != LONG || !w->n)
			continue;
		int done = progress[i].done, total = progress[i].total;
		if ((done == w->done_seen && total == w->total_seen) ||
		    (portal_now_ms() - w->written_ms < PROGRESS_MS && done != total))
			continue;
		if (jobs_set_pages(db, w->q[w->head].job, done, total) < 0)
			portal_log("%s: database: %s", w->q[w->head].doc, sqlite3_errmsg(db));
		w->done_seen = done;
		w->total_seen = total;
		w->written_ms = portal_now_ms();
	}
}

/* 1 when worker i's oldest job has its answer (or the worker is lost or
 * late, which a collect turns into an answer too). */
static int answered(int i, int wait_ms)
{
	const struct worker *w = &lanes.w[i];
	if (!w->n)
		return 0;
	int fd = portal_sandbox_zygote_fd(w->z);
	if (fd < 0 || portal_sandbox_zygote_overdue(w->z))
		return 1;
	struct pollfd p = { fd, POLLIN, 0 };
	return poll(&p, 1, wait_ms) > 0;
}

/* Wait up to ms for any answer (or just wait, when nothing is out). */
static void wait_answers(int ms)
{
	struct pollfd p[WORKERS_MAX];
	nfds_t n = 0;
	for (int i = 0; i < lanes.n; i++) {
		if (!lanes.w[i].n)
			continue;
		int fd = portal_sandbox_zygote_fd(lanes.w[i].z);
		if (fd < 0 || portal_sandbox_zygote_overdue(lanes.w[i].z))
			return;
		p[n++] = (struct pollfd){ fd, POLLIN, 0 };
	}
	if (poll(p, n, ms) < 0 && errno != EINTR)
		portal_fatal("poll: %s", strerror(errno));
}

/* What a worker answered for a job. */
struct answer {
	struct flight f;
	int rc;			/* 0: text holds the text (images first, for a PDF); -1: why */
	struct buf text;
	char why[1024];
};

/* Take one answer that has come, if any: 1 with *x, 0 when none has. A
 * quick worker's "L" (a long job) goes on to the long lane meanwhile. */
static int take_answer(sqlite3 *db, struct answer *x)
{
	for (int k = 0; k < lanes.n; k++) {
		int i = (lanes.next_answer + k) % lanes.n;
		struct worker *w = &lanes.w[i];
		if (!answered(i, 0))
			continue;
		lanes.next_answer = (i + 1) % lanes.n;
		x->f = w->q[w->head];
		w->head = (w->head + 1) % DEPTH;
		w->n--;
		x->text = (struct buf)BUF_INIT;
		x->why[0] = '\0';
		x->rc = portal_sandbox_zygote_collect(w->z, &x->text, x->why, sizeof x->why);
		if (x->rc == 0 && x->text.len == 1 && x->text.data[0] == 'L' && w->lane == QUICK) {
			buf_free(&x->text);
			to_long(db, &x->f);
			k = -1;	/* look again from the next worker */
			continue;
		}
		if (x->rc == 0 && (!x->text.len || x->text.data[0] != 'T')) {
			x->rc = -1;
			snprintf(x->why, sizeof x->why, "The file could not be read: the text extractor sent nonsense.");
		}
		if (x->rc == 0) {	/* the tag goes */
			memmove(x->text.data, x->text.data + 1, x->text.len);
			x->text.len--;
		}
		return 1;
	}
	return 0;
}

/* Take the tag off a reply from the spare zygote: 0, or -1 with why. */
static int untag(struct buf *reply, char *why, size_t whylen)
{
	if (!reply->len || reply->data[0] != 'T') {
		snprintf(why, whylen, "The file could not be read: the text extractor sent nonsense.");
		return -1;
	}
	memmove(reply->data, reply->data + 1, reply->len);
	reply->len--;
	return 0;
}

/* Detect and extract j's file: 0 with the text, or -1 with why (a
 * sentence). mime is the type detected, "" when none was. x: the answer
 * of a worker for this job, or NULL when it is extracted here. */
static int extract_job(const struct job *j, const char *path, struct answer *x, char *mime,
		       size_t mimelen, struct buf *text, char *why, size_t whylen)
{
	char err[512];
	int rc;

	*mime = '\0';
	if (x) {
		snprintf(mime, mimelen, "%s", x->f.mime);
		rc = x->rc;
		if (rc == 0)
			buf_append(text, x->text.data ? x->text.data : "", x->text.len);
		else
			snprintf(why, whylen, "%s", x->why);
	} else {
		if (job_mime(j->mime, path, mime, mimelen, err, sizeof err) < 0) {
			portal_log("%s: %s", j->doc_id, err);
			*mime = '\0';
			snprintf(why, whylen, "The stored file could not be read.");
			return -1;
		}
		if (!portal_extract_supported(mime)) {
			portal_extract_refusal(mime, why, whylen);
			return -1;
		}
		struct buf msg = BUF_INIT;
		extract_msg(&msg, path, mime, WORKERS_MAX, NULL, j->doc_id);
		struct sandbox_limits lim = lane_limits(1);
		rc = portal_sandbox_zygote_run(spare, msg.data, msg.len, &lim, text, why, whylen);
		if (rc == 0)
			rc = untag(text, why, whylen);
		buf_free(&msg);
	}
	if (rc == 0 && previews_wanted(mime) && !(x && x->f.text_only) &&
	    keep_previews(j->doc_id, text) < 0) {
		snprintf(why, whylen, "The file could not be read.");
		return -1;
	}
	return rc < 0 ? -1 : 0;
}

/* Page images for a document indexed before they existed (its text is in
 * SQLite already): rendered alone in the sandbox. An empty folder records
 * that none could be made, so this runs once per document. */
static void previews_for_indexed(const struct job *j, const char *path)
{
	if (!previews_wanted(j->mime) || previews_count(j->doc_id, PREVIEW_PAGES) >= 0)
		return;
	struct buf msg = BUF_INIT, reply = BUF_INIT;
	char why[512] = "the renderer's reply is malformed";
	extract_msg(&msg, path, j->mime, -1, "preview-only", j->doc_id);
	if (portal_sandbox_zygote_run(spare, msg.data, msg.len, &portal_extract_quick_limits, &reply,
				      why, sizeof why) < 0 ||
	    untag(&reply, why, sizeof why) < 0 || keep_previews(j->doc_id, &reply) < 0)
		portal_log("%s: no page images: %s", j->doc_id, why);
	buf_free(&msg);
	buf_free(&reply);
}

/* Document id, indexed from its text alone, gets its page images from a
 * job queued now: behind every job queued before it, so the text of a
 * whole import is searchable before any of its images are drawn. That job
 * finds the text in SQLite and runs previews_for_indexed() (which records
 * an empty folder when none can be drawn, so it runs once), then puts the
 * document again with its images counted. Inside finish_batch()'s
 * transaction: a crash before its commit leaves the document pending and
 * its job queued, which reads it all again. */
static void previews_later(sqlite3 *db, const char *id)
{
	char err[512];
	if (jobs_enqueue(db, id, err, sizeof err) < 0)
		portal_log("%s: its page images: %s", id, err);
}

/* The jobs run since the last commit, and how each ended. */
struct batch {
	struct {
		long long job;
		char doc[DOC_ID_LEN];
		char *failure;	/* NULL: in the index; else why not, a sentence (malloc()ed) */
		char *mime;	/* with a failure: the type detected, or NULL (malloc()ed) */
		int previews_due;	/* indexed without its page images: a job draws them */
	} e[BATCH_MAX];
	size_t n, failed;
};

static void batch_add(struct batch *b, const struct job *j, const char *mime, const char *failure)
{
	b->e[b->n].job = j->id;
	snprintf(b->e[b->n].doc, DOC_ID_LEN, "%s", j->doc_id);
	b->e[b->n].failure = failure ? xstrdup(failure) : NULL;
	b->e[b->n].mime = mime && *mime ? xstrdup(mime) : NULL;
	b->e[b->n].previews_due = 0;
	b->n++;
}

/* The document cannot be indexed. Its entry from an earlier run leaves
 * the index (it would show what no longer holds, such as who may read
 * it), and its job ends failed, with why, when the batch is committed. */
static void give_up(pxap_writer *w, struct batch *b, const struct job *j, const char *mime,
		    const char *why)
{
	char err[512];
	if (pxap_writer_delete(w, j->doc_id, err, sizeof err) < 0)
		portal_log("%s: taking it out of the index: %s", j->doc_id, err);
	batch_add(b, j, mime, why);
	b->failed++;
	portal_log("failed %s: %s", j->doc_id, why);
}

/* Step 2: put document id into the index (uncommitted). 0, or -1 with why. */
static int put_document(sqlite3 *db, pxap_writer *w, const char *id, char *why, size_t whylen)
{
	char err[512];
	if (portal_index_document(db, w, id, err, sizeof err) == 0)
		return 0;
	snprintf(why, whylen, "The document could not be put into the search index: %s", err);
	return -1;
}

static int mark_indexed(sqlite3 *db, const char *doc, char *err, size_t errlen)
{
	sqlite3_stmt *st = portal_db_cached(db, "UPDATE documents SET status = 'indexed', indexed_at = ? WHERE id = ?");
	sqlite3_bind_int64(st, 1, portal_now());
	portal_db_bind_text(st, 2, doc);
	return step_done(db, st, err, errlen);
}

static int mark_failed(sqlite3 *db, const char *doc, const char *mime, const char *why,
		       char *err, size_t errlen)
{
	sqlite3_stmt *st = portal_db_cached(db, "UPDATE documents SET status = 'failed', error = ?,"
				   " mime = coalesce(?, mime), indexed_at = NULL WHERE id = ?");
	portal_db_bind_text(st, 1, why);
	portal_db_bind_text(st, 2, mime);
	portal_db_bind_text(st, 3, doc);
	return step_done(db, st, err, errlen);
}

/* Step 3, for a whole batch at once, after the index committed it: each
 * document indexed or failed (with why), each job finished, in one
 * transaction. A document whose row refuses its status is logged and its
 * job failed; only a failure of the database as a whole stops here. */
static void finish_batch(sqlite3 *db, struct batch *b)
{
	if (!b->n)
		return;
	char err[512];
	begin_or_die(db);
	for (size_t i = 0; i < b->n; i++) {
		const char *failure = b->e[i].failure;
		int rc = failure ? mark_failed(db, b->e[i].doc, b->e[i].mime, failure, err, sizeof err)
				 : mark_indexed(db, b->e[i].doc, err, sizeof err);
		if (rc < 0)
			portal_log("%s: its status could not be recorded: %s", b->e[i].doc, err);
		if (jobs_finish(db, b->e[i].job, failure || rc < 0 ? JOB_FAILED : JOB_DONE) < 0)
			portal_fatal("database: %s", sqlite3_errmsg(db));
		if (!failure && rc == 0 && b->e[i].previews_due)
			previews_later(db, b->e[i].doc);
		free(b->e[i].failure);
		free(b->e[i].mime);
	}
	commit_or_die(db);
	b->n = b->failed = 0;
}

/* A job runs in three steps: SQLite (text), Xapian (put; the commit comes
 * once per batch), SQLite (status, once per batch). A crash between any two
 * leaves the job 'running'; at restart it is queued again and every step
 * repeats harmlessly. Whatever goes wrong with this one document (its
 * file, its text, its rows, its index entry) ends its job failed with a
 * sentence saying why, and the indexer goes on with the next. Every job is
 * added to b. x: what a worker extracted for it, or NULL (extracted here
 * when it needs it). */
static void run_job(sqlite3 *db, pxap_writer *w, struct job *j, struct answer *x, struct batch *b)
{
	char path[PATH_MAX], mime[128] = "", why[1024], err[512];
	struct buf text = BUF_INIT;
	struct arena *a = arena_new();
	portal_object_path(j->sha256, path, sizeof path);
	if (j->attempts > MAX_ATTEMPTS) {
		give_up(w, b, j, NULL, "Indexing this document stopped the indexer several times, so it was given up.");
		goto out;
	}
	if (j->has_text) {	/* already extracted: only the index entry is rebuilt */
		if (x && x->f.images_only) {
			if (x->rc < 0 || keep_previews(j->doc_id, &x->text) < 0)
				portal_log("%s: no page images: %s", j->doc_id,
					   x->rc < 0 ? x->why : "the renderer's reply is malformed");
			else
				portal_log("%s: page images drawn by a quick worker", j->doc_id);
		} else {
			previews_for_indexed(j, path);
		}
		if (put_document(db, w, j->doc_id, why, sizeof why) < 0) {
			give_up(w, b, j, NULL, why);
			goto out;
		}
		batch_add(b, j, NULL, NULL);
		portal_log("reindexed %s", j->doc_id);
		goto out;
	}
	if (extract_job(j, path, x, mime, sizeof mime, &text, why, sizeof why) < 0) {
		give_up(w, b, j, mime, why);
		goto out;
	}
	portal_utf8_sanitize(&text);
	struct learned l;
	long long t0 = portal_now_ms();
	learn(j, &text, a, &l);
	long long t1 = portal_now_ms();
	spent.learn += t1 - t0;
	const char **superseded;
	long nsup = record_text(db, a, j, mime, &l, &text, &superseded, err, sizeof err);
	free(l.metadata);
	if (nsup < 0) {
		snprintf(why, sizeof why, "The document's text and details could not be saved (%s).", err);
		give_up(w, b, j, mime, why);
		goto out;
	}
	/* Its edition and those its text replaces: statuses of other
	 * documents may change (GB 18466-2005 supersedes -2001). */
	const char **changed;
	begin_or_die(db);
	size_t nchanged = editions_record(db, a, j->doc_id, &changed);
	commit_or_die(db);
	long long t2 = portal_now_ms();
	spent.text += t2 - t1;
	int put = put_document(db, w, j->doc_id, why, sizeof why);
	spent.put += portal_now_ms() - t2;
	if (put < 0) {
		give_up(w, b, j, mime, why);
		goto out;
	}
	for (size_t i = 0; i < nchanged; i++)
		if (put_document(db, w, changed[i], why, sizeof why) < 0)
			portal_log("reindex %s (its edition changed): %s", changed[i], why);
	/* An older version that cannot be reindexed here gets a job of
	 * its own, which fails on its own if it must. */
	for (long i = 0; i < nsup; i++)
		if (put_document(db, w, superseded[i], why, sizeof why) < 0) {
			portal_log("reindex %s: %s", superseded[i], why);
			if (jobs_enqueue(db, superseded[i], err, sizeof err) < 0)
				portal_log("reindex %s: %s", superseded[i], err);
		}
	batch_add(b, j, NULL, NULL);
	b->e[b->n - 1].previews_due = x && x->f.text_only;
	portal_log("indexed %s (%s, %zu bytes of text, %s %.2f by %s%s)", j->doc_id, mime, text.len,
		   l.doc_type, l.confidence, l.type_source, nsup ? ", supersedes an earlier version" : "");
out:
	buf_free(&text);
	arena_destroy(a);
}

static void catch_stop_signals(void)
{
	struct sigaction sa = { 0 };
	sa.sa_handler = on_stop;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
}

/* The database, set up for the indexer, with the jobs a crash cut short
 * queued again. */
static sqlite3 *open_database(const struct portal_settings *s)
{
	char err[512];
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
	/* Jobs left running were cut short by a crash (jobs_recover()). */
	int recovered = jobs_recover(db, err, sizeof err);
	if (recovered < 0)
		portal_fatal("%s", err);
	if (recovered)
		portal_log("queued again %d job%s cut short by a crash", recovered, recovered == 1 ? "" : "s");
	return db;
}

static void load_model(void)
{
	char err[512];
	const char *model_path = getenv("PORTAL_MODEL");
	model = portal_model_load(model_path && *model_path ? model_path : PORTAL_MODEL_PATH, err, sizeof err);
	if (!model)
		portal_log("no document-type model (%s): classifying by title cues only", err);
}

/* Take the writer lock and make *w write into the current generation (a
 * rebuild may have switched it; generation names the one *w is open on).
 * The lock, for index_dir_unlock(). */
static int lock_current_writer(const struct portal_settings *s, pxap_writer **w, char *generation,
			       size_t genlen)
{
	char err[512];
	int lock = index_dir_lock(err, sizeof err);
	char now[PATH_MAX];
	if (lock < 0 || index_dir_current(now, sizeof now) < 0)
		portal_fatal("index: %s", lock < 0 ? err : "no index (run portalctl init)");
	if (!*w || strcmp(now, generation) != 0) {
		pxap_writer_close(*w);
		*w = pxap_writer_open(s->xapian_path, err, sizeof err);
		if (!*w)
			portal_fatal("%s", err);
		snprintf(generation, genlen, "%s", now);
	}
	return lock;
}

/* Claim job id and read its document: 1 when *j is to run. */
static int claim(sqlite3 *db, long long id, struct job *j)
{
	struct portal_job q;
	memset(j, 0, sizeof *j);
	int rc = jobs_claim_id(db, id, &q);
	if (rc < 0)
		portal_log("claiming job %lld: database: %s", id, sqlite3_errmsg(db));
	if (rc <= 0)
		return 0;	/* done meanwhile, or gone with its document */
	j->id = q.id;
	j->attempts = q.attempts;
	snprintf(j->doc_id, sizeof j->doc_id, "%s", q.doc_id);
	if (load_document(db, j) == 0)
		return 1;
	/* Jobs go with their document (ON DELETE CASCADE); a read that
	 * failed is not worth a crash either. */
	portal_log("job %lld: document %s could not be read: %s", q.id, q.doc_id, sqlite3_errmsg(db));
	if (jobs_finish(db, q.id, JOB_FAILED) < 0)
		portal_fatal("database: %s", sqlite3_errmsg(db));
	return 0;
}

/* Run the next job whose turn it is (one that needs no worker, or one
 * whose answer has come): 1 when one was taken, 0 when none is waiting. */
static int run_next(sqlite3 *db, pxap_writer *w, struct batch *b)
{
	struct job j;
	if (lanes.nready) {
		long long id = lanes.ready[0];
		memmove(lanes.ready, lanes.ready + 1, --lanes.nready * sizeof lanes.ready[0]);
		if (claim(db, id, &j)) {
			run_job(db, w, &j, NULL, b);
			job_free(&j);
		}
		return 1;
	}
	struct answer x;
	if (!take_answer(db, &x))
		return 0;
	if (claim(db, x.f.job, &j)) {
		/* The same bytes as extracted (a document's never change). */
		int same = strcmp(j.sha256, x.f.sha256) == 0;
		run_job(db, w, &j, same ? &x : NULL, b);
		job_free(&j);
	}
	buf_free(&x.text);
	return 1;
}

/* 1 when a job is waiting for its turn. */
static int work_waiting(void)
{
	if (lanes.nready)
		return 1;
	for (int i = 0; i < lanes.n; i++)
		if (answered(i, 0))
			return 1;
	return 0;
}

/* A batch: up to BATCH_MAX jobs or BATCH_MS, then one Xapian commit and
 * one SQLite transaction, under the writer lock. Uploads arrive one by
 * one, a few milliseconds apart, and the indexer often catches up with
 * them; ending the batch whenever nothing waits would commit (several disk
 * flushes, as much work as ~10 jobs) for every few documents, so the batch
 * ends only once nothing came for LINGER_MS (on a busy machine uploads
 * sent one after another arrived 300-500 ms apart; with 200 ms, 20 of them
 * still took 12 commits). The number of documents committed. */
static size_t index_batch(sqlite3 *db, const struct portal_settings *s, pxap_writer **w,
			  char *generation, size_t genlen)
{
	char err[512];
	int lock = lock_current_writer(s, w, generation, genlen);
	struct batch b = { .n = 0, .failed = 0 };
	long long start = portal_now_ms(), quiet = start + LINGER_MS;
	while (!stopping && b.n < BATCH_MAX && portal_now_ms() - start < BATCH_MS) {
		fill(db);
		note_progress(db);
		if (run_next(db, *w, &b)) {
			quiet = portal_now_ms() + LINGER_MS;
			continue;
		}
		if (portal_now_ms() >= quiet)
			break;
		long long t0 = portal_now_ms();
		wait_answers(POLL_MS);
		spent.wait += portal_now_ms() - t0;
	}
	size_t n = b.n, failed = b.failed;
	long long t_commit = portal_now_ms();
	if (n && pxap_writer_commit(*w, err, sizeof err) < 0)
		portal_fatal("commit: %s", err);	/* the jobs run again after restart */
	long long t_finish = portal_now_ms();
	finish_batch(db, &b);
	if (n)
		portal_log("committed %zu document%s (%zu failed) in %lld ms: batch %lld, index commit %lld,"
			   " statuses %lld; waiting %lld, learning %lld, text %lld, index entries %lld",
			   n, n == 1 ? "" : "s", failed, portal_now_ms() - start,
			   t_commit - start, t_finish - t_commit, portal_now_ms() - t_finish,
			   spent.wait, spent.learn, spent.text, spent.put);
	memset(&spent, 0, sizeof spent);
	index_dir_unlock(lock);
	return n;
}

/* The shared progress slots and the workers' zygotes, before SQLite, the
 * model and Xapian make this process big. */
static void start_workers(void)
{
	char err[512];
	long quick = env_long("PORTAL_EXTRACT_WORKERS", cores());
	long slow = env_long("PORTAL_LONG_WORKERS", 1);
	if (quick < 1)
		quick = 1;
	if (slow < 1)
		slow = 1;
	if (quick > WORKERS_MAX - 1)
		quick = WORKERS_MAX - 1;
	if (quick + slow > WORKERS_MAX)
		slow = WORKERS_MAX - quick;
	progress = mmap(NULL, (WORKERS_MAX + 1) * sizeof *progress, PROT_READ | PROT_WRITE,
			MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (progress == MAP_FAILED)
		portal_fatal("shared memory: %s", strerror(errno));
	for (long i = 0; i < quick + slow; i++) {
		struct worker *wk = &lanes.w[lanes.n++];
		wk->lane = i < quick ? QUICK : LONG;
		wk->z = portal_sandbox_zygote_start(extract_child, err, sizeof err);
		if (!wk->z)
			portal_fatal("%s", err);
	}
	spare = portal_sandbox_zygote_start(extract_child, err, sizeof err);
	if (!spare)
		portal_fatal("%s", err);
	portal_log("extraction: %ld quick worker%s, %ld long", quick, quick == 1 ? "" : "s", slow);
}

static void stop_workers(sqlite3 *db)
{
	char err[512];
	for (int i = 0; i < lanes.n; i++)
		portal_sandbox_zygote_close(lanes.w[i].z);
	portal_sandbox_zygote_close(spare);
	/* What was out stays queued; the lanes' notes on it go. */
	if (jobs_recover(db, err, sizeof err) < 0)
		portal_log("%s", err);
}

int main(int argc, char **argv)
{
	int once = argc > 1 && strcmp(argv[1], "--once") == 0;
	portal_log_init("portal-indexer");
	/* Should this process die after all, a master starts it again. */
	if (!once)
		portal_supervise(argv);
	signal(SIGPIPE, SIG_IGN);
	/* First, before SQLite, the model and Xapian make this process big. */
	start_workers();
	catch_stop_signals();

	const struct portal_settings *s = portal_settings();
	sqlite3 *db = open_database(s);
	load_model();
	portal_log("started");
	pxap_writer *w = NULL;
	char generation[PATH_MAX] = "";
	long commits = 0;	/* since start or the last compaction */
	long long idle_since = portal_now_ms();
	while (!stopping) {
		fill(db);
		note_progress(db);
		if (work_waiting()) {
			size_t n = index_batch(db, s, &w, generation, sizeof generation);
			commits += n > 0;
			idle_since = portal_now_ms();
			continue;
		}
		if (once && !tracked())
			break;
		compact_when_due(&w, generation, &commits, idle_since);
		wait_answers(IDLE_MS);
	}
	if (w)
		pxap_writer_close(w);
	stop_workers(db);
	portal_db_close_cached(db);
	sqlite3_close(db);
	portal_log("stopped");
	return 0;
}
