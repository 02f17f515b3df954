/* detect.c: content type detection with libmagic.
 *
 * The type comes from the bytes alone (MAGIC_MIME_TYPE), never from the
 * file name an uploader chose. The libmagic cookie is a process-lifetime
 * object: opened on first use and never closed. It remembers the pid that
 * opened it, so a process forked after first use opens its own instead of
 * sharing state with its parent. */
#include "detect.h"
#include "encoding.h"

#include <magic.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static magic_t cookie;		/* process lifetime */
static pid_t cookie_pid;

static magic_t get_cookie(char *err, size_t errlen)
{
	if (cookie && cookie_pid == getpid())
		return cookie;
	/* A cookie inherited across fork() is a copy we own; drop it. */
	if (cookie)
		magic_close(cookie);
	cookie = magic_open(MAGIC_MIME_TYPE | MAGIC_ERROR);
	if (!cookie) {
		snprintf(err, errlen, "The file type detector could not be started.");
		return NULL;
	}
	if (magic_load(cookie, NULL) != 0) {
		snprintf(err, errlen, "The file type database could not be loaded: %s",
			 magic_error(cookie) ? magic_error(cookie) : "unknown error");
		magic_close(cookie);
		cookie = NULL;
		return NULL;
	}
	cookie_pid = getpid();
	return cookie;
}

static int copy_result(magic_t m, const char *r, char *mime, size_t mimelen,
		       char *err, size_t errlen)
{
	if (!r) {
		const char *e = magic_error(m);
		snprintf(err, errlen, "The type of the file could not be determined: %s",
			 e ? e : "unknown error");
		return -1;
	}
	if (strlen(r) >= mimelen) {
		snprintf(err, errlen, "The type of the file has an overlong name.");
		return -1;
	}
	strcpy(mime, r);
	return 0;
}

/* libmagic's weak guesses that real text can trigger: a UTF-8 Chinese text
 * whose first byte is 0xE9 (震, 除, ...) matches the "DOS executable (COM)"
 * rule, and some plain text is called JavaScript. When the bytes are valid
 * UTF-8 text (no NUL, no control characters but tab, line and page breaks
 * and backspace, which nroff-formatted text uses for bold), such a guess is
 * overruled: it is text. */
static int weak_guess(const char *mime)
{
	return strcmp(mime, "application/x-dosexec") == 0 || strcmp(mime, "application/javascript") == 0 ||
	       strcmp(mime, "text/javascript") == 0;
}

static int utf8_text(const char *data, size_t len)
{
	if (!len)
		return 0;
	/* a sample may end inside a character: drop a partial last one */
	size_t end = len, back = 0;
	while (back < 3 && end > 0 && ((unsigned char)data[end - 1] & 0xC0) == 0x80) {
		end--;
		back++;
	}
	if (end > 0 && (unsigned char)data[end - 1] >= 0xC0)
		end--;
	else
		end += back;
	for (size_t i = 0; i < end; i++) {
		unsigned char c = (unsigned char)data[i];
		if (c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != '\b' &&
		    c != 0x1B)	/* ESC: terminal colours, as in fortunes */
			return 0;
	}
	return portal_utf8_valid(data, end);
}

int portal_detect_mime(const char *path, char *mime, size_t mimelen, char *err, size_t errlen)
{
	magic_t m = get_cookie(err, errlen);
	if (!m)
		return -1;
	if (copy_result(m, magic_file(m, path), mime, mimelen, err, errlen) < 0)
		return -1;
	if (weak_guess(mime)) {
		char sample[65536];
		FILE *f = fopen(path, "rb");
		size_t n = f ? fread(sample, 1, sizeof sample, f) : 0;
		if (f)
			fclose(f);
		if (utf8_text(sample, n))
			snprintf(mime, mimelen, "text/plain");
	}
	return 0;
}

int portal_detect_mime_buf(const void *data, size_t len, char *mime, size_t mimelen,
			   char *err, size_t errlen)
{
	magic_t m = get_cookie(err, errlen);
	if (!m)
		return -1;
	if (copy_result(m, magic_buffer(m, data, len), mime, mimelen, err, errlen) < 0)
		return -1;
	if (weak_guess(mime) && utf8_text(data, len < 65536 ? len : 65536))
		snprintf(mime, mimelen, "text/plain");
	return 0;
}
