/* store.c: content-addressed storage of original bytes. */
#include "store.h"
#include "settings.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Say in err why `what` failed with errno e; STORE_FULL or STORE_ERROR. */
static int describe(const char *what, int e, char *err, size_t errlen)
{
	if (e == ENOSPC || e == EDQUOT) {
		snprintf(err, errlen, "The server's disk is full; the file could not be stored.");
		return STORE_FULL;
	}
	snprintf(err, errlen, "%s: %s", what, strerror(e));
	return STORE_ERROR;
}

int store_begin(struct store_writer *w, char *err, size_t errlen)
{
	const struct portal_settings *s = portal_settings();
	memset(w, 0, sizeof *w);
	snprintf(w->tmp_path, sizeof w->tmp_path, "%s/upload-XXXXXX", s->upload_tmp);
	w->fd = mkstemp(w->tmp_path);
	if (w->fd < 0) {
		int rc = describe("cannot create a temporary file", errno, err, errlen);
		w->tmp_path[0] = '\0';
		return rc;
	}
	crypto_hash_sha256_init(&w->sha);
	return 0;
}

int store_write(struct store_writer *w, const void *data, size_t len, char *err, size_t errlen)
{
	const char *p = data;
	crypto_hash_sha256_update(&w->sha, data, len);
	w->size += len;
	while (len > 0) {
		ssize_t n = write(w->fd, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return describe("cannot write the file", errno, err, errlen);
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY);
	if (fd < 0)
		return -1;
	int rc = fsync(fd);
	close(fd);
	return rc;
}

static int commit_object(struct store_writer *w, int *existed, int sync, char *err, size_t errlen)
{
	unsigned char digest[crypto_hash_sha256_BYTES];
	crypto_hash_sha256_final(&w->sha, digest);
	sodium_bin2hex(w->sha256, sizeof w->sha256, digest, sizeof digest);
	*existed = 0;

	char path[PATH_MAX], dir[PATH_MAX];
	portal_object_path(w->sha256, path, sizeof path);
	snprintf(dir, sizeof dir, "%s/%.2s", portal_settings()->uploads_dir, w->sha256);

	struct stat st;
	if (stat(path, &st) == 0 && (unsigned long long)st.st_size == w->size) {
		*existed = 1;
		store_abort(w);
		return 0;
	}
	if (sync && fsync(w->fd) < 0) {
		return describe("cannot flush the file to disk", errno, err, errlen);
	}
	close(w->fd);
	w->fd = -1;
	if (mkdir(dir, 0750) < 0 && errno != EEXIST) {
		return describe("cannot create the upload directory", errno, err, errlen);
	}
	chmod(w->tmp_path, 0640);
	if (rename(w->tmp_path, path) < 0) {
		return describe("cannot move the file into place", errno, err, errlen);
	}
	w->tmp_path[0] = '\0';
	if (sync && fsync_dir(dir) < 0) {
		return describe("cannot flush the upload directory", errno, err, errlen);
	}
	return 0;
}

int store_commit(struct store_writer *w, int *existed, char *err, size_t errlen)
{
	return commit_object(w, existed, 1, err, errlen);
}

int store_commit_deferred(struct store_writer *w, int *existed, char *err, size_t errlen)
{
	return commit_object(w, existed, 0, err, errlen);
}

int store_sync(char *err, size_t errlen)
{
	int fd = open(portal_settings()->uploads_dir, O_RDONLY | O_DIRECTORY);
	if (fd < 0)
		return describe("cannot open the upload directory", errno, err, errlen);
	int rc = syncfs(fd);
	int e = errno;
	close(fd);
	return rc < 0 ? describe("cannot flush the stored files to disk", e, err, errlen) : 0;
}

void store_abort(struct store_writer *w)
{
	if (w->fd >= 0)
		close(w->fd);
	w->fd = -1;
	if (w->tmp_path[0])
		unlink(w->tmp_path);
	w->tmp_path[0] = '\0';
}

void store_forget(const char *sha256_hex)
{
	char path[PATH_MAX];
	portal_object_path(sha256_hex, path, sizeof path);
	unlink(path);
}
