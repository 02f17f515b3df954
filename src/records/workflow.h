/* workflow.h: state machines as data (records-move.h moves a record along
 * one).
 *
 * A workflow is a list of states and a table of transitions {from, to,
 * fields the move sets, precondition, rule}. A move to state `to` is
 * allowed only from `from`; asked from any other state it is refused with
 * 409 and the rule sentence of the (first) transition into `to`, e.g. "审核
 * 报告须在合同和备案登记表提交之后提交". The fields a move sets (dates,
 * grade, amounts) must all be given and valid (422). The precondition then
 * sees the record as it would be after the move and may refuse it with its
 * own sentence (409 for order and money rules, 422 for values). */
#ifndef PORTAL_WORKFLOW_H
#define PORTAL_WORKFLOW_H

#include <jansson.h>

struct rctx;

struct transition {
	const char *from;
	const char *to;
	const char *const *sets;	/* fields the move requires, NULL-terminated */
	const char *const *optional;	/* fields it may also set, NULL-terminated */
	/* next is the record after the move (fields merged). 0, or a status
	 * with the sentence on c (rctx_fail). NULL: no precondition. */
	int (*check)(struct rctx *c, const char *id, json_t *next);
	const char *rule;	/* the order rule, for a refused move */
};

struct workflow {
	const char *column;	/* "state" or "status" */
	const char *initial;
	const char *const *states;	/* in their usual order, NULL-terminated */
	const char *label_kind;	/* its states' labels: label_of() kind (labels.h) */
	const struct transition *t;
	size_t n;
};

/* The states reachable from state, as a JSON array of names. */
json_t *workflow_next(const struct workflow *w, const char *state);

/* Index of state in w->states, or -1. */
int workflow_index(const struct workflow *w, const char *state);
const char *workflow_label(const struct workflow *w, const char *state);

#endif
