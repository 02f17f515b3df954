/* store.h: original bytes, content-addressed by SHA-256, written once.
 *
 * A writer streams bytes into a temp file under uploads/tmp while hashing
 * them; store_commit() fsyncs it and renames it to uploads/aa/bbbb… (the
 * hex digest), then fsyncs the directory, so a stored object is always
 * complete. Objects are never modified in place. */
#ifndef PORTAL_STORE_H
#define PORTAL_STORE_H

#include <sodium.h>
#include <stddef.h>

struct store_writer {
	int fd;
	char tmp_path[4096];
	unsigned long long size;
	crypto_hash_sha256_state sha;
	char sha256[65];	/* hex, set by store_commit */
};

/* How a store call failed: STORE_FULL when the disk or the quota is full
 * (ENOSPC, EDQUOT: freeing space will help), STORE_ERROR for any other
 * cause (EACCES, EIO, ...: the server is broken). err says which, in a
 * sentence. */
enum { STORE_ERROR = -1, STORE_FULL = -2 };

/* Open a temp file. 0, or STORE_ERROR / STORE_FULL with err. */
int store_begin(struct store_writer *w, char *err, size_t errlen);
/* Append bytes. 0, or STORE_ERROR / STORE_FULL with err. */
int store_write(struct store_writer *w, const void *data, size_t len, char *err, size_t errlen);
/* Make the bytes durable under their digest. *existed is set to 1 when the
 * same object was already stored (the temp file is then dropped). 0, or
 * STORE_ERROR / STORE_FULL with err. */
int store_commit(struct store_writer *w, int *existed, char *err, size_t errlen);
/* The same without waiting for the disk, for a caller that stores many
 * files and then calls store_sync() once, before any row names them
 * (portalctl import): the object is in place (renamed) but may not survive
 * a power cut until store_sync() returns. */
int store_commit_deferred(struct store_writer *w, int *existed, char *err, size_t errlen);
/* Make every object stored so far durable (one syncfs() of the uploads'
 * file system instead of two fsyncs per object). 0, or STORE_ERROR with
 * err. */
int store_sync(char *err, size_t errlen);
/* Remove a stored object that no document row names (its row could not be
 * committed). */
void store_forget(const char *sha256_hex);

/* Drop the temp file (safe after commit and after a failed begin). */
void store_abort(struct store_writer *w);

#endif
