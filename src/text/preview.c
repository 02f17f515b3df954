/* preview.c: PDF pages to PNG through poppler's pdftoppm, framed for the
 * sandbox's pipe (preview.h).
 *
 * Each page is a pdftoppm run of its own writing the PNG to its stdout
 * (-singlefile, no output root), so nothing touches the disk inside the
 * sandbox and a killed child leaves nothing behind. The width is fixed
 * (-scale-to-x, height by the page's proportions) and the crop box (-W,
 * -H) caps the bitmap, so a page 200000 points tall still makes an image
 * of at most PREVIEW_WIDTH x PREVIEW_MAX_HEIGHT. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#ifndef PDFTOPPM_PATH
#define PDFTOPPM_PATH "/usr/bin/pdftoppm"
#endif

#include "preview.h"
#include "extract.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

static void put_u32(struct buf *b, uint32_t v)
{
	char x[4] = { (char)(v >> 24), (char)(v >> 16), (char)(v >> 8), (char)v };
	buf_append(b, x, 4);
}

static uint32_t get_u32(const char *p)
{
	const unsigned char *u = (const unsigned char *)p;
	return (uint32_t)u[0] << 24 | (uint32_t)u[1] << 16 | (uint32_t)u[2] << 8 | u[3];
}

int portal_preview_is_png(const char *data, size_t len)
{
	return len >= 8 && memcmp(data, "\x89PNG\r\n\x1a\n", 8) == 0;
}

int portal_preview_pdf(const char *path, int max_pages, struct buf *out)
{
	struct buf pages = BUF_INIT, png = BUF_INIT, arg = BUF_INIT;
	char err[256], p[16], w[16], h[16];
	int n = 0;

	snprintf(w, sizeof w, "%d", PREVIEW_WIDTH);
	snprintf(h, sizeof h, "%d", PREVIEW_MAX_HEIGHT);
	const char *file = portal_path_arg(path, &arg);
	for (int page = 1; page <= max_pages; page++) {
		snprintf(p, sizeof p, "%d", page);
		char *argv[] = { "pdftoppm", "-q", "-f", p, "-l", p, "-singlefile", "-png",
				 "-scale-to-x", w, "-scale-to-y", "-1",
				 "-x", "0", "-y", "0", "-W", w, "-H", h, (char *)file, NULL };
		buf_reset(&png);
		int st = portal_run_capture(PDFTOPPM_PATH, argv, -1, PREVIEW_MAX_BYTES, &png, err, sizeof err);
		/* past the last page (exit 99), damaged, or not an image: stop */
		if (st < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0 ||
		    !portal_preview_is_png(png.data, png.len))
			break;
		put_u32(&pages, (uint32_t)png.len);
		buf_append(&pages, png.data, png.len);
		n++;
	}
	put_u32(out, (uint32_t)n);
	if (pages.len)
		buf_append(out, pages.data, pages.len);
	buf_free(&pages);
	buf_free(&png);
	buf_free(&arg);
	return n;
}

int portal_preview_split(const char *data, size_t len, struct portal_preview_page *pages, int max,
			 size_t *used)
{
	if (len < 4)
		return -1;
	uint32_t n = get_u32(data);
	size_t at = 4;
	if (n > (uint32_t)max)
		return -1;
	for (uint32_t i = 0; i < n; i++) {
		if (len - at < 4)
			return -1;
		size_t l = get_u32(data + at);
		at += 4;
		if (l > len - at)
			return -1;
		pages[i].png = data + at;
		pages[i].len = l;
		at += l;
	}
	*used = at;
	return (int)n;
}
