/* previews.c: a document's page images on disk (previews.h). Written only
 * by the indexer, one document at a time; each file appears whole (written
 * under a temporary name, then renamed), so a reader sees the old image or
 * the new one. No fsync: the images are made again from the stored bytes
 * when lost (portalctl reindex queues every PDF without them). Modes as
 * the stored bytes' (store.c): not readable by nginx's workers, which
 * never serve them; search.fcgi does, after the document's read check. */
#include "previews.h"
#include "settings.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int previews_wanted(const char *mime)
{
	return mime && strcmp(mime, "application/pdf") == 0;
}

void previews_path(const char *id, int page, char *out, size_t outlen)
{
	const char *index = portal_settings()->index_dir;
	if (page > 0)
		snprintf(out, outlen, "%s/preview/%s/%d.png", index, id, page);
	else
		snprintf(out, outlen, "%s/preview/%s", index, id);
}

int previews_count(const char *id, int max)
{
	char path[PATH_MAX];
	struct stat st;
	previews_path(id, 0, path, sizeof path);
	if (stat(path, &st) < 0)
		return -1;
	int n = 0;
	while (n < max) {
		previews_path(id, n + 1, path, sizeof path);
		if (stat(path, &st) < 0)
			break;
		n++;
	}
	return n;
}

static int fail(const char *what, const char *path, char *err, size_t errlen)
{
	snprintf(err, errlen, "%s %s: %s", what, path, strerror(errno));
	return -1;
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int previews_save(const char *id, const char *const *png, const size_t *len, int n,
		  char *err, size_t errlen)
{
	char path[PATH_MAX], tmp[PATH_MAX + 8];
	snprintf(path, sizeof path, "%s/preview", portal_settings()->index_dir);
	if (mkdir(path, 0750) < 0 && errno != EEXIST)
		return fail("cannot make", path, err, errlen);
	previews_path(id, 0, path, sizeof path);
	if (mkdir(path, 0750) < 0 && errno != EEXIST)
		return fail("cannot make", path, err, errlen);
	for (int i = 0; i < n; i++) {
		previews_path(id, i + 1, path, sizeof path);
		snprintf(tmp, sizeof tmp, "%s.tmp", path);
		int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
		if (fd < 0)
			return fail("cannot write", tmp, err, errlen);
		if (write_all(fd, png[i], len[i]) < 0) {
			fail("cannot write", tmp, err, errlen);
			close(fd);
			unlink(tmp);
			return -1;
		}
		close(fd);
		if (rename(tmp, path) < 0) {
			fail("cannot rename", tmp, err, errlen);
			unlink(tmp);
			return -1;
		}
	}
	/* an earlier, longer set */
	for (int i = n + 1;; i++) {
		previews_path(id, i, path, sizeof path);
		if (unlink(path) < 0)
			break;
	}
	return 0;
}

void previews_remove(const char *id, int max)
{
	char path[PATH_MAX];
	for (int i = 1; i <= max; i++) {
		previews_path(id, i, path, sizeof path);
		unlink(path);
	}
	previews_path(id, 0, path, sizeof path);
	rmdir(path);
}
