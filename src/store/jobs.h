/* jobs.h: the indexing job queue, the only code that touches the jobs table.
 *
 * A job asks the indexer to bring one document's index entry up to date
 * from SQLite (extracting its text first when it has none). A job is
 * 'queued', then 'running' once the indexer claims it, then 'done' or
 * 'failed'. Anything that changes what a document's entry would hold (an
 * upload, a link, an access change) enqueues the document:
 *
 *   - a document with a job still queued needs nothing more: that job has
 *     not read the document yet, so it will see the change;
 *   - a document whose job is running gets a new queued job: the running
 *     one may have read the document before the change, so the document
 *     is processed again after it (changed while running: run again).
 *
 * So at most one job per document is queued. The indexer claims jobs one
 * at a time, as their texts are ready (a crash leaves only the last claimed
 * one in progress, see jobs_recover()). */
#ifndef PORTAL_JOBS_H
#define PORTAL_JOBS_H

#include <sqlite3.h>
#include <stddef.h>

#include "doc-id.h"

struct portal_job {
	long long id;
	char doc_id[DOC_ID_LEN];
	int attempts;		/* runs so far, a claimed job's own included */
};

/* Queue document doc_id for indexing, by the rules above; nothing when no
 * such document exists. Inside or outside the caller's transaction (the
 * upload inserts the document and its job in one). 0, or -1 with err. */
int jobs_enqueue(sqlite3 *db, const char *doc_id, char *err, size_t errlen);

/* Try a failed document again (staff's 重试): its status goes back to
 * 'pending' with its error cleared, and it gets a fresh job (attempts 0,
 * so a document given up after crashes gets its full tries again); its
 * failed job stays as the record of what happened. Inside the caller's
 * transaction. 1 when requeued, 0 when the document is not failed (or does
 * not exist), -1 with err. */
int jobs_requeue(sqlite3 *db, const char *doc_id, char *err, size_t errlen);

/* Whether document doc_id has a job queued or running: the indexer will
 * bring its entry (and its page images) up to date. 1, 0, or -1 on a
 * database error. */
int jobs_pending(sqlite3 *db, const char *doc_id);

/* The indexer's side. These statements are prepared once per connection
 * (portal_db_cached()): call portal_db_close_cached(db) before closing it. */

/* Claim the oldest queued job: it becomes 'running' and its attempts count
 * this run. 1 with *j, 0 when none is queued, -1 on a database error. */
int jobs_claim(sqlite3 *db, struct portal_job *j);

/* Claim queued job id (the indexer claims a job once its text is
 * extracted, in whatever order extractions finish): 1 with *j, 0 when it
 * is queued no more, -1 on a database error. */
int jobs_claim_id(sqlite3 *db, long long id, struct portal_job *j);

/* Up to max queued jobs after job `after`, oldest first, that have run
 * fewer than max_attempts times, without claiming them (the indexer
 * extracts their text ahead). Returns how many were written to out. */
size_t jobs_queued_after(sqlite3 *db, long long after, int max_attempts,
			 struct portal_job *out, size_t max);

/* Finish a running job: done (its document is in the index as it is now)
 * or failed (the caller records why on the document). A change made
 * while it ran has queued the document again already (jobs_enqueue()).
 * Inside the caller's transaction. 0, or -1 on a database error. */
enum job_outcome { JOB_DONE, JOB_FAILED };
int jobs_finish(sqlite3 *db, long long job, enum job_outcome outcome);

/* At the indexer's start-up: jobs left running were cut short by a crash;
 * queue them again. Only the one claimed last was in progress (the others
 * were written and waited for their batch's commit), so only it keeps the
 * attempt it used up: a document that crashes the indexer every time is
 * then given up alone after a few attempts, not with its whole batch.
 * Whatever a lane said of queued jobs (below) is forgotten: the workers
 * died with the indexer. Returns how many were queued again, or -1 with
 * err. */
int jobs_recover(sqlite3 *db, char *err, size_t errlen);

/* ---- long jobs ---------------------------------------------------------
 *
 * A queued job whose extraction is long (text recognition of a scan, a
 * very long PDF) is handed to the indexer's long lane while it stays
 * queued (it is claimed once its text is there). The lane records it on
 * the job, so people see that the document is being read and how far. */
struct portal_job_progress {
	long long job;
	char doc_id[DOC_ID_LEN];
	int running;		/* 0: waiting for a worker of the long lane */
	long long started;	/* when a worker took it (Unix time), or 0 */
	int pages_done, pages_total;	/* pages_total 0: not known yet */
};

/* Job id is in the long lane, waiting (running 0) or being read. 0 or -1. */
int jobs_set_long(sqlite3 *db, long long id, int running);
/* Pages of job id's document read so far. 0 or -1. */
int jobs_set_pages(sqlite3 *db, long long id, int done, int total);
/* Document doc_id's job in the long lane: 1 with *p, 0 when it has none. */
int jobs_long_of(sqlite3 *db, const char *doc_id, struct portal_job_progress *p);
/* Up to max jobs in the long lane, oldest first. How many were written. */
size_t jobs_long_list(sqlite3 *db, struct portal_job_progress *out, size_t max);
/* Pages read in the long lane in all (portalctl import watches it move). */
long long jobs_long_pages(sqlite3 *db);

#endif
