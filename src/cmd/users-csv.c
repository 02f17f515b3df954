/* users-csv.c: portalctl users from-year FILE.csv: an account for each
 * enterprise of a year's CSV that has none (accounts.h). Prints the new
 * accounts as CSV (name,enterprise,password) to hand out; the passwords
 * are not kept anywhere else, only their hashes. */
#include "portalctl.h"
#include "accounts.h"
#include "arena.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A CSV field, quoted when it holds a comma, quote or line break. */
static void csv_field(const char *s, int last)
{
	if (strpbrk(s, ",\"\r\n")) {
		putchar('"');
		for (; *s; s++) {
			if (*s == '"')
				putchar('"');
			putchar(*s);
		}
		putchar('"');
	} else
		fputs(s, stdout);
	putchar(last ? '\n' : ',');
}

int portalctl_users_from_year(sqlite3 *db, const char *path)
{
	FILE *fp = fopen(path, "rb");
	if (!fp) {
		perror(path);
		return 1;
	}
	char *text = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&text, &len);
	char chunk[8192];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, fp)) > 0)
		fwrite(chunk, 1, n, mem);
	fclose(fp);
	fclose(mem);
	struct arena *a = arena_new();
	struct accounts_result res;
	char err[512];
	int rc = accounts_from_year(db, a, text, len, 0, &res, err, sizeof err);
	free(text);
	printf("name,enterprise,password\n");
	for (size_t i = 0; i < res.ncreated; i++) {
		csv_field(res.created[i].name, 0);
		csv_field(res.created[i].enterprise, 0);
		csv_field(res.created[i].password, 1);
	}
	fprintf(stderr, "users from-year: %zu accounts created, %zu enterprises already had one, %zu not registered\n",
		res.ncreated, res.existing, res.unknown);
	if (rc < 0)
		fprintf(stderr, "portalctl: %s\n", err);
	arena_destroy(a);
	return rc < 0 ? 1 : 0;
}
