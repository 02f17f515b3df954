/* extract-remote.h: an extraction job sent to an extraction host.
 *
 * With PORTAL_EXTRACT_URL set (http://host:port/extract: an nginx in front
 * of an upstream of extraction hosts, doc/scaling.md), the indexer sends
 * its long jobs there (PORTAL_EXTRACT_REMOTE=all: every job), from the
 * same sandboxed child that would otherwise extract the file itself. The
 * host runs portal_extract_job() (extract-job.h) and answers its reply, so
 * the indexer goes on as if the child had extracted the file: it alone
 * writes SQLite and Xapian. The wire format is doc/api.md's "Extraction
 * hosts (internal)".
 *
 * The client is a small HTTP/1.0 client over a socket (one request per
 * connection, the body's length known in advance, no TLS: the hosts sit on
 * the programme's own network, and the key only keeps strangers' files
 * out). libcurl is not in the stack; this needs a fraction of it. */
#ifndef PORTAL_EXTRACT_REMOTE_H
#define PORTAL_EXTRACT_REMOTE_H

#include <stddef.h>
#include "buf.h"

#define PORTAL_REMOTE_TRIES 3	/* requests per job at most (PORTAL_EXTRACT_TRIES) */
#define PORTAL_REMOTE_HOST_FAILED (-2)

/* 1 when jobs of this lane go to the extraction hosts. */
int portal_remote_wanted(int is_long);

/* 1 when a job no host could do is extracted here after all
 * (PORTAL_EXTRACT_FALLBACK=local, the default), 0 when it fails
 * (PORTAL_EXTRACT_FALLBACK=fail). */
int portal_remote_fallback(void);

/* POST the file at path (type mime, want and lane as for
 * portal_extract_job; name: the document's id, for the hosts' logs) to
 * PORTAL_EXTRACT_URL with PORTAL_EXTRACT_KEY, up to PORTAL_EXTRACT_TRIES
 * times while hosts fail (no answer, a reset connection, 5xx, a cut
 * reply), within seconds in all. 0 with the host's reply appended to out;
 * -1 with the host's sentence in err when the document itself cannot be
 * read (422: another host would fail alike); PORTAL_REMOTE_HOST_FAILED
 * with why in err when no host did the job. */
int portal_remote_extract(const char *path, const char *mime, const char *want, int is_long,
			  const char *name, unsigned seconds, struct buf *out,
			  char *err, size_t errlen);

#endif
