/* editions.h: standards as editions.
 *
 * A standard number without its year ("GB 18466") names a standard; each
 * year ("GB 18466-2005") is an edition of it. Table standard_editions keeps
 * one row per edition the portal knows of, from a standard's own number
 * (its document) and from what texts say ("代替 GB 18466—2001", a notice's
 * 废止), with its status:
 *
 *   current     no newer edition known, not withdrawn
 *   superseded  a newer edition of the same number exists, or a text names
 *               this one as replaced; replaced_by says which
 *   withdrawn   a text says so (废止 without a replacement)
 *
 * Statuses are computed at index time (editions_record()) unless staff set
 * them (editions_set(), PATCH /api/standards/NUMBER), which then stand. The
 * index marks a document whose own edition is not current with
 * PORTAL_TERM_OLD_EDITION (left out by current=1) and a current one with
 * PORTAL_TERM_CURRENT_EDITION (ranked first for its number). */
#ifndef PORTAL_EDITIONS_H
#define PORTAL_EDITIONS_H

#include <jansson.h>
#include <sqlite3.h>
#include <stddef.h>

#include "arena.h"
#include "buf.h"

#define PORTAL_TERM_OLD_EDITION "XVoldedition"
#define PORTAL_TERM_CURRENT_EDITION "XVcurrentedition"

/* After document doc_id's metadata was stored: its own edition and what its
 * text says of others into the table, statuses recomputed for the numbers
 * touched. *changed (arena array) gets the documents whose edition status
 * changed and need reindexing (never doc_id itself); returns how many. */
size_t editions_record(sqlite3 *db, struct arena *a, const char *doc_id, const char ***changed);

/* The edition of document doc_id: 1 with *status and *replaced_by (may be
 * NULL; arena strings), 0 when it is no known edition. */
int editions_of_doc(sqlite3 *db, struct arena *a, const char *doc_id, const char **status,
		    const char **replaced_by);

/* The current edition of number (canonical, with or without a year, which
 * is ignored: "GB 18466"), as "GB 18466-2005" in the arena; NULL when none. */
const char *editions_current(sqlite3 *db, struct arena *a, const char *number);

/* The same for a number typed alone ("18466"): the current edition of the
 * one standard with that number, NULL when none or several. */
const char *editions_current_bare(sqlite3 *db, struct arena *a, const char *bare);

/* {"number": "GB 18466", "editions": [{"year", "edition", "status",
 * "replaced_by", "doc_id", "set_by_staff"}...]} newest first; NULL when the
 * number is not a standard number (err says why). New reference. */
json_t *editions_json(sqlite3 *db, const char *number, char *err, size_t errlen);

/* Staff set the status of edition number (with its year) to status
 * ("current", "superseded", "withdrawn"; replaced_by a standard number
 * or NULL). The row is created when missing and stands from then on.
 * *changed gets the documents to reindex. 0, or -1 with err. */
int editions_set(sqlite3 *db, struct arena *a, const char *edition, const char *status,
		 const char *replaced_by, const char ***changed, size_t *nchanged,
		 char *err, size_t errlen);

/* The mark for a hit or a document page of an edition that is not current:
 * <span class="edition">已被 GB 18466-2005 代替</span> (or 已废止); nothing
 * for a current one. */
void editions_mark_html(struct buf *b, const char *status, const char *replaced_by);

#endif
