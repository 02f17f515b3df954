/* fuzz-office-xml.c: libFuzzer target for the office XML walker.
 *
 * The first input byte picks the kind of part (Word, slide, sheet, shared
 * strings, ODF text, ODF sheet); the rest is the XML. Whatever the input,
 * portal_extract_office_xml() must return 0 or -1, give a sentence and
 * append nothing with -1, keep what the buffer held, and append only valid
 * UTF-8 without NUL. Build and run, for example:
 *
 *	clang -std=c11 -D_GNU_SOURCE -g -fsanitize=fuzzer,address,undefined -Isrc \
 *		src/log.c src/buf.c src/encoding.c src/extract-zip.c src/extract-office.c \
 *		tests/fuzz/fuzz-office-xml.c -lexpat -lzip -luchardet \
 *		-o /tmp/fuzz-office-xml && /tmp/fuzz-office-xml -max_total_time=60 */
#include "extract.h"
#include "encoding.h"
#include "buf.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf out = BUF_INIT;
	char err[512] = "";

	if (size < 1)
		return 0;
	enum portal_xml_part part = (enum portal_xml_part)(data[0] % PORTAL_XML_PARTS);
	const char *xml = (const char *)data + 1;
	size_t len = size - 1;

	buf_puts(&out, "前");	/* text already there must survive */
	int rc = portal_extract_office_xml(xml, len, part, &out, err, sizeof err);
	if (rc != 0 && rc != -1)
		abort();
	if (rc == -1 && (strlen(err) < 10 || strcmp(buf_str(&out), "前") != 0))
		abort();
	if (strncmp(buf_str(&out), "前", 3) != 0)
		abort();
	if (!portal_utf8_valid(out.data, out.len) || strlen(out.data) != out.len)
		abort();
	buf_free(&out);
	return 0;
}
