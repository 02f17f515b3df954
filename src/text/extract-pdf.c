/* extract-pdf.c: PDF text through poppler's pdftotext, or OCR for scans.
 *
 * pdftotext runs as a child through extract-run.c (no shell) writing
 * UTF-8 to a pipe. It inherits our resource limits, and when we run inside
 * the sandbox it shares the sandbox child's process group, so a timeout
 * kills it too.
 *
 * A PDF whose text layer is unusable goes to text recognition
 * (extract-ocr.c, the first PORTAL_OCR_MAX_PAGES pages). Unusable means
 * fewer than MIN_CHARS_PER_PAGE visible characters per page on average: a
 * scan has none, or only a stamped page number; any real text layer has
 * hundreds. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#ifndef PDFTOTEXT_PATH
#define PDFTOTEXT_PATH "/usr/bin/pdftotext"
#endif

#include "extract.h"
#include "encoding.h"

#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

#define MIN_CHARS_PER_PAGE 8
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

int portal_extract_pdf(const char *path, struct buf *out, char *err, size_t errlen)
{
	struct buf raw = BUF_INIT, arg = BUF_INIT;
	char *argv[] = { "pdftotext", "-q", "-enc", "UTF-8", "-eol", "unix",
			 (char *)portal_path_arg(path, &arg), "-", NULL };

	int st = portal_run_capture(PDFTOTEXT_PATH, argv, -1, MAX_RAW, &raw, err, errlen);
	if (st < 0 || status_error(st, err, errlen) < 0) {
		buf_free(&raw);
		buf_free(&arg);
		return -1;
	}
	buf_free(&arg);
	if (!usable_text(raw.data ? raw.data : "", raw.len)) {
		buf_free(&raw);
		return portal_ocr_pdf(path, PORTAL_OCR_MAX_PAGES, out, err, errlen);
	}
	/* pdftotext separates pages with form feeds; make them line breaks. */
	for (size_t i = 0; i < raw.len; i++)
		if (raw.data[i] == '\f')
			raw.data[i] = '\n';
	portal_to_utf8(raw.data, raw.len, "UTF-8", out, NULL, 0, err, errlen);
	buf_free(&raw);
	return 0;
}
