/* search.c: search.fcgi, the read side: search (JSON and HTML) and similar
 * documents; one document's page, record, bytes and text are in
 * document-page.c (the home page is cases.fcgi's: home.c). Page functions
 * are ui_*; the table at the bottom says which address runs which. */
#include "arena.h"
#include "audit.h"
#include "db.h"
#include "docs.h"
#include "document-page.h"
#include "editions.h"
#include "fcgi-master.h"
#include "html.h"
#include "http-request.h"
#include "http-response.h"
#include "log.h"
#include "search.h"
#include "records.h"
#include "records-link.h"
#include "session.h"
#include "settings.h"
#include "ui-shared.h"
#include "url.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>


static const char *const search_params[] = {
	"q", "type", "sector", "year", "industry", "grade", "case", "page", "per_page", "sort", "current", NULL,
};

/* ---- JSON API --------------------------------------------------------- */

static json_t *hits_json(const struct search_result *res)
{
	json_t *hits = json_array();
	for (size_t i = 0; i < res->nhits; i++) {
		const struct search_hit *h = &res->hits[i];
		json_t *o = json_pack("{s:s,s:s,s:s?,s:s?,s:f,s:s}",
			"id", h->id, "title", h->title, "doc_type", h->doc_type,
			"filename", h->filename, "score", h->score, "snippet", h->snippet);
		json_object_set_new(o, "edition", h->edition_status
			? json_pack("{s:s,s:s?}", "status", h->edition_status, "replaced_by", h->replaced_by)
			: json_null());
		json_array_append_new(hits, o);
	}
	return hits;
}

static json_t *facets_json(const struct search_result *res)
{
	json_t *f = json_object();
	for (int k = 0; k < SEARCH_NFACETS; k++) {
		json_t *o = json_object();
		for (size_t i = 0; i < res->nfacets[k]; i++)
			json_object_set_new(o, res->facets[k][i].name, json_integer((json_int_t)res->facets[k][i].count));
		json_object_set_new(f, search_facet_names[k], o);
	}
	return f;
}

static void ui_api_search(struct request *r)
{
	struct search_params p;
	struct search_result res;
	if (search_params_read(r, &p) < 0 || portal_search(r, &p, &res) < 0)
		return;
	resp_json(r, 200, json_pack("{s:I,s:b,s:I,s:I,s:o,s:o}", "total", (json_int_t)res.total,
		"total_exact", res.exact, "page", (json_int_t)p.page, "per_page", (json_int_t)p.per_page,
		"results", hits_json(&res), "facets", facets_json(&res)));
}

static void ui_api_similar(struct request *r)
{
	json_t *doc = visible_doc(r, "view");
	if (!doc)
		return;
	json_decref(doc);
	struct search_result res;
	if (portal_similar(r, r->arg, SIMILAR_MAX, &res) < 0)
		return;
	resp_json(r, 200, json_pack("{s:I,s:o}", "total", (json_int_t)res.total, "results", hits_json(&res)));
}

/* ---- HTML pages --------------------------------------------------------- */

/* A link to /search with the current parameters and one of them changed. */
static void search_link(struct request *r, const struct search_params *p, const char *key,
			const char *value, long page)
{
	struct buf *b = &r->out;
	struct {
		const char *name, *value;
	} kv[] = {
		{ "q", p->q }, { "type", p->type }, { "sector", p->sector }, { "year", p->year },
		{ "industry", p->industry }, { "grade", p->grade },
		{ "case", p->case_id }, { "sort", p->sort_by_date ? "date" : NULL },
		{ "current", p->current_only ? "1" : NULL },
	};
	html_raw(b, "/search?");
	const char *sep = "";
	for (size_t i = 0; i < sizeof kv / sizeof kv[0]; i++) {
		const char *v = key && strcmp(key, kv[i].name) == 0 ? value : kv[i].value;
		if (!v || !*v)
			continue;
		html_raw(b, sep);
		html_attr(b, arena_printf(r->arena, "%s=%s", kv[i].name, url_encode(r->arena, v)));
		sep = "&amp;";
	}
	if (page > 1) {
		html_raw(b, sep);
		html_txtf(b, "page=%ld", page);
	}
	if (p->per_page != 10)
		html_txtf(b, "&per_page=%ld", p->per_page);
}

static const char *facet_label(int facet, const char *name)
{
	if (facet == 0)
		return docs_type_label(name);
	if (facet == 1) {
		if (strcmp(name, "industry") == 0) return "工业";
		if (strcmp(name, "services") == 0) return "服务业";
		if (strcmp(name, "agriculture") == 0) return "农业";
	}
	return name;
}

static const char *const facet_titles[SEARCH_NFACETS] = { "文档类型", "领域", "年份", "行业", "审核评级" };

/* The facets after the results in the page (on wide screens the stylesheet
 * puts them beside, on narrow ones they follow the results), one <details>
 * per group: collapsed unless it holds the active filter; search.js opens
 * them all on wide screens. */
static void render_facets(struct request *r, const struct search_params *p, const struct search_result *res)
{
	const char *active[SEARCH_NFACETS] = { p->type, p->sector, p->year, p->industry, p->grade };
	struct buf *b = &r->out;
	int any = 0;
	for (int f = 0; f < SEARCH_NFACETS; f++)
		any |= res->nfacets[f] > 0;
	if (!any)
		return;
	html_raw(b, "<aside class=\"facets\" aria-labelledby=\"facets-h\"><h2 id=\"facets-h\">筛选</h2>");
	for (int f = 0; f < SEARCH_NFACETS; f++) {
		if (!res->nfacets[f])
			continue;
		html_raw(b, active[f] ? "<details open>" : "<details>");
		html_raw(b, "<summary>");
		html_txt(b, facet_titles[f]);
		html_raw(b, "</summary><ul>");
		for (size_t i = 0; i < res->nfacets[f]; i++) {
			const char *name = res->facets[f][i].name;
			int on = active[f] && strcmp(active[f], name) == 0;
			html_raw(b, "<li><a href=\"");
			search_link(r, p, search_facet_params[f], name, 1);
			html_raw(b, on ? "\" aria-current=\"true\">" : "\">");
			html_txt(b, facet_label(f, name));
			html_raw(b, " <span class=\"count\">");
			html_txtf(b, res->exact ? "%zu 篇" : "约 %zu 篇", res->facets[f][i].count);
			html_raw(b, "</span></a></li>");
		}
		html_raw(b, "</ul></details>");
	}
	html_raw(b, "</aside>");
}

/* A case id as people read it: its title when the caller may see the
 * case, else only its kind (the filter shows nothing the caller may not
 * see, not even the id). */
static const char *case_label(struct request *r, const char *id)
{
	return r->db ? rec_case_title(r->db, r->arena, &r->user, id) : "案卷";	/* a search host: no records */
}

/* The active filters as chips, each with a × link to the same search
 * without it. */
static void render_chips(struct request *r, const struct search_params *p)
{
	struct {
		const char *param, *title, *value, *label;
	} f[] = {
		{ "type", "文档类型", p->type, p->type ? docs_type_label(p->type) : NULL },
		{ "sector", "领域", p->sector, p->sector ? facet_label(1, p->sector) : NULL },
		{ "year", "年份", p->year, p->year },
		{ "industry", "行业", p->industry, p->industry },
		{ "grade", "审核评级", p->grade, p->grade },
		{ "case", "案卷", p->case_id, p->case_id ? case_label(r, p->case_id) : NULL },
		{ "current", "标准版本", p->current_only ? "1" : NULL, "只看现行" },
	};
	struct buf *b = &r->out;
	int n = 0;
	for (size_t i = 0; i < sizeof f / sizeof f[0]; i++) {
		if (!f[i].value)
			continue;
		html_raw(b, n++ ? "" : "<ul class=\"chips\" aria-label=\"已选条件\">");
		html_raw(b, "<li class=\"chip\"><span>");
		html_txt(b, f[i].title);
		html_raw(b, "：");
		html_txt(b, f[i].label);
		html_raw(b, "</span><a class=\"remove\" href=\"");
		search_link(r, p, f[i].param, "", 1);
		html_raw(b, "\" aria-label=\"");
		html_attr(b, arena_printf(r->arena, "取消条件 %s：%s", f[i].title, f[i].label));
		html_raw(b, "\" title=\"取消此条件\">×</a></li>");
	}
	if (n > 1) {
		html_raw(b, "<li class=\"chip clear\"><a href=\"/search");
		if (*p->q) {
			html_raw(b, "?q=");
			html_attr(b, url_encode(r->arena, p->q));
		}
		html_raw(b, "\">清除全部条件</a></li>");
	}
	if (n)
		html_raw(b, "</ul>");
}

/* Relevance or newest first: links, the current one marked. */
static void render_sort(struct request *r, const struct search_params *p)
{
	struct buf *b = &r->out;
	html_raw(b, "<nav class=\"sort\" aria-label=\"排序方式\"><span>排序：</span>");
	html_raw(b, p->sort_by_date ? "<a href=\"" : "<a aria-current=\"true\" href=\"");
	search_link(r, p, "sort", "", 1);
	html_raw(b, p->sort_by_date ? "\">相关度</a><a aria-current=\"true\" href=\"" : "\">相关度</a><a href=\"");
	search_link(r, p, "sort", "date", 1);
	html_raw(b, "\">最新</a></nav>");
}

/* For a signed-in caller: save this search (its filters, not its order
 * or page) and be told of new matches (/account/alerts, account.fcgi). */
static void render_save(struct request *r, const struct search_params *p)
{
	struct buf *b = &r->out;
	const struct {
		const char *name, *value;
	} kv[] = {
		{ "q", p->q }, { "type", p->type }, { "sector", p->sector }, { "year", p->year },
		{ "industry", p->industry }, { "grade", p->grade }, { "case", p->case_id },
	};
	if (!r->user.id)
		return;
	html_raw(b, "<p class=\"save-search\"><a href=\"/account/alerts");
	const char *sep = "?";
	for (size_t i = 0; i < sizeof kv / sizeof kv[0]; i++) {
		if (!kv[i].value || !*kv[i].value)
			continue;
		html_raw(b, sep);
		html_attr(b, arena_printf(r->arena, "%s=%s", kv[i].name, url_encode(r->arena, kv[i].value)));
		sep = "&amp;";
	}
	html_raw(b, "\">保存此搜索，有新文档时提醒我</a></p>");
}

static void render_pager(struct request *r, const struct search_params *p, size_t total)
{
	struct buf *b = &r->out;
	long pages = (long)((total + (size_t)p->per_page - 1) / (size_t)p->per_page);
	if (pages <= 1)
		return;
	html_raw(b, "<nav class=\"pager\" aria-label=\"分页\">");
	if (p->page > 1) {
		html_raw(b, "<a rel=\"prev\" href=\"");
		search_link(r, p, NULL, NULL, p->page - 1);
		html_raw(b, "\">上一页</a> ");
	}
	html_txtf(b, "第 %ld / %ld 页", p->page, pages);
	if (p->page < pages) {
		html_raw(b, " <a rel=\"next\" href=\"");
		search_link(r, p, NULL, NULL, p->page + 1);
		html_raw(b, "\">下一页</a>");
	}
	html_raw(b, "</nav>");
}

/* "只看现行标准": a link that leaves out superseded and withdrawn
 * editions of standards (current=1), shown unless already on. */
static void render_current_filter(struct request *r, const struct search_params *p)
{
	if (p->current_only)
		return;	/* the chip says so and takes it off */
	struct buf *b = &r->out;
	html_raw(b, "<a class=\"current-only\" href=\"");
	search_link(r, p, "current", "1", 1);
	html_raw(b, "\">只看现行标准</a>");
}

/* GET /search: one <h1>, the count and the order, the active filters as
 * chips, the hits, the pager, then the facets (doc/api.md). */
static void ui_search(struct request *r)
{
	struct search_params p;
	struct search_result res;
	if (search_params_read(r, &p) < 0 || portal_search(r, &p, &res) < 0)
		return;
	struct buf *b = &r->out;
	const char *heading = *p.q ? arena_printf(r->arena, "“%s”的搜索结果", p.q) : "全部文档";
	ui_page_begin_q(r, *p.q ? p.q : "全部文档", p.q);
	html_raw(b, "<div class=\"results-layout\"><section class=\"results\" aria-labelledby=\"results-h\">"
		    "<h1 id=\"results-h\">");
	html_txt(b, heading);
	html_raw(b, "</h1><div class=\"results-bar\"><p class=\"total\">");
	if (res.total == 0)
		html_raw(b, "没有找到文档");
	else
		html_txtf(b, res.exact ? "共 %zu 篇文档" : "约 %zu 篇文档", res.total);
	html_raw(b, "</p>");
	if (res.total > 1)
		render_sort(r, &p);
	render_save(r, &p);
	render_current_filter(r, &p);
	html_raw(b, "</div>");
	render_chips(r, &p);
	html_raw(b, "<ol class=\"hits\">");
	for (size_t i = 0; i < res.nhits; i++) {
		const struct search_hit *h = &res.hits[i];
		html_raw(b, "<li class=\"hit\"><a class=\"title\" href=\"/documents/");
		html_attr(b, h->id);
		html_raw(b, "\">");
		html_txt(b, h->title);
		html_raw(b, "</a> <span class=\"type\">");
		html_txt(b, docs_type_label(h->doc_type));
		html_raw(b, "</span>");
		editions_mark_html(b, h->edition_status, h->replaced_by);
		html_raw(b, "<p class=\"snippet\">");
		/* Xapian escaped the text and added only <mark> tags (xap.h). */
		html_raw(b, h->snippet);
		html_raw(b, "</p></li>");
	}
	html_raw(b, "</ol>");
	if (res.total == 0)
		html_raw(b, "<p class=\"empty\">没有找到匹配的文档。请换一个词，或取消上面的筛选条件。</p>");
	render_pager(r, &p, res.total);
	html_raw(b, "</section>");
	render_facets(r, &p, &res);
	html_raw(b, "</div><script src=\"/static/search.js\" defer></script>");
	ui_page_end(r);
}

static const struct page pages[] = {
	{ "GET", "/search", ui_search, search_params },
	{ "GET", "/documents/*", ui_document, NULL },
	{ "GET", "/api/search", ui_api_search, search_params },
	{ "GET", "/api/documents/*", ui_api_document, NULL },
	{ "GET", "/api/documents/*/file", ui_api_file, NULL },
	{ "GET", "/api/documents/*/text", ui_api_text, NULL },
	{ "GET", "/api/documents/*/similar", ui_api_similar, NULL },
	{ "GET", "/api/documents/*/preview/*", ui_api_preview, NULL },
};

/* A search host's pages (PORTAL_ROLE=search-host: a replica of the index,
 * no SQLite, anonymous callers): searches and public documents, nothing
 * that needs the records, the files or a caller (doc/scaling.md). */
static const struct page host_pages[] = {
	{ "GET", "/search", ui_search, search_params },
	{ "GET", "/documents/*", ui_host_document, NULL },
	{ "GET", "/api/search", ui_api_search, search_params },
	{ "GET", "/api/documents/*", ui_host_api_document, NULL },
	{ "GET", "/api/documents/*/text", ui_host_api_text, NULL },
	{ "GET", "/api/documents/*/similar", ui_host_api_similar, NULL },
};

static void worker_init(void) { search_reader(); }

int main(void)
{
	static const struct fcgi_program prog = {
		"search.fcgi", pages, sizeof pages / sizeof pages[0], worker_init, 0,
	};
	static const struct fcgi_program host = {
		"search.fcgi", host_pages, sizeof host_pages / sizeof host_pages[0], worker_init, 1,
	};
	return portal_fcgi_main(portal_settings()->search_host ? &host : &prog);
}
