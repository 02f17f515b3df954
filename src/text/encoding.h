/* encoding.h: any text in, valid UTF-8 out (uchardet + iconv). */
#ifndef PORTAL_ENCODING_H
#define PORTAL_ENCODING_H

#include <stddef.h>
#include "buf.h"

/* Convert in (len bytes) to UTF-8 appended to out. charset names the source
 * encoding when known (e.g. from an HTML meta tag); NULL means detect: a BOM
 * first (UTF-8, UTF-16LE/BE), then valid UTF-8, then uchardet. GB2312 and
 * GBK are read as GB18030 (a superset). The output is always valid UTF-8
 * with no NUL bytes: undecodable input becomes U+FFFD. The detected or used
 * charset is written to used (may be NULL). Returns 0, or -1 with err when
 * the charset is unknown to iconv. */
int portal_to_utf8(const char *in, size_t len, const char *charset, struct buf *out,
		   char *used, size_t usedlen, char *err, size_t errlen);

/* 1 when in (len bytes, maybe the first part of a longer file: a character
 * cut off at the end does not count) is plain text: it decodes without a
 * single error as UTF-16 with a byte order mark, as UTF-8 or as GB18030,
 * and holds no NUL and no control character but tab, line feed, carriage
 * return, form feed, backspace (nroff's overstrikes) and escape (terminal
 * colour sequences). 0 for empty input. */
int portal_text_is_plain(const char *in, size_t len);

#endif
