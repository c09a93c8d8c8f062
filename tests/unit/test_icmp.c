/* ICMP parsing on crafted byte buffers: no sockets, no network. */
#include <check.h>
#include <errno.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/errqueue.h>

#include "rtping/icmp.h"
#include "rtping/probe.h"
#include "runner.h"

#define ID 0x1234

static struct rt_icmp_match m4raw, m4dgram, m6;
static uint8_t buf[2048];

static void setup(void)
{
	m4raw = (struct rt_icmp_match){ .fam = &rt_inet, .has_iphdr = true,
					.check_id = true, .id = ID };
	rt_addr_parse(&m4raw.dst, AF_INET, "10.77.0.2");
	m4dgram = m4raw;
	m4dgram.has_iphdr = false;
	m4dgram.check_id = false;
	m6 = (struct rt_icmp_match){ .fam = &rt_inet6, .check_id = true, .id = ID };
	rt_addr_parse(&m6.dst, AF_INET6, "fd00::2");
}

/* A 20-byte IPv4 header (no options) from src to dst with ttl. */
static size_t ip4(uint8_t *p, const char *src, const char *dst, uint8_t ttl, uint8_t proto)
{
	memset(p, 0, 20);
	p[0] = 0x45;
	p[8] = ttl;
	p[9] = proto;
	inet_pton(AF_INET, src, p + 12);
	inet_pton(AF_INET, dst, p + 16);
	return 20;
}

/* An echo reply: the request built by rt_icmp_build_echo with type 0 and a fresh sum. */
static size_t echo_reply4(uint8_t *p, uint16_t id, uint16_t seq, size_t size)
{
	size_t n = rt_icmp_build_echo(&rt_inet, p, 1500, id, seq, NULL, 0, size);
	uint16_t c;

	p[0] = 0;
	p[2] = p[3] = 0;
	c = rt_icmp_checksum(p, n);
	p[2] = (uint8_t)(c >> 8);
	p[3] = (uint8_t)c;
	return n;
}

START_TEST(build_echo_request_v4_has_valid_checksum)
{
	size_t n = rt_icmp_build_echo(&rt_inet, buf, sizeof(buf), ID, 7, NULL, 0, 56);

	ck_assert_uint_eq(n, 64);
	ck_assert_uint_eq(buf[0], 8);
	ck_assert_uint_eq(buf[4] << 8 | buf[5], ID);
	ck_assert_uint_eq(buf[6] << 8 | buf[7], 7);
	ck_assert_uint_eq(buf[8 + 10], 10);          /* iputils' 0,1,2... fill */
	ck_assert_uint_eq(rt_icmp_checksum(buf, n), 0);
	ck_assert_uint_eq(rt_icmp_build_echo(&rt_inet, buf, 10, ID, 1, NULL, 0, 56), 0);
}
END_TEST

START_TEST(build_echo_pattern_and_odd_length)
{
	const uint8_t pat[] = { 0xab, 0xcd };
	size_t n = rt_icmp_build_echo(&rt_inet, buf, sizeof(buf), ID, 1, pat, 2, 5);

	ck_assert_uint_eq(n, 13);
	ck_assert_uint_eq(buf[8], 0xab);
	ck_assert_uint_eq(buf[12], 0xab);
	ck_assert_uint_eq(rt_icmp_checksum(buf, n), 0);
	/* -p '': iputils fills nothing and sends zeros. */
	memset(buf, 0xee, sizeof(buf));
	n = rt_icmp_build_echo(&rt_inet, buf, sizeof(buf), ID, 1, pat, 0, 20);
	ck_assert_uint_eq(n, 28);
	for (size_t i = 8; i < n; i++)
		ck_assert_uint_eq(buf[i], 0);
	ck_assert_uint_eq(rt_icmp_checksum(buf, n), 0);
	n = rt_icmp_build_echo(&rt_inet6, buf, sizeof(buf), ID, 1, NULL, 0, 0);
	ck_assert_uint_eq(n, 8);
	ck_assert_uint_eq(buf[0], 128);
	ck_assert_uint_eq(buf[2] | buf[3], 0);   /* the kernel sums ICMPv6 */
}
END_TEST

START_TEST(raw_v4_reply_with_ip_header)
{
	struct rt_icmp_pkt p;
	size_t h = ip4(buf, "10.77.0.2", "10.77.0.1", 63, 1);
	size_t n = echo_reply4(buf + h, ID, 3, 56);

	ck_assert_int_eq(rt_icmp_parse(&m4raw, buf, h + n, &p), 0);
	ck_assert_int_eq(p.kind, RT_ICMP_REPLY);
	ck_assert_uint_eq(p.seq, 3);
	ck_assert_int_eq(p.ttl, 63);
	ck_assert_uint_eq(p.icmp_len, 64);
	ck_assert(!p.bad_checksum);
}
END_TEST

START_TEST(dgram_reply_without_ip_header)
{
	struct rt_icmp_pkt p;
	size_t n = echo_reply4(buf, 0x9999, 4, 56);

	/* Datagram sockets are demuxed by the kernel: any id is ours. */
	ck_assert_int_eq(rt_icmp_parse(&m4dgram, buf, n, &p), 0);
	ck_assert_int_eq(p.kind, RT_ICMP_REPLY);
	ck_assert_int_eq(p.ttl, -1);
}
END_TEST

START_TEST(other_identifier_is_not_ours)
{
	struct rt_icmp_pkt p;
	size_t h = ip4(buf, "10.77.0.2", "10.77.0.1", 64, 1);
	size_t n = echo_reply4(buf + h, ID + 1, 3, 56);

	ck_assert_int_eq(rt_icmp_parse(&m4raw, buf, h + n, &p), 0);
	ck_assert_int_eq(p.kind, RT_ICMP_OTHER);
}
END_TEST

START_TEST(bad_checksum_flagged)
{
	struct rt_icmp_pkt p;
	size_t n = echo_reply4(buf, ID, 3, 56);

	buf[20] ^= 0xff;
	ck_assert_int_eq(rt_icmp_parse(&m4dgram, buf, n, &p), 0);
	ck_assert_int_eq(p.kind, RT_ICMP_REPLY);
	ck_assert(p.bad_checksum);
}
END_TEST

START_TEST(truncated_reply_keeps_its_length)
{
	struct rt_icmp_pkt p;
	size_t n = echo_reply4(buf, ID, 3, 20);   /* we sent 56, 20 came back */

	ck_assert_int_eq(rt_icmp_parse(&m4dgram, buf, n, &p), 0);
	ck_assert_int_eq(p.kind, RT_ICMP_REPLY);
	ck_assert_uint_eq(p.icmp_len, 28);
	ck_assert(p.icmp_len < 56 + RT_ICMP_HDR_LEN);
}
END_TEST

START_TEST(too_short_or_lying_header_rejected)
{
	struct rt_icmp_pkt p;

	ck_assert_int_eq(rt_icmp_parse(&m4dgram, buf, 7, &p), -EBADMSG);
	ip4(buf, "10.77.0.2", "10.77.0.1", 64, 1);
	ck_assert_int_eq(rt_icmp_parse(&m4raw, buf, 24, &p), -EBADMSG);
	buf[0] = 0x4f;    /* claims 60 bytes of header */
	ck_assert_int_eq(rt_icmp_parse(&m4raw, buf, 40, &p), -EBADMSG);
	buf[0] = 0x65;    /* not IPv4 */
	ck_assert_int_eq(rt_icmp_parse(&m4raw, buf, 40, &p), -EBADMSG);
}
END_TEST

/* Time exceeded from a router, quoting our request: the in-band copy a raw socket sees. */
START_TEST(inband_error_wrapping_our_probe)
{
	struct rt_icmp_pkt p;
	size_t h = ip4(buf, "10.77.1.1", "10.77.0.1", 64, 1);
	uint8_t *icmp = buf + h;

	memset(icmp, 0, 8);
	icmp[0] = 11;
	ip4(icmp + 8, "10.77.0.1", "10.77.0.2", 1, 1);
	rt_icmp_build_echo(&rt_inet, icmp + 28, 8, ID, 9, NULL, 0, 0);
	ck_assert_int_eq(rt_icmp_parse(&m4raw, buf, h + 36, &p), 0);
	ck_assert_int_eq(p.kind, RT_ICMP_QUOTE);
	ck_assert_uint_eq(p.seq, 9);
	/* Quoting a probe to another destination: not ours. */
	inet_pton(AF_INET, "10.77.0.3", icmp + 8 + 16);
	ck_assert_int_eq(rt_icmp_parse(&m4raw, buf, h + 36, &p), 0);
	ck_assert_int_eq(p.kind, RT_ICMP_OTHER);
}
END_TEST

START_TEST(errqueue_error_for_our_probe)
{
	struct rt_icmp_err er;
	struct rt_addr off;
	size_t n = rt_icmp_build_echo(&rt_inet, buf, sizeof(buf), ID, 3, NULL, 0, 56);

	rt_addr_parse(&off, AF_INET, "10.77.0.1");
	ck_assert_int_eq(rt_icmp_parse_err(&m4raw, SO_EE_ORIGIN_ICMP, EHOSTUNREACH, 3, 1, 0,
					   &off, &m4raw.dst, buf, n, &er), 0);
	ck_assert(!er.local);
	ck_assert_uint_eq(er.seq, 3);
	ck_assert(rt_addr_equal(&er.offender, &off));
	/* Another ping's probe (raw sockets share the error path)... */
	buf[5] ^= 1;
	ck_assert_int_eq(rt_icmp_parse_err(&m4raw, SO_EE_ORIGIN_ICMP, EHOSTUNREACH, 3, 1, 0,
					   &off, &m4raw.dst, buf, n, &er), -ENOMSG);
	/* ...is ours on a datagram socket, where the kernel already matched it. */
	ck_assert_int_eq(rt_icmp_parse_err(&m4dgram, SO_EE_ORIGIN_ICMP, EHOSTUNREACH, 3, 1, 0,
					   &off, &m4dgram.dst, buf, n, &er), 0);
	/* Local errors (EMSGSIZE with -M do) carry no probe. */
	ck_assert_int_eq(rt_icmp_parse_err(&m4raw, SO_EE_ORIGIN_LOCAL, EMSGSIZE, 0, 0, 1500,
					   NULL, NULL, buf, 0, &er), 0);
	ck_assert(er.local);
	ck_assert_uint_eq(er.info, 1500);
}
END_TEST

START_TEST(v6_reply_and_error_text)
{
	struct rt_icmp_pkt p;
	char t[96];
	size_t n = rt_icmp_build_echo(&rt_inet6, buf, sizeof(buf), ID, 2, NULL, 0, 56);

	buf[0] = 129;
	ck_assert_int_eq(rt_icmp_parse(&m6, buf, n, &p), 0);
	ck_assert_int_eq(p.kind, RT_ICMP_REPLY);
	ck_assert(!p.bad_checksum);   /* the kernel checked it */
	ck_assert_str_eq(rt_icmp_describe(&rt_inet6, 1, 3, 0, t, sizeof(t)),
			 "Destination unreachable: Address unreachable");
	ck_assert_str_eq(rt_icmp_describe(&rt_inet6, 3, 0, 0, t, sizeof(t)),
			 "Time exceeded: Hop limit");
	ck_assert_str_eq(rt_icmp_describe(&rt_inet6, 2, 0, 1280, t, sizeof(t)),
			 "Packet too big: mtu=1280");
}
END_TEST

START_TEST(v4_error_text_like_iputils)
{
	char t[96];

	ck_assert_str_eq(rt_icmp_describe(&rt_inet, 3, 1, 0, t, sizeof(t)),
			 "Destination Host Unreachable");
	ck_assert_str_eq(rt_icmp_describe(&rt_inet, 11, 0, 0, t, sizeof(t)),
			 "Time to live exceeded");
	ck_assert_str_eq(rt_icmp_describe(&rt_inet, 3, 4, 1400, t, sizeof(t)),
			 "Frag needed and DF set (mtu = 1400)");
	ck_assert_str_eq(rt_icmp_describe(&rt_inet, 3, 99, 0, t, sizeof(t)),
			 "Dest Unreachable, Bad Code: 99");
	ck_assert_str_eq(rt_icmp_describe(&rt_inet, 200, 0, 0, t, sizeof(t)),
			 "Bad ICMP type: 200");
}
END_TEST

/* A redirect quoting our probe: shown by iputils, neither an error nor an answer. */
START_TEST(redirect_quoting_our_probe_is_a_notice)
{
	struct rt_icmp_pkt p;
	size_t h = ip4(buf, "10.77.0.2", "10.77.0.1", 64, 1);
	uint8_t *icmp = buf + h;

	memset(icmp, 0, 8);
	icmp[0] = 5;
	icmp[1] = 1;
	inet_pton(AF_INET, "10.77.0.7", icmp + 4);
	ip4(icmp + 8, "10.77.0.1", "10.77.0.2", 64, 1);
	rt_icmp_build_echo(&rt_inet, icmp + 28, 8, ID, 4, NULL, 0, 0);
	ck_assert_int_eq(rt_icmp_parse(&m4raw, buf, h + 36, &p), 0);
	ck_assert_int_eq(p.kind, RT_ICMP_NOTICE);
	ck_assert_uint_eq(p.seq, 4);
	ck_assert_uint_eq(p.id, ID);             /* the quoted probe's, not the gateway's */
	ck_assert_uint_eq(p.info, 0x0a4d0007);   /* the new gateway */
	icmp[0] = 4;                             /* source quench: the same */
	ck_assert_int_eq(rt_icmp_parse(&m4raw, buf, h + 36, &p), 0);
	ck_assert_int_eq(p.kind, RT_ICMP_NOTICE);
	/* Another ping's probe: not ours. */
	icmp[0] = 5;
	icmp[28 + 5] ^= 1;
	ck_assert_int_eq(rt_icmp_parse(&m4raw, buf, h + 36, &p), 0);
	ck_assert_int_eq(p.kind, RT_ICMP_OTHER);
}
END_TEST

START_TEST(redirect_text_like_iputils)
{
	char t[96];

	ck_assert_str_eq(rt_icmp_describe(&rt_inet, 5, 1, 0x0a420007, t, sizeof(t)),
			 "Redirect Host(New nexthop: 10.66.0.7)");
	ck_assert_str_eq(rt_icmp_describe(&rt_inet, 5, 0, 0x0a420007, t, sizeof(t)),
			 "Redirect Network(New nexthop: 10.66.0.7)");
	ck_assert_str_eq(rt_icmp_describe(&rt_inet, 5, 2, 0x0a420007, t, sizeof(t)),
			 "Redirect Type of Service and Network(New nexthop: 10.66.0.7)");
	ck_assert_str_eq(rt_icmp_describe(&rt_inet, 5, 3, 0x0a420007, t, sizeof(t)),
			 "Redirect Type of Service and Host(New nexthop: 10.66.0.7)");
	ck_assert_str_eq(rt_icmp_describe(&rt_inet, 5, 9, 0x0a420007, t, sizeof(t)),
			 "Redirect, Bad Code: 9(New nexthop: 10.66.0.7)");
	ck_assert_str_eq(rt_icmp_describe_redirect(1, 0x0a420007, "gw (10.66.0.7)", t, sizeof(t)),
			 "Redirect Host(New nexthop: gw (10.66.0.7))");
	ck_assert_str_eq(rt_icmp_describe(&rt_inet, 4, 0, 0, t, sizeof(t)), "Source Quench");
}
END_TEST

/* The payload and the IPv4 options are handed back in place, bounded. */
START_TEST(reply_payload_and_ip_options)
{
	struct rt_icmp_pkt p;
	size_t n;

	ip4(buf, "10.77.0.2", "10.77.0.1", 64, 1);
	buf[0] = 0x47;   /* 28-byte header: 8 bytes of options */
	memcpy(buf + 20, "\x01\x07\x07\x08\x0a\x4d\x00\x02", 8);
	n = echo_reply4(buf + 28, ID, 1, 56);
	ck_assert_int_eq(rt_icmp_parse(&m4raw, buf, 28 + n, &p), 0);
	ck_assert_int_eq(p.kind, RT_ICMP_REPLY);
	ck_assert_uint_eq(p.ipopts_len, 8);
	ck_assert_ptr_eq(p.ipopts, buf + 20);
	ck_assert_ptr_eq(p.data, buf + 36);
	ck_assert_uint_eq(p.data_len, 56);
	/* No IP header on datagram sockets: no options. */
	ck_assert_int_eq(rt_icmp_parse(&m4dgram, buf + 28, n, &p), 0);
	ck_assert_uint_eq(p.ipopts_len, 0);
	ck_assert_ptr_eq(p.data, buf + 36);
}
END_TEST

START_TEST(data_mismatch_from_byte_16)
{
	uint8_t d[64];
	const uint8_t pat[] = { 0xff, 0x00, 0xa5 };

	for (size_t i = 0; i < sizeof(d); i++)
		d[i] = (uint8_t)i;
	ck_assert_int_eq(rt_icmp_data_mismatch(d, 56, NULL, 0, 56), -1);
	d[3] = 0;                            /* inside iputils' timeval slot: not checked */
	ck_assert_int_eq(rt_icmp_data_mismatch(d, 56, NULL, 0, 56), -1);
	d[20] = 0;
	d[30] = 0;
	ck_assert_int_eq(rt_icmp_data_mismatch(d, 56, NULL, 0, 56), 20);
	/* Only what was sent, and only what came back, is compared. */
	ck_assert_int_eq(rt_icmp_data_mismatch(d, 56, NULL, 0, 20), -1);
	ck_assert_int_eq(rt_icmp_data_mismatch(d, 18, NULL, 0, 56), -1);
	ck_assert_int_eq(rt_icmp_data_mismatch(d, 56, NULL, 0, 10), -1);
	for (size_t i = 0; i < sizeof(d); i++)
		d[i] = rt_icmp_fill_byte(pat, 3, i);
	ck_assert_uint_eq(d[17], 0xa5);
	ck_assert_int_eq(rt_icmp_data_mismatch(d, 64, pat, 3, 64), -1);
	d[63] ^= 1;
	ck_assert_int_eq(rt_icmp_data_mismatch(d, 64, pat, 3, 64), 63);
}
END_TEST

/* RFC 1071 as written: big-endian words, one at a time. */
static uint16_t slow_sum(const uint8_t *b, size_t len)
{
	uint32_t sum = 0;

	for (; len > 1; len -= 2, b += 2)
		sum += (uint32_t)(b[0] << 8 | b[1]);
	if (len)
		sum += (uint32_t)b[0] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

START_TEST(checksum_matches_rfc1071_any_length_and_alignment)
{
	uint8_t d[300];
	uint32_t x = 12345;

	for (size_t i = 0; i < sizeof(d); i++) {
		x = x * 1103515245u + 12345u;
		d[i] = (uint8_t)(x >> 16);
	}
	for (size_t off = 0; off < 4; off++)
		for (size_t len = 0; len + off <= sizeof(d); len++)
			ck_assert_uint_eq(rt_icmp_checksum(d + off, len), slow_sum(d + off, len));
	memset(d, 0xff, sizeof(d));
	ck_assert_uint_eq(rt_icmp_checksum(d, 64), slow_sum(d, 64));
	memset(d, 0, sizeof(d));
	ck_assert_uint_eq(rt_icmp_checksum(d, 64), 0xffff);
}
END_TEST

/* A retagged request is byte for byte the one built afresh, for every sequence. */
START_TEST(retag_equals_a_fresh_build)
{
	static const uint8_t pat[] = { 0xff, 0xff, 0x00, 0x7f, 0x80 };
	static const struct { const uint8_t *pat; size_t plen, size; } c[] = {
		{ NULL, 0, 56 }, { pat, 5, 57 }, { pat, 2, 0 }, { pat, 0, 120 }, { pat, 1, 1 },
	};
	uint8_t cur[256], want[256];
	const uint16_t ids[] = { 0, 0xffff, ID, 0x8000 };

	for (size_t k = 0; k < sizeof(c) / sizeof(c[0]); k++) {
		for (size_t f = 0; f < 2; f++) {
			const struct rt_family *fam = f ? &rt_inet6 : &rt_inet;
			size_t n = rt_icmp_build_echo(fam, cur, sizeof(cur), 7, 9, c[k].pat,
						      c[k].plen, c[k].size);

			long bad = -1;

			ck_assert_uint_gt(n, 0);
			/*
			 * One check per case, not three per sequence: each check
			 * is a message to check's parent process, and 2 million
			 * of them outlast the test timeout on a busy machine.
			 */
			for (uint32_t seq = 0; seq <= 0xffff && bad < 0; seq++) {
				uint16_t id = ids[seq % 4];

				rt_icmp_echo_retag(fam, cur, id, (uint16_t)seq);
				if (rt_icmp_build_echo(fam, want, sizeof(want), id, (uint16_t)seq,
						       c[k].pat, c[k].plen, c[k].size) != n ||
				    memcmp(cur, want, n))
					bad = (long)seq;
			}
			ck_assert_msg(bad < 0, "case %zu, %s: seq %ld retagged differs from a fresh build",
				      k, f ? "IPv6" : "IPv4", bad);
		}
	}
}
END_TEST

/*
 * Several targets on a datagram socket: the tag names the target in the
 * time stamp slot; the bytes iputils checks and the IPv4 sum stay right,
 * and a probe whose target changed is built with the new tag.
 */
START_TEST(tag_names_the_target_and_keeps_the_checksum)
{
	struct rt_probe pr = { .fam = &rt_inet, .id = ID, .size = 56, .tagged = true, .tag = 7 };
	uint32_t idx = 0;
	size_t n = rt_icmp_build_echo(&rt_inet, buf, sizeof(buf), ID, 1, NULL, 0, 56);

	ck_assert(!rt_icmp_get_tag(buf + RT_ICMP_HDR_LEN, n - RT_ICMP_HDR_LEN, &idx));
	rt_icmp_put_tag(&rt_inet, buf, n, 0x01020304);
	ck_assert_uint_eq(rt_icmp_checksum(buf, n), 0);
	ck_assert(rt_icmp_get_tag(buf + RT_ICMP_HDR_LEN, n - RT_ICMP_HDR_LEN, &idx));
	ck_assert_uint_eq(idx, 0x01020304);
	ck_assert_int_eq(rt_icmp_data_mismatch(buf + RT_ICMP_HDR_LEN, n - RT_ICMP_HDR_LEN, NULL, 0,
					       56), -1);
	ck_assert(!rt_icmp_get_tag(buf + RT_ICMP_HDR_LEN, RT_ICMP_TAG_LEN - 1, &idx));
	ck_assert(!rt_icmp_get_tag(NULL, 0, &idx));
	/* The sender's path: the next echo after a change of target. */
	n = rt_probe_next(&pr, 1, NULL, buf, sizeof(buf), 0);
	pr.tag = 9;
	ck_assert_uint_eq(rt_probe_next(&pr, 2, NULL, buf, sizeof(buf), n), n);
	ck_assert(rt_icmp_get_tag(buf + RT_ICMP_HDR_LEN, n - RT_ICMP_HDR_LEN, &idx));
	ck_assert_uint_eq(idx, 9);
	ck_assert_uint_eq(buf[6] << 8 | buf[7], 2);
	ck_assert_uint_eq(rt_icmp_checksum(buf, n), 0);
	/* Too short for a tag (-s 7): the echo is iputils'. */
	pr.size = 7;
	n = rt_probe_build(&pr, 1, NULL, buf, sizeof(buf));
	ck_assert(!rt_icmp_get_tag(buf + RT_ICMP_HDR_LEN, n - RT_ICMP_HDR_LEN, &idx));
}
END_TEST

START_TEST(data_mismatch_walks_the_pattern)
{
	static const uint8_t pat[] = { 1, 2, 3, 4, 5, 6, 7 };
	uint8_t d[200];

	for (size_t plen = 0; plen <= sizeof(pat); plen++) {
		for (size_t i = 0; i < sizeof(d); i++)
			d[i] = rt_icmp_fill_byte(pat, plen, i);
		ck_assert_int_eq(rt_icmp_data_mismatch(d, sizeof(d), pat, plen, sizeof(d)), -1);
		for (size_t at = 16; at < sizeof(d); at += 13) {
			d[at] ^= 0x40;
			ck_assert_int_eq(rt_icmp_data_mismatch(d, sizeof(d), pat, plen, sizeof(d)),
					 (long)at);
			/* Shorter than the bad byte: nothing compared there. */
			ck_assert_int_eq(rt_icmp_data_mismatch(d, at, pat, plen, sizeof(d)), -1);
			d[at] ^= 0x40;
		}
	}
	for (size_t i = 0; i < sizeof(d); i++)
		d[i] = (uint8_t)i;
	ck_assert_int_eq(rt_icmp_data_mismatch(d, sizeof(d), NULL, 0, sizeof(d)), -1);
	d[150] = 0;
	ck_assert_int_eq(rt_icmp_data_mismatch(d, sizeof(d), NULL, 0, sizeof(d)), 150);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("icmp");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, build_echo_request_v4_has_valid_checksum);
	tcase_add_test(tc, build_echo_pattern_and_odd_length);
	tcase_add_test(tc, raw_v4_reply_with_ip_header);
	tcase_add_test(tc, dgram_reply_without_ip_header);
	tcase_add_test(tc, other_identifier_is_not_ours);
	tcase_add_test(tc, bad_checksum_flagged);
	tcase_add_test(tc, truncated_reply_keeps_its_length);
	tcase_add_test(tc, too_short_or_lying_header_rejected);
	tcase_add_test(tc, inband_error_wrapping_our_probe);
	tcase_add_test(tc, errqueue_error_for_our_probe);
	tcase_add_test(tc, v6_reply_and_error_text);
	tcase_add_test(tc, v4_error_text_like_iputils);
	tcase_add_test(tc, redirect_quoting_our_probe_is_a_notice);
	tcase_add_test(tc, redirect_text_like_iputils);
	tcase_add_test(tc, reply_payload_and_ip_options);
	tcase_add_test(tc, data_mismatch_from_byte_16);
	tcase_add_test(tc, checksum_matches_rfc1071_any_length_and_alignment);
	tcase_add_test(tc, retag_equals_a_fresh_build);
	tcase_add_test(tc, tag_names_the_target_and_keeps_the_checksum);
	tcase_add_test(tc, data_mismatch_walks_the_pattern);
	suite_add_tcase(s, tc);
	return rt_test_run(s);
}
