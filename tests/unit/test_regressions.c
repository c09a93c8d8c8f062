/*
 * Regression tests for what the fuzz targets (tests/fuzz/) found, each named
 * after the bug it pins down. The crashing inputs are also in the corpus
 * (tests/fuzz/corpus/<target>/regress-*).
 */
#include <check.h>
#include <errno.h>
#include <string.h>
#include <linux/fib_rules.h>
#include <linux/rtnetlink.h>

#include "rtping/clock.h"
#include "rtping/error.h"
#include "rtping/opts.h"
#include "rtping/route.h"
#include "rtping/rules.h"
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
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return rt_test_run(suite());
}
