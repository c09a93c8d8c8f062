/*
 * The ping engine: the targets' echo requests, the replies and errors that
 * come back, turned into events for src/output.c. Model: iputils ping's
 * behaviour (options, timing rules, exit codes) without its structure:
 * socket set-up in src/sock.c, reading in src/rx.c, the rules in
 * src/policy.c, the loop in src/loop.c; RTTs from our own window of sends
 * instead of the reply payload; one code path for IPv4 and IPv6, and for
 * one target or many (a list of one).
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
#include <netinet/ip_icmp.h>

#include "rtping/caps.h"
#include "rtping/clock.h"
#include "rtping/demux.h"
#include "rtping/engine.h"
#include "rtping/loop.h"
#include "rtping/names.h"
#include "rtping/output.h"
#include "rtping/policy.h"
#include "rtping/rx.h"
#include "rtping/sock.h"
#include "rtping/tsched.h"

/*
 * Sends in a row before replies are read even though more sends are due:
 * a burst to many targets must not overflow the receive buffer. Above
 * preload bursts of one target at their usual size (iputils' -l 8 and so).
 */
#define RT_UNREAD_MAX 64

/* One family's socket, shared by all its targets. */
struct fsock {
	bool open;
	bool rx_maybe;              /* a reply may be queued: read before sleeping */
	unsigned unread;            /* sends since the last read */
	struct rt_sock sock;
	struct rt_rx *rx;
	const struct rt_flow *flow;
};

struct rt_engine {
	const struct rt_opts *o;
	struct rt_targets *tl;
	struct fsock fs[2];         /* [0] IPv4, [1] IPv6 */
	uint8_t *pkt;
	size_t pkt_cap;
	bool privileged;
	bool need_wall;             /* -D or JSON: events carry the wall clock */
	bool multi;                 /* more than one target: lines name theirs */
	const char *fatal;          /* ends the run with exit 2 (iputils' wording) */
	size_t nlive;               /* targets still running */
	size_t last_sent;           /* the target that sent last */
	struct rt_out out;
	/* Addresses as text, lookups off the loop: [0] resolving, [1] numeric targets'. */
	struct rt_names *names[2];
	struct rt_ipopt_rr rr;      /* -R: the last route shown, for "(same route)" */
	struct rt_sched sched;      /* -i, -l, -A: every target's; its next_ns is per target */
	struct rt_tsched send;      /* who sends next */
	struct rt_tsched wake;      /* whose deadline or linger ends next */
	struct rt_demux dmx;
	char taddr[RT_ADDRSTRLEN];  /* the current target's address, for JSON */
};

static int fam_index(const struct rt_family *f)
{
	return f->af == AF_INET6;
}

/* An event's wall time: read only when -D or JSON prints it (flood cost). */
static int64_t event_wall(const struct rt_engine *e)
{
	return e->need_wall ? rt_clock_ns(CLOCK_REALTIME) / 1000 : 0;
}

static bool is_multicast(const struct rt_addr *a)
{
	/* 224.0.0.0/4 and ff00::/8: the first byte says it for both families. */
	return a->af == AF_INET ? (a->u.raw[0] & 0xf0) == 0xe0 : a->u.raw[0] == 0xff;
}

/* The printer and the name cache speak for target i from now on. */
static void use_target(struct rt_engine *e, size_t i)
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
	e->out.flowlabel = e->fs[fam_index(t->fam)].sock.flowlabel;
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
	if (!fs->rx)
		*rc = (*what = "malloc", -ENOMEM);
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
	e->pkt_cap = (size_t)o->size + RT_ICMP_HDR_LEN;
	rt_out_init(&e->out, o, false, prog, NULL);
	e->out.multi = e->multi;
	e->out.rr = &e->rr;
	e->out.name = rt_names_copy;
	for (int k = 0; k < 2; k++)
		open_fam(e, k, &fams[k], &rc, what);
	if (rc == 0) {
		e->pkt = malloc(e->pkt_cap);
		if (!e->pkt)
			rc = (*what = "malloc", -ENOMEM);
	}
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
	}
	free(e->pkt);
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
static void update(struct rt_engine *e, size_t i, int64_t now)
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

/* ---- receiving ---------------------------------------------------------- */

/*
 * How long a reply's line may wait for a name not known yet: until the
 * loop's next event (the next probe, a linger or -w), SIGINT sooner.
 */
static int64_t name_deadline(const struct rt_engine *e)
{
	int64_t now = rt_clock_ns(CLOCK_MONOTONIC), next = 0, w;
	/* A copy: asking for "the earliest" with a time before any is a pure query. */
	struct rt_tsched s = e->send, k = e->wake;

	if (rt_tsched_pick(&s, INT64_MIN + 1, &w) < 0 && w)
		next = w;
	if (rt_tsched_pick(&k, INT64_MIN + 1, &w) < 0 && w && w != RT_LOOP_IDLE &&
	    (!next || w < next))
		next = w;
	return rt_names_wait_until(now, next);
}

/* Target i's names object, and the text for a: the offender of an error. */
static const char *name_of(struct rt_engine *e, size_t i, const struct rt_addr *a,
			   const char **addr)
{
	const struct rt_tgt *t = &e->tl->t[i];
	struct sockaddr_storage ss;
	socklen_t len = rt_addr_to_sockaddr(a, 0, rt_addr_needs_scope(a) ? t->scope : 0, &ss);

	return rt_names_sockaddr(e->names[t->numeric], (struct sockaddr *)&ss, len,
				 name_deadline(e), addr);
}

static void on_reply(struct rt_engine *e, size_t i, const struct rt_icmp_pkt *p,
		     const struct rt_rx_dgram *d, const struct rt_addr *from)
{
	struct rt_tgt *t = &e->tl->t[i];
	struct fsock *fs = &e->fs[fam_index(t->fam)];
	struct rt_reply_acct a;
	struct rt_event ev = { .kind = RT_EV_REPLY };

	int64_t rx = rt_stats_arrival(&e->tl->st[i], p->seq, d->meta.rx_ns, d->meta.read_ns);

	use_target(e, i);
	rt_stats_reply(&e->tl->st[i], p->seq, rx, p->bad_checksum, &a);
	ev.wall_us = event_wall(e);
	ev.seq = p->seq;
	ev.from = rt_names_sockaddr(e->names[t->numeric], d->from, d->fromlen, name_deadline(e),
				    &ev.addr);
	ev.bytes = p->icmp_len;
	ev.ttl = p->ttl >= 0 ? p->ttl : d->meta.ttl;
	ev.timed = e->out.timing && a.known;
	ev.rtt_us = a.rtt_us;
	/* Broadcast/multicast: many hosts answer, so iputils hides (DUP!) unless -v. */
	ev.dup = a.dup;
	ev.bad_csum = p->bad_checksum;
	ev.wrong_src = !t->group && !rt_addr_equal(from, &e->tl->peers[i].addr);
	ev.truncated = p->icmp_len < (size_t)e->o->size + RT_ICMP_HDR_LEN;
	/* iputils shows an identifier it chose: a raw socket's, or -e's. */
	ev.show_ident = e->o->verbose && (fs->sock.type == SOCK_RAW || e->o->has_ident);
	ev.ident = fs->sock.type == SOCK_RAW ? e->tl->peers[i].id : fs->sock.port;
	if (!ev.truncated)
		rt_event_check_data(&ev, p->data, p->data_len, e->o->pattern_set ?
				    e->o->pattern : NULL, e->o->pattern_len, (size_t)e->o->size);
	ev.ipopts = p->ipopts_len ? p->ipopts : d->meta.ipopts;
	ev.ipopts_len = p->ipopts_len ? p->ipopts_len : d->meta.ipopts_len;
	rt_out_event(&e->out, &ev);
}

/*
 * A redirect or source quench about one of our probes (raw IPv4: datagram
 * sockets get these through the error queue). iputils prints it, with the
 * new gateway's name, and neither counts nor acknowledges it.
 */
static void on_notice(struct rt_engine *e, size_t i, const struct rt_icmp_pkt *p,
		      const struct rt_rx_dgram *d)
{
	struct rt_event ev = { .kind = RT_EV_NOTICE };
	struct rt_addr gw = { .af = AF_INET };
	char text[NI_MAXHOST * 2 + 64], gwname[NI_MAXHOST * 2 + 4];
	struct rt_names *names = e->names[e->tl->t[i].numeric];

	use_target(e, i);
	ev.wall_us = event_wall(e);
	ev.seq = p->seq;
	ev.type = p->type;
	ev.code = p->code;
	ev.bad_csum = p->bad_checksum;
	ev.from = rt_names_sockaddr(names, d->from, d->fromlen, name_deadline(e), &ev.addr);
	if (p->type == ICMP_REDIRECT) {
		gw.u.v4.s_addr = htonl(p->info);
		rt_names_copy(names, &gw, gwname, sizeof(gwname));
		ev.text = rt_icmp_describe_redirect(p->code, p->info, gwname, text, sizeof(text));
	} else {
		ev.text = rt_icmp_describe(e->tl->t[i].fam, p->type, p->code, p->info, text,
					   sizeof(text));
	}
	rt_out_event(&e->out, &ev);
}

/* Target i, if it is of family k and still running; else -1. */
static long running(const struct rt_engine *e, int k, long i)
{
	if (i < 0 || e->tl->t[i].state != RT_TGT_RUNNING || fam_index(e->tl->t[i].fam) != k)
		return -1;
	return i;
}

/*
 * One datagram from the normal queue: 0, or -errno (-EAGAIN when drained).
 * *who: the target it was for, or -1.
 */
static int recv_one(struct rt_engine *e, int k, long *who)
{
	struct fsock *fs = &e->fs[k];
	bool raw = fs->sock.type == SOCK_RAW;
	/* What may still come: the last sender's probes in flight, one for each other. */
	long want = rt_stats_in_flight(&e->tl->st[e->last_sent]) + (long)e->nlive - 1;
	struct rt_rx_dgram d;
	struct rt_icmp_pkt p;
	struct rt_addr from;
	int rc = rt_rx_next(fs->rx, fs->sock.fd, want, &d);
	long i;

	*who = -1;
	if (rc <= 0)
		return rc;
	if (rt_icmp_parse(&fs->sock.match, d.buf, d.len, &p) < 0)
		return 0;
	rt_addr_from_sockaddr(&from, NULL, NULL, d.from, d.fromlen);
	if (p.kind == RT_ICMP_REPLY) {
		i = running(e, k, rt_demux_find(&e->dmx, raw, p.id, p.seq, &from));
		if (i >= 0)
			on_reply(e, (size_t)i, &p, &d, &from);
	} else if (p.kind == RT_ICMP_QUOTE) {
		i = running(e, k, rt_demux_error(&e->dmx, raw, p.id, p.seq, &p.quoted_dst));
		if (i >= 0)
			rt_stats_ack(&e->tl->st[i], p.seq);   /* reported through the error queue */
	} else if (p.kind == RT_ICMP_NOTICE) {
		i = running(e, k, rt_demux_error(&e->dmx, raw, p.id, p.seq, &p.quoted_dst));
		if (i >= 0)
			on_notice(e, (size_t)i, &p, &d);
		return 0;   /* neither counted nor acknowledged */
	} else {
		return 0;
	}
	*who = i;
	if (i >= 0)
		update(e, (size_t)i, rt_clock_ns(CLOCK_MONOTONIC));
	return 0;
}

static void report_error(struct rt_engine *e, size_t i, const struct rt_icmp_err *er)
{
	const struct rt_family *fam = e->tl->t[i].fam;
	struct rt_stats *st = &e->tl->st[i];
	struct rt_event ev = { .kind = er->local ? RT_EV_LOCAL_ERROR : RT_EV_ERROR };
	char text[128];

	use_target(e, i);
	st->nerrors++;
	ev.wall_us = event_wall(e);
	ev.seq = er->seq;
	ev.type = er->type;
	ev.code = er->code;
	ev.err = er->err;
	ev.info = er->info;
	if (er->local && er->err == EMSGSIZE) {
		snprintf(text, sizeof(text), "message too long, mtu%s%u",
			 fam->af == AF_INET ? "=" : ": ", er->info);
		ev.text = text;
	} else if (er->local) {
		ev.text = strerror(er->err);
	} else {
		/* ICMPv6 errors settle the window but are no "pipe" (iputils' ping6). */
		if (fam->error_pipe)
			rt_stats_ack(st, er->seq);
		else
			rt_stats_settle(st, er->seq);
		ev.from = name_of(e, i, &er->offender, &ev.addr);
		ev.text = rt_icmp_describe(fam, er->type, er->code, er->info, text, sizeof(text));
	}
	rt_out_event(&e->out, &ev);
}

/* One error-queue entry of socket k: 1 handled (ours), 0 not ours, -errno when empty. */
static int recv_err(struct rt_engine *e, int k)
{
	struct fsock *fs = &e->fs[k];
	struct rt_errq_entry en;
	int rc = rt_rx_errqueue(fs->sock.fd, &fs->sock.match, &en);
	bool raw = fs->sock.type == SOCK_RAW;
	long i;

	if (rc <= 0)
		return rc;
	/* The transmit report (next issue) is no error about a probe. */
	if (en.kind == RT_ERRQ_TXREPORT)
		return 0;
	/* A local error quotes nothing: its destination names the target. */
	i = running(e, k, rt_demux_error(&e->dmx, raw && !en.err.local, en.err.id, en.err.seq,
					 &en.err.dst));
	if (i < 0)
		return 0;
	report_error(e, (size_t)i, &en.err);
	update(e, (size_t)i, rt_clock_ns(CLOCK_MONOTONIC));
	return 1;
}

/*
 * Reads what is queued on socket k; true when more may be waiting (the
 * loop then reads again instead of sleeping in ppoll()). Bounded: a flood
 * of replies must not starve the sender. Like iputils, stop reading once
 * the run is over, so a run that reached -c stops before reading a late
 * duplicate.
 */
static bool drain(struct rt_engine *e, int k, short revents)
{
	int rc = -EAGAIN;
	long who;	/* unused here: recv_one() updates the target itself */

	e->fs[k].unread = 0;
	for (int n = 0; n < 256 && (revents & POLLIN); n++)
		if ((rc = recv_one(e, k, &who)) < 0 || !e->nlive)
			break;
	/* A pending socket error (ICMP error with IP_RECVERR): its report is queued. */
	if (rc < 0 && rc != -EAGAIN)
		revents |= POLLERR;
	for (int n = 0; n < 256 && (revents & POLLERR); n++)
		if (recv_err(e, k) < 0)
			break;
	return (revents & POLLIN) && rc != -EAGAIN;
}

void rt_engine_io(struct rt_engine *e, int k, short revents)
{
	e->fs[k].rx_maybe = drain(e, k, revents);
}

/* ---- sending ------------------------------------------------------------ */

static void send_failed(struct rt_engine *e, size_t i, int err)
{
	struct rt_event ev = { .kind = RT_EV_SEND_ERROR, .err = err };
	int handled = 0;

	/* An ICMP error may explain the failure: report that one instead. */
	while (recv_err(e, fam_index(e->tl->t[i].fam)) > 0)
		handled++;
	if (handled)
		return;
	use_target(e, i);
	ev.wall_us = event_wall(e);
	ev.text = strerror(err);
	rt_out_event(&e->out, &ev);
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
	use_target(e, i);
	ev.wall_us = event_wall(e);
	rt_out_event(&e->out, &ev);
}

static void send_probe(struct rt_engine *e, size_t i)
{
	const struct rt_opts *o = e->o;
	struct rt_tgt *t = &e->tl->t[i];
	struct rt_stats *st = &e->tl->st[i];
	struct fsock *fs = &e->fs[fam_index(t->fam)];
	struct rt_sched sched = e->sched;
	uint16_t seq = rt_stats_next_seq(st);
	struct sockaddr_storage dst;
	socklen_t dst_len = rt_addr_to_sockaddr(&e->tl->peers[i].addr, 0, t->scope, &dst);
	int64_t now;
	size_t len;
	ssize_t n;
	int err = 0;

	/* -F: the label leased for this destination (one target: src/ping.c). */
	if (fs->sock.flowlabel && dst.ss_family == AF_INET6)
		((struct sockaddr_in6 *)&dst)->sin6_flowinfo = htonl(fs->sock.flowlabel);
	report_outstanding(e, i);
	len = rt_icmp_build_echo(t->fam, e->pkt, e->pkt_cap, e->tl->peers[i].id, seq,
				 o->pattern_set ? o->pattern : NULL, o->pattern_len,
				 (size_t)o->size);
	/* The RTT's start: as close to the send as we can read it. */
	now = rt_clock_ns(CLOCK_MONOTONIC);
	n = sendto(fs->sock.fd, e->pkt, len, 0, (struct sockaddr *)&dst, dst_len);
	if (n < 0) {
		err = errno;
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
	if (err) {
		send_failed(e, i, err);
	} else {
		use_target(e, i);
		rt_out_sent(&e->out);
	}
	sched.next_ns = t->next_ns;
	rt_sched_sent(&sched, st, now);
	t->next_ns = sched.next_ns;
	rt_tsched_sent(&e->send, i, now, due_time(e, i));
	fs->rx_maybe = true;
	fs->unread++;
	e->last_sent = i;
	update(e, i, now);
}

/* ---- the run ------------------------------------------------------------ */

/* Targets whose -w or linger ended by now: their runs are over. */
static void expire(struct rt_engine *e, int64_t now)
{
	int64_t w;
	long i;

	for (size_t n = e->tl->n; n && (i = rt_tsched_pick(&e->wake, now, &w)) >= 0; n--) {
		update(e, (size_t)i, now);
		/* update() finishes it; never ask about the same one for ever. */
		if (e->tl->t[i].state == RT_TGT_RUNNING && e->wake.due[i] <= now)
			rt_tsched_defer(&e->wake, (size_t)i, RT_LOOP_IDLE);
	}
}

int64_t rt_engine_step(struct rt_engine *e, int64_t now)
{
	int64_t w1, w2;
	long i;

	if (e->fatal)
		return RT_LOOP_STOP;
	expire(e, now);
	if (!e->nlive)
		return RT_LOOP_STOP;
	/* A burst of sends: read what came back before the receive buffer fills. */
	for (int k = 0; k < 2; k++) {
		if (e->fs[k].rx_maybe && e->fs[k].unread >= RT_UNREAD_MAX) {
			e->fs[k].rx_maybe = drain(e, k, POLLIN);
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
			e->fs[k].rx_maybe = drain(e, k, POLLIN);
			return now;
		}
	}
	/* Nothing due: sleep until the next probe, the linger or -w ends. */
	rt_tsched_pick(&e->wake, now, &w2);
	if (!w1)
		w1 = RT_LOOP_IDLE;
	if (!w2)
		w2 = RT_LOOP_IDLE;
	return w1 < w2 ? w1 : w2;
}

void rt_engine_status(struct rt_engine *e)
{
	for (size_t i = 0; i < e->tl->n; i++) {
		if (e->tl->t[i].state < RT_TGT_RUNNING)
			continue;
		use_target(e, i);
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
	const struct rt_flow *flow = e->fs[fam_index(t->fam)].flow;
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
	use_target(e, i);
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
	update(e, i, now);
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

		if (t->state != RT_TGT_READY || done[k = fam_index(t->fam)])
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
	    rt_tsched_init(&e->wake, tl->n, 0, 0, now) < 0)
		return -ENOMEM;
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
	for (size_t i = 0; i < e->tl->n; i++) {
		if (e->tl->t[i].state < RT_TGT_RUNNING)
			continue;
		use_target(e, i);
		rt_out_summary(&e->out, &e->tl->st[i]);
	}
	fflush(e->out.f);
}
