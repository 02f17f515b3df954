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

#endif
