/* records-ui.h: the HTML pages for programme records (records-ui.c) and
 * reports (report-ui.c), mirroring the JSON API without /api. Forms are
 * application/x-www-form-urlencoded with the session's CSRF token; a
 * refused form is shown again with the engine's sentence. */
#ifndef PORTAL_RECORDS_UI_H
#define PORTAL_RECORDS_UI_H

struct request;

void ui_list(struct request *r);		/* GET /TYPE */
void ui_new(struct request *r);			/* GET /TYPE/new */
void ui_create(struct request *r);		/* POST /TYPE */
void ui_record(struct request *r);		/* GET /TYPE/ID */
void ui_update(struct request *r);		/* POST /TYPE/ID */
void ui_transition(struct request *r);		/* POST /TYPE/ID/transitions */
void ui_link(struct request *r);		/* POST /TYPE/ID/links */
void ui_assign(struct request *r);		/* POST /experts/ID/assignments */
void ui_results(struct request *r);	/* POST /projects/ID/results */
void ui_change(struct request *r);		/* POST /projects/ID/changes */
void ui_filing(struct request *r);		/* POST /audits/ID/filings */
void ui_review(struct request *r);		/* POST /audits/ID/reviews */

void ui_reports(struct request *r);		/* GET /reports */
void ui_quarterly(struct request *r);		/* GET /reports/quarterly */
void ui_scoreboard(struct request *r);		/* GET /reports/scoreboard */
void ui_overdue(struct request *r);		/* GET /overdue */
void ui_deadlines(struct request *r);		/* GET /deadlines */
void ui_deadlines_post(struct request *r);	/* POST /deadlines */

#endif
