/* audit.c: the audit trail. */
#include "audit.h"
#include "db.h"
#include "log.h"

void audit_log(sqlite3 *db, long long user_id, const char *action, const char *object,
	       const char *detail)
{
	sqlite3_stmt *st = portal_db_prepare(db,
		"INSERT INTO audit_log (at, user_id, action, object, detail) VALUES (?, ?, ?, ?, ?)");
	sqlite3_bind_int64(st, 1, portal_now());
	if (user_id)
		sqlite3_bind_int64(st, 2, user_id);
	else
		sqlite3_bind_null(st, 2);
	portal_db_bind_text(st, 3, action);
	portal_db_bind_text(st, 4, object);
	portal_db_bind_text(st, 5, detail);
	if (sqlite3_step(st) != SQLITE_DONE)
		portal_log("audit log: %s", sqlite3_errmsg(db));
	sqlite3_finalize(st);
}
