/* hit-record.h: what a search hit shows, stored in the index with the
 * document, so that answering a search reads nothing else.
 *
 * The indexer packs a record for every document (index.c); a search
 * unpacks the records of the hits it shows (search.c). A document indexed
 * before records existed has none: its hit is read from SQLite instead. */
#ifndef PORTAL_HIT_RECORD_H
#define PORTAL_HIT_RECORD_H

#include <stddef.h>

struct arena;
struct buf;

/* Characters of a document's text kept for its snippets: enough for nearly
 * every document, and a 300-page table costs no search a full scan. */
#define HIT_EXCERPT_CHARS 60000

struct hit_record {
	const char *title, *doc_type, *filename;	/* NULL when the document has none */
	const char *edition_status, *replaced_by;	/* a standard's edition (editions.h), or NULL */
	const char *excerpt;				/* the text's first HIT_EXCERPT_CHARS characters */
	size_t excerpt_len;
};

/* Append r to out: a version byte, then the fields separated by NUL bytes,
 * the excerpt last (cut to HIT_EXCERPT_CHARS characters here). */
void hit_record_pack(struct buf *out, const struct hit_record *r);

/* Read a record packed by hit_record_pack() from data (len bytes) into r,
 * its strings copied into a. 0, or -1 when data is not such a record. */
int hit_record_unpack(struct arena *a, const char *data, size_t len, struct hit_record *r);

#endif
