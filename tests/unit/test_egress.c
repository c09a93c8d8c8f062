/*
 * Transmit reports built as bytes (extended error, pktinfo, timestamps, the
 * returned packet behind a link-layer header), and the rules that turn
 * them into news: matching by sequence or OPT_ID counter, per-egress
 * counts, one divergence, changes, and what confirms a prediction.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <linux/errqueue.h>
#include <linux/net_tstamp.h>

#include <sys/socket.h>
#include <unistd.h>

#include "rtping/nodeinfo.h"
#include "rtping/egress.h"
#include "rtping/family.h"
#include "rtping/tx.h"
#include "rtping/errq.h"
#include "rtping/txrep.h"
#include "runner.h"

#define ID 0x1234
#define LL 14                     /* veth's Ethernet header */

#define RT_IPV6_HDR 40

static struct rt_icmp_match m4, m6;
static uint8_t pkt[256];
static size_t pkt_len;
static union { char b[512]; struct cmsghdr align; } cbuf;
static struct iovec iov;
static struct msghdr msg;
static size_t clen;

static void setup(void)
{
	m4 = (struct rt_icmp_match){ .fam = &rt_inet, .has_iphdr = true, .check_id = true,
				     .id = ID, .echo_len = 64 };
	rt_addr_parse(&m4.dst, AF_INET, "10.70.0.4");
	m6 = (struct rt_icmp_match){ .fam = &rt_inet6, .check_id = false, .id = ID,
				     .echo_len = 64 };
	rt_addr_parse(&m6.dst, AF_INET6, "fd00:70::4");
	memset(&cbuf, 0, sizeof(cbuf));
	memset(pkt, 0, sizeof(pkt));
	clen = 0;
	pkt_len = 0;
	iov = (struct iovec){ pkt, sizeof(pkt) };
	msg = (struct msghdr){ .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf.b };
}

static void *add_cmsg(int level, int type, size_t len)
{
	struct cmsghdr *c = (struct cmsghdr *)(cbuf.b + clen);

	c->cmsg_level = level;
	c->cmsg_type = type;
	c->cmsg_len = CMSG_LEN(len);
	clen += CMSG_SPACE(len);
	msg.msg_controllen = clen;
	return CMSG_DATA(c);
}

static void put_ee(const struct rt_family *f, uint8_t origin, uint32_t info, uint32_t key)
{
	struct sock_extended_err ee = { .ee_errno = ENOMSG, .ee_origin = origin,
					.ee_info = info, .ee_data = key };

	memcpy(add_cmsg(f->sol_ip, f->cmsg_recverr, sizeof(ee)), &ee, sizeof(ee));
}

static void put_pktinfo4(int ifindex, const char *src)
{
	struct in_pktinfo pi = { .ipi_ifindex = ifindex };

	inet_pton(AF_INET, src, &pi.ipi_spec_dst);
	memcpy(add_cmsg(IPPROTO_IP, IP_PKTINFO, sizeof(pi)), &pi, sizeof(pi));
}

static void put_pktinfo6(int ifindex, const char *dst)
{
	struct in6_pktinfo pi = { .ipi6_ifindex = (unsigned)ifindex };

	inet_pton(AF_INET6, dst, &pi.ipi6_addr);
	memcpy(add_cmsg(IPPROTO_IPV6, IPV6_PKTINFO, sizeof(pi)), &pi, sizeof(pi));
}

/* The packet as handed to the device: ll bytes of link layer, IP, the echo. */
static void put_packet(const struct rt_family *f, size_t ll, const char *src, uint16_t id,
		       uint16_t seq)
{
	uint8_t *h = pkt + ll, *icmp = h + f->ip_hdr_len;
	size_t n = rt_icmp_build_echo(f, icmp, 64, id, seq, NULL, 0, 56);

	memset(pkt, 0xee, ll);
	if (f->af == AF_INET) {
		h[0] = 0x45;
		h[2] = 0;
		h[3] = (uint8_t)(20 + n);
		h[9] = IPPROTO_ICMP;
		inet_pton(AF_INET, src, h + 12);
		inet_pton(AF_INET, "10.70.0.4", h + 16);
	} else {
		h[0] = 0x60;
		h[5] = (uint8_t)n;
		h[6] = IPPROTO_ICMPV6;
		inet_pton(AF_INET6, src, h + 8);
		inet_pton(AF_INET6, "fd00:70::4", h + 24);
	}
	pkt_len = ll + f->ip_hdr_len + n;
}

START_TEST(txrep_v4_device_and_source_from_pktinfo)
{
	struct rt_errq_entry e;
	char a[RT_ADDRSTRLEN];

	put_ee(&rt_inet, SO_EE_ORIGIN_TIMESTAMPING, SCM_TSTAMP_SCHED, 6);
	put_pktinfo4(32, "10.62.0.1");
	put_packet(&rt_inet, LL, "10.62.0.1", ID, 7);
	ck_assert_int_eq(rt_errq_decode(&m4, &msg, pkt_len, &e), 0);
	ck_assert_int_eq(e.kind, RT_ERRQ_TXREPORT);
	ck_assert_uint_eq(e.tx.ifindex, 32);
	ck_assert_uint_eq(e.tx.key, 6);
	ck_assert_uint_eq(e.tx.point, SCM_TSTAMP_SCHED);
	ck_assert(e.tx.has_seq);
	ck_assert_uint_eq(e.tx.seq, 7);
	ck_assert_str_eq(rt_addr_str(&e.tx.src, a, sizeof(a)), "10.62.0.1");
	/* Which target it was for: the packet's destination and identifier. */
	ck_assert_str_eq(rt_addr_str(&e.tx.dst, a, sizeof(a)), "10.70.0.4");
	ck_assert_uint_eq(e.tx.id, ID);
}
END_TEST

START_TEST(txrep_raw_socket_of_many_targets_takes_each_of_their_ids)
{
	struct rt_errq_entry e;

	/* Raw, three targets: ids ID .. ID + 2 are ours, ID + 3 is not. */
	m4.nids = 3;
	put_ee(&rt_inet, SO_EE_ORIGIN_TIMESTAMPING, SCM_TSTAMP_SCHED, 0);
	put_pktinfo4(32, "10.62.0.1");
	put_packet(&rt_inet, LL, "10.62.0.1", ID + 2, 9);
	ck_assert_int_eq(rt_errq_decode(&m4, &msg, pkt_len, &e), 0);
	ck_assert(e.tx.has_seq);
	ck_assert_uint_eq(e.tx.id, ID + 2);
	put_packet(&rt_inet, LL, "10.62.0.1", ID + 3, 9);
	ck_assert_int_eq(rt_errq_decode(&m4, &msg, pkt_len, &e), 0);
	ck_assert(!e.tx.has_seq);
}
END_TEST

START_TEST(txrep_v6_source_from_the_packet_not_pktinfo)
{
	struct rt_errq_entry e;
	char a[RT_ADDRSTRLEN];

	/* in6_pktinfo's address is the destination: never the source. */
	put_ee(&rt_inet6, SO_EE_ORIGIN_TIMESTAMPING, SCM_TSTAMP_SND, 0);
	put_pktinfo6(5, "fd00:70::4");
	put_packet(&rt_inet6, LL, "fd00:62::1", 999, 1);
	ck_assert_int_eq(rt_errq_decode(&m6, &msg, pkt_len, &e), 0);
	ck_assert_uint_eq(e.tx.ifindex, 5);
	ck_assert_str_eq(rt_addr_str(&e.tx.src, a, sizeof(a)), "fd00:62::1");
	ck_assert(e.tx.has_seq);
	ck_assert_uint_eq(e.tx.seq, 1);
}
END_TEST

START_TEST(txrep_without_link_layer_header_tun)
{
	struct rt_txrep r;
	struct sock_extended_err ee = { .ee_origin = SO_EE_ORIGIN_TIMESTAMPING };
	char a[RT_ADDRSTRLEN];

	put_pktinfo6(9, "fd00:70::4");
	put_packet(&rt_inet6, 0, "fd00:9::12", ID, 300);
	ck_assert_int_eq(rt_txrep_parse(&m6, &ee, &msg, pkt, pkt_len, &r), 0);
	ck_assert_uint_eq(r.seq, 300);
	ck_assert_str_eq(rt_addr_str(&r.src, a, sizeof(a)), "fd00:9::12");
}
END_TEST

/*
 * An IPv6 echo larger than the MTU: the report carries its first fragment
 * (IPv6 header, fragment header, the start of the echo), whose source is
 * the truth; a later fragment, or one cut short, is not read.
 */
static void put_first_fragment(size_t ll, const char *src, uint16_t seq, uint16_t offmf,
			       size_t cut)
{
	uint8_t *h = pkt + ll, *fh = h + RT_IPV6_HDR, *icmp = fh + 8;
	size_t n = rt_icmp_build_echo(&rt_inet6, icmp, 64, ID, seq, NULL, 0, 56);
	size_t pay = 8 + n - cut;

	memset(pkt, 0xee, ll);
	h[0] = 0x60;
	h[4] = (uint8_t)(pay >> 8);
	h[5] = (uint8_t)pay;
	h[6] = IPPROTO_FRAGMENT;
	inet_pton(AF_INET6, src, h + 8);
	inet_pton(AF_INET6, "fd00:70::4", h + 24);
	fh[0] = IPPROTO_ICMPV6;
	fh[2] = (uint8_t)(offmf >> 8);
	fh[3] = (uint8_t)offmf;
	pkt_len = ll + RT_IPV6_HDR + pay;
}

START_TEST(txrep_v6_fragmented_echo_source_from_the_first_fragment)
{
	struct rt_txrep r;
	struct sock_extended_err ee = { .ee_origin = SO_EE_ORIGIN_TIMESTAMPING };
	char a[RT_ADDRSTRLEN];

	m6.echo_len = 2008;   /* -s 2000: larger than the 64 bytes in pkt */
	put_pktinfo6(5, "fd00:70::4");
	for (size_t ll = 0; ll <= LL; ll += LL) {
		put_first_fragment(ll, "fd61::1", 7, 1, 0);
		ck_assert_int_eq(rt_txrep_parse(&m6, &ee, &msg, pkt, pkt_len, &r), 0);
		ck_assert_uint_eq(r.ifindex, 5);
		ck_assert(r.has_seq);
		ck_assert_uint_eq(r.seq, 7);
		ck_assert_str_eq(rt_addr_str(&r.src, a, sizeof(a)), "fd61::1");
	}
	/* A fragment at offset 8 (not the first), and the last alone (no more flag). */
	put_first_fragment(LL, "fd61::1", 7, 8 << 3 | 1, 0);
	ck_assert_int_eq(rt_txrep_parse(&m6, &ee, &msg, pkt, pkt_len, &r), 0);
	ck_assert(!r.has_seq);
	ck_assert(!rt_addr_is_set(&r.src));
	put_first_fragment(LL, "fd61::1", 7, 0, 0);
	ck_assert_int_eq(rt_txrep_parse(&m6, &ee, &msg, pkt, pkt_len, &r), 0);
	ck_assert(!r.has_seq);
	/* The payload length disagrees with what came: not read. */
	put_first_fragment(LL, "fd61::1", 7, 1, 0);
	ck_assert_int_eq(rt_txrep_parse(&m6, &ee, &msg, pkt, pkt_len - 1, &r), 0);
	ck_assert(!r.has_seq);
	ck_assert(!rt_addr_is_set(&r.src));
}
END_TEST

/* -N: the report quotes a node information query; its nonce holds the sequence. */
START_TEST(txrep_node_information_query)
{
	struct rt_txrep r;
	struct sock_extended_err ee = { .ee_origin = SO_EE_ORIGIN_TIMESTAMPING };
	struct rt_ni ni;
	static const uint8_t rnd[6] = { 1, 2, 3, 4, 5, 6 };
	uint8_t target[16];
	uint8_t *icmp = pkt + RT_IPV6_HDR;
	char a[RT_ADDRSTRLEN];
	size_t n;

	rt_ni_init(&ni);
	ck_assert_int_eq(rt_ni_option(&ni, "name"), RT_NI_OK);
	inet_pton(AF_INET6, "fd00:70::4", target);
	n = rt_ni_build(&ni, target, 300, rnd, icmp, sizeof(pkt) - RT_IPV6_HDR);
	ck_assert_uint_eq(n, 32);
	pkt[0] = 0x60;
	pkt[5] = (uint8_t)n;
	pkt[6] = IPPROTO_ICMPV6;
	inet_pton(AF_INET6, "fd00:9::12", pkt + 8);
	memcpy(pkt + 24, target, 16);
	put_pktinfo6(9, "fd00:70::4");
	/* Matched as an echo of that length: not ours. */
	m6.echo_len = n;
	ck_assert_int_eq(rt_txrep_parse(&m6, &ee, &msg, pkt, RT_IPV6_HDR + n, &r), 0);
	ck_assert(!r.has_seq);
	/* As the socket sets it up for -N: type 139, code 0 (an IPv6 subject). */
	m6.req_key = RT_NI_QUERY << 8;
	ck_assert_int_eq(rt_txrep_parse(&m6, &ee, &msg, pkt, RT_IPV6_HDR + n, &r), 0);
	ck_assert(r.has_seq);
	ck_assert_uint_eq(r.seq, 300);
	ck_assert_str_eq(rt_addr_str(&r.src, a, sizeof(a)), "fd00:9::12");
	/* A length too short to hold the nonce: nothing read past it. */
	m6.echo_len = 9;
	pkt[5] = 9;
	ck_assert_int_eq(rt_txrep_parse(&m6, &ee, &msg, pkt, RT_IPV6_HDR + 9, &r), 0);
	ck_assert(!r.has_seq);
	m6.echo_len = n;
	pkt[5] = (uint8_t)n;
	/* Another code (a name subject) is another request. */
	icmp[1] = 1;
	ck_assert_int_eq(rt_txrep_parse(&m6, &ee, &msg, pkt, RT_IPV6_HDR + n, &r), 0);
	ck_assert(!r.has_seq);
}
END_TEST

START_TEST(txrep_packet_not_ours_or_cut_keeps_only_the_device)
{
	struct rt_txrep r;
	struct sock_extended_err ee = { .ee_origin = SO_EE_ORIGIN_TIMESTAMPING, .ee_data = 4 };

	put_pktinfo4(3, "10.61.0.1");
	/* Another identifier on a raw socket: not our echo, so no sequence. */
	put_packet(&rt_inet, LL, "10.61.0.1", ID + 1, 5);
	ck_assert_int_eq(rt_txrep_parse(&m4, &ee, &msg, pkt, pkt_len, &r), 0);
	ck_assert(!r.has_seq);
	ck_assert_uint_eq(r.ifindex, 3);
	/* Truncated (MSG_TRUNC, or OPT_TSONLY): no packet, no sequence, no crash. */
	put_packet(&rt_inet, LL, "10.61.0.1", ID, 5);
	ck_assert_int_eq(rt_txrep_parse(&m4, &ee, &msg, pkt, 30, &r), 0);
	ck_assert(!r.has_seq);
	ck_assert_int_eq(rt_txrep_parse(&m4, &ee, &msg, NULL, 0, &r), 0);
	/* The wrong IP version where the header should be. */
	put_packet(&rt_inet, LL, "10.61.0.1", ID, 5);
	pkt[LL] = 0x65;
	ck_assert_int_eq(rt_txrep_parse(&m4, &ee, &msg, pkt, pkt_len, &r), 0);
	ck_assert(!r.has_seq);
}
END_TEST

START_TEST(txrep_without_device_or_other_origin_is_no_report)
{
	struct rt_txrep r;
	struct sock_extended_err ee = { .ee_origin = SO_EE_ORIGIN_TIMESTAMPING };

	put_packet(&rt_inet, LL, "10.61.0.1", ID, 5);
	ck_assert_int_eq(rt_txrep_parse(&m4, &ee, &msg, pkt, pkt_len, &r), -ENOMSG);
	put_pktinfo4(3, "10.61.0.1");
	ee.ee_origin = SO_EE_ORIGIN_LOCAL;
	ck_assert_int_eq(rt_txrep_parse(&m4, &ee, &msg, pkt, pkt_len, &r), -ENOMSG);
	/* A pktinfo cmsg shorter than the struct is ignored. */
	setup();
	((struct cmsghdr *)add_cmsg(IPPROTO_IP, IP_PKTINFO, 4) - 1)->cmsg_len = CMSG_LEN(4);
	ee.ee_origin = SO_EE_ORIGIN_TIMESTAMPING;
	ck_assert_int_eq(rt_txrep_parse(&m4, &ee, &msg, NULL, 0, &r), -ENOMSG);
}
END_TEST

START_TEST(txrep_software_timestamp)
{
	struct rt_txrep r;
	struct sock_extended_err ee = { .ee_origin = SO_EE_ORIGIN_TIMESTAMPING };
	struct timespec ts[3] = { { .tv_sec = 5, .tv_nsec = 7 } };

	memcpy(add_cmsg(SOL_SOCKET, SO_TIMESTAMPING, sizeof(ts)), ts, sizeof(ts));
	put_pktinfo4(3, "10.61.0.1");
	ck_assert_int_eq(rt_txrep_parse(&m4, &ee, &msg, NULL, 0, &r), 0);
	ck_assert_int_eq(r.real_ns, 5000000007LL);
}
END_TEST

/* ---- the tracker ---- */

static struct rt_txrep rep(uint32_t key, int seq, uint32_t ifindex, const char *src)
{
	struct rt_txrep r = { .key = key, .ifindex = ifindex, .has_seq = seq >= 0,
			      .seq = (uint16_t)(seq >= 0 ? seq : 0) };

	rt_addr_parse(&r.src, AF_INET, src);
	return r;
}

static struct rt_egress eg(uint32_t ifindex, const char *src)
{
	struct rt_egress e = { .ifindex = ifindex };

	rt_addr_parse(&e.src, AF_INET, src);
	return e;
}

/* The run's egresses: each test starts with an empty table. */
static struct rt_egress_table tb;

/* A track for one target with prediction p (NULL none). */
static void track(struct rt_egress_track *t, size_t window, const struct rt_egress *p)
{
	rt_egress_table_free(&tb);
	ck_assert_int_eq(rt_egress_init(t, window, true), 0);
	if (p)
		rt_egress_expect(t, rt_egress_table_add(&tb, p), true);
}

START_TEST(egress_confirming_the_prediction_says_nothing)
{
	struct rt_egress_track t;
	struct rt_egress p = eg(2, "10.61.0.1");
	struct rt_egress_seen seen[RT_EGRESS_MAX];
	struct rt_txrep r;
	uint16_t seq;
	uint8_t e, prev;

	track(&t, 16, &p);
	for (int i = 0; i < 40; i++) {
		r = rep((uint32_t)i, i + 1, 2, "10.61.0.1");
		ck_assert_int_eq(rt_egress_report(&t, &tb, &r, &seq, &e, &prev), RT_EGRESS_SAME);
		ck_assert_uint_eq(seq, i + 1);
		/* SND after SCHED: the same echo, counted once. */
		ck_assert_int_eq(rt_egress_report(&t, &tb, &r, &seq, &e, &prev), RT_EGRESS_SAME);
		ck_assert_int_eq(e, 0);
	}
	ck_assert_uint_eq(rt_egress_counts(&t, &tb, seen), 1);
	ck_assert_uint_eq(seen[0].echoes, 40);
	ck_assert_uint_eq(seen[0].eg.ifindex, 2);
	ck_assert_uint_eq(rt_egress_observed(&t), 40);
	ck_assert_uint_eq(tb.n, 1);
	/* The window keeps the last 16 echoes' egress. */
	ck_assert_uint_eq(rt_egress_of(&t, 40), 1);
	ck_assert_uint_eq(rt_egress_of(&t, 24), 0);
	ck_assert_uint_eq(rt_egress_of(&t, 41), 0);
	rt_egress_free(&t);
}
END_TEST

START_TEST(egress_multipath_diverges_once_then_changes_are_news)
{
	struct rt_egress_track t;
	struct rt_egress p = eg(2, "10.61.0.1"), q = eg(3, "10.62.0.1");
	struct rt_egress_seen seen[RT_EGRESS_MAX];
	struct rt_txrep r;
	uint16_t seq;
	uint8_t e, prev;

	track(&t, 16, &p);
	r = rep(0, 1, 3, "10.62.0.1");
	ck_assert_int_eq(rt_egress_report(&t, &tb, &r, &seq, &e, &prev), RT_EGRESS_DIVERGES);
	ck_assert_int_eq(prev, 0);
	/* Said: from now on the observed egress is what is expected. */
	rt_egress_expect(&t, rt_egress_table_add(&tb, &q), false);
	r = rep(1, 2, 3, "10.62.0.1");
	ck_assert_int_eq(rt_egress_report(&t, &tb, &r, &seq, &e, &prev), RT_EGRESS_SAME);
	/* Back to the predicted one, with no route change: a change. */
	r = rep(2, 3, 2, "10.61.0.1");
	ck_assert_int_eq(rt_egress_report(&t, &tb, &r, &seq, &e, &prev), RT_EGRESS_CHANGED);
	ck_assert_int_eq(prev, 2);     /* the table: [0] the prediction, [1] the first observed */
	ck_assert_int_eq(e, 1);
	ck_assert_uint_eq(rt_egress_counts(&t, &tb, seen), 2);
	ck_assert_uint_eq(seen[0].echoes, 2);
	ck_assert_uint_eq(seen[0].eg.ifindex, 3);
	ck_assert_uint_eq(seen[1].echoes, 1);
	rt_egress_free(&t);
}
END_TEST

START_TEST(egress_a_reported_route_change_is_not_said_again)
{
	struct rt_egress_track t;
	struct rt_egress p = eg(2, "10.9.0.12"), n = eg(2, "10.9.0.11");
	struct rt_txrep r;
	uint16_t seq;
	uint8_t e, prev;

	track(&t, 16, &p);
	r = rep(0, 1, 2, "10.9.0.12");
	ck_assert_int_eq(rt_egress_report(&t, &tb, &r, &seq, &e, &prev), RT_EGRESS_SAME);
	/* The watch said the route changed: the echo that confirms it is no news. */
	rt_egress_expect(&t, rt_egress_table_add(&tb, &n), true);
	r = rep(1, 2, 2, "10.9.0.11");
	ck_assert_int_eq(rt_egress_report(&t, &tb, &r, &seq, &e, &prev), RT_EGRESS_SAME);
	/* A new prediction the next echo contradicts: a divergence again. */
	rt_egress_expect(&t, rt_egress_table_add(&tb, &p), true);
	r = rep(2, 3, 2, "10.9.0.11");
	ck_assert_int_eq(rt_egress_report(&t, &tb, &r, &seq, &e, &prev), RT_EGRESS_DIVERGES);
	rt_egress_free(&t);
}
END_TEST

START_TEST(egress_key_only_reports_follow_the_counter)
{
	struct rt_egress_track t;
	struct rt_txrep r;
	uint16_t seq;
	uint8_t e, prev;

	track(&t, 8, NULL);
	/* Only the echoes that asked for a report take keys (flood sampling). */
	rt_egress_asked(&t, 1, 0);
	rt_egress_asked(&t, 17, 0);
	rt_egress_asked(&t, 33, 0);
	/* No packet data (e.g. net.core.tstamp_allow_data=0): the key says which. */
	r = rep(1, -1, 2, "10.61.0.1");
	rt_egress_report(&t, &tb, &r, &seq, &e, &prev);
	ck_assert_uint_eq(seq, 17);
	ck_assert_int_eq(e, 1);
	/* A key never given out, or long forgotten: not counted. */
	r = rep(3, -1, 2, "10.61.0.1");
	rt_egress_report(&t, &tb, &r, &seq, &e, &prev);
	ck_assert_int_eq(e, 0);
	for (int i = 0; i < RT_EGRESS_KEYS; i++)
		rt_egress_asked(&t, (uint16_t)(100 + i), 0);
	r = rep(2, -1, 2, "10.61.0.1");
	rt_egress_report(&t, &tb, &r, &seq, &e, &prev);
	ck_assert_int_eq(e, 0);
	ck_assert_uint_eq(t.asked, 3 + RT_EGRESS_KEYS);
	ck_assert_uint_eq(rt_egress_observed(&t), 1);
	rt_egress_free(&t);
}
END_TEST

START_TEST(egress_a_target_sharing_its_socket_matches_by_packet_only)
{
	struct rt_egress_track t, u;
	struct rt_txrep r;
	uint16_t seq;
	uint8_t e, prev;

	/* Many targets: the OPT_ID counter is the socket's, no target's. */
	rt_egress_table_free(&tb);
	ck_assert_int_eq(rt_egress_init(&t, 4, false), 0);
	ck_assert_int_eq(rt_egress_init(&u, 1, false), 0);
	ck_assert_ptr_null(t.key_seq);
	ck_assert_ptr_null(t.slot);
	rt_egress_asked(&t, 1, 0);
	r = rep(0, -1, 2, "10.61.0.1");
	rt_egress_report(&t, &tb, &r, &seq, &e, &prev);
	ck_assert_int_eq(e, 0);
	ck_assert_uint_eq(rt_egress_of(&t, 1), 0);
	/* The packet names the echo: counted, and its slots allocated then. */
	r = rep(0, 1, 2, "10.61.0.1");
	rt_egress_report(&t, &tb, &r, &seq, &e, &prev);
	ck_assert_int_eq(e, 1);
	ck_assert_uint_eq(rt_egress_of(&t, 1), 1);
	/* A one-slot window (-c 1) allocates nothing. */
	ck_assert_ptr_eq(u.slot, NULL);
	/* Another target by the same egress: the table's one entry, its own count. */
	rt_egress_report(&u, &tb, &r, &seq, &e, &prev);
	ck_assert_int_eq(e, 1);
	ck_assert_uint_eq(tb.n, 1);
	ck_assert_uint_eq(rt_egress_observed(&t), 1);
	ck_assert_uint_eq(rt_egress_observed(&u), 1);
	ck_assert_ptr_eq(u.slot, &u.slot1);
	ck_assert_uint_eq(rt_egress_of(&u, 1), 1);
	rt_egress_free(&t);
	rt_egress_free(&u);
}
END_TEST

START_TEST(egress_flood_samples_the_first_then_one_each_gap)
{
	const int64_t ms = 1000000, t0 = 5 * 1000 * ms;
	struct rt_egress_track t;
	int n = 0;

	track(&t, 64, NULL);
	/* 1000 echoes 100 µs apart: the first 16, then one each 10 ms. */
	for (int i = 0; i < 1000; i++) {
		int64_t now = t0 + i * ms / 10;

		if (rt_egress_sample(&t, true, now)) {
			rt_egress_asked(&t, (uint16_t)i, now);
			n++;
		}
	}
	/* 16 in the first 1.5 ms, then at 11.5, 21.5 ... 91.5 ms. */
	ck_assert_int_eq(n, RT_EGRESS_FIRST + 9);
	ck_assert_uint_eq(t.asked, (uint64_t)n);
	/* Just under the gap: no; at it: yes. */
	ck_assert(!rt_egress_sample(&t, true, t.last_ask_ns + RT_EGRESS_GAP_NS - 1));
	ck_assert(rt_egress_sample(&t, true, t.last_ask_ns + RT_EGRESS_GAP_NS));
	/* Outside flood mode every echo asks. */
	ck_assert(rt_egress_sample(&t, false, t.last_ask_ns));
	rt_egress_free(&t);
	/* A slow flood (an echo each 20 ms) asks on every echo. */
	track(&t, 64, NULL);
	for (int i = 0; i < 40; i++) {
		ck_assert(rt_egress_sample(&t, true, t0 + i * 20 * ms));
		rt_egress_asked(&t, (uint16_t)i, t0 + i * 20 * ms);
	}
	rt_egress_free(&t);
}
END_TEST

START_TEST(egress_more_egresses_than_the_table_holds)
{
	struct rt_egress_track t;
	struct rt_txrep r;
	char src[32];
	uint16_t seq;
	uint8_t e, prev;

	track(&t, 64, NULL);
	for (int i = 0; i < RT_EGRESS_MAX + 4; i++) {
		snprintf(src, sizeof(src), "10.0.0.%d", i + 1);
		r = rep((uint32_t)i, i + 1, 2, src);
		rt_egress_report(&t, &tb, &r, &seq, &e, &prev);
	}
	ck_assert_uint_eq(t.nseen, RT_EGRESS_MAX);
	ck_assert_uint_eq(t.unlisted, 4);
	ck_assert_uint_eq(rt_egress_observed(&t), RT_EGRESS_MAX + 4);
	ck_assert_uint_eq(rt_egress_of(&t, RT_EGRESS_MAX + 4), 0);
	rt_egress_free(&t);
	/* A run's table is full at RT_EGRESS_TABLE: the next egress is unlisted. */
	rt_egress_table_free(&tb);
	for (int i = 0; i < RT_EGRESS_TABLE; i++) {
		struct rt_egress x = eg((uint32_t)i + 1, "10.0.0.1");

		ck_assert_uint_eq(rt_egress_table_add(&tb, &x), i + 1);
	}
	ck_assert_int_eq(rt_egress_init(&t, 4, false), 0);
	r = rep(0, 1, 999, "10.0.0.1");
	rt_egress_report(&t, &tb, &r, &seq, &e, &prev);
	ck_assert_int_eq(e, 0);
	ck_assert_uint_eq(t.unlisted, 1);
	rt_egress_free(&t);
	/* A window that is not a power of two is refused, nothing allocated. */
	ck_assert_int_eq(rt_egress_init(&t, 12, true), -EINVAL);
	ck_assert_ptr_null(t.slot);
	ck_assert_ptr_null(t.key_seq);
	rt_egress_table_free(&tb);
}
END_TEST

/* Reports that name no source are one egress per device, counted together. */
START_TEST(egress_reports_without_a_source_are_one_egress)
{
	struct rt_egress_track t;
	struct rt_egress_seen seen[RT_EGRESS_MAX];
	struct rt_txrep r;
	uint16_t seq;
	uint8_t e, prev;

	track(&t, 16, NULL);
	for (int i = 0; i < 6; i++) {
		r = rep((uint32_t)i, i + 1, i < 4 ? 2 : 3, "10.61.0.1");
		memset(&r.src, 0, sizeof(r.src));
		rt_egress_report(&t, &tb, &r, &seq, &e, &prev);
	}
	ck_assert_uint_eq(tb.n, 2);
	ck_assert_uint_eq(rt_egress_counts(&t, &tb, seen), 2);
	ck_assert_uint_eq(seen[0].echoes, 4);
	ck_assert_uint_eq(seen[1].echoes, 2);
	rt_egress_free(&t);
	rt_egress_table_free(&tb);
}
END_TEST

/*
 * A kernel that refuses the SO_TIMESTAMPING control message (EINVAL, as
 * before 4.10; a unix socket refuses it the same way) still gets every
 * echo, without a report, and is not asked again.
 */
START_TEST(tx_refused_report_request_still_sends)
{
	int sv[2];
	uint8_t buf[128];
	static const uint8_t rnd[6];
	struct rt_tx_cfg c = { .probe = { .fam = &rt_inet, .id = 7, .size = 8 } };
	struct rt_tx *tx;
	int64_t now = 0;
	bool ask = true;

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv), 0);
	c.fd = sv[0];
	tx = rt_tx_new(&c);
	ck_assert_ptr_nonnull(tx);
	ck_assert_int_eq(rt_tx_echo(tx, 1, rnd, &ask, &now), 0);
	ck_assert(!ask);
	ck_assert_int_gt(now, 0);
	ck_assert_int_eq(recv(sv[1], buf, sizeof(buf), MSG_DONTWAIT), 16);
	ck_assert_int_eq(buf[0], 8);      /* an echo request */
	ask = true;
	ck_assert_int_eq(rt_tx_echo(tx, 2, rnd, &ask, &now), 0);
	ck_assert(!ask);
	ck_assert_int_eq(recv(sv[1], buf, sizeof(buf), MSG_DONTWAIT), 16);
	rt_tx_free(tx);
	close(sv[0]);
	close(sv[1]);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("egress");
	TCase *tc = tcase_create("egress");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, txrep_v4_device_and_source_from_pktinfo);
	tcase_add_test(tc, tx_refused_report_request_still_sends);
	tcase_add_test(tc, txrep_raw_socket_of_many_targets_takes_each_of_their_ids);
	tcase_add_test(tc, txrep_v6_source_from_the_packet_not_pktinfo);
	tcase_add_test(tc, txrep_without_link_layer_header_tun);
	tcase_add_test(tc, txrep_v6_fragmented_echo_source_from_the_first_fragment);
	tcase_add_test(tc, txrep_node_information_query);
	tcase_add_test(tc, txrep_packet_not_ours_or_cut_keeps_only_the_device);
	tcase_add_test(tc, txrep_without_device_or_other_origin_is_no_report);
	tcase_add_test(tc, txrep_software_timestamp);
	tcase_add_test(tc, egress_confirming_the_prediction_says_nothing);
	tcase_add_test(tc, egress_multipath_diverges_once_then_changes_are_news);
	tcase_add_test(tc, egress_a_reported_route_change_is_not_said_again);
	tcase_add_test(tc, egress_key_only_reports_follow_the_counter);
	tcase_add_test(tc, egress_a_target_sharing_its_socket_matches_by_packet_only);
	tcase_add_test(tc, egress_flood_samples_the_first_then_one_each_gap);
	tcase_add_test(tc, egress_more_egresses_than_the_table_holds);
	tcase_add_test(tc, egress_reports_without_a_source_are_one_egress);
	suite_add_tcase(s, tc);
	return rt_test_run(s);
}
