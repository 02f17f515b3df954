/* records-names.c: records by name, for the people who choose them: the
 * names a caller may pick from (the suggest endpoint and the forms'
 * <datalist>s), a typed name mapped back to its id, and the name of a
 * referenced record for display. Over the engine (records.h): the same
 * visibility rules decide what a caller may pick. */
#include "records.h"
#include "auth.h"
#include "buf.h"
#include "labels.h"
#include "arena.h"
#include "db.h"

#include <string.h>

json_t *rec_names(struct rctx *c, const char *q, int limit)
{
	sqlite3_stmt *st = portal_db_prepare(c->db, arena_printf(c->a,
		"SELECT t.id, %s AS title FROM %s t WHERE (%s) AND (:q IS NULL OR instr(%s, :q) > 0"
		" OR t.id = :q) ORDER BY title, t.id LIMIT %d",
		c->t->title_sql, c->t->name, records_scope_sql(c), c->t->title_sql, limit));
	/* Named, not numbered: a scope's own parameters come first. */
	portal_db_bind_text(st, sqlite3_bind_parameter_index(st, ":q"), q && *q ? q : NULL);
	records_bind_scope(c, st);
	json_t *a = json_array();
	while (sqlite3_step(st) == SQLITE_ROW)
		json_array_append_new(a, json_pack("{s:o,s:o}", "id", rec_column(st, 0), "name", rec_column(st, 1)));
	sqlite3_finalize(st);
	return a;
}

int rec_resolve(struct rctx *c, const char *text, const char **id)
{
	*id = NULL;
	if (!text || !*text)
		return 0;
	int has_credit = rtype_field(c->t, "credit_code") != NULL;
	/* An id wins; then the exact name; then a credit code. */
	sqlite3_stmt *st = portal_db_prepare(c->db, arena_printf(c->a,
		"SELECT t.id, 1 FROM %s t WHERE (%s) AND t.id = :text"
		" UNION ALL SELECT t.id, 2 FROM %s t WHERE (%s) AND %s = :text"
		"%s%s%s ORDER BY 2 LIMIT 3",
		c->t->name, records_scope_sql(c), c->t->name, records_scope_sql(c), c->t->title_sql,
		has_credit ? " UNION ALL SELECT t.id, 3 FROM " : "", has_credit ? c->t->name : "",
		has_credit ? arena_printf(c->a, " t WHERE (%s) AND t.credit_code = :text", records_scope_sql(c)) : ""));
	portal_db_bind_text(st, sqlite3_bind_parameter_index(st, ":text"), text);
	records_bind_scope(c, st);
	int n = 0, first_rank = 0, same_rank = 0;
	while (sqlite3_step(st) == SQLITE_ROW) {
		int rank = sqlite3_column_int(st, 1);
		if (n == 0) {
			*id = arena_strdup(c->a, (const char *)sqlite3_column_text(st, 0));
			first_rank = rank;
		} else if (rank == first_rank) {
			same_rank++;
		}
		n++;
	}
	sqlite3_finalize(st);
	if (n == 0)
		return rctx_fail(c, 422, "unknown_name", NULL, arena_printf(c->a,
			"找不到名为“%s”的%s，请从列表中选择。 There is no %s named '%s' that you may choose.",
			text, c->t->label, c->t->kind, text));
	if (same_rank) {
		*id = NULL;
		return rctx_fail(c, 422, "ambiguous_name", NULL, arena_printf(c->a,
			"有多个名为“%s”的%s，请输入其统一社会信用代码或编号。 More than one %s is named '%s'.",
			text, c->t->label, c->t->kind, text));
	}
	return 0;
}

const char *rec_title(sqlite3 *db, struct arena *a, const struct rtype *t, const char *id)
{
	sqlite3_stmt *st = portal_db_prepare(db, arena_printf(a, "SELECT %s FROM %s t WHERE t.id = ?",
		t->title_sql, t->name));
	portal_db_bind_text(st, 1, id);
	const char *name = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0)
		? arena_strdup(a, (const char *)sqlite3_column_text(st, 0)) : NULL;
	sqlite3_finalize(st);
	return name;
}

/* ---- values as people read them ---------------------------------------- */

/* A referenced record's name, whoever may see it, else what is stored. */
static const char *ref_name(sqlite3 *db, struct arena *a, const struct rfield *f, const char *id)
{
	if (strcmp(f->ref, "sectors") == 0)
		return label_of(L_SECTOR, id);
	const struct rtype *t = rtype_find(f->ref);
	const char *name = t ? rec_title(db, a, t, id) : NULL;
	return name ? name : id;
}

size_t rec_list_item(const char *p, size_t *sep)
{
	size_t n = 0;
	for (; p[n]; n++) {
		if (p[n] == ',') {
			*sep = 1;
			return n;
		}
		if (strncmp(p + n, "，", 3) == 0 || strncmp(p + n, "、", 3) == 0) {
			*sep = 3;
			return n;
		}
	}
	*sep = 0;
	return n;
}

const char *rec_coded_list(struct arena *a, const char *kind, const char *s, const char *sep)
{
	struct buf out = BUF_INIT;
	const char *p = s;
	while (*p) {
		size_t skip, n = rec_list_item(p, &skip);
		const char *item = arena_strndup(a, p, n);
		if (*item)
			buf_printf(&out, "%s%s", out.len ? sep : "", label_of(kind, item));
		p += n + skip;
	}
	const char *text = arena_strdup(a, buf_str(&out));
	buf_free(&out);
	return text;
}

const char *rec_value_text(sqlite3 *db, struct arena *a, const struct rfield *f, json_t *v)
{
	if (!v || json_is_null(v))
		return "";
	if (f && f->type == FT_MONEY)
		return rec_yuan_text(a, json_integer_value(v));
	if (json_is_integer(v))
		return arena_printf(a, "%lld", (long long)json_integer_value(v));
	if (json_is_real(v))
		return arena_printf(a, "%g", json_real_value(v));
	const char *s = json_string_value(v) ? json_string_value(v) : "";
	if (f && f->type == FT_REF)
		return ref_name(db, a, f, s);
	if (f && f->type == FT_REFS) {
		struct buf out = BUF_INIT;
		const char *p = s;
		while (*p) {
			size_t n = strcspn(p, ",");
			if (n)
				buf_printf(&out, "%s%s", out.len ? "、" : "", ref_name(db, a, f, arena_strndup(a, p, n)));
			p += n + (p[n] != 0);
		}
		const char *text = arena_strdup(a, buf_str(&out));
		buf_free(&out);
		return text;
	}
	if (f && f->codes)
		return f->type == FT_ENUM ? label_of(f->codes, s) : rec_coded_list(a, f->codes, s, "、");
	return s;
}

const char *rec_case_title(sqlite3 *db, struct arena *a, const struct portal_user *u, const char *case_id)
{
	const char *colon = case_id ? strchr(case_id, ':') : NULL;
	const struct rtype *t = colon ? rtype_by_kind(arena_strndup(a, case_id, (size_t)(colon - case_id))) : NULL;
	if (!t || !t->is_case)
		return "案卷";
	if (u && u->id) {
		struct rctx c = { .db = db, .a = a, .u = u, .t = t };
		json_t *row = rec_row(&c, colon + 1);
		const char *title = json_string_value(json_object_get(row, "title"));
		title = title ? arena_strdup(a, title) : NULL;
		json_decref(row);
		if (title)
			return title;
	}
	return arena_printf(a, "%s案卷", t->label);
}
