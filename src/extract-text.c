/* extract-text.c: plain text in any charset to UTF-8.
 *
 * The work is charset detection and conversion (encoding.c). The one bit of
 * structure removed is nroff's overstrike: formatted man pages and old
 * printer output write bold as "X backspace X" and underline as "_ backspace
 * X"; only the last character of each such group is kept. */
#include "extract.h"
#include "encoding.h"

#include <string.h>

/* Apply the backspaces in b from byte from on: each removes itself and the
 * UTF-8 character before it (none at the start). */
static void strike_over(struct buf *b, size_t from)
{
	size_t w = from;
	for (size_t i = from; i < b->len; i++) {
		if (b->data[i] != '\b') {
			b->data[w++] = b->data[i];
			continue;
		}
		while (w > from && ((unsigned char)b->data[w - 1] & 0xC0) == 0x80)
			w--;
		if (w > from)
			w--;
	}
	b->len = w;
	if (b->data)
		b->data[w] = '\0';
}

int portal_extract_text(const char *data, size_t len, struct buf *out, char *err, size_t errlen)
{
	size_t from = out->len;
	if (portal_to_utf8(data, len, NULL, out, NULL, 0, err, errlen) < 0)
		return -1;
	if (out->len > from && memchr(out->data + from, '\b', out->len - from))
		strike_over(out, from);
	return 0;
}
