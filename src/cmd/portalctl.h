/* portalctl.h: subcommands of portalctl that live in their own files. */
#ifndef PORTALCTL_H
#define PORTALCTL_H

#include <sqlite3.h>

/* portalctl import [--public] [--no-wait] DIR: see import.c. Returns the
 * exit status. */
int portalctl_import(sqlite3 *db, int argc, char **argv);

/* portalctl reindex: rebuild the index from SQLite into a new generation
 * while searches go on, then switch to it (maintain.c). */
/* portalctl init: rebuild the index (as reindex does) when it was made
 * with an older term scheme than this build's (index.h:
 * PORTAL_INDEX_FORMAT); nothing otherwise. 0, or 1 with a message. */
int portalctl_index_upgrade(sqlite3 *db);
int portalctl_reindex(sqlite3 *db);
/* fsck's look at the page images (maintain.c): every folder under
 * index/preview/ names a document; each one that does not is printed. The
 * count of such folders. */
int portalctl_fsck_previews(sqlite3 *db);
/* portalctl editions: read again what every stored text says of editions
 * (meta.c: replaces, withdraws, withdrawn), rebuild the edition chains
 * (editions.h) and queue the standards for reindexing: for documents
 * indexed before chains were kept. 0, or 1 with a message on stderr. */
int portalctl_editions(sqlite3 *db);

/* portalctl compact: replace the index with a compacted copy of it, while
 * searches go on (maintain.c). */
int portalctl_compact(void);

/* portalctl backup DIR: a consistent copy while serving (SQLite through its
 * online backup, the stored files, the synonym list). The index is not
 * copied: it is derived, and restore rebuilds it. */
int portalctl_backup(sqlite3 *db, const char *dir);

/* portalctl restore DIR: put a backup in place (the portal must be down),
 * then rebuild the index. */
int portalctl_restore(const char *dir);

/* portalctl users from-year FILE.csv: an enterprise account for each
 * enterprise of a load-year CSV that has none; the new names and one-time
 * passwords as CSV on standard output (users-csv.c). */
int portalctl_users_from_year(sqlite3 *db, const char *path);

#endif
