/*
 * The ping engine: the targets' echo requests, turned into events for
 * src/output.c with what comes back (src/engine_rx.c). Model: iputils
 * ping's behaviour (options, timing rules, exit codes) without its
 * structure: socket set-up in src/sock.c, the start in
 * src/engine_start.c, sending in src/engine_tx.c (src/tx.c), the rules
 * in src/policy.c, the schedules in src/sched.c, a target's rules asked
 * again in src/engine_run.c, the loop in src/loop.c; RTTs from our own
 * window of sends instead of the reply payload; one code path for IPv4
 * and IPv6, and for one target or many (a list of one).
 *
 * Two heaps of target indices (src/sched.c) keep the per-turn work
 * independent of the number of targets: one says who sends next (each
 * target's own schedule, the global --rate), the other whose -w deadline
 * or linger ends next. A target is looked at again only when something
 * happened to it: a send, a reply, an error, its wake time.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include "rtping/caps.h"
#include "rtping/error.h"
#include "rtping/icmp.h"
#include "rtping/loop.h"
#include "rtping/targets.h"
#include "engine_int.h"

static void open_fam(struct rt_engine *e, int k, const struct rt_engine_fam *f, int *rc,
		     struct rt_error *err)
{
	struct fsock *fs = &e->fs[k];

	if (*rc < 0 || !f->flow)
		return;
	fs->flow = f->flow;
	fs->sock.fd = -1;
	*rc = rt_sock_open(&fs->sock, e->o, f->flow, f->t, e->tl->n, err);
	if (*rc < 0)
		return;
	fs->open = true;
	fs->rx = rt_rx_new(f->t->fam, !e->o->latency_user, e->o->size);
	/* The destination and id are each send's (rt_tx_target()). */
	struct rt_tx_cfg tc = { .fd = fs->sock.fd, .dst = (struct sockaddr *)&fs->sock.dst,
				.dst_len = fs->sock.dst_len, .nonblock = e->multi };

	rt_probe_init(&tc.probe, e->o, f->t->fam, &f->t->addr, fs->sock.match.id);
	fs->ni = rt_probe_is_ni(e->o, f->t->fam);
	/*
	 * Several targets: each echo names its target in its data. A datagram
	 * socket's targets share the kernel's one identifier; on a raw socket
	 * the tag tells an anycast reply from another process's that took
	 * the same identifier.
	 */
	fs->tagged = tc.probe.tagged = e->multi && !fs->ni && e->o->size >= RT_ICMP_TAG_LEN;
	fs->tx = rt_tx_new(&tc);
	if (!fs->rx || !fs->tx) {
		*rc = rt_error_errno(err, -ENOMEM, "malloc");
		return;
	}
	rt_rx_want_pktinfo(fs->rx, fs->sock.reports);
	rt_rx_ingress(fs->rx, !fs->sock.ingress ? RT_RX_INGRESS_OFF :
		      e->o->flood ? RT_RX_INGRESS_SAMPLED : RT_RX_INGRESS_ALL);
}

/* The observer's events: about target i, named as the printers name it. */
static void observed(void *arg, size_t i, struct rt_event *ev)
{
	struct rt_engine *e = arg;

	ev->tgt = &e->views[i];
	rt_out_event(&e->out, ev);
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
		   const struct rt_engine_fam fams[2], const char *prog, struct rt_error *err)
{
	struct rt_engine *e = calloc(1, sizeof(*e));
	int rc = 0;

	*ep = NULL;
	if (!e)
		return rt_error_errno(err, -ENOMEM, "malloc");
	e->o = o;
	e->tl = tl;
	e->fs[0].sock.fd = e->fs[1].sock.fd = -1;
	e->privileged = rt_caps_privileged();
	e->need_wall = o->timestamps || o->json;
	e->multi = tl->n > 1;
	e->eager = !o->quiet && (o->json || (o->verbose && !o->flood));
	rt_out_init(&e->out, o, prog, e->multi);
	e->timing = o->size >= 16;   /* sizeof(struct timeval): iputils' rule */
	for (int k = 0; k < 2; k++)
		open_fam(e, k, &fams[k], &rc, err);
	/*
	 * Each target's reports and live route. Floods sample, and so do the
	 * targets of a many-target run pinged faster than one each
	 * RT_EGRESS_GAP_NS. One target has the socket's OPT_ID keys to itself.
	 */
	e->sample = o->flood || (e->multi && o->interval_ns < RT_EGRESS_GAP_NS);
	if (rc == 0 && rt_observe_init(&e->ob, observed, e, e->fs[0].sock.reports ||
				       e->fs[1].sock.reports, tl->n, rt_policy_window(o),
				       tl->n == 1) < 0)
		rc = rt_error_errno(err, -ENOMEM, "malloc");
	/* Only a target whose replies are resolved needs the worker thread. */
	for (int k = 0; k < 2 && rc == 0; k++)
		if (need_names(tl, k) && (rc = rt_names_open(&e->names[k], k, first_scope(fams),
							     NULL, rt_loop_wait_fd)) < 0)
			rt_error_errno(err, rc, "eventfd");
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
	free(e->views);
	free(e->rrs);
	rt_names_close(e->names[0]);
	rt_names_close(e->names[1]);
	rt_sched_free(&e->sched);
	rt_demux_free(&e->dmx);
	rt_ingress_free(&e->ing);
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

int rt_engine_set_prediction(struct rt_engine *e, size_t i, const struct rt_route_view *v,
			     bool multipath)
{
	return rt_observe_predict(&e->ob, i, v, multipath);
}

void rt_engine_route(struct rt_engine *e, size_t i, const struct rt_route_view *v,
		     const char *cause)
{
	if (e->tl->t[i].state != RT_TGT_RUNNING)
		return;
	rt_observe_route(&e->ob, i, v, cause, rt_stats_next_seq(&e->tl->st[i]), rt_engine_wall(e));
}

void rt_engine_message(struct rt_engine *e, const char *text)
{
	struct rt_event ev = { .kind = RT_EV_MESSAGE, .tgt = &e->views[0], .text = text };

	rt_out_event(&e->out, &ev);
}

void rt_engine_watch_counts(struct rt_engine *e, const struct rt_watch_stats *w)
{
	e->watch = w;
}

void rt_engine_netlink(struct rt_engine *e, struct rt_nl *nl)
{
	e->nl = nl;
}

void rt_engine_return_path(struct rt_engine *e, rt_engine_rpath_fn fn, void *arg)
{
	e->rpath = fn;
	e->rpath_arg = arg;
}

const struct rt_out *rt_engine_out(const struct rt_engine *e)
{
	return &e->out;
}

/* ---- the run ------------------------------------------------------------ */

/* Targets whose -w or linger ended by now: their runs are over. */
static void expire(struct rt_engine *e, int64_t now)
{
	int64_t w;
	long i;

	for (size_t n = e->tl->n; n && (i = rt_sched_next_wake(&e->sched, now, &w)) >= 0; n--) {
		rt_engine_update(e, (size_t)i, now);
		/* update() finishes it, or it goes on without a wake time. */
		if (e->tl->t[i].state == RT_TGT_RUNNING)
			rt_sched_woke(&e->sched, (size_t)i, now);
	}
}

int64_t rt_engine_step(struct rt_engine *e, int64_t now)
{
	int64_t w1, w2, said;
	long i;

	if (e->fatal.code)
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
	if ((i = rt_sched_next_send(&e->sched, now, &w1)) >= 0) {
		int64_t sent = rt_engine_send(e, (size_t)i, now);

		/* More due (-l's burst, many targets): all sent first, read in one batch. */
		if (e->fatal.code || rt_sched_next_send(&e->sched, sent, &w1) >= 0)
			return now;
	}
	/*
	 * A reply is often queued already (veth, loopback: the peer answers
	 * inside our sendto()): read it without a ppoll() round first, and
	 * in a flood in the same turn as the send.
	 */
	for (int k = 0; k < 2; k++) {
		if (e->fs[k].rx_maybe) {
			e->fs[k].rx_maybe = rt_engine_drain(e, k, POLLIN);
			return now;
		}
	}
	if (i >= 0)
		return now;
	/* Nothing due: sleep until the next probe, the linger or -w ends. */
	rt_sched_next_wake(&e->sched, now, &w2);
	if (!w1)
		w1 = RT_LOOP_IDLE;
	if (!w2)
		w2 = RT_LOOP_IDLE;
	if (said < w2)
		w2 = said;
	return w1 < w2 ? w1 : w2;
}

bool rt_engine_send_due(const struct rt_engine *e, int64_t now)
{
	int64_t wake;

	return !e->fatal.code && rt_sched_next_send(&e->sched, now, &wake) >= 0;
}

void rt_engine_status(struct rt_engine *e)
{
	for (size_t i = 0; i < e->tl->n; i++) {
		if (e->tl->t[i].state < RT_TGT_RUNNING)
			continue;
		rt_out_status(&e->out, &e->views[i], &e->tl->st[i]);
	}
}

const struct rt_error *rt_engine_fatal(const struct rt_engine *e)
{
	return e->fatal.code ? &e->fatal : NULL;
}

/* What target i's summary adds: its echoes per egress (into seen), the watch's counts. */
static void summary_counts(const struct rt_engine *e, size_t i, struct rt_out_counts *c,
			   struct rt_egress_seen seen_by[RT_EGRESS_MAX])
{
	const struct rt_egress_track *t = &e->ob.t[i].eg;
	uint64_t seen;

	*c = (struct rt_out_counts){ .watch = e->watch, .sampled = e->sample && !e->o->flood };
	if (!e->ob.on)
		return;
	/* Echoes that asked for a report and got none (a neighbour never resolved...). */
	seen = rt_egress_observed(t);
	c->negress = rt_observe_counts(&e->ob, i, seen_by);
	c->egress = seen_by;
	c->asked = t->asked;
	c->unobserved = t->asked > seen ? t->asked - seen : 0;
}

/* A target that could not be pinged, as the printers name it: no view was made for it. */
static void failed_summary(const struct rt_engine *e, size_t i)
{
	const struct rt_tgt *t = &e->tl->t[i];
	const struct rt_addr *a = &e->tl->peers[i].addr;
	struct rt_out_target v = { .host = t->name, .addr = a->af != AF_UNSPEC ? a : NULL,
				   .route_json = t->route_json };

	rt_out_failed(&e->out, &v, t->why);
}

void rt_engine_summary(struct rt_engine *e, const char *error)
{
	struct rt_egress_seen seen_by[RT_EGRESS_MAX];
	struct rt_out_counts c;

	/* The reports of the last echoes: the per-egress counts are complete. */
	for (int k = 0; k < 2; k++)
		if (e->fs[k].sock.reports)
			rt_engine_drain_errq(e, k);
	rt_observe_step(&e->ob, INT64_MAX, rt_engine_wall(e));   /* a held change: now or never */
	for (size_t i = 0; i < e->tl->n; i++) {
		if (e->tl->t[i].state == RT_TGT_FAILED) {
			failed_summary(e, i);
			continue;
		}
		if (e->tl->t[i].state < RT_TGT_RUNNING)
			continue;
		summary_counts(e, i, &c, seen_by);
		c.error = error;
		c.rpath = e->rpath ? e->rpath(e->rpath_arg, i) : NULL;
		rt_out_summary(&e->out, &e->views[i], &e->tl->st[i], &c);
	}
	fflush(e->out.f);
}

