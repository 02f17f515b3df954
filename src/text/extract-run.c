/* extract-run.c: run a converter program and capture its standard output.
 *
 * Every external converter (pdftotext, catdoc, unrtf, tesseract, ...) is
 * started here: fork + execve, no shell, arguments passed as they are. The
 * child gets /dev/null (or a given descriptor) as stdin, a pipe as stdout,
 * /dev/null as stderr, and a small fixed environment: the caller's
 * environment (a FastCGI worker's, say) is none of its business, and one
 * setting matters: OMP_THREAD_LIMIT=1 keeps tesseract to one thread, which
 * on a busy machine is several times faster than its default and keeps its
 * processor time within RLIMIT_CPU.
 *
 * The child inherits our resource limits and, inside the sandbox, our
 * process group, so a timeout there kills converters too; it is killed
 * when we die (PR_SET_PDEATHSIG, kept across execve), so a sandbox child
 * killed because its own parent died takes its converter with it. Output
 * beyond the caller's cap stops the read and kills the converter. */
#include "extract.h"
#include "sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#define ENV_MAX 8

/* The converters' environment, built in the parent (no allocation
 * between fork and exec). TMPDIR is passed on when set. */
static void make_env(char *env[ENV_MAX], struct buf *tmpdir)
{
	size_t n = 0;
	const char *t = getenv("TMPDIR");

	env[n++] = "PATH=/usr/bin:/bin";
	env[n++] = "LANG=C.UTF-8";
	env[n++] = "LC_ALL=C.UTF-8";
	env[n++] = "HOME=/nonexistent";
	env[n++] = "OMP_THREAD_LIMIT=1";
	if (t && *t) {
		buf_printf(tmpdir, "TMPDIR=%s", t);
		env[n++] = tmpdir->data;
	}
	env[n] = NULL;
}

static void put_fd(int from, int to)
{
	if (from != to && dup2(from, to) < 0)
		_exit(127);
}

pid_t portal_spawn(const char *prog, char *const argv[], int in_fd, int out_fd,
		   char *err, size_t errlen)
{
	char *env[ENV_MAX];
	struct buf tmpdir = BUF_INIT;
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);

	if (null < 0) {
		snprintf(err, errlen, "The file could not be read: /dev/null is missing (%s).",
			 strerror(errno));
		return -1;
	}
	make_env(env, &tmpdir);
	pid_t parent = getpid();
	pid_t pid = fork();
	if (pid == 0) {
		if (portal_die_with_parent(parent) < 0)
			_exit(127);
		/* dup2() clears FD_CLOEXEC on the copies; everything else we
		 * hold is close-on-exec. */
		put_fd(in_fd >= 0 ? in_fd : null, STDIN_FILENO);
		put_fd(out_fd >= 0 ? out_fd : null, STDOUT_FILENO);
		put_fd(null, STDERR_FILENO);
		execve(prog, argv, env);
		_exit(127);
	}
	int saved = errno;
	close(null);
	buf_free(&tmpdir);
	if (pid < 0) {
		snprintf(err, errlen, "The file could not be read: no process could be "
			 "started (%s).", strerror(saved));
		return -1;
	}
	return pid;
}

int portal_wait(pid_t pid)
{
	int st = 0;

	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	return st;
}

/* Read fd to its end into out; 1 when more than max bytes came (0: no cap). */
static int read_capped(int fd, size_t max, struct buf *out)
{
	char chunk[65536];
	size_t got = 0;

	for (;;) {
		ssize_t r = read(fd, chunk, sizeof chunk);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return 0;
		got += (size_t)r;
		if (max && got > max)
			return 1;
		buf_append(out, chunk, (size_t)r);
	}
}

int portal_run_capture(const char *prog, char *const argv[], int in_fd, size_t max,
		       struct buf *out, char *err, size_t errlen)
{
	int fds[2];

	if (pipe2(fds, O_CLOEXEC) != 0) {
		snprintf(err, errlen, "The file could not be read: no pipe (%s).", strerror(errno));
		return -1;
	}
	pid_t pid = portal_spawn(prog, argv, in_fd, fds[1], err, errlen);
	close(fds[1]);
	if (pid < 0) {
		close(fds[0]);
		return -1;
	}
	int over = read_capped(fds[0], max, out);
	if (over)
		kill(pid, SIGKILL);
	close(fds[0]);
	int st = portal_wait(pid);
	if (over) {
		snprintf(err, errlen, "The file could not be read: %s produced more than "
			 "%zu MB of text.", argv[0], max / (1024 * 1024));
		return -1;
	}
	if (st < 0)
		snprintf(err, errlen, "The file could not be read: %s was lost (%s).",
			 argv[0], strerror(errno));
	return st;
}

int portal_run_failed(int st, const char *prog, const char *name, const char *what,
		      char *err, size_t errlen)
{
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return 0;
	if (WIFEXITED(st) && WEXITSTATUS(st) == 127)
		snprintf(err, errlen, "%s could not be read: the program %s (%s) could not "
			 "be started.", what, name, prog);
	else if (WIFSIGNALED(st) && WTERMSIG(st) == SIGXCPU)
		snprintf(err, errlen, "%s could not be read: %s used up its processor time.",
			 what, name);
	else if (WIFSIGNALED(st) && (WTERMSIG(st) == SIGABRT || WTERMSIG(st) == SIGKILL))
		snprintf(err, errlen, "%s could not be read: %s ran out of memory or "
			 "stopped on an internal error.", what, name);
	else if (WIFSIGNALED(st))
		snprintf(err, errlen, "%s could not be read: %s crashed (signal %d).",
			 what, name, WTERMSIG(st));
	else
		snprintf(err, errlen, "%s is damaged or in a form %s does not know, and its "
			 "text could not be read.", what, name);
	return -1;
}

const char *portal_path_arg(const char *path, struct buf *tmp)
{
	buf_reset(tmp);
	if (path[0] == '-')
		buf_puts(tmp, "./");
	buf_puts(tmp, path);
	return buf_str(tmp);
}
