/*
 * The statistics fixture the stats and scheduler suites share: one target's
 * counters, fresh per test (setup/teardown), and a send on a fake clock.
 */
#ifndef RTPING_TEST_STATS_FIXTURE_H
#define RTPING_TEST_STATS_FIXTURE_H

#include <check.h>
#include <stdint.h>
#include <stdlib.h>

#include "rtping/stats.h"

static struct rt_stats *st;

static void setup(void)
{
	st = malloc(sizeof(*st));
	ck_assert_ptr_nonnull(st);
	ck_assert_int_eq(rt_stats_init(st, 1000 * 1000000LL, RT_WINDOW_MAX), 0);
}

static void teardown(void)
{
	rt_stats_free(st);
	free(st);
}

/* Sends the next probe at t (ns) and returns its sequence. */
static inline uint16_t send_at(int64_t t)
{
	uint16_t seq = rt_stats_next_seq(st);

	rt_stats_sent(st, seq, t);
	return seq;
}

#endif
