/* cases.c: cases.fcgi, the programme's records: the JSON API for every
 * record type (list, get, create, update, transition), document links and
 * suggestions, retrying a failed document, deadlines, overdue items,
 * reports; the HTML pages that mirror them (records-ui.c draws them) and
 * the home page of each role (home.c). The tables at the bottom say
 * which address runs which page. The record engine is records.h. */
#include "arena.h"
#include "auth.h"
#include "db.h"
#include "docs.h"
#include "audit.h"
#include "editions.h"
#include "jobs.h"
#include "log.h"
#include "normalize.h"
#include "fcgi-master.h"
#include "home.h"
#include "http-request.h"
#include "http-response.h"
#include "records.h"
#include "records-view.h"
#include "records-http.h"
#include "records-link.h"
#include "records-ui.h"
#include "report-ui.h"
#include "similar-cases.h"
#include "report.h"
#include "selection-ui.h"
#include "records-move.h"
#include "workflow.h"
#include "ui-shared.h"

#include <stdlib.h>
#include <string.h>

#define BODY_MAX 65536

/* Query parameters of list pages: paging, text, and every filter any
 * record type declares (the engine refuses a filter its type lacks). */
static const char *const list_params[] = {
	"page", "per_page", "q", "credit_code", "sector", "industry", "district", "year", "status",
	"agency_id", "enterprise_id", "state", "grade", "round", "audience", "date", "specialties", NULL,
};
static const char *const year_params[] = { "year", NULL };
static const char *const overdue_params[] = { "year", "as_of", "by", NULL };
static const char *const quarterly_params[] = { "year", "quarter", "format", NULL };
static const char *const bulletin_params[] = { "year", "quarter", NULL };
static const char *const suggest_params[] = { "kind", "q", NULL };

/* ---- JSON API: records ------------------------------------------------------ */

static void api_list(struct request *r)
{
	const struct rtype *t = rh_type(r, 1);
	struct rquery q;
	struct rctx c;
	json_t *out;
	if (!t || rh_list_query(r, &q) < 0)
		return;
	rh_ctx(r, &c, t);
	if (rec_list(&c, &q, &out))
		rh_fail(r, &c);
	else
		resp_json(r, 200, out);
}

static void api_get(struct request *r)
{
	const struct rtype *t = rh_type(r, 1);
	struct rctx c;
	if (!t)
		return;
	rh_ctx(r, &c, t);
	json_t *o = rec_get(&c, rh_seg(r, 2));
	if (!o) {
		rh_fail(r, &c);
		return;
	}
	if (t->is_case)
		json_object_set_new(o, "suggested_documents",
			link_suggest_documents(&c, arena_printf(r->arena, "%s:%s", t->kind, rh_seg(r, 2))));
	resp_json(r, 200, o);
}

static void answer_record(struct request *r, struct rctx *c, int status, const char *id)
{
	json_t *o = rec_get(c, id);
	if (!o) {
		rh_fail(r, c);
		return;
	}
	resp_header(r, "Location", arena_printf(r->arena, "/api/%s/%s", c->t->name, id));
	resp_json(r, status, o);
}

/* One write through the JSON API: the action reads the body in and names
 * the record to answer with (a record of type t); the runner reads the
 * body, makes the context, runs the action and answers the record with
 * status, or the action's error. */
typedef int (*json_write_fn)(struct request *r, struct rctx *c, json_t *in, const char **id);

static void json_write(struct request *r, const struct rtype *t, int status, json_write_fn act)
{
	struct rctx c;
	const char *id = NULL;
	json_t *in = req_json_read(r, BODY_MAX);
	if (!in)
		return;
	rh_ctx(r, &c, t);
	int rc = act(r, &c, in, &id);
	json_decref(in);
	if (rc)
		rh_fail(r, &c);
	else
		answer_record(r, &c, status, id);
}

static int do_create(struct request *r, struct rctx *c, json_t *in, const char **id)
{
	(void)r;
	return rec_create(c, in, id);
}

static int do_patch(struct request *r, struct rctx *c, json_t *in, const char **id)
{
	*id = rh_seg(r, 2);
	return rec_patch(c, *id, in);
}

static int do_transition(struct request *r, struct rctx *c, json_t *in, const char **id)
{
	*id = rh_seg(r, 2);
	return workflow_move(c, *id, in);
}

static int do_assign(struct request *r, struct rctx *c, json_t *in, const char **id)
{
	*id = r->arg;
	return expert_assign(c, r->arg, in);
}

static int do_change_request(struct request *r, struct rctx *c, json_t *in, const char **id)
{
	long long change_id = 0;
	*id = r->arg;
	return project_change_request(c, r->arg, in, &change_id);
}

static int do_results(struct request *r, struct rctx *c, json_t *in, const char **id)
{
	*id = r->arg;
	return project_results_confirm(c, r->arg, in);
}

static int do_change_decide(struct request *r, struct rctx *c, json_t *in, const char **id)
{
	*id = rh_seg(r, 2);
	return project_change_decide(c, *id, strtoll(r->arg, NULL, 10), in);
}

static void api_create(struct request *r)
{
	const struct rtype *t = rh_type(r, 1);
	if (t)
		json_write(r, t, 201, do_create);
}

static void api_patch(struct request *r)
{
	const struct rtype *t = rh_type(r, 1);
	if (t)
		json_write(r, t, 200, do_patch);
}

static void api_transition(struct request *r)
{
	const struct rtype *t = rh_type(r, 1);
	if (!t)
		return;
	if (!t->flow) {
		portal_error(r, 404, "not_found", "这类记录没有状态流转。 This kind of record has no states.");
		return;
	}
	json_write(r, t, 200, do_transition);
}

static void api_assign(struct request *r) { json_write(r, &rt_experts, 200, do_assign); }

static void api_change_request(struct request *r)
{
	json_write(r, &rt_projects, 201, do_change_request);
}

static void api_results(struct request *r) { json_write(r, &rt_projects, 200, do_results); }

/* Self-service (records-selfserve.c): an enterprise's filing and staff's
 * decision on it; an expert's review, staff returning it or confirming
 * the grade. Each answers the audit as its caller sees it. */
static int do_filing(struct request *r, struct rctx *c, json_t *in, const char **id)
{
	long long filing_id = 0;
	*id = r->arg;
	return audit_filing_submit(c, r->arg, in, &filing_id);
}

static int do_filing_decide(struct request *r, struct rctx *c, json_t *in, const char **id)
{
	*id = rh_seg(r, 2);
	return audit_filing_decide(c, *id, strtoll(r->arg, NULL, 10), in);
}

static int do_review(struct request *r, struct rctx *c, json_t *in, const char **id)
{
	*id = r->arg;
	return review_save(c, r->arg, in);
}

static int do_review_confirm(struct request *r, struct rctx *c, json_t *in, const char **id)
{
	*id = r->arg;
	return review_confirm(c, r->arg, in);
}

static int do_review_return(struct request *r, struct rctx *c, json_t *in, const char **id)
{
	*id = rh_seg(r, 2);
	return review_return(c, *id, r->arg, in);
}

static void api_filing(struct request *r) { json_write(r, &rt_audits, 201, do_filing); }
static void api_review(struct request *r) { json_write(r, &rt_audits, 200, do_review); }
static void api_review_confirm(struct request *r) { json_write(r, &rt_audits, 200, do_review_confirm); }
static void api_review_return(struct request *r) { json_write(r, &rt_audits, 200, do_review_return); }

static void api_filing_decide(struct request *r)
{
	char *end;
	long long fid = strtoll(r->arg, &end, 10);
	if (*end || fid <= 0) {
		portal_error(r, 404, "not_found", "没有这份填报。 There is no such filing.");
		return;
	}
	json_write(r, &rt_audits, 200, do_filing_decide);
}

/* GET /api/pending (staff): what waits for staff to confirm. */
static void api_pending(struct request *r)
{
	struct rctx c;
	rh_ctx(r, &c, NULL);
	resp_json(r, 200, selfserve_pending(&c));
}

static void api_change_decide(struct request *r)
{
	char *end;
	long long cid = strtoll(r->arg, &end, 10);
	if (*end || cid <= 0) {
		portal_error(r, 404, "not_found", "没有这项变更申请。 There is no such change request.");
		return;
	}
	json_write(r, &rt_projects, 200, do_change_decide);
}

/* Lookup tables: sectors, industries, districts. */
static void api_lookup(struct request *r)
{
	static const char *const sql[][2] = {
		{ "sectors", "SELECT id, name FROM sectors ORDER BY rowid" },
		{ "industries", "SELECT id, sector FROM industries ORDER BY sector, rowid" },
		{ "districts", "SELECT id, code FROM districts ORDER BY code" },
	};
	const char *which = rh_seg(r, r->is_api ? 1 : 0);
	for (size_t k = 0; k < 3; k++) {
		if (strcmp(which, sql[k][0]) != 0)
			continue;
		json_t *a = rec_rows(r->db, sql[k][1], NULL);
		resp_json(r, 200, json_pack("{s:I,s:i,s:I,s:o}", "total", (json_int_t)json_array_size(a),
			"page", 1, "per_page", (json_int_t)json_array_size(a), "results", a));
		return;
	}
	portal_error(r, 404, "not_found", "此地址没有页面。 There is no page at this address.");
}

/* ---- JSON API: document links ---------------------------------------------- */

static void api_doc_cases(struct request *r)
{
	struct rctx c;
	rh_ctx(r, &c, NULL);
	json_t *a = link_of_document(&c, r->arg);
	if (!a)
		rh_fail(r, &c);
	else
		resp_json(r, 200, json_pack("{s:s,s:o}", "document", r->arg, "cases", a));
}

static void api_doc_link(struct request *r)
{
	struct rctx c;
	json_t *in = req_json_read(r, BODY_MAX);
	if (!in)
		return;
	rh_ctx(r, &c, NULL);
	int rc = link_add(&c, r->arg, in);
	json_decref(in);
	if (rc) {
		rh_fail(r, &c);
		return;
	}
	resp_json(r, 200, json_pack("{s:s,s:o}", "document", r->arg, "cases", link_of_document(&c, r->arg)));
}

static void api_doc_unlink(struct request *r)
{
	struct rctx c;
	rh_ctx(r, &c, NULL);
	const char *doc = rh_seg(r, 2);
	if (link_remove(&c, doc, r->arg))
		rh_fail(r, &c);
	else
		resp_json(r, 200, json_pack("{s:s,s:o}", "document", doc, "cases", link_of_document(&c, doc)));
}

static void api_doc_restore(struct request *r)
{
	char msg[256];
	int status;
	if (docs_restore(r->db, &r->user, r->arg, &status, msg, sizeof msg) < 0) {
		portal_error(r, status, status == 403 ? "forbidden" : status == 404 ? "not_found" :
			     status == 409 ? "current" : "database", arena_strdup(r->arena, msg));
		return;
	}
	resp_json(r, 200, docs_get_json(r->db, r->arg));
}

/* Index a failed document again (staff): 202 with the document, now
 * pending again. */
static void api_doc_retry(struct request *r)
{
	char msg[256];
	int status;
	if (docs_retry(r->db, &r->user, r->arg, &status, msg, sizeof msg) < 0) {
		portal_error(r, status, status == 403 ? "forbidden" : status == 404 ? "not_found" :
			     status == 409 ? "not_failed" : status == 503 ? "busy" : "database",
			     arena_strdup(r->arena, msg));
		return;
	}
	resp_header(r, "Location", arena_printf(r->arena, "/api/documents/%s", r->arg));
	resp_json(r, 202, docs_get_json(r->db, r->arg));
}

/* The home page's 重试 button: back to the home page's queue. */
static void ui_doc_retry(struct request *r)
{
	char msg[256];
	int status;
	if (req_form_read(r, 4096) < 0)
		return;
	if (docs_retry(r->db, &r->user, r->arg, &status, msg, sizeof msg) < 0) {
		portal_error(r, status, "retry", arena_strdup(r->arena, msg));
		return;
	}
	r->status = 303;
	resp_header(r, "Location", "/#queue");
}

/* The document page's 恢复为当前版本 button. */
static void ui_doc_restore(struct request *r)
{
	char msg[256];
	int status;
	if (req_form_read(r, 4096) < 0)
		return;
	if (docs_restore(r->db, &r->user, r->arg, &status, msg, sizeof msg) < 0) {
		portal_error(r, status, "restore", arena_strdup(r->arena, msg));
		return;
	}
	r->status = 303;
	resp_header(r, "Location", arena_printf(r->arena, "/documents/%s", r->arg));
}

static void api_doc_suggest(struct request *r)
{
	struct rctx c;
	rh_ctx(r, &c, NULL);
	json_t *a = link_suggest(&c, r->arg);
	if (!a)
		rh_fail(r, &c);
	else
		resp_json(r, 200, json_pack("{s:s,s:o}", "document", r->arg, "suggestions", a));
}

/* ---- JSON API: the documents each move needs -------------------------------- */

static void api_gates(struct request *r)
{
	struct rctx c;
	rh_ctx(r, &c, NULL);
	resp_json(r, 200, json_pack("{s:o}", "gates", link_gates(&c)));
}

static void api_gates_set(struct request *r)
{
	struct rctx c;
	json_t *in = req_json_read(r, BODY_MAX);
	if (!in)
		return;
	rh_ctx(r, &c, NULL);
	int rc = link_gates_set(&c, in);
	json_decref(in);
	if (rc)
		rh_fail(r, &c);
	else
		resp_json(r, 200, json_pack("{s:o}", "gates", link_gates(&c)));
}

/* ---- JSON API: deadlines, overdue, reports --------------------------------- */

static long year_param(struct request *r)
{
	return rh_num(r, "year", report_current_year(), 2000, 2100);
}

static void api_deadlines(struct request *r)
{
	long year = year_param(r);
	if (year < 0)
		return;
	resp_json(r, 200, report_deadlines_json(r->db, (int)year));
}

/* A write to a year's settings at /api/X/YEAR: set them from the body
 * with set, answer them with show. */
static void year_write(struct request *r, int (*set)(struct rctx *, int, json_t *), json_t *(*show)(sqlite3 *, int))
{
	struct rctx c;
	char *end;
	long year = strtol(r->arg, &end, 10);
	if (*end || year < 2000 || year > 2100) {
		portal_error(r, 404, "not_found", "年度应为 2000 到 2100 之间的整数。 The year must be from 2000 to 2100.");
		return;
	}
	json_t *in = req_json_read(r, BODY_MAX);
	if (!in)
		return;
	rh_ctx(r, &c, NULL);
	int rc = set(&c, (int)year, in);
	json_decref(in);
	if (rc)
		rh_fail(r, &c);
	else
		resp_json(r, 200, show(r->db, (int)year));
}

static void api_deadlines_set(struct request *r) { year_write(r, report_deadlines_set, report_deadlines_json); }

static void api_overdue(struct request *r)
{
	struct rctx c;
	long year = year_param(r);
	if (year < 0)
		return;
	rh_ctx(r, &c, NULL);
	json_t *o = report_overdue(&c, (int)year, req_param(r, "as_of"), req_param(r, "by"));
	if (!o)
		rh_fail(r, &c);
	else
		resp_json(r, 200, o);
}

static void api_targets(struct request *r)
{
	long year = year_param(r);
	if (year >= 0)
		resp_json(r, 200, report_targets_json(r->db, (int)year));
}

static void api_targets_set(struct request *r) { year_write(r, report_targets_set, report_targets_json); }

static void api_quarterly(struct request *r)
{
	struct rctx c;
	long year = year_param(r), quarter;
	if (year < 0 || (quarter = rh_num(r, "quarter", 4, 1, 4)) < 0)
		return;
	const char *format = req_param(r, "format");
	if (format && strcmp(format, "csv") && strcmp(format, "json")) {
		portal_error(r, 400, "bad_parameter", "format 应为 json 或 csv。 format must be json or csv.");
		return;
	}
	rh_ctx(r, &c, NULL);
	json_t *o = report_quarterly(&c, (int)year, (int)quarter);
	if (!o) {
		rh_fail(r, &c);
		return;
	}
	if (format && strcmp(format, "csv") == 0)
		report_quarterly_csv(r, o);
	else
		resp_json(r, 200, json_incref(o));
	json_decref(o);
}

static void api_scoreboard(struct request *r)
{
	struct rctx c;
	long year = year_param(r);
	if (year < 0)
		return;
	rh_ctx(r, &c, NULL);
	json_t *o = report_scoreboard(&c, (int)year);
	if (o)
		resp_json(r, 200, o);
	else
		rh_fail(r, &c);
}

static void api_typical(struct request *r)
{
	struct rctx c;
	long year = year_param(r);
	if (year < 0)
		return;
	rh_ctx(r, &c, NULL);
	resp_json(r, 200, report_typical_units(&c, (int)year));
}

/* ---- names to choose from ------------------------------------------------------ */

/* GET /api/suggest?kind=enterprise|agency|expert|case&q=: what a picker
 * offers as one types: [{"id", "name"}] of the records of that kind the
 * caller may see whose name contains q, by name, at most 20. A case's id
 * is "audit:ID" or "project:ID", as documents link to it. */
static void api_suggest(struct request *r)
{
	static const struct {
		const char *kind;
		const struct rtype *t[2];
	} kinds[] = {
		{ "enterprise", { &rt_enterprises } }, { "agency", { &rt_agencies } },
		{ "expert", { &rt_experts } }, { "case", { &rt_audits, &rt_projects } },
	};
	const char *kind = req_param(r, "kind"), *q = req_param(r, "q");
	size_t k = 0;
	while (kind && k < sizeof kinds / sizeof kinds[0] && strcmp(kinds[k].kind, kind))
		k++;
	if (!kind || k == sizeof kinds / sizeof kinds[0]) {
		portal_error(r, 400, "bad_parameter", "kind 应为 enterprise、agency、expert 或 case。"
			     " kind must be enterprise, agency, expert or case.");
		return;
	}
	json_t *out = json_array();
	for (int i = 0; i < 2 && kinds[k].t[i]; i++) {
		struct rctx c;
		rh_ctx(r, &c, kinds[k].t[i]);
		json_t *names = rec_names(&c, q, 20 - (int)json_array_size(out)), *x;
		size_t j;
		json_array_foreach(names, j, x) {
			if (kinds[k].t[1]) {	/* a case: kind:id */
				const char *id = json_string_value(json_object_get(x, "id"));
				json_object_set_new(x, "id", json_string(arena_printf(r->arena, "%s:%s", c.t->kind, id)));
			}
			json_array_append(out, x);
		}
		json_decref(names);
	}
	resp_json(r, 200, out);
}

/* ---- standards as editions (editions.h) ------------------------------------- */

/* GET /api/standards/NUMBER: the editions of a standard, newest first. */
static void api_standard(struct request *r)
{
	char err[256];
	json_t *o = editions_json(r->db, r->arg, err, sizeof err);
	if (!o) {
		portal_error(r, 404, "not_found", "这不是标准编号（如 GB18466、GBT24001）。 This is not a standard number (such as GB18466).");
		return;
	}
	resp_json(r, 200, o);
}

/* PATCH /api/standards/NUMBER (staff): {"edition": "GB 18466-2001",
 * "status": "superseded", "replaced_by": "GB 18466-2005"}; the edition
 * may be left out when NUMBER has its year. Logged; the documents of the
 * editions whose status changed are queued for reindexing. */
static void api_standard_set(struct request *r)
{
	json_t *in = req_json_read(r, BODY_MAX);
	if (!in)
		return;
	const char *edition = json_string_value(json_object_get(in, "edition"));
	const char *status = json_string_value(json_object_get(in, "status"));
	const char *by = json_string_value(json_object_get(in, "replaced_by"));
	if (!edition)
		edition = r->arg;
	const char *msg;
	int rc = editions_set_logged(r, edition, status, by, &msg);
	if (rc) {
		json_decref(in);
		portal_error(r, rc, rc == 503 ? "busy" : "bad_parameter", msg);
		return;
	}
	char err[256], canon[PORTAL_IDENT_MAX];
	portal_norm_standard(edition, strlen(edition), canon, sizeof canon, NULL, 0);
	json_decref(in);	/* edition pointed into it */
	json_t *o = editions_json(r->db, canon, err, sizeof err);
	resp_json(r, 200, o ? o : json_object());
}

/* ---- the page table ----------------------------------------------------------- */

static const struct page pages[] = {
	/* reports, deadlines, overdue (before the generic record routes) */
	{ "GET", "/api/reports/quarterly", api_quarterly, quarterly_params, PAGE_USER },
	{ "GET", "/api/reports/scoreboard", api_scoreboard, year_params, PAGE_STAFF },
	{ "GET", "/api/typical-units", api_typical, year_params },
	{ "GET", "/api/deadlines", api_deadlines, year_params, PAGE_USER },
	{ "PATCH", "/api/deadlines/*", api_deadlines_set, NULL, PAGE_STAFF },
	{ "GET", "/api/gates", api_gates, NULL, PAGE_USER },
	{ "GET", "/api/targets", api_targets, year_params, PAGE_STAFF },
	{ "PATCH", "/api/targets/*", api_targets_set, NULL, PAGE_STAFF },
	{ "PATCH", "/api/gates", api_gates_set, NULL, PAGE_STAFF },
	{ "GET", "/api/overdue", api_overdue, overdue_params, PAGE_USER },
	{ "GET", "/api/suggest", api_suggest, suggest_params, PAGE_USER },
	{ "GET", "/api/sectors", api_lookup, NULL },
	{ "GET", "/api/industries", api_lookup, NULL },
	{ "GET", "/api/districts", api_lookup, NULL },
	{ "GET", "/api/standards/*", api_standard, NULL },
	{ "PATCH", "/api/standards/*", api_standard_set, NULL, PAGE_STAFF },
	/* document links */
	{ "GET", "/api/documents/*/cases", api_doc_cases, NULL },
	{ "POST", "/api/documents/*/cases", api_doc_link, NULL, PAGE_USER },
	{ "DELETE", "/api/documents/*/cases/*", api_doc_unlink, NULL, PAGE_USER },
	{ "GET", "/api/documents/*/suggested-cases", api_doc_suggest, NULL, PAGE_USER },
	{ "POST", "/api/documents/*/restore", api_doc_restore, NULL, PAGE_USER },
	{ "POST", "/documents/*/restore", ui_doc_restore, NULL, PAGE_USER },
	{ "POST", "/api/documents/*/retry", api_doc_retry, NULL, PAGE_STAFF },
	{ "POST", "/documents/*/retry", ui_doc_retry, NULL, PAGE_STAFF },
	/* operations beyond create/update/transition */
	{ "POST", "/api/experts/*/assignments", api_assign, NULL, PAGE_USER },
	{ "POST", "/api/projects/*/changes", api_change_request, NULL, PAGE_USER },
	{ "POST", "/api/projects/*/results", api_results, NULL, PAGE_USER },
	{ "POST", "/api/projects/*/changes/*", api_change_decide, NULL, PAGE_USER },
	{ "POST", "/api/audits/*/filings", api_filing, NULL, PAGE_USER },
	{ "POST", "/api/audits/*/filings/*", api_filing_decide, NULL, PAGE_USER },
	{ "POST", "/api/audits/*/reviews", api_review, NULL, PAGE_USER },
	{ "POST", "/api/audits/*/reviews/confirm", api_review_confirm, NULL, PAGE_USER },
	{ "POST", "/api/audits/*/reviews/*", api_review_return, NULL, PAGE_USER },
	{ "GET", "/api/pending", api_pending, NULL, PAGE_STAFF },
	/* agencies' yearly selection, typical units (selection-ui.c) */
	{ "GET", "/api/agencies/selection", api_agency_selection, year_params, PAGE_STAFF },
	{ "GET", "/api/agencies/*/years", api_agency_years, NULL, PAGE_USER },
	{ "POST", "/api/agencies/*/years", api_agency_apply, NULL, PAGE_USER },
	{ "PATCH", "/api/agencies/*/years/*", api_agency_decide, NULL, PAGE_STAFF },
	{ "POST", "/api/projects/*/typical", api_typical_choose, NULL, PAGE_STAFF },
	{ "DELETE", "/api/projects/*/typical", api_typical_withdraw, NULL, PAGE_STAFF },
	/* every record type */
	{ "GET", "/api/*", api_list, list_params, PAGE_USER },
	{ "POST", "/api/*", api_create, NULL, PAGE_USER },
	{ "GET", "/api/*/*/similar", api_similar_cases, NULL, PAGE_USER },
	{ "GET", "/api/*/*", api_get, NULL, PAGE_USER },
	{ "PATCH", "/api/*/*", api_patch, NULL, PAGE_USER },
	{ "POST", "/api/*/*/transitions", api_transition, NULL, PAGE_USER },
	/* HTML pages */
	{ "GET", "/", ui_home, NULL },
	/* the quarterly report and bulletin: staff, and an authority for its
	 * sector (report_quarterly_may_read) */
	{ "GET", "/reports/quarterly", ui_quarterly, quarterly_params, PAGE_USER },
	{ "GET", "/reports/bulletin", ui_bulletin, bulletin_params, PAGE_USER },
	{ "GET", "/reports/scoreboard", ui_scoreboard, year_params, PAGE_STAFF },
	{ "GET", "/typical-units", ui_typical, year_params },
	{ "GET", "/typical", ui_typical, year_params },
	{ "POST", "/typical", ui_typical_post, year_params, PAGE_STAFF },
	{ "GET", "/agencies/selection", ui_agency_selection, year_params, PAGE_STAFF },
	{ "POST", "/agencies/selection", ui_agency_selection_post, year_params, PAGE_STAFF },
	{ "POST", "/agencies/*/years", ui_agency_apply, NULL, PAGE_USER },
	{ "GET", "/admin/editions", ui_editions, NULL, PAGE_STAFF },
	{ "POST", "/admin/editions", ui_editions_post, NULL, PAGE_STAFF },
	{ "GET", "/overdue", ui_overdue, overdue_params, PAGE_USER },
	{ "GET", "/deadlines", ui_deadlines, year_params, PAGE_USER },
	{ "POST", "/deadlines", ui_deadlines_post, year_params, PAGE_STAFF },
	{ "GET", "/reports", ui_reports, NULL, PAGE_USER },
	{ "GET", "/*", ui_list, list_params, PAGE_USER },
	{ "POST", "/*", ui_create, NULL, PAGE_USER },
	{ "GET", "/*/new", ui_new, NULL, PAGE_STAFF },
	{ "GET", "/*/*", ui_record, NULL, PAGE_USER },
	{ "POST", "/*/*", ui_update, NULL, PAGE_USER },
	{ "POST", "/*/*/transitions", ui_transition, NULL, PAGE_USER },
	{ "POST", "/*/*/links", ui_link, NULL, PAGE_USER },
	{ "POST", "/*/*/assignments", ui_assign, NULL, PAGE_USER },
	{ "POST", "/projects/*/results", ui_results, NULL, PAGE_USER },
	{ "POST", "/*/*/changes", ui_change, NULL, PAGE_USER },
	{ "POST", "/audits/*/filings", ui_filing, NULL, PAGE_USER },
	{ "POST", "/audits/*/reviews", ui_review, NULL, PAGE_USER },
};

int main(void)
{
	static const struct fcgi_program prog = { "cases.fcgi", pages, sizeof pages / sizeof pages[0], NULL };
	return portal_fcgi_main(&prog);
}
