/* import.c: portalctl import, a whole archive into the portal.
 *
 * Every regular file below DIR is detected by content; supported ones are
 * stored (store.h) and queued (docs.h) exactly as uploads are, unsupported
 * ones are reported and skipped. Each file's outcome is recorded in
 * import_files by path, size and mtime, so running the same import again
 * after an interruption skips what was done and carries on. Then, unless
 * --no-wait, it follows the indexer until every queued document is indexed
 * or failed (and, after a large import, compacts the index), and ends with
 * a summary: indexed, duplicate, refused, failed, with reasons. On a terminal a progress bar shows the way.
 *
 * Files are stored in batches (BATCH_FILES, or BATCH_MS after the first):
 * each file is written and renamed into place without waiting for the
 * disk, then one syncfs() makes the whole batch durable, and only then are
 * its document rows, jobs and import_files rows committed, in one
 * transaction. So a row still never names a file the disk may lose, and an
 * import killed mid-batch leaves the batch's files stored with no rows:
 * running it again finds them stored (same digest) and makes the rows.
 * Two flushes to the disk per file, and a transaction per file, were most
 * of the import's time on small files. */
#include "portalctl.h"
#include "db.h"
#include "jobs.h"
#include "log.h"
#include "detect.h"
#include "docs.h"
#include "extract.h"
#include "settings.h"
#include "store.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define STALL_SECONDS 60	/* no indexer progress this long: stop waiting */
/* An import that queued this many documents compacts the index once they
 * are indexed (portalctl compact): the indexer's many batch commits leave
 * it fragmented, a third bigger and slower to search. */
#define COMPACT_AFTER 500
#define BATCH_FILES 256	/* files stored per disk flush and transaction */
#define BATCH_MS 1000	/* ... or after this long, so the indexer starts soon */

/* A file stored and waiting for its batch's flush and rows. */
struct stored {
	char *path;
	struct stat st;
	char sha256[65];
	unsigned long long size;
	char mime[128];
};

static struct {
	sqlite3 *db;
	int public_;
	int tty;
	unsigned long total, seen;
	unsigned long queued, duplicate, refused, failed, skipped;
	char err[512];
	struct stored batch[BATCH_FILES];
	size_t nbatch;
	long long batch_since;	/* ms, when the batch's first file was stored */
} imp;

static void progress(const char *what, unsigned long done, unsigned long total)
{
	if (!imp.tty || !total)
		return;
	int width = 30, filled = (int)(width * done / total);
	fprintf(stderr, "\r%-8s [%.*s%*s] %lu/%lu", what, filled, "##############################",
		width - filled, "", done, total);
	if (done == total)
		fputc('\n', stderr);
	fflush(stderr);
}

/* The outcome recorded for this path at this size and mtime, or NULL. */
static char *seen_before(const char *path, const struct stat *st)
{
	sqlite3_stmt *q = portal_db_cached(imp.db,
		"SELECT outcome FROM import_files WHERE path = ? AND size = ? AND mtime = ?");
	sqlite3_bind_text(q, 1, path, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 2, (sqlite3_int64)st->st_size);
	sqlite3_bind_int64(q, 3, (sqlite3_int64)st->st_mtime);
	char *out = sqlite3_step(q) == SQLITE_ROW ? strdup((const char *)sqlite3_column_text(q, 0)) : NULL;
	sqlite3_reset(q);
	return out;
}

static void remember(const char *path, const struct stat *st, const char *id, const char *outcome,
		     const char *reason)
{
	sqlite3_stmt *q = portal_db_cached(imp.db,
		"INSERT OR REPLACE INTO import_files (path, size, mtime, doc_id, outcome, reason, at)"
		" VALUES (?, ?, ?, ?, ?, ?, ?)");
	sqlite3_bind_text(q, 1, path, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 2, (sqlite3_int64)st->st_size);
	sqlite3_bind_int64(q, 3, (sqlite3_int64)st->st_mtime);
	portal_db_bind_text(q, 4, id);
	portal_db_bind_text(q, 5, outcome);
	portal_db_bind_text(q, 6, reason);
	sqlite3_bind_int64(q, 7, portal_now());
	sqlite3_step(q);
	sqlite3_reset(q);
}

/* Store one file and queue it; the outcome goes to import_files. */
static void import_one(const char *path, const struct stat *st)
{
	char mime[128];
	char *before = seen_before(path, st);
	if (before) {
		imp.skipped++;
		free(before);
		return;
	}
	if (st->st_size == 0) {
		printf("refused  %s: the file is empty\n", path);
		remember(path, st, NULL, "refused", "the file is empty");
		imp.refused++;
		return;
	}
	if (portal_detect_mime(path, mime, sizeof mime, imp.err, sizeof imp.err) < 0) {
		printf("failed   %s: %s\n", path, imp.err);
		remember(path, st, NULL, "failed", imp.err);
		imp.failed++;
		return;
	}
	if (!portal_extract_supported(mime)) {
		snprintf(imp.err, sizeof imp.err, "files of type %s are not supported", mime);
		printf("refused  %s: %s\n", path, imp.err);
		remember(path, st, NULL, "refused", imp.err);
		imp.refused++;
		return;
	}
	int fd = open(path, O_RDONLY);
	struct store_writer w;
	int rc = fd < 0 ? -1 : store_begin(&w, imp.err, sizeof imp.err);
	if (fd < 0)
		snprintf(imp.err, sizeof imp.err, "%s", strerror(errno));
	char chunk[65536];
	ssize_t n;
	while (rc == 0 && (n = read(fd, chunk, sizeof chunk)) > 0)
		rc = store_write(&w, chunk, (size_t)n, imp.err, sizeof imp.err);
	if (fd >= 0)
		close(fd);
	int existed = 0;
	if (rc == 0)
		rc = store_commit_deferred(&w, &existed, imp.err, sizeof imp.err);
	if (fd >= 0)
		store_abort(&w);
	if (rc < 0) {
		printf("failed   %s: %s\n", path, imp.err);
		remember(path, st, NULL, "failed", imp.err);
		imp.failed++;
		return;
	}
	struct stored *f = &imp.batch[imp.nbatch++];
	f->path = xstrdup(path);
	f->st = *st;
	snprintf(f->sha256, sizeof f->sha256, "%s", w.sha256);
	f->size = w.size;
	snprintf(f->mime, sizeof f->mime, "%s", mime);
	if (imp.nbatch == 1)
		imp.batch_since = portal_now_ms();
}

/* The batch's files to disk (one flush), then their rows in one
 * transaction; each file's outcome as import_one() used to record it. */
static void flush_batch(void)
{
	if (!imp.nbatch)
		return;
	char err[512];
	unsigned long queued = 0, dups = 0;
	int rc = store_sync(err, sizeof err);
	if (rc == 0)
		rc = portal_db_exec(imp.db, "BEGIN IMMEDIATE", err, sizeof err);
	for (size_t i = 0; i < imp.nbatch; i++) {
		struct stored *f = &imp.batch[i];
		char id[DOC_ID_LEN] = "";
		int duplicate = 0, one = rc;
		const char *base = strrchr(f->path, '/');
		struct doc_new d = {
			.sha256 = f->sha256, .filename = base ? base + 1 : f->path, .size = f->size,
			.mime = f->mime, .visibility = imp.public_ ? "public" : "restricted",
		};
		/* A row the database refuses takes only itself back. */
		if (one == 0)
			one = portal_db_exec(imp.db, "SAVEPOINT one", err, sizeof err);
		if (one == 0) {
			one = docs_create_locked(imp.db, &d, id, &duplicate, err, sizeof err);
			if (one < 0)
				sqlite3_exec(imp.db, "ROLLBACK TO one", NULL, NULL, NULL);
			sqlite3_exec(imp.db, "RELEASE one", NULL, NULL, NULL);
		}
		if (one < 0) {
			printf("failed   %s: %s\n", f->path, err);
			if (rc == 0)
				remember(f->path, &f->st, NULL, "failed", err);
			imp.failed++;
		} else if (duplicate) {
			printf("dup      %s: same bytes as %s\n", f->path, id);
			remember(f->path, &f->st, id, "duplicate", NULL);
			dups++;
		} else {
			remember(f->path, &f->st, id, "queued", NULL);
			queued++;
		}
		free(f->path);
	}
	if (rc == 0 && portal_db_exec(imp.db, "COMMIT", err, sizeof err) < 0) {
		sqlite3_exec(imp.db, "ROLLBACK", NULL, NULL, NULL);
		printf("failed   %lu files: %s (run the import again)\n", queued + dups, err);
		imp.failed += queued + dups;
	} else {
		imp.queued += queued;
		imp.duplicate += dups;
	}
	imp.nbatch = 0;
}

static int count_files(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)path;
	(void)ftw;
	if (type == FTW_F && S_ISREG(st->st_mode))
		imp.total++;
	return 0;
}

static int visit(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)ftw;
	if (type != FTW_F || !S_ISREG(st->st_mode))
		return 0;
	char full[4096];
	if (!realpath(path, full))
		snprintf(full, sizeof full, "%s", path);
	import_one(full, st);
	if (imp.nbatch == BATCH_FILES || (imp.nbatch && portal_now_ms() - imp.batch_since >= BATCH_MS))
		flush_batch();
	progress("stored", ++imp.seen, imp.total);
	return 0;
}

/* Pages the long lane has read of the scans it holds: a scan of a
 * hundred pages keeps its document pending for minutes while these move. */
static long long pages_read(void)
{
	return jobs_long_pages(imp.db);
}

static long pending_of_import(void)
{
	sqlite3_stmt *q = portal_db_prepare(imp.db,
		"SELECT count(*) FROM import_files f JOIN documents d ON d.id = f.doc_id"
		" WHERE f.outcome = 'queued' AND d.status = 'pending'");
	long n = sqlite3_step(q) == SQLITE_ROW ? sqlite3_column_int64(q, 0) : 0;
	sqlite3_finalize(q);
	return n;
}

/* Follow the indexer until the queued documents are done: 0, or -1 when
 * it stalled. */
static int wait_for_indexer(void)
{
	long pending = pending_of_import(), last = pending;
	long long pages = pages_read();
	unsigned long todo = (unsigned long)pending;
	time_t moved = time(NULL);
	while (pending > 0) {
		progress("indexed", todo - (unsigned long)pending, todo);
		usleep(200 * 1000);
		pending = pending_of_import();
		long long now_pages = pages_read();
		if (pending != last || now_pages != pages) {
			last = pending;
			pages = now_pages;
			moved = time(NULL);
		} else if (time(NULL) - moved > STALL_SECONDS) {
			printf("import: the indexer made no progress for %d s; %ld documents are still"
			       " queued (is the portal up?)\n", STALL_SECONDS, pending);
			return -1;
		}
	}
	progress("indexed", todo, todo);
	return 0;
}

/* Summary of every file this import table knows below dir. */
static void summary(const char *dir)
{
	char like[4200];
	snprintf(like, sizeof like, "%s/%%", dir);
	sqlite3_stmt *q = portal_db_prepare(imp.db,
		"SELECT CASE WHEN f.outcome = 'queued' THEN d.status ELSE f.outcome END AS o,"
		" coalesce(CASE WHEN f.outcome = 'queued' THEN d.error ELSE f.reason END, '') AS why,"
		" count(*) FROM import_files f LEFT JOIN documents d ON d.id = f.doc_id"
		" WHERE f.path LIKE ? GROUP BY o, why ORDER BY o, count(*) DESC");
	sqlite3_bind_text(q, 1, like, -1, SQLITE_STATIC);
	printf("import summary for %s:\n", dir);
	while (sqlite3_step(q) == SQLITE_ROW) {
		const char *why = (const char *)sqlite3_column_text(q, 1);
		printf("  %-10s %5d%s%s\n", sqlite3_column_text(q, 0), sqlite3_column_int(q, 2),
		       *why ? "  " : "", why);
	}
	sqlite3_finalize(q);
	printf("this run: %lu queued, %lu duplicate, %lu refused, %lu failed, %lu skipped (imported before)\n",
	       imp.queued, imp.duplicate, imp.refused, imp.failed, imp.skipped);
}

/* 1 when a and b are the same path or one lies below the other. */
static int nested(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), n = la < lb ? la : lb;
	return strncmp(a, b, n) == 0 && (la == lb || (la < lb ? b[la] : a[lb]) == '/');
}

/* Importing the portal's own files into itself would never end well. */
static int overlaps_data(const char *dir)
{
	char real[4096];
	const struct portal_settings *s = portal_settings();
	const char *mine[] = { s->index_dir, s->uploads_dir };
	for (size_t i = 0; i < 2; i++)
		if (realpath(mine[i], real) && nested(dir, real))
			return 1;
	return 0;
}

int portalctl_import(sqlite3 *db, int argc, char **argv)
{
	int wait = 1;
	memset(&imp, 0, sizeof imp);
	imp.db = db;
	imp.tty = isatty(STDERR_FILENO);
	for (; argc > 1; argc--, argv++) {
		if (strcmp(argv[0], "--public") == 0)
			imp.public_ = 1;
		else if (strcmp(argv[0], "--no-wait") == 0)
			wait = 0;
		else
			break;
	}
	if (argc != 1) {
		fprintf(stderr, "usage: portalctl import [--public] [--no-wait] DIR\n");
		return 2;
	}
	char dir[4096];
	if (!realpath(argv[0], dir)) {
		fprintf(stderr, "portalctl: cannot read %s: %s\n", argv[0], strerror(errno));
		return 1;
	}
	if (overlaps_data(dir)) {
		fprintf(stderr, "portalctl: %s holds or is inside the portal's own data (index/ or uploads/);"
			" import from another folder\n", dir);
		return 2;
	}
	/* Each stored file is fsynced (with its directory) before its row is
	 * committed, so a row never names a missing file. The row and the
	 * import_files bookkeeping need not survive a power cut: a lost
	 * commit only means the file is imported again (its bytes are found
	 * stored, the row is made). So this connection commits without
	 * waiting for the disk; the HTTP upload path keeps full sync, as it
	 * answers 202 to a client. */
	char err[256];
	if (portal_db_exec(db, "PRAGMA synchronous = NORMAL", err, sizeof err) < 0)
		fprintf(stderr, "portalctl: %s (importing with full sync)\n", err);
	nftw(dir, count_files, 16, FTW_PHYS);
	if (nftw(dir, visit, 16, FTW_PHYS) < 0) {
		flush_batch();
		fprintf(stderr, "portalctl: cannot read %s: %s\n", dir, strerror(errno));
		return 1;
	}
	flush_batch();
	int rc = 0;
	if (wait && wait_for_indexer() == 0 && imp.queued >= COMPACT_AFTER)
		rc = portalctl_compact();
	summary(dir);
	return rc;
}
