/*
 * The socket error queue (IP_RECVERR / IPV6_RECVERR): one message read
 * with MSG_ERRQUEUE, decoded into a tagged entry. Pure: the tests build the
 * message (control buffer, name, quoted bytes) by hand.
 */
#ifndef RTPING_ERRQ_H
#define RTPING_ERRQ_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "rtping/icmp.h"
#include "rtping/txrep.h"

enum rt_errq_kind {
	RT_ERRQ_ICMP,       /* an ICMP error about one of our echo requests */
	RT_ERRQ_LOCAL,      /* our own stack refused the send (EMSGSIZE, ...) */
	RT_ERRQ_TXREPORT,   /* a transmit report: where an echo left (src/txrep.c) */
};

struct rt_errq_entry {
	enum rt_errq_kind kind;
	struct rt_icmp_err err;   /* RT_ERRQ_ICMP, RT_ERRQ_LOCAL */
	struct rt_txrep tx;       /* RT_ERRQ_TXREPORT */
};

/*
 * One error-queue message: msg as recvmsg() left it (control, name,
 * msg_iov[0] holding len quoted or returned bytes). 0 with *out filled, or
 * -ENOMSG when it carries no extended error, is about someone else's
 * packet, or is a transmit report that names no device.
 */
int rt_errq_decode(const struct rt_icmp_match *m, const struct msghdr *msg, size_t len,
		   struct rt_errq_entry *out);

#endif
