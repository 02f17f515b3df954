/* docs.c: document records: creation with their job, reading, access. */
#include "docs.h"
#include "arena.h"
#include "auth.h"
#include "audit.h"
#include "db.h"
#include "jobs.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

const char *const portal_doc_types[] = {
	"audit_report", "feasibility_study", "standard", "guideline", "policy_notice",
	"project_application", "acceptance_report", "other", NULL,
};

static const char *const type_labels[] = {
	"清洁生产审核报告", "可行性研究报告", "标准", "指南", "政策通知",
	"项目申请报告", "验收报告", "其他",
};

int docs_type_valid(const char *t)
{
	for (size_t i = 0; portal_doc_types[i]; i++)
		if (strcmp(t, portal_doc_types[i]) == 0)
			return 1;
	return 0;
}

const char *docs_type_label(const char *t)
{
	for (size_t i = 0; t && portal_doc_types[i]; i++)
		if (strcmp(t, portal_doc_types[i]) == 0)
			return type_labels[i];
	return "未分类";
}

const char *docs_pending_label(json_t *doc, char *buf, size_t len)
{
	json_t *x = json_object_get(doc, "extraction");
	const char *state = json_string_value(json_object_get(x, "state"));
	json_int_t done = json_integer_value(json_object_get(x, "pages_done"));
	json_int_t total = json_integer_value(json_object_get(x, "pages_total"));
	if (!state)
		snprintf(buf, len, "等待索引");
	else if (strcmp(state, "waiting") == 0)
		snprintf(buf, len, "排队等待识别");
	else if (total > 0)
		snprintf(buf, len, "识别中 %lld/%lld 页", (long long)done, (long long)total);
	else
		snprintf(buf, len, "识别中");
	return buf;
}

int docs_id_valid(const char *id)
{
	if (!id || strlen(id) != DOC_ID_LEN - 1 || id[0] != 'd')
		return 0;
	for (const char *p = id + 1; *p; p++)
		if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
			return 0;
	return 1;
}

static void new_id(char *id)
{
	unsigned char raw[(DOC_ID_LEN - 2) / 2];
	randombytes_buf(raw, sizeof raw);
	id[0] = 'd';
	sodium_bin2hex(id + 1, DOC_ID_LEN - 1, raw, sizeof raw);
}

/* The first document with these bytes that u may read (any, for an
 * import), into id. */
static int find_readable_by_sha(sqlite3 *db, const struct portal_user *u, const char *sha, char *id)
{
	sqlite3_stmt *st = portal_db_prepare(db,
		"SELECT id FROM documents WHERE sha256 = ? ORDER BY uploaded_at, id");
	sqlite3_bind_text(st, 1, sha, -1, SQLITE_STATIC);
	int found = 0;
	while (!found && sqlite3_step(st) == SQLITE_ROW) {
		const char *cand = (const char *)sqlite3_column_text(st, 0);
		if (!u || docs_may_read(db, u, cand)) {
			snprintf(id, DOC_ID_LEN, "%s", cand);
			found = 1;
		}
	}
	sqlite3_finalize(st);
	return found;
}

static int step_done(sqlite3 *db, sqlite3_stmt *st, char *err, size_t errlen)
{
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		snprintf(err, errlen, "database: %s", sqlite3_errmsg(db));
		return -1;
	}
	return 0;
}

static int insert_rows(sqlite3 *db, const struct doc_new *d, const char *id, char *err, size_t errlen)
{
	long long now = portal_now();
	sqlite3_stmt *st = portal_db_prepare(db,
		"INSERT INTO documents (id, sha256, filename, size, mime, title, title_source,"
		" doc_type, doc_type_confidence, doc_type_source, visibility, uploader_id, uploaded_at)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, CASE WHEN ?6 IS NULL THEN NULL ELSE 'uploader' END,"
		" ?7, CASE WHEN ?7 IS NULL THEN NULL ELSE 1.0 END,"
		" CASE WHEN ?7 IS NULL THEN NULL ELSE 'uploader' END, ?8, ?9, ?10)");
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	portal_db_bind_text(st, 2, d->sha256);
	portal_db_bind_text(st, 3, d->filename);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)d->size);
	portal_db_bind_text(st, 5, d->mime);
	portal_db_bind_text(st, 6, d->title);
	portal_db_bind_text(st, 7, d->doc_type);
	portal_db_bind_text(st, 8, d->visibility);
	if (d->uploader_id)
		sqlite3_bind_int64(st, 9, d->uploader_id);
	else
		sqlite3_bind_null(st, 9);
	sqlite3_bind_int64(st, 10, now);
	if (step_done(db, st, err, errlen) < 0)
		return -1;
	if (d->case_id) {
		st = portal_db_prepare(db, "INSERT INTO document_cases (doc_id, case_id) VALUES (?, ?)");
		sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
		portal_db_bind_text(st, 2, d->case_id);
		if (step_done(db, st, err, errlen) < 0)
			return -1;
	}
	return jobs_enqueue(db, id, err, errlen);
}

int docs_create_locked(sqlite3 *db, const struct doc_new *d, char *id, int *duplicate,
		       char *err, size_t errlen)
{
	*duplicate = 0;
	if (find_readable_by_sha(db, d->uploader, d->sha256, id)) {
		*duplicate = 1;
		return 0;
	}
	new_id(id);
	return insert_rows(db, d, id, err, errlen);
}

int docs_create(sqlite3 *db, const struct doc_new *d, char *id, int *duplicate,
		char *err, size_t errlen)
{
	*duplicate = 0;
	if (portal_db_exec(db, "BEGIN IMMEDIATE", err, errlen) < 0)
		return -1;
	if (docs_create_locked(db, d, id, duplicate, err, errlen) < 0 ||
	    portal_db_exec(db, "COMMIT", err, errlen) < 0) {
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	return 0;
}

/* The rule, once: a document's access groups are derived from its row,
 * its uploader and the cases it belongs to; a caller may read it when one
 * of the caller's groups is among them. The indexer writes the same groups
 * as access terms, so search and downloads agree. */
int docs_may_read(sqlite3 *db, const struct portal_user *u, const char *id)
{
	sqlite3_stmt *st = portal_db_prepare(db, "SELECT 1 FROM documents WHERE id = ?");
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	int exists = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	if (!exists)
		return 0;
	if (portal_user_sees_all(u))
		return 1;
	struct arena *a = arena_new();
	const char **mine, **doc;
	size_t nmine = portal_user_groups(u, a, &mine);
	size_t ndoc = docs_access_groups(db, a, id, &doc);
	int ok = 0;
	for (size_t i = 0; i < nmine && !ok; i++)
		for (size_t k = 0; k < ndoc && !ok; k++)
			ok = strcmp(mine[i], doc[k]) == 0;
	arena_destroy(a);
	return ok;
}

/* Append every value of a one-column query (bound to id; sql a string
 * literal, for portal_db_cached()) as "prefix:value". */
static void add_groups(sqlite3 *db, struct arena *a, const char *sql, const char *id,
		       const char *prefix, struct arena_strv *g)
{
	sqlite3_stmt *st = portal_db_cached(db, sql);
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (sqlite3_column_type(st, 0) == SQLITE_NULL)
			continue;
		arena_strv_push(a, g, arena_printf(a, "%s:%s", prefix, sqlite3_column_text(st, 0)));
	}
	sqlite3_reset(st);
}

size_t docs_access_groups(sqlite3 *db, struct arena *a, const char *id, const char ***groups)
{
	struct arena_strv g = { 0 };
	sqlite3_stmt *st = portal_db_cached(db, "SELECT visibility FROM documents WHERE id = ?");
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	int public_ = sqlite3_step(st) == SQLITE_ROW &&
		      strcmp((const char *)sqlite3_column_text(st, 0), "public") == 0;
	sqlite3_reset(st);
	if (public_)
		arena_strv_push(a, &g, "public");
	/* the uploader, its enterprise and agency */
	add_groups(db, a, "SELECT uploader_id FROM documents WHERE id = ?", id, "u", &g);
	add_groups(db, a, "SELECT up.enterprise_id FROM documents d JOIN users up ON up.id = d.uploader_id"
		   " WHERE d.id = ?", id, "e", &g);
	add_groups(db, a, "SELECT up.agency_id FROM documents d JOIN users up ON up.id = d.uploader_id"
		   " WHERE d.id = ?", id, "ag", &g);
	/* the parties of its cases: the enterprise (by id and by credit code,
	 * either of which a user may carry), the consulting agency, and the
	 * experts assigned */
	add_groups(db, a, "SELECT c.enterprise_id FROM document_cases dc"
		   " JOIN case_parties c ON c.case_id = dc.case_id WHERE dc.doc_id = ?1"
		   " UNION SELECT c.credit_code FROM document_cases dc"
		   " JOIN case_parties c ON c.case_id = dc.case_id WHERE dc.doc_id = ?1", id, "e", &g);
	add_groups(db, a, "SELECT DISTINCT c.agency_id FROM document_cases dc"
		   " JOIN case_parties c ON c.case_id = dc.case_id WHERE dc.doc_id = ?", id, "ag", &g);
	add_groups(db, a, "SELECT DISTINCT x.user_name FROM document_cases dc"
		   " JOIN assignments s ON s.case_id = dc.case_id JOIN experts x ON x.id = s.expert_id"
		   " WHERE dc.doc_id = ?", id, "xu", &g);
	/* the area of its cases' enterprises: the district (区发改委) and the
	 * sector (行业主管部门) they belong to */
	add_groups(db, a, "SELECT DISTINCT e.district FROM document_cases dc"
		   " JOIN case_parties c ON c.case_id = dc.case_id JOIN enterprises e ON e.id = c.enterprise_id"
		   " WHERE dc.doc_id = ?", id, "d", &g);
	add_groups(db, a, "SELECT DISTINCT e.sector FROM document_cases dc"
		   " JOIN case_parties c ON c.case_id = dc.case_id JOIN enterprises e ON e.id = c.enterprise_id"
		   " WHERE dc.doc_id = ?", id, "s", &g);
	*groups = g.v;
	return g.n;
}

static json_t *col_json(sqlite3_stmt *st, int i)
{
	switch (sqlite3_column_type(st, i)) {
	case SQLITE_NULL: return json_null();
	case SQLITE_INTEGER: return json_integer(sqlite3_column_int64(st, i));
	case SQLITE_FLOAT: return json_real(sqlite3_column_double(st, i));
	default: return json_string((const char *)sqlite3_column_text(st, i));
	}
}

static json_t *iso_time(sqlite3_stmt *st, int i)
{
	if (sqlite3_column_type(st, i) == SQLITE_NULL)
		return json_null();
	time_t t = (time_t)sqlite3_column_int64(st, i);
	struct tm tm;
	char s[32];
	gmtime_r(&t, &tm);
	strftime(s, sizeof s, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return json_string(s);
}

json_t *docs_get_json(sqlite3 *db, const char *id)
{
	static const char *const cols[] = {
		"id", "filename", "mime", "size", "sha256", "status", "error", "doc_type",
		"doc_type_confidence", "doc_type_source", "title", "visibility",
		"superseded_by", "version",
	};
	sqlite3_stmt *st = portal_db_prepare(db,
		"SELECT id, filename, mime, size, sha256, status, error, doc_type,"
		" doc_type_confidence, doc_type_source, title, visibility, superseded_by, version,"
		" uploaded_at, indexed_at, metadata FROM documents WHERE id = ?");
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_finalize(st);
		return NULL;
	}
	json_t *o = json_object();
	size_t ncols = sizeof cols / sizeof cols[0];
	for (size_t i = 0; i < ncols; i++)
		json_object_set_new(o, cols[i], col_json(st, (int)i));
	json_object_set_new(o, "uploaded_at", iso_time(st, 14));
	json_object_set_new(o, "indexed_at", iso_time(st, 15));
	json_t *meta = json_loads((const char *)sqlite3_column_text(st, 16), 0, NULL);
	json_object_set_new(o, "metadata", meta ? meta : json_object());
	sqlite3_finalize(st);

	json_t *cases = json_array();
	st = portal_db_prepare(db, "SELECT case_id, role FROM document_cases WHERE doc_id = ? ORDER BY case_id");
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW) {
		json_t *c = json_object();
		json_object_set_new(c, "case", col_json(st, 0));
		json_object_set_new(c, "role", col_json(st, 1));
		json_array_append_new(cases, c);
	}
	sqlite3_finalize(st);
	json_object_set_new(o, "cases", cases);
	struct portal_job_progress p;
	const char *status = json_string_value(json_object_get(o, "status"));
	if (status && strcmp(status, "pending") == 0 && jobs_long_of(db, id, &p) == 1) {
		json_t *x = json_pack("{s:s,s:s,s:i,s:i}", "lane", "long",
				      "state", p.running ? "running" : "waiting",
				      "pages_done", p.pages_done, "pages_total", p.pages_total);
		if (p.started) {
			time_t t = (time_t)p.started;
			struct tm tm;
			char when[32];
			gmtime_r(&t, &tm);
			strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
			json_object_set_new(x, "started_at", json_string(when));
		}
		json_object_set_new(o, "extraction", x);
	}
	return o;
}

/* 1 when document doc was uploaded by a party of case_id (a user of the
 * case's enterprise, by id or credit code, or of an audit's consulting
 * agency), by staff or admin, or imported (no uploader). */
static int uploaded_by_party(sqlite3 *db, const char *doc, const char *case_id)
{
	sqlite3_stmt *st = portal_db_prepare(db,
		"SELECT 1 FROM documents d LEFT JOIN users up ON up.id = d.uploader_id WHERE d.id = ?1 AND ("
		" d.uploader_id IS NULL OR up.role IN ('staff', 'admin')"
		" OR EXISTS (SELECT 1 FROM case_parties c WHERE c.case_id = ?2"
		"  AND (up.enterprise_id IN (c.enterprise_id, c.credit_code) OR up.agency_id = c.agency_id)))");
	sqlite3_bind_text(st, 1, doc, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, case_id, -1, SQLITE_STATIC);
	int party = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return party;
}

size_t docs_supersede_older(sqlite3 *db, struct arena *a, const char *id, const char ***ids)
{
	sqlite3_stmt *st = portal_db_prepare(db,
		/* CROSS JOIN fixes the order: from this document to its
		 * cases to their documents. Left to itself the planner
		 * starts from every document not superseded
		 * (documents_superseded), a scan of the whole table. */
		"SELECT o.id, o.version, dc.case_id FROM documents d"
		" CROSS JOIN document_cases dc CROSS JOIN document_cases oc"
		" CROSS JOIN documents o"
		" WHERE d.id = ?1 AND dc.doc_id = d.id"
		" AND oc.case_id = dc.case_id AND oc.doc_id != d.id AND o.id = oc.doc_id"
		" AND oc.role IS dc.role AND o.doc_type = d.doc_type AND o.superseded_by IS NULL"
		" AND o.status = 'indexed' AND o.uploaded_at <= d.uploaded_at"
		" AND d.visibility = 'restricted' AND o.visibility = 'restricted'"
		" AND NOT EXISTS (SELECT 1 FROM version_restores r WHERE r.older = o.id AND r.newer = d.id)");
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	struct arena_strv v = { 0 };
	long long version = 1;
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *older = (const char *)sqlite3_column_text(st, 0);
		const char *case_id = (const char *)sqlite3_column_text(st, 2);
		int dup = 0;
		for (size_t i = 0; i < v.n && !dup; i++)
			dup = strcmp(v.v[i], older) == 0;
		if (dup || !uploaded_by_party(db, id, case_id) || !uploaded_by_party(db, older, case_id))
			continue;
		arena_strv_push(a, &v, arena_strdup(a, older));
		if (sqlite3_column_int64(st, 1) + 1 > version)
			version = sqlite3_column_int64(st, 1) + 1;
	}
	sqlite3_finalize(st);
	for (size_t i = 0; i < v.n; i++) {
		st = portal_db_prepare(db, "UPDATE documents SET superseded_by = ? WHERE id = ?");
		sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, v.v[i], -1, SQLITE_STATIC);
		sqlite3_step(st);
		sqlite3_finalize(st);
	}
	if (v.n) {
		st = portal_db_prepare(db, "UPDATE documents SET version = ? WHERE id = ?");
		sqlite3_bind_int64(st, 1, version);
		sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
		sqlite3_step(st);
		sqlite3_finalize(st);
	}
	*ids = v.v;
	return v.n;
}

static int refuse(int *status, char *msg, size_t msglen, int code, const char *sentence)
{
	*status = code;
	snprintf(msg, msglen, "%s", sentence);
	return -1;
}

int docs_restore(sqlite3 *db, const struct portal_user *u, const char *id, int *status,
		 char *msg, size_t msglen)
{
	char err[256];
	if (!docs_id_valid(id) || !docs_may_read(db, u, id))
		return refuse(status, msg, msglen, 404,
			"没有这份文档，或您无权查看。 There is no document with this id, or you may not see it.");
	if (!portal_user_sees_all(u))
		return refuse(status, msg, msglen, 403,
			"只有工作人员可以恢复被替代的版本。 Only staff may restore a superseded version.");
	if (portal_db_exec(db, "BEGIN IMMEDIATE", err, sizeof err) < 0)
		return refuse(status, msg, msglen, 503, "数据库繁忙，请稍后再试。 The database is busy; try again.");
	sqlite3_stmt *st = portal_db_prepare(db, "SELECT superseded_by FROM documents WHERE id = ?");
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	char newer[DOC_ID_LEN] = "";
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
		snprintf(newer, sizeof newer, "%s", sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	if (!*newer) {
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
		return refuse(status, msg, msglen, 409, "这份文档是当前版本，无需恢复。 The document is the current version already.");
	}
	st = portal_db_prepare(db, "INSERT OR IGNORE INTO version_restores (older, newer) VALUES (?, ?)");
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, newer, -1, SQLITE_STATIC);
	int ok = sqlite3_step(st) == SQLITE_DONE;
	sqlite3_finalize(st);
	st = portal_db_prepare(db, "UPDATE documents SET superseded_by = NULL WHERE id = ?");
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	ok = ok && sqlite3_step(st) == SQLITE_DONE;
	sqlite3_finalize(st);
	ok = ok && docs_queue_reindex(db, id) == 0 && docs_queue_reindex(db, newer) == 0;
	if (ok) {
		char detail[128];
		snprintf(detail, sizeof detail, "{\"superseded_by\":{\"from\":\"%s\",\"to\":null}}", newer);
		char object[DOC_ID_LEN + 16];
		snprintf(object, sizeof object, "document:%s", id);
		audit_log(db, u->id, "restore", object, detail);
	}
	if (!ok || portal_db_exec(db, "COMMIT", err, sizeof err) < 0) {
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
		return refuse(status, msg, msglen, 500, "保存失败。 The change could not be saved.");
	}
	return 0;
}

int docs_retry(sqlite3 *db, const struct portal_user *u, const char *id, int *status,
	       char *msg, size_t msglen)
{
	char err[256];
	if (!docs_id_valid(id) || !docs_may_read(db, u, id))
		return refuse(status, msg, msglen, 404,
			"没有这份文档，或您无权查看。 There is no document with this id, or you may not see it.");
	if (!portal_user_sees_all(u))
		return refuse(status, msg, msglen, 403,
			"只有工作人员可以重试索引。 Only staff may retry indexing a document.");
	if (portal_db_exec(db, "BEGIN IMMEDIATE", err, sizeof err) < 0)
		return refuse(status, msg, msglen, 503, "数据库繁忙，请稍后再试。 The database is busy; try again.");
	sqlite3_stmt *st = portal_db_prepare(db, "SELECT error FROM documents WHERE id = ?");
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	char *was = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0)
		? sqlite3_mprintf("%s", sqlite3_column_text(st, 0)) : NULL;
	sqlite3_finalize(st);
	int rc = jobs_requeue(db, id, err, sizeof err);
	if (rc == 0) {
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
		sqlite3_free(was);
		return refuse(status, msg, msglen, 409,
			"这份文档没有处理失败，无需重试。 The document has not failed; there is nothing to retry.");
	}
	if (rc > 0) {
		json_t *d = json_pack("{s:{s:s,s:s},s:{s:s?,s:n}}", "status", "from", "failed", "to", "pending",
				      "error", "from", was, "to");
		char *detail = d ? json_dumps(d, JSON_COMPACT) : NULL;
		char object[DOC_ID_LEN + 16];
		snprintf(object, sizeof object, "document:%s", id);
		audit_log(db, u->id, "retry", object, detail);
		free(detail);
		json_decref(d);
	}
	sqlite3_free(was);
	if (rc < 0 || portal_db_exec(db, "COMMIT", err, sizeof err) < 0) {
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
		return refuse(status, msg, msglen, 500, "保存失败。 The change could not be saved.");
	}
	return 0;
}

int docs_queue_reindex(sqlite3 *db, const char *id)
{
	char err[256];
	return jobs_enqueue(db, id, err, sizeof err);
}
