/* records-selfserve.c: what the programme's parties file themselves, and
 * staff confirm:
 *
 *   an enterprise files its audit's contract and registration dates
 *     (audit_filings): pending until staff confirm it, which is the audit's
 *     move listed -> filed with those dates (records-audit.c: the same
 *     rules, and the same late mark in the timeline as when staff record
 *     it), or return it with a reason;
 *   an enterprise files a change request on its own project
 *     (records-change.c), which staff approve or reject as before;
 *   an expert assigned to an audit records a review opinion, a proposed
 *     grade and a score (expert_reviews), one per expert and case,
 *     editable until staff confirm the grade: the audit's move to
 *     evaluated, made only by staff, with the proposals beside it.
 *
 * Who may take which action is one table (rules[] below) checked in one
 * function, selfserve_may(); every action writes the audit log on the
 * case. */
#include "records.h"
#include "records-move.h"
#include "report.h"
#include "arena.h"
#include "audit.h"
#include "auth.h"
#include "db.h"

#include <stdlib.h>
#include <string.h>

/* ---- who may ------------------------------------------------------------------ */

static const struct {
	const char *who;	/* roles, comma-separated; "staff" is staff and admin */
	const char *refusal;	/* the 403 sentence */
} rules[] = {
	[SS_FILE] = { "enterprise",
		"只有本企业的用户可以填报本企业审核的合同和备案登记表日期。 Only the audit's own enterprise files these dates." },
	[SS_FILING_DECIDE] = { "staff",
		"只有市级工作人员可以确认或退回企业填报。 Only staff confirm or return a filing." },
	[SS_CHANGE_REQUEST] = { "enterprise,staff",
		"只有本企业或市级工作人员可以提出变更申请。 Only the project's own enterprise or staff file a change request." },
	[SS_CHANGE_DECIDE] = { "staff",
		"只有市级工作人员可以处理变更申请。 Only staff may handle change requests." },
	[SS_REVIEW] = { "expert",
		"只有指派到本案件的专家可以填写评审意见。 Only an expert assigned to this case records a review." },
	[SS_REVIEW_DECIDE] = { "staff",
		"只有市级工作人员可以确认评估等级或退回评审意见。 Only staff confirm the grade or return a review." },
};

static int role_in(const struct portal_user *u, const char *who)
{
	size_t n;
	for (const char *p = who; *p; p += n + (p[n] == ',')) {
		n = strcspn(p, ",");
		if (n == 5 && strncmp(p, "staff", 5) == 0 && portal_user_sees_all(u))
			return 1;
		if (u->role && strlen(u->role) == n && strncmp(p, u->role, n) == 0)
			return 1;
	}
	return 0;
}

int selfserve_may(struct rctx *c, enum selfserve_action a, const char *id)
{
	json_t *row = rec_row(c, id);
	if (!row)
		return rec_not_found(c);
	json_decref(row);
	/* A case the caller sees is its own: an enterprise's by the scope of
	 * its type, an expert's only when assigned to it (records-audit.c). */
	if (role_in(c->u, rules[a].who))
		return 0;
	return rctx_fail(c, 403, "forbidden", NULL, rules[a].refusal);
}

int selfserve_allowed(struct rctx *c, enum selfserve_action a, const char *id)
{
	struct rctx probe = *c;
	return selfserve_may(&probe, a, id) == 0;
}

/* ---- one transaction per action, logged on the case ----------------------------- */

static int begin(struct rctx *c)
{
	char err[256];
	if (portal_db_exec(c->db, "BEGIN IMMEDIATE", err, sizeof err) < 0)
		return rctx_fail(c, 503, "busy", NULL, "数据库繁忙，请稍后再试。 The database is busy; try again.");
	return 0;
}

/* Log d (taken) as action on object when rc is 0, then commit; roll back
 * otherwise. */
static int end(struct rctx *c, int rc, const char *object, const char *action, json_t *d)
{
	char err[256];
	if (!rc) {
		char *detail = json_dumps(d, JSON_COMPACT);
		audit_log(c->db, c->u->id, action, object, detail);
		free(detail);
	}
	json_decref(d);
	if (!rc && portal_db_exec(c->db, "COMMIT", err, sizeof err) == 0)
		return 0;
	sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
	return rc ? rc : rctx_fail(c, 500, "database", NULL, "保存失败。 The change could not be saved.");
}

static int reason_of(struct rctx *c, json_t *in, const char **reason)
{
	const char *s = json_string_value(json_object_get(in, "reason"));
	if (!s || !*s || strlen(s) > 1000)
		return rctx_fail(c, 422, "invalid", "reason",
			"请填写退回理由（1 到 1000 字节）。 A return needs a reason of 1 to 1000 bytes.");
	*reason = s;
	return 0;
}

static const char *text(json_t *o, const char *k) { return json_string_value(json_object_get(o, k)); }

/* ---- filings -------------------------------------------------------------------- */

/* Days the filing (its later date) comes after the year's filing deadline,
 * 0 when on time or when the year has no deadline. */
static long filing_late_days(sqlite3 *db, long long year, const char *contract, const char *reg)
{
	char due[11];
	const char *done = strcmp(contract, reg) > 0 ? contract : reg;
	report_deadline(db, (int)year, "audit_filing", due);
	return *due && strcmp(done, due) > 0 ? rec_days_between(due, done) : 0;
}

int audit_filing_submit(struct rctx *c, const char *audit_id, json_t *in, long long *filing_id)
{
	int rc = selfserve_may(c, SS_FILE, audit_id);
	if (rc)
		return rc;
	if (!json_is_object(in))
		return rctx_fail(c, 422, "invalid", NULL, "请求内容应为 JSON 对象。 The body must be a JSON object.");
	if ((rc = begin(c)))
		return rc;
	json_t *row = rec_row(c, audit_id), *contract = NULL, *reg = NULL;
	const struct rfield *fc = rtype_field(&rt_audits, "contract_date"), *fr = rtype_field(&rt_audits, "registration_date");
	struct rfield rc_f = *fc, rr_f = *fr;
	rc_f.flags |= F_REQ;
	rr_f.flags |= F_REQ;
	sqlite3_stmt *st = portal_db_prepare(c->db,
		"SELECT count(*) FROM audit_filings WHERE audit_id = ? AND state = 'pending'");
	sqlite3_bind_text(st, 1, audit_id, -1, SQLITE_TRANSIENT);
	int pending = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0) > 0;
	sqlite3_finalize(st);
	if (!row)
		rc = rec_not_found(c);
	else if (strcmp(text(row, "state"), "listed") != 0)
		rc = rctx_fail(c, 409, "workflow", NULL,
			"只有列入名单、尚未备案的审核可以填报合同和备案登记表日期。 Only an audit on the list that is not filed yet takes these dates.");
	else if (pending)
		rc = rctx_fail(c, 409, "pending_filing", NULL,
			"已有一份填报等待工作人员确认。 A filing is already waiting for staff to confirm it.");
	else if (!text(row, "agency_id"))
		rc = rctx_fail(c, 409, "no_agency", "agency_id",
			"提交合同和备案登记表前须确定咨询机构。 An audit needs a consulting agency before its contract is filed.");
	else if (!(rc = rec_value(c, &rc_f, json_object_get(in, "contract_date"), &contract)) &&
		 !(rc = rec_value(c, &rr_f, json_object_get(in, "registration_date"), &reg))) {
		json_object_set(row, "contract_date", contract);
		json_object_set(row, "registration_date", reg);
		const struct rtype *t = c->t;
		c->t = &rt_audits;
		if (!(rc = rule_not_before(c, row, "registration_date", "contract_date")) &&
		    !(rc = rule_not_future(c, row, "contract_date")))
			rc = rule_not_future(c, row, "registration_date");
		c->t = t;
	}
	long late = 0;
	if (!rc) {
		late = filing_late_days(c->db, json_integer_value(json_object_get(row, "year")),
					json_string_value(contract), json_string_value(reg));
		st = portal_db_prepare(c->db, "INSERT INTO audit_filings (audit_id, contract_date, registration_date,"
			" filed_by, filed_at) VALUES (?, ?, ?, ?, ?)");
		sqlite3_bind_text(st, 1, audit_id, -1, SQLITE_TRANSIENT);
		rec_bind(st, 2, contract);
		rec_bind(st, 3, reg);
		sqlite3_bind_int64(st, 4, c->u->id);
		sqlite3_bind_int64(st, 5, portal_now());
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = rctx_fail(c, 500, "database", NULL, "保存失败。 The filing could not be saved.");
		sqlite3_finalize(st);
		*filing_id = sqlite3_last_insert_rowid(c->db);
	}
	json_t *d = rc ? NULL : json_pack("{s:{s:O},s:{s:O},s:I}", "contract_date", "to", contract,
					  "registration_date", "to", reg, "late_days", (json_int_t)late);
	json_decref(row);
	json_decref(contract);
	json_decref(reg);
	return end(c, rc, arena_printf(c->a, "audit:%s", audit_id), "filing", d);
}

/* The audit's own move (mv, freed here) inside the caller's transaction,
 * with every rule the move has, whatever record type c is about. */
static int audit_move(struct rctx *c, const char *audit_id, json_t *mv)
{
	const struct rtype *t = c->t;
	c->t = &rt_audits;
	int rc = workflow_move_within(c, audit_id, mv);
	c->t = t;
	json_decref(mv);
	return rc;
}

int audit_filing_decide(struct rctx *c, const char *audit_id, long long filing_id, json_t *in)
{
	int rc = selfserve_may(c, SS_FILING_DECIDE, audit_id);
	if (rc)
		return rc;
	const char *decision = text(in, "decision"), *reason = NULL;
	if (!decision || (strcmp(decision, "confirmed") && strcmp(decision, "returned")))
		return rctx_fail(c, 422, "invalid", "decision",
			"处理结果应为 confirmed（确认）或 returned（退回）。 decision must be confirmed or returned.");
	if (strcmp(decision, "returned") == 0 && (rc = reason_of(c, in, &reason)))
		return rc;
	if ((rc = begin(c)))
		return rc;
	sqlite3_stmt *st = portal_db_prepare(c->db,
		"SELECT state, contract_date, registration_date FROM audit_filings WHERE id = ? AND audit_id = ?");
	sqlite3_bind_int64(st, 1, filing_id);
	sqlite3_bind_text(st, 2, audit_id, -1, SQLITE_TRANSIENT);
	const char *state = NULL, *contract = NULL, *reg = NULL;
	if (sqlite3_step(st) == SQLITE_ROW) {
		state = arena_strdup(c->a, (const char *)sqlite3_column_text(st, 0));
		contract = arena_strdup(c->a, (const char *)sqlite3_column_text(st, 1));
		reg = arena_strdup(c->a, (const char *)sqlite3_column_text(st, 2));
	}
	sqlite3_finalize(st);
	if (!state)
		rc = rctx_fail(c, 404, "not_found", NULL, "没有这份填报。 There is no such filing.");
	else if (strcmp(state, "pending"))
		rc = rctx_fail(c, 409, "workflow", "decision",
			"这份填报已经处理过。 This filing has been confirmed or returned already.");
	else if (strcmp(decision, "confirmed") == 0) {
		/* The audit's own move, with every rule it has (agency, date
		 * order, gates; a staff reason passes a gate as for any move). */
		json_t *mv = json_pack("{s:s,s:s,s:s}", "to", "filed", "contract_date", contract,
				       "registration_date", reg);
		if (json_is_string(json_object_get(in, "reason")))
			json_object_set(mv, "reason", json_object_get(in, "reason"));
		rc = audit_move(c, audit_id, mv);
	}
	if (!rc) {
		st = portal_db_prepare(c->db, "UPDATE audit_filings SET state = ?, decided_by = ?, decided_at = ?,"
			" reason = ? WHERE id = ?");
		sqlite3_bind_text(st, 1, decision, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(st, 2, c->u->id);
		sqlite3_bind_int64(st, 3, portal_now());
		portal_db_bind_text(st, 4, reason);
		sqlite3_bind_int64(st, 5, filing_id);
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = rctx_fail(c, 500, "database", NULL, "保存失败。 The decision could not be saved.");
		sqlite3_finalize(st);
	}
	json_t *d = rc ? NULL : json_pack("{s:s,s:s?}", "decision", decision, "reason", reason);
	return end(c, rc, arena_printf(c->a, "audit:%s", audit_id),
		   strcmp(decision, "confirmed") == 0 ? "filing_confirm" : "filing_return", d);
}

/* ---- review opinions ------------------------------------------------------------ */

static const struct rfield f_opinion = { .name = "opinion", .type = FT_LONG, .flags = F_REQ, .label = "评审意见" };
static const struct rfield f_grade = { .name = "grade", .type = FT_ENUM, .flags = F_REQ, .label = "建议等级",
				       .choices = audit_grades };
static const struct rfield f_score = { .name = "score", .type = FT_INT, .flags = F_REQ, .label = "建议得分",
				       .min = 0, .max = 100 };

int review_save(struct rctx *c, const char *audit_id, json_t *in)
{
	int rc = selfserve_may(c, SS_REVIEW, audit_id);
	if (rc)
		return rc;
	if (!json_is_object(in))
		return rctx_fail(c, 422, "invalid", NULL, "请求内容应为 JSON 对象。 The body must be a JSON object.");
	if ((rc = begin(c)))
		return rc;
	const char *case_id = arena_printf(c->a, "audit:%s", audit_id), *ent, *agency;
	json_t *row = rec_row(c, audit_id), *op = NULL, *grade = NULL, *score = NULL;
	/* The caller's expert record, assigned to this case, and whether it
	 * is linked to the case's parties (a conflict added since). */
	rec_case_parties(c->db, c->a, case_id, &ent, &agency);
	sqlite3_stmt *st = portal_db_prepare(c->db,
		"SELECT x.id, instr(',' || ifnull(x.conflict_enterprises, '') || ',', ',' || ?3 || ',') > 0"
		"  OR instr(',' || ifnull(x.conflict_agencies, '') || ',', ',' || ?4 || ',') > 0,"
		" (SELECT state FROM expert_reviews WHERE case_id = ?2 AND expert_id = x.id)"
		" FROM assignments s JOIN experts x ON x.id = s.expert_id"
		" WHERE x.user_name = ?1 AND s.case_id = ?2");
	portal_db_bind_text(st, 1, c->u->name);
	sqlite3_bind_text(st, 2, case_id, -1, SQLITE_TRANSIENT);
	portal_db_bind_text(st, 3, ent);
	portal_db_bind_text(st, 4, agency);
	const char *expert = NULL, *state = NULL;
	int conflict = 0;
	if (sqlite3_step(st) == SQLITE_ROW) {
		expert = arena_strdup(c->a, (const char *)sqlite3_column_text(st, 0));
		conflict = sqlite3_column_int(st, 1);
		if (sqlite3_column_text(st, 2))
			state = arena_strdup(c->a, (const char *)sqlite3_column_text(st, 2));
	}
	sqlite3_finalize(st);
	if (!row)
		rc = rec_not_found(c);
	else if (!expert)
		rc = rctx_fail(c, 403, "forbidden", NULL, rules[SS_REVIEW].refusal);
	else if (conflict)
		rc = rctx_fail(c, 409, "conflict_of_interest", NULL,
			"您与该企业或咨询机构有利害关系，不能评审本案件。 You are linked to this case's enterprise or agency and cannot review it.");
	else if (strcmp(text(row, "state"), "evaluated") == 0 || (state && strcmp(state, "confirmed") == 0))
		rc = rctx_fail(c, 409, "confirmed", NULL,
			"评估等级已由工作人员确认，评审意见不能再修改。 Staff have confirmed the grade; the review can no longer change.");
	else if (!(rc = rec_value(c, &f_opinion, json_object_get(in, "opinion"), &op)) &&
		 !(rc = rec_value(c, &f_grade, json_object_get(in, "grade"), &grade)) &&
		 !(rc = rec_value(c, &f_score, json_object_get(in, "score"), &score))) {
		const char *want = audit_grade_of(json_integer_value(score));
		if (strcmp(want, json_string_value(grade)))
			rc = rctx_fail(c, 422, "grade_score", "grade", arena_printf(c->a,
				"建议等级与得分不符：%lld 分应为“%s”（优秀 90 分及以上，良好 80–89，合格 60–79，不合格 60 分以下）。"
				" The grade does not match the score: %lld points is %s.",
				(long long)json_integer_value(score), want, (long long)json_integer_value(score), want));
	}
	if (!rc) {
		st = portal_db_prepare(c->db,
			"INSERT INTO expert_reviews (case_id, expert_id, opinion, grade, score, created_at, updated_at)"
			" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6) ON CONFLICT (case_id, expert_id) DO UPDATE SET"
			" opinion = ?3, grade = ?4, score = ?5, updated_at = ?6, state = 'pending', return_reason = NULL");
		sqlite3_bind_text(st, 1, case_id, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 2, expert, -1, SQLITE_TRANSIENT);
		rec_bind(st, 3, op);
		rec_bind(st, 4, grade);
		rec_bind(st, 5, score);
		sqlite3_bind_int64(st, 6, portal_now());
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = rctx_fail(c, 500, "database", NULL, "保存失败。 The review could not be saved.");
		sqlite3_finalize(st);
	}
	json_t *d = rc ? NULL : json_pack("{s:{s:s},s:O,s:O,s:O}", "expert", "to", expert, "proposed_grade", grade,
					  "proposed_score", score, "opinion", op);
	json_decref(row);
	json_decref(op);
	json_decref(grade);
	json_decref(score);
	return end(c, rc, case_id, "review", d);
}

int review_return(struct rctx *c, const char *audit_id, const char *expert_id, json_t *in)
{
	int rc = selfserve_may(c, SS_REVIEW_DECIDE, audit_id);
	const char *reason = NULL, *case_id = arena_printf(c->a, "audit:%s", audit_id);
	if (rc || (rc = reason_of(c, in, &reason)) || (rc = begin(c)))
		return rc;
	sqlite3_stmt *st = portal_db_prepare(c->db,
		"UPDATE expert_reviews SET state = 'returned', return_reason = ?, updated_at = ?"
		" WHERE case_id = ? AND expert_id = ? AND state = 'pending'");
	sqlite3_bind_text(st, 1, reason, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, portal_now());
	sqlite3_bind_text(st, 3, case_id, -1, SQLITE_TRANSIENT);
	portal_db_bind_text(st, 4, expert_id);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = rctx_fail(c, 500, "database", NULL, "保存失败。 The change could not be saved.");
	else if (sqlite3_changes(c->db) == 0)
		rc = rctx_fail(c, 409, "workflow", NULL,
			"这位专家没有待确认的评审意见。 This expert has no review waiting for confirmation.");
	sqlite3_finalize(st);
	json_t *d = rc ? NULL : json_pack("{s:{s:s},s:s}", "expert", "to", expert_id, "reason", reason);
	return end(c, rc, case_id, "review_return", d);
}

int review_confirm(struct rctx *c, const char *audit_id, json_t *in)
{
	int rc = selfserve_may(c, SS_REVIEW_DECIDE, audit_id);
	if (rc)
		return rc;
	if (!json_is_object(in))
		return rctx_fail(c, 422, "invalid", NULL, "请求内容应为 JSON 对象。 The body must be a JSON object.");
	if ((rc = begin(c)))
		return rc;
	const char *case_id = arena_printf(c->a, "audit:%s", audit_id);
	sqlite3_stmt *st = portal_db_prepare(c->db,
		"SELECT count(*) FROM expert_reviews WHERE case_id = ? AND state = 'pending'");
	sqlite3_bind_text(st, 1, case_id, -1, SQLITE_TRANSIENT);
	int n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
	sqlite3_finalize(st);
	if (!n)
		rc = rctx_fail(c, 409, "no_reviews", NULL,
			"还没有待确认的专家评审意见。 No expert review is waiting for confirmation.");
	if (!rc) {
		/* The audit's move to evaluated: the grade follows the score,
		 * the dates stay in order, an expert is assigned. */
		json_t *mv = json_deep_copy(in);
		json_object_set_new(mv, "to", json_string("evaluated"));
		rc = audit_move(c, audit_id, mv);
	}
	if (!rc) {
		st = portal_db_prepare(c->db, "UPDATE expert_reviews SET state = 'confirmed', confirmed_by = ?,"
			" confirmed_at = ? WHERE case_id = ? AND state = 'pending'");
		sqlite3_bind_int64(st, 1, c->u->id);
		sqlite3_bind_int64(st, 2, portal_now());
		sqlite3_bind_text(st, 3, case_id, -1, SQLITE_TRANSIENT);
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = rctx_fail(c, 500, "database", NULL, "保存失败。 The confirmation could not be saved.");
		sqlite3_finalize(st);
	}
	json_t *d = rc ? NULL : json_pack("{s:i}", "reviews_confirmed", n);
	return end(c, rc, case_id, "grade_confirm", d);
}

/* ---- views -------------------------------------------------------------------- */

void selfserve_audit_view(struct rctx *c, const char *audit_id, json_t *o)
{
	long long year = json_integer_value(json_object_get(o, "year"));
	sqlite3_stmt *st = portal_db_prepare(c->db,
		"SELECT f.id, f.contract_date, f.registration_date, f.state, u.name,"
		" strftime('%Y-%m-%dT%H:%M:%SZ', f.filed_at, 'unixepoch'), d.name,"
		" strftime('%Y-%m-%dT%H:%M:%SZ', f.decided_at, 'unixepoch'), f.reason"
		" FROM audit_filings f LEFT JOIN users u ON u.id = f.filed_by LEFT JOIN users d ON d.id = f.decided_by"
		" WHERE f.audit_id = ? ORDER BY f.id");
	sqlite3_bind_text(st, 1, audit_id, -1, SQLITE_TRANSIENT);
	json_t *a = json_array();
	while (sqlite3_step(st) == SQLITE_ROW) {
		long late = filing_late_days(c->db, year, (const char *)sqlite3_column_text(st, 1),
					     (const char *)sqlite3_column_text(st, 2));
		json_array_append_new(a, json_pack("{s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:I}",
			"id", rec_column(st, 0), "contract_date", rec_column(st, 1),
			"registration_date", rec_column(st, 2), "state", rec_column(st, 3),
			"filed_by", rec_column(st, 4), "filed_at", rec_column(st, 5),
			"decided_by", rec_column(st, 6), "decided_at", rec_column(st, 7),
			"reason", rec_column(st, 8), "late_days", (json_int_t)late));
	}
	sqlite3_finalize(st);
	json_object_set_new(o, "filings", a);
	/* Reviews: staff see every expert's, an expert only its own, the
	 * parties none (the proposals are the commission's to weigh). */
	int staff = portal_user_sees_all(c->u);
	if (!staff && !(c->u->role && strcmp(c->u->role, "expert") == 0))
		return;
	st = portal_db_prepare(c->db,
		"SELECT r.expert_id, x.name, r.opinion, r.grade, r.score, r.state,"
		" strftime('%Y-%m-%dT%H:%M:%SZ', r.updated_at, 'unixepoch'), u.name,"
		" strftime('%Y-%m-%dT%H:%M:%SZ', r.confirmed_at, 'unixepoch'), r.return_reason"
		" FROM expert_reviews r JOIN experts x ON x.id = r.expert_id LEFT JOIN users u ON u.id = r.confirmed_by"
		" WHERE r.case_id = ?1 AND (?2 OR x.user_name = ?3) ORDER BY x.name");
	sqlite3_bind_text(st, 1, arena_printf(c->a, "audit:%s", audit_id), -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 2, staff);
	portal_db_bind_text(st, 3, c->u->name);
	a = json_array();
	while (sqlite3_step(st) == SQLITE_ROW)
		json_array_append_new(a, json_pack("{s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o}",
			"expert_id", rec_column(st, 0), "expert", rec_column(st, 1), "opinion", rec_column(st, 2),
			"grade", rec_column(st, 3), "score", rec_column(st, 4), "state", rec_column(st, 5),
			"updated_at", rec_column(st, 6), "confirmed_by", rec_column(st, 7),
			"confirmed_at", rec_column(st, 8), "return_reason", rec_column(st, 9)));
	sqlite3_finalize(st);
	json_object_set_new(o, "reviews", a);
}

json_t *selfserve_pending(struct rctx *c)
{
	if (!portal_user_sees_all(c->u))
		return NULL;
	json_t *o = json_object();
	json_object_set_new(o, "filings", rec_rows(c->db,
		"SELECT f.audit_id AS audit, (SELECT name FROM enterprises WHERE id = a.enterprise_id) AS enterprise,"
		" a.year, f.id, f.contract_date, f.registration_date, u.name AS filed_by,"
		" strftime('%Y-%m-%dT%H:%M:%SZ', f.filed_at, 'unixepoch') AS filed_at"
		" FROM audit_filings f JOIN audits a ON a.id = f.audit_id LEFT JOIN users u ON u.id = f.filed_by"
		" WHERE f.state = 'pending' ORDER BY f.filed_at, f.id", NULL));
	json_t *f;
	size_t i;
	json_array_foreach(json_object_get(o, "filings"), i, f)
		json_object_set_new(f, "late_days", json_integer(filing_late_days(c->db,
			json_integer_value(json_object_get(f, "year")), text(f, "contract_date"), text(f, "registration_date"))));
	json_object_set_new(o, "changes", rec_rows(c->db,
		"SELECT c.project_id AS project, p.name AS project_name,"
		" (SELECT name FROM enterprises WHERE id = p.enterprise_id) AS enterprise, c.id, c.description,"
		" c.new_end_date, c.reason, u.name AS requested_by,"
		" strftime('%Y-%m-%dT%H:%M:%SZ', c.requested_at, 'unixepoch') AS requested_at"
		" FROM project_changes c JOIN projects p ON p.id = c.project_id LEFT JOIN users u ON u.id = c.requested_by"
		" WHERE c.state = 'pending' ORDER BY c.requested_at, c.id", NULL));
	json_object_set_new(o, "reviews", rec_rows(c->db,
		"SELECT substr(r.case_id, 7) AS audit, (SELECT name FROM enterprises WHERE id = a.enterprise_id) AS enterprise,"
		" a.year, count(*) AS opinions, group_concat(x.name || '：' || r.grade || ' ' || r.score, '；') AS proposals,"
		" strftime('%Y-%m-%dT%H:%M:%SZ', max(r.updated_at), 'unixepoch') AS updated_at"
		" FROM expert_reviews r JOIN audits a ON 'audit:' || a.id = r.case_id JOIN experts x ON x.id = r.expert_id"
		" WHERE r.state = 'pending' GROUP BY r.case_id ORDER BY max(r.updated_at)", NULL));
	return o;
}

void selfserve_history_scope(struct rctx *c, json_t *history)
{
	if (portal_user_sees_all(c->u))
		return;
	for (size_t i = json_array_size(history); i-- > 0;) {
		const char *action = text(json_array_get(history, i), "action");
		if (action && (strcmp(action, "review") == 0 || strcmp(action, "review_return") == 0))
			json_array_remove(history, i);
	}
}
