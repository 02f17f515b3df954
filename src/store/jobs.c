/* jobs.c: the indexing job queue (see jobs.h for its rules). */
#include "jobs.h"
#include "db.h"

#include <stdio.h>

int jobs_enqueue(sqlite3 *db, const char *doc_id, char *err, size_t errlen)
{
	/* A queued job will read the document after this change; a running
	 * one may have read it before, so it does not count. */
	sqlite3_stmt *st = portal_db_prepare(db,
		"INSERT INTO jobs (doc_id, created_at, updated_at) SELECT id, ?2, ?2 FROM documents"
		" WHERE id = ?1 AND NOT EXISTS (SELECT 1 FROM jobs WHERE doc_id = ?1 AND state = 'queued')");
	sqlite3_bind_text(st, 1, doc_id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, portal_now());
	int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
	if (rc < 0)
		snprintf(err, errlen, "database: %s", sqlite3_errmsg(db));
	sqlite3_finalize(st);
	return rc;
}

int jobs_requeue(sqlite3 *db, const char *doc_id, char *err, size_t errlen)
{
	sqlite3_stmt *st = portal_db_prepare(db,
		"UPDATE documents SET status = 'pending', error = NULL WHERE id = ? AND status = 'failed'");
	sqlite3_bind_text(st, 1, doc_id, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
	if (rc < 0)
		snprintf(err, errlen, "database: %s", sqlite3_errmsg(db));
	sqlite3_finalize(st);
	if (rc < 0 || sqlite3_changes(db) == 0)
		return rc;
	return jobs_enqueue(db, doc_id, err, errlen) < 0 ? -1 : 1;
}

int jobs_pending(sqlite3 *db, const char *doc_id)
{
	sqlite3_stmt *st = portal_db_prepare(db, "SELECT 1 FROM jobs WHERE doc_id = ?"
		" AND state IN ('queued', 'running') LIMIT 1");
	sqlite3_bind_text(st, 1, doc_id, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

/* Claims are numbered in the order they happen (jobs.claimed), so a crash
 * tells which claimed job was in progress. Process lifetime: the indexer
 * is the only claimer; it starts from the highest number recorded. */
static long long claim_seq = -1;

static long long next_claim(sqlite3 *db)
{
	if (claim_seq < 0) {
		sqlite3_stmt *st = portal_db_cached(db, "SELECT coalesce(max(claimed), 0) FROM jobs");
		claim_seq = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
		sqlite3_reset(st);
	}
	return ++claim_seq;
}

int jobs_claim_id(sqlite3 *db, long long id, struct portal_job *j)
{
	sqlite3_stmt *st = portal_db_cached(db, "UPDATE jobs SET state = 'running', attempts = attempts + 1,"
		" updated_at = ?, claimed = ? WHERE id = ? AND state = 'queued'");
	sqlite3_bind_int64(st, 1, portal_now());
	sqlite3_bind_int64(st, 2, next_claim(db));
	sqlite3_bind_int64(st, 3, id);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return -1;
	if (sqlite3_changes(db) == 0)
		return 0;
	st = portal_db_cached(db, "SELECT doc_id, attempts FROM jobs WHERE id = ?");
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		j->id = id;
		snprintf(j->doc_id, sizeof j->doc_id, "%s", sqlite3_column_text(st, 0));
		j->attempts = sqlite3_column_int(st, 1);
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 1 : -1;
}

int jobs_claim(sqlite3 *db, struct portal_job *j)
{
	sqlite3_stmt *st = portal_db_cached(db,
		"SELECT id, doc_id, attempts FROM jobs WHERE state = 'queued' ORDER BY id LIMIT 1");
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		j->id = sqlite3_column_int64(st, 0);
		snprintf(j->doc_id, sizeof j->doc_id, "%s", sqlite3_column_text(st, 1));
		j->attempts = sqlite3_column_int(st, 2) + 1;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW)
		return rc == SQLITE_DONE ? 0 : -1;
	st = portal_db_cached(db, "UPDATE jobs SET state = 'running', attempts = attempts + 1,"
				  " updated_at = ?, claimed = ? WHERE id = ?");
	sqlite3_bind_int64(st, 1, portal_now());
	sqlite3_bind_int64(st, 2, next_claim(db));
	sqlite3_bind_int64(st, 3, j->id);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 1 : -1;
}

size_t jobs_queued_after(sqlite3 *db, long long after, int max_attempts,
			 struct portal_job *out, size_t max)
{
	sqlite3_stmt *st = portal_db_cached(db,
		"SELECT id, doc_id, attempts FROM jobs WHERE state = 'queued' AND id > ? AND attempts < ?"
		" ORDER BY id LIMIT ?");
	sqlite3_bind_int64(st, 1, after);
	sqlite3_bind_int(st, 2, max_attempts);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)max);
	size_t n = 0;
	while (n < max && sqlite3_step(st) == SQLITE_ROW) {
		out[n].id = sqlite3_column_int64(st, 0);
		snprintf(out[n].doc_id, sizeof out[n].doc_id, "%s", sqlite3_column_text(st, 1));
		out[n].attempts = sqlite3_column_int(st, 2);
		n++;
	}
	sqlite3_reset(st);
	return n;
}

int jobs_finish(sqlite3 *db, long long job, enum job_outcome outcome)
{
	sqlite3_stmt *st = portal_db_cached(db, "UPDATE jobs SET state = ?, updated_at = ? WHERE id = ?");
	sqlite3_bind_text(st, 1, outcome == JOB_DONE ? "done" : "failed", -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, portal_now());
	sqlite3_bind_int64(st, 3, job);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

int jobs_recover(sqlite3 *db, char *err, size_t errlen)
{
	if (portal_db_exec(db, "BEGIN IMMEDIATE;"
		"UPDATE jobs SET attempts = attempts - 1 WHERE state = 'running' AND attempts > 0"
		" AND coalesce(claimed, id) < (SELECT max(coalesce(claimed, id)) FROM jobs WHERE state = 'running');"
		"UPDATE jobs SET state = 'queued' WHERE state = 'running';", err, errlen) < 0) {
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	int n = sqlite3_changes(db);
	if (portal_db_exec(db, "UPDATE jobs SET lane = NULL, extract_started = NULL, pages_done = NULL,"
			   " pages_total = NULL WHERE id IN (SELECT id FROM jobs INDEXED BY jobs_long"
			   " WHERE state = 'queued' AND lane IS NOT NULL);"
			   "COMMIT", err, errlen) < 0) {
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	return n;
}

/* ---- long jobs ---------------------------------------------------------- */

int jobs_set_long(sqlite3 *db, long long id, int running)
{
	sqlite3_stmt *st = portal_db_cached(db, "UPDATE jobs SET lane = 'long',"
		" extract_started = CASE WHEN ?1 THEN ?2 END, pages_done = CASE WHEN ?1 THEN 0 END,"
		" pages_total = NULL WHERE id = ?3 AND state = 'queued'");
	sqlite3_bind_int(st, 1, running);
	sqlite3_bind_int64(st, 2, portal_now());
	sqlite3_bind_int64(st, 3, id);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

int jobs_set_pages(sqlite3 *db, long long id, int done, int total)
{
	sqlite3_stmt *st = portal_db_cached(db, "UPDATE jobs SET pages_done = ?, pages_total = ?"
		" WHERE id = ? AND state = 'queued' AND lane IS NOT NULL");
	sqlite3_bind_int(st, 1, done);
	sqlite3_bind_int(st, 2, total);
	sqlite3_bind_int64(st, 3, id);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

#define LONG_COLUMNS "id, doc_id, extract_started IS NOT NULL, coalesce(extract_started, 0)," \
	" coalesce(pages_done, 0), coalesce(pages_total, 0)"

static void read_long(sqlite3_stmt *st, struct portal_job_progress *p)
{
	p->job = sqlite3_column_int64(st, 0);
	snprintf(p->doc_id, sizeof p->doc_id, "%s", sqlite3_column_text(st, 1));
	p->running = sqlite3_column_int(st, 2);
	p->started = sqlite3_column_int64(st, 3);
	p->pages_done = sqlite3_column_int(st, 4);
	p->pages_total = sqlite3_column_int(st, 5);
}

int jobs_long_of(sqlite3 *db, const char *doc_id, struct portal_job_progress *p)
{
	sqlite3_stmt *st = portal_db_prepare(db, "SELECT " LONG_COLUMNS " FROM jobs"
		" WHERE doc_id = ? AND state = 'queued' AND lane IS NOT NULL ORDER BY id DESC LIMIT 1");
	sqlite3_bind_text(st, 1, doc_id, -1, SQLITE_STATIC);
	int found = sqlite3_step(st) == SQLITE_ROW;
	if (found)
		read_long(st, p);
	sqlite3_finalize(st);
	return found;
}

size_t jobs_long_list(sqlite3 *db, struct portal_job_progress *out, size_t max)
{
	sqlite3_stmt *st = portal_db_prepare(db, "SELECT " LONG_COLUMNS " FROM jobs INDEXED BY jobs_long"
		" WHERE state = 'queued' AND lane IS NOT NULL ORDER BY id LIMIT ?");
	sqlite3_bind_int64(st, 1, (sqlite3_int64)max);
	size_t n = 0;
	while (n < max && sqlite3_step(st) == SQLITE_ROW)
		read_long(st, &out[n++]);
	sqlite3_finalize(st);
	return n;
}

long long jobs_long_pages(sqlite3 *db)
{
	sqlite3_stmt *st = portal_db_prepare(db, "SELECT coalesce(sum(pages_done), 0) FROM jobs"
		" INDEXED BY jobs_long WHERE state = 'queued' AND lane IS NOT NULL");
	long long n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_finalize(st);
	return n;
}
