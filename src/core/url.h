/* url.h: percent-decoding and query strings. */
#ifndef PORTAL_URL_H
#define PORTAL_URL_H

#include <stddef.h>

struct arena;

/* The value of hex digit c (0-9, a-f, A-F), or -1 for any other c. */
int url_hexval(int c);

struct url_param {
	const char *name;
	const char *value;
};

/* Decode %XX escapes (and '+' as space when plus_space) from s into a new
 * arena string. Returns NULL when an escape is malformed ("%G1", "%4") or
 * decodes to NUL. The result is not checked for UTF-8 validity. */
char *url_decode(struct arena *a, const char *s, size_t len, int plus_space);

/* Split a query string "a=1&b=%E4%B8%AD" into *params (arena array).
 * Returns the number of parameters, or -1 when any part is malformed. */
int url_parse_query(struct arena *a, const char *query, struct url_param **params);

/* Percent-encode s for use in a query value (RFC 3986 unreserved kept). */
char *url_encode(struct arena *a, const char *s);

#endif
