/* http-multipart.h: a streaming multipart/form-data parser (RFC 7578).
 *
 * The body is fed in chunks of any size, split anywhere; the parser never
 * holds more than one part's headers plus one boundary's worth of data, so a
 * 100 MB file streams through in constant memory. Part data is passed to
 * on_part_data as it arrives (possibly in many calls).
 *
 * Errors: every function returns 0 on success and -1 on failure; then
 * multipart_error() gives a sentence a person understands (English), e.g.
 * "the request body ended before the closing multipart boundary". A failed
 * parser makes no more callbacks and keeps failing with its first error; a
 * part cut short by a failure gets no on_part_end, so the application must
 * throw away what it kept of that part.
 *
 * Limits and choices: a preamble of up to 16 KiB is skipped, the epilogue is
 * ignored, one part's header block may be 16 KiB. Header folding, bare CR
 * or LF and control characters in headers are refused. Two boundaries in a
 * row (an empty part with no headers) are refused, since every part needs a
 * Content-Disposition. In quoted values only \" and \\ are escapes; any
 * other backslash is kept as it is. */
#ifndef PORTAL_HTTP_MULTIPART_H
#define PORTAL_HTTP_MULTIPART_H

#include <stddef.h>

struct multipart_callbacks {
	/* A part's headers are complete. name is the Content-Disposition name
	 * ("" when absent), filename its filename (NULL when absent; CR, LF and
	 * NUL in it are refused as a malformed body), content_type the part's
	 * Content-Type (NULL when absent). The strings are owned by the parser
	 * and valid until on_part_end returns. filename="" gives "".
	 * Every callback returns 0 to go on, non-zero to stop: the parser then
	 * fails with "stopped by the application". A NULL callback is skipped.
	 * on_part_data never gets len 0; its data is valid only during the
	 * call. */
	int (*on_part_begin)(void *ctx, const char *name, const char *filename,
			     const char *content_type);
	int (*on_part_data)(void *ctx, const char *data, size_t len);
	int (*on_part_end)(void *ctx);
};

struct multipart_parser;

/* boundary: the boundary parameter (without the leading "--"), copied.
 * cb and ctx must outlive the parser; cb may be NULL. Never returns NULL:
 * given a boundary that multipart_boundary() would refuse, the parser
 * starts out failed. */
struct multipart_parser *multipart_new(const char *boundary,
				       const struct multipart_callbacks *cb,
				       void *ctx);
int multipart_feed(struct multipart_parser *p, const char *data, size_t len);
/* The body has ended: fails unless the closing boundary was seen. */
int multipart_finish(struct multipart_parser *p);
/* A static sentence; "" while nothing has failed. */
const char *multipart_error(const struct multipart_parser *p);
void multipart_free(struct multipart_parser *p);	/* NULL is fine */

/* Extract the boundary from a Content-Type header value such as
 * 'multipart/form-data; boundary="abc"'. Returns 0 and writes a
 * NUL-terminated boundary to out, or -1 when the type is not
 * multipart/form-data or the boundary is missing, given twice, empty,
 * longer than 70 characters, has characters RFC 2046 does not allow (or a
 * trailing space), or does not fit in outlen with its NUL. The type and the
 * parameter name are matched without regard to case. */
int multipart_boundary(const char *content_type, char *out, size_t outlen);

#endif
