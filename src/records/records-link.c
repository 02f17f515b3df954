/* records-link.c: document links, checklists and suggested links
 * (records-link.h). */
#include "records-link.h"
#include "records.h"
#include "arena.h"
#include "audit.h"
#include "auth.h"
#include "db.h"
#include "docs.h"
#include "normalize.h"
#include "workflow.h"
#include "labels.h"

#include <stdlib.h>
#include <string.h>

const char *const link_roles[] = {
	"contract", "registration_form", "audit_report", "application_report", "feasibility_study",
	"equipment_approval", "progress_report", "acceptance_report", "evaluation", NULL,
};

static int role_valid(const char *role)
{
	for (size_t i = 0; link_roles[i]; i++)
		if (strcmp(role, link_roles[i]) == 0)
			return 1;
	return 0;
}

const char *link_role_label(const char *role)
{
	return role && role_valid(role) ? label_of(L_DOC_ROLE, role) : "其他";
}

/* ---- checklist: which roles each stage requires ------------------------- */

struct need {
	const char *kind, *role, *from_state;
};
static const struct need needs[] = {
	{ "audit", "contract", "filed" },
	{ "audit", "registration_form", "filed" },
	{ "audit", "audit_report", "submitted" },
	{ "audit", "evaluation", "evaluated" },
	{ "project", "application_report", "applied" },
	{ "project", "feasibility_study", "applied" },
	{ "project", "equipment_approval", "implementing" },
	{ "project", "progress_report", "first_paid" },
	{ "project", "evaluation", "evaluated" },
	{ "project", "acceptance_report", "accepted" },
};

/* Stages off the main line count as the main-line stage they stand for. */
static const char *main_line(const char *state)
{
	if (strcmp(state, "acceptance_failed") == 0)
		return "accepted";
	if (strcmp(state, "rejected") == 0)
		return "applied";
	return state;
}

json_t *link_checklist(struct arena *a, const char *kind, const char *state, json_t *docs)
{
	const struct rtype *t = rtype_by_kind(kind);
	json_t *req = json_array(), *missing = json_array();
	int at = workflow_index(t->flow, main_line(state ? state : ""));
	for (size_t i = 0; i < sizeof needs / sizeof needs[0]; i++) {
		if (strcmp(needs[i].kind, kind) != 0 || workflow_index(t->flow, needs[i].from_state) > at)
			continue;
		json_t *ids = json_array(), *d;
		size_t k;
		json_array_foreach(docs, k, d) {
			const char *r = json_string_value(json_object_get(d, "role"));
			if (r && strcmp(r, needs[i].role) == 0)
				json_array_append(ids, json_object_get(d, "id"));
		}
		int present = json_array_size(ids) > 0;
		if (!present)
			json_array_append_new(missing, json_string(needs[i].role));
		json_array_append_new(req, json_pack("{s:s,s:s,s:b,s:o}", "role", needs[i].role,
			"label", link_role_label(needs[i].role), "present", present, "documents", ids));
	}
	(void)a;
	return json_pack("{s:o,s:o}", "required", req, "missing", missing);
}

/* ---- gates: the documents a move needs ----------------------------------- */

/* 1 when the gate of needs[i] is on (the default). */
static int gate_on(sqlite3 *db, const struct need *n)
{
	sqlite3_stmt *st = portal_db_prepare(db,
		"SELECT required FROM move_gates WHERE kind = ? AND state = ? AND role = ?");
	sqlite3_bind_text(st, 1, n->kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, n->from_state, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, n->role, -1, SQLITE_STATIC);
	int on = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : 1;
	sqlite3_finalize(st);
	return on;
}

static const char *gate_name(struct arena *a, const struct need *n)
{
	return arena_printf(a, "%s:%s:%s", n->kind, n->from_state, n->role);
}

json_t *link_gates(struct rctx *c)
{
	json_t *out = json_array();
	for (size_t i = 0; i < sizeof needs / sizeof needs[0]; i++) {
		const struct need *n = &needs[i];
		json_array_append_new(out, json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:b}", "gate", gate_name(c->a, n),
			"kind", n->kind, "state", n->from_state,
			"state_label", workflow_label(rtype_by_kind(n->kind)->flow, n->from_state),
			"role", n->role, "label", link_role_label(n->role), "required", gate_on(c->db, n)));
	}
	return out;
}

int link_gates_set(struct rctx *c, json_t *in)
{
	char err[256];
	const char *key;
	json_t *v;
	if (!records_may_write(c->u))
		return rctx_fail(c, 403, "forbidden", NULL, "只有市级工作人员可以设置文件要求。 Only staff may set the documents a move needs.");
	if (!json_is_object(in) || !json_object_size(in))
		return rctx_fail(c, 422, "invalid", NULL, "请求内容应为非空的 JSON 对象。 The body must be a non-empty JSON object.");
	json_object_foreach(in, key, v) {
		size_t i = 0;
		while (i < sizeof needs / sizeof needs[0] && strcmp(gate_name(c->a, &needs[i]), key) != 0)
			i++;
		if (i == sizeof needs / sizeof needs[0])
			return rctx_fail(c, 422, "unknown_field", key, arena_printf(c->a,
				"没有“%s”这项文件要求。 '%s' is not a gate (kind:state:role).", key, key));
		if (!json_is_boolean(v))
			return rctx_fail(c, 422, "invalid", key, arena_printf(c->a,
				"%s：应为 true 或 false。 %s: must be true or false.", key, key));
	}
	if (portal_db_exec(c->db, "BEGIN IMMEDIATE", err, sizeof err) < 0)
		return rctx_fail(c, 503, "busy", NULL, "数据库繁忙，请稍后再试。 The database is busy; try again.");
	json_object_foreach(in, key, v) {
		char kind[16], state[32], role[32];
		if (sscanf(key, "%15[^:]:%31[^:]:%31s", kind, state, role) != 3)
			continue;
		sqlite3_stmt *st = portal_db_prepare(c->db,
			"INSERT OR REPLACE INTO move_gates (kind, state, role, required) VALUES (?, ?, ?, ?)");
		sqlite3_bind_text(st, 1, kind, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 2, state, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 3, role, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int(st, 4, json_is_true(v));
		sqlite3_step(st);
		sqlite3_finalize(st);
	}
	char *detail = json_dumps(in, JSON_COMPACT);
	audit_log(c->db, c->u->id, "update", "gates", detail);
	free(detail);
	if (portal_db_exec(c->db, "COMMIT", err, sizeof err) < 0) {
		sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
		return rctx_fail(c, 500, "database", NULL, "保存失败。 The gates could not be saved.");
	}
	return 0;
}

json_t *link_gate_missing(struct rctx *c, const char *kind, const char *id, const char *to)
{
	json_t *out = json_array();
	const char *case_id = arena_printf(c->a, "%s:%s", kind, id);
	for (size_t i = 0; i < sizeof needs / sizeof needs[0]; i++) {
		const struct need *n = &needs[i];
		if (strcmp(n->kind, kind) != 0 || strcmp(n->from_state, to) != 0 || !gate_on(c->db, n))
			continue;
		sqlite3_stmt *st = portal_db_prepare(c->db,
			"SELECT 1 FROM document_cases WHERE case_id = ? AND role = ?");
		sqlite3_bind_text(st, 1, case_id, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 2, n->role, -1, SQLITE_STATIC);
		int present = sqlite3_step(st) == SQLITE_ROW;
		sqlite3_finalize(st);
		if (!present)
			json_array_append_new(out, json_pack("{s:s,s:s}", "role", n->role, "label", link_role_label(n->role)));
	}
	return out;
}

json_t *link_documents(struct rctx *c, const char *case_id)
{
	sqlite3_stmt *st = portal_db_prepare(c->db,
		"SELECT d.id, dc.role, d.title, d.filename, d.doc_type, d.status FROM document_cases dc"
		" JOIN documents d ON d.id = dc.doc_id WHERE dc.case_id = ? ORDER BY d.uploaded_at, d.id");
	sqlite3_bind_text(st, 1, case_id, -1, SQLITE_TRANSIENT);
	json_t *a = json_array();
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *id = (const char *)sqlite3_column_text(st, 0);
		if (!docs_may_read(c->db, c->u, id))
			continue;
		json_array_append_new(a, json_pack("{s:o,s:o,s:o,s:o,s:o,s:o}", "id", rec_column(st, 0),
			"role", rec_column(st, 1), "title", rec_column(st, 2), "filename", rec_column(st, 3),
			"doc_type", rec_column(st, 4), "status", rec_column(st, 5)));
	}
	sqlite3_finalize(st);
	return a;
}

/* ---- linking ------------------------------------------------------------ */

static int doc_visible(struct rctx *c, const char *doc_id)
{
	if (docs_id_valid(doc_id) && docs_may_read(c->db, c->u, doc_id))
		return 0;
	return rctx_fail(c, 404, "not_found", NULL,
		"没有这份文档，或您无权查看。 There is no document with this id, or you may not see it.");
}

/* The case's kind when case_id has the shape "audit:ID" / "project:ID". */
static const struct rtype *case_type(struct rctx *c, const char *case_id)
{
	const char *colon = case_id ? strchr(case_id, ':') : NULL;
	const struct rtype *t = colon ? rtype_by_kind(arena_strndup(c->a, case_id, (size_t)(colon - case_id))) : NULL;
	return t && t->is_case && colon[1] ? t : NULL;
}

/* 1 when doc_id was uploaded by the caller or by a user of the caller's
 * enterprise or agency. */
static int doc_is_theirs(struct rctx *c, const char *doc_id)
{
	sqlite3_stmt *st = portal_db_prepare(c->db,
		"SELECT 1 FROM documents d JOIN users up ON up.id = d.uploader_id WHERE d.id = ?1"
		" AND (up.id = ?2 OR up.enterprise_id IN (SELECT ?3 UNION SELECT id FROM enterprises"
		"   WHERE id = ?3 OR credit_code = ?3 UNION SELECT credit_code FROM enterprises WHERE id = ?3)"
		"  OR (?4 IS NOT NULL AND up.agency_id = ?4))");
	sqlite3_bind_text(st, 1, doc_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, c->u->id);
	portal_db_bind_text(st, 3, c->u->enterprise_id && *c->u->enterprise_id ? c->u->enterprise_id : NULL);
	portal_db_bind_text(st, 4, c->u->agency_id && *c->u->agency_id ? c->u->agency_id : NULL);
	int mine = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return mine;
}

/* 1 when the caller is a party who may file documents into the case row:
 * its enterprise's users for its audits and projects, its consulting
 * agency's users for its audits. */
static int party_of(struct rctx *c, const struct rtype *t, json_t *row)
{
	const char *ent = json_string_value(json_object_get(row, "enterprise_id"));
	const char *agency = json_string_value(json_object_get(row, "agency_id"));
	if (strcmp(c->u->role, "enterprise") == 0 && ent && c->u->enterprise_id) {
		sqlite3_stmt *st = portal_db_prepare(c->db,
			"SELECT 1 FROM enterprises WHERE id = ?1 AND (id = ?2 OR credit_code = ?2)");
		sqlite3_bind_text(st, 1, ent, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 2, c->u->enterprise_id, -1, SQLITE_TRANSIENT);
		int own = sqlite3_step(st) == SQLITE_ROW;
		sqlite3_finalize(st);
		return own;
	}
	if (strcmp(c->u->role, "agency") == 0 && t == &rt_audits)
		return agency && c->u->agency_id && strcmp(agency, c->u->agency_id) == 0;
	return 0;
}

int link_may_attach(struct rctx *c, const char *case_id, const char *doc_id)
{
	const struct rtype *t = case_type(c, case_id);
	if (!t)
		return rctx_fail(c, 422, "bad_case", "case",
			"案卷编号应为 audit:编号 或 project:编号。 case must be audit:ID or project:ID.");
	const struct rtype *saved = c->t;
	c->t = t;
	json_t *row = rec_row(c, strchr(case_id, ':') + 1);
	c->t = saved;
	if (!row)
		return rctx_fail(c, 422, "bad_case", "case", arena_printf(c->a,
			"没有案卷 %s，或您无权查看。 There is no case %s, or you may not see it.", case_id, case_id));
	int party = records_may_write(c->u) || party_of(c, t, row);
	json_decref(row);
	if (!party)
		return rctx_fail(c, 403, "forbidden", "case",
			"只有工作人员、案卷所属企业或其咨询机构可以向案卷添加文档。 Only staff, the case's enterprise or its consulting agency may add documents to a case.");
	if (doc_id && !records_may_write(c->u) && !doc_is_theirs(c, doc_id))
		return rctx_fail(c, 403, "forbidden", "document",
			"只能把本单位上传的文档关联到案卷。 Only documents your own organisation uploaded can be linked to a case.");
	return 0;
}

json_t *link_attachable_cases(struct rctx *c, int limit)
{
	static const struct rtype *const kinds[] = { &rt_audits, &rt_projects };
	json_t *out = json_array();
	const struct rtype *saved = c->t;
	for (size_t k = 0; k < 2; k++) {
		c->t = kinds[k];
		sqlite3_stmt *st = portal_db_prepare(c->db, arena_printf(c->a,
			"SELECT '%s:' || t.id, %s FROM %s t WHERE (%s) ORDER BY t.year DESC, 2 LIMIT %d",
			c->t->kind, c->t->title_sql, c->t->name, records_scope_sql(c), limit));
		records_bind_scope(c, st);
		while (sqlite3_step(st) == SQLITE_ROW) {
			struct rctx probe = *c;	/* the one rule decides, row by row */
			if (link_may_attach(&probe, (const char *)sqlite3_column_text(st, 0), NULL) == 0)
				json_array_append_new(out, json_pack("{s:o,s:o}", "case", rec_column(st, 0),
								     "title", rec_column(st, 1)));
		}
		sqlite3_finalize(st);
	}
	c->t = saved;
	return out;
}

static void trail(struct rctx *c, const char *action, const char *doc_id, const char *case_id, const char *role)
{
	json_t *d = json_pack("{s:{s:s},s:{s:s},s:{s:s?}}", "document", "to", doc_id, "case", "to", case_id,
			      "role", "to", role);
	char *detail = json_dumps(d, JSON_COMPACT);
	audit_log(c->db, c->u->id, action, arena_printf(c->a, "document:%s", doc_id), detail);
	audit_log(c->db, c->u->id, action, case_id, detail);
	free(detail);
	json_decref(d);
}

int link_add(struct rctx *c, const char *doc_id, json_t *in)
{
	const char *case_id = json_string_value(json_object_get(in, "case"));
	const char *role = json_string_value(json_object_get(in, "role"));
	int rc;
	if ((rc = doc_visible(c, doc_id)) || (rc = link_may_attach(c, case_id, doc_id)))
		return rc;
	if (role && !*role)
		role = NULL;
	if (role && !role_valid(role))
		return rctx_fail(c, 422, "bad_role", "role", arena_printf(c->a,
			"文档角色“%s”无效。 '%s' is not a document role (contract, registration_form, audit_report, application_report, feasibility_study, equipment_approval, progress_report, acceptance_report, evaluation).",
			role, role));
	sqlite3_stmt *st = portal_db_prepare(c->db,
		"INSERT INTO document_cases (doc_id, case_id, role) VALUES (?, ?, ?)"
		" ON CONFLICT (doc_id, case_id) DO UPDATE SET role = excluded.role");
	sqlite3_bind_text(st, 1, doc_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, case_id, -1, SQLITE_TRANSIENT);
	portal_db_bind_text(st, 3, role);
	int src = sqlite3_step(st);
	sqlite3_finalize(st);
	if (src != SQLITE_DONE)
		return rctx_fail(c, 500, "database", NULL, "保存失败。 The link could not be saved.");
	docs_queue_reindex(c->db, doc_id);
	trail(c, "link", doc_id, case_id, role);
	return 0;
}

int link_remove(struct rctx *c, const char *doc_id, const char *case_id)
{
	int rc;
	if ((rc = doc_visible(c, doc_id)) || (rc = link_may_attach(c, case_id, doc_id)))
		return rc;
	sqlite3_stmt *st = portal_db_prepare(c->db, "DELETE FROM document_cases WHERE doc_id = ? AND case_id = ?");
	sqlite3_bind_text(st, 1, doc_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, case_id, -1, SQLITE_TRANSIENT);
	sqlite3_step(st);
	sqlite3_finalize(st);
	if (!sqlite3_changes(c->db))
		return rctx_fail(c, 404, "not_found", NULL, "该文档未关联此案件。 The document is not linked to this case.");
	docs_queue_reindex(c->db, doc_id);
	trail(c, "unlink", doc_id, case_id, NULL);
	return 0;
}

json_t *link_of_document(struct rctx *c, const char *doc_id)
{
	if (doc_visible(c, doc_id))
		return NULL;
	return rec_rows(c->db,
		"SELECT case_id AS \"case\", role FROM document_cases WHERE doc_id = ? ORDER BY case_id", doc_id);
}

/* ---- suggestions ---------------------------------------------------------- */

/* The role a document of doc_type plays in a case of kind, or NULL. */
static const char *role_for(const char *doc_type, const char *kind)
{
	static const char *const map[][3] = {
		{ "audit_report", "audit", "audit_report" },
		{ "project_application", "project", "application_report" },
		{ "feasibility_study", "project", "feasibility_study" },
		{ "acceptance_report", "project", "acceptance_report" },
	};
	for (size_t i = 0; doc_type && i < sizeof map / sizeof map[0]; i++)
		if (strcmp(map[i][0], doc_type) == 0 && strcmp(map[i][1], kind) == 0)
			return map[i][2];
	return NULL;
}

struct codes {
	struct arena *a;
	json_t *list;
};

static int on_code(const struct portal_ident *id, void *arg)
{
	struct codes *k = arg;
	json_array_append_new(k->list, json_string(id->canon));
	return json_array_size(k->list) >= 50;
}

/* Why a document and a case go together: the text holds the enterprise's
 * credit code (by_code) or names it. In Chinese only: pages show it as it
 * is, beside the document or the case (doc/api.md "Pages for people"). */
static const char *match_reason(struct arena *a, int by_code, const char *name, const char *code)
{
	return by_code ? arena_printf(a, "文中有统一社会信用代码 %s", code)
		       : arena_printf(a, "文中提到企业名称“%s”", name);
}

json_t *link_suggest(struct rctx *c, const char *doc_id)
{
	if (doc_visible(c, doc_id))
		return NULL;
	sqlite3_stmt *st = portal_db_prepare(c->db,
		"SELECT t.text, d.doc_type FROM documents d LEFT JOIN document_text t ON t.doc_id = d.id WHERE d.id = ?");
	sqlite3_bind_text(st, 1, doc_id, -1, SQLITE_TRANSIENT);
	const char *text = NULL, *doc_type = NULL;
	if (sqlite3_step(st) == SQLITE_ROW) {
		if (sqlite3_column_text(st, 0))
			text = arena_strdup(c->a, (const char *)sqlite3_column_text(st, 0));
		if (sqlite3_column_text(st, 1))
			doc_type = arena_strdup(c->a, (const char *)sqlite3_column_text(st, 1));
	}
	sqlite3_finalize(st);
	json_t *out = json_array();
	if (!text)
		return out;
	struct codes k = { c->a, json_array() };
	portal_norm_scan(text, strlen(text), PORTAL_IDENT_CREDIT, on_code, &k);
	char *codes = json_dumps(k.list, JSON_COMPACT);
	json_decref(k.list);
	/* Enterprises named by a code or by their name, then their cases. */
	st = portal_db_prepare(c->db,
		"WITH hit AS (SELECT e.id, e.name, e.credit_code,"
		"   CASE WHEN e.credit_code IN (SELECT value FROM json_each(?2)) THEN 'credit_code' ELSE 'name' END AS why"
		"   FROM enterprises e WHERE e.credit_code IN (SELECT value FROM json_each(?2)) OR instr(?1, e.name) > 0),"
		" cases AS (SELECT 'audit' AS kind, a.id AS cid, a.year AS year,"
		"   h.name || ' ' || a.year || '年审核' AS title, h.why AS why, h.name AS name, h.credit_code AS code"
		"   FROM audits a JOIN hit h ON h.id = a.enterprise_id"
		"   UNION ALL SELECT 'project', p.id, p.year, p.name, h.why, h.name, h.credit_code"
		"   FROM projects p JOIN hit h ON h.id = p.enterprise_id)"
		" SELECT kind, cid, kind || ':' || cid, title, why, name, code FROM cases"
		" WHERE kind || ':' || cid NOT IN (SELECT case_id FROM document_cases WHERE doc_id = ?3)"
		" ORDER BY year DESC, kind, cid LIMIT 50");
	sqlite3_bind_text(st, 1, text, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, codes, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, doc_id, -1, SQLITE_TRANSIENT);
	free(codes);
	const struct rtype *saved = c->t;
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *kind = (const char *)sqlite3_column_text(st, 0);
		c->t = rtype_by_kind(kind);
		json_t *row = rec_row(c, (const char *)sqlite3_column_text(st, 1));
		if (!row)
			continue;
		json_decref(row);
		int by_code = strcmp((const char *)sqlite3_column_text(st, 4), "credit_code") == 0;
		const char *reason = match_reason(c->a, by_code, (const char *)sqlite3_column_text(st, 5),
						  (const char *)sqlite3_column_text(st, 6));
		json_array_append_new(out, json_pack("{s:o,s:o,s:s?,s:s}", "case", rec_column(st, 2),
			"title", rec_column(st, 3), "role", role_for(doc_type, kind), "reason", reason));
	}
	c->t = saved;
	sqlite3_finalize(st);
	return out;
}

json_t *link_suggest_documents(struct rctx *c, const char *case_id)
{
	const char *ent, *agency;
	json_t *out = json_array();
	if (rec_case_parties(c->db, c->a, case_id, &ent, &agency) < 0)
		return out;
	sqlite3_stmt *st = portal_db_prepare(c->db,
		"SELECT d.id, coalesce(d.title, d.filename), instr(t.text, e.credit_code) > 0, e.name, e.credit_code"
		" FROM enterprises e JOIN document_text t ON instr(t.text, e.credit_code) > 0 OR instr(t.text, e.name) > 0"
		" JOIN documents d ON d.id = t.doc_id"
		" WHERE e.id = ?1 AND d.superseded_by IS NULL"
		" AND NOT EXISTS (SELECT 1 FROM document_cases dc WHERE dc.doc_id = d.id AND dc.case_id = ?2)"
		" ORDER BY d.uploaded_at DESC LIMIT 20");
	sqlite3_bind_text(st, 1, ent, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, case_id, -1, SQLITE_TRANSIENT);
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *id = (const char *)sqlite3_column_text(st, 0);
		if (!docs_may_read(c->db, c->u, id))
			continue;
		const char *reason = match_reason(c->a, sqlite3_column_int(st, 2),
						  (const char *)sqlite3_column_text(st, 3),
						  (const char *)sqlite3_column_text(st, 4));
		json_array_append_new(out, json_pack("{s:o,s:o,s:s}", "id", rec_column(st, 0),
			"title", rec_column(st, 1), "reason", reason));
	}
	sqlite3_finalize(st);
	return out;
}
