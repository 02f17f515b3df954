/* records-move.h: moving a record along its workflow (workflow.h): the
 * move's fields, its precondition, the type's invariants, the audit trail
 * and the documents' reindexing, in one transaction. */
#ifndef PORTAL_RECORDS_MOVE_H
#define PORTAL_RECORDS_MOVE_H

#include <jansson.h>

struct rctx;

/* Move record id of c->t to the state in->"to", setting the fields the
 * transition takes from in. Writes the audit trail. 0 or a status. */
int workflow_move(struct rctx *c, const char *id, json_t *in);
/* The same inside a transaction the caller holds (and commits or rolls
 * back): for a move that is one step of a larger write (a self-service
 * filing confirmed, records-selfserve.c). 0 or a status. */
int workflow_move_within(struct rctx *c, const char *id, json_t *in);

/* The one rule of who may make a move: staff and admin any move; a
 * district user (区发改委) the district approval of a project
 * (applied -> district_approved) whose enterprise is in its own district,
 * and nothing else. id: the record (its district is read from SQLite, not
 * from the caller's view of it); to: the target state. 1 when allowed. */
int workflow_may_move(const struct rctx *c, const char *id, const char *to);
/* 1 when the caller's role may make some move (so a refusal can say 403
 * before the record is looked at). */
int workflow_may_move_some(const struct rctx *c);

#endif
