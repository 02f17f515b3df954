/* index.c: build a document's Xapian entry from its SQLite records.
 *
 * Its statements, and those of docs_access_groups(), are prepared once per
 * connection (portal_db_cached()): the indexer and a rebuild run them for
 * every document, and preparing them was a twentieth of the indexer's time. */
#include "index.h"
#include "hit-record.h"
#include "arena.h"
#include "buf.h"
#include "db.h"
#include "docs.h"
#include "editions.h"
#include "fold.h"
#include "industry.h"
#include "normalize.h"
#include "preview.h"
#include "previews.h"
#include "quantity.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* All values of one column of a one-parameter query (sql: a string literal,
 * for portal_db_cached()), as an arena array. */
static size_t column_list(sqlite3 *db, struct arena *a, const char *sql, const char *id,
			  const char ***out)
{
	struct arena_strv v = { 0 };
	sqlite3_stmt *st = portal_db_cached(db, sql);
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW)
		arena_strv_push(a, &v, arena_strdup(a, (const char *)sqlite3_column_text(st, 0)));
	sqlite3_reset(st);
	*out = v.v;
	return v.n;
}

static const char *meta_string(json_t *meta, const char *key, struct arena *a)
{
	const char *s = json_string_value(json_object_get(meta, key));
	return s && *s ? arena_strdup(a, s) : NULL;
}

/* Room for the terms a document may get (identifiers are capped below). */
#define MAX_TERMS 130
/* ... and for its figures' terms (XQ, figures()), distinct ones. */
#define MAX_FIGURES 400

static void add_term(struct arena *a, struct pxap_doc *d, const char *term)
{
	if (!d->terms)
		d->terms = arena_alloc(a, MAX_TERMS * sizeof *d->terms);
	if (d->nterms < MAX_TERMS)
		((const char **)d->terms)[d->nterms++] = term;
}

static void add_wterm(struct arena *a, struct pxap_doc *d, const char *term, unsigned wdf)
{
	if (!d->wterms) {
		d->wterms = arena_alloc(a, (MAX_TERMS + MAX_FIGURES) * sizeof *d->wterms);
		d->wdfs = arena_alloc(a, (MAX_TERMS + MAX_FIGURES) * sizeof *d->wdfs);
	}
	if (d->nwterms < MAX_TERMS + MAX_FIGURES) {
		((const char **)d->wterms)[d->nwterms] = term;
		((unsigned *)d->wdfs)[d->nwterms++] = wdf;
	}
}

/* Identifiers from the text's metadata become exact terms: standard
 * numbers (XN, weighted: the document's own number, the one in its title,
 * weighs most), document numbers (XD, weighted) and credit codes (XK). */
static void from_metadata(json_t *meta, struct arena *a, struct pxap_doc *d)
{
	size_t i;
	json_t *v;
	char terms[2][PORTAL_IDENT_MAX], canon[PORTAL_IDENT_MAX];
	/* The title's own standard number, if it has one. */
	const char *own = NULL;
	if (d->title) {
		struct portal_ident ids[4];
		size_t n = portal_norm_find(d->title, strlen(d->title), ids, 4);
		for (size_t k = 0; k < n && !own; k++)
			if (ids[k].kind == PORTAL_IDENT_STANDARD)
				own = arena_strdup(a, ids[k].canon);
	}
	json_array_foreach(json_object_get(meta, "standard_no"), i, v) {
		if (i >= 20 || !json_is_string(v))
			break;
		const char *s = json_string_value(v);
		snprintf(canon, sizeof canon, "%s", s);
		size_t n = portal_norm_standard_terms(canon, terms);
		/* A standard's own number: the one in its title, or else the
		 * first its text names (its cover). */
		int is_own = own ? strcmp(own, canon) == 0
				 : i == 0 && d->doc_type && strcmp(d->doc_type, "standard") == 0;
		unsigned wdf = is_own ? 30 : i == 0 ? 5 : 1;
		for (size_t k = 0; k < n; k++)
			add_wterm(a, d, arena_printf(a, "XN%s", terms[k]), wdf);
		/* cited without a year: any edition's query may find it */
		if (n == 1)
			add_term(a, d, arena_printf(a, "XU%s", terms[0]));
		/* the number alone, for a query that leaves the code out */
		n = portal_norm_standard_bare(canon, terms);
		for (size_t k = 0; k < n; k++)
			add_wterm(a, d, arena_printf(a, "XB%s", terms[k]), wdf);
	}
	json_array_foreach(json_object_get(meta, "doc_no"), i, v) {
		if (i >= 10 || !json_is_string(v))
			break;
		add_wterm(a, d, arena_printf(a, "XD%s", json_string_value(v)), i == 0 ? 5 : 1);
	}
	struct buf names = BUF_INIT;
	json_array_foreach(json_object_get(meta, "enterprise"), i, v) {
		if (i >= 10 || !json_is_string(v))
			break;
		buf_puts(&names, json_string_value(v));
		buf_putc(&names, '\n');
	}
	if (names.len)
		d->enterprise = arena_strdup(a, buf_str(&names));
	buf_free(&names);
	json_array_foreach(json_object_get(meta, "credit_code"), i, v) {
		if (i >= 10 || !json_is_string(v))
			break;
		add_term(a, d, arena_printf(a, "XK%s", json_string_value(v)));
	}
}

/* Figures with units (quantity.h) of the folded title and text, as
 * weighted terms "XQ<unit>:<value>", each with its number of mentions. */
struct figures {
	struct arena *a;
	const char **terms;
	unsigned *wdfs;
	size_t n;
};

static void count_figure(struct figures *f, const char *term)
{
	size_t skip = sizeof PORTAL_TERM_FIGURE - 1;
	for (size_t i = 0; i < f->n; i++)
		if (strcmp(f->terms[i] + skip, term) == 0) {
			f->wdfs[i]++;
			return;
		}
	if (f->n < MAX_FIGURES) {
		f->terms[f->n] = arena_printf(f->a, "%s%s", PORTAL_TERM_FIGURE, term);
		f->wdfs[f->n++] = 1;
	}
}

static int on_figure(const struct portal_qty *q, void *arg)
{
	struct figures *f = arg;
	count_figure(f, q->term);
	if (q->also[0])
		count_figure(f, q->also);
	return 0;
}

/* The value buckets of each distinct figure (quantity.h), as boolean
 * terms "XR<unit>:<order>[:<digits>]": what a range in a query matches.
 * Shared buckets (t:2 of 320 t and 450 t) are given twice; Xapian keeps one. */
static void figure_buckets(struct arena *a, struct pxap_doc *d, const struct figures *f)
{
	size_t skip = sizeof PORTAL_TERM_FIGURE - 1, n = d->nterms;
	const char **terms = arena_alloc(a, (n + f->n * PORTAL_QTY_BUCKETS + 1) * sizeof *terms);
	for (size_t i = 0; i < n; i++)
		terms[i] = d->terms[i];
	for (size_t i = 0; i < f->n; i++) {
		char b[PORTAL_QTY_BUCKETS][PORTAL_QTY_MAX];
		size_t nb = portal_qty_buckets(f->terms[i] + skip, b);
		for (size_t k = 0; k < nb; k++)
			terms[n++] = arena_printf(a, "%s%s", PORTAL_TERM_FIGURE_RANGE, b[k]);
	}
	d->terms = terms;
	d->nterms = n;
}

static void figures(struct arena *a, struct pxap_doc *d)
{
	struct figures f = { a, arena_alloc(a, MAX_FIGURES * sizeof *f.terms),
			     arena_alloc(a, MAX_FIGURES * sizeof *f.wdfs), 0 };
	if (d->title)
		portal_qty_scan(d->title, strlen(d->title), on_figure, &f);
	if (d->body)
		portal_qty_scan(d->body, d->body_len, on_figure, &f);
	for (size_t i = 0; i < f.n; i++)
		add_wterm(a, d, f.terms[i], f.wdfs[i]);
	figure_buckets(a, d, &f);
}

/* The document as GET /api/documents/ID shows it, for a search host's
 * page (hit-record.h): indexed now (the indexer marks it so once this
 * commit is in), the whole text's length (a host holds the first
 * HIT_EXCERPT_CHARS characters) and the number of page images (kept on
 * the primary). A JSON string in a, or NULL. */
static const char *details_json(sqlite3 *db, struct arena *a, const char *id, size_t text_bytes)
{
	json_t *o = docs_get_json(db, id);
	if (!o)
		return NULL;
	char when[32];
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
	json_object_set_new(o, "status", json_string("indexed"));
	json_object_set_new(o, "indexed_at", json_string(when));
	json_object_set_new(o, "error", json_null());
	json_object_del(o, "extraction");
	json_object_set_new(o, "text_bytes", json_integer((json_int_t)text_bytes));
	int pages = previews_count(id, PREVIEW_PAGES);
	json_object_set_new(o, "preview_pages", json_integer(pages > 0 ? pages : 0));
	char *s = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	const char *out = s ? arena_strdup(a, s) : NULL;
	free(s);
	return out;
}

/* What the document's cases say about it: the enterprise's sector,
 * industry and name, the case's year and an audit's grade. The text's own
 * metadata wins where it has a value; cases fill the gaps. */
static void from_cases(sqlite3 *db, struct arena *a, const char *id, struct pxap_doc *d)
{
	sqlite3_stmt *st = portal_db_cached(db,
		"SELECT e.sector, e.industry, e.name, c.year, c.grade FROM document_cases dc"
		" JOIN (SELECT 'audit:' || id AS case_id, enterprise_id, year, grade FROM audits"
		"       UNION ALL SELECT 'project:' || id, enterprise_id, year, NULL FROM projects) c"
		"   ON c.case_id = dc.case_id"
		" JOIN enterprises e ON e.id = c.enterprise_id WHERE dc.doc_id = ? ORDER BY dc.case_id");
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	struct buf names = BUF_INIT;
	if (d->enterprise)
		buf_puts(&names, d->enterprise);
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *v;
		if (!d->sector && (v = (const char *)sqlite3_column_text(st, 0)))
			d->sector = arena_strdup(a, v);
		if (!d->industry && (v = (const char *)sqlite3_column_text(st, 1)))
			d->industry = arena_strdup(a, v);
		if ((v = (const char *)sqlite3_column_text(st, 2))) {
			buf_puts(&names, v);
			buf_putc(&names, '\n');
		}
		if (!d->year && sqlite3_column_type(st, 3) != SQLITE_NULL)
			d->year = arena_printf(a, "%d", sqlite3_column_int(st, 3));
		if (!d->grade && (v = (const char *)sqlite3_column_text(st, 4)))
			d->grade = arena_strdup(a, v);
	}
	sqlite3_reset(st);
	if (names.len)
		d->enterprise = arena_strdup(a, buf_str(&names));
	buf_free(&names);
}

int portal_index_document(sqlite3 *db, pxap_writer *w, const char *id, char *err, size_t errlen)
{
	struct arena *a = arena_new();
	int rc = -1;
	sqlite3_stmt *st = portal_db_cached(db,
		"SELECT d.title, d.doc_type, d.uploaded_at, d.metadata, d.superseded_by, t.text, d.filename"
		" FROM documents d LEFT JOIN document_text t ON t.doc_id = d.id WHERE d.id = ?");
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_ROW) {
		snprintf(err, errlen, "no document %s", id);
		goto out;
	}
	json_t *meta = json_loads((const char *)sqlite3_column_text(st, 3), 0, NULL);
	if (!meta)
		meta = json_object();
	const char **groups, **cases;
	struct pxap_doc d = {
		.id = id,
		.title = (const char *)sqlite3_column_text(st, 0),
		.doc_type = (const char *)sqlite3_column_text(st, 1),
		.date = sqlite3_column_int64(st, 2),
		.body = (const char *)sqlite3_column_text(st, 5),
		.body_len = (size_t)sqlite3_column_bytes(st, 5),
		.sector = meta_string(meta, "sector", a),
		.year = meta_string(meta, "year", a),
	};
	/* Terms are made from the text folded (fold.h; the query is folded
	 * alike in search.c): full-width digits and letters as ASCII
	 * ("ＧＢ１８４６６" is found by "GB 18466"), traditional characters as
	 * simplified (環境保護 by 环境保护). SQLite keeps the text as written. */
	struct buf folded = BUF_INIT;
	if (d.body) {
		portal_fold_text(&folded, d.body, d.body_len);
		d.body = arena_strndup(a, buf_str(&folded), folded.len);
		d.body_len = folded.len;
		buf_reset(&folded);
	}
	if (d.title) {
		portal_fold_text(&folded, d.title, strlen(d.title));
		d.title = arena_strdup(a, buf_str(&folded));
	}
	buf_free(&folded);
	d.naccess = docs_access_groups(db, a, id, &groups);
	d.access = groups;
	d.ncases = column_list(db, a, "SELECT case_id FROM document_cases WHERE doc_id = ?", id, &cases);
	d.cases = cases;
	d.industry = meta_string(meta, "industry", a);
	from_metadata(meta, a, &d);
	if (sqlite3_column_type(st, 4) != SQLITE_NULL)
		add_term(a, &d, PORTAL_TERM_SUPERSEDED);
	const char *ed_status = NULL, *ed_by = NULL;
	if (editions_of_doc(db, a, id, &ed_status, &ed_by))
		add_term(a, &d, strcmp(ed_status, "current") == 0 ? PORTAL_TERM_CURRENT_EDITION
								 : PORTAL_TERM_OLD_EDITION);
	/* What its hits show, as SQLite holds it (not folded). */
	struct buf record = BUF_INIT;
	hit_record_pack(&record, &(struct hit_record){
		.title = (const char *)sqlite3_column_text(st, 0),
		.doc_type = (const char *)sqlite3_column_text(st, 1),
		.filename = (const char *)sqlite3_column_text(st, 6),
		.edition_status = ed_status, .replaced_by = ed_by,
		.details = details_json(db, a, id, (size_t)sqlite3_column_bytes(st, 5)),
		.excerpt = (const char *)sqlite3_column_text(st, 5),
		.excerpt_len = (size_t)sqlite3_column_bytes(st, 5) });
	d.record = record.data;
	d.record_len = record.len;
	from_cases(db, a, id, &d);
	if (d.enterprise) {
		struct buf names = BUF_INIT;
		portal_fold_text(&names, d.enterprise, strlen(d.enterprise));
		d.enterprise = arena_strdup(a, buf_str(&names));
		buf_free(&names);
	}
	figures(a, &d);
	/* metadata stored before industry.h existed may hold another name */
	d.industry = portal_industry_fold(d.industry);
	rc = pxap_writer_put(w, &d, err, errlen);
	buf_free(&record);
	json_decref(meta);
out:
	sqlite3_reset(st);	/* ends its read */
	arena_destroy(a);
	return rc;
}
