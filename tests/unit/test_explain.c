/* JSON escaping, addresses, and the explain printers on hand-built results. */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/fib_rules.h>
#include <linux/rtnetlink.h>

#include "rtping/explain.h"
#include "rtping/json.h"
#include "runner.h"

/* Runs fn into a memory stream and returns the text (static buffer). */
static char out[4096];
#define CAPTURE(call) do { \
	memset(out, 0, sizeof(out)); \
	FILE *f_ = fmemopen(out, sizeof(out), "w"); \
	ck_assert_ptr_nonnull(f_); \
	FILE *f = f_; \
	call; \
	fclose(f_); \
} while (0)

/* The netlink object of a flow a prohibit route or rule refuses. */
static const char NETLINK_PROHIBITED[] =
	"\"netlink\": {\"source\": null, \"device\": null, \"ifindex\": null, "
	"\"gateway\": null, \"table\": null, \"type\": \"prohibit\", \"prefix\": null, "
	"\"from\": null, \"protocol\": null, \"metric\": null, \"scope\": null, "
	"\"multipath\": null, \"mtu\": null, \"error\": \"Permission denied\"}";

START_TEST(json_escapes_everything_needed)
{
	CAPTURE(rt_json_str(f, "a\"b\\c\nd\te\x01\x7f"));
	ck_assert_str_eq(out, "\"a\\\"b\\\\c\\nd\\te\\u0001\\u007f\"");
	CAPTURE(rt_json_str(f, NULL));
	ck_assert_str_eq(out, "null");
	CAPTURE(rt_json_kstr(f, ", ", "k", "v"));
	ck_assert_str_eq(out, ", \"k\": \"v\"");
}
END_TEST

/* UTF-8 goes through; any other high byte is U+FFFD, a C1 control an escape. */
START_TEST(json_strings_stay_utf8)
{
	CAPTURE(rt_json_str(f, "b\xc3\xbc" "cher \xe2\x82\xac \xf0\x9f\x98\x80"));
	ck_assert_str_eq(out, "\"b\xc3\xbc" "cher \xe2\x82\xac \xf0\x9f\x98\x80\"");
	/* Stray bytes, a cut sequence, an overlong form, a surrogate, past U+10FFFF. */
	CAPTURE(rt_json_str(f, "\xff\xfe.x \xc3 \xc0\xaf \xed\xa0\x80 \xf4\x90\x80\x80"));
	ck_assert_str_eq(out, "\"\\ufffd\\ufffd.x \\ufffd \\ufffd\\ufffd "
			 "\\ufffd\\ufffd\\ufffd \\ufffd\\ufffd\\ufffd\\ufffd\"");
	CAPTURE(rt_json_str(f, "\xc2\x9b" "31m \xc2\xa0"));
	ck_assert_str_eq(out, "\"\\u009b31m \xc2\xa0\"");
	CAPTURE(rt_json_str(f, "end\xe2\x82"));
	ck_assert_str_eq(out, "\"end\\ufffd\\ufffd\"");
}
END_TEST

START_TEST(addresses)
{
	struct rt_addr a, p;
	char s[RT_ADDRSTRLEN];
	struct sockaddr_storage ss;
	uint16_t port;
	uint32_t scope;

	ck_assert_int_eq(rt_addr_parse(&a, AF_UNSPEC, "10.9.0.12"), 0);
	ck_assert_int_eq(a.af, AF_INET);
	ck_assert_int_eq(rt_addr_parse(&p, AF_INET, "10.9.0.0"), 0);
	ck_assert(rt_addr_in_prefix(&a, &p, 24));
	ck_assert(rt_addr_in_prefix(&a, &p, 28));
	ck_assert(!rt_addr_in_prefix(&a, &p, 29));
	ck_assert(!rt_addr_in_prefix(&a, &p, 33));
	ck_assert_int_eq(rt_addr_parse(&a, AF_INET, "::1"), -EINVAL);
	ck_assert_int_eq(rt_addr_parse(&a, AF_UNSPEC, "fe80::1"), 0);
	ck_assert(rt_addr_needs_scope(&a));
	rt_addr_to_sockaddr(&a, 1025, 3, &ss);
	ck_assert_int_eq(rt_addr_from_sockaddr(&p, &port, &scope, (struct sockaddr *)&ss,
					       sizeof(ss)), 0);
	ck_assert(rt_addr_equal(&a, &p));
	ck_assert_uint_eq(port, 1025);
	ck_assert_uint_eq(scope, 3);
	ck_assert_str_eq(rt_addr_str(&p, s, sizeof(s)), "fe80::1");
	ck_assert_int_eq(rt_addr_from_bytes(&a, AF_INET, "abc", 3), -EINVAL);
}
END_TEST

/* divergence.md, as rt_explain_run() would leave it. */
static void divergence(struct rt_explain *ex)
{
	memset(ex, 0, sizeof(*ex));
	ex->flow.fam = &rt_inet;
	ex->flow.proto = IPPROTO_ICMP;
	ex->flow.dport = 2048;
	rt_addr_parse(&ex->flow.dst, AF_INET, "10.99.1.1");
	ex->route.type = RTN_UNICAST;
	ex->route.table = RT_TABLE_MAIN;
	ex->route.oif = 2;
	snprintf(ex->route.ifname, sizeof(ex->route.ifname), "dva");
	rt_addr_parse(&ex->route.prefsrc, AF_INET, "10.9.0.12");
	rt_addr_parse(&ex->route.gateway, AF_INET, "10.9.0.1");
	ex->match = ex->route;
	rt_addr_parse(&ex->match.dst, AF_INET, "10.99.0.0");
	ex->match.dst_len = 16;
	ex->match.protocol = RTPROT_BOOT;
	rt_addr_parse(&ex->udpc.src, AF_INET, "10.9.0.11");
	ex->udpc.sport = 40000;
	ex->udp_route = ex->route;
	ex->udp_route.table = 100;
	ex->nreasons = 1;
	ex->reasons[0] = (struct rt_reason){ .pref = 100, .table = 100, .action = FR_ACT_TO_TBL,
					     .udp_matches = true, .selector = "ipproto udp" };
}

START_TEST(text_report_names_both_answers_and_the_rule)
{
	struct rt_explain ex;

	divergence(&ex);
	CAPTURE(rt_explain_text(f, &ex, NULL, "dest\"x"));
	ck_assert_ptr_nonnull(strstr(out, "source       10.9.0.12\n"));
	ck_assert_ptr_nonnull(strstr(out, "udp probe    10.9.0.11 (udp sport 40000 dport 1025: table 100"));
	ck_assert_ptr_nonnull(strstr(out, "prefix       10.99.0.0/16 proto boot"));
	ck_assert_ptr_nonnull(strstr(out, "agree        no"));
	ck_assert_ptr_nonnull(strstr(out, "reason       rule pref 100 ipproto udp \u2192 table 100 "
				     "(matches the UDP probe only)"));
}
END_TEST

START_TEST(json_report_fields)
{
	struct rt_explain ex;

	divergence(&ex);
	CAPTURE(rt_explain_json(f, &ex, NULL, "dest\"x", NULL));
	ck_assert_ptr_nonnull(strstr(out, "{\"type\": \"explain\", \"destination\": \"dest\\\"x\", "
				     "\"address\": \"10.99.1.1\", "
				     "\"family\": \"inet\""));
	ck_assert_ptr_nonnull(strstr(out, "\"netlink\": {\"source\": \"10.9.0.12\", \"device\": \"dva\", "
				     "\"ifindex\": 2, \"gateway\": \"10.9.0.1\", \"table\": 254, "
				     "\"type\": \"unicast\", \"prefix\": \"10.99.0.0/16\""));
	ck_assert_ptr_nonnull(strstr(out, "\"udp_probe\": {\"source\": \"10.9.0.11\", \"error\": null"));
	ck_assert_ptr_nonnull(strstr(out, "\"agree\": false, \"reasons\": [{\"rule\": \"ipproto udp\", "
				     "\"pref\": 100, \"action\": \"lookup\", \"table\": 100, \"goto\": null, "
				     "\"selects\": \"udp\"}]"));
	ck_assert_ptr_nonnull(strstr(out, "\"fallback\": false"));
	ck_assert_ptr_nonnull(strstr(out, "\"error\": null}\n"));
	ck_assert_int_eq(out[strlen(out) - 1], '\n');
}
END_TEST

START_TEST(json_route_error)
{
	struct rt_explain ex;

	divergence(&ex);
	ex.route_err = -EACCES;
	ex.udpc_err = -EACCES;
	ex.nreasons = 0;
	CAPTURE(rt_explain_json(f, &ex, NULL, "d", NULL));
	ck_assert_ptr_nonnull(strstr(out, NETLINK_PROHIBITED));
	ck_assert_ptr_nonnull(strstr(out, "\"udp_probe\": {\"source\": null, \"error\": \"Permission denied\", "
				     "\"sport\": null, \"table\": null, \"device\": null}"));
	ck_assert_ptr_nonnull(strstr(out, "\"agree\": null"));
}
END_TEST

START_TEST(warning_line_in_ping_mode)
{
	struct rt_explain ex;
	struct rt_route_snap snap;

	divergence(&ex);
	CAPTURE(rt_explain_warn(f, "rtping", &ex));
	ck_assert_str_eq(out, "rtping: warning: UDP probe says 10.9.0.11, ICMP flow uses 10.9.0.12 "
			 "(rule pref 100 ipproto udp \u2192 table 100)\n");
	ex.agree = true;
	CAPTURE(rt_explain_warn(f, "rtping", &ex));
	ck_assert_str_eq(out, "");
	ex.fallback = true;
	ex.nl_err = -EPERM;
	CAPTURE(rt_explain_warn(f, "rtping", &ex));
	ck_assert_str_eq(out, "rtping: warning: netlink route query unavailable (Operation not "
			 "permitted); using the UDP probe's source\n");
	rt_explain_snapshot(&ex, &snap);
	ck_assert(rt_addr_equal(&snap.src, &ex.udpc.src));
	ck_assert_str_eq(snap.dev, "");      /* no answer from the kernel: the -I name */
	ck_assert_uint_eq(snap.table, 0);
}
END_TEST

START_TEST(bound_source_is_the_source)
{
	struct rt_explain ex;
	struct rt_route_snap snap;
	char s[RT_ADDRSTRLEN];

	divergence(&ex);
	memset(&ex.route.prefsrc, 0, sizeof(ex.route.prefsrc));   /* kernel omits it */
	rt_addr_parse(&ex.flow.src, AF_INET, "10.9.0.11");
	rt_explain_snapshot(&ex, &snap);
	ck_assert_str_eq(rt_addr_str(&snap.src, s, sizeof(s)), "10.9.0.11");
	/* The rest is the kernel's answer. */
	ck_assert_str_eq(snap.dev, "dva");
	ck_assert_uint_eq(snap.ifindex, 2);
	ck_assert_uint_eq(snap.table, RT_TABLE_MAIN);
	ck_assert_uint_eq(snap.type, RTN_UNICAST);
	ck_assert_str_eq(rt_addr_str(&snap.gateway, s, sizeof(s)), "10.9.0.1");
}
END_TEST

/* The kernel's "connect to self": 0.0.0.0 and :: are this host, never a table's default. */
START_TEST(unspecified_destination_is_this_host)
{
	static const struct { const struct rt_family *fam; const char *dst, *src, *want; bool hit; }
	cases[] = {
		{ &rt_inet, "0.0.0.0", NULL, "127.0.0.1", true },
		{ &rt_inet, "0.0.0.0", "10.9.0.11", "10.9.0.11", true },  /* the bound source */
		{ &rt_inet6, "::", NULL, "::1", true },
		{ &rt_inet6, "::", "fd00:9::11", "::1", true },           /* IPv6: always ::1 */
		{ &rt_inet, "10.99.1.1", NULL, "10.99.1.1", false },
		{ &rt_inet, "0.0.0.1", NULL, "0.0.0.1", false },
		{ &rt_inet6, "::1", NULL, "::1", false },
		{ &rt_inet6, "::ffff:0.0.0.0", NULL, "::ffff:0.0.0.0", false },
	};
	char s[RT_ADDRSTRLEN];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct rt_addr dst, src = { .af = AF_UNSPEC };

		ck_assert_int_eq(rt_addr_parse(&dst, cases[i].fam->af, cases[i].dst), 0);
		if (cases[i].src)
			ck_assert_int_eq(rt_addr_parse(&src, cases[i].fam->af, cases[i].src), 0);
		ck_assert_msg(rt_family_self_dst(cases[i].fam, &src, "", &dst) == cases[i].hit,
			      "case %zu", i);
		ck_assert_str_eq(rt_addr_str(&dst, s, sizeof(s)), cases[i].want);
	}
}
END_TEST

/* A default route has no RTA_DST: "default" as ip route says, "0.0.0.0/0" / "::/0" in JSON. */
START_TEST(default_route_prefix)
{
	struct rt_explain ex;

	divergence(&ex);
	memset(&ex.match.dst, 0, sizeof(ex.match.dst));
	ex.match.dst_len = 0;
	CAPTURE(rt_explain_text(f, &ex, NULL, "d"));
	ck_assert_ptr_nonnull(strstr(out, "\nprefix       default proto boot scope "));
	CAPTURE(rt_explain_json(f, &ex, NULL, "d", NULL));
	ck_assert_ptr_nonnull(strstr(out, "\"prefix\": \"0.0.0.0/0\""));
	ex.flow.fam = &rt_inet6;
	rt_addr_parse(&ex.flow.dst, AF_INET6, "fd00:99::1");
	CAPTURE(rt_explain_json(f, &ex, NULL, "d", NULL));
	ck_assert_ptr_nonnull(strstr(out, "\"prefix\": \"::/0\""));
	CAPTURE(rt_explain_text(f, &ex, NULL, "d"));
	ck_assert_ptr_nonnull(strstr(out, "\nprefix       default proto boot scope "));
}
END_TEST

/* Table 0 (no table lookup) says why, from what the flow has bound. */
START_TEST(no_table_says_why)
{
	struct rt_explain ex;

	divergence(&ex);
	ex.route.table = ex.udp_route.table = RT_TABLE_UNSPEC;
	CAPTURE(rt_explain_text(f, &ex, NULL, "d"));
	ck_assert_ptr_nonnull(strstr(out, "\ntable        none (the kernel answered without a "
				     "table lookup)\n"));
	ck_assert_ptr_nonnull(strstr(out, "table none (the kernel answered without a table lookup), "
				     "device dva)"));
	ck_assert_ptr_null(strstr(out, "bound"));
	rt_addr_parse(&ex.flow.src, AF_INET, "10.9.0.12");
	CAPTURE(rt_explain_text(f, &ex, NULL, "d"));
	ck_assert_ptr_nonnull(strstr(out, "\ntable        none (no table lookup: through the bound "
				     "source's device)\n"));
	ex.flow.oif = 2;
	CAPTURE(rt_explain_text(f, &ex, NULL, "d"));
	ck_assert_ptr_nonnull(strstr(out, "\ntable        none (on-link through the bound device)\n"));
	/* Bound to one device, answered through another (lo): no lookup, not on-link. */
	ex.flow.oif = 3;
	CAPTURE(rt_explain_text(f, &ex, NULL, "d"));
	ck_assert_ptr_nonnull(strstr(out, "\ntable        none (the kernel answered without a "
				     "table lookup)\n"));
}
END_TEST

/* The echo's goto, and the UDP probe's lookup, both named with their targets. */
static void goto_divergence(struct rt_explain *ex)
{
	divergence(ex);
	ex->nreasons = 2;
	ex->reasons[0] = (struct rt_reason){ .pref = 10, .action = FR_ACT_GOTO, .goto_pref = 300,
					     .icmp_matches = true, .selector = "ipproto icmp" };
	ex->reasons[1] = (struct rt_reason){ .pref = 30, .table = 100, .action = FR_ACT_TO_TBL,
					     .udp_matches = true, .selector = "ipproto udp" };
}

START_TEST(goto_reason_shows_its_target)
{
	struct rt_explain ex;

	goto_divergence(&ex);
	CAPTURE(rt_explain_text(f, &ex, NULL, "d"));
	ck_assert_ptr_nonnull(strstr(out, "reason       rule pref 10 ipproto icmp \u2192 goto 300 "
				     "(matches the ICMP flow only)\n"
				     "reason       rule pref 30 ipproto udp \u2192 table 100 "
				     "(matches the UDP probe only)\n"));
	CAPTURE(rt_explain_json(f, &ex, NULL, "d", NULL));
	ck_assert_ptr_nonnull(strstr(out, "\"reasons\": [{\"rule\": \"ipproto icmp\", \"pref\": 10, "
				     "\"action\": \"goto\", \"table\": null, \"goto\": 300, "
				     "\"selects\": \"icmp\"}, {\"rule\": \"ipproto udp\", \"pref\": 30, "
				     "\"action\": \"lookup\", \"table\": 100, \"goto\": null, "
				     "\"selects\": \"udp\"}]"));
	CAPTURE(rt_explain_warn(f, "rtping", &ex));
	ck_assert_str_eq(out, "rtping: warning: UDP probe says 10.9.0.11, ICMP flow uses 10.9.0.12 "
			 "(rule pref 10 ipproto icmp \u2192 goto 300; "
			 "rule pref 30 ipproto udp \u2192 table 100)\n");
}
END_TEST

/* A route error that rule_action gave, as rt_explain_run() leaves it. */
static void rule_error(struct rt_explain *ex, uint8_t action, int err, bool udp_too)
{
	divergence(ex);
	ex->route_err = err;
	ex->match_err = err;
	ex->udpc_err = udp_too ? err : 0;
	ex->rule_error = true;
	ex->nreasons = 1;
	ex->reasons[0] = (struct rt_reason){ .pref = 100, .action = action, .icmp_matches = true,
					     .udp_matches = udp_too, .selector = "ipproto icmp" };
}

START_TEST(prohibit_rule_is_named_not_a_route)
{
	struct rt_explain ex;

	rule_error(&ex, FR_ACT_PROHIBIT, -EACCES, false);
	CAPTURE(rt_explain_text(f, &ex, NULL, "d"));
	ck_assert_ptr_nonnull(strstr(out, "error        Permission denied (prohibit rule)\n"));
	ck_assert_ptr_nonnull(strstr(out, "reason       rule pref 100 ipproto icmp \u2192 prohibit "
				     "(matches the ICMP flow only)\n"));
	ck_assert_ptr_null(strstr(out, "route)"));
	CAPTURE(rt_explain_json(f, &ex, NULL, "d", NULL));
	ck_assert_ptr_nonnull(strstr(out, NETLINK_PROHIBITED));
	ck_assert_ptr_nonnull(strstr(out, "\"reasons\": [{\"rule\": \"ipproto icmp\", \"pref\": 100, "
				     "\"action\": \"prohibit\", \"table\": null, \"goto\": null, "
				     "\"selects\": \"icmp\"}]"));
}
END_TEST

/* A rule with a selector rtping cannot evaluate is named as such, never blamed. */
START_TEST(unsure_rule_is_never_blamed)
{
	struct rt_explain ex;

	rule_error(&ex, FR_ACT_PROHIBIT, -EACCES, false);
	ex.rule_error = false;
	ex.rule_unsure = true;
	ex.reasons[0].unsure = true;
	snprintf(ex.reasons[0].selector, sizeof(ex.reasons[0].selector), "dscp 4");
	snprintf(ex.reasons[0].unknown, sizeof(ex.reasons[0].unknown), "dscp");
	CAPTURE(rt_explain_text(f, &ex, NULL, "d"));
	ck_assert_ptr_nonnull(strstr(out, "error        Permission denied\n"));
	ck_assert_ptr_nonnull(strstr(out, "reason       rule pref 100 dscp 4 \u2192 prohibit "
				     "(cannot tell: dscp not evaluated)\n"));
	CAPTURE(rt_explain_json(f, &ex, NULL, "d", NULL));
	ck_assert_ptr_nonnull(strstr(out, "\"gateway\": null, \"table\": null, \"type\": null, "));
	ck_assert_ptr_nonnull(strstr(out, "\"multipath\": null, \"mtu\": null, \"error\": \"Permission denied\"}"));
	ck_assert_ptr_nonnull(strstr(out, "\"selects\": \"unknown\""));
	CAPTURE(rt_explain_line(f, &ex, "d"));
	ck_assert_str_eq(out, "d (10.99.1.1)  ERROR Permission denied: rule pref 100 dscp 4 \u2192 prohibit "
			 "(cannot tell: dscp not evaluated)\n");
}
END_TEST

/* fib4_rule_action() gives ENETUNREACH, which alone looks like "no route": type was null. */
START_TEST(unreachable_and_blackhole_rules_have_their_type)
{
	struct rt_explain ex;

	rule_error(&ex, FR_ACT_UNREACHABLE, -ENETUNREACH, true);
	CAPTURE(rt_explain_json(f, &ex, NULL, "d", NULL));
	ck_assert_ptr_nonnull(strstr(out, "\"type\": \"unreachable\", \"prefix\": null"));
	ck_assert_ptr_nonnull(strstr(out, "\"action\": \"unreachable\""));
	ck_assert_ptr_nonnull(strstr(out, "\"selects\": \"both\""));
	CAPTURE(rt_explain_text(f, &ex, NULL, "d"));
	ck_assert_ptr_nonnull(strstr(out, "error        Network is unreachable (unreachable rule)\n"));
	ck_assert_ptr_nonnull(strstr(out, "\u2192 unreachable (matches both flows)\n"));
	rule_error(&ex, FR_ACT_BLACKHOLE, -EINVAL, false);
	CAPTURE(rt_explain_json(f, &ex, NULL, "d", NULL));
	ck_assert_ptr_nonnull(strstr(out, "\"type\": \"blackhole\", \"prefix\": null"));
	ck_assert_ptr_nonnull(strstr(out, "\"action\": \"blackhole\""));
	/* No rule found: the errno's type, and a route's. */
	ex.rule_error = false;
	ex.nreasons = 0;
	CAPTURE(rt_explain_text(f, &ex, NULL, "d"));
	ck_assert_ptr_nonnull(strstr(out, "error        Invalid argument (blackhole route)\n"));
	ck_assert_ptr_null(strstr(out, "reason"));
}
END_TEST

START_TEST(json_error_object_without_a_flow)
{
	struct rt_addr a;

	CAPTURE(rt_explain_json_error(f, "no\"host", NULL, NULL, "no\"host: Name or service not known", NULL));
	ck_assert_str_eq(out, "{\"type\": \"explain\", \"destination\": \"no\\\"host\", "
			 "\"address\": null, \"family\": null, "
			 "\"flow\": null, \"netlink\": null, \"udp_probe\": null, \"agree\": null, "
			 "\"reasons\": [], \"fallback\": null, \"verified\": null, "
			 "\"hash_dependent\": null, \"candidates\": [], \"observed\": null, "
			 "\"observed_error\": null, \"return_path\": null, \"neighbour\": null, "
			 "\"error\": \"no\\\"host: Name or service not known\"}\n");
	/* An audit line: the same object, typed "audit", with where it came from. */
	CAPTURE(rt_explain_json_error(f, NULL, NULL, NULL, "bad", "hosts line 4"));
	ck_assert_ptr_nonnull(strstr(out, "{\"type\": \"audit\", \"input\": \"hosts line 4\", "
				     "\"destination\": null, \"address\": null, "));
	rt_addr_parse(&a, AF_INET6, "fe80::1");
	CAPTURE(rt_explain_json_error(f, "fe80::1", &a, &rt_inet6, "x", NULL));
	ck_assert_ptr_nonnull(strstr(out, "\"address\": \"fe80::1\", \"family\": \"inet6\""));
}
END_TEST

/* -C: connect()'s key and the source it picked, in text and JSON. */
START_TEST(connect_line_and_json)
{
	struct rt_explain ex;

	divergence(&ex);
	ex.flow.connected = true;
	ex.flow.connect_sport = 4660;
	ex.connect_picked = true;
	rt_addr_parse(&ex.echo.src, AF_INET, "10.9.0.11");
	ex.connect_route.table = 100;
	snprintf(ex.connect_route.ifname, sizeof(ex.connect_route.ifname), "dva");
	CAPTURE(rt_explain_text(f, &ex, NULL, "d"));
	ck_assert_ptr_nonnull(strstr(out, "flow         icmp dport 2048 uid 0 mark 0x0 tos 0x00\n"
				     "connect      icmp sport 4660 dport 0: source 10.9.0.11, "
				     "table 100, device dva (picked here, kept for every echo)\n"
				     "source       10.9.0.11\n"));
	CAPTURE(rt_explain_json(f, &ex, NULL, "d", NULL));
	ck_assert_ptr_nonnull(strstr(out, "\"device\": null, \"connect\": {\"sport\": 4660, "
				     "\"dport\": 0, \"source\": \"10.9.0.11\", \"table\": 100, "
				     "\"error\": null}}, \"netlink\": {\"source\": \"10.9.0.11\""));
	/* Bound first: connect() keeps the source. */
	ex.connect_picked = false;
	CAPTURE(rt_explain_text(f, &ex, NULL, "d"));
	ck_assert_ptr_nonnull(strstr(out, "(bound before connect(), kept)\n"));
	ex.connect_err = -ENETUNREACH;
	CAPTURE(rt_explain_json(f, &ex, NULL, "d", NULL));
	ck_assert_ptr_nonnull(strstr(out, "\"connect\": {\"sport\": 4660, \"dport\": 0, "
				     "\"source\": null, \"table\": null, \"error\": \"Network is unreachable\"}"));
	/* Without -C: null. */
	divergence(&ex);
	CAPTURE(rt_explain_json(f, &ex, NULL, "d", NULL));
	ck_assert_ptr_nonnull(strstr(out, "\"connect\": null}"));
}
END_TEST

/* IPv6 multipath and -F: the label is hashed, which no route query carries. */
START_TEST(flowlabel_on_multipath_is_hash_dependent)
{
	struct rt_explain ex;

	divergence(&ex);
	ex.flowlabel_hashed = true;
	CAPTURE(rt_explain_text(f, &ex, NULL, "d"));
	ck_assert_ptr_nonnull(strstr(out, "note         multipath: the echo's next hop depends on "
				     "its flow label (-F)"));
	CAPTURE(rt_explain_json(f, &ex, NULL, "d", NULL));
	ck_assert_ptr_nonnull(strstr(out, "\"hash_dependent\": true, \"candidates\": [], \"observed\": null, "
				     "\"observed_error\": null, \"return_path\": null, \"neighbour\": null, "
				     "\"error\": null}"));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("explain");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, json_escapes_everything_needed);
	tcase_add_test(tc, json_strings_stay_utf8);
	tcase_add_test(tc, addresses);
	tcase_add_test(tc, text_report_names_both_answers_and_the_rule);
	tcase_add_test(tc, json_report_fields);
	tcase_add_test(tc, json_route_error);
	tcase_add_test(tc, warning_line_in_ping_mode);
	tcase_add_test(tc, bound_source_is_the_source);
	tcase_add_test(tc, unspecified_destination_is_this_host);
	tcase_add_test(tc, default_route_prefix);
	tcase_add_test(tc, no_table_says_why);
	tcase_add_test(tc, goto_reason_shows_its_target);
	tcase_add_test(tc, prohibit_rule_is_named_not_a_route);
	tcase_add_test(tc, unsure_rule_is_never_blamed);
	tcase_add_test(tc, unreachable_and_blackhole_rules_have_their_type);
	tcase_add_test(tc, json_error_object_without_a_flow);
	tcase_add_test(tc, connect_line_and_json);
	tcase_add_test(tc, flowlabel_on_multipath_is_hash_dependent);
	suite_add_tcase(s, tc);
	return rt_test_run(s);
}
