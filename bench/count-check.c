/* count-check.c: how far the search's estimated totals and facet counts are
 * from the truth, for bench/run.
 *
 *   bench/count-check INDEX QUERIES
 *
 * INDEX is a Xapian index written by the portal (e.g. DATA/index/xapian),
 * QUERIES a file of one query per line (bench/queries.txt). Each query is
 * asked as an anonymous visitor asks it (public documents, current versions,
 * plain words ORed by search_any_word(); identifiers are not rewritten), once as pages are answered and once with every match counted
 * (pxap_query.count_all). Prints a row per query and a summary; asserts
 * nothing. Exit status 1 only when the index cannot be read. */
#include "arena.h"
#include "index.h"
#include "search.h"
#include "xap.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LINE_MAX_BYTES 1024
#define MAX_ERRORS 4096

/* Facet values are compared in two bands of their share of the matches. */
enum { BIG, SMALL, BANDS };
static const double band_floor[BANDS] = { 0.10, 0.02 };
static const char *const band_name[BANDS] = { "10% of the matches or more", "2-10% of the matches" };

static const char *const public_only[] = { "public" };
static const char *const hide[] = { PORTAL_TERM_SUPERSEDED };

static pxap_results *ask(pxap_reader *r, const char *text, int count_all)
{
	struct pxap_query q = {
		.q = text, .access = public_only, .naccess = 1, .exclude = hide, .nexclude = 1,
		.limit = 10, .count_all = count_all,
	};
	char err[512];
	pxap_results *res = pxap_search(r, &q, err, sizeof err);
	if (!res)
		fprintf(stderr, "count-check: '%s': %s\n", text, err);
	return res;
}

static size_t facet_freq(const pxap_results *res, int f, const char *name)
{
	for (size_t i = 0; i < pxap_results_facet_count(res, f); i++)
		if (strcmp(pxap_results_facet_name(res, f, i), name) == 0)
			return pxap_results_facet_freq(res, f, i);
	return 0;
}

/* Print s left-aligned in a column cols wide on a terminal: a Chinese
 * character (three UTF-8 bytes) takes two columns. */
static void print_column(const char *s, int cols)
{
	int used = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if ((*p & 0xC0) != 0x80)
			used += *p >= 0xE0 ? 2 : 1;
	fputs(s, stdout);
	for (; used < cols; used++)
		putchar(' ');
}

static int by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* Percent error of got against want (want > 0). */
static double pct(size_t got, size_t want)
{
	return 100.0 * ((double)got - (double)want) / (double)want;
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: count-check INDEX QUERIES\n");
		return 2;
	}
	char err[512];
	pxap_reader *r = pxap_reader_open(argv[1], err, sizeof err);
	if (!r) {
		fprintf(stderr, "count-check: %s\n", err);
		return 1;
	}
	pxap_reader_set_cache(r, 0);
	FILE *in = fopen(argv[2], "r");
	if (!in) {
		perror(argv[2]);
		pxap_reader_close(r);
		return 1;
	}

	static double total_err[MAX_ERRORS], facet_err[BANDS][MAX_ERRORS];
	size_t ntotal = 0, nfacet[BANDS] = { 0 }, unlisted[BANDS] = { 0 }, queries = 0;
	char line[LINE_MAX_BYTES];
	struct arena *arena = arena_new();
	print_column("query", 28);
	printf(" %10s %10s %8s\n", "estimated", "exact", "error");
	while (fgets(line, sizeof line, in)) {
		line[strcspn(line, "\r\n")] = '\0';
		if (!line[0])
			continue;
		const char *text = search_any_word(arena, line);
		pxap_results *est = ask(r, text, 0), *all = ask(r, text, 1);
		if (est && all) {
			queries++;
			size_t e = pxap_results_total(est), x = pxap_results_total(all);
			int sampled = !pxap_results_exact(est);
			if (sampled && x > 0 && ntotal < MAX_ERRORS)
				total_err[ntotal++] = fabs(pct(e, x));
			char error[16] = "exact";
			if (sampled)
				snprintf(error, sizeof error, x ? "%+.1f%%" : "-", x ? pct(e, x) : 0.0);
			print_column(line, 28);
			printf(" %10zu %10zu %8s\n", e, x, error);
			for (int f = 0; sampled && f < PXAP_NFACETS; f++)
				for (size_t i = 0; i < pxap_results_facet_count(all, f); i++) {
					size_t want = pxap_results_facet_freq(all, f, i);
					int b = want >= band_floor[BIG] * x ? BIG : want >= band_floor[SMALL] * x ? SMALL : BANDS;
					if (b == BANDS)
						continue;
					size_t got = facet_freq(est, f, pxap_results_facet_name(all, f, i));
					if (!got)
						unlisted[b]++;
					else if (nfacet[b] < MAX_ERRORS)
						facet_err[b][nfacet[b]++] = fabs(pct(got, want));
				}
		}
		pxap_results_free(est);
		pxap_results_free(all);
	}
	fclose(in);
	pxap_reader_close(r);
	arena_destroy(arena);

	qsort(total_err, ntotal, sizeof total_err[0], by_value);
	printf("%zu queries; %zu totals estimated", queries, ntotal);
	if (ntotal)
		printf(": median error %.1f%%, worst %.1f%%", total_err[ntotal / 2], total_err[ntotal - 1]);
	printf("\n");
	for (int b = 0; b < BANDS; b++) {
		size_t n = nfacet[b];
		qsort(facet_err[b], n, sizeof facet_err[b][0], by_value);
		printf("facet values of %s, in estimated answers: %zu", band_name[b], n);
		if (n)
			printf(", error median %.1f%%, 90th percentile %.1f%%, worst %.1f%%",
			       facet_err[b][n / 2], facet_err[b][n * 9 / 10], facet_err[b][n - 1]);
		printf("; %zu missing\n", unlisted[b]);
	}
	return 0;
}
