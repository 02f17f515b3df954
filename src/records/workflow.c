/* workflow.c: state machines as data (workflow.h): where a state is, its
 * label, where it may go. Moving a record is records-move.c; the tables
 * live with their record types (records-audit.c, records-project.c,
 * records-agency.c). */
#include "workflow.h"
#include "labels.h"

#include <string.h>

int workflow_index(const struct workflow *w, const char *state)
{
	for (int i = 0; state && w->states[i]; i++)
		if (strcmp(w->states[i], state) == 0)
			return i;
	return -1;
}

const char *workflow_label(const struct workflow *w, const char *state)
{
	return label_of(w->label_kind, state);
}

json_t *workflow_next(const struct workflow *w, const char *state)
{
	json_t *a = json_array();
	for (size_t i = 0; i < w->n; i++)
		if (state && strcmp(w->t[i].from, state) == 0)
			json_array_append_new(a, json_string(w->t[i].to));
	return a;
}
