/* similar-cases.c: cases like an audit or a project (portal_similar_cases:
 * the same industry, similar measures and figures), each shown by its
 * document most like the case's own. A case the caller may not open is
 * named by its kind only (审核案卷), never by its id or enterprise; its
 * document is shown because the caller may read it. */
#include "similar-cases.h"
#include "records-http.h"
#include "records.h"
#include "arena.h"
#include "docs.h"
#include "html.h"
#include "http-request.h"
#include "http-response.h"
#include "search.h"
#include "ui-shared.h"

#include <jansson.h>
#include <string.h>

#define SIMILAR_CASES 8

/* The title of case_id when r's caller may open it, else NULL. */
static const char *open_title(struct request *r, const char *case_id)
{
	const char *colon = strchr(case_id, ':');
	const struct rtype *t = colon ? rtype_by_kind(arena_strndup(r->arena, case_id,
						(size_t)(colon - case_id))) : NULL;
	if (!t || !t->is_case)
		return NULL;
	struct rctx c;
	rh_ctx(r, &c, t);
	json_t *row = rec_row(&c, colon + 1);
	const char *title = json_string_value(json_object_get(row, "title"));
	title = title ? arena_strdup(r->arena, title) : NULL;
	json_decref(row);
	return title;
}

/* The case page's path of case_id ("audit:12" -> /audits/12). */
static const char *case_path(struct request *r, const char *case_id)
{
	const char *colon = strchr(case_id, ':');
	const struct rtype *t = rtype_by_kind(arena_strndup(r->arena, case_id, (size_t)(colon - case_id)));
	return arena_printf(r->arena, "/%s/%s", t->name, colon + 1);
}

void api_similar_cases(struct request *r)
{
	const struct rtype *t = rh_type(r, 1);
	if (!t)
		return;
	const char *case_id = arena_printf(r->arena, "%s:%s", t->kind, rh_seg(r, 2));
	if (!t->is_case || !open_title(r, case_id)) {
		portal_error(r, 404, "not_found", "没有这个案卷，或您无权查看。 No such case, or you may not see it.");
		return;
	}
	struct similar_case *sc;
	size_t n;
	if (portal_similar_cases(r, case_id, SIMILAR_CASES, &sc, &n) < 0) {
		portal_error(r, 503, "search_failed", "未能查找相似案例，请稍后再试。 Similar cases could not be found; please try again.");
		return;
	}
	json_t *list = json_array();
	for (size_t i = 0; i < n; i++) {
		const char *title = open_title(r, sc[i].case_id);
		const struct search_hit *h = &sc[i].hit;
		json_array_append_new(list, json_pack("{s:s?,s:s,s:{s:s,s:s,s:s?,s:s}}",
			"case", title ? sc[i].case_id : NULL,
			"case_title", title ? title : rec_case_title(r->db, r->arena, NULL, sc[i].case_id),
			"document", "id", h->id, "title", h->title, "doc_type", h->doc_type,
			"snippet", h->snippet));
	}
	resp_json(r, 200, json_pack("{s:s,s:o}", "case", case_id, "similar", list));
}

void similar_cases_section(struct request *r, const char *case_id)
{
	struct similar_case *sc;
	size_t n;
	struct buf *b = &r->out;
	html_raw(b, "<h2>相似案例</h2>");
	if (portal_similar_cases(r, case_id, SIMILAR_CASES, &sc, &n) < 0) {
		html_raw(b, "<p>相似案例暂时无法查找，请稍后再试。</p>");
		return;
	}
	if (!n) {
		html_raw(b, "<p>暂无：本案卷还没有可比对的文档，或其他案卷的文档您无权查看。</p>");
		return;
	}
	html_raw(b, "<p class=\"hint\">同行业、措施和数据相近的其他案卷，按与本案卷文档的相似程度排列。</p><ul class=\"similar\">");
	for (size_t i = 0; i < n; i++) {
		const char *title = open_title(r, sc[i].case_id);
		const struct search_hit *h = &sc[i].hit;
		html_raw(b, "<li>");
		if (title) {
			html_raw(b, "<a href=\"");
			html_attr(b, case_path(r, sc[i].case_id));
			html_raw(b, "\">");
			html_txt(b, title);
			html_raw(b, "</a>");
		} else {
			html_txt(b, rec_case_title(r->db, r->arena, NULL, sc[i].case_id));
		}
		html_raw(b, "：<a href=\"");
		html_attr(b, arena_printf(r->arena, "/documents/%s", h->id));
		html_raw(b, "\">");
		html_txt(b, h->title);
		html_raw(b, "</a>（");
		html_txt(b, docs_type_label(h->doc_type));
		html_raw(b, "）<br><small>");
		html_raw(b, h->snippet);	/* snippet_html(): escaped, with <mark> */
		html_raw(b, "</small></li>");
	}
	html_raw(b, "</ul>");
}
