/* extract-legacy.c: .doc, .xls, .ppt and RTF through Debian's converters.
 *
 * The binary Office formats are read by catdoc's tools (catdoc, catppt;
 * antiword when catdoc fails on a .doc) and RTF by unrtf, each started
 * directly through extract-run.c and asked for UTF-8. Their output still
 * passes through encoding.c, which guarantees valid UTF-8. Excel 97-2003
 * workbooks are read by extract-xls.c instead, because this xls2csv
 * garbles Chinese; xls2csv remains for older workbooks.
 *
 * unrtf's plain-text mode prints '?' for every character outside Latin-1
 * (so Chinese is lost); its HTML mode writes them as numeric character
 * references and honours \ansicpg936 and \fcharset134 for GBK bytes, so
 * RTF goes through unrtf --html and then extract-html.c. unrtf 0.21 puts
 * text that comes before the first font change inside <head>, where an
 * HTML reader must drop it; the <head> tags are therefore removed first.
 * --nopict keeps it from writing embedded pictures into the current
 * directory. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#ifndef CATDOC_PATH
#define CATDOC_PATH "/usr/bin/catdoc"
#endif
#ifndef ANTIWORD_PATH
#define ANTIWORD_PATH "/usr/bin/antiword"
#endif
#ifndef XLS2CSV_PATH
#define XLS2CSV_PATH "/usr/bin/xls2csv"
#endif
#ifndef CATPPT_PATH
#define CATPPT_PATH "/usr/bin/catppt"
#endif
#ifndef UNRTF_PATH
#define UNRTF_PATH "/usr/bin/unrtf"
#endif

#include "extract.h"
#include "encoding.h"
#include "utf8.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#define MAX_RAW ((size_t)256 * 1024 * 1024)	/* converter output, before the sandbox's cap */

static int only_blank(const struct buf *b)
{
	for (size_t i = 0; i < b->len; i++)
		if (!strchr(" \t\r\n\f\v", b->data[i]) || b->data[i] == '\0')
			return 0;
	return 1;
}

/* Run prog on the file; its output in raw. 0, or -1 with a sentence. */
static int convert(const char *prog, char *const argv[], const char *what, struct buf *raw,
		   char *err, size_t errlen)
{
	int st = portal_run_capture(prog, argv, -1, MAX_RAW, raw, err, errlen);

	if (st < 0 || portal_run_failed(st, prog, argv[0], what, err, errlen) != 0)
		return -1;
	return 0;
}

/* raw (UTF-8 from a converter) to out: form feeds (page, slide and sheet
 * breaks) become line breaks, and the result must hold some text. */
static int finish(struct buf *raw, const char *what, struct buf *out, char *err, size_t errlen)
{
	if (only_blank(raw)) {
		snprintf(err, errlen, "%s holds no text.", what);
		return -1;
	}
	for (size_t i = 0; i < raw->len; i++)
		if (raw->data[i] == '\f')
			raw->data[i] = '\n';
	return portal_to_utf8(raw->data, raw->len, "UTF-8", out, NULL, 0, err, errlen);
}

int portal_extract_doc(const char *path, struct buf *out, char *err, size_t errlen)
{
	static const char what[] = "The Word file";
	struct buf raw = BUF_INIT, arg = BUF_INIT;
	char *file = (char *)portal_path_arg(path, &arg);
	/* -w: a paragraph per line, not wrapped at 72 columns mid-sentence */
	char *catdoc[] = { "catdoc", "-w", "-d", "utf-8", file, NULL };
	char *antiword[] = { "antiword", "-m", "UTF-8.txt", "-w", "0", file, NULL };
	char first[512] = "";

	int rc = convert(CATDOC_PATH, catdoc, what, &raw, first, sizeof first);
	if (rc != 0 || only_blank(&raw)) {
		buf_reset(&raw);
		rc = convert(ANTIWORD_PATH, antiword, what, &raw, err, errlen);
		if (rc != 0 && first[0])
			snprintf(err, errlen, "%s", first);	/* catdoc's reason comes first */
	}
	if (rc == 0)
		rc = finish(&raw, what, out, err, errlen);
	buf_free(&raw);
	buf_free(&arg);
	return rc;
}

int portal_extract_xls(const char *path, struct buf *out, char *err, size_t errlen)
{
	static const char what[] = "The Excel file";
	size_t before = out->len;
	int rc = portal_extract_xls_file(path, out, err, errlen);

	if (rc == 0 && out->len == before) {
		snprintf(err, errlen, "%s holds no text.", what);
		return -1;
	}
	if (rc <= 0)
		return rc;

	/* Not a BIFF5/8 compound file: older workbooks are xls2csv's. */
	struct buf raw = BUF_INIT, arg = BUF_INIT;
	/* cells unquoted and separated by tabs, one row per line */
	char *argv[] = { "xls2csv", "-q", "0", "-c", "\t", "-b", "\n", "-d", "utf-8",
			 (char *)portal_path_arg(path, &arg), NULL };

	rc = convert(XLS2CSV_PATH, argv, what, &raw, err, errlen);
	if (rc == 0)
		rc = finish(&raw, what, out, err, errlen);
	buf_free(&raw);
	buf_free(&arg);
	return rc;
}

int portal_extract_ppt(const char *path, struct buf *out, char *err, size_t errlen)
{
	static const char what[] = "The PowerPoint file";
	struct buf raw = BUF_INIT, arg = BUF_INIT;
	char *argv[] = { "catppt", "-d", "utf-8", (char *)portal_path_arg(path, &arg), NULL };

	int rc = convert(CATPPT_PATH, argv, what, &raw, err, errlen);
	if (rc == 0)
		rc = finish(&raw, what, out, err, errlen);
	buf_free(&raw);
	buf_free(&arg);
	return rc;
}

/* Remove every "<head>" and "</head>" tag from unrtf's HTML, in place. */
static void drop_head_tags(struct buf *b)
{
	static const char *const tags[] = { "<head>", "</head>" };

	for (size_t t = 0; t < 2; t++) {
		size_t n = strlen(tags[t]);
		char *at;
		while ((at = strcasestr(b->data, tags[t])) != NULL) {
			memmove(at, at + n, b->len - (size_t)(at - b->data) - n + 1);
			b->len -= n;
		}
	}
}

int portal_extract_rtf(const char *path, struct buf *out, char *err, size_t errlen)
{
	static const char what[] = "The RTF file";
	struct buf raw = BUF_INIT, arg = BUF_INIT;
	char *argv[] = { "unrtf", "--html", "--nopict", (char *)portal_path_arg(path, &arg), NULL };
	size_t before = out->len;

	int rc = convert(UNRTF_PATH, argv, what, &raw, err, errlen);
	if (rc == 0 && raw.len == 0) {
		snprintf(err, errlen, "%s is damaged and its text could not be read.", what);
		rc = -1;
	}
	if (rc == 0) {
		/* unrtf writes NULs for some broken input; they would cut strcasestr short */
		portal_utf8_sanitize(&raw);
		drop_head_tags(&raw);
		rc = portal_extract_html(raw.data, raw.len, out, err, errlen);
	}
	if (rc == 0 && out->len == before) {
		snprintf(err, errlen, "%s holds no text.", what);
		rc = -1;
	}
	buf_free(&raw);
	buf_free(&arg);
	return rc;
}
