/* extract-ocr.c: text recognition with tesseract (chi_sim+HanS).
 *
 * Images (PNG, JPEG, TIFF) go to tesseract as they are, once their header
 * shows they are not absurdly large: a 100000 x 100000 PNG is a few kB
 * compressed and 10 GB decoded.
 *
 * A scanned PDF is rendered a page at a time by pdftoppm, in colour, into
 * memory; its red channel alone (a red seal then fades into the paper:
 * bench/ocr/run measured 86% of key phrases in grey, 93% so) is piped into
 * tesseract (chi_sim, HanS beside it when installed: page_langs(); stdin
 * stdout, page segmentation 3,
 * 200 dpi: more resolution found fewer phrases, at twice the time), after
 * levelling a page scanned askew (deskew below), so no page image ever
 * touches the disk and a sandbox kill leaves nothing behind. Up to ocr_width pages
 * are in tesseract at once, and each page done is reported (extract.h).
 * Page sizes come from pdfinfo first: pages render at 200 dpi unless that
 * would make a side longer than MAX_SIDE pixels, in which case the
 * resolution drops to fit (a 200000-point page would otherwise ask for an
 * image of 555555 pixels a side); pdftoppm's crop box (-W, -H) caps the
 * bitmap again in case pdfinfo and pdftoppm disagree. Only the first
 * max_pages pages are read, and no new page is started after
 * PORTAL_OCR_BUDGET seconds, so the result fits the indexer's time limit.
 * (A page takes 2 to 7 s of processor time; a scan kept at its native
 * 300 dpi behind a 72-dpi page size, 3504 points tall, renders at its own
 * pixel size, not blown up.)
 *
 * Before recognition a page is levelled (deskew below): a page fed to the
 * scanner at an angle has its slope found from a projection profile and
 * is turned back (PORTAL_OCR_NO_DESKEW=1 in the environment leaves pages
 * as they are, for bench/ocr to compare).
 *
 * tesseract, trained on text with spaces between words, puts spaces
 * between Chinese characters and breaks lines where the scan did; both
 * would split words for the index. Blank space (a single line break
 * included) between two CJK characters is removed; blank lines, which
 * tesseract uses between blocks, stay. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#ifndef TESSERACT_PATH
#define TESSERACT_PATH "/usr/bin/tesseract"
#endif
#ifndef PDFTOPPM_PATH
#define PDFTOPPM_PATH "/usr/bin/pdftoppm"
#endif
#ifndef PDFINFO_PATH
#define PDFINFO_PATH "/usr/bin/pdfinfo"	/* poppler-utils, beside pdftoppm */
#endif

#include "extract.h"
#include "encoding.h"
#include "utf8.h"

#include "log.h"

#include <errno.h>
#include <math.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define LANGS "chi_sim+eng"
/* Scanned pages: Simplified Chinese alone. The English model beside it
 * turns short or spaced Chinese words into Latin letters ("前  言" read as
 * "AUa", "（终稿）" as "(ZRF)"): on bench/ocr/run's 22 pages chi_sim found
 * 94.5% of key phrases against 93.3%, in 2.0 processor seconds a page
 * against 5.6, but read "DB11/T" as "DB11/工" more often (27 of 32 standard
 * numbers against 29; bench/README.md). */
#define PAGE_LANGS "chi_sim"
/* ... and, when Debian's tesseract-ocr-script-hans is installed, the
 * Simplified Han script model beside it: tesseract reads each word with
 * chi_sim and tries HanS where chi_sim is unsure, keeping the surer
 * reading. On the 22 pages chi_sim alone found 94.5% of key phrases, with
 * HanS beside it 95.4% ("合成氨" for chi_sim's "合成气", "咨询" for
 * "将询", "明令" for "明今"), the Latin lines of a standard's title read
 * right, for 1.5 times the processor time a page (bench/README.md,
 * "OCR: second readings"). Without the package, chi_sim alone. */
#define PAGE_LANGS_HANS "chi_sim+HanS"
#ifndef TESSDATA_DIR
#define TESSDATA_DIR "/usr/share/tesseract-ocr/5/tessdata"	/* Debian 12's tesseract 5 */
#endif
#define DPI 200.0
#define PSM "3"		/* tesseract's page segmentation: automatic (its default) */
#define MAX_SIDE 3500		/* pixels a side: A4 at 300 dpi */
#define MAX_RAW ((size_t)64 * 1024 * 1024)

/* 1 when tesseract will find HanS.traineddata (in $TESSDATA_PREFIX, as
 * tesseract looks, else Debian's directory): a model named but missing
 * would fail every page. */
static int have_hans(void)
{
	static int known = -1;

	if (known < 0) {
		const char *dir = getenv("TESSDATA_PREFIX");
		char path[4096];
		snprintf(path, sizeof path, "%s/HanS.traineddata", dir && *dir ? dir : TESSDATA_DIR);
		known = access(path, R_OK) == 0;
	}
	return known;
}

/* Scanned pages: chi_sim+HanS, or chi_sim alone without HanS. Images:
 * chi_sim+HanS too (no red channel or deskew for them, but the same
 * tesseract on the same kind of page: on the bench's 22 pages chi_sim+eng
 * found 93.3% of key phrases and 30 of 34 standard numbers, chi_sim+HanS
 * 95.4% and 33, in 1.1x the time), or chi_sim+eng without HanS. */
static const char *page_langs(void) { return have_hans() ? PAGE_LANGS_HANS : PAGE_LANGS; }
static const char *image_langs(void) { return have_hans() ? PAGE_LANGS_HANS : LANGS; }

/* ---- CJK clean-up ------------------------------------------------------ */

/* Ideographs, CJK punctuation, kana, full-width forms. */
static int cjk(unsigned long c)
{
	return (c >= 0x2E80 && c <= 0x9FFF) || (c >= 0xF900 && c <= 0xFAFF) ||
	       (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0xFF00 && c <= 0xFFEF) ||
	       (c >= 0x20000 && c <= 0x3FFFF);
}

/* Append UTF-8 text s to out without the blank space tesseract puts
 * between CJK characters; form feeds (page ends) become line breaks. */
static void cjk_tidy(const char *text, size_t n, struct buf *out)
{
	const unsigned char *s = (const unsigned char *)text;
	unsigned long prev = 0;
	size_t i = 0;

	while (i < n) {
		if (s[i] == ' ' || s[i] == '\n' || s[i] == '\t' || s[i] == '\f') {
			size_t j = i, lines = 0;
			while (j < n && (s[j] == ' ' || s[j] == '\n' || s[j] == '\t' || s[j] == '\f')) {
				lines += s[j] == '\n' || s[j] == '\f';
				j++;
			}
			size_t k = j;
			if (lines > 1 || j >= n || !cjk(prev) || !cjk(portal_utf8_next(text, n, &k))) {
				for (size_t m = i; m < j; m++)
					buf_putc(out, s[m] == '\f' ? '\n' : (char)s[m]);
			}
			i = j;
			continue;
		}
		size_t start = i;
		prev = portal_utf8_next(text, n, &i);
		buf_append(out, text + start, i - start);
	}
}

/* tesseract's raw UTF-8 output into out, tidied. */
static void take_text(struct buf *raw, struct buf *out)
{
	struct buf clean = BUF_INIT;

	portal_to_utf8(raw->data ? raw->data : "", raw->len, "UTF-8", &clean, NULL, 0, NULL, 0);
	cjk_tidy(clean.data ? clean.data : "", clean.len, out);
	buf_free(&clean);
}

static int has_text(const struct buf *b, size_t from)
{
	for (size_t i = from; i < b->len; i++)
		if (!strchr(" \t\r\n\f\v", b->data[i]))
			return 1;
	return 0;
}

/* ---- images ------------------------------------------------------------ */

static unsigned long be16(const unsigned char *p) { return (unsigned long)p[0] << 8 | p[1]; }
static unsigned long be32(const unsigned char *p) { return be16(p) << 16 | be16(p + 2); }
static unsigned long le16(const unsigned char *p) { return (unsigned long)p[1] << 8 | p[0]; }
static unsigned long le32(const unsigned char *p) { return le16(p + 2) << 16 | le16(p); }

static int png_size(const unsigned char *h, size_t n, unsigned long *w, unsigned long *ht)
{
	if (n < 24 || memcmp(h, "\x89PNG\r\n\x1a\n", 8) != 0 || memcmp(h + 12, "IHDR", 4) != 0)
		return 0;
	*w = be32(h + 16);
	*ht = be32(h + 20);
	return 1;
}

/* The first start-of-frame segment (not DHT, JPG or DAC) holds the size. */
static int jpeg_size(const unsigned char *h, size_t n, unsigned long *w, unsigned long *ht)
{
	size_t i = 2;

	if (n < 4 || h[0] != 0xFF || h[1] != 0xD8)
		return 0;
	while (i + 9 < n) {
		if (h[i] != 0xFF) {
			i++;
			continue;
		}
		unsigned m = h[i + 1];
		if (m == 0xFF || m == 0x01 || (m >= 0xD0 && m <= 0xD8)) {
			i += m == 0xFF ? 1 : 2;
			continue;
		}
		if (m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC) {
			*ht = be16(h + i + 5);
			*w = be16(h + i + 7);
			return 1;
		}
		i += 2 + be16(h + i + 2);
	}
	return 0;
}

/* Width and height from the first directory of a TIFF. */
static int tiff_size(const unsigned char *h, size_t n, unsigned long *w, unsigned long *ht)
{
	int le;

	if (n >= 8 && memcmp(h, "II*\0", 4) == 0)
		le = 1;
	else if (n >= 8 && memcmp(h, "MM\0*", 4) == 0)
		le = 0;
	else
		return 0;
	unsigned long (*u16)(const unsigned char *) = le ? le16 : be16;
	unsigned long (*u32)(const unsigned char *) = le ? le32 : be32;
	unsigned long off = u32(h + 4);
	if (off + 2 > n)
		return 0;
	unsigned long count = u16(h + off);
	int found = 0;
	for (unsigned long e = 0; e < count && off + 2 + e * 12 + 12 <= n; e++) {
		const unsigned char *d = h + off + 2 + e * 12;
		unsigned long tag = u16(d), type = u16(d + 2);
		unsigned long v = type == 3 ? u16(d + 8) : u32(d + 8);
		if (tag == 256)
			*w = v, found |= 1;
		else if (tag == 257)
			*ht = v, found |= 2;
	}
	return found == 3;
}

/* Refuse an image whose header declares too many pixels. */
static int check_image(const char *path, char *err, size_t errlen)
{
	unsigned char h[65536];
	unsigned long w = 0, ht = 0;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		snprintf(err, errlen, "The image could not be opened: %s.", strerror(errno));
		return -1;
	}
	while ((n = read(fd, h, sizeof h)) < 0 && errno == EINTR)
		;
	close(fd);
	if (n < 0)
		n = 0;
	if (!png_size(h, (size_t)n, &w, &ht) && !jpeg_size(h, (size_t)n, &w, &ht) &&
	    !tiff_size(h, (size_t)n, &w, &ht))
		return 0;	/* tesseract will say what it thinks */
	if (w == 0 || ht == 0) {
		snprintf(err, errlen, "The image is damaged: it declares a width or height of 0.");
		return -1;
	}
	if ((unsigned long long)w * ht > PORTAL_OCR_MAX_PIXELS) {
		snprintf(err, errlen, "The image is too large for text recognition (%lu x %lu "
			 "pixels; at most %lu million pixels are read).", w, ht,
			 PORTAL_OCR_MAX_PIXELS / 1000000);
		return -1;
	}
	return 0;
}

int portal_extract_image(const char *path, struct buf *out, char *err, size_t errlen)
{
	struct buf raw = BUF_INIT, arg = BUF_INIT;
	char *argv[] = { "tesseract", (char *)portal_path_arg(path, &arg), "stdout",
			 "-l", (char *)image_langs(), NULL };
	size_t before = out->len;
	int rc = check_image(path, err, errlen);

	if (rc == 0) {
		int st = portal_run_capture(TESSERACT_PATH, argv, -1, MAX_RAW, &raw, err, errlen);
		if (st < 0 || portal_run_failed(st, TESSERACT_PATH, "tesseract", "The image",
						err, errlen) != 0)
			rc = -1;
	}
	if (rc == 0) {
		take_text(&raw, out);
		if (!has_text(out, before)) {
			out->len = before;
			if (out->data)
				out->data[before] = '\0';
			snprintf(err, errlen, "No text was recognised in the image.");
			rc = -1;
		}
	}
	buf_free(&raw);
	buf_free(&arg);
	return rc;
}

/* ---- scanned PDF ------------------------------------------------------- */

struct pages {
	int count;		/* pages in the document */
	int known;		/* entries of size[] filled */
	double side[PORTAL_OCR_MAX_PAGES];	/* the longer side, in points */
};

/* pdfinfo -f 1 -l n: the page count and the size of the first n pages. */
static int page_info(const char *file, int n, struct pages *pg, char *err, size_t errlen)
{
	struct buf raw = BUF_INIT;
	char last[16];
	snprintf(last, sizeof last, "%d", n);
	char *argv[] = { "pdfinfo", "-f", "1", "-l", last, (char *)file, NULL };

	memset(pg, 0, sizeof *pg);
	int st = portal_run_capture(PDFINFO_PATH, argv, -1, 1024 * 1024, &raw, err, errlen);
	if (st < 0 || portal_run_failed(st, PDFINFO_PATH, "pdfinfo", "The PDF", err, errlen)) {
		buf_free(&raw);
		return -1;
	}
	for (char *line = raw.data; line && *line; ) {
		char *nl = strchr(line, '\n');
		int page;
		double w, h;
		if (nl)
			*nl = '\0';
		if (sscanf(line, "Pages: %d", &page) == 1)
			pg->count = page;
		else if (sscanf(line, "Page %d size: %lf x %lf", &page, &w, &h) == 3 &&
			 page >= 1 && page <= n && page <= PORTAL_OCR_MAX_PAGES) {
			pg->side[page - 1] = w > h ? w : h;
			if (page > pg->known)
				pg->known = page;
		}
		line = nl ? nl + 1 : NULL;
	}
	buf_free(&raw);
	if (pg->count <= 0) {
		snprintf(err, errlen, "The PDF is damaged: its pages could not be counted.");
		return -1;
	}
	return 0;
}

/* The resolution for a page whose longer side is side points. */
static double page_dpi(double side)
{
	if (side <= 0 || side * DPI / 72.0 <= MAX_SIDE)
		return DPI;
	return MAX_SIDE * 72.0 / side;
}

/* ---- deskew ------------------------------------------------------------ *
 *
 * A page fed to the scanner at an angle has its lines of text at a slope.
 * The slope is found from a projection profile: the dark pixels of the page
 * (at half resolution) are counted per row along lines of each slope from
 * -MAX_SKEW to +MAX_SKEW degrees in steps of SKEW_STEP; along the slope of
 * the text the rows alternate most sharply between ink (a line of text) and
 * paper (the space between lines): the sum of squared differences of
 * neighbouring rows is largest. The page is then turned back by that angle
 * (bilinear, the corners left white). A page at less than MIN_SKEW is left
 * as it is: tesseract levels small angles itself, and measured on the
 * bench's pages (turned by up to 1.5 degrees: bench/README.md) turning them
 * found no more key phrases, while the interpolation blurred a digit of a
 * real scan at 0.9 degrees ("GB 1]8597"). At 5 degrees tesseract alone
 * loses a scan's title (tests/unit/test-extract.c). */

#define MAX_SKEW 6.0	/* degrees either way: a page fed badly, not one on its side */
#define SKEW_STEP 0.1
#define MIN_SKEW 2.0	/* degrees: less is left to tesseract */
#define PI_180 0.017453292519943295	/* radians a degree */

/* The slope of the text on the w x h grey page px, in degrees: positive
 * when lines go down to the right. */
static double skew_angle(const unsigned char *px, size_t w, size_t h)
{
	size_t sw = w / 2, sh = h / 2;
	int steps = (int)(MAX_SKEW / SKEW_STEP + 0.5);
	size_t margin = (size_t)ceil((double)sw * tan(MAX_SKEW * PI_180)) + 1;
	size_t rows = sh + 2 * margin;
	double *count = xmalloc(rows * sizeof *count);
	unsigned *dark = NULL;	/* x, y pairs of the dark pixels at half size */
	size_t ndark = 0, cap = 0;
	double best = -1, angle = 0;

	for (size_t y = 0; y < sh; y++)
		for (size_t x = 0; x < sw; x++) {
			const unsigned char *p = px + 2 * y * w + 2 * x;
			if ((unsigned)p[0] + p[1] + p[w] + p[w + 1] >= 4 * 128)
				continue;
			if (ndark == cap) {
				cap = cap ? 2 * cap : 65536;
				dark = xrealloc(dark, cap * 2 * sizeof *dark);
			}
			dark[2 * ndark] = (unsigned)x;
			dark[2 * ndark + 1] = (unsigned)y;
			ndark++;
		}
	if (ndark < 100) {	/* a blank page: nothing to go by */
		free(dark);
		free(count);
		return 0;
	}
	for (int k = -steps; k <= steps; k++) {
		double t = tan(k * SKEW_STEP * PI_180), score = 0;
		memset(count, 0, rows * sizeof *count);
		for (size_t i = 0; i < ndark; i++) {
			double r = dark[2 * i + 1] - dark[2 * i] * t + (double)margin;
			count[(size_t)r]++;
		}
		for (size_t r = 1; r < rows; r++)
			score += (count[r] - count[r - 1]) * (count[r] - count[r - 1]);
		if (score > best) {
			best = score;
			angle = k * SKEW_STEP;
		}
	}
	free(dark);
	free(count);
	return angle;
}

/* Turn the w x h grey page px so that text at angle degrees (skew_angle)
 * lies level. */
static void rotate_page(unsigned char *px, size_t w, size_t h, double angle)
{
	double a = angle * PI_180, c = cos(a), s = sin(a);
	double cx = (double)w / 2, cy = (double)h / 2;
	unsigned char *src = xmalloc(w * h);

	memcpy(src, px, w * h);
	for (size_t Y = 0; Y < h; Y++)
		for (size_t X = 0; X < w; X++) {
			double dx = (double)X - cx, dy = (double)Y - cy;
			double x = cx + dx * c - dy * s, y = cy + dx * s + dy * c;
			unsigned char *out = px + Y * w + X;
			if (x < 0 || y < 0 || x >= (double)(w - 1) || y >= (double)(h - 1)) {
				*out = 255;
				continue;
			}
			size_t x0 = (size_t)x, y0 = (size_t)y;
			double fx = x - (double)x0, fy = y - (double)y0;
			const unsigned char *q = src + y0 * w + x0;
			double v = (q[0] * (1 - fx) + q[1] * fx) * (1 - fy) +
				   (q[w] * (1 - fx) + q[w + 1] * fx) * fy;
			*out = (unsigned char)(v + 0.5);
		}
	free(src);
}

/* Level the w x h grey page px in place; the angle it was at. */
static double deskew(unsigned char *px, size_t w, size_t h)
{
	if (w < 64 || h < 64)
		return 0;
	double angle = skew_angle(px, w, h);
	if (fabs(angle) < MIN_SKEW - SKEW_STEP / 2)
		return 0;
	rotate_page(px, w, h, angle);
	return angle;
}

/* One page on its way: rendered, and now in tesseract, read from its pipe. */
struct page_run {
	int page;		/* 1-based; 0: the slot is free */
	pid_t render, ocr;	/* render: 0 once pdftoppm is done */
	int fd;			/* tesseract's standard output */
	int too_big;
	struct buf raw;
};

#define MAX_PPM ((size_t)MAX_SIDE * MAX_SIDE * 3 + 64)

/* pdftoppm's colour page (a binary PPM, P6, maxval 255) as its red channel
 * alone (a binary PGM, P5), into pgm. A red seal stamped over the text is
 * as light as the paper in that channel, and black print stays black:
 * measured on stamped scans (bench/ocr/run), 86% of key phrases found in
 * grey, 93% in red. 0, or -1 when ppm is no such image. */
static int red_channel(const struct buf *ppm, struct buf *pgm)
{
	const char *s = ppm->data ? ppm->data : "";
	unsigned long v[3];
	size_t i = 2;

	if (ppm->len < 2 || s[0] != 'P' || s[1] != '6')
		return -1;
	for (int k = 0; k < 3; k++) {
		while (i < ppm->len && (s[i] == ' ' || s[i] == '\n' || s[i] == '\r' || s[i] == '\t' || s[i] == '#')) {
			if (s[i] == '#')
				while (i < ppm->len && s[i] != '\n')
					i++;
			else
				i++;
		}
		if (i >= ppm->len || s[i] < '0' || s[i] > '9')
			return -1;
		v[k] = 0;
		while (i < ppm->len && s[i] >= '0' && s[i] <= '9' && v[k] < 100000)
			v[k] = v[k] * 10 + (unsigned long)(s[i++] - '0');
	}
	i++;	/* the one blank before the pixels */
	if (v[2] != 255 || !v[0] || !v[1] || v[0] > MAX_SIDE || v[1] > MAX_SIDE ||
	    ppm->len < i + v[0] * v[1] * 3)
		return -1;
	buf_reset(pgm);
	buf_printf(pgm, "P5\n%lu %lu\n255\n", v[0], v[1]);
	size_t n = v[0] * v[1], at = pgm->len;
	buf_grow(pgm, at + n + 1);
	const unsigned char *px = (const unsigned char *)s + i;
	for (size_t k = 0; k < n; k++)
		pgm->data[at + k] = (char)px[3 * k];
	pgm->len = at + n;
	if (!getenv("PORTAL_OCR_NO_DESKEW"))
		deskew((unsigned char *)pgm->data + at, v[0], v[1]);
	return 0;
}

/* Write all of b to fd; 0, or -1 (the reader is gone). */
static int write_all(int fd, const struct buf *b)
{
	size_t off = 0;
	while (off < b->len) {
		ssize_t w = write(fd, b->data + off, b->len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		off += (size_t)w;
	}
	return 0;
}

/* Start page `page` of file: rendered in colour by pdftoppm (read here,
 * and its red channel taken), then recognised by tesseract, whose text p
 * reads. 0, or -1 with err (nothing left running). */
static int start_page(const char *file, int page, double dpi, struct page_run *p,
		      char *err, size_t errlen)
{
	char pg[16], r[32], side[16], rdpi[16];
	int img[2], txt[2];
	struct buf ppm = BUF_INIT, pgm = BUF_INIT;

	snprintf(pg, sizeof pg, "%d", page);
	snprintf(r, sizeof r, "%.3f", dpi);
	snprintf(rdpi, sizeof rdpi, "%d", (int)(dpi + 0.5) > 0 ? (int)(dpi + 0.5) : 1);
	snprintf(side, sizeof side, "%d", MAX_SIDE);
	char *render[] = { "pdftoppm", "-q", "-f", pg, "-l", pg, "-r", r,
			   "-x", "0", "-y", "0", "-W", side, "-H", side, (char *)file, NULL };
	char *ocr[] = { "tesseract", "stdin", "stdout", "-l", (char *)page_langs(), "--dpi", rdpi,
			"--psm", PSM, NULL };

	int st = portal_run_capture(PDFTOPPM_PATH, render, -1, MAX_PPM, &ppm, err, errlen);
	if (st < 0 || portal_run_failed(st, PDFTOPPM_PATH, "pdftoppm", "The scanned PDF", err, errlen) != 0) {
		buf_free(&ppm);
		return -1;
	}
	int bad = red_channel(&ppm, &pgm);
	buf_free(&ppm);
	if (bad) {
		snprintf(err, errlen, "The scanned PDF could not be read: a page did not render.");
		buf_free(&pgm);
		return -1;
	}
	if (pipe2(img, O_CLOEXEC) != 0) {
		snprintf(err, errlen, "The PDF could not be read: no pipe (%s).", strerror(errno));
		buf_free(&pgm);
		return -1;
	}
	if (pipe2(txt, O_CLOEXEC) != 0) {
		snprintf(err, errlen, "The PDF could not be read: no pipe (%s).", strerror(errno));
		close(img[0]);
		close(img[1]);
		buf_free(&pgm);
		return -1;
	}
	p->render = 0;
	p->ocr = portal_spawn(TESSERACT_PATH, ocr, img[0], txt[1], err, errlen);
	close(img[0]);
	close(txt[1]);
	if (p->ocr < 0) {
		close(img[1]);
		close(txt[0]);
		buf_free(&pgm);
		return -1;
	}
	/* tesseract reads the whole image before it writes a word, so the
	 * image goes in first; a tesseract gone meanwhile says why at its end
	 * (EPIPE here, not SIGPIPE). */
	void (*was)(int) = signal(SIGPIPE, SIG_IGN);
	write_all(img[1], &pgm);
	signal(SIGPIPE, was);
	close(img[1]);
	buf_free(&pgm);
	p->fd = txt[0];
	p->page = page;
	p->too_big = 0;
	buf_reset(&p->raw);
	return 0;
}

/* Read what tesseract has written for p: 1 at its end, else 0. */
static int read_page(struct page_run *p)
{
	char chunk[65536];
	ssize_t r = read(p->fd, chunk, sizeof chunk);

	if (r < 0)
		return errno == EINTR || errno == EAGAIN ? 0 : 1;
	if (r == 0)
		return 1;
	if (p->raw.len + (size_t)r > MAX_RAW) {
		p->too_big = 1;
		kill(p->ocr, SIGKILL);
		return 1;
	}
	buf_append(&p->raw, chunk, (size_t)r);
	return 0;
}

/* The page is read: reap its two programs. 0, or -1 with err. */
static int end_page(struct page_run *p, char *err, size_t errlen)
{
	close(p->fd);
	p->fd = -1;
	p->page = 0;
	int st = portal_wait(p->ocr);
	if (p->too_big) {
		snprintf(err, errlen, "The scanned PDF holds more text than can be read.");
		return -1;
	}
	if (st < 0 || portal_run_failed(st, TESSERACT_PATH, "tesseract", "The scanned PDF",
					err, errlen) != 0)
		return -1;
	return 0;
}

static double seconds_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) + (t.tv_nsec - t0->tv_nsec) / 1e9;
}

#define MAX_WIDTH 16	/* pages at once, whatever the options say */

int portal_ocr_pdf(const char *path, int max_pages, struct buf *out, char *err, size_t errlen)
{
	const struct portal_extract_opts *o = portal_extract_options();
	struct buf arg = BUF_INIT;
	const char *file = portal_path_arg(path, &arg);
	struct pages *pg = xmalloc(sizeof *pg);
	struct timespec t0;
	char first_err[512] = "";
	size_t before = out->len;

	if (max_pages <= 0 || max_pages > PORTAL_OCR_MAX_PAGES)
		max_pages = PORTAL_OCR_MAX_PAGES;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (page_info(file, max_pages, pg, err, errlen) != 0) {
		free(pg);
		buf_free(&arg);
		return -1;
	}
	int pages = pg->count < max_pages ? pg->count : max_pages;
	int width = o->ocr_width < MAX_WIDTH ? o->ocr_width : MAX_WIDTH;
	struct buf *texts = xmalloc((size_t)pages * sizeof *texts);
	struct page_run run[MAX_WIDTH];
	struct pollfd pfd[MAX_WIDTH];
	int slot_of[MAX_WIDTH];
	int next = 0, done = 0, running = 0;

	for (int i = 0; i < pages; i++)
		texts[i] = (struct buf)BUF_INIT;
	for (int i = 0; i < width; i++) {
		run[i].page = 0;
		run[i].fd = -1;
		run[i].raw = (struct buf)BUF_INIT;
	}
	if (o->progress)
		o->progress(o->progress_arg, 0, pages);
	/* Up to width pages at once, each its own pdftoppm | tesseract; a
	 * damaged page costs that page, not the document. */
	for (;;) {
		for (int i = 0; i < width && next < pages && seconds_since(&t0) < o->ocr_budget; i++) {
			if (run[i].page)
				continue;
			char page_err[512];
			int page = ++next;
			if (start_page(file, page, page_dpi(page <= pg->known ? pg->side[page - 1] : 0),
				       &run[i], page_err, sizeof page_err) == 0)
				running++;
			else if (!first_err[0])
				snprintf(first_err, sizeof first_err, "%s", page_err);
		}
		if (!running)
			break;	/* all read, or the time is up */
		int n = 0;
		for (int i = 0; i < width; i++)
			if (run[i].page) {
				pfd[n] = (struct pollfd){ run[i].fd, POLLIN, 0 };
				slot_of[n++] = i;
			}
		if (poll(pfd, (nfds_t)n, -1) < 0 && errno != EINTR)
			portal_fatal("text recognition: poll: %s", strerror(errno));
		for (int k = 0; k < n; k++) {
			struct page_run *p = &run[slot_of[k]];
			if (!pfd[k].revents || !read_page(p))
				continue;
			char page_err[512];
			int page = p->page;
			if (end_page(p, page_err, sizeof page_err) == 0)
				take_text(&p->raw, &texts[page - 1]);
			else if (!first_err[0])
				snprintf(first_err, sizeof first_err, "%s", page_err);
			running--;
			if (o->progress)
				o->progress(o->progress_arg, ++done, pages);
		}
	}
	for (int i = 0; i < pages; i++) {
		if (texts[i].len) {
			if (out->len > before)
				buf_putc(out, '\n');
			buf_append(out, texts[i].data, texts[i].len);
		}
		buf_free(&texts[i]);
	}
	for (int i = 0; i < width; i++)
		buf_free(&run[i].raw);
	free(texts);
	free(pg);
	buf_free(&arg);
	if (has_text(out, before))
		return 0;
	out->len = before;
	if (out->data)
		out->data[before] = '\0';
	if (first_err[0])
		snprintf(err, errlen, "%s", first_err);
	else
		snprintf(err, errlen, "The PDF has no text layer (it may be a scan), and text "
			 "recognition found no text in it.");
	return -1;
}
