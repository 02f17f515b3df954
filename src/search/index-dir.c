/* index-dir.c: index generations behind a symbolic link, and the writer lock. */
#include "index-dir.h"
#include "settings.h"
#include "xap.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static void path_in_index(const char *name, char *out, size_t outlen)
{
	snprintf(out, outlen, "%s/%s", portal_settings()->index_dir, name);
}

static int rm_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	return type == FTW_DP ? rmdir(path) : unlink(path);
}

static int remove_tree(const char *path)
{
	return nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

void index_dir_new_generation(char *out, size_t outlen)
{
	char gens[PATH_MAX];
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	path_in_index("xapian.d", gens, sizeof gens);
	mkdir(gens, 0750);
	snprintf(out, outlen, "%s/%lld-%09ld-%ld", gens, (long long)ts.tv_sec, ts.tv_nsec, (long)getpid());
}

int index_dir_current(char *out, size_t outlen)
{
	char link[PATH_MAX], target[PATH_MAX];
	path_in_index("xapian", link, sizeof link);
	if (!realpath(link, target))
		return -1;
	snprintf(out, outlen, "%s", target);
	return 0;
}

int index_dir_switch(const char *dir, char *err, size_t errlen)
{
	char link[PATH_MAX], tmp[PATH_MAX], old[PATH_MAX] = "";
	path_in_index("xapian", link, sizeof link);
	path_in_index("xapian.link-tmp", tmp, sizeof tmp);
	index_dir_current(old, sizeof old);
	/* A relative target keeps the data directory movable. */
	const char *rel = strstr(dir, "/xapian.d/");
	unlink(tmp);
	if (symlink(rel ? rel + 1 : dir, tmp) < 0 || rename(tmp, link) < 0) {
		snprintf(err, errlen, "cannot switch the index link: %s", strerror(errno));
		unlink(tmp);
		return -1;
	}
	if (*old && strcmp(old, dir) != 0)
		remove_tree(old);	/* open readers keep their files until they reopen */
	return 0;
}

/* Generations other than the current one are left-overs of a build or a
 * compaction that was killed before it switched (the one before a switch
 * is removed by the switch). Only called with the writer lock held, so
 * no build is in progress. */
static void remove_stale(void)
{
	char gens[PATH_MAX], cur[PATH_MAX], path[PATH_MAX];
	if (index_dir_current(cur, sizeof cur) < 0)
		return;
	path_in_index("xapian.d", gens, sizeof gens);
	DIR *d = opendir(gens);
	if (!d)
		return;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		if ((size_t)snprintf(path, sizeof path, "%s/%s", gens, e->d_name) >= sizeof path)
			continue;
		char real[PATH_MAX];
		if (!realpath(path, real) || strcmp(real, cur) != 0)
			remove_tree(path);
	}
	closedir(d);
}

int index_dir_prepare(char *err, size_t errlen)
{
	char link[PATH_MAX], gen[PATH_MAX];
	struct stat st;
	path_in_index("xapian", link, sizeof link);
	if (lstat(link, &st) == 0 && S_ISLNK(st.st_mode)) {
		remove_stale();
		return 0;
	}
	index_dir_new_generation(gen, sizeof gen);
	if (lstat(link, &st) == 0 && S_ISDIR(st.st_mode)) {
		if (rename(link, gen) < 0) {	/* an index from before generations */
			snprintf(err, errlen, "cannot move %s: %s", link, strerror(errno));
			return -1;
		}
	} else if (mkdir(gen, 0750) < 0) {
		snprintf(err, errlen, "cannot create %s: %s", gen, strerror(errno));
		return -1;
	}
	return index_dir_switch(gen, err, errlen);
}

int index_dir_lock(char *err, size_t errlen)
{
	char path[PATH_MAX];
	path_in_index("writer.lock", path, sizeof path);
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0640);
	if (fd < 0) {
		snprintf(err, errlen, "cannot open %s: %s", path, strerror(errno));
		return -1;
	}
	while (flock(fd, LOCK_EX) < 0) {
		if (errno != EINTR) {
			snprintf(err, errlen, "cannot lock %s: %s", path, strerror(errno));
			close(fd);
			return -1;
		}
	}
	return fd;
}

void index_dir_unlock(int fd)
{
	if (fd >= 0)
		close(fd);	/* releases the flock */
}

void index_dir_remove(const char *dir)
{
	remove_tree(dir);
}

/* Bytes in the files of directory dir (not recursive), or -1. */
static long long dir_bytes(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return -1;
	long long sum = 0;
	struct dirent *e;
	char path[PATH_MAX];
	struct stat st;
	while ((e = readdir(d))) {
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
			sum += (long long)st.st_size;
	}
	closedir(d);
	return sum;
}

int index_dir_compact(long long *before, long long *after, char *err, size_t errlen)
{
	char cur[PATH_MAX], gen[PATH_MAX];
	if (index_dir_current(cur, sizeof cur) < 0) {
		snprintf(err, errlen, "no index (run portalctl init)");
		return -1;
	}
	remove_stale();
	*before = dir_bytes(cur);
	index_dir_new_generation(gen, sizeof gen);
	if (pxap_compact(cur, gen, err, errlen) < 0) {
		remove_tree(gen);
		return -1;
	}
	*after = dir_bytes(gen);
	return index_dir_switch(gen, err, errlen);
}
