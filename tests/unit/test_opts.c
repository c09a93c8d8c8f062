/* Option parsing: values, limits and iputils' messages; no side effects. */
#include <check.h>
#include <errno.h>
#include <stdarg.h>
#include <string.h>

#include "rtping/error.h"
#include "rtping/family.h"
#include "rtping/opts.h"
#include "runner.h"

static struct rt_opts o;
static struct rt_error e;
static const char *err = e.msg;

/* parse(privileged, "-c", "3", "host", NULL) */
static int parse(bool priv, ...)
{
	char *argv[32] = { "rtping" };
	int argc = 1;
	va_list ap;

	va_start(ap, priv);
	while (argc < 31 && (argv[argc] = va_arg(ap, char *)))
		argc++;
	va_end(ap);
	return rt_opts_parse(&o, argc, argv, priv, &e);
}

START_TEST(defaults_match_iputils)
{
	ck_assert_int_eq(parse(false, "127.0.0.1", NULL), 0);
	ck_assert_str_eq(o.dest, "127.0.0.1");
	ck_assert_int_eq(o.mode, RT_MODE_PING);
	ck_assert_int_eq(o.size, 56);
	ck_assert_int_eq(o.interval_ns, RT_NS_PER_SEC);
	ck_assert_int_eq(o.count, 0);
	ck_assert_int_eq(o.ttl, -1);
	ck_assert_int_eq(o.af, AF_UNSPEC);
	ck_assert(!o.has_mark && !o.has_tos && !o.iface[0] && o.src.af == AF_UNSPEC);
}
END_TEST

START_TEST(options_after_destination)
{
	ck_assert_int_eq(parse(false, "host", "-c", "3", "-q", NULL), 0);
	ck_assert_int_eq(o.count, 3);
	ck_assert(o.quiet);
}
END_TEST

START_TEST(explain_route_with_flow_options)
{
	ck_assert_int_eq(parse(false, "--explain-route", "--json", "-6", "-m", "0x10", "-Q", "0x20",
			       "-I", "veth0", "h", NULL), 0);
	ck_assert_int_eq(o.mode, RT_MODE_EXPLAIN);
	ck_assert(o.json);
	ck_assert_int_eq(o.af, AF_INET6);
	ck_assert(o.has_mark && o.mark == 0x10);
	ck_assert(o.has_tos && o.tos == 0x20);
	ck_assert_str_eq(o.iface, "veth0");
}
END_TEST

START_TEST(interface_or_source_address)
{
	ck_assert_int_eq(parse(false, "-I", "10.9.0.12", "h", NULL), 0);
	ck_assert_int_eq(o.src.af, AF_INET);
	ck_assert_str_eq(o.iface, "");
	ck_assert_int_eq(parse(false, "-I", "fe80::1", "h", NULL), 0);
	ck_assert_int_eq(o.src.af, AF_INET6);
	ck_assert_int_eq(parse(false, "-4", "-I", "fe80::1", "h", NULL), -EINVAL);
	ck_assert_int_eq(parse(false, "-I", "averyveryverylongname", "h", NULL), -EINVAL);
	ck_assert_str_eq(err, "invalid interface name: 'averyveryverylongname'");
}
END_TEST

/* iputils: "ADDR%DEV" gives the source and the device; a colon means IPv6. */
START_TEST(interface_from_source_scope)
{
	struct rt_addr want;

	ck_assert_int_eq(parse(false, "-I", "fe80::1%veth0", "h", NULL), 0);
	ck_assert_int_eq(rt_addr_parse(&want, AF_INET6, "fe80::1"), 0);
	ck_assert(rt_addr_equal(&o.src, &want));
	ck_assert_str_eq(o.iface, "veth0");
	ck_assert_int_eq(parse(false, "-I", "fd00::1", "h", NULL), 0);
	ck_assert_str_eq(o.iface, "");
	ck_assert_int_eq(parse(false, "-I", "zz::1%veth0", "h", NULL), -EINVAL);
	ck_assert_str_eq(err, "invalid source address: zz::1%veth0");
	ck_assert_int_eq(parse(false, "-I", "10.0.0.1:", "h", NULL), -EINVAL);
	ck_assert_str_eq(err, "invalid source address: 10.0.0.1:");
	ck_assert_int_eq(parse(false, "-I", "fe80::1%", "h", NULL), -EINVAL);
	ck_assert_str_eq(err, "invalid interface name: ''");
	ck_assert_int_eq(parse(false, "-I", "fe80::1%a/b", "h", NULL), -EINVAL);
	ck_assert_str_eq(err, "invalid interface name: 'a/b'");
	ck_assert_int_eq(parse(false, "-4", "-I", "fe80::1%veth0", "h", NULL), -EINVAL);
	ck_assert_str_eq(err, "-I address family does not match -4");
}
END_TEST

/* iputils keeps a device and a source side by side, whichever came first. */
START_TEST(interface_and_source_both_kept)
{
	struct rt_addr want;

	ck_assert_int_eq(rt_addr_parse(&want, AF_INET, "10.9.0.12"), 0);
	ck_assert_int_eq(parse(false, "-I", "veth0", "-I", "10.9.0.12", "h", NULL), 0);
	ck_assert_str_eq(o.iface, "veth0");
	ck_assert(rt_addr_equal(&o.src, &want));
	ck_assert_int_eq(parse(false, "-I", "10.9.0.12", "-I", "veth0", "h", NULL), 0);
	ck_assert_str_eq(o.iface, "veth0");
	ck_assert(rt_addr_equal(&o.src, &want));
	/* The last of each kind wins. */
	ck_assert_int_eq(parse(false, "-I", "fe80::1%veth0", "-I", "veth1", "h", NULL), 0);
	ck_assert_str_eq(o.iface, "veth1");
	ck_assert_int_eq(o.src.af, AF_INET6);
}
END_TEST

START_TEST(audit_takes_many_destinations_or_none)
{
	ck_assert_int_eq(parse(false, "--explain-route", "--audit", "a", "b", "-", NULL), 0);
	ck_assert(o.audit && o.mode == RT_MODE_EXPLAIN);
	ck_assert_int_eq(o.ndests, 3);
	ck_assert_ptr_null(o.file);
	ck_assert_int_eq(parse(false, "--explain-route", "--audit=list", NULL), 0);
	ck_assert_int_eq(o.ndests, 0);
	ck_assert_str_eq(o.file, "list");
	ck_assert_int_eq(parse(false, "--explain-route", "--audit", "--file", "-", NULL), 0);
	ck_assert_str_eq(o.file, "-");
	ck_assert_int_eq(parse(false, "--audit", "a", NULL), -EINVAL);
	ck_assert_str_eq(err, "--audit needs --explain-route");
	ck_assert_int_eq(parse(false, "--explain-route", "--file", "f", "a", NULL), -EINVAL);
	ck_assert_str_eq(err, "--file needs --explain-route --audit");
	ck_assert_int_eq(parse(false, "--explain-route", "--audit", "--file", "", NULL), -EINVAL);
	ck_assert_str_eq(err, "--file: empty file name");
	ck_assert_int_eq(parse(false, "--explain-route", "--audit=a", "--file", "b", NULL), -EINVAL);
	ck_assert_str_eq(err, "only one file of destinations: 'b'");
	/* Without --audit, one destination as before. */
	ck_assert_int_eq(parse(false, "--explain-route", "a", "b", NULL), -EINVAL);
}
END_TEST

/*
 * Each bad value: iputils' wording, and -ERANGE for what iputils parses
 * with strtol_or_err() ("invalid argument...") or finds past -s's limit:
 * it exits 1 for those. Anything else is -EINVAL.
 */
static const struct { const char *opt, *val, *msg; } bad[] = {
	{ "-c", "0", "invalid argument: '0': out of range: 1 <= value <= 9223372036854775807" },
	{ "-c", "abc", "invalid argument: 'abc'" },
	{ "-c", "", "invalid argument: ''" },
	{ "-c", "99999999999999999999", "invalid argument: '99999999999999999999': out of range: 1 <= value <= 9223372036854775807" },
	/* iputils 20250605: a name's -s meets the larger family limit before the lookup. */
	{ "-s", "65528", "invalid -s value: '65528': out of range: 0 <= value <= 65527" },
	{ "-s", "-1", "invalid argument: '-1': out of range: 0 <= value <= 2147483647" },
	{ "-s", "2147483648", "invalid argument: '2147483648': out of range: "
			      "0 <= value <= 2147483647" },
	{ "-t", "256", "invalid argument: '256': out of range: 0 <= value <= 255" },
	{ "-l", "0", "invalid argument: '0': out of range: 1 <= value <= 65536" },
	{ "-w", "-3", "invalid argument: '-3': out of range: 0 <= value <= 2147483647" },
	{ "-m", "4294967296", "invalid argument: '4294967296': out of range: 0 <= value <= 4294967295" },
	{ "-i", "x", "bad timing interval: x" },
	{ "-i", "-1", "bad timing interval: -1" },
	{ "-i", "nan", "bad timing interval: nan" },
	{ "-W", "1s", "bad linger time: 1s" },
	{ "-Q", "256", "the decimal value of TOS bits must be in range 0-255: 256" },
	{ "-Q", "lowdelay", "bad TOS value: lowdelay" },
	{ "-M", "sometimes", "invalid -M argument: sometimes" },
	{ "-p", "xyz", "patterns must be specified as hex digits: xyz" },
	/* iputils 20250605's wording for -3, -C, -e, -F, -H, -R and -T. */
	{ "-e", "x", "invalid argument: 'x'" },
	{ "-e", "", "invalid argument: ''" },
	{ "-e", "0x10", "invalid argument: '0x10'" },
	{ "-e", "-1", "invalid argument: '-1': out of range: 0 <= value <= 65535" },
	{ "-e", "65536", "invalid argument: '65536': out of range: 0 <= value <= 65535" },
	{ "-T", "foo", "invalid timestamp type: foo" },
	{ "-T", "", "invalid timestamp type: " },
	{ "-T", "TSONLY", "invalid timestamp type: TSONLY" },
	{ "-F", "x", "bad value for flowinfo: x" },
	{ "-F", "0x1g", "bad value for flowinfo: 0x1g" },
	{ "-F", "12a", "bad value for flowinfo: 12a" },
	{ "-F", "0x100000", "flow value is greater than 20 bits: 0x100000" },
	{ "-F", "1048576", "flow value is greater than 20 bits: 1048576" },
	{ "-F", "-1", "flow value is greater than 20 bits: -1" },
	{ "-F", "4294967296", "flow value is greater than 20 bits: 4294967296" },
	{ "-F", "99999999999999999999", "flow value is greater than 20 bits: 99999999999999999999" },
	{ "-N", "bogus", "-N: unknown node information option: 'bogus' (-N help lists them)" },
	{ "-N", "name=x", "-N: unknown node information option: 'name=x' (-N help lists them)" },
	{ "-N", "subject-ipv6", "-N: unknown node information option: 'subject-ipv6' "
				"(-N help lists them)" },
	{ "-N", "subject-ipv4=::1", "-N subject-ipv4: not an IPv4 address: '::1'" },
	{ "-N", "subject-ipv6=host.example", "-N subject-ipv6: not an IPv6 address: "
					     "'host.example'" },
	{ "-N", "subject-name=a..b", "inappropriate subject name: a..b" },
	{ "-N", "subject-name=A%bbbbbbbbbbbbbbbbbbbbbbbbb", "too long scope name" },
};

START_TEST(bad_values)
{
	bool num = !strncmp(bad[_i].msg, "invalid argument", 16) ||
		   !strncmp(bad[_i].msg, "invalid -s value", 16);
	int want = num ? -ERANGE : -EINVAL;

	ck_assert_int_eq(parse(true, bad[_i].opt, bad[_i].val, "h", NULL), want);
	ck_assert_str_eq(err, bad[_i].msg);
}
END_TEST

/* Ping takes many operands, --file and --rate; an empty name is bad input anywhere. */
START_TEST(ping_takes_many_targets)
{
	ck_assert_int_eq(parse(false, "a", "b", "c", NULL), 0);
	ck_assert_int_eq(o.ndests, 3);
	ck_assert_str_eq(o.dest, "a");
	ck_assert_int_eq(o.rate, 0);
	ck_assert_int_eq(parse(false, "--file", "-", NULL), 0);
	ck_assert_str_eq(o.file, "-");
	ck_assert_int_eq(o.ndests, 0);
	ck_assert_ptr_null(o.dest);
	ck_assert_int_eq(parse(false, "--rate", "250", "a", "b", NULL), 0);
	ck_assert_int_eq(o.rate, 250);
	ck_assert_int_eq(parse(false, "--rate", "0", "a", NULL), -ERANGE);
	ck_assert_str_eq(err, "invalid argument: '0': out of range: 1 <= value <= 1000000");
	ck_assert_int_eq(parse(false, "a", "", "b", NULL), -EINVAL);
	ck_assert_str_eq(err, "usage error: Destination address required");
	ck_assert_int_eq(parse(false, "--explain-route", "--rate", "5", "a", NULL), -EINVAL);
	ck_assert_str_eq(err, "--rate needs ping mode");
}
END_TEST

/* -N: iputils' node information sub-options; help exits at once, conflicts fail. */
START_TEST(node_info_options)
{
	ck_assert_int_eq(parse(true, "-N", "ipv6-all", "-N", "ipv6-global", "h", NULL), 0);
	ck_assert_int_eq(o.ni.qtype, RT_NI_QTYPE_IPV6);
	ck_assert_uint_eq(o.ni.flags, RT_NI_FLAG_ALL | RT_NI_FLAG_GLOBAL);
	ck_assert(o.ni.used);
	ck_assert_int_eq(parse(true, "h", NULL), 0);
	ck_assert(!o.ni.used);
	ck_assert_int_eq(o.ni.qtype, -1);
	/* A subject alone asks nothing: iputils then sends echoes (from a raw socket). */
	ck_assert_int_eq(parse(true, "-N", "subject-ipv6=::2", "h", NULL), 0);
	ck_assert(o.ni.used);
	ck_assert_int_eq(o.ni.qtype, -1);
	ck_assert_int_eq(parse(false, "-N", "help", NULL), 0);
	ck_assert_int_eq(o.mode, RT_MODE_NI_HELP);
	ck_assert_int_eq(parse(false, "-N", "help", "-Z", "a", "b", NULL), 0);
	ck_assert_int_eq(o.mode, RT_MODE_NI_HELP);
	ck_assert_int_eq(parse(false, "-N", "name", "-N", "ipv4", "h", NULL), -EINVAL);
	ck_assert_str_eq(err, "-N ipv4: Qtype conflict");
	ck_assert_int_eq(parse(false, "-N", "subject-name=x", "-N", "subject-ipv4=1.2.3.4", "h",
			       NULL), -EINVAL);
	ck_assert_str_eq(err, "-N subject-ipv4=1.2.3.4: Subject type conflict");
	ck_assert_int_eq(parse(false, "-N", "name", NULL), -EINVAL);
	ck_assert_str_eq(err, "usage error: Destination address required");
}
END_TEST

START_TEST(usage_errors)
{
	ck_assert_int_eq(parse(false, NULL), -EINVAL);
	ck_assert_str_eq(err, "usage error: Destination address required");
	ck_assert_int_eq(parse(false, "--explain-route", "a", "b", NULL), -EINVAL);
	ck_assert_int_eq(parse(false, "-4", "-6", "h", NULL), -EINVAL);
	ck_assert_str_eq(err, "only one -4 or -6 option may be specified");
	ck_assert_int_eq(parse(false, "-z", "h", NULL), -EINVAL);
	ck_assert_str_eq(err, "invalid option -- 'z'");
	ck_assert_int_eq(parse(false, "h", "-c", NULL), -EINVAL);
	ck_assert_str_eq(err, "option requires an argument -- 'c'");
	ck_assert_int_eq(parse(false, "--no-such", "h", NULL), -EINVAL);
}
END_TEST

/* parse() then rt_opts_check_family() for IPv4 to dst, as main does. */
static int check4(const char *dst)
{
	struct rt_addr a;

	ck_assert_int_eq(rt_addr_parse(&a, AF_UNSPEC, dst), 0);
	return rt_opts_check_family(&o, a.af == AF_INET ? &rt_inet : &rt_inet6, &a, &e);
}

/* privileged means the real uid is 0 (main passes rt_caps_privileged()). */
START_TEST(user_limits_follow_real_uid)
{
	ck_assert_int_eq(parse(false, "-i", "0.001", "h", NULL), 0);
	ck_assert(!o.privileged);
	ck_assert_int_eq(check4("10.0.0.2"), -EINVAL);
	ck_assert_str_eq(err, "cannot flood, minimal interval for user must be >= 2 ms, use -i 0.002 (or higher)");
	ck_assert_int_eq(parse(false, "-i", "0.0019", "h", NULL), 0);
	ck_assert_int_eq(check4("10.0.0.2"), -EINVAL);
	ck_assert_int_eq(parse(true, "-i", "0.001", "h", NULL), 0);
	ck_assert(o.privileged);
	ck_assert_int_eq(check4("10.0.0.2"), 0);
	ck_assert_int_eq(o.interval_ns, 1000000);
	ck_assert_int_eq(parse(false, "-i", "0.002", "h", NULL), 0);
	ck_assert_int_eq(check4("10.0.0.2"), 0);
	ck_assert_int_eq(parse(false, "-f", "h", NULL), 0);
	ck_assert_int_eq(check4("fd00::2"), -EINVAL);
	ck_assert_str_eq(err, "cannot flood, minimal interval for user must be >= 2 ms, use -i 0.002 (or higher)");
	ck_assert_int_eq(parse(true, "-f", "h", NULL), 0);
	ck_assert_int_eq(o.interval_ns, 0);
	ck_assert_int_eq(check4("10.0.0.2"), 0);
	/* -l: at parse time, as iputils (before any name lookup). */
	ck_assert_int_eq(parse(false, "-l", "4", "h", NULL), -EINVAL);
	ck_assert_str_eq(err, "cannot set preload to value greater than 3: 4");
	ck_assert_int_eq(parse(false, "-l", "3", "h", NULL), 0);
	ck_assert_int_eq(parse(true, "-l", "4", "h", NULL), 0);
	/* --rate: the whole run's, one echo each 2 ms at most (exit 2: -EINVAL). */
	ck_assert_int_eq(parse(false, "--rate", "501", "h", "h2", NULL), -EINVAL);
	ck_assert_str_eq(err, "cannot flood; maximal rate allowed for user is 500/s");
	ck_assert_int_eq(parse(false, "--rate", "500", "h", "h2", NULL), 0);
	ck_assert_int_eq(parse(true, "--rate", "501", "h", "h2", NULL), 0);
}
END_TEST

/* iputils (ping.c, ping6_common.c): a user pings many hosts at most once a second. */
START_TEST(broadcast_and_multicast_rules_for_users)
{
	ck_assert_int_eq(parse(false, "-b", "-i", "0.01", "h", NULL), 0);
	ck_assert_int_eq(check4("10.0.0.255"), -EINVAL);
	ck_assert_str_eq(err, "minimal interval for broadcast ping for user must be >= 1000 ms, use -i 1 (or higher)");
	/* -b alone is enough on IPv4; ping6 ignores -b. */
	ck_assert_int_eq(check4("10.0.0.2"), -EINVAL);
	ck_assert_int_eq(check4("fd00::2"), 0);
	ck_assert_int_eq(parse(false, "-i", "0.5", "h", NULL), 0);
	ck_assert_int_eq(check4("224.0.0.1"), -EINVAL);
	ck_assert_str_eq(err, "minimal interval for broadcast ping for user must be >= 1000 ms, use -i 1 (or higher)");
	ck_assert_int_eq(check4("ff02::1"), -EINVAL);
	ck_assert_str_eq(err, "minimal interval for multicast ping for user must be >= 1000 ms, use -i 1 (or higher)");
	ck_assert_int_eq(check4("10.0.0.2"), 0);
	ck_assert_int_eq(parse(false, "-b", "-M", "dont", "h", NULL), 0);
	ck_assert_int_eq(check4("10.0.0.255"), -EINVAL);
	ck_assert_str_eq(err, "broadcast ping does not fragment");
	ck_assert_int_eq(parse(false, "-M", "want", "h", NULL), 0);
	ck_assert_int_eq(check4("ff02::1"), -EINVAL);
	ck_assert_str_eq(err, "multicast ping does not fragment");
	ck_assert_int_eq(parse(false, "-b", "-M", "do", "h", NULL), 0);
	ck_assert_int_eq(check4("10.0.0.255"), 0);
	/* The broadcast rule comes first; -f is judged by the user minimum after it. */
	ck_assert_int_eq(parse(false, "-b", "-i", "0.001", "h", NULL), 0);
	ck_assert_int_eq(check4("10.0.0.255"), -EINVAL);
	ck_assert_str_eq(err, "minimal interval for broadcast ping for user must be >= 1000 ms, use -i 1 (or higher)");
	ck_assert_int_eq(parse(false, "-b", "-f", "h", NULL), 0);
	ck_assert_int_eq(check4("10.0.0.255"), -EINVAL);
	ck_assert_str_eq(err, "cannot flood, minimal interval for user must be >= 2 ms, use -i 0.002 (or higher)");
	/* Root keeps all of it. */
	ck_assert_int_eq(parse(true, "-b", "-i", "0.01", "-M", "dont", "h", NULL), 0);
	ck_assert_int_eq(check4("10.0.0.255"), 0);
	ck_assert_int_eq(check4("ff02::1"), 0);
}
END_TEST

/* iputils sets IP_PMTUDISC_DO for -b and multicast: "-b -s 2000" is "message too long". */
START_TEST(group_echo_does_not_fragment)
{
	struct rt_addr uni, bc, mc6, uni6;

	rt_addr_parse(&uni, AF_INET, "10.0.0.2");
	rt_addr_parse(&bc, AF_INET, "10.0.0.255");
	rt_addr_parse(&mc6, AF_INET6, "ff02::1");
	rt_addr_parse(&uni6, AF_INET6, "fd00::2");
	ck_assert_int_eq(parse(true, "h", NULL), 0);
	ck_assert_int_eq(rt_opts_pmtu(&o, &rt_inet, &uni), RT_PMTU_DEFAULT);
	ck_assert_int_eq(rt_opts_pmtu(&o, &rt_inet6, &mc6), RT_PMTU_DO);
	ck_assert_int_eq(rt_opts_pmtu(&o, &rt_inet6, &uni6), RT_PMTU_DEFAULT);
	ck_assert_int_eq(parse(true, "-b", "h", NULL), 0);
	ck_assert_int_eq(rt_opts_pmtu(&o, &rt_inet, &bc), RT_PMTU_DO);
	ck_assert_int_eq(rt_opts_pmtu(&o, &rt_inet, &uni), RT_PMTU_DO);
	ck_assert_int_eq(rt_opts_pmtu(&o, &rt_inet6, &uni6), RT_PMTU_DEFAULT);
	ck_assert_int_eq(parse(true, "-b", "-M", "want", "h", NULL), 0);
	ck_assert_int_eq(rt_opts_pmtu(&o, &rt_inet, &bc), RT_PMTU_WANT);
}
END_TEST

/* Accepted by iputils, refused by rtping before. */
START_TEST(flood_adaptive_and_empty_pattern_accepted)
{
	ck_assert_int_eq(parse(true, "-f", "-A", "h", NULL), 0);
	ck_assert(o.flood && o.adaptive);
	ck_assert_int_eq(parse(false, "-p", "", "h", NULL), 0);
	ck_assert(o.pattern_set);
	ck_assert_uint_eq(o.pattern_len, 0);
	ck_assert_int_eq(parse(false, "h", NULL), 0);
	ck_assert(!o.pattern_set);
}
END_TEST

/* -W 0: iputils waits for ever (see rt_policy_linger()). */
START_TEST(linger_zero_accepted)
{
	ck_assert_int_eq(parse(false, "-W", "0", "h", NULL), 0);
	ck_assert(o.timeout_set);
	ck_assert_int_eq(o.timeout_ns, 0);
}
END_TEST

START_TEST(pattern_and_pmtu)
{
	ck_assert_int_eq(parse(false, "-p", "ff00a", "-M", "do", "h", NULL), 0);
	ck_assert(o.pattern_set);
	ck_assert_uint_eq(o.pattern_len, 3);
	ck_assert_uint_eq(o.pattern[0], 0xff);
	ck_assert_uint_eq(o.pattern[2], 0x0a);
	ck_assert_int_eq(o.pmtu, RT_PMTU_DO);
}
END_TEST

START_TEST(family_limits)
{
	ck_assert_int_eq(parse(false, "-s", "65508", "h", NULL), 0);
	ck_assert_int_eq(rt_opts_check_family(&o, &rt_inet, NULL, &e), -ERANGE);
	ck_assert_str_eq(err, "invalid -s value: '65508': out of range: 0 <= value <= 65507");
	ck_assert_int_eq(rt_opts_check_family(&o, &rt_inet6, NULL, &e), 0);
	/* -t 0: iputils sets it on both (the kernel refuses IP_TTL 0, not hop limit 0). */
	ck_assert_int_eq(parse(false, "-t", "0", "h", NULL), 0);
	ck_assert_int_eq(rt_opts_check_family(&o, &rt_inet, NULL, &e), 0);
	ck_assert_int_eq(rt_opts_check_family(&o, &rt_inet6, NULL, &e), 0);
}
END_TEST

/*
 * As iputils 20250605, -s meets its family's limit before any lookup: that
 * of -4/-6, or of a destination typed as an address, which wins. A name
 * waits for rt_opts_check_family().
 */
START_TEST(size_checked_before_lookup)
{
	ck_assert_int_eq(parse(false, "-s", "65508", "127.0.0.1", NULL), -ERANGE);
	ck_assert_str_eq(err, "invalid -s value: '65508': out of range: 0 <= value <= 65507");
	ck_assert_int_eq(parse(false, "-s", "65507", "127.0.0.1", NULL), 0);
	ck_assert_int_eq(parse(false, "-s", "65508", "::1", NULL), 0);
	ck_assert_int_eq(parse(false, "-s", "65508", "h", NULL), 0);
	ck_assert_int_eq(parse(false, "-4", "-s", "65508", "h", NULL), -ERANGE);
	ck_assert_int_eq(parse(false, "-6", "-s", "65508", "h", NULL), 0);
	ck_assert_int_eq(parse(false, "-s", "65508", "::1", "h", "127.0.0.2", NULL), -ERANGE);
	ck_assert_int_eq(parse(false, "-R", "-s", "65468", "127.0.0.1", NULL), -ERANGE);
	ck_assert_str_eq(err, "invalid -s value: '65468': out of range: 0 <= value <= 65467");
	ck_assert_int_eq(parse(false, "-R", "-s", "65468", "::1", NULL), 0);
	/* A name without -4/-6: the larger limit now, its own once resolved. */
	ck_assert_int_eq(parse(false, "-s", "65528", "h", NULL), -ERANGE);
	ck_assert_str_eq(err, "invalid -s value: '65528': out of range: 0 <= value <= 65527");
	ck_assert_int_eq(parse(false, "-6", "-s", "65528", "h", NULL), -ERANGE);
	ck_assert_str_eq(err, "invalid -s value: '65528': out of range: 0 <= value <= 65527");
	/* An audit's entries are reported each in turn: only the larger limit here. */
	ck_assert_int_eq(parse(false, "--explain-route", "--audit", "-s", "65508", "127.0.0.1",
			       NULL), 0);
	ck_assert_int_eq(parse(false, "--explain-route", "--audit", "-s", "65528", NULL),
			 -ERANGE);
}
END_TEST

/* main's exit status for a bad value depends on the mode, given before or after it. */
START_TEST(mode_known_after_a_bad_value)
{
	ck_assert_int_eq(parse(false, "-c", "0", "--explain-route", "h", NULL), -ERANGE);
	ck_assert_int_eq(o.mode, RT_MODE_EXPLAIN);
	ck_assert_int_eq(parse(false, "-c", "0", "-w", "x", "h", NULL), -ERANGE);
	ck_assert_str_eq(err, "invalid argument: '0': out of range: 1 <= value <= 9223372036854775807");
	ck_assert_int_eq(o.mode, RT_MODE_PING);
}
END_TEST

START_TEST(ident_range_and_zero)
{
	ck_assert_int_eq(parse(false, "h", NULL), 0);
	ck_assert(!o.has_ident);
	ck_assert_int_eq(parse(false, "-e", "0", "h", NULL), 0);
	ck_assert(o.has_ident && o.ident == 0);
	ck_assert_int_eq(parse(false, "-e", "65535", "h", NULL), 0);
	ck_assert(o.has_ident && o.ident == 65535);
	ck_assert_int_eq(parse(false, "-e", "077", "h", NULL), 0);   /* base 10, as iputils */
	ck_assert_int_eq(o.ident, 77);
}
END_TEST

START_TEST(record_route_and_timestamps)
{
	ck_assert_int_eq(parse(false, "-R", "h", NULL), 0);
	ck_assert_int_eq(o.ipopt, RT_IPOPT_RR);
	ck_assert_int_eq(parse(false, "-R", "-R", "h", NULL), 0);
	ck_assert_int_eq(parse(false, "-T", "tsonly", "h", NULL), 0);
	ck_assert_int_eq(o.ipopt, RT_IPOPT_TSONLY);
	ck_assert_int_eq(parse(false, "-T", "tsonly", "-T", "tsandaddr", "h", NULL), 0);
	ck_assert_int_eq(o.ipopt, RT_IPOPT_TSANDADDR);
	ck_assert_int_eq(parse(false, "-R", "-T", "tsonly", "h", NULL), -EINVAL);
	ck_assert_str_eq(err, "only one of -T or -R may be used");
	ck_assert_int_eq(parse(false, "-T", "tsandaddr", "-R", "h", NULL), -EINVAL);
	ck_assert_str_eq(err, "only one of -T or -R may be used");
	/* -R before a bad -T: the conflict is named first, as iputils does. */
	ck_assert_int_eq(parse(false, "-R", "-T", "foo", "h", NULL), -EINVAL);
	ck_assert_str_eq(err, "only one of -T or -R may be used");
}
END_TEST

START_TEST(tsprespec_hops_before_destination)
{
	ck_assert_int_eq(parse(false, "-T", "tsprespec", "h", NULL), 0);
	ck_assert_uint_eq(o.nprespec, 0);
	ck_assert_str_eq(o.dest, "h");
	ck_assert_int_eq(parse(false, "-T", "tsprespec", "10.0.0.1", "10.0.0.2", "h", NULL), 0);
	ck_assert_uint_eq(o.nprespec, 2);
	ck_assert_uint_eq(o.prespec[1].u.raw[3], 2);
	ck_assert_str_eq(o.dest, "h");
	ck_assert_int_eq(parse(false, "-T", "tsprespec", "1.1.1.1", "1.1.1.2", "1.1.1.3",
			       "1.1.1.4", "1.1.1.5", "h", NULL), -EINVAL);
	ck_assert_str_eq(err, "usage error: -T tsprespec takes at most 4 addresses before "
			      "the destination");
	ck_assert_int_eq(parse(false, "-T", "tsprespec", "gw", "h", NULL), -EINVAL);
	ck_assert_str_eq(err, "-T tsprespec: not an IPv4 address: 'gw'");
	/* Only tsprespec takes hops: with any other option both are targets. */
	ck_assert_int_eq(parse(false, "-T", "tsonly", "10.0.0.1", "h", NULL), 0);
	ck_assert_int_eq(o.ndests, 2);
	ck_assert_uint_eq(o.nprespec, 0);
	ck_assert_int_eq(parse(false, "-R", "10.0.0.1", "h", NULL), 0);
	ck_assert_int_eq(o.ndests, 2);
	ck_assert_int_eq(parse(false, "--explain-route", "-T", "tsonly", "10.0.0.1", "h", NULL),
			 -EINVAL);
	ck_assert_str_eq(err, "usage error: only one destination address allowed: 'h'");
}
END_TEST

START_TEST(flowlabel_hex_or_decimal)
{
	ck_assert_int_eq(parse(false, "-F", "0xfffff", "h", NULL), 0);
	ck_assert(o.has_flowlabel && o.flowlabel == 0xfffff);
	ck_assert_int_eq(parse(false, "-F", "0X12", "h", NULL), 0);
	ck_assert_uint_eq(o.flowlabel, 0x12);
	ck_assert_int_eq(parse(false, "-F", "1048575", "h", NULL), 0);
	ck_assert_uint_eq(o.flowlabel, 0xfffff);
	ck_assert_int_eq(parse(false, "-F", "010", "h", NULL), 0);   /* decimal, not octal */
	ck_assert_uint_eq(o.flowlabel, 10);
	/* iputils takes "" and a bare "0x" as label 0. */
	ck_assert_int_eq(parse(false, "-F", "", "h", NULL), 0);
	ck_assert(o.has_flowlabel && o.flowlabel == 0);
	ck_assert_int_eq(parse(false, "-F", "0x", "h", NULL), 0);
	ck_assert_uint_eq(o.flowlabel, 0);
}
END_TEST

START_TEST(lookup_flags_last_wins)
{
	ck_assert_int_eq(parse(false, "-H", "h", NULL), 0);
	ck_assert(o.force_lookup && !o.numeric);
	/* iputils: -n clears -H; -H after -n forces lookups again. */
	ck_assert_int_eq(parse(false, "-H", "-n", "h", NULL), 0);
	ck_assert(!o.force_lookup && o.numeric);
	ck_assert_int_eq(parse(false, "-n", "-H", "h", NULL), 0);
	ck_assert(o.force_lookup && o.numeric);
}
END_TEST

START_TEST(flags_3_C_j)
{
	ck_assert_int_eq(parse(false, "h", NULL), 0);
	ck_assert(!o.rtt_precise && !o.connect && !o.json);
	ck_assert_int_eq(parse(false, "-3", "-C", "-j", "h", NULL), 0);
	ck_assert(o.rtt_precise && o.connect && o.json);
	ck_assert_int_eq(parse(false, "-j", "--explain-route", "h", NULL), 0);
	ck_assert(o.json && o.mode == RT_MODE_EXPLAIN);
	ck_assert_int_eq(parse(false, "--explain-route", "--audit", "-C", "h", NULL), -EINVAL);
	ck_assert_str_eq(err, "--audit cannot explain -C: connect() keys on a socket's port");
}
END_TEST

START_TEST(ipopt_shrinks_ipv4_payload)
{
	ck_assert_int_eq(parse(false, "-R", "-s", "65467", "h", NULL), 0);
	ck_assert_uint_eq(rt_opts_ipopt_len(&o, &rt_inet), 40);
	ck_assert_uint_eq(rt_opts_ipopt_len(&o, &rt_inet6), 0);
	ck_assert_int_eq(rt_opts_check_family(&o, &rt_inet, NULL, &e), 0);
	ck_assert_int_eq(parse(false, "-T", "tsonly", "-s", "65468", "h", NULL), 0);
	ck_assert_int_eq(rt_opts_check_family(&o, &rt_inet, NULL, &e), -ERANGE);
	ck_assert_str_eq(err, "invalid -s value: '65468': out of range: 0 <= value <= 65467");
	/* IPv6 ignores -R/-T, as iputils. */
	ck_assert_int_eq(rt_opts_check_family(&o, &rt_inet6, NULL, &e), 0);
}
END_TEST

START_TEST(help_and_version_need_no_destination)
{
	ck_assert_int_eq(parse(false, "-h", NULL), 0);
	ck_assert_int_eq(o.mode, RT_MODE_HELP);
	ck_assert_int_eq(parse(false, "-V", NULL), 0);
	ck_assert_int_eq(o.mode, RT_MODE_VERSION);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("opts");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, defaults_match_iputils);
	tcase_add_test(tc, options_after_destination);
	tcase_add_test(tc, explain_route_with_flow_options);
	tcase_add_test(tc, interface_or_source_address);
	tcase_add_test(tc, interface_from_source_scope);
	tcase_add_test(tc, interface_and_source_both_kept);
	tcase_add_test(tc, audit_takes_many_destinations_or_none);
	tcase_add_test(tc, ping_takes_many_targets);
	tcase_add_loop_test(tc, bad_values, 0, sizeof(bad) / sizeof(bad[0]));
	tcase_add_test(tc, usage_errors);
	tcase_add_test(tc, size_checked_before_lookup);
	tcase_add_test(tc, mode_known_after_a_bad_value);
	tcase_add_test(tc, user_limits_follow_real_uid);
	tcase_add_test(tc, broadcast_and_multicast_rules_for_users);
	tcase_add_test(tc, group_echo_does_not_fragment);
	tcase_add_test(tc, flood_adaptive_and_empty_pattern_accepted);
	tcase_add_test(tc, linger_zero_accepted);
	tcase_add_test(tc, pattern_and_pmtu);
	tcase_add_test(tc, family_limits);
	tcase_add_test(tc, ident_range_and_zero);
	tcase_add_test(tc, record_route_and_timestamps);
	tcase_add_test(tc, tsprespec_hops_before_destination);
	tcase_add_test(tc, flowlabel_hex_or_decimal);
	tcase_add_test(tc, lookup_flags_last_wins);
	tcase_add_test(tc, flags_3_C_j);
	tcase_add_test(tc, ipopt_shrinks_ipv4_payload);
	tcase_add_test(tc, help_and_version_need_no_destination);
	tcase_add_test(tc, node_info_options);
	suite_add_tcase(s, tc);
	return rt_test_run(s);
}
