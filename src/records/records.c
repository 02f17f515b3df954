/* records.c: the generic record engine: list, get, create, update, driven
 * by each type's field table (records.h). Moves are in records-move.c,
 * the whole record as shown in records-view.c, document links and
 * checklists in records-link.c.
 *
 * Every write runs in one BEGIN IMMEDIATE transaction: validate all
 * values, run the type's whole-row check, write, then append the audit
 * trail entry with {"field": {"from": old, "to": new}} for each field
 * that changed. */
#include "records.h"
#include "docs.h"
#include "arena.h"
#include "audit.h"
#include "auth.h"
#include "buf.h"
#include "db.h"
#include "workflow.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

const struct rtype *const record_types[] = {
	&rt_enterprises, &rt_agencies, &rt_experts, &rt_audits, &rt_projects, &rt_trainings, NULL,
};

const struct rtype *rtype_find(const char *name)
{
	for (size_t i = 0; name && record_types[i]; i++)
		if (strcmp(record_types[i]->name, name) == 0)
			return record_types[i];
	return NULL;
}

const struct rtype *rtype_by_id(const char *id)
{
	if (!id || strlen(id) != 11 || strspn(id + 1, "0123456789abcdef") != 10)
		return NULL;
	for (size_t i = 0; record_types[i]; i++)
		if (record_types[i]->id_prefix && record_types[i]->id_prefix[0] == id[0])
			return record_types[i];
	return NULL;
}

const struct rtype *rtype_by_kind(const char *kind)
{
	for (size_t i = 0; kind && record_types[i]; i++)
		if (strcmp(record_types[i]->kind, kind) == 0)
			return record_types[i];
	return NULL;
}

const struct rfield *rtype_field(const struct rtype *t, const char *name)
{
	for (const struct rfield *f = t->fields; f->name; f++)
		if (strcmp(f->name, name) == 0)
			return f;
	return NULL;
}

int records_may_write(const struct portal_user *u) { return portal_user_sees_all(u); }

const char *rec_new_id(struct arena *a, const char *prefix)
{
	unsigned char raw[5];
	char hex[11];
	randombytes_buf(raw, sizeof raw);
	sodium_bin2hex(hex, sizeof hex, raw, sizeof raw);
	return arena_printf(a, "%s%s", prefix, hex);
}

/* ---- visibility --------------------------------------------------------- */

const char *records_scope_sql(const struct rctx *c)
{
	if (portal_user_sees_all(c->u))
		return "1";
	for (const struct rscope *s = c->t->scope; s && s->role; s++)
		if (strcmp(s->role, c->u->role) == 0)
			return s->sql;
	return "0";
}

void records_bind_scope(const struct rctx *c, sqlite3_stmt *st)
{
	int i;
	if ((i = sqlite3_bind_parameter_index(st, ":ent")))
		portal_db_bind_text(st, i, c->u->enterprise_id);
	if ((i = sqlite3_bind_parameter_index(st, ":ag")))
		portal_db_bind_text(st, i, c->u->agency_id);
	if ((i = sqlite3_bind_parameter_index(st, ":uname")))
		portal_db_bind_text(st, i, c->u->id ? c->u->name : NULL);
	if ((i = sqlite3_bind_parameter_index(st, ":dist")))
		portal_db_bind_text(st, i, strcmp(c->u->role, "district") == 0 ? c->u->district : NULL);
	if ((i = sqlite3_bind_parameter_index(st, ":sec")))
		portal_db_bind_text(st, i, strcmp(c->u->role, "authority") == 0 ? c->u->sector : NULL);
}

/* ---- reading ---------------------------------------------------------- */

/* "t.id, t.a, t.b, ..., t.created_at, t.updated_at[, extra]" */
static const char *columns(const struct rctx *c)
{
	struct buf b = BUF_INIT;
	buf_puts(&b, "t.id");
	for (const struct rfield *f = c->t->fields; f->name; f++)
		buf_printf(&b, ", t.%s", f->name);
	buf_printf(&b, ", t.created_at, t.updated_at, %s AS title", c->t->title_sql);
	const char *s = arena_strdup(c->a, buf_str(&b));
	buf_free(&b);
	return s;
}

static json_t *row_json(sqlite3_stmt *st)
{
	json_t *o = json_object();
	int n = sqlite3_column_count(st);
	for (int i = 0; i < n; i++)
		json_object_set_new(o, sqlite3_column_name(st, i), rec_column(st, i));
	return o;
}

json_t *rec_row(struct rctx *c, const char *id)
{
	sqlite3_stmt *st = portal_db_prepare(c->db, arena_printf(c->a,
		"SELECT %s FROM %s t WHERE t.id = :id AND (%s)", columns(c), c->t->name,
		records_scope_sql(c)));
	portal_db_bind_text(st, sqlite3_bind_parameter_index(st, ":id"), id);
	records_bind_scope(c, st);
	json_t *o = sqlite3_step(st) == SQLITE_ROW ? row_json(st) : NULL;
	sqlite3_finalize(st);
	return o;
}

int rec_not_found(struct rctx *c)
{
	return rctx_fail(c, 404, "not_found", NULL, arena_printf(c->a,
		"没有这条%s记录，或您无权查看。 There is no such %s, or you may not see it.",
		c->t->label, c->t->kind));
}

#define FILTER_PARAM 101	/* the number of a list's first filter parameter */

int rec_list(struct rctx *c, const struct rquery *q, json_t **out)
{
	struct buf where = BUF_INIT;
	json_t *vals = json_array();
	buf_printf(&where, " FROM %s t WHERE (%s)", c->t->name, records_scope_sql(c));
	for (size_t i = 0; i < q->nfilters; i++) {
		const struct rfield *f = rtype_field(c->t, q->names[i]);
		if (!f || !(f->flags & F_FILTER)) {
			buf_free(&where);
			json_decref(vals);
			return rctx_fail(c, 400, "bad_filter", q->names[i], arena_printf(c->a,
				"%s列表不能按“%s”筛选。 The %s list cannot be filtered by '%s'.",
				c->t->label, q->names[i], c->t->name, q->names[i]));
		}
		json_t *v = json_string(q->values[i]), *sv;
		struct rfield loose = *f;
		loose.flags &= ~F_REQ;
		if (f->type == FT_REFS || f->type == FT_TEXT || f->type == FT_LONG)
			loose.type = FT_TEXT;
		int rc = rec_value(c, &loose, v, &sv);
		json_decref(v);
		if (rc) {
			buf_free(&where);
			json_decref(vals);
			c->status = 400;
			return rc == 422 ? 400 : rc;
		}
		/* numbered: the scope's named parameters (:ent, :dist…) come
		 * first in the text and would take the low numbers */
		if (loose.type == FT_TEXT)
			buf_printf(&where, " AND instr(t.%s, ?%zu) > 0", f->name, FILTER_PARAM + i);
		else
			buf_printf(&where, " AND t.%s = ?%zu", f->name, FILTER_PARAM + i);
		json_array_append_new(vals, sv);
	}
	if (q->q && *q->q) {
		buf_printf(&where, " AND instr(%s, ?%zu) > 0", c->t->title_sql, FILTER_PARAM + q->nfilters);
		json_array_append_new(vals, json_string(q->q));
	}
	const char *w = arena_strdup(c->a, buf_str(&where));
	buf_free(&where);

	sqlite3_stmt *st = portal_db_prepare(c->db, arena_printf(c->a, "SELECT count(*)%s", w));
	size_t k;
	json_t *v;
	json_array_foreach(vals, k, v)
		rec_bind(st, FILTER_PARAM + (int)k, v);
	records_bind_scope(c, st);
	long long total = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_finalize(st);

	st = portal_db_prepare(c->db, arena_printf(c->a,
		"SELECT %s%s ORDER BY t.created_at DESC, t.id LIMIT %ld OFFSET %ld", columns(c), w,
		q->per_page, (q->page - 1) * q->per_page));
	json_array_foreach(vals, k, v)
		rec_bind(st, FILTER_PARAM + (int)k, v);
	records_bind_scope(c, st);
	json_t *results = json_array();
	while (sqlite3_step(st) == SQLITE_ROW)
		json_array_append_new(results, row_json(st));
	sqlite3_finalize(st);
	json_decref(vals);
	*out = json_pack("{s:I,s:i,s:i,s:o}", "total", (json_int_t)total, "page", (int)q->page,
			 "per_page", (int)q->per_page, "results", results);
	return 0;
}

/* ---- writing ------------------------------------------------------------ */

static int begin(struct rctx *c)
{
	char err[256];
	if (portal_db_exec(c->db, "BEGIN IMMEDIATE", err, sizeof err) < 0)
		return rctx_fail(c, 503, "busy", NULL, "数据库繁忙，请稍后再试。 The database is busy; try again.");
	return 0;
}

static int finish(struct rctx *c, int rc)
{
	char err[256];
	if (rc == 0 && portal_db_exec(c->db, "COMMIT", err, sizeof err) == 0)
		return 0;
	sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
	if (rc == 0)
		rc = rctx_fail(c, 500, "database", NULL, "保存失败。 The change could not be saved.");
	return rc;
}

static int writer(struct rctx *c)
{
	if (records_may_write(c->u))
		return 0;
	return rctx_fail(c, 403, "forbidden", NULL, arena_printf(c->a,
		"只有市级工作人员可以修改%s记录。 Only staff may change %s records.", c->t->label, c->t->kind));
}

static int body_object(struct rctx *c, json_t *in)
{
	if (json_is_object(in))
		return 0;
	return rctx_fail(c, 422, "invalid", NULL, "请求内容应为 JSON 对象。 The body must be a JSON object.");
}

static int merge_fields(struct rctx *c, json_t *in, json_t *row, json_t *diff, int creating);

/* Validate in's keys as updatable fields of c->t into row (merged) and
 * diff ({"field": {"from", "to"}}), then the type's invariants on the
 * merged row. */
static int take_fields(struct rctx *c, json_t *in, json_t *row, json_t *diff, int creating)
{
	json_t *old = creating ? NULL : json_deep_copy(row);
	int rc = merge_fields(c, in, row, diff, creating);
	if (!rc && c->t->check)
		rc = c->t->check(c, row, old);
	json_decref(old);
	return rc;
}

static int merge_fields(struct rctx *c, json_t *in, json_t *row, json_t *diff, int creating)
{
	const char *key;
	json_t *v;
	json_object_foreach(in, key, v) {
		const struct rfield *f = rtype_field(c->t, key);
		if (!f)
			return rctx_fail(c, 422, "unknown_field", key, arena_printf(c->a,
				"%s记录没有字段“%s”。 A %s has no field '%s'.", c->t->label, key, c->t->kind, key));
		if (f->flags & (F_FLOW | F_STATE))
			return rctx_fail(c, 422, "workflow_field", key, arena_printf(c->a,
				"%s：只能通过状态流转（transitions）设置。 %s is set only by a transition.",
				f->label, key));
	}
	for (const struct rfield *f = c->t->fields; f->name; f++) {
		if (f->flags & (F_FLOW | F_STATE))
			continue;
		json_t *given = json_object_get(in, f->name);
		if (!given && !creating)
			continue;
		json_t *nv;
		int rc = rec_value(c, f, given, &nv);
		if (rc)
			return rc;
		json_t *old = json_object_get(row, f->name);
		if (!old && json_is_null(nv))
			json_object_set(row, f->name, nv);	/* nothing to record */
		else if (!old || !json_equal(old, nv)) {
			json_object_set_new(diff, f->name, json_pack("{s:O,s:O}", "from",
				old ? old : json_null(), "to", nv));
			json_object_set(row, f->name, nv);
		}
		json_decref(nv);
	}
	return 0;
}

static int constraint(struct rctx *c)
{
	return rctx_fail(c, 409, "duplicate", NULL, arena_printf(c->a,
		"已有相同的%s记录（统一社会信用代码或企业与年度重复）。 A %s with the same unique values exists already.",
		c->t->label, c->t->kind));
}

/* The "reason" of a staff correction or override out of a body into
 * c->reason; the body without it into *fields (a new reference). 0 or 422. */
static int take_reason(struct rctx *c, json_t *in, json_t **fields)
{
	json_t *reason = json_object_get(in, "reason");
	*fields = json_copy(in);
	c->reason = NULL;
	if (!reason)
		return 0;
	if (!json_is_string(reason) || !*json_string_value(reason) || strlen(json_string_value(reason)) > 1000) {
		json_decref(*fields);
		*fields = NULL;
		return rctx_fail(c, 422, "invalid", "reason",
			"理由（reason）应为 1 到 1000 字节的文字。 reason must be a text of 1 to 1000 bytes.");
	}
	c->reason = arena_strdup(c->a, json_string_value(reason));
	json_object_del(*fields, "reason");
	return 0;
}

int rec_create(struct rctx *c, json_t *in, const char **idp)
{
	int rc = writer(c);
	json_t *fields = NULL;
	if (rc || (rc = body_object(c, in)) || (rc = take_reason(c, in, &fields)) || (rc = begin(c))) {
		json_decref(fields);
		return rc;
	}
	json_t *row = json_object(), *diff = json_object();
	rc = take_fields(c, fields, row, diff, 1);
	json_decref(fields);
	const char *id = rec_new_id(c->a, c->t->id_prefix);
	if (!rc) {
		struct buf sql = BUF_INIT, qs = BUF_INIT;
		buf_printf(&sql, "INSERT INTO %s (id, created_at, updated_at", c->t->name);
		const char *key;
		json_t *v;
		json_object_foreach(row, key, v) {
			buf_printf(&sql, ", %s", key);
			buf_puts(&qs, ", ?");
		}
		if (c->t->flow)
			buf_printf(&sql, ", %s", c->t->flow->column);
		buf_printf(&sql, ") VALUES (?, ?, ?%s%s)", buf_str(&qs), c->t->flow ? ", ?" : "");
		sqlite3_stmt *st = portal_db_prepare(c->db, buf_str(&sql));
		buf_free(&sql);
		buf_free(&qs);
		int i = 1;
		sqlite3_bind_text(st, i++, id, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(st, i++, portal_now());
		sqlite3_bind_int64(st, i++, portal_now());
		json_object_foreach(row, key, v)
			rec_bind(st, i++, v);
		if (c->t->flow)
			sqlite3_bind_text(st, i++, c->t->flow->initial, -1, SQLITE_STATIC);
		int src = sqlite3_step(st);
		sqlite3_finalize(st);
		if (src == SQLITE_CONSTRAINT)
			rc = constraint(c);
		else if (src != SQLITE_DONE)
			rc = rctx_fail(c, 500, "database", NULL, "保存失败。 The record could not be saved.");
	}
	if (!rc) {
		if (c->reason)
			json_object_set_new(diff, "reason", json_string(c->reason));
		char *detail = json_dumps(diff, JSON_COMPACT);
		audit_log(c->db, c->u->id, "create", arena_printf(c->a, "%s:%s", c->t->kind, id), detail);
		free(detail);
		*idp = id;
	}
	json_decref(row);
	json_decref(diff);
	return finish(c, rc);
}

void rec_reindex_documents(struct rctx *c, const char *id)
{
	/* A case's documents carry its parties and facets (enterprise,
	 * agency, sector, industry, year, grade) in the index; an enterprise's
	 * change reaches the documents of all its cases; an expert's (its
	 * user name is an access group) those of the cases assigned to it. */
	const char *sql = NULL;
	if (c->t->is_case)
		sql = "SELECT doc_id FROM document_cases WHERE case_id = ?1";
	else if (strcmp(c->t->kind, "enterprise") == 0)
		sql = "SELECT dc.doc_id FROM document_cases dc"
		      " JOIN (SELECT 'audit:' || id AS case_id FROM audits WHERE enterprise_id = ?2"
		      "       UNION ALL SELECT 'project:' || id FROM projects WHERE enterprise_id = ?2) k"
		      " ON k.case_id = dc.case_id";
	else if (strcmp(c->t->kind, "expert") == 0)
		sql = "SELECT DISTINCT dc.doc_id FROM document_cases dc"
		      " JOIN assignments s ON s.case_id = dc.case_id WHERE s.expert_id = ?2";
	if (!sql)
		return;
	sqlite3_stmt *st = portal_db_prepare(c->db, sql);
	if (c->t->is_case)
		sqlite3_bind_text(st, 1, arena_printf(c->a, "%s:%s", c->t->kind, id), -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_text(st, 2, id, -1, SQLITE_TRANSIENT);
	while (sqlite3_step(st) == SQLITE_ROW)
		docs_queue_reindex(c->db, (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
}

int rec_update_row(struct rctx *c, const char *id, json_t *diff)
{
	struct buf sql = BUF_INIT;
	const char *key;
	json_t *v;
	buf_printf(&sql, "UPDATE %s SET updated_at = ?", c->t->name);
	json_object_foreach(diff, key, v)
		buf_printf(&sql, ", %s = ?", key);
	buf_puts(&sql, " WHERE id = ?");
	sqlite3_stmt *st = portal_db_prepare(c->db, buf_str(&sql));
	buf_free(&sql);
	int i = 1;
	sqlite3_bind_int64(st, i++, portal_now());
	json_object_foreach(diff, key, v)
		rec_bind(st, i++, json_object_get(v, "to"));
	sqlite3_bind_text(st, i, id, -1, SQLITE_TRANSIENT);
	int src = sqlite3_step(st);
	sqlite3_finalize(st);
	if (src == SQLITE_CONSTRAINT)
		return constraint(c);
	if (src != SQLITE_DONE)
		return rctx_fail(c, 500, "database", NULL, "保存失败。 The record could not be saved.");
	return 0;
}

int rec_patch(struct rctx *c, const char *id, json_t *in)
{
	int rc = writer(c);
	json_t *fields = NULL;
	if (rc || (rc = body_object(c, in)) || (rc = take_reason(c, in, &fields)) || (rc = begin(c))) {
		json_decref(fields);
		return rc;
	}
	json_t *row = rec_row(c, id), *diff = json_object();
	if (!row)
		rc = rec_not_found(c);
	else
		rc = take_fields(c, fields, row, diff, 0);
	json_decref(fields);
	if (!rc && json_object_size(diff)) {
		rc = rec_update_row(c, id, diff);
		if (!rc) {
			if (c->reason)
				json_object_set_new(diff, "reason", json_string(c->reason));
			char *detail = json_dumps(diff, JSON_COMPACT);
			audit_log(c->db, c->u->id, c->reason ? "correct" : "update",
				  arena_printf(c->a, "%s:%s", c->t->kind, id), detail);
			free(detail);
			rec_reindex_documents(c, id);
		}
	}
	json_decref(row);
	json_decref(diff);
	return finish(c, rc);
}

int rec_case_parties(sqlite3 *db, struct arena *a, const char *case_id, const char **ent,
		     const char **agency)
{
	const char *sql;
	if (strncmp(case_id, "audit:", 6) == 0)
		sql = "SELECT enterprise_id, agency_id FROM audits WHERE id = ?";
	else if (strncmp(case_id, "project:", 8) == 0)
		sql = "SELECT enterprise_id, NULL FROM projects WHERE id = ?";
	else
		return -1;
	sqlite3_stmt *st = portal_db_prepare(db, sql);
	sqlite3_bind_text(st, 1, strchr(case_id, ':') + 1, -1, SQLITE_TRANSIENT);
	int rc = -1;
	if (sqlite3_step(st) == SQLITE_ROW) {
		rc = 0;
		*ent = sqlite3_column_text(st, 0) ? arena_strdup(a, (const char *)sqlite3_column_text(st, 0)) : NULL;
		*agency = sqlite3_column_text(st, 1) ? arena_strdup(a, (const char *)sqlite3_column_text(st, 1)) : NULL;
	}
	sqlite3_finalize(st);
	return rc;
}
