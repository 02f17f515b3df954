/* selection.h: what the commission selects each year: the consulting
 * agencies that may take the year's audits, and the typical units
 * (典型单位) it publishes (records-selection.c; doc/records.md).
 *
 * Agency years. An agency applies for a year (the agency's own user, or
 * staff for it): a row of table agency_years in status 申请. Staff then
 * decide it: 入选 or 未入选, on a date (selected_at) that the plan wants by
 * Jan 31 of that year. A later selection is accepted and carries the kept
 * timeline's late mark (timeline_step(): "逾期 N 天完成"), never refused:
 * the commission may have to fill a gap in the year. A selected agency may
 * be suspended for the year (暂停), only with a reason. Staff record the
 * year's evaluation (score 0-100 and grade) on the same row; the history
 * adds the agency's late filings and reports of that year from the
 * scoreboard (report_scoreboard()).
 *
 * The assignment rule (rule_agency_active(), records.h): an agency takes an
 * audit of year Y only when it is active and, once it has any yearly
 * record, 入选 for Y. An agency without any yearly record predates the
 * yearly selection and keeps its 入选年度 (agencies.year) as before.
 *
 * Typical units. Staff choose them among the year's accepted projects
 * (state accepted or completed), with a reason; the public list shows each
 * with its third-party figures (project_results) and its investment.
 *
 * Every write answers 0 or a status on c (rctx_fail), runs in one
 * transaction and writes the audit trail. JSON returned is the caller's. */
#ifndef PORTAL_SELECTION_H
#define PORTAL_SELECTION_H

#include <jansson.h>

struct rctx;

/* The deadline of a year's selection ("YYYY-01-31") into out[11]. */
void agency_selection_due(int year, char *out);

/* {"agency_id", "name", "years": [{"year", "status", "applied_at",
 * "selected_at", "selection" (a timeline step), "score", "grade", "reason",
 * "late_filings", "late_reports"}] newest first}; NULL (404 on c) when c->u
 * may not see the agency. Late counts only for staff and the agency itself. */
json_t *agency_years_json(struct rctx *c, const char *agency_id);

/* Apply for a year: {"year", "applied_at"?} (default today). The agency's
 * own user or staff; 409 when it already applied for that year. */
int agency_year_apply(struct rctx *c, const char *agency_id, json_t *in);

/* Staff decide or evaluate a year: {"status"?: 入选|未入选|暂停,
 * "selected_at"?, "score"?, "grade"?, "reason"?}. 暂停 needs a reason and a
 * selected agency; 409 when the agency has not applied for the year. */
int agency_year_decide(struct rctx *c, const char *agency_id, int year, json_t *in);

/* Staff: every agency with its record of year (null fields when none):
 * {"year", "due", "agencies": [...]}. NULL (403 on c) for others. */
json_t *agency_selection_json(struct rctx *c, int year);

/* The status of agency_id for year, or NULL when it has no record of it;
 * a static string. */
const char *agency_year_status(struct rctx *c, const char *agency_id, int year);

/* Staff mark project_id (accepted) a typical unit of its year: {"reason"}.
 * 409 not_accepted for a project not accepted, 422 without a reason. */
int typical_choose(struct rctx *c, const char *project_id, json_t *in);
/* Staff take the mark back. */
int typical_withdraw(struct rctx *c, const char *project_id);

/* Staff: the accepted projects of year, each with its figures and whether
 * it is a typical unit: {"year", "results": [...]}. NULL (403) otherwise. */
json_t *typical_candidates(struct rctx *c, int year);

#endif
