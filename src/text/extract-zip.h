/* extract-zip.h: a small, suspicious ZIP reader over libzip.
 *
 * Office documents are ZIP containers made by strangers. Opening one
 * refuses, before anything is inflated: more than ZIP_MAX_ENTRIES entries,
 * declared sizes adding up to more than ZIP_MAX_TOTAL, an entry declaring
 * more than ZIP_MAX_RATIO times its compressed size (past the first
 * ZIP_RATIO_GRACE bytes), and entry names with "..", a leading '/', a
 * drive letter or a backslash. Reading never trusts the declared sizes:
 * the bytes actually inflated are counted and reading stops, with an
 * error, past the declared size, the ratio or the archive's total budget.
 * Nothing is ever written to disk. */
#ifndef PORTAL_EXTRACT_ZIP_H
#define PORTAL_EXTRACT_ZIP_H

#include <stddef.h>
#include "buf.h"

#define ZIP_MAX_ENTRIES 10000
#define ZIP_MAX_TOTAL ((unsigned long long)200 * 1024 * 1024)
#define ZIP_MAX_RATIO 100
#define ZIP_RATIO_GRACE ((unsigned long long)1024 * 1024)

struct portal_zip;

/* Open and check the archive at path. 0 and *zp (close it with
 * portal_zip_close), or -1 with a sentence in err. */
int portal_zip_open(const char *path, struct portal_zip **zp, char *err, size_t errlen);
void portal_zip_close(struct portal_zip *z);

/* Entries are numbered 0 .. count-1; names are as stored (raw bytes). */
size_t portal_zip_count(const struct portal_zip *z);
const char *portal_zip_name(const struct portal_zip *z, size_t i);
/* The index of the entry named name, or -1. */
long portal_zip_find(const struct portal_zip *z, const char *name);

/* Inflate entry i and hand it to sink in chunks; a sink returning nonzero
 * stops the read (the call then returns -1, err untouched unless the sink
 * wrote it). 0, or -1 with a sentence in err. */
typedef int (*portal_zip_sink)(void *ctx, const char *data, size_t len);
int portal_zip_read(struct portal_zip *z, size_t i, portal_zip_sink sink, void *ctx,
		    char *err, size_t errlen);

/* Entry i appended to out whole, when it holds at most max bytes. */
int portal_zip_read_buf(struct portal_zip *z, size_t i, size_t max, struct buf *out,
			char *err, size_t errlen);

#endif
