/* records-rules.c: rules more than one record type uses: dates in order,
 * an assigned expert before a review. */
#include "records.h"
#include "arena.h"
#include "db.h"

#include <string.h>

int rule_not_before(struct rctx *c, json_t *row, const char *later, const char *earlier)
{
	const char *a = json_string_value(json_object_get(row, later));
	const char *b = json_string_value(json_object_get(row, earlier));
	if (!a || !b || strcmp(a, b) >= 0)
		return 0;
	const struct rfield *fa = rtype_field(c->t, later), *fb = rtype_field(c->t, earlier);
	return rctx_fail(c, 422, "date_order", later, arena_printf(c->a,
		"%s（%s）不能早于%s（%s）。 %s must not be before %s.",
		fa->label, a, fb->label, b, later, earlier));
}

int rule_has_expert(struct rctx *c, const char *case_id)
{
	sqlite3_stmt *st = portal_db_prepare(c->db, "SELECT 1 FROM assignments WHERE case_id = ?");
	sqlite3_bind_text(st, 1, case_id, -1, SQLITE_TRANSIENT);
	int found = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	if (found)
		return 0;
	return rctx_fail(c, 409, "no_expert", NULL,
		"评审前须至少指派一名专家。 At least one expert must be assigned before the review.");
}
