/*
 * Regression tests for what the fuzz targets (tests/fuzz/) found, each named
 * after the bug it pins down. The crashing inputs are also in the corpus
 * (tests/fuzz/corpus/<target>/regress-*).
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <linux/errqueue.h>
#include <linux/fib_rules.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>

#include "rtping/clock.h"
#include "rtping/errq.h"
#include "rtping/error.h"
#include "rtping/ipopt.h"
#include "rtping/opts.h"
#include "rtping/route.h"
#include "rtping/rules.h"
#include "rtping/watch.h"
#include "nltest.h"
#include "runner.h"

/*
 * fuzz-route: an ACK followed by a header whose nlmsg_len is 0xffffffff.
 * mnl_nlmsg_ok() compared (int)len, took it for -1 <= rem, and
 * mnl_nlmsg_next() advanced by MNL_ALIGN(0xffffffff) == 0: rt_nl_feed()
 * never returned.
 */
START_TEST(nl_length_all_ones_does_not_loop_forever)
{
	struct tbuf t = { .len = 0 };
	struct nlmsghdr *nlh;
	struct rt_route r;

	tbuf_error(&t, -EINVAL, "Invalid protocol");
	nlh = tbuf_msg(&t, NLMSG_ERROR, 0);
	nlh->nlmsg_len = 0xffffffffu;
	t.len += sizeof(*nlh);
	ck_assert_int_eq(rt_route_parse(t.b, t.len, T_SEQ, T_PORT, &r), -EBADMSG);
}
END_TEST

/*
 * fuzz-rules: a first message with nlmsg_len 0xffffff34 (negative as int):
 * mnl_nlmsg_next() stepped the pointer backwards past the buffer (SEGV).
 */
START_TEST(nl_length_above_int_max_is_bad_message_not_a_wild_read)
{
	struct tbuf t = { .len = 0 };
	struct rt_rules rules = { 0 };
	struct nlmsghdr *nlh = tbuf_msg(&t, RTM_NEWRULE, NLM_F_MULTI);
	struct fib_rule_hdr *frh = mnl_nlmsg_put_extra_header(nlh, sizeof(*frh));

	frh->family = AF_INET;
	mnl_attr_put_u32(nlh, FRA_PRIORITY, 5);
	tbuf_end(&t, nlh);
	tbuf_done(&t, 0);
	nlh->nlmsg_len = 0xffffff34u;
	ck_assert_int_eq(rt_rules_parse(t.b, t.len, T_SEQ, T_PORT, &rules), -EBADMSG);
	ck_assert_uint_eq(rules.n, 0);
	nlh->nlmsg_len = 0x80000000u;
	ck_assert_int_eq(rt_rules_parse(t.b, t.len, T_SEQ, T_PORT, &rules), -EBADMSG);
	rt_rules_free(&rules);
}
END_TEST

/* A length that is valid but not a multiple of 4 must still end exactly. */
START_TEST(nl_unpadded_last_message_is_bad_message)
{
	struct tbuf t = { .len = 0 };
	struct rt_route r;

	tbuf_error(&t, 0, NULL);
	t.len -= 2;   /* the ACK now claims 2 bytes more than the buffer holds */
	ck_assert_int_eq(rt_route_parse(t.b, t.len, T_SEQ, T_PORT, &r), -EBADMSG);
}
END_TEST

static int parse(char **argv, struct rt_error *err)
{
	struct rt_opts o;
	int argc = 0;

	while (argv[argc])
		argc++;
	return rt_opts_parse(&o, argc, argv, true, err);
}

/*
 * fuzz-opts: "-\n" gave "invalid option -- '\n'" with a raw newline, so the
 * "one line on stderr" promise broke; so did any argument quoted back.
 */
START_TEST(opts_control_bytes_in_errors_stay_one_line)
{
	char *cases[][5] = {
		{ "rtping", "-\n", "host", NULL },
		{ "rtping", "-c", "1\n2", NULL },
		{ "rtping", "-p", "zz\033[2J", NULL },
		{ "rtping", "-M", "do\r\nnot", NULL },
		{ "rtping", "-I", "eth\n0", NULL },
		{ "rtping", "--explain-route", "a", "b\nc", NULL },
	};
	struct rt_error e;
	const char *err = e.msg;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ck_assert_int_lt(parse(cases[i], &e), 0);
		ck_assert_msg(err[0], "case %zu: empty message", i);
		for (const char *c = err; *c; c++)
			ck_assert_msg((unsigned char)*c >= 0x20 && *c != 0x7f,
				      "case %zu: control byte in '%s'", i, err);
	}
}
END_TEST

/*
 * fuzz-opts: "--json=yes" printed "invalid option -- '\001'": getopt sets
 * optopt to the long option's code (257), which is no character.
 */
START_TEST(opts_long_option_with_value_names_the_option)
{
	char *json[] = { "rtping", "--json=yes", "127.0.0.1", NULL };
	char *bogus[] = { "rtping", "--bogus", "127.0.0.1", NULL };
	struct rt_error e;

	ck_assert_int_eq(parse(json, &e), -EINVAL);
	ck_assert_str_eq(e.msg, "option '--json' doesn't allow an argument");
	ck_assert_int_eq(parse(bogus, &e), -EINVAL);
	ck_assert_str_eq(e.msg, "unrecognized option '--bogus'");
}
END_TEST

/*
 * fuzz-txrep: a transmit report's SCM_TIMESTAMPING with tv_sec near 2^48
 * overflowed the nanosecond product (UBSan). Data from a control message
 * that no clock can hold reads as 0, "no timestamp".
 */
START_TEST(txrep_timestamp_beyond_int64_ns_is_no_timestamp)
{
	struct timespec ok = { .tv_sec = 1795883384, .tv_nsec = 252068000 };
	struct timespec huge = { .tv_sec = 281474976645125LL, .tv_nsec = 0 };
	struct timespec neg = { .tv_sec = -1, .tv_nsec = 0 };
	struct timespec badns = { .tv_sec = 1, .tv_nsec = 1000000000L };

	ck_assert_int_eq(rt_timespec_ns(&ok), 1795883384252068000LL);
	ck_assert_int_eq(rt_timespec_ns(&huge), 0);
	ck_assert_int_eq(rt_timespec_ns(&neg), 0);
	ck_assert_int_eq(rt_timespec_ns(&badns), 0);
}
END_TEST

/*
 * fuzz-errq: a first control message whose cmsg_len claims more than
 * msg_controllen holds: CMSG_FIRSTHDR() checks only that its header fits,
 * and the extended error was copied from past the control buffer. Here
 * the bytes past it hold a local error, which was decoded as if sent.
 */
START_TEST(errq_cmsg_longer_than_its_control_buffer_is_not_read)
{
	struct rt_icmp_match m = { .fam = &rt_inet, .any_dst = true };
	struct sock_extended_err ee = { .ee_errno = EMSGSIZE, .ee_origin = SO_EE_ORIGIN_LOCAL };
	union { char b[CMSG_SPACE(sizeof(ee))]; struct cmsghdr align; } ctl;
	uint8_t pkt[8] = { 8 };
	struct iovec iov = { pkt, sizeof(pkt) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.b,
			      .msg_controllen = sizeof(struct cmsghdr) };
	struct cmsghdr *c = (struct cmsghdr *)ctl.b;
	struct rt_errq_entry e;

	memset(&ctl, 0, sizeof(ctl));
	c->cmsg_level = SOL_IP;
	c->cmsg_type = IP_RECVERR;
	c->cmsg_len = CMSG_LEN(sizeof(ee));
	memcpy(CMSG_DATA(c), &ee, sizeof(ee));
	ck_assert_int_eq(rt_errq_decode(&m, &msg, sizeof(pkt), &e), -ENOMSG);
}
END_TEST

/*
 * fuzz-errq: a transmit report's last control message claimed more bytes
 * than msg_controllen holds (CMSG_NXTHDR() checks that a header fits, not
 * the length it claims) and its timestamp was read from past the buffer.
 * Here the bytes past it hold a time, which was taken as the report's.
 */
START_TEST(txrep_cmsg_longer_than_its_control_buffer_is_not_read)
{
	struct rt_icmp_match m = { .fam = &rt_inet };
	struct sock_extended_err ee = { .ee_errno = ENOMSG, .ee_origin = SO_EE_ORIGIN_TIMESTAMPING };
	struct timespec ts[3] = { { 5, 7 } };
	union { char b[CMSG_SPACE(sizeof(ee)) + CMSG_SPACE(sizeof(ts))]; struct cmsghdr align; } ctl;
	struct msghdr msg = { .msg_control = ctl.b,
			      .msg_controllen = CMSG_SPACE(sizeof(ee)) + sizeof(struct cmsghdr) };
	struct iovec iov = { NULL, 0 };
	struct cmsghdr *c = (struct cmsghdr *)ctl.b;
	struct rt_errq_entry e;

	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	memset(&ctl, 0, sizeof(ctl));
	c->cmsg_level = SOL_IP;
	c->cmsg_type = IP_RECVERR;
	c->cmsg_len = CMSG_LEN(sizeof(ee));
	memcpy(CMSG_DATA(c), &ee, sizeof(ee));
	c = CMSG_NXTHDR(&msg, c);
	ck_assert_ptr_nonnull(c);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SO_TIMESTAMPING;
	c->cmsg_len = CMSG_LEN(sizeof(ts));
	memcpy(CMSG_DATA(c), ts, sizeof(ts));   /* past msg_controllen */
	rt_errq_decode(&m, &msg, 0, &e);
	ck_assert_int_eq(e.kind, RT_ERRQ_TXREPORT);
	ck_assert_int_eq(e.tx.real_ns, 0);
}
END_TEST

/*
 * fuzz-errq: with no control buffer (NULL, length 0) the check above took
 * the buffer's end as NULL + 0, undefined behaviour (the UBSan pass of
 * tests/run sees it).
 */
START_TEST(errq_no_control_buffer_is_no_message)
{
	struct rt_icmp_match m = { .fam = &rt_inet6 };
	uint8_t pkt[8] = { 128 };
	struct iovec iov = { pkt, sizeof(pkt) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct rt_errq_entry e;

	ck_assert_int_eq(rt_errq_decode(&m, &msg, sizeof(pkt), &e), -ENOMSG);
}
END_TEST

/*
 * The route watch fed its multicast to mnl_cb_run() itself, without the
 * length checks rt_nl_feed() makes (see nl_length_all_ones_does_not_loop_
 * forever): a route message, then a header whose nlmsg_len is 0xffffffff,
 * looped forever. rt_watch_parse() goes through rt_nl_feed().
 */
START_TEST(watch_length_all_ones_is_bad_message_not_a_hang)
{
	struct tbuf t = { .len = 0 };
	struct rt_watch_batch b;
	struct nlmsghdr *nlh;

	nlh = tbuf_msg(&t, RTM_NEWROUTE, 0);
	mnl_nlmsg_put_extra_header(nlh, sizeof(struct rtmsg));
	tbuf_end(&t, nlh);
	nlh = tbuf_msg(&t, RTM_NEWROUTE, 0);
	nlh->nlmsg_len = 0xffffffffu;
	t.len += sizeof(*nlh);
	ck_assert_int_eq(rt_watch_parse(t.b, t.len, AF_INET, NULL, &b), -EBADMSG);
	ck_assert_uint_eq(b.messages, 0);
}
END_TEST

/*
 * fuzz-watch: rt_watch_parse() read rt_nl_feed()'s -ENOSPC as an overrun
 * message and asked for a resync, but an error message carrying ENOSPC
 * returns the same. Neither comes on multicast (lost messages are recv()'s
 * ENOBUFS); both now just end the buffer.
 */
START_TEST(watch_error_message_enospc_is_not_a_resync)
{
	struct tbuf t = { .len = 0 };
	struct rt_watch_batch b;

	tbuf_error(&t, -ENOSPC, NULL);
	ck_assert_int_eq(rt_watch_parse(t.b, t.len, AF_INET, NULL, &b), -ENOSPC);
	ck_assert_uint_eq(b.causes, 0);
}
END_TEST

/* Fills the stack below the caller with a 4-byte pattern, then returns. */
__attribute__((noinline)) static void prime_stack(const uint8_t pat[4])
{
	volatile uint8_t junk[16384];

	for (size_t i = 0; i < sizeof(junk); i++)
		junk[i] = pat[i % 4];
}

/*
 * fuzz-watch: an RTM_DELADDR of an unknown family (35) with an empty
 * IFA_LOCAL: the length check passed (0 == rt_addr_len(35)), the address
 * was not filled in, and rt_addr_equal() compared an uninitialised stack
 * copy with the bound address: the source was said deleted when the stack
 * happened to hold it. Here it is made to: the bound address's bytes are
 * its family's (2.0.0.0 for AF_INET on little-endian), so a stack filled
 * with that 4-byte pattern holds it at every aligned place.
 */
START_TEST(watch_address_of_unknown_family_is_not_compared_uninitialised)
{
	struct tbuf t = { .len = 0 };
	struct nlmsghdr *nlh;
	struct ifaddrmsg *ifa;
	struct rt_addr bound;
	unsigned causes;
	int ev = 7;

	memset(&bound, 0, sizeof(bound));
	bound.af = AF_INET;
	memcpy(&bound.u.v4, &bound, 4);
	nlh = tbuf_msg(&t, RTM_DELADDR, 0);
	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = 35;
	mnl_attr_put(nlh, IFA_LOCAL, 0, NULL);
	prime_stack((const uint8_t *)&bound);
	causes = rt_watch_classify(nlh, AF_INET, &bound, &ev);
	ck_assert_uint_eq(causes, RT_WATCH_ADDRESS);
	ck_assert_int_eq(ev, 0);
}
END_TEST

/*
 * fuzz-ipopt: a record-route option longer than an IPv4 header can carry
 * (here 47 bytes, pointer at its end) was remembered whole for "(same
 * route)": memcpy() of 44 bytes into the 40 of struct rt_ipopt_rr. Replies
 * never carry more than 40 bytes of options; the printer now remembers no
 * longer route.
 */
START_TEST(ipopt_rr_longer_than_a_header_is_not_remembered_past_its_buffer)
{
	struct {
		struct rt_ipopt_rr rr;
		uint8_t canary[64];
	} m;
	uint8_t opt[48] = { 7, 47, 48 };
	FILE *f = fopen("/dev/null", "w");

	ck_assert_ptr_nonnull(f);
	memset(&m, 0xa5, sizeof(m));
	m.rr.len = 0;
	for (size_t i = 3; i < sizeof(opt); i++)
		opt[i] = (uint8_t)i;
	rt_ipopt_print(f, opt, sizeof(opt), &m.rr, NULL, NULL);
	fclose(f);
	ck_assert_uint_le(m.rr.len, RT_IPOPT_MAX);
	for (size_t i = 0; i < sizeof(m.canary); i++)
		ck_assert_uint_eq(m.canary[i], 0xa5);
}
END_TEST

/*
 * fuzz-errq: a message name shorter than its family field (msg_namelen 1)
 * was read as a sockaddr anyway: two bytes from a one-byte buffer (the
 * ASan pass of tests/run sees the read; the kernel always fills a whole
 * sockaddr, so only a hand-made message does this).
 */
START_TEST(errq_name_shorter_than_its_family_is_not_read)
{
	struct rt_icmp_match m = { .fam = &rt_inet, .any_dst = true };
	struct sock_extended_err ee = { .ee_errno = EHOSTUNREACH,
					.ee_origin = SO_EE_ORIGIN_LOCAL };
	union { char b[CMSG_SPACE(sizeof(ee))]; struct cmsghdr align; } ctl;
	uint8_t pkt[8] = { 8 }, *name = malloc(1);
	struct iovec iov = { pkt, sizeof(pkt) };
	struct msghdr msg = { .msg_name = name, .msg_namelen = 1, .msg_iov = &iov, .msg_iovlen = 1,
			      .msg_control = ctl.b, .msg_controllen = sizeof(ctl.b) };
	struct cmsghdr *c = (struct cmsghdr *)ctl.b;
	struct rt_errq_entry e;

	ck_assert_ptr_nonnull(name);
	name[0] = AF_INET;
	memset(&ctl, 0, sizeof(ctl));
	c->cmsg_level = SOL_IP;
	c->cmsg_type = IP_RECVERR;
	c->cmsg_len = CMSG_LEN(sizeof(ee));
	memcpy(CMSG_DATA(c), &ee, sizeof(ee));
	ck_assert_int_eq(rt_errq_decode(&m, &msg, sizeof(pkt), &e), 0);
	ck_assert_int_eq(e.kind, RT_ERRQ_LOCAL);
	ck_assert_int_eq(e.err.dst.af, AF_UNSPEC);
	free(name);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("regressions");
	TCase *tc = tcase_create("fuzz");

	tcase_add_test(tc, nl_length_all_ones_does_not_loop_forever);
	tcase_add_test(tc, nl_length_above_int_max_is_bad_message_not_a_wild_read);
	tcase_add_test(tc, nl_unpadded_last_message_is_bad_message);
	tcase_add_test(tc, opts_control_bytes_in_errors_stay_one_line);
	tcase_add_test(tc, opts_long_option_with_value_names_the_option);
	tcase_add_test(tc, txrep_timestamp_beyond_int64_ns_is_no_timestamp);
	tcase_add_test(tc, ipopt_rr_longer_than_a_header_is_not_remembered_past_its_buffer);
	tcase_add_test(tc, errq_name_shorter_than_its_family_is_not_read);
	tcase_add_test(tc, errq_cmsg_longer_than_its_control_buffer_is_not_read);
	tcase_add_test(tc, errq_no_control_buffer_is_no_message);
	tcase_add_test(tc, txrep_cmsg_longer_than_its_control_buffer_is_not_read);
	tcase_add_test(tc, watch_length_all_ones_is_bad_message_not_a_hang);
	tcase_add_test(tc, watch_error_message_enospc_is_not_a_resync);
	tcase_add_test(tc, watch_address_of_unknown_family_is_not_compared_uninitialised);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return rt_test_run(suite());
}
