/* records-enterprise.c: enterprises, the units on the yearly audit list:
 * name, unified social credit code (check character validated), sector,
 * industry (which must belong to the sector), district, contacts. */
#include "records.h"
#include "arena.h"
#include "db.h"

#include <string.h>

static const struct rfield fields[] = {
	{ .name = "name", .type = FT_TEXT, .flags = F_REQ | F_LIST, .label = "企业名称" },
	{ .name = "credit_code", .type = FT_CREDIT, .flags = F_REQ | F_LIST | F_FILTER, .label = "统一社会信用代码" },
	{ .name = "sector", .type = FT_REF, .flags = F_REQ | F_LIST | F_FILTER, .label = "行业大类", .ref = "sectors" },
	{ .name = "industry", .type = FT_REF, .flags = F_REQ | F_LIST | F_FILTER, .label = "行业", .ref = "industries" },
	{ .name = "district", .type = FT_REF, .flags = F_REQ | F_LIST | F_FILTER, .label = "所在区", .ref = "districts" },
	{ .name = "contact", .type = FT_TEXT, .flags = 0, .label = "联系人" },
	{ .name = "phone", .type = FT_TEXT, .flags = 0, .label = "联系电话" },
	{ .name = "address", .type = FT_TEXT, .flags = 0, .label = "地址" },
	{ .name = NULL },
};

#define MINE "(t.id = :ent OR t.credit_code = :ent)"
static const struct rscope scope[] = {
	{ "enterprise", MINE },
	{ "agency", "t.id IN (SELECT enterprise_id FROM audits WHERE agency_id = :ag)" },
	{ "expert", "t.id IN (SELECT c.enterprise_id FROM assignments s JOIN experts x ON x.id = s.expert_id"
		    " JOIN (SELECT 'audit:' || id AS cid, enterprise_id FROM audits UNION ALL"
		    " SELECT 'project:' || id, enterprise_id FROM projects) c ON c.cid = s.case_id"
		    " WHERE x.user_name = :uname)" },
	{ "district", "t.district = :dist" },
	{ "authority", "t.sector = :sec" },
	{ NULL, NULL },
};

/* The industry must belong to the sector chosen. */
static int check(struct rctx *c, json_t *row, json_t *old)
{
	const char *sector = json_string_value(json_object_get(row, "sector"));
	const char *industry = json_string_value(json_object_get(row, "industry"));
	if (!sector || !industry)
		return 0;
	sqlite3_stmt *st = portal_db_prepare(c->db, "SELECT sector FROM industries WHERE id = ?");
	sqlite3_bind_text(st, 1, industry, -1, SQLITE_TRANSIENT);
	const char *owner = sqlite3_step(st) == SQLITE_ROW
		? arena_strdup(c->a, (const char *)sqlite3_column_text(st, 0)) : "";
	sqlite3_finalize(st);
	if (strcmp(owner, sector) == 0)
		return 0;
	return rctx_fail(c, 422, "invalid", "industry", arena_printf(c->a,
		"行业：“%s”不属于所选行业大类。 industry: %s belongs to the sector %s, not %s.",
		industry, industry, owner, sector));
}

/* The enterprise's audits and projects that the caller may open, as short
 * lists. */
static void extra(struct rctx *c, const char *id, json_t *o)
{
	static const struct {
		const char *key;
		const struct rtype *t;
		const char *columns;
	} lists[] = {
		{ "audits", &rt_audits, "t.id, t.year, t.state, t.grade" },
		{ "projects", &rt_projects, "t.id, t.year, t.name, t.state" },
	};
	const struct rtype *saved = c->t;
	for (size_t k = 0; k < sizeof lists / sizeof lists[0]; k++) {
		c->t = lists[k].t;
		sqlite3_stmt *st = portal_db_prepare(c->db, arena_printf(c->a,
			"SELECT %s FROM %s t WHERE t.enterprise_id = :id AND (%s) ORDER BY t.year DESC",
			lists[k].columns, lists[k].t->name, records_scope_sql(c)));
		portal_db_bind_text(st, sqlite3_bind_parameter_index(st, ":id"), id);
		records_bind_scope(c, st);
		json_t *a = json_array();
		while (sqlite3_step(st) == SQLITE_ROW) {
			json_t *r = json_object();
			for (int i = 0; i < sqlite3_column_count(st); i++)
				json_object_set_new(r, sqlite3_column_name(st, i), rec_column(st, i));
			json_array_append_new(a, r);
		}
		sqlite3_finalize(st);
		json_object_set_new(o, lists[k].key, a);
	}
	c->t = saved;
}

const struct rtype rt_enterprises = {
	.name = "enterprises", .kind = "enterprise", .label = "企业", .id_prefix = "e",
	.fields = fields, .title_sql = "t.name", .scope = scope, .check = check, .extra = extra,
};
