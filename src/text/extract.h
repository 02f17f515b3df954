/* extract.h: bytes to UTF-8 text, by detected type.
 *
 * portal_extract_file() parses untrusted input; the indexer calls it only
 * inside a sandboxed child (sandbox.h). Each format lives in its own
 * extract-<format>.c; this header is their common door. */
#ifndef PORTAL_EXTRACT_H
#define PORTAL_EXTRACT_H

#include <stddef.h>
#include <sys/types.h>
#include "buf.h"

/* 1 when the MIME type is one the portal can extract text from. */
int portal_extract_supported(const char *mime);

/* Extract the text of the file at path, whose content type is mime (from
 * detect.h), as valid UTF-8 appended to out. On failure returns -1 and a
 * sentence a person understands in err (e.g. "The PDF file is damaged and
 * its text could not be read." or "Files of type application/x-executable
 * are not supported."). */
int portal_extract_file(const char *path, const char *mime, struct buf *out, char *err, size_t errlen);

/* Per-format entry points (also used by unit tests). */
int portal_extract_text(const char *data, size_t len, struct buf *out, char *err, size_t errlen);
/* HTML to text: charset from <meta> (or detection), tags, comments, <script>
 * and <style> dropped, entities (named, decimal, hex) decoded, block elements
 * become line breaks, runs of blank space collapsed. */
int portal_extract_html(const char *data, size_t len, struct buf *out, char *err, size_t errlen);
/* PDF through pdftotext; a PDF without a usable text layer (a scan) goes
 * to text recognition (portal_ocr_pdf). */
int portal_extract_pdf(const char *path, struct buf *out, char *err, size_t errlen);
/* pdftotext's UTF-8 text (n bytes, pages ended by form feeds) tidied into
 * out: the private-use glyphs of Founder's fonts mapped (U+E010 to "．"),
 * blanks between two ideographs dropped ("国 家 标 准" to "国家标准"), and
 * chains of lines broken at every glyph ("ＧＢ １\n８\n４\n６\n６—２\n０"...)
 * joined into one line when they hold two lines of at most two wide
 * characters or more. Page breaks stay. */
void portal_pdf_tidy(const char *text, size_t n, struct buf *out);

/* A sentence saying why files of type mime are not read ("This file is a
 * program (application/x-pie-executable), not a document, ..."), for a
 * type portal_extract_supported() refuses. */
void portal_extract_refusal(const char *mime, char *err, size_t errlen);

/* ---- office documents (extract-office.c) ------------------------------ */

/* OOXML (.docx, .xlsx, .pptx) and ODF (.odt, .ods, .odp): the ZIP
 * container (extract-zip.h, with caps against zip bombs) is opened and
 * the parts with text are walked with expat, DTDs and entities refused.
 * Which format it is comes from the container's content, not the name. */
int portal_extract_office(const char *path, struct buf *out, char *err, size_t errlen);

/* The kinds of XML part the walker knows. */
enum portal_xml_part {
	PORTAL_XML_WORD,	/* word/document.xml, headers, footers, notes */
	PORTAL_XML_SLIDE,	/* ppt/slides/slideN.xml */
	PORTAL_XML_SHEET,	/* xl/worksheets/sheetN.xml (no shared strings) */
	PORTAL_XML_STRINGS,	/* xl/sharedStrings.xml: one string per line */
	PORTAL_XML_ODF,		/* content.xml of .odt and .odp */
	PORTAL_XML_ODF_SHEET,	/* content.xml of .ods */
	PORTAL_XML_PARTS
};

/* Walk one XML part (len bytes) and append its text to out: paragraph
 * and table-cell ends become line breaks (in spreadsheets cells are
 * separated by tabs and rows end in line breaks). A document declaring
 * XML entities is refused. Used by portal_extract_office() and the fuzzer.
 * 0, or -1 with a sentence in err and nothing appended. */
int portal_extract_office_xml(const char *xml, size_t len, enum portal_xml_part part,
			      struct buf *out, char *err, size_t errlen);

/* ---- legacy formats through Debian's converters (extract-legacy.c) ---- */

/* .doc through catdoc (antiword when catdoc fails), .xls by our own
 * reader (xls2csv for older workbooks), .ppt through catppt, RTF through
 * unrtf. CJK text comes out as UTF-8. */
int portal_extract_doc(const char *path, struct buf *out, char *err, size_t errlen);
int portal_extract_xls(const char *path, struct buf *out, char *err, size_t errlen);
int portal_extract_ppt(const char *path, struct buf *out, char *err, size_t errlen);
int portal_extract_rtf(const char *path, struct buf *out, char *err, size_t errlen);

/* .xls read in-process (extract-xls.c: the compound file, then BIFF8 or
 * BIFF5 records), because xls2csv garbles Chinese. 0 with the cells' text
 * appended to out (tab-separated, a row per line), -1 with a sentence, or
 * 1 when the bytes are no BIFF5/8 workbook in a compound file (xls2csv may
 * still know them). */
int portal_extract_xls_bytes(const char *data, size_t len, struct buf *out, char *err,
			     size_t errlen);
int portal_extract_xls_file(const char *path, struct buf *out, char *err, size_t errlen);

/* ---- lanes: quick and long extractions (extract.c) --------------------- */

/* The indexer runs quick extractions and long ones (text recognition, very
 * long PDFs) in separate workers, so a scan never holds up the documents
 * behind it. What is long is known only once the file is looked at, so a
 * worker of the quick lane is told so (opts.quick): where it would start
 * something long, portal_extract_file() gives up at once with
 * PORTAL_EXTRACT_LONG, and the indexer sends the file to the long lane.
 * The long lane's options say how wide its text recognition runs and
 * where its progress (pages done of the total) goes. The options are a
 * process's own: the indexer sets them in each sandboxed child. */
#define PORTAL_EXTRACT_LONG (-2)
#define PORTAL_LONG_PAGES 60	/* a PDF with more pages than this is a long job */

struct portal_extract_opts {
	int quick;		/* 1: answer PORTAL_EXTRACT_LONG instead of a long run */
	int ocr_width;		/* pages recognised at once (>= 1) */
	int ocr_max_pages;	/* pages recognised at most */
	int ocr_budget;		/* seconds after which no page is started */
	/* Called as pages finish: done of total (both pages). May be NULL. */
	void (*progress)(void *arg, int done, int total);
	void *progress_arg;
};

/* The options in force (the defaults: not quick, one page at a time,
 * PORTAL_OCR_PAGES within PORTAL_OCR_BUDGET, no progress). */
const struct portal_extract_opts *portal_extract_options(void);
void portal_extract_configure(const struct portal_extract_opts *o);

/* 1 when a file of type mime is long whatever it holds (an image: text
 * recognition), so it goes to the long lane without trying the quick one. */
int portal_extract_is_long(const char *mime);

/* ---- text recognition with tesseract (extract-ocr.c) ------------------- */

/* By default at most PORTAL_OCR_PAGES pages of a scanned PDF are
 * recognised, and no page is started after PORTAL_OCR_BUDGET seconds (keep
 * it 30 s or more below the sandbox's wall-clock limit: a page takes up to
 * 15 s on a busy machine); the indexer's long lane sets more of both
 * (portal_extract_configure), up to PORTAL_OCR_MAX_PAGES. */
#define PORTAL_OCR_PAGES 20
#define PORTAL_OCR_MAX_PAGES 500
#define PORTAL_OCR_BUDGET 150

/* A PNG, JPEG or TIFF image through tesseract (chi_sim+HanS; chi_sim+eng
 * where HanS is not installed). Images over
 * PORTAL_OCR_MAX_PIXELS are refused before tesseract sees them. */
#define PORTAL_OCR_MAX_PIXELS (40UL * 1000 * 1000)
int portal_extract_image(const char *path, struct buf *out, char *err, size_t errlen);

/* The first max_pages pages of a PDF rendered by pdftoppm (200 dpi, less
 * for pages so large that they would exceed 3500 pixels a side) and
 * recognised up to portal_extract_options()->ocr_width pages at a time,
 * each finished page reported to its progress function. Spaces tesseract puts between Chinese
 * characters are removed. 0, or -1 with a sentence (also when no text at
 * all was recognised). */
int portal_ocr_pdf(const char *path, int max_pages, struct buf *out, char *err, size_t errlen);

/* ---- running converters (extract-run.c) -------------------------------- */

/* Start prog (an absolute path) with argv (argv[0] a display name), no
 * shell, a fixed small environment, stdin from in_fd and stdout to out_fd
 * (-1: /dev/null), stderr to /dev/null. The pid, or -1 with err. */
pid_t portal_spawn(const char *prog, char *const argv[], int in_fd, int out_fd,
		   char *err, size_t errlen);

/* waitpid() without EINTR: the wait status, or -1. */
int portal_wait(pid_t pid);

/* Run prog as portal_spawn() does and append its stdout to out. More than
 * max bytes (0: no cap) kills it and is an error. Returns the wait status
 * (>= 0; see portal_run_failed), or -1 with err. */
int portal_run_capture(const char *prog, char *const argv[], int in_fd, size_t max,
		       struct buf *out, char *err, size_t errlen);

/* 0 when wait status st is a clean exit; otherwise -1 and a sentence in
 * err starting with what ("The Word file") about converter name at prog. */
int portal_run_failed(int st, const char *prog, const char *name, const char *what,
		      char *err, size_t errlen);

/* path, made safe as a converter argument ("./" before a leading '-'),
 * in tmp; valid until tmp changes. */
const char *portal_path_arg(const char *path, struct buf *tmp);

#endif
