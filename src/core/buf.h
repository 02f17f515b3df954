/* buf.h: a growable byte buffer, always NUL-terminated.
 *
 * A struct buf owns its data; buf_free() releases it and leaves an empty
 * buffer that may be used again. Zero-initialised (BUF_INIT) is empty. */
#ifndef PORTAL_BUF_H
#define PORTAL_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct buf {
	char *data;	/* NUL-terminated when len > 0 or after any append */
	size_t len;
	size_t cap;
};
#define BUF_INIT { NULL, 0, 0 }

void buf_grow(struct buf *b, size_t extra);
void buf_append(struct buf *b, const void *data, size_t len);
void buf_puts(struct buf *b, const char *s);
void buf_putc(struct buf *b, char c);
void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_vprintf(struct buf *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
void buf_reset(struct buf *b);		/* len = 0, keeps memory */
void buf_free(struct buf *b);
/* Hand the data to the caller (free() it); b becomes empty. Never NULL. */
char *buf_detach(struct buf *b);
/* Contents as a C string ("" when empty); valid until the next change. */
const char *buf_str(const struct buf *b);

#endif
