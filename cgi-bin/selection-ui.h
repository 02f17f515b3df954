/* selection-ui.h: agencies' yearly selection, typical units and the
 * staff's standards editions page, as JSON and pages (selection-ui.c,
 * editions-ui.c); cases.fcgi routes to them. */
#ifndef PORTAL_SELECTION_UI_H
#define PORTAL_SELECTION_UI_H

struct request;

void api_agency_years(struct request *r);	/* GET /api/agencies/ID/years */
void api_agency_apply(struct request *r);	/* POST /api/agencies/ID/years */
void api_agency_decide(struct request *r);	/* PATCH /api/agencies/ID/years/YEAR */
void api_agency_selection(struct request *r);	/* GET /api/agencies/selection?year= */
void api_typical_choose(struct request *r);	/* POST /api/projects/ID/typical */
void api_typical_withdraw(struct request *r);	/* DELETE /api/projects/ID/typical */

void ui_agency_apply(struct request *r);	/* POST /agencies/ID/years */
void ui_agency_selection(struct request *r);	/* GET /agencies/selection */
void ui_agency_selection_post(struct request *r);	/* POST /agencies/selection */
void ui_typical(struct request *r);		/* GET /typical, /typical-units */
void ui_typical_post(struct request *r);	/* POST /typical */

/* Sections of other pages: the agency page's yearly history, the
 * anonymous home's typical units, the agency home's status this year. */
void ui_agency_years_section(struct request *r, const char *agency_id);
void home_typical_units(struct request *r);
void home_agency_year(struct request *r);

/* editions-ui.c: staff. */
void ui_editions(struct request *r);		/* GET /admin/editions */
void ui_editions_post(struct request *r);	/* POST /admin/editions */
/* Set an edition's status as staff (editions_set()), queue the documents
 * whose mark changes, and log it. 0, or answers nothing and returns the
 * HTTP status with *msg set (Chinese sentence). */
int editions_set_logged(struct request *r, const char *edition, const char *status, const char *by,
			const char **msg);

#endif
