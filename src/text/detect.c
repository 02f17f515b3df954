/* detect.c: content type detection with libmagic.
 *
 * The type comes from the bytes alone (MAGIC_MIME_TYPE), never from the
 * file name an uploader chose. The libmagic cookie is a process-lifetime
 * object: opened on first use and never closed. It remembers the pid that
 * opened it, so a process forked after first use opens its own instead of
 * sharing state with its parent. */
#include "detect.h"
#include "encoding.h"
#include "extract.h"

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

/* libmagic tries its pattern rules before its text tests, and some of them
 * are weak: two letters at the start (an HP-GL plotter command), three at
 * byte 0x100 (a console ROM), a byte 0xE9 (a DOS jump, and the first byte
 * of 震 in UTF-8), a "(function" (JavaScript). Text that happens to begin
 * so would be refused as a type the portal does not read. So when the
 * answer is such a type, the bytes decide: plain text (UTF-8, GB18030 or
 * UTF-16 with a BOM, no NUL, no unusual control character; see
 * portal_text_is_plain) is text/plain, whatever the rule said. Programs
 * and archives keep libmagic's answer because their headers are never
 * plain text: an ELF identification is padded with NULs, a PE header holds
 * "PE\0\0", a Mach-O header small integers, a gzip or xz header NULs. */
#define TEXT_SAMPLE 65536

/* Overrule an answer the portal cannot read when sample (n bytes, the start
 * of the file) is plain text. */
static void text_wins(const char *sample, size_t n, char *mime, size_t mimelen)
{
	if (!portal_extract_supported(mime) && portal_text_is_plain(sample, n))
		snprintf(mime, mimelen, "text/plain");
}

/* The first up to size bytes of the file at path into sample: their count. */
static size_t read_sample(const char *path, char *sample, size_t size)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return 0;
	size_t n = fread(sample, 1, size, f);
	fclose(f);
	return n;
}

int portal_detect_mime(const char *path, char *mime, size_t mimelen, char *err, size_t errlen)
{
	magic_t m = get_cookie(err, errlen);
	if (!m)
		return -1;
	if (copy_result(m, magic_file(m, path), mime, mimelen, err, errlen) < 0)
		return -1;
	if (!portal_extract_supported(mime)) {
		char sample[TEXT_SAMPLE];
		text_wins(sample, read_sample(path, sample, sizeof sample), mime, mimelen);
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
	text_wins(data, len < TEXT_SAMPLE ? len : TEXT_SAMPLE, mime, mimelen);
	return 0;
}
