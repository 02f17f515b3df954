/* document-page.h: one document's page and its API (document-page.c), for
 * search.fcgi's page table in search.c. */
#ifndef PORTAL_DOCUMENT_PAGE_H
#define PORTAL_DOCUMENT_PAGE_H

#include <jansson.h>

struct request;

/* Similar documents listed on the page and by /api/documents/ID/similar. */
#define SIMILAR_MAX 8

/* The document named by r->arg when the caller may read it (the JSON of
 * docs_get_json(), the caller's to json_decref); otherwise answers 404
 * (never 403: a forbidden document must look like a missing one) and
 * returns NULL. A restricted document is marked private and its reading
 * audited as `action` (NULL: not audited). */
json_t *visible_doc(struct request *r, const char *action);

void ui_document(struct request *r);		/* GET /documents/ID */
void ui_api_document(struct request *r);	/* GET /api/documents/ID */
void ui_api_file(struct request *r);		/* GET /api/documents/ID/file */
void ui_api_text(struct request *r);		/* GET /api/documents/ID/text */
void ui_api_preview(struct request *r);	/* GET /api/documents/ID/preview/N */

/* The same from a search host's index alone (no SQLite: public documents
 * only, from their records; document-page.c says what differs). */
void ui_host_document(struct request *r);	/* GET /documents/ID */
void ui_host_api_document(struct request *r);	/* GET /api/documents/ID */
void ui_host_api_text(struct request *r);	/* GET /api/documents/ID/text */
void ui_host_api_similar(struct request *r);	/* GET /api/documents/ID/similar */

#endif
