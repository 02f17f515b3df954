/* maintain.c: portalctl reindex, compact, backup and restore.
 *
 * SQLite and uploads/ are the sources of truth; the index is rebuilt from
 * them (index.c) whenever needed. So a backup is a consistent SQLite copy
 * plus the stored files (written once, never changed, so copying them while
 * serving is safe), and a restore is the reverse plus a rebuild. */
#include "portalctl.h"
#include "arena.h"
#include "db.h"
#include "editions.h"
#include "index-dir.h"
#include "jobs.h"
#include "meta.h"
#include "index.h"
#include "jobs.h"
#include "previews.h"
#include "settings.h"
#include "synonyms.h"
#include "xap.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char err[1024];

static int fail(const char *what)
{
	fprintf(stderr, "portalctl: %s\n", what);
	return 1;
}

/* ---- editions ----------------------------------------------------------- */

/* What a document's stored text says of editions, read again into its
 * metadata (documents indexed before meta.c read it have none). */
static void relearn_editions(sqlite3 *db, const char *id, const char *title, const char *metadata,
			     const char *text, size_t len)
{
	static const char *const keys[] = { "replaces", "withdraws", "withdrawn" };
	json_t *meta = json_loads(metadata ? metadata : "{}", 0, NULL);
	if (!meta)
		meta = json_object();
	json_t *fresh = portal_meta_extract(title, text, len);
	for (size_t k = 0; k < sizeof keys / sizeof *keys; k++) {
		json_t *v = json_object_get(fresh, keys[k]);
		if (v)
			json_object_set(meta, keys[k], v);
		else
			json_object_del(meta, keys[k]);
	}
	char *out = json_dumps(meta, JSON_COMPACT);
	sqlite3_stmt *st = portal_db_prepare(db, "UPDATE documents SET metadata = ? WHERE id = ?");
	sqlite3_bind_text(st, 1, out, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		fprintf(stderr, "portalctl: editions: %s: %s\n", id, sqlite3_errmsg(db));
	sqlite3_finalize(st);
	free(out);
	json_decref(fresh);
	json_decref(meta);
}

int portalctl_editions(sqlite3 *db)
{
	struct arena *a = arena_new();
	struct arena_strv ids = { 0 };
	if (portal_db_exec(db, "BEGIN IMMEDIATE", err, sizeof err) < 0) {
		arena_destroy(a);
		return fail(err);
	}
	sqlite3_stmt *st = portal_db_prepare(db,
		"SELECT d.id, d.title, d.metadata, t.text FROM documents d"
		" JOIN document_text t ON t.doc_id = d.id WHERE d.status = 'indexed' ORDER BY d.uploaded_at");
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *id = (const char *)sqlite3_column_text(st, 0);
		const char *text = (const char *)sqlite3_column_text(st, 3);
		relearn_editions(db, id, (const char *)sqlite3_column_text(st, 1),
				 (const char *)sqlite3_column_text(st, 2), text ? text : "",
				 (size_t)sqlite3_column_bytes(st, 3));
		arena_strv_push(a, &ids, arena_strdup(a, id));
	}
	sqlite3_finalize(st);
	size_t queued = 0;
	for (size_t i = 0; i < ids.n; i++) {
		const char **changed;
		size_t n = editions_record(db, a, ids.v[i], &changed);
		for (size_t k = 0; k < n; k++)
			queued += jobs_enqueue(db, changed[k], err, sizeof err) == 0;
	}
	/* every standard's own edition too: its terms may be new */
	st = portal_db_prepare(db, "SELECT DISTINCT doc_id FROM standard_editions WHERE doc_id IS NOT NULL");
	while (sqlite3_step(st) == SQLITE_ROW)
		queued += jobs_enqueue(db, (const char *)sqlite3_column_text(st, 0), err, sizeof err) == 0;
	sqlite3_finalize(st);
	int rc = portal_db_exec(db, "COMMIT", err, sizeof err);
	arena_destroy(a);
	if (rc < 0)
		return fail(err);
	printf("editions: %zu documents read, %zu queued for reindexing\n", ids.n, queued);
	return 0;
}

/* ---- reindex ------------------------------------------------------------ */

static int build(sqlite3 *db, const char *dir, long *count)
{
	pxap_writer *w = pxap_writer_open(dir, err, sizeof err);
	if (!w)
		return -1;
	sqlite3_stmt *st = portal_db_prepare(db, "SELECT id FROM documents WHERE status = 'indexed' ORDER BY uploaded_at");
	int rc = 0;
	*count = 0;
	while (rc == 0 && sqlite3_step(st) == SQLITE_ROW) {
		rc = portal_index_document(db, w, (const char *)sqlite3_column_text(st, 0), err, sizeof err);
		if (rc == 0 && ++*count % 1000 == 0)
			rc = pxap_writer_commit(w, err, sizeof err);
	}
	sqlite3_finalize(st);
	if (rc == 0)
		rc = pxap_writer_set_format(w, PORTAL_INDEX_FORMAT, err, sizeof err);
	if (rc == 0)
		rc = pxap_writer_commit(w, err, sizeof err);
	pxap_writer_close(w);
	return rc;
}

/* PDFs indexed before page images existed (or whose images were lost)
 * get a job: the indexer renders them (portal-indexer.c). The count. */
static long queue_previews(sqlite3 *db)
{
	sqlite3_stmt *st = portal_db_prepare(db, "SELECT id FROM documents WHERE status = 'indexed'"
					     " AND mime = 'application/pdf'");
	long n = 0;
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *id = (const char *)sqlite3_column_text(st, 0);
		if (previews_count(id, 1) >= 0)
			continue;
		if (jobs_enqueue(db, id, err, sizeof err) < 0)
			fprintf(stderr, "portalctl: %s: %s\n", id, err);
		else
			n++;
	}
	sqlite3_finalize(st);
	return n;
}

int portalctl_fsck_previews(sqlite3 *db)
{
	char dir[PATH_MAX];
	snprintf(dir, sizeof dir, "%s/preview", portal_settings()->index_dir);
	DIR *d = opendir(dir);
	if (!d)
		return 0;	/* no images made yet */
	int problems = 0;
	sqlite3_stmt *st = portal_db_prepare(db, "SELECT 1 FROM documents WHERE id = ?");
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		sqlite3_bind_text(st, 1, e->d_name, -1, SQLITE_TRANSIENT);
		if (sqlite3_step(st) != SQLITE_ROW) {
			printf("previews: %s/%s belongs to no document\n", dir, e->d_name);
			problems++;
		}
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	closedir(d);
	return problems;
}

int portalctl_index_upgrade(sqlite3 *db)
{
	int format = pxap_format(portal_settings()->xapian_path, err, sizeof err);
	if (format < 0)
		return fail(err);
	if (format >= PORTAL_INDEX_FORMAT)
		return 0;
	printf("reindex: the index's terms are of version %d, this build makes version %d: "
	       "rebuilding it (searches go on meanwhile)\n", format, PORTAL_INDEX_FORMAT);
	fflush(stdout);
	return portalctl_reindex(db);
}

int portalctl_reindex(sqlite3 *db)
{
	int lock = index_dir_lock(err, sizeof err);
	if (lock < 0)
		return fail(err);
	char gen[PATH_MAX];
	long count;
	if (index_dir_prepare(err, sizeof err) < 0) {
		index_dir_unlock(lock);
		return fail(err);
	}
	index_dir_new_generation(gen, sizeof gen);
	if (build(db, gen, &count) < 0 || index_dir_switch(gen, err, sizeof err) < 0) {
		index_dir_unlock(lock);
		return fail(err);
	}
	index_dir_unlock(lock);
	printf("reindex: %ld documents in a new index, now in use\n", count);
	long previews = queue_previews(db);
	if (previews)
		printf("reindex: %ld PDFs queued for their page images\n", previews);
	return 0;
}

/* ---- compact ------------------------------------------------------------- */

/* The indexer commits in batches as documents arrive, which leaves the
 * index's blocks part-full and its posting lists in pieces; a compacted
 * copy is smaller and cheaper to search. It is written as a new generation
 * under the writer lock (the indexer waits meanwhile; uploads go on) and
 * switched to like a rebuild. */
int portalctl_compact(void)
{
	int lock = index_dir_lock(err, sizeof err);
	if (lock < 0)
		return fail(err);
	long long before, after;
	int rc = index_dir_prepare(err, sizeof err) < 0 ? -1 : index_dir_compact(&before, &after, err, sizeof err);
	index_dir_unlock(lock);
	if (rc < 0)
		return fail(err);
	printf("compact: index %.1f MB, was %.1f MB; now in use\n", after / 1e6, before / 1e6);
	return 0;
}

/* ---- copying files ------------------------------------------------------- */

static int copy_file(const char *from, const char *to)
{
	int in = open(from, O_RDONLY), out = -1, rc = -1;
	if (in >= 0)
		out = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0640);
	char chunk[65536];
	ssize_t n;
	if (out >= 0) {
		while ((n = read(in, chunk, sizeof chunk)) > 0)
			if (write(out, chunk, (size_t)n) != n)
				break;
		rc = n == 0 && fsync(out) == 0 ? 0 : -1;
	}
	if (rc < 0)
		snprintf(err, sizeof err, "cannot copy %s to %s: %s", from, to, strerror(errno));
	if (in >= 0)
		close(in);
	if (out >= 0 && close(out) < 0)
		rc = -1;
	return rc;
}

/* Copy the object files of one uploads/ tree to another (tmp/ left out). */
static const char *copy_from, *copy_to;
static unsigned long copied;

static int copy_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)ftw;
	const char *rel = path + strlen(copy_from);
	if (strncmp(rel, "/tmp", 4) == 0 && (rel[4] == '/' || rel[4] == '\0'))
		return 0;
	char dest[PATH_MAX];
	snprintf(dest, sizeof dest, "%s%s", copy_to, rel);
	if (type == FTW_D)
		return mkdir(dest, 0750) < 0 && errno != EEXIST ? -1 : 0;
	if (type == FTW_F && S_ISREG(st->st_mode)) {
		struct stat have;
		if (stat(dest, &have) == 0 && have.st_size == st->st_size)
			return 0;	/* objects never change: same name, same bytes */
		copied++;
		return copy_file(path, dest);
	}
	return 0;
}

static int copy_tree(const char *from, const char *to)
{
	copy_from = from;
	copy_to = to;
	copied = 0;
	if (mkdir(to, 0750) < 0 && errno != EEXIST) {
		snprintf(err, sizeof err, "cannot create %s: %s", to, strerror(errno));
		return -1;
	}
	if (nftw(from, copy_entry, 16, FTW_PHYS) != 0) {
		if (!*err)
			snprintf(err, sizeof err, "cannot copy %s: %s", from, strerror(errno));
		return -1;
	}
	return 0;
}

/* ---- backup and restore -------------------------------------------------- */

int portalctl_backup(sqlite3 *db, const char *dir)
{
	char path[PATH_MAX];
	if (mkdir(dir, 0750) < 0 && errno != EEXIST) {
		snprintf(err, sizeof err, "cannot create %s: %s", dir, strerror(errno));
		return fail(err);
	}
	/* The database first: every file it names exists before it is copied,
	 * because files are stored before their rows are committed. */
	snprintf(path, sizeof path, "%s/portal.db", dir);
	unlink(path);
	sqlite3 *out;
	if (sqlite3_open(path, &out) != SQLITE_OK)
		return fail(sqlite3_errmsg(out));
	sqlite3_backup *b = sqlite3_backup_init(out, "main", db, "main");
	int rc = b ? sqlite3_backup_step(b, -1) : SQLITE_ERROR;
	if (b)
		sqlite3_backup_finish(b);
	if (rc != SQLITE_DONE) {
		snprintf(err, sizeof err, "database backup: %s", sqlite3_errmsg(out));
		sqlite3_close(out);
		return fail(err);
	}
	sqlite3_close(out);
	snprintf(path, sizeof path, "%s/uploads", dir);
	if (copy_tree(portal_settings()->uploads_dir, path) < 0)
		return fail(err);
	unsigned long files = copied;
	snprintf(path, sizeof path, "%s/synonyms.tsv", dir);
	if (access(synonyms_path(), F_OK) == 0 && copy_file(synonyms_path(), path) < 0)
		return fail(err);
	printf("backup: database and %lu new stored files in %s\n", files, dir);
	return 0;
}

int portalctl_restore(const char *dir)
{
	const struct portal_settings *s = portal_settings();
	char path[PATH_MAX], runpid[PATH_MAX];
	snprintf(runpid, sizeof runpid, "%s/indexer.pid", s->run_dir);
	if (access(runpid, F_OK) == 0)
		return fail("the portal is running: ./portal down first, then restore");
	snprintf(path, sizeof path, "%s/portal.db", dir);
	if (access(path, R_OK) != 0) {
		snprintf(err, sizeof err, "%s holds no backup (no portal.db)", dir);
		return fail(err);
	}
	char wal[PATH_MAX];
	snprintf(wal, sizeof wal, "%s-wal", s->db_path);
	unlink(wal);
	snprintf(wal, sizeof wal, "%s-shm", s->db_path);
	unlink(wal);
	if (copy_file(path, s->db_path) < 0)
		return fail(err);
	snprintf(path, sizeof path, "%s/uploads", dir);
	if (copy_tree(path, s->uploads_dir) < 0)
		return fail(err);
	snprintf(path, sizeof path, "%s/synonyms.tsv", dir);
	if (access(path, R_OK) == 0 && copy_file(path, synonyms_path()) < 0)
		return fail(err);
	sqlite3 *db = portal_db_open(s->db_path, err, sizeof err);
	if (!db)
		return fail(err);
	int rc = portalctl_reindex(db);
	portal_db_close_cached(db);
	sqlite3_close(db);
	if (rc == 0)
		printf("restore: done from %s\n", dir);
	return rc;
}
