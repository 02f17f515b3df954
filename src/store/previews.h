/* previews.h: the page images of a document on disk.
 *
 * index/preview/<document id>/<page>.png, pages from 1, made by the indexer
 * (it renders them in its sandbox, text/preview.h) and read by search.fcgi.
 * Derived data like the index: a document's folder exists once the indexer
 * tried (empty when no image could be made), and goes with the document. */
#ifndef PORTAL_PREVIEWS_H
#define PORTAL_PREVIEWS_H

#include <stddef.h>

/* Whether documents of this type get page images (PDFs). */
int previews_wanted(const char *mime);

/* The folder of document id's images, or of page (from 1) when page > 0,
 * into out (size >= PATH_MAX). */
void previews_path(const char *id, int page, char *out, size_t outlen);

/* How many pages have an image (1..max, counted until the first missing),
 * or -1 when the indexer never made the folder. */
int previews_count(const char *id, int max);

/* Replace the images of document id by n PNGs (png[i], len[i] bytes, page
 * i + 1): each written to a temporary name and renamed, pages beyond n
 * removed. 0, or -1 with err. */
int previews_save(const char *id, const char *const *png, const size_t *len, int n,
		  char *err, size_t errlen);

/* Remove document id's images and folder (nothing when there are none). */
void previews_remove(const char *id, int max);

#endif
