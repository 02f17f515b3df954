/* records-training.c: training sessions (audience, date, attendees). Any
 * signed-in user may read them. */
#include "records.h"

static const struct rfield fields[] = {
	{ .name = "title", .type = FT_TEXT, .flags = F_REQ | F_LIST, .label = "培训名称" },
	{ .name = "audience", .type = FT_TEXT, .flags = F_REQ | F_LIST | F_FILTER, .label = "培训对象" },
	{ .name = "sector", .type = FT_REF, .flags = F_LIST | F_FILTER, .label = "行业大类", .ref = "sectors" },
	{ .name = "date", .type = FT_DATE, .flags = F_REQ | F_LIST | F_FILTER, .label = "日期" },
	{ .name = "attendees", .type = FT_INT, .flags = F_REQ | F_LIST, .label = "参加人数", .min = 0, .max = 100000 },
	{ .name = "location", .type = FT_TEXT, .flags = 0, .label = "地点" },
	{ .name = NULL },
};

static const struct rscope scope[] = {
	{ "enterprise", "1" }, { "agency", "1" }, { "expert", "1" }, { "district", "1" },
	{ "authority", "1" }, { NULL, NULL },
};

const struct rtype rt_trainings = {
	.name = "trainings", .kind = "training", .label = "培训", .id_prefix = "t",
	.fields = fields, .title_sql = "t.title", .scope = scope,
};
