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

/* The prefix of a figure's value buckets: "XRt:2:32" (quantity.h,
 * portal_qty_buckets()), boolean: a range in the query (300-500吨, 超过
 * 100万元) matches the buckets that cover it. */
#define PORTAL_TERM_FIGURE_RANGE "XR"

/* The version of what the index's terms are made of: raised whenever a
 * change to index.c, fold.c, quantity.c or normalize.c makes an existing
 * index disagree with the queries (2: traditional characters folded,
 * figures as XQ terms; 3: figures' value buckets as XR terms; hit records
 * hold the document's details, so a search host draws its page without
 * SQLite; 4: 立方 read as m³). The index records the version it was built with
 * (pxap_writer_set_format()); portalctl init rebuilds an index with an
 * older one. */
#define PORTAL_INDEX_FORMAT 4

#endif
