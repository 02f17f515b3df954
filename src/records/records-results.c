/* records-results.c: a project's results, proposed from its reports'
 * text and confirmed by staff (records.h). */
#include "records.h"
#include "arena.h"
#include "audit.h"
#include "auth.h"
#include "db.h"
#include "docs.h"
#include "results.h"

#include <stdlib.h>
#include <string.h>

static json_t *confirmed(struct rctx *c, const char *project_id)
{
	json_t *o = json_object();
	sqlite3_stmt *st = portal_db_prepare(c->db,
		"SELECT measure, value, source_doc FROM project_results WHERE project_id = ? ORDER BY rowid");
	sqlite3_bind_text(st, 1, project_id, -1, SQLITE_TRANSIENT);
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *m = (const char *)sqlite3_column_text(st, 0);
		json_object_set_new(o, m, json_pack("{s:f,s:s?,s:s?,s:o}", "value", sqlite3_column_double(st, 1),
			"unit", portal_results_unit(m), "label", portal_results_label(m), "source", rec_column(st, 2)));
	}
	sqlite3_finalize(st);
	return o;
}

static json_t *proposed(struct rctx *c, const char *project_id)
{
	json_t *out = json_array();
	sqlite3_stmt *st = portal_db_prepare(c->db,
		"SELECT d.id, coalesce(d.title, d.filename), json_extract(d.metadata, '$.results')"
		" FROM document_cases dc JOIN documents d ON d.id = dc.doc_id"
		" WHERE dc.case_id = ? AND dc.role IN ('acceptance_report', 'evaluation', 'progress_report')"
		" AND d.superseded_by IS NULL AND json_extract(d.metadata, '$.results') IS NOT NULL"
		" ORDER BY dc.role = 'acceptance_report' DESC, d.uploaded_at DESC");
	sqlite3_bind_text(st, 1, arena_printf(c->a, "project:%s", project_id), -1, SQLITE_TRANSIENT);
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *doc = (const char *)sqlite3_column_text(st, 0);
		if (!docs_may_read(c->db, c->u, doc))
			continue;
		json_t *rs = json_loads((const char *)sqlite3_column_text(st, 2), 0, NULL), *r;
		size_t i;
		json_array_foreach(rs, i, r) {
			const char *label = portal_results_label(json_string_value(json_object_get(r, "measure")));
			json_object_set_new(r, "label", json_string(label ? label : ""));
			json_object_set_new(r, "document", json_string(doc));
			json_object_set_new(r, "title", rec_column(st, 1));
			json_array_append(out, r);
		}
		json_decref(rs);
	}
	sqlite3_finalize(st);
	return out;
}

void project_results_view(struct rctx *c, const char *project_id, json_t *o)
{
	json_object_set_new(o, "results", confirmed(c, project_id));
	json_object_set_new(o, "proposed_results", proposed(c, project_id));
}

/* The body of a confirmation: known measures with a number >= 0 or null,
 * and an optional "source" document linked to the project. 0 or 422. */
static int confirm_valid(struct rctx *c, const char *project_id, json_t *in)
{
	const char *key;
	json_t *v;
	if (!json_is_object(in) || !json_object_size(in))
		return rctx_fail(c, 422, "invalid", NULL, "请求内容应为非空的 JSON 对象。 The body must be a non-empty JSON object.");
	json_object_foreach(in, key, v) {
		if (strcmp(key, "source") == 0) {
			sqlite3_stmt *st = portal_db_prepare(c->db,
				"SELECT 1 FROM document_cases WHERE doc_id = ? AND case_id = ?");
			sqlite3_bind_text(st, 1, json_string_value(v) ? json_string_value(v) : "", -1, SQLITE_TRANSIENT);
			sqlite3_bind_text(st, 2, arena_printf(c->a, "project:%s", project_id), -1, SQLITE_TRANSIENT);
			int linked = sqlite3_step(st) == SQLITE_ROW;
			sqlite3_finalize(st);
			if (!linked)
				return rctx_fail(c, 422, "invalid", "source",
					"来源文件须是本项目的文件。 The source must be a document of this project.");
			continue;
		}
		if (!portal_results_unit(key))
			return rctx_fail(c, 422, "unknown_field", key, arena_printf(c->a,
				"没有“%s”这项成效指标。 '%s' is not a result measure.", key, key));
		if (!json_is_null(v) && (!json_is_number(v) || json_number_value(v) < 0))
			return rctx_fail(c, 422, "invalid", key, arena_printf(c->a,
				"%s：应为不小于 0 的数值。 %s: must be a number, 0 or more.", portal_results_label(key), key));
	}
	return 0;
}

int project_results_confirm(struct rctx *c, const char *project_id, json_t *in)
{
	char err[256];
	const char *key;
	json_t *v;
	int rc;
	if (!records_may_write(c->u))
		return rctx_fail(c, 403, "forbidden", NULL, "只有市级工作人员可以确认项目成效。 Only staff may confirm a project's results.");
	c->t = &rt_projects;
	json_t *row = rec_row(c, project_id);
	if (!row)
		return rec_not_found(c);
	json_decref(row);
	if ((rc = confirm_valid(c, project_id, in)))
		return rc;
	if (portal_db_exec(c->db, "BEGIN IMMEDIATE", err, sizeof err) < 0)
		return rctx_fail(c, 503, "busy", NULL, "数据库繁忙，请稍后再试。 The database is busy; try again.");
	const char *source = json_string_value(json_object_get(in, "source"));
	json_object_foreach(in, key, v) {
		if (strcmp(key, "source") == 0)
			continue;
		sqlite3_stmt *st = portal_db_prepare(c->db, json_is_null(v)
			? "DELETE FROM project_results WHERE project_id = ?1 AND measure = ?2"
			: "INSERT OR REPLACE INTO project_results (project_id, measure, value, source_doc, confirmed_by,"
			  " confirmed_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
		sqlite3_bind_text(st, 1, project_id, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 2, key, -1, SQLITE_TRANSIENT);
		if (!json_is_null(v)) {
			sqlite3_bind_double(st, 3, json_number_value(v));
			if (source)
				sqlite3_bind_text(st, 4, source, -1, SQLITE_TRANSIENT);
			sqlite3_bind_int64(st, 5, c->u->id);
			sqlite3_bind_int64(st, 6, portal_now());
		}
		sqlite3_step(st);
		sqlite3_finalize(st);
	}
	char *detail = json_dumps(in, JSON_COMPACT);
	audit_log(c->db, c->u->id, "results", arena_printf(c->a, "project:%s", project_id), detail);
	free(detail);
	if (portal_db_exec(c->db, "COMMIT", err, sizeof err) < 0) {
		sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
		return rctx_fail(c, 500, "database", NULL, "保存失败。 The results could not be saved.");
	}
	return 0;
}
