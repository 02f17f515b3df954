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

/* The prefix of a figure's term: "XQtce:320" (quantity.h), weighted by
 * its number of mentions; the query's figures look for it (search.c). */
#define PORTAL_TERM_FIGURE "XQ"

/* The version of what the index's terms are made of: raised whenever a
 * change to index.c, fold.c, quantity.c or normalize.c makes an existing
 * index disagree with the queries (2: traditional characters folded,
 * figures as XQ terms). The index records the version it was built with
 * (pxap_writer_set_format()); portalctl init rebuilds an index with an
 * older one. */
#define PORTAL_INDEX_FORMAT 2

#endif
