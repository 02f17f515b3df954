/* html.h: HTML output with the escaping named at the call site.
 *
 * Markup comes from literals through html_raw(); data goes through html_txt()
 * (element content) or html_attr() (attribute values, always double-quoted in
 * the literal). html_txtf() formats first and escapes the result. All append
 * to a struct buf, which the response later sends in one piece. */
#ifndef PORTAL_HTML_H
#define PORTAL_HTML_H

#include <stddef.h>
#include "buf.h"

void html_raw(struct buf *b, const char *literal);
void html_txt(struct buf *b, const char *s);
void html_txtn(struct buf *b, const char *s, size_t len);
void html_attr(struct buf *b, const char *s);
void html_txtf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Table cells: <td>text</td> with text escaped (NULL: an empty cell), and
 * a cell holding a whole number. The markup is theirs, the data escaped. */
void html_cell(struct buf *b, const char *text);
void html_cell_int(struct buf *b, long long n);
/* <option value="value">text</option>, selected when asked. */
void html_option(struct buf *b, const char *value, const char *text, int selected);

/* Length of s once escaped (for sizing); escape into dst of that size + 1. */
size_t html_escaped_len(const char *s, size_t len);
void html_escape_into(char *dst, const char *s, size_t len);

#endif
