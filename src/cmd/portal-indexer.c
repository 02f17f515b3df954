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
#include "log.h"
#include "sandbox.h"
#include "settings.h"
#include "xap.h"

#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define TITLE_MAX 120	/* characters taken from the text for a title */

static volatile sig_atomic_t stopping;
static void on_stop(int sig) { stopping = sig; }

static const struct sandbox_limits limits = {
	.cpu_seconds = 60,
	.memory_bytes = 1024UL * 1024 * 1024,
	.wall_seconds = 120,
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
};

struct extract_arg {
	const char *path, *mime;
};

/* Runs in the sandboxed child. */
static int extract_child(void *argp, struct buf *out, char *err, size_t errlen)
{
	struct extract_arg *a = argp;
	return portal_extract_file(a->path, a->mime, out, err, errlen);
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
	sqlite3_stmt *st = portal_db_prepare(db,
		"SELECT j.id, d.id, d.sha256, d.title, d.doc_type, d.filename, d.uploaded_at"
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
	}
	sqlite3_finalize(st);
	if (found) {
		st = portal_db_prepare(db, "UPDATE jobs SET state = 'running', attempts = attempts + 1,"
					   " updated_at = ? WHERE id = ?");
		sqlite3_bind_int64(st, 1, portal_now());
		sqlite3_bind_int64(st, 2, j->id);
		sqlite3_step(st);
		sqlite3_finalize(st);
	}
	return found;
}

static void exec_or_die(sqlite3 *db, const char *sql)
{
	char err[512];
	if (portal_db_exec(db, sql, err, sizeof err) < 0)
		portal_fatal("%s", err);
}

static void finish(sqlite3 *db, const struct job *j, const char *mime, const char *title,
		   const char *doc_type, const struct buf *text, const char *error)
{
	exec_or_die(db, "BEGIN IMMEDIATE");
	sqlite3_stmt *st;
	if (error) {
		st = portal_db_prepare(db, "UPDATE documents SET status = 'failed', error = ?, mime = ?,"
					   " indexed_at = NULL WHERE id = ?");
		portal_db_bind_text(st, 1, error);
		portal_db_bind_text(st, 2, mime);
		portal_db_bind_text(st, 3, j->doc_id);
	} else {
		st = portal_db_prepare(db, "UPDATE documents SET status = 'indexed', error = NULL, mime = ?,"
			" title = ?, doc_type = ?, doc_type_confidence = coalesce(doc_type_confidence, 0),"
			" title_source = coalesce(title_source, 'text'), indexed_at = ? WHERE id = ?");
		portal_db_bind_text(st, 1, mime);
		portal_db_bind_text(st, 2, title);
		portal_db_bind_text(st, 3, doc_type);
		sqlite3_bind_int64(st, 4, portal_now());
		portal_db_bind_text(st, 5, j->doc_id);
	}
	if (sqlite3_step(st) != SQLITE_DONE)
		portal_fatal("update document: %s", sqlite3_errmsg(db));
	sqlite3_finalize(st);
	if (!error) {
		st = portal_db_prepare(db, "INSERT OR REPLACE INTO document_text (doc_id, text) VALUES (?, ?)");
		portal_db_bind_text(st, 1, j->doc_id);
		sqlite3_bind_text(st, 2, buf_str(text), (int)text->len, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE)
			portal_fatal("store text: %s", sqlite3_errmsg(db));
		sqlite3_finalize(st);
	}
	st = portal_db_prepare(db, "UPDATE jobs SET state = ?, updated_at = ? WHERE id = ?");
	portal_db_bind_text(st, 1, error ? "failed" : "done");
	sqlite3_bind_int64(st, 2, portal_now());
	sqlite3_bind_int64(st, 3, j->id);
	sqlite3_step(st);
	sqlite3_finalize(st);
	exec_or_die(db, "COMMIT");
}

static void cases_of(sqlite3 *db, struct arena *a, const char *id, const char ***cases, size_t *n)
{
	sqlite3_stmt *st = portal_db_prepare(db, "SELECT count(*) FROM document_cases WHERE doc_id = ?");
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	size_t count = sqlite3_step(st) == SQLITE_ROW ? (size_t)sqlite3_column_int(st, 0) : 0;
	sqlite3_finalize(st);
	const char **c = arena_alloc(a, (count + 1) * sizeof *c);
	*n = 0;
	st = portal_db_prepare(db, "SELECT case_id FROM document_cases WHERE doc_id = ?");
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	while (*n < count && sqlite3_step(st) == SQLITE_ROW)
		c[(*n)++] = arena_strdup(a, (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	*cases = c;
}

static void run_job(sqlite3 *db, pxap_writer *w, struct job *j)
{
	char path[PATH_MAX], mime[128], err[512];
	struct buf text = BUF_INIT;
	struct arena *a = arena_new();
	char *title = NULL;
	portal_object_path(j->sha256, path, sizeof path);
	if (portal_detect_mime(path, mime, sizeof mime, err, sizeof err) < 0) {
		portal_log("%s: %s", j->doc_id, err);
		finish(db, j, NULL, NULL, NULL, NULL, "The stored file could not be read.");
		goto out;
	}
	if (!portal_extract_supported(mime)) {
		finish(db, j, mime, NULL, NULL, NULL, arena_printf(a,
			"Files of type %s are not supported, so no text could be taken from this file.", mime));
		goto out;
	}
	struct extract_arg arg = { path, mime };
	if (portal_sandbox_run(extract_child, &arg, &limits, &text, err, sizeof err) < 0) {
		finish(db, j, mime, NULL, NULL, NULL, err);
		goto out;
	}
	portal_utf8_sanitize(&text);
	title = j->title ? xstrdup(j->title) : title_from_text(buf_str(&text));
	if (!title)
		title = filename_stem(j->filename);
	const char *doc_type = j->doc_type ? j->doc_type : "other";

	const char **groups, **cases;
	size_t ngroups = docs_access_groups(db, a, j->doc_id, &groups), ncases;
	cases_of(db, a, j->doc_id, &cases, &ncases);
	struct pxap_doc xd = {
		.id = j->doc_id, .title = title, .body = buf_str(&text), .body_len = text.len,
		.doc_type = doc_type, .date = j->uploaded_at,
		.cases = cases, .ncases = ncases, .access = groups, .naccess = ngroups,
	};
	if (pxap_writer_put(w, &xd, err, sizeof err) < 0 || pxap_writer_commit(w, err, sizeof err) < 0)
		portal_fatal("index %s: %s", j->doc_id, err);	/* the job runs again after restart */
	finish(db, j, mime, title, doc_type, &text, NULL);
	portal_log("indexed %s (%s, %zu bytes of text)", j->doc_id, mime, text.len);
out:
	free(title);
	buf_free(&text);
	arena_destroy(a);
}

int main(int argc, char **argv)
{
	int once = argc > 1 && strcmp(argv[1], "--once") == 0;
	portal_log_init("portal-indexer");
	signal(SIGPIPE, SIG_IGN);
	struct sigaction sa = { 0 };
	sa.sa_handler = on_stop;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);

	char err[512];
	const struct portal_settings *s = portal_settings();
	sqlite3 *db = portal_db_open(s->db_path, err, sizeof err);
	if (!db)
		portal_fatal("%s", err);
	pxap_writer *w = pxap_writer_open(s->xapian_path, err, sizeof err);
	if (!w)
		portal_fatal("%s", err);
	exec_or_die(db, "UPDATE jobs SET state = 'queued' WHERE state = 'running'");
	portal_log("started");
	while (!stopping) {
		struct job j;
		if (next_job(db, &j)) {
			run_job(db, w, &j);
			job_free(&j);
			continue;
		}
		if (once)
			break;
		usleep(100 * 1000);
	}
	pxap_writer_close(w);
	sqlite3_close(db);
	portal_log("stopped");
	return 0;
}
