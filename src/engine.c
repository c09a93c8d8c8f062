/*
 * The ping engine: one target's echo requests, the replies and errors that
 * come back, turned into events for src/output.c. Model: iputils ping's
 * behaviour (options, timing rules, exit codes) without its structure:
 * socket set-up in src/sock.c, reading in src/rx.c, the rules in
 * src/policy.c, the loop in src/loop.c; RTTs from our own window of sends
 * instead of the reply payload; one code path for IPv4 and IPv6.
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
#include "rtping/observe.h"
#include "rtping/output.h"
#include "rtping/policy.h"
#include "rtping/rx.h"
#include "rtping/sock.h"
#include "rtping/tx.h"

struct rt_engine {
	const struct rt_opts *o;
	const struct rt_target *t;
	const struct rt_flow *flow;
	const struct rt_family *fam;
	struct rt_sock sock;
	struct rt_rx *rx;
	struct rt_tx *tx;
	bool privileged;
	bool group;                 /* -b or a multicast target: many may answer */
	bool need_wall;             /* -D or JSON: events carry the wall clock */
	bool rx_maybe;              /* a reply may be queued: read before sleeping */
	const char *fatal;          /* ends the run with exit 2 (iputils' wording) */
	struct rt_out out;
	struct rt_sched sched;      /* when the next probe is due */
	struct rt_run run;          /* -w and linger deadlines */
	int64_t retry_ns;           /* a full send queue: not before this */
	struct rt_names *names;     /* addresses as text, lookups off the loop */
	struct rt_ipopt_rr rr;      /* -R: the last route shown, for "(same route)" */
	struct rt_stats st;
	/* Transmit reports: where each echo left, against the prediction. */
	struct rt_observe ob;
	struct rt_route_view route; /* the prediction, until rt_engine_start() */
	bool multipath;
	bool eager;                 /* every event shows its egress: read reports at once */
	unsigned unread;            /* reports asked for since the error queue was last read */
};

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

int rt_engine_open(struct rt_engine **ep, const struct rt_opts *o,
		   const struct rt_target *t, const struct rt_flow *f, const char *prog,
		   const char **what)
{
	struct rt_engine *e = calloc(1, sizeof(*e));
	bool numeric;
	int rc;

	*ep = NULL;
	*what = "malloc";
	if (!e)
		return -ENOMEM;
	e->o = o;
	e->t = t;
	e->flow = f;
	e->fam = t->fam;
	e->sock.fd = -1;
	e->privileged = rt_caps_privileged();
	e->group = o->broadcast || is_multicast(&t->addr);
	/*
	 * iputils resolves reply addresses unless -n, -f or a numeric target;
	 * -H resolves them anyway.
	 */
	numeric = !o->force_lookup && (o->numeric || o->flood ||
				       rt_names_numeric_target(e->fam->af, o->dest));
	e->need_wall = o->timestamps || o->json;
	e->eager = !o->quiet && (o->json || (o->verbose && !o->flood));
	rt_out_init(&e->out, o, e->fam->af == AF_INET6, prog, t->name);
	e->out.rr = &e->rr;
	e->out.name = rt_names_copy;
	/* Broadcast/multicast: many hosts answer, so iputils hides (DUP!) unless -v. */
	e->out.quiet_dup = e->group && !o->verbose;
	rc = rt_sock_open(&e->sock, o, f, t, what);
	e->out.flowlabel = e->sock.flowlabel;
	if (rc == 0) {
		struct rt_tx_cfg tc = {
			.fam = e->fam, .fd = e->sock.fd, .dst = (struct sockaddr *)&e->sock.dst,
			.dst_len = e->sock.dst_len, .id = e->sock.match.id,
			.pattern = o->pattern_set ? o->pattern : NULL,
			.pattern_len = o->pattern_len, .size = (size_t)o->size,
		};

		e->tx = rt_tx_new(&tc);
		e->rx = rt_rx_new(e->fam, !o->latency_user, o->size);
		if (!e->tx || !e->rx)
			rc = (*what = "malloc", -ENOMEM);
		else if ((rc = rt_names_open(&e->names, numeric, t->scope, NULL,
					     rt_loop_wait_fd)) < 0)
			*what = "eventfd";
		e->out.name_ctx = e->names;
		if (e->rx)
			rt_rx_want_pktinfo(e->rx, e->sock.reports);
	}
	if (rc < 0) {
		rt_engine_close(e);
		return rc;
	}
	*ep = e;
	return 0;
}

void rt_engine_set_route_json(struct rt_engine *e, const char *json)
{
	e->out.route_json = json;
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
	rt_observe_route(&e->ob, v, cause, rt_stats_next_seq(&e->st), event_wall(e));
}

struct rt_out *rt_engine_out(struct rt_engine *e)
{
	return &e->out;
}

void rt_engine_close(struct rt_engine *e)
{
	if (!e)
		return;
	rt_sock_close(&e->sock);
	rt_tx_free(e->tx);
	rt_rx_free(e->rx);
	rt_names_close(e->names);
	rt_stats_free(&e->st);
	rt_observe_free(&e->ob);
	free(e->route.json);
	free(e);
}

int rt_engine_fd(const struct rt_engine *e)
{
	return e->sock.fd;
}

const struct rt_sock *rt_engine_sock(const struct rt_engine *e)
{
	return &e->sock;
}

/* ---- receiving ---------------------------------------------------------- */

static int64_t due_time(const struct rt_engine *e);

/*
 * How long a reply's line may wait for a name not known yet: until the
 * loop's next event (the next probe, the linger or -w), SIGINT sooner.
 */
static int64_t name_deadline(const struct rt_engine *e)
{
	int64_t next = rt_policy_wake(&e->run);

	if (rt_policy_may_send(e->o, &e->st) && (!next || due_time(e) < next))
		next = due_time(e);
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
	ev.wall_us = event_wall(e);
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

	ev.wall_us = event_wall(e);
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
	ev.wall_us = event_wall(e);
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
static int recv_err(struct rt_engine *e)
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
static void drain_errq(struct rt_engine *e)
{
	e->unread = 0;
	for (int i = 0; i < 256; i++)
		if (recv_err(e) < 0)
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
static bool drain(struct rt_engine *e, short revents)
{
	int rc = -EAGAIN;

	if ((revents & POLLERR) || errq_due(e))
		drain_errq(e);
	for (int i = 0; i < 256 && (revents & POLLIN); i++)
		if ((rc = recv_one(e)) < 0 || rt_stats_in_flight(&e->st) == 0)
			break;
	/* A pending socket error (ICMP error with IP_RECVERR): its report is queued. */
	if (rc < 0 && rc != -EAGAIN)
		drain_errq(e);
	return (revents & POLLIN) && rc != -EAGAIN;
}

void rt_engine_io(struct rt_engine *e, short revents)
{
	e->rx_maybe = drain(e, revents);
}

/* ---- sending ------------------------------------------------------------ */

/* When the next probe may leave: the schedule, unless a full queue said wait. */
static int64_t due_time(const struct rt_engine *e)
{
	int64_t due = rt_sched_due(&e->sched, &e->st);

	return due > e->retry_ns ? due : e->retry_ns;
}

static void send_failed(struct rt_engine *e, int err)
{
	struct rt_event ev = { .kind = RT_EV_SEND_ERROR, .err = err };
	int handled = 0;

	/* An ICMP error may explain the failure: report that one instead. */
	for (int i = 0, rc; i < 256 && (rc = recv_err(e)) >= 0; i++)
		handled += rc == 1;
	if (handled)
		return;
	ev.wall_us = event_wall(e);
	ev.text = strerror(err);
	rt_out_event(&e->out, &ev);
}

static void send_probe(struct rt_engine *e)
{
	const struct rt_opts *o = e->o;
	uint16_t seq = rt_stats_next_seq(&e->st);
	uint16_t last = (uint16_t)e->st.ntransmitted;
	int64_t now;
	bool ask;
	int err;

	if (e->st.ntransmitted && (o->outstanding || o->json) && !rt_stats_received(&e->st, last)) {
		struct rt_event ev = { .kind = RT_EV_TIMEOUT, .seq = last, .wall_us = event_wall(e) };

		if (e->eager)
			drain_errq(e);
		ev.egress = rt_observe_egress(&e->ob, last);
		rt_out_event(&e->out, &ev);
	}
	ask = e->sock.reports && rt_egress_sample(o->flood, e->st.ntransmitted);
	err = -rt_tx_echo(e->tx, seq, ask, &now);
	if (err) {
		switch (rt_policy_send_error(o, &e->st, err)) {
		case RT_SEND_RETRY:
			e->retry_ns = now + RT_FLOOD_GAP_NS;
			return;
		case RT_SEND_FATAL:
			e->fatal = "Do you want to ping broadcast? Then -b. If not, "
				   "check your local firewall rules";
			return;
		case RT_SEND_FAILED:
			break;
		}
	}
	rt_stats_sent(&e->st, seq, now);
	if (ask && !err)
		rt_egress_asked(&e->ob.eg, seq);
	if (err)
		send_failed(e, err);
	else
		rt_out_sent(&e->out);
	rt_sched_sent(&e->sched, &e->st, now);
	e->rx_maybe = true;
	e->unread += ask && !err;
}

/* ---- the run ------------------------------------------------------------ */

int64_t rt_engine_step(struct rt_engine *e, int64_t now)
{
	int64_t until, said;

	if (e->fatal || rt_policy_finished(&e->run, e->o, &e->st, now))
		return RT_LOOP_STOP;
	rt_policy_schedule_exit(&e->run, e->o, &e->st, now);
	said = rt_observe_step(&e->ob, now, event_wall(e));
	if (rt_policy_may_send(e->o, &e->st) && now >= due_time(e)) {
		send_probe(e);
		return now;
	}
	/*
	 * A reply is often queued already (veth, loopback: the peer answers
	 * inside our sendto()): read it without a ppoll() round first.
	 */
	if (e->rx_maybe) {
		e->rx_maybe = drain(e, POLLIN);
		return now;
	}
	/* Nothing due: sleep until the next probe, the linger or -w ends. */
	until = rt_policy_wake(&e->run);
	if (rt_policy_may_send(e->o, &e->st) && (!until || due_time(e) < until))
		until = due_time(e);
	if (said != INT64_MAX && (!until || said < until))
		until = said;
	return until ? until : RT_LOOP_IDLE;
}

void rt_engine_status(struct rt_engine *e)
{
	rt_out_status(&e->out, &e->st);
}

/*
 * iputils prints "from SRC DEV: " when -I was given (device or address);
 * rtping also does with -v, showing the route module's decision, and the
 * JSON start event always has it.
 */
static void print_header(struct rt_engine *e, const struct rt_route_snap *route)
{
	const struct rt_opts *o = e->o;
	char dbuf[NI_MAXHOST], sbuf[NI_MAXHOST];
	const char *s = NULL, *d = NULL;

	if (o->src.af != AF_UNSPEC) {
		struct sockaddr_storage ss;
		socklen_t len = rt_flow_src_sockaddr(e->flow, &o->src, &ss);

		/* Numeric, with "%dev" for a link-local source, as iputils. */
		s = getnameinfo((struct sockaddr *)&ss, len, sbuf, sizeof(sbuf), NULL, 0,
				NI_NUMERICHOST) ? rt_addr_str(&o->src, sbuf, sizeof(sbuf)) : sbuf;
		d = o->iface[0] ? o->iface : "";
	} else if ((o->iface[0] || o->verbose || o->json) && rt_addr_is_set(&route->src)) {
		s = rt_addr_str(&route->src, sbuf, sizeof(sbuf));
		d = o->iface[0] ? o->iface : route->dev;
	}
	rt_out_pattern(&e->out, o->pattern_set ? o->pattern : NULL, o->pattern_len);
	/* From the sockaddr: a scoped IPv6 target shows its "%iface", as iputils. */
	if (getnameinfo((struct sockaddr *)&e->sock.dst, e->sock.dst_len, dbuf, sizeof(dbuf),
			NULL, 0, NI_NUMERICHOST))
		rt_addr_str(&e->t->addr, dbuf, sizeof(dbuf));
	rt_out_header(&e->out, dbuf, s, d, o->size,
		      e->fam->ip_hdr_len + rt_opts_ipopt_len(o, e->fam));
}

int rt_engine_start(struct rt_engine *e, const struct rt_route_snap *route, const char **what)
{
	const struct rt_opts *o = e->o;
	int64_t now;
	int rc;

	if ((rc = rt_sock_bind_route(&e->sock, o, e->flow, route, what)) < 0)
		return rc;
	print_header(e, route);
	/* -C: iputils connects once the header is out (the flow knows: explain). */
	if (o->connect && (rc = rt_sock_connect(&e->sock, what)) < 0)
		return rc;
	now = rt_clock_ns(CLOCK_MONOTONIC);
	if (rt_stats_init(&e->st, now, rt_policy_window(o)) < 0 ||
	    rt_observe_init(&e->ob, &e->out, e->sock.reports, rt_policy_window(o), &e->route,
			    e->multipath) < 0)
		return *what = "malloc", -ENOMEM;
	e->out.egress = e->sock.reports ? &e->ob.eg : NULL;
	rt_sched_init(&e->sched, o->interval_ns, o->preload, o->adaptive,
		      e->privileged ? 0 : RT_MIN_USER_INTERVAL_NS, now);
	e->retry_ns = INT64_MIN;
	rt_policy_start(&e->run, o, now);
	return 0;
}

void rt_engine_result(const struct rt_engine *e, struct rt_engine_result *r)
{
	r->fatal = e->fatal;
	r->st = &e->st;
}

void rt_engine_summary(struct rt_engine *e)
{
	/* The reports of the last echoes: the per-egress counts are complete. */
	if (e->sock.reports)
		drain_errq(e);
	rt_observe_step(&e->ob, INT64_MAX, event_wall(e));   /* a held change: now or never */
	rt_out_summary(&e->out, &e->st);
}
