/* detect.h: what a file is, by its content (libmagic), never by its name. */
#ifndef PORTAL_DETECT_H
#define PORTAL_DETECT_H

#include <stddef.h>

/* Write the MIME type (e.g. "application/pdf", "text/plain") of the file at
 * path to mime. The libmagic cookie is opened on first use in this process
 * and kept for its lifetime (open it after fork()). 0 or -1 with err. */
int portal_detect_mime(const char *path, char *mime, size_t mimelen, char *err, size_t errlen);

/* Same for bytes in memory. */
int portal_detect_mime_buf(const void *data, size_t len, char *mime, size_t mimelen, char *err, size_t errlen);

#endif
