/*
 * The echo's flow, built once: the key the kernel routes an echo request
 * by, plus how the sockets get that key (device, mark, tos, broadcast).
 * The ICMP socket, the UDP-connect check and the route queries all read it.
 */
#ifndef RTPING_FLOW_H
#define RTPING_FLOW_H

#include <stdbool.h>
#include <stdint.h>
#include <net/if.h>

#include "rtping/addr.h"
#include "rtping/family.h"

struct rt_error;
struct rt_opts;
struct rt_dest;

/*
 * A flow key as the kernel builds it when a socket sends: for an echo
 * request (or -N's query), proto ICMP/ICMPv6, sport 0, dport type << 8 |
 * code of that request (src/probe.c), plus the
 * socket's mark, tos, bound device, bound source and owner uid.
 */
struct rt_flow {
	const struct rt_family *fam;
	struct rt_addr dst;
	struct rt_addr src;      /* AF_UNSPEC unless the socket is bound */
	uint32_t oif;            /* SO_BINDTODEVICE or IPv6 scope id; 0 none */
	uint32_t mark;
	uint8_t tos;
	uint32_t uid;
	uint8_t proto;
	uint16_t sport, dport;   /* host order */
	/* The socket options that put the key there, and what explain shows. */
	bool has_mark;           /* -m: SO_MARK, even for mark 0 */
	bool has_tos;            /* -Q: IP_TOS / IPV6_TCLASS */
	char iface[IF_NAMESIZE]; /* -I name: SO_BINDTODEVICE; "" none */
	uint32_t scope;          /* the target's IPv6 scope id */
	bool broadcast;          /* -b: SO_BROADCAST */
	/*
	 * -C: the socket is connect()ed. connect() routes (proto, sport, dport 0)
	 * with sport the socket's port (the datagram socket's identifier, the
	 * protocol number for a raw one) and fixes the source it picks for
	 * every later echo (ip4_datagram_connect(), ip6_datagram_connect()).
	 */
	bool connected;
	uint16_t connect_sport;
	bool binds_source;       /* the socket binds the route's source first (-B, -e on a
	                          * datagram socket): echoes are routed from it, and
	                          * connect() keeps it */
	bool has_flowlabel;      /* -F (IPv6): a label is sent (0: the kernel picks one); */
	uint32_t flowlabel;      /* multipath hashes it, a route query cannot carry it */
};

/*
 * The echo flow of o and t for a socket owned by uid. 0, -ENODEV (no
 * such -I device), or -EDESTADDRREQ (a link-local target without one).
 */
int rt_flow_build(struct rt_flow *f, const struct rt_opts *o, const struct rt_dest *t,
		  uint32_t uid);

/*
 * The flow's socket options on fd (device, mark, tos, broadcast), privileges
 * raised only for the first two. Every socket that must take the echo's
 * route gets them here, so they cannot disagree. 0, or -errno with err
 * naming the option (iputils' wording). With mark_err, a failed SO_MARK is
 * stored there (errno) and the rest still applied: iputils warns and pings
 * unmarked.
 */
int rt_flow_apply(int fd, const struct rt_flow *f, int *mark_err, struct rt_error *err);

/*
 * Whether applying this run's flows may still raise a capability once the
 * ICMP sockets are open: root's -m and -I on the UDP probe (SO_MARK,
 * SO_BINDTODEVICE). A user's mark is never raised for, and a new socket
 * binds to a device without privilege (Linux 5.7), so for a user: never;
 * the commands drop every capability as soon as their sockets are open.
 */
bool rt_flow_needs_caps(const struct rt_opts *o);

/*
 * For a run that asks routes without an ICMP socket to learn it from:
 * whether this process's sockets may carry -m's mark, tried once on a UDP
 * socket as rt_flow_apply() sets it. 0 (also without -m), or the errno
 * SO_MARK is refused with: iputils warns, and the flows go unmarked.
 */
int rt_flow_mark_refused(const struct rt_opts *o);

/*
 * src as a sockaddr for bind() and the header: a link-local source takes
 * the -I device's scope (iputils), else the target's.
 */
socklen_t rt_flow_src_sockaddr(const struct rt_flow *f, const struct rt_addr *src,
			       struct sockaddr_storage *ss);

/*
 * bind() fd to src (scoped as above; NULL or unset: the wildcard address)
 * and port. 0 or -errno, err "bind: ..." (err may be NULL).
 */
int rt_flow_bind(int fd, const struct rt_flow *f, const struct rt_addr *src, uint16_t port,
		 struct rt_error *err);

#endif
