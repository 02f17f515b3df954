/* extract-xls.c: the text of Excel 97-2003 (.xls) workbooks.
 *
 * Debian 12's xls2csv (catdoc 0.95) corrupts Chinese: reading a UTF-16
 * string it takes any character whose low byte is 0x00 or 0x01 (一 is
 * U+4E00, 洁 U+6D01) for a continuation flag, drops it and reads the rest
 * of the string one byte off. So .xls is read here, and xls2csv is kept
 * only for what this reader does not know (BIFF2-4 files outside a
 * compound file).
 *
 * Two layers, each trusting nothing it reads:
 *
 *   the compound file (OLE2/CFB): header, the FAT from the header's 109
 *   entries and the DIFAT chain, the directory, and the "Workbook" (or
 *   BIFF5 "Book") stream through the FAT or, under 4096 bytes, the mini
 *   FAT. Every sector number is checked against the file and the table
 *   sizes, and every chain walk is bounded by the number of sectors, so a
 *   loop or a wild pointer ends the read with an error;
 *
 *   the BIFF records of that stream: the shared string table (SST, split
 *   over CONTINUE records, each continuation restarting the character
 *   width), and the cells: LABELSST, LABEL, RSTRING, NUMBER, RK, MULRK,
 *   FORMULA (with its STRING). BIFF5 strings are 8-bit in the workbook's
 *   CODEPAGE and go through encoding.c (code page 936 is GBK).
 *
 * Cells come out in record order, which is row order within a sheet: a
 * row per line, cells separated by tabs, a blank line between sheets. */
#include "extract.h"
#include "encoding.h"
#include "log.h"
#include "utf8.h"

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define ENDOFCHAIN 0xFFFFFFFEu
#define FREESECT 0xFFFFFFFFu
#define MAX_TEXT ((size_t)64 * 1024 * 1024)

static uint32_t u16(const unsigned char *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8; }
static uint32_t u32(const unsigned char *p) { return u16(p) | u16(p + 2) << 16; }

/* ---- the compound file ---------------------------------------------------- */

struct cfb {
	const unsigned char *d;
	size_t len;
	size_t ssz;		/* sector size: 512 or 4096 */
	uint32_t *fat;
	size_t nfat;		/* entries in fat */
	size_t nsect;		/* sectors the file can hold */
};

/* Append the chain starting at sector s to out, at most max bytes. */
static int chain(const struct cfb *c, uint32_t s, size_t max, struct buf *out)
{
	size_t steps = 0;

	while (s != ENDOFCHAIN && out->len < max) {
		if (s >= c->nfat || s >= c->nsect || ++steps > c->nsect)
			return -1;
		size_t off = ((size_t)s + 1) * c->ssz;
		size_t n = c->len - off < c->ssz ? c->len - off : c->ssz;
		if (n > max - out->len)
			n = max - out->len;
		buf_append(out, c->d + off, n);
		s = c->fat[s];
	}
	return 0;
}

/* Copy FAT sector s into the table; -1 when s is not a whole sector. */
static int add_fat_sector(struct cfb *c, uint32_t s, size_t *got)
{
	size_t per = c->ssz / 4;

	if (s == FREESECT)
		return 0;
	if (s >= c->nsect || ((size_t)s + 2) * c->ssz > c->len)
		return -1;
	for (size_t e = 0; e < per; e++)
		c->fat[*got * per + e] = u32(c->d + ((size_t)s + 1) * c->ssz + 4 * e);
	(*got)++;
	return 0;
}

/* The FAT: its first 109 sector numbers are in the header, the others in
 * a chain of DIFAT sectors (per-1 numbers and the next DIFAT sector). */
static int load_fat(struct cfb *c)
{
	const unsigned char *h = c->d;
	size_t per = c->ssz / 4, want = u32(h + 0x2C), got = 0, steps = 0;
	uint32_t difat = u32(h + 0x44);

	if (want == 0 || want > c->nsect)
		return -1;
	c->fat = xcalloc(want * per, sizeof *c->fat);
	c->nfat = want * per;
	for (size_t i = 0; i < 109 && got < want; i++)
		if (add_fat_sector(c, u32(h + 0x4C + 4 * i), &got) != 0)
			return -1;
	while (got < want && difat != ENDOFCHAIN && difat != FREESECT) {
		if (difat >= c->nsect || ((size_t)difat + 2) * c->ssz > c->len || ++steps > c->nsect)
			return -1;
		const unsigned char *sec = c->d + ((size_t)difat + 1) * c->ssz;
		for (size_t k = 0; k + 1 < per && got < want; k++)
			if (add_fat_sector(c, u32(sec + 4 * k), &got) != 0)
				return -1;
		difat = u32(sec + 4 * (per - 1));
	}
	c->nfat = got * per;	/* entries past the sectors found are unknown */
	return 0;
}

/* The stream whose name is one of names (ASCII, any case), into out.
 * 1 when found, 0 when not, -1 when the file is damaged. */
static int cfb_stream(const unsigned char *d, size_t len, const char *const *names,
		      struct buf *out)
{
	struct cfb c = { d, len, 0, NULL, 0, 0 };
	struct buf dir = BUF_INIT, mini = BUF_INIT, minifat = BUF_INIT;
	int rc = -1;

	if (len < 512 || memcmp(d, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) != 0)
		return 0;
	c.ssz = u16(d + 0x1E) == 12 ? 4096 : 512;
	if (u16(d + 0x1E) != 9 && u16(d + 0x1E) != 12)
		return -1;
	c.nsect = len > c.ssz ? (len - 1) / c.ssz : 0;	/* sectors after the header */
	if (load_fat(&c) != 0 || chain(&c, u32(d + 0x30), 16 * 1024 * 1024, &dir) != 0 ||
	    dir.len < 128)
		goto out;
	uint32_t cutoff = u32(d + 0x38);
	for (size_t e = 0; e + 128 <= dir.len; e += 128) {
		const unsigned char *ent = (const unsigned char *)dir.data + e;
		size_t nlen = u16(ent + 0x40);
		char name[33];
		if (ent[0x42] != 2 || nlen < 2 || nlen > 64)
			continue;
		for (size_t i = 0; i < nlen / 2 - 1; i++)
			name[i] = (char)(u16(ent + 2 * i) < 0x80 ? u16(ent + 2 * i) : '?');
		name[nlen / 2 - 1] = '\0';
		int match = 0;
		for (size_t k = 0; names[k]; k++)
			match |= strcasecmp(name, names[k]) == 0;
		if (!match)
			continue;
		size_t size = u32(ent + 0x78);
		if (size > len)
			size = len;
		if (size >= cutoff) {
			rc = chain(&c, u32(ent + 0x74), size, out) == 0 ? 1 : -1;
			goto out;
		}
		/* small streams live in the mini stream (the root entry's data),
		 * in 64-byte sectors chained by the mini FAT */
		const unsigned char *root = (const unsigned char *)dir.data;
		if (chain(&c, u32(root + 0x74), u32(root + 0x78) < len ? u32(root + 0x78) : len,
			  &mini) != 0 ||
		    chain(&c, u32(d + 0x3C), (size_t)u32(d + 0x40) * c.ssz, &minifat) != 0)
			goto out;
		size_t nmini = minifat.len / 4, steps = 0;
		for (uint32_t s = u32(ent + 0x74); s != ENDOFCHAIN && out->len < size; ) {
			if (s >= nmini || ++steps > nmini || ((size_t)s + 1) * 64 > mini.len)
				goto out;
			size_t n = size - out->len < 64 ? size - out->len : 64;
			buf_append(out, mini.data + (size_t)s * 64, n);
			s = u32((const unsigned char *)minifat.data + 4 * (size_t)s);
		}
		rc = 1;
		goto out;
	}
	rc = 0;
out:
	free(c.fat);
	buf_free(&dir);
	buf_free(&mini);
	buf_free(&minifat);
	return rc;
}

/* ---- BIFF strings --------------------------------------------------------- */

/* A byte source over a record and its CONTINUE records. */
struct segs {
	const unsigned char **p;
	size_t *n;
	size_t count, cap;
	size_t i, pos;		/* reading here */
};

static void segs_add(struct segs *s, const unsigned char *p, size_t n)
{
	if (s->count == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 16;
		s->p = xrealloc(s->p, s->cap * sizeof *s->p);
		s->n = xrealloc(s->n, s->cap * sizeof *s->n);
	}
	s->p[s->count] = p;
	s->n[s->count++] = n;
}

static void segs_free(struct segs *s)
{
	free(s->p);
	free(s->n);
	memset(s, 0, sizeof *s);
}

/* Next byte, crossing into the next segment if need be; -1 at the end. */
static int seg_byte(struct segs *s)
{
	while (s->i < s->count && s->pos >= s->n[s->i]) {
		s->i++;
		s->pos = 0;
	}
	return s->i < s->count ? s->p[s->i][s->pos++] : -1;
}

static long seg_int(struct segs *s, int bytes)
{
	unsigned long v = 0;

	for (int k = 0; k < bytes; k++) {
		int c = seg_byte(s);
		if (c < 0)
			return -1;
		v |= (unsigned long)c << (8 * k);
	}
	return (long)v;
}

/* An XLUnicodeRichExtendedString at the reader, as UTF-8 into out. A
 * character run cut by a record boundary goes on after a new flags byte.
 * -1 when the data ends first. */
static int seg_string(struct segs *s, struct buf *out)
{
	long cch = seg_int(s, 2), flags = seg_int(s, 1), runs = 0, ext = 0;
	uint32_t hi_sur = 0;

	if (cch < 0 || flags < 0)
		return -1;
	if (flags & 8)
		runs = seg_int(s, 2);
	if (flags & 4)
		ext = seg_int(s, 4);
	if (runs < 0 || ext < 0)
		return -1;
	int wide = flags & 1;
	for (long k = 0; k < cch; k++) {
		if (s->i < s->count && s->pos >= s->n[s->i] && s->i + 1 < s->count) {
			s->i++;		/* a CONTINUE: its first byte says the width */
			s->pos = 0;
			long f = seg_int(s, 1);
			if (f < 0)
				return -1;
			wide = f & 1;
		}
		long u = seg_int(s, wide ? 2 : 1);
		if (u < 0)
			return -1;
		if (u >= 0xD800 && u <= 0xDBFF) {
			hi_sur = (uint32_t)u;
			continue;
		}
		if (u >= 0xDC00 && u <= 0xDFFF && hi_sur)
			portal_utf8_put(out, 0x10000 + ((hi_sur - 0xD800) << 10) + ((uint32_t)u - 0xDC00));
		else
			portal_utf8_put(out, portal_utf8_text_cp((uint32_t)u));
		hi_sur = 0;
	}
	for (long k = 0; k < runs * 4 + ext; k++)
		if (seg_byte(s) < 0)
			return -1;
	return 0;
}

/* ---- BIFF records -------------------------------------------------------- */

enum {
	R_FORMULA = 0x0006, R_EOF = 0x000A, R_FILEPASS = 0x002F, R_CONTINUE = 0x003C,
	R_CODEPAGE = 0x0042, R_MULRK = 0x00BD, R_RSTRING = 0x00D6, R_SST = 0x00FC,
	R_LABELSST = 0x00FD, R_NUMBER = 0x0203, R_LABEL = 0x0204, R_STRING = 0x0207,
	R_RK = 0x027E, R_BOF = 0x0809
};

struct book {
	const unsigned char *w;	/* the Workbook stream */
	size_t n, pos;
	int biff8;
	char codepage[16];
	char **sst;
	size_t nsst;
	struct buf *out;
	size_t base;
	long row;		/* of the last cell written, -1 at a sheet start */
	int sheets;
	int formula_string;	/* the next STRING record is a cell's value */
};

/* The record at b->pos: type, data, length; 0 at the end. */
static int next_record(struct book *b, uint32_t *type, const unsigned char **data, size_t *len)
{
	if (b->pos + 4 > b->n)
		return 0;
	*type = u16(b->w + b->pos);
	*len = u16(b->w + b->pos + 2);
	*data = b->w + b->pos + 4;
	if (*len > b->n - b->pos - 4)
		*len = b->n - b->pos - 4;	/* a cut-off last record */
	b->pos += 4 + *len;
	return 1;
}

/* One cell's text at (row, col). */
static int cell(struct book *b, long row, const char *s, size_t n, char *err, size_t errlen)
{
	if (!n)
		return 0;
	if (b->out->len - b->base + n + 2 > MAX_TEXT) {
		snprintf(err, errlen, "The Excel file holds more text than the 64 MB allowed "
			 "and was not read.");
		return -1;
	}
	if (b->out->len > b->base)
		buf_putc(b->out, row == b->row ? '\t' : '\n');
	buf_append(b->out, s, n);
	b->row = row;
	return 0;
}

static int number_cell(struct book *b, long row, double v, char *err, size_t errlen)
{
	char num[64];
	int n = snprintf(num, sizeof num, "%.15g", v);
	return cell(b, row, num, (size_t)n, err, errlen);
}

static double rk_value(uint32_t rk)
{
	double v;

	if (rk & 2) {
		v = (double)((int32_t)rk >> 2);
	} else {
		uint64_t bits = (uint64_t)(rk & 0xFFFFFFFCu) << 32;
		memcpy(&v, &bits, sizeof v);
	}
	return rk & 1 ? v / 100 : v;
}

/* A string inside one record (LABEL, RSTRING, STRING): BIFF8
 * XLUnicodeString or BIFF5 8-bit bytes in the code page. */
static void record_string(struct book *b, const unsigned char *p, size_t n, struct buf *s)
{
	if (n < 2)
		return;
	size_t cch = u16(p);
	if (!b->biff8) {
		if (cch > n - 2)
			cch = n - 2;
		portal_to_utf8((const char *)p + 2, cch, b->codepage, s, NULL, 0, NULL, 0);
		return;
	}
	const unsigned char *q = p;
	size_t len = n;
	struct segs one = { &q, &len, 1, 1, 0, 0 };
	seg_string(&one, s);	/* a short read keeps what came */
}

/* The SST record at data and the CONTINUE records after it. */
static int read_sst(struct book *b, const unsigned char *data, size_t len)
{
	struct segs s = { NULL, NULL, 0, 0, 0, 0 };
	struct buf str = BUF_INIT;
	size_t total = len;

	segs_add(&s, data, len);
	while (b->pos + 4 <= b->n && u16(b->w + b->pos) == R_CONTINUE) {
		uint32_t type;
		const unsigned char *d;
		size_t n;
		next_record(b, &type, &d, &n);
		segs_add(&s, d, n);
		total += n;
	}
	seg_int(&s, 4);				/* strings in the workbook */
	long unique = seg_int(&s, 4);		/* strings in the table */
	if (unique < 0)
		unique = 0;
	if ((size_t)unique > total / 3)		/* each string takes 3 bytes at least */
		unique = (long)(total / 3);
	for (size_t i = 0; i < b->nsst; i++)
		free(b->sst[i]);
	free(b->sst);
	b->sst = xcalloc((size_t)unique + 1, sizeof *b->sst);
	b->nsst = 0;
	while (b->nsst < (size_t)unique) {
		buf_reset(&str);
		int rc = seg_string(&s, &str);
		b->sst[b->nsst++] = xstrndup(buf_str(&str), str.len);
		if (rc != 0)
			break;
	}
	buf_free(&str);
	segs_free(&s);
	return 0;
}

static int record(struct book *b, uint32_t type, const unsigned char *d, size_t n,
		  char *err, size_t errlen)
{
	struct buf s = BUF_INIT;
	int rc = 0;
	long row = n >= 2 ? (long)u16(d) : 0;

	switch (type) {
	case R_FILEPASS:
		snprintf(err, errlen, "The Excel file is encrypted (password-protected), so its "
			 "text could not be read.");
		return -1;
	case R_CODEPAGE:
		if (n >= 2 && u16(d) != 1200)
			snprintf(b->codepage, sizeof b->codepage, "CP%u", (unsigned)u16(d));
		break;
	case R_SST:
		return read_sst(b, d, n);
	case R_BOF:
		b->row = -1;
		if (b->sheets++ && b->out->len > b->base)
			buf_puts(b->out, "\n");	/* a blank line between sheets */
		break;
	case R_LABELSST:
		if (n >= 10 && u32(d + 6) < b->nsst)
			rc = cell(b, row, b->sst[u32(d + 6)], strlen(b->sst[u32(d + 6)]), err, errlen);
		break;
	case R_LABEL:
	case R_RSTRING:
		if (n > 6) {
			record_string(b, d + 6, n - 6, &s);
			rc = cell(b, row, s.data, s.len, err, errlen);
		}
		break;
	case R_STRING:
		if (b->formula_string) {
			record_string(b, d, n, &s);
			rc = cell(b, b->formula_string - 1, s.data, s.len, err, errlen);
		}
		break;
	case R_NUMBER:
		if (n >= 14) {
			double v;
			uint64_t bits = (uint64_t)u32(d + 6) | (uint64_t)u32(d + 10) << 32;
			memcpy(&v, &bits, sizeof v);
			rc = number_cell(b, row, v, err, errlen);
		}
		break;
	case R_RK:
		if (n >= 10)
			rc = number_cell(b, row, rk_value(u32(d + 6)), err, errlen);
		break;
	case R_MULRK:
		for (size_t at = 4; rc == 0 && at + 6 + 2 <= n; at += 6)
			rc = number_cell(b, row, rk_value(u32(d + at + 2)), err, errlen);
		break;
	case R_FORMULA:
		if (n >= 14 && d[12] == 0xFF && d[13] == 0xFF) {
			if (d[6] == 0)		/* a string, in the STRING record next */
				b->formula_string = (int)row + 1;
		} else if (n >= 14) {
			double v;
			uint64_t bits = (uint64_t)u32(d + 6) | (uint64_t)u32(d + 10) << 32;
			memcpy(&v, &bits, sizeof v);
			rc = number_cell(b, row, v, err, errlen);
		}
		buf_free(&s);
		return rc;
	}
	b->formula_string = 0;
	buf_free(&s);
	return rc;
}

int portal_extract_xls_bytes(const char *data, size_t len, struct buf *out, char *err,
			     size_t errlen)
{
	static const char *const names[] = { "Workbook", "Book", NULL };
	struct buf stream = BUF_INIT;
	int found = cfb_stream((const unsigned char *)data, len, names, &stream);

	if (found <= 0) {
		buf_free(&stream);
		if (found < 0)
			snprintf(err, errlen, "The Excel file is damaged: its compound file "
				 "structure is broken, so its text could not be read.");
		return found < 0 ? -1 : 1;
	}
	struct book b = { (const unsigned char *)stream.data, stream.len, 0, 0, "CP1252",
			  NULL, 0, out, out->len, -1, 0, 0 };
	uint32_t type;
	const unsigned char *d;
	size_t n;
	int rc = 1;

	if (next_record(&b, &type, &d, &n) && type == R_BOF && n >= 2 &&
	    (u16(d) == 0x0600 || u16(d) == 0x0500)) {
		b.biff8 = u16(d) == 0x0600;
		b.pos = 0;
		rc = 0;
		while (rc == 0 && next_record(&b, &type, &d, &n))
			rc = record(&b, type, d, n, err, errlen);
	}
	for (size_t i = 0; i < b.nsst; i++)
		free(b.sst[i]);
	free(b.sst);
	buf_free(&stream);
	if (rc != 0 && out->data) {
		out->len = b.base;
		out->data[b.base] = '\0';
	}
	return rc;
}

int portal_extract_xls_file(const char *path, struct buf *out, char *err, size_t errlen)
{
	struct buf data = BUF_INIT;
	char chunk[65536];
	ssize_t r;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		snprintf(err, errlen, "The Excel file could not be opened.");
		return -1;
	}
	while ((r = read(fd, chunk, sizeof chunk)) > 0 && data.len < ((size_t)256 << 20))
		buf_append(&data, chunk, (size_t)r);
	close(fd);
	int rc = portal_extract_xls_bytes(data.data ? data.data : "", data.len, out, err, errlen);
	buf_free(&data);
	return rc;
}
