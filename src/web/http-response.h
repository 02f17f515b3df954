/* http-response.h: status, headers, JSON bodies, sending (the error page
 * is the page frame's: ui-shared.h). */
#ifndef PORTAL_HTTP_RESPONSE_H
#define PORTAL_HTTP_RESPONSE_H

#include <jansson.h>

struct request;

/* Add a header line ("Name: value", no CRLF). Values must not contain CR or
 * LF; a value that does is a broken invariant. */
void resp_header(struct request *r, const char *name, const char *value);

/* Mark the response as meant for one caller: "Cache-Control: private,
 * no-store", so neither a shared cache nor the browser keeps a copy. Every
 * response to a signed-in caller (bearer token or session) and every one
 * that sets a cookie is marked when it is sent; handlers call this for
 * anything else that is not public (a restricted document). */
void resp_private(struct request *r);

/* Answer with JSON (the reference is stolen). */
void resp_json(struct request *r, int status, json_t *body);

/* Send the status line, headers and buffered body (the run loop calls this
 * unless the handler streamed the response itself). */
void resp_send(struct request *r);

/* Send headers now, for a handler that streams its body with FCGX_PutStr;
 * marks the response as sent. */
void resp_send_headers(struct request *r);

const char *http_reason(int status);

#endif
