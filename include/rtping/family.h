/*
 * What differs between IPv4 and IPv6, in one table, so the rest of rtping
 * has a single code path for both.
 */
#ifndef RTPING_FAMILY_H
#define RTPING_FAMILY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rtping/addr.h"

struct rt_family {
	int af;                 /* AF_INET / AF_INET6 */
	const char *name;       /* "inet" / "inet6", as ip(8) and the JSON say */
	const char *icmp_name;  /* "icmp" / "ipv6-icmp" */
	int proto;              /* IPPROTO_ICMP / IPPROTO_ICMPV6 */
	uint8_t echo_request;
	uint8_t echo_reply;
	size_t addr_len;        /* 4 / 16 */
	size_t ip_hdr_len;      /* header counted in iputils' "S(S+28)" line */
	size_t max_payload;     /* largest -s */
	int sol_ip;             /* IPPROTO_IP / IPPROTO_IPV6 */
	int opt_tos;            /* IP_TOS / IPV6_TCLASS */
	int opt_ttl;            /* IP_TTL / IPV6_UNICAST_HOPS */
	int opt_mcast_ttl;      /* IP_MULTICAST_TTL / IPV6_MULTICAST_HOPS */
	int opt_mcast_loop;     /* IP_MULTICAST_LOOP / IPV6_MULTICAST_LOOP */
	int opt_recverr;        /* IP_RECVERR / IPV6_RECVERR */
	int opt_recvttl;        /* IP_RECVTTL / IPV6_RECVHOPLIMIT */
	int opt_mtu_disc;       /* IP_MTU_DISCOVER / IPV6_MTU_DISCOVER */
	int cmsg_ttl;           /* IP_TTL / IPV6_HOPLIMIT: the cmsg type carrying it */
	int cmsg_recverr;       /* IP_RECVERR / IPV6_RECVERR */
	int so_ee_origin_icmp;  /* SO_EE_ORIGIN_ICMP / SO_EE_ORIGIN_ICMP6 */
	/* iputils' words when those options fail: ping.c "cannot", ping6_common.c "can't". */
	const char *msg_ttl;        /* opt_ttl */
	const char *msg_mcast_ttl;  /* opt_mcast_ttl */
	const char *msg_mcast_loop; /* opt_mcast_loop off (-L) */
	const char *msg_recvttl;    /* opt_recvttl */
	/* Its UDP probe's connect() refused (EACCES) without -b: ping.c asks; NULL none. */
	const char *msg_probe_eacces;
	int opt_pktinfo;        /* IP_PKTINFO / IPV6_RECVPKTINFO: egress, ingress */
	int cmsg_pktinfo;       /* IP_PKTINFO / IPV6_PKTINFO: the cmsg type carrying it */
	/*
	 * rtm_flags for RTM_GETROUTE. IPv4 needs RTM_F_LOOKUP_TABLE to report
	 * the real table; IPv6 rejects it under strict checking and reports
	 * the table anyway (inet6_rtm_valid_getroute_req()).
	 */
	uint32_t rtm_flags;
	uint8_t loopback[16];   /* 127.0.0.1 / ::1, addr_len bytes */
	/*
	 * Where the kernel sends an echo for the unspecified address: IPv4 to
	 * the flow's source, i.e. the bound address, else the bound device's
	 * primary address, else 127.0.0.1 (ip_route_output_key_hash_rcu());
	 * IPv6 always to ::1 (rawv6_sendmsg(), ip6_datagram_connect()).
	 */
	bool self_to_src;
	/* ICMP errors count in "pipe N": iputils' IPv4 acknowledges them, ping6 doesn't. */
	bool error_pipe;
	/*
	 * The error our own stack sends when a neighbour does not resolve:
	 * host unreachable (arp_error_report()), address unreachable (ndisc).
	 */
	uint8_t unreach_type, unreach_neigh_code;
	/*
	 * A lookup without a source that fails is done again from the source
	 * the kernel then selects, so a source-specific route can answer
	 * (IPv6: ip6_dst_lookup_tail()); IPv4 fails at once.
	 */
	bool source_retry;
};

extern const struct rt_family rt_inet, rt_inet6;

/* NULL for anything but AF_INET / AF_INET6. */
const struct rt_family *rt_family_get(int af);

/*
 * The destination port of an echo request's flow key: the kernel puts the
 * ICMP type and code there (type << 8 | code), see kernel-flow.md.
 */
static inline uint16_t rt_family_echo_dport(const struct rt_family *f)
{
	return (uint16_t)(f->echo_request << 8);
}

/*
 * The kernel's "connect to self": an unspecified destination (0.0.0.0, ::)
 * means this host, whatever the routing table says. Rewrites dst to the
 * address the echo really goes to and returns true; returns false, dst
 * untouched, for any other destination. src: the bound source, or unset;
 * iface: the bound device, "" or NULL for none (IPv4 reads its address
 * with an ioctl; when it has none, dst stays unspecified and the kernel
 * picks another device's, which the route query then reports).
 */
bool rt_family_self_dst(const struct rt_family *f, const struct rt_addr *src,
			const char *iface, struct rt_addr *dst);

#endif
