/* check-run.h: the one way a unit test program runs its Check suite. */
#ifndef PORTAL_CHECK_RUN_H
#define PORTAL_CHECK_RUN_H

#include <check.h>
#include <stdlib.h>

/* Run every test of s (CK_FORK etc. from the environment) and answer the
 * program's exit status: failure when any test failed. */
static inline int run_suite(Suite *s)
{
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_ENV);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

#endif
