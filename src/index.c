/* index.c: build a document's Xapian entry from its SQLite records. */
#include "index.h"
#include "arena.h"
#include "db.h"
#include "docs.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

/* All values of one column of a one-parameter query, as an arena array. */
static size_t column_list(sqlite3 *db, struct arena *a, const char *sql, const char *id,
			  const char ***out)
{
	size_t n = 0, cap = 8;
	const char **v = arena_alloc(a, cap * sizeof *v);
	sqlite3_stmt *st = portal_db_prepare(db, sql);
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (n == cap) {
			const char **bigger = arena_alloc(a, 2 * cap * sizeof *v);
			memcpy(bigger, v, cap * sizeof *v);
			v = bigger;
			cap *= 2;
		}
		v[n++] = arena_strdup(a, (const char *)sqlite3_column_text(st, 0));
	}
	sqlite3_finalize(st);
	*out = v;
	return n;
}

static const char *meta_string(json_t *meta, const char *key, struct arena *a)
{
	const char *s = json_string_value(json_object_get(meta, key));
	return s && *s ? arena_strdup(a, s) : NULL;
}

int portal_index_document(sqlite3 *db, pxap_writer *w, const char *id, char *err, size_t errlen)
{
	struct arena *a = arena_new();
	int rc = -1;
	sqlite3_stmt *st = portal_db_prepare(db,
		"SELECT d.title, d.doc_type, d.uploaded_at, d.metadata, d.superseded_by, t.text"
		" FROM documents d LEFT JOIN document_text t ON t.doc_id = d.id WHERE d.id = ?");
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_ROW) {
		snprintf(err, errlen, "no document %s", id);
		goto out;
	}
	json_t *meta = json_loads((const char *)sqlite3_column_text(st, 3), 0, NULL);
	if (!meta)
		meta = json_object();
	const char **groups, **cases;
	struct pxap_doc d = {
		.id = id,
		.title = (const char *)sqlite3_column_text(st, 0),
		.doc_type = (const char *)sqlite3_column_text(st, 1),
		.date = sqlite3_column_int64(st, 2),
		.body = (const char *)sqlite3_column_text(st, 5),
		.body_len = (size_t)sqlite3_column_bytes(st, 5),
		.sector = meta_string(meta, "sector", a),
		.year = meta_string(meta, "year", a),
	};
	d.naccess = docs_access_groups(db, a, id, &groups);
	d.access = groups;
	d.ncases = column_list(db, a, "SELECT case_id FROM document_cases WHERE doc_id = ?", id, &cases);
	d.cases = cases;
	const char *terms[1];
	if (sqlite3_column_type(st, 4) != SQLITE_NULL)
		terms[d.nterms++] = PORTAL_TERM_SUPERSEDED;
	d.terms = terms;
	rc = pxap_writer_put(w, &d, err, errlen);
	json_decref(meta);
out:
	sqlite3_finalize(st);
	arena_destroy(a);
	return rc;
}
