/*
 * The engine's receive side: replies, notices and errors read from the
 * family sockets and their error queues (src/rx.c), matched to their
 * target (src/demux.c), counted (src/stats.c) and turned into events for
 * src/output.c; transmit reports go to src/observe.c.
 */
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <net/if.h>
#include <netinet/ip_icmp.h>

#include "engine_int.h"
#include "rtping/targets.h"

/*
 * How long a reply's line may wait for a name not known yet: until the
 * loop's next event (the next probe, a linger or -w), SIGINT sooner.
 */
static int64_t name_deadline(const struct rt_engine *e)
{
	return rt_names_wait_until(rt_clock_ns(CLOCK_MONOTONIC), rt_sched_earliest(&e->sched));
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

/*
 * A reply of target i that came in on in (0 unknown) against the device
 * its echo seq left by (the transmit report's, else the route's), which it
 * returns: the first difference is said once per target, on stderr. Not
 * for broadcast and multicast, where this host answers itself through
 * loopback.
 */
static uint32_t ingress(struct rt_engine *e, size_t i, uint16_t seq, uint32_t in)
{
	const struct rt_egress *eg;
	uint32_t out;
	struct rt_event msg = { .kind = RT_EV_MESSAGE, .tgt = &e->views[i] };
	char a[RT_ADDRSTRLEN], text[RT_ADDRSTRLEN + 2 * IF_NAMESIZE + 96];

	if (!in)
		return 0;   /* a flood's reply read while pktinfo was off (src/rx.c) */
	eg = rt_observe_egress(&e->ob, i, seq);
	out = eg ? eg->ifindex : e->tl->t[i].ifindex;
	if (e->tl->t[i].group || !rt_ingress_news(&e->ing, i, in, out))
		return out;
	/* With several targets the printer leads the line with the target. */
	snprintf(text, sizeof(text), "replies%s%s arrive on %s, echoes leave by %s: "
		 "the return path is asymmetric", e->multi ? "" : " from ",
		 e->multi ? "" : rt_addr_str(&e->tl->peers[i].addr, a, sizeof(a)),
		 rt_ingress_name(&e->ing, in), eg ? eg->dev : rt_ingress_name(&e->ing, out));
	msg.wall_us = rt_engine_wall(e);
	msg.text = text;
	rt_out_event(&e->out, &msg);
	return out;
}

static void on_reply(struct rt_engine *e, size_t i, const struct rt_icmp_pkt *p,
		     const struct rt_rx_dgram *d, const struct rt_addr *from)
{
	struct rt_tgt *t = &e->tl->t[i];
	struct fsock *fs = &e->fs[rt_engine_fam(t->fam)];
	struct rt_reply_acct a;
	struct rt_event ev;
	uint32_t out;
	int64_t rx = rt_stats_arrival(&e->tl->st[i], p->seq, d->meta.rx_ns, d->meta.read_ns);

	rt_stats_reply(&e->tl->st[i], p->seq, rx, p->bad_checksum, &a);
	out = ingress(e, i, p->seq, d->meta.ifindex);
	/* -q shows no reply, text or JSON: counted, nothing more. */
	if (e->out.quiet)
		return;
	ev = (struct rt_event){ .kind = RT_EV_REPLY, .tgt = &e->views[i] };
	ev.wall_us = rt_engine_wall(e);
	ev.seq = p->seq;
	ev.ingress = d->meta.ifindex;
	ev.ingress_dev = rt_ingress_name(&e->ing, ev.ingress);
	ev.ingress_other = rt_ingress_differs(ev.ingress, out);
	ev.bytes = p->icmp_len;
	ev.ttl = p->ttl >= 0 ? p->ttl : d->meta.ttl;
	ev.timed = ev.tgt->timing && a.known;
	ev.rtt_us = a.rtt_us;
	/* Broadcast/multicast: many hosts answer, so iputils hides (DUP!) unless -v. */
	ev.dup = a.dup;
	ev.bad_csum = p->bad_checksum;
	ev.wrong_src = !t->group && !rt_addr_equal(from, &e->tl->peers[i].addr);
	ev.truncated = p->icmp_len < (size_t)e->o->size + RT_ICMP_HDR_LEN;
	/* iputils shows an identifier it chose: a raw socket's, or -e's. */
	ev.show_ident = e->o->verbose && (fs->sock.type == SOCK_RAW || e->o->has_ident);
	ev.ident = fs->sock.type == SOCK_RAW ? e->tl->peers[i].id : fs->sock.port;
	/* Name, data check, egress: only for a line that shows them (not -q, not -f's dots). */
	if (rt_out_reply_detail(&e->out)) {
		ev.from = rt_names_sockaddr(e->names[t->numeric], d->from, d->fromlen,
					    name_deadline(e), &ev.addr);
		if (!ev.truncated)
			rt_event_check_data(&ev, p->data, p->data_len, e->o->pattern_set ?
					    e->o->pattern : NULL, e->o->pattern_len,
					    (size_t)e->o->size);
		ev.egress = rt_observe_egress(&e->ob, i, p->seq);
	}
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
	struct rt_event ev = { .kind = RT_EV_NOTICE, .tgt = &e->views[i] };
	struct rt_addr gw = { .af = AF_INET };
	char text[NI_MAXHOST * 2 + 64], gwname[NI_MAXHOST * 2 + 4];
	struct rt_names *names = e->names[e->tl->t[i].numeric];

	ev.wall_us = rt_engine_wall(e);
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

/*
 * A node information reply on socket k: ours when its nonce is one we sent
 * (iputils checks nothing else: neither the sender nor the subject). -N
 * runs have one target (src/ping.c): target 0.
 */
static void on_ni_reply(struct rt_engine *e, int k, const struct rt_rx_dgram *d)
{
	struct rt_stats *st = &e->tl->st[0];
	struct rt_ni_reply r;
	struct rt_reply_acct a;
	struct rt_event ev = { .kind = RT_EV_REPLY, .tgt = &e->views[0] };
	char text[1024];
	int seq;

	if (e->tl->t[0].state != RT_TGT_RUNNING || rt_ni_parse(d->buf, d->len, &r) < 0 ||
	    (seq = rt_ni_nonce_seq(&e->nonces, r.nonce)) < 0)
		return;
	rt_stats_reply(st, (uint16_t)seq,
		       rt_stats_arrival(st, (uint16_t)seq, d->meta.rx_ns, d->meta.read_ns),
		       false, &a);
	ev.wall_us = rt_engine_wall(e);
	ev.seq = (uint16_t)seq;
	ev.from = rt_names_sockaddr(e->names[e->tl->t[0].numeric], d->from, d->fromlen,
				    name_deadline(e), &ev.addr);
	ev.bytes = d->len;
	ev.ttl = d->meta.ttl;
	ev.dup = a.dup;
	ev.show_ident = e->o->verbose;
	ev.ident = e->fs[k].sock.match.id;
	ev.ni_text = rt_ni_format(&r, text, sizeof(text));
	ev.ni = &r;
	ev.egress = rt_observe_egress(&e->ob, 0, (uint16_t)seq);
	rt_out_event(&e->out, &ev);
	rt_engine_update(e, 0, rt_clock_ns(CLOCK_MONOTONIC));
}

/* Target i, if it is of family k and still running; else -1. */
static long running(const struct rt_engine *e, int k, long i)
{
	if (i < 0 || e->tl->t[i].state != RT_TGT_RUNNING || rt_engine_fam(e->tl->t[i].fam) != k)
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
	struct rt_demux_key key = { 0 };
	int rc = rt_rx_next(fs->rx, fs->sock.fd, want, &d);
	long i;

	*who = -1;
	if (rc <= 0)
		return rc;
	if (fs->ni) {
		on_ni_reply(e, k, &d);
		return 0;
	}
	if (rt_icmp_parse(&fs->sock.match, d.buf, d.len, &p) < 0)
		return 0;
	key.id = p.id;
	key.seq = p.seq;
	if (p.kind == RT_ICMP_REPLY) {
		rt_addr_from_sockaddr(&key.addr, NULL, &key.scope, d.from, d.fromlen);
		key.data = p.data;
		key.data_len = p.data_len;
		i = running(e, k, rt_demux_find(&e->dmx, raw, &key));
		if (i >= 0)
			on_reply(e, (size_t)i, &p, &d, &key.addr);
	} else if (p.kind == RT_ICMP_QUOTE) {
		key.addr = p.quoted_dst;
		i = running(e, k, rt_demux_error(&e->dmx, raw, &key));
		if (i >= 0)
			rt_stats_ack(&e->tl->st[i], p.seq);   /* reported through the error queue */
	} else if (p.kind == RT_ICMP_NOTICE) {
		key.addr = p.quoted_dst;
		i = running(e, k, rt_demux_error(&e->dmx, raw, &key));
		if (i >= 0)
			on_notice(e, (size_t)i, &p, &d);
		return 0;   /* neither counted nor acknowledged */
	} else {
		return 0;
	}
	*who = i;
	/* Under -q nothing was written since the read (no line, no name): its time will do. */
	if (i >= 0)
		rt_engine_update(e, (size_t)i, e->o->quiet ? d.meta.read_ns :
					       rt_clock_ns(CLOCK_MONOTONIC));
	return 0;
}

static void report_error(struct rt_engine *e, size_t i, const struct rt_icmp_err *er)
{
	const struct rt_family *fam = e->tl->t[i].fam;
	struct rt_stats *st = &e->tl->st[i];
	struct rt_event ev = { .kind = er->local ? RT_EV_LOCAL_ERROR : RT_EV_ERROR,
			       .tgt = &e->views[i] };
	char text[128];

	st->nerrors++;
	ev.wall_us = rt_engine_wall(e);
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
		ev.egress = rt_observe_egress(&e->ob, i, er->seq);
	}
	rt_out_event(&e->out, &ev);
}

/*
 * Our own stack says target i's next hop did not resolve: the
 * unreachable error neighbour resolution sends, from the echo's source.
 */
static bool neighbour_failed(const struct rt_engine *e, size_t i, const struct rt_icmp_err *er)
{
	const struct rt_tgt *t = &e->tl->t[i];

	return !er->local && er->type == t->fam->unreach_type &&
	       er->code == t->fam->unreach_neigh_code && rt_addr_equal(&er->offender, &t->src);
}

/*
 * One error-queue entry of socket k: 2 a transmit report, 1 an error
 * reported, 0 not ours, -errno when empty.
 */
int rt_engine_recv_err(struct rt_engine *e, int k)
{
	struct fsock *fs = &e->fs[k];
	struct rt_errq_entry en;
	int rc = rt_rx_errqueue(fs->rx, fs->sock.fd, &fs->sock.match, &en);
	bool raw = fs->sock.type == SOCK_RAW;
	long i;

	if (rc <= 0)
		return rc;
	if (en.kind == RT_ERRQ_TXREPORT) {
		/*
		 * Whose echo: one target's (a -N query has no identifier, a
		 * report may carry only a key), else the packet's identifier
		 * (raw) or destination (datagram), as for an error.
		 */
		i = e->tl->n == 1 ? 0 : !en.tx.has_seq ? -1
			: rt_demux_error(&e->dmx, raw, &(struct rt_demux_key){
				.id = en.tx.id, .seq = en.tx.seq, .addr = en.tx.dst });
		if (i >= 0 && rt_engine_fam(e->tl->t[i].fam) == k)
			rt_observe_report(&e->ob, (size_t)i, &en.tx, rt_clock_ns(CLOCK_MONOTONIC));
		return 2;
	}
	/* The local error of a send already said as EMSGSIZE (src/engine_tx.c). */
	if (en.err.local && en.err.err == EMSGSIZE && fs->msgsize_said) {
		fs->msgsize_said--;
		return 0;
	}
	/* A local error quotes nothing: its destination names the target. */
	i = running(e, k, rt_demux_error(&e->dmx, raw && !en.err.local, &(struct rt_demux_key){
		.id = en.err.id, .seq = en.err.seq, .addr = en.err.dst, .scope = en.err.dst_scope,
		.data = en.err.data, .data_len = en.err.data_len }));
	if (i < 0)
		return 0;
	report_error(e, (size_t)i, &en.err);
	if (neighbour_failed(e, (size_t)i, &en.err))
		rt_engine_stuck(e, (size_t)i, 0);
	rt_engine_update(e, (size_t)i, rt_clock_ns(CLOCK_MONOTONIC));
	return 1;
}

/* The error queue until empty (bounded): reports first, so replies find their egress. */
void rt_engine_drain_errq(struct rt_engine *e, int k)
{
	e->fs[k].reports_unread = 0;
	for (int i = 0; i < 256; i++)
		if (rt_engine_recv_err(e, k) < 0)
			break;
}

/* Transmit reports are read at once when events show them, else in batches. */
static bool errq_due(const struct rt_engine *e, int k)
{
	return e->fs[k].sock.reports && (e->eager || e->fs[k].reports_unread >= 6);
}

/*
 * One target left and nothing of its in flight: back to the loop without
 * a read that can only say EAGAIN (a syscall per echo in a flood). With
 * many targets a batch is read to the end; its cost is shared.
 */
static bool quiet_now(const struct rt_engine *e, long who)
{
	return e->nlive == 1 && who >= 0 && e->tl->t[who].state == RT_TGT_RUNNING &&
	       rt_stats_in_flight(&e->tl->st[who]) == 0;
}

/*
 * Reads what is queued on socket k; true when more may be waiting (the
 * loop then reads again instead of sleeping in ppoll()). Bounded: a flood
 * of replies must not starve the sender. Like iputils, stop reading once
 * the run is over, so a run that reached -c stops before reading a late
 * duplicate.
 */
bool rt_engine_drain(struct rt_engine *e, int k, short revents)
{
	int rc = -EAGAIN;
	long who;

	e->fs[k].unread = 0;
	if ((revents & POLLERR) || errq_due(e, k))
		rt_engine_drain_errq(e, k);
	for (int n = 0; n < 256 && (revents & POLLIN); n++)
		if ((rc = recv_one(e, k, &who)) < 0 || !e->nlive || quiet_now(e, who))
			break;
	/* A pending socket error (ICMP error with IP_RECVERR): its report is queued. */
	if (rc < 0 && rc != -EAGAIN)
		rt_engine_drain_errq(e, k);
	return (revents & POLLIN) && rc != -EAGAIN;
}

void rt_engine_io(struct rt_engine *e, int k, short revents)
{
	e->fs[k].rx_maybe = rt_engine_drain(e, k, revents);
}
