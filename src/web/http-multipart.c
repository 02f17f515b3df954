/* http-multipart.c: a streaming multipart/form-data parser (RFC 7578, RFC 2046).
 *
 * A body looks like this (CRLF written as \r\n):
 *
 *	preamble (ignored)
 *	--boundary [padding] \r\n  headers \r\n  \r\n  data
 *	\r\n--boundary [padding] \r\n  headers \r\n  \r\n  data
 *	\r\n--boundary-- epilogue (ignored)
 *
 * The CRLF in front of "--boundary" belongs to the delimiter, not to the
 * data before it, so the parser searches for the whole delimiter
 * "\r\n--boundary". It starts as if that CRLF had already been seen, which
 * finds an opening boundary on the first line and one after a preamble in
 * the same way.
 *
 * Searching: a boundary holds only RFC 2046 characters and never a CR, so
 * the delimiter's first byte occurs nowhere else in it and a partial match
 * can never restart inside itself. On a mismatch every matched byte is data
 * and the search goes on at the current byte. Matched bytes always equal a
 * prefix of the delimiter, so the parser keeps a count rather than a copy.
 * When a match across two chunks turns out to be data, those bytes are
 * passed on from the delimiter itself. At most the delimiter's length minus
 * one byte is ever held back.
 *
 * Part headers are read one byte at a time into a line buffer and each line
 * is parsed when its CRLF arrives. The reader tracks quoted-strings on
 * Content-Disposition lines, so a CR or LF inside a quoted file name is
 * reported as such instead of quietly ending the line. Header folding,
 * bare CR or LF, and control characters are refused.
 *
 * After a failure the parser is dead: it makes no more callbacks, and every
 * call returns -1 with the first error. */
#include "http-multipart.h"
#include "buf.h"
#include "log.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define BOUNDARY_MAX	70
#define HEADER_MAX	(16 * 1024)	/* one part's whole header block */
#define PREAMBLE_MAX	(16 * 1024)	/* browsers send none at all */

#define STOPPED		"stopped by the application"

enum state {
	S_PREAMBLE,	/* before the opening delimiter */
	S_BOUNDARY,	/* just after a delimiter */
	S_DASH,		/* delimiter and one '-' */
	S_PADDING,	/* transport padding after a delimiter */
	S_CR,		/* CR after a delimiter: an LF must follow */
	S_HEADERS,	/* a part's header block */
	S_DATA,		/* a part's data */
	S_EPILOGUE,	/* after the closing delimiter: ignored */
	S_FAILED
};

struct multipart_parser {
	const struct multipart_callbacks *cb;
	void *ctx;
	char *delim;		/* "\r\n--" boundary */
	size_t dlen;
	enum state state;
	const char *error;	/* a static sentence once failed */
	size_t match;		/* delimiter bytes matched, not passed on */
	size_t preamble;	/* preamble bytes skipped so far */
	bool fed;		/* any byte at all has been fed */
	bool in_part;		/* on_part_begin made, on_part_end not yet */

	/* the header block being read */
	struct buf line;	/* the current line, without its CRLF */
	size_t hsize;		/* bytes of the block so far */
	bool cr;		/* the previous byte was a CR */
	bool colon;		/* the line's colon has been seen */
	bool cd_line;		/* the line is a Content-Disposition */
	bool quoted;		/* inside a quoted-string on such a line */
	bool escaped;		/* right after a backslash inside one */
	size_t qstart;		/* where that quoted-string began in line */

	/* the current part; owned here, freed after on_part_end */
	bool have_cd;
	char *name;
	char *filename;
	char *ctype;
};

static const struct multipart_callbacks no_callbacks;

/* ---- characters and small scanners ------------------------------------ */

static bool is_ows(char c) { return c == ' ' || c == '\t'; }

/* RFC 7230 tchar */
static bool is_tchar(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || (c && strchr("!#$%&'*+-.^_`|~", c));
}

/* RFC 2046 bchars, space included */
static bool is_bchar(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || (c && strchr("'()+_,-./:=? ", c));
}

static char lower(char c) { return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c; }

/* Does s[0..n) equal the lower-case literal lit, ignoring ASCII case? */
static bool ci_equal(const char *s, size_t n, const char *lit)
{
	if (strlen(lit) != n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (lower(s[i]) != lit[i])
			return false;
	return true;
}

static bool valid_boundary(const char *s, size_t n)
{
	if (n == 0 || n > BOUNDARY_MAX || s[n - 1] == ' ')
		return false;
	for (size_t i = 0; i < n; i++)
		if (!is_bchar(s[i]))
			return false;
	return true;
}

struct cursor {
	const char *s;
	const char *end;
};

static void skip_ows(struct cursor *c)
{
	while (c->s < c->end && is_ows(*c->s))
		c->s++;
}

static bool take(struct cursor *c, char ch)
{
	if (c->s == c->end || *c->s != ch)
		return false;
	c->s++;
	return true;
}

static size_t take_token(struct cursor *c)
{
	const char *t = c->s;
	while (c->s < c->end && is_tchar(*c->s))
		c->s++;
	return (size_t)(c->s - t);
}

/* A quoted-string, decoded into out. Only \" and \\ are escapes: any other
 * backslash is kept, so an old browser's "C:\dir\a.txt" survives. */
static int take_quoted(struct cursor *c, struct buf *out)
{
	c->s++;
	while (c->s < c->end) {
		char ch = *c->s++;
		if (ch == '"')
			return 0;
		if (ch == '\\' && c->s < c->end && (*c->s == '"' || *c->s == '\\'))
			ch = *c->s++;
		buf_putc(out, ch);
	}
	return -1;
}

/* A parameter value: a quoted-string, or a bare run of anything but
 * white space, ';' and '"' (looser than a token, as clients are). */
static int take_value(struct cursor *c, struct buf *out)
{
	const char *t = c->s;

	buf_reset(out);
	if (c->s < c->end && *c->s == '"')
		return take_quoted(c, out);
	while (c->s < c->end && !is_ows(*c->s) && *c->s != ';' && *c->s != '"')
		c->s++;
	if (c->s == t)
		return -1;
	buf_append(out, t, (size_t)(c->s - t));
	return 0;
}

/* The next "; name=value" of a header value. Returns 1 with *name, *nlen
 * and val set, 0 at the end, -1 when malformed. A trailing ';' is fine. */
static int next_param(struct cursor *c, const char **name, size_t *nlen,
		      struct buf *val)
{
	skip_ows(c);
	if (c->s == c->end)
		return 0;
	if (!take(c, ';'))
		return -1;
	skip_ows(c);
	if (c->s == c->end)
		return 0;
	*name = c->s;
	if ((*nlen = take_token(c)) == 0)
		return -1;
	skip_ows(c);
	if (!take(c, '='))
		return -1;
	skip_ows(c);
	return take_value(c, val) < 0 ? -1 : 1;
}

/* ---- errors and callbacks --------------------------------------------- */

static int fail(struct multipart_parser *p, const char *msg)
{
	p->state = S_FAILED;
	p->error = msg;
	return -1;
}

static void free_part(struct multipart_parser *p)
{
	free(p->name);
	free(p->filename);
	free(p->ctype);
	p->name = p->filename = p->ctype = NULL;
	p->have_cd = false;
}

/* Pass data on: to the application inside a part, nowhere before one. */
static int emit(struct multipart_parser *p, const char *d, size_t n)
{
	if (n == 0)
		return 0;
	if (p->state == S_PREAMBLE) {
		p->preamble += n;
		if (p->preamble > PREAMBLE_MAX)
			return fail(p, "the request body does not start with the multipart boundary");
		return 0;
	}
	if (p->cb->on_part_data && p->cb->on_part_data(p->ctx, d, n))
		return fail(p, STOPPED);
	return 0;
}

/* ---- searching for the delimiter -------------------------------------- */

/* Search d[0..n) for the delimiter, passing on the data in front of it.
 * Sets *used to the bytes consumed: up to the end of the delimiter when one
 * is found (returns 1), else all of them (returns 0). -1 on failure. */
static int scan(struct multipart_parser *p, const char *d, size_t n, size_t *used)
{
	size_t held = p->match;	/* matched bytes from earlier chunks */
	size_t i = 0;

	while (i < n) {
		if (p->match == 0) {
			const char *cr = memchr(d + i, '\r', n - i);
			if (!cr)
				break;
			i = (size_t)(cr - d);
		}
		if (d[i] == p->delim[p->match]) {
			i++;
			if (++p->match == p->dlen) {
				p->match = 0;
				*used = i;
				return emit(p, d, i - (p->dlen - held)) < 0 ? -1 : 1;
			}
			continue;
		}
		/* The matched bytes were data. Those from earlier chunks go
		 * now; those from d stay in front of i and go later. */
		if (held && emit(p, p->delim, held) < 0)
			return -1;
		held = 0;
		p->match = 0;
	}
	*used = n;
	return emit(p, d, n - (p->match - held)) < 0 ? -1 : 0;
}

/* A delimiter has been read: the part before it, if any, is complete. */
static int delimiter(struct multipart_parser *p)
{
	p->state = S_BOUNDARY;
	if (!p->in_part)
		return 0;
	p->in_part = false;
	if (p->cb->on_part_end && p->cb->on_part_end(p->ctx))
		return fail(p, STOPPED);
	free_part(p);
	return 0;
}

/* ---- after a delimiter: "--", transport padding, CRLF ----------------- */

static void start_headers(struct multipart_parser *p)
{
	p->state = S_HEADERS;
	buf_reset(&p->line);
	p->hsize = 0;
	p->cr = p->colon = p->cd_line = p->quoted = p->escaped = false;
	free_part(p);
}

static int boundary_byte(struct multipart_parser *p, char c)
{
	bool open = p->state == S_BOUNDARY || p->state == S_PADDING;

	if (p->state == S_BOUNDARY && c == '-')
		p->state = S_DASH;
	else if (p->state == S_DASH && c == '-')
		p->state = S_EPILOGUE;
	else if (open && is_ows(c))
		p->state = S_PADDING;
	else if (open && c == '\r')
		p->state = S_CR;
	else if (p->state == S_CR && c == '\n')
		start_headers(p);
	else
		return fail(p, "a multipart boundary is followed by unexpected characters");
	return 0;
}

/* ---- part headers ----------------------------------------------------- */

/* Is the quoted-string open on this line the value of filename=? */
static bool in_filename(const struct multipart_parser *p)
{
	const char *s = p->line.data;
	size_t i = p->qstart, end;

	if (!p->quoted)
		return false;
	while (i > 0 && is_ows(s[i - 1]))
		i--;
	if (i == 0 || s[i - 1] != '=')
		return false;
	i--;
	while (i > 0 && is_ows(s[i - 1]))
		i--;
	end = i;
	while (i > 0 && is_tchar(s[i - 1]))
		i--;
	return ci_equal(s + i, end - i, "filename");
}

/* Follow quoted-strings on Content-Disposition lines; c is not yet in line. */
static void track_quotes(struct multipart_parser *p, char c)
{
	if (!p->colon) {
		if (c == ':') {
			p->colon = true;
			p->cd_line = ci_equal(buf_str(&p->line), p->line.len,
					      "content-disposition");
		}
		return;
	}
	if (!p->cd_line)
		return;
	if (p->escaped) {
		p->escaped = false;
	} else if (p->quoted && c == '\\') {
		p->escaped = true;
	} else if (c == '"') {
		if (!p->quoted)
			p->qstart = p->line.len;
		p->quoted = !p->quoted;
	}
}

/* Is this header line really a delimiter, i.e. was the part empty? */
static bool is_delimiter_line(const struct multipart_parser *p, const char *s, size_t n)
{
	size_t blen = p->dlen - 2, i;

	if (n < blen || memcmp(s, p->delim + 2, blen) != 0)
		return false;
	i = blen;
	if (n - i >= 2 && s[i] == '-' && s[i + 1] == '-')
		i += 2;
	while (i < n && is_ows(s[i]))
		i++;
	return i == n;
}

static int set_param(struct multipart_parser *p, const char *name, size_t nlen,
		     struct buf *val)
{
	char **slot = NULL;

	if (ci_equal(name, nlen, "name"))
		slot = &p->name;
	else if (ci_equal(name, nlen, "filename"))
		slot = &p->filename;
	if (!slot)
		return 0;
	if (*slot)
		return fail(p, "a part's Content-Disposition gives the same parameter twice");
	if (slot == &p->filename) {
		/* Unreachable past the line reader, and kept as a promise. */
		if (memchr(buf_str(val), '\r', val->len) || memchr(buf_str(val), '\n', val->len))
			return fail(p, "the file name contains a line break");
		if (strlen(buf_str(val)) != val->len)
			return fail(p, "the file name contains a NUL byte");
	}
	*slot = buf_detach(val);
	return 0;
}

static int disposition(struct multipart_parser *p, struct cursor *c)
{
	struct buf val = BUF_INIT;
	const char *type = c->s, *name = NULL;
	size_t nlen = 0;
	int r;

	if (p->have_cd)
		return fail(p, "a part has more than one Content-Disposition header");
	p->have_cd = true;
	if (!ci_equal(type, take_token(c), "form-data"))
		return fail(p, "a part's Content-Disposition is not form-data");
	while ((r = next_param(c, &name, &nlen, &val)) > 0)
		if (set_param(p, name, nlen, &val) < 0)
			break;
	buf_free(&val);
	if (r < 0)
		return fail(p, "a part's Content-Disposition header is malformed");
	return p->state == S_FAILED ? -1 : 0;
}

static int parse_header(struct multipart_parser *p, const char *s, size_t n)
{
	const char *colon = memchr(s, ':', n);
	struct cursor c;
	size_t nlen;

	if (is_delimiter_line(p, s, n))
		return fail(p, "the body has an empty part: two multipart boundaries follow each other");
	if (is_ows(s[0]))
		return fail(p, "a part header is folded over several lines, which is not supported");
	nlen = colon ? (size_t)(colon - s) : 0;
	if (nlen == 0)
		return fail(p, "a part header is not of the form \"Name: value\"");
	for (size_t i = 0; i < nlen; i++)
		if (!is_tchar(s[i]))
			return fail(p, "a part header is not of the form \"Name: value\"");
	c.s = colon + 1;
	c.end = s + n;
	skip_ows(&c);
	while (c.end > c.s && is_ows(c.end[-1]))
		c.end--;
	if (ci_equal(s, nlen, "content-disposition"))
		return disposition(p, &c);
	if (ci_equal(s, nlen, "content-type")) {
		if (p->ctype)
			return fail(p, "a part has more than one Content-Type header");
		p->ctype = xstrndup(c.s, (size_t)(c.end - c.s));
	}
	return 0;
}

static int headers_done(struct multipart_parser *p)
{
	if (!p->have_cd)
		return fail(p, "a part has no Content-Disposition header");
	p->state = S_DATA;
	p->match = 0;
	p->in_part = true;
	if (p->cb->on_part_begin &&
	    p->cb->on_part_begin(p->ctx, p->name ? p->name : "", p->filename, p->ctype))
		return fail(p, STOPPED);
	return 0;
}

/* A header line's CRLF has arrived: an empty line ends the block. */
static int header_line(struct multipart_parser *p)
{
	int r;

	if (p->line.len == 0)
		return headers_done(p);
	r = parse_header(p, buf_str(&p->line), p->line.len);
	buf_reset(&p->line);
	p->colon = p->cd_line = p->quoted = p->escaped = false;
	return r;
}

/* Fail with the file name's sentence when the bad byte is inside a quoted
 * filename, else with the general one. */
static int bad_byte(struct multipart_parser *p, const char *in_name, const char *other)
{
	return fail(p, in_filename(p) ? in_name : other);
}

static int header_byte(struct multipart_parser *p, char c)
{
	unsigned char u = (unsigned char)c;

	if (++p->hsize > HEADER_MAX)
		return fail(p, "the headers of a part are longer than 16 KiB");
	if (p->cr) {
		p->cr = false;
		if (c != '\n')
			return fail(p, "a part header contains a carriage return without a line feed");
		return header_line(p);
	}
	if ((c == '\r' || c == '\n') && p->quoted)
		return bad_byte(p, "the file name contains a line break",
				"a quoted value in a part header contains a line break");
	if (c == '\n')
		return fail(p, "a part header line ends in a line feed without a carriage return");
	if (c == '\r') {
		p->cr = true;
		return 0;
	}
	if (c == '\0')
		return bad_byte(p, "the file name contains a NUL byte",
				"a part header contains a NUL byte");
	if ((u < 0x20 && c != '\t') || u == 0x7f)
		return bad_byte(p, "the file name contains a control character",
				"a part header contains a control character");
	track_quotes(p, c);
	buf_putc(&p->line, c);
	return 0;
}

/* ---- the interface ---------------------------------------------------- */

struct multipart_parser *multipart_new(const char *boundary,
				       const struct multipart_callbacks *cb,
				       void *ctx)
{
	struct multipart_parser *p = xcalloc(1, sizeof *p);
	size_t blen = boundary ? strlen(boundary) : 0;

	p->cb = cb ? cb : &no_callbacks;
	p->ctx = ctx;
	if (!valid_boundary(boundary, blen)) {
		fail(p, "the multipart boundary is empty, longer than 70 characters or has characters RFC 2046 does not allow");
		return p;
	}
	p->dlen = blen + 4;
	p->delim = xmalloc(p->dlen + 1);
	memcpy(p->delim, "\r\n--", 4);
	memcpy(p->delim + 4, boundary, blen + 1);
	p->state = S_PREAMBLE;
	p->match = 2;	/* as if the body began with a CRLF */
	return p;
}

int multipart_feed(struct multipart_parser *p, const char *data, size_t len)
{
	size_t i = 0;

	if (p->state == S_FAILED)
		return -1;
	if (len)
		p->fed = true;
	while (i < len) {
		size_t used = 1;
		int r = 0;

		switch (p->state) {
		case S_PREAMBLE:
		case S_DATA:
			r = scan(p, data + i, len - i, &used);
			if (r > 0)
				r = delimiter(p);
			break;
		case S_HEADERS:
			r = header_byte(p, data[i]);
			break;
		case S_EPILOGUE:
			used = len - i;
			break;
		case S_FAILED:
			return -1;
		default:
			r = boundary_byte(p, data[i]);
			break;
		}
		if (r < 0)
			return -1;
		i += used;
	}
	return 0;
}

int multipart_finish(struct multipart_parser *p)
{
	switch (p->state) {
	case S_EPILOGUE:
		return 0;
	case S_FAILED:
		return -1;
	case S_PREAMBLE:
		if (!p->fed)
			return fail(p, "the request body is empty");
		return fail(p, "the request body does not contain the multipart boundary");
	default:
		return fail(p, "the request body ended before the closing multipart boundary");
	}
}

const char *multipart_error(const struct multipart_parser *p)
{
	return p->error ? p->error : "";
}

void multipart_free(struct multipart_parser *p)
{
	if (!p)
		return;
	free_part(p);
	buf_free(&p->line);
	free(p->delim);
	free(p);
}

int multipart_boundary(const char *content_type, char *out, size_t outlen)
{
	struct buf val = BUF_INIT, b = BUF_INIT;
	struct cursor c;
	const char *type, *name = NULL;
	size_t nlen = 0;
	bool found = false;
	int r;

	if (!content_type || !out)
		return -1;
	c.s = content_type;
	c.end = content_type + strlen(content_type);
	skip_ows(&c);
	type = c.s;
	take_token(&c);
	if (!take(&c, '/'))
		return -1;
	take_token(&c);
	if (!ci_equal(type, (size_t)(c.s - type), "multipart/form-data"))
		return -1;
	while ((r = next_param(&c, &name, &nlen, &val)) > 0) {
		if (!ci_equal(name, nlen, "boundary"))
			continue;
		if (found) {
			r = -1;	/* two boundaries: which one? */
			break;
		}
		found = true;
		buf_append(&b, buf_str(&val), val.len);
	}
	if (r == 0 && found && valid_boundary(buf_str(&b), b.len) && b.len < outlen)
		memcpy(out, b.data, b.len + 1);
	else
		r = -1;
	buf_free(&val);
	buf_free(&b);
	return r;
}
