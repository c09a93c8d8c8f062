/*
 * Sending echo requests: build, read the clock, sendto(). Nothing else
 * happens between the clock and the call, so the RTT starts at the send.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <linux/net_tstamp.h>

#include "rtping/clock.h"
#include "rtping/icmp.h"
#include "rtping/tx.h"

struct rt_tx {
	struct rt_tx_cfg cfg;
	/* The report request: one SO_TIMESTAMPING cmsg, built once. */
	union { char b[CMSG_SPACE(sizeof(uint32_t))]; struct cmsghdr align; } ask;
	size_t cap;
	size_t len;             /* the request in pkt (0: none yet): the next reuses it */
	bool no_ask;            /* the kernel refused the request once */
	uint8_t pkt[];
};

struct rt_tx *rt_tx_new(const struct rt_tx_cfg *cfg)
{
	size_t cap = rt_probe_cap(&cfg->probe);
	struct rt_tx *tx = malloc(sizeof(*tx) + cap);

	if (!tx)
		return NULL;
	tx->cfg = *cfg;
	tx->cap = cap;
	tx->len = 0;
	tx->no_ask = false;
	struct cmsghdr *c = &tx->ask.align;
	uint32_t flags = SOF_TIMESTAMPING_TX_SCHED;

	memset(&tx->ask, 0, sizeof(tx->ask));
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SO_TIMESTAMPING;
	c->cmsg_len = CMSG_LEN(sizeof(flags));
	memcpy(CMSG_DATA(c), &flags, sizeof(flags));
	return tx;
}

void rt_tx_free(struct rt_tx *tx)
{
	free(tx);
}

void rt_tx_target(struct rt_tx *tx, const struct sockaddr *dst, socklen_t dst_len, uint16_t id,
		  uint32_t tag)
{
	tx->cfg.dst = dst;
	tx->cfg.dst_len = dst_len;
	tx->cfg.probe.id = id;
	tx->cfg.probe.tag = tag;
}

int rt_tx_echo(struct rt_tx *tx, uint16_t seq, const uint8_t rnd[6], bool *report,
	       int64_t *now)
{
	const struct rt_tx_cfg *c = &tx->cfg;
	size_t len = tx->len = rt_probe_next(&c->probe, seq, rnd, tx->pkt, tx->cap, tx->len);
	struct iovec iov = { tx->pkt, len };
	struct msghdr msg = { .msg_name = (void *)c->dst, .msg_namelen = c->dst_len,
			      .msg_iov = &iov, .msg_iovlen = 1,
			      .msg_control = tx->ask.b, .msg_controllen = sizeof(tx->ask.b) };
	int flags = c->nonblock ? MSG_DONTWAIT : 0;
	ssize_t n;

	*report = *report && !tx->no_ask;
	*now = rt_clock_ns(CLOCK_MONOTONIC);
	if (*report) {
		n = sendmsg(c->fd, &msg, flags);
		if (n >= 0 || errno != EINVAL)
			return n < 0 ? -errno : 0;
		/* The control message, not the echo: send it plain from now on. */
		tx->no_ask = true;
		*report = false;
		*now = rt_clock_ns(CLOCK_MONOTONIC);
	}
	n = sendto(c->fd, tx->pkt, len, flags, c->dst, c->dst_len);
	return n < 0 ? -errno : 0;
}
