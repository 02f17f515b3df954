/* records-audit.c: audits on the yearly list and their workflow:
 *
 *   listed -> filed      contract and registration form filed (due Feb 28)
 *   filed -> submitted   audit report submitted (due May 31)
 *   submitted -> evaluated  evaluated with grade and score (due end of June)
 *
 * Grades follow the score: 优秀 90-100, 良好 80-89, 合格 60-79, 不合格
 * below 60. Filing needs an active consulting agency; evaluation needs an
 * assigned expert (reviewer). */
#include "records.h"
#include "arena.h"
#include "db.h"
#include "workflow.h"
#include "labels.h"

#include <string.h>

static const char *const states[] = { "listed", "filed", "submitted", "evaluated", NULL };
const char *const audit_grades[] = { "优秀", "良好", "合格", "不合格", NULL };

static const struct rfield fields[] = {
	{ .name = "enterprise_id", .type = FT_REF, .flags = F_REQ | F_LIST | F_FILTER, .label = "企业", .ref = "enterprises" },
	{ .name = "year", .type = FT_YEAR, .flags = F_REQ | F_LIST | F_FILTER, .label = "年度" },
	{ .name = "agency_id", .type = FT_REF, .flags = F_LIST | F_FILTER, .label = "咨询机构", .ref = "agencies" },
	{ .name = "state", .type = FT_ENUM, .flags = F_STATE | F_LIST | F_FILTER, .label = "状态", .choices = states },
	{ .name = "contract_date", .type = FT_DATE, .flags = F_FLOW, .label = "咨询合同日期" },
	{ .name = "registration_date", .type = FT_DATE, .flags = F_FLOW, .label = "备案登记表日期" },
	{ .name = "report_date", .type = FT_DATE, .flags = F_FLOW, .label = "审核报告提交日期" },
	{ .name = "evaluated_date", .type = FT_DATE, .flags = F_FLOW, .label = "评估日期" },
	{ .name = "grade", .type = FT_ENUM, .flags = F_FLOW | F_LIST | F_FILTER, .label = "评估等级", .choices = audit_grades },
	{ .name = "score", .type = FT_INT, .flags = F_FLOW | F_LIST, .label = "评估得分", .min = 0, .max = 100 },
	{ .name = "note", .type = FT_LONG, .flags = 0, .label = "备注" },
	{ .name = NULL },
};

#define CASE_OF_EXPERT(kind) \
	"EXISTS (SELECT 1 FROM assignments s JOIN experts x ON x.id = s.expert_id" \
	" WHERE x.user_name = :uname AND s.case_id = '" kind ":' || t.id)"
static const struct rscope scope[] = {
	{ "enterprise", "t.enterprise_id IN (SELECT id FROM enterprises WHERE id = :ent OR credit_code = :ent)" },
	{ "agency", "t.agency_id = :ag" },
	{ "expert", CASE_OF_EXPERT("audit") },
	{ "district", "t.enterprise_id IN (SELECT id FROM enterprises WHERE district = :dist)" },
	{ "authority", "t.enterprise_id IN (SELECT id FROM enterprises WHERE sector = :sec)" },
	{ NULL, NULL },
};

static int check_filed(struct rctx *c, const char *id, json_t *next)
{
	const char *agency = json_string_value(json_object_get(next, "agency_id"));
	if (!agency)
		return rctx_fail(c, 409, "no_agency", "agency_id",
			"提交合同和备案登记表前须确定咨询机构。 An audit needs a consulting agency before its contract is filed.");
	int rc = rule_agency_active(c, agency, (int)json_integer_value(json_object_get(next, "year")));
	return rc ? rc : rule_not_before(c, next, "registration_date", "contract_date");
}

static int check_submitted(struct rctx *c, const char *id, json_t *next)
{
	return rule_not_before(c, next, "report_date", "registration_date");
}

static int check_evaluated(struct rctx *c, const char *id, json_t *next)
{
	int rc = rule_not_before(c, next, "evaluated_date", "report_date");
	return rc ? rc : rule_has_expert(c, arena_printf(c->a, "audit:%s", id));
}

const char *audit_grade_of(long long score)
{
	return score >= 90 ? "优秀" : score >= 80 ? "良好" : score >= 60 ? "合格" : "不合格";
}

/* The grade follows the score, whenever either is set. */
static int grade_follows_score(struct rctx *c, json_t *row)
{
	json_t *sv = json_object_get(row, "score");
	const char *grade = json_string_value(json_object_get(row, "grade"));
	if (!grade && (!sv || json_is_null(sv)))
		return 0;
	if (!grade || !json_is_integer(sv))
		return rctx_fail(c, 422, "grade_score", grade ? "score" : "grade",
			"评估等级和得分须同时给出。 A grade and a score go together.");
	long long score = json_integer_value(sv);
	const char *want = audit_grade_of(score);
	if (strcmp(grade, want) == 0)
		return 0;
	return rctx_fail(c, 422, "grade_score", "grade", arena_printf(c->a,
		"评估等级与得分不符：%lld 分应为“%s”（优秀 90 分及以上，良好 80–89，合格 60–79，不合格 60 分以下）。"
		" The grade does not match the score: %lld points is %s.", score, want, score, want));
}

/* The audit's invariants after any write (records.h, struct rtype). */
static int check(struct rctx *c, json_t *row, json_t *old)
{
	static const char *const fixed[] = { "enterprise_id", "year", NULL };
	const char *id = json_string_value(json_object_get(row, "id"));
	const char *ent = json_string_value(json_object_get(row, "enterprise_id"));
	const char *agency = json_string_value(json_object_get(row, "agency_id"));
	int rc = grade_follows_score(c, row);
	if (rc || (rc = rule_fixed_once_started(c, row, old, fixed)))
		return rc;
	if (!agency && old && rule_changed(row, old, "agency_id") &&
	    strcmp(json_string_value(json_object_get(row, "state")), "listed") != 0)
		return rctx_fail(c, 409, "no_agency", "agency_id",
			"已备案的审核须有咨询机构。 A filed audit keeps a consulting agency.");
	if (agency && rule_changed(row, old, "agency_id") && (rc = rule_agency_active(c, agency, (int)json_integer_value(json_object_get(row, "year")))))
		return rc;
	if (id && (rule_changed(row, old, "enterprise_id") || rule_changed(row, old, "agency_id")))
		return rule_no_conflict(c, arena_printf(c->a, "audit:%s", id), ent, agency);
	return 0;
}

static const char *const set_filed[] = { "contract_date", "registration_date", NULL };
static const char *const set_submitted[] = { "report_date", NULL };
static const char *const set_evaluated[] = { "evaluated_date", "grade", "score", NULL };

static const struct transition transitions[] = {
	{ "listed", "filed", set_filed, NULL, check_filed,
	  "只有列入名单、尚未备案的审核可以提交合同和备案登记表。 The contract and registration form are filed once, for an audit on the list" },
	{ "filed", "submitted", set_submitted, NULL, check_submitted,
	  "审核报告须在合同和备案登记表提交之后提交。 The audit report is submitted only after the contract and registration form are filed" },
	{ "submitted", "evaluated", set_evaluated, NULL, check_evaluated,
	  "评估须在审核报告提交之后进行。 An audit is evaluated only after its report is submitted" },
};

static const struct workflow flow = {
	"state", "listed", states, L_AUDIT_STATE, transitions, sizeof transitions / sizeof transitions[0],
};

/* Assigned experts. */
static void extra(struct rctx *c, const char *id, json_t *o)
{
	sqlite3_stmt *st = portal_db_prepare(c->db,
		"SELECT x.id, x.name, s.role FROM assignments s JOIN experts x ON x.id = s.expert_id"
		" WHERE s.case_id = ? ORDER BY x.name");
	sqlite3_bind_text(st, 1, arena_printf(c->a, "%s:%s", c->t->kind, id), -1, SQLITE_TRANSIENT);
	json_t *a = json_array();
	while (sqlite3_step(st) == SQLITE_ROW)
		json_array_append_new(a, json_pack("{s:o,s:o,s:o}", "id", rec_column(st, 0),
			"name", rec_column(st, 1), "role", rec_column(st, 2)));
	sqlite3_finalize(st);
	json_object_set_new(o, "experts", a);
	if (c->t == &rt_audits)
		selfserve_audit_view(c, id, o);
}

const struct rtype rt_audits = {
	.name = "audits", .kind = "audit", .label = "审核", .id_prefix = "a",
	.fields = fields, .scope = scope, .flow = &flow, .check = check, .extra = extra, .is_case = 1,
	.title_sql = "(SELECT name FROM enterprises WHERE id = t.enterprise_id) || ' ' || t.year || '年审核'",
};

/* Shared with records-project.c: the experts of a case. */
void records_case_experts(struct rctx *c, const char *id, json_t *o) { extra(c, id, o); }
