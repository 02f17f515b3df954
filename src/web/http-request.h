/* http-request.h: one FastCGI request, its parameters and its response.
 *
 * A struct request lives for one request: everything it points to is in its
 * arena, copied out of the FastCGI environment (which the next accept frees).
 * Handlers read declared parameters with req_param(), write the response
 * body into r->out, and set r->status and headers through http-response.h;
 * the run loop sends it once the handler returns. */
#ifndef PORTAL_HTTP_REQUEST_H
#define PORTAL_HTTP_REQUEST_H

#include <stddef.h>

#include "request.h"


/* The value of query parameter name, or NULL when absent. A parameter given
 * twice answers the first value. */
const char *req_param(const struct request *r, const char *name);

/* Read up to len body bytes; returns the count, 0 at the end. Reading a
 * multipart form whose CSRF token is due in the body (CSRF_IN_BODY) also
 * checks its field "csrf" as it streams by: once the field is complete and
 * right, the request may write (CSRF_VERIFIED); a wrong or missing field
 * leaves it unable to, whatever the handler does. */
size_t req_read(struct request *r, char *data, size_t len);

/* Read an application/x-www-form-urlencoded body (at most max bytes) into
 * r->form. Answers 400/413/415 through portal_error() and returns -1 when the
 * body is not such a form, too long or malformed. When the request's CSRF
 * token is due in the body (a browser session's form, the sign-in form) the
 * field "csrf" must carry it, or the form is refused with 403. Bearer
 * callers need no CSRF token. */
int req_form_read(struct request *r, size_t max);

/* A form field after req_form_read(), or NULL when absent. */
const char *req_form(const struct request *r, const char *name);

/* For handlers that take JSON bodies (the API): read at most max bytes and
 * parse them. Answers 400/413/415 and returns NULL on failure. (A session
 * caller's X-CSRF-Token header was checked by portal_dispatch().) The
 * caller owns the reference. */
struct json_t *req_json_read(struct request *r, size_t max);

/* Preconditions a page declares (struct page's needs), enforced by
 * portal_dispatch() before the handler runs, so a handler never sees a
 * caller its page does not admit. They say who may call at all; the
 * engine's rules per action (records_may_write, report_may_read, ...)
 * still decide what that caller may do. */
enum page_needs {
	/* Staff or admin (a signed-in caller first, as PAGE_USER): other roles
	 * get 403 forbidden. */
	PAGE_STAFF = 1 << 0,
	/* The sign-in form: its CSRF token is the pre-session cookie
	 * LOGIN_COOKIE (session.h), whoever calls, not a session's token. */
	PAGE_SIGN_IN = 1 << 1,
	/* A signed-in caller (a session cookie or a bearer token). Anonymous
	 * callers get 401 unauthenticated with WWW-Authenticate: Bearer; a GET
	 * or HEAD of an HTML page sends them to sign in instead (303 to
	 * /login?next=<this address>), to come back here. */
	PAGE_USER = 1 << 2,
};

/* Pages: a table of routes, one shared dispatcher. A pattern is a path where
 * '*' stands for one non-empty segment (copied to r->arg). */
struct page {
	const char *method;
	const char *pattern;
	void (*fn)(struct request *r);
	/* Query parameters the page reads; any other parameter is refused with
	 * 400, so handlers never see undeclared input. NULL-terminated. */
	const char *const *params;
	unsigned needs;		/* enum page_needs, or 0 */
};

/* Run the page matching r, or answer 404/405/400 through portal_error().
 *
 * The page's preconditions (enum page_needs) are enforced here, after its
 * parameters are checked and before anything else. CSRF is enforced here, for every page: a request other than GET or HEAD
 * from a browser session (a cookie, not a bearer token), and any POST to a
 * PAGE_SIGN_IN page, must come from this site (Origin, or Referer when
 * Origin is absent, names the request's own Host; neither: the token
 * decides) and carry its CSRF token: in the X-CSRF-Token header, or, only
 * for a POST form (urlencoded or multipart), in the body's field "csrf".
 * Anything else is refused with 403 before the handler runs. For a form the
 * body readers check the field (req_form_read, req_read); until one has
 * seen it right the request's database connection refuses every INSERT,
 * UPDATE and DELETE, so a handler that forgets to read its form cannot
 * change anything. */
void portal_dispatch(struct request *r, const struct page *pages, size_t npages);

#endif
