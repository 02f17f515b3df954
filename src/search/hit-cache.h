/* hit-cache.h: the rendered parts of recent search hits, kept by each
 * search worker.
 *
 * A hit's title, type and file name come from SQLite, and its snippet from
 * the first pages of its text there; for the ten hits of a page that is
 * about forty page reads and a scan of each text. A hit's parts depend only
 * on the document and on the query's text terms (the snippet marks them),
 * and the database only changes them in the indexer's first step, which
 * is committed before the index commit that makes the change searchable.
 * So an entry kept for one epoch of the index (pxap_reader_epoch()) is
 * what reading the database again would give; a new epoch empties the
 * cache. Least recently used entries go first. */
#ifndef PORTAL_HIT_CACHE_H
#define PORTAL_HIT_CACHE_H

#include <stddef.h>

struct hit_cache;

struct cached_hit {
	const char *title, *doc_type, *filename, *snippet;	/* doc_type may be NULL */
	const char *edition_status, *replaced_by;		/* NULL unless a standard's edition */
};

/* A cache of up to capacity hits; NULL when capacity is 0 (every call below
 * accepts NULL and then keeps nothing). Dies on out-of-memory. */
struct hit_cache *hit_cache_new(size_t capacity);
void hit_cache_free(struct hit_cache *c);

/* Call before looking up the hits of a search: entries of another epoch
 * are dropped. */
void hit_cache_follow(struct hit_cache *c, unsigned long epoch);

/* The entry for the hit of document doc_id under the query's text terms
 * (in order), or NULL; valid until the next hit_cache_store() or
 * hit_cache_follow(). */
const struct cached_hit *hit_cache_find(struct hit_cache *c, const char *doc_id,
					const char *const *terms, size_t nterms);

/* Keep a copy of h for doc_id and terms (replacing an entry of the same
 * key). */
void hit_cache_store(struct hit_cache *c, const char *doc_id, const char *const *terms,
		     size_t nterms, const struct cached_hit *h);

/* Lookups answered so far, and entries held (for tests). */
unsigned long hit_cache_hits(const struct hit_cache *c);
size_t hit_cache_size(const struct hit_cache *c);

#endif
