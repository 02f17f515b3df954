/* extract-job.c: one extraction job, the indexer's and an extraction
 * host's (extract-job.h). */
#include "extract-job.h"
#include "extract.h"
#include "log.h"
#include "preview.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

const struct sandbox_limits portal_extract_quick_limits = {
	.cpu_seconds = 60,
	.memory_bytes = 1024UL * 1024 * 1024,
	.wall_seconds = 180,	/* OCR stops starting pages at PORTAL_OCR_BUDGET (extract.h) */
	.max_output = 64UL * 1024 * 1024,
};

/* The same per process (each page's tesseract is a process of its own,
 * with its own processor time), but half an hour in all. */
const struct sandbox_limits portal_extract_long_limits = {
	.cpu_seconds = 60,
	.memory_bytes = 1024UL * 1024 * 1024,
	.wall_seconds = 1800,
	.max_output = 64UL * 1024 * 1024,
};

/* PORTAL_OCR_WIDTH, or one page per processor. */
static int ocr_width(void)
{
	const char *v = getenv("PORTAL_OCR_WIDTH");
	char *end;
	long n = v && *v ? strtol(v, &end, 10) : 0;
	if (v && *v && !*end && n > 0 && n < 1000)
		return (int)n;
	n = sysconf(_SC_NPROCESSORS_ONLN);
	return n > 0 ? (int)n : 1;
}

int portal_extract_job(const char *path, const char *mime, const char *want,
		       const struct portal_extract_lane *lane, struct buf *out,
		       char *err, size_t errlen)
{
	if (!path || !*path) {
		snprintf(err, errlen, "The file could not be read.");
		return -1;
	}
	struct portal_extract_opts o = *portal_extract_options();
	const struct sandbox_limits *lim = &portal_extract_quick_limits;
	if (lane->is_long) {
		o.quick = 0;
		o.ocr_width = ocr_width();
		o.ocr_max_pages = PORTAL_OCR_MAX_PAGES;
		o.ocr_budget = PORTAL_LONG_BUDGET;
		o.progress = lane->progress;
		o.progress_arg = lane->progress_arg;
		lim = &portal_extract_long_limits;
		/* Below the quick lane and the web's workers: a scan takes the
		 * processors only when nothing quick wants them. */
		errno = 0;
		if (nice(10) == -1 && errno)
			portal_log("long lane: nice: %s", strerror(errno));
	} else {
		o.quick = 1;
	}
	portal_extract_configure(&o);
	buf_putc(out, 'T');
	if (strcmp(want, "preview-only") == 0) {
		portal_preview_pdf(path, PREVIEW_PAGES, PREVIEW_BUDGET, out);
		return 0;
	}
	/* The text first, so the images get the time that is left and a PDF
	 * slow to draw loses its images, not its text (or its OCR's time). */
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	struct buf text = BUF_INIT;
	int rc = portal_extract_file(path, mime, &text, err, errlen);
	if (rc == PORTAL_EXTRACT_LONG) {
		buf_reset(out);
		buf_putc(out, 'L');
		buf_free(&text);
		return 0;
	}
	if (rc < 0) {
		buf_free(&text);
		return -1;
	}
	if (*want) {
		clock_gettime(CLOCK_MONOTONIC, &t1);
		double left = lim->wall_seconds - 10 - (double)(t1.tv_sec - t0.tv_sec);
		portal_preview_pdf(path, PREVIEW_PAGES, left < PREVIEW_BUDGET ? left : PREVIEW_BUDGET, out);
	}
	buf_append(out, text.data ? text.data : "", text.len);
	buf_free(&text);
	return 0;
}
