/* extract.c: the door to text extraction, dispatching on content type.
 *
 * The type table below says which detected MIME types are readable and by
 * which extractor. Formats that work on bytes get the whole file read into
 * memory (at most MAX_FILE bytes); the others (PDF, office documents,
 * legacy formats, images) are read from the path, by external programs or
 * by the ZIP reader. A type outside the table is refused with a sentence
 * saying why (portal_extract_refusal). */
#include "extract.h"
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_FILE ((size_t)200 * 1024 * 1024)

enum kind { K_NONE, K_TEXT, K_HTML, K_PDF, K_OFFICE, K_DOC, K_XLS, K_PPT, K_RTF, K_IMAGE };

/* 1 when mime (up to any ";" parameters) is want, ignoring case. */
static int mime_is(const char *mime, const char *want)
{
	size_t n = strlen(want);

	return strncasecmp(mime, want, n) == 0 &&
	       (mime[n] == '\0' || mime[n] == ';' || mime[n] == ' ');
}

/* 1 when mime starts with prefix and has more after it. */
static int mime_starts(const char *mime, const char *prefix)
{
	size_t n = strlen(prefix);

	return strncasecmp(mime, prefix, n) == 0 && mime[n] && mime[n] != ';';
}

/* Exact types first; then families by prefix, text/ last (RTF is
 * text/rtf to libmagic but is no plain text). A plain application/zip is
 * taken too: office documents written by some tools are not recognised
 * by libmagic, and the ZIP reader tells them apart from other archives. */
static const struct {
	const char *mime;
	int prefix;
	enum kind kind;
} types[] = {
	{ "text/html", 0, K_HTML },
	{ "application/xhtml+xml", 0, K_HTML },
	{ "application/pdf", 0, K_PDF },
	{ "text/rtf", 0, K_RTF },
	{ "application/rtf", 0, K_RTF },
	{ "application/msword", 0, K_DOC },
	{ "application/vnd.ms-excel", 0, K_XLS },
	{ "application/vnd.ms-powerpoint", 0, K_PPT },
	{ "application/zip", 0, K_OFFICE },
	{ "image/png", 0, K_IMAGE },
	{ "image/jpeg", 0, K_IMAGE },
	{ "image/tiff", 0, K_IMAGE },
	{ "application/vnd.openxmlformats-officedocument.", 1, K_OFFICE },
	{ "application/vnd.oasis.opendocument.", 1, K_OFFICE },
	{ "text/", 1, K_TEXT },
};

static enum kind kind_of(const char *mime)
{
	if (!mime)
		return K_NONE;
	for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
		if (types[i].prefix ? mime_starts(mime, types[i].mime) : mime_is(mime, types[i].mime))
			return types[i].kind;
	return K_NONE;
}

int portal_extract_supported(const char *mime)
{
	return kind_of(mime) != K_NONE;
}

static int mime_in(const char *mime, const char *const *list)
{
	for (size_t i = 0; list[i]; i++)
		if (mime_is(mime, list[i]))
			return 1;
	return 0;
}

void portal_extract_refusal(const char *mime, char *err, size_t errlen)
{
	static const char *const programs[] = {
		"application/x-executable", "application/x-pie-executable",
		"application/x-sharedlib", "application/x-object", "application/x-dosexec",
		"application/x-mach-binary", "application/x-coredump",
		"application/vnd.microsoft.portable-executable", "text/x-shellscript", NULL
	};
	static const char *const archives[] = {
		"application/x-rar", "application/vnd.rar", "application/x-7z-compressed",
		"application/gzip", "application/x-gzip", "application/x-bzip2",
		"application/x-xz", "application/x-tar", "application/zstd", NULL
	};

	if (!mime || !*mime)
		snprintf(err, errlen, "The type of the file could not be determined, so it "
			 "was not read.");
	else if (mime_in(mime, programs))
		snprintf(err, errlen, "This file is a program (%s), not a document, and was "
			 "not read.", mime);
	else if (mime_is(mime, "application/x-empty") || mime_is(mime, "inode/x-empty"))
		snprintf(err, errlen, "The file is empty.");
	else if (strcasestr(mime, "encrypted"))
		snprintf(err, errlen, "The file is encrypted (password-protected), so its "
			 "text could not be read.");
	else if (mime_in(mime, archives))
		snprintf(err, errlen, "Archives (%s) are not supported; upload the documents "
			 "inside them one by one.", mime);
	else if (strncasecmp(mime, "image/", 6) == 0)
		snprintf(err, errlen, "Images of type %s are not supported; text recognition "
			 "reads PNG, JPEG and TIFF images.", mime);
	else if (strncasecmp(mime, "audio/", 6) == 0 || strncasecmp(mime, "video/", 6) == 0)
		snprintf(err, errlen, "Sound and video files (%s) hold no text to index.", mime);
	else if (mime_is(mime, "application/octet-stream"))
		snprintf(err, errlen, "The file's content matches no known document type "
			 "(application/octet-stream), so it was not read.");
	else
		snprintf(err, errlen, "Files of type %s are not supported.", mime);
}

/* Read the open file fd of size bytes into b. */
static int read_fd(int fd, size_t size, struct buf *b, char *err, size_t errlen)
{
	buf_grow(b, size);
	while (b->len < size) {
		ssize_t r = read(fd, b->data + b->len, size - b->len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			snprintf(err, errlen, "The file could not be read: %s.", strerror(errno));
			return -1;
		}
		if (r == 0)
			break;		/* it shrank; take what is there */
		b->len += (size_t)r;
	}
	b->data[b->len] = '\0';
	return 0;
}

/* The size of the open file fd, checked: 0, or -1 with a sentence. */
static int check_file(int fd, size_t *size, char *err, size_t errlen)
{
	struct stat st;

	if (fstat(fd, &st) != 0) {
		snprintf(err, errlen, "The file could not be read: %s.", strerror(errno));
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "This is not a regular file and was not read.");
		return -1;
	}
	if (st.st_size == 0) {
		snprintf(err, errlen, "The file is empty.");
		return -1;
	}
	if ((unsigned long long)st.st_size > MAX_FILE) {
		snprintf(err, errlen, "The file is larger than %zu MB and was not read.",
			 MAX_FILE / (1024 * 1024));
		return -1;
	}
	*size = (size_t)st.st_size;
	return 0;
}

static int extract_bytes(int fd, size_t size, enum kind k, struct buf *out,
			 char *err, size_t errlen)
{
	struct buf data = BUF_INIT;
	int rc = read_fd(fd, size, &data, err, errlen);

	if (rc == 0 && k == K_HTML)
		rc = portal_extract_html(data.data, data.len, out, err, errlen);
	else if (rc == 0)
		rc = portal_extract_text(data.data, data.len, out, err, errlen);
	buf_free(&data);
	return rc;
}

/* Process lifetime: set by the indexer in each sandboxed child. */
static struct portal_extract_opts opts = {
	.quick = 0,
	.ocr_width = 1,
	.ocr_max_pages = PORTAL_OCR_PAGES,
	.ocr_budget = PORTAL_OCR_BUDGET,
};

const struct portal_extract_opts *portal_extract_options(void)
{
	return &opts;
}

void portal_extract_configure(const struct portal_extract_opts *o)
{
	opts = *o;
	if (opts.ocr_width < 1)
		opts.ocr_width = 1;
	if (opts.ocr_max_pages < 1 || opts.ocr_max_pages > PORTAL_OCR_MAX_PAGES)
		opts.ocr_max_pages = PORTAL_OCR_PAGES;
	if (opts.ocr_budget < 1)
		opts.ocr_budget = PORTAL_OCR_BUDGET;
}

int portal_extract_is_long(const char *mime)
{
	return mime && kind_of(mime) == K_IMAGE;
}

int portal_extract_file(const char *path, const char *mime, struct buf *out, char *err, size_t errlen)
{
	size_t size = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		snprintf(err, errlen, "The file could not be opened: %s.", strerror(errno));
		return -1;
	}
	int rc = check_file(fd, &size, err, errlen);
	enum kind k = kind_of(mime);
	if (rc != 0 || k == K_TEXT || k == K_HTML) {
		if (rc == 0)
			rc = extract_bytes(fd, size, k, out, err, errlen);
		close(fd);
		return rc;
	}
	close(fd);
	switch (k) {
	case K_PDF:
		return portal_extract_pdf(path, out, err, errlen);
	case K_OFFICE:
		return portal_extract_office(path, out, err, errlen);
	case K_DOC:
		return portal_extract_doc(path, out, err, errlen);
	case K_XLS:
		return portal_extract_xls(path, out, err, errlen);
	case K_PPT:
		return portal_extract_ppt(path, out, err, errlen);
	case K_RTF:
		return portal_extract_rtf(path, out, err, errlen);
	case K_IMAGE:
		if (opts.quick)
			return PORTAL_EXTRACT_LONG;
		return portal_extract_image(path, out, err, errlen);
	default:
		portal_extract_refusal(mime, err, errlen);
		return -1;
	}
}
