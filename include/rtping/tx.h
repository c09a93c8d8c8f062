/*
 * Sending: one request per call (an echo, or -N's query: src/probe.c),
 * built into the module's own buffer
 * and handed to sendto(), with the RTT's start read right before it. The
 * engine decides when; this is the thin syscall layer under it.
 */
#ifndef RTPING_TX_H
#define RTPING_TX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "rtping/probe.h"

struct rt_tx;

/* What every request of a run shares. */
struct rt_tx_cfg {
	struct rt_probe probe;          /* what is sent (its -N subject: must outlive the rt_tx) */
	int fd;
	const struct sockaddr *dst;     /* the target; must outlive the rt_tx */
	socklen_t dst_len;
	/*
	 * Many targets: a full send buffer fails the send at once (EAGAIN)
	 * instead of blocking every target for the send timeout.
	 */
	bool nonblock;
};

/* NULL when out of memory. */
struct rt_tx *rt_tx_new(const struct rt_tx_cfg *cfg);
void rt_tx_free(struct rt_tx *tx);

/*
 * Many targets on one socket: the next echoes go to dst (which must
 * outlive them) with identifier id and, when the probe is tagged, tag.
 */
void rt_tx_target(struct rt_tx *tx, const struct sockaddr *dst, socklen_t dst_len, uint16_t id,
		  uint32_t tag);

/*
 * Sends request seq (rnd: a query's nonce bytes, see rt_probe_build());
 * *report: ask the kernel for its transmit report (an SO_TIMESTAMPING
 * control message, src/txrep.c reads the answer). A kernel that refuses
 * the control message (EINVAL: before 4.10) gets the request without it,
 * then and from then on, and *report says false.
 * 0, or -errno from the send; *now is the CLOCK_MONOTONIC time read just
 * before the send, in both cases.
 */
int rt_tx_echo(struct rt_tx *tx, uint16_t seq, const uint8_t rnd[6], bool *report,
	       int64_t *now);

#endif
