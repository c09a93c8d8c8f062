/* The per-family table: every v4/v6 difference rtping cares about. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <net/if.h>
#include <linux/errqueue.h>
#include <linux/rtnetlink.h>
#include <netinet/in.h>
#include <netinet/ip_icmp.h>
#include <netinet/icmp6.h>
#include <sys/ioctl.h>
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
	.msg_ttl = "cannot set unicast time-to-live",
	.msg_mcast_ttl = "cannot set multicast time-to-live",
	.msg_mcast_loop = "cannot disable multicast loopback",
	.msg_recvttl = "IP_RECVTTL",
	.msg_probe_eacces = "Do you want to ping broadcast? Then -b. If not, check your local "
			    "firewall rules",
	.opt_pktinfo = IP_PKTINFO,
	.cmsg_pktinfo = IP_PKTINFO,
	.rtm_flags = RTM_F_LOOKUP_TABLE,
	.loopback = { 127, 0, 0, 1 },
	.self_to_src = true,
	.error_pipe = true,
	.unreach_type = ICMP_DEST_UNREACH,
	.unreach_neigh_code = ICMP_HOST_UNREACH,
	.source_retry = false,
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
	.msg_ttl = "can't set unicast hop limit",
	.msg_mcast_ttl = "can't set multicast hop limit",
	.msg_mcast_loop = "can't disable multicast loopback",
	.msg_recvttl = "can't receive hop limit",
	.opt_pktinfo = IPV6_RECVPKTINFO,
	.cmsg_pktinfo = IPV6_PKTINFO,
	.rtm_flags = 0,
	.loopback = { [15] = 1 },
	.self_to_src = false,
	.error_pipe = false,
	.unreach_type = ICMP6_DST_UNREACH,
	.unreach_neigh_code = ICMP6_DST_UNREACH_ADDR,
	.source_retry = true,
};

const struct rt_family *rt_family_get(int af)
{
	return af == AF_INET ? &rt_inet : af == AF_INET6 ? &rt_inet6 : NULL;
}

/* The device's primary IPv4 address, the one inet_select_addr() picks first. */
static int device_addr4(const char *iface, struct rt_addr *a)
{
	struct ifreq ifr = { 0 };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), rc = 0;

	if (fd < 0)
		return -errno;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", iface);
	if (ioctl(fd, SIOCGIFADDR, &ifr) < 0)
		rc = -errno;
	else
		rc = rt_addr_from_sockaddr(a, NULL, NULL, &ifr.ifr_addr, sizeof(struct sockaddr_in));
	close(fd);
	return rc;
}

bool rt_family_self_dst(const struct rt_family *f, const struct rt_addr *src,
			const char *iface, struct rt_addr *dst)
{
	static const uint8_t any[16];

	if (dst->af != f->af || memcmp(dst->u.raw, any, f->addr_len) != 0)
		return false;
	if (f->self_to_src && src && src->af == f->af) {
		*dst = *src;
	} else if (f->self_to_src && iface && *iface) {
		struct rt_addr a;

		/* None: the kernel falls back to another device's address. */
		if (device_addr4(iface, &a) < 0 || a.af != f->af)
			return false;
		*dst = a;
	} else {
		rt_addr_from_bytes(dst, (sa_family_t)f->af, f->loopback, f->addr_len);
	}
	return true;
}
