/* fuzz-html-text.c: libFuzzer target for HTML to text (extract-html.c,
 * with encoding.c behind it). Any bytes must give valid UTF-8 without NUL
 * or an error, never a crash. Build as fuzz-multipart.c says, with
 * src/arena.c src/encoding.c src/extract-html.c and -luchardet. */
#include "buf.h"
#include "encoding.h"
#include "utf8.h"
#include "extract.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf out = BUF_INIT;
	char err[256];
	if (portal_extract_html((const char *)data, size, &out, err, sizeof err) == 0) {
		if (!portal_utf8_valid(buf_str(&out), out.len) || memchr(buf_str(&out), '\0', out.len))
			abort();
	}
	buf_free(&out);
	return 0;
}
