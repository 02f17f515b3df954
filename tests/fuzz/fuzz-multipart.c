/* fuzz-multipart.c: libFuzzer target for the multipart/form-data parser.
 *
 * The first input byte picks where to split the rest in two; the body is
 * parsed whole and split, and both runs must give the same callbacks,
 * result and error. The input, as a string, also goes through
 * multipart_boundary(). Build and run, for example:
 *
 *	clang -std=c11 -D_GNU_SOURCE -g -fsanitize=fuzzer,address,undefined -Isrc \
 *		src/log.c src/buf.c src/http-multipart.c tests/fuzz/fuzz-multipart.c \
 *		-o /tmp/fuzz-multipart && /tmp/fuzz-multipart -max_total_time=60 */
#include "http-multipart.h"
#include "buf.h"
#include "log.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define BOUNDARY "b0"

static int on_begin(void *ctx, const char *name, const char *filename,
		    const char *ctype)
{
	struct buf *log = ctx;

	if (!name || (filename && strpbrk(filename, "\r\n")))
		abort();
	buf_printf(log, "[%s|%s|%s]", name, filename ? filename : "-", ctype ? ctype : "-");
	return 0;
}

static int on_data(void *ctx, const char *data, size_t len)
{
	if (len == 0)
		abort();
	buf_append(ctx, data, len);
	return 0;
}

static int on_end(void *ctx)
{
	buf_puts(ctx, "[end]");
	return 0;
}

static const struct multipart_callbacks callbacks = { on_begin, on_data, on_end };

/* Parse d[0..n) fed as d[0..cut) and d[cut..n); return the result. */
static int parse(const uint8_t *d, size_t n, size_t cut, struct buf *log, const char **err)
{
	struct multipart_parser *p = multipart_new(BOUNDARY, &callbacks, log);
	char *a = xmalloc(cut), *b = xmalloc(n - cut);
	int rc;

	memcpy(a, d, cut);
	memcpy(b, d + cut, n - cut);
	rc = multipart_feed(p, a, cut);
	if (rc == 0)
		rc = multipart_feed(p, b, n - cut);
	if (rc == 0)
		rc = multipart_finish(p);
	*err = multipart_error(p);	/* a static sentence */
	multipart_free(p);
	free(a);
	free(b);
	return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf whole = BUF_INIT, split = BUF_INIT;
	const char *err1, *err2;
	char out[80], *s;
	size_t n, cut;
	int rc1, rc2;

	if (size == 0)
		return 0;
	n = size - 1;
	cut = data[0] % (n + 1);
	rc1 = parse(data + 1, n, 0, &whole, &err1);
	rc2 = parse(data + 1, n, cut, &split, &err2);
	if (rc1 != rc2 || strcmp(err1, err2) != 0 || whole.len != split.len ||
	    memcmp(buf_str(&whole), buf_str(&split), whole.len) != 0)
		abort();
	buf_free(&whole);
	buf_free(&split);

	s = xstrndup((const char *)data + 1, n);
	if (multipart_boundary(s, out, sizeof out) == 0 && (strlen(out) == 0 || strlen(out) > 70))
		abort();
	free(s);
	return 0;
}
