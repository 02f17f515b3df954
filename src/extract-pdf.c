/* extract-pdf.c: PDF text through poppler's pdftotext.
 *
 * pdftotext runs as a child (fork + execv, no shell) writing UTF-8 to a
 * pipe. It inherits our resource limits, and when we run inside the
 * sandbox it shares the sandbox child's process group, so a timeout kills
 * it too. A PDF whose text is only blank space (page breaks) is a scan
 * without a text layer; that is reported, not indexed as empty. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#ifndef PDFTOTEXT_PATH
#define PDFTOTEXT_PATH "/usr/bin/pdftotext"
#endif

#include "extract.h"
#include "encoding.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

/* In the forked child: stdout to the pipe, stdin and stderr to /dev/null,
 * then exec. Never returns. */
static void exec_pdftotext(const char *path, int wfd)
{
	char *argv[] = {
		"pdftotext", "-q", "-enc", "UTF-8", "-eol", "unix",
		(char *)path, "-", NULL
	};
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);

	if (null >= 0) {
		dup2(null, STDIN_FILENO);
		dup2(null, STDERR_FILENO);
	}
	if (dup2(wfd, STDOUT_FILENO) < 0)
		_exit(127);
	execv(PDFTOTEXT_PATH, argv);
	_exit(127);
}

static void read_all(int fd, struct buf *raw)
{
	char chunk[16384];

	for (;;) {
		ssize_t r = read(fd, chunk, sizeof chunk);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		buf_append(raw, chunk, (size_t)r);
	}
}

static int wait_child(pid_t pid)
{
	int st = 0;

	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	return st;
}

/* Run pdftotext on path; its stdout into raw. The wait status, or -1. */
static int run_pdftotext(const char *path, struct buf *raw, char *err, size_t errlen)
{
	int fds[2];

	if (pipe2(fds, O_CLOEXEC) != 0) {
		snprintf(err, errlen, "The PDF could not be read: no pipe (%s).", strerror(errno));
		return -1;
	}
	pid_t pid = fork();
	if (pid < 0) {
		snprintf(err, errlen, "The PDF could not be read: no process (%s).", strerror(errno));
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	if (pid == 0)
		exec_pdftotext(path, fds[1]);
	close(fds[1]);
	read_all(fds[0], raw);
	close(fds[0]);
	int st = wait_child(pid);
	if (st < 0)
		snprintf(err, errlen, "The PDF could not be read: pdftotext was lost (%s).",
			 strerror(errno));
	return st;
}

static int only_blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strchr(" \t\n\r\f\v", s[i]) || s[i] == '\0')
			return 0;
	return 1;
}

static int status_error(int st, char *err, size_t errlen)
{
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return 0;
	if (WIFEXITED(st) && WEXITSTATUS(st) == 127)
		snprintf(err, errlen, "The PDF could not be read: the program pdftotext "
			 "(%s) could not be started.", PDFTOTEXT_PATH);
	else if (WIFSIGNALED(st) && WTERMSIG(st) == SIGABRT)
		snprintf(err, errlen, "The PDF could not be read: pdftotext ran out of "
			 "memory or stopped on an internal error.");
	else if (WIFSIGNALED(st))
		snprintf(err, errlen, "The PDF could not be read: pdftotext crashed (signal %d).",
			 WTERMSIG(st));
	else
		snprintf(err, errlen, "The PDF file is damaged or encrypted and its text "
			 "could not be read.");
	return -1;
}

int portal_extract_pdf(const char *path, struct buf *out, char *err, size_t errlen)
{
	struct buf raw = BUF_INIT, arg = BUF_INIT;

	/* A path starting with '-' would read as an option. */
	if (path[0] == '-')
		buf_puts(&arg, "./");
	buf_puts(&arg, path);
	int st = run_pdftotext(buf_str(&arg), &raw, err, errlen);
	buf_free(&arg);
	if (st < 0 || status_error(st, err, errlen) < 0) {
		buf_free(&raw);
		return -1;
	}
	if (only_blank(raw.data, raw.len)) {
		snprintf(err, errlen, "The PDF has no text layer (it may be a scan); "
			 "text recognition is not available yet.");
		buf_free(&raw);
		return -1;
	}
	/* pdftotext separates pages with form feeds; make them line breaks. */
	for (size_t i = 0; i < raw.len; i++)
		if (raw.data[i] == '\f')
			raw.data[i] = '\n';
	portal_to_utf8(raw.data, raw.len, "UTF-8", out, NULL, 0, err, errlen);
	buf_free(&raw);
	return 0;
}
