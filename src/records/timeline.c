/* timeline.c: a case's dated steps against the year's deadlines
 * (timeline.h). */
#include "timeline.h"
#include "records.h"
#include "report.h"

#include <stdio.h>
#include <string.h>

static const char *text(json_t *row, const char *field)
{
	return json_string_value(json_object_get(row, field));
}

/* One step: done (may be NULL) against due (may be empty: no deadline). */
static json_t *step(const char *item, const char *label, const char *due, const char *done,
		    const char *as_of)
{
	const char *status = "open";
	long days = 0;
	char sl[64];
	if (done && *due && strcmp(done, due) > 0) {
		status = "late";
		days = rec_days_between(due, done);
		snprintf(sl, sizeof sl, "逾期 %ld 天完成", days);
	} else if (done) {
		status = "on_time";
		snprintf(sl, sizeof sl, "按时完成");
	} else if (*due && strcmp(as_of, due) > 0) {
		status = "overdue";
		days = rec_days_between(due, as_of);
		snprintf(sl, sizeof sl, "已逾期 %ld 天", days);
	} else {
		snprintf(sl, sizeof sl, *due ? "未到期" : "无截止日期");
	}
	return json_pack("{s:s,s:s,s:s?,s:s?,s:s,s:s,s:I}", "item", item, "label", label,
			 "due", *due ? due : NULL, "done", done, "status", status, "status_label", sl,
			 "days", (json_int_t)days);
}

static json_t *audit_steps(sqlite3 *db, json_t *row, int year, const char *as_of)
{
	char due[11];
	const char *contract = text(row, "contract_date"), *reg = text(row, "registration_date");
	const char *filed = contract && reg ? (strcmp(contract, reg) > 0 ? contract : reg) : NULL;
	static const char *const items[] = { "audit_filing", "audit_report", "audit_evaluation" };
	const char *done[] = { filed, text(row, "report_date"), text(row, "evaluated_date") };
	json_t *a = json_array();
	for (int i = 0; i < 3; i++) {
		report_deadline(db, year, items[i], due);
		json_array_append_new(a, step(items[i], report_deadline_label(items[i]), due, done[i], as_of));
	}
	return a;
}

static json_t *project_steps(sqlite3 *db, json_t *row, int year, const char *as_of)
{
	char due[11];
	const char *round = text(row, "round");
	const char *item = round && strcmp(round, "autumn") == 0 ? "application_autumn" : "application_spring";
	json_t *a = json_array();
	report_deadline(db, year, item, due);
	json_array_append_new(a, step(item, report_deadline_label(item), due, text(row, "application_date"),
				      as_of));
	const char *end = text(row, "planned_end_date");
	if (end && !text(row, "rejected_date"))
		json_array_append_new(a, step("implementation_end", "项目按期完工验收", end,
					      text(row, "accepted_date"), as_of));
	return a;
}

json_t *timeline_of(sqlite3 *db, const char *kind, json_t *row, const char *as_of)
{
	char today[11];
	if (!as_of) {
		rec_today(today);
		as_of = today;
	}
	int year = (int)json_integer_value(json_object_get(row, "year"));
	if (strcmp(kind, "audit") == 0)
		return audit_steps(db, row, year, as_of);
	if (strcmp(kind, "project") == 0)
		return project_steps(db, row, year, as_of);
	return json_array();
}

json_t *timeline_step(const char *item, const char *label, const char *due, const char *done,
		      const char *as_of)
{
	char today[11];
	if (!as_of) {
		rec_today(today);
		as_of = today;
	}
	return step(item, label, due, done, as_of);
}

int timeline_late_count(json_t *t)
{
	size_t i;
	json_t *s;
	int n = 0;
	json_array_foreach(t, i, s) {
		const char *st = json_string_value(json_object_get(s, "status"));
		n += strcmp(st, "late") == 0 || strcmp(st, "overdue") == 0;
	}
	return n;
}
