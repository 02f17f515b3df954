/* ui-shared.h: the frame every HTML page shares (head, header, footer),
 * the one error page, and the CSRF field of its forms. */
#ifndef PORTAL_UI_SHARED_H
#define PORTAL_UI_SHARED_H

struct request;
struct buf;

/* Start an HTML page titled title (escaped here) in r->out, with the site
 * header and a search box holding q (may be NULL). */
void ui_page_begin_q(struct request *r, const char *title, const char *q);
void ui_page_begin(struct request *r, const char *title);
void ui_page_end(struct request *r);

/* The single error path: JSON {"error": {"code", "message"}} for /api/
 * addresses, an HTML page in the frame otherwise. message is a sentence a
 * person understands; it is escaped on output. */
void portal_error(struct request *r, int status, const char *code, const char *message);

/* <input type="hidden" name="csrf" value="..."> for r's session (nothing
 * without a session). */
void ui_csrf_field(struct request *r, struct buf *b);

/* An ISO 8601 UTC time ("2026-12-05T10:17:24Z") as people in Beijing read
 * it ("2026-12-05 18:17"), in r's arena; anything else unchanged. */
const char *ui_beijing(struct request *r, const char *iso_utc);

#endif
