/* extract.c: the door to text extraction, dispatching on content type.
 *
 * The type table below says which detected MIME types are readable and by
 * which extractor. Formats that work on bytes get the whole file read into
 * memory (at most MAX_FILE bytes); PDF is read by an external program from
 * the path. */
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

enum kind { K_NONE, K_TEXT, K_HTML, K_PDF };

/* 1 when mime (up to any ";" parameters) is want, ignoring case. */
static int mime_is(const char *mime, const char *want)
{
	size_t n = strlen(want);

	return strncasecmp(mime, want, n) == 0 &&
	       (mime[n] == '\0' || mime[n] == ';' || mime[n] == ' ');
}

static enum kind kind_of(const char *mime)
{
	if (!mime)
		return K_NONE;
	if (mime_is(mime, "text/html") || mime_is(mime, "application/xhtml+xml"))
		return K_HTML;
	if (mime_is(mime, "application/pdf"))
		return K_PDF;
	if (strncasecmp(mime, "text/", 5) == 0 && mime[5])
		return K_TEXT;
	return K_NONE;
}

int portal_extract_supported(const char *mime)
{
	return kind_of(mime) != K_NONE;
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
	if (rc == 0 && k == K_NONE) {
		snprintf(err, errlen, "Files of type %s are not supported.", mime ? mime : "(unknown)");
		rc = -1;
	}
	if (rc == 0 && k == K_PDF)
		rc = portal_extract_pdf(path, out, err, errlen);
	else if (rc == 0)
		rc = extract_bytes(fd, size, k, out, err, errlen);
	close(fd);
	return rc;
}
