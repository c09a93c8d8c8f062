/*
 * The ICMP socket: opened (datagram first, raw fallback), configured from
 * the options and the flow, and bound for -I addr or -B. Set-up only: no
 * packet is sent or read here.
 */
#ifndef RTPING_SOCK_H
#define RTPING_SOCK_H

#include <stdio.h>
#include <stdbool.h>
#include <sys/socket.h>

#include "rtping/flow.h"
#include "rtping/icmp.h"
#include "rtping/opts.h"
#include "rtping/route.h"
#include "rtping/resolve.h"

struct rt_error;
struct rt_sock {
	int fd;                         /* -1 closed */
	int type;                       /* SOCK_DGRAM or SOCK_RAW */
	struct rt_icmp_match match;     /* how replies on it are recognised */
	struct sockaddr_storage dst;    /* the target, for sendto() (-F: its flow label) */
	socklen_t dst_len;
	bool bound;                     /* bind() done (-I addr, -e, -C) */
	bool bind_route;                /* the route's source is bound once known (-B, -e) */
	uint16_t port;                  /* its port: a datagram socket's identifier */
	uint32_t flowlabel;             /* -F: the label the kernel granted (host order) */
	int mark_err;                   /* SO_MARK failed (errno): running unmarked */
	size_t ntargets;                /* how many targets it serves */
	bool reports;                   /* transmit reports on: each echo's egress is known */
	bool ingress;                   /* pktinfo on: each reply's ingress device is known */
};

/*
 * Opens and configures the socket, raising capabilities only around the
 * calls that need them; f and t: the first of ntargets it serves (raw:
 * echo ids match.id + i, one each; any: errors for every destination).
 * 0, or -errno with err naming the failing step ("socket",
 * "SO_BINDTODEVICE", ...) for the message main prints.
 */
int rt_sock_open(struct rt_sock *s, const struct rt_opts *o, const struct rt_flow *f,
		 const struct rt_dest *t, size_t ntargets, struct rt_error *err);

/*
 * -B: pins the source the route module chose (unless -I addr bound one),
 * so it cannot change mid-run. 0, or -errno with err filled.
 */
int rt_sock_bind_route(struct rt_sock *s, const struct rt_opts *o, const struct rt_flow *f,
		       const struct rt_route_snap *route, struct rt_error *err);

/*
 * -C: connect() to the target, as iputils does once the header is out.
 * The flow must say so (rt_flow.connected): connecting changes the key.
 * 0, or -errno with err "connect failed: ...".
 */
int rt_sock_connect(struct rt_sock *s, struct rt_error *err);
/*
 * The source port connect() routes with: a datagram socket's identifier
 * (known once bound: -e or -C), the protocol number for a raw socket.
 */
uint16_t rt_sock_connect_sport(const struct rt_sock *s);

/*
 * What only the open socket knows, for the flow before anything asks the
 * route: a refused SO_MARK (iputils warns and pings unmarked, so neither
 * the route query nor the UDP check may carry the mark), -C's port, and
 * whether it binds the route's source (-B, -e), which its echoes are then
 * routed from.
 */
void rt_sock_flow_facts(const struct rt_sock *s, struct rt_flow *f);

void rt_sock_close(struct rt_sock *s);

#endif
