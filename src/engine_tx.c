/*
 * The engine's sending: one echo (or -N query) to target i through its
 * family's socket (src/tx.c), the send counted and its failure reported;
 * -O's and JSON's "no answer yet" for the probe before it.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <sys/random.h>

#include "rtping/egress.h"
#include "rtping/error.h"
#include "rtping/targets.h"
#include "engine_int.h"

static void send_failed(struct rt_engine *e, size_t i, uint16_t seq, int err)
{
	struct rt_event ev = { .kind = RT_EV_SEND_ERROR, .tgt = &e->views[i], .seq = seq,
			       .err = err };
	struct fsock *fs = &e->fs[rt_engine_fam(e->tl->t[i].fam)];
	int handled = 0;

	/*
	 * Too long for the path (-M do): iputils 20250605 counts the error and
	 * says the send's own words; the local error the kernel queued with
	 * it is not said a second time (src/engine_rx.c).
	 */
	if (err == EMSGSIZE) {
		e->tl->st[i].nerrors++;
		fs->msgsize_said++;
		handled = -1;
	}
	/* An ICMP error may explain the failure: report that one instead. */
	for (int n = 0, rc; !handled && n < 256 &&
	     (rc = rt_engine_recv_err(e, rt_engine_fam(e->tl->t[i].fam))) >= 0; n++)
		handled += rc == 1;
	if (handled > 0)
		return;
	ev.wall_us = rt_engine_wall(e);
	ev.text = strerror(err);
	rt_out_event(&e->out, &ev);
}

/* A query's nonce: its sequence, then 6 bytes nobody off the path can guess. */
static void new_nonce(struct rt_engine *e, uint16_t seq, uint8_t rnd[6])
{
	if (getrandom(rnd, 6, GRND_NONBLOCK) != 6) {
		int64_t t = rt_clock_ns(CLOCK_MONOTONIC) ^ ((int64_t)getpid() << 40);

		memcpy(rnd, &t, 6);
	}
	rt_ni_nonce_remember(&e->nonces, seq, rnd);
}

/* -O and JSON: the previous probe is still unanswered as the next leaves. */
static void report_outstanding(struct rt_engine *e, size_t i)
{
	const struct rt_stats *st = &e->tl->st[i];
	uint16_t last = (uint16_t)st->ntransmitted;
	struct rt_event ev = { .kind = RT_EV_TIMEOUT, .tgt = &e->views[i], .seq = last };

	if (!st->ntransmitted || !(e->o->outstanding || e->o->json) ||
	    rt_stats_received(st, last))
		return;
	if (e->eager)
		rt_engine_drain_errq(e, rt_engine_fam(e->tl->t[i].fam));
	ev.wall_us = rt_engine_wall(e);
	ev.egress = rt_observe_egress(&e->ob, i, last);
	rt_out_event(&e->out, &ev);
}

int64_t rt_engine_send(struct rt_engine *e, size_t i, int64_t at)
{
	const struct rt_opts *o = e->o;
	struct rt_tgt *t = &e->tl->t[i];
	struct rt_stats *st = &e->tl->st[i];
	struct fsock *fs = &e->fs[rt_engine_fam(t->fam)];
	uint16_t seq = rt_stats_next_seq(st);
	uint8_t rnd[6] = { 0 };
	bool ask;
	int64_t now;
	int err;

	/* Written once per change of target: a flood sends to the same one. */
	if (e->dst_of != i + 1) {
		e->dst_len = rt_addr_to_sockaddr(&e->tl->peers[i].addr, 0, t->scope, &e->dst);
		/* -F: the label leased for this destination (one target: src/ping.c). */
		if (fs->sock.flowlabel && e->dst.ss_family == AF_INET6)
			((struct sockaddr_in6 *)&e->dst)->sin6_flowinfo = htonl(fs->sock.flowlabel);
		rt_tx_target(fs->tx, (struct sockaddr *)&e->dst, e->dst_len, e->tl->peers[i].id);
		e->dst_of = i + 1;
	}
	report_outstanding(e, i);
	ask = fs->sock.reports && rt_egress_sample(&e->ob.t[i].eg, e->sample, at);
	if (fs->ni)
		new_nonce(e, seq, rnd);
	err = -rt_tx_echo(fs->tx, seq, rnd, &ask, &now);
	if (err) {
		switch (rt_policy_send_error(o, st, err)) {
		case RT_SEND_RETRY:
			rt_sched_retry(&e->sched, i, st, now);
			return now;
		case RT_SEND_FATAL:
			rt_error_set(&e->fatal, -err, "Do you want to ping broadcast? Then -b. "
				     "If not, check your local firewall rules");
			return now;
		case RT_SEND_FAILED:
			break;
		}
	}
	rt_stats_sent(st, seq, now);
	if (ask && !err)
		rt_egress_asked(&e->ob.t[i].eg, seq, now);
	if (err) {
		send_failed(e, i, seq, err);
	} else {
		rt_out_sent(&e->out);   /* -f's dot */
	}
	rt_sched_sent(&e->sched, i, st, now);
	fs->rx_maybe = true;
	fs->unread++;
	fs->reports_unread += ask && !err;
	e->last_sent = i;
	rt_engine_update(e, i, now);
	return now;
}
