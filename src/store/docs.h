/* docs.h: document records in SQLite: create with their indexing job, read,
 * and decide who may read them.
 *
 * A document's access groups (see auth.h) are derived from its row: "public"
 * when its visibility is public, plus its uploader's user, enterprise and
 * agency groups. The indexer writes the same groups into the index as
 * access terms, so search filtering and download checks agree. */
#ifndef PORTAL_DOCS_H
#define PORTAL_DOCS_H

#include <jansson.h>
#include <sqlite3.h>
#include <stddef.h>

struct arena;
struct portal_user;

#include "doc-id.h"

struct doc_new {
	const char *sha256;	/* hex */
	const char *filename;
	unsigned long long size;
	const char *mime;
	const char *title;	/* NULL: derived by the indexer */
	const char *doc_type;	/* NULL: classified by the indexer */
	const char *visibility;	/* "public" or "restricted" */
	const char *case_id;	/* NULL or "audit:ID" / "project:ID" */
	long long uploader_id;	/* 0: none (imported) */
	/* Who uploads, for duplicates; NULL: an import, who may read every
	 * document. */
	const struct portal_user *uploader;
};

/* Insert the document row and its indexing job in one transaction, unless a
 * document with the same sha256 exists that the uploader may read: then
 * *duplicate = 1 and id is that one. Bytes are shared, documents are not:
 * when the only documents with these bytes are ones the uploader may not
 * read, the uploader gets a document of its own. id must hold DOC_ID_LEN
 * bytes. 0, or -1 with err. */
int docs_create(sqlite3 *db, const struct doc_new *d, char *id, int *duplicate,
		char *err, size_t errlen);
/* The same inside the caller's own write transaction (BEGIN IMMEDIATE),
 * for many documents in one commit (portalctl import). */
int docs_create_locked(sqlite3 *db, const struct doc_new *d, char *id, int *duplicate,
		       char *err, size_t errlen);

/* 1 when the id has the shape of a document id (checked before any query). */
int docs_id_valid(const char *id);

/* 1 when the user may read the document, 0 when not (or it does not exist). */
int docs_may_read(sqlite3 *db, const struct portal_user *u, const char *id);

/* The document as the API shows it (GET /api/documents/ID), or NULL when it
 * does not exist. The caller owns the reference. */
json_t *docs_get_json(sqlite3 *db, const char *id);

/* The access groups of a document, as an arena array; returns the count.
 * Its statements are prepared once per connection (portal_db_cached()). */
size_t docs_access_groups(sqlite3 *db, struct arena *a, const char *id, const char ***groups);

/* Versions: once document id has its doc_type, every other current
 * document of the same type linked to one of its cases with the same role,
 * uploaded before it, is marked superseded by it, and id's version becomes
 * one more than theirs. Only within one owner's case: neither document is
 * public, and both were uploaded by the case's parties (its enterprise's
 * or consulting agency's users) or by staff (an import counts as staff);
 * a pair staff restored (docs_restore) is never superseded again. Call
 * inside the caller's transaction. Returns the number of documents
 * superseded, their ids in *ids (arena array). */
size_t docs_supersede_older(sqlite3 *db, struct arena *a, const char *id, const char ***ids);

/* Undo a supersession: document id (superseded) becomes current again and
 * stays so; it and the document that superseded it are queued for
 * indexing; logged as "restore". Staff and admin only. 0; -1 with a
 * status (403, 404 when u may not read it, 409 when it is current) and a
 * sentence (Chinese, then English) in msg. */
int docs_restore(sqlite3 *db, const struct portal_user *u, const char *id, int *status,
		 char *msg, size_t msglen);

/* Index a failed document again (jobs_requeue()): staff and admin only;
 * logged as "retry" with the error it had. 0; -1 with a status (403, 404
 * when u may not read it, 409 when it has not failed) and a sentence
 * (Chinese, then English) in msg. */
int docs_retry(sqlite3 *db, const struct portal_user *u, const char *id, int *status,
	       char *msg, size_t msglen);

/* Queue document id for the indexer again, e.g. after its cases or their
 * access changed: the indexer rebuilds its index entry from SQLite (the
 * text already extracted is kept), so search reflects the change within a
 * moment, also when the indexer is at that document just now
 * (jobs_enqueue()). Call inside or outside a transaction. 0, or -1. */
int docs_queue_reindex(sqlite3 *db, const char *id);

/* Known doc_type values, NULL-terminated. */
extern const char *const portal_doc_types[];
int docs_type_valid(const char *t);
/* Chinese label for a doc_type ("审核报告" ...), for pages. */
const char *docs_type_label(const char *t);
/* A pending document's state in Chinese, from its record
 * (docs_get_json()): "识别中 12/100 页" while the long lane reads it,
 * "排队等待识别" while it waits for that lane, else "等待索引". Written
 * into buf (len bytes); returns buf. */
const char *docs_pending_label(json_t *doc, char *buf, size_t len);

#endif
