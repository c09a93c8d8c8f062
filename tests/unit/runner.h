/* The one main() shape every check suite shares: run, print, exit status. */
#ifndef RTPING_TEST_RUNNER_H
#define RTPING_TEST_RUNNER_H

#include <check.h>
#include <stdlib.h>

/* CK_NORMAL prints "NN%: Checks: N, Failures: F, Errors: E", which tests/run counts. */
static inline int rt_test_run(Suite *s)
{
	SRunner *sr = srunner_create(s);
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

#endif
