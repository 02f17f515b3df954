/* preview.h: the first pages of a PDF as PNG images, for the document page.
 *
 * Rendering parses the untrusted PDF, so it runs where extraction runs: in
 * the indexer's sandboxed child (sandbox.h), which sends the images back
 * through its pipe in the framing below; the indexer writes them to disk
 * (previews.h in the store). */
#ifndef PORTAL_PREVIEW_H
#define PORTAL_PREVIEW_H

#include <stddef.h>
#include "buf.h"

#define PREVIEW_PAGES 3		/* pages rendered at most */
#define PREVIEW_WIDTH 800	/* pixels wide */
#define PREVIEW_MAX_HEIGHT 2400	/* pixels high at most (a long page is cut) */
#define PREVIEW_MAX_BYTES ((size_t)4 * 1024 * 1024)	/* one image at most */
#define PREVIEW_BUDGET 30.0	/* seconds for all pages at most */

/* Render the first max_pages pages of the PDF at path (pdftoppm, PNG,
 * PREVIEW_WIDTH wide) and append them to out framed: a 4-byte big-endian
 * count, then per page a 4-byte big-endian length and the PNG bytes. Pages
 * past the last end the list; a page pdftoppm cannot render, or one not
 * done when budget seconds have passed (it is killed), ends it too (the
 * pages before it stay). Returns the count (0 when none could be made);
 * never fails: a document without previews is still a document. */
int portal_preview_pdf(const char *path, int max_pages, double budget, struct buf *out);

struct portal_preview_page {
	const char *png;	/* into the framed data */
	size_t len;
};

/* Read framing written by portal_preview_pdf() at the start of data (len
 * bytes): up to max pages into pages, *used set to the bytes the framing
 * took. The page count, or -1 when the framing is cut or malformed. */
int portal_preview_split(const char *data, size_t len, struct portal_preview_page *pages, int max,
			 size_t *used);

/* 1 when data (len bytes) starts like a PNG file. */
int portal_preview_is_png(const char *data, size_t len);

#endif
