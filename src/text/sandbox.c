/* sandbox.c: run a function in a child process with limits.
 *
 * The child leads its own process group (so helpers it starts, such as
 * pdftotext, die with it), sets RLIMIT_CPU (soft; the hard limit one
 * second later), RLIMIT_AS and RLIMIT_CORE = 0, runs fn and sends one frame
 * up a pipe:
 *
 *	status (1 byte)  length (uint64_t, native order)  payload
 *
 * status is FRAME_OK (payload: the text), FRAME_ERR (payload: fn's error
 * sentence), FRAME_NOMEM or FRAME_BIG (no payload). It leaves with _exit(),
 * so atexit handlers and stdio buffers inherited from the parent are never
 * run or flushed twice.
 *
 * The parent reads with poll() against a wall-clock deadline, stops at
 * max_output, and on either kills the whole group with SIGKILL. It then
 * waits for the child and turns what happened into one sentence.
 *
 * The child is killed (PR_SET_PDEATHSIG) when its parent dies: the
 * deadline is the parent's to enforce, so a child whose parent was killed
 * (the indexer or its zygote, by `./portal down` or a crash) would otherwise
 * run on unwatched, up to its CPU limit or for ever when it waits.
 *
 * A limit of 0 means "no limit". RLIMIT_FSIZE is left alone: a child that
 * logs to stderr (a file) must not die of SIGXFSZ. The caller must not set
 * SIGCHLD to SIG_IGN, or the child cannot be waited for. */
#include "sandbox.h"
#include "sandbox-io.h"
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum { FRAME_OK = 'O', FRAME_ERR = 'E', FRAME_NOMEM = 'M', FRAME_BIG = 'B' };
#define HEADER (1 + sizeof(uint64_t))
#define MB (1024 * 1024)

/* ---- the child ------------------------------------------------------- */

int portal_sandbox_write_all(int fd, const void *p, size_t n)
{
	const char *s = p;

	while (n > 0) {
		ssize_t w = write(fd, s, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		s += w;
		n -= (size_t)w;
	}
	return 0;
}

static void send_frame(int fd, char status, const char *payload, size_t len)
{
	char head[HEADER];
	uint64_t n = len;

	head[0] = status;
	memcpy(head + 1, &n, sizeof n);
	if (portal_sandbox_write_all(fd, head, sizeof head) == 0 && len)
		portal_sandbox_write_all(fd, payload, len);
}

/* Handlers and masks from the parent (a FastCGI master's, say) do not
 * belong here; SIGCHLD in particular must be default for waitpid(). */
static void reset_signals(void)
{
	sigset_t none;

	for (int sig = 1; sig < NSIG; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			signal(sig, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

static int set_limit(int resource, rlim_t soft, rlim_t hard)
{
	struct rlimit rl = { soft, hard };

	return setrlimit(resource, &rl);
}

static int set_limits(const struct sandbox_limits *lim)
{
	if (set_limit(RLIMIT_CORE, 0, 0) != 0)
		return -1;
	if (lim->cpu_seconds &&
	    set_limit(RLIMIT_CPU, lim->cpu_seconds, (rlim_t)lim->cpu_seconds + 1) != 0)
		return -1;
#ifndef __SANITIZE_ADDRESS__
	/* AddressSanitizer reserves terabytes of address space, so under
	 * --enable-asan the memory limit is left out (CPU and wall clock
	 * still apply). */
	if (lim->memory_bytes &&
	    set_limit(RLIMIT_AS, lim->memory_bytes, lim->memory_bytes) != 0)
		return -1;
#endif
	return 0;
}

int portal_die_with_parent(pid_t parent)
{
#ifdef __linux__
	prctl(PR_SET_PDEATHSIG, SIGKILL);
#endif
	return getppid() == parent ? 0 : -1;	/* else it died before prctl() */
}

static _Noreturn void run_child(sandbox_fn fn, void *arg, const struct sandbox_limits *lim, int wfd,
				pid_t parent)
{
	struct buf out = BUF_INIT;
	char err[1024] = "";

	if (portal_die_with_parent(parent) < 0)
		_exit(1);
	int null = open("/dev/null", O_RDONLY | O_CLOEXEC);
	setpgid(0, 0);
	reset_signals();
	if (null >= 0)
		dup2(null, STDIN_FILENO);	/* not the FastCGI socket */
	if (set_limits(lim) != 0) {
		snprintf(err, sizeof err, "The file could not be read: the sandbox "
			 "could not set its limits (%s).", strerror(errno));
		send_frame(wfd, FRAME_ERR, err, strlen(err));
		_exit(1);
	}
	errno = 0;
	if (fn(arg, &out, err, sizeof err) == 0) {
		if (lim->max_output && out.len > lim->max_output)
			send_frame(wfd, FRAME_BIG, NULL, 0);
		else
			send_frame(wfd, FRAME_OK, out.data, out.len);
	} else if (!err[0] && errno == ENOMEM) {
		send_frame(wfd, FRAME_NOMEM, NULL, 0);
	} else {
		if (!err[0])
			snprintf(err, sizeof err, "The file could not be read.");
		send_frame(wfd, FRAME_ERR, err, strlen(err));
	}
	_exit(0);
}

/* ---- the parent ------------------------------------------------------- */

struct run {
	pid_t pid;
	int fd;
	struct buf data;	/* the frame as received */
	int timed_out;
	int too_big;
};

/* Read the child's frame until EOF, the deadline or the size cap. */
static void read_frame(struct run *r, const struct sandbox_limits *lim)
{
	long long deadline = portal_now_ms() + (long long)lim->wall_seconds * 1000;
	size_t cap = lim->max_output ? lim->max_output + HEADER : (size_t)-1;
	char chunk[16384];

	for (;;) {
		long long left = deadline - portal_now_ms();
		if (lim->wall_seconds && left <= 0) {
			r->timed_out = 1;
			return;
		}
		struct pollfd p = { r->fd, POLLIN, 0 };
		int rc = poll(&p, 1, lim->wall_seconds ? (int)(left > 60000 ? 60000 : left) : -1);
		if (rc < 0 && errno != EINTR)
			return;
		if (rc <= 0)
			continue;
		ssize_t n = read(r->fd, chunk, sizeof chunk);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		if (r->data.len + (size_t)n > cap) {
			r->too_big = 1;
			return;
		}
		buf_append(&r->data, chunk, (size_t)n);
	}
}

/* Wait for the child to end, clear out anything left in its group, and
 * reap it. The child stays a zombie until the group is killed, so its pid
 * (the group id) cannot be reused meanwhile. */
static int reap(struct run *r, struct rusage *ru)
{
	siginfo_t info;
	int st = 0;

	if (r->timed_out || r->too_big)
		kill(-r->pid, SIGKILL);
	while (waitid(P_PID, (id_t)r->pid, &info, WEXITED | WNOWAIT) < 0 && errno == EINTR)
		;
	kill(-r->pid, SIGKILL);
	while (wait4(r->pid, &st, 0, ru) < 0)
		if (errno != EINTR)
			portal_fatal("sandbox: lost child %ld: %s", (long)r->pid, strerror(errno));
	return st;
}

static const char *plural(unsigned n) { return n == 1 ? "" : "s"; }

static void say_memory(const struct sandbox_limits *lim, char *err, size_t errlen)
{
	if (lim->memory_bytes)
		snprintf(err, errlen, "The file could not be read: it needed more memory "
			 "than the %zu MB allowed.", lim->memory_bytes / MB);
	else
		snprintf(err, errlen, "The file could not be read: it needed more memory "
			 "than is available.");
}

static void say_too_big(const struct sandbox_limits *lim, char *err, size_t errlen)
{
	if (lim->max_output >= MB)
		snprintf(err, errlen, "The file holds more text than the %zu MB allowed "
			 "and was not read.", lim->max_output / MB);
	else
		snprintf(err, errlen, "The file holds more text than the %zu bytes allowed "
			 "and was not read.", lim->max_output);
}

static double cpu_used(const struct rusage *ru)
{
	return (double)ru->ru_utime.tv_sec + (double)ru->ru_stime.tv_sec +
	       (ru->ru_utime.tv_usec + ru->ru_stime.tv_usec) / 1e6;
}

/* A death by signal, in words. */
static void say_signal(int sig, const struct rusage *ru, const struct sandbox_limits *lim,
		       char *err, size_t errlen)
{
	if (lim->cpu_seconds && (sig == SIGXCPU ||
				 (sig == SIGKILL && cpu_used(ru) >= lim->cpu_seconds)))
		snprintf(err, errlen, "Reading the file used more than %u second%s of "
			 "processor time and was stopped.", lim->cpu_seconds,
			 plural(lim->cpu_seconds));
	else if (sig == SIGABRT && lim->memory_bytes)
		say_memory(lim, err, errlen);	/* xmalloc() aborts when refused */
	else
		snprintf(err, errlen, "The file could not be read: the text extractor "
			 "crashed (signal %d).", sig);
}

void portal_sandbox_copy_error(const char *s, size_t n, char *err, size_t errlen)
{
	if (!errlen)
		return;
	if (n >= errlen) {
		n = errlen - 1;
		while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
			n--;
	}
	memcpy(err, s, n);
	err[n] = '\0';
}

/* The frame of a child that exited: its text into out, or a sentence. */
static int read_result(struct run *r, int st, const struct sandbox_limits *lim,
		       struct buf *out, char *err, size_t errlen)
{
	uint64_t len = 0;

	if (r->data.len >= HEADER)
		memcpy(&len, r->data.data + 1, sizeof len);
	if (r->data.len < HEADER || len != r->data.len - HEADER) {
		snprintf(err, errlen, "The file could not be read: the text extractor "
			 "stopped unexpectedly (exit status %d).", WEXITSTATUS(st));
		return -1;
	}
	const char *payload = r->data.data + HEADER;
	switch (r->data.data[0]) {
	case FRAME_OK:
		buf_append(out, payload, (size_t)len);
		return 0;
	case FRAME_ERR:
		portal_sandbox_copy_error(payload, (size_t)len, err, errlen);
		return -1;
	case FRAME_NOMEM:
		say_memory(lim, err, errlen);
		return -1;
	case FRAME_BIG:
		say_too_big(lim, err, errlen);
		return -1;
	}
	snprintf(err, errlen, "The file could not be read: the text extractor sent nonsense.");
	return -1;
}

static int outcome(struct run *r, int st, const struct rusage *ru,
		   const struct sandbox_limits *lim, struct buf *out, char *err, size_t errlen)
{
	if (r->timed_out) {
		snprintf(err, errlen, "Reading the file took longer than %u second%s and "
			 "was stopped.", lim->wall_seconds, plural(lim->wall_seconds));
		return -1;
	}
	if (r->too_big) {
		say_too_big(lim, err, errlen);
		return -1;
	}
	if (WIFSIGNALED(st)) {
		say_signal(WTERMSIG(st), ru, lim, err, errlen);
		return -1;
	}
	return read_result(r, st, lim, out, err, errlen);
}

int portal_sandbox_run(sandbox_fn fn, void *arg, const struct sandbox_limits *lim,
		       struct buf *out, char *err, size_t errlen)
{
	struct run r = { 0, -1, BUF_INIT, 0, 0 };
	struct rusage ru;
	int fds[2];

	if (pipe2(fds, O_CLOEXEC) != 0) {
		snprintf(err, errlen, "The file could not be read: no pipe (%s).", strerror(errno));
		return -1;
	}
	pid_t parent = getpid();
	r.pid = fork();
	if (r.pid < 0) {
		snprintf(err, errlen, "The file could not be read: no process could be "
			 "started (%s).", strerror(errno));
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	if (r.pid == 0) {
		close(fds[0]);
		run_child(fn, arg, lim, fds[1], parent);
	}
	setpgid(r.pid, r.pid);	/* also here, so kill(-pid) works at once */
	close(fds[1]);
	r.fd = fds[0];
	read_frame(&r, lim);
	close(r.fd);
	memset(&ru, 0, sizeof ru);
	int st = reap(&r, &ru);
	int rc = outcome(&r, st, &ru, lim, out, err, errlen);
	buf_free(&r.data);
	return rc;
}
