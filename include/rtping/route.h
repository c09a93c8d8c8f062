/*
 * The route module: ask the kernel, over RTM_GETROUTE, which route it gives
 * a flow, and read the answer into a plain struct.
 */
#ifndef RTPING_ROUTE_H
#define RTPING_ROUTE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <net/if.h>
#include <libmnl/libmnl.h>

#include "rtping/addr.h"
#include "rtping/flow.h"
#include "rtping/nl.h"

/* Next hops of a multipath route kept from a FIB_MATCH answer. */
#define RT_NH_MAX 8

/* A route's MTU (RTA_METRICS' RTAX_MTU), or a learned path-MTU exception's. */
struct rt_route_mtu {
	uint32_t mtu;            /* 0: the route sets none (the device's applies) */
	bool locked;             /* RTAX_LOCK has it: no path-MTU discovery below it */
	int64_t expires_s;       /* an exception's expiry (RTA_CACHEINFO); -1 none */
};

/* What the kernel answered. Fields absent from the reply stay zero/unset. */
struct rt_route {
	uint8_t type;            /* RTN_* */
	uint8_t protocol;        /* RTPROT_* (FIB_MATCH answer) */
	uint8_t scope;           /* RT_SCOPE_* (FIB_MATCH answer) */
	uint8_t dst_len;         /* matched prefix length (FIB_MATCH answer) */
	uint8_t src_len;         /* IPv6 source-specific entry: its "from" length (FIB_MATCH) */
	uint32_t table;
	uint32_t oif;
	char ifname[IF_NAMESIZE];
	struct rt_addr dst;      /* matched prefix (FIB_MATCH) or the destination */
	struct rt_addr src;      /* RTA_SRC: the "from" prefix (FIB_MATCH, src_len set) */
	struct rt_addr prefsrc;
	struct rt_addr gateway;  /* RTA_GATEWAY, or RTA_VIA (may be the other family) */
	bool has_metric;
	uint32_t metric;
	uint32_t nh_id;          /* RTA_NH_ID: the route uses a nexthop object */
	bool multipath;          /* two or more next hops (see rt_route_get) */
	size_t nnh;              /* RTA_MULTIPATH's next hops (the first RT_NH_MAX) */
	uint32_t nh_oif[RT_NH_MAX];
	struct rt_addr nh_gw[RT_NH_MAX];
	bool has_uid, has_mark;
	uint32_t uid, mark;      /* echoed by IPv4 */
	struct rt_route_mtu mtu;
};

/*
 * Where the echo goes, as one value: what the header, -B and the warnings
 * show, and what later route-change events and egress checks compare.
 */
struct rt_route_snap {
	struct rt_addr src;      /* the source the echo leaves with; unset unknown */
	char dev[IF_NAMESIZE];   /* output device; "" unknown */
	uint32_t ifindex;        /* 0 unknown */
	struct rt_addr gateway;  /* unset: on-link */
	uint32_t table;
	uint8_t type;            /* RTN_*; RTN_UNSPEC unknown */
};

/*
 * A route as the printers show it: the netlink JSON object, the
 * route-change line. The query's answer, or an egress a transmit report
 * observed (only its source, device and ifindex are known then).
 */
struct rt_route_view {
	struct rt_route_snap snap;
	bool known;              /* false: no netlink answer (JSON null) */
	bool observed;           /* from a transmit report: the rest is unknown */
	int err;                 /* the query failed: -errno; snap unset */
	uint8_t err_type;        /* the route type behind err (RTN_UNREACHABLE...); RTN_UNSPEC */
	bool matched;            /* the entry that decided is known (FIB_MATCH): */
	bool multipath;
	uint8_t protocol, scope; /* RTPROT_*, RT_SCOPE_* */
	uint32_t metric;
	char prefix[RT_ADDRSTRLEN + 4];   /* "10.99.0.0/16", "::/0" */
	char from[RT_ADDRSTRLEN + 4];     /* a source-specific entry's "from": "fd00:1::5/128"; "" */
	struct rt_route_mtu mtu;          /* mtu 0: none known (JSON null) */
};

/* The route as the JSON "netlink" object (null when not known): src/route_json.c. */
void rt_route_json(FILE *out, const struct rt_route_view *v);

enum rt_query_flags {
	RT_Q_FIB_MATCH = 1 << 0,   /* return the matched entry, not the result */
	RT_Q_NO_PROTO = 1 << 1,    /* leave out RTA_IP_PROTO/ports (old kernels) */
};

/* Builds the request in buf (RT_NL_BUFSZ); pure. */
struct nlmsghdr *rt_route_request(void *buf, const struct rt_flow *f, uint32_t seq,
				  unsigned flags);

/* The mnl callback that fills a struct rt_route from RTM_NEWROUTE. */
int rt_route_cb(const struct nlmsghdr *nlh, void *data);

/* Pure: parse a whole reply buffer. 0, -errno from the kernel, -EBADMSG, -ENODATA. */
int rt_route_parse(const void *buf, size_t len, uint32_t seq, uint32_t portid,
		   struct rt_route *out);

/*
 * Asks the kernel. On success fills *out (and ifname); 0 or -errno, the
 * errno a socket would get (ENETUNREACH, EHOSTUNREACH, EACCES, EINVAL).
 * *dropped_proto is set when the kernel refused RTA_IP_PROTO and the
 * answer is for a protocol-less flow. For a route on a nexthop object,
 * multipath comes from the object (RTM_GETNEXTHOP): a group of two or more.
 */
int rt_route_get(struct rt_nl *nl, const struct rt_flow *f, unsigned flags,
		 struct rt_route *out, bool *dropped_proto);

/*
 * Does one of the tables hold a route of this type (RTN_PROHIBIT...) that
 * covers dst? A dump filtered by type where the kernel checks strictly.
 * 1 yes, 0 no, -errno.
 */
int rt_route_type_covers(struct rt_nl *nl, const struct rt_addr *dst, uint8_t type,
			 const uint32_t *tables, size_t ntables);

/* Pure: does this error mean the kernel refused RTA_IP_PROTO (retry without)? */
bool rt_route_proto_refused(int rc, const char *extack);

/* "unicast", "local", ... "prohibit"; never NULL. */
const char *rt_route_type_name(uint8_t type);
/* "kernel", "boot", "static", "dhcp", ...; writes the number otherwise. */
const char *rt_route_proto_name(uint8_t proto, char *buf, size_t len);
const char *rt_route_scope_name(uint8_t scope, char *buf, size_t len);
/* The route type a failed query implies (RTN_UNREACHABLE for EHOSTUNREACH...). */
uint8_t rt_route_type_from_errno(int err);

#endif
