/*
 * The engine's pure parts: error-queue messages built as bytes, control
 * messages, and iputils' run rules on a fake clock (reply-to-target
 * matching: tests/unit/test_targets.c).
 */
#include <check.h>
#include <errno.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>
#include <linux/errqueue.h>

#include "rtping/errq.h"
#include "rtping/ingress.h"
#include "rtping/nl.h"
#include "rtping/policy.h"
#include "rtping/rx.h"
#include "runner.h"

#define ID 0x1234
#define MS 1000000LL
#define SEC (1000 * MS)

static struct rt_icmp_match m4;
static uint8_t quote[64];
static union { char b[512]; struct cmsghdr align; } cbuf;
static struct sockaddr_in dst;
static struct iovec iov;
static struct msghdr msg;

static void setup(void)
{
	m4 = (struct rt_icmp_match){ .fam = &rt_inet, .has_iphdr = true, .check_id = true, .id = ID };
	rt_addr_parse(&m4.dst, AF_INET, "10.77.0.2");
	memset(&cbuf, 0, sizeof(cbuf));
	dst = (struct sockaddr_in){ .sin_family = AF_INET };
	inet_pton(AF_INET, "10.77.0.2", &dst.sin_addr);
	iov = (struct iovec){ quote, sizeof(quote) };
	msg = (struct msghdr){ .msg_name = &dst, .msg_namelen = sizeof(dst), .msg_iov = &iov,
			       .msg_iovlen = 1, .msg_control = cbuf.b,
			       .msg_controllen = sizeof(cbuf.b) };
}

/* One IP_RECVERR cmsg: the extended error, then the offender (10.77.0.1). */
static void put_ee(uint8_t origin, int err, uint8_t type, uint8_t code, uint32_t info)
{
	struct sock_extended_err ee = { .ee_errno = (uint32_t)err, .ee_origin = origin,
					.ee_type = type, .ee_code = code, .ee_info = info };
	struct sockaddr_in off = { .sin_family = AF_INET };
	struct cmsghdr *c = (struct cmsghdr *)cbuf.b;

	inet_pton(AF_INET, "10.77.0.1", &off.sin_addr);
	c->cmsg_level = IPPROTO_IP;
	c->cmsg_type = IP_RECVERR;
	c->cmsg_len = CMSG_LEN(sizeof(ee) + sizeof(off));
	memcpy(CMSG_DATA(c), &ee, sizeof(ee));
	memcpy(CMSG_DATA(c) + sizeof(ee), &off, sizeof(off));
	msg.msg_controllen = CMSG_SPACE(sizeof(ee) + sizeof(off));
}

START_TEST(errq_icmp_error_for_our_probe)
{
	struct rt_errq_entry e;
	size_t n = rt_icmp_build_echo(&rt_inet, quote, sizeof(quote), ID, 7, NULL, 0, 56);
	char a[RT_ADDRSTRLEN];

	put_ee(SO_EE_ORIGIN_ICMP, EHOSTUNREACH, 3, 1, 0);
	ck_assert_int_eq(rt_errq_decode(&m4, &msg, n, &e), 0);
	ck_assert_int_eq(e.kind, RT_ERRQ_ICMP);
	ck_assert_uint_eq(e.err.seq, 7);
	ck_assert_uint_eq(e.err.type, 3);
	ck_assert_str_eq(rt_addr_str(&e.err.offender, a, sizeof(a)), "10.77.0.1");
	/* Another ping's probe (another identifier): not ours. */
	quote[5] ^= 1;
	ck_assert_int_eq(rt_errq_decode(&m4, &msg, n, &e), -ENOMSG);
	quote[5] ^= 1;
	/* A probe to another destination (msg_name): not ours either. */
	inet_pton(AF_INET, "10.77.0.3", &dst.sin_addr);
	ck_assert_int_eq(rt_errq_decode(&m4, &msg, n, &e), -ENOMSG);
}
END_TEST

/*
 * An IPv6 error about a link-local target: msg_name carries the link it
 * came in on (two targets may differ only so), and the quoted echo's data
 * comes along (it may name the target: rt_icmp_get_tag()).
 */
START_TEST(errq_v6_error_keeps_the_link_and_the_quoted_data)
{
	struct rt_icmp_match m6 = { .fam = &rt_inet6, .any_dst = true };
	struct sock_extended_err ee = { .ee_errno = EHOSTUNREACH, .ee_origin = SO_EE_ORIGIN_ICMP6,
					.ee_type = 1, .ee_code = 3 };
	struct sockaddr_in6 to = { .sin6_family = AF_INET6, .sin6_scope_id = 5 };
	struct cmsghdr *c = (struct cmsghdr *)cbuf.b;
	struct rt_errq_entry e;
	size_t n = rt_icmp_build_echo(&rt_inet6, quote, sizeof(quote), 0, 3, NULL, 0, 56);
	uint32_t idx;

	rt_icmp_put_tag(&rt_inet6, quote, n, 1);
	inet_pton(AF_INET6, "fe80::99", &to.sin6_addr);
	msg.msg_name = &to;
	msg.msg_namelen = sizeof(to);
	c->cmsg_level = IPPROTO_IPV6;
	c->cmsg_type = IPV6_RECVERR;
	c->cmsg_len = CMSG_LEN(sizeof(ee));
	memcpy(CMSG_DATA(c), &ee, sizeof(ee));
	msg.msg_controllen = CMSG_SPACE(sizeof(ee));
	ck_assert_int_eq(rt_errq_decode(&m6, &msg, n, &e), 0);
	ck_assert_int_eq(e.kind, RT_ERRQ_ICMP);
	ck_assert_uint_eq(e.err.seq, 3);
	ck_assert_uint_eq(e.err.dst_scope, 5);
	ck_assert_ptr_eq(e.err.data, quote + RT_ICMP_HDR_LEN);
	ck_assert_uint_eq(e.err.data_len, n - RT_ICMP_HDR_LEN);
	ck_assert(rt_icmp_get_tag(e.err.data, e.err.data_len, &idx));
	ck_assert_uint_eq(idx, 1);
}
END_TEST

START_TEST(errq_local_error_and_tx_report)
{
	struct rt_errq_entry e;

	put_ee(SO_EE_ORIGIN_LOCAL, EMSGSIZE, 0, 0, 1400);
	ck_assert_int_eq(rt_errq_decode(&m4, &msg, 0, &e), 0);
	ck_assert_int_eq(e.kind, RT_ERRQ_LOCAL);
	ck_assert_int_eq(e.err.err, EMSGSIZE);
	ck_assert_uint_eq(e.err.info, 1400);
	/* A transmit report that names no device says nothing (tests/unit/test_egress.c). */
	put_ee(SO_EE_ORIGIN_TIMESTAMPING, ENOMSG, 0, 0, 0);
	ck_assert_int_eq(rt_errq_decode(&m4, &msg, 0, &e), -ENOMSG);
	ck_assert_int_eq(e.kind, RT_ERRQ_TXREPORT);
}
END_TEST

START_TEST(errq_without_extended_error_or_cut_short)
{
	struct rt_errq_entry e;

	msg.msg_controllen = 0;
	ck_assert_int_eq(rt_errq_decode(&m4, &msg, 0, &e), -ENOMSG);
	put_ee(SO_EE_ORIGIN_ICMP, EHOSTUNREACH, 3, 1, 0);
	((struct cmsghdr *)cbuf.b)->cmsg_len = CMSG_LEN(4);   /* shorter than the error */
	ck_assert_int_eq(rt_errq_decode(&m4, &msg, 0, &e), -ENOMSG);
	/* An ICMP error quoting nothing: not attributable. */
	put_ee(SO_EE_ORIGIN_ICMP, EHOSTUNREACH, 3, 1, 0);
	ck_assert_int_eq(rt_errq_decode(&m4, &msg, 4, &e), -ENOMSG);
}
END_TEST

START_TEST(cmsgs_ttl_and_kernel_timestamp)
{
	struct rt_rx_meta m;
	struct cmsghdr *c = (struct cmsghdr *)cbuf.b;
	struct timespec ts = { .tv_sec = 100, .tv_nsec = 0 };
	int ttl = 63;

	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_TIMESTAMPNS;
	c->cmsg_len = CMSG_LEN(sizeof(ts));
	memcpy(CMSG_DATA(c), &ts, sizeof(ts));
	c = (struct cmsghdr *)(cbuf.b + CMSG_SPACE(sizeof(ts)));
	c->cmsg_level = IPPROTO_IP;
	c->cmsg_type = IP_TTL;
	c->cmsg_len = CMSG_LEN(sizeof(ttl));
	memcpy(CMSG_DATA(c), &ttl, sizeof(ttl));
	msg.msg_controllen = CMSG_SPACE(sizeof(ts)) + CMSG_SPACE(sizeof(ttl));
	/* Arrived 3 ms before the batch was read: the monotonic time moves back 3 ms. */
	rt_rx_cmsgs(&msg, &rt_inet, true, 50 * SEC, 100 * SEC + 3 * MS, &m);
	ck_assert_int_eq(m.ttl, 63);
	ck_assert_int_eq(m.rx_ns, 50 * SEC - 3 * MS);
	ck_assert_int_eq(m.read_ns, 50 * SEC);
	/* -U: the kernel's stamp is ignored. */
	rt_rx_cmsgs(&msg, &rt_inet, false, 50 * SEC, 100 * SEC + 3 * MS, &m);
	ck_assert_int_eq(m.rx_ns, 50 * SEC);
	/* 6.126 s old (a lookup held the read) is still the truth. */
	rt_rx_cmsgs(&msg, &rt_inet, true, 50 * SEC, 106 * SEC + 126 * MS, &m);
	ck_assert_int_eq(m.rx_ns, 50 * SEC - 6126 * MS);
	ck_assert_int_eq(m.read_ns, 50 * SEC);
	/* From after our read (the wall clock went back meanwhile): our read. */
	rt_rx_cmsgs(&msg, &rt_inet, true, 50 * SEC, 99 * SEC, &m);
	ck_assert_int_eq(m.rx_ns, 50 * SEC);
}
END_TEST

/* Datagram sockets hand IPv4 options over as IP_RETOPTS: exactly its bytes. */
START_TEST(cmsgs_ip_options_on_datagram_sockets)
{
	struct rt_rx_meta m;
	struct cmsghdr *c = (struct cmsghdr *)cbuf.b;
	static const uint8_t rr[11] = { 7, 11, 8, 10, 66, 0, 254, 0, 0, 0, 0 };

	c->cmsg_level = IPPROTO_IP;
	c->cmsg_type = IP_RETOPTS;
	c->cmsg_len = CMSG_LEN(sizeof(rr));
	memcpy(CMSG_DATA(c), rr, sizeof(rr));
	msg.msg_controllen = CMSG_SPACE(sizeof(rr));
	rt_rx_cmsgs(&msg, &rt_inet, true, 0, 0, &m);
	ck_assert_uint_eq(m.ipopts_len, 11);
	ck_assert_mem_eq(m.ipopts, rr, 11);
	/* Not for IPv6, and none without the cmsg. */
	rt_rx_cmsgs(&msg, &rt_inet6, true, 0, 0, &m);
	ck_assert_uint_eq(m.ipopts_len, 0);
	msg.msg_controllen = 0;
	rt_rx_cmsgs(&msg, &rt_inet, true, 0, 0, &m);
	ck_assert(m.ipopts == NULL && m.ipopts_len == 0);
}
END_TEST

/* Each reply's ingress: ipi_ifindex / ipi6_ifindex of the pktinfo cmsg, 0 without one. */
START_TEST(cmsgs_pktinfo_gives_the_ingress_device)
{
	struct rt_rx_meta m;
	struct cmsghdr *c = (struct cmsghdr *)cbuf.b;
	struct in_pktinfo p4 = { .ipi_ifindex = 3 };
	struct in6_pktinfo p6 = { .ipi6_ifindex = 7 };

	c->cmsg_level = IPPROTO_IP;
	c->cmsg_type = IP_PKTINFO;
	c->cmsg_len = CMSG_LEN(sizeof(p4));
	memcpy(CMSG_DATA(c), &p4, sizeof(p4));
	msg.msg_controllen = CMSG_SPACE(sizeof(p4));
	rt_rx_cmsgs(&msg, &rt_inet, true, 0, 0, &m);
	ck_assert_uint_eq(m.ifindex, 3);
	/* A short cmsg says nothing. */
	c->cmsg_len = CMSG_LEN(sizeof(p4) - 1);
	rt_rx_cmsgs(&msg, &rt_inet, true, 0, 0, &m);
	ck_assert_uint_eq(m.ifindex, 0);
	c->cmsg_level = IPPROTO_IPV6;
	c->cmsg_type = IPV6_PKTINFO;
	c->cmsg_len = CMSG_LEN(sizeof(p6));
	memcpy(CMSG_DATA(c), &p6, sizeof(p6));
	msg.msg_controllen = CMSG_SPACE(sizeof(p6));
	rt_rx_cmsgs(&msg, &rt_inet6, true, 0, 0, &m);
	ck_assert_uint_eq(m.ifindex, 7);
	/* The IPv6 cmsg on an IPv4 socket is not its pktinfo. */
	rt_rx_cmsgs(&msg, &rt_inet, true, 0, 0, &m);
	ck_assert_uint_eq(m.ifindex, 0);
	msg.msg_controllen = 0;
	rt_rx_cmsgs(&msg, &rt_inet6, true, 0, 0, &m);
	ck_assert_uint_eq(m.ifindex, 0);
}
END_TEST

/* An asymmetry is said once per target, and only when both devices are known. */
START_TEST(ingress_news_once_per_target)
{
	struct rt_ingress g;

	ck_assert_int_eq(rt_ingress_init(&g, 2), 0);
	ck_assert(!rt_ingress_news(&g, 0, 2, 2));
	ck_assert(!rt_ingress_news(&g, 0, 0, 2));
	ck_assert(!rt_ingress_news(&g, 0, 3, 0));
	ck_assert(rt_ingress_news(&g, 0, 3, 2));
	ck_assert(!rt_ingress_news(&g, 0, 3, 2));
	ck_assert(rt_ingress_news(&g, 1, 3, 2));
	ck_assert(!rt_ingress_news(&g, 2, 3, 2));
	ck_assert_ptr_null(rt_ingress_name(&g, 0));
	/* A reply from this host itself: the route says lo, pktinfo the address's device. */
	ck_assert(!rt_ingress_differs(3, RT_LOOPBACK_IFINDEX));
	ck_assert(!rt_ingress_differs(RT_LOOPBACK_IFINDEX, 3));
	ck_assert(rt_ingress_differs(3, 2));
	rt_ingress_free(&g);
}
END_TEST

static struct rt_opts opts(void)
{
	return (struct rt_opts){ .interval_ns = SEC, .preload = 1, .size = 56, .ttl = -1 };
}

/* -c 2 at 1 s: two sends, then iputils' 10 s linger with no reply, or 2 x RTT. */
START_TEST(policy_count_linger_and_exit_code)
{
	struct rt_opts o = opts();
	struct rt_stats st;
	struct rt_run r;
	struct rt_reply_acct a;
	int64_t w;

	o.count = 2;
	ck_assert_int_eq(rt_stats_init(&st, 0, rt_policy_window(&o)), 0);
	ck_assert_uint_eq(rt_policy_window(&o), 2);
	rt_policy_start(&r);
	ck_assert_int_eq(rt_policy_wake(&r), 0);
	rt_stats_sent(&st, 1, 0);
	rt_policy_schedule_exit(&r, &o, &st, 0);
	ck_assert(rt_policy_may_send(&o, &st));
	ck_assert_int_eq(r.exit_ns, 0);
	rt_stats_sent(&st, 2, SEC);
	rt_policy_schedule_exit(&r, &o, &st, SEC);
	ck_assert(!rt_policy_may_send(&o, &st));
	ck_assert_int_eq(r.exit_ns, 11 * SEC);
	ck_assert(!rt_policy_finished(&r, &o, &st, 11 * SEC - 1));
	ck_assert(rt_policy_finished(&r, &o, &st, 11 * SEC));
	ck_assert(!rt_policy_answered(&o, &st));
	/* Both answered: done at once, answered; the linger would be max(2 x RTT, interval). */
	rt_stats_reply(&st, 1, 3 * MS, false, &a);
	rt_stats_reply(&st, 2, SEC + 600 * MS, false, &a);
	ck_assert(rt_policy_finished(&r, &o, &st, SEC + 600 * MS));
	ck_assert(rt_policy_linger(&o, &st, &w));
	ck_assert_int_eq(w, 1200 * MS);
	ck_assert(rt_policy_answered(&o, &st));
	rt_stats_free(&st);
}
END_TEST

/*
 * -w 3 -c 1: the deadline runs from the first echo, however late --rate
 * let it leave; sending goes on past -c; an error or the deadline ends
 * it; too few is not answered.
 */
START_TEST(policy_deadline)
{
	struct rt_opts o = opts();
	struct rt_stats st;
	struct rt_run r;
	struct rt_reply_acct a;

	o.count = 1;
	o.deadline_s = 3;
	ck_assert_int_eq(rt_stats_init(&st, 0, rt_policy_window(&o)), 0);
	rt_policy_start(&r);
	ck_assert_int_eq(rt_policy_wake(&r), 0);
	ck_assert(!rt_policy_finished(&r, &o, &st, 4 * SEC));
	rt_stats_sent(&st, 1, 5 * SEC);
	rt_policy_sent(&r, &o, 5 * SEC);
	ck_assert_int_eq(rt_policy_wake(&r), 8 * SEC);
	rt_policy_sent(&r, &o, 6 * SEC);   /* later echoes do not move it */
	ck_assert_int_eq(rt_policy_wake(&r), 8 * SEC);
	rt_policy_schedule_exit(&r, &o, &st, 5 * SEC);
	ck_assert(rt_policy_may_send(&o, &st));
	ck_assert(!rt_policy_finished(&r, &o, &st, 8 * SEC - 1));
	ck_assert(rt_policy_finished(&r, &o, &st, 8 * SEC));
	ck_assert(!rt_policy_answered(&o, &st));
	rt_stats_reply(&st, 1, 5 * SEC + MS, false, &a);
	ck_assert(rt_policy_answered(&o, &st));
	o.count = 2;
	ck_assert(!rt_policy_answered(&o, &st));
	st.nerrors = 1;
	ck_assert(rt_policy_finished(&r, &o, &st, 5 * SEC));
	rt_stats_free(&st);
}
END_TEST

/* iputils' __schedule_exit(); -W 0 arms a zero timer, which never fires. */
START_TEST(policy_linger_zero_waits_for_ever)
{
	struct rt_opts o = opts();
	struct rt_stats st;
	struct rt_run r;
	struct rt_reply_acct a;
	int64_t w = -1;

	o.count = 1;
	ck_assert_int_eq(rt_stats_init(&st, 0, rt_policy_window(&o)), 0);
	ck_assert(rt_policy_linger(&o, &st, &w));
	ck_assert_int_eq(w, 10 * SEC);
	o.timeout_set = true;
	o.timeout_ns = 0;
	ck_assert(!rt_policy_linger(&o, &st, &w));
	rt_policy_start(&r);
	rt_stats_sent(&st, 1, 0);
	rt_policy_schedule_exit(&r, &o, &st, 0);
	ck_assert_int_eq(r.exit_ns, 0);
	ck_assert(!rt_policy_finished(&r, &o, &st, 3600 * SEC));
	/* A late reply: twice the largest RTT, at least one interval; -W no longer counts. */
	rt_stats_reply(&st, 1, 300 * MS, false, &a);
	ck_assert(a.known);
	o.interval_ns = 200 * MS;
	ck_assert(rt_policy_linger(&o, &st, &w));
	ck_assert_int_eq(w, 600 * MS);
	o.interval_ns = SEC;
	ck_assert(rt_policy_linger(&o, &st, &w));
	ck_assert_int_eq(w, SEC);
	rt_stats_free(&st);
}
END_TEST

START_TEST(policy_send_errors)
{
	struct rt_opts o = opts();
	struct rt_stats st;

	ck_assert_int_eq(rt_stats_init(&st, 0, 1), 0);
	ck_assert_int_eq(rt_policy_send_error(&o, &st, ENOBUFS, false), RT_SEND_RETRY);
	ck_assert_int_eq(rt_policy_send_error(&o, &st, EAGAIN, false), RT_SEND_RETRY);
	ck_assert_int_eq(rt_policy_send_error(&o, &st, EACCES, false), RT_SEND_FATAL);
	ck_assert_int_eq(rt_policy_send_error(&o, &st, ENETUNREACH, false), RT_SEND_FAILED);
	o.broadcast = true;
	ck_assert_int_eq(rt_policy_send_error(&o, &st, EACCES, false), RT_SEND_FAILED);
	o.broadcast = false;
	st.ntransmitted = 1;   /* EACCES later on is a firewall, not a broadcast */
	ck_assert_int_eq(rt_policy_send_error(&o, &st, EACCES, false), RT_SEND_FAILED);
	rt_stats_free(&st);
}
END_TEST

/* Many targets on one socket: a full buffer fails that echo, never a retry that holds it. */
START_TEST(policy_send_blocked_when_shared)
{
	struct rt_opts o = opts();
	struct rt_stats st;

	ck_assert_int_eq(rt_stats_init(&st, 0, 1), 0);
	ck_assert_int_eq(rt_policy_send_error(&o, &st, ENOBUFS, true), RT_SEND_BLOCKED);
	ck_assert_int_eq(rt_policy_send_error(&o, &st, EAGAIN, true), RT_SEND_BLOCKED);
	ck_assert_int_eq(rt_policy_send_error(&o, &st, ENOMEM, true), RT_SEND_BLOCKED);
	ck_assert_int_eq(rt_policy_send_error(&o, &st, ENETUNREACH, true), RT_SEND_FAILED);
	/* One target's route turned prohibit fails that target, not the run. */
	ck_assert_int_eq(rt_policy_send_error(&o, &st, EACCES, true), RT_SEND_FAILED);
	rt_stats_free(&st);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("engine");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, errq_icmp_error_for_our_probe);
	tcase_add_test(tc, errq_v6_error_keeps_the_link_and_the_quoted_data);
	tcase_add_test(tc, errq_local_error_and_tx_report);
	tcase_add_test(tc, errq_without_extended_error_or_cut_short);
	tcase_add_test(tc, cmsgs_ttl_and_kernel_timestamp);
	tcase_add_test(tc, cmsgs_ip_options_on_datagram_sockets);
	tcase_add_test(tc, cmsgs_pktinfo_gives_the_ingress_device);
	tcase_add_test(tc, ingress_news_once_per_target);
	tcase_add_test(tc, policy_count_linger_and_exit_code);
	tcase_add_test(tc, policy_deadline);
	tcase_add_test(tc, policy_linger_zero_waits_for_ever);
	tcase_add_test(tc, policy_send_errors);
	tcase_add_test(tc, policy_send_blocked_when_shared);
	suite_add_tcase(s, tc);
	return rt_test_run(s);
}
