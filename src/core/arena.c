/* arena.c: per-request memory pool with cleanup handlers.
 *
 * Memory comes from a chain of blocks; a request larger than a quarter of a
 * block gets a block of its own so small allocations don't waste the rest. */
#include "arena.h"
#include "log.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BLOCK_SIZE 16384

struct block {
	struct block *next;
	size_t used, size;
	_Alignas(16) unsigned char mem[];
};

struct cleanup {
	struct cleanup *next;
	void (*fn)(void *);
	void *data;
};

struct arena {
	struct block *blocks;
	struct cleanup *cleanups;
};

struct arena *arena_new(void) { return xcalloc(1, sizeof(struct arena)); }

void arena_destroy(struct arena *a)
{
	if (!a)
		return;
	for (struct cleanup *c = a->cleanups; c; c = c->next)
		c->fn(c->data);
	for (struct block *b = a->blocks, *next; b; b = next) {
		next = b->next;
		free(b);
	}
	free(a);
}

static struct block *new_block(size_t size)
{
	struct block *b = xmalloc(sizeof *b + size);
	b->next = NULL;
	b->used = 0;
	b->size = size;
	return b;
}

void *arena_alloc(struct arena *a, size_t n)
{
	n = (n + 15) & ~(size_t)15;
	if (n == 0)
		n = 16;
	struct block *b = a->blocks;
	if (n > BLOCK_SIZE / 4) {
		struct block *big = new_block(n);
		big->used = n;
		if (b) {	/* keep the current block first for small requests */
			big->next = b->next;
			b->next = big;
		} else {
			a->blocks = big;
		}
		memset(big->mem, 0, n);
		return big->mem;
	}
	if (!b || b->size - b->used < n) {
		b = new_block(BLOCK_SIZE);
		b->next = a->blocks;
		a->blocks = b;
	}
	void *p = b->mem + b->used;
	b->used += n;
	memset(p, 0, n);
	return p;
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
	size_t len = strnlen(s, n);
	char *p = arena_alloc(a, len + 1);
	memcpy(p, s, len);
	return p;
}

char *arena_strdup(struct arena *a, const char *s)
{
	return s ? arena_strndup(a, s, SIZE_MAX) : NULL;
}

char *arena_printf(struct arena *a, const char *fmt, ...)
{
	va_list ap, cp;
	va_start(ap, fmt);
	va_copy(cp, ap);
	int n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0)
		portal_fatal("arena_printf: bad format");
	char *p = arena_alloc(a, (size_t)n + 1);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

void arena_on_destroy(struct arena *a, void (*fn)(void *), void *data)
{
	struct cleanup *c = arena_alloc(a, sizeof *c);
	c->fn = fn;
	c->data = data;
	c->next = a->cleanups;
	a->cleanups = c;
}

void *arena_own(struct arena *a, void *p)
{
	if (p)
		arena_on_destroy(a, free, p);
	return p;
}

void *arena_grow(struct arena *a, void *v, size_t n, size_t *cap, size_t size)
{
	if (n < *cap)
		return v;
	size_t bigger = *cap ? 2 * *cap : 8;
	void *p = arena_alloc(a, bigger * size);
	if (n)
		memcpy(p, v, n * size);
	*cap = bigger;
	return p;
}

void arena_strv_push(struct arena *a, struct arena_strv *sv, const char *s)
{
	sv->v = arena_grow(a, sv->v, sv->n, &sv->cap, sizeof *sv->v);
	sv->v[sv->n++] = s;
}
