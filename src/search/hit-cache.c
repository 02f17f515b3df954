/* hit-cache.c: the rendered parts of recent search hits (see hit-cache.h).
 *
 * A chained hash table over a doubly linked list in order of use. Each
 * entry is one allocation: the struct, then its key and its four strings.
 * A key is the document id and each term, each ended by a unit separator
 * (ids are hex and terms are words: neither holds one), built in a buffer
 * the cache keeps. */
#include "hit-cache.h"
#include "log.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct entry {
	struct entry *chain;		/* next in the same bucket */
	struct entry *newer, *older;	/* order of use */
	uint64_t hash;
	size_t keylen;
	const char *key;
	struct cached_hit hit;		/* strings inside this allocation */
};

struct hit_cache {
	size_t capacity, n, nbuckets;	/* nbuckets: a power of two */
	struct entry **buckets;
	struct entry *newest, *oldest;
	unsigned long epoch, hits;
	int followed;			/* epoch set at least once */
	char *key;			/* the last key built, and its room */
	size_t keylen, keycap;
};

/* FNV-1a, 64 bits. */
static uint64_t hash_of(const char *s, size_t len)
{
	uint64_t h = 14695981039346656037ULL;
	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ULL;
	}
	return h;
}

struct hit_cache *hit_cache_new(size_t capacity)
{
	if (!capacity)
		return NULL;
	struct hit_cache *c = xcalloc(1, sizeof *c);
	c->capacity = capacity;
	c->nbuckets = 16;
	while (c->nbuckets < capacity)
		c->nbuckets *= 2;
	c->buckets = xcalloc(c->nbuckets, sizeof *c->buckets);
	return c;
}

static void clear(struct hit_cache *c)
{
	for (struct entry *e = c->newest, *next; e; e = next) {
		next = e->older;
		free(e);
	}
	memset(c->buckets, 0, c->nbuckets * sizeof *c->buckets);
	c->newest = c->oldest = NULL;
	c->n = 0;
}

void hit_cache_free(struct hit_cache *c)
{
	if (!c)
		return;
	clear(c);
	free(c->buckets);
	free(c->key);
	free(c);
}

void hit_cache_follow(struct hit_cache *c, unsigned long epoch)
{
	if (!c || (c->followed && c->epoch == epoch))
		return;
	clear(c);
	c->epoch = epoch;
	c->followed = 1;
}

static void key_put(struct hit_cache *c, const char *s)
{
	size_t n = strlen(s);
	if (c->keylen + n + 1 > c->keycap) {
		c->keycap = 2 * (c->keylen + n + 1);
		c->key = xrealloc(c->key, c->keycap);
	}
	memcpy(c->key + c->keylen, s, n);
	c->keylen += n;
	c->key[c->keylen++] = '\x1f';
}

/* Build the key of doc_id and terms in c->key (c->keylen bytes). */
static void make_key(struct hit_cache *c, const char *doc_id, const char *const *terms, size_t nterms)
{
	c->keylen = 0;
	key_put(c, doc_id);
	for (size_t i = 0; i < nterms; i++)
		key_put(c, terms[i]);
}

static struct entry **slot_of(struct hit_cache *c, uint64_t hash, const char *key, size_t keylen)
{
	struct entry **at = &c->buckets[hash & (c->nbuckets - 1)];
	while (*at && !((*at)->hash == hash && (*at)->keylen == keylen && memcmp((*at)->key, key, keylen) == 0))
		at = &(*at)->chain;
	return at;
}

static void unlink_use(struct hit_cache *c, struct entry *e)
{
	if (e->newer)
		e->newer->older = e->older;
	else
		c->newest = e->older;
	if (e->older)
		e->older->newer = e->newer;
	else
		c->oldest = e->newer;
	e->newer = e->older = NULL;
}

static void push_newest(struct hit_cache *c, struct entry *e)
{
	e->older = c->newest;
	e->newer = NULL;
	if (c->newest)
		c->newest->newer = e;
	c->newest = e;
	if (!c->oldest)
		c->oldest = e;
}

static void drop(struct hit_cache *c, struct entry **slot)
{
	struct entry *e = *slot;
	*slot = e->chain;
	unlink_use(c, e);
	free(e);
	c->n--;
}

const struct cached_hit *hit_cache_find(struct hit_cache *c, const char *doc_id,
					const char *const *terms, size_t nterms)
{
	if (!c)
		return NULL;
	make_key(c, doc_id, terms, nterms);
	struct entry *e = *slot_of(c, hash_of(c->key, c->keylen), c->key, c->keylen);
	if (!e)
		return NULL;
	unlink_use(c, e);
	push_newest(c, e);
	c->hits++;
	return &e->hit;
}

/* Copy s (may be NULL) to *p and advance it. */
static const char *put(char **p, const char *s)
{
	if (!s)
		return NULL;
	size_t n = strlen(s) + 1;
	char *out = *p;
	memcpy(out, s, n);
	*p += n;
	return out;
}

static size_t size_of(const char *s)
{
	return s ? strlen(s) + 1 : 0;
}

void hit_cache_store(struct hit_cache *c, const char *doc_id, const char *const *terms,
		     size_t nterms, const struct cached_hit *h)
{
	if (!c)
		return;
	make_key(c, doc_id, terms, nterms);
	const char *key = c->key;
	size_t keylen = c->keylen;
	uint64_t hash = hash_of(key, keylen);
	struct entry **slot = slot_of(c, hash, key, keylen);
	if (*slot)
		drop(c, slot);
	while (c->n >= c->capacity)
		drop(c, slot_of(c, c->oldest->hash, c->oldest->key, c->oldest->keylen));
	size_t len = sizeof(struct entry) + keylen + 1 + size_of(h->title) + size_of(h->doc_type) +
		     size_of(h->filename) + size_of(h->snippet) + size_of(h->edition_status) +
		     size_of(h->replaced_by);
	struct entry *e = xmalloc(len);
	char *p = (char *)(e + 1);
	memcpy(p, key, keylen);
	p[keylen] = '\0';
	e->key = p;
	e->keylen = keylen;
	e->hash = hash;
	p += keylen + 1;
	e->hit.title = put(&p, h->title);
	e->hit.doc_type = put(&p, h->doc_type);
	e->hit.filename = put(&p, h->filename);
	e->hit.snippet = put(&p, h->snippet);
	e->hit.edition_status = put(&p, h->edition_status);
	e->hit.replaced_by = put(&p, h->replaced_by);
	struct entry **head = &c->buckets[hash & (c->nbuckets - 1)];
	e->chain = *head;
	*head = e;
	push_newest(c, e);
	c->n++;
}

unsigned long hit_cache_hits(const struct hit_cache *c)
{
	return c ? c->hits : 0;
}

size_t hit_cache_size(const struct hit_cache *c)
{
	return c ? c->n : 0;
}
