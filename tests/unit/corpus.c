/* corpus.c: finding files of the shared test corpus (corpus.h). */
#include "corpus.h"

#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

const char *corpus_docs(char *dir, size_t n)
{
	const char *root = getenv("PORTAL_CORPUS");
	struct stat st;
	if (root && *root)
		snprintf(dir, n, "%s/docs", root);
	else
		snprintf(dir, n, "%s/../shared/corpus/docs", PORTAL_SRCDIR);
	ck_assert_msg(stat(dir, &st) == 0 && S_ISDIR(st.st_mode),
		      "test corpus not found at %s (set PORTAL_CORPUS)", dir);
	return dir;
}

/* The corpus file whose name starts with prefix (e.g. "d0006_"). */
void corpus_file(const char *prefix, char *path, size_t n)
{
	char dir[1024];
	DIR *d = opendir(corpus_docs(dir, sizeof dir));
	struct dirent *e;
	path[0] = '\0';
	ck_assert_ptr_nonnull(d);
	while ((e = readdir(d)))
		if (strncmp(e->d_name, prefix, strlen(prefix)) == 0)
			snprintf(path, n, "%s/%s", dir, e->d_name);
	closedir(d);
	ck_assert_msg(path[0], "corpus file %s* missing from %s", prefix, dir);
}
