/*
 * The ping engine: the targets' echo requests, turned into events for
 * src/output.c with what comes back (src/engine_rx.c). Model: iputils
 * ping's behaviour (options, timing rules, exit codes) without its
 * structure: socket set-up in src/sock.c, sending in src/tx.c, the rules
 * in src/policy.c, the loop in src/loop.c; RTTs from our own window of
 * sends instead of the reply payload; one code path for IPv4 and IPv6,
 * and for one target or many (a list of one).
 *
 * Two heaps of target indices (src/tsched.c) keep the per-turn work
 * independent of the number of targets: `send` says who sends next (each
 * target's own schedule, the global --rate), `wake` whose -w deadline or
 * linger ends next. A target is looked at again only when something
 * happened to it: a send, a reply, an error, its wake time.
 */
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/random.h>

#include "rtping/caps.h"
#include "rtping/egress.h"
#include "rtping/loop.h"
#include "rtping/probe.h"
#include "engine_int.h"

static bool is_multicast(const struct rt_addr *a)
{
	/* 224.0.0.0/4 and ff00::/8: the first byte says it for both families. */
	return a->af == AF_INET ? (a->u.raw[0] & 0xf0) == 0xe0 : a->u.raw[0] == 0xff;
}

void rt_engine_use_target(struct rt_engine *e, size_t i)
{
	struct rt_tgt *t = &e->tl->t[i];

	e->out.host = t->name;
	e->out.route_json = t->route_json;
	e->out.prefix = e->multi && (e->o->verbose || t->shared);
	e->out.v6 = t->fam->af == AF_INET6;
	rt_addr_str(&e->tl->peers[i].addr, e->taddr, sizeof(e->taddr));
	e->out.target_addr = e->taddr;
	e->out.name_ctx = e->names[t->numeric];
	/* Broadcast/multicast: many hosts answer, so iputils hides (DUP!) unless -v. */
	e->out.quiet_dup = t->group && !e->o->verbose;
	e->out.flowlabel = e->fs[rt_engine_fam(t->fam)].sock.flowlabel;
	/* iputils times echoes only: no "time=", no rtt line for queries. */
	e->out.timing = e->timing && !e->fs[rt_engine_fam(t->fam)].ni;
}

static void open_fam(struct rt_engine *e, int k, const struct rt_engine_fam *f, int *rc,
		     const char **what)
{
	struct fsock *fs = &e->fs[k];

	if (*rc < 0 || !f->flow)
		return;
	fs->flow = f->flow;
	fs->sock.fd = -1;
	*rc = rt_sock_open(&fs->sock, e->o, f->flow, f->t, e->tl->n, what);
	if (*rc < 0)
		return;
	fs->open = true;
	fs->rx = rt_rx_new(f->t->fam, !e->o->latency_user, e->o->size);
	/* The destination and id are each send's (rt_tx_target()). */
	struct rt_tx_cfg tc = { .fd = fs->sock.fd, .dst = (struct sockaddr *)&fs->sock.dst,
				.dst_len = fs->sock.dst_len };

	rt_probe_init(&tc.probe, e->o, f->t->fam, &f->t->addr, fs->sock.match.id);
	fs->ni = rt_probe_is_ni(e->o, f->t->fam);
	fs->tx = rt_tx_new(&tc);
	if (!fs->rx || !fs->tx)
		*rc = (*what = "malloc", -ENOMEM);
	else
		rt_rx_want_pktinfo(fs->rx, fs->sock.reports);
}

/* Some ready target's replies are shown numeric (numeric 1) or resolved (0). */
static bool need_names(const struct rt_targets *tl, int numeric)
{
	for (size_t i = 0; i < tl->n; i++)
		if (tl->t[i].state == RT_TGT_READY && tl->t[i].numeric == numeric)
			return true;
	return false;
}

/* The scope for link-local addresses inside IP options: the first target's. */
static uint32_t first_scope(const struct rt_engine_fam fams[2])
{
	return fams[0].t ? fams[0].t->scope : fams[1].t ? fams[1].t->scope : 0;
}

int rt_engine_open(struct rt_engine **ep, const struct rt_opts *o, struct rt_targets *tl,
		   const struct rt_engine_fam fams[2], const char *prog, const char **what)
{
	struct rt_engine *e = calloc(1, sizeof(*e));
	int rc = 0;

	*ep = NULL;
	*what = "malloc";
	if (!e)
		return -ENOMEM;
	e->o = o;
	e->tl = tl;
	e->fs[0].sock.fd = e->fs[1].sock.fd = -1;
	e->privileged = rt_caps_privileged();
	e->need_wall = o->timestamps || o->json;
	e->multi = tl->n > 1;
	e->eager = !o->quiet && (o->json || (o->verbose && !o->flood));
	rt_out_init(&e->out, o, false, prog, NULL);
	e->timing = e->out.timing;
	e->out.multi = e->multi;
	e->out.rr = &e->rr;
	e->out.name = rt_names_copy;
	for (int k = 0; k < 2; k++)
		open_fam(e, k, &fams[k], &rc, what);
	/* Only a target whose replies are resolved needs the worker thread. */
	for (int k = 0; k < 2 && rc == 0; k++)
		if (need_names(tl, k) && (rc = rt_names_open(&e->names[k], k, first_scope(fams),
							     NULL, rt_loop_wait_fd)) < 0)
			*what = "eventfd";
	if (rc < 0) {
		rt_engine_close(e);
		return rc;
	}
	*ep = e;
	return 0;
}

void rt_engine_close(struct rt_engine *e)
{
	if (!e)
		return;
	for (int k = 0; k < 2; k++) {
		rt_sock_close(&e->fs[k].sock);
		rt_rx_free(e->fs[k].rx);
		rt_tx_free(e->fs[k].tx);
	}
	rt_observe_free(&e->ob);
	free(e->route.json);
	rt_names_close(e->names[0]);
	rt_names_close(e->names[1]);
	rt_tsched_free(&e->send);
	rt_tsched_free(&e->wake);
	rt_demux_free(&e->dmx);
	free(e);
}

int rt_engine_fd(const struct rt_engine *e, int fam)
{
	return e->fs[fam].open ? e->fs[fam].sock.fd : -1;
}

const struct rt_sock *rt_engine_sock(const struct rt_engine *e, int fam)
{
	return e->fs[fam].open ? &e->fs[fam].sock : NULL;
}

void rt_engine_set_prediction(struct rt_engine *e, struct rt_route_view *v, bool multipath)
{
	free(e->route.json);
	e->route = *v;
	v->json = NULL;
	e->multipath = multipath;
}

void rt_engine_route(struct rt_engine *e, struct rt_route_view *v, const char *cause)
{
	rt_observe_route(&e->ob, v, cause, rt_stats_next_seq(&e->tl->st[0]), rt_engine_wall(e));
}

struct rt_out *rt_engine_out(struct rt_engine *e)
{
	return &e->out;
}

/* ---- one target's run --------------------------------------------------- */

static void finish(struct rt_engine *e, size_t i)
{
	e->tl->t[i].state = RT_TGT_DONE;
	rt_tsched_done(&e->send, i);
	rt_tsched_done(&e->wake, i);
	e->nlive--;
}

/* When target i's next probe may leave: its schedule, unless a full queue said wait. */
static int64_t due_time(const struct rt_engine *e, size_t i)
{
	const struct rt_tgt *t = &e->tl->t[i];
	struct rt_sched sched = e->sched;
	int64_t due;

	sched.next_ns = t->next_ns;
	due = rt_sched_due(&sched, &e->tl->st[i]);

	return due > t->retry_ns ? due : t->retry_ns;
}

/*
 * Something happened to target i (a send, a reply, an error, its wake
 * time): iputils' rules asked again, and both heaps told the answer.
 */
void rt_engine_update(struct rt_engine *e, size_t i, int64_t now)
{
	struct rt_tgt *t = &e->tl->t[i];
	const struct rt_stats *st = &e->tl->st[i];
	int64_t wake;

	if (t->state != RT_TGT_RUNNING)
		return;
	rt_policy_schedule_exit(&t->run, e->o, st, now);
	if (rt_policy_finished(&t->run, e->o, st, now)) {
		finish(e, i);
		return;
	}
	if (rt_policy_may_send(e->o, st))
		rt_tsched_defer(&e->send, i, due_time(e, i));
	else
		rt_tsched_done(&e->send, i);
	wake = rt_policy_wake(&t->run);
	rt_tsched_defer(&e->wake, i, wake ? wake : RT_LOOP_IDLE);
}

/* ---- sending ------------------------------------------------------------ */

static void send_failed(struct rt_engine *e, size_t i, int err)
{
	struct rt_event ev = { .kind = RT_EV_SEND_ERROR, .err = err };
	int handled = 0;

	/* An ICMP error may explain the failure: report that one instead. */
	for (int n = 0, rc; n < 256 &&
	     (rc = rt_engine_recv_err(e, rt_engine_fam(e->tl->t[i].fam))) >= 0; n++)
		handled += rc == 1;
	if (handled)
		return;
	rt_engine_use_target(e, i);
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
	struct rt_event ev = { .kind = RT_EV_TIMEOUT, .seq = last };

	if (!st->ntransmitted || !(e->o->outstanding || e->o->json) ||
	    rt_stats_received(st, last))
		return;
	if (e->eager)
		rt_engine_drain_errq(e, rt_engine_fam(e->tl->t[i].fam));
	rt_engine_use_target(e, i);
	ev.wall_us = rt_engine_wall(e);
	ev.egress = rt_observe_egress(&e->ob, last);
	rt_out_event(&e->out, &ev);
}

static void send_probe(struct rt_engine *e, size_t i)
{
	const struct rt_opts *o = e->o;
	struct rt_tgt *t = &e->tl->t[i];
	struct rt_stats *st = &e->tl->st[i];
	struct fsock *fs = &e->fs[rt_engine_fam(t->fam)];
	struct rt_sched sched = e->sched;
	uint16_t seq = rt_stats_next_seq(st);
	socklen_t dst_len = rt_addr_to_sockaddr(&e->tl->peers[i].addr, 0, t->scope, &e->dst);
	uint8_t rnd[6] = { 0 };
	bool ask;
	int64_t now;
	int err;

	/* -F: the label leased for this destination (one target: src/ping.c). */
	if (fs->sock.flowlabel && e->dst.ss_family == AF_INET6)
		((struct sockaddr_in6 *)&e->dst)->sin6_flowinfo = htonl(fs->sock.flowlabel);
	report_outstanding(e, i);
	rt_tx_target(fs->tx, (struct sockaddr *)&e->dst, dst_len, e->tl->peers[i].id);
	ask = fs->sock.reports && rt_egress_sample(o->flood, st->ntransmitted);
	if (fs->ni)
		new_nonce(e, seq, rnd);
	err = -rt_tx_echo(fs->tx, seq, rnd, &ask, &now);
	if (err) {
		switch (rt_policy_send_error(o, st, err)) {
		case RT_SEND_RETRY:
			t->retry_ns = now + RT_FLOOD_GAP_NS;
			rt_tsched_defer(&e->send, i, due_time(e, i));
			return;
		case RT_SEND_FATAL:
			e->fatal = "Do you want to ping broadcast? Then -b. If not, "
				   "check your local firewall rules";
			return;
		case RT_SEND_FAILED:
			break;
		}
	}
	rt_stats_sent(st, seq, now);
	if (ask && !err)
		rt_egress_asked(&e->ob.eg, seq);
	if (err) {
		send_failed(e, i, err);
	} else {
		rt_engine_use_target(e, i);
		rt_out_sent(&e->out);
	}
	sched.next_ns = t->next_ns;
	rt_sched_sent(&sched, st, now);
	t->next_ns = sched.next_ns;
	rt_tsched_sent(&e->send, i, now, due_time(e, i));
	fs->rx_maybe = true;
	fs->unread++;
	fs->reports_unread += ask && !err;
	e->last_sent = i;
	rt_engine_update(e, i, now);
}

/* ---- the run ------------------------------------------------------------ */

/* Targets whose -w or linger ended by now: their runs are over. */
static void expire(struct rt_engine *e, int64_t now)
{
	int64_t w;
	long i;

	for (size_t n = e->tl->n; n && (i = rt_tsched_pick(&e->wake, now, &w)) >= 0; n--) {
		rt_engine_update(e, (size_t)i, now);
		/* update() finishes it; never ask about the same one for ever. */
		if (e->tl->t[i].state == RT_TGT_RUNNING && e->wake.due[i] <= now)
			rt_tsched_defer(&e->wake, (size_t)i, RT_LOOP_IDLE);
	}
}

int64_t rt_engine_step(struct rt_engine *e, int64_t now)
{
	int64_t w1, w2, said;
	long i;

	if (e->fatal)
		return RT_LOOP_STOP;
	expire(e, now);
	if (!e->nlive)
		return RT_LOOP_STOP;
	said = rt_observe_step(&e->ob, now, rt_engine_wall(e));
	/* A burst of sends: read what came back before the receive buffer fills. */
	for (int k = 0; k < 2; k++) {
		if (e->fs[k].rx_maybe && e->fs[k].unread >= RT_UNREAD_MAX) {
			e->fs[k].rx_maybe = rt_engine_drain(e, k, POLLIN);
			return now;
		}
	}
	if ((i = rt_tsched_pick(&e->send, now, &w1)) >= 0) {
		send_probe(e, (size_t)i);
		return now;
	}
	/*
	 * A reply is often queued already (veth, loopback: the peer answers
	 * inside our sendto()): read it without a ppoll() round first.
	 */
	for (int k = 0; k < 2; k++) {
		if (e->fs[k].rx_maybe) {
			e->fs[k].rx_maybe = rt_engine_drain(e, k, POLLIN);
			return now;
		}
	}
	/* Nothing due: sleep until the next probe, the linger or -w ends. */
	rt_tsched_pick(&e->wake, now, &w2);
	if (!w1)
		w1 = RT_LOOP_IDLE;
	if (!w2)
		w2 = RT_LOOP_IDLE;
	if (said < w2)
		w2 = said;
	return w1 < w2 ? w1 : w2;
}

void rt_engine_status(struct rt_engine *e)
{
	for (size_t i = 0; i < e->tl->n; i++) {
		if (e->tl->t[i].state < RT_TGT_RUNNING)
			continue;
		rt_engine_use_target(e, i);
		rt_out_status(&e->out, &e->tl->st[i]);
	}
}

/*
 * iputils prints "from SRC DEV: " when -I was given (device or address);
 * rtping also does with -v, showing the route module's decision, and the
 * JSON start event always has it.
 */
static void print_header(struct rt_engine *e, size_t i)
{
	const struct rt_opts *o = e->o;
	const struct rt_tgt *t = &e->tl->t[i];
	char dev[IF_NAMESIZE] = "";
	const struct rt_flow *flow = e->fs[rt_engine_fam(t->fam)].flow;
	char dbuf[NI_MAXHOST], sbuf[NI_MAXHOST];
	const char *s = NULL, *d = NULL;
	struct sockaddr_storage dst;
	socklen_t dst_len = rt_addr_to_sockaddr(&e->tl->peers[i].addr, 0, t->scope, &dst);

	if (o->src.af != AF_UNSPEC) {
		struct sockaddr_storage ss;
		socklen_t len = rt_flow_src_sockaddr(flow, &o->src, &ss);

		/* Numeric, with "%dev" for a link-local source, as iputils. */
		s = getnameinfo((struct sockaddr *)&ss, len, sbuf, sizeof(sbuf), NULL, 0,
				NI_NUMERICHOST) ? rt_addr_str(&o->src, sbuf, sizeof(sbuf)) : sbuf;
		d = o->iface[0] ? o->iface : "";
	} else if ((o->iface[0] || o->verbose || o->json) && rt_addr_is_set(&t->src)) {
		s = rt_addr_str(&t->src, sbuf, sizeof(sbuf));
		d = o->iface[0] ? o->iface : (t->ifindex && if_indextoname(t->ifindex, dev)) ? dev : "";
	}
	rt_engine_use_target(e, i);
	/* From the sockaddr: a scoped IPv6 target shows its "%iface", as iputils. */
	if (getnameinfo((struct sockaddr *)&dst, dst_len, dbuf, sizeof(dbuf), NULL, 0,
			NI_NUMERICHOST))
		rt_addr_str(&e->tl->peers[i].addr, dbuf, sizeof(dbuf));
	rt_out_header(&e->out, dbuf, s, d, o->size,
		      t->fam->ip_hdr_len + rt_opts_ipopt_len(o, t->fam));
}

/* Target i ready to run: its state, from its own start (spread over one interval). */
static int start_target(struct rt_engine *e, size_t i, int64_t now, int64_t first)
{
	const struct rt_opts *o = e->o;
	struct rt_tgt *t = &e->tl->t[i];

	if (rt_stats_init(&e->tl->st[i], first, rt_policy_window(o)) < 0)
		return -ENOMEM;
	t->next_ns = first;   /* its own -i schedule, from its first send */
	t->retry_ns = first;   /* not before its turn */
	t->group = o->broadcast || is_multicast(&e->tl->peers[i].addr);
	rt_policy_start(&t->run, o, now);
	t->state = RT_TGT_RUNNING;
	e->nlive++;
	rt_engine_update(e, i, now);
	return 0;
}

/* -B on each socket: its first target's source (every target's, on one device). */
static int bind_sources(struct rt_engine *e, const char **what)
{
	bool done[2] = { false, false };
	int rc;

	for (size_t i = 0; i < e->tl->n; i++) {
		const struct rt_tgt *t = &e->tl->t[i];
		int k;

		if (t->state != RT_TGT_READY || done[k = rt_engine_fam(t->fam)])
			continue;
		done[k] = true;
		rc = rt_sock_bind_route(&e->fs[k].sock, e->o, e->fs[k].flow,
					&(struct rt_route_snap){ .src = t->src }, what);
		if (rc < 0)
			return rc;
	}
	return 0;
}

int rt_engine_start(struct rt_engine *e, const char **what)
{
	const struct rt_opts *o = e->o;
	struct rt_targets *tl = e->tl;
	long rate = o->rate ? o->rate : tl->n > 1 ? RT_RATE_DEFAULT : 0;
	bool reports = e->fs[0].sock.reports || e->fs[1].sock.reports;
	int64_t now;
	int rc;

	if ((rc = bind_sources(e, what)) < 0)
		return rc;
	/* One echo id a target (raw sockets match replies by it): the socket's + i. */
	for (size_t i = 0; i < tl->n; i++)
		tl->peers[i].id = (uint16_t)(e->fs[e->fs[0].open ? 0 : 1].sock.match.id + i);
	*what = "malloc";
	if (rt_demux_init(&e->dmx, tl->peers, tl->n) < 0)
		return -ENOMEM;
	rt_out_pattern(&e->out, o->pattern_set ? o->pattern : NULL, o->pattern_len);
	for (size_t i = 0; i < tl->n; i++)
		if (tl->t[i].state == RT_TGT_READY)
			print_header(e, i);
	fflush(e->out.f);
	/* -C (one target: src/ping.c): iputils connects once the header is out. */
	for (int k = 0; k < 2 && o->connect; k++)
		if (e->fs[k].open && (rc = rt_sock_connect(&e->fs[k].sock, what)) < 0)
			return rc;
	*what = "malloc";
	now = rt_clock_ns(CLOCK_MONOTONIC);
	rt_sched_init(&e->sched, o->interval_ns, o->preload, o->adaptive,
		      e->privileged ? 0 : RT_MIN_USER_INTERVAL_NS, now);
	/* Target i's first send: now + i x interval / n (rt_tsched_init). */
	if (rt_tsched_init(&e->send, tl->n, rate, o->interval_ns, now) < 0 ||
	    rt_tsched_init(&e->wake, tl->n, 0, 0, now) < 0 ||
	    rt_observe_init(&e->ob, &e->out, reports, rt_policy_window(o), &e->route,
			    e->multipath) < 0)
		return -ENOMEM;
	e->out.egress = reports ? &e->ob.eg : NULL;
	for (size_t i = 0; i < tl->n; i++) {
		int64_t first = now + (int64_t)((double)o->interval_ns * (double)i / (double)tl->n);

		if (tl->t[i].state != RT_TGT_READY) {
			rt_tsched_done(&e->send, i);
			rt_tsched_done(&e->wake, i);
		} else if (start_target(e, i, now, first) < 0) {
			return -ENOMEM;
		}
	}
	return 0;
}

const char *rt_engine_fatal(const struct rt_engine *e)
{
	return e->fatal;
}

void rt_engine_summary(struct rt_engine *e)
{
	/* The reports of the last echoes: the per-egress counts are complete. */
	for (int k = 0; k < 2; k++)
		if (e->fs[k].sock.reports)
			rt_engine_drain_errq(e, k);
	rt_observe_step(&e->ob, INT64_MAX, rt_engine_wall(e));   /* a held change: now or never */
	for (size_t i = 0; i < e->tl->n; i++) {
		if (e->tl->t[i].state < RT_TGT_RUNNING)
			continue;
		rt_engine_use_target(e, i);
		rt_out_summary(&e->out, &e->tl->st[i]);
	}
	fflush(e->out.f);
}

