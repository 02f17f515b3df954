/* search.h: the search path: validated parameters in, visible hits out.
 *
 * Both the JSON API and the HTML page call portal_search(); it filters by
 * the caller's access groups inside Xapian (so totals and facets count only
 * what the caller may see), then fills titles from SQLite and snippets from
 * the stored full text. Everything returned lives in the request arena. */
#ifndef PORTAL_SEARCH_H
#define PORTAL_SEARCH_H

#include <stddef.h>

struct request;
struct arena;

struct search_params {
	const char *q;
	const char *type, *sector, *year, *case_id, *industry, *grade;
	long page, per_page;
	int sort_by_date;
	int current_only;	/* current=1: superseded and withdrawn editions left out */
};

struct search_hit {
	const char *id, *title, *doc_type, *filename, *snippet;
	double score;
	/* a standard's edition (editions.h): "current", "superseded" or
	 * "withdrawn", and what replaced it; NULL when not a known edition */
	const char *edition_status, *replaced_by;
};

#define SEARCH_NFACETS 5

struct search_facet {
	const char *name;
	size_t count;
};

struct search_result {
	size_t total;
	int exact;		/* 0: total and facet counts are estimates */
	size_t nhits;
	struct search_hit *hits;
	size_t nfacets[SEARCH_NFACETS];	/* doc_type, sector, year, industry, grade */
	struct search_facet *facets[SEARCH_NFACETS];
};

/* JSON names of the facets, and the query parameter that filters each. */
extern const char *const search_facet_names[SEARCH_NFACETS];
extern const char *const search_facet_params[SEARCH_NFACETS];

/* Read and check the search parameters of r. On a bad value answers 400
 * through portal_error() and returns -1. */
int search_params_read(struct request *r, struct search_params *p);

/* Run the search for r's caller. -1 after answering an error. */
int portal_search(struct request *r, const struct search_params *p, struct search_result *res);

/* Documents similar to document id (which the caller may read), visible to
 * the caller, at most limit of them, in res (no facets needed). -1 after
 * answering an error. */
int portal_similar(struct request *r, const char *id, size_t limit, struct search_result *res);

/* A case like another and the document of it most like the other's. */
struct similar_case {
	const char *case_id;	/* "audit:12", "project:3" */
	struct search_hit hit;
};

/* Up to limit other cases like case_id: the documents of other cases most
 * like the documents of case_id the caller may read, taken together, the
 * same industry and the types that record a case's measures and figures
 * (audit reports, feasibility studies, acceptance reports) first; each case
 * once, by its best document. Only documents the caller may read take part
 * or are shown; whether the caller may open a case is the records' rule,
 * for the caller of this to apply. *out in r's arena. -1 (logged, nothing
 * answered) when the index cannot answer. */
int portal_similar_cases(struct request *r, const char *case_id, size_t limit,
			 struct similar_case **out, size_t *n);

/* The query text as Xapian is asked it: plain words joined by OR; text with
 * quotes, brackets, fields or operators as it is. In arena a (or q itself). */
const char *search_any_word(struct arena *a, const char *q);

/* The process-lifetime index reader, opened on first use. NULL (logged) when
 * the index cannot be opened. */
struct pxap_reader *search_reader(void);

#endif
