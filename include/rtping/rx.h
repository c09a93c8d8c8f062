/*
 * Receiving: replies in batches with recvmmsg() (recvmsg() when one is
 * expected), their control messages decoded into a plain struct, and
 * error-queue messages handed out one by one from batches.
 */
#ifndef RTPING_RX_H
#define RTPING_RX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "rtping/errq.h"
#include "rtping/family.h"

/* What the control messages of one datagram said. */
struct rt_rx_meta {
	int ttl;              /* from a cmsg; -1 none */
	int64_t rx_ns;        /* CLOCK_MONOTONIC receive time: the kernel's, else read_ns */
	int64_t read_ns;      /* CLOCK_MONOTONIC when we read it off the queue */
	const uint8_t *ipopts; /* IPv4 datagram sockets: the reply's options (IP_RETOPTS) */
	size_t ipopts_len;
	uint32_t ifindex;     /* the device it arrived on (pktinfo); 0 unknown */
};

/* One received datagram; valid until the next rt_rx_next(). */
struct rt_rx_dgram {
	const uint8_t *buf;
	size_t len;
	const struct sockaddr *from;
	socklen_t fromlen;
	struct rt_rx_meta meta;
};

struct rt_rx;

/*
 * A batch for fam's replies, each slot big enough for size data bytes and
 * any IP datagram. kernel_ts: the socket has SO_TIMESTAMPNS (not -U).
 * Error-queue slots hold a transmit report's copy of our echo (link-layer
 * and IP headers, ICMP header, size data bytes). NULL when out of memory.
 */
struct rt_rx *rt_rx_new(const struct rt_family *fam, bool kernel_ts, long size);
void rt_rx_free(struct rt_rx *rx);

/*
 * The next datagram from fd's queue, refilling the batch with at most want
 * (at least one) when it is used up. 1 with *d filled, 0 when a signal cut
 * the read short, -errno (-EAGAIN: nothing queued).
 */
int rt_rx_next(struct rt_rx *rx, int fd, long want, struct rt_rx_dgram *d);

/*
 * Pure: a datagram's control messages. Kernel timestamps are CLOCK_REALTIME:
 * converted by the packet's age against the clocks read once per batch
 * (mono, real), so a wall-clock step cannot bend the RTT. The stamp is the
 * truth however old (a stall before our read is no RTT); only one from
 * after our read gives way to it.
 */
void rt_rx_cmsgs(const struct msghdr *msg, const struct rt_family *fam, bool kernel_ts,
		 int64_t mono, int64_t real, struct rt_rx_meta *m);

/*
 * The next error-queue message of fd, decoded (rt_errq_decode), from a
 * batch read with one recvmmsg(MSG_ERRQUEUE) when the last is used up.
 * 1 with *e filled, 0 when it is not ours, -errno when the queue is empty
 * (-EAGAIN) or unreadable.
 */
int rt_rx_errqueue(struct rt_rx *rx, int fd, const struct rt_icmp_match *m,
		   struct rt_errq_entry *e);
/*
 * Transmit reports are on: switch pktinfo (fam->opt_pktinfo) on around
 * each error-queue read when it is not on already for the replies.
 */
void rt_rx_want_pktinfo(struct rt_rx *rx, bool on);

/*
 * Each reply's ingress (meta.ifindex). The socket has pktinfo on
 * (src/sock.c) unless OFF. ALL: it stays on. SAMPLED (flood): a control
 * message on every reply costs a flood a few per cent of its rate, so it
 * stays on for the first RT_RX_INGRESS_FIRST replies, then is switched on
 * for one reply each RT_RX_INGRESS_GAP_NS; the others have ifindex 0.
 */
enum rt_rx_ingress { RT_RX_INGRESS_OFF, RT_RX_INGRESS_ALL, RT_RX_INGRESS_SAMPLED };
#define RT_RX_INGRESS_FIRST 16
#define RT_RX_INGRESS_GAP_NS 10000000LL
void rt_rx_ingress(struct rt_rx *rx, enum rt_rx_ingress mode);

#endif
