/* report-ui.h: pieces the report pages share (report-ui.c). */
#ifndef PORTAL_REPORT_UI_H
#define PORTAL_REPORT_UI_H

struct request;

/* A horizontal bar chart of n labelled values into r->out, readable
 * without sight: role="img" named by its <title> and described by a
 * <desc> that lists every value; text at 14 px. id makes its ids unique. */
void report_bars(struct request *r, const char *id, const char *title, const char *const *labels,
		 const long long *v, int n);
/* Fen as the reports write money: "12.34 万元", in r's arena. */
const char *report_wan_yuan(struct request *r, long long fen);

/* GET /reports/bulletin?year=&quarter=: the quarterly bulletin
 * (bulletin-ui.c). */
void ui_bulletin(struct request *r);

#endif
