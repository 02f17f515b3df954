/* audit.h: the audit trail: who did what to which object, and when.
 *
 * Every change to a programme record and every view or download of a
 * restricted document is written here (table audit_log). */
#ifndef PORTAL_AUDIT_H
#define PORTAL_AUDIT_H

#include <sqlite3.h>

/* Append one entry. user_id 0 means anonymous or the system; object names
 * what was touched ("document:d12…", "audit:7"); detail is a JSON text (may
 * be NULL), e.g. {"field": {"from": …, "to": …}}. Failures are logged, not
 * returned: the trail must never block the action it records. */
void audit_log(sqlite3 *db, long long user_id, const char *action, const char *object,
	       const char *detail);

#endif
