/* records-view.h: one record as the API and the pages show it: its fields,
 * and for cases its documents, checklist and experts, its next states, and
 * its history. Above the engine (records.h), document links
 * (records-link.h) and workflows (workflow.h), which it puts together. */
#ifndef PORTAL_RECORDS_VIEW_H
#define PORTAL_RECORDS_VIEW_H

#include <jansson.h>
#include <sqlite3.h>

struct rctx;

/* One visible record with its documents, checklist, history and allowed
 * transitions, or NULL with c->status 404. */
json_t *rec_get(struct rctx *c, const char *id);

/* Audit trail entries of one object, oldest first. */
json_t *rec_history(sqlite3 *db, const char *object);

#endif
