/* extract-text.c: plain text in any charset to UTF-8.
 *
 * All the work is charset detection and conversion (encoding.c); plain
 * text has no structure to remove. */
#include "extract.h"
#include "encoding.h"

int portal_extract_text(const char *data, size_t len, struct buf *out, char *err, size_t errlen)
{
	return portal_to_utf8(data, len, NULL, out, NULL, 0, err, errlen);
}
