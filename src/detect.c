/* detect.c: content type detection with libmagic.
 *
 * The type comes from the bytes alone (MAGIC_MIME_TYPE), never from the
 * file name an uploader chose. The libmagic cookie is a process-lifetime
 * object: opened on first use and never closed. It remembers the pid that
 * opened it, so a process forked after first use opens its own instead of
 * sharing state with its parent. */
#include "detect.h"

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

int portal_detect_mime(const char *path, char *mime, size_t mimelen, char *err, size_t errlen)
{
	magic_t m = get_cookie(err, errlen);
	if (!m)
		return -1;
	return copy_result(m, magic_file(m, path), mime, mimelen, err, errlen);
}

int portal_detect_mime_buf(const void *data, size_t len, char *mime, size_t mimelen,
			   char *err, size_t errlen)
{
	magic_t m = get_cookie(err, errlen);
	if (!m)
		return -1;
	return copy_result(m, magic_buffer(m, data, len), mime, mimelen, err, errlen);
}
