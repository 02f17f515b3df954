/* preview.c: PDF pages to PNG through poppler's pdftoppm, framed for the
 * sandbox's pipe (preview.h).
 *
 * Each page is a pdftoppm run of its own writing the PNG to its stdout
 * (-singlefile, no output root), so nothing touches the disk inside the
 * sandbox and a killed child leaves nothing behind. The width is fixed
 * (-scale-to-x, height by the page's proportions) and the crop box (-W,
 * -H) caps the bitmap, so a page 200000 points tall still makes an image
 * of at most PREVIEW_WIDTH x PREVIEW_MAX_HEIGHT. Rendering has a time
 * budget of its own: a page still drawing when it runs out is killed and
 * the pages before it are kept, so a PDF that is slow to draw costs its
 * images, never its text. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#ifndef PDFTOPPM_PATH
#define PDFTOPPM_PATH "/usr/bin/pdftoppm"
#endif

#include "preview.h"
#include "extract.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void put_u32(struct buf *b, uint32_t v)
{
	char x[4] = { (char)(v >> 24), (char)(v >> 16), (char)(v >> 8), (char)v };
	buf_append(b, x, 4);
}

static uint32_t get_u32(const char *p)
{
	const unsigned char *u = (const unsigned char *)p;
	return (uint32_t)u[0] << 24 | (uint32_t)u[1] << 16 | (uint32_t)u[2] << 8 | u[3];
}

int portal_preview_is_png(const char *data, size_t len)
{
	return len >= 8 && memcmp(data, "\x89PNG\r\n\x1a\n", 8) == 0;
}

static double now_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + t.tv_nsec / 1e9;
}

/* Run pdftoppm (argv) into png until it ends or deadline (now_s()) passes,
 * at most PREVIEW_MAX_BYTES. 0 when it ended well with an image. */
static int render(char *const argv[], double deadline, struct buf *png)
{
	char err[256];
	int fds[2];
	if (pipe2(fds, O_CLOEXEC) != 0)
		return -1;
	pid_t pid = portal_spawn(PDFTOPPM_PATH, argv, -1, fds[1], err, sizeof err);
	close(fds[1]);
	if (pid < 0) {
		close(fds[0]);
		return -1;
	}
	int ok = 1;
	for (;;) {
		double left = deadline - now_s();
		struct pollfd p = { .fd = fds[0], .events = POLLIN };
		int rc = left > 0 ? poll(&p, 1, (int)(left * 1000) + 1) : 0;
		if (rc < 0 && errno == EINTR)
			continue;
		if (rc <= 0) {	/* out of time */
			ok = 0;
			break;
		}
		char chunk[65536];
		ssize_t n = read(fds[0], chunk, sizeof chunk);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (png->len + (size_t)n > PREVIEW_MAX_BYTES) {
			ok = 0;
			break;
		}
		buf_append(png, chunk, (size_t)n);
	}
	close(fds[0]);
	if (!ok)
		kill(pid, SIGKILL);
	int st = portal_wait(pid);
	return ok && st >= 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0 &&
	       portal_preview_is_png(png->data, png->len) ? 0 : -1;
}

int portal_preview_pdf(const char *path, int max_pages, double budget, struct buf *out)
{
	struct buf pages = BUF_INIT, png = BUF_INIT, arg = BUF_INIT;
	char p[16], w[16], h[16];
	int n = 0;
	double deadline = now_s() + budget;

	snprintf(w, sizeof w, "%d", PREVIEW_WIDTH);
	snprintf(h, sizeof h, "%d", PREVIEW_MAX_HEIGHT);
	const char *file = portal_path_arg(path, &arg);
	for (int page = 1; page <= max_pages; page++) {
		snprintf(p, sizeof p, "%d", page);
		char *argv[] = { "pdftoppm", "-q", "-f", p, "-l", p, "-singlefile", "-png",
				 "-scale-to-x", w, "-scale-to-y", "-1",
				 "-x", "0", "-y", "0", "-W", w, "-H", h, (char *)file, NULL };
		buf_reset(&png);
		/* past the last page (exit 99), damaged, not an image, out of time: stop */
		if (render(argv, deadline, &png) < 0)
			break;
		put_u32(&pages, (uint32_t)png.len);
		buf_append(&pages, png.data, png.len);
		n++;
	}
	put_u32(out, (uint32_t)n);
	if (pages.len)
		buf_append(out, pages.data, pages.len);
	buf_free(&pages);
	buf_free(&png);
	buf_free(&arg);
	return n;
}

int portal_preview_split(const char *data, size_t len, struct portal_preview_page *pages, int max,
			 size_t *used)
{
	if (len < 4)
		return -1;
	uint32_t n = get_u32(data);
	size_t at = 4;
	if (n > (uint32_t)max)
		return -1;
	for (uint32_t i = 0; i < n; i++) {
		if (len - at < 4)
			return -1;
		size_t l = get_u32(data + at);
		at += 4;
		if (l > len - at)
			return -1;
		pages[i].png = data + at;
		pages[i].len = l;
		at += l;
	}
	*used = at;
	return (int)n;
}
