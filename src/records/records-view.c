/* records-view.c: one record as it is shown (records-view.h). */
#include "records-view.h"
#include "records.h"
#include "records-link.h"
#include "timeline.h"
#include "arena.h"
#include "db.h"
#include "workflow.h"

json_t *rec_get(struct rctx *c, const char *id)
{
	json_t *o = rec_row(c, id);
	if (!o) {
		rec_not_found(c);
		return NULL;
	}
	const char *object = arena_printf(c->a, "%s:%s", c->t->kind, id);
	if (c->t->is_case) {
		const char *state = json_string_value(json_object_get(o, c->t->flow->column));
		json_t *docs = link_documents(c, object);
		json_object_set_new(o, "checklist", link_checklist(c->a, c->t->kind, state, docs));
		json_object_set_new(o, "documents", docs);
		json_object_set_new(o, "timeline", timeline_of(c->db, c->t->kind, o, NULL));
	}
	if (c->t->flow) {
		const char *state = json_string_value(json_object_get(o, c->t->flow->column));
		json_object_set_new(o, "transitions", workflow_next(c->t->flow, state));
	}
	if (c->t->extra)
		c->t->extra(c, id, o);
	json_t *history = rec_history(c->db, object);
	selfserve_history_scope(c, history);
	json_object_set_new(o, "history", history);
	return o;
}

json_t *rec_history(sqlite3 *db, const char *object)
{
	sqlite3_stmt *st = portal_db_prepare(db,
		"SELECT strftime('%Y-%m-%dT%H:%M:%SZ', l.at, 'unixepoch'), u.name, l.action, l.detail"
		" FROM audit_log l LEFT JOIN users u ON u.id = l.user_id WHERE l.object = ? ORDER BY l.id");
	sqlite3_bind_text(st, 1, object, -1, SQLITE_TRANSIENT);
	json_t *a = json_array();
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *detail = (const char *)sqlite3_column_text(st, 3);
		json_t *d = detail ? json_loads(detail, 0, NULL) : NULL;
		json_array_append_new(a, json_pack("{s:o,s:o,s:o,s:o}", "at", rec_column(st, 0),
			"user", rec_column(st, 1), "action", rec_column(st, 2), "changes", d ? d : json_null()));
	}
	sqlite3_finalize(st);
	return a;
}
