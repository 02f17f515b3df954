/* records-move.c: moving a record from one state to the next
 * (records-move.h), by its type's workflow table (workflow.h). */
#include "records-move.h"
#include "records.h"
#include "records-link.h"
#include "arena.h"
#include "audit.h"
#include "auth.h"
#include "buf.h"
#include "db.h"
#include "workflow.h"

#include <stdlib.h>
#include <string.h>

static int in_list(const char *const *list, const char *name)
{
	for (; list && *list; list++)
		if (strcmp(*list, name) == 0)
			return 1;
	return 0;
}

/* Find the transition to `to` from `state`; answer the refusal otherwise. */
static const struct transition *find(struct rctx *c, const char *state, const char *to)
{
	const struct workflow *w = c->t->flow;
	const struct transition *first = NULL;
	for (size_t i = 0; i < w->n; i++) {
		if (strcmp(w->t[i].to, to) != 0)
			continue;
		if (strcmp(w->t[i].from, state) == 0)
			return &w->t[i];
		if (!first)
			first = &w->t[i];
	}
	if (!to[0] || workflow_index(w, to) < 0)
		rctx_fail(c, 422, "bad_state", "to", arena_printf(c->a,
			"没有“%s”这个状态。 '%s' is not a state of a %s.", to, to, c->t->kind));
	else if (!first)
		rctx_fail(c, 409, "workflow", "to", arena_printf(c->a,
			"%s不能进入“%s”状态。 A %s cannot be moved to %s.", c->t->label,
			workflow_label(w, to), c->t->kind, to));
	else
		rctx_fail(c, 409, "workflow", "to", arena_printf(c->a,
			"%s.（当前状态：%s；current state: %s）", first->rule,
			workflow_label(w, state), state));
	return NULL;
}

/* The documents a case's move to `to` needs (records-link.h, gates): 0
 * when none is missing, or when staff give a reason (which the move's log
 * keeps); otherwise 409 naming the missing documents. */
static int gate(struct rctx *c, const char *id, const char *to, json_t *reason)
{
	if (reason && (!json_is_string(reason) || !*json_string_value(reason) ||
		       strlen(json_string_value(reason)) > 1000))
		return rctx_fail(c, 422, "invalid", "reason",
			"理由（reason）应为 1 到 1000 字节的文字。 reason must be a text of 1 to 1000 bytes.");
	if (!c->t->is_case)
		return 0;
	json_t *missing = link_gate_missing(c, c->t->kind, id, to), *m;
	size_t i;
	int rc = 0;
	if (json_array_size(missing) && !reason) {
		struct buf zh = BUF_INIT, en = BUF_INIT;
		json_array_foreach(missing, i, m) {
			buf_printf(&zh, "%s%s", i ? "、" : "", json_string_value(json_object_get(m, "label")));
			buf_printf(&en, "%s%s", i ? ", " : "", json_string_value(json_object_get(m, "role")));
		}
		rc = rctx_fail(c, 409, "missing_documents", "to", arena_printf(c->a,
			"进入“%s”前须先关联：%s；如确需先行变更，请由工作人员填写理由（reason）。"
			" Moving to %s needs these documents linked first: %s; staff may still move it with a reason.",
			workflow_label(c->t->flow, to), buf_str(&zh), to, buf_str(&en)));
		buf_free(&zh);
		buf_free(&en);
	}
	json_decref(missing);
	return rc;
}

int workflow_may_move_some(const struct rctx *c)
{
	return records_may_write(c->u) ||
	       (strcmp(c->u->role, "district") == 0 && c->t == &rt_projects);
}

int workflow_may_move(const struct rctx *c, const char *id, const char *to)
{
	if (records_may_write(c->u))
		return 1;
	if (strcmp(c->u->role, "district") != 0 || c->t != &rt_projects ||
	    strcmp(to, "district_approved") != 0 || !c->u->district)
		return 0;
	sqlite3_stmt *st = portal_db_prepare(c->db,
		"SELECT 1 FROM projects p JOIN enterprises e ON e.id = p.enterprise_id"
		" WHERE p.id = ? AND e.district = ?");
	portal_db_bind_text(st, 1, id);
	portal_db_bind_text(st, 2, c->u->district);
	int ok = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return ok;
}

#define R_STAFF_MOVES "只有市级工作人员可以变更状态；区发改委只能对本区企业的项目填报区级审核。" \
	" Only staff may move a record to another state; a district may only record the district" \
	" approval of its own district's projects."

int workflow_move(struct rctx *c, const char *id, json_t *in)
{
	char err[256];
	if (!workflow_may_move_some(c))
		return rctx_fail(c, 403, "forbidden", NULL, R_STAFF_MOVES);
	if (!json_is_object(in) || !json_is_string(json_object_get(in, "to")))
		return rctx_fail(c, 422, "invalid", "to",
			"请给出目标状态（to）。 The body must be a JSON object with the target state in \"to\".");
	if (portal_db_exec(c->db, "BEGIN IMMEDIATE", err, sizeof err) < 0)
		return rctx_fail(c, 503, "busy", NULL, "数据库繁忙，请稍后再试。 The database is busy; try again.");
	int rc = workflow_move_within(c, id, in);
	if (!rc && portal_db_exec(c->db, "COMMIT", err, sizeof err) == 0)
		return 0;
	sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
	return rc ? rc : rctx_fail(c, 500, "database", NULL, "保存失败。 The change could not be saved.");
}

int workflow_move_within(struct rctx *c, const char *id, json_t *in)
{
	const struct workflow *w = c->t->flow;
	/* who may make this move: workflow_may_move(), below, the one rule */
	if (!json_is_object(in) || !json_is_string(json_object_get(in, "to")))
		return rctx_fail(c, 422, "invalid", "to",
			"请给出目标状态（to）。 The body must be a JSON object with the target state in \"to\".");
	const char *to = json_string_value(json_object_get(in, "to"));
	json_t *row = rec_row(c, id), *diff = json_object(), *old = row ? json_deep_copy(row) : NULL;
	int rc = 0;
	const struct transition *tr = NULL;
	if (!row)
		rc = rec_not_found(c);
	else if (!workflow_may_move(c, id, to))
		rc = rctx_fail(c, 403, "forbidden", NULL, R_STAFF_MOVES);
	else if (json_object_get(in, "reason") && !records_may_write(c->u))
		rc = rctx_fail(c, 403, "forbidden", "reason",
			"只有市级工作人员可以填写理由越过规则。 Only staff may give a reason to override a rule.");
	else if (!(tr = find(c, json_string_value(json_object_get(row, w->column)), to)))
		rc = c->status;
	/* Only the fields this move takes, and a staff reason. */
	const char *key;
	json_t *v;
	if (!rc)
		json_object_foreach(in, key, v) {
			if (strcmp(key, "to") != 0 && strcmp(key, "reason") != 0 && !in_list(tr->sets, key) &&
			    !in_list(tr->optional, key)) {
				rc = rctx_fail(c, 422, "unknown_field", key, arena_printf(c->a,
					"进入“%s”时不能设置“%s”。 Moving to %s does not set '%s'.",
					workflow_label(w, to), key, to, key));
				break;
			}
		}
	for (int pass = 0; pass < 2 && !rc; pass++) {
		const char *const *list = pass ? tr->optional : tr->sets;
		for (; list && *list && !rc; list++) {
			struct rfield f = *rtype_field(c->t, *list);
			json_t *given = json_object_get(in, *list), *nv;
			if (pass && !given)
				continue;
			f.flags = pass ? f.flags & ~F_REQ : f.flags | F_REQ;
			if ((rc = rec_value(c, &f, given, &nv)))
				break;
			json_object_set_new(diff, *list, json_pack("{s:O,s:O}", "from",
				json_object_get(row, *list), "to", nv));
			json_object_set_new(row, *list, nv);
		}
	}
	if (!rc)
		rc = gate(c, id, to, json_object_get(in, "reason"));
	if (!rc) {
		json_object_set_new(diff, w->column, json_pack("{s:O,s:s}", "from",
			json_object_get(row, w->column), "to", to));
		json_object_set_new(row, w->column, json_string(to));
		if (tr->check)
			rc = tr->check(c, id, row);
		if (!rc && c->t->check)
			rc = c->t->check(c, row, old);
	}
	if (!rc)
		rc = rec_update_row(c, id, diff);
	if (!rc) {
		if (json_object_get(in, "reason"))
			json_object_set(diff, "reason", json_object_get(in, "reason"));
		char *detail = json_dumps(diff, JSON_COMPACT);
		audit_log(c->db, c->u->id, "transition", arena_printf(c->a, "%s:%s", c->t->kind, id), detail);
		rec_reindex_documents(c, id);
		free(detail);
	}
	json_decref(row);
	json_decref(old);
	json_decref(diff);
	return rc;
}
