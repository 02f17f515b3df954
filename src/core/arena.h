/* arena.h: one memory pool per request, freed in one go.
 *
 * Handlers allocate from the request's arena and free nothing by hand.
 * Resources that are not memory (SQLite statements, file descriptors, Xapian
 * results) register a cleanup that runs, newest first, when the arena is
 * destroyed. Everything allocated from an arena stops being valid at
 * arena_destroy(). */
#ifndef PORTAL_ARENA_H
#define PORTAL_ARENA_H

#include <stdarg.h>
#include <stddef.h>

struct arena;

struct arena *arena_new(void);
void arena_destroy(struct arena *a);

void *arena_alloc(struct arena *a, size_t n);	/* zeroed, 16-byte aligned */
char *arena_strdup(struct arena *a, const char *s);
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_printf(struct arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Room for element n of the arena array v (*cap elements of size bytes):
 * when n == *cap, returns a copy twice as large (8 elements when *cap is
 * 0, v may then be NULL) and updates *cap; otherwise returns v. The old
 * array stays allocated until arena_destroy(). */
void *arena_grow(struct arena *a, void *v, size_t n, size_t *cap, size_t size);

/* A growable array of strings in an arena; start from { 0 }. v is NULL
 * until the first push. */
struct arena_strv {
	const char **v;
	size_t n, cap;
};

/* Append s (not copied: it must live as long as the arena) to sv. */
void arena_strv_push(struct arena *a, struct arena_strv *sv, const char *s);

/* Run fn(data) when the arena is destroyed. */
void arena_on_destroy(struct arena *a, void (*fn)(void *), void *data);
/* Take ownership of malloc()ed memory: free()d at destroy. Returns p. */
void *arena_own(struct arena *a, void *p);

#endif
