/* records-cmd.h: the operator's record commands (portalctl): the demo
 * year and loading a year's list from CSV. */
#ifndef PORTAL_RECORDS_CMD_H
#define PORTAL_RECORDS_CMD_H

#include <sqlite3.h>

/* Fill a new instance with a plausible demo year (records-demo.c): all
 * three sectors, audits and projects at every stage, and short sample
 * documents written here and stored like uploads. Does nothing when any
 * enterprise exists. 0, or 1 with a message on stderr. */
int records_demo(sqlite3 *db);

/* Load a year's list from CSV (records-csv.c), UTF-8 with a header row:
 *   kind,year,enterprise,credit_code,sector,industry,district,agency,project,round
 * kind is "audit" or "project"; enterprises are found by credit code or
 * created; agencies found by name or created for that year. Every row is
 * validated like an API request; refused rows are reported with their line
 * number. A project row needs an audit of its enterprise graded 合格 or
 * better, unless reason (not NULL) gives the commission's reason for
 * listing it anyway; the reason is logged with each project it admits.
 * 0 when every row loaded, 1 otherwise. */
int records_load_year(sqlite3 *db, const char *path, const char *reason);

/* portalctl load-plan FILE.csv: a year's targets per sector, from
 *   year,sector,audits,projects,funds_yuan
 * (an empty cell: not planned). 0 when every row loaded, 1 otherwise. */
int records_load_plan(sqlite3 *db, const char *path);

#endif
