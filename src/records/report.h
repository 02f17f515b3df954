/* report.h: figures derived from the programme records: deadlines per
 * year and what is overdue, the quarterly progress report per sector (JSON,
 * CSV; report-svg.c draws its charts), the agency scoreboard and the list
 * of typical (exemplary) units. Every figure is recomputed from the records
 * on each call; doc/records.md says exactly how each is counted. */
#ifndef PORTAL_REPORT_H
#define PORTAL_REPORT_H

#include <jansson.h>
#include <sqlite3.h>

struct arena;
struct rctx;
struct request;

int report_current_year(void);
/* The latest year up to this one that has audits or projects (this year
 * when none has): what report pages show when no year is asked for. */
int report_latest_year(sqlite3 *db);

/* Deadline items of a year, NULL-terminated, and their labels. */
extern const char *const report_deadline_items[];
const char *report_deadline_label(const char *item);
/* The date of item in year (configured, else the plan's default) into
 * out[11]. */
void report_deadline(sqlite3 *db, int year, const char *item, char *out);
/* {"year", "deadlines": [{"item","label","date","configured"}]} */
json_t *report_deadlines_json(sqlite3 *db, int year);
/* Set deadlines from {"item": "YYYY-MM-DD", ...} (staff). 0 or a status. */
int report_deadlines_set(struct rctx *c, int year, json_t *in);

/* A year's targets (its plan): {"year", "sectors": {SECTOR: {"audits",
 * "projects", "funds_fen"}}, "total": {...}}; a measure not planned is
 * null (and left out of the total). */
json_t *report_targets_json(sqlite3 *db, int year);
/* Set targets from {SECTOR: {MEASURE: n >= 0 | null}, ...} (staff; null
 * removes one); logged. 0 or a status on c. */
int report_targets_set(struct rctx *c, int year, json_t *in);

/* A case's next step and its date, as the overdue report counts them:
 * kind "audit" or "project", row the case's fields (state, year, round,
 * planned_end_date). Fills *s and returns 1; 0 when the case has no step
 * of its own ahead (finished, rejected, or waiting on the commission).
 * s->state is the state the step leads to (its checklist is what the step
 * needs), s->label the step in Chinese, s->due its date ("" when it has
 * none). */
struct report_step {
	const char *state;
	const char *label;
	char due[11];
};
int report_case_next(sqlite3 *db, const char *kind, json_t *row, struct report_step *s);

/* Items overdue on as_of (NULL: today): {"year","as_of","items":[...],
 * "by": {"sector": {...}, "agency": {...}, "district": {...}}}; by (NULL or
 * one of sector, agency, district) keeps only that grouping. NULL with a
 * 400 on c for a bad as_of or by. Restricted to records c->u may see. */
json_t *report_overdue(struct rctx *c, int year, const char *as_of, const char *by);

/* Who reads the quarterly report and the scoreboard: staff and admin.
 * 1, or 0 with 403 on c. */
int report_may_read(struct rctx *c);

/* Who reads the quarterly report and the bulletin: staff and admin, and a
 * sector's authority (行业主管部门), for whom it holds its sector alone
 * (its total is that sector). 1, or 0 with 403 on c. */
int report_quarterly_may_read(struct rctx *c);

/* The quarterly progress report for year and quarter (1-4); NULL (403 on
 * c) when c->u may not read it (report_quarterly_may_read). */
json_t *report_quarterly(struct rctx *c, int year, int quarter);
/* The same as CSV (one row per sector and measure) into r. */
void report_quarterly_csv(struct request *r, json_t *rep);

/* Agencies ranked by the grades of the audits of year they produced;
 * NULL (403 on c) when c->u may not read reports. */
json_t *report_scoreboard(struct rctx *c, int year);
/* The typical units staff chose for year among accepted projects, each
 * with its figures (records-selection.c, selection.h). Public. */
json_t *report_typical_units(struct rctx *c, int year);

#endif
