/*
 * Transmit reports (SO_TIMESTAMPING with OPT_CMSG and OPT_ID, plus
 * IP_PKTINFO / IPV6_RECVPKTINFO): for each echo the kernel hands to a
 * device, the device and the source address it left with. One error-queue
 * message in, one struct out; pure (reference: egress.md).
 */
#ifndef RTPING_TXREP_H
#define RTPING_TXREP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <linux/errqueue.h>

#include "rtping/icmp.h"

struct rt_txrep {
	uint32_t key;            /* ee_data: the socket's send counter (OPT_ID) */
	uint32_t point;          /* ee_info: SCM_TSTAMP_SCHED (queued) or _SND (sent) */
	uint32_t ifindex;        /* the device it was handed to; 0 unknown */
	struct rt_addr src;      /* the source it carried; unset unknown */
	bool has_seq;            /* the echo was found in the returned packet: */
	uint16_t seq;
	uint16_t id;             /* its identifier (a raw socket's: which target) */
	struct rt_addr dst;      /* its destination (a datagram socket's: which target) */
	int64_t real_ns;         /* software timestamp, CLOCK_REALTIME; 0 none */
};

/*
 * msg: as recvmsg(MSG_ERRQUEUE) left it (control buffer), ee its extended
 * error (origin SO_EE_ORIGIN_TIMESTAMPING), data/len the returned packet:
 * link-layer header, IP header, our echo request of m->echo_len bytes.
 * 0 with *out filled; -ENOMSG when it is no transmit report or names no
 * device (then it cannot say where an echo went).
 */
int rt_txrep_parse(const struct rt_icmp_match *m, const struct sock_extended_err *ee,
		   const struct msghdr *msg, const uint8_t *data, size_t len,
		   struct rt_txrep *out);

#endif
