/* index-dir.h: where the Xapian index lives, who may write it, and how a
 * rebuilt index replaces it.
 *
 * index/xapian is a symbolic link to one generation, index/xapian.d/<name>.
 * A rebuild (portalctl reindex) writes a new generation while searches go
 * on against the current one, then replaces the link in one rename(): every
 * reader sees either the old index or the new one, never a mixture (the
 * reader notices the new directory and opens it, see xap.h). Writers (the
 * indexer, one job at a time; a rebuild, throughout) hold the writer lock,
 * an flock on index/writer.lock, so no job is written into a generation
 * that is about to be replaced. */
#ifndef PORTAL_INDEX_DIR_H
#define PORTAL_INDEX_DIR_H

#include <stddef.h>

/* Make sure index/xapian is a link to a generation (creating the first one,
 * or moving a plain directory left by an older version into xapian.d/), and
 * remove generations left by a build or compaction killed before its
 * switch. Call with the writer lock held. 0, or -1 with err. */
int index_dir_prepare(char *err, size_t errlen);

/* Take the writer lock, waiting for it; returns a descriptor for
 * index_dir_unlock, or -1 with err. */
int index_dir_lock(char *err, size_t errlen);
void index_dir_unlock(int fd);

/* The directory the link points at now (absolute), for noticing a switch. */
int index_dir_current(char *out, size_t outlen);

/* A new, empty generation directory's path (not created yet). */
void index_dir_new_generation(char *out, size_t outlen);

/* Point the link at generation dir (atomically) and remove the generation
 * it pointed at before. Call with the writer lock held. 0, or -1 with err. */
int index_dir_switch(const char *dir, char *err, size_t errlen);

/* Remove generation dir, one that was never switched to (a failed
 * build). */
void index_dir_remove(const char *dir);

/* Replace the current generation with a compacted copy of it (Xapian's
 * compact: full blocks, each posting list in one piece), switched to like
 * a rebuild. Call with the writer lock held and no writer open (whatever
 * it had not committed would be lost). The sizes in bytes before and after
 * go to *before and *after. 0, or -1 with err (the current generation then
 * stays in use). */
int index_dir_compact(long long *before, long long *after, char *err, size_t errlen);

#endif
