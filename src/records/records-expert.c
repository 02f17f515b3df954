/* records-expert.c: experts, their specialties, the enterprises and
 * agencies they are linked to (conflicts of interest), and their
 * assignments to audits and projects. An expert is never assigned to a
 * case whose enterprise or agency they are linked to, and a link is not
 * added while such an assignment exists. */
#include "docs.h"
#include "labels.h"
#include "records.h"
#include "arena.h"
#include "audit.h"
#include "auth.h"
#include "db.h"

#include <stdlib.h>
#include <string.h>

static const char *const roles[] = { "reviewer", "evaluator", "acceptance", NULL };

static const struct rfield fields[] = {
	{ .name = "name", .type = FT_TEXT, .flags = F_REQ | F_LIST, .label = "姓名" },
	{ .name = "user_name", .type = FT_TEXT, .flags = 0, .label = "门户用户名" },
	{ .name = "organisation", .type = FT_TEXT, .flags = F_LIST, .label = "工作单位" },
	{ .name = "specialties", .type = FT_TEXT, .flags = F_LIST | F_FILTER, .label = "专业领域（行业大类或行业，以“、”分隔）", .codes = L_SECTOR },
	{ .name = "conflict_enterprises", .type = FT_REFS, .flags = 0, .label = "有利害关系的企业（名称，以“、”分隔）", .ref = "enterprises" },
	{ .name = "conflict_agencies", .type = FT_REFS, .flags = 0, .label = "有利害关系的咨询机构（名称，以“、”分隔）", .ref = "agencies" },
	{ .name = "phone", .type = FT_TEXT, .flags = 0, .label = "联系电话" },
	{ .name = NULL },
};

static const struct rscope scope[] = { { "expert", "t.user_name = :uname" }, { NULL, NULL } };

/* The first case of expert id that conflicts with its links in row. */
static int check(struct rctx *c, json_t *row, json_t *old)
{
	const char *id = json_string_value(json_object_get(row, "id"));
	if (!id)
		return 0;
	sqlite3_stmt *st = portal_db_prepare(c->db,
		"SELECT s.case_id FROM assignments s"
		" LEFT JOIN audits a ON s.case_id = 'audit:' || a.id"
		" LEFT JOIN projects p ON s.case_id = 'project:' || p.id"
		" WHERE s.expert_id = ?1 AND (instr(',' || ifnull(?2, '') || ',', ',' || coalesce(a.enterprise_id, p.enterprise_id) || ',') > 0"
		"  OR instr(',' || ifnull(?3, '') || ',', ',' || a.agency_id || ',') > 0)");
	sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
	portal_db_bind_text(st, 2, json_string_value(json_object_get(row, "conflict_enterprises")));
	portal_db_bind_text(st, 3, json_string_value(json_object_get(row, "conflict_agencies")));
	const char *hit = sqlite3_step(st) == SQLITE_ROW
		? arena_strdup(c->a, (const char *)sqlite3_column_text(st, 0)) : NULL;
	sqlite3_finalize(st);
	if (!hit)
		return 0;
	return rctx_fail(c, 409, "conflict_of_interest", "conflict_enterprises", arena_printf(c->a,
		"该专家已被指派到 %s，不能再登记与其当事方的利害关系。 The expert is assigned to %s, whose enterprise or agency this link names.",
		hit, hit));
}

int expert_assign(struct rctx *c, const char *expert_id, json_t *in)
{
	char err[256];
	if (!records_may_write(c->u))
		return rctx_fail(c, 403, "forbidden", NULL, "只有市级工作人员可以指派专家。 Only staff may assign experts.");
	const char *case_id = json_string_value(json_object_get(in, "case"));
	const char *role = json_string_value(json_object_get(in, "role"));
	if (!role)
		role = "reviewer";
	int role_ok = 0;
	for (const char *const *r = roles; *r; r++)
		role_ok |= strcmp(*r, role) == 0;
	if (!role_ok)
		return rctx_fail(c, 422, "invalid", "role",
			"指派角色应为 reviewer、evaluator 或 acceptance。 role must be reviewer, evaluator or acceptance.");
	const char *ent, *agency;
	if (portal_db_exec(c->db, "BEGIN IMMEDIATE", err, sizeof err) < 0)
		return rctx_fail(c, 503, "busy", NULL, "数据库繁忙，请稍后再试。 The database is busy; try again.");
	/* The parties are read inside the transaction, so a correction of
	 * the case cannot slip between this read and the conflict check. */
	if (!case_id || rec_case_parties(c->db, c->a, case_id, &ent, &agency) < 0) {
		sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
		return rctx_fail(c, 422, "invalid", "case",
			"没有这个案件（应为 audit:编号 或 project:编号）。 case must name an existing audit:ID or project:ID.");
	}
	sqlite3_stmt *st = portal_db_prepare(c->db,
		"SELECT name, instr(',' || ifnull(conflict_enterprises, '') || ',', ',' || ?2 || ',') > 0,"
		" instr(',' || ifnull(conflict_agencies, '') || ',', ',' || ?3 || ',') > 0"
		" FROM experts WHERE id = ?1");
	sqlite3_bind_text(st, 1, expert_id, -1, SQLITE_TRANSIENT);
	portal_db_bind_text(st, 2, ent);
	portal_db_bind_text(st, 3, agency);
	int rc = 0;
	if (sqlite3_step(st) != SQLITE_ROW)
		rc = rctx_fail(c, 404, "not_found", NULL, "没有这位专家。 There is no such expert.");
	else if (sqlite3_column_int(st, 1))
		rc = rctx_fail(c, 409, "conflict_of_interest", "case", arena_printf(c->a,
			"专家与该企业（%s）有利害关系，不能指派。 The expert is linked to this case's enterprise %s and cannot be assigned to it.",
			ent, ent));
	else if (sqlite3_column_int(st, 2))
		rc = rctx_fail(c, 409, "conflict_of_interest", "case", arena_printf(c->a,
			"专家与该审核的咨询机构（%s）有利害关系，不能指派。 The expert is linked to this case's consulting agency %s and cannot be assigned to it.",
			agency, agency));
	sqlite3_finalize(st);
	if (!rc) {
		st = portal_db_prepare(c->db, "INSERT OR REPLACE INTO assignments (expert_id, case_id, role, assigned_at)"
					      " VALUES (?, ?, ?, ?)");
		sqlite3_bind_text(st, 1, expert_id, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 2, case_id, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 3, role, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(st, 4, portal_now());
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = rctx_fail(c, 500, "database", NULL, "保存失败。 The assignment could not be saved.");
		sqlite3_finalize(st);
	}
	if (!rc) {
		json_t *d = json_pack("{s:{s:s},s:{s:s}}", "expert", "to", expert_id, "role", "to", role);
		char *detail = json_dumps(d, JSON_COMPACT);
		audit_log(c->db, c->u->id, "assign", case_id, detail);
		audit_log(c->db, c->u->id, "assign", arena_printf(c->a, "expert:%s", expert_id), detail);
		free(detail);
		json_decref(d);
	}
	if (!rc) {	/* the case's documents now reach this expert: reindex them */
		st = portal_db_prepare(c->db, "SELECT doc_id FROM document_cases WHERE case_id = ?");
		sqlite3_bind_text(st, 1, case_id, -1, SQLITE_TRANSIENT);
		while (sqlite3_step(st) == SQLITE_ROW)
			docs_queue_reindex(c->db, (const char *)sqlite3_column_text(st, 0));
		sqlite3_finalize(st);
	}
	if (!rc && portal_db_exec(c->db, "COMMIT", err, sizeof err) == 0)
		return 0;
	sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
	return rc ? rc : rctx_fail(c, 500, "database", NULL, "保存失败。 The assignment could not be saved.");
}

/* The expert's assignments. */
static void extra(struct rctx *c, const char *id, json_t *o)
{
	json_object_set_new(o, "assignments", rec_rows(c->db,
		"SELECT case_id AS \"case\", role FROM assignments WHERE expert_id = ? ORDER BY case_id", id));
}

const struct rtype rt_experts = {
	.name = "experts", .kind = "expert", .label = "专家", .id_prefix = "x",
	.fields = fields, .title_sql = "t.name", .scope = scope, .check = check, .extra = extra,
};
