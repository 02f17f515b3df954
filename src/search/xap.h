/* xap.h: the portal's only door to Xapian, a plain C API (pxap_*).
 *
 * xap.cc is the only C++ in the project; no exception crosses this header.
 * Every function that can fail returns 0 (or a non-NULL handle) on success
 * and -1 (or NULL) on failure with a message in err (errlen bytes).
 *
 * Index layout (shared by writer and reader):
 *   terms: "Q<id>" unique id; "XT<doc_type>", "XS<sector>", "XY<year>",
 *          "XC<case>" (one per case), "XA<group>" access groups;
 *          title text with prefix "S" (and unprefixed, weighted x3);
 *          body text unprefixed. All text goes through TermGenerator with
 *          FLAG_CJK_NGRAM, folded first by the caller (fold.h); figures
 *          "XQ<unit>:<value>" come as weighted terms (index.h), their value
 *          buckets "XR<unit>:<e>[:<digits>]" as boolean ones (quantity.h).
 *   metadata: "portal.format", the term scheme's version (index.h).
 *   values: 0 doc_type, 1 sector, 2 year, 4 industry, 5 grade (facets,
 *           ValueCountMatchSpy); 3 date as sortable serialised seconds.
 *   data:   the id.
 * Handles are process-lifetime objects opened after fork(), one per worker. */
#ifndef PORTAL_XAP_H
#define PORTAL_XAP_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct pxap_writer pxap_writer;
typedef struct pxap_reader pxap_reader;
typedef struct pxap_results pxap_results;

struct pxap_doc {
	const char *id;		/* required */
	const char *title;	/* may be NULL */
	const char *body;	/* UTF-8, may be NULL */
	size_t body_len;
	const char *doc_type;	/* may be NULL */
	const char *sector;	/* may be NULL */
	const char *year;	/* "2014", may be NULL */
	const char *industry;	/* "医疗机构", may be NULL */
	const char *grade;	/* an audit's grade "优秀", may be NULL */
	const char *enterprise;	/* enterprise names (text, for enterprise:), may be NULL */
	long long date;		/* seconds since the epoch, for sort=date */
	const char *const *cases;	/* ncases strings like "audit:12" */
	size_t ncases;
	const char *const *access;	/* naccess group names like "public", "u:7" */
	size_t naccess;
	/* Further boolean terms, given whole with their prefix (metadata such
	 * as "XNgb18466", or "XVsuperseded"); nterms of them. */
	const char *const *terms;
	size_t nterms;
	/* Weighted terms, given whole with their prefix (e.g. a standard
	 * number "XNgb18466" with its number of mentions as wdf): they take
	 * part in ranking, so a query boosting them ranks these documents
	 * first. */
	const char *const *wterms;
	const unsigned *wdfs;
	size_t nwterms;
	/* What a hit shows (search/hit-record.h), stored with the document
	 * and given back by pxap_results_record; may be NULL. */
	const char *record;
	size_t record_len;
};

/* Writer: the single Xapian writer (the indexer). Creates the database when
 * missing; fails (DatabaseLockError) while another writer holds it. */
pxap_writer *pxap_writer_open(const char *path, char *err, size_t errlen);
/* Add or replace the document with this id (replace_document on "Q<id>").
 * NULL or "" optional fields are left out. Fails, changing nothing, when the
 * id or a type/sector/year/case/access value makes a term over 245 bytes.
 * Changes are invisible to readers until pxap_writer_commit. */
int pxap_writer_put(pxap_writer *w, const struct pxap_doc *doc, char *err, size_t errlen);
/* Delete by id; an unknown id is not an error. */
int pxap_writer_delete(pxap_writer *w, const char *id, char *err, size_t errlen);
int pxap_writer_commit(pxap_writer *w, char *err, size_t errlen);
/* Commits anything pending, ignoring errors (commit first to see them),
 * and frees w. */
void pxap_writer_close(pxap_writer *w);

/* The version of the index's term scheme (index.h: PORTAL_INDEX_FORMAT),
 * kept in the database's metadata; written with the next commit. 0, or -1
 * with err. */
int pxap_writer_set_format(pxap_writer *w, int format, char *err, size_t errlen);
/* The version recorded in the database at path: 0 when none was (an index
 * older than versions), or -1 with err (no database there). */
int pxap_format(const char *path, char *err, size_t errlen);

/* Write a compacted copy of the database at from into the new directory to
 * (Xapian's compact: full blocks, each posting list contiguous; document
 * ids kept). Reads one revision of from, so commits made meanwhile are not
 * in the copy: hold the writer lock. 0, or -1 with err. */
int pxap_compact(const char *from, const char *to, char *err, size_t errlen);

/* Reader. pxap_search (and pxap_reader_doccount) reopens the database
 * first, so new commits are seen without restarting, and retries on
 * DatabaseModifiedError. An index rebuilt elsewhere and renamed into place
 * (a new directory at path) is noticed and opened afresh. Opening fails
 * when no database exists at path yet. */
pxap_reader *pxap_reader_open(const char *path, char *err, size_t errlen);
void pxap_reader_close(pxap_reader *r);
/* Keep the results of the last `entries` searches (0, the default: none).
 * An entry answers only the same query (text, filters, access groups,
 * excludes, page, order) against the same revision of the index, so a
 * cached answer is exactly what running the search again would give; each
 * commit or reopening starts the cache afresh. The counts (total, facets)
 * of the last `entries` queries are kept too, apart from pages and order:
 * another page of a query is ranked, not counted again. pxap_similar is not
 * cached. */
void pxap_reader_set_cache(pxap_reader *r, size_t entries);
/* A number that changes whenever r reads another revision of the index or
 * has reopened it (the moments its result cache empties); call it after a
 * search, which is when r looks for a newer revision. What was read from the
 * database for that search's hits can be kept until the number changes
 * (hit-cache.h). */
unsigned long pxap_reader_epoch(pxap_reader *r);

/* How many documents hold term (0 on any error), in the revision the
 * reader has open: pxap_reader_refresh() first brings it up to date. */
unsigned long pxap_termfreq(pxap_reader *r, const char *term);
/* Bring r up to the latest commit now; the next pxap_search() then uses
 * that state without checking again (one check per request). */
void pxap_reader_refresh(pxap_reader *r);
/* Searches answered from the cache so far (for tests and benchmarks). */
unsigned long pxap_reader_cache_hits(const pxap_reader *r);
/* Searches whose counts (total, facets) came from the cache while their page
 * did not: another page or order of a query counted before (for tests). */
unsigned long pxap_reader_count_hits(const pxap_reader *r);

struct pxap_query {
	/* User query text, UTF-8; NULL or blank matches all. Words are
	 * ANDed (the search layer joins plain words with OR before this); also "phrases", OR, NOT, -word, title:word and the filters
	 * type: sector: year: case:. A Chinese word matches documents that
	 * contain all of its characters and adjacent pairs. */
	const char *q;
	const char *doc_type, *sector, *year, *case_id;	/* filters, NULL or "" = any */
	const char *industry, *grade;			/* filters, NULL or "" = any */
	/* Whole terms (e.g. normalised standard numbers "XNhj/t186") cut out
	 * of the user's text: a match must carry one of them (and match the
	 * rest of the text, if any); their weight is scaled up, so documents
	 * whose own number it is (a high wdf) rank first. */
	const char *const *boost;
	size_t nboost;
	/* Whole terms that may match instead of the text (e.g. "XB18466" for
	 * a number typed alone that is a standard's number): ORed with the
	 * text, weighted as boost terms. */
	const char *const *alt;
	size_t nalt;
	/* Access: when all_access is 0, only documents carrying at least one
	 * of these groups match (naccess 0 then matches nothing). */
	int all_access;
	const char *const *access;
	size_t naccess;
	size_t offset, limit;
	int sort_by_date;	/* newest first; else relevance */
	/* Documents carrying any of these whole terms are left out (e.g.
	 * "XVsuperseded" hides old versions). */
	const char *const *exclude;
	size_t nexclude;
	/* Ranking preferences (intent.h), never filters: documents of these
	 * types gain up to PXAP_PREFER_WEIGHT times prefer_type_share[i];
	 * documents of this canonical industry gain PXAP_INDUSTRY_WEIGHT. */
	const char *const *prefer_type;
	const double *prefer_type_share;
	size_t nprefer_type;
	const char *prefer_industry;
	/* Synonym groups the text refers to as "syn:N" (N from 0): each is its
	 * terms separated by tabs ("节能\t节约能源"), and matches as one term
	 * (Xapian's OP_SYNONYM over each term parsed as text): a document
	 * using both forms weighs as one using either (synonyms.h). */
	const char *const *synonyms;
	size_t nsynonyms;
	/* Values the query names (issue #18): groups of whole terms, each
	 * group its terms separated by tabs (a range of figures as the value
	 * buckets that cover it, "XRt:2:3\tXRt:2:4\tXRt:2:5000"; years as
	 * "XY2013\tXY2014"). A document carrying any term of a group gains
	 * PXAP_VALUE_WEIGHT for it, a fixed amount: a boost, never a filter,
	 * unless the text is blank (the query was only figures and years):
	 * then the groups, with alt, are what matches. */
	const char *const *values;
	size_t nvalues;
	/* Terms that only add weight (their own BM25 weight, OP_AND_MAYBE):
	 * the character pairs across the word breaks query_words_split() put
	 * into a Chinese run typed without spaces (环保部门核定: 部门 核定 ->
	 * "门核"), so a document holding the run as typed ranks above one
	 * holding its words apart. */
	const char *const *joins;
	size_t njoins;
	/* Count every match for the total and the facets, never a sample
	 * (exact, and slow for a broad query in a big index: for checks such
	 * as bench/count-check, not for pages). */
	int count_all;
};

/* Run a query. The results own everything they return; free with
 * pxap_results_free. A query string Xapian cannot parse falls back to plain
 * terms rather than failing. */
pxap_results *pxap_search(pxap_reader *r, const struct pxap_query *q, char *err, size_t errlen);
/* The number of matches: exact below about 2,000; beyond that estimated
 * from a pseudo-random sample of the documents, as are the facet counts
 * (to two significant digits, within a few percent), which
 * pxap_results_exact() tells. */
size_t pxap_results_total(const pxap_results *res);
int pxap_results_exact(const pxap_results *res);
size_t pxap_results_count(const pxap_results *res);	/* hits on this page */
const char *pxap_results_id(const pxap_results *res, size_t i);
/* The record stored with hit i (pxap_doc.record), *len its length; NULL
 * when it has none or when the results came from the results cache. */
const char *pxap_results_record(const pxap_results *res, size_t i, size_t *len);
double pxap_results_score(const pxap_results *res, size_t i);	/* percent 0..100 */
/* The query's text terms without field prefixes (lower-case words, CJK
 * characters and bigrams), for snippet_html(); *terms is owned by res. */
size_t pxap_results_terms(const pxap_results *res, const char *const **terms);
/* Facets over all matches (not just the page), computed inside Xapian so
 * they count only what the access filter lets through.
 * facet: 0 doc_type, 1 sector, 2 year, 3 industry, 4 grade. */
#define PXAP_NFACETS 5
/* The most weight a ranking preference (pxap_query.prefer_*) adds; measured
 * in bench/relevance (RESULTS.md). */
#define PXAP_PREFER_WEIGHT 8.0
#define PXAP_INDUSTRY_WEIGHT 16.0
/* What a value the query names adds (pxap_query.values); measured in
 * bench/relevance (RESULTS.md). */
#define PXAP_VALUE_WEIGHT 8.0
size_t pxap_results_facet_count(const pxap_results *res, int facet);
const char *pxap_results_facet_name(const pxap_results *res, int facet, size_t i);
size_t pxap_results_facet_freq(const pxap_results *res, int facet, size_t i);
void pxap_results_free(pxap_results *res);

/* Documents like document id (relevance feedback over its terms), best
 * first, never id itself. The query's filters, access groups and excludes
 * apply as in pxap_search (its q is ignored), so the caller sees only
 * documents it may see. An id not in the index gives no results. The
 * total is Xapian's estimate, unsampled; there are no facets. */
pxap_results *pxap_similar(pxap_reader *r, const char *id, const struct pxap_query *q,
			   char *err, size_t errlen);
/* Documents linked to some case and most like the documents ids together
 * (relevance feedback over all of them; ids themselves left out), ranked
 * with q's preferences (the industry of the first of ids when q names
 * none), restricted by q's access and filters: what "similar cases" are
 * made of. */
pxap_results *pxap_similar_set(pxap_reader *r, const char *const *ids, size_t nids,
			       const struct pxap_query *q, char *err, size_t errlen);

/* The record stored with document id (pxap_doc.record) when the document
 * carries access group group ("public"): 1 with *rec a malloc()ed copy
 * (NUL-terminated, *len bytes before the NUL; free() it); 0 when there is
 * no such document, it lacks the group, or it has no record; -1 with err.
 * What a search host reads a document's page from (no SQLite there). */
int pxap_document_record(pxap_reader *r, const char *id, const char *group, char **rec,
			 size_t *len, char *err, size_t errlen);

/* Number of documents in the database (for fsck), or -1. */
long pxap_reader_doccount(pxap_reader *r, char *err, size_t errlen);

#ifdef __cplusplus
}
#endif
#endif
