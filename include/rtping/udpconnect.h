/*
 * The iputils trick, done with the ICMP socket's own options: connect a UDP
 * socket to DEST:1025 and read back the source the kernel picked. ("Probe"
 * in rtping means an echo request; this is the UDP-connect check.)
 */
#ifndef RTPING_UDPCONNECT_H
#define RTPING_UDPCONNECT_H

#include <stdint.h>

#include "rtping/addr.h"
#include "rtping/flow.h"

#define RT_UDPC_PORT 1025

struct rt_udpc {
	struct rt_addr src;      /* getsockname() */
	uint16_t sport;          /* the ephemeral port it got */
	uint32_t uid;            /* who owned the UDP socket */
};

/*
 * f is the echo flow: its socket options (rt_flow_apply) and bound source
 * are applied; protocol, ports and uid are not (that is the point). 0 or
 * -errno.
 */
int rt_udpc_run(const struct rt_flow *f, struct rt_udpc *out);

/* The UDP flow the connect() was routed with. */
void rt_udpc_flow(const struct rt_flow *icmp, const struct rt_udpc *u, struct rt_flow *udp);

#endif
