/* sandbox-io.h: the pipe and clock helpers sandbox.c and sandbox-zygote.c
 * share; not for use outside the sandbox. */
#ifndef PORTAL_SANDBOX_IO_H
#define PORTAL_SANDBOX_IO_H

#include <stddef.h>

/* Write all n bytes to fd, retrying on EINTR. 0, or -1. */
int portal_sandbox_write_all(int fd, const void *p, size_t n);

/* Copy a child's sentence (s, n bytes) into err, not cutting a UTF-8
 * character. */
void portal_sandbox_copy_error(const char *s, size_t n, char *err, size_t errlen);

#endif
