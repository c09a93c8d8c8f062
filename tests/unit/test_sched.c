/*
 * The scheduler on a fake clock: each target's schedule (iputils' -i, -l,
 * -A rules) and the many-target queues (spread, pacing, per-target due times).
 */
#include <check.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "rtping/sched.h"
#include "rtping/stats.h"
#include "runner.h"
#include "stats_fixture.h"

#define MS 1000000LL
#define T0 (1000 * MS)
#define SEC (1000 * MS)

START_TEST(first_sends_spread_over_one_interval)
{
	struct rt_sched_queue s;
	int64_t wake;

	ck_assert_int_eq(rt_sched_queue_init(&s, 4, 1000, 1000 * MS, T0), 0);
	for (int i = 0; i < 4; i++) {
		int64_t at = T0 + i * 250 * MS;

		ck_assert_int_eq(rt_sched_queue_pick(&s, at - 1, &wake), -1);
		ck_assert_int_eq(wake, at);
		ck_assert_int_eq(rt_sched_queue_pick(&s, at, &wake), i);
		rt_sched_queue_sent(&s, (size_t)i, at, at + 1000 * MS);
	}
	/* Then each on its own interval, in the same order. */
	ck_assert_int_eq(rt_sched_queue_pick(&s, T0 + 999 * MS, &wake), -1);
	ck_assert_int_eq(wake, T0 + 1000 * MS);
	ck_assert_int_eq(rt_sched_queue_pick(&s, T0 + 1000 * MS, &wake), 0);
	rt_sched_queue_free(&s);
}
END_TEST

/* 1000 targets due at once against --rate 1000: one send a millisecond, no burst. */
START_TEST(global_rate_paces_every_send)
{
	struct rt_sched_queue s;
	int64_t now = T0, wake, last = 0;
	long sent = 0, i;

	ck_assert_int_eq(rt_sched_queue_init(&s, 1000, 1000, 0, T0), 0);
	while ((i = rt_sched_queue_pick(&s, now, &wake)) >= 0 || wake) {
		if (i < 0) {
			ck_assert_int_ge(wake, now);
			now = wake;
			continue;
		}
		if (sent)
			ck_assert_int_ge(now - last, 1 * MS);
		last = now;
		sent++;
		rt_sched_queue_sent(&s, (size_t)i, now, now);
		rt_sched_queue_done(&s, (size_t)i);
	}
	ck_assert_int_eq(sent, 1000);
	ck_assert_int_eq(last, T0 + 999 * MS);
	rt_sched_queue_free(&s);
	/* A late caller gets one send now, not a burst for the time it lost. */
	ck_assert_int_eq(rt_sched_queue_init(&s, 3, 100, 0, T0), 0);
	ck_assert_int_eq(rt_sched_queue_pick(&s, T0 + 500 * MS, &wake), 0);
	rt_sched_queue_sent(&s, 0, T0 + 500 * MS, INT64_MAX);
	ck_assert_int_eq(rt_sched_queue_pick(&s, T0 + 500 * MS, &wake), -1);
	ck_assert_int_eq(wake, T0 + 510 * MS);
	rt_sched_queue_free(&s);
}
END_TEST

/* Each send a little late (a wake-up's latency): the schedule does not drift. */
START_TEST(late_wakeups_do_not_add_up)
{
	struct rt_sched_queue s;
	int64_t now = T0, wake, late = 100000;   /* 0.1 ms */
	long i, sent = 0;

	ck_assert_int_eq(rt_sched_queue_init(&s, 1000, 1000, 0, T0), 0);
	while ((i = rt_sched_queue_pick(&s, now, &wake)) >= 0 || wake) {
		if (i < 0) {
			now = wake + late;
			continue;
		}
		sent++;
		rt_sched_queue_sent(&s, (size_t)i, now, now);
		rt_sched_queue_done(&s, (size_t)i);
	}
	ck_assert_int_eq(sent, 1000);
	ck_assert_int_eq(now, T0 + 999 * MS + late);
	rt_sched_queue_free(&s);
}
END_TEST

/* Per-target due times (their own -i) decide the order; done targets never come back. */
START_TEST(per_target_due_times_and_done)
{
	struct rt_sched_queue s;
	int64_t wake;

	ck_assert_int_eq(rt_sched_queue_init(&s, 3, 1000000, 0, T0), 0);
	ck_assert_int_eq(rt_sched_queue_pick(&s, T0, &wake), 0);
	rt_sched_queue_sent(&s, 0, T0, T0 + 300 * MS);
	ck_assert_int_eq(rt_sched_queue_pick(&s, T0 + 1 * MS, &wake), 1);
	rt_sched_queue_sent(&s, 1, T0 + 1 * MS, T0 + 100 * MS);
	ck_assert_int_eq(rt_sched_queue_pick(&s, T0 + 2 * MS, &wake), 2);
	rt_sched_queue_done(&s, 2);
	ck_assert_int_eq(rt_sched_queue_pick(&s, T0 + 2 * MS, &wake), -1);
	ck_assert_int_eq(wake, T0 + 100 * MS);
	rt_sched_queue_defer(&s, 0, T0 + 50 * MS);   /* moved earlier */
	ck_assert_int_eq(rt_sched_queue_pick(&s, T0 + 50 * MS, &wake), 0);
	rt_sched_queue_done(&s, 0);
	rt_sched_queue_done(&s, 0);                  /* twice is harmless */
	ck_assert_int_eq(rt_sched_queue_pick(&s, T0 + 100 * MS, &wake), 1);
	rt_sched_queue_done(&s, 1);
	ck_assert_int_eq(rt_sched_queue_pick(&s, T0 + 100 * MS, &wake), -1);
	ck_assert_int_eq(wake, 0);
	rt_sched_queue_free(&s);
	ck_assert_int_eq(rt_sched_queue_init(&s, 3, -1, 0, T0), -EINVAL);
}
END_TEST

/* Rate 0: no global pacer, so a preload burst of one target leaves at once. */
START_TEST(rate_zero_leaves_each_target_its_own_schedule)
{
	struct rt_sched_queue s;
	int64_t wake;

	ck_assert_int_eq(rt_sched_queue_init(&s, 1, 0, SEC, T0), 0);
	for (int k = 0; k < 3; k++) {
		ck_assert_int_eq(rt_sched_queue_pick(&s, T0, &wake), 0);
		rt_sched_queue_sent(&s, 0, T0, INT64_MIN);
	}
	rt_sched_queue_sent(&s, 0, T0, T0 + SEC);
	ck_assert_int_eq(rt_sched_queue_pick(&s, T0, &wake), -1);
	ck_assert_int_eq(wake, T0 + SEC);
	rt_sched_queue_free(&s);
}
END_TEST

/* The heap against a plain scan, on a pseudo-random workload. */
START_TEST(heap_order_matches_a_linear_scan)
{
	enum { N = 257 };
	struct rt_sched_queue s;
	int64_t due[N], now = T0, wake;
	bool gone[N] = { false };
	unsigned r = 12345;

	ck_assert_int_eq(rt_sched_queue_init(&s, N, 1000000000, 0, T0), 0);
	for (int i = 0; i < N; i++)
		due[i] = T0;
	for (int step = 0; step < 5000; step++) {
		long got = rt_sched_queue_pick(&s, INT64_MAX - 1, &wake), want = -1;

		for (int i = 0; i < N; i++)
			if (!gone[i] && (want < 0 || due[i] < due[want]))
				want = i;
		ck_assert_int_eq(got, want);
		if (got < 0)
			break;
		r = r * 1103515245 + 12345;
		if (r % 50 == 0) {
			gone[got] = true;
			rt_sched_queue_done(&s, (size_t)got);
		} else {
			due[got] = now + (r >> 8) % (1000 * MS);
			rt_sched_queue_defer(&s, (size_t)got, due[got]);
		}
	}
	rt_sched_queue_free(&s);
}
END_TEST


/* ---- one target's schedule, driven by its statistics -------------------- */


/* One target's schedule, without a global rate (free it with rt_sched_free()). */
static void sched_init(struct rt_sched *sc, int64_t interval_ns, long preload, bool adaptive,
		       int64_t min_interval_ns, int64_t now)
{
	struct rt_sched_cfg c = { .interval_ns = interval_ns, .preload = preload,
				  .adaptive = adaptive, .min_interval_ns = min_interval_ns };

	ck_assert_int_eq(rt_sched_init(sc, &c, 1, now), 0);
}

/* Drives the scheduler with a fake clock: each send happens `late` ns after it was due. */
static int64_t run_schedule(struct rt_sched *sc, int n, int64_t late)
{
	int64_t now = 1000 * MS;

	for (int i = 0; i < n; i++) {
		int64_t due = rt_sched_due(sc, 0, st);

		if (due > now)
			now = due;
		now += late;
		send_at(now);
		rt_sched_sent(sc, 0, st, now);
	}
	return now;
}

/* -i 0.2 -c 50 takes 9.8 s however late each send is: no accumulated drift. */
START_TEST(fixed_interval_does_not_drift)
{
	struct rt_sched sc;

	sched_init(&sc, 200 * MS, 1, false, 0, 1000 * MS);
	run_schedule(&sc, 50, 3 * MS);
	ck_assert_int_eq(st->last_send_ns - st->start_ns, 9800 * MS + 3 * MS);
	ck_assert_int_eq(rt_stats_elapsed_ms(st), 9803);
	rt_sched_free(&sc);
}
END_TEST

START_TEST(preload_sends_at_once_then_keeps_interval)
{
	struct rt_sched sc;

	sched_init(&sc, 1000 * MS, 3, false, 0, 1000 * MS);
	ck_assert(rt_sched_due(&sc, 0, st) <= 1000 * MS);
	run_schedule(&sc, 3, 0);
	ck_assert_int_eq(st->last_send_ns, 1000 * MS);       /* three at once */
	ck_assert_int_eq(rt_sched_due(&sc, 0, st), 2000 * MS);   /* then one a second */
	rt_sched_free(&sc);
}
END_TEST

START_TEST(stall_restarts_without_burst)
{
	struct rt_sched sc;

	sched_init(&sc, 200 * MS, 1, false, 0, 1000 * MS);
	run_schedule(&sc, 2, 0);
	/* Stopped for 5 s: the next send is not followed by 25 catch-up sends. */
	send_at(6200 * MS);
	rt_sched_sent(&sc, 0, st, 6200 * MS);
	ck_assert_int_ge(rt_sched_due(&sc, 0, st), 6200 * MS);
	rt_sched_free(&sc);
}
END_TEST

START_TEST(flood_waits_for_room_or_10ms)
{
	struct rt_sched sc;
	struct rt_reply_acct a;

	sched_init(&sc, 0, 1, false, 0, 1000 * MS);
	ck_assert(rt_sched_due(&sc, 0, st) <= 1000 * MS);
	send_at(1000 * MS);
	rt_sched_sent(&sc, 0, st, 1000 * MS);
	ck_assert_int_eq(rt_sched_due(&sc, 0, st), 1010 * MS);   /* unanswered: 10 ms */
	rt_stats_reply(st, 1, 1000 * MS + 50000, false, &a);
	ck_assert(rt_sched_due(&sc, 0, st) <= 1000 * MS);         /* answered: at once */
	rt_sched_free(&sc);
}
END_TEST

START_TEST(adaptive_follows_smoothed_rtt)
{
	struct rt_sched sc;
	struct rt_reply_acct a;

	sched_init(&sc, 1000 * MS, 1, true, 2 * MS, 1000 * MS);
	ck_assert_int_eq(rt_sched_adaptive_interval(&sc, st), 1000 * MS);
	send_at(1000 * MS);
	rt_sched_sent(&sc, 0, st, 1000 * MS);
	rt_stats_reply(st, 1, 1030 * MS, false, &a);          /* 30 ms RTT */
	ck_assert_int_eq(rt_sched_adaptive_interval(&sc, st), 30 * MS);
	ck_assert_int_eq(rt_sched_due(&sc, 0, st), 1030 * MS);
	send_at(1030 * MS);
	rt_stats_reply(st, 2, 1030 * MS + 100000, false, &a); /* fast now: floor 2 ms */
	ck_assert_int_ge(rt_sched_adaptive_interval(&sc, st), 2 * MS);
	rt_sched_free(&sc);
}
END_TEST

/* A full send queue (EAGAIN): the same probe 10 ms later, then the schedule again. */
START_TEST(full_queue_retries_after_10ms)
{
	struct rt_sched sc;
	int64_t wake;

	sched_init(&sc, 200 * MS, 1, false, 0, 1000 * MS);
	run_schedule(&sc, 1, 0);
	ck_assert_int_eq(rt_sched_next_send(&sc, 1200 * MS, &wake), 0);
	rt_sched_retry(&sc, 0, st, 1200 * MS);
	ck_assert_int_eq(rt_sched_next_send(&sc, 1209 * MS, &wake), -1);
	ck_assert_int_eq(wake, 1210 * MS);
	send_at(1210 * MS);
	rt_sched_sent(&sc, 0, st, 1210 * MS);
	ck_assert_int_eq(rt_sched_due(&sc, 0, st), 1400 * MS);
	rt_sched_free(&sc);
}
END_TEST

/*
 * A first echo that --rate (or a full queue) held back 2.5 intervals: the
 * target's -i schedule runs from it, so the second does not follow at once.
 */
START_TEST(schedule_runs_from_the_first_echo)
{
	struct rt_sched sc;

	sched_init(&sc, 200 * MS, 1, false, 0, 1000 * MS);
	send_at(1500 * MS);
	rt_sched_sent(&sc, 0, st, 1500 * MS);
	ck_assert_int_eq(rt_sched_due(&sc, 0, st), 1700 * MS);
	ck_assert_int_eq(rt_stats_elapsed_ms(st), 0);   /* "time" too runs from it */
	send_at(1700 * MS);
	rt_sched_sent(&sc, 0, st, 1700 * MS);
	ck_assert_int_eq(rt_sched_due(&sc, 0, st), 1900 * MS);
	ck_assert_int_eq(rt_stats_elapsed_ms(st), 200);
	rt_sched_free(&sc);
}
END_TEST

/* Two targets: the second starts half an interval later; a plan moves both queues. */
START_TEST(targets_start_spread_and_plans_move_both_queues)
{
	struct rt_sched_cfg c = { .interval_ns = 1000 * MS, .preload = 1 };
	struct rt_sched sc;
	int64_t wake;

	ck_assert_int_eq(rt_sched_init(&sc, &c, 2, 1000 * MS), 0);
	ck_assert_int_eq(rt_sched_first(&sc, 1), 1500 * MS);
	ck_assert_int_eq(rt_sched_due(&sc, 1, st), 1500 * MS);
	rt_sched_plan(&sc, 0, st, false, 3000 * MS);             /* -c reached, lingering */
	ck_assert_int_eq(rt_sched_next_send(&sc, 1400 * MS, &wake), -1);
	ck_assert_int_eq(wake, 1500 * MS);
	ck_assert_int_eq(rt_sched_earliest(&sc), 1000 * MS);      /* 1 not planned: its start */
	rt_sched_plan(&sc, 1, st, true, 0);
	ck_assert_int_eq(rt_sched_earliest(&sc), 1500 * MS);
	ck_assert_int_eq(rt_sched_next_wake(&sc, 3000 * MS, &wake), 0);
	rt_sched_woke(&sc, 0, 3000 * MS);
	ck_assert_int_eq(rt_sched_next_wake(&sc, 3000 * MS, &wake), -1);
	ck_assert_int_eq(wake, RT_SCHED_NONE);
	rt_sched_done(&sc, 1);
	ck_assert_int_eq(rt_sched_next_send(&sc, INT64_MAX - 1, &wake), -1);
	ck_assert_int_eq(wake, 0);
	rt_sched_free(&sc);
}
END_TEST

/*
 * A user's broadcast and multicast targets share one echo a second, all
 * together; a unicast target beside them keeps its own schedule.
 */
START_TEST(group_targets_share_one_send_a_second)
{
	struct rt_sched_cfg c = { .interval_ns = SEC, .preload = 1, .rate = 500,
				  .group_gap_ns = SEC };
	struct rt_stats sts[4];
	struct rt_sched sc;
	int64_t now = T0, wake, last_group = 0;
	int sent[4] = { 0 };
	long i;

	ck_assert_int_eq(rt_sched_init(&sc, &c, 4, T0), 0);
	for (int k = 0; k < 4; k++)
		ck_assert_int_eq(rt_stats_init(&sts[k], rt_sched_first(&sc, (size_t)k), 64), 0);
	for (int k = 0; k < 3; k++)
		ck_assert_int_eq(rt_sched_set_group(&sc, (size_t)k), 0);
	while (now < T0 + 10 * SEC) {
		if ((i = rt_sched_next_send(&sc, now, &wake)) < 0) {
			ck_assert_int_gt(wake, now);
			now = wake;
			continue;
		}
		/* Every third turn a little late: the group's gap still holds. */
		if (i < 3 && sent[0] + sent[1] + sent[2] == 3)
			now += 300 * MS;
		rt_stats_sent(&sts[i], rt_stats_next_seq(&sts[i]), now);
		rt_sched_sent(&sc, (size_t)i, &sts[i], now);
		sent[i]++;
		if (i < 3) {
			ck_assert(!last_group || now - last_group >= SEC);
			last_group = now;
		}
	}
	/* Ten seconds (the late one at 3.3 s): ten group echoes in all, ten unicast. */
	ck_assert_int_eq(sent[0] + sent[1] + sent[2], 10);
	ck_assert_int_ge(sent[0], 3);
	ck_assert_int_ge(sent[2], 3);
	ck_assert_int_eq(sent[3], 10);
	/* Without a gap (root) nothing is grouped. */
	rt_sched_free(&sc);
	c.group_gap_ns = 0;
	ck_assert_int_eq(rt_sched_init(&sc, &c, 4, T0), 0);
	ck_assert_int_eq(rt_sched_set_group(&sc, 0), 0);
	ck_assert_ptr_null(sc.in_group);
	rt_sched_free(&sc);
	for (int k = 0; k < 4; k++)
		rt_stats_free(&sts[k]);
}
END_TEST

/* A refused echo counts as sent; the next waits an interval, at least 100 ms (a flood too). */
START_TEST(refused_send_backs_off_that_target)
{
	struct rt_sched_cfg c = { .interval_ns = 0, .preload = 1, .rate = 1000 };
	struct rt_stats sts[2];
	struct rt_sched sc;
	int64_t wake;

	ck_assert_int_eq(rt_sched_init(&sc, &c, 2, T0), 0);
	for (int k = 0; k < 2; k++)
		ck_assert_int_eq(rt_stats_init(&sts[k], T0, 64), 0);
	ck_assert_int_eq(rt_sched_next_send(&sc, T0, &wake), 0);
	rt_stats_sent(&sts[0], rt_stats_next_seq(&sts[0]), T0);
	sts[0].nerrors++;                       /* refused: out of flight at once */
	rt_sched_backoff(&sc, 0, &sts[0], T0);
	/* The other target goes on; target 0 waits 100 ms, not a flood's turn. */
	ck_assert_int_eq(rt_sched_next_send(&sc, T0 + 1 * MS, &wake), 1);
	rt_stats_sent(&sts[1], rt_stats_next_seq(&sts[1]), T0 + 1 * MS);
	rt_sched_sent(&sc, 1, &sts[1], T0 + 1 * MS);
	ck_assert_int_eq(rt_sched_due(&sc, 0, &sts[0]), T0 + 100 * MS);
	rt_sched_free(&sc);
	/* A slower target waits its own interval. */
	c.interval_ns = SEC;
	ck_assert_int_eq(rt_sched_init(&sc, &c, 2, T0), 0);
	rt_stats_sent(&sts[0], rt_stats_next_seq(&sts[0]), T0);
	rt_sched_backoff(&sc, 0, &sts[0], T0);
	ck_assert_int_eq(rt_sched_due(&sc, 0, &sts[0]), T0 + SEC);
	rt_sched_free(&sc);
	for (int k = 0; k < 2; k++)
		rt_stats_free(&sts[k]);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("sched");
	TCase *tc = tcase_create("queue"), *one = tcase_create("one target");

	tcase_add_test(tc, first_sends_spread_over_one_interval);
	tcase_add_test(tc, global_rate_paces_every_send);
	tcase_add_test(tc, rate_zero_leaves_each_target_its_own_schedule);
	tcase_add_test(tc, late_wakeups_do_not_add_up);
	tcase_add_test(tc, per_target_due_times_and_done);
	tcase_add_test(tc, heap_order_matches_a_linear_scan);
	tcase_add_test(tc, group_targets_share_one_send_a_second);
	tcase_add_test(tc, refused_send_backs_off_that_target);
	suite_add_tcase(s, tc);
	tcase_add_checked_fixture(one, setup, teardown);
	tcase_add_test(one, fixed_interval_does_not_drift);
	tcase_add_test(one, preload_sends_at_once_then_keeps_interval);
	tcase_add_test(one, stall_restarts_without_burst);
	tcase_add_test(one, flood_waits_for_room_or_10ms);
	tcase_add_test(one, adaptive_follows_smoothed_rtt);
	tcase_add_test(one, full_queue_retries_after_10ms);
	tcase_add_test(one, schedule_runs_from_the_first_echo);
	tcase_add_test(one, targets_start_spread_and_plans_move_both_queues);
	suite_add_tcase(s, one);
	return s;
}

int main(void)
{
	return rt_test_run(suite());
}
