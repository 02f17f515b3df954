/* test-xap.c: unit tests for the Xapian wrapper, through xap.h only.
 *
 * Covers src/xap.cc: indexing (CJK n-grams, title prefix, boolean terms,
 * values), replace and delete by id, query parsing and its fallback for
 * broken syntax, field and access filters, exact totals and paging, sort by
 * date, facets under the access filter, HTML-safe snippets with <mark>, and
 * a reader picking up a commit (or a rebuilt index) without being reopened
 * by its caller.
 *
 * Each test gets a fresh index in a mkdtemp() directory ($TMPDIR or /tmp)
 * holding the five documents below, an open writer and an open reader.
 * The tests run twice: with the reader's result cache off, and on (tcase
 * "cached"), where every search is asked twice and both answers must agree;
 * the cache's own tests come last. */
#include "arena.h"
#include "buf.h"
#include "snippet.h"
#include "xap.h"

#include "check-run.h"
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[200];
static pxap_writer *w;
static pxap_reader *r;
static char err[256];
static struct arena *arena;	/* snippets of one test */

static const char *const pub[] = { "public" };
static const char *const u7[] = { "u:7" };
static const char *const pub_u7[] = { "public", "u:7" };
static const char *const audit12[] = { "audit:12" };
static const char *const audit12_13[] = { "audit:12", "audit:13" };

#define D1_BODY "本报告介绍北京市某化工企业的清洁生产审核过程，包括节能降耗措施。"
#define D2_BODY "医院节水改造项目采用中水回用技术，年节水三万吨。Water saving retrofit."
#define D3_BODY "清洁生产 internal budget figures <script>alert(1)</script> & more"
#define D4_BODY "Energy audit report. The steel plant reduced coal use."
#define D5_BODY "A guide to cleaner production audits 清洁生产指南"

/* Dates, oldest first: d1 < d5 < d4 < d2 < d3. */
static const struct pxap_doc docs[] = {
	{ .id = "d1", .title = "清洁生产审核报告", .body = D1_BODY, .body_len = sizeof D1_BODY - 1,
	  .doc_type = "report", .sector = "chemical", .year = "2014", .date = 1393632000,
	  .cases = audit12, .ncases = 1, .access = pub, .naccess = 1 },
	{ .id = "d2", .title = "北京市医院节水改造", .body = D2_BODY, .body_len = sizeof D2_BODY - 1,
	  .doc_type = "case", .sector = "health", .year = "2016", .date = 1452384000,
	  .access = pub, .naccess = 1 },
	{ .id = "d3", .title = "Restricted internal memo", .body = D3_BODY, .body_len = sizeof D3_BODY - 1,
	  .doc_type = "memo", .sector = "chemical", .year = "2016", .date = 1470009600,
	  .access = u7, .naccess = 1 },
	{ .id = "d4", .title = "Energy audit of a steel plant", .body = D4_BODY, .body_len = sizeof D4_BODY - 1,
	  .doc_type = "report", .sector = "steel", .year = "2015", .date = 1430438400,
	  .access = pub_u7, .naccess = 2 },
	{ .id = "d5", .title = "Cleaner production guide", .body = D5_BODY, .body_len = sizeof D5_BODY - 1,
	  .doc_type = "guide", .sector = "chemical", .year = "2014", .date = 1401580800,
	  .cases = audit12_13, .ncases = 2, .access = pub, .naccess = 1 },
};
#define NDOCS (sizeof docs / sizeof docs[0])

static void setup(void)
{
	const char *tmp = getenv("TMPDIR");
	int n = snprintf(dir, sizeof dir, "%s/test-xap.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	ck_assert(n > 0 && (size_t)n < sizeof dir);
	ck_assert_ptr_nonnull(mkdtemp(dir));
	w = pxap_writer_open(dir, err, sizeof err);
	ck_assert_msg(w != NULL, "writer: %s", err);
	for (size_t i = 0; i < NDOCS; i++)
		ck_assert_msg(pxap_writer_put(w, &docs[i], err, sizeof err) == 0, "put: %s", err);
	ck_assert_msg(pxap_writer_commit(w, err, sizeof err) == 0, "commit: %s", err);
	r = pxap_reader_open(dir, err, sizeof err);
	ck_assert_msg(r != NULL, "reader: %s", err);
	arena = arena_new();
}

static int rm_entry(const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
	(void)sb;
	(void)type;
	(void)ftw;
	return remove(path);
}

static void teardown(void)
{
	pxap_reader_close(r);
	pxap_writer_close(w);
	r = NULL;
	w = NULL;
	arena_destroy(arena);
	arena = NULL;
	nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* A query seeing everything, matching q, first page of 100. */
static struct pxap_query everything(const char *q)
{
	struct pxap_query pq = { .q = q, .all_access = 1, .limit = 100 };
	return pq;
}

/* The same, as an anonymous visitor who sees only "public". */
static struct pxap_query public_only(const char *q)
{
	struct pxap_query pq = { .q = q, .access = pub, .naccess = 1, .limit = 100 };
	return pq;
}

static int cached;	/* tcase "cached": the reader keeps results */

static void setup_cached(void)
{
	setup();
	pxap_reader_set_cache(r, 64);
	cached = 1;
}

static void teardown_cached(void)
{
	cached = 0;
	teardown();
}

/* Every field of two answers the same. */
static void assert_same(const pxap_results *a, const pxap_results *b)
{
	ck_assert_uint_eq(pxap_results_total(a), pxap_results_total(b));
	ck_assert_int_eq(pxap_results_exact(a), pxap_results_exact(b));
	ck_assert_uint_eq(pxap_results_count(a), pxap_results_count(b));
	for (size_t i = 0; i < pxap_results_count(a); i++) {
		ck_assert_str_eq(pxap_results_id(a, i), pxap_results_id(b, i));
		ck_assert(pxap_results_score(a, i) == pxap_results_score(b, i));
	}
	const char *const *ta, *const *tb;
	size_t nt = pxap_results_terms(a, &ta);
	ck_assert_uint_eq(nt, pxap_results_terms(b, &tb));
	for (size_t i = 0; i < nt; i++)
		ck_assert_str_eq(ta[i], tb[i]);
	for (int f = 0; f < PXAP_NFACETS; f++) {
		ck_assert_uint_eq(pxap_results_facet_count(a, f), pxap_results_facet_count(b, f));
		for (size_t i = 0; i < pxap_results_facet_count(a, f); i++) {
			ck_assert_str_eq(pxap_results_facet_name(a, f, i), pxap_results_facet_name(b, f, i));
			ck_assert_uint_eq(pxap_results_facet_freq(a, f, i), pxap_results_facet_freq(b, f, i));
		}
	}
}

static pxap_results *run(const struct pxap_query *pq)
{
	pxap_results *res = pxap_search(r, pq, err, sizeof err);
	ck_assert_msg(res != NULL, "search '%s': %s", pq->q ? pq->q : "(null)", err);
	if (cached) {
		/* Asked again at once: answered from the cache, the same. */
		unsigned long hits = pxap_reader_cache_hits(r);
		pxap_results *again = pxap_search(r, pq, err, sizeof err);
		ck_assert_msg(again != NULL, "search '%s' again: %s", pq->q ? pq->q : "(null)", err);
		ck_assert_uint_eq(pxap_reader_cache_hits(r), hits + 1);
		assert_same(res, again);
		pxap_results_free(res);
		res = again;
	}
	return res;
}

/* Total matches of the query. */
static size_t total(struct pxap_query pq)
{
	pxap_results *res = run(&pq);
	size_t n = pxap_results_total(res);
	pxap_results_free(res);
	return n;
}

static int has_id(const pxap_results *res, const char *id)
{
	for (size_t i = 0; i < pxap_results_count(res); i++)
		if (strcmp(pxap_results_id(res, i), id) == 0)
			return 1;
	return 0;
}

/* Frequency of a facet value, 0 when absent. */
static size_t facet(const pxap_results *res, int f, const char *name)
{
	for (size_t i = 0; i < pxap_results_facet_count(res, f); i++)
		if (strcmp(pxap_results_facet_name(res, f, i), name) == 0)
			return pxap_results_facet_freq(res, f, i);
	return 0;
}

START_TEST(test_chinese_word)
{
	struct pxap_query pq = everything("清洁生产");
	pxap_results *res = run(&pq);
	ck_assert_uint_eq(pxap_results_total(res), 3);
	ck_assert(has_id(res, "d1"));
	ck_assert(has_id(res, "d3"));
	ck_assert(has_id(res, "d5"));
	pxap_results_free(res);

	pq = everything("节水");
	res = run(&pq);
	ck_assert_uint_eq(pxap_results_total(res), 1);
	ck_assert_str_eq(pxap_results_id(res, 0), "d2");
	ck_assert(pxap_results_score(res, 0) > 0 && pxap_results_score(res, 0) <= 100);
	pxap_results_free(res);

	/* Body-only word, and a single character. */
	ck_assert_uint_eq(total(everything("中水")), 1);
	ck_assert_uint_eq(total(everything("审")), 1);
	ck_assert_uint_eq(total(everything("北京市")), 2);
}
END_TEST

START_TEST(test_absent_word)
{
	ck_assert_uint_eq(total(everything("不存在")), 0);
	ck_assert_uint_eq(total(everything("zebra")), 0);
	/* Characters present, but never adjacent: the bigram is missing. */
	ck_assert_uint_eq(total(everything("水洁")), 0);
}
END_TEST

START_TEST(test_and_narrows)
{
	ck_assert_uint_eq(total(everything("清洁生产 指南")), 1);
	ck_assert_uint_eq(total(everything("北京市")), 2);
	ck_assert_uint_eq(total(everything("北京市 医院")), 1);
	ck_assert_uint_eq(total(everything("steel plant")), 1);
	ck_assert_uint_eq(total(everything("coal guide")), 0);
	ck_assert_uint_eq(total(everything("coal OR guide")), 2);
	ck_assert_uint_eq(total(everything("energy OR 节水")), 2);
	ck_assert_uint_eq(total(everything("清洁生产 -budget")), 2);
	ck_assert_uint_eq(total(everything("NOT budget")), NDOCS - 1);
	/* No stemming: "audit" does not match "audits". */
	ck_assert_uint_eq(total(everything("audit")), 1);
}
END_TEST

START_TEST(test_title_prefix)
{
	ck_assert_uint_eq(total(everything("title:节水")), 1);
	ck_assert_uint_eq(total(everything("title:中水")), 0);
	ck_assert_uint_eq(total(everything("title:guide")), 1);
}
END_TEST

START_TEST(test_title_weight_with_or)
{
	/* "zinc" five times in the first body; once in the second, but also
	 * in its title. Without the title's own weight the first would
	 * rank first. Words ORed (as the search layer sends plain words)
	 * must get the title weight too: once they did not, because the
	 * title part read "OR" as a word every title lacked. */
	static const char body_a[] = "zinc zinc zinc zinc zinc rinse water";
	static const char body_b[] = "zinc rinse water";
	struct pxap_doc a = { .id = "ta", .title = "annual notes", .body = body_a,
		.body_len = sizeof body_a - 1, .access = pub, .naccess = 1 };
	struct pxap_doc b = { .id = "tb", .title = "zinc notes", .body = body_b,
		.body_len = sizeof body_b - 1, .access = pub, .naccess = 1 };
	ck_assert_int_eq(pxap_writer_put(w, &a, err, sizeof err), 0);
	ck_assert_int_eq(pxap_writer_put(w, &b, err, sizeof err), 0);
	ck_assert_int_eq(pxap_writer_commit(w, err, sizeof err), 0);
	static const char *const queries[] = { "zinc", "zinc OR rinse", "rinse OR zinc" };
	for (size_t i = 0; i < 3; i++) {
		struct pxap_query pq = everything(queries[i]);
		pxap_results *res = run(&pq);
		ck_assert_uint_eq(pxap_results_total(res), 2);
		ck_assert_msg(strcmp(pxap_results_id(res, 0), "tb") == 0, "'%s': %s first",
			      queries[i], pxap_results_id(res, 0));
		pxap_results_free(res);
	}
}
END_TEST

START_TEST(test_phrase)
{
	ck_assert_uint_eq(total(everything("\"清洁生产审核\"")), 1);
	ck_assert_uint_eq(total(everything("\"steel plant\"")), 1);
	ck_assert_uint_eq(total(everything("\"plant steel\"")), 0);
}
END_TEST

START_TEST(test_access_filter)
{
	ck_assert_uint_eq(total(everything("")), NDOCS);
	ck_assert_uint_eq(total(everything(NULL)), NDOCS);
	ck_assert_uint_eq(total(public_only("")), 4);
	ck_assert_uint_eq(total(public_only("清洁生产")), 2);
	ck_assert_uint_eq(total(public_only("budget")), 0);

	struct pxap_query pq = everything("");
	pq.all_access = 0;
	pq.access = u7;
	pq.naccess = 1;
	ck_assert_uint_eq(total(pq), 2);

	/* No groups: nothing at all, and no facets either. */
	pq.naccess = 0;
	pxap_results *res = run(&pq);
	ck_assert_uint_eq(pxap_results_total(res), 0);
	ck_assert_uint_eq(pxap_results_count(res), 0);
	ck_assert_uint_eq(pxap_results_facet_count(res, 0), 0);
	pxap_results_free(res);

	/* Facets count only what the filter lets through. */
	pq = public_only("");
	res = run(&pq);
	ck_assert_uint_eq(facet(res, 0, "memo"), 0);
	ck_assert_uint_eq(facet(res, 0, "report"), 2);
	ck_assert_uint_eq(facet(res, 1, "chemical"), 2);
	ck_assert_uint_eq(facet(res, 2, "2016"), 1);
	ck_assert(!has_id(res, "d3"));
	pxap_results_free(res);
}
END_TEST

START_TEST(test_field_filters)
{
	struct pxap_query pq = everything("");
	pq.doc_type = "report";
	ck_assert_uint_eq(total(pq), 2);
	pq.year = "2014";
	pxap_results *res = run(&pq);
	ck_assert_uint_eq(pxap_results_total(res), 1);
	ck_assert_str_eq(pxap_results_id(res, 0), "d1");
	pxap_results_free(res);

	pq = everything("");
	pq.year = "2016";
	ck_assert_uint_eq(total(pq), 2);
	pq = everything("清洁生产");
	pq.sector = "chemical";
	ck_assert_uint_eq(total(pq), 3);
	pq.sector = "steel";
	ck_assert_uint_eq(total(pq), 0);
	pq = everything("");
	pq.case_id = "audit:12";
	ck_assert_uint_eq(total(pq), 2);
	pq.case_id = "audit:13";
	ck_assert_uint_eq(total(pq), 1);
	/* An empty filter is no filter. */
	pq = everything("");
	pq.doc_type = "";
	ck_assert_uint_eq(total(pq), NDOCS);

	/* The same filters typed into the query. */
	ck_assert_uint_eq(total(everything("type:report")), 2);
	ck_assert_uint_eq(total(everything("type:report year:2015")), 1);
	ck_assert_uint_eq(total(everything("case:audit:13")), 1);
	ck_assert_uint_eq(total(everything("sector:chemical 清洁生产")), 3);
	ck_assert_uint_eq(total(public_only("sector:chemical 清洁生产")), 2);
}
END_TEST

START_TEST(test_replace)
{
	struct pxap_doc d = docs[0];
	d.title = "更新后的标题";
	d.body = "新的正文";
	d.body_len = strlen(d.body);
	ck_assert_int_eq(pxap_writer_put(w, &d, err, sizeof err), 0);
	ck_assert_int_eq(pxap_writer_put(w, &d, err, sizeof err), 0);
	ck_assert_int_eq(pxap_writer_commit(w, err, sizeof err), 0);

	ck_assert_int_eq(pxap_reader_doccount(r, err, sizeof err), NDOCS);
	struct pxap_query pq = everything("更新");
	pxap_results *res = run(&pq);
	ck_assert_uint_eq(pxap_results_total(res), 1);
	ck_assert_str_eq(pxap_results_id(res, 0), "d1");
	pxap_results_free(res);
	ck_assert_uint_eq(total(everything("审核")), 0);
	ck_assert_uint_eq(total(everything("清洁生产")), 2);
}
END_TEST

START_TEST(test_delete)
{
	ck_assert_int_eq(pxap_writer_delete(w, "d2", err, sizeof err), 0);
	ck_assert_int_eq(pxap_writer_delete(w, "no-such-id", err, sizeof err), 0);
	ck_assert_int_eq(pxap_writer_commit(w, err, sizeof err), 0);
	ck_assert_int_eq(pxap_reader_doccount(r, err, sizeof err), NDOCS - 1);
	ck_assert_uint_eq(total(everything("节水")), 0);
	ck_assert_uint_eq(total(everything("")), NDOCS - 1);
}
END_TEST

/* A search host reads a public document's record by id, and nothing of a
 * document outside the group it asks for (pxap_document_record). */
START_TEST(test_document_record)
{
	struct pxap_doc d6 = { .id = "d6", .title = "公开", .access = pub, .naccess = 1,
			       .record = "R6\0x", .record_len = 4 };
	struct pxap_doc d7 = { .id = "d7", .title = "受限", .access = u7, .naccess = 1,
			       .record = "R7", .record_len = 2 };
	ck_assert_int_eq(pxap_writer_put(w, &d6, err, sizeof err), 0);
	ck_assert_int_eq(pxap_writer_put(w, &d7, err, sizeof err), 0);
	ck_assert_int_eq(pxap_writer_commit(w, err, sizeof err), 0);
	char *rec;
	size_t len;
	ck_assert_int_eq(pxap_document_record(r, "d6", "public", &rec, &len, err, sizeof err), 1);
	ck_assert_uint_eq(len, 4);
	ck_assert_int_eq(memcmp(rec, "R6\0x", 5), 0);	/* NUL-terminated too */
	free(rec);
	ck_assert_int_eq(pxap_document_record(r, "d7", "public", &rec, &len, err, sizeof err), 0);
	ck_assert_ptr_null(rec);
	ck_assert_int_eq(pxap_document_record(r, "d7", "u:7", &rec, &len, err, sizeof err), 1);
	ck_assert_str_eq(rec, "R7");
	free(rec);
	/* no record (an index older than records), no such document */
	ck_assert_int_eq(pxap_document_record(r, "d1", "public", &rec, &len, err, sizeof err), 0);
	ck_assert_int_eq(pxap_document_record(r, "d9", "public", &rec, &len, err, sizeof err), 0);
}
END_TEST

START_TEST(test_paging)
{
	const char *seen[NDOCS] = { 0 };
	size_t nseen = 0;
	for (size_t off = 0; off < NDOCS + 2; off += 2) {
		struct pxap_query pq = everything("");
		pq.offset = off;
		pq.limit = 2;
		pxap_results *res = run(&pq);
		ck_assert_uint_eq(pxap_results_total(res), NDOCS);
		size_t want = off >= NDOCS ? 0 : (NDOCS - off < 2 ? NDOCS - off : 2);
		ck_assert_uint_eq(pxap_results_count(res), want);
		for (size_t i = 0; i < pxap_results_count(res); i++) {
			const char *id = pxap_results_id(res, i);
			for (size_t j = 0; j < nseen; j++)
				ck_assert_str_ne(seen[j], id);
			/* ids point at static test data, so they outlive res */
			for (size_t j = 0; j < NDOCS; j++)
				if (strcmp(docs[j].id, id) == 0)
					seen[nseen++] = docs[j].id;
		}
		ck_assert_ptr_null(pxap_results_id(res, pxap_results_count(res)));
		pxap_results_free(res);
	}
	ck_assert_uint_eq(nseen, NDOCS);

	/* Limit 0 still counts and facets everything. */
	struct pxap_query pq = everything("");
	pq.limit = 0;
	pxap_results *res = run(&pq);
	ck_assert_uint_eq(pxap_results_total(res), NDOCS);
	ck_assert_uint_eq(pxap_results_count(res), 0);
	ck_assert_uint_eq(facet(res, 1, "chemical"), 3);
	pxap_results_free(res);
}
END_TEST

START_TEST(test_estimated_beyond_exact_limit)
{
	/* 2,400 more documents: "alpha" in every one, "beta" in every third,
	 * sector "a" or "b" alternately. A query matching them all goes past
	 * the exact limit (1,000): the total is an estimate and says so, and
	 * the facet counts are scaled to about the right size. A narrow
	 * query stays exact. */
	enum { MORE = 2400 };
	char ids[MORE][16], bodies[MORE][64];
	for (int i = 0; i < MORE; i++) {
		snprintf(ids[i], sizeof ids[i], "m%d", i);
		snprintf(bodies[i], sizeof bodies[i], "alpha %s gamma%d", i % 3 == 0 ? "beta" : "delta", i);
		struct pxap_doc d = { .id = ids[i], .title = "bulk", .body = bodies[i],
			.body_len = strlen(bodies[i]), .sector = i % 2 ? "a" : "b",
			.access = pub, .naccess = 1 };
		ck_assert_msg(pxap_writer_put(w, &d, err, sizeof err) == 0, "put: %s", err);
	}
	ck_assert_int_eq(pxap_writer_commit(w, err, sizeof err), 0);

	struct pxap_query pq = everything("alpha OR beta");
	pq.limit = 10;
	pxap_results *res = run(&pq);
	ck_assert_int_eq(pxap_results_exact(res), 0);
	size_t t = pxap_results_total(res);
	ck_assert_msg(t >= 1000 && t <= 2 * MORE, "estimate %zu", t);
	size_t fa = facet(res, 1, "a"), fb = facet(res, 1, "b");
	ck_assert_msg(fa > 500 && fb > 500 && fa + fb >= 1000, "scaled facets a=%zu b=%zu", fa, fb);
	pxap_results_free(res);

	pq = everything("gamma17");
	res = run(&pq);
	ck_assert_int_eq(pxap_results_exact(res), 1);
	ck_assert_uint_eq(pxap_results_total(res), 1);
	pxap_results_free(res);

	/* Few enough matches: exact. */
	pq = everything("清洁生产");
	res = run(&pq);
	ck_assert_int_eq(pxap_results_exact(res), 1);
	pxap_results_free(res);
}
END_TEST

/* Within pct percent of want. */
static int near(size_t got, size_t want, unsigned pct)
{
	size_t slack = want * pct / 100;
	return got + slack >= want && got <= want + slack;
}

START_TEST(test_estimate_spans_the_whole_index)
{
	/* 6,000 more documents in upload order: the first half from 2014,
	 * the second from 2015, and eight kinds of document in turn, as a
	 * case's documents arrive. "kappa" and "lambda" occur together, in
	 * every other document (3,000), as the n-grams of a Chinese word do.
	 * The estimated total must not assume the two words independent
	 * (that says 1,500), the year counts must not come from the oldest
	 * matches only (that says no 2015), and the kinds must not follow
	 * the upload order's rhythm (a sample of every 16th docid sees one
	 * kind). Every 50th document has the words in its title too, so
	 * the best matches outweigh the rest and Xapian stops examining
	 * matches early. */
	enum { MORE = 6000, MATCHES = MORE / 2 };
	static char ids[MORE][16], bodies[MORE][32];
	static const char *const kinds[8] = { "k0", "k1", "k2", "k3", "k4", "k5", "k6", "k7" };
	for (int i = 0; i < MORE; i++) {
		snprintf(ids[i], sizeof ids[i], "e%d", i);
		snprintf(bodies[i], sizeof bodies[i], "%s", i % 2 == 0 ? "kappa lambda" : "nu");
		struct pxap_doc d = { .id = ids[i], .title = i % 50 ? "bulk" : "kappa lambda",
			.body = bodies[i], .body_len = strlen(bodies[i]), .doc_type = kinds[(i / 2) % 8],
			.year = i < MORE / 2 ? "2014" : "2015", .access = pub, .naccess = 1 };
		ck_assert_msg(pxap_writer_put(w, &d, err, sizeof err) == 0, "put: %s", err);
	}
	ck_assert_int_eq(pxap_writer_commit(w, err, sizeof err), 0);

	struct pxap_query pq = public_only("kappa lambda");
	pq.limit = 10;
	pxap_results *res = run(&pq);
	ck_assert_int_eq(pxap_results_exact(res), 0);
	ck_assert_uint_eq(pxap_results_count(res), 10);
	size_t total = pxap_results_total(res);
	ck_assert_msg(near(total, MATCHES, 10), "total %zu, want about %d", total, MATCHES);
	size_t y14 = facet(res, 2, "2014"), y15 = facet(res, 2, "2015");
	ck_assert_msg(near(y14, MATCHES / 2, 20) && near(y15, MATCHES / 2, 20),
		"years 2014: %zu, 2015: %zu, want about %d each", y14, y15, MATCHES / 2);
	for (int k = 0; k < 8; k++) {
		size_t n = facet(res, 0, kinds[k]);
		ck_assert_msg(near(n, MATCHES / 8, 40), "kind %s: %zu, want about %d", kinds[k], n, MATCHES / 8);
	}
	pxap_results_free(res);

	/* Every match counted when asked (bench/count-check): exact. */
	pq.count_all = 1;
	res = run(&pq);
	ck_assert_int_eq(pxap_results_exact(res), 1);
	ck_assert_uint_eq(pxap_results_total(res), MATCHES);
	ck_assert_uint_eq(facet(res, 2, "2014"), MATCHES / 2);
	ck_assert_uint_eq(facet(res, 2, "2015"), MATCHES / 2);
	pxap_results_free(res);
	pq.count_all = 0;

	/* As a phrase: counted on a sparser sample, still about right. */
	pq.q = "\"kappa lambda\"";
	res = run(&pq);
	ck_assert_int_eq(pxap_results_exact(res), 0);
	total = pxap_results_total(res);
	ck_assert_msg(near(total, MATCHES, 15), "phrase total %zu, want about %d", total, MATCHES);
	pxap_results_free(res);

	/* Narrowed below the exact limit by a filter: counted exactly. */
	pq.q = "kappa lambda";
	pq.year = "2015";
	pq.doc_type = "k3";
	res = run(&pq);
	ck_assert_int_eq(pxap_results_exact(res), 1);
	ck_assert_uint_eq(pxap_results_total(res), MATCHES / 2 / 8);
	ck_assert_uint_eq(facet(res, 2, "2015"), MATCHES / 2 / 8);
	pxap_results_free(res);
}
END_TEST

START_TEST(test_sort_by_date)
{
	static const char *const newest_first[] = { "d3", "d2", "d4", "d5", "d1" };
	struct pxap_query pq = everything("");
	pq.sort_by_date = 1;
	pxap_results *res = run(&pq);
	ck_assert_uint_eq(pxap_results_count(res), NDOCS);
	for (size_t i = 0; i < NDOCS; i++)
		ck_assert_str_eq(pxap_results_id(res, i), newest_first[i]);
	pxap_results_free(res);

	/* With a text query and paging. */
	pq = everything("清洁生产");
	pq.sort_by_date = 1;
	pq.offset = 1;
	pq.limit = 1;
	res = run(&pq);
	ck_assert_uint_eq(pxap_results_total(res), 3);
	ck_assert_str_eq(pxap_results_id(res, 0), "d5");
	pxap_results_free(res);
}
END_TEST

/* A snippet of text for the query of res, as search.c makes it. */
static const char *snip(pxap_results *res, const char *text, size_t len, size_t max)
{
	const char *const *terms;
	size_t n = pxap_results_terms(res, &terms);
	return snippet_html(arena, terms, n, text, len, max);
}

START_TEST(test_snippet_cjk)
{
	struct pxap_query pq = everything("节水");
	pxap_results *res = run(&pq);
	ck_assert_uint_eq(pxap_results_count(res), 1);
	const char *s = snip(res, D2_BODY, strlen(D2_BODY), 200);
	ck_assert_ptr_nonnull(strstr(s, "医院<mark>节水</mark>改造"));
	ck_assert_ptr_nonnull(strstr(s, "年<mark>节水</mark>三万吨"));
	/* The 水 of 中水 is only part of the query word: not marked. */
	ck_assert_ptr_nonnull(strstr(s, "中水回用"));
	const char *s2 = snip(res, docs[1].title, strlen(docs[1].title), 200);
	ck_assert_ptr_nonnull(strstr(s2, "<mark>节水</mark>"));
	/* The first snippet is still valid after the second. */
	ck_assert_ptr_nonnull(strstr(s, "<mark>节水</mark>"));
	/* Prefixed (field) terms are not text terms, so a title:
	 * search yields the text unmarked (but still a snippet). */
	pxap_results_free(res);
	pq = everything("title:节水");
	res = run(&pq);
	ck_assert_uint_eq(pxap_results_count(res), 1);
	s = snip(res, docs[1].title, strlen(docs[1].title), 200);
	ck_assert_str_eq(s, "北京市医院节水改造");
	/* No text: empty, never NULL. */
	ck_assert_str_eq(snip(res, NULL, 0, 200), "");
	pxap_results_free(res);
}
END_TEST

/* Synonym groups (pxap_query.synonyms) match as one term: either form
 * finds the documents of both; a group the query does not have matches
 * nothing; the title's extra weight reads them too. */
START_TEST(test_synonym_group)
{
	static const char *const groups[] = { "节能降耗\t节水" };
	struct pxap_query pq = everything("syn:0");
	pq.synonyms = groups;
	pq.nsynonyms = 1;
	pxap_results *res = run(&pq);
	ck_assert_uint_eq(pxap_results_count(res), 2);
	ck_assert(has_id(res, "d1") && has_id(res, "d2"));
	/* the title (北京市医院节水改造) weighs: d2 first */
	ck_assert_str_eq(pxap_results_id(res, 0), "d2");
	/* the snippet marks every form */
	const char *s = snip(res, D1_BODY, strlen(D1_BODY), 200);
	ck_assert_ptr_nonnull(strstr(s, "<mark>节能降耗</mark>"));
	pxap_results_free(res);
	pq = everything("syn:1");
	pq.synonyms = groups;
	pq.nsynonyms = 1;
	ck_assert_uint_eq(total(pq), 0);
	pq = everything("syn:0");	/* no groups given */
	ck_assert_uint_eq(total(pq), 0);
}
END_TEST

/* Terms are simplified (the query is folded like the index), the stored
 * text is as written: a traditional text is found and marked in its own
 * characters. */
START_TEST(test_snippet_traditional)
{
	static const char *const terms[] = { "环境", "境保", "保护" };
	static const char text[] = "本報告說明企業的環境保護措施與節能成效。";
	const char *s = snippet_html(arena, terms, 3, text, sizeof text - 1, 200);
	ck_assert_msg(strstr(s, "企業的<mark>環境保護</mark>措施") != NULL, "snippet: %s", s);
}
END_TEST

/* The index records the version of its term scheme. */
START_TEST(test_format)
{
	ck_assert_int_eq(pxap_format(dir, err, sizeof err), 0);
	ck_assert_int_eq(pxap_writer_set_format(w, 2, err, sizeof err), 0);
	ck_assert_int_eq(pxap_writer_commit(w, err, sizeof err), 0);
	ck_assert_int_eq(pxap_format(dir, err, sizeof err), 2);
	ck_assert_int_eq(pxap_format("/nonexistent/index", err, sizeof err), -1);
}
END_TEST

START_TEST(test_snippet_cjk_single)
{
	/* A one-character query word is marked wherever it occurs. */
	struct pxap_query pq = everything("水");
	pxap_results *res = run(&pq);
	ck_assert_uint_eq(pxap_results_count(res), 1);
	const char *s = snip(res, D2_BODY, strlen(D2_BODY), 200);
	ck_assert_ptr_nonnull(strstr(s, "节<mark>水</mark>改造"));
	ck_assert_ptr_nonnull(strstr(s, "中<mark>水</mark>回用"));
	pxap_results_free(res);

	/* A quoted phrase is marked as one run. */
	pq = everything("\"清洁生产审核\"");
	res = run(&pq);
	ck_assert_uint_eq(pxap_results_count(res), 1);
	s = snip(res, D1_BODY, strlen(D1_BODY), 300);
	ck_assert_ptr_nonnull(strstr(s, "<mark>清洁生产审核</mark>"));
	pxap_results_free(res);

	/* A small budget still yields a snippet around the match. */
	pq = everything("节能");
	res = run(&pq);
	s = snip(res, D1_BODY, strlen(D1_BODY), 30);
	ck_assert_ptr_nonnull(strstr(s, "<mark>节能</mark>"));
	ck_assert(strlen(s) < strlen(D1_BODY));
	pxap_results_free(res);
}
END_TEST

START_TEST(test_snippet_long_text)
{
	/* The query word only occurs deep in a long text: the snippet is
	 * cut from around it (Xapian is handed a window, not the whole
	 * text), starts with an ellipsis, and marks the word. Characters of
	 * the query that merely stand next to each other (产生 for
	 * 清洁生产) are not marked. */
	struct buf t = BUF_INIT;
	for (int i = 0; i < 400; i++)
		buf_puts(&t, "与本项目无关的填充文字，产生了一些废液。");
	buf_puts(&t, "本章介绍某医院的清洁生产审核成果。");
	for (int i = 0; i < 50; i++)
		buf_puts(&t, "结尾的其他文字。");
	struct pxap_query pq = everything("清洁生产");
	pxap_results *res = run(&pq);
	const char *s = snip(res, buf_str(&t), t.len, 200);
	ck_assert_ptr_nonnull(strstr(s, "<mark>清洁生产</mark>审核"));
	ck_assert_int_eq(strncmp(s, "\xe2\x80\xa6", 3), 0);
	ck_assert_ptr_null(strstr(s, "<mark>产生</mark>"));
	ck_assert_ptr_null(strstr(s, "<mark>产</mark>"));
	ck_assert(strlen(s) < 1000);
	pxap_results_free(res);
	buf_free(&t);
}
END_TEST

START_TEST(test_snippet_escapes)
{
	struct pxap_query pq = everything("budget");
	pxap_results *res = run(&pq);
	ck_assert_uint_eq(pxap_results_count(res), 1);
	const char *s = snip(res, D3_BODY, strlen(D3_BODY), 300);
	ck_assert_ptr_nonnull(strstr(s, "<mark>budget</mark>"));
	ck_assert_ptr_null(strstr(s, "<script"));
	ck_assert_ptr_nonnull(strstr(s, "&lt;script&gt;"));
	ck_assert_ptr_nonnull(strstr(s, "&amp;"));
	pxap_results_free(res);

	/* Match-all has nothing to highlight but still escapes. */
	pq = everything("");
	res = run(&pq);
	s = snip(res, D3_BODY, strlen(D3_BODY), 300);
	ck_assert_ptr_null(strstr(s, "<script"));
	ck_assert_ptr_null(strstr(s, "<mark>"));
	ck_assert_ptr_nonnull(strstr(s, "&lt;script&gt;"));
	pxap_results_free(res);
}
END_TEST

START_TEST(test_facets)
{
	struct pxap_query pq = everything("");
	pxap_results *res = run(&pq);
	/* doc_type: count descending, then name. */
	static const char *const types[] = { "report", "case", "guide", "memo" };
	static const size_t type_freq[] = { 2, 1, 1, 1 };
	ck_assert_uint_eq(pxap_results_facet_count(res, 0), 4);
	for (size_t i = 0; i < 4; i++) {
		ck_assert_str_eq(pxap_results_facet_name(res, 0, i), types[i]);
		ck_assert_uint_eq(pxap_results_facet_freq(res, 0, i), type_freq[i]);
	}
	ck_assert_str_eq(pxap_results_facet_name(res, 1, 0), "chemical");
	ck_assert_uint_eq(pxap_results_facet_freq(res, 1, 0), 3);
	static const char *const years[] = { "2014", "2016", "2015" };
	ck_assert_uint_eq(pxap_results_facet_count(res, 2), 3);
	for (size_t i = 0; i < 3; i++)
		ck_assert_str_eq(pxap_results_facet_name(res, 2, i), years[i]);
	/* Out of range. */
	ck_assert_uint_eq(pxap_results_facet_count(res, 3), 0);
	ck_assert_ptr_null(pxap_results_facet_name(res, 0, 4));
	pxap_results_free(res);

	/* Facets follow the query, not just the page. */
	pq = everything("清洁生产");
	pq.limit = 1;
	res = run(&pq);
	ck_assert_uint_eq(facet(res, 1, "chemical"), 3);
	ck_assert_uint_eq(facet(res, 0, "memo"), 1);
	ck_assert_uint_eq(facet(res, 0, "case"), 0);
	pxap_results_free(res);
}
END_TEST

START_TEST(test_broken_syntax)
{
	static const char *const queries[] = {
		"\"清洁生产", "(节水", "节水 AND", "AND", "NOT", "a OR", "\"", ")", "-",
		"title:", "type:", "*", "((((", "\"\"\"", "清洁生产 +", "\xff\xfe",
	};
	for (size_t i = 0; i < sizeof queries / sizeof queries[0]; i++) {
		struct pxap_query pq = everything(queries[i]);
		pxap_results *res = pxap_search(r, &pq, err, sizeof err);
		ck_assert_msg(res != NULL, "query '%s' failed: %s", queries[i], err);
		pxap_results_free(res);
	}
	/* Unbalanced quote still finds the words. */
	ck_assert_uint_eq(total(everything("\"清洁生产")), 3);
	ck_assert_uint_eq(total(everything("(节水")), 1);
}
END_TEST

START_TEST(test_reader_sees_commit)
{
	ck_assert_uint_eq(total(everything("钢铁")), 0);
	struct pxap_doc d = {
		.id = "d6", .title = "钢铁企业能效", .doc_type = "report", .year = "2017",
		.date = 1500000000, .access = pub, .naccess = 1,
	};
	ck_assert_int_eq(pxap_writer_put(w, &d, err, sizeof err), 0);
	/* Not committed yet: invisible. */
	ck_assert_uint_eq(total(everything("钢铁")), 0);
	ck_assert_int_eq(pxap_writer_commit(w, err, sizeof err), 0);
	ck_assert_uint_eq(total(public_only("钢铁")), 1);
	ck_assert_int_eq(pxap_reader_doccount(r, err, sizeof err), NDOCS + 1);

	/* Facets follow each commit (they are read once per revision). */
	struct pxap_query pq = everything("");
	pxap_results *res = run(&pq);
	ck_assert_uint_eq(facet(res, 0, "report"), 3);
	ck_assert_uint_eq(facet(res, 2, "2017"), 1);
	pxap_results_free(res);
	d.year = "2018";
	d.doc_type = "case";
	ck_assert_int_eq(pxap_writer_put(w, &d, err, sizeof err), 0);
	ck_assert_int_eq(pxap_writer_commit(w, err, sizeof err), 0);
	res = run(&pq);
	ck_assert_uint_eq(facet(res, 0, "report"), 2);
	ck_assert_uint_eq(facet(res, 0, "case"), 2);
	ck_assert_uint_eq(facet(res, 2, "2017"), 0);
	ck_assert_uint_eq(facet(res, 2, "2018"), 1);
	pxap_results_free(res);
}
END_TEST

/* Build an index holding only n1 ("重建索引") with `commits` commits (so
 * its revision number is `commits`), and rename it into the fixture's
 * place as a rebuild does; the old one goes to `old` (the caller removes
 * it when done). The fixture's writer, which holds the old index, is
 * closed. */
static void swap_in_rebuilt_index(int commits, char *old, size_t oldlen)
{
	char fresh[sizeof dir + 8];
	snprintf(fresh, sizeof fresh, "%s.new", dir);
	snprintf(old, oldlen, "%s.old", dir);
	pxap_writer *w2 = pxap_writer_open(fresh, err, sizeof err);
	ck_assert_msg(w2 != NULL, "writer: %s", err);
	struct pxap_doc d = { .id = "n1", .title = "重建索引", .access = pub, .naccess = 1 };
	for (int i = 0; i < commits; i++) {
		ck_assert_int_eq(pxap_writer_put(w2, &d, err, sizeof err), 0);
		ck_assert_int_eq(pxap_writer_commit(w2, err, sizeof err), 0);
	}
	pxap_writer_close(w2);
	pxap_writer_close(w);
	w = NULL;
	ck_assert_int_eq(rename(dir, old), 0);
	ck_assert_int_eq(rename(fresh, dir), 0);
}

START_TEST(test_reader_sees_rebuild)
{
	/* An index rebuilt elsewhere and renamed into place, with a revision
	 * no newer than the one the reader has open. */
	char old[sizeof dir + 8];
	ck_assert_uint_eq(total(everything("")), NDOCS);
	swap_in_rebuilt_index(1, old, sizeof old);
	ck_assert_uint_eq(total(everything("")), 1);
	ck_assert_uint_eq(total(everything("重建")), 1);
	ck_assert_int_eq(pxap_reader_doccount(r, err, sizeof err), 1);
	/* Same revision number as the old index, other documents: the
	 * facets must come from the new one (n1 has none). */
	struct pxap_query pq = everything("");
	pxap_results *res = run(&pq);
	for (int f = 0; f < 5; f++)
		ck_assert_uint_eq(pxap_results_facet_count(res, f), 0);
	pxap_results_free(res);
	nftw(old, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}
END_TEST

/* A search host's replica: a directory whose stub file XAPIANDB names the
 * live copy (xapian-replicate writes replica_N and replaces the stub when
 * a whole new copy arrives); the reader follows the stub to the new copy,
 * even while the old one is still on disk. */
START_TEST(test_reader_follows_replica_stub)
{
	char rep[sizeof dir + 16], sub[sizeof dir + 32], stub[sizeof dir + 32], tmp[sizeof dir + 40];
	snprintf(rep, sizeof rep, "%s.rep", dir);
	ck_assert_int_eq(mkdir(rep, 0700), 0);
	const char *const ids[2] = { "r0", "r1" };
	for (int i = 0; i < 2; i++) {
		snprintf(sub, sizeof sub, "%s/replica_%d", rep, i);
		pxap_writer *rw = pxap_writer_open(sub, err, sizeof err);
		ck_assert_msg(rw != NULL, "writer: %s", err);
		struct pxap_doc d = { .id = ids[i], .title = i ? "第二份副本" : "第一份副本", .access = pub, .naccess = 1 };
		ck_assert_int_eq(pxap_writer_put(rw, &d, err, sizeof err), 0);
		ck_assert_int_eq(pxap_writer_commit(rw, err, sizeof err), 0);
		pxap_writer_close(rw);
	}
	snprintf(stub, sizeof stub, "%s/XAPIANDB", rep);
	snprintf(tmp, sizeof tmp, "%s/XAPIANDB.tmp", rep);
	FILE *f = fopen(stub, "w");
	ck_assert_ptr_nonnull(f);
	fputs("auto replica_0\n", f);
	fclose(f);
	pxap_reader *rr = pxap_reader_open(rep, err, sizeof err);
	ck_assert_msg(rr != NULL, "reader: %s", err);
	struct pxap_query pq = { .q = "副本", .limit = 10, .all_access = 1 };
	pxap_results *res = pxap_search(rr, &pq, err, sizeof err);
	ck_assert_ptr_nonnull(res);
	ck_assert_str_eq(pxap_results_id(res, 0), "r0");
	pxap_results_free(res);
	f = fopen(tmp, "w");
	ck_assert_ptr_nonnull(f);
	fputs("auto replica_1\n", f);
	fclose(f);
	ck_assert_int_eq(rename(tmp, stub), 0);
	res = pxap_search(rr, &pq, err, sizeof err);
	ck_assert_ptr_nonnull(res);
	ck_assert_uint_eq(pxap_results_count(res), 1);
	ck_assert_str_eq(pxap_results_id(res, 0), "r1");
	pxap_results_free(res);
	pxap_reader_close(rr);
	nftw(rep, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}
END_TEST

START_TEST(test_epoch_follows_commit_and_rebuild)
{
	/* The epoch stays while the reader reads one revision, and changes
	 * with a commit and with an index renamed into place with a revision
	 * no newer (what the hit cache relies on, cache on or off). */
	ck_assert_uint_eq(total(everything("节水")), 1);
	unsigned long e1 = pxap_reader_epoch(r);
	ck_assert_uint_eq(total(everything("节水")), 1);
	ck_assert_uint_eq(pxap_reader_epoch(r), e1);
	static const char body[] = "宾馆节水器具改造。";
	struct pxap_doc d = { .id = "n2", .title = "宾馆节水", .body = body,
		.body_len = sizeof body - 1, .access = pub, .naccess = 1 };
	ck_assert_int_eq(pxap_writer_put(w, &d, err, sizeof err), 0);
	ck_assert_uint_eq(total(everything("节水")), 1);
	ck_assert_uint_eq(pxap_reader_epoch(r), e1);	/* not committed yet */
	ck_assert_int_eq(pxap_writer_commit(w, err, sizeof err), 0);
	ck_assert_uint_eq(total(everything("节水")), 2);
	unsigned long e2 = pxap_reader_epoch(r);
	ck_assert_uint_ne(e2, e1);
	ck_assert_uint_eq(pxap_reader_epoch(r), e2);

	/* Two commits: the same revision number as the old index (the
	 * fixture's commit and n2's), so only the reopening tells them apart. */
	char old[sizeof dir + 8];
	swap_in_rebuilt_index(2, old, sizeof old);
	ck_assert_uint_eq(total(everything("重建")), 1);
	ck_assert_uint_ne(pxap_reader_epoch(r), e2);
	nftw(old, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	ck_assert_uint_eq(pxap_reader_epoch(NULL), 0);
}
END_TEST

START_TEST(test_errors)
{
	struct pxap_doc d = { .title = "no id" };
	err[0] = '\0';
	ck_assert_int_eq(pxap_writer_put(w, &d, err, sizeof err), -1);
	ck_assert(err[0] != '\0');

	char big[400];
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	d.id = big;
	err[0] = '\0';
	ck_assert_int_eq(pxap_writer_put(w, &d, err, sizeof err), -1);
	ck_assert(err[0] != '\0');

	char missing[sizeof dir + 16];
	snprintf(missing, sizeof missing, "%s/missing", dir);
	err[0] = '\0';
	ck_assert_ptr_null(pxap_reader_open(missing, err, sizeof err));
	ck_assert(err[0] != '\0');

	/* A second writer on the same index is refused, not fatal. */
	err[0] = '\0';
	ck_assert_ptr_null(pxap_writer_open(dir, err, sizeof err));
	ck_assert(err[0] != '\0');

	/* A tiny err buffer is truncated, not overrun. */
	char tiny[4] = "abc";
	ck_assert_ptr_null(pxap_reader_open(missing, tiny, 2));
	ck_assert_uint_eq(strlen(tiny), 1);
	ck_assert_ptr_null(pxap_search(r, NULL, NULL, 0));
}
END_TEST


/* ---- industry/grade facets, year ranges, boosts, similar documents ---- */

#define S1_BODY "医院污水处理站提标改造，采用二氧化氯消毒，执行 GB 18466 医疗机构水污染物排放标准。"
#define S2_BODY "医院中水回用与污水处理改造，二氧化氯消毒工艺，出水达到排放标准。"
static const char *const s1_w[] = { "XNgb18466" };
static const unsigned s1_wdf[] = { 1 };
static const char *const s3_w[] = { "XNgb18466", "XNgb184662005" };
static const unsigned s3_wdf[] = { 12, 12 };

static void add_more(void)
{
	static const struct pxap_doc more[] = {
		{ .id = "s1", .title = "某医院污水处理改造审核报告", .body = S1_BODY, .body_len = sizeof S1_BODY - 1,
		  .industry = "医疗机构", .grade = "优秀", .year = "2013", .date = 1, .access = pub, .naccess = 1,
		  .enterprise = "北京某某医院", .wterms = s1_w, .wdfs = s1_wdf, .nwterms = 1 },
		{ .id = "s2", .title = "医院中水回用方案", .body = S2_BODY, .body_len = sizeof S2_BODY - 1,
		  .industry = "医疗机构", .grade = "良好", .year = "2012", .date = 2, .access = pub, .naccess = 1 },
		{ .id = "s3", .title = "医疗机构水污染物排放标准", .body = "标准正文。", .body_len = 15,
		  .industry = "医疗机构", .year = "2005", .date = 3, .access = pub, .naccess = 1,
		  .wterms = s3_w, .wdfs = s3_wdf, .nwterms = 2 },
		{ .id = "s4", .title = "医院污水处理保密资料", .body = S2_BODY, .body_len = sizeof S2_BODY - 1,
		  .industry = "医疗机构", .grade = "合格", .date = 4, .access = u7, .naccess = 1 },
	};
	for (size_t i = 0; i < sizeof more / sizeof more[0]; i++)
		ck_assert_msg(pxap_writer_put(w, &more[i], err, sizeof err) == 0, "put: %s", err);
	ck_assert_msg(pxap_writer_commit(w, err, sizeof err) == 0, "commit: %s", err);
}

START_TEST(test_industry_grade_facets)
{
	add_more();
	struct pxap_query pq = public_only("医院");
	pxap_results *res = run(&pq);
	ck_assert_uint_eq(facet(res, 3, "医疗机构"), 2);	/* s1, s2; s4 is hidden */
	ck_assert_uint_eq(facet(res, 4, "优秀"), 1);
	ck_assert_uint_eq(facet(res, 4, "合格"), 0);
	pxap_results_free(res);
	pq.grade = "良好";
	ck_assert_uint_eq(total(pq), 1);
	pq.grade = NULL;
	pq.q = "industry:医疗机构 二氧化氯";
	ck_assert_uint_eq(total(pq), 2);
	pq.q = "enterprise:北京某某医院";
	ck_assert_uint_eq(total(pq), 1);
}
END_TEST

START_TEST(test_year_range)
{
	add_more();
	struct pxap_query pq = public_only("year:2012..2013");
	ck_assert_uint_eq(total(pq), 2);
	pq.q = "year:2013..2016 医院";
	ck_assert_uint_eq(total(pq), 2);	/* s1 2013, d2 2016 */
}
END_TEST

START_TEST(test_boost_ranks_exact_term_first)
{
	add_more();
	static const char *const boost[] = { "XNgb18466" };
	struct pxap_query pq = public_only("医院 污水");
	pq.boost = boost;
	pq.nboost = 1;
	pxap_results *res = run(&pq);
	ck_assert_str_eq(pxap_results_id(res, 0), "s1");	/* the only one with both */
	ck_assert_uint_eq(pxap_results_total(res), 1);
	pxap_results_free(res);
	pq.q = "标准";
	res = run(&pq);
	ck_assert_str_eq(pxap_results_id(res, 0), "s3");	/* its own number weighs most */
	ck_assert(has_id(res, "s1"));
	pxap_results_free(res);
	pq.q = "";
	res = run(&pq);
	ck_assert_uint_eq(pxap_results_total(res), 2);
	ck_assert_str_eq(pxap_results_id(res, 0), "s3");
	pxap_results_free(res);
}
END_TEST

START_TEST(test_similar_respects_access)
{
	add_more();
	struct pxap_query pq = public_only(NULL);
	pxap_results *res = pxap_similar(r, "s2", &pq, err, sizeof err);
	ck_assert_msg(res != NULL, "similar: %s", err);
	ck_assert(!has_id(res, "s2"));
	ck_assert(has_id(res, "s1"));
	ck_assert(!has_id(res, "s4"));	/* near-identical, but not visible */
	ck_assert_uint_eq(facet(res, 4, "合格"), 0);
	pxap_results_free(res);
	struct pxap_query all = everything(NULL);
	res = pxap_similar(r, "s2", &all, err, sizeof err);
	ck_assert(has_id(res, "s4"));
	pxap_results_free(res);
	res = pxap_similar(r, "nope", &all, err, sizeof err);
	ck_assert_uint_eq(pxap_results_total(res), 0);
	pxap_results_free(res);
}
END_TEST


/* ---- the result cache ---------------------------------------------------- */

START_TEST(test_cache_keeps_access_apart)
{
	/* Everything first (d3 is u:7's), then the same words as a visitor:
	 * the visitor's search is its own, never the cached one. */
	pxap_reader_set_cache(r, 8);
	struct pxap_query all = everything("清洁生产");
	pxap_results *a = run(&all);
	ck_assert(has_id(a, "d3"));
	pxap_results_free(a);
	unsigned long hits = pxap_reader_cache_hits(r);
	struct pxap_query pub_q = public_only("清洁生产");
	pxap_results *p = run(&pub_q);
	ck_assert_uint_eq(pxap_reader_cache_hits(r), hits);
	ck_assert(!has_id(p, "d3"));
	ck_assert_uint_eq(facet(p, 0, "memo"), 0);
	pxap_results_free(p);
	/* Asked again, each gets its own answer from the cache. */
	a = run(&all);
	p = run(&pub_q);
	ck_assert_uint_eq(pxap_reader_cache_hits(r), hits + 2);
	ck_assert(has_id(a, "d3"));
	ck_assert(!has_id(p, "d3"));
	pxap_results_free(a);
	pxap_results_free(p);
}
END_TEST

START_TEST(test_cache_follows_commit)
{
	pxap_reader_set_cache(r, 8);
	struct pxap_query pq = everything("节水");
	ck_assert_uint_eq(total(pq), 1);
	ck_assert_uint_eq(total(pq), 1);
	unsigned long hits = pxap_reader_cache_hits(r);
	ck_assert_uint_eq(hits, 1);
	static const char body[] = "宾馆节水器具改造。";
	struct pxap_doc d = { .id = "n2", .title = "宾馆节水", .body = body,
		.body_len = sizeof body - 1, .access = pub, .naccess = 1 };
	ck_assert_int_eq(pxap_writer_put(w, &d, err, sizeof err), 0);
	/* Not committed: still the cached answer, which is right. */
	ck_assert_uint_eq(total(pq), 1);
	ck_assert_uint_eq(pxap_reader_cache_hits(r), hits + 1);
	ck_assert_int_eq(pxap_writer_commit(w, err, sizeof err), 0);
	ck_assert_uint_eq(total(pq), 2);
	ck_assert_uint_eq(pxap_reader_cache_hits(r), hits + 1);
}
END_TEST

START_TEST(test_cache_pages_apart)
{
	pxap_reader_set_cache(r, 8);
	struct pxap_query first = everything(""), second = everything("");
	first.limit = second.limit = 1;
	second.offset = 1;
	pxap_results *a = run(&first), *b = run(&second);
	ck_assert_uint_eq(pxap_reader_cache_hits(r), 0);
	ck_assert_str_ne(pxap_results_id(a, 0), pxap_results_id(b, 0));
	pxap_results_free(a);
	pxap_results_free(b);
	struct pxap_query by_date = first;
	by_date.sort_by_date = 1;
	a = run(&by_date);
	ck_assert_uint_eq(pxap_reader_cache_hits(r), 0);
	ck_assert_str_eq(pxap_results_id(a, 0), "d3");	/* the newest */
	pxap_results_free(a);
}
END_TEST

START_TEST(test_cache_counts_shared_by_pages)
{
	/* The counts are kept apart from pages: the next page and the other
	 * order are ranked again but not counted again, and show the same
	 * counts. Another caller's access, or a commit, counts afresh. */
	pxap_reader_set_cache(r, 8);
	struct pxap_query first = public_only("清洁生产");
	first.limit = 1;
	struct pxap_query second = first, by_date = first, other = first;
	second.offset = 1;
	by_date.sort_by_date = 1;
	other.access = pub_u7;
	other.naccess = 2;
	pxap_results *a = run(&first);
	ck_assert_uint_eq(pxap_reader_count_hits(r), 0);
	ck_assert_uint_eq(pxap_results_total(a), 2);
	pxap_results *b = run(&second), *c = run(&by_date);
	ck_assert_uint_eq(pxap_reader_count_hits(r), 2);
	ck_assert_uint_eq(pxap_reader_cache_hits(r), 0);
	ck_assert_str_ne(pxap_results_id(a, 0), pxap_results_id(b, 0));
	ck_assert_uint_eq(pxap_results_total(b), 2);
	ck_assert_uint_eq(pxap_results_total(c), 2);
	ck_assert_uint_eq(facet(b, 0, "report"), 1);
	ck_assert_uint_eq(facet(c, 0, "guide"), 1);
	ck_assert_uint_eq(facet(c, 0, "memo"), 0);
	pxap_results_free(a);
	pxap_results_free(b);
	pxap_results_free(c);

	/* u:7 sees the memo too. */
	a = run(&other);
	ck_assert_uint_eq(pxap_reader_count_hits(r), 2);
	ck_assert_uint_eq(pxap_results_total(a), 3);
	ck_assert_uint_eq(facet(a, 0, "memo"), 1);
	pxap_results_free(a);

	static const char body[] = "另一份清洁生产指南";
	struct pxap_doc d = { .id = "d6", .title = "指南", .body = body, .body_len = sizeof body - 1,
		.doc_type = "guide", .access = pub, .naccess = 1 };
	ck_assert_int_eq(pxap_writer_put(w, &d, err, sizeof err), 0);
	ck_assert_int_eq(pxap_writer_commit(w, err, sizeof err), 0);
	b = run(&second);
	ck_assert_uint_eq(pxap_reader_count_hits(r), 2);
	ck_assert_uint_eq(pxap_results_total(b), 3);
	ck_assert_uint_eq(facet(b, 0, "guide"), 2);
	pxap_results_free(b);
}
END_TEST

START_TEST(test_cache_evicts_least_recent)
{
	pxap_reader_set_cache(r, 2);
	const char *q[] = { "清洁生产", "节水", "steel" };
	for (size_t i = 0; i < 3; i++)
		total(everything(q[i]));
	ck_assert_uint_eq(pxap_reader_cache_hits(r), 0);
	total(everything(q[2]));	/* kept */
	ck_assert_uint_eq(pxap_reader_cache_hits(r), 1);
	total(everything(q[0]));	/* gone: the least recently used */
	ck_assert_uint_eq(pxap_reader_cache_hits(r), 1);
	pxap_reader_set_cache(r, 0);	/* off: nothing kept */
	total(everything(q[0]));
	total(everything(q[0]));
	ck_assert_uint_eq(pxap_reader_cache_hits(r), 1);
}
END_TEST

/* The tests of the wrapper, run with the result cache off and on. */
static void add_index_tests(TCase *tc)
{
	tcase_add_test(tc, test_chinese_word);
	tcase_add_test(tc, test_absent_word);
	tcase_add_test(tc, test_and_narrows);
	tcase_add_test(tc, test_title_prefix);
	tcase_add_test(tc, test_title_weight_with_or);
	tcase_add_test(tc, test_phrase);
	tcase_add_test(tc, test_access_filter);
	tcase_add_test(tc, test_field_filters);
	tcase_add_test(tc, test_replace);
	tcase_add_test(tc, test_delete);
	tcase_add_test(tc, test_document_record);
	tcase_add_test(tc, test_paging);
	tcase_add_test(tc, test_sort_by_date);
	tcase_add_test(tc, test_synonym_group);
	tcase_add_test(tc, test_snippet_traditional);
	tcase_add_test(tc, test_format);
	tcase_add_test(tc, test_snippet_cjk);
	tcase_add_test(tc, test_snippet_cjk_single);
	tcase_add_test(tc, test_snippet_escapes);
	tcase_add_test(tc, test_snippet_long_text);
	tcase_add_test(tc, test_estimated_beyond_exact_limit);
	tcase_add_test(tc, test_estimate_spans_the_whole_index);
	tcase_add_test(tc, test_facets);
	tcase_add_test(tc, test_broken_syntax);
	tcase_add_test(tc, test_reader_sees_commit);
	tcase_add_test(tc, test_reader_sees_rebuild);
	tcase_add_test(tc, test_reader_follows_replica_stub);
	tcase_add_test(tc, test_epoch_follows_commit_and_rebuild);
	tcase_add_test(tc, test_errors);
	tcase_add_test(tc, test_industry_grade_facets);
	tcase_add_test(tc, test_year_range);
	tcase_add_test(tc, test_boost_ranks_exact_term_first);
	tcase_add_test(tc, test_similar_respects_access);
}

static Suite *xap_suite(void)
{
	Suite *s = suite_create("xap");
	TCase *tc = tcase_create("index");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	add_index_tests(tc);
	tcase_add_test(tc, test_cache_keeps_access_apart);
	tcase_add_test(tc, test_cache_follows_commit);
	tcase_add_test(tc, test_cache_pages_apart);
	tcase_add_test(tc, test_cache_counts_shared_by_pages);
	tcase_add_test(tc, test_cache_evicts_least_recent);
	suite_add_tcase(s, tc);

	TCase *tc_cached = tcase_create("cached");
	tcase_add_checked_fixture(tc_cached, setup_cached, teardown_cached);
	tcase_set_timeout(tc_cached, 30);
	add_index_tests(tc_cached);
	suite_add_tcase(s, tc_cached);
	return s;
}

int main(void) { return run_suite(xap_suite()); }
