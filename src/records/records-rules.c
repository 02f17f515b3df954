/* records-rules.c: rules more than one record type uses: dates in order
 * and not in the future, an assigned expert before a review, no conflict
 * of interest, an active agency, fields fixed once a case has started. */
#include "records.h"
#include "arena.h"
#include "db.h"
#include "workflow.h"

#include <string.h>

int rule_not_before(struct rctx *c, json_t *row, const char *later, const char *earlier)
{
	const char *a = json_string_value(json_object_get(row, later));
	const char *b = json_string_value(json_object_get(row, earlier));
	if (!a || !b || strcmp(a, b) >= 0)
		return 0;
	const struct rfield *fa = rtype_field(c->t, later), *fb = rtype_field(c->t, earlier);
	return rctx_fail(c, 422, "date_order", later, arena_printf(c->a,
		"%s（%s）不能早于%s（%s）。 %s must not be before %s.",
		fa->label, a, fb->label, b, later, earlier));
}

int rule_has_expert(struct rctx *c, const char *case_id)
{
	sqlite3_stmt *st = portal_db_prepare(c->db, "SELECT 1 FROM assignments WHERE case_id = ?");
	sqlite3_bind_text(st, 1, case_id, -1, SQLITE_TRANSIENT);
	int found = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	if (found)
		return 0;
	return rctx_fail(c, 409, "no_expert", NULL,
		"评审前须至少指派一名专家。 At least one expert must be assigned before the review.");
}

int rule_changed(json_t *row, json_t *old, const char *field)
{
	if (!old)
		return 1;
	json_t *a = json_object_get(row, field), *b = json_object_get(old, field);
	if (!a || json_is_null(a))
		return b && !json_is_null(b);
	return !b || !json_equal(a, b);
}

int rule_fixed_once_started(struct rctx *c, json_t *row, json_t *old, const char *const *fields)
{
	if (!old || !c->t->flow)
		return 0;
	const char *state = json_string_value(json_object_get(old, c->t->flow->column));
	if (!state || strcmp(state, c->t->flow->initial) == 0)
		return 0;
	for (; *fields; fields++) {
		if (!rule_changed(row, old, *fields) || (c->reason && *c->reason))
			continue;
		const struct rfield *f = rtype_field(c->t, *fields);
		return rctx_fail(c, 409, "fixed_field", *fields, arena_printf(c->a,
			"%s在%s启动后不能修改；如需更正，请由工作人员填写更正理由（reason）。"
			" %s is fixed once the %s has started; a staff correction must give a reason.",
			f->label, c->t->label, *fields, c->t->kind));
	}
	return 0;
}

int rule_not_future(struct rctx *c, json_t *row, const char *field)
{
	const char *d = json_string_value(json_object_get(row, field));
	char today[11];
	rec_today(today);
	if (!d || strcmp(d, today) <= 0)
		return 0;
	const struct rfield *f = rtype_field(c->t, field);
	return rctx_fail(c, 422, "future_date", field, arena_printf(c->a,
		"%s（%s）不能晚于今天（%s）。 %s cannot be after today (%s).", f->label, d, today, field, today));
}

int rule_no_conflict(struct rctx *c, const char *case_id, const char *ent, const char *agency)
{
	sqlite3_stmt *st = portal_db_prepare(c->db,
		"SELECT x.name FROM assignments s JOIN experts x ON x.id = s.expert_id WHERE s.case_id = ?1"
		" AND (instr(',' || ifnull(x.conflict_enterprises, '') || ',', ',' || ?2 || ',') > 0"
		"  OR instr(',' || ifnull(x.conflict_agencies, '') || ',', ',' || ?3 || ',') > 0)");
	sqlite3_bind_text(st, 1, case_id, -1, SQLITE_TRANSIENT);
	portal_db_bind_text(st, 2, ent);
	portal_db_bind_text(st, 3, agency);
	const char *who = sqlite3_step(st) == SQLITE_ROW
		? arena_strdup(c->a, (const char *)sqlite3_column_text(st, 0)) : NULL;
	sqlite3_finalize(st);
	if (!who)
		return 0;
	return rctx_fail(c, 409, "conflict_of_interest", "enterprise_id", arena_printf(c->a,
		"已指派的专家%s与该企业或咨询机构有利害关系。 The assigned expert %s is linked to this enterprise or agency.",
		who, who));
}

int rule_agency_active(struct rctx *c, const char *agency, int year)
{
	sqlite3_stmt *st = portal_db_prepare(c->db, "SELECT status,"
		" (SELECT count(*) FROM agency_years WHERE agency_id = g.id),"
		" (SELECT status FROM agency_years WHERE agency_id = g.id AND year = ?2)"
		" FROM agencies g WHERE id = ?1");
	sqlite3_bind_text(st, 1, agency, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 2, year);
	int found = sqlite3_step(st) == SQLITE_ROW;
	int active = found && strcmp((const char *)sqlite3_column_text(st, 0), "active") == 0;
	/* once an agency takes part in the yearly selection, only a year it
	 * was selected for (入选) counts (selection.h) */
	int yearly = found && sqlite3_column_int(st, 1) > 0;
	const char *ys = found ? (const char *)sqlite3_column_text(st, 2) : NULL;
	int selected = !yearly || (ys && strcmp(ys, "入选") == 0);
	const char *ystatus = ys ? arena_strdup(c->a, ys) : "未申请";
	sqlite3_finalize(st);
	if (!active)
		return rctx_fail(c, 409, "agency_inactive", "agency_id",
			"该咨询机构已被暂停或取消资格，不能承接审核。 The consulting agency is suspended or removed and cannot take audits.");
	if (!selected)
		return rctx_fail(c, 409, "agency_not_selected", "agency_id", arena_printf(c->a,
			"该咨询机构未入选 %d 年度（%s），不能承接该年度的审核。"
			" The consulting agency is not selected for %d and cannot take its audits.", year, ystatus, year));
	return 0;
}
