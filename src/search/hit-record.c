/* hit-record.c: a search hit's title, type, file name, edition and snippet
 * source, packed into one string for the index. */
#include "hit-record.h"
#include "arena.h"
#include "buf.h"

#include <string.h>

#define VERSION '\001'
#define NFIELDS 6	/* title, doc_type, filename, edition_status, replaced_by, excerpt */

/* Bytes of the first max UTF-8 characters of s (len bytes). */
static size_t utf8_prefix(const char *s, size_t len, size_t max)
{
	size_t i = 0, chars = 0;
	for (; i < len; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80 && chars++ == max)
			break;
	return i;
}

static void field(struct buf *out, const char *s)
{
	if (s)
		buf_puts(out, s);
	buf_putc(out, '\0');
}

void hit_record_pack(struct buf *out, const struct hit_record *r)
{
	buf_putc(out, VERSION);
	field(out, r->title);
	field(out, r->doc_type);
	field(out, r->filename);
	field(out, r->edition_status);
	field(out, r->replaced_by);
	if (r->excerpt)
		buf_append(out, r->excerpt, utf8_prefix(r->excerpt, r->excerpt_len, HIT_EXCERPT_CHARS));
}

int hit_record_unpack(struct arena *a, const char *data, size_t len, struct hit_record *r)
{
	memset(r, 0, sizeof *r);
	if (!data || len < 1 || data[0] != VERSION)
		return -1;
	const char **slot[NFIELDS - 1] = { &r->title, &r->doc_type, &r->filename,
					   &r->edition_status, &r->replaced_by };
	const char *p = data + 1, *end = data + len;
	for (int i = 0; i < NFIELDS - 1; i++) {
		const char *nul = memchr(p, '\0', (size_t)(end - p));
		if (!nul)
			return -1;
		*slot[i] = nul > p ? arena_strndup(a, p, (size_t)(nul - p)) : NULL;
		p = nul + 1;
	}
	r->excerpt_len = (size_t)(end - p);
	r->excerpt = arena_strndup(a, p, r->excerpt_len);
	return 0;
}
