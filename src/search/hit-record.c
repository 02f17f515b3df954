/* hit-record.c: a search hit's title, type, file name, edition and snippet
 * source, packed into one string for the index.
 *
 * Version 2 keeps the excerpt as separately deflated chunks of
 * HIT_CHUNK_BYTES, so that a snippet inflates only the part of the text it
 * reads (snippet.c stops once a span holds every query term: usually in
 * the first chunk). Xapian's own compression of the document data then
 * finds nothing to gain and stores the record as it is. Version 1 (the
 * excerpt as plain text) is still read. */
#include "hit-record.h"
#include "arena.h"
#include "buf.h"

#include <string.h>
#include <zlib.h>

#define VERSION_PLAIN '\001'
#define VERSION '\002'
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

static void put_u32(struct buf *out, size_t v)
{
	for (int i = 0; i < 4; i++)
		buf_putc(out, (char)((v >> (8 * i)) & 0xFF));
}

static size_t get_u32(const unsigned char *p)
{
	return (size_t)p[0] | (size_t)p[1] << 8 | (size_t)p[2] << 16 | (size_t)p[3] << 24;
}

void hit_record_pack(struct buf *out, const struct hit_record *r)
{
	buf_putc(out, VERSION);
	field(out, r->title);
	field(out, r->doc_type);
	field(out, r->filename);
	field(out, r->edition_status);
	field(out, r->replaced_by);
	size_t len = r->excerpt ? utf8_prefix(r->excerpt, r->excerpt_len, HIT_EXCERPT_CHARS) : 0;
	put_u32(out, len);
	unsigned char z[HIT_CHUNK_BYTES + HIT_CHUNK_BYTES / 8 + 64];
	for (size_t at = 0; at < len; at += HIT_CHUNK_BYTES) {
		size_t n = len - at < HIT_CHUNK_BYTES ? len - at : HIT_CHUNK_BYTES;
		uLongf zlen = sizeof z;
		if (compress2(z, &zlen, (const Bytef *)r->excerpt + at, (uLong)n, Z_BEST_COMPRESSION) != Z_OK)
			zlen = 0;	/* not for a buffer of compressBound() or more */
		put_u32(out, zlen);
		buf_append(out, (const char *)z, zlen);
	}
}

size_t hit_excerpt_fill(struct hit_excerpt *x, size_t upto)
{
	if (upto > x->len)
		upto = x->len;
	while (x->have < upto) {
		size_t n = x->len - x->have < HIT_CHUNK_BYTES ? x->len - x->have : HIT_CHUNK_BYTES;
		uLongf got = (uLongf)n;
		size_t zlen = x->zend - x->z >= 4 ? get_u32(x->z) : (size_t)-1;
		if (zlen > (size_t)(x->zend - x->z) - 4 ||
		    uncompress((Bytef *)x->text + x->have, &got, x->z + 4, (uLong)zlen) != Z_OK || got != n) {
			/* A damaged record: the rest of the text is blank. */
			memset(x->text + x->have, ' ', x->len - x->have);
			x->have = x->len;
			x->z = x->zend;
			break;
		}
		x->z += 4 + zlen;
		x->have += n;
	}
	return x->have;
}

int hit_record_unpack_lazy(struct arena *a, const char *data, size_t len, struct hit_record *r,
			   struct hit_excerpt *x)
{
	memset(r, 0, sizeof *r);
	memset(x, 0, sizeof *x);
	if (!data || len < 1 || (data[0] != VERSION && data[0] != VERSION_PLAIN))
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
	if (data[0] == VERSION_PLAIN) {
		x->len = x->have = (size_t)(end - p);
		x->text = arena_strndup(a, p, x->len);
		return 0;
	}
	if (end - p < 4)
		return -1;
	x->len = get_u32((const unsigned char *)p);
	x->text = arena_alloc(a, x->len + 1);
	x->text[x->len] = '\0';
	x->z = (const unsigned char *)p + 4;
	x->zend = (const unsigned char *)end;
	return 0;
}

int hit_record_unpack(struct arena *a, const char *data, size_t len, struct hit_record *r)
{
	struct hit_excerpt x;
	if (hit_record_unpack_lazy(a, data, len, r, &x) < 0)
		return -1;
	hit_excerpt_fill(&x, x.len);
	r->excerpt = x.text;
	r->excerpt_len = x.len;
	return 0;
}
