/* The many-target scheduler on a fake clock: spread, pacing, per-target due times. */
#include <check.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "rtping/tsched.h"
#include "runner.h"

#define MS 1000000LL
#define T0 (1000 * MS)
#define SEC (1000 * MS)

START_TEST(first_sends_spread_over_one_interval)
{
	struct rt_tsched s;
	int64_t wake;

	ck_assert_int_eq(rt_tsched_init(&s, 4, 1000, 1000 * MS, T0), 0);
	for (int i = 0; i < 4; i++) {
		int64_t at = T0 + i * 250 * MS;

		ck_assert_int_eq(rt_tsched_pick(&s, at - 1, &wake), -1);
		ck_assert_int_eq(wake, at);
		ck_assert_int_eq(rt_tsched_pick(&s, at, &wake), i);
		rt_tsched_sent(&s, (size_t)i, at, at + 1000 * MS);
	}
	/* Then each on its own interval, in the same order. */
	ck_assert_int_eq(rt_tsched_pick(&s, T0 + 999 * MS, &wake), -1);
	ck_assert_int_eq(wake, T0 + 1000 * MS);
	ck_assert_int_eq(rt_tsched_pick(&s, T0 + 1000 * MS, &wake), 0);
	rt_tsched_free(&s);
}
END_TEST

/* 1000 targets due at once against --rate 1000: one send a millisecond, no burst. */
START_TEST(global_rate_paces_every_send)
{
	struct rt_tsched s;
	int64_t now = T0, wake, last = 0;
	long sent = 0, i;

	ck_assert_int_eq(rt_tsched_init(&s, 1000, 1000, 0, T0), 0);
	while ((i = rt_tsched_pick(&s, now, &wake)) >= 0 || wake) {
		if (i < 0) {
			ck_assert_int_ge(wake, now);
			now = wake;
			continue;
		}
		if (sent)
			ck_assert_int_ge(now - last, 1 * MS);
		last = now;
		sent++;
		rt_tsched_sent(&s, (size_t)i, now, now);
		rt_tsched_done(&s, (size_t)i);
	}
	ck_assert_int_eq(sent, 1000);
	ck_assert_int_eq(last, T0 + 999 * MS);
	rt_tsched_free(&s);
	/* A late caller gets one send now, not a burst for the time it lost. */
	ck_assert_int_eq(rt_tsched_init(&s, 3, 100, 0, T0), 0);
	ck_assert_int_eq(rt_tsched_pick(&s, T0 + 500 * MS, &wake), 0);
	rt_tsched_sent(&s, 0, T0 + 500 * MS, INT64_MAX);
	ck_assert_int_eq(rt_tsched_pick(&s, T0 + 500 * MS, &wake), -1);
	ck_assert_int_eq(wake, T0 + 510 * MS);
	rt_tsched_free(&s);
}
END_TEST

/* Each send a little late (a wake-up's latency): the schedule does not drift. */
START_TEST(late_wakeups_do_not_add_up)
{
	struct rt_tsched s;
	int64_t now = T0, wake, late = 100000;   /* 0.1 ms */
	long i, sent = 0;

	ck_assert_int_eq(rt_tsched_init(&s, 1000, 1000, 0, T0), 0);
	while ((i = rt_tsched_pick(&s, now, &wake)) >= 0 || wake) {
		if (i < 0) {
			now = wake + late;
			continue;
		}
		sent++;
		rt_tsched_sent(&s, (size_t)i, now, now);
		rt_tsched_done(&s, (size_t)i);
	}
	ck_assert_int_eq(sent, 1000);
	ck_assert_int_eq(now, T0 + 999 * MS + late);
	rt_tsched_free(&s);
}
END_TEST

/* Per-target due times (their own -i) decide the order; done targets never come back. */
START_TEST(per_target_due_times_and_done)
{
	struct rt_tsched s;
	int64_t wake;

	ck_assert_int_eq(rt_tsched_init(&s, 3, 1000000, 0, T0), 0);
	ck_assert_int_eq(rt_tsched_pick(&s, T0, &wake), 0);
	rt_tsched_sent(&s, 0, T0, T0 + 300 * MS);
	ck_assert_int_eq(rt_tsched_pick(&s, T0 + 1 * MS, &wake), 1);
	rt_tsched_sent(&s, 1, T0 + 1 * MS, T0 + 100 * MS);
	ck_assert_int_eq(rt_tsched_pick(&s, T0 + 2 * MS, &wake), 2);
	rt_tsched_done(&s, 2);
	ck_assert_int_eq(rt_tsched_pick(&s, T0 + 2 * MS, &wake), -1);
	ck_assert_int_eq(wake, T0 + 100 * MS);
	rt_tsched_defer(&s, 0, T0 + 50 * MS);   /* moved earlier */
	ck_assert_int_eq(rt_tsched_pick(&s, T0 + 50 * MS, &wake), 0);
	rt_tsched_done(&s, 0);
	rt_tsched_done(&s, 0);                  /* twice is harmless */
	ck_assert_int_eq(rt_tsched_pick(&s, T0 + 100 * MS, &wake), 1);
	rt_tsched_done(&s, 1);
	ck_assert_int_eq(rt_tsched_pick(&s, T0 + 100 * MS, &wake), -1);
	ck_assert_int_eq(wake, 0);
	rt_tsched_free(&s);
	ck_assert_int_eq(rt_tsched_init(&s, 3, -1, 0, T0), -EINVAL);
}
END_TEST

/* Rate 0: no global pacer, so a preload burst of one target leaves at once. */
START_TEST(rate_zero_leaves_each_target_its_own_schedule)
{
	struct rt_tsched s;
	int64_t wake;

	ck_assert_int_eq(rt_tsched_init(&s, 1, 0, SEC, T0), 0);
	for (int k = 0; k < 3; k++) {
		ck_assert_int_eq(rt_tsched_pick(&s, T0, &wake), 0);
		rt_tsched_sent(&s, 0, T0, INT64_MIN);
	}
	rt_tsched_sent(&s, 0, T0, T0 + SEC);
	ck_assert_int_eq(rt_tsched_pick(&s, T0, &wake), -1);
	ck_assert_int_eq(wake, T0 + SEC);
	rt_tsched_free(&s);
}
END_TEST

/* The heap against a plain scan, on a pseudo-random workload. */
START_TEST(heap_order_matches_a_linear_scan)
{
	enum { N = 257 };
	struct rt_tsched s;
	int64_t due[N], now = T0, wake;
	bool gone[N] = { false };
	unsigned r = 12345;

	ck_assert_int_eq(rt_tsched_init(&s, N, 1000000000, 0, T0), 0);
	for (int i = 0; i < N; i++)
		due[i] = T0;
	for (int step = 0; step < 5000; step++) {
		long got = rt_tsched_pick(&s, INT64_MAX - 1, &wake), want = -1;

		for (int i = 0; i < N; i++)
			if (!gone[i] && (want < 0 || due[i] < due[want]))
				want = i;
		ck_assert_int_eq(got, want);
		if (got < 0)
			break;
		r = r * 1103515245 + 12345;
		if (r % 50 == 0) {
			gone[got] = true;
			rt_tsched_done(&s, (size_t)got);
		} else {
			due[got] = now + (r >> 8) % (1000 * MS);
			rt_tsched_defer(&s, (size_t)got, due[got]);
		}
	}
	rt_tsched_free(&s);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("tsched");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, first_sends_spread_over_one_interval);
	tcase_add_test(tc, global_rate_paces_every_send);
	tcase_add_test(tc, rate_zero_leaves_each_target_its_own_schedule);
	tcase_add_test(tc, late_wakeups_do_not_add_up);
	tcase_add_test(tc, per_target_due_times_and_done);
	tcase_add_test(tc, heap_order_matches_a_linear_scan);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return rt_test_run(suite());
}
