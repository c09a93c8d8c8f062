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

/*
 * The check for many flows (the audit, a ping of many targets): one UDP
 * socket per family, connect()ed for each flow and disconnected after
 * (connect() to AF_UNSPEC), which frees its source and port as a new
 * socket's are. Checks asked ahead are kept for rt_udpc_check().
 */
struct rt_udpc_kept {
	struct rt_flow f;
	struct rt_udpc u;
	int err;
};

struct rt_udpc_sock {
	int fd[2];                   /* inet, inet6; -1 none yet */
	struct rt_flow opts[2];      /* the flow whose options each fd carries */
	uint32_t uid[2];
	struct rt_udpc_kept *kept;   /* asked ahead, in order */
	size_t nkept, cap, next;     /* next: where rt_udpc_check() looks first */
};

void rt_udpc_sock_init(struct rt_udpc_sock *s);
void rt_udpc_sock_close(struct rt_udpc_sock *s);

/*
 * The check for f, as rt_udpc_run() makes it on a new socket: kept from
 * rt_udpc_ahead() for the same flow, else asked on s's socket (a new
 * socket, rt_udpc_run(), when s is NULL). 0 or -errno.
 */
int rt_udpc_check(struct rt_udpc_sock *s, const struct rt_flow *f, struct rt_udpc *out);
/* Room for n checks kept, taken now. 0 or -ENOMEM. */
int rt_udpc_reserve(struct rt_udpc_sock *s, size_t n);
/*
 * Makes the check for f now and keeps it for rt_udpc_check(); a copy in
 * *out, its result (0 or -errno) in *err. 0, or -ENOMEM (nothing kept).
 */
int rt_udpc_ahead(struct rt_udpc_sock *s, const struct rt_flow *f, struct rt_udpc *out,
		  int *err);
/* Forgets the checks kept. */
void rt_udpc_forget(struct rt_udpc_sock *s);

/* The UDP flow the connect() was routed with. */
void rt_udpc_flow(const struct rt_flow *icmp, const struct rt_udpc *u, struct rt_flow *udp);

#endif
