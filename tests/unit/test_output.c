/* Printers: iputils-exact text lines and one JSON object per line, same events. */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/rtnetlink.h>

#include "rtping/egress.h"
#include "rtping/nodeinfo.h"
#include "rtping/output.h"
#include "rtping/route.h"
#include "rtping/stats.h"
#include "runner.h"

#define MS 1000000LL

static char *text;
static size_t textlen;
static FILE *mem;
static struct rt_out o;
static struct rt_out_target tg;
static const struct rt_out_counts none;
static struct rt_stats *st;

static void setup(void)
{
	mem = open_memstream(&text, &textlen);
	o = (struct rt_out){ .f = mem, .err = mem, .prog = "rtping" };
	tg = (struct rt_out_target){ .host = "10.77.0.2", .timing = true };
	st = calloc(1, sizeof(*st));
	rt_stats_init(st, 0, RT_WINDOW_MAX);
}

static void teardown(void)
{
	fclose(mem);
	free(text);
	rt_stats_free(st);
	free(st);
}

static const char *out(void)
{
	fflush(mem);
	return text;
}

static struct rt_event reply(uint16_t seq, int64_t us)
{
	return (struct rt_event){ .kind = RT_EV_REPLY, .tgt = &tg, .seq = seq, .from = "10.77.0.2",
				  .addr = "10.77.0.2", .bytes = 64, .ttl = 64, .timed = true,
				  .rtt_us = us, .wall_us = 1700000000123456LL };
}

/*
 * -v: "egress sampled" is a flood's rule; elsewhere an echo that did not
 * ask for a report is one whose send failed, and no sampling is claimed.
 */
START_TEST(egress_sampled_only_for_a_flood)
{
	struct rt_egress_seen seen = { .eg = { .ifindex = 3, .dev = "va" }, .echoes = 7 };
	struct rt_out_counts c = { .egress = &seen, .negress = 1, .asked = 7 };

	rt_addr_parse(&seen.eg.src, AF_INET, "10.61.0.1");
	for (uint16_t s = 1; s <= 10; s++)
		rt_stats_sent(st, s, s * 1000 * MS);
	o.verbose = true;
	rt_out_summary(&o, &tg, st, &c);
	ck_assert_ptr_nonnull(strstr(out(), "egress 10.61.0.1 va: 7 echoes\n"));
	ck_assert_ptr_null(strstr(out(), "egress sampled"));
	o.flood = true;
	rt_out_summary(&o, &tg, st, &c);
	ck_assert_ptr_nonnull(strstr(out(), "egress sampled: 7 of 10 echoes (flood: the first 16, "
				      "then one each 10 ms)\n"));
}
END_TEST

/*
 * A failed send is said in iputils 20250605's words, and in JSON carries
 * its own sequence; a local error from the error queue quotes none.
 */
START_TEST(send_error_text_and_json_seq)
{
	struct rt_event send = { .kind = RT_EV_SEND_ERROR, .tgt = &tg, .seq = 7, .err = EMSGSIZE,
				 .text = "Message too long", .wall_us = 1 };
	struct rt_event local = send;

	local.kind = RT_EV_LOCAL_ERROR;
	rt_out_event(&o, &send);
	ck_assert_str_eq(out(), "rtping: sendmsg: Message too long\n");
	o.json = true;
	rt_out_event(&o, &send);
	rt_out_event(&o, &local);
	ck_assert_ptr_nonnull(strstr(out(), "\"local\": true, \"seq\": 7, "));
	ck_assert_ptr_nonnull(strstr(out(), "\"local\": true, \"seq\": null, "));
	ck_assert_ptr_nonnull(strstr(out(), "\"errno\": 90"));
}
END_TEST

/* A send iputils fails in silence: nothing in text, not even -f's "E"; JSON still has it. */
START_TEST(unsaid_send_error_is_json_only)
{
	struct rt_event send = { .kind = RT_EV_SEND_ERROR, .tgt = &tg, .seq = 3,
				 .err = ENETUNREACH, .text = "Network is unreachable",
				 .wall_us = 1, .unsaid = true };

	rt_out_event(&o, &send);
	ck_assert_str_eq(out(), "");
	o.flood = true;
	rt_out_event(&o, &send);
	ck_assert_str_eq(out(), "");
	o.flood = false;
	o.json = true;
	rt_out_event(&o, &send);
	ck_assert_ptr_nonnull(strstr(out(), "\"seq\": 3, "));
	ck_assert_ptr_nonnull(strstr(out(), "Network is unreachable"));
}
END_TEST

START_TEST(header_v4_v6_and_source)
{
	rt_out_header(&o, &tg, "10.77.0.2", NULL, NULL, 56, 20, 1);
	tg.v6 = true;
	rt_out_header(&o, &tg, "fd00::2", NULL, NULL, 56, 40, 1);
	tg.v6 = false;
	rt_out_header(&o, &tg, "10.77.0.2", "10.77.0.1", "veth0", 0, 20, 1);
	ck_assert_str_eq(out(), "PING 10.77.0.2 (10.77.0.2) 56(84) bytes of data.\n"
				"PING 10.77.0.2 (fd00::2) 56 data bytes\n"
				"PING 10.77.0.2 (10.77.0.2) from 10.77.0.1 veth0: 0(28) bytes of data.\n");
}
END_TEST

/* iputils prints "PATTERN: 0x" for -p '' and nothing without -p. */
START_TEST(pattern_line_empty_pattern)
{
	const uint8_t pat[] = { 0xab, 0x01 };

	rt_out_pattern(&o, NULL, 0);
	rt_out_pattern(&o, pat, 0);
	rt_out_pattern(&o, pat, 2);
	o.quiet = true;
	rt_out_pattern(&o, pat, 2);
	ck_assert_str_eq(out(), "PATTERN: 0x\nPATTERN: 0xab01\n");
}
END_TEST

START_TEST(reply_lines_and_flags)
{
	struct rt_event ev = reply(1, 45);

	rt_out_event(&o, &ev);
	ev.dup = true;
	ev.rtt_us = 51;
	rt_out_event(&o, &ev);
	ev = reply(2, 12345);
	ev.bad_csum = ev.wrong_src = true;
	rt_out_event(&o, &ev);
	ev = reply(3, 0);
	ev.timed = false;
	ev.bytes = 8;
	rt_out_event(&o, &ev);
	ck_assert_str_eq(out(),
		"64 bytes from 10.77.0.2: icmp_seq=1 ttl=64 time=0.045 ms\n"
		"64 bytes from 10.77.0.2: icmp_seq=1 ttl=64 time=0.051 ms (DUP!)\n"
		"64 bytes from 10.77.0.2: icmp_seq=2 ttl=64 time=12.3 ms (BAD CHECKSUM!) (DIFFERENT ADDRESS!)\n"
		"8 bytes from 10.77.0.2: icmp_seq=3 ttl=64\n");
}
END_TEST

START_TEST(timestamps_errors_and_outstanding)
{
	struct rt_event ev = reply(1, 45);
	struct rt_event er = { .kind = RT_EV_ERROR, .tgt = &tg, .seq = 3, .from = "10.77.0.1",
			       .text = "Destination Host Unreachable", .wall_us = 5000001 };
	struct rt_event to = { .kind = RT_EV_TIMEOUT, .tgt = &tg, .seq = 4 };

	o.timestamps = true;
	rt_out_event(&o, &ev);
	rt_out_event(&o, &er);
	o.timestamps = false;
	rt_out_event(&o, &to);
	ck_assert_str_eq(out(),
		"[1700000000.123456] 64 bytes from 10.77.0.2: icmp_seq=1 ttl=64 time=0.045 ms\n"
		"[5.000001] From 10.77.0.1 icmp_seq=3 Destination Host Unreachable\n"
		"no answer yet for icmp_seq=4\n");
}
END_TEST

/*
 * Several targets: every line about one names it. A reply names it by
 * its sender, unless another host answered; errors, notices, -O's lines
 * and the stderr lines name it always.
 */
START_TEST(several_targets_every_line_names_its_target)
{
	struct rt_event ev = reply(1, 45);
	struct rt_event er = { .kind = RT_EV_ERROR, .tgt = &tg, .seq = 3, .from = "10.77.0.1",
			       .text = "Destination Host Unreachable", .wall_us = 5000001 };
	struct rt_event to = { .kind = RT_EV_TIMEOUT, .tgt = &tg, .seq = 4 };
	struct rt_event no = { .kind = RT_EV_NOTICE, .tgt = &tg, .seq = 5, .from = "10.77.0.1",
			       .text = "Redirect Host(New nexthop: 10.77.0.9)" };
	struct rt_event se = { .kind = RT_EV_SEND_ERROR, .tgt = &tg, .seq = 6,
			       .text = "No buffer space available" };
	struct rt_event me = { .kind = RT_EV_MESSAGE, .tgt = &tg, .text = "egress diverges" };

	o.multi = true;
	rt_out_event(&o, &ev);
	rt_out_event(&o, &er);
	rt_out_event(&o, &to);
	rt_out_event(&o, &no);
	ev.wrong_src = true;
	ev.from = "10.77.0.3";
	rt_out_event(&o, &ev);
	rt_out_event(&o, &se);
	rt_out_event(&o, &me);
	ck_assert_str_eq(out(),
		"64 bytes from 10.77.0.2: icmp_seq=1 ttl=64 time=0.045 ms\n"
		"10.77.0.2: From 10.77.0.1 icmp_seq=3 Destination Host Unreachable\n"
		"10.77.0.2: no answer yet for icmp_seq=4\n"
		"10.77.0.2: From 10.77.0.1: icmp_seq=5 Redirect Host(New nexthop: 10.77.0.9)\n"
		"10.77.0.2: 64 bytes from 10.77.0.3: icmp_seq=1 ttl=64 time=0.045 ms "
		"(DIFFERENT ADDRESS!)\n"
		"rtping: 10.77.0.2: sendmsg: No buffer space available\n"
		"rtping: 10.77.0.2: egress diverges\n");
}
END_TEST

START_TEST(quiet_and_flood)
{
	struct rt_event ev = reply(1, 45);
	struct rt_event er = { .kind = RT_EV_ERROR, .tgt = &tg, .seq = 3, .from = "x",
			       .text = "y" };

	o.quiet = true;
	rt_out_event(&o, &ev);
	rt_out_event(&o, &er);
	ck_assert_str_eq(out(), "");
	o.quiet = false;
	o.flood = true;
	rt_out_sent(&o);
	rt_out_event(&o, &ev);
	rt_out_sent(&o);
	rt_out_event(&o, &er);
	ck_assert_str_eq(out(), ".\b \b.\bE");
}
END_TEST

START_TEST(summary_with_duplicates_and_errors)
{
	struct rt_reply_acct a;

	rt_stats_sent(st, 1, 0);
	rt_stats_reply(st, 1, 45000, false, &a);
	rt_stats_reply(st, 1, 51000, false, &a);
	rt_stats_sent(st, 2, 1000 * MS + 1500000);
	rt_stats_reply(st, 2, 1000 * MS + 1500000 + 48000, false, &a);
	rt_stats_sent(st, 3, 2000 * MS + 3000000);
	rt_stats_ack(st, 3);
	st->nerrors = 1;
	rt_out_summary(&o, &tg, st, &none);
	ck_assert_str_eq(out(),
		"\n--- 10.77.0.2 ping statistics ---\n"
		"3 packets transmitted, 2 received, +1 duplicates, +1 errors, 33.3333% packet loss, time 2003ms\n"
		"rtt min/avg/max/mdev = 0.045/0.048/0.051/0.002 ms\n");
}
END_TEST

/* iputils ends a 100 % loss summary with an empty line (no rtt line). */
START_TEST(summary_at_total_loss)
{
	rt_stats_sent(st, 1, 0);
	rt_stats_sent(st, 2, 1000 * MS);
	rt_out_summary(&o, &tg, st, &none);
	ck_assert_str_eq(out(),
		"\n--- 10.77.0.2 ping statistics ---\n"
		"2 packets transmitted, 0 received, 100% packet loss, time 1000ms\n\n");
}
END_TEST

START_TEST(json_one_object_per_line_escaped)
{
	struct rt_event ev = reply(1, 45);

	o.json = true;
	tg.host = "we\"ird\n";
	ev.from = "a\\b";
	rt_out_event(&o, &ev);
	ck_assert_str_eq(out(),
		"{\"type\": \"reply\", \"timestamp\": 1700000000.123456, "
		"\"host\": \"we\\\"ird\\n\", \"target_addr\": null, \"seq\": 1, "
		"\"addr\": \"10.77.0.2\", \"from\": \"a\\\\b\", \"bytes\": 64, \"ttl\": 64, "
		"\"time_ms\": 0.045, \"bad_checksum\": false, \"different_address\": false, "
		"\"truncated\": false, \"node_info\": null, \"egress\": null, \"ingress\": null}\n");
}
END_TEST

/* Where the echo left: a JSON object, and -v's text line end. */
START_TEST(reply_egress_in_json_and_verbose_text)
{
	struct rt_event ev = reply(1, 45);
	struct rt_egress eg = { .ifindex = 32, .dev = "mpv2" };

	rt_addr_parse(&eg.src, AF_INET, "10.62.0.1");
	ev.egress = &eg;
	o.verbose = true;
	rt_out_event(&o, &ev);
	ck_assert_str_eq(out(), "64 bytes from 10.77.0.2: icmp_seq=1 ttl=64 time=0.045 ms "
			 "egress 10.62.0.1 mpv2\n");
	o.json = true;
	rt_out_event(&o, &ev);
	ck_assert_ptr_nonnull(strstr(out(), ", \"egress\": {\"source\": \"10.62.0.1\", "
				     "\"device\": \"mpv2\", \"ifindex\": 32}, \"ingress\": null}\n"));
}
END_TEST

/* The reply's ingress: always in JSON, in -v's text only where it is not the egress. */
START_TEST(reply_ingress_in_json_and_verbose_text)
{
	struct rt_event ev = reply(1, 45);

	ev.ingress = 3;
	ev.ingress_dev = "v2";
	o.verbose = true;
	rt_out_event(&o, &ev);
	ck_assert_str_eq(out(), "64 bytes from 10.77.0.2: icmp_seq=1 ttl=64 time=0.045 ms\n");
	ev.ingress_other = true;
	rt_out_event(&o, &ev);
	o.verbose = false;
	rt_out_event(&o, &ev);
	ck_assert_str_eq(out(), "64 bytes from 10.77.0.2: icmp_seq=1 ttl=64 time=0.045 ms\n"
			 "64 bytes from 10.77.0.2: icmp_seq=1 ttl=64 time=0.045 ms ingress v2\n"
			 "64 bytes from 10.77.0.2: icmp_seq=1 ttl=64 time=0.045 ms\n");
	o.json = true;
	rt_out_event(&o, &ev);
	ck_assert_ptr_nonnull(strstr(out(), ", \"egress\": null, \"ingress\": {\"device\": "
				     "\"v2\", \"ifindex\": 3}}\n"));
}
END_TEST

/* A multicast duplicate was typed "reply" in JSON unless -v. */
START_TEST(group_duplicate_hidden_in_text_typed_dup_in_json)
{
	struct rt_event ev = reply(1, 45);

	ev.dup = true;
	tg.quiet_dup = true;
	rt_out_event(&o, &ev);
	ck_assert_str_eq(out(), "64 bytes from 10.77.0.2: icmp_seq=1 ttl=64 time=0.045 ms\n");
	o.json = true;
	rt_out_event(&o, &ev);
	ck_assert_ptr_nonnull(strstr(out(), "{\"type\": \"dup\", "));
}
END_TEST

START_TEST(json_quiet_prints_no_events)
{
	struct rt_event ev = reply(1, 45);

	o.json = o.quiet = true;
	rt_out_event(&o, &ev);
	ck_assert_str_eq(out(), "");
}
END_TEST

START_TEST(json_summary_valid_at_total_loss)
{
	o.json = true;
	rt_stats_sent(st, 1, 0);
	rt_out_summary(&o, &tg, st, &none);
	ck_assert_str_eq(out(),
		"{\"type\": \"summary\", \"host\": \"10.77.0.2\", \"addr\": null, \"target_addr\": null, "
		"\"transmitted\": 1, "
		"\"received\": 0, \"duplicates\": 0, \"corrupted\": 0, \"errors\": 0, \"send_errors\": 0, "
		"\"loss_percent\": 100, \"time_ms\": 0, \"rtt_min_ms\": null, "
		"\"rtt_avg_ms\": null, \"rtt_max_ms\": null, \"rtt_mdev_ms\": null, "
		"\"pipe\": null, \"ipg_ms\": null, \"ewma_ms\": null, \"route\": null, \"egress\": null, "
		"\"egress_sampled\": null, \"egress_unobserved\": null, \"route_watch\": null, "
		"\"error\": null, \"return_path\": null}\n");
}
END_TEST

/*
 * A target that could not be pinged: JSON has its summary, nothing sent
 * (no loss, no time) and its error; text says nothing (stderr did).
 * A run that ended early carries the reason in each summary.
 */
START_TEST(json_failed_target_and_early_end)
{
	struct rt_addr a;
	struct rt_out_counts c = { .error = "Do you want to ping broadcast? Then -b." };

	rt_addr_parse(&a, AF_INET, "10.200.0.1");
	tg.addr = &a;
	rt_out_failed(&o, &tg, "connect: Invalid argument");
	ck_assert_str_eq(out(), "");
	o.json = true;
	rt_out_failed(&o, &tg, "connect: Invalid argument");
	ck_assert_str_eq(out(),
		"{\"type\": \"summary\", \"host\": \"10.77.0.2\", \"addr\": \"10.200.0.1\", "
		"\"target_addr\": \"10.200.0.1\", \"transmitted\": 0, "
		"\"received\": 0, \"duplicates\": 0, \"corrupted\": 0, \"errors\": 0, \"send_errors\": 0, "
		"\"loss_percent\": null, \"time_ms\": null, \"rtt_min_ms\": null, "
		"\"rtt_avg_ms\": null, \"rtt_max_ms\": null, \"rtt_mdev_ms\": null, "
		"\"pipe\": null, \"ipg_ms\": null, \"ewma_ms\": null, \"route\": null, \"egress\": null, "
		"\"egress_sampled\": null, \"egress_unobserved\": null, \"route_watch\": null, "
		"\"error\": \"connect: Invalid argument\", \"return_path\": null}\n");
	rt_stats_sent(st, 1, 0);
	rt_out_summary(&o, &tg, st, &c);
	ck_assert_ptr_nonnull(strstr(out(), "\"route_watch\": null, "
				      "\"error\": \"Do you want to ping broadcast? Then -b.\", \"return_path\": null}\n"));
}
END_TEST

/*
 * The totals: failed and unprobed targets apart from unreachable ones;
 * the line alone on stdout when none ran.
 */
START_TEST(run_summary_counts_failed_targets)
{
	struct rt_out_totals t = { .total = 3, .answered = 1, .unreachable = 1, .failed = 1 };

	rt_out_run_summary(&o, &t);
	t = (struct rt_out_totals){ .total = 2, .failed = 2 };
	rt_out_run_summary(&o, &t);
	t = (struct rt_out_totals){ .total = 2, .answered = 1, .unreachable = 1, .diverging = 1 };
	rt_out_run_summary(&o, &t);
	t = (struct rt_out_totals){ .total = 3, .answered = 1, .unprobed = 2 };
	rt_out_run_summary(&o, &t);
	ck_assert_str_eq(out(),
		"\n3 targets: 1 answered, 1 unreachable, 1 failed, 0 with route divergence\n"
		"2 targets: 0 answered, 0 unreachable, 2 failed, 0 with route divergence\n"
		"\n2 targets: 1 answered, 1 unreachable, 1 with route divergence\n"
		"\n3 targets: 1 answered, 0 unreachable, 2 not probed, 0 with route divergence\n");
	o.json = true;
	t = (struct rt_out_totals){ .total = 2, .failed = 2 };
	rt_out_run_summary(&o, &t);
	ck_assert_ptr_nonnull(strstr(out(), "{\"type\": \"run_summary\", \"targets\": 2, "
				      "\"answered\": 0, \"unreachable\": 0, \"diverging\": 0, "
				      "\"failed\": 2, \"not_probed\": 0}\n"));
}
END_TEST

START_TEST(json_error_event)
{
	struct rt_event er = { .kind = RT_EV_ERROR, .tgt = &tg, .seq = 3, .from = "10.77.0.1",
			       .addr = "10.77.0.1", .type = 3, .code = 1,
			       .text = "Destination Host Unreachable", .wall_us = 1 };

	o.json = true;
	rt_out_event(&o, &er);
	ck_assert_str_eq(out(),
		"{\"type\": \"error\", \"timestamp\": 0.000001, \"host\": \"10.77.0.2\", "
		"\"target_addr\": null, \"local\": false, \"seq\": 3, "
		"\"addr\": \"10.77.0.1\", \"from\": \"10.77.0.1\", \"icmp_type\": 3, "
		"\"icmp_code\": 1, \"errno\": null, \"message\": \"Destination Host Unreachable\", "
		"\"egress\": null}\n");
}
END_TEST

/* The start event always has the route decision: the --explain-route object, verbatim. */
START_TEST(json_start_event_carries_the_route_object)
{
	o.json = o.quiet = true;
	tg.route_json = "{\"destination\": \"0.0.0.0\", \"address\": \"127.0.0.1\", "
		       "\"agree\": true, \"reasons\": []}";
	rt_out_header(&o, &tg, "127.0.0.1", "127.0.0.1", "lo", 56, 20, 1);
	tg.route_json = NULL;
	rt_out_header(&o, &tg, "127.0.0.1", NULL, NULL, 56, 20, 1);
	ck_assert_str_eq(out(),
		"{\"type\": \"start\", \"timestamp\": 0.000001, \"host\": \"10.77.0.2\", "
		"\"addr\": \"127.0.0.1\", \"target_addr\": null, "
		"\"data_bytes\": 56, \"source\": \"127.0.0.1\", \"device\": \"lo\", "
		"\"route\": {\"destination\": \"0.0.0.0\", \"address\": \"127.0.0.1\", "
		"\"agree\": true, \"reasons\": []}}\n"
		"{\"type\": \"start\", \"timestamp\": 0.000001, \"host\": \"10.77.0.2\", "
		"\"addr\": \"127.0.0.1\", \"target_addr\": null, "
		"\"data_bytes\": 56, \"source\": null, \"device\": null, \"route\": null}\n");
}
END_TEST

/* -3: iputils prints %ld.%03ld for every reply time, never rounding. */
START_TEST(precise_rtt_with_3)
{
	struct rt_event ev = reply(1, 12345);

	rt_out_event(&o, &ev);
	o.precise = true;
	rt_out_event(&o, &ev);
	ev.rtt_us = 123456;
	rt_out_event(&o, &ev);
	ev.rtt_us = 9999;
	rt_out_event(&o, &ev);
	ck_assert_str_eq(out(),
		"64 bytes from 10.77.0.2: icmp_seq=1 ttl=64 time=12.3 ms\n"
		"64 bytes from 10.77.0.2: icmp_seq=1 ttl=64 time=12.345 ms\n"
		"64 bytes from 10.77.0.2: icmp_seq=1 ttl=64 time=123.456 ms\n"
		"64 bytes from 10.77.0.2: icmp_seq=1 ttl=64 time=9.999 ms\n");
}
END_TEST

/* ping-20250605 -c 1 to a peer that zeroes data byte 20 (hostile peer "corrupt"). */
START_TEST(wrong_data_byte_dump)
{
	struct rt_event ev = reply(1, 45);
	uint8_t d[56];

	for (size_t i = 0; i < sizeof(d); i++)
		d[i] = (uint8_t)i;
	d[20] = 0;
	ev.data = d;
	ev.data_len = sizeof(d);
	ev.wrong_data = true;
	ev.wrong_at = 20;
	ev.wrong_want = 20;
	ev.dup = true;
	rt_out_event(&o, &ev);
	ck_assert_str_eq(out(),
		"64 bytes from 10.77.0.2: icmp_seq=1 ttl=64 time=0.045 ms (DUP!)\n"
		"wrong data byte #20 should be 0x14 but was 0x0\n"
		"#16\t10 11 12 13 0 15 16 17 18 19 1a 1b 1c 1d 1e 1f "
		"20 21 22 23 24 25 26 27 28 29 2a 2b 2c 2d 2e 2f \n"
		"#48\t30 31 32 33 34 35 36 37 \n");
}
END_TEST

/* The engine's check: iputils compares from byte 16, only what was sent. */
START_TEST(check_data_sets_the_dump)
{
	struct rt_event ev = reply(1, 45);
	uint8_t d[64];

	for (size_t i = 0; i < sizeof(d); i++)
		d[i] = (uint8_t)i;
	rt_event_check_data(&ev, d, sizeof(d), NULL, 0, 56);
	ck_assert(!ev.wrong_data);
	d[60] = 0;                           /* past -s 56: not ours to check */
	rt_event_check_data(&ev, d, sizeof(d), NULL, 0, 56);
	ck_assert(!ev.wrong_data);
	d[33] = 0xee;
	rt_event_check_data(&ev, d, sizeof(d), NULL, 0, 56);
	ck_assert(ev.wrong_data);
	ck_assert_uint_eq(ev.wrong_at, 33);
	ck_assert_uint_eq(ev.wrong_want, 33);
	ck_assert_uint_eq(ev.data_len, 56);
	ck_assert_ptr_eq(ev.data, d);
	/* -p '': zeros were sent. */
	ev = reply(1, 45);
	memset(d, 0, sizeof(d));
	rt_event_check_data(&ev, d, sizeof(d), (const uint8_t *)"", 0, 56);
	ck_assert(!ev.wrong_data);
}
END_TEST

/*
 * RR: lines follow the reply line; the line ends after them (iputils'
 * pr_options). "(same route)" is the target's own memory, in its view.
 */
START_TEST(record_route_after_reply)
{
	static const uint8_t rr[12] = { 1, 7, 11, 8, 10, 77, 0, 1, 10, 78, 0, 2 };
	struct rt_ipopt_rr seen = { 0 }, other_seen = { 0 };
	struct rt_out_target other = tg;
	struct rt_event ev = reply(1, 45);

	tg.rr = &seen;
	other.rr = &other_seen;
	ev.ipopts = rr;
	ev.ipopts_len = sizeof(rr);
	rt_out_event(&o, &ev);
	ev.seq = 2;
	rt_out_event(&o, &ev);
	ev.ipopts = NULL;
	ev.ipopts_len = 0;
	ev.seq = 3;
	rt_out_event(&o, &ev);
	ck_assert_str_eq(out(),
		"64 bytes from 10.77.0.2: icmp_seq=1 ttl=64 time=0.045 ms\n"
		"NOP\n"
		"RR: \t10.77.0.1\n"
		"\n"
		"64 bytes from 10.77.0.2: icmp_seq=2 ttl=64 time=0.045 ms\n"
		"NOP\t(same route)\n"
		"64 bytes from 10.77.0.2: icmp_seq=3 ttl=64 time=0.045 ms\n");
	/* Another target's first reply by the same route: new to it. */
	ev.tgt = &other;
	ev.ipopts = rr;
	ev.ipopts_len = sizeof(rr);
	rt_out_event(&o, &ev);
	ck_assert_ptr_nonnull(strstr(out(), "RR: \t10.77.0.1\n"));
	tg.rr = NULL;
}
END_TEST

START_TEST(redirect_notice_text_and_json)
{
	struct rt_event ev = { .kind = RT_EV_NOTICE, .tgt = &tg, .seq = 2, .from = "10.66.0.2",
			       .addr = "10.66.0.2", .type = 5, .code = 1,
			       .text = "Redirect Host(New nexthop: 10.66.0.7)", .wall_us = 1 };

	rt_out_event(&o, &ev);
	ev.bad_csum = true;
	rt_out_event(&o, &ev);
	o.quiet = true;
	rt_out_event(&o, &ev);
	o.quiet = false;
	o.flood = true;
	rt_out_event(&o, &ev);
	o.flood = false;
	o.json = true;
	ev.bad_csum = false;
	rt_out_event(&o, &ev);
	ck_assert_str_eq(out(),
		"From 10.66.0.2: icmp_seq=2 Redirect Host(New nexthop: 10.66.0.7)\n"
		"From 10.66.0.2: icmp_seq=2 (BAD CHECKSUM)Redirect Host(New nexthop: 10.66.0.7)\n"
		"{\"type\": \"notice\", \"timestamp\": 0.000001, \"host\": \"10.77.0.2\", "
		"\"target_addr\": null, \"seq\": 2, \"addr\": \"10.66.0.2\", "
		"\"from\": \"10.66.0.2\", \"icmp_type\": 5, \"icmp_code\": 1, \"bad_checksum\": false, "
		"\"message\": \"Redirect Host(New nexthop: 10.66.0.7)\"}\n");
}
END_TEST

/* ping-20250605 -F 5 ::1 and -R 127.0.0.1 headers. */
START_TEST(header_flowlabel_and_ip_options)
{
	tg.v6 = true;
	tg.flowlabel = 5;
	rt_out_header(&o, &tg, "::1", NULL, NULL, 56, 40, 1);
	rt_out_header(&o, &tg, "::1", "::1", "lo", 56, 40, 1);
	tg.v6 = false;
	rt_out_header(&o, &tg, "127.0.0.1", NULL, NULL, 56, 60, 1);
	ck_assert_str_eq(out(), "PING 10.77.0.2 (::1) , flow 0x00005, 56 data bytes\n"
				"PING 10.77.0.2 (::1) , flow 0x00005, from ::1 lo: 56 data bytes\n"
				"PING 10.77.0.2 (127.0.0.1) 56(124) bytes of data.\n");
}
END_TEST

/*
 * Route changes: the routes as values, worded by the printer. An observed
 * egress knows only its source, device and ifindex: the rest is null.
 */
START_TEST(route_change_text_and_json)
{
	struct rt_route_view from = { .known = true, .observed = true,
				      .snap = { .dev = "dva", .ifindex = 2 } };
	struct rt_route_view to = { .known = true, .snap = { .dev = "dvb", .ifindex = 3,
							     .table = 100, .type = RTN_UNICAST } };
	struct rt_route_view gone = { .known = true, .err = -ENETUNREACH,
				      .err_type = RTN_UNREACHABLE };
	struct rt_event ev = { .kind = RT_EV_ROUTE_CHANGE, .tgt = &tg, .seq = 7, .wall_us = 1,
			       .route_from = &from, .route_to = &to, .cause = "rule" };

	rt_addr_parse(&from.snap.src, AF_INET, "10.9.0.12");
	rt_addr_parse(&to.snap.src, AF_INET, "10.9.0.11");
	rt_addr_parse(&to.snap.gateway, AF_INET, "10.9.0.1");
	rt_out_event(&o, &ev);
	ev.route_to = &gone;
	rt_out_event(&o, &ev);
	o.multi = true;   /* several targets: the line names its own */
	rt_out_event(&o, &ev);
	o.multi = false;
	ck_assert_str_eq(out(), "rtping: route changed before icmp_seq=7: src 10.9.0.12 dev dva "
			 "\u2192 src 10.9.0.11 dev dvb via 10.9.0.1 table 100\n"
			 "rtping: route changed before icmp_seq=7: src 10.9.0.12 dev dva "
			 "\u2192 no route (Network is unreachable)\n"
			 "rtping: 10.77.0.2: route changed before icmp_seq=7: src 10.9.0.12 dev dva "
			 "\u2192 no route (Network is unreachable)\n");
	o.json = true;
	ev.route_to = &to;
	rt_out_event(&o, &ev);
	ev.route_from = &gone;
	from.known = false;
	ev.route_to = &from;
	rt_out_event(&o, &ev);
	ck_assert_ptr_nonnull(strstr(out(),
		"{\"type\": \"route_change\", \"timestamp\": 0.000001, \"host\": \"10.77.0.2\", "
		"\"target_addr\": null, \"seq\": 7, \"from\": {\"source\": \"10.9.0.12\", "
		"\"device\": \"dva\", \"ifindex\": 2, \"gateway\": null, \"table\": null, "
		"\"type\": null, \"prefix\": null, \"from\": null, \"protocol\": null, "
		"\"metric\": null, \"scope\": null, \"multipath\": null, \"mtu\": null, \"error\": null}, "
		"\"to\": {\"source\": \"10.9.0.11\", \"device\": \"dvb\", \"ifindex\": 3, "
		"\"gateway\": \"10.9.0.1\", \"table\": 100, \"type\": \"unicast\", "
		"\"prefix\": null, \"from\": null, \"protocol\": null, "
		"\"metric\": null, \"scope\": null, \"multipath\": null, \"mtu\": null, \"error\": null}, "
		"\"cause\": \"rule\"}\n"));
	ck_assert_ptr_nonnull(strstr(out(), "\"seq\": 7, \"from\": {\"source\": null, "
				     "\"device\": null, \"ifindex\": null, \"gateway\": null, "
				     "\"table\": null, \"type\": \"unreachable\", \"prefix\": null, "
				     "\"from\": null, "
				     "\"protocol\": null, \"metric\": null, \"scope\": null, "
				     "\"multipath\": null, \"mtu\": null, \"error\": \"Network is unreachable\"}, "
				     "\"to\": null, \"cause\": \"rule\"}\n"));
}
END_TEST

/* -N's reply as values; a link-local target and egress with their device. */
START_TEST(json_node_info_and_scoped_addresses)
{
	static const uint8_t ni[] = { 140, 0, 0, 0, 0, 4, 0, 1, 0, 1, 1, 2, 3, 4, 5, 6,
				      0, 0, 0, 0, 10, 66, 0, 2 };
	struct rt_ni_reply r;
	struct rt_event ev = reply(1, 45);
	struct rt_egress eg = { .ifindex = 2, .dev = "dva" };
	struct rt_addr a;

	ck_assert_int_eq(rt_ni_parse(ni, sizeof(ni), &r), 0);
	rt_addr_parse(&a, AF_INET6, "fe80::1");
	rt_addr_parse(&eg.src, AF_INET6, "fe80::11");
	tg.addr = &a;
	snprintf(tg.scope, sizeof(tg.scope), "dva");
	ev.ni = &r;
	ev.egress = &eg;
	o.json = true;
	rt_out_event(&o, &ev);
	ck_assert_ptr_nonnull(strstr(out(), "\"target_addr\": \"fe80::1%dva\", "));
	ck_assert_ptr_nonnull(strstr(out(), "\"node_info\": {\"qtype\": 4, \"code\": 0, "
				     "\"answers\": [\"10.66.0.2\"], \"truncated\": true, \"error\": null}, "
				     "\"egress\": {\"source\": \"fe80::11%dva\", "));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("output");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, header_v4_v6_and_source);
	tcase_add_test(tc, pattern_line_empty_pattern);
	tcase_add_test(tc, reply_lines_and_flags);
	tcase_add_test(tc, timestamps_errors_and_outstanding);
	tcase_add_test(tc, several_targets_every_line_names_its_target);
	tcase_add_test(tc, quiet_and_flood);
	tcase_add_test(tc, summary_with_duplicates_and_errors);
	tcase_add_test(tc, summary_at_total_loss);
	tcase_add_test(tc, json_one_object_per_line_escaped);
	tcase_add_test(tc, group_duplicate_hidden_in_text_typed_dup_in_json);
	tcase_add_test(tc, json_quiet_prints_no_events);
	tcase_add_test(tc, reply_egress_in_json_and_verbose_text);
	tcase_add_test(tc, reply_ingress_in_json_and_verbose_text);
	tcase_add_test(tc, json_summary_valid_at_total_loss);
	tcase_add_test(tc, json_failed_target_and_early_end);
	tcase_add_test(tc, run_summary_counts_failed_targets);
	tcase_add_test(tc, json_error_event);
	tcase_add_test(tc, json_start_event_carries_the_route_object);
	tcase_add_test(tc, precise_rtt_with_3);
	tcase_add_test(tc, wrong_data_byte_dump);
	tcase_add_test(tc, check_data_sets_the_dump);
	tcase_add_test(tc, record_route_after_reply);
	tcase_add_test(tc, redirect_notice_text_and_json);
	tcase_add_test(tc, header_flowlabel_and_ip_options);
	tcase_add_test(tc, route_change_text_and_json);
	tcase_add_test(tc, egress_sampled_only_for_a_flood);
	tcase_add_test(tc, send_error_text_and_json_seq);
	tcase_add_test(tc, unsaid_send_error_is_json_only);
	tcase_add_test(tc, json_node_info_and_scoped_addresses);
	suite_add_tcase(s, tc);
	return rt_test_run(s);
}
