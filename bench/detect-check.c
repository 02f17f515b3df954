/* detect-check.c: which files of a folder the portal would refuse by type,
 * for bench/run.
 *
 *   bench/detect-check DIR
 *
 * Every regular file below DIR goes through the decision the upload and
 * `portalctl import` make: portal_detect_mime(), then
 * portal_extract_supported() on its answer (an empty file is refused too,
 * as import refuses it). Nothing is stored or indexed, so it answers in a
 * fraction of the time an import takes. Prints one line per refused or
 * failed file ("refused PATH: TYPE"), then the refused types with their
 * counts, then a summary line:
 *
 *   detect-check: FILES files, REFUSED refused, FAILED failed
 *
 * Exit status 0 when it ran (whatever it counted), 1 when DIR cannot be
 * walked. */
#define _XOPEN_SOURCE 700
#include "detect.h"
#include "extract.h"

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_TYPES 64

static struct {
	long files, refused, failed;
	int ntypes;
	struct { char mime[128]; long n; } types[MAX_TYPES];
} seen;

static void count_type(const char *mime)
{
	for (int i = 0; i < seen.ntypes; i++)
		if (strcmp(seen.types[i].mime, mime) == 0) {
			seen.types[i].n++;
			return;
		}
	if (seen.ntypes == MAX_TYPES)
		return;
	snprintf(seen.types[seen.ntypes].mime, sizeof seen.types[0].mime, "%s", mime);
	seen.types[seen.ntypes++].n = 1;
}

static int check_file(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)ftw;
	if (flag != FTW_F || !S_ISREG(st->st_mode))
		return 0;
	seen.files++;
	char mime[128], err[256];
	if (st->st_size == 0) {
		snprintf(mime, sizeof mime, "(empty)");
	} else if (portal_detect_mime(path, mime, sizeof mime, err, sizeof err) < 0) {
		printf("failed   %s: %s\n", path, err);
		seen.failed++;
		return 0;
	} else if (portal_extract_supported(mime)) {
		return 0;
	}
	printf("refused  %s: %s\n", path, mime);
	seen.refused++;
	count_type(mime);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: detect-check DIR\n");
		return 2;
	}
	if (nftw(argv[1], check_file, 64, FTW_PHYS) != 0) {
		perror(argv[1]);
		return 1;
	}
	for (int i = 0; i < seen.ntypes; i++)
		printf("type     %s: %ld\n", seen.types[i].mime, seen.types[i].n);
	printf("detect-check: %ld files, %ld refused, %ld failed\n", seen.files, seen.refused,
	       seen.failed);
	return 0;
}
