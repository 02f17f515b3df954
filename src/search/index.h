/* index.h: one document from SQLite into Xapian.
 *
 * The index is derived data: everything a Xapian document holds comes from
 * the document's row, its text, its case links and its metadata. So the
 * indexer, a change of access and a full reindex all go through this one
 * function, and its result depends only on SQLite. */
#ifndef PORTAL_INDEX_H
#define PORTAL_INDEX_H

#include <sqlite3.h>
#include <stddef.h>

#include "xap.h"

/* Put document id into the index (replacing any earlier copy), without
 * committing. A document with no stored text is indexed by title only.
 * 0, or -1 with err (unknown id, Xapian error). */
int portal_index_document(sqlite3 *db, pxap_writer *w, const char *id, char *err, size_t errlen);

/* The term that marks a superseded version (left out of searches unless
 * asked for). */
#define PORTAL_TERM_SUPERSEDED "XVsuperseded"

#endif
