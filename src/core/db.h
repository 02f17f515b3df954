/* db.h: the SQLite database: opening it the one right way, and its schema.
 *
 * One connection per process, opened after fork() (process lifetime). WAL
 * mode, foreign keys on, a busy timeout so concurrent writers wait instead of
 * failing; writers that read before they write use BEGIN IMMEDIATE. */
#ifndef PORTAL_DB_H
#define PORTAL_DB_H

#include <sqlite3.h>
#include <stddef.h>

/* Open (creating when missing) and migrate the schema to the latest version.
 * Returns NULL with err on failure. */
sqlite3 *portal_db_open(const char *path, char *err, size_t errlen);

/* Run SQL with no result rows; -1 with err on failure. */
int portal_db_exec(sqlite3 *db, const char *sql, char *err, size_t errlen);

/* Prepare or die: SQL in the program is a constant, so a failure to prepare
 * it is a broken invariant. */
sqlite3_stmt *portal_db_prepare(sqlite3 *db, const char *sql);

/* A statement prepared once and kept, for SQL that a long-lived process
 * runs again and again (the indexer, once or more per document). sql must
 * be a string literal: its address is the key. The statement comes reset
 * and without bindings; the caller must not finalize it. Kept until
 * portal_db_close_cached(db), which a process that used this function calls
 * before sqlite3_close(). Few sites may use it (PORTAL_DB_CACHED). */
#define PORTAL_DB_CACHED 32
sqlite3_stmt *portal_db_cached(sqlite3 *db, const char *sql);
void portal_db_close_cached(sqlite3 *db);

/* Bind text or NULL. */
void portal_db_bind_text(sqlite3_stmt *st, int idx, const char *s);

/* Current time in seconds since the epoch. */
long long portal_now(void);

/* t as people in China read it, in Beijing time (UTC+8): "2026-12-05 18:17". */
#define PORTAL_TIME_LEN 17
void portal_time_beijing(long long t, char out[PORTAL_TIME_LEN]);

#endif
