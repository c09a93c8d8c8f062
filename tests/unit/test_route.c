/* Route request building and reply parsing, on byte buffers: no kernel. */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>
#include <linux/neighbour.h>
#include <linux/nexthop.h>
#include <linux/rtnetlink.h>

#include "rtping/neigh.h"
#include "rtping/nexthop.h"
#include "rtping/route.h"
#include "nltest.h"
#include "runner.h"

static struct rt_flow flow(const struct rt_family *fam, const char *dst)
{
	struct rt_flow f = { .fam = fam, .proto = (uint8_t)fam->proto,
			     .dport = rt_family_echo_dport(fam), .uid = 1000, .mark = 7 };

	ck_assert_int_eq(rt_addr_parse(&f.dst, fam->af, dst), 0);
	return f;
}

/* Collects the request's attributes by type. */
static const struct nlattr *req_tb[RTA_MAX + 1];
static int req_attr(const struct nlattr *a, void *data)
{
	req_tb[mnl_attr_get_type(a)] = a;
	return MNL_CB_OK;
}

static const struct rtmsg *parse_req(const struct nlmsghdr *nlh)
{
	memset(req_tb, 0, sizeof(req_tb));
	ck_assert_int_eq(mnl_attr_parse(nlh, sizeof(struct rtmsg), req_attr, NULL), MNL_CB_OK);
	return mnl_nlmsg_get_payload(nlh);
}

START_TEST(request_v4_echo_flow_key)
{
	char buf[RT_NL_BUFSZ] __attribute__((aligned(4)));
	struct rt_flow f = flow(&rt_inet, "10.99.1.1");
	struct nlmsghdr *nlh = rt_route_request(buf, &f, 9, 0);
	const struct rtmsg *rtm = parse_req(nlh);

	ck_assert_int_eq(nlh->nlmsg_type, RTM_GETROUTE);
	ck_assert(nlh->nlmsg_flags & NLM_F_ACK);
	ck_assert_int_eq(rtm->rtm_family, AF_INET);
	ck_assert_int_eq(rtm->rtm_dst_len, 32);
	ck_assert_int_eq(rtm->rtm_flags, RTM_F_LOOKUP_TABLE);
	ck_assert_int_eq(mnl_attr_get_u8(req_tb[RTA_IP_PROTO]), IPPROTO_ICMP);
	ck_assert_int_eq(ntohs(mnl_attr_get_u16(req_tb[RTA_DPORT])), 2048);
	ck_assert_ptr_null(req_tb[RTA_SPORT]);
	ck_assert_ptr_null(req_tb[RTA_IIF]);
	ck_assert_ptr_null(req_tb[RTA_SRC]);
	ck_assert_ptr_null(req_tb[RTA_OIF]);
	ck_assert_uint_eq(mnl_attr_get_u32(req_tb[RTA_UID]), 1000);
	ck_assert_uint_eq(mnl_attr_get_u32(req_tb[RTA_MARK]), 7);
}
END_TEST

START_TEST(request_v6_bound_oif_tos)
{
	char buf[RT_NL_BUFSZ] __attribute__((aligned(4)));
	struct rt_flow f = flow(&rt_inet6, "fe80::1");
	const struct rtmsg *rtm;

	f.oif = 3;
	f.tos = 0x10;
	ck_assert_int_eq(rt_addr_parse(&f.src, AF_INET6, "fe80::2"), 0);
	rtm = parse_req(rt_route_request(buf, &f, 9, RT_Q_FIB_MATCH));
	/* IPv6 strict checking rejects RTM_F_LOOKUP_TABLE. */
	ck_assert_int_eq(rtm->rtm_flags, RTM_F_FIB_MATCH);
	ck_assert_int_eq(rtm->rtm_tos, 0x10);
	ck_assert_int_eq(rtm->rtm_src_len, 128);
	ck_assert_int_eq(mnl_attr_get_u8(req_tb[RTA_IP_PROTO]), IPPROTO_ICMPV6);
	ck_assert_int_eq(ntohs(mnl_attr_get_u16(req_tb[RTA_DPORT])), 32768);
	ck_assert_uint_eq(mnl_attr_get_u32(req_tb[RTA_OIF]), 3);
	ck_assert_uint_eq(mnl_attr_get_payload_len(req_tb[RTA_SRC]), 16);
}
END_TEST

START_TEST(request_without_proto_for_old_kernels)
{
	char buf[RT_NL_BUFSZ] __attribute__((aligned(4)));
	struct rt_flow f = flow(&rt_inet, "10.0.0.1");

	f.sport = 5;
	parse_req(rt_route_request(buf, &f, 1, RT_Q_NO_PROTO));
	ck_assert_ptr_null(req_tb[RTA_IP_PROTO]);
	ck_assert_ptr_null(req_tb[RTA_DPORT]);
	ck_assert_ptr_null(req_tb[RTA_SPORT]);
	ck_assert_ptr_nonnull(req_tb[RTA_UID]);
}
END_TEST

/* A kernel-shaped RTM_NEWROUTE answer. */
static struct nlmsghdr *put_route(struct tbuf *t, int af, uint8_t type, uint8_t table)
{
	struct nlmsghdr *nlh = tbuf_msg(t, RTM_NEWROUTE, 0);
	struct rtmsg *rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));

	rtm->rtm_family = (uint8_t)af;
	rtm->rtm_dst_len = af == AF_INET ? 32 : 128;
	rtm->rtm_type = type;
	rtm->rtm_table = table;
	rtm->rtm_protocol = RTPROT_BOOT;
	return nlh;
}

static void put_addr(struct nlmsghdr *nlh, uint16_t type, int af, const char *s)
{
	struct rt_addr a;

	ck_assert_int_eq(rt_addr_parse(&a, af, s), 0);
	mnl_attr_put(nlh, type, rt_addr_len((sa_family_t)af), a.u.raw);
}

static void ck_addr(const struct rt_addr *a, const char *want)
{
	char s[RT_ADDRSTRLEN];

	ck_assert_str_eq(rt_addr_str(a, s, sizeof(s)), want);
}

START_TEST(parse_v4_reply_then_ack)
{
	struct tbuf t = { .len = 0 };
	struct rt_route r;
	struct nlmsghdr *nlh = put_route(&t, AF_INET, RTN_UNICAST, RT_TABLE_COMPAT);

	put_addr(nlh, RTA_DST, AF_INET, "10.99.1.1");
	put_addr(nlh, RTA_PREFSRC, AF_INET, "10.9.0.12");
	put_addr(nlh, RTA_GATEWAY, AF_INET, "10.9.0.1");
	mnl_attr_put_u32(nlh, RTA_OIF, 2);
	mnl_attr_put_u32(nlh, RTA_TABLE, 1000);
	mnl_attr_put_u32(nlh, RTA_UID, 0);
	mnl_attr_put_u32(nlh, 200, 1);   /* unknown to us: skipped */
	tbuf_end(&t, nlh);
	tbuf_error(&t, 0, NULL);
	ck_assert_int_eq(rt_route_parse(t.b, t.len, T_SEQ, T_PORT, &r), 0);
	ck_assert_int_eq(r.type, RTN_UNICAST);
	ck_assert_uint_eq(r.table, 1000);   /* RTA_TABLE beats rtm_table */
	ck_assert_uint_eq(r.oif, 2);
	ck_addr(&r.prefsrc, "10.9.0.12");
	ck_addr(&r.gateway, "10.9.0.1");
	ck_addr(&r.dst, "10.99.1.1");
	ck_assert(r.has_uid);
	ck_assert(!r.multipath);
}
END_TEST

/* A route's metrics: the MTU, RTAX_LOCK's bit for it, an exception's expiry in ticks. */
START_TEST(parse_mtu_locked_and_expires)
{
	struct tbuf t = { .len = 0 };
	struct rt_route r;
	struct nlmsghdr *nlh = put_route(&t, AF_INET, RTN_UNICAST, RT_TABLE_MAIN);
	struct nlattr *m = mnl_attr_nest_start(nlh, RTA_METRICS);
	struct rta_cacheinfo ci = { .rta_expires = (int32_t)(597 * sysconf(_SC_CLK_TCK)) };

	mnl_attr_put_u32(nlh, RTAX_LOCK, 1u << RTAX_MTU);
	mnl_attr_put_u32(nlh, RTAX_MTU, 1300);
	mnl_attr_put_u16(nlh, RTAX_ADVMSS, 1);   /* a short metric: skipped */
	mnl_attr_nest_end(nlh, m);
	mnl_attr_put(nlh, RTA_CACHEINFO, sizeof(ci), &ci);
	tbuf_end(&t, nlh);
	tbuf_error(&t, 0, NULL);
	ck_assert_int_eq(rt_route_parse(t.b, t.len, T_SEQ, T_PORT, &r), 0);
	ck_assert_uint_eq(r.mtu.mtu, 1300);
	ck_assert(r.mtu.locked);
	ck_assert_int_eq(r.mtu.expires_s, 597);
	/* No metrics: no MTU, nothing locked, no expiry. */
	t.len = 0;
	nlh = put_route(&t, AF_INET, RTN_UNICAST, RT_TABLE_MAIN);
	mnl_attr_put(nlh, RTA_CACHEINFO, sizeof(ci), &ci);
	tbuf_end(&t, nlh);
	tbuf_error(&t, 0, NULL);
	ck_assert_int_eq(rt_route_parse(t.b, t.len, T_SEQ, T_PORT, &r), 0);
	ck_assert_uint_eq(r.mtu.mtu, 0);
	ck_assert(!r.mtu.locked);
	ck_assert_int_eq(r.mtu.expires_s, -1);
	/* A cacheinfo too short for its struct is a bad message. */
	t.len = 0;
	nlh = put_route(&t, AF_INET, RTN_UNICAST, RT_TABLE_MAIN);
	mnl_attr_put(nlh, RTA_CACHEINFO, 4, &ci);
	tbuf_end(&t, nlh);
	ck_assert_int_eq(rt_route_parse(t.b, t.len, T_SEQ, T_PORT, &r), -EBADMSG);
}
END_TEST

START_TEST(parse_v6_first_prefsrc_wins)
{
	struct tbuf t = { .len = 0 };
	struct rt_route r;
	struct nlmsghdr *nlh = put_route(&t, AF_INET6, RTN_UNICAST, RT_TABLE_MAIN);

	put_addr(nlh, RTA_PREFSRC, AF_INET6, "2001:db8::12");
	put_addr(nlh, RTA_PREFSRC, AF_INET6, "2001:db8::99");
	tbuf_end(&t, nlh);
	tbuf_error(&t, 0, NULL);
	ck_assert_int_eq(rt_route_parse(t.b, t.len, T_SEQ, T_PORT, &r), 0);
	ck_addr(&r.prefsrc, "2001:db8::12");
	ck_assert_uint_eq(r.table, RT_TABLE_MAIN);
}
END_TEST

/* FIB_MATCH on an IPv6 source-specific route: its "from" prefix is kept. */
START_TEST(parse_v6_source_specific_entry)
{
	struct tbuf t = { .len = 0 };
	struct rt_route r;
	struct nlmsghdr *nlh = put_route(&t, AF_INET6, RTN_UNICAST, RT_TABLE_MAIN);
	struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);

	rtm->rtm_dst_len = 64;
	rtm->rtm_src_len = 128;
	put_addr(nlh, RTA_DST, AF_INET6, "fd00:9::");
	put_addr(nlh, RTA_SRC, AF_INET6, "fd00:1::5");
	tbuf_end(&t, nlh);
	tbuf_error(&t, 0, NULL);
	ck_assert_int_eq(rt_route_parse(t.b, t.len, T_SEQ, T_PORT, &r), 0);
	ck_assert_uint_eq(r.dst_len, 64);
	ck_assert_uint_eq(r.src_len, 128);
	ck_addr(&r.src, "fd00:1::5");
}
END_TEST

START_TEST(parse_v4_route_via_v6_gateway)
{
	struct tbuf t = { .len = 0 };
	struct rt_route r;
	struct nlmsghdr *nlh = put_route(&t, AF_INET, RTN_UNICAST, RT_TABLE_MAIN);
	char via[sizeof(struct rtvia) + 16] = { 0 };
	struct rtvia *v = (struct rtvia *)via;

	v->rtvia_family = AF_INET6;
	ck_assert_int_eq(inet_pton(AF_INET6, "fe80::1", v->rtvia_addr), 1);
	mnl_attr_put(nlh, RTA_VIA, sizeof(via), via);
	tbuf_end(&t, nlh);
	tbuf_error(&t, 0, NULL);
	ck_assert_int_eq(rt_route_parse(t.b, t.len, T_SEQ, T_PORT, &r), 0);
	ck_addr(&r.gateway, "fe80::1");
}
END_TEST

/* A FIB_MATCH answer whose RTA_MULTIPATH holds n next hops (with a gateway each). */
static void mpath_reply(struct tbuf *t, size_t n, uint32_t nh_id)
{
	struct nlmsghdr *nlh = put_route(t, AF_INET, RTN_UNICAST, RT_TABLE_MAIN);
	struct nlattr *mp = mnl_attr_nest_start(nlh, RTA_MULTIPATH);

	for (size_t i = 0; i < n; i++) {
		struct rtnexthop *nh = mnl_nlmsg_get_payload_tail(nlh);

		mnl_nlmsg_put_extra_header(nlh, sizeof(*nh));
		nh->rtnh_ifindex = (int)i + 2;
		put_addr(nlh, RTA_GATEWAY, AF_INET, "10.9.0.1");
		nh->rtnh_len = (unsigned short)((char *)mnl_nlmsg_get_payload_tail(nlh) - (char *)nh);
	}
	mnl_attr_nest_end(nlh, mp);
	if (nh_id)
		mnl_attr_put_u32(nlh, RTA_NH_ID, nh_id);
	tbuf_end(t, nlh);
	tbuf_error(t, 0, NULL);
}

/* Only two or more next hops are multipath: IPv6 shows a group of one in RTA_MULTIPATH. */
START_TEST(multipath_needs_two_next_hops)
{
	struct tbuf t = { .len = 0 };
	struct rt_route r;

	mpath_reply(&t, 2, 0);
	ck_assert_int_eq(rt_route_parse(t.b, t.len, T_SEQ, T_PORT, &r), 0);
	ck_assert(r.multipath);
	ck_assert_uint_eq(r.nh_id, 0);
	t.len = 0;
	mpath_reply(&t, 1, 0);
	ck_assert_int_eq(rt_route_parse(t.b, t.len, T_SEQ, T_PORT, &r), 0);
	ck_assert(!r.multipath);
	t.len = 0;
	mpath_reply(&t, 0, 0);
	ck_assert_int_eq(rt_route_parse(t.b, t.len, T_SEQ, T_PORT, &r), 0);
	ck_assert(!r.multipath);
}
END_TEST

/* --explain-route's candidates: each next hop's device and gateway, damaged entries not. */
START_TEST(multipath_next_hops_kept_for_candidates)
{
	struct tbuf t = { .len = 0 };
	struct rt_route r;
	struct nlmsghdr *nlh;
	struct rtnexthop nh[2] = { { .rtnh_len = sizeof(nh[0]), .rtnh_ifindex = 7 },
				   { .rtnh_len = 200 } };

	mpath_reply(&t, 3, 0);
	ck_assert_int_eq(rt_route_parse(t.b, t.len, T_SEQ, T_PORT, &r), 0);
	ck_assert_uint_eq(r.nnh, 3);
	for (size_t i = 0; i < 3; i++) {
		ck_assert_uint_eq(r.nh_oif[i], i + 2);
		ck_addr(&r.nh_gw[i], "10.9.0.1");
	}
	/* More than RT_NH_MAX: the first ones kept. */
	t.len = 0;
	mpath_reply(&t, RT_NH_MAX + 3, 0);
	ck_assert_int_eq(rt_route_parse(t.b, t.len, T_SEQ, T_PORT, &r), 0);
	ck_assert_uint_eq(r.nnh, RT_NH_MAX);
	t.len = 0;
	nlh = put_route(&t, AF_INET, RTN_UNICAST, RT_TABLE_MAIN);
	mnl_attr_put(nlh, RTA_MULTIPATH, sizeof(nh), nh);
	tbuf_end(&t, nlh);
	tbuf_error(&t, 0, NULL);
	ck_assert_int_eq(rt_route_parse(t.b, t.len, T_SEQ, T_PORT, &r), 0);
	ck_assert_uint_eq(r.nnh, 1);
	ck_assert_uint_eq(r.nh_oif[0], 7);
	ck_assert(!rt_addr_is_set(&r.nh_gw[0]));
}
END_TEST

/* "ip route add P nhid 1": RTA_NH_ID alone is one nexthop object, not a group. */
START_TEST(nexthop_id_alone_is_not_multipath)
{
	struct tbuf t = { .len = 0 };
	struct rt_route r;
	struct nlmsghdr *nlh = put_route(&t, AF_INET, RTN_UNICAST, RT_TABLE_MAIN);

	mnl_attr_put_u32(nlh, RTA_NH_ID, 1);
	put_addr(nlh, RTA_GATEWAY, AF_INET, "10.9.0.1");
	tbuf_end(&t, nlh);
	tbuf_error(&t, 0, NULL);
	ck_assert_int_eq(rt_route_parse(t.b, t.len, T_SEQ, T_PORT, &r), 0);
	ck_assert_uint_eq(r.nh_id, 1);
	ck_assert(!r.multipath);
	t.len = 0;
	mpath_reply(&t, 2, 10);     /* a group in compat mode */
	ck_assert_int_eq(rt_route_parse(t.b, t.len, T_SEQ, T_PORT, &r), 0);
	ck_assert_uint_eq(r.nh_id, 10);
	ck_assert(r.multipath);
}
END_TEST

/* RTA_MULTIPATH whose entry claims more than is there: counted up to the damage. */
START_TEST(multipath_with_a_bad_entry_length)
{
	struct tbuf t = { .len = 0 };
	struct rt_route r;
	struct nlmsghdr *nlh = put_route(&t, AF_INET, RTN_UNICAST, RT_TABLE_MAIN);
	struct rtnexthop nh[2] = { { .rtnh_len = sizeof(nh[0]) }, { .rtnh_len = 200 } };

	mnl_attr_put(nlh, RTA_MULTIPATH, sizeof(nh), nh);
	tbuf_end(&t, nlh);
	tbuf_error(&t, 0, NULL);
	ck_assert_int_eq(rt_route_parse(t.b, t.len, T_SEQ, T_PORT, &r), 0);
	ck_assert(!r.multipath);
}
END_TEST

static struct nlmsghdr *put_nexthop(struct tbuf *t, uint32_t id, size_t members)
{
	struct nlmsghdr *nlh = tbuf_msg(t, RTM_NEWNEXTHOP, 0);
	struct nhmsg *nhm = mnl_nlmsg_put_extra_header(nlh, sizeof(*nhm));
	struct nexthop_grp g[4] = { { .id = 1 }, { .id = 2 }, { .id = 3 }, { .id = 4 } };

	nhm->nh_family = members ? AF_UNSPEC : AF_INET;
	mnl_attr_put_u32(nlh, NHA_ID, id);
	if (members)
		mnl_attr_put(nlh, NHA_GROUP, members * sizeof(g[0]), g);
	else
		mnl_attr_put_u32(nlh, NHA_OIF, 2);
	return nlh;
}

START_TEST(nexthop_request_and_reply)
{
	char buf[RT_NL_BUFSZ] __attribute__((aligned(4)));
	struct nlmsghdr *req = rt_nexthop_request(buf, 10, 9);
	struct tbuf t = { .len = 0 };
	struct rt_nexthop nh;

	ck_assert_int_eq(req->nlmsg_type, RTM_GETNEXTHOP);
	ck_assert(req->nlmsg_flags & NLM_F_ACK);
	ck_assert_uint_eq(mnl_attr_get_u32(mnl_nlmsg_get_payload_offset(req, sizeof(struct nhmsg))), 10);
	tbuf_end(&t, put_nexthop(&t, 10, 2));
	tbuf_error(&t, 0, NULL);
	ck_assert_int_eq(rt_nexthop_parse(t.b, t.len, T_SEQ, T_PORT, &nh), 0);
	ck_assert(nh.group);
	ck_assert_uint_eq(nh.paths, 2);
	ck_assert_uint_eq(nh.id, 10);
	t.len = 0;
	tbuf_end(&t, put_nexthop(&t, 11, 1));     /* "group 1": one path */
	tbuf_error(&t, 0, NULL);
	ck_assert_int_eq(rt_nexthop_parse(t.b, t.len, T_SEQ, T_PORT, &nh), 0);
	ck_assert(nh.group);
	ck_assert_uint_eq(nh.paths, 1);
	t.len = 0;
	tbuf_end(&t, put_nexthop(&t, 1, 0));
	tbuf_error(&t, 0, NULL);
	ck_assert_int_eq(rt_nexthop_parse(t.b, t.len, T_SEQ, T_PORT, &nh), 0);
	ck_assert(!nh.group);
	ck_assert_uint_eq(nh.paths, 1);
}
END_TEST

/* RTM_GETNEIGH: the request the kernel's get accepts; a reply's state read back. */
START_TEST(neigh_request_and_reply)
{
	char buf[RT_NL_BUFSZ] __attribute__((aligned(4)));
	struct rt_addr a = { .af = AF_INET };
	struct nlmsghdr *req, *nlh;
	const struct ndmsg *rq;
	struct ndmsg *ndm;
	struct rt_neigh n;
	struct tbuf t = { .len = 0 };
	const struct nlattr *dst;

	inet_pton(AF_INET, "10.61.0.99", &a.u.v4);
	req = rt_neigh_request(buf, &a, 7);
	rq = mnl_nlmsg_get_payload(req);
	ck_assert_int_eq(req->nlmsg_type, RTM_GETNEIGH);
	ck_assert(req->nlmsg_flags & NLM_F_ACK);
	ck_assert(!(req->nlmsg_flags & NLM_F_DUMP));
	ck_assert_int_eq(rq->ndm_family, AF_INET);
	ck_assert_int_eq(rq->ndm_ifindex, 7);
	ck_assert_int_eq(rq->ndm_state | rq->ndm_flags | rq->ndm_type, 0);
	dst = mnl_nlmsg_get_payload_offset(req, sizeof(struct ndmsg));
	ck_assert_int_eq(mnl_attr_get_type(dst), NDA_DST);
	ck_assert_int_eq(mnl_attr_get_payload_len(dst), 4);
	ck_assert_mem_eq(mnl_attr_get_payload(dst), a.u.raw, 4);
	for (int k = 0; k < 3; k++) {
		static const uint16_t states[] = { NUD_INCOMPLETE, NUD_FAILED, NUD_REACHABLE };

		t.len = 0;
		nlh = tbuf_msg(&t, RTM_NEWNEIGH, 0);
		ndm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ndm));
		ndm->ndm_family = AF_INET;
		ndm->ndm_state = states[k];
		mnl_attr_put(nlh, NDA_DST, 4, a.u.raw);
		tbuf_end(&t, nlh);
		tbuf_error(&t, 0, NULL);
		ck_assert_int_eq(rt_neigh_parse(t.b, t.len, T_SEQ, T_PORT, &a, &n), 0);
		ck_assert_uint_eq(n.state, states[k]);
		ck_assert(rt_neigh_unresolved(&n) == (k < 2));
	}
	/* No entry; a message too short for its header. */
	t.len = 0;
	tbuf_error(&t, -ENOENT, NULL);
	ck_assert_int_eq(rt_neigh_parse(t.b, t.len, T_SEQ, T_PORT, &a, &n), -ENOENT);
	ck_assert(!rt_neigh_unresolved(&n));
	t.len = 0;
	tbuf_end(&t, tbuf_msg(&t, RTM_NEWNEIGH, 0));
	tbuf_error(&t, 0, NULL);
	ck_assert_int_eq(rt_neigh_parse(t.b, t.len, T_SEQ, T_PORT, &a, &n), -EBADMSG);
}
END_TEST

START_TEST(nexthop_bad_replies)
{
	struct tbuf t = { .len = 0 };
	struct rt_nexthop nh;
	struct nlmsghdr *nlh;

	tbuf_error(&t, -ENOENT, NULL);
	ck_assert_int_eq(rt_nexthop_parse(t.b, t.len, T_SEQ, T_PORT, &nh), -ENOENT);
	t.len = 0;
	tbuf_error(&t, 0, NULL);
	ck_assert_int_eq(rt_nexthop_parse(t.b, t.len, T_SEQ, T_PORT, &nh), -ENODATA);
	t.len = 0;
	nlh = put_nexthop(&t, 10, 0);
	mnl_attr_put(nlh, NHA_GROUP, 5, "abcde");   /* not whole entries */
	tbuf_end(&t, nlh);
	ck_assert_int_eq(rt_nexthop_parse(t.b, t.len, T_SEQ, T_PORT, &nh), -EBADMSG);
	t.len = 0;
	nlh = tbuf_msg(&t, RTM_NEWNEXTHOP, 0);
	mnl_nlmsg_put_extra_header(nlh, sizeof(struct nhmsg));   /* no NHA_ID */
	tbuf_end(&t, nlh);
	ck_assert_int_eq(rt_nexthop_parse(t.b, t.len, T_SEQ, T_PORT, &nh), -EBADMSG);
}
END_TEST

START_TEST(parse_truncated_is_bad_message)
{
	struct tbuf t = { .len = 0 };
	struct rt_route r;
	struct nlmsghdr *nlh = put_route(&t, AF_INET, RTN_UNICAST, RT_TABLE_MAIN);

	put_addr(nlh, RTA_PREFSRC, AF_INET, "10.0.0.1");
	tbuf_end(&t, nlh);
	for (size_t cut = 1; cut < t.len; cut += 3)
		ck_assert_int_eq(rt_route_parse(t.b, t.len - cut, T_SEQ, T_PORT, &r), -EBADMSG);
	ck_assert_int_eq(rt_route_parse(t.b, 0, T_SEQ, T_PORT, &r), -EBADMSG);
}
END_TEST

START_TEST(parse_wrong_type_is_bad_message)
{
	struct tbuf t = { .len = 0 };
	struct rt_route r;
	struct nlmsghdr *nlh = put_route(&t, AF_INET, RTN_UNICAST, RT_TABLE_MAIN);

	nlh->nlmsg_type = RTM_NEWLINK;
	tbuf_end(&t, nlh);
	ck_assert_int_eq(rt_route_parse(t.b, t.len, T_SEQ, T_PORT, &r), -EBADMSG);
}
END_TEST

START_TEST(parse_bad_attribute_length)
{
	struct tbuf t = { .len = 0 };
	struct rt_route r;
	struct nlmsghdr *nlh = put_route(&t, AF_INET, RTN_UNICAST, RT_TABLE_MAIN);

	mnl_attr_put_u16(nlh, RTA_OIF, 2);       /* u32 expected */
	tbuf_end(&t, nlh);
	ck_assert_int_eq(rt_route_parse(t.b, t.len, T_SEQ, T_PORT, &r), -EBADMSG);
	t.len = 0;
	nlh = put_route(&t, AF_INET, RTN_UNICAST, RT_TABLE_MAIN);
	put_addr(nlh, RTA_PREFSRC, AF_INET6, "::1");   /* v6 address in a v4 route */
	tbuf_end(&t, nlh);
	ck_assert_int_eq(rt_route_parse(t.b, t.len, T_SEQ, T_PORT, &r), -EBADMSG);
}
END_TEST

START_TEST(parse_kernel_errors)
{
	static const int errs[] = { ENETUNREACH, EHOSTUNREACH, EACCES, EINVAL, EOPNOTSUPP };

	for (size_t i = 0; i < sizeof(errs) / sizeof(errs[0]); i++) {
		struct tbuf t = { .len = 0 };
		struct rt_route r;

		tbuf_error(&t, -errs[i], NULL);
		ck_assert_int_eq(rt_route_parse(t.b, t.len, T_SEQ, T_PORT, &r), -errs[i]);
	}
}
END_TEST

static int count_cb(const struct nlmsghdr *nlh, void *data)
{
	(*(int *)data)++;
	return MNL_CB_OK;
}

START_TEST(feed_reads_extack)
{
	struct tbuf t = { .len = 0 };
	char msg[64] = "";
	int n = 0;

	tbuf_error(&t, -EINVAL, "Unsupported ip proto");
	ck_assert_int_eq(rt_nl_feed(t.b, t.len, T_SEQ, T_PORT, count_cb, &n, msg, sizeof(msg)),
			 -EINVAL);
	ck_assert_str_eq(msg, "Unsupported ip proto");
}
END_TEST

START_TEST(feed_rejects_other_sequence_and_port)
{
	struct tbuf t = { .len = 0 };
	int n = 0;

	tbuf_error(&t, 0, NULL);
	ck_assert_int_eq(rt_nl_feed(t.b, t.len, T_SEQ + 1, T_PORT, count_cb, &n, NULL, 0), -EPROTO);
	ck_assert_int_eq(rt_nl_feed(t.b, t.len, T_SEQ, T_PORT + 1, count_cb, &n, NULL, 0), -EPROTO);
	ck_assert_int_eq(rt_nl_feed(t.b, t.len, T_SEQ, T_PORT, count_cb, &n, NULL, 0), 0);
}
END_TEST

START_TEST(feed_multipart_needs_more_until_done)
{
	struct tbuf t = { .len = 0 };
	struct nlmsghdr *nlh;
	int n = 0;

	for (int i = 0; i < 3; i++) {
		nlh = put_route(&t, AF_INET, RTN_UNICAST, RT_TABLE_MAIN);
		nlh->nlmsg_flags = NLM_F_MULTI;
		tbuf_end(&t, nlh);
	}
	ck_assert_int_eq(rt_nl_feed(t.b, t.len, T_SEQ, T_PORT, count_cb, &n, NULL, 0), 1);
	ck_assert_int_eq(n, 3);
	tbuf_done(&t, 0);
	n = 0;
	ck_assert_int_eq(rt_nl_feed(t.b, t.len, T_SEQ, T_PORT, count_cb, &n, NULL, 0), 0);
	ck_assert_int_eq(n, 3);
}
END_TEST

START_TEST(ack_without_route_is_no_data)
{
	struct tbuf t = { .len = 0 };
	struct rt_route r;

	tbuf_error(&t, 0, NULL);
	ck_assert_int_eq(rt_route_parse(t.b, t.len, T_SEQ, T_PORT, &r), -ENODATA);
}
END_TEST

START_TEST(names_and_errno_mapping)
{
	char b[16];

	ck_assert_str_eq(rt_route_type_name(RTN_PROHIBIT), "prohibit");
	ck_assert_str_eq(rt_route_type_name(200), "unknown");
	ck_assert_str_eq(rt_route_proto_name(RTPROT_KERNEL, b, sizeof(b)), "kernel");
	ck_assert_str_eq(rt_route_proto_name(77, b, sizeof(b)), "77");
	ck_assert_str_eq(rt_route_scope_name(RT_SCOPE_LINK, b, sizeof(b)), "link");
	ck_assert_int_eq(rt_route_type_from_errno(-EHOSTUNREACH), RTN_UNREACHABLE);
	ck_assert_int_eq(rt_route_type_from_errno(-EACCES), RTN_PROHIBIT);
	ck_assert_int_eq(rt_route_type_from_errno(-EINVAL), RTN_BLACKHOLE);
	ck_assert_int_eq(rt_route_type_from_errno(-ENETUNREACH), RTN_UNSPEC);
}
END_TEST

START_TEST(only_attribute_errors_trigger_the_protocol_retry)
{
	ck_assert(rt_route_proto_refused(-EOPNOTSUPP, ""));
	ck_assert(rt_route_proto_refused(-EINVAL, "Unknown attribute type"));
	/* A blackhole route answers EINVAL without a message: a verdict, not a refusal. */
	ck_assert(!rt_route_proto_refused(-EINVAL, ""));
	ck_assert(!rt_route_proto_refused(-EINVAL, NULL));
	ck_assert(!rt_route_proto_refused(-EHOSTUNREACH, "x"));
	ck_assert(!rt_route_proto_refused(0, ""));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("route");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, request_v4_echo_flow_key);
	tcase_add_test(tc, request_v6_bound_oif_tos);
	tcase_add_test(tc, request_without_proto_for_old_kernels);
	tcase_add_test(tc, parse_v4_reply_then_ack);
	tcase_add_test(tc, parse_mtu_locked_and_expires);
	tcase_add_test(tc, parse_v6_first_prefsrc_wins);
	tcase_add_test(tc, parse_v6_source_specific_entry);
	tcase_add_test(tc, parse_v4_route_via_v6_gateway);
	tcase_add_test(tc, multipath_needs_two_next_hops);
	tcase_add_test(tc, multipath_next_hops_kept_for_candidates);
	tcase_add_test(tc, nexthop_id_alone_is_not_multipath);
	tcase_add_test(tc, multipath_with_a_bad_entry_length);
	tcase_add_test(tc, nexthop_request_and_reply);
	tcase_add_test(tc, nexthop_bad_replies);
	tcase_add_test(tc, neigh_request_and_reply);
	tcase_add_test(tc, parse_truncated_is_bad_message);
	tcase_add_test(tc, parse_wrong_type_is_bad_message);
	tcase_add_test(tc, parse_bad_attribute_length);
	tcase_add_test(tc, parse_kernel_errors);
	tcase_add_test(tc, feed_reads_extack);
	tcase_add_test(tc, feed_rejects_other_sequence_and_port);
	tcase_add_test(tc, feed_multipart_needs_more_until_done);
	tcase_add_test(tc, ack_without_route_is_no_data);
	tcase_add_test(tc, names_and_errno_mapping);
	tcase_add_test(tc, only_attribute_errors_trigger_the_protocol_retry);
	suite_add_tcase(s, tc);
	return rt_test_run(s);
}
