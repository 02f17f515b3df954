/* extract-zip.c: a small, suspicious ZIP reader over libzip.
 *
 * libzip parses the central directory; everything it reports there is a
 * claim. portal_zip_open() rejects archives whose claims are already
 * unacceptable (too many entries, too much declared data, a declared ratio
 * only a zip bomb has, unsafe names), so the common bombs cost nothing.
 * portal_zip_read() then holds every entry to its claims while inflating:
 * it counts the bytes it really gets and stops at the first byte past the
 * declared size, past ZIP_MAX_RATIO times the compressed size (after a
 * grace of ZIP_RATIO_GRACE bytes) or past what is left of ZIP_MAX_TOTAL
 * for the whole archive. The sink sees only bytes within all three. */
#include "extract-zip.h"
#include "log.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#define CHUNK 65536

struct portal_zip {
	zip_t *za;
	size_t count;
	unsigned long long budget;	/* bytes still allowed to be inflated */
};

static void zip_sentence(int code, char *err, size_t errlen)
{
	zip_error_t e;

	zip_error_init_with_code(&e, code);
	switch (code) {
	case ZIP_ER_NOZIP:
		snprintf(err, errlen, "The file is not a valid ZIP container, so the document "
			 "is damaged and its text could not be read.");
		break;
	case ZIP_ER_INCONS:
	case ZIP_ER_CRC:
		snprintf(err, errlen, "The document's ZIP container is damaged (%s), so its "
			 "text could not be read.", zip_error_strerror(&e));
		break;
	case ZIP_ER_NOPASSWD:
	case ZIP_ER_WRONGPASSWD:
	case ZIP_ER_ENCRNOTSUPP:
		snprintf(err, errlen, "The document is encrypted (password-protected), so its "
			 "text could not be read.");
		break;
	case ZIP_ER_COMPNOTSUPP:
		snprintf(err, errlen, "The document's ZIP container uses a compression method "
			 "that is not supported.");
		break;
	case ZIP_ER_MEMORY:
		snprintf(err, errlen, "The document could not be read: not enough memory.");
		break;
	default:
		snprintf(err, errlen, "The document's ZIP container could not be read (%s).",
			 zip_error_strerror(&e));
	}
	zip_error_fini(&e);
}

/* A name that would climb out of a directory, start at the root, or mean
 * something else on Windows. */
static int unsafe_name(const char *name)
{
	const char *p = name;

	if (name[0] == '/' || strchr(name, '\\'))
		return 1;
	if (((name[0] >= 'A' && name[0] <= 'Z') || (name[0] >= 'a' && name[0] <= 'z')) &&
	    name[1] == ':')
		return 1;
	while (*p) {
		size_t n = strcspn(p, "/");
		if (n == 2 && p[0] == '.' && p[1] == '.')
			return 1;
		p += n;
		if (*p == '/')
			p++;
	}
	return 0;
}

static int check_entries(zip_t *za, size_t count, char *err, size_t errlen)
{
	unsigned long long total = 0;

	for (size_t i = 0; i < count; i++) {
		zip_stat_t st;
		const char *name = zip_get_name(za, i, ZIP_FL_ENC_RAW);
		if (!name || zip_stat_index(za, i, ZIP_FL_ENC_RAW, &st) != 0) {
			snprintf(err, errlen, "The document's ZIP container is damaged: entry %zu "
				 "cannot be read.", i + 1);
			return -1;
		}
		if (unsafe_name(name)) {
			snprintf(err, errlen, "The file was refused: its ZIP container has an entry "
				 "with an unsafe name (a path that leaves its folder).");
			return -1;
		}
		if (!(st.valid & ZIP_STAT_SIZE) || !(st.valid & ZIP_STAT_COMP_SIZE))
			continue;
		if (st.size > ZIP_RATIO_GRACE && st.size / ZIP_MAX_RATIO > st.comp_size) {
			snprintf(err, errlen, "The file was refused: an entry in its ZIP container "
				 "unpacks to more than %d times its packed size (a zip bomb).",
				 ZIP_MAX_RATIO);
			return -1;
		}
		total += st.size;
		if (total > ZIP_MAX_TOTAL) {
			snprintf(err, errlen, "The file was refused: its ZIP container unpacks to "
				 "more than %llu MB.", ZIP_MAX_TOTAL / (1024 * 1024));
			return -1;
		}
	}
	return 0;
}

int portal_zip_open(const char *path, struct portal_zip **zp, char *err, size_t errlen)
{
	int code = 0;
	zip_t *za = zip_open(path, ZIP_RDONLY, &code);

	*zp = NULL;
	if (!za) {
		zip_sentence(code, err, errlen);
		return -1;
	}
	zip_int64_t n = zip_get_num_entries(za, 0);
	if (n < 0 || n > ZIP_MAX_ENTRIES) {
		snprintf(err, errlen, "The file was refused: its ZIP container has more than "
			 "%d entries.", ZIP_MAX_ENTRIES);
		zip_discard(za);
		return -1;
	}
	if (check_entries(za, (size_t)n, err, errlen) != 0) {
		zip_discard(za);
		return -1;
	}
	struct portal_zip *z = xcalloc(1, sizeof *z);
	z->za = za;
	z->count = (size_t)n;
	z->budget = ZIP_MAX_TOTAL;
	*zp = z;
	return 0;
}

void portal_zip_close(struct portal_zip *z)
{
	if (!z)
		return;
	zip_discard(z->za);	/* read-only: nothing to write back */
	free(z);
}

size_t portal_zip_count(const struct portal_zip *z) { return z->count; }

const char *portal_zip_name(const struct portal_zip *z, size_t i)
{
	const char *name = i < z->count ? zip_get_name(z->za, i, ZIP_FL_ENC_RAW) : NULL;
	return name ? name : "";
}

long portal_zip_find(const struct portal_zip *z, const char *name)
{
	zip_int64_t i = zip_name_locate(z->za, name, ZIP_FL_ENC_RAW);
	return i < 0 ? -1 : (long)i;
}

/* Bytes got so far for an entry that declared size and comp bytes:
 * may the next n come? */
static int within(const struct portal_zip *z, const zip_stat_t *st, unsigned long long got,
		  size_t n, char *err, size_t errlen)
{
	unsigned long long after = got + n;

	if ((st->valid & ZIP_STAT_SIZE) && after > st->size) {
		snprintf(err, errlen, "The file was refused: an entry in its ZIP container holds "
			 "more data than the container says (a sign of a zip bomb).");
		return 0;
	}
	if ((st->valid & ZIP_STAT_COMP_SIZE) && after > ZIP_RATIO_GRACE &&
	    after / ZIP_MAX_RATIO > st->comp_size) {
		snprintf(err, errlen, "The file was refused: an entry in its ZIP container "
			 "unpacks to more than %d times its packed size (a zip bomb).",
			 ZIP_MAX_RATIO);
		return 0;
	}
	if (after > z->budget) {
		snprintf(err, errlen, "The file was refused: its ZIP container unpacks to "
			 "more than %llu MB.", ZIP_MAX_TOTAL / (1024 * 1024));
		return 0;
	}
	return 1;
}

int portal_zip_read(struct portal_zip *z, size_t i, portal_zip_sink sink, void *ctx,
		    char *err, size_t errlen)
{
	zip_stat_t st;
	char *chunk;
	unsigned long long got = 0;
	int rc = 0;

	if (i >= z->count || zip_stat_index(z->za, i, ZIP_FL_ENC_RAW, &st) != 0) {
		snprintf(err, errlen, "The document's ZIP container is damaged: an entry "
			 "cannot be found.");
		return -1;
	}
	zip_file_t *f = zip_fopen_index(z->za, i, 0);
	if (!f) {
		zip_sentence(zip_error_code_zip(zip_get_error(z->za)), err, errlen);
		return -1;
	}
	chunk = xmalloc(CHUNK);
	for (;;) {
		zip_int64_t n = zip_fread(f, chunk, CHUNK);
		if (n < 0) {
			zip_sentence(zip_error_code_zip(zip_file_get_error(f)), err, errlen);
			rc = -1;
			break;
		}
		if (n == 0)
			break;
		if (!within(z, &st, got, (size_t)n, err, errlen)) {
			rc = -1;
			break;
		}
		got += (unsigned long long)n;
		z->budget -= (unsigned long long)n;
		if (sink(ctx, chunk, (size_t)n) != 0) {
			rc = -1;
			break;
		}
	}
	free(chunk);
	zip_fclose(f);
	return rc;
}

struct capped {
	struct buf *out;
	size_t max, got;
	char *err;
	size_t errlen;
};

static int to_buf(void *ctx, const char *data, size_t len)
{
	struct capped *c = ctx;

	if (c->got + len > c->max) {
		snprintf(c->err, c->errlen, "The document is damaged: one of its parts is "
			 "larger than expected.");
		return 1;
	}
	c->got += len;
	buf_append(c->out, data, len);
	return 0;
}

int portal_zip_read_buf(struct portal_zip *z, size_t i, size_t max, struct buf *out,
			char *err, size_t errlen)
{
	struct capped c = { out, max, 0, err, errlen };

	return portal_zip_read(z, i, to_buf, &c, err, errlen);
}
