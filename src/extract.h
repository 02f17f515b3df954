/* extract.h: bytes to UTF-8 text, by detected type.
 *
 * portal_extract_file() parses untrusted input; the indexer calls it only
 * inside a sandboxed child (sandbox.h). Each format lives in its own
 * extract-<format>.c; this header is their common door. */
#ifndef PORTAL_EXTRACT_H
#define PORTAL_EXTRACT_H

#include <stddef.h>
#include "buf.h"

/* 1 when the MIME type is one the portal can extract text from. */
int portal_extract_supported(const char *mime);

/* Extract the text of the file at path, whose content type is mime (from
 * detect.h), as valid UTF-8 appended to out. On failure returns -1 and a
 * sentence a person understands in err (e.g. "The PDF file is damaged and
 * its text could not be read." or "Files of type application/x-executable
 * are not supported."). */
int portal_extract_file(const char *path, const char *mime, struct buf *out, char *err, size_t errlen);

/* Per-format entry points (also used by unit tests). */
int portal_extract_text(const char *data, size_t len, struct buf *out, char *err, size_t errlen);
/* HTML to text: charset from <meta> (or detection), tags, comments, <script>
 * and <style> dropped, entities (named, decimal, hex) decoded, block elements
 * become line breaks, runs of blank space collapsed. */
int portal_extract_html(const char *data, size_t len, struct buf *out, char *err, size_t errlen);
int portal_extract_pdf(const char *path, struct buf *out, char *err, size_t errlen);

#endif
