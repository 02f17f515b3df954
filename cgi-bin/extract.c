/* extract.c: extract.fcgi, an extraction host's service.
 *
 * POST /api/extract takes a document's bytes and answers what the
 * indexer's own sandboxed child would have: portal_extract_job()
 * (extract-job.h), run here in a sandboxed child per request with the
 * indexer's limits. The indexer sends its long jobs here when
 * PORTAL_EXTRACT_URL is set (extract-remote.h); the format is doc/api.md's
 * "Extraction hosts (internal)".
 *
 * A host has no database and no accounts: a caller proves itself with the
 * shared secret PORTAL_EXTRACT_KEY in the X-Portal-Extract-Key header
 * (compared in constant time); without the key set here every request is
 * refused. A body over PORTAL_MAX_UPLOAD bytes is refused before it is
 * read. The bytes go to a private temporary file (TMPDIR), removed after
 * the request. Each request is logged with the time it took, so the
 * host's log shows the work it did. */
#include "buf.h"
#include "detect.h"
#include "extract.h"
#include "extract-job.h"
#include "fcgi-master.h"
#include "http-request.h"
#include "http-response.h"
#include "log.h"
#include "sandbox.h"
#include "settings.h"
#include "ui-shared.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

static const char *header(const struct request *r, const char *name)
{
	const char *v = FCGX_GetParam(name, r->fcgi->envp);
	return v ? v : "";
}

/* 1 when the caller gave the key this host has (both hashed first, so
 * neither the comparison nor the lengths tell anything about it). */
static int key_ok(const struct request *r, const char *mine)
{
	const char *given = header(r, "HTTP_X_PORTAL_EXTRACT_KEY");
	unsigned char a[crypto_generichash_BYTES], b[crypto_generichash_BYTES];
	crypto_generichash(a, sizeof a, (const unsigned char *)mine, strlen(mine), NULL, 0);
	crypto_generichash(b, sizeof b, (const unsigned char *)given, strlen(given), NULL, 0);
	return sodium_memcmp(a, b, sizeof a) == 0 && *given;
}

/* The body, all n bytes of it, into the open file fd. 0, or -1. */
static int body_to_file(struct request *r, int fd, long long n)
{
	char chunk[65536];
	long long got = 0;
	while (got < n) {
		size_t want = n - got < (long long)sizeof chunk ? (size_t)(n - got) : sizeof chunk;
		size_t k = req_read(r, chunk, want);
		if (!k)
			return -1;
		const char *p = chunk;
		size_t left = k;
		while (left) {
			ssize_t w = write(fd, p, left);
			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0)
				return -1;
			p += w;
			left -= (size_t)w;
		}
		got += (long long)k;
	}
	return 0;
}

/* What the sandboxed child gets. */
struct job {
	const char *path, *mime, *want;
	int is_long;
};

/* Pages recognised, written by the child as it goes (shared memory). */
static volatile int *pages;

static void count_pages(void *arg, int done, int total)
{
	if (pages) {
		pages[0] = done;
		pages[1] = total;
	}
}

static int run_job(void *arg, struct buf *out, char *err, size_t errlen)
{
	const struct job *j = arg;
	struct portal_extract_lane lane = { .is_long = j->is_long, .progress = count_pages };
	return portal_extract_job(j->path, j->mime, j->want, &lane, out, err, errlen);
}

static void extract_page(struct request *r)
{
	const char *mine = getenv("PORTAL_EXTRACT_KEY");
	const char *name = header(r, "HTTP_X_PORTAL_NAME");
	if (!mine || !*mine) {
		portal_log("refused %s from %s: PORTAL_EXTRACT_KEY is not set on this host", name,
			   r->remote_addr ? r->remote_addr : "?");
		portal_error(r, 503, "no_key", "This extraction host has no key set (PORTAL_EXTRACT_KEY), "
			     "so it takes no work.");
		return;
	}
	if (!key_ok(r, mine)) {
		portal_log("refused %s from %s: missing or wrong key", name,
			   r->remote_addr ? r->remote_addr : "?");
		portal_error(r, 403, "forbidden", "The extraction key (X-Portal-Extract-Key) is missing or wrong.");
		return;
	}
	unsigned long long max = portal_settings()->max_upload;
	if (r->content_length < 0) {
		portal_error(r, 411, "length_required", "The document's length (Content-Length) is missing.");
		return;
	}
	if ((unsigned long long)r->content_length > max) {
		char msg[160];
		snprintf(msg, sizeof msg, "The document is larger than the limit of %llu bytes.", max);
		portal_log("refused %s: %lld bytes, over the limit of %llu", name, r->content_length, max);
		portal_error(r, 413, "too_large", msg);
		return;
	}
	const char *want = header(r, "HTTP_X_PORTAL_WANT");
	if (!*want || strcmp(want, "text") == 0)
		want = "";
	else if (strcmp(want, "preview") != 0 && strcmp(want, "preview-only") != 0) {
		portal_error(r, 400, "bad_want", "X-Portal-Want must be text, preview or preview-only.");
		return;
	}
	const char *lane = header(r, "HTTP_X_PORTAL_LANE");
	if (*lane && strcmp(lane, "long") != 0 && strcmp(lane, "quick") != 0) {
		portal_error(r, 400, "bad_lane", "X-Portal-Lane must be quick or long.");
		return;
	}
	const char *tmp = getenv("TMPDIR");
	char path[PATH_MAX];
	snprintf(path, sizeof path, "%s/portal-extract-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	int fd = mkostemp(path, O_CLOEXEC);
	if (fd < 0) {
		portal_log("%s: temporary file: %s", path, strerror(errno));
		portal_error(r, 500, "no_room", "The document could not be kept for reading on this host.");
		return;
	}
	int got = body_to_file(r, fd, r->content_length);
	close(fd);
	if (got < 0) {
		unlink(path);
		portal_error(r, 400, "cut_short", "The document's bytes were cut short.");
		return;
	}
	char mime[128], err[1024];
	const char *declared = header(r, "HTTP_X_PORTAL_MIME");
	if (*declared && strlen(declared) < sizeof mime)
		snprintf(mime, sizeof mime, "%s", declared);
	else if (portal_detect_mime(path, mime, sizeof mime, err, sizeof err) < 0) {
		unlink(path);
		portal_error(r, 422, "unreadable", err);
		return;
	}
	if (!portal_extract_supported(mime)) {
		unlink(path);
		portal_extract_refusal(mime, err, sizeof err);
		portal_error(r, 422, "unsupported", err);
		return;
	}
	struct job j = { path, mime, want, strcmp(lane, "quick") != 0 };
	pages[0] = pages[1] = 0;
	portal_log("reading %s (%s, %s lane, %lld bytes) for %s", name, mime, j.is_long ? "long" : "quick",
		   r->content_length, r->remote_addr ? r->remote_addr : "?");
	struct buf out = BUF_INIT;
	long long t0 = portal_now_ms();
	int rc = portal_sandbox_run(run_job, &j, j.is_long ? &portal_extract_long_limits
							    : &portal_extract_quick_limits,
				    &out, err, sizeof err);
	unlink(path);
	long long ms = portal_now_ms() - t0;
	if (rc < 0) {
		portal_log("could not read %s (%s, %lld bytes, %lld ms): %s", name, mime,
			   r->content_length, ms, err);
		portal_error(r, 422, "unreadable", err);
		buf_free(&out);
		return;
	}
	char n[32];
	snprintf(n, sizeof n, "%d", pages[1]);
	resp_header(r, "X-Portal-Pages", n);
	resp_header(r, "X-Portal-Mime", mime);
	r->status = 200;
	r->content_type_out = "application/octet-stream";
	buf_reset(&r->out);
	buf_append(&r->out, out.data ? out.data : "", out.len);
	portal_log("extracted %s (%s, %s lane, %lld bytes in, %zu bytes out, %d pages recognised, %lld ms)",
		   name, mime, j.is_long ? "long" : "quick", r->content_length, out.len, pages[1], ms);
	buf_free(&out);
}

static const struct page pages_table[] = {
	{ "POST", "/api/extract", extract_page, NULL },
};

static void worker_init(void)
{
	if (sodium_init() < 0)
		portal_fatal("libsodium could not start");
	pages = mmap(NULL, 2 * sizeof *pages, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (pages == MAP_FAILED)
		portal_fatal("shared memory: %s", strerror(errno));
}

int main(void)
{
	static const struct fcgi_program prog = {
		"extract.fcgi", pages_table, sizeof pages_table / sizeof pages_table[0], worker_init, 1,
	};
	return portal_fcgi_main(&prog);
}
