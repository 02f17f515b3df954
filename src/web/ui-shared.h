/* ui-shared.h: the frame every HTML page shares (head, header, footer). */
#ifndef PORTAL_UI_SHARED_H
#define PORTAL_UI_SHARED_H

struct request;

/* Start an HTML page titled title (escaped here) in r->out, with the site
 * header and a search box holding q (may be NULL). */
void ui_page_begin_q(struct request *r, const char *title, const char *q);
void ui_page_begin(struct request *r, const char *title);
void ui_page_end(struct request *r);

#endif
