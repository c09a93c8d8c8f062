/*
 * The return path's pure parts: the input-route request, the address dump
 * that lists devices, the /proc/net/netstat counter and the diagnosis line.
 */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <linux/if_addr.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>

#include "nltest.h"
#include "rtping/neigh.h"
#include "rtping/nl.h"
#include "rtping/rpath.h"
#include "rtping/rpath_out.h"
#include "rtping/textbuf.h"
#include "runner.h"

static const char netstat[] =
	"TcpExt: SyncookiesSent IPReversePathFilter TW\n"
	"TcpExt: 3 17 9\n"
	"IpExt: InNoRoutes IPReversePathFilter\n"
	"IpExt: 1 99\n";

START_TEST(netstat_counter_from_tcpext)
{
	uint64_t v = 0;

	ck_assert_int_eq(rt_rpath_netstat(netstat, strlen(netstat), "IPReversePathFilter", &v), 0);
	ck_assert_uint_eq(v, 17);
	ck_assert_int_eq(rt_rpath_netstat(netstat, strlen(netstat), "TW", &v), 0);
	ck_assert_uint_eq(v, 9);
	ck_assert_int_eq(rt_rpath_netstat(netstat, strlen(netstat), "InNoRoutes", &v), -ENOENT);
	ck_assert_int_eq(rt_rpath_netstat(netstat, 0, "TW", &v), -ENOENT);
}
END_TEST

/* A values line that is missing, short or not a number is malformed, never read past. */
START_TEST(netstat_malformed_is_einval)
{
	static const char *bad[] = {
		"TcpExt: A IPReversePathFilter\nIpExt: 1 2\n",
		"TcpExt: A IPReversePathFilter\nTcpExt: 1\n",
		"TcpExt: A IPReversePathFilter\nTcpExt: 1 x2\n",
		"TcpExt: A IPReversePathFilter\nTcpExt: 1 -2\n",
		"TcpExt: A IPReversePathFilter\nTcpExt: 1 123456789012345678901234567\n",
		"TcpExt: A IPReversePathFilter",
	};
	uint64_t v;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_int_eq(rt_rpath_netstat(bad[i], strlen(bad[i]), "IPReversePathFilter", &v),
				 -EINVAL);
}
END_TEST

/* RTA_IIF, RTA_SRC = the target, RTA_DST = our source, full-length prefixes. */
START_TEST(request_is_an_input_lookup)
{
	char buf[RT_NL_BUFSZ] __attribute__((aligned(4)));
	struct rt_addr t, s;
	struct nlmsghdr *nlh;
	const struct rtmsg *rtm;
	const struct nlattr *a;
	bool iif = false, src = false, dst = false;

	rt_addr_parse(&t, AF_INET, "10.9.9.9");
	rt_addr_parse(&s, AF_INET, "10.1.0.2");
	nlh = rt_rpath_request(buf, &rt_inet, 3, &t, &s);
	rtm = mnl_nlmsg_get_payload(nlh);
	ck_assert_uint_eq(nlh->nlmsg_type, RTM_GETROUTE);
	ck_assert(nlh->nlmsg_flags & NLM_F_ACK);
	ck_assert_uint_eq(rtm->rtm_src_len, 32);
	ck_assert_uint_eq(rtm->rtm_dst_len, 32);
	mnl_attr_for_each(a, nlh, sizeof(*rtm)) {
		switch (mnl_attr_get_type(a)) {
		case RTA_IIF:
			iif = mnl_attr_get_u32(a) == 3;
			break;
		case RTA_SRC:
			src = !memcmp(mnl_attr_get_payload(a), t.u.raw, 4);
			break;
		case RTA_DST:
			dst = !memcmp(mnl_attr_get_payload(a), s.u.raw, 4);
			break;
		}
	}
	ck_assert(iif && src && dst);
}
END_TEST

static void addr_msg(struct tbuf *b, uint8_t af, uint32_t ifindex)
{
	struct nlmsghdr *nlh = tbuf_msg(b, RTM_NEWADDR, NLM_F_MULTI);
	struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));

	ifa->ifa_family = af;
	ifa->ifa_index = ifindex;
	tbuf_end(b, nlh);
}

/* Each device once, the family's only, and a cut past RT_RPATH_MAX. */
START_TEST(address_dump_lists_devices_once)
{
	static struct tbuf b;
	struct rt_rpath_ifs ifs = { .af = AF_INET };

	b.len = 0;
	addr_msg(&b, AF_INET, 2);
	addr_msg(&b, AF_INET, 2);
	addr_msg(&b, AF_INET6, 5);
	addr_msg(&b, AF_INET, 3);
	tbuf_done(&b, 0);
	ck_assert_int_eq(rt_nl_feed(b.b, b.len, T_SEQ, T_PORT, rt_rpath_addr_cb, &ifs, NULL, 0), 0);
	ck_assert_uint_eq(ifs.n, 2);
	ck_assert_uint_eq(ifs.idx[0], 2);
	ck_assert_uint_eq(ifs.idx[1], 3);
	ck_assert(!ifs.cut);
	b.len = 0;
	for (uint32_t i = 10; i < 10 + RT_RPATH_MAX + 1; i++)
		addr_msg(&b, AF_INET, i);
	tbuf_done(&b, 0);
	ifs = (struct rt_rpath_ifs){ .af = AF_INET };
	ck_assert_int_eq(rt_nl_feed(b.b, b.len, T_SEQ, T_PORT, rt_rpath_addr_cb, &ifs, NULL, 0), 0);
	ck_assert_uint_eq(ifs.n, RT_RPATH_MAX);
	ck_assert(ifs.cut);
}
END_TEST

/* The egress first, then the others once, at most RT_RPATH_MAX, the cut said. */
START_TEST(devices_ordered_egress_first)
{
	struct rt_rpath_ifs up = { .af = AF_INET, .n = 3, .idx = { 4, 2, 7 } }, ifs;

	rt_rpath_order(&up, 2, &ifs);
	ck_assert_uint_eq(ifs.n, 3);
	ck_assert_uint_eq(ifs.idx[0], 2);
	ck_assert_uint_eq(ifs.idx[1], 4);
	ck_assert_uint_eq(ifs.idx[2], 7);
	ck_assert(!ifs.cut);
	/* An egress the dump left out (loopback) still comes first. */
	rt_rpath_order(&up, 1, &ifs);
	ck_assert_uint_eq(ifs.n, 4);
	ck_assert_uint_eq(ifs.idx[0], 1);
	up.n = RT_RPATH_MAX;
	for (uint32_t i = 0; i < RT_RPATH_MAX; i++)
		up.idx[i] = 10 + i;
	rt_rpath_order(&up, 1, &ifs);
	ck_assert_uint_eq(ifs.n, RT_RPATH_MAX);
	ck_assert(ifs.cut);
	rt_rpath_order(&up, 10, &ifs);
	ck_assert_uint_eq(ifs.n, RT_RPATH_MAX);
	ck_assert(!ifs.cut);
}
END_TEST

static void two_devices(struct rt_rpath *r, int v2_err)
{
	memset(r, 0, sizeof(*r));
	r->egress = 2;
	strcpy(r->back, "v1");
	r->n = 2;
	r->d[0] = (struct rt_rpath_dev){ .ifindex = 2, .dev = "v1", .rp_filter = 0 };
	r->d[1] = (struct rt_rpath_dev){ .ifindex = 3, .dev = "v2", .err = v2_err, .rp_filter = 1 };
}

START_TEST(diagnosis_names_the_rejecting_device)
{
	struct rt_rpath r;
	char b[512];

	two_devices(&r, -EINVAL);
	/* Another device refusing is no news without the counter. */
	ck_assert_uint_eq(rt_rpath_say(&r, "10.9.9.9", b, sizeof(b)), 0);
	r.have_drops = true;
	r.drops = 2;
	ck_assert_uint_gt(rt_rpath_say(&r, "10.9.9.9", b, sizeof(b)), 0);
	ck_assert_str_eq(b, "2 packets dropped by reverse-path filtering during this run: a reply "
			 "from 10.9.9.9 is accepted on v1 only (v2: rp_filter=1, the route back "
			 "uses v1)");
	/* The egress refusing is news by itself. */
	r.drops = 0;
	r.d[0].err = -EINVAL;
	r.d[0].rp_filter = 2;
	r.d[1].err = 0;
	rt_rpath_say(&r, "10.9.9.9", b, sizeof(b));
	ck_assert_str_eq(b, "reverse-path filtering: a reply from 10.9.9.9 is accepted on v2 only "
			 "(v1: rp_filter=2, the route back uses v1)");
	r.d[1].err = -ENETUNREACH;
	r.cut = true;
	rt_rpath_say(&r, "10.9.9.9", b, sizeof(b));
	ck_assert_str_eq(b, "reverse-path filtering: a reply from 10.9.9.9 is accepted on no device "
			 "(v1: rp_filter=2, the route back uses v1; v2: Network is unreachable); "
			 "only the first 64 devices were asked");
	/* An egress that is gone (the device deleted) is no reverse-path filtering. */
	r.d[0].err = -ENODEV;
	ck_assert_uint_eq(rt_rpath_say(&r, "10.9.9.9", b, sizeof(b)), 0);
	r.d[0].err = -EINVAL;
	/* A short buffer is cut, still a string. */
	ck_assert_uint_eq(rt_rpath_say(&r, "10.9.9.9", b, 8), 7);
	ck_assert_str_eq(b, "reverse");
}
END_TEST

START_TEST(json_object_and_null)
{
	struct rt_rpath r;
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	two_devices(&r, -EINVAL);
	rt_rpath_json(f, &r);
	fputc('|', f);
	rt_rpath_json(f, NULL);
	fclose(f);
	ck_assert_str_eq(text, "{\"devices\": [{\"device\": \"v1\", \"ifindex\": 2, \"accepted\": true, "
			 "\"rp_filter\": 0, \"error\": null}, {\"device\": \"v2\", \"ifindex\": 3, "
			 "\"accepted\": false, \"rp_filter\": 1, \"error\": \"Invalid argument\"}], "
			 "\"devices_cut\": false, \"route_back_device\": \"v1\", "
			 "\"rp_filter_drops\": null}|null");
	free(text);
}
END_TEST

static void neigh_msg(struct tbuf *b, const char *addr, uint16_t state)
{
	struct nlmsghdr *nlh = tbuf_msg(b, RTM_NEWNEIGH, 0);
	struct ndmsg *ndm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ndm));
	struct rt_addr a;

	rt_addr_parse(&a, AF_INET, addr);
	ndm->ndm_family = AF_INET;
	ndm->ndm_ifindex = 2;
	ndm->ndm_state = state;
	mnl_attr_put(nlh, NDA_DST, 4, a.u.raw);
	mnl_attr_put(nlh, NDA_LLADDR, 6, "\x02\0\0\0\0\1");
	tbuf_end(b, nlh);
}

/* RTM_GETNEIGH: NDA_DST and the device asked; the answer's state, for that address only. */
START_TEST(neighbour_request_and_state)
{
	char buf[RT_NL_BUFSZ] __attribute__((aligned(4)));
	static struct tbuf b;
	struct rt_neigh n = { 0 };
	struct nlmsghdr *nlh;
	const struct ndmsg *ndm;
	char s[64];

	rt_addr_parse(&n.addr, AF_INET, "10.1.0.1");
	nlh = rt_neigh_request(buf, &n.addr, 2);
	ndm = mnl_nlmsg_get_payload(nlh);
	ck_assert_uint_eq(nlh->nlmsg_type, RTM_GETNEIGH);
	ck_assert_int_eq(ndm->ndm_ifindex, 2);
	ck_assert_uint_eq(ndm->ndm_state, 0);
	b.len = 0;
	neigh_msg(&b, "10.1.0.9", NUD_REACHABLE);   /* another neighbour: not ours */
	tbuf_error(&b, 0, NULL);
	ck_assert_int_eq(rt_nl_feed(b.b, b.len, T_SEQ, T_PORT, rt_neigh_cb, &n, NULL, 0), 0);
	ck_assert(!n.found);
	b.len = 0;
	neigh_msg(&b, "10.1.0.1", NUD_INCOMPLETE);
	tbuf_error(&b, 0, NULL);
	ck_assert_int_eq(rt_nl_feed(b.b, b.len, T_SEQ, T_PORT, rt_neigh_cb, &n, NULL, 0), 0);
	ck_assert(n.found);
	ck_assert_uint_eq(n.ifindex, 2);
	ck_assert_str_eq(rt_neigh_state_name(n.state, s, sizeof(s)), "INCOMPLETE");
	ck_assert_str_eq(rt_neigh_state_name(NUD_FAILED, s, sizeof(s)), "FAILED");
	ck_assert_str_eq(rt_neigh_state_name(NUD_STALE | NUD_NOARP, s, sizeof(s)), "STALE|NOARP");
	ck_assert_str_eq(rt_neigh_state_name(0, s, sizeof(s)), "NONE");
	ck_assert_str_eq(rt_neigh_state_name(NUD_STALE | NUD_NOARP, s, 7), "STALE|");
	/* The kernel's "no entry". */
	b.len = 0;
	tbuf_error(&b, -ENOENT, NULL);
	ck_assert_int_eq(rt_nl_feed(b.b, b.len, T_SEQ, T_PORT, rt_neigh_cb, &n, NULL, 0), -ENOENT);
	/* Another message type is a bad message. */
	b.len = 0;
	tbuf_msg(&b, RTM_NEWROUTE, 0);
	b.len += MNL_ALIGN(sizeof(struct nlmsghdr));
	((struct nlmsghdr *)b.b)->nlmsg_len = sizeof(struct nlmsghdr);
	ck_assert_int_lt(rt_nl_feed(b.b, b.len, T_SEQ, T_PORT, rt_neigh_cb, &n, NULL, 0), 0);
}
END_TEST

/* Pieces appended in a fixed buffer: cut at its end, the position the text's length. */
START_TEST(text_put_cuts_at_the_end)
{
	char b[8];
	size_t at = 0;

	rt_text_put(b, sizeof(b), &at, "%s", "v1");
	rt_text_put(b, sizeof(b), &at, ", %d", 42);
	ck_assert_str_eq(b, "v1, 42");
	ck_assert_uint_eq(at, 6);
	rt_text_put(b, sizeof(b), &at, "%s", "xyz");
	ck_assert_str_eq(b, "v1, 42x");
	ck_assert_uint_eq(at, 7);
	rt_text_put(b, sizeof(b), &at, "%s", "more");
	ck_assert_str_eq(b, "v1, 42x");
	ck_assert_uint_eq(at, 7);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("rpath");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, netstat_counter_from_tcpext);
	tcase_add_test(tc, netstat_malformed_is_einval);
	tcase_add_test(tc, request_is_an_input_lookup);
	tcase_add_test(tc, address_dump_lists_devices_once);
	tcase_add_test(tc, devices_ordered_egress_first);
	tcase_add_test(tc, diagnosis_names_the_rejecting_device);
	tcase_add_test(tc, json_object_and_null);
	tcase_add_test(tc, neighbour_request_and_state);
	tcase_add_test(tc, text_put_cuts_at_the_end);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return rt_test_run(suite());
}
