/* test-sandbox.c: unit tests for the sandbox (sandbox.c): a function run in
 * a limited child, its output, errors, time, CPU and memory limits, a crash,
 * helpers that would outlive it, and the zygote with requests queued.
 *
 * Under AddressSanitizer, which reserves terabytes of address space,
 * RLIMIT_AS cannot work: the memory-limit test is left out and the others
 * run without a memory limit. */
#include "buf.h"
#include "extract.h"
#include "log.h"
#include "sandbox.h"

#include "check-run.h"
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test-limits.h"

static struct sandbox_limits limits(unsigned wall)
{
	struct sandbox_limits lim = { 20, TEST_MEMORY, wall, 16 * MB };
	return lim;
}

/* ---- sandbox ------------------------------------------------------------ */

static int fn_echo(void *arg, struct buf *out, char *err, size_t errlen)
{
	buf_puts(out, arg);
	return 0;
}

static int fn_fail(void *arg, struct buf *out, char *err, size_t errlen)
{
	snprintf(err, errlen, "Nothing to read here.");
	return -1;
}

static int fn_spin(void *arg, struct buf *out, char *err, size_t errlen)
{
	volatile unsigned long n = 0;
	for (;;)
		n++;
	return 0;
}

static int fn_crash(void *arg, struct buf *out, char *err, size_t errlen)
{
	raise(SIGSEGV);
	return 0;
}

static int fn_flood(void *arg, struct buf *out, char *err, size_t errlen)
{
	for (size_t i = 0; i < *(size_t *)arg; i++)
		buf_putc(out, 'x');
	return 0;
}

/* Starts a helper (as extract-pdf does) that would outlive us, and waits. */
static int fn_grandchild(void *arg, struct buf *out, char *err, size_t errlen)
{
	pid_t pid = fork();
	if (pid == 0) {
		execl("/bin/sleep", "sleep", "60", (char *)NULL);
		_exit(127);
	}
	waitpid(pid, NULL, 0);
	return 0;
}

static void run(sandbox_fn fn, void *arg, struct sandbox_limits lim, int want_rc,
		struct buf *out, const char *want_err)
{
	char err[512] = "";
	int rc = portal_sandbox_run(fn, arg, &lim, out, err, sizeof err);
	ck_assert_msg(rc == want_rc, "rc %d, err: %s", rc, err);
	if (want_err)
		ck_assert_str_eq(err, want_err);
}

START_TEST(sandbox_returns_output_and_errors)
{
	struct buf out = BUF_INIT;
	buf_puts(&out, "before:");
	run(fn_echo, "中文输出", limits(10), 0, &out, NULL);
	ck_assert_str_eq(buf_str(&out), "before:中文输出");
	run(fn_fail, NULL, limits(10), -1, &out, "Nothing to read here.");
	ck_assert_str_eq(buf_str(&out), "before:中文输出");

	size_t big = 3 * MB;	/* many pipe buffers' worth */
	buf_reset(&out);
	run(fn_flood, &big, limits(10), 0, &out, NULL);
	ck_assert_uint_eq(out.len, big);
	buf_free(&out);
}
END_TEST

START_TEST(sandbox_caps_output)
{
	struct buf out = BUF_INIT;
	struct sandbox_limits lim = limits(10);
	size_t n = 1000;
	lim.max_output = 100;
	run(fn_flood, &n, lim, -1, &out, "The file holds more text than the 100 bytes allowed "
	    "and was not read.");
	ck_assert_uint_eq(out.len, 0);
	buf_free(&out);
}
END_TEST

START_TEST(sandbox_stops_at_wall_timeout)
{
	struct buf out = BUF_INIT;
	run(fn_spin, NULL, limits(1), -1, &out,
	    "Reading the file took longer than 1 second and was stopped.");
	buf_free(&out);
}
END_TEST

START_TEST(sandbox_timeout_kills_grandchildren)
{
	struct buf out = BUF_INIT;
	int fds[2];

	/* The helper inherits the write end; EOF means it is gone. */
	ck_assert_int_eq(pipe(fds), 0);
	run(fn_grandchild, NULL, limits(1), -1, &out,
	    "Reading the file took longer than 1 second and was stopped.");
	close(fds[1]);
	struct pollfd p = { fds[0], POLLIN, 0 };
	ck_assert_msg(poll(&p, 1, 5000) == 1, "the helper process survived the timeout");
	char c;
	ck_assert_int_eq(read(fds[0], &c, 1), 0);
	close(fds[0]);
	buf_free(&out);
}
END_TEST

/* Starts a converter the way extractors do (portal_spawn) that would
 * outlive us, says so down the pipe in arg, and waits for it. */
static int fn_converter(void *arg, struct buf *out, char *err, size_t errlen)
{
	int wfd = *(int *)arg;
	char *const argv[] = { "sleep", "60", NULL };
	pid_t pid = portal_spawn("/bin/sleep", argv, -1, -1, err, errlen);
	if (pid < 0)
		return -1;
	if (write(wfd, "s", 1) != 1)
		return -1;
	portal_wait(pid);
	return 0;
}

START_TEST(sandbox_child_dies_with_its_parent)
{
	/* A parent (the indexer, its zygote) killed while its sandbox child
	 * runs a converter: neither the child nor the converter may run on
	 * unwatched. All three hold the pipe's write end, so end of file
	 * means all are gone. */
	int fds[2];
	ck_assert_int_eq(pipe(fds), 0);	/* not close-on-exec: sleep holds it too */
	pid_t parent = fork();
	ck_assert_int_ge(parent, 0);
	if (parent == 0) {
		struct buf out = BUF_INIT;
		char err[256];
		struct sandbox_limits lim = limits(100);
		close(fds[0]);
		portal_sandbox_run(fn_converter, &fds[1], &lim, &out, err, sizeof err);
		_exit(0);
	}
	close(fds[1]);
	char c;
	ck_assert_int_eq(read(fds[0], &c, 1), 1);	/* the converter runs */
	kill(parent, SIGKILL);
	waitpid(parent, NULL, 0);
	struct pollfd p = { fds[0], POLLIN, 0 };
	ck_assert_msg(poll(&p, 1, 5000) == 1, "the sandbox child or its converter outlived the parent");
	ck_assert_int_eq(read(fds[0], &c, 1), 0);
	close(fds[0]);
}
END_TEST

START_TEST(sandbox_reports_a_crash)
{
	struct buf out = BUF_INIT;
	run(fn_crash, NULL, limits(10), -1, &out,
	    "The file could not be read: the text extractor crashed (signal 11).");
	buf_free(&out);
}
END_TEST

START_TEST(sandbox_enforces_cpu_limit)
{
	struct buf out = BUF_INIT;
	struct sandbox_limits lim = limits(20);
	lim.cpu_seconds = 1;
	run(fn_spin, NULL, lim, -1, &out,
	    "Reading the file used more than 1 second of processor time and was stopped.");
	buf_free(&out);
}
END_TEST

#if !UNDER_ASAN
static void quiet_stderr(void)
{
	int fd = open("/dev/null", O_WRONLY);
	if (fd >= 0)
		dup2(fd, STDERR_FILENO);
}

/* Allocates through xmalloc(), which aborts when refused. */
static int fn_hog(void *arg, struct buf *out, char *err, size_t errlen)
{
	quiet_stderr();
	for (;;) {
		char *p = xmalloc(MB);
		memset(p, 1, MB);
	}
	return 0;
}

/* Gets NULL from malloc() and says so through errno. */
static int fn_polite_hog(void *arg, struct buf *out, char *err, size_t errlen)
{
	char *volatile p = malloc(1024 * MB);	/* volatile: not optimised away */
	if (!p) {
		errno = ENOMEM;
		return -1;
	}
	free(p);
	return 0;
}

START_TEST(sandbox_enforces_memory_limit)
{
	struct buf out = BUF_INIT;
	struct sandbox_limits lim = limits(20);
	lim.memory_bytes = 256 * MB;
	run(fn_hog, NULL, lim, -1, &out,
	    "The file could not be read: it needed more memory than the 256 MB allowed.");
	run(fn_polite_hog, NULL, lim, -1, &out,
	    "The file could not be read: it needed more memory than the 256 MB allowed.");
	buf_free(&out);
}
END_TEST
#endif

/* ---- the zygote, with requests queued ----------------------------------- */

/* msg "N:SIZE" answers SIZE bytes, starting with "N:"; "fail" answers a
 * sentence; "kill" kills its zygote (this child's parent) first. */
static int zfn(const char *msg, size_t len, struct buf *out, char *err, size_t errlen)
{
	if (strcmp(msg, "fail") == 0) {
		snprintf(err, errlen, "Refused: %s.", msg);
		return -1;
	}
	if (strcmp(msg, "kill") == 0) {
		kill(getppid(), SIGKILL);
		return 0;
	}
	size_t size = strtoul(strchr(msg, ':') + 1, NULL, 10);
	buf_printf(out, "%.*s:", (int)(strchr(msg, ':') - msg), msg);
	while (out->len < size)
		buf_putc(out, 'x');
	return 0;
}

static void zsubmit(struct sandbox_zygote *z, const char *msg)
{
	char err[256];
	struct sandbox_limits lim = limits(20);
	ck_assert_int_eq(portal_sandbox_zygote_submit(z, msg, strlen(msg), &lim, err, sizeof err), 0);
}

/* Collect the oldest reply: want "N:" and size bytes, or the sentence. */
static void zcollect(struct sandbox_zygote *z, const char *want, size_t size)
{
	struct buf out = BUF_INIT;
	char err[256] = "";
	int rc = portal_sandbox_zygote_collect(z, &out, err, sizeof err);
	if (size) {
		ck_assert_msg(rc == 0, "rc %d for %s: %s", rc, want, err);
		ck_assert_uint_eq(out.len, size);
		ck_assert_int_eq(strncmp(buf_str(&out), want, strlen(want)), 0);
	} else {
		ck_assert_int_eq(rc, -1);
		ck_assert_str_eq(err, want);
	}
	buf_free(&out);
}

START_TEST(zygote_answers_queued_requests_in_order)
{
	char err[256], msg[64];
	struct sandbox_zygote *z = portal_sandbox_zygote_start(zfn, err, sizeof err);
	ck_assert_ptr_nonnull(z);
	/* A full queue holding more text than any pipe: 32 x 300 KB. */
	for (int i = 0; i < SANDBOX_ZYGOTE_QUEUE; i++) {
		if (i == 5) {
			zsubmit(z, "fail");
			continue;
		}
		snprintf(msg, sizeof msg, "%d:%d", i, 300 * 1000);
		zsubmit(z, msg);
	}
	ck_assert_uint_eq(portal_sandbox_zygote_pending(z), SANDBOX_ZYGOTE_QUEUE);
	for (int i = 0; i < SANDBOX_ZYGOTE_QUEUE; i++) {
		if (i == 5) {
			zcollect(z, "Refused: fail.", 0);
			continue;
		}
		snprintf(msg, sizeof msg, "%d:", i);
		zcollect(z, msg, 300 * 1000);
		if (i == 10) {	/* room again: submit while others wait */
			zsubmit(z, "100:7");
			zsubmit(z, "101:7");
		}
	}
	zcollect(z, "100:", 7);
	zcollect(z, "101:", 7);
	ck_assert_uint_eq(portal_sandbox_zygote_pending(z), 0);
	struct buf out = BUF_INIT;
	struct sandbox_limits lim = limits(20);
	ck_assert_int_eq(portal_sandbox_zygote_run(z, "7:9", 3, &lim, &out, err, sizeof err), 0);
	ck_assert_str_eq(buf_str(&out), "7:xxxxxxx");
	buf_free(&out);
	portal_sandbox_zygote_close(z);
}
END_TEST

/* A zygote lost with requests in flight: a new one gets them all again. A
 * request that loses two zygotes fails alone; those behind it succeed. */
START_TEST(zygote_lost_with_a_queue_is_replaced)
{
	char err[256];
	struct sandbox_zygote *z = portal_sandbox_zygote_start(zfn, err, sizeof err);
	ck_assert_ptr_nonnull(z);
	zsubmit(z, "1:100");
	zsubmit(z, "kill");
	zsubmit(z, "3:100000");
	zsubmit(z, "4:5");
	zcollect(z, "1:", 100);
	zcollect(z, "The file could not be read: the text extractor stopped unexpectedly.", 0);
	zcollect(z, "3:", 100000);
	zcollect(z, "4:", 5);
	portal_sandbox_zygote_close(z);
}
END_TEST

/* ---- suite -------------------------------------------------------------- */

int main(void)
{
	Suite *s = suite_create("sandbox");
	TCase *box = tcase_create("sandbox");
	tcase_set_timeout(box, 60);

	tcase_add_test(box, sandbox_returns_output_and_errors);
	tcase_add_test(box, sandbox_caps_output);
	tcase_add_test(box, sandbox_stops_at_wall_timeout);
	tcase_add_test(box, sandbox_timeout_kills_grandchildren);
	tcase_add_test(box, sandbox_reports_a_crash);
	tcase_add_test(box, sandbox_enforces_cpu_limit);
#if !UNDER_ASAN
	tcase_add_test(box, sandbox_enforces_memory_limit);
#endif
	tcase_add_test(box, sandbox_child_dies_with_its_parent);
	tcase_add_test(box, zygote_answers_queued_requests_in_order);
	tcase_add_test(box, zygote_lost_with_a_queue_is_replaced);
	suite_add_tcase(s, box);

	return run_suite(s);
}
