/* test-multipart.c: unit tests for the streaming multipart/form-data parser.
 *
 * Covers src/http-multipart.c: multipart_boundary() on Content-Type
 * variants; parsing a normal form; the same bodies fed whole, split in two
 * at every byte, split in three, and one byte at a time (results must be
 * identical); binary data full of near-boundaries; truncated, garbage and
 * empty bodies; empty parts (two boundaries in a row); hostile file names;
 * header limits; callbacks that stop the parser.
 *
 * Every run records its callbacks in one log: "[name|filename|type]" for
 * on_part_begin, the data bytes as they come, "[end]" for on_part_end. */
#include "http-multipart.h"
#include "buf.h"
#include "log.h"

#include "check-run.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BODY(s)	(s), (sizeof(s) - 1)

struct run {
	struct buf log;
	char stop;	/* callback that says stop: 'B', 'D', 'E' or 0 */
	int rc;		/* first failure of feed or finish, else 0 */
	char err[256];
};

static int on_begin(void *ctx, const char *name, const char *filename,
		    const char *ctype)
{
	struct run *r = ctx;

	ck_assert_ptr_nonnull(name);
	buf_printf(&r->log, "[%s|%s|%s]", name, filename ? filename : "(none)",
		   ctype ? ctype : "(none)");
	return r->stop == 'B';
}

static int on_data(void *ctx, const char *data, size_t len)
{
	struct run *r = ctx;

	ck_assert_uint_gt(len, 0);
	buf_append(&r->log, data, len);
	return r->stop == 'D';
}

static int on_end(void *ctx)
{
	struct run *r = ctx;

	buf_puts(&r->log, "[end]");
	return r->stop == 'E';
}

static const struct multipart_callbacks callbacks = { on_begin, on_data, on_end };

/* Feed a private copy, so ASan sees any read past the chunk. */
static int feed_copy(struct multipart_parser *p, const char *d, size_t n)
{
	char *copy = xmalloc(n);
	int rc;

	memcpy(copy, d, n);
	rc = multipart_feed(p, copy, n);
	free(copy);
	return rc;
}

/* Parse body cut at the ascending offsets cuts[0..ncuts), or in pieces of
 * step bytes when step > 0. */
static void parse(struct run *r, const char *boundary, const char *body, size_t len,
		  const size_t *cuts, size_t ncuts, size_t step)
{
	struct multipart_parser *p = multipart_new(boundary, &callbacks, r);
	size_t at = 0;

	r->rc = 0;
	if (step) {
		for (; at < len && r->rc == 0; at += step)
			r->rc = feed_copy(p, body + at, len - at < step ? len - at : step);
	} else {
		for (size_t i = 0; i <= ncuts && r->rc == 0; i++) {
			size_t to = i < ncuts ? cuts[i] : len;
			r->rc = feed_copy(p, body + at, to - at);
			at = to;
		}
	}
	if (r->rc == 0)
		r->rc = multipart_finish(p);
	snprintf(r->err, sizeof r->err, "%s", multipart_error(p));
	multipart_free(p);
}

static void parse_whole(struct run *r, const char *boundary, const char *body, size_t len)
{
	parse(r, boundary, body, len, NULL, 0, 0);
}

static void assert_same(const struct run *a, const struct run *b, const char *how)
{
	ck_assert_msg(a->rc == b->rc, "%s: rc %d, whole %d", how, b->rc, a->rc);
	ck_assert_msg(strcmp(a->err, b->err) == 0, "%s: error '%s', whole '%s'",
		      how, b->err, a->err);
	ck_assert_msg(a->log.len == b->log.len &&
		      memcmp(buf_str(&a->log), buf_str(&b->log), a->log.len) == 0,
		      "%s: log differs", how);
}

/* Parse whole into *whole, then check that every two-way split and the
 * byte-at-a-time feed give exactly the same result. */
static void parse_every_way(struct run *whole, const char *boundary,
			    const char *body, size_t len)
{
	parse_whole(whole, boundary, body, len);
	for (size_t cut = 0; cut <= len; cut++) {
		struct run r = { BUF_INIT, 0, 0, "" };
		char how[64];

		parse(&r, boundary, body, len, &cut, 1, 0);
		snprintf(how, sizeof how, "split at %zu", cut);
		assert_same(whole, &r, how);
		buf_free(&r.log);
	}
	struct run bytes = { BUF_INIT, 0, 0, "" };
	parse(&bytes, boundary, body, len, NULL, 0, 1);
	assert_same(whole, &bytes, "one byte at a time");
	buf_free(&bytes.log);
}

static void assert_log(const struct run *r, const char *want, size_t len)
{
	ck_assert_msg(r->log.len == len && memcmp(buf_str(&r->log), want, len) == 0,
		      "log is '%s'", buf_str(&r->log));
}

/* Parse every way and expect failure with the sentence want. */
static void expect_error(const char *boundary, const char *body, size_t len,
			 const char *want)
{
	struct run r = { BUF_INIT, 0, 0, "" };

	parse_every_way(&r, boundary, body, len);
	ck_assert_int_eq(r.rc, -1);
	ck_assert_str_eq(r.err, want);
	buf_free(&r.log);
}

/* Parse a one-part body whose Content-Disposition is cd; return the log. */
static void parse_cd(struct run *r, const char *cd)
{
	struct buf body = BUF_INIT;

	buf_printf(&body, "--xx\r\nContent-Disposition: %s\r\n\r\nv\r\n--xx--\r\n", cd);
	parse_every_way(r, "xx", body.data, body.len);
	buf_free(&body);
}

static const char normal[] =
	"--AaB03x\r\n"
	"Content-Disposition: form-data; name=\"title\"\r\n"
	"\r\n"
	"Annual report\r\n"
	"--AaB03x\r\n"
	"content-disposition: form-data; name=\"lang\"\r\n"
	"Content-Type: text/plain; charset=utf-8\r\n"
	"\r\n"
	"zh\r\n"
	"--AaB03x\r\n"
	"Content-Disposition: form-data; name=\"file\"; filename=\"report.txt\"\r\n"
	"Content-Type: text/plain\r\n"
	"\r\n"
	"line one\r\nline two\r\n\r\n"
	"--AaB03x--\r\n";

static const char normal_log[] =
	"[title|(none)|(none)]Annual report[end]"
	"[lang|(none)|text/plain; charset=utf-8]zh[end]"
	"[file|report.txt|text/plain]line one\r\nline two\r\n[end]";

/* ---- multipart_boundary ------------------------------------------------ */

static void boundary_ok(const char *ct, const char *want)
{
	char out[80];

	ck_assert_msg(multipart_boundary(ct, out, sizeof out) == 0, "refused: %s", ct);
	ck_assert_str_eq(out, want);
}

static void boundary_bad(const char *ct)
{
	char out[80];

	ck_assert_msg(multipart_boundary(ct, out, sizeof out) == -1, "accepted: %s", ct);
}

START_TEST(test_boundary_accepts)
{
	boundary_ok("multipart/form-data; boundary=AaB03x", "AaB03x");
	boundary_ok("Multipart/Form-Data; BOUNDARY=AaB03x", "AaB03x");
	boundary_ok("multipart/form-data;boundary=----WebKitFormBoundary7MA4YWxkTrZu0gW",
		    "----WebKitFormBoundary7MA4YWxkTrZu0gW");
	boundary_ok("multipart/form-data; boundary=\"a b:c?=(x)\"", "a b:c?=(x)");
	boundary_ok("multipart/form-data; charset=utf-8; boundary=x1", "x1");
	boundary_ok("multipart/form-data; boundary=x1 ; charset=\"utf-8\"", "x1");
	boundary_ok("  multipart/form-data\t;  boundary = x1  ;", "x1");
	boundary_ok("multipart/form-data; boundary=a/b=c", "a/b=c");
	boundary_ok("multipart/form-data; boundary="
		    "0123456789012345678901234567890123456789012345678901234567890123456789",
		    "0123456789012345678901234567890123456789012345678901234567890123456789");
}
END_TEST

START_TEST(test_boundary_refuses)
{
	char small[4];

	ck_assert_int_eq(multipart_boundary(NULL, small, sizeof small), -1);
	boundary_bad("");
	boundary_bad("multipart/form-data");
	boundary_bad("multipart/form-data;");
	boundary_bad("multipart/form-data; boundary=");
	boundary_bad("multipart/form-data; boundary=\"\"");
	boundary_bad("multipart/form-data; boundary=\"abc");
	boundary_bad("multipart/form-data; boundary=\"abc\"def");
	boundary_bad("multipart/form-data; boundary=\"abc \"");
	boundary_bad("multipart/form-data; boundary=\"ab\\\"c\"");
	boundary_bad("multipart/form-data; boundary=ab@c");
	boundary_bad("multipart/form-data; boundary=x; boundary=y");
	boundary_bad("multipart/form-data; =x");
	boundary_bad("multipart/form-data boundary=x");
	boundary_bad("text/plain; boundary=x");
	boundary_bad("multipart/mixed; boundary=x");
	boundary_bad("multipart/form-data-x; boundary=x");
	boundary_bad("multipart / form-data; boundary=x");
	boundary_bad("multipart/form-data; boundary="
		     "01234567890123456789012345678901234567890123456789012345678901234567890");
	/* out must hold the boundary and its NUL */
	ck_assert_int_eq(multipart_boundary("multipart/form-data; boundary=abc",
					    small, sizeof small), 0);
	ck_assert_str_eq(small, "abc");
	ck_assert_int_eq(multipart_boundary("multipart/form-data; boundary=abcd",
					    small, sizeof small), -1);
}
END_TEST

/* ---- normal bodies ------------------------------------------------------ */

START_TEST(test_normal_form)
{
	struct run r = { BUF_INIT, 0, 0, "" };

	parse_whole(&r, "AaB03x", BODY(normal));
	ck_assert_int_eq(r.rc, 0);
	ck_assert_str_eq(r.err, "");
	assert_log(&r, BODY(normal_log));
	buf_free(&r.log);
}
END_TEST

START_TEST(test_normal_every_split)
{
	struct run r = { BUF_INIT, 0, 0, "" };

	parse_every_way(&r, "AaB03x", BODY(normal));
	ck_assert_int_eq(r.rc, 0);
	assert_log(&r, BODY(normal_log));
	buf_free(&r.log);
}
END_TEST

START_TEST(test_normal_three_chunks)
{
	size_t len = sizeof normal - 1;
	struct run whole = { BUF_INIT, 0, 0, "" };

	parse_whole(&whole, "AaB03x", BODY(normal));
	for (size_t i = 0; i <= len; i += 3) {
		for (size_t j = i; j <= len; j++) {
			struct run r = { BUF_INIT, 0, 0, "" };
			size_t cuts[2] = { i, j };

			parse(&r, "AaB03x", normal, len, cuts, 2, 0);
			assert_same(&whole, &r, "three chunks");
			buf_free(&r.log);
		}
	}
	buf_free(&whole.log);
}
END_TEST

START_TEST(test_preamble_and_epilogue)
{
	static const char body[] =
		"This is a preamble, which browsers never send.\r\n"
		"--AaB03x \t\r\n"
		"Content-Disposition: form-data; name=\"a\"\r\n"
		"\r\n"
		"1\r\n"
		"--AaB03x\t\r\n"
		"Content-Disposition: form-data; name=\"b\"\r\n"
		"\r\n"
		"2\r\n"
		"--AaB03x-- \r\n"
		"an epilogue, ignored, even with\r\n--AaB03x\r\nin it\r\n";
	static const char crlf_first[] =
		"\r\n--AaB03x\r\n"
		"Content-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--AaB03x--";
	struct run r = { BUF_INIT, 0, 0, "" };

	parse_every_way(&r, "AaB03x", BODY(body));
	ck_assert_int_eq(r.rc, 0);
	assert_log(&r, BODY("[a|(none)|(none)]1[end][b|(none)|(none)]2[end]"));
	buf_free(&r.log);

	parse_every_way(&r, "AaB03x", BODY(crlf_first));
	ck_assert_int_eq(r.rc, 0);
	assert_log(&r, BODY("[a|(none)|(none)]1[end]"));
	buf_free(&r.log);
}
END_TEST

START_TEST(test_empty_values)
{
	static const char body[] =
		"--b\r\n"
		"Content-Disposition: form-data; name=\"empty\"\r\n\r\n"
		"\r\n--b\r\n"
		"Content-Disposition: form-data; name=\"nofile\"; filename=\"\"\r\n"
		"Content-Type: application/octet-stream\r\n\r\n"
		"\r\n--b\r\n"
		"Content-Disposition: form-data\r\n\r\n"
		"x\r\n--b--";
	struct run r = { BUF_INIT, 0, 0, "" };

	parse_every_way(&r, "b", BODY(body));
	ck_assert_int_eq(r.rc, 0);
	assert_log(&r, BODY("[empty|(none)|(none)][end]"
			    "[nofile||application/octet-stream][end]"
			    "[|(none)|(none)]x[end]"));
	buf_free(&r.log);

	parse_every_way(&r, "b", BODY("--b--\r\n"));
	ck_assert_int_eq(r.rc, 0);
	assert_log(&r, BODY(""));
	buf_free(&r.log);
}
END_TEST

/* ---- binary data and near-boundaries ------------------------------------ */

START_TEST(test_binary_lookalikes)
{
	/* Each line is data that starts like the delimiter "\r\n--boundary42"
	 * and then differs, or has the boundary without its CRLF. */
	static const char data[] =
		"\r\n--boundary4"
		"\r\n--boundary"
		"\r\r\n-"
		"\n--boundary42--boundary42"
		"\r\n\r\n-\r\n--\r\n--b"
		"\r\n--boundary4X\x00\xff\x00"
		"--boundary42\r\n"
		"\r\r\r\n\r\n--boundary4\r";
	static const char head[] =
		"--boundary42\r\n"
		"Content-Disposition: form-data; name=\"f\"; filename=\"b.bin\"\r\n"
		"Content-Type: application/octet-stream\r\n\r\n";
	static const char tail[] = "\r\n--boundary42--\r\n";
	struct buf body = BUF_INIT, want = BUF_INIT;
	struct run r = { BUF_INIT, 0, 0, "" };

	buf_append(&body, BODY(head));
	buf_append(&body, BODY(data));
	buf_append(&body, BODY(tail));
	buf_puts(&want, "[f|b.bin|application/octet-stream]");
	buf_append(&want, BODY(data));
	buf_puts(&want, "[end]");

	parse_every_way(&r, "boundary42", body.data, body.len);
	ck_assert_int_eq(r.rc, 0);
	assert_log(&r, want.data, want.len);
	buf_free(&r.log);
	buf_free(&body);
	buf_free(&want);
}
END_TEST

START_TEST(test_streams_holding_back_only_a_boundary_prefix)
{
	struct run r = { BUF_INIT, 0, 0, "" };
	struct multipart_parser *p = multipart_new("boundary42", &callbacks, &r);
	size_t at;

	ck_assert_int_eq(multipart_feed(p, BODY("--boundary42\r\n"
		"Content-Disposition: form-data; name=\"f\"\r\n\r\nabc")), 0);
	assert_log(&r, BODY("[f|(none)|(none)]abc"));
	at = r.log.len;
	ck_assert_int_eq(multipart_feed(p, BODY("def\r\n--bound")), 0);
	ck_assert_uint_eq(r.log.len, at + 3);	/* "\r\n--bound" is held */
	ck_assert_int_eq(multipart_feed(p, BODY("X\r")), 0);
	assert_log(&r, BODY("[f|(none)|(none)]abcdef\r\n--boundX"));
	ck_assert_int_eq(multipart_feed(p, BODY("\n--boundary42--")), 0);
	ck_assert_int_eq(multipart_finish(p), 0);
	assert_log(&r, BODY("[f|(none)|(none)]abcdef\r\n--boundX[end]"));
	multipart_free(p);
	buf_free(&r.log);
}
END_TEST

START_TEST(test_large_part)
{
	const size_t size = 1 << 20;
	struct buf body = BUF_INIT;
	struct run r = { BUF_INIT, 0, 0, "" };
	unsigned x = 12345;
	char *data = xmalloc(size);

	for (size_t i = 0; i < size; i++) {
		x = x * 1103515245u + 12345u;
		data[i] = (char)(x >> 16);
	}
	buf_puts(&body, "--q\r\nContent-Disposition: form-data; name=\"big\"\r\n\r\n");
	size_t start = body.len;
	buf_append(&body, data, size);
	buf_puts(&body, "\r\n--q--\r\n");
	parse(&r, "q", body.data, body.len, NULL, 0, 4096);
	ck_assert_int_eq(r.rc, 0);
	ck_assert_uint_eq(r.log.len, strlen("[big|(none)|(none)]") + size + strlen("[end]"));
	ck_assert(memcmp(r.log.data + strlen("[big|(none)|(none)]"), body.data + start, size) == 0);
	free(data);
	buf_free(&body);
	buf_free(&r.log);
}
END_TEST

/* ---- bodies that are not whole ------------------------------------------- */

static int count(const char *s, const char *what)
{
	int n = 0;

	while ((s = strstr(s, what)) != NULL) {
		n++;
		s += strlen(what);
	}
	return n;
}

/* Occurrences of what within the first len bytes of s. */
static int count_prefix(const char *s, size_t len, const char *what)
{
	char *copy = xstrndup(s, len);
	int n = count(copy, what);

	free(copy);
	return n;
}

START_TEST(test_truncated)
{
	const size_t len = sizeof normal - 1;
	const size_t opened = strlen("--AaB03x");
	const size_t closed = len - strlen("\r\n");

	for (size_t n = 0; n <= len; n++) {
		struct run r = { BUF_INIT, 0, 0, "" };

		parse_whole(&r, "AaB03x", normal, n);
		if (n >= closed) {
			ck_assert_int_eq(r.rc, 0);
			assert_log(&r, BODY(normal_log));
		} else {
			const char *want = n == 0 ? "the request body is empty"
				: n < opened ? "the request body does not contain the multipart boundary"
				: "the request body ended before the closing multipart boundary";
			ck_assert_int_eq(r.rc, -1);
			ck_assert_str_eq(r.err, want);
			/* what came is a prefix, and a part cut short
			 * gets no on_part_end */
			ck_assert(r.log.len <= strlen(normal_log) &&
				  memcmp(buf_str(&r.log), normal_log, r.log.len) == 0);
			ck_assert_int_eq(count(buf_str(&r.log), "[end]"),
					 count_prefix(normal, n, "\r\n--AaB03x"));
		}
		buf_free(&r.log);
	}
}
END_TEST

START_TEST(test_garbage)
{
	char *junk = xmalloc(20000);

	expect_error("AaB03x", BODY("hello, this is not a multipart body at all"),
		     "the request body does not contain the multipart boundary");
	expect_error("AaB03x", BODY("-AaB03x\r\nContent-Disposition: form-data; name=a\r\n\r\n"),
		     "the request body does not contain the multipart boundary");
	expect_error("AaB03x", BODY("--AaB03xjunk\r\n"),
		     "a multipart boundary is followed by unexpected characters");
	expect_error("AaB03x", BODY("--AaB03x -\r\n"),
		     "a multipart boundary is followed by unexpected characters");
	expect_error("AaB03x", BODY("--AaB03x\r\r\n"),
		     "a multipart boundary is followed by unexpected characters");
	/* a long preamble is taken for garbage before the body ends */
	memset(junk, 'x', 20000);
	expect_error("AaB03x", junk, 20000,
		     "the request body does not start with the multipart boundary");
	free(junk);
}
END_TEST

START_TEST(test_duplicate_boundaries)
{
	/* Two boundaries in a row delimit an empty part with no headers.
	 * RFC 7578 needs a Content-Disposition in every part, so the body is
	 * refused, with a sentence that says what happened. Parts before it
	 * have been passed on complete. */
	expect_error("b", BODY("--b\r\n--b\r\n"
			       "Content-Disposition: form-data; name=\"a\"\r\n\r\nx\r\n--b--\r\n"),
		     "the body has an empty part: two multipart boundaries follow each other");
	expect_error("b", BODY("--b\r\n--b--\r\n"),
		     "the body has an empty part: two multipart boundaries follow each other");
	expect_error("b", BODY("--b\r\n\r\n\r\n--b--\r\n"),
		     "a part has no Content-Disposition header");

	struct run r = { BUF_INIT, 0, 0, "" };
	parse_every_way(&r, "b", BODY("--b\r\n"
		"Content-Disposition: form-data; name=\"a\"\r\n\r\nx\r\n--b\r\n--b \r\n"
		"Content-Disposition: form-data; name=\"c\"\r\n\r\ny\r\n--b--\r\n"));
	ck_assert_int_eq(r.rc, -1);
	ck_assert_str_eq(r.err, "the body has an empty part: two multipart boundaries follow each other");
	assert_log(&r, BODY("[a|(none)|(none)]x[end]"));
	buf_free(&r.log);
}
END_TEST

/* ---- part headers -------------------------------------------------------- */

START_TEST(test_filename_line_breaks)
{
	const char *file = "the file name contains a line break";

	expect_error("xx", BODY("--xx\r\nContent-Disposition: form-data; name=\"f\"; "
				"filename=\"evil\r\n.txt\"\r\n\r\nv\r\n--xx--"), file);
	expect_error("xx", BODY("--xx\r\nContent-Disposition: form-data; name=\"f\"; "
				"filename=\"evil\n.txt\"\r\n\r\nv\r\n--xx--"), file);
	expect_error("xx", BODY("--xx\r\nContent-Disposition: form-data; name=\"f\"; "
				"filename=\"evil\r.txt\"\r\n\r\nv\r\n--xx--"), file);
	expect_error("xx", BODY("--xx\r\nContent-Disposition: form-data; name=\"f\"; "
				"FileName = \"evil\\\r\n.txt\"\r\n\r\nv\r\n--xx--"), file);
	/* an unterminated name runs into the line end */
	expect_error("xx", BODY("--xx\r\nContent-Disposition: form-data; name=\"f\"; "
				"filename=\"evil.txt\r\n\r\nv\r\n--xx--"), file);
	/* a line break that would smuggle in a header */
	expect_error("xx", BODY("--xx\r\nContent-Disposition: form-data; name=\"f\"; "
				"filename=\"x\r\nContent-Type: text/html\"\r\n\r\nv\r\n--xx--"), file);
	expect_error("xx", BODY("--xx\r\nContent-Disposition: form-data; name=\"f\"; "
				"filename=\"a\0b\"\r\n\r\nv\r\n--xx--"),
		     "the file name contains a NUL byte");
	expect_error("xx", BODY("--xx\r\nContent-Disposition: form-data; name=\"f\"; "
				"filename=\"a\x01" "b\"\r\n\r\nv\r\n--xx--"),
		     "the file name contains a control character");
	expect_error("xx", BODY("--xx\r\nContent-Disposition: form-data; name=\"f\r\n\"\r\n"
				"\r\nv\r\n--xx--"),
		     "a quoted value in a part header contains a line break");
}
END_TEST

START_TEST(test_filename_quoting)
{
	struct run r = { BUF_INIT, 0, 0, "" };

	parse_cd(&r, "form-data; name=\"f\"; filename=\"a\\\"b.txt\"");
	assert_log(&r, BODY("[f|a\"b.txt|(none)]v[end]"));
	buf_free(&r.log);

	parse_cd(&r, "form-data; name=\"f\"; filename=\"back\\\\slash\"");
	assert_log(&r, BODY("[f|back\\slash|(none)]v[end]"));
	buf_free(&r.log);

	/* an old browser's path keeps its backslashes */
	parse_cd(&r, "form-data; name=\"f\"; filename=\"C:\\dir\\f.txt\"");
	assert_log(&r, BODY("[f|C:\\dir\\f.txt|(none)]v[end]"));
	buf_free(&r.log);

	parse_cd(&r, "form-data; name=\"f\"; filename=\"a\\\"; b.txt\"");
	assert_log(&r, BODY("[f|a\"; b.txt|(none)]v[end]"));
	buf_free(&r.log);

	parse_cd(&r, "Form-Data;NAME=field;FILENAME=plain.txt;");
	assert_log(&r, BODY("[field|plain.txt|(none)]v[end]"));
	buf_free(&r.log);

	parse_cd(&r, "form-data; name=\"f\"; filename=\"\xe6\x8a\xa5\xe5\x91\x8a.txt\"; size=3");
	assert_log(&r, BODY("[f|\xe6\x8a\xa5\xe5\x91\x8a.txt|(none)]v[end]"));
	ck_assert_int_eq(r.rc, 0);
	buf_free(&r.log);
}
END_TEST

START_TEST(test_bad_headers)
{
	expect_error("xx", BODY("--xx\r\nContent-Type: text/plain\r\n\r\nv\r\n--xx--"),
		     "a part has no Content-Disposition header");
	expect_error("xx", BODY("--xx\r\nContent-Disposition: attachment; name=a\r\n\r\nv\r\n--xx--"),
		     "a part's Content-Disposition is not form-data");
	expect_error("xx", BODY("--xx\r\nContent-Disposition: form-data; name\r\n\r\nv\r\n--xx--"),
		     "a part's Content-Disposition header is malformed");
	expect_error("xx", BODY("--xx\r\nContent-Disposition: form-data; name=\"a\"b\r\n\r\nv\r\n--xx--"),
		     "a part's Content-Disposition header is malformed");
	expect_error("xx", BODY("--xx\r\nContent-Disposition: form-data; name=a; name=b\r\n\r\nv\r\n--xx--"),
		     "a part's Content-Disposition gives the same parameter twice");
	expect_error("xx", BODY("--xx\r\nContent-Disposition: form-data; name=a\r\n"
				"Content-Disposition: form-data; name=b\r\n\r\nv\r\n--xx--"),
		     "a part has more than one Content-Disposition header");
	expect_error("xx", BODY("--xx\r\nContent-Disposition: form-data; name=a\r\n"
				"Content-Type: a/b\r\ncontent-type: c/d\r\n\r\nv\r\n--xx--"),
		     "a part has more than one Content-Type header");
	expect_error("xx", BODY("--xx\r\nContent-Disposition: form-data;\r\n name=a\r\n\r\nv\r\n--xx--"),
		     "a part header is folded over several lines, which is not supported");
	expect_error("xx", BODY("--xx\r\nContent-Disposition form-data\r\n\r\nv\r\n--xx--"),
		     "a part header is not of the form \"Name: value\"");
	expect_error("xx", BODY("--xx\r\n: form-data\r\n\r\nv\r\n--xx--"),
		     "a part header is not of the form \"Name: value\"");
	expect_error("xx", BODY("--xx\r\nContent-Disposition: form-data; name=a\n\r\nv\r\n--xx--"),
		     "a part header line ends in a line feed without a carriage return");
	expect_error("xx", BODY("--xx\r\nContent-Disposition: form-data; name=a\rX\r\n\r\nv\r\n--xx--"),
		     "a part header contains a carriage return without a line feed");
	expect_error("xx", BODY("--xx\r\nX-Note: a\0b\r\n\r\nv\r\n--xx--"),
		     "a part header contains a NUL byte");
	expect_error("xx", BODY("--xx\r\nX-Note: a\x7f" "b\r\n\r\nv\r\n--xx--"),
		     "a part header contains a control character");
}
END_TEST

START_TEST(test_header_limit)
{
	struct buf body = BUF_INIT;
	struct run r = { BUF_INIT, 0, 0, "" };

	buf_puts(&body, "--xx\r\nContent-Disposition: form-data; name=a\r\nX-Pad: ");
	for (int i = 0; i < 15000; i++)
		buf_putc(&body, 'p');
	buf_puts(&body, "\r\nX-Other: \"unbalanced quotes are fine here\r\n\r\nv\r\n--xx--");
	parse(&r, "xx", body.data, body.len, NULL, 0, 7);
	ck_assert_int_eq(r.rc, 0);
	assert_log(&r, BODY("[a|(none)|(none)]v[end]"));
	buf_free(&r.log);

	buf_reset(&body);
	buf_puts(&body, "--xx\r\nContent-Disposition: form-data; name=a\r\nX-Pad: ");
	for (int i = 0; i < 17000; i++)
		buf_putc(&body, 'p');
	buf_puts(&body, "\r\n\r\nv\r\n--xx--");
	parse(&r, "xx", body.data, body.len, NULL, 0, 7);
	ck_assert_int_eq(r.rc, -1);
	ck_assert_str_eq(r.err, "the headers of a part are longer than 16 KiB");
	buf_free(&r.log);
	buf_free(&body);
}
END_TEST

/* ---- the application and the caller ---------------------------------- */

START_TEST(test_callback_stops)
{
	const char stops[] = "BDE";
	const char *logs[] = {
		"[title|(none)|(none)]",
		"[title|(none)|(none)]Annual report",
		"[title|(none)|(none)]Annual report[end]",
	};

	for (int i = 0; i < 3; i++) {
		struct run r = { BUF_INIT, stops[i], 0, "" };
		struct multipart_parser *p = multipart_new("AaB03x", &callbacks, &r);

		ck_assert_int_eq(multipart_feed(p, BODY(normal)), -1);
		ck_assert_str_eq(multipart_error(p), "stopped by the application");
		assert_log(&r, logs[i], strlen(logs[i]));
		/* a stopped parser stays stopped and silent */
		ck_assert_int_eq(multipart_feed(p, BODY(normal)), -1);
		ck_assert_int_eq(multipart_finish(p), -1);
		ck_assert_str_eq(multipart_error(p), "stopped by the application");
		assert_log(&r, logs[i], strlen(logs[i]));
		multipart_free(p);
		buf_free(&r.log);
	}
}
END_TEST

START_TEST(test_bad_parser_boundary)
{
	const char *bad[] = {
		NULL, "", "a@b", "trailing ",
		"01234567890123456789012345678901234567890123456789012345678901234567890",
	};

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct multipart_parser *p = multipart_new(bad[i], &callbacks, NULL);

		ck_assert_int_eq(multipart_feed(p, BODY("--x\r\n")), -1);
		ck_assert_str_eq(multipart_error(p), "the multipart boundary is empty, longer "
				 "than 70 characters or has characters RFC 2046 does not allow");
		multipart_free(p);
	}
}
END_TEST

START_TEST(test_no_callbacks)
{
	struct multipart_parser *p = multipart_new("AaB03x", NULL, NULL);

	ck_assert_str_eq(multipart_error(p), "");
	ck_assert_int_eq(multipart_feed(p, BODY(normal)), 0);
	ck_assert_int_eq(multipart_finish(p), 0);
	ck_assert_str_eq(multipart_error(p), "");
	multipart_free(p);
	multipart_free(NULL);
}
END_TEST

static Suite *multipart_suite(void)
{
	Suite *s = suite_create("multipart");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_boundary_accepts);
	tcase_add_test(tc, test_boundary_refuses);
	tcase_add_test(tc, test_normal_form);
	tcase_add_test(tc, test_normal_every_split);
	tcase_add_test(tc, test_normal_three_chunks);
	tcase_add_test(tc, test_preamble_and_epilogue);
	tcase_add_test(tc, test_empty_values);
	tcase_add_test(tc, test_binary_lookalikes);
	tcase_add_test(tc, test_streams_holding_back_only_a_boundary_prefix);
	tcase_add_test(tc, test_large_part);
	tcase_add_test(tc, test_truncated);
	tcase_add_test(tc, test_garbage);
	tcase_add_test(tc, test_duplicate_boundaries);
	tcase_add_test(tc, test_filename_line_breaks);
	tcase_add_test(tc, test_filename_quoting);
	tcase_add_test(tc, test_bad_headers);
	tcase_add_test(tc, test_header_limit);
	tcase_add_test(tc, test_callback_stops);
	tcase_add_test(tc, test_bad_parser_boundary);
	tcase_add_test(tc, test_no_callbacks);
	suite_add_tcase(s, tc);
	return s;
}

int main(void) { return run_suite(multipart_suite()); }
