/* The per-family table: every v4/v6 difference rtping cares about. */
#include <time.h>
#include <linux/errqueue.h>
#include <linux/rtnetlink.h>
#include <netinet/in.h>
#include <netinet/ip_icmp.h>
#include <netinet/icmp6.h>
#include <sys/socket.h>

#include "rtping/family.h"

const struct rt_family rt_inet = {
	.af = AF_INET,
	.name = "inet",
	.icmp_name = "icmp",
	.proto = IPPROTO_ICMP,
	.echo_request = ICMP_ECHO,
	.echo_reply = ICMP_ECHOREPLY,
	.addr_len = 4,
	.ip_hdr_len = 20,
	.max_payload = 65507,
	.sol_ip = IPPROTO_IP,
	.opt_tos = IP_TOS,
	.opt_ttl = IP_TTL,
	.opt_mcast_ttl = IP_MULTICAST_TTL,
	.opt_mcast_loop = IP_MULTICAST_LOOP,
	.opt_recverr = IP_RECVERR,
	.opt_recvttl = IP_RECVTTL,
	.opt_mtu_disc = IP_MTU_DISCOVER,
	.cmsg_ttl = IP_TTL,
	.cmsg_recverr = IP_RECVERR,
	.so_ee_origin_icmp = SO_EE_ORIGIN_ICMP,
	.rtm_flags = RTM_F_LOOKUP_TABLE,
};

const struct rt_family rt_inet6 = {
	.af = AF_INET6,
	.name = "inet6",
	.icmp_name = "ipv6-icmp",
	.proto = IPPROTO_ICMPV6,
	.echo_request = ICMP6_ECHO_REQUEST,
	.echo_reply = ICMP6_ECHO_REPLY,
	.addr_len = 16,
	.ip_hdr_len = 40,
	.max_payload = 65527,
	.sol_ip = IPPROTO_IPV6,
	.opt_tos = IPV6_TCLASS,
	.opt_ttl = IPV6_UNICAST_HOPS,
	.opt_mcast_ttl = IPV6_MULTICAST_HOPS,
	.opt_mcast_loop = IPV6_MULTICAST_LOOP,
	.opt_recverr = IPV6_RECVERR,
	.opt_recvttl = IPV6_RECVHOPLIMIT,
	.opt_mtu_disc = IPV6_MTU_DISCOVER,
	.cmsg_ttl = IPV6_HOPLIMIT,
	.cmsg_recverr = IPV6_RECVERR,
	.so_ee_origin_icmp = SO_EE_ORIGIN_ICMP6,
	.rtm_flags = 0,
};

const struct rt_family *rt_family_get(int af)
{
	return af == AF_INET ? &rt_inet : af == AF_INET6 ? &rt_inet6 : NULL;
}
