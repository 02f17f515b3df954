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
				  " updated_at = ? WHERE id = ?");
	sqlite3_bind_int64(st, 1, portal_now());
	sqlite3_bind_int64(st, 2, j->id);
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
		" AND id < (SELECT max(id) FROM jobs WHERE state = 'running');"
		"UPDATE jobs SET state = 'queued' WHERE state = 'running';", err, errlen) < 0) {
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	int n = sqlite3_changes(db);
	if (portal_db_exec(db, "COMMIT", err, errlen) < 0) {
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	return n;
}
