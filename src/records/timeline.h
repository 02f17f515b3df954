/* timeline.h: a case's dated steps against the year's deadlines.
 *
 * Each step of a case has a deadline: an audit's filing (contract and
 * registration form, Feb 28), report (May 31) and evaluation (June 30); a
 * project's application (end of Feb or Aug, by round) and its completion
 * (accepted by its planned end date). A step is done on the date its move
 * recorded. Against the deadline it is on time, late by N days (done after
 * the deadline), overdue by N days (not done, and the deadline has passed
 * on the day asked about) or open. The marks are derived from the stored
 * dates and deadlines on every read, so they never disagree with them: a
 * late move is accepted and marked, and a deadline staff extend re-marks
 * the year's cases. doc/records.md, "Timeline". */
#ifndef PORTAL_TIMELINE_H
#define PORTAL_TIMELINE_H

#include <jansson.h>
#include <sqlite3.h>

/* The steps of a case of kind ("audit"/"project") whose record is row,
 * as of as_of (YYYY-MM-DD; NULL: today): [{"item", "label", "due",
 * "done" (a date or null), "status" (on_time, late, overdue, open),
 * "status_label" (Chinese), "days" (late or overdue by; 0 otherwise)}]. */
json_t *timeline_of(sqlite3 *db, const char *kind, json_t *row, const char *as_of);

/* One step on its own, marked the same way: item and label name it, due
 * its deadline ("" for none), done its date (NULL: not done). An agency's
 * yearly selection (due Jan 31) is marked with it. */
json_t *timeline_step(const char *item, const char *label, const char *due, const char *done,
		      const char *as_of);

/* How many of the steps in timeline t were done late or are overdue. */
int timeline_late_count(json_t *t);

#endif
