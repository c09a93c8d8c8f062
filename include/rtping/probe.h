/*
 * The iputils trick, done with the ICMP socket's own options: connect a UDP
 * socket to DEST:1025 and read back the source the kernel picked.
 */
#ifndef RTPING_PROBE_H
#define RTPING_PROBE_H

#include <stdbool.h>
#include <stdint.h>

#include "rtping/addr.h"
#include "rtping/route.h"

#define RT_PROBE_PORT 1025

struct rt_probe {
	struct rt_addr src;      /* getsockname() */
	uint16_t sport;          /* the ephemeral port it got */
	uint32_t uid;            /* who owned the probe socket */
};

/*
 * f describes the ICMP socket: device (oif), mark, tos and bound source
 * are copied; protocol, ports and uid are not (that is the point).
 * iface is the SO_BINDTODEVICE name ("" for none). 0 or -errno.
 */
int rt_probe_run(const struct rt_flow *f, const char *iface, uint32_t scope,
		 bool broadcast, struct rt_probe *out);

/* The UDP flow the probe's connect() was routed with. */
void rt_probe_flow(const struct rt_flow *icmp, const struct rt_probe *p, struct rt_flow *udp);

#endif
