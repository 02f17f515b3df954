/* request.h: struct request, one FastCGI request and its response as
 * they are being built. Only the type: reading a request is
 * http-request.h, answering it http-response.h, its page frame and error
 * page ui-shared.h. Everything a request points to is in its arena. */
#ifndef PORTAL_REQUEST_H
#define PORTAL_REQUEST_H

#include <fcgiapp.h>
#include <sqlite3.h>
#include <stddef.h>

#include "auth.h"
#include "buf.h"
#include "url.h"

/* CSRF_NONE: nothing to check (GET/HEAD, bearer and anonymous callers).
 * CSRF_IN_BODY: a form whose body must carry the token as the field "csrf";
 * until a body reader has seen it, the request cannot write to the database.
 * CSRF_VERIFIED: the token was given and is right. */
enum csrf_state { CSRF_NONE, CSRF_IN_BODY, CSRF_VERIFIED };

struct request {
	FCGX_Request *fcgi;
	struct arena *arena;
	sqlite3 *db;		/* the worker's connection (process lifetime) */

	const char *method;	/* "GET", "POST", ... */
	const char *path;	/* decoded-free request path, no query */
	const char *query;	/* raw query string ("" when none) */
	const char *content_type;	/* NULL when absent */
	long long content_length;	/* -1 when absent */
	const char *authorization;
	int is_api;		/* path starts with /api/ */
	struct url_param *params;
	int nparams;
	const char *arg;	/* the '*' segment matched by the page pattern */
	struct portal_user user;
	const char *cookie;	/* the Cookie header, NULL when absent */
	const char *remote_addr;
	int https;		/* the request came over TLS (cookies get Secure) */
	/* Browser session (session.h): set when the caller came with a valid
	 * session cookie rather than a bearer token. */
	const char *session_id;
	const char *csrf_token;	/* the session's CSRF token, NULL without session */
	int via_bearer;		/* authenticated by Authorization: Bearer */
	/* CSRF, decided by portal_dispatch() before the handler runs (see
	 * there): the token this request must carry (NULL: none), and how far
	 * the check has come. */
	const char *csrf_expected;
	enum csrf_state csrf;
	struct csrf_sniffer *csrf_sniffer;	/* a multipart body's csrf field */
	/* application/x-www-form-urlencoded body, after req_form_read() */
	struct url_param *form;
	int nform;

	/* response */
	int status;
	struct buf headers;	/* extra header lines, each ending in \r\n */
	struct buf out;		/* body, sent by the run loop */
	const char *content_type_out;
	int sent;		/* the handler streamed the response itself */
};

#endif
