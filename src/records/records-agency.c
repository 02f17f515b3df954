/* records-agency.c: consulting agencies: selected for a year, their status
 * (active -> suspended -> active, either -> removed) as a workflow, the
 * yearly evaluation and score. Their scoreboard is derived from the
 * grades of the audits they produced (report.c). */
#include "records.h"
#include "workflow.h"
#include "labels.h"

static const char *const states[] = { "active", "suspended", "removed", NULL };

static const struct rfield fields[] = {
	{ .name = "name", .type = FT_TEXT, .flags = F_REQ | F_LIST, .label = "机构名称" },
	{ .name = "credit_code", .type = FT_CREDIT, .flags = F_LIST, .label = "统一社会信用代码" },
	{ .name = "year", .type = FT_YEAR, .flags = F_REQ | F_LIST | F_FILTER, .label = "入选年度" },
	{ .name = "status", .type = FT_ENUM, .flags = F_STATE | F_LIST | F_FILTER, .label = "状态", .choices = states },
	{ .name = "evaluation", .type = FT_LONG, .flags = 0, .label = "年度考评意见" },
	{ .name = "score", .type = FT_INT, .flags = F_LIST, .label = "年度考评得分", .min = 0, .max = 100 },
	{ .name = "contact", .type = FT_TEXT, .flags = 0, .label = "联系人" },
	{ .name = "phone", .type = FT_TEXT, .flags = 0, .label = "联系电话" },
	{ .name = NULL },
};

static const struct rscope scope[] = {
	{ "agency", "t.id = :ag" },
	{ "enterprise", "t.id IN (SELECT agency_id FROM audits WHERE enterprise_id IN"
			" (SELECT id FROM enterprises WHERE id = :ent OR credit_code = :ent))" },
	{ "district", "t.id IN (SELECT agency_id FROM audits WHERE enterprise_id IN"
		      " (SELECT id FROM enterprises WHERE district = :dist))" },
	{ "authority", "t.id IN (SELECT agency_id FROM audits WHERE enterprise_id IN"
		       " (SELECT id FROM enterprises WHERE sector = :sec))" },
	{ NULL, NULL },
};

static const char *const note[] = { "evaluation", NULL };
#define R_REMOVE "已取消资格的咨询机构不能再变更状态。 A removed agency stays removed"
static const struct transition transitions[] = {
	{ "active", "suspended", NULL, note, NULL, "只有在册的咨询机构可以暂停。 Only an active agency can be suspended" },
	{ "suspended", "active", NULL, note, NULL, "只有暂停的咨询机构可以恢复。 Only a suspended agency can be reinstated" },
	{ "active", "removed", NULL, note, NULL, R_REMOVE },
	{ "suspended", "removed", NULL, note, NULL, R_REMOVE },
};

static const struct workflow flow = {
	"status", "active", states, L_AGENCY_STATUS, transitions, sizeof transitions / sizeof transitions[0],
};

const struct rtype rt_agencies = {
	.name = "agencies", .kind = "agency", .label = "咨询机构", .id_prefix = "g",
	.fields = fields, .title_sql = "t.name", .scope = scope, .flow = &flow,
};
