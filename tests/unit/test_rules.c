/* Rule dump parsing, rule matching as the kernel does it, and reasons. */
#include <check.h>
#include <errno.h>
#include <arpa/inet.h>
#include <linux/fib_rules.h>
#include <linux/rtnetlink.h>

#include "rtping/explain.h"
#include "rtping/rules.h"
#include "nltest.h"
#include "runner.h"

static struct nlmsghdr *put_rule(struct tbuf *t, uint32_t pref, uint32_t table)
{
	struct nlmsghdr *nlh = tbuf_msg(t, RTM_NEWRULE, NLM_F_MULTI);
	struct fib_rule_hdr *frh = mnl_nlmsg_put_extra_header(nlh, sizeof(*frh));

	frh->family = AF_INET;
	frh->action = FR_ACT_TO_TBL;
	frh->table = table < 256 ? (uint8_t)table : RT_TABLE_COMPAT;
	mnl_attr_put_u32(nlh, FRA_PRIORITY, pref);
	mnl_attr_put_u32(nlh, FRA_TABLE, table);
	return nlh;
}

/* The default IPv4 rules plus the divergence.md rule "ipproto udp table 100". */
static void default_rules(struct tbuf *t, bool with_udp_rule)
{
	tbuf_end(t, put_rule(t, 0, RT_TABLE_LOCAL));
	if (with_udp_rule) {
		struct nlmsghdr *nlh = put_rule(t, 100, 100);

		mnl_attr_put_u8(nlh, FRA_IP_PROTO, IPPROTO_UDP);
		tbuf_end(t, nlh);
	}
	tbuf_end(t, put_rule(t, 32766, RT_TABLE_MAIN));
	tbuf_end(t, put_rule(t, 32767, RT_TABLE_DEFAULT));
	tbuf_done(t, 0);
}

static struct rt_flow v4flow(uint8_t proto, uint16_t sport, uint16_t dport)
{
	struct rt_flow f = { .fam = &rt_inet, .proto = proto, .sport = sport, .dport = dport };

	rt_addr_parse(&f.dst, AF_INET, "10.99.1.1");
	return f;
}

START_TEST(parse_dump_fields)
{
	struct tbuf t = { .len = 0 };
	struct rt_rules rules = { 0 };
	struct nlmsghdr *nlh = put_rule(&t, 200, 1000);
	struct fib_rule_port_range dp = { 2048, 2048 };
	struct fib_rule_uid_range uid = { 1000, 1999 };

	mnl_attr_put(nlh, FRA_DPORT_RANGE, sizeof(dp), &dp);
	mnl_attr_put(nlh, FRA_UID_RANGE, sizeof(uid), &uid);
	mnl_attr_put_u32(nlh, FRA_FWMARK, 0x10);
	mnl_attr_put_u32(nlh, FRA_FWMASK, 0xf0);
	mnl_attr_put_strz(nlh, FRA_IIFNAME, "lo");
	tbuf_end(&t, nlh);
	tbuf_done(&t, 0);
	ck_assert_int_eq(rt_rules_parse(t.b, t.len, T_SEQ, T_PORT, &rules), 0);
	ck_assert_uint_eq(rules.n, 1);
	ck_assert_uint_eq(rules.v[0].pref, 200);
	ck_assert_uint_eq(rules.v[0].table, 1000);
	ck_assert(rules.v[0].has_dport && rules.v[0].dport_lo == 2048);
	ck_assert(rules.v[0].has_uid && rules.v[0].uid_hi == 1999);
	ck_assert_uint_eq(rules.v[0].mark_mask, 0xf0);
	ck_assert_str_eq(rules.v[0].iif, "lo");
	rt_rules_free(&rules);
}
END_TEST

START_TEST(parse_dump_error_and_bad_length)
{
	struct tbuf t = { .len = 0 };
	struct rt_rules rules = { 0 };
	struct nlmsghdr *nlh;

	tbuf_done(&t, -EINVAL);
	ck_assert_int_eq(rt_rules_parse(t.b, t.len, T_SEQ, T_PORT, &rules), -EINVAL);
	t.len = 0;
	nlh = put_rule(&t, 1, 1);
	mnl_attr_put_u16(nlh, FRA_FWMARK, 1);
	tbuf_end(&t, nlh);
	ck_assert_int_eq(rt_rules_parse(t.b, t.len, T_SEQ, T_PORT, &rules), -EBADMSG);
	rt_rules_free(&rules);
}
END_TEST

START_TEST(match_selectors_like_the_kernel)
{
	struct rt_rule r = { .pref = 1, .suppress_prefixlen = -1 };
	struct rt_flow icmp = v4flow(IPPROTO_ICMP, 0, 2048), udp = v4flow(IPPROTO_UDP, 40000, 1025);

	ck_assert(rt_rule_matches(&r, &icmp, ""));              /* "from all" */
	r.ipproto = IPPROTO_UDP;
	ck_assert(!rt_rule_matches(&r, &icmp, "") && rt_rule_matches(&r, &udp, ""));
	r.ipproto = 0;
	r.has_dport = true;
	r.dport_lo = r.dport_hi = 2048;
	ck_assert(rt_rule_matches(&r, &icmp, "") && !rt_rule_matches(&r, &udp, ""));
	r.invert = true;
	ck_assert(!rt_rule_matches(&r, &icmp, "") && rt_rule_matches(&r, &udp, ""));
	memset(&r, 0, sizeof(r));
	r.has_uid = true;
	r.uid_lo = r.uid_hi = 1000;
	icmp.uid = 1000;
	ck_assert(rt_rule_matches(&r, &icmp, "") && !rt_rule_matches(&r, &udp, ""));
	memset(&r, 0, sizeof(r));
	r.has_mark = true;
	r.mark = 0x10;
	r.mark_mask = 0xf0;
	icmp.mark = 0x1f;
	ck_assert(rt_rule_matches(&r, &icmp, "") && !rt_rule_matches(&r, &udp, ""));
	memset(&r, 0, sizeof(r));
	r.tos = 0x10;
	icmp.tos = 0x11;   /* ECN bits are not part of the match */
	ck_assert(rt_rule_matches(&r, &icmp, "") && !rt_rule_matches(&r, &udp, ""));
}
END_TEST

START_TEST(match_interfaces_and_source)
{
	struct rt_rule r = { 0 };
	struct rt_flow f = v4flow(IPPROTO_ICMP, 0, 2048);

	snprintf(r.iif, sizeof(r.iif), "lo");        /* local traffic: iif is lo */
	ck_assert(rt_rule_matches(&r, &f, ""));
	snprintf(r.iif, sizeof(r.iif), "eth0");
	ck_assert(!rt_rule_matches(&r, &f, ""));
	memset(&r, 0, sizeof(r));
	snprintf(r.oif, sizeof(r.oif), "veth1");
	ck_assert(!rt_rule_matches(&r, &f, ""));
	ck_assert(rt_rule_matches(&r, &f, "veth1"));
	memset(&r, 0, sizeof(r));
	rt_addr_parse(&r.src, AF_INET, "10.9.0.0");
	r.src_len = 24;
	ck_assert(!rt_rule_matches(&r, &f, ""));      /* unbound: source 0 */
	rt_addr_parse(&f.src, AF_INET, "10.9.0.12");
	ck_assert(rt_rule_matches(&r, &f, ""));
	rt_addr_parse(&r.dst, AF_INET, "10.99.0.0");
	r.dst_len = 16;
	ck_assert(rt_rule_matches(&r, &f, ""));
	r.dst_len = 32;
	ck_assert(!rt_rule_matches(&r, &f, ""));
}
END_TEST

START_TEST(selector_text)
{
	struct rt_rule r = { 0 };
	char b[160];

	ck_assert_str_eq(rt_rule_selector(&r, b, sizeof(b)), "all");
	r.invert = true;
	ck_assert_str_eq(rt_rule_selector(&r, b, sizeof(b)), "not all");
	r.invert = false;
	r.ipproto = IPPROTO_UDP;
	r.has_dport = true;
	r.dport_lo = 1025;
	r.dport_hi = 1030;
	r.has_mark = true;
	r.mark = 1;
	r.mark_mask = 0xffffffff;
	ck_assert_str_eq(rt_rule_selector(&r, b, sizeof(b)), "fwmark 0x1 ipproto udp dport 1025-1030");
}
END_TEST

/* The regression this project exists for: divergence.md's ipproto rule. */
START_TEST(reasons_for_ipproto_udp_rule)
{
	struct tbuf t = { .len = 0 };
	struct rt_rules rules = { 0 };
	struct rt_flow icmp = v4flow(IPPROTO_ICMP, 0, 2048), udp = v4flow(IPPROTO_UDP, 40000, 1025);
	struct rt_reason re[4];
	size_t n;

	default_rules(&t, true);
	ck_assert_int_eq(rt_rules_parse(t.b, t.len, T_SEQ, T_PORT, &rules), 0);
	n = rt_explain_reasons(&rules, "", (struct rt_side){ &icmp, RT_TABLE_MAIN },
			       (struct rt_side){ &udp, 100 }, re, 4);
	ck_assert_uint_eq(n, 1);
	ck_assert_uint_eq(re[0].pref, 100);
	ck_assert_uint_eq(re[0].table, 100);
	ck_assert(re[0].udp_matches && !re[0].icmp_matches);
	ck_assert_str_eq(re[0].selector, "ipproto udp");
	rt_rules_free(&rules);
}
END_TEST

/*
 * Selectors newer than rtping's matcher (FRA_DSCP 25, FRA_FLOWLABEL 26 and
 * its mask 27, in Linux 6.13 and 6.14), and an attribute newer still:
 * parsed, named, and never taken as matching. A port mask (FRA_SPORT_MASK
 * 28, Linux 6.15) is evaluated.
 */
START_TEST(unknown_selectors_cannot_tell)
{
	struct tbuf t = { .len = 0 };
	struct rt_rules rules = { 0 };
	struct rt_flow icmp = v4flow(IPPROTO_ICMP, 0, 2048), udp = v4flow(IPPROTO_UDP, 40000, 1025);
	struct fib_rule_port_range sp = { 0x100, 0x100 };
	struct nlmsghdr *nlh;
	char buf[160];

	nlh = put_rule(&t, 50, 0);
	((struct fib_rule_hdr *)mnl_nlmsg_get_payload(nlh))->action = FR_ACT_PROHIBIT;
	mnl_attr_put_u8(nlh, 25, 4);
	tbuf_end(&t, nlh);
	nlh = put_rule(&t, 60, 100);
	mnl_attr_put_u32(nlh, 26, htonl(0x12345));
	mnl_attr_put_u32(nlh, 27, htonl(0xfffff));
	tbuf_end(&t, nlh);
	nlh = put_rule(&t, 70, 100);
	mnl_attr_put_u8(nlh, FRA_IP_PROTO, IPPROTO_UDP);
	mnl_attr_put(nlh, FRA_SPORT_RANGE, sizeof(sp), &sp);
	mnl_attr_put_u16(nlh, 28, 0xff00);
	tbuf_end(&t, nlh);
	nlh = put_rule(&t, 80, 100);
	mnl_attr_put_u32(nlh, 40, 1);
	tbuf_end(&t, nlh);
	tbuf_done(&t, 0);
	ck_assert_int_eq(rt_rules_parse(t.b, t.len, T_SEQ, T_PORT, &rules), 0);
	ck_assert_uint_eq(rules.n, 4);
	ck_assert_uint_eq(rules.v[0].unknown, RT_RULE_SEL_DSCP);
	ck_assert_str_eq(rt_rule_selector(&rules.v[0], buf, sizeof(buf)), "dscp 4");
	ck_assert_str_eq(rt_rule_unknown_names(&rules.v[0], buf, sizeof(buf)), "dscp");
	ck_assert_str_eq(rt_rule_selector(&rules.v[1], buf, sizeof(buf)),
			 "flowlabel 0x12345/0xfffff");
	ck_assert_str_eq(rt_rule_selector(&rules.v[2], buf, sizeof(buf)),
			 "ipproto udp sport 256/0xff00");
	ck_assert_uint_eq(rules.v[2].unknown, 0);   /* a port mask is evaluated */
	ck_assert_str_eq(rt_rule_unknown_names(&rules.v[3], buf, sizeof(buf)), "attribute 40");
	for (size_t i = 0; i < rules.n; i++)
		ck_assert(i == 2 || (!rt_rule_matches(&rules.v[i], &icmp, "") &&
				     !rt_rule_matches(&rules.v[i], &udp, "")));
	ck_assert(rt_rule_unsure(&rules.v[0], &icmp, "") && rt_rule_unsure(&rules.v[1], &icmp, ""));
	/* What rtping can read still rules out: ipproto udp never selects the ICMP flow. */
	rules.v[3].ipproto = IPPROTO_UDP;
	ck_assert(!rt_rule_unsure(&rules.v[3], &icmp, "") && rt_rule_unsure(&rules.v[3], &udp, ""));
	/* An inverted rule: unsure whatever the rest says. */
	rules.v[3].invert = true;
	ck_assert(rt_rule_unsure(&rules.v[3], &icmp, ""));
	/* fib_rule_port_match(): sport 0x100/0xff00 is 0x100-0x1ff. */
	ck_assert(!rt_rule_matches(&rules.v[2], &udp, ""));
	udp.sport = 0x1ab;
	ck_assert(rt_rule_matches(&rules.v[2], &udp, ""));
	ck_assert(!rt_rule_unsure(&rules.v[2], &udp, ""));
	/* Linux 6.15 dumps one port with a full mask: as the plain range. */
	rules.v[2].sport_mask = 0xffff;
	rules.v[2].sport_lo = rules.v[2].sport_hi = 0x1ab;
	ck_assert(rt_rule_matches(&rules.v[2], &udp, ""));
	ck_assert_str_eq(rt_rule_selector(&rules.v[2], buf, sizeof(buf)), "ipproto udp sport 427");
	rt_rules_free(&rules);
}
END_TEST

/* A rule that cannot be evaluated before a walk's end is a reason, unsure. */
START_TEST(reasons_name_a_rule_that_cannot_be_told)
{
	struct tbuf t = { .len = 0 };
	struct rt_rules rules = { 0 };
	struct rt_flow icmp = v4flow(IPPROTO_ICMP, 0, 2048), udp = v4flow(IPPROTO_UDP, 40000, 1025);
	struct rt_reason re[4];
	struct nlmsghdr *nlh;
	bool taken[8];

	tbuf_end(&t, put_rule(&t, 0, RT_TABLE_LOCAL));
	nlh = put_rule(&t, 50, 0);
	((struct fib_rule_hdr *)mnl_nlmsg_get_payload(nlh))->action = FR_ACT_PROHIBIT;
	mnl_attr_put_u8(nlh, 25, 4);
	tbuf_end(&t, nlh);
	tbuf_end(&t, put_rule(&t, 32766, RT_TABLE_MAIN));
	tbuf_done(&t, 0);
	ck_assert_int_eq(rt_rules_parse(t.b, t.len, T_SEQ, T_PORT, &rules), 0);
	/* The walk passes it: it never ends there, so it is never blamed. */
	ck_assert_uint_eq(rt_rules_walk(&rules, &icmp, "", 0, taken), rules.n);
	ck_assert(!taken[1]);
	ck_assert_int_eq(rt_explain_reasons(&rules, "", (struct rt_side){ &icmp, RT_TABLE_MAIN },
					    (struct rt_side){ &udp, RT_TABLE_MAIN }, re, 4), 1);
	ck_assert(re[0].unsure);
	ck_assert_uint_eq(re[0].pref, 50);
	ck_assert_str_eq(re[0].unknown, "dscp");
	ck_assert_str_eq(re[0].selector, "dscp 4");
	rt_rules_free(&rules);
}
END_TEST

START_TEST(no_reasons_without_splitting_rules)
{
	struct tbuf t = { .len = 0 };
	struct rt_rules rules = { 0 };
	struct rt_flow icmp = v4flow(IPPROTO_ICMP, 0, 2048), udp = v4flow(IPPROTO_UDP, 40000, 1025);
	struct rt_reason re[4];

	default_rules(&t, false);
	ck_assert_int_eq(rt_rules_parse(t.b, t.len, T_SEQ, T_PORT, &rules), 0);
	ck_assert_uint_eq(rules.n, 3);
	ck_assert_uint_eq(rt_explain_reasons(&rules, "", (struct rt_side){ &icmp, RT_TABLE_MAIN },
					     (struct rt_side){ &udp, RT_TABLE_MAIN }, re, 4), 0);
	rt_rules_free(&rules);
}
END_TEST

/* A rule built by hand: pref, action, table (lookup) or target (goto), ipproto. */
static struct rt_rule rule(uint32_t pref, uint8_t action, uint32_t arg, uint8_t proto, bool invert)
{
	struct rt_rule r = { .pref = pref, .action = action, .ipproto = proto, .invert = invert,
			     .suppress_prefixlen = -1 };

	if (action == FR_ACT_GOTO)
		r.goto_pref = arg;
	else
		r.table = arg;
	return r;
}

/* A goto: "10 ipproto icmp goto 300, 20 not ipproto udp lookup 200, 30 ipproto udp lookup 100". */
static struct rt_rule goto_rules[] = {
	{ .pref = 0, .action = FR_ACT_TO_TBL, .table = RT_TABLE_LOCAL, .suppress_prefixlen = -1 },
	{ .pref = 10, .action = FR_ACT_GOTO, .goto_pref = 300, .ipproto = IPPROTO_ICMP, .suppress_prefixlen = -1 },
	{ .pref = 20, .action = FR_ACT_TO_TBL, .table = 200, .ipproto = IPPROTO_UDP, .invert = true,
	  .suppress_prefixlen = -1 },
	{ .pref = 30, .action = FR_ACT_TO_TBL, .table = 100, .ipproto = IPPROTO_UDP, .suppress_prefixlen = -1 },
	{ .pref = 300, .action = FR_ACT_TO_TBL, .table = RT_TABLE_MAIN, .suppress_prefixlen = -1 },
	{ .pref = 32766, .action = FR_ACT_TO_TBL, .table = RT_TABLE_MAIN, .suppress_prefixlen = -1 },
	{ .pref = 32767, .action = FR_ACT_TO_TBL, .table = RT_TABLE_DEFAULT, .suppress_prefixlen = -1 },
};

START_TEST(walk_follows_goto_like_fib_rules_lookup)
{
	struct rt_rules rules = { goto_rules, 7, 7 };
	struct rt_flow icmp = v4flow(IPPROTO_ICMP, 0, 2048), udp = v4flow(IPPROTO_UDP, 40000, 1025);
	bool taken[7];

	/* The echo jumps over rule 20 (which its selector would match) to 300. */
	ck_assert_uint_eq(rt_rules_walk(&rules, &icmp, "", RT_TABLE_MAIN, taken), 4);
	ck_assert(taken[0] && taken[1] && !taken[2] && !taken[3] && taken[4] && !taken[5]);
	ck_assert_uint_eq(rt_rules_walk(&rules, &udp, "", 100, taken), 3);
	ck_assert(taken[0] && !taken[1] && !taken[2] && taken[3] && !taken[4]);
	/* Table unknown: every lookup falls through to the end. */
	ck_assert_uint_eq(rt_rules_walk(&rules, &icmp, "", 0, taken), 7);
	ck_assert(taken[4] && taken[5] && taken[6] && !taken[2]);
}
END_TEST

START_TEST(reasons_for_goto_name_the_jump_not_the_skipped_rule)
{
	struct rt_rules rules = { goto_rules, 7, 7 };
	struct rt_flow icmp = v4flow(IPPROTO_ICMP, 0, 2048), udp = v4flow(IPPROTO_UDP, 40000, 1025);
	struct rt_reason re[4];

	ck_assert_int_eq(rt_explain_reasons(&rules, "", (struct rt_side){ &icmp, RT_TABLE_MAIN },
					    (struct rt_side){ &udp, 100 }, re, 4), 2);
	ck_assert_uint_eq(re[0].pref, 10);
	ck_assert_uint_eq(re[0].action, FR_ACT_GOTO);
	ck_assert_uint_eq(re[0].goto_pref, 300);
	ck_assert_uint_eq(re[0].table, 0);
	ck_assert(re[0].icmp_matches && !re[0].udp_matches);
	ck_assert_str_eq(re[0].selector, "ipproto icmp");
	ck_assert_uint_eq(re[1].pref, 30);
	ck_assert_uint_eq(re[1].table, 100);
	ck_assert(re[1].udp_matches && !re[1].icmp_matches);
	/* max bounds the output. */
	ck_assert_int_eq(rt_explain_reasons(&rules, "", (struct rt_side){ &icmp, RT_TABLE_MAIN },
					    (struct rt_side){ &udp, 100 }, re, 1), 1);
	ck_assert_uint_eq(re[0].pref, 10);
}
END_TEST

START_TEST(walk_goto_edge_cases)
{
	struct rt_rule v[] = {
		rule(10, FR_ACT_GOTO, 45, 0, false),      /* no rule 45: unresolved, passes */
		rule(20, FR_ACT_NOP, 0, 0, false),
		rule(30, FR_ACT_GOTO, 30, 0, false),      /* a self jump (forged): passes */
		rule(40, FR_ACT_GOTO, 60, 0, false),
		rule(50, FR_ACT_PROHIBIT, 0, 0, false),   /* jumped over */
		rule(60, FR_ACT_TO_TBL, 7, IPPROTO_UDP, false),
		rule(60, FR_ACT_TO_TBL, 8, 0, false),
		rule(70, FR_ACT_UNREACHABLE, 0, 0, false),
	};
	struct rt_rules rules = { v, 8, 8 };
	struct rt_flow icmp = v4flow(IPPROTO_ICMP, 0, 2048);
	bool taken[8];

	/* Lands on the first rule of pref 60 (its selector fails), then the second. */
	ck_assert_uint_eq(rt_rules_walk(&rules, &icmp, "", 8, taken), 6);
	ck_assert(!taken[0] && !taken[1] && !taken[2] && taken[3] && !taken[4] && !taken[5]);
	/* Table 8 not the answer: the walk ends on the unreachable rule. */
	ck_assert_uint_eq(rt_rules_walk(&rules, &icmp, "", 0, taken), 7);
	ck_assert(taken[6] && taken[7]);
}
END_TEST

START_TEST(terminal_actions_type_and_errno)
{
	ck_assert_uint_eq(rt_rule_action_type(FR_ACT_PROHIBIT), RTN_PROHIBIT);
	ck_assert_uint_eq(rt_rule_action_type(FR_ACT_UNREACHABLE), RTN_UNREACHABLE);
	ck_assert_uint_eq(rt_rule_action_type(FR_ACT_BLACKHOLE), RTN_BLACKHOLE);
	ck_assert_uint_eq(rt_rule_action_type(FR_ACT_TO_TBL), RTN_UNSPEC);
	ck_assert_uint_eq(rt_rule_action_type(FR_ACT_GOTO), RTN_UNSPEC);
	/* fib4_rule_action(): an unreachable rule is ENETUNREACH, not EHOSTUNREACH. */
	ck_assert_int_eq(rt_rule_action_errno(FR_ACT_UNREACHABLE), -ENETUNREACH);
	ck_assert_int_eq(rt_rule_action_errno(FR_ACT_PROHIBIT), -EACCES);
	ck_assert_int_eq(rt_rule_action_errno(FR_ACT_BLACKHOLE), -EINVAL);
	ck_assert_int_eq(rt_rule_action_errno(FR_ACT_TO_TBL), 0);
}
END_TEST

/* The dump's FRA_GOTO, and equal prefs kept in kernel order (a goto lands on the first). */
START_TEST(parse_goto_and_keep_equal_prefs_in_order)
{
	struct tbuf t = { .len = 0 };
	struct rt_rules rules = { 0 };
	struct nlmsghdr *nlh = put_rule(&t, 10, 0);
	struct fib_rule_hdr *frh = mnl_nlmsg_get_payload(nlh);

	frh->action = FR_ACT_GOTO;
	mnl_attr_put_u32(nlh, FRA_GOTO, 300);
	tbuf_end(&t, nlh);
	tbuf_end(&t, put_rule(&t, 300, 1001));
	tbuf_end(&t, put_rule(&t, 300, 1002));
	tbuf_end(&t, put_rule(&t, 300, 1003));
	tbuf_end(&t, put_rule(&t, 20, 1004));
	tbuf_done(&t, 0);
	ck_assert_int_eq(rt_rules_parse(t.b, t.len, T_SEQ, T_PORT, &rules), 0);
	ck_assert_uint_eq(rules.n, 5);
	ck_assert_uint_eq(rules.v[0].goto_pref, 300);
	ck_assert_uint_eq(rules.v[0].action, FR_ACT_GOTO);
	rt_rules_sort(&rules);
	ck_assert_uint_eq(rules.v[1].table, 1004);
	ck_assert_uint_eq(rules.v[2].table, 1001);
	ck_assert_uint_eq(rules.v[3].table, 1002);
	ck_assert_uint_eq(rules.v[4].table, 1003);
	rt_rules_free(&rules);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("rules");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, parse_dump_fields);
	tcase_add_test(tc, parse_dump_error_and_bad_length);
	tcase_add_test(tc, match_selectors_like_the_kernel);
	tcase_add_test(tc, match_interfaces_and_source);
	tcase_add_test(tc, selector_text);
	tcase_add_test(tc, reasons_for_ipproto_udp_rule);
	tcase_add_test(tc, unknown_selectors_cannot_tell);
	tcase_add_test(tc, reasons_name_a_rule_that_cannot_be_told);
	tcase_add_test(tc, no_reasons_without_splitting_rules);
	tcase_add_test(tc, walk_follows_goto_like_fib_rules_lookup);
	tcase_add_test(tc, reasons_for_goto_name_the_jump_not_the_skipped_rule);
	tcase_add_test(tc, walk_goto_edge_cases);
	tcase_add_test(tc, terminal_actions_type_and_errno);
	tcase_add_test(tc, parse_goto_and_keep_equal_prefs_in_order);
	suite_add_tcase(s, tc);
	return rt_test_run(s);
}
