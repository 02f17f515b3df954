/* account-ui.h: the pages account.fcgi draws besides signing in and
 * tokens: managing users (users-ui.c), the audit log (audit-ui.c), and
 * saved searches with their Atom feed (alerts-ui.c). */
#ifndef PORTAL_ACCOUNT_UI_H
#define PORTAL_ACCOUNT_UI_H

struct request;

/* users-ui.c: staff and admin; staff may not create or change admins. */
extern const char *const ui_users_params[];
void ui_users(struct request *r);		/* GET /admin/users */
void ui_users_post(struct request *r);		/* POST /admin/users (a form) */
void ui_users_from_year(struct request *r);	/* POST /admin/users/from-year (multipart) */
void api_users(struct request *r);		/* GET /api/users */
void api_users_create(struct request *r);	/* POST /api/users */
void api_users_disable(struct request *r);	/* POST /api/users/NAME/disable */
void api_users_enable(struct request *r);	/* POST /api/users/NAME/enable */
void api_users_reset(struct request *r);	/* POST /api/users/NAME/reset */
void api_users_from_year(struct request *r);	/* POST /api/users/from-year (text/csv) */
/* A role's name in Chinese ("staff": 工作人员). */
const char *account_role_label(const char *role);

/* audit-ui.c: staff and admin. */
extern const char *const ui_audit_params[];
void ui_audit_log(struct request *r);		/* GET /admin/audit-log */
void api_audit_log(struct request *r);		/* GET /api/audit-log */

/* alerts-ui.c: any signed-in user; the feed by its token alone. */
extern const char *const ui_alerts_params[];
void ui_alerts(struct request *r);		/* GET /account/alerts[?q=...] */
void ui_alerts_post(struct request *r);		/* POST /account/alerts */
void api_saved_searches(struct request *r);	/* GET /api/saved-searches */
void api_saved_search_create(struct request *r);	/* POST /api/saved-searches */
void api_saved_search_delete(struct request *r);	/* DELETE /api/saved-searches/ID */
void api_feed_token(struct request *r);	/* POST /api/feed-token */
void ui_feed(struct request *r);		/* GET /feeds/TOKEN.atom */
/* The new matches of r->user's saved searches since each was last looked
 * at (as /account/alerts marks them 新, at most 50 per search), summed;
 * -1 when the user saved none or the index cannot answer (nothing is
 * written to r then). The home page shows it. */
long ui_alerts_fresh(struct request *r);

#endif
