/* editions.c: edition chains of standards (editions.h). */
#include "editions.h"
#include "db.h"
#include "html.h"
#include "log.h"
#include "normalize.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "GB 18466-2005" -> number "GB 18466", year 2005 (0 when undated). */
static int split_edition(const char *canon, char number[PORTAL_IDENT_MAX], int *year)
{
	const char *dash = strrchr(canon, '-');
	size_t n = strlen(canon);
	*year = 0;
	if (dash && strlen(dash + 1) == 4 && strspn(dash + 1, "0123456789") == 4) {
		*year = atoi(dash + 1);
		n = (size_t)(dash - canon);
	}
	if (n >= PORTAL_IDENT_MAX)
		return -1;
	memcpy(number, canon, n);
	number[n] = '\0';
	return 0;
}

static void exec_st(sqlite3 *db, sqlite3_stmt *st)
{
	if (sqlite3_step(st) != SQLITE_DONE)
		portal_log("editions: %s", sqlite3_errmsg(db));
	sqlite3_finalize(st);
}

/* The row of an edition, made when missing. */
static void ensure_row(sqlite3 *db, const char *number, int year)
{
	sqlite3_stmt *st = portal_db_prepare(db,
		"INSERT OR IGNORE INTO standard_editions (number, year) VALUES (?, ?)");
	sqlite3_bind_text(st, 1, number, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, year);
	exec_st(db, st);
}

static void push_unique(struct arena *a, struct arena_strv *v, const char *s)
{
	for (size_t i = 0; i < v->n; i++)
		if (strcmp(v->v[i], s) == 0)
			return;
	arena_strv_push(a, v, arena_strdup(a, s));
}

/* Statuses of number's editions from what is known, staff's rows kept:
 * withdrawn when a text withdraws it; superseded when a text names its
 * replacement or a newer edition exists (replaced by the next newer);
 * else current. Documents whose status changed into changed. */
static void recompute(sqlite3 *db, struct arena *a, const char *number, struct arena_strv *changed)
{
	sqlite3_stmt *st = portal_db_prepare(db,
		"SELECT year, doc_id, status, replaced_by, named_by, withdrawn, staff"
		" FROM standard_editions WHERE number = ? ORDER BY year DESC");
	sqlite3_bind_text(st, 1, number, -1, SQLITE_STATIC);
	struct row { int year, withdrawn, staff; const char *doc, *status, *replaced_by, *named_by; };
	struct row rows[64];
	size_t n = 0;
	while (n < 64 && sqlite3_step(st) == SQLITE_ROW) {
		struct row *r = &rows[n++];
		r->year = sqlite3_column_int(st, 0);
#define COL(i) (sqlite3_column_type(st, i) == SQLITE_NULL ? NULL : \
		arena_strdup(a, (const char *)sqlite3_column_text(st, i)))
		r->doc = COL(1);
		r->status = COL(2);
		r->replaced_by = COL(3);
		r->named_by = COL(4);
#undef COL
		r->withdrawn = sqlite3_column_int(st, 5);
		r->staff = sqlite3_column_int(st, 6);
	}
	sqlite3_finalize(st);
	for (size_t i = 0; i < n; i++) {
		struct row *r = &rows[i];
		if (r->staff)
			continue;
		const char *status = "current", *by = NULL;
		if (r->withdrawn) {
			status = "withdrawn";
		} else if (i > 0) {	/* a newer edition of the same number */
			status = "superseded";
			by = arena_printf(a, "%s-%d", number, rows[i - 1].year);
		} else if (r->named_by) {
			status = "superseded";
			by = r->named_by;
		}
		if (strcmp(status, r->status) == 0 && !(by ? !r->replaced_by || strcmp(by, r->replaced_by)
							    : r->replaced_by != NULL))
			continue;
		st = portal_db_prepare(db, "UPDATE standard_editions SET status = ?, replaced_by = ?"
					   " WHERE number = ? AND year = ?");
		sqlite3_bind_text(st, 1, status, -1, SQLITE_STATIC);
		portal_db_bind_text(st, 2, by);
		sqlite3_bind_text(st, 3, number, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 4, r->year);
		exec_st(db, st);
		if (r->doc)
			push_unique(a, changed, r->doc);
	}
}

/* The document's own number: the standard number in its title, else (a
 * standard) the first its text names. */
static const char *own_number(struct arena *a, const char *title, const char *doc_type, json_t *meta)
{
	json_t *nos = json_object_get(meta, "standard_no");
	if (title) {
		struct portal_ident ids[4];
		size_t n = portal_norm_find(title, strlen(title), ids, 4);
		for (size_t k = 0; k < n; k++)
			if (ids[k].kind == PORTAL_IDENT_STANDARD) {
				/* the title may leave the year out: the text's dated one */
				size_t l = strlen(ids[k].canon);
				size_t i;
				json_t *v;
				json_array_foreach(nos, i, v) {
					const char *s = json_string_value(v);
					if (s && strncmp(s, ids[k].canon, l) == 0 && (s[l] == '-' || !s[l]))
						return arena_strdup(a, s);
				}
				return arena_strdup(a, ids[k].canon);
			}
	}
	if (doc_type && strcmp(doc_type, "standard") == 0 && json_string_value(json_array_get(nos, 0)))
		return arena_strdup(a, json_string_value(json_array_get(nos, 0)));
	return NULL;
}

size_t editions_record(sqlite3 *db, struct arena *a, const char *doc_id, const char ***changed)
{
	struct arena_strv out = { 0 }, numbers = { 0 };
	sqlite3_stmt *st = portal_db_prepare(db,
		"SELECT title, doc_type, metadata FROM documents WHERE id = ?");
	sqlite3_bind_text(st, 1, doc_id, -1, SQLITE_STATIC);
	json_t *meta = NULL;
	const char *own = NULL;
	if (sqlite3_step(st) == SQLITE_ROW) {
		meta = json_loads((const char *)sqlite3_column_text(st, 2), 0, NULL);
		if (meta)
			own = own_number(a, (const char *)sqlite3_column_text(st, 0),
					 (const char *)sqlite3_column_text(st, 1), meta);
	}
	sqlite3_finalize(st);
	*changed = NULL;
	if (!meta)
		return 0;
	char number[PORTAL_IDENT_MAX];
	int year;
	const char *own_full = NULL;
	if (own && split_edition(own, number, &year) == 0 && year) {
		own_full = own;
		ensure_row(db, number, year);
		st = portal_db_prepare(db, "UPDATE standard_editions SET doc_id = ?,"
			" withdrawn = ? WHERE number = ? AND year = ?");
		sqlite3_bind_text(st, 1, doc_id, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 2, json_is_true(json_object_get(meta, "withdrawn")));
		sqlite3_bind_text(st, 3, number, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 4, year);
		exec_st(db, st);
		push_unique(a, &numbers, number);
	}
	size_t i;
	json_t *v;
	json_array_foreach(json_object_get(meta, "replaces"), i, v) {
		const char *s = json_string_value(v);
		if (!own_full || !s || split_edition(s, number, &year) < 0 || !year)
			continue;
		ensure_row(db, number, year);
		st = portal_db_prepare(db, "UPDATE standard_editions SET named_by = ?"
			" WHERE number = ? AND year = ?");
		sqlite3_bind_text(st, 1, own_full, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, number, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 3, year);
		exec_st(db, st);
		push_unique(a, &numbers, number);
	}
	json_array_foreach(json_object_get(meta, "withdraws"), i, v) {
		const char *s = json_string_value(v);
		if (!s || split_edition(s, number, &year) < 0 || !year)
			continue;
		ensure_row(db, number, year);
		st = portal_db_prepare(db, "UPDATE standard_editions SET withdrawn = 1"
			" WHERE number = ? AND year = ?");
		sqlite3_bind_text(st, 1, number, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 2, year);
		exec_st(db, st);
		push_unique(a, &numbers, number);
	}
	json_decref(meta);
	struct arena_strv all = { 0 };
	for (i = 0; i < numbers.n; i++)
		recompute(db, a, numbers.v[i], &all);
	for (i = 0; i < all.n; i++)
		if (strcmp(all.v[i], doc_id) != 0)
			arena_strv_push(a, &out, all.v[i]);
	*changed = out.v;
	return out.n;
}

int editions_of_doc(sqlite3 *db, struct arena *a, const char *doc_id, const char **status,
		    const char **replaced_by)
{
	sqlite3_stmt *st = portal_db_cached(db,
		"SELECT status, replaced_by FROM standard_editions WHERE doc_id = ?"
		" ORDER BY status = 'current' LIMIT 1");
	sqlite3_bind_text(st, 1, doc_id, -1, SQLITE_STATIC);
	int found = 0;
	if (sqlite3_step(st) == SQLITE_ROW) {
		found = 1;
		*status = arena_strdup(a, (const char *)sqlite3_column_text(st, 0));
		*replaced_by = sqlite3_column_type(st, 1) == SQLITE_NULL ? NULL
			: arena_strdup(a, (const char *)sqlite3_column_text(st, 1));
	}
	sqlite3_reset(st);
	return found;
}

const char *editions_current(sqlite3 *db, struct arena *a, const char *canon)
{
	char number[PORTAL_IDENT_MAX];
	int year;
	if (split_edition(canon, number, &year) < 0)
		return NULL;
	sqlite3_stmt *st = portal_db_cached(db,
		"SELECT year FROM standard_editions WHERE number = ? AND status = 'current'"
		" ORDER BY year DESC LIMIT 1");
	sqlite3_bind_text(st, 1, number, -1, SQLITE_STATIC);
	const char *out = NULL;
	if (sqlite3_step(st) == SQLITE_ROW)
		out = arena_printf(a, "%s-%d", number, sqlite3_column_int(st, 0));
	sqlite3_reset(st);
	return out;
}

const char *editions_current_bare(sqlite3 *db, struct arena *a, const char *bare)
{
	if (strchr(bare, '-'))
		return NULL;	/* a year was typed: that edition */
	sqlite3_stmt *st = portal_db_cached(db,
		"SELECT number, year FROM standard_editions WHERE status = 'current'"
		" AND (number LIKE '% ' || ?1 OR number LIKE '%/' || ?1) ORDER BY year DESC LIMIT 2");
	sqlite3_bind_text(st, 1, bare, -1, SQLITE_STATIC);
	const char *out = NULL;
	int rows = 0;
	while (sqlite3_step(st) == SQLITE_ROW && rows++ < 2)
		out = rows == 1 ? arena_printf(a, "%s-%d", (const char *)sqlite3_column_text(st, 0),
					       sqlite3_column_int(st, 1)) : NULL;
	sqlite3_reset(st);
	return out;
}

json_t *editions_json(sqlite3 *db, const char *spelling, char *err, size_t errlen)
{
	char canon[PORTAL_IDENT_MAX], number[PORTAL_IDENT_MAX];
	int year;
	if (portal_norm_standard(spelling, strlen(spelling), canon, sizeof canon, err, errlen) < 0 ||
	    split_edition(canon, number, &year) < 0)
		return NULL;
	json_t *list = json_array();
	sqlite3_stmt *st = portal_db_prepare(db,
		"SELECT year, status, replaced_by, doc_id, staff FROM standard_editions"
		" WHERE number = ? ORDER BY year DESC");
	sqlite3_bind_text(st, 1, number, -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW) {
		json_t *e = json_object();
		int y = sqlite3_column_int(st, 0);
		char ed[PORTAL_IDENT_MAX + 8];
		snprintf(ed, sizeof ed, "%s-%d", number, y);
		json_object_set_new(e, "year", json_integer(y));
		json_object_set_new(e, "edition", json_string(ed));
		json_object_set_new(e, "status", json_string((const char *)sqlite3_column_text(st, 1)));
		json_object_set_new(e, "replaced_by", sqlite3_column_type(st, 2) == SQLITE_NULL ? json_null()
				    : json_string((const char *)sqlite3_column_text(st, 2)));
		json_object_set_new(e, "doc_id", sqlite3_column_type(st, 3) == SQLITE_NULL ? json_null()
				    : json_string((const char *)sqlite3_column_text(st, 3)));
		json_object_set_new(e, "set_by_staff", json_boolean(sqlite3_column_int(st, 4)));
		json_array_append_new(list, e);
	}
	sqlite3_finalize(st);
	json_t *o = json_object();
	json_object_set_new(o, "number", json_string(number));
	json_object_set_new(o, "editions", list);
	return o;
}

int editions_set(sqlite3 *db, struct arena *a, const char *edition, const char *status,
		 const char *replaced_by, const char ***changed, size_t *nchanged,
		 char *err, size_t errlen)
{
	char canon[PORTAL_IDENT_MAX], number[PORTAL_IDENT_MAX], by[PORTAL_IDENT_MAX];
	int year;
	*changed = NULL;
	*nchanged = 0;
	if (portal_norm_standard(edition, strlen(edition), canon, sizeof canon, err, errlen) < 0 ||
	    split_edition(canon, number, &year) < 0)
		return -1;
	if (!year) {
		snprintf(err, errlen, "标准编号须带年份（如 GB 18466-2005）。 The edition needs its year (such as GB 18466-2005).");
		return -1;
	}
	if (!status || (strcmp(status, "current") && strcmp(status, "superseded") && strcmp(status, "withdrawn"))) {
		snprintf(err, errlen, "status 须为 current、superseded 或 withdrawn。 'status' must be current, superseded or withdrawn.");
		return -1;
	}
	if (replaced_by && *replaced_by) {
		if (portal_norm_standard(replaced_by, strlen(replaced_by), by, sizeof by, err, errlen) < 0)
			return -1;
		replaced_by = by;
	} else {
		replaced_by = NULL;
	}
	if (strcmp(status, "superseded") != 0)
		replaced_by = NULL;
	ensure_row(db, number, year);
	sqlite3_stmt *st = portal_db_prepare(db, "UPDATE standard_editions SET status = ?,"
		" replaced_by = ?, staff = 1 WHERE number = ? AND year = ?");
	sqlite3_bind_text(st, 1, status, -1, SQLITE_STATIC);
	portal_db_bind_text(st, 2, replaced_by);
	sqlite3_bind_text(st, 3, number, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 4, year);
	exec_st(db, st);
	struct arena_strv out = { 0 };
	st = portal_db_prepare(db, "SELECT doc_id FROM standard_editions WHERE number = ? AND year = ?"
				   " AND doc_id IS NOT NULL");
	sqlite3_bind_text(st, 1, number, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, year);
	while (sqlite3_step(st) == SQLITE_ROW)
		push_unique(a, &out, (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	recompute(db, a, number, &out);
	*changed = out.v;
	*nchanged = out.n;
	return 0;
}

void editions_mark_html(struct buf *b, const char *status, const char *replaced_by)
{
	if (!status || strcmp(status, "current") == 0)
		return;
	html_raw(b, "<span class=\"edition\">");
	if (strcmp(status, "withdrawn") == 0) {
		html_raw(b, "已废止");
	} else if (replaced_by) {
		html_raw(b, "已被 ");
		html_txt(b, replaced_by);
		html_raw(b, " 代替");
	} else {
		html_raw(b, "已被新版本代替");
	}
	html_raw(b, "</span>");
}
