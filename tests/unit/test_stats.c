/* Statistics: iputils' arithmetic and formats, driven by a fake clock. */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "rtping/stats.h"
#include "runner.h"
#include "stats_fixture.h"

#define MS 1000000LL

static char b[32];

START_TEST(rtt_format_precision_boundaries)
{
	ck_assert_str_eq(rt_fmt_rtt(b, sizeof(b), 0), "0.000");
	ck_assert_str_eq(rt_fmt_rtt(b, sizeof(b), 45), "0.045");
	ck_assert_str_eq(rt_fmt_rtt(b, sizeof(b), 999), "0.999");
	ck_assert_str_eq(rt_fmt_rtt(b, sizeof(b), 1000), "1.00");
	ck_assert_str_eq(rt_fmt_rtt(b, sizeof(b), 9994), "9.99");
	ck_assert_str_eq(rt_fmt_rtt(b, sizeof(b), 9995), "10.0");
	ck_assert_str_eq(rt_fmt_rtt(b, sizeof(b), 99949), "99.9");
	ck_assert_str_eq(rt_fmt_rtt(b, sizeof(b), 99950), "100");
	ck_assert_str_eq(rt_fmt_rtt(b, sizeof(b), 1234567), "1235");
	ck_assert_str_eq(rt_fmt_rtt(b, sizeof(b), -5), "0.000");
}
END_TEST

START_TEST(summary_ms_with_three_decimals)
{
	ck_assert_str_eq(rt_fmt_ms3(b, sizeof(b), 45), "0.045");
	ck_assert_str_eq(rt_fmt_ms3(b, sizeof(b), 12345), "12.345");
	ck_assert_str_eq(rt_fmt_ms3(b, sizeof(b), 100000), "100.000");
}
END_TEST

START_TEST(loss_percentage_like_printf_g)
{
	ck_assert_str_eq(rt_fmt_loss(b, sizeof(b), rt_stats_loss(st)), "0");
	for (int i = 0; i < 3; i++)
		send_at(1000 * MS + i * 1000 * MS);
	ck_assert_str_eq(rt_fmt_loss(b, sizeof(b), rt_stats_loss(st)), "100");
	struct rt_reply_acct a;

	rt_stats_reply(st, 1, 1001 * MS, false, &a);
	rt_stats_reply(st, 2, 2001 * MS, false, &a);
	ck_assert_str_eq(rt_fmt_loss(b, sizeof(b), rt_stats_loss(st)), "33.3333");
	rt_stats_reply(st, 3, 3001 * MS, false, &a);
	ck_assert_str_eq(rt_fmt_loss(b, sizeof(b), rt_stats_loss(st)), "0");
}
END_TEST

START_TEST(min_avg_max_mdev_iputils_formula)
{
	struct rt_reply_acct a;
	struct rt_rtt_summary r;
	/* RTTs 45, 51, 48 us: iputils prints 0.045/0.048/0.051/0.002. */
	int64_t rtt[] = { 45, 51, 48 };

	for (int i = 0; i < 3; i++) {
		int64_t t = 1000 * MS + i * 1000 * MS;
		uint16_t s = send_at(t);

		rt_stats_reply(st, s, t + rtt[i] * 1000, false, &a);
		ck_assert(a.known && !a.dup);
		ck_assert_int_eq(a.rtt_us, rtt[i]);
	}
	rt_stats_rtt(st, &r);
	ck_assert_int_eq(r.min_us, 45);
	ck_assert_int_eq(r.max_us, 51);
	ck_assert_int_eq(r.avg_us, 48);
	/* var = (6930 - 144^2/3) / 3 = (6930 - 6912) / 3 = 6 -> isqrt 2 */
	ck_assert_int_eq(r.mdev_us, 2);
	ck_assert_int_eq(rt_stats_elapsed_ms(st), 2000);
}
END_TEST

START_TEST(duplicate_counted_and_timed_like_iputils)
{
	struct rt_reply_acct a;
	uint16_t s = send_at(1000 * MS);

	rt_stats_reply(st, s, 1000 * MS + 45000, false, &a);
	rt_stats_reply(st, s, 1000 * MS + 51000, false, &a);
	ck_assert(a.dup);
	ck_assert_int_eq(st->nreceived, 1);
	ck_assert_int_eq(st->nrepeats, 1);
	ck_assert_int_eq(st->tmax, 51);
}
END_TEST

START_TEST(bad_checksum_counts_as_corrupted_not_received)
{
	struct rt_reply_acct a;
	uint16_t s = send_at(1000 * MS);

	rt_stats_reply(st, s, 1001 * MS, true, &a);
	ck_assert_int_eq(st->nreceived, 0);
	ck_assert_int_eq(st->nchecksum, 1);
	ck_assert(!rt_stats_received(st, s));
}
END_TEST

/* The payload is never read: a reply for a sequence we never sent is untimed. */
START_TEST(reply_for_unsent_sequence_is_not_timed)
{
	struct rt_reply_acct a;

	send_at(1000 * MS);
	rt_stats_reply(st, 500, 1001 * MS, false, &a);
	ck_assert(!a.known);
	ck_assert_int_eq(a.rtt_us, 0);
	ck_assert_int_eq(st->tsum, 0);
}
END_TEST

/* Hostile peer "seqwrap": forged 65535 and 0 must not end -c 3 after one probe. */
START_TEST(reply_for_unsent_sequence_is_not_counted)
{
	struct rt_reply_acct a;

	send_at(1000 * MS);
	rt_stats_reply(st, 65535, 1001 * MS, false, &a);
	rt_stats_reply(st, 0, 1001 * MS, false, &a);
	ck_assert_int_eq(st->nreceived, 0);
	ck_assert_int_eq(st->nrepeats, 0);
	ck_assert_int_eq(rt_stats_in_flight(st), 1);
	rt_stats_reply(st, 1, 1002 * MS, false, &a);
	ck_assert(a.known && !a.dup);
	ck_assert_int_eq(st->nreceived, 1);
}
END_TEST

START_TEST(sequence_wraps_and_duplicates_still_detected)
{
	struct rt_reply_acct a;
	int64_t t = 1000 * MS;
	uint16_t s = 0;

	/* 65537 probes: the sequence goes 1..65535, 0, 1. */
	for (int i = 0; i < 65537; i++, t += MS) {
		s = send_at(t);
		rt_stats_reply(st, s, t + 100000, false, &a);
		ck_assert(!a.dup);
	}
	ck_assert_int_eq(s, 1);
	ck_assert_int_eq(st->nreceived, 65537);
	/* The reused sequence 1 was cleared on send, answered once, then dup. */
	rt_stats_reply(st, 1, t, false, &a);
	ck_assert(a.dup);
	ck_assert_int_eq(st->nrepeats, 1);
	ck_assert_int_eq(rt_stats_in_flight(st), 0);
}
END_TEST

/* -c 1 at the default interval: one slot; a plain run: 10 s of sends. */
START_TEST(window_sized_from_count_rate_and_wait)
{
	ck_assert_uint_eq(rt_window_size(1, true, 1, (1000 * MS), 10 * (1000 * MS)), 1);
	ck_assert_uint_eq(rt_window_size(0, false, 1, (1000 * MS), 10 * (1000 * MS)), 16);
	/* -w keeps sending past -c: the count no longer bounds the sends. */
	ck_assert_uint_eq(rt_window_size(1, false, 1, (1000 * MS), 10 * (1000 * MS)), 16);
	/* Flood: unanswered sends leave every 10 ms at most. */
	ck_assert_uint_eq(rt_window_size(0, false, 1, 10 * MS, 10 * (1000 * MS)), 1024);
	/* Preload goes out at once; nothing beyond half the sequence space. */
	ck_assert_uint_eq(rt_window_size(0, false, 65536, 10 * MS, 10 * (1000 * MS)),
			  RT_WINDOW_MAX);
	ck_assert_uint_eq(rt_window_size(0, false, 1, 0, 0), RT_WINDOW_MAX);
}
END_TEST

/* Per-target state is a few hundred bytes, not a 65536-entry table (512 KiB). */
START_TEST(per_target_state_is_bounded_by_the_window)
{
	struct rt_stats s;
	size_t w = rt_window_size(0, false, 1, (1000 * MS), 10 * (1000 * MS));

	ck_assert_int_eq(rt_stats_init(&s, 0, w), 0);
	ck_assert_uint_le(rt_stats_footprint(&s), 512);
	rt_stats_free(&s);
	ck_assert_int_eq(rt_stats_init(&s, 0, 1), 0);
	ck_assert_uint_le(rt_stats_footprint(&s), 256);
	rt_stats_free(&s);
	ck_assert_int_eq(rt_stats_init(&s, 0, 3), -EINVAL);
}
END_TEST

/* A reply for a send that has left the window is shown untimed, not counted. */
START_TEST(reply_older_than_the_window_is_not_counted)
{
	struct rt_stats s;
	struct rt_reply_acct a;

	ck_assert_int_eq(rt_stats_init(&s, 0, 4), 0);
	for (int i = 0; i < 6; i++)
		rt_stats_sent(&s, rt_stats_next_seq(&s), i * MS);
	rt_stats_reply(&s, 2, 10 * MS, false, &a);     /* slot 2 now holds seq 6 */
	ck_assert(!a.known);
	ck_assert_int_eq(s.nreceived, 0);
	rt_stats_reply(&s, 3, 10 * MS, false, &a);     /* still in the window */
	ck_assert(a.known && !a.dup);
	ck_assert_int_eq(a.rtt_us, 8000);
	rt_stats_reply(&s, 3, 11 * MS, false, &a);
	ck_assert(a.dup);
	ck_assert(rt_stats_received(&s, 3));
	ck_assert(!rt_stats_received(&s, 2));
	rt_stats_free(&s);
}
END_TEST

START_TEST(in_flight_and_pipe)
{
	struct rt_reply_acct a;

	send_at(1000 * MS);
	send_at(1000 * MS);
	send_at(1000 * MS);
	ck_assert_int_eq(rt_stats_in_flight(st), 3);
	rt_stats_reply(st, 1, 1001 * MS, false, &a);
	ck_assert_int_eq(st->pipesize, 3);
	rt_stats_reply(st, 3, 1001 * MS, false, &a);
	ck_assert_int_eq(rt_stats_in_flight(st), 0);
	rt_stats_ack(st, 2);   /* an error for 2 */
	ck_assert_int_eq(rt_stats_in_flight(st), 0);
}
END_TEST

/* ping6 never acknowledges ICMP errors: they settle the window but no "pipe N". */
START_TEST(settled_errors_leave_pipe_alone)
{
	for (int i = 0; i < 4; i++)
		send_at(1000 * MS + i * 300 * MS);
	for (uint16_t seq = 1; seq <= 4; seq++)
		rt_stats_settle(st, seq);
	ck_assert_int_eq(st->pipesize, -1);
	ck_assert_int_eq(rt_stats_in_flight(st), 0);
	rt_stats_settle(st, 9);   /* never sent: ignored */
	ck_assert_int_eq(rt_stats_in_flight(st), 0);
	rt_stats_ack(st, 1);      /* IPv4's errors do count */
	ck_assert_int_eq(st->pipesize, 4);
}
END_TEST

/*
 * A reply that waited 6.126 s in the queue (a stuck reverse
 * lookup) keeps its kernel stamp's 80 us RTT.
 */
START_TEST(arrival_stall_is_not_rtt)
{
	int64_t sent = 1000 * MS, read = sent + 6126 * MS;
	uint16_t seq = send_at(sent);
	struct rt_reply_acct a;

	ck_assert_int_eq(rt_stats_arrival(st, seq, sent + 80000, read), sent + 80000);
	rt_stats_reply(st, seq, rt_stats_arrival(st, seq, sent + 80000, read), false, &a);
	ck_assert(a.known);
	ck_assert_int_eq(a.rtt_us, 80);
	ck_assert_int_eq(st->tmax, 80);
}
END_TEST

/* Only a stamp before the send (the wall clock stepped meanwhile) gives way to our read. */
START_TEST(arrival_before_the_send_falls_back_to_the_read)
{
	int64_t sent = 1000 * MS, read = sent + 300 * MS;
	uint16_t seq = send_at(sent);

	ck_assert_int_eq(rt_stats_arrival(st, seq, sent - 3600000 * MS, read), read);
	ck_assert_int_eq(rt_stats_arrival(st, seq, sent - 1, read), read);
	ck_assert_int_eq(rt_stats_arrival(st, seq, sent, read), sent);
	/* A sequence never sent is not timed: its stamp passes through. */
	ck_assert_int_eq(rt_stats_arrival(st, 999, 5, read), 5);
}
END_TEST

START_TEST(elapsed_and_ipg)
{
	send_at(1000 * MS);
	ck_assert_int_eq(rt_stats_ipg_us(st), 0);
	send_at(1200 * MS + 400000);
	send_at(1400 * MS + 600000);
	ck_assert_int_eq(rt_stats_elapsed_ms(st), 401);
	ck_assert_int_eq(rt_stats_ipg_us(st), 200300);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("stats");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, rtt_format_precision_boundaries);
	tcase_add_test(tc, summary_ms_with_three_decimals);
	tcase_add_test(tc, loss_percentage_like_printf_g);
	tcase_add_test(tc, min_avg_max_mdev_iputils_formula);
	tcase_add_test(tc, duplicate_counted_and_timed_like_iputils);
	tcase_add_test(tc, bad_checksum_counts_as_corrupted_not_received);
	tcase_add_test(tc, reply_for_unsent_sequence_is_not_timed);
	tcase_add_test(tc, reply_for_unsent_sequence_is_not_counted);
	tcase_add_test(tc, sequence_wraps_and_duplicates_still_detected);
	tcase_add_test(tc, window_sized_from_count_rate_and_wait);
	tcase_add_test(tc, per_target_state_is_bounded_by_the_window);
	tcase_add_test(tc, reply_older_than_the_window_is_not_counted);
	tcase_add_test(tc, in_flight_and_pipe);
	tcase_add_test(tc, settled_errors_leave_pipe_alone);
	tcase_add_test(tc, arrival_stall_is_not_rtt);
	tcase_add_test(tc, arrival_before_the_send_falls_back_to_the_read);
	tcase_add_test(tc, elapsed_and_ipg);
	suite_add_tcase(s, tc);
	return rt_test_run(s);
}
