/*
 * One echo for --explain-route --verify, on a socket set up as the
 * engine's (src/sock.c) and opened by the caller while it still held its
 * capabilities: one send (src/tx.c), and the error queue read until its
 * transmit report or the wait is over. The reply itself is not awaited.
 */
#include <errno.h>
#include <poll.h>
#include <string.h>

#include "rtping/clock.h"
#include "rtping/error.h"
#include "rtping/nl.h"
#include "rtping/rx.h"
#include "rtping/sock.h"
#include "rtping/tx.h"
#include "rtping/verify.h"

/* Reads reports until one is for our echo: 1 found, 0 not yet, -errno. */
static int read_report(struct rt_rx *rx, const struct rt_sock *s, struct rt_egress *eg)
{
	struct rt_errq_entry en;
	int rc;

	while ((rc = rt_rx_errqueue(rx, s->fd, &s->match, &en)) >= 0) {
		if (rc == 0 || en.kind != RT_ERRQ_TXREPORT)
			continue;
		eg->ifindex = en.tx.ifindex;
		eg->src = en.tx.src;
		rt_nl_ifname(NULL, eg->ifindex, eg->dev);
		return 1;
	}
	return rc == -EAGAIN ? 0 : rc;
}

static int wait_report(struct rt_rx *rx, const struct rt_sock *s, struct rt_egress *eg)
{
	int64_t end = rt_clock_ns(CLOCK_MONOTONIC) + RT_VERIFY_WAIT_MS * 1000000LL;
	int rc;

	for (;;) {
		int64_t left = end - rt_clock_ns(CLOCK_MONOTONIC);
		struct pollfd p = { .fd = s->fd, .events = 0 };

		if ((rc = read_report(rx, s, eg)) != 0)
			return rc < 0 ? rc : 0;
		if (left <= 0)
			return -ETIMEDOUT;
		if (poll(&p, 1, (int)(left / 1000000) + 1) < 0 && errno != EINTR)
			return -errno;
	}
}

int rt_verify_egress(const struct rt_opts *o, const struct rt_dest *t,
		     const struct rt_sock *s, struct rt_egress *eg, struct rt_error *err)
{
	static const uint8_t rnd[6];
	struct rt_tx_cfg tc = {
		.fd = s->fd, .dst = (struct sockaddr *)&s->dst, .dst_len = s->dst_len,
	};
	struct rt_tx *tx = NULL;
	struct rt_rx *rx = NULL;
	int64_t now;
	int rc;

	memset(eg, 0, sizeof(*eg));
	/* What the engine would send: with -N, the query (its flow, its report). */
	rt_probe_init(&tc.probe, o, t->fam, &t->addr, s->match.id);
	if (!s->reports)
		return -EOPNOTSUPP;
	if (!(tx = rt_tx_new(&tc)) || !(rx = rt_rx_new(t->fam, false, o->size))) {
		rc = rt_error_errno(err, -ENOMEM, "malloc");
	} else {
		bool ask = true;

		rt_rx_want_pktinfo(rx, true);
		rc = rt_tx_echo(tx, 1, rnd, &ask, &now);
		if (rc < 0)
			rt_error_errno(err, rc, "sendmsg");
		else if (!ask)
			rc = -EOPNOTSUPP;   /* sent, but no report will come */
	}
	if (rc == 0 && (rc = wait_report(rx, s, eg)) < 0 && rc != -ETIMEDOUT)
		rt_error_errno(err, rc, "recvmsg");
	rt_tx_free(tx);
	rt_rx_free(rx);
	return rc;
}
