/* records-project.c: projects from the yearly recommended list and their
 * workflow:
 *
 *   recommended -> applied -> district_approved -> reviewed -> approved
 *   -> implementing -> first_paid -> evaluated -> accepted -> completed
 *   (applied, district_approved, reviewed -> rejected;
 *    evaluated -> acceptance_failed -> accepted)
 *
 * Money rules: the first disbursement is at most 70% of the approved
 * subsidy, the final one is paid only after acceptance passes, and the two
 * together never exceed the subsidy. Implementation starts within the
 * project's year and lasts at most 12 months; change requests extending it
 * need approval, and no project is accepted while one is pending. */
#include "records.h"
#include "arena.h"
#include "audit.h"
#include "db.h"
#include "workflow.h"
#include "labels.h"

#include <stdlib.h>
#include <string.h>

static const char *const states[] = {
	"recommended", "applied", "district_approved", "reviewed", "approved", "implementing",
	"first_paid", "evaluated", "accepted", "completed", "acceptance_failed", "rejected", NULL,
};
static const char *const rounds[] = { "spring", "autumn", NULL };

static const struct rfield fields[] = {
	{ .name = "enterprise_id", .type = FT_REF, .flags = F_REQ | F_LIST | F_FILTER, .label = "企业", .ref = "enterprises" },
	{ .name = "year", .type = FT_YEAR, .flags = F_REQ | F_LIST | F_FILTER, .label = "年度" },
	{ .name = "name", .type = FT_TEXT, .flags = F_REQ | F_LIST, .label = "项目名称" },
	{ .name = "round", .type = FT_ENUM, .flags = F_REQ | F_FILTER, .label = "申报批次", .choices = rounds, .codes = L_ROUND },
	{ .name = "state", .type = FT_ENUM, .flags = F_STATE | F_LIST | F_FILTER, .label = "状态", .choices = states },
	{ .name = "investment_fen", .type = FT_MONEY, .flags = 0, .label = "总投资（元）" },
	{ .name = "application_date", .type = FT_DATE, .flags = F_FLOW, .label = "申报日期" },
	{ .name = "district_approved_date", .type = FT_DATE, .flags = F_FLOW, .label = "区级审核日期" },
	{ .name = "review_date", .type = FT_DATE, .flags = F_FLOW, .label = "专家评审日期" },
	{ .name = "approved_date", .type = FT_DATE, .flags = F_FLOW, .label = "批准日期" },
	{ .name = "subsidy_fen", .type = FT_MONEY, .flags = F_FLOW | F_LIST, .label = "批准补助（元）" },
	{ .name = "start_date", .type = FT_DATE, .flags = F_FLOW, .label = "开工日期" },
	{ .name = "planned_end_date", .type = FT_DATE, .flags = F_FLOW, .label = "计划完工日期" },
	{ .name = "first_paid_fen", .type = FT_MONEY, .flags = F_FLOW, .label = "首笔拨付（元）" },
	{ .name = "first_paid_date", .type = FT_DATE, .flags = F_FLOW, .label = "首笔拨付日期" },
	{ .name = "evaluation_date", .type = FT_DATE, .flags = F_FLOW, .label = "第三方评估日期" },
	{ .name = "energy_saved", .type = FT_REAL, .flags = F_FLOW, .label = "节能量" },
	{ .name = "energy_saved_unit", .type = FT_TEXT, .flags = F_FLOW, .label = "节能量单位" },
	{ .name = "consumption_cut", .type = FT_REAL, .flags = F_FLOW, .label = "降耗量" },
	{ .name = "consumption_cut_unit", .type = FT_TEXT, .flags = F_FLOW, .label = "降耗量单位" },
	{ .name = "pollution_cut", .type = FT_REAL, .flags = F_FLOW, .label = "减污量" },
	{ .name = "pollution_cut_unit", .type = FT_TEXT, .flags = F_FLOW, .label = "减污量单位" },
	{ .name = "efficiency_gain", .type = FT_REAL, .flags = F_FLOW, .label = "增效" },
	{ .name = "efficiency_gain_unit", .type = FT_TEXT, .flags = F_FLOW, .label = "增效单位" },
	{ .name = "accepted_date", .type = FT_DATE, .flags = F_FLOW, .label = "验收日期" },
	{ .name = "acceptance_note", .type = FT_LONG, .flags = F_FLOW, .label = "验收意见" },
	{ .name = "final_paid_fen", .type = FT_MONEY, .flags = F_FLOW, .label = "尾款拨付（元）" },
	{ .name = "final_paid_date", .type = FT_DATE, .flags = F_FLOW, .label = "尾款拨付日期" },
	{ .name = "rejected_date", .type = FT_DATE, .flags = F_FLOW, .label = "未获批准日期" },
	{ .name = "note", .type = FT_LONG, .flags = 0, .label = "备注" },
	{ .name = NULL },
};

static const struct rscope scope[] = {
	{ "enterprise", "t.enterprise_id IN (SELECT id FROM enterprises WHERE id = :ent OR credit_code = :ent)" },
	{ "expert", "EXISTS (SELECT 1 FROM assignments s JOIN experts x ON x.id = s.expert_id"
		    " WHERE x.user_name = :uname AND s.case_id = 'project:' || t.id)" },
	{ "district", "t.enterprise_id IN (SELECT id FROM enterprises WHERE district = :dist)" },
	{ "authority", "t.enterprise_id IN (SELECT id FROM enterprises WHERE sector = :sec)" },
	{ NULL, NULL },
};

static long long money(json_t *row, const char *name)
{
	return json_integer_value(json_object_get(row, name));
}

static int in_year(struct rctx *c, json_t *row, const char *field, const char *zh, const char *en)
{
	const char *d = json_string_value(json_object_get(row, field));
	long long y = json_integer_value(json_object_get(row, "year"));
	if (d && atoi(d) == y)
		return 0;
	return rctx_fail(c, 422, "wrong_year", field, arena_printf(c->a, "%s（项目年度 %lld）。 %s (the project's year is %lld).",
		zh, y, en, y));
}

static int check_district(struct rctx *c, const char *id, json_t *n)
{
	return rule_not_before(c, n, "district_approved_date", "application_date");
}

static int check_reviewed(struct rctx *c, const char *id, json_t *n)
{
	int rc = rule_not_before(c, n, "review_date", "district_approved_date");
	return rc ? rc : rule_has_expert(c, arena_printf(c->a, "project:%s", id));
}

static int check_approved(struct rctx *c, const char *id, json_t *n)
{
	return rule_not_before(c, n, "approved_date", "review_date");
}

static int check_implementing(struct rctx *c, const char *id, json_t *n)
{
	int rc = rule_not_before(c, n, "start_date", "approved_date");
	return rc ? rc : rule_not_before(c, n, "planned_end_date", "start_date");
}

static int check_first_paid(struct rctx *c, const char *id, json_t *n)
{
	return rule_not_before(c, n, "first_paid_date", "start_date");
}

static int check_evaluated(struct rctx *c, const char *id, json_t *n)
{
	return rule_not_before(c, n, "evaluation_date", "first_paid_date");
}

static int check_accepted(struct rctx *c, const char *id, json_t *n)
{
	int rc = rule_not_before(c, n, "accepted_date", "evaluation_date");
	if (rc)
		return rc;
	sqlite3_stmt *st = portal_db_prepare(c->db,
		"SELECT count(*) FROM project_changes WHERE project_id = ? AND state = 'pending'");
	sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
	int pending = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
	sqlite3_finalize(st);
	if (pending)
		return rctx_fail(c, 409, "change_pending", NULL,
			"项目有待审批的变更申请，审批前不能验收。 The project has a change request awaiting approval; it cannot be accepted before the decision.");
	return 0;
}

static int check_completed(struct rctx *c, const char *id, json_t *n)
{
	return rule_not_before(c, n, "final_paid_date", "accepted_date");
}

static int has(json_t *row, const char *name)
{
	json_t *v = json_object_get(row, name);
	return v && !json_is_null(v);
}

/* Money: subsidy > 0 and within the investment, which is then required;
 * the first disbursement at most 70% of it, both together at most all. */
static int money_rules(struct rctx *c, json_t *n)
{
	long long sub = money(n, "subsidy_fen"), inv = money(n, "investment_fen");
	long long first = money(n, "first_paid_fen"), final = money(n, "final_paid_fen");
	if (has(n, "subsidy_fen") && sub <= 0)
		return rctx_fail(c, 422, "invalid", "subsidy_fen", "批准补助须大于零。 The approved subsidy must be more than zero.");
	if (has(n, "subsidy_fen") && !has(n, "investment_fen"))
		return rctx_fail(c, 422, "investment_required", "investment_fen",
			"批准补助前须填写项目总投资。 The project's total investment must be recorded before a subsidy is approved.");
	if (has(n, "subsidy_fen") && sub > inv)
		return rctx_fail(c, 422, "subsidy_above_investment", "subsidy_fen",
			"批准补助不能超过项目总投资。 The subsidy cannot exceed the project's total investment.");
	if (first * 10 > sub * 7)
		return rctx_fail(c, 409, "disbursement_above_70", "first_paid_fen", arena_printf(c->a,
			"首笔拨付不得超过批准补助的 70%%（最多 %s 元）。 The first disbursement is at most 70%% of the approved subsidy (%s yuan).",
			rec_yuan(c->a, sub * 7 / 10), rec_yuan(c->a, sub * 7 / 10)));
	if (first + final > sub)
		return rctx_fail(c, 409, "disbursement_above_subsidy", "final_paid_fen", arena_printf(c->a,
			"拨付总额不得超过批准补助（尾款最多 %s 元）。 Disbursements cannot exceed the approved subsidy (at most %s yuan remain).",
			rec_yuan(c->a, sub - first), rec_yuan(c->a, sub - first)));
	return 0;
}

/* Dates: application and start within the project's year, at most 12
 * months of implementation, no payment or acceptance after today. */
static int date_rules(struct rctx *c, json_t *n)
{
	static const char *const past[] = { "first_paid_date", "accepted_date", "final_paid_date", NULL };
	int rc = 0;
	if (has(n, "application_date") &&
	    (rc = in_year(c, n, "application_date", "申报日期须在项目年度内", "The application must be dated within the project's year")))
		return rc;
	if (has(n, "start_date") &&
	    (rc = in_year(c, n, "start_date", "项目须在当年内开工", "Implementation must start within the project's year")))
		return rc;
	if (has(n, "start_date") && has(n, "planned_end_date")) {
		char limit[11];
		rec_date_add_months(json_string_value(json_object_get(n, "start_date")), 12, limit);
		if (strcmp(json_string_value(json_object_get(n, "planned_end_date")), limit) > 0)
			return rctx_fail(c, 422, "too_long", "planned_end_date", arena_printf(c->a,
				"实施期不得超过 12 个月（最晚 %s 完工）。 Implementation lasts at most 12 months (until %s).", limit, limit));
	}
	for (const char *const *f = past; *f; f++)
		if ((rc = rule_not_future(c, n, *f)))
			return rc;
	return 0;
}

/* A project comes from the recommended list: its enterprise has an audit
 * of its year or before, evaluated 合格 or better. Without one, staff may
 * still create it with a reason (logged with the record's creation). */
static int rule_eligible_audit(struct rctx *c, json_t *row)
{
	sqlite3_stmt *st = portal_db_prepare(c->db,
		"SELECT 1 FROM audits WHERE enterprise_id = ? AND year <= ? AND state = 'evaluated'"
		" AND grade IN ('优秀', '良好', '合格')");
	sqlite3_bind_text(st, 1, json_string_value(json_object_get(row, "enterprise_id")), -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, json_integer_value(json_object_get(row, "year")));
	int eligible = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	if (eligible || (c->reason && *c->reason))
		return 0;
	return rctx_fail(c, 409, "no_eligible_audit", "enterprise_id",
		"该企业没有本年度或以前年度评估为合格及以上的清洁生产审核，不能列入项目推荐名单；"
		"如确需列入，请由工作人员填写理由（reason）。"
		" The enterprise has no audit of this year or before graded 合格 or better; "
		"staff may still add the project with a reason.");
}

/* The project's invariants after any write (records.h, struct rtype). */
static int check(struct rctx *c, json_t *row, json_t *old)
{
	static const char *const fixed[] = { "enterprise_id", "year", "round", NULL };
	const char *id = json_string_value(json_object_get(row, "id"));
	int rc = rule_fixed_once_started(c, row, old, fixed);
	if (rc || (rc = money_rules(c, row)) || (rc = date_rules(c, row)))
		return rc;
	if ((!old || rule_changed(row, old, "enterprise_id") || rule_changed(row, old, "year")) &&
	    (rc = rule_eligible_audit(c, row)))
		return rc;
	if (id && rule_changed(row, old, "enterprise_id"))
		return rule_no_conflict(c, arena_printf(c->a, "project:%s", id),
					json_string_value(json_object_get(row, "enterprise_id")), NULL);
	return 0;
}

static const char *const s_applied[] = { "application_date", NULL };
static const char *const s_district[] = { "district_approved_date", NULL };
static const char *const s_reviewed[] = { "review_date", NULL };
static const char *const s_approved[] = { "approved_date", "subsidy_fen", NULL };
static const char *const s_impl[] = { "start_date", "planned_end_date", NULL };
static const char *const s_first[] = { "first_paid_fen", "first_paid_date", NULL };
static const char *const s_eval[] = {
	"evaluation_date", "energy_saved", "energy_saved_unit", "consumption_cut", "consumption_cut_unit",
	"pollution_cut", "pollution_cut_unit", "efficiency_gain", "efficiency_gain_unit", NULL,
};
static const char *const s_accept[] = { "accepted_date", NULL };
static const char *const s_fail[] = { "accepted_date", "acceptance_note", NULL };
static const char *const s_note[] = { "acceptance_note", NULL };
static const char *const s_final[] = { "final_paid_fen", "final_paid_date", NULL };
static const char *const s_reject[] = { "rejected_date", NULL };
static const char *const s_reject_opt[] = { "note", NULL };

#define R_ACCEPT "验收须在第三方评估完成之后进行。 A project is accepted only after the third-party evaluation"
#define R_REJECT "只有申报后、批准前的项目可以不予批准。 Only an application not yet approved can be rejected"
static const struct transition transitions[] = {
	{ "recommended", "applied", s_applied, NULL, NULL,
	  "只有推荐名单中尚未申报的项目可以申报。 Only a recommended project that has not applied can apply" },
	{ "applied", "district_approved", s_district, NULL, check_district,
	  "区级审核须在项目申报之后。 District approval comes after the application" },
	{ "district_approved", "reviewed", s_reviewed, NULL, check_reviewed,
	  "专家评审须在区级审核之后。 The expert review comes after district approval" },
	{ "reviewed", "approved", s_approved, NULL, check_approved,
	  "项目须经专家评审后才能批准。 A project is approved only after the expert review" },
	{ "approved", "implementing", s_impl, NULL, check_implementing,
	  "项目须批准后才能开工实施。 Implementation starts only after approval" },
	{ "implementing", "first_paid", s_first, NULL, check_first_paid,
	  "首笔资金（70%）须在项目开工后、验收前拨付。 The first disbursement (70%) is paid once implementation has started, before acceptance" },
	{ "first_paid", "evaluated", s_eval, NULL, check_evaluated,
	  "第三方评估须在首笔资金拨付之后。 The third-party evaluation comes after the first disbursement" },
	{ "evaluated", "accepted", s_accept, s_note, check_accepted, R_ACCEPT },
	{ "acceptance_failed", "accepted", s_accept, s_note, check_accepted, R_ACCEPT },
	{ "evaluated", "acceptance_failed", s_fail, NULL, check_accepted, R_ACCEPT },
	{ "accepted", "completed", s_final, NULL, check_completed,
	  "尾款（30%）只能在绩效验收通过之后拨付。 The final disbursement (30%) is paid only after acceptance passes" },
	{ "applied", "rejected", s_reject, s_reject_opt, NULL, R_REJECT },
	{ "district_approved", "rejected", s_reject, s_reject_opt, NULL, R_REJECT },
	{ "reviewed", "rejected", s_reject, s_reject_opt, NULL, R_REJECT },
};

static const struct workflow flow = {
	"state", "recommended", states, L_PROJECT_STATE, transitions, sizeof transitions / sizeof transitions[0],
};

static void extra(struct rctx *c, const char *id, json_t *o)
{
	records_case_experts(c, id, o);
	sqlite3_stmt *st = portal_db_prepare(c->db,
		"SELECT c.id, c.description, c.new_end_date, c.state, strftime('%Y-%m-%d', c.requested_at, 'unixepoch'),"
		" c.reason, u.name FROM project_changes c LEFT JOIN users u ON u.id = c.requested_by"
		" WHERE c.project_id = ? ORDER BY c.id");
	sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
	json_t *a = json_array();
	while (sqlite3_step(st) == SQLITE_ROW)
		json_array_append_new(a, json_pack("{s:o,s:o,s:o,s:o,s:o,s:o,s:o}", "id", rec_column(st, 0),
			"description", rec_column(st, 1), "new_end_date", rec_column(st, 2),
			"state", rec_column(st, 3), "requested", rec_column(st, 4),
			"reason", rec_column(st, 5), "requested_by", rec_column(st, 6)));
	sqlite3_finalize(st);
	json_object_set_new(o, "changes", a);
	project_results_view(c, id, o);
}

const struct rtype rt_projects = {
	.name = "projects", .kind = "project", .label = "项目", .id_prefix = "p",
	.fields = fields, .title_sql = "t.name", .scope = scope, .flow = &flow, .check = check,
	.extra = extra, .is_case = 1,
};
