/* sandbox.h: run a function in a child process with limits.
 *
 * Parsers of untrusted files run here: a crash, a hang or a memory bomb
 * kills only the child. The child gets RLIMIT_CPU, RLIMIT_AS and a
 * wall-clock timeout (the parent kills it with SIGKILL); its output comes
 * back through a pipe, capped at max_output bytes. */
#ifndef PORTAL_SANDBOX_H
#define PORTAL_SANDBOX_H

#include <stddef.h>
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

#endif
