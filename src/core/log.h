/* log.h: process logging, fatal errors, and the few process utilities
 * every program needs (allocation that cannot fail, a monotonic clock).
 *
 * Messages go to stderr, which portal up redirects to a file under the
 * data directory's log/. fatal() is for broken invariants: the worker dies
 * loudly and its master replaces it (see fcgi-master.c). */
#ifndef PORTAL_LOG_H
#define PORTAL_LOG_H

#include <stdarg.h>
#include <stddef.h>

/* Set the program name shown in every line (a static string). */
void portal_log_init(const char *progname);
void portal_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
_Noreturn void portal_fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Memory that cannot be had is a broken invariant: these never return NULL. */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t m);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

/* Milliseconds of a monotonic clock: for deadlines and durations, never
 * for dates (portal_now() in db.h gives those). */
long long portal_now_ms(void);

#endif
