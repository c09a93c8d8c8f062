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
	/*
	 * iputils says a failed send only when it learnt more (EMSGSIZE, an
	 * ICMP error): a route that refuses (no route, unreachable,
	 * prohibit) fails each send in silence, the route watch having said
	 * why. With several targets, the first failure of each is said.
	 */
	if (err != EMSGSIZE) {
		struct rt_tgt *t = &e->tl->t[i];

		ev.unsaid = !e->multi || t->sendfail_said;
		t->sendfail_said = true;
	}
	ev.wall_us = rt_engine_wall(e);
	ev.text = strerror(err);
	rt_out_event(&e->out, &ev);
}

/* A full send buffer (EAGAIN, ENOBUFS) or no memory: the echo did not leave. */
static bool cannot_leave(int err)
{
	return err == EAGAIN || err == ENOBUFS || err == ENOMEM;
}

/*
 * Many targets: the shared socket's buffer refused target i's echo. It
 * counts as sent and as an error (iputils' hard local error), is said
 * once for the target, and the target backs off (rt_sched_backoff()).
 */
static void send_blocked(struct rt_engine *e, size_t i, uint16_t seq, int err)
{
	struct rt_event ev = { .kind = RT_EV_SEND_ERROR, .tgt = &e->views[i], .seq = seq,
			       .err = err };

	e->tl->st[i].nerrors++;
	rt_engine_stuck(e, i, err);
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
	/* A probe whose send failed never left: iputils' -O line says it, JSON does not. */
	if (e->o->json && e->tl->t[i].last_unsent)
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
		rt_tx_target(fs->tx, (struct sockaddr *)&e->dst, e->dst_len, e->tl->peers[i].id,
			     (uint32_t)i);
		e->dst_of = i + 1;
	}
	report_outstanding(e, i);
	ask = fs->sock.reports && rt_egress_sample(&e->ob.t[i].eg, e->sample, at);
	if (fs->ni)
		new_nonce(e, seq, rnd);
	err = -rt_tx_echo(fs->tx, seq, rnd, &ask, &now);
	if (err && e->multi && !cannot_leave(err) && err != EMSGSIZE) {
		/*
		 * An ICMP error pending on the shared socket (another target's,
		 * with IP_RECVERR) fails whichever send comes next, and that
		 * echo never left: the error goes to its target (which may
		 * be this one, now over), the echo goes again, once.
		 */
		rt_engine_drain_errq(e, rt_engine_fam(t->fam));
		if (t->state != RT_TGT_RUNNING)
			return now;
		err = -rt_tx_echo(fs->tx, seq, rnd, &ask, &now);
	}
	if (err) {
		/* A refused flow's EACCES is the route's, not a broadcast without -b. */
		switch (t->refused && err == EACCES ? RT_SEND_FAILED
			: rt_policy_send_error(o, st, err, e->multi)) {
		case RT_SEND_RETRY:
			rt_sched_retry(&e->sched, i, st, now);
			return now;
		case RT_SEND_FATAL:
			rt_error_set(&e->fatal, -err, "Do you want to ping broadcast? Then -b. "
				     "If not, check your local firewall rules");
			return now;
		case RT_SEND_BLOCKED:
		case RT_SEND_FAILED:
			break;
		}
	}
	rt_stats_sent(st, seq, now);
	rt_policy_sent(&t->run, o, now);
	t->last_unsent = err != 0;
	st->nsendfail += err != 0;
	if (ask && !err)
		rt_egress_asked(&e->ob.t[i].eg, seq, now);
	if (err && cannot_leave(err)) {
		send_blocked(e, i, seq, err);   /* many targets: RT_SEND_BLOCKED */
	} else if (err) {
		send_failed(e, i, seq, err);
	} else {
		rt_out_sent(&e->out);   /* -f's dot */
	}
	if (err && cannot_leave(err))
		rt_sched_backoff(&e->sched, i, st, now);
	else
		rt_sched_sent(&e->sched, i, st, now);
	fs->rx_maybe = true;
	fs->unread++;
	fs->reports_unread += ask && !err;
	e->last_sent = i;
	rt_engine_update(e, i, now);
	return now;
}
