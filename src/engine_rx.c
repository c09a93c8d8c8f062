/*
 * The engine's receive side: replies, notices and errors read from the
 * socket and its error queue (src/rx.c), matched to our probes
 * (src/demux.c), counted (src/stats.c) and turned into events for
 * src/output.c; transmit reports go to src/observe.c.
 */
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <netinet/ip_icmp.h>

#include "rtping/demux.h"
#include "engine_int.h"

/*
 * How long a reply's line may wait for a name not known yet: until the
 * loop's next event (the next probe, the linger or -w), SIGINT sooner.
 */
static int64_t name_deadline(const struct rt_engine *e)
{
	int64_t next = rt_policy_wake(&e->run);

	if (rt_policy_may_send(e->o, &e->st) && (!next || rt_engine_due(e) < next))
		next = rt_engine_due(e);
	return rt_names_wait_until(rt_clock_ns(CLOCK_MONOTONIC), next);
}

static void on_reply(struct rt_engine *e, const struct rt_icmp_pkt *p,
		     const struct rt_rx_dgram *d)
{
	struct rt_reply_acct a;
	struct rt_event ev = { .kind = RT_EV_REPLY };
	struct rt_addr fa;
	int64_t rx = rt_stats_arrival(&e->st, p->seq, d->meta.rx_ns, d->meta.read_ns);

	rt_stats_reply(&e->st, p->seq, rx, p->bad_checksum, &a);
	rt_addr_from_sockaddr(&fa, NULL, NULL, d->from, d->fromlen);
	ev.wall_us = rt_engine_wall(e);
	ev.seq = p->seq;
	ev.from = rt_names_sockaddr(e->names, d->from, d->fromlen, name_deadline(e), &ev.addr);
	ev.bytes = p->icmp_len;
	ev.ttl = p->ttl >= 0 ? p->ttl : d->meta.ttl;
	ev.timed = e->out.timing && a.known;
	ev.rtt_us = a.rtt_us;
	ev.dup = a.dup;
	ev.bad_csum = p->bad_checksum;
	ev.wrong_src = !e->group && !rt_addr_equal(&fa, &e->t->addr);
	ev.truncated = p->icmp_len < (size_t)e->o->size + RT_ICMP_HDR_LEN;
	/* iputils shows an identifier it chose: a raw socket's, or -e's. */
	ev.show_ident = e->o->verbose && (e->sock.type == SOCK_RAW || e->o->has_ident);
	ev.ident = e->sock.type == SOCK_RAW ? e->sock.match.id : e->sock.port;
	if (!ev.truncated)
		rt_event_check_data(&ev, p->data, p->data_len, e->o->pattern_set ?
				    e->o->pattern : NULL, e->o->pattern_len, (size_t)e->o->size);
	ev.ipopts = p->ipopts_len ? p->ipopts : d->meta.ipopts;
	ev.ipopts_len = p->ipopts_len ? p->ipopts_len : d->meta.ipopts_len;
	ev.egress = rt_observe_egress(&e->ob, p->seq);
	rt_out_event(&e->out, &ev);
}

/*
 * A redirect or source quench about one of our probes (raw IPv4: datagram
 * sockets get these through the error queue). iputils prints it, with the
 * new gateway's name, and neither counts nor acknowledges it.
 */
static void on_notice(struct rt_engine *e, const struct rt_icmp_pkt *p,
		      const struct rt_rx_dgram *d)
{
	struct rt_event ev = { .kind = RT_EV_NOTICE };
	struct rt_addr gw = { .af = AF_INET };
	char text[NI_MAXHOST * 2 + 64], gwname[NI_MAXHOST * 2 + 4];

	ev.wall_us = rt_engine_wall(e);
	ev.seq = p->seq;
	ev.type = p->type;
	ev.code = p->code;
	ev.bad_csum = p->bad_checksum;
	ev.from = rt_names_sockaddr(e->names, d->from, d->fromlen, name_deadline(e), &ev.addr);
	if (p->type == ICMP_REDIRECT) {
		gw.u.v4.s_addr = htonl(p->info);
		rt_names_copy(e->names, &gw, gwname, sizeof(gwname));
		ev.text = rt_icmp_describe_redirect(p->code, p->info, gwname, text, sizeof(text));
	} else {
		ev.text = rt_icmp_describe(e->fam, p->type, p->code, p->info, text, sizeof(text));
	}
	rt_out_event(&e->out, &ev);
}

/*
 * A node information reply: ours when its nonce is one we sent (iputils
 * checks nothing else: neither the sender nor the subject).
 */
static void on_ni_reply(struct rt_engine *e, const struct rt_rx_dgram *d)
{
	struct rt_ni_reply r;
	struct rt_reply_acct a;
	struct rt_event ev = { .kind = RT_EV_REPLY };
	char text[1024];
	int seq;

	if (rt_ni_parse(d->buf, d->len, &r) < 0 || (seq = rt_ni_nonce_seq(&e->nonces, r.nonce)) < 0)
		return;
	rt_stats_reply(&e->st, (uint16_t)seq,
		       rt_stats_arrival(&e->st, (uint16_t)seq, d->meta.rx_ns, d->meta.read_ns),
		       false, &a);
	ev.wall_us = rt_engine_wall(e);
	ev.seq = (uint16_t)seq;
	ev.from = rt_names_sockaddr(e->names, d->from, d->fromlen, name_deadline(e), &ev.addr);
	ev.bytes = d->len;
	ev.ttl = d->meta.ttl;
	ev.dup = a.dup;
	ev.show_ident = e->o->verbose;
	ev.ident = e->sock.match.id;
	ev.ni_text = rt_ni_format(&r, text, sizeof(text));
	ev.egress = rt_observe_egress(&e->ob, (uint16_t)seq);
	rt_out_event(&e->out, &ev);
}

/* One datagram from the normal queue: 0, or -errno (-EAGAIN when drained). */
static int recv_one(struct rt_engine *e)
{
	struct rt_peer peer = { .addr = e->t->addr, .id = e->sock.match.id, .st = &e->st };
	struct rt_rx_dgram d;
	struct rt_icmp_pkt p;
	struct rt_addr from;
	int rc = rt_rx_next(e->rx, e->sock.fd, rt_stats_in_flight(&e->st), &d);

	if (rc <= 0)
		return rc;
	if (e->ni) {
		on_ni_reply(e, &d);
		return 0;
	}
	if (rt_icmp_parse(&e->sock.match, d.buf, d.len, &p) < 0)
		return 0;
	rt_addr_from_sockaddr(&from, NULL, NULL, d.from, d.fromlen);
	if (rt_demux_reply(&peer, 1, e->sock.type == SOCK_RAW, p.id, p.seq, &from) < 0)
		return 0;
	if (p.kind == RT_ICMP_REPLY)
		on_reply(e, &p, &d);
	else if (p.kind == RT_ICMP_QUOTE)
		rt_stats_ack(&e->st, p.seq);   /* reported through the error queue */
	else if (p.kind == RT_ICMP_NOTICE)
		on_notice(e, &p, &d);
	return 0;
}

static void report_error(struct rt_engine *e, const struct rt_icmp_err *er)
{
	struct rt_event ev = { .kind = er->local ? RT_EV_LOCAL_ERROR : RT_EV_ERROR };
	char text[128];

	e->st.nerrors++;
	ev.wall_us = rt_engine_wall(e);
	ev.seq = er->seq;
	ev.type = er->type;
	ev.code = er->code;
	ev.err = er->err;
	ev.info = er->info;
	if (er->local && er->err == EMSGSIZE) {
		snprintf(text, sizeof(text), "message too long, mtu%s%u",
			 e->fam->af == AF_INET ? "=" : ": ", er->info);
		ev.text = text;
	} else if (er->local) {
		ev.text = strerror(er->err);
	} else {
		if (e->fam->error_pipe)
			rt_stats_ack(&e->st, er->seq);
		else
			rt_stats_settle(&e->st, er->seq);
		ev.from = rt_names_addr(e->names, &er->offender, name_deadline(e), &ev.addr);
		ev.text = rt_icmp_describe(e->fam, er->type, er->code, er->info, text, sizeof(text));
		ev.egress = rt_observe_egress(&e->ob, er->seq);
	}
	rt_out_event(&e->out, &ev);
}

/*
 * One error-queue entry: 2 a transmit report, 1 an error reported, 0 not
 * ours, -errno when empty.
 */
int rt_engine_recv_err(struct rt_engine *e)
{
	struct rt_errq_entry en;
	int rc = rt_rx_errqueue(e->rx, e->sock.fd, &e->sock.match, &en);

	if (rc <= 0)
		return rc;
	if (en.kind == RT_ERRQ_TXREPORT) {
		rt_observe_report(&e->ob, &en.tx, rt_clock_ns(CLOCK_MONOTONIC));
		return 2;
	}
	report_error(e, &en.err);
	return 1;
}

/* The error queue until empty (bounded): reports first, so replies find their egress. */
void rt_engine_drain_errq(struct rt_engine *e)
{
	e->unread = 0;
	for (int i = 0; i < 256; i++)
		if (rt_engine_recv_err(e) < 0)
			break;
}

/* Transmit reports are read at once when events show them, else in batches. */
static bool errq_due(const struct rt_engine *e)
{
	return e->sock.reports && (e->eager || e->unread >= 6);
}

/*
 * Reads what is queued; true when more may be waiting (the loop then reads
 * again instead of sleeping in ppoll()). Bounded: a flood of replies must
 * not starve the sender. Like iputils, go back to the loop once nothing is
 * in flight, so a run that reached -c stops before reading a late duplicate.
 */
bool rt_engine_drain(struct rt_engine *e, short revents)
{
	int rc = -EAGAIN;

	if ((revents & POLLERR) || errq_due(e))
		rt_engine_drain_errq(e);
	for (int i = 0; i < 256 && (revents & POLLIN); i++)
		if ((rc = recv_one(e)) < 0 || rt_stats_in_flight(&e->st) == 0)
			break;
	/* A pending socket error (ICMP error with IP_RECVERR): its report is queued. */
	if (rc < 0 && rc != -EAGAIN)
		rt_engine_drain_errq(e);
	return (revents & POLLIN) && rc != -EAGAIN;
}

void rt_engine_io(struct rt_engine *e, short revents)
{
	e->rx_maybe = rt_engine_drain(e, revents);
}
