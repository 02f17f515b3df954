/* records-change.c: change requests on projects being implemented. The
 * project's enterprise (giving its reason) or staff file one; a request
 * is pending until staff approve or reject it; approving one with
 * a new end date moves the project's planned end, still at most 12 months
 * after the start. A project is not accepted while a request is pending
 * (records-project.c). */
#include "records.h"
#include "arena.h"
#include "audit.h"
#include "auth.h"
#include "db.h"

#include <stdlib.h>
#include <string.h>

/* The action's rule (records-selfserve.c: the project's enterprise files,
 * staff decide), then the transaction. */
static int begin(struct rctx *c, enum selfserve_action a, const char *project_id)
{
	char err[256];
	int rc = selfserve_may(c, a, project_id);
	if (rc)
		return rc;
	if (portal_db_exec(c->db, "BEGIN IMMEDIATE", err, sizeof err) < 0)
		return rctx_fail(c, 503, "busy", NULL, "数据库繁忙，请稍后再试。 The database is busy; try again.");
	return 0;
}

static int end(struct rctx *c, int rc, const char *project_id, const char *action, json_t *d)
{
	char err[256];
	if (!rc) {
		char *detail = json_dumps(d, JSON_COMPACT);
		audit_log(c->db, c->u->id, action, arena_printf(c->a, "project:%s", project_id), detail);
		free(detail);
	}
	json_decref(d);
	if (!rc && portal_db_exec(c->db, "COMMIT", err, sizeof err) == 0)
		return 0;
	sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
	return rc ? rc : rctx_fail(c, 500, "database", NULL, "保存失败。 The change could not be saved.");
}

static const struct rfield f_desc = { .name = "description", .type = FT_LONG, .flags = F_REQ, .label = "变更内容" };
static const struct rfield f_end = { .name = "new_end_date", .type = FT_DATE, .flags = 0, .label = "变更后的完工日期" };
static const struct rfield f_reason = { .name = "reason", .type = FT_LONG, .flags = 0, .label = "变更理由" };
static const struct rfield f_reason_req = { .name = "reason", .type = FT_LONG, .flags = F_REQ, .label = "变更理由" };

/* The 12-month limit for a new end date; 0 or 422. */
static int within_limit(struct rctx *c, json_t *row, const char *end_date)
{
	const char *start = json_string_value(json_object_get(row, "start_date"));
	char limit[11];
	if (!end_date || !start)
		return 0;
	rec_date_add_months(start, 12, limit);
	if (strcmp(end_date, limit) <= 0 && strcmp(end_date, start) >= 0)
		return 0;
	return rctx_fail(c, 422, "too_long", "new_end_date", arena_printf(c->a,
		"实施期不得超过 12 个月（须在 %s 至 %s 之间完工）。 Implementation lasts at most 12 months (end between %s and %s).",
		start, limit, start, limit));
}

int project_change_request(struct rctx *c, const char *project_id, json_t *in, long long *change_id)
{
	int rc = begin(c, SS_CHANGE_REQUEST, project_id);
	if (rc)
		return rc;
	json_t *row = rec_row(c, project_id), *desc = NULL, *endd = NULL, *why = NULL;
	int by_staff = records_may_write(c->u);
	const char *state = row ? json_string_value(json_object_get(row, "state")) : NULL;
	if (!row)
		rc = rctx_fail(c, 404, "not_found", NULL, "没有这个项目。 There is no such project.");
	else if (!json_is_object(in))
		rc = rctx_fail(c, 422, "invalid", NULL, "请求内容应为 JSON 对象。 The body must be a JSON object.");
	else if (strcmp(state, "approved") && strcmp(state, "implementing") && strcmp(state, "first_paid") &&
		 strcmp(state, "evaluated"))
		rc = rctx_fail(c, 409, "workflow", NULL,
			"变更申请只能在项目批准后、验收前提出。 Change requests are made between approval and acceptance.");
	else if (!(rc = rec_value(c, &f_desc, json_object_get(in, "description"), &desc)) &&
		 !(rc = rec_value(c, &f_end, json_object_get(in, "new_end_date"), &endd)) &&
		 !(rc = rec_value(c, by_staff ? &f_reason : &f_reason_req, json_object_get(in, "reason"), &why)))
		rc = within_limit(c, row, json_string_value(endd));
	if (!rc) {
		sqlite3_stmt *st = portal_db_prepare(c->db, "INSERT INTO project_changes (project_id, description,"
			" new_end_date, requested_at, reason, requested_by) VALUES (?, ?, ?, ?, ?, ?)");
		sqlite3_bind_text(st, 1, project_id, -1, SQLITE_TRANSIENT);
		rec_bind(st, 2, desc);
		rec_bind(st, 3, endd);
		sqlite3_bind_int64(st, 4, portal_now());
		rec_bind(st, 5, why);
		sqlite3_bind_int64(st, 6, c->u->id);
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = rctx_fail(c, 500, "database", NULL, "保存失败。 The change request could not be saved.");
		sqlite3_finalize(st);
		*change_id = sqlite3_last_insert_rowid(c->db);
	}
	json_t *d = rc ? NULL : json_pack("{s:{s:I,s:O,s:O,s:O}}", "change_request", "id", (json_int_t)*change_id,
					  "description", desc, "new_end_date", endd, "reason", why ? why : json_null());
	json_decref(why);
	json_decref(row);
	json_decref(desc);
	json_decref(endd);
	return end(c, rc, project_id, "change_request", d);
}

int project_change_decide(struct rctx *c, const char *project_id, long long change_id, json_t *in)
{
	int rc = begin(c, SS_CHANGE_DECIDE, project_id);
	if (rc)
		return rc;
	const char *decision = json_string_value(json_object_get(in, "decision"));
	json_t *row = rec_row(c, project_id);
	sqlite3_stmt *st = portal_db_prepare(c->db,
		"SELECT state, new_end_date FROM project_changes WHERE id = ? AND project_id = ?");
	sqlite3_bind_int64(st, 1, change_id);
	sqlite3_bind_text(st, 2, project_id, -1, SQLITE_TRANSIENT);
	const char *state = NULL, *end_date = NULL;
	if (sqlite3_step(st) == SQLITE_ROW) {
		state = arena_strdup(c->a, (const char *)sqlite3_column_text(st, 0));
		if (sqlite3_column_text(st, 1))
			end_date = arena_strdup(c->a, (const char *)sqlite3_column_text(st, 1));
	}
	sqlite3_finalize(st);
	if (!row || !state)
		rc = rctx_fail(c, 404, "not_found", NULL, "没有这项变更申请。 There is no such change request.");
	else if (!decision || (strcmp(decision, "approved") && strcmp(decision, "rejected")))
		rc = rctx_fail(c, 422, "invalid", "decision",
			"审批结果应为 approved 或 rejected。 decision must be approved or rejected.");
	else if (strcmp(state, "pending"))
		rc = rctx_fail(c, 409, "workflow", "decision",
			"该变更申请已经审批过。 This change request has been decided already.");
	else if (strcmp(decision, "approved") == 0)
		rc = within_limit(c, row, end_date);
	if (!rc) {
		st = portal_db_prepare(c->db, "UPDATE project_changes SET state = ?, decided_at = ?, decided_by = ? WHERE id = ?");
		sqlite3_bind_text(st, 1, decision, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(st, 2, portal_now());
		sqlite3_bind_int64(st, 3, c->u->id);
		sqlite3_bind_int64(st, 4, change_id);
		sqlite3_step(st);
		sqlite3_finalize(st);
		if (end_date && strcmp(decision, "approved") == 0) {
			st = portal_db_prepare(c->db, "UPDATE projects SET planned_end_date = ?, updated_at = ? WHERE id = ?");
			sqlite3_bind_text(st, 1, end_date, -1, SQLITE_TRANSIENT);
			sqlite3_bind_int64(st, 2, portal_now());
			sqlite3_bind_text(st, 3, project_id, -1, SQLITE_TRANSIENT);
			sqlite3_step(st);
			sqlite3_finalize(st);
		}
	}
	json_t *d = NULL;
	if (!rc) {
		d = json_pack("{s:{s:I,s:s}}", "change_request", "id", (json_int_t)change_id, "decision", decision);
		if (end_date && strcmp(decision, "approved") == 0)
			json_object_set_new(d, "planned_end_date", json_pack("{s:O,s:s}", "from",
				json_object_get(row, "planned_end_date"), "to", end_date));
	}
	json_decref(row);
	return end(c, rc, project_id, "change_decision", d);
}
