/* extract-pdf.c: PDF text through poppler's pdftotext, or OCR for scans.
 *
 * pdftotext runs as a child through extract-run.c (no shell) writing
 * UTF-8 to a pipe. It inherits our resource limits, and when we run inside
 * the sandbox it shares the sandbox child's process group, so a timeout
 * kills it too.
 *
 * A PDF whose text layer is unusable goes to text recognition
 * (extract-ocr.c, the first ocr_max_pages pages); in the quick lane such a
 * PDF, or one of more than PORTAL_LONG_PAGES pages, is answered
 * PORTAL_EXTRACT_LONG instead (extract.h). Unusable means
 * fewer than MIN_CHARS_PER_PAGE visible characters per page on average: a
 * scan has none, or only a stamped page number; any real text layer has
 * hundreds.
 *
 * Some producers (Founder's PDFGenerator, behind many Chinese standards)
 * draw ASCII as full-width glyphs whose boxes are twice their advance, so
 * each glyph overlaps the next; poppler then starts a new line at every
 * overlap and "ＧＢ１８４６６" comes out one or two characters a line.
 * Such fonts, and the Symbol font, also leave private-use code points for
 * a few marks. The text is therefore tidied (portal_pdf_tidy()): known
 * private-use glyphs mapped,
 * the blank between two ideographs of a letter-spaced title removed, and
 * runs of one- and two-character lines of wide characters joined again. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#ifndef PDFTOTEXT_PATH
#define PDFTOTEXT_PATH "/usr/bin/pdftotext"
#endif

#include "extract.h"
#include "encoding.h"
#include "log.h"
#include "utf8.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#define MIN_CHARS_PER_PAGE 8
#define FRAG_MAX 2	/* a line of at most this many characters is a fragment */
#define MAX_RAW ((size_t)256 * 1024 * 1024)

/* pdftotext's own wording, kept from before the shared runner. */
static int status_error(int st, char *err, size_t errlen)
{
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return 0;
	if (WIFEXITED(st) && WEXITSTATUS(st) != 127)
		snprintf(err, errlen, "The PDF file is damaged or encrypted and its text "
			 "could not be read.");
	else
		portal_run_failed(st, PDFTOTEXT_PATH, "pdftotext", "The PDF", err, errlen);
	return -1;
}

/* Whether the text holds at least MIN_CHARS_PER_PAGE visible characters
 * per page; pdftotext ends every page with a form feed. */
static int usable_text(const char *s, size_t n)
{
	size_t pages = 0, visible = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '\f')
			pages++;
		else if (c > ' ' && (c & 0xC0) != 0x80)	/* count characters, not bytes */
			visible++;
	}
	if (pages == 0)
		pages = 1;
	return visible > 0 && visible >= pages * MIN_CHARS_PER_PAGE;
}

/* ---- tidying poppler's text ---------------------------------------------- */

/* What a private-use glyph stands for, or 0. Founder's fonts (seen in
 * GB 18466-2005 and GB 12348-2008): the dot of "13.060.30" and of web
 * addresses, the hyphen of "A-weighted", the asterisk above the imprint,
 * the arrows of a flow chart. The Symbol font, which poppler leaves at
 * U+F000 + its code (seen in formulas and limits across the standards):
 * the signs and Greek letters found there, and its bar, which these
 * documents set twice for a dash (——). */
static uint32_t pua_map(uint32_t cp)
{
	static const struct {
		uint16_t from, to;
	} map[] = {
		{ 0xE010, 0xFF0E }, { 0xE011, 0xFF0D }, { 0xE012, 0xFF0A }, { 0xE5C5, 0x2193 },
		{ 0xF02B, '+' }, { 0xF02D, 0x2212 }, { 0xF03C, '<' }, { 0xF03D, '=' }, { 0xF03E, '>' },
		{ 0xF061, 0x03B1 }, { 0xF062, 0x03B2 }, { 0xF064, 0x03B4 }, { 0xF067, 0x03B3 },
		{ 0xF06D, 0x03BC }, { 0xF070, 0x03C0 }, { 0xF072, 0x03C1 }, { 0xF073, 0x03C3 },
		{ 0xF0A3, 0x2264 }, { 0xF0A5, 0x221E }, { 0xF0B0, 0x00B0 }, { 0xF0B1, 0x00B1 },
		{ 0xF0B3, 0x2265 }, { 0xF0B4, 0x00D7 }, { 0xF0B8, 0x00F7 }, { 0xF0B9, 0x2260 },
		{ 0xF0BB, 0x2248 }, { 0xF0BE, 0x2014 }, { 0xF0D6, 0x221A }, { 0xF0E5, 0x2211 },
		{ 0xF8E7, 0x2014 },
	};
	if (cp < 0xE000 || cp > 0xF8FF)
		return 0;
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
		if (map[i].from == cp)
			return map[i].to;
	return 0;
}

static int ideograph(uint32_t c)
{
	return (c >= 0x3400 && c <= 0x9FFF) || (c >= 0xF900 && c <= 0xFAFF) ||
	       (c >= 0x20000 && c <= 0x3FFFF);
}

/* A full-width form of ASCII (the glyphs the broken fonts draw) or the
 * dash between the parts of a standard's number. */
static int wide(uint32_t c)
{
	return (c >= 0xFF01 && c <= 0xFF5E) || c == 0x2014;
}

struct tline {
	size_t off, len;	/* in the tidied buffer */
	uint32_t first, last;	/* first and last visible character, 0: none */
	size_t visible;		/* visible characters */
	int page_start;		/* first line of a page */
};

/* One line (s, n bytes, no line break) into b, glyphs mapped, and a
 * letter-spaced run of ideographs ("国 家 标 准": single ideographs
 * between blanks) closed up; its shape into l. Blanks between words
 * ("第一章 总则") stay. */
static void tidy_line(const char *s, size_t n, struct buf *b, struct tline *l)
{
	uint32_t *cps = xmalloc((n + 1) * sizeof *cps);
	size_t m = 0, i = 0;
	while (i < n) {
		uint32_t cp = portal_utf8_next(s, n, &i);
		cps[m++] = pua_map(cp) ? pua_map(cp) : cp;
	}
	l->off = b->len;
	l->first = l->last = 0;
	l->visible = 0;
	for (size_t k = 0; k < m; k++) {
		uint32_t cp = cps[k];
		if (cp == ' ') {
			size_t j = k;
			while (j < m && cps[j] == ' ')
				j++;
			/* the ideographs each side stand alone */
			int lone_before = k >= 1 && ideograph(cps[k - 1]) && (k == 1 || cps[k - 2] == ' ');
			int lone_after = j < m && ideograph(cps[j]) && (j + 1 == m || cps[j + 1] == ' ');
			if (lone_before && lone_after) {
				k = j - 1;
				continue;
			}
		}
		portal_utf8_put(b, cp);
		if (cp > ' ') {
			if (!l->first)
				l->first = cp;
			l->last = cp;
			l->visible++;
		}
	}
	l->len = b->len - l->off;
	free(cps);
}

/* A line of one or two full-width characters (not just dashes, which
 * mark empty table cells). */
static int fragment(const struct tline *l)
{
	return l->visible && l->visible <= FRAG_MAX && wide(l->first) && wide(l->last) &&
	       (l->first != 0x2014 || l->last != 0x2014);
}

static int meet(const struct tline *a, const struct tline *b)
{
	return !b->page_start && a->visible && b->visible && wide(a->last) && wide(b->first);
}

/* Whether line k goes on at the end of line k - 1: they meet in full-width
 * characters, and line k is a fragment, or line k - 1 is one and line k
 * is followed by a fragment (a chain ends in a fragment: "３０" does not
 * take the next line "Ｚ ６０" along). */
static int joinable(const struct tline *lines, size_t nlines, size_t k)
{
	const struct tline *a = &lines[k - 1], *b = &lines[k];
	if (!meet(a, b))
		return 0;
	if (fragment(b))
		return 1;
	return fragment(a) && k + 1 < nlines && meet(b, &lines[k + 1]) && fragment(&lines[k + 1]);
}

void portal_pdf_tidy(const char *text, size_t n, struct buf *out)
{
	struct buf b = BUF_INIT;
	struct tline *lines = NULL;
	size_t nlines = 0, cap = 0, start = 0;
	int page_start = 1;

	for (size_t i = 0; i <= n; i++) {
		if (i < n && text[i] != '\n' && text[i] != '\f')
			continue;
		if (nlines == cap) {
			cap = cap ? 2 * cap : 256;
			lines = xrealloc(lines, cap * sizeof *lines);
		}
		tidy_line(text + start, i - start, &b, &lines[nlines]);
		lines[nlines].page_start = page_start;
		page_start = i < n && text[i] == '\f';
		nlines++;
		start = i + 1;
	}
	/* Joins come in chains (lines k..m each joinable to the one before);
	 * a chain is joined when it holds two fragments or more, so a lone
	 * short line (a page number, a list mark) stays where it is. */
	for (size_t k = 0; k < nlines;) {
		size_t m = k, frags = fragment(&lines[k]);
		while (m + 1 < nlines && joinable(lines, nlines, m + 1))
			frags += fragment(&lines[++m]);
		for (size_t j = k; j <= m; j++) {
			const struct tline *l = &lines[j];
			size_t off = l->off, len = l->len;
			if (j > k && frags >= 2) {	/* the blanks at the seam go */
				while (len && b.data[off] == ' ')
					off++, len--;
			} else if (j > k) {
				buf_putc(out, '\n');
			}
			if (j < m && frags >= 2)
				while (len && b.data[off + len - 1] == ' ')
					len--;
			buf_append(out, b.data + off, len);
		}
		if (m + 1 < nlines)
			buf_putc(out, lines[m + 1].page_start ? '\f' : '\n');
		k = m + 1;
	}
	free(lines);
	buf_free(&b);
}

/* Pages in pdftotext's output: each one ends in a form feed. */
static long count_pages(const char *s, size_t n)
{
	long pages = 0;

	for (size_t i = 0; i < n; i++)
		pages += s[i] == '\f';
	return pages;
}

int portal_extract_pdf(const char *path, struct buf *out, char *err, size_t errlen)
{
	struct buf raw = BUF_INIT, arg = BUF_INIT;
	int quick = portal_extract_options()->quick;
	char last[16];
	/* The quick lane reads one page more than a quick PDF may have: that
	 * is enough to tell, and no more time goes into a long one. */
	snprintf(last, sizeof last, "%d", PORTAL_LONG_PAGES + 1);
	char *file = (char *)portal_path_arg(path, &arg);
	char *argv[] = { "pdftotext", "-q", "-enc", "UTF-8", "-eol", "unix",
			 file, "-", NULL, NULL, NULL };
	if (quick) {
		argv[6] = "-l";
		argv[7] = last;
		argv[8] = file;
		argv[9] = "-";
	}

	int st = portal_run_capture(PDFTOTEXT_PATH, argv, -1, MAX_RAW, &raw, err, errlen);
	if (st < 0 || status_error(st, err, errlen) < 0) {
		buf_free(&raw);
		buf_free(&arg);
		return -1;
	}
	buf_free(&arg);
	if (quick && (count_pages(raw.data ? raw.data : "", raw.len) > PORTAL_LONG_PAGES ||
		      !usable_text(raw.data ? raw.data : "", raw.len))) {
		buf_free(&raw);
		return PORTAL_EXTRACT_LONG;	/* a long PDF, or a scan: the long lane's */
	}
	if (!usable_text(raw.data ? raw.data : "", raw.len)) {
		buf_free(&raw);
		return portal_ocr_pdf(path, portal_extract_options()->ocr_max_pages, out, err, errlen);
	}
	struct buf text = BUF_INIT;
	portal_to_utf8(raw.data, raw.len, "UTF-8", &text, NULL, 0, err, errlen);
	buf_free(&raw);
	/* pdftotext separates pages with form feeds; make them line breaks. */
	size_t at = out->len;
	portal_pdf_tidy(text.data ? text.data : "", text.len, out);
	buf_free(&text);
	for (size_t i = at; i < out->len; i++)
		if (out->data[i] == '\f')
			out->data[i] = '\n';
	return 0;
}
