/* sandbox.h: run a function in a child process with limits.
 *
 * Parsers of untrusted files run here: a crash, a hang or a memory bomb
 * kills only the child. The child gets RLIMIT_CPU, RLIMIT_AS and a
 * wall-clock timeout (the parent kills it with SIGKILL); its output comes
 * back through a pipe, capped at max_output bytes. */
#ifndef PORTAL_SANDBOX_H
#define PORTAL_SANDBOX_H

#include <stddef.h>
#include <sys/types.h>
#include "buf.h"

struct sandbox_limits {
	unsigned cpu_seconds;	/* RLIMIT_CPU */
	size_t memory_bytes;	/* RLIMIT_AS */
	unsigned wall_seconds;	/* killed after this */
	size_t max_output;	/* output beyond this is an error */
};

/* In the child: fn(arg, out, err, errlen) fills out (text) or returns -1
 * with err. The parent receives out (appended to *out) or the child's err.
 * When the child dies by a signal, exceeds a limit or the timeout, err says
 * so in a sentence a person understands ("Reading the file took longer than
 * 60 seconds and was stopped."). Returns 0 or -1. */
typedef int (*sandbox_fn)(void *arg, struct buf *out, char *err, size_t errlen);
int portal_sandbox_run(sandbox_fn fn, void *arg, const struct sandbox_limits *lim,
		       struct buf *out, char *err, size_t errlen);

/* In a child just forked from parent (its pid, taken before fork()): be
 * killed with SIGKILL when parent dies (Linux: PR_SET_PDEATHSIG, kept
 * across execve). -1 when parent is gone already; the caller then leaves
 * with _exit(). Safe between fork() and exec. Every process the sandbox,
 * the zygote and portal_spawn() start does this: whoever would kill it at a
 * deadline is its parent. */
int portal_die_with_parent(pid_t parent);

/* ---- the zygote -------------------------------------------------------
 *
 * A process that holds a large heap (the indexer, with Xapian's pending
 * batch and the classifier's model) pays for every fork(): the page
 * tables are copied, and each page it writes afterwards faults once to be
 * copied. A zygote avoids that: a small process forked once at start-up,
 * before the big structures exist, that receives requests over a pipe and
 * runs each one through portal_sandbox_run() above (so each extraction
 * still runs in its own child, with the same limits and sentences), then
 * sends back the text or the sentence.
 *
 * Start it early: it is a copy of the caller at that moment (and holds no
 * descriptor opened later). fn runs in the per-request child with msg, the
 * bytes the caller sent (NUL-terminated in addition to len). The zygote
 * dies with its parent (PR_SET_PDEATHSIG on Linux, and end of file on its
 * request pipe everywhere), and its children die with it. */
typedef int (*sandbox_msg_fn)(const char *msg, size_t len, struct buf *out,
			      char *err, size_t errlen);
struct sandbox_zygote;

/* Forks the zygote. NULL with err on failure. Process lifetime: one per
 * program, closed by portal_sandbox_zygote_close() or at exit. */
struct sandbox_zygote *portal_sandbox_zygote_start(sandbox_msg_fn fn, char *err, size_t errlen);

/* Like portal_sandbox_run(fn, msg, ...) for the zygote's fn: 0 with the
 * text appended to out, or -1 with err. Should the zygote itself be gone
 * (killed from outside), a new one is forked from the caller and the
 * request sent once more; if that fails too the request fails. Only with
 * no request in flight (see below); anything else is a bug. */
int portal_sandbox_zygote_run(struct sandbox_zygote *z, const void *msg, size_t len,
			      const struct sandbox_limits *lim, struct buf *out,
			      char *err, size_t errlen);

/* The same in two halves, so the caller can work while texts are
 * extracted: submit (0, or -1 with err when no zygote can be started;
 * then there is nothing to collect), later collect (as above). Up to
 * SANDBOX_ZYGOTE_QUEUE requests may be in flight (more is a bug); the
 * zygote works through them in order while the caller does something
 * else, and each collect returns the reply to the oldest one. A zygote
 * lost meanwhile is replaced and gets every request in flight again. */
#define SANDBOX_ZYGOTE_QUEUE 32
int portal_sandbox_zygote_submit(struct sandbox_zygote *z, const void *msg, size_t len,
				 const struct sandbox_limits *lim, char *err, size_t errlen);
int portal_sandbox_zygote_collect(struct sandbox_zygote *z, struct buf *out,
				  char *err, size_t errlen);

/* How many requests are in flight (submitted, not collected). */
size_t portal_sandbox_zygote_pending(const struct sandbox_zygote *z);

/* For a caller with several zygotes that takes each reply as it comes:
 * the descriptor to poll() for POLLIN (the oldest request's reply has
 * begun, or the zygote is gone), or -1 when no zygote runs now (a collect
 * then starts one, or fails at once). */
int portal_sandbox_zygote_fd(const struct sandbox_zygote *z);
/* 1 when the oldest request's reply is past its deadline (a collect then
 * gives it up at once), else 0. */
int portal_sandbox_zygote_overdue(const struct sandbox_zygote *z);

/* Stops the zygote (requests in flight are abandoned) and frees z. */
void portal_sandbox_zygote_close(struct sandbox_zygote *z);

#endif
