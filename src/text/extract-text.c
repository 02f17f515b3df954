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

/* Remove the terminal escape sequences in b from byte from on: a control
 * sequence (ESC [, parameter bytes 0x30-0x3F, intermediate bytes
 * 0x20-0x2F, one final byte 0x40-0x7E: colours such as ESC [1;31m) goes
 * whole; any other ESC goes alone. */
static void drop_escapes(struct buf *b, size_t from)
{
	size_t w = from, i = from;
	while (i < b->len) {
		if (b->data[i] != 0x1B) {
			b->data[w++] = b->data[i++];
			continue;
		}
		i++;
		if (i < b->len && b->data[i] == '[') {
			size_t j = i + 1;
			while (j < b->len && b->data[j] >= 0x30 && b->data[j] <= 0x3F)
				j++;
			while (j < b->len && b->data[j] >= 0x20 && b->data[j] <= 0x2F)
				j++;
			if (j < b->len && b->data[j] >= 0x40 && b->data[j] <= 0x7E)
				i = j + 1;
		}
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
	if (out->len > from && memchr(out->data + from, 0x1B, out->len - from))
		drop_escapes(out, from);
	if (out->len > from && memchr(out->data + from, '\b', out->len - from))
		strike_over(out, from);
	return 0;
}
