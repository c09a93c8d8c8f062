/*
 * RTM_GETROUTE for the echo request's own flow key. The request builder and
 * the reply parser are pure; rt_route_get() is the only part that talks.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <linux/rtnetlink.h>

#include "rtping/nexthop.h"
#include "rtping/nlbatch.h"
#include "rtping/route.h"

/* The longest request: header, rtmsg, two addresses and six 32-bit or smaller attributes. */
#define REQUEST_MAX (MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(struct rtmsg)) + \
		     2 * MNL_ATTR_HDRLEN + 2 * 16 + 6 * (MNL_ATTR_HDRLEN + 4))

struct nlmsghdr *rt_route_request(void *buf, const struct rt_flow *f, uint32_t seq,
				  unsigned flags)
{
	struct nlmsghdr *nlh;
	struct rtmsg *rtm;
	uint8_t bits = (uint8_t)(f->fam->addr_len * 8);

	/*
	 * libmnl leaves an attribute's padding as it finds it; one flow must
	 * give the same bytes every time (src/nlbatch.c finds answers by them).
	 */
	memset(buf, 0, REQUEST_MAX);
	nlh = mnl_nlmsg_put_header(buf);

	nlh->nlmsg_type = RTM_GETROUTE;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = seq;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = (uint8_t)f->fam->af;
	rtm->rtm_dst_len = bits;
	rtm->rtm_tos = f->tos;
	rtm->rtm_flags = f->fam->rtm_flags | (flags & RT_Q_FIB_MATCH ? RTM_F_FIB_MATCH : 0);
	mnl_attr_put(nlh, RTA_DST, f->fam->addr_len, f->dst.u.raw);
	/* RTA_SRC only for a bound socket: it changes the lookup (saddr set). */
	if (rt_addr_is_set(&f->src)) {
		rtm->rtm_src_len = bits;
		mnl_attr_put(nlh, RTA_SRC, f->fam->addr_len, f->src.u.raw);
	}
	if (f->oif)
		mnl_attr_put_u32(nlh, RTA_OIF, f->oif);
	mnl_attr_put_u32(nlh, RTA_MARK, f->mark);
	mnl_attr_put_u32(nlh, RTA_UID, f->uid);
	if (!(flags & RT_Q_NO_PROTO)) {
		mnl_attr_put_u8(nlh, RTA_IP_PROTO, f->proto);
		if (f->sport)
			mnl_attr_put_u16(nlh, RTA_SPORT, htons(f->sport));
		if (f->dport)
			mnl_attr_put_u16(nlh, RTA_DPORT, htons(f->dport));
	}
	/* Never RTA_IIF: it turns the query into an input-route lookup. */
	return nlh;
}

struct attrs {
	const struct nlattr *tb[RTA_MAX + 1];
	size_t addr_len;
};

static int attr_cb(const struct nlattr *attr, void *data)
{
	struct attrs *a = data;
	uint16_t type = mnl_attr_get_type(attr);
	int ok = 0;

	if (mnl_attr_type_valid(attr, RTA_MAX) < 0)
		return MNL_CB_OK;       /* newer kernel, unknown attribute: skip */
	switch (type) {
	case RTA_DST: case RTA_SRC: case RTA_PREFSRC: case RTA_GATEWAY:
		ok = mnl_attr_validate2(attr, MNL_TYPE_BINARY, a->addr_len);
		break;
	case RTA_OIF: case RTA_TABLE: case RTA_PRIORITY: case RTA_UID:
	case RTA_MARK: case RTA_NH_ID:
		ok = mnl_attr_validate(attr, MNL_TYPE_U32);
		break;
	case RTA_VIA:
		ok = mnl_attr_get_payload_len(attr) >= sizeof(struct rtvia) + 4 ? 0 : -1;
		break;
	case RTA_MULTIPATH: case RTA_METRICS:
		break;
	case RTA_CACHEINFO:
		ok = mnl_attr_get_payload_len(attr) >= sizeof(struct rta_cacheinfo) ? 0 : -1;
		break;
	default:
		return MNL_CB_OK;
	}
	if (ok < 0) {
		errno = EBADMSG;
		return MNL_CB_ERROR;
	}
	/* IPv6 repeats RTA_PREFSRC when the route has "src": the first is the choice. */
	if (!a->tb[type])
		a->tb[type] = attr;
	return MNL_CB_OK;
}

static void get_addr(struct rt_addr *out, const struct nlattr *attr, sa_family_t af)
{
	if (attr)
		rt_addr_from_bytes(out, af, mnl_attr_get_payload(attr),
				   mnl_attr_get_payload_len(attr));
}

static void get_via(struct rt_addr *out, const struct nlattr *attr)
{
	const struct rtvia *via = mnl_attr_get_payload(attr);
	size_t len = mnl_attr_get_payload_len(attr) - sizeof(*via);
	size_t want = rt_addr_len(via->rtvia_family);

	if (want && len >= want)
		rt_addr_from_bytes(out, via->rtvia_family, via->rtvia_addr, want);
}

/* Next hops in RTA_MULTIPATH (struct rtnexthop, each RTNH_ALIGNed). */
static size_t mpath_count(const struct nlattr *attr)
{
	const char *p = mnl_attr_get_payload(attr);
	size_t left = mnl_attr_get_payload_len(attr), n = 0;

	while (left >= sizeof(struct rtnexthop)) {
		const struct rtnexthop *nh = (const struct rtnexthop *)p;
		size_t step = RTNH_ALIGN(nh->rtnh_len);

		if (nh->rtnh_len < sizeof(*nh) || nh->rtnh_len > left)
			break;
		n++;
		if (step >= left)
			break;
		p += step;
		left -= step;
	}
	return n;
}

/* RTA_METRICS (nested RTAX_*): the MTU and whether RTAX_LOCK holds it. */
static void get_mtu(struct rt_route_mtu *m, const struct nlattr *metrics,
		    const struct nlattr *cacheinfo)
{
	const struct nlattr *x;
	uint32_t lock = 0;
	struct rta_cacheinfo ci;

	m->expires_s = -1;
	if (!metrics)
		return;
	mnl_attr_for_each_nested(x, metrics) {
		if (mnl_attr_validate(x, MNL_TYPE_U32) < 0)
			continue;
		if (mnl_attr_get_type(x) == RTAX_MTU)
			m->mtu = mnl_attr_get_u32(x);
		else if (mnl_attr_get_type(x) == RTAX_LOCK)
			lock = mnl_attr_get_u32(x);
	}
	m->locked = m->mtu && (lock & (1u << RTAX_MTU));
	/* rta_expires is in clock ticks (jiffies_to_clock_t()), as ip(8) reads it. */
	if (m->mtu && cacheinfo) {
		memcpy(&ci, mnl_attr_get_payload(cacheinfo), sizeof(ci));
		if (ci.rta_expires > 0)
			m->expires_s = ci.rta_expires / sysconf(_SC_CLK_TCK);
	}
}

static bool get_u32(const struct nlattr *attr, uint32_t *v)
{
	if (attr)
		*v = mnl_attr_get_u32(attr);
	return attr != NULL;
}

/* RTA_MULTIPATH: struct rtnexthop entries, each followed by its attributes. */
static void get_nexthops(struct rt_route *r, const struct nlattr *attr, sa_family_t af)
{
	const uint8_t *p = mnl_attr_get_payload(attr);
	size_t left = mnl_attr_get_payload_len(attr);

	while (left >= sizeof(struct rtnexthop) && r->nnh < RT_NH_MAX) {
		struct rtnexthop nh;
		size_t len, alen;
		const uint8_t *a;

		memcpy(&nh, p, sizeof(nh));
		len = nh.rtnh_len;
		if (len < sizeof(nh) || len > left)
			return;
		r->nh_oif[r->nnh] = (uint32_t)nh.rtnh_ifindex;
		memset(&r->nh_gw[r->nnh], 0, sizeof(r->nh_gw[r->nnh]));
		for (a = p + RTNH_ALIGN(sizeof(nh)), alen = len > RTNH_ALIGN(sizeof(nh))
		     ? len - RTNH_ALIGN(sizeof(nh)) : 0; alen >= sizeof(struct nlattr);) {
			struct nlattr na;

			memcpy(&na, a, sizeof(na));
			if (na.nla_len < sizeof(na) || na.nla_len > alen)
				break;
			if ((na.nla_type & NLA_TYPE_MASK) == RTA_GATEWAY &&
			    na.nla_len - sizeof(na) == rt_addr_len(af))
				rt_addr_from_bytes(&r->nh_gw[r->nnh], af, a + sizeof(na),
						   na.nla_len - sizeof(na));
			if ((size_t)NLA_ALIGN(na.nla_len) >= alen)
				break;
			alen -= (size_t)NLA_ALIGN(na.nla_len);
			a += NLA_ALIGN(na.nla_len);
		}
		r->nnh++;
		if (RTNH_ALIGN(len) >= left)
			return;
		left -= RTNH_ALIGN(len);
		p += RTNH_ALIGN(len);
	}
}

int rt_route_cb(const struct nlmsghdr *nlh, void *data)
{
	struct rt_route *r = data;
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
	struct attrs a = { 0 };

	if (nlh->nlmsg_type != RTM_NEWROUTE ||
	    mnl_nlmsg_get_payload_len(nlh) < sizeof(*rtm) ||
	    !(a.addr_len = rt_addr_len(rtm->rtm_family))) {
		errno = EBADMSG;
		return MNL_CB_ERROR;
	}
	if (mnl_attr_parse(nlh, sizeof(*rtm), attr_cb, &a) < 0)
		return MNL_CB_ERROR;
	memset(r, 0, sizeof(*r));
	r->type = rtm->rtm_type;
	r->protocol = rtm->rtm_protocol;
	r->scope = rtm->rtm_scope;
	r->dst_len = rtm->rtm_dst_len;
	r->src_len = rtm->rtm_src_len;
	r->table = rtm->rtm_table;
	get_u32(a.tb[RTA_TABLE], &r->table);
	get_u32(a.tb[RTA_OIF], &r->oif);
	r->has_metric = get_u32(a.tb[RTA_PRIORITY], &r->metric);
	r->has_uid = get_u32(a.tb[RTA_UID], &r->uid);
	r->has_mark = get_u32(a.tb[RTA_MARK], &r->mark);
	get_addr(&r->dst, a.tb[RTA_DST], rtm->rtm_family);
	get_addr(&r->src, a.tb[RTA_SRC], rtm->rtm_family);
	get_addr(&r->prefsrc, a.tb[RTA_PREFSRC], rtm->rtm_family);
	get_addr(&r->gateway, a.tb[RTA_GATEWAY], rtm->rtm_family);
	if (a.tb[RTA_VIA])
		get_via(&r->gateway, a.tb[RTA_VIA]);
	get_u32(a.tb[RTA_NH_ID], &r->nh_id);
	/* One entry is one path: IPv6 renders a nexthop group of one that way. */
	r->multipath = a.tb[RTA_MULTIPATH] && mpath_count(a.tb[RTA_MULTIPATH]) >= 2;
	if (a.tb[RTA_MULTIPATH])
		get_nexthops(r, a.tb[RTA_MULTIPATH], rtm->rtm_family);
	get_mtu(&r->mtu, a.tb[RTA_METRICS], a.tb[RTA_CACHEINFO]);
	return MNL_CB_OK;
}

int rt_route_parse(const void *buf, size_t len, uint32_t seq, uint32_t portid,
		   struct rt_route *out)
{
	int rc;

	memset(out, 0, sizeof(*out));
	rc = rt_nl_feed(buf, len, seq, portid, rt_route_cb, out, NULL, 0);
	if (rc < 0)
		return rc;
	/* The kernel always sets rtm_type; RTN_UNSPEC means no route message came. */
	if (out->type == RTN_UNSPEC)
		return rc > 0 ? -EBADMSG : -ENODATA;
	return 0;
}

static int query(struct rt_nl *nl, const struct rt_flow *f, unsigned flags,
		 struct rt_route *out)
{
	char buf[RT_NL_BUFSZ] __attribute__((aligned(4)));
	struct nlmsghdr *nlh = rt_route_request(buf, f, 0, flags);
	int rc;

	memset(out, 0, sizeof(*out));
	/* Asked ahead with many others (src/nlbatch.c): the answer is kept. */
	if (!rt_nlb_replay(nl->ahead, nlh, rt_route_cb, out, nl->extack, sizeof(nl->extack), &rc))
		rc = rt_nl_talk(nl, nlh, rt_route_cb, out);
	if (rc == 0 && out->type == RTN_UNSPEC)
		rc = -ENODATA;
	return rc;
}

/*
 * A kernel that cannot route by protocol refuses the attribute (EOPNOTSUPP
 * for ICMPv6 before 5.0; EINVAL with an extack under strict checking). A
 * blackhole route's EINVAL carries no extack message.
 */
bool rt_route_proto_refused(int rc, const char *extack)
{
	return rc == -EOPNOTSUPP || (rc == -EINVAL && extack && extack[0]);
}

/*
 * RTA_NH_ID alone says nothing about paths, and RTA_MULTIPATH beside it is
 * a copy the kernel leaves out under net.ipv4.nexthop_compat_mode=0; the
 * object itself says whether it is a group. When it cannot be asked, the
 * copy stands.
 */
static void nexthop_paths(struct rt_nl *nl, struct rt_route *r)
{
	struct rt_nexthop nh;

	if (rt_nexthop_get(nl, r->nh_id, &nh) == 0)
		r->multipath = nh.paths >= 2;
}

int rt_route_get(struct rt_nl *nl, const struct rt_flow *f, unsigned flags,
		 struct rt_route *out, bool *dropped_proto)
{
	int rc = query(nl, f, flags, out);

	if (!(flags & RT_Q_NO_PROTO) && rt_route_proto_refused(rc, nl->extack)) {
		rc = query(nl, f, flags | RT_Q_NO_PROTO, out);
		if (dropped_proto)
			*dropped_proto = rc == 0;
	}
	if (rc == 0 && out->oif)
		rt_nl_ifname(nl, out->oif, out->ifname);
	if (rc == 0 && out->nh_id)
		nexthop_paths(nl, out);
	return rc;
}

struct covers {
	const struct rt_addr *dst;
	uint8_t type;
	const uint32_t *tables;
	size_t ntables;
	bool found;
};

static int covers_cb(const struct nlmsghdr *nlh, void *data)
{
	struct covers *c = data;
	struct rt_route r;

	if (rt_route_cb(nlh, &r) != MNL_CB_OK)
		return MNL_CB_ERROR;
	/* Without strict checking the kernel ignores the filter: apply it here. */
	if (r.type != c->type || (r.dst_len && !rt_addr_in_prefix(c->dst, &r.dst, r.dst_len)))
		return MNL_CB_OK;
	for (size_t i = 0; i < c->ntables; i++)
		c->found |= r.table == c->tables[i];
	return MNL_CB_OK;
}

int rt_route_type_covers(struct rt_nl *nl, const struct rt_addr *dst, uint8_t type,
			 const uint32_t *tables, size_t ntables)
{
	char buf[RT_NL_BUFSZ] __attribute__((aligned(4)));
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct covers c = { dst, type, tables, ntables, false };
	struct rtmsg *rtm;
	int rc;

	nlh->nlmsg_type = RTM_GETROUTE;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = (uint8_t)dst->af;
	rtm->rtm_type = type;
	rc = rt_nl_talk(nl, nlh, covers_cb, &c);
	return rc < 0 ? rc : c.found;
}

const char *rt_route_type_name(uint8_t type)
{
	static const char *const names[] = {
		[RTN_UNSPEC] = "unspec", [RTN_UNICAST] = "unicast",
		[RTN_LOCAL] = "local", [RTN_BROADCAST] = "broadcast",
		[RTN_ANYCAST] = "anycast", [RTN_MULTICAST] = "multicast",
		[RTN_BLACKHOLE] = "blackhole", [RTN_UNREACHABLE] = "unreachable",
		[RTN_PROHIBIT] = "prohibit", [RTN_THROW] = "throw", [RTN_NAT] = "nat",
		[RTN_XRESOLVE] = "xresolve",
	};

	return type < sizeof(names) / sizeof(names[0]) && names[type] ? names[type] : "unknown";
}

const char *rt_route_proto_name(uint8_t proto, char *buf, size_t len)
{
	static const struct { uint8_t v; const char *name; } tab[] = {
		{ RTPROT_UNSPEC, "unspec" }, { RTPROT_REDIRECT, "redirect" },
		{ RTPROT_KERNEL, "kernel" }, { RTPROT_BOOT, "boot" },
		{ RTPROT_STATIC, "static" }, { RTPROT_RA, "ra" }, { RTPROT_DHCP, "dhcp" },
		{ RTPROT_ZEBRA, "zebra" }, { RTPROT_BIRD, "bird" },
		{ RTPROT_KEEPALIVED, "keepalived" }, { RTPROT_BABEL, "babel" },
		{ RTPROT_BGP, "bgp" }, { RTPROT_ISIS, "isis" }, { RTPROT_OSPF, "ospf" },
		{ RTPROT_RIP, "rip" }, { RTPROT_EIGRP, "eigrp" },
	};

	for (size_t i = 0; i < sizeof(tab) / sizeof(tab[0]); i++)
		if (tab[i].v == proto)
			return tab[i].name;
	snprintf(buf, len, "%u", proto);
	return buf;
}

const char *rt_route_scope_name(uint8_t scope, char *buf, size_t len)
{
	switch (scope) {
	case RT_SCOPE_UNIVERSE: return "global";
	case RT_SCOPE_SITE: return "site";
	case RT_SCOPE_LINK: return "link";
	case RT_SCOPE_HOST: return "host";
	case RT_SCOPE_NOWHERE: return "nowhere";
	}
	snprintf(buf, len, "%u", scope);
	return buf;
}

uint8_t rt_route_type_from_errno(int err)
{
	switch (err < 0 ? -err : err) {
	case EHOSTUNREACH: return RTN_UNREACHABLE;
	case EACCES: return RTN_PROHIBIT;
	case EINVAL: return RTN_BLACKHOLE;
	}
	return RTN_UNSPEC;
}
