/* extract-job.h: one extraction job, as both of its callers run it.
 *
 * The indexer runs it in the sandboxed children of its workers' zygotes
 * (portal-indexer.c); an extraction host runs it in a sandboxed child per
 * request (cgi-bin/extract.c). One function, the same limits, the same
 * reply: so a text read on another machine is the text the indexer would
 * have read itself.
 *
 * The reply (appended to out) is either
 *	'T', then for want "preview" or "preview-only" the page images framed
 *	as preview.h says, then (unless "preview-only") the text, or
 *	'L' alone: a quick job met something long (extract.h's lanes).
 * A failure is -1 with a sentence in err, as portal_extract_file(). */
#ifndef PORTAL_EXTRACT_JOB_H
#define PORTAL_EXTRACT_JOB_H

#include <stddef.h>
#include "buf.h"
#include "sandbox.h"

/* The sandbox limits of the quick lane and of the long one (a scan of a
 * few hundred pages has half an hour). */
extern const struct sandbox_limits portal_extract_quick_limits;
extern const struct sandbox_limits portal_extract_long_limits;
#define PORTAL_LONG_BUDGET (1800 - 120)	/* no page is started after this (seconds) */

struct portal_extract_lane {
	int is_long;		/* 0: quick (answers 'L' rather than run long) */
	/* long only: where pages done of total go (may be NULL) */
	void (*progress)(void *arg, int done, int total);
	void *progress_arg;
};

/* Extract the file at path, of type mime, as lane says; want is "",
 * "preview" or "preview-only". Run it inside a sandboxed child: it sets
 * the process's extraction options, and the long lane lowers its priority
 * (nice 10). 0 with the reply in out, or -1 with err. */
int portal_extract_job(const char *path, const char *mime, const char *want,
		       const struct portal_extract_lane *lane, struct buf *out,
		       char *err, size_t errlen);

#endif
