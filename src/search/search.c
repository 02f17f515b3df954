/* search.c: validated search parameters in, access-filtered hits out. */
#include "search.h"
#include "arena.h"
#include "auth.h"
#include "db.h"
#include "docs.h"
#include "editions.h"
#include "fold.h"
#include "utf8.h"
#include "hit-cache.h"
#include "hit-record.h"
#include "http-request.h"
#include "http-response.h"
#include "index.h"
#include "industry.h"
#include "intent.h"
#include "query-words.h"
#include "log.h"
#include "normalize.h"
#include "quantity.h"
#include "settings.h"
#include "snippet.h"
#include "synonyms.h"
#include "years.h"
#include "xap.h"
#include "ui-shared.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#define QUERY_MAX 1000		/* bytes */
#define SNIPPET_BYTES 300	/* of text: about 100 Chinese characters */

const char *const search_facet_names[SEARCH_NFACETS] = { "doc_type", "sector", "year", "industry", "grade" };
const char *const search_facet_params[SEARCH_NFACETS] = { "type", "sector", "year", "industry", "grade" };

static pxap_reader *reader;	/* process lifetime, opened after fork() */
/* Rendered hits kept for each search the result cache keeps (a page has
 * ten, but pages of related searches share many). */
#define HITS_KEPT_PER_SEARCH 4
static struct hit_cache *hits_kept;	/* process lifetime; NULL with no result cache */

pxap_reader *search_reader(void)
{
	if (!reader) {
		char err[512];
		reader = pxap_reader_open(portal_settings()->xapian_path, err, sizeof err);
		if (!reader)
			portal_log("cannot open the index: %s", err);
		else
			pxap_reader_set_cache(reader, portal_settings()->search_cache);
		if (reader && !hits_kept)
			hits_kept = hit_cache_new(portal_settings()->search_cache * HITS_KEPT_PER_SEARCH);
	}
	return reader;
}

static int bad(struct request *r, const char *msg)
{
	portal_error(r, 400, "bad_parameter", msg);
	return -1;
}

static int read_long(const char *s, long lo, long hi, long *out)
{
	char *end;
	long v = strtol(s, &end, 10);
	if (!*s || *end || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

static int short_text(const char *s)
{
	return s && strlen(s) <= 100 && portal_utf8_valid(s, strlen(s));
}

int search_params_read(struct request *r, struct search_params *p)
{
	memset(p, 0, sizeof *p);
	p->q = req_param(r, "q");
	if (!p->q)
		p->q = "";
	if (strlen(p->q) > QUERY_MAX)
		return bad(r, "The search text is too long (more than 1000 bytes).");
	if (!portal_utf8_valid(p->q, strlen(p->q)))
		return bad(r, "The search text is not valid UTF-8.");
	const char *v;
	if ((v = req_param(r, "type")) && *v) {
		if (!docs_type_valid(v))
			return bad(r, "Unknown document type in 'type'.");
		p->type = v;
	}
	if ((v = req_param(r, "sector")) && *v) {
		if (strcmp(v, "industry") && strcmp(v, "services") && strcmp(v, "agriculture"))
			return bad(r, "'sector' must be industry, services or agriculture.");
		p->sector = v;
	}
	if ((v = req_param(r, "year")) && *v) {
		long y;
		if (read_long(v, 1900, 2100, &y) < 0)
			return bad(r, "'year' must be a year such as 2014.");
		p->year = v;
	}
	if ((v = req_param(r, "case")) && *v) {
		if (!short_text(v))
			return bad(r, "'case' must be a case id such as audit:12.");
		p->case_id = v;
	}
	if ((v = req_param(r, "industry")) && *v) {
		if (!short_text(v))
			return bad(r, "'industry' must be an industry name such as 医疗机构.");
		p->industry = portal_industry_fold(v);	/* 医疗卫生 finds 医疗机构 */
	}
	if ((v = req_param(r, "grade")) && *v) {
		if (strcmp(v, "优秀") && strcmp(v, "良好") && strcmp(v, "合格") && strcmp(v, "不合格"))
			return bad(r, "'grade' must be 优秀, 良好, 合格 or 不合格.");
		p->grade = v;
	}
	if ((v = req_param(r, "current")) && *v) {
		if (strcmp(v, "1") && strcmp(v, "0"))
			return bad(r, "'current' must be 1 (current editions only) or 0.");
		p->current_only = strcmp(v, "1") == 0;
	}
	p->page = 1;
	p->per_page = 10;
	if ((v = req_param(r, "page")) && *v && read_long(v, 1, 100000, &p->page) < 0)
		return bad(r, "'page' must be a whole number from 1.");
	if ((v = req_param(r, "per_page")) && *v && read_long(v, 1, 100, &p->per_page) < 0)
		return bad(r, "'per_page' must be a whole number from 1 to 100.");
	if ((v = req_param(r, "sort")) && *v) {
		if (strcmp(v, "date") == 0)
			p->sort_by_date = 1;
		else if (strcmp(v, "relevance") != 0)
			return bad(r, "'sort' must be relevance or date.");
	}
	return 0;
}

static void free_results(void *res) { pxap_results_free(res); }

/* Plain words (no quotes, brackets, fields or operators) are joined by OR:
 * a document matching every word still ranks first, but one that misses a
 * word (印刷业 written 印刷行业) is not lost. Measured in
 * bench/relevance: OR never ranked a query worse than AND there. Within a
 * Chinese word the characters and bigrams stay ANDed. */
const char *search_any_word(struct arena *a, const char *q)
{
	if (strpbrk(q, "\"():+-*~") || strstr(q, "AND") || strstr(q, "OR") || strstr(q, "NOT") ||
	    strstr(q, "NEAR") || strstr(q, "ADJ") || strstr(q, "XOR"))
		return q;
	struct buf b = BUF_INIT;
	int words = 0;
	char *copy = arena_strdup(a, q), *save;
	for (char *w = strtok_r(copy, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
		buf_printf(&b, "%s%s", words ? " OR " : "", w);
		words++;
	}
	const char *out = words > 1 ? arena_strdup(a, buf_str(&b)) : q;
	buf_free(&b);
	return out;
}

/* Identifiers in the query (standard numbers, ...) become exact terms:
 * filled in by the normalisation layer. */
/* industry:VALUE in the query text with VALUE folded to its canonical
 * name (industry.h), as the industry parameter is. */
static const char *fold_industry_fields(struct arena *a, const char *q)
{
	static const char field[] = "industry:";
	const char *p = q, *f;
	struct buf out = BUF_INIT;
	while ((f = strstr(p, field))) {
		f += sizeof field - 1;
		if (f - (sizeof field - 1) != q && !strchr(" (+-", f[-(int)sizeof field])) {
			buf_append(&out, p, (size_t)(f - p));	/* not a field: xindustry: */
			p = f;
			continue;
		}
		const char *e = f;
		while (*e && *e != ' ' && *e != ')')
			e++;
		buf_append(&out, p, (size_t)(f - p));
		buf_puts(&out, portal_industry_fold(arena_strndup(a, f, (size_t)(e - f))));
		p = e;
	}
	if (p == q)
		return q;
	buf_puts(&out, p);
	const char *folded = arena_strdup(a, buf_str(&out));
	buf_free(&out);
	return folded;
}

/* "standard:" fields of the text blanked out (the text keeps its length,
 * so spans stay right); where each field's value starts into at[]. The
 * QueryParser would split a standard number into words, so the field is
 * read here: its value is an identifier in any spelling or a number alone,
 * either of which must then match. */
static size_t standard_fields(char *text, size_t at[], size_t max)
{
	static const char field[] = "standard:";
	size_t n = 0;
	for (char *p = text; (p = strstr(p, field)) && n < max;) {
		if (p != text && !strchr(" (+\t", p[-1])) {
			p += sizeof field - 1;
			continue;
		}
		memset(p, ' ', sizeof field - 1);
		p += sizeof field - 1;
		int quoted = 0;
		while (*p == ' ' || *p == '"') {
			quoted |= *p == '"';
			*p++ = ' ';
		}
		at[n++] = (size_t)(p - text);
		char *close = quoted ? strchr(p, '"') : NULL;
		if (close)	/* standard:"GB 18466—2005" */
			*close = ' ';
	}
	return n;
}

static int in_field(const size_t at[], size_t nat, size_t start)
{
	for (size_t i = 0; i < nat; i++)
		if (at[i] == start)
			return 1;
	return 0;
}

/* A query typed as a question (intent.h): its question words out, its
 * business names as documents write them, and the document types and the
 * industry it asks for favoured. PORTAL_INTENT=0 switches this off (for
 * bench/relevance's before/after). */
static void read_intent(struct request *r, struct pxap_query *q)
{
	static int off = -1;
	if (off < 0) {
		const char *e = getenv("PORTAL_INTENT");
		off = e && strcmp(e, "0") == 0;
	}
	if (off)
		return;
	struct query_intent in;
	intent_read(r->arena, q->q, &in);
	q->q = in.text;
	q->prefer_industry = in.industry;
	const struct intent_type *types = intent_types(in.want);
	size_t n = 0;
	while (types && types[n].type)
		n++;
	if (!n)
		return;
	const char **t = arena_alloc(r->arena, n * sizeof *t);
	double *share = arena_alloc(r->arena, n * sizeof *share);
	for (size_t i = 0; i < n; i++) {
		t[i] = types[i].type;
		share[i] = types[i].share;
	}
	q->prefer_type = t;
	q->prefer_type_share = share;
	q->nprefer_type = n;
}

/* Figures with units in the query (quantity.h: 节约标准煤 320 吨) leave the
 * text (blanked, so spans stay right: their digits and units as words
 * match little) and become terms that may match instead of it, weighted
 * as boost terms: a report quoting the figure ranks first. Their terms go
 * to *terms (arena); returns how many. */
static size_t figure_terms(struct arena *a, char *text, const char ***terms, const char ***numbers)
{
	struct portal_qty qs[8];
	size_t n = portal_qty_find(text, strlen(text), qs, 8);
	*terms = arena_alloc(a, (n + 1) * sizeof **terms);
	*numbers = arena_alloc(a, (n + 1) * sizeof **numbers);
	for (size_t i = 0; i < n; i++) {
		(*terms)[i] = arena_printf(a, "%s%s", PORTAL_TERM_FIGURE, qs[i].term);
		(*numbers)[i] = arena_strndup(a, text + qs[i].start, qs[i].num_end - qs[i].start);
		memset(text + qs[i].start, ' ', qs[i].end - qs[i].start);
	}
	return n;
}

/* The values a query names (issue #18; quantity.h, years.h): ranges and
 * bounds of figures (300-500吨, 超过 100万元, 约 320 吨) as the value
 * buckets that cover them, years (2014年, 2013-2015年, 近三年, 十二五) as the
 * documents' year terms, each a group of q->values. Their text is blanked
 * (spans stay right), but for a figure that is only about a value (约 320
 * 吨: its exact term still counts, figure_terms()) and a five-year plan's
 * name (a word documents use). Returns how many groups. */
static size_t value_terms(struct arena *a, char *text, struct pxap_query *q)
{
	static int off = -1;	/* PORTAL_VALUES=0: off, for bench/relevance's before/after */
	if (off < 0) {
		const char *e = getenv("PORTAL_VALUES");
		off = e && strcmp(e, "0") == 0;
	}
	if (off)
		return 0;
	size_t len = strlen(text);
	struct portal_qty_range rs[8];
	size_t nr = portal_qty_ranges(text, len, rs, 8);
	time_t now = time(NULL) + 8 * 3600;	/* Beijing's year */
	struct tm tm;
	int this_year = gmtime_r(&now, &tm) ? tm.tm_year + 1900 : 2026;
	struct portal_years ys[4];
	size_t ny = portal_years_find(text, len, this_year, ys, 4);
	if (!nr && !ny)
		return 0;
	const char **groups = arena_alloc(a, (nr + ny) * sizeof *groups);
	size_t n = 0;
	for (size_t i = 0; i < nr; i++) {
		char terms[128][PORTAL_QTY_MAX];
		size_t nt = portal_qty_range_terms(&rs[i], terms, 128);
		struct buf g = BUF_INIT;
		for (size_t k = 0; k < nt; k++)
			buf_printf(&g, "%s%s%s", k ? "\t" : "", PORTAL_TERM_FIGURE_RANGE, terms[k]);
		if (nt)
			groups[n++] = arena_strdup(a, buf_str(&g));
		buf_free(&g);
		if (rs[i].bound != PORTAL_QTY_ABOUT) {
			memset(text + rs[i].start, ' ', rs[i].end - rs[i].start);
		} else {
			memset(text + rs[i].start, ' ', rs[i].q.start - rs[i].start);
			memset(text + rs[i].q.end, ' ', rs[i].end - rs[i].q.end);
		}
	}
	for (size_t i = 0; i < ny; i++) {
		struct buf g = BUF_INIT;
		for (int y = ys[i].from; y <= ys[i].to; y++)
			buf_printf(&g, "%sXY%d", y > ys[i].from ? "\t" : "", y);
		groups[n++] = arena_strdup(a, buf_str(&g));
		buf_free(&g);
		if (!ys[i].keep_text)
			memset(text + ys[i].start, ' ', ys[i].end - ys[i].start);
	}
	q->values = groups;
	q->nvalues = n;
	return n;
}

/* Words the snippets mark beside the query's own terms: the numbers of its
 * figures (figure_terms()), which left the text. */
struct marks {
	const char **words;
	size_t n;
};

/* PORTAL_WORDS=0: Chinese runs stay whole (for bench/relevance's
 * before/after; query-words.h). */
static int words_off(void)
{
	static int off = -1;
	if (off < 0) {
		const char *e = getenv("PORTAL_WORDS");
		off = e && strcmp(e, "0") == 0;
	}
	return off;
}

static unsigned long words_freq(void *ctx, const char *term)
{
	return pxap_termfreq(ctx, term);
}

static void search_rewrite(struct request *r, struct pxap_query *q, struct marks *marks)
{
	struct buf folded = BUF_INIT;	/* as the index holds it (index.c) */
	portal_fold_text(&folded, q->q, strlen(q->q));
	q->q = arena_strdup(r->arena, buf_str(&folded));
	buf_free(&folded);
	q->q = fold_industry_fields(r->arena, q->q);
	read_intent(r, q);
	char *text = arena_strdup(r->arena, q->q);
	size_t at[8], nat = standard_fields(text, at, 8);
	const char **figs;
	size_t nval = value_terms(r->arena, text, q);
	size_t nfig = figure_terms(r->arena, text, &figs, &marks->words);
	marks->n = nfig;
	if (nfig || nval)
		q->q = text;
	struct portal_ident ids[8], nums[8];
	size_t n = portal_norm_find(text, strlen(text), ids, 8);
	size_t nn = portal_norm_find_numbers(text, strlen(text), nums, 8);
	/* numbers inside an identifier are part of it */
	size_t keep = 0;
	for (size_t k = 0; k < nn; k++) {
		int inside = 0;
		for (size_t i = 0; i < n; i++)
			inside |= nums[k].start < ids[i].end && nums[k].end > ids[i].start;
		if (!inside)
			nums[keep++] = nums[k];
	}
	nn = keep;
	if (n || nn || nat) {
		/* Identifiers leave the text and become exact terms; so do
		 * numbers given as standard:; other numbers alone stay and may
		 * match a standard's number instead. */
		const char **boost = arena_alloc(r->arena, (3 * n + nn + 1) * sizeof *boost);
		const char **alt = arena_alloc(r->arena, (2 * nn + 1) * sizeof *alt);
		size_t nb = 0, na = 0, from = 0, in = 0, jn = 0;
		struct buf rest = BUF_INIT;
		while (in < n || jn < nn) {
			int take_id = jn >= nn || (in < n && ids[in].start < nums[jn].start);
			struct portal_ident *id = take_id ? &ids[in++] : &nums[jn++];
			if (id->kind == PORTAL_IDENT_NUMBER) {
				const char *t = arena_printf(r->arena, "XB%s", id->canon);
				/* the current edition of that number first */
				/* a search host has no editions table (no SQLite) */
				const char *cur = r->db ? editions_current_bare(r->db, r->arena, id->canon) : NULL;
				char ct[2][PORTAL_IDENT_MAX];
				const char *ctm = cur && portal_norm_standard_terms(cur, ct) == 2
					? arena_printf(r->arena, "XN%s", ct[1]) : NULL;
				if (!in_field(at, nat, id->start)) {
					alt[na++] = t;
					if (ctm)
						alt[na++] = ctm;
					continue;	/* stays in the text */
				}
				boost[nb++] = t;
				if (ctm)
					alt[na++] = ctm;	/* ranks, never widens */
			}
			buf_append(&rest, text + from, id->start - from);
			buf_putc(&rest, ' ');
			from = id->end;
			char terms[2][PORTAL_IDENT_MAX];
			if (id->kind == PORTAL_IDENT_STANDARD) {
				/* with a year: that edition, or a citation without a
				 * year; without: every edition, the current one first */
				size_t nt = portal_norm_standard_terms(id->canon, terms);
				if (nt)
					boost[nb++] = arena_printf(r->arena, "XN%s", terms[nt - 1]);
				if (nt == 2)
					boost[nb++] = arena_printf(r->arena, "XU%s", terms[0]);
				const char *cur = nt == 1 && r->db ? editions_current(r->db, r->arena, id->canon) : NULL;
				if (cur && portal_norm_standard_terms(cur, terms) == 2)
					boost[nb++] = arena_printf(r->arena, "XN%s", terms[1]);
			} else if (id->kind == PORTAL_IDENT_DOCNO) {
				boost[nb++] = arena_printf(r->arena, "XD%s", id->canon);
			} else if (id->kind == PORTAL_IDENT_CREDIT) {
				boost[nb++] = arena_printf(r->arena, "XK%s", id->canon);
			}
		}
		buf_puts(&rest, text + from);
		q->q = arena_strdup(r->arena, buf_str(&rest));
		buf_free(&rest);
		q->boost = boost;
		q->nboost = nb;
		q->alt = alt;
		q->nalt = na;
	}
	if (nfig) {
		const char **alt = arena_alloc(r->arena, (q->nalt + nfig) * sizeof *alt);
		for (size_t i = 0; i < q->nalt; i++)
			alt[i] = q->alt[i];
		for (size_t i = 0; i < nfig; i++)
			alt[q->nalt + i] = figs[i];
		q->alt = alt;
		q->nalt += nfig;
	}
	q->q = search_any_word(r->arena, q->q);
	q->q = synonyms_expand(r->arena, q->q, &q->synonyms, &q->nsynonyms);
	/* last: identifiers and figures were read from the runs as typed */
	if (!words_off()) {
		const char **joins;
		query_words_set_freq(words_freq, search_reader());
		q->q = query_words_split(r->arena, q->q, &joins, &q->njoins);
		q->joins = joins;
	}
}

/* The statement fill_hit() runs for each hit of an index without hit
 * records: prepared once per process (the caller resets it after the
 * page, ending its read). */
static sqlite3_stmt *hit_statement(struct request *r)
{
	return portal_db_cached(r->db,
		"SELECT d.title, d.doc_type, d.filename, substr(t.text, 1, ?) FROM documents d"
		" LEFT JOIN document_text t ON t.doc_id = d.id WHERE d.id = ?");
}

static const char *maybe_dup(struct arena *a, const char *s)
{
	return s ? arena_strdup(a, s) : NULL;
}

/* h's snippet made from text, and h kept in the hit cache. */
static void finish_hit(struct request *r, const char *const *terms, size_t nterms,
		       const char *text, size_t len, struct search_hit *h)
{
	h->snippet = snippet_html(r->arena, terms, nterms, text, text ? len : 0, SNIPPET_BYTES);
	hit_cache_store(hits_kept, h->id, terms, nterms, &(struct cached_hit){
		.title = h->title, .doc_type = h->doc_type, .filename = h->filename,
		.snippet = h->snippet, .edition_status = h->edition_status,
		.replaced_by = h->replaced_by });
}

/* Title, type, filename, edition and snippet of a hit, from SQLite by st. */
static void fill_hit(struct request *r, sqlite3_stmt *st, const char *const *terms, size_t nterms,
		     struct search_hit *h)
{
	sqlite3_reset(st);
	sqlite3_bind_int(st, 1, HIT_EXCERPT_CHARS);
	sqlite3_bind_text(st, 2, h->id, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		h->title = maybe_dup(r->arena, (const char *)sqlite3_column_text(st, 0));
		h->doc_type = maybe_dup(r->arena, (const char *)sqlite3_column_text(st, 1));
		h->filename = maybe_dup(r->arena, (const char *)sqlite3_column_text(st, 2));
		editions_of_doc(r->db, r->arena, h->id, &h->edition_status, &h->replaced_by);
		finish_hit(r, terms, nterms, (const char *)sqlite3_column_text(st, 3),
			   (size_t)sqlite3_column_bytes(st, 3), h);
	}
	if (!h->title)
		h->title = h->filename ? h->filename : h->id;
	if (!h->snippet)
		h->snippet = "";
}

/* The hit's parts from the record the index holds for it: 1 if it has one. */
static int recorded_hit(struct request *r, const char *rec, size_t len, const char *const *terms,
			size_t nterms, struct search_hit *h)
{
	struct hit_record hr;
	if (!rec || hit_record_unpack(r->arena, rec, len, &hr) < 0)
		return 0;
	h->doc_type = hr.doc_type;
	h->filename = hr.filename;
	h->title = hr.title ? hr.title : h->filename ? h->filename : h->id;
	h->edition_status = hr.edition_status;
	h->replaced_by = hr.replaced_by;
	finish_hit(r, terms, nterms, hr.excerpt, hr.excerpt_len, h);
	return 1;
}

/* The hit's parts from the hit cache: 1 if they were there. */
static int kept_hit(struct request *r, const char *const *terms, size_t nterms, struct search_hit *h)
{
	const struct cached_hit *c = hit_cache_find(hits_kept, h->id, terms, nterms);
	if (!c)
		return 0;
	h->doc_type = maybe_dup(r->arena, c->doc_type);
	h->filename = maybe_dup(r->arena, c->filename);
	h->title = c->title ? arena_strdup(r->arena, c->title) : h->filename ? h->filename : h->id;
	h->snippet = c->snippet ? arena_strdup(r->arena, c->snippet) : "";
	h->edition_status = maybe_dup(r->arena, c->edition_status);
	h->replaced_by = maybe_dup(r->arena, c->replaced_by);
	return 1;
}

/* The query every search of r's caller starts from: access groups, current
 * versions only. */
static void base_query(struct request *r, struct pxap_query *q)
{
	static const char *const hide[] = { PORTAL_TERM_SUPERSEDED, PORTAL_TERM_OLD_EDITION };
	const char **groups;
	q->all_access = portal_user_sees_all(&r->user);
	q->naccess = portal_user_groups(&r->user, r->arena, &groups);
	q->access = groups;
	q->exclude = hide;	/* search shows current versions only */
	q->nexclude = 1;
}

/* The parts of res's hits the hit cache did not have, from SQLite, in one
 * read transaction: one snapshot, and SQLite takes its locks and checks
 * the file once per page, not once per hit. */
static void read_hits(struct request *r, const char *const *terms, size_t nterms, struct search_result *res)
{
	sqlite3_stmt *st = r->db ? hit_statement(r) : NULL;	/* a search host has none */
	char err[256];
	int own_txn = st && sqlite3_get_autocommit(r->db) &&
		      portal_db_exec(r->db, "BEGIN", err, sizeof err) == 0;
	for (size_t i = 0; i < res->nhits; i++) {
		struct search_hit *h = &res->hits[i];
		if (h->snippet)
			continue;
		if (st)
			fill_hit(r, st, terms, nterms, h);
		else
			h->title = h->id, h->snippet = "";
	}
	if (st)
		sqlite3_reset(st);
	/* A read transaction left open would pin this snapshot for good. */
	if (own_txn && portal_db_exec(r->db, "COMMIT", err, sizeof err) < 0) {
		portal_log("search: ending the hits' read transaction: %s", err);
		portal_db_exec(r->db, "ROLLBACK", err, sizeof err);
	}
}

/* Copy Xapian's results (from rd) into res (request arena), then free them
 * with the request. */
static void collect(struct request *r, pxap_reader *rd, pxap_results *xr, const struct marks *marks,
		    struct search_result *res)
{
	arena_on_destroy(r->arena, free_results, xr);
	res->total = pxap_results_total(xr);
	res->exact = pxap_results_exact(xr);
	res->nhits = pxap_results_count(xr);
	res->hits = arena_alloc(r->arena, (res->nhits + 1) * sizeof *res->hits);
	const char *const *terms;
	size_t nterms = pxap_results_terms(xr, &terms);
	if (marks && marks->n) {
		const char **all = arena_alloc(r->arena, (nterms + marks->n) * sizeof *all);
		for (size_t i = 0; i < nterms; i++)
			all[i] = terms[i];
		for (size_t i = 0; i < marks->n; i++)
			all[nterms + i] = marks->words[i];
		terms = all;
		nterms += marks->n;
	}
	hit_cache_follow(hits_kept, pxap_reader_epoch(rd));
	size_t missing = 0;
	for (size_t i = 0; i < res->nhits; i++) {
		struct search_hit *h = &res->hits[i];
		h->id = arena_strdup(r->arena, pxap_results_id(xr, i));
		h->score = pxap_results_score(xr, i);
		size_t len;
		const char *rec = pxap_results_record(xr, i, &len);
		missing += !kept_hit(r, terms, nterms, h) &&
			   !recorded_hit(r, rec, len, terms, nterms, h);
	}
	if (missing)
		read_hits(r, terms, nterms, res);
	for (int f = 0; f < SEARCH_NFACETS; f++) {
		size_t n = pxap_results_facet_count(xr, f);
		res->nfacets[f] = n;
		res->facets[f] = arena_alloc(r->arena, (n + 1) * sizeof *res->facets[f]);
		for (size_t i = 0; i < n; i++) {
			res->facets[f][i].name = arena_strdup(r->arena, pxap_results_facet_name(xr, f, i));
			res->facets[f][i].count = pxap_results_facet_freq(xr, f, i);
		}
	}
}

static int unavailable(struct request *r)
{
	portal_error(r, 503, "index_unavailable", "搜索索引暂时不可用，请稍后再试。 The search index is not available right now; please try again shortly.");
	return -1;
}

int portal_search(struct request *r, const struct search_params *p, struct search_result *res)
{
	memset(res, 0, sizeof *res);
	pxap_reader *rd = search_reader();
	if (!rd)
		return unavailable(r);
	struct pxap_query q = {
		.q = p->q, .doc_type = p->type, .sector = p->sector, .year = p->year,
		.case_id = p->case_id, .industry = p->industry, .grade = p->grade,
		.offset = (size_t)(p->page - 1) * (size_t)p->per_page, .limit = (size_t)p->per_page,
		.sort_by_date = p->sort_by_date,
	};
	base_query(r, &q);
	if (p->current_only)
		q.nexclude = 2;	/* old editions too */
	/* Once a request: the words are split as the index has them now, and
	 * the search reads that same state. */
	pxap_reader_refresh(rd);
	struct marks marks = { 0 };
	search_rewrite(r, &q, &marks);
	char err[512];
	pxap_results *xr = pxap_search(rd, &q, err, sizeof err);
	if (!xr) {
		portal_log("search failed: %s", err);
		portal_error(r, 503, "search_failed", "搜索未能完成，请重试。 The search could not be run; please try again.");
		return -1;
	}
	collect(r, rd, xr, &marks, res);
	return 0;
}

int portal_similar(struct request *r, const char *id, size_t limit, struct search_result *res)
{
	memset(res, 0, sizeof *res);
	pxap_reader *rd = search_reader();
	if (!rd)
		return unavailable(r);
	struct pxap_query q = { .limit = limit };
	base_query(r, &q);
	char err[512];
	pxap_results *xr = pxap_similar(rd, id, &q, err, sizeof err);
	if (!xr) {
		portal_log("similar failed: %s", err);
		portal_error(r, 503, "search_failed", "未能查找相似文档，请重试。 Similar documents could not be found; please try again.");
		return -1;
	}
	collect(r, rd, xr, NULL, res);
	return 0;
}

/* The document ids linked to case_id that r's caller may read. */
static size_t readable_case_docs(struct request *r, const char *case_id, const char ***out)
{
	struct arena_strv v = { 0 };
	sqlite3_stmt *st = portal_db_cached(r->db,
		"SELECT doc_id FROM document_cases WHERE case_id = ? ORDER BY doc_id LIMIT 50");
	sqlite3_bind_text(st, 1, case_id, -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW)
		arena_strv_push(r->arena, &v, arena_strdup(r->arena, (const char *)sqlite3_column_text(st, 0)));
	sqlite3_reset(st);
	size_t n = 0;
	for (size_t i = 0; i < v.n; i++)
		if (docs_may_read(r->db, &r->user, v.v[i]))
			v.v[n++] = v.v[i];
	*out = (const char **)v.v;
	return n;
}

int portal_similar_cases(struct request *r, const char *case_id, size_t limit,
			 struct similar_case **out, size_t *n)
{
	static const char *const case_types[] = { "audit_report", "feasibility_study", "acceptance_report" };
	static const double shares[] = { 1.0, 1.0, 1.0 };
	*out = arena_alloc(r->arena, (limit + 1) * sizeof **out);
	*n = 0;
	pxap_reader *rd = search_reader();
	if (!rd)
		return -1;
	const char **ids;
	size_t nids = readable_case_docs(r, case_id, &ids);
	if (!nids)
		return 0;
	struct pxap_query q = { .limit = limit * 6, .prefer_type = case_types,
				.prefer_type_share = shares, .nprefer_type = 3 };
	base_query(r, &q);
	char err[512];
	pxap_results *xr = pxap_similar_set(rd, ids, nids, &q, err, sizeof err);
	if (!xr) {
		portal_log("similar cases failed: %s", err);
		return -1;
	}
	struct search_result res;
	memset(&res, 0, sizeof res);
	collect(r, rd, xr, NULL, &res);
	sqlite3_stmt *st = portal_db_cached(r->db,
		"SELECT case_id FROM document_cases WHERE doc_id = ? AND case_id <> ? ORDER BY case_id");
	for (size_t i = 0; i < res.nhits && *n < limit; i++) {
		sqlite3_bind_text(st, 1, res.hits[i].id, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, case_id, -1, SQLITE_STATIC);
		while (sqlite3_step(st) == SQLITE_ROW && *n < limit) {
			const char *c = (const char *)sqlite3_column_text(st, 0);
			size_t k = 0;
			while (k < *n && strcmp((*out)[k].case_id, c) != 0)
				k++;
			if (k < *n)
				continue;	/* that case already shown by a better document */
			(*out)[*n].case_id = arena_strdup(r->arena, c);
			(*out)[*n].hit = res.hits[i];
			(*n)++;
		}
		sqlite3_reset(st);
	}
	return 0;
}
