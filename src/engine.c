/*
 * The ping engine: one target's echo requests, the replies and errors that
 * come back, turned into events for src/output.c. Model: iputils ping's
 * behaviour (options, timing rules, exit codes) without its structure:
 * socket set-up in src/sock.c, sending in src/tx.c, what comes back in
 * src/engine_rx.c (reading in src/rx.c), the rules in src/policy.c, the
 * loop in src/loop.c; RTTs from our own window of sends
 * instead of the reply payload; one code path for IPv4 and IPv6.
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
	e->ni = rt_probe_is_ni(o, e->fam);
	rt_out_init(&e->out, o, e->fam->af == AF_INET6, prog, t->name);
	/* iputils times echoes only: no "time=", no rtt line for queries. */
	e->out.timing = e->out.timing && !e->ni;
	e->out.rr = &e->rr;
	e->out.name = rt_names_copy;
	/* Broadcast/multicast: many hosts answer, so iputils hides (DUP!) unless -v. */
	e->out.quiet_dup = e->group && !o->verbose;
	rc = rt_sock_open(&e->sock, o, f, t, what);
	e->out.flowlabel = e->sock.flowlabel;
	if (rc == 0) {
		struct rt_tx_cfg tc = {
			.fd = e->sock.fd, .dst = (struct sockaddr *)&e->sock.dst,
			.dst_len = e->sock.dst_len,
		};

		rt_probe_init(&tc.probe, o, e->fam, &t->addr, e->sock.match.id);

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
	rt_observe_route(&e->ob, v, cause, rt_stats_next_seq(&e->st), rt_engine_wall(e));
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

/* ---- sending ------------------------------------------------------------ */

/* When the next probe may leave: the schedule, unless a full queue said wait. */
int64_t rt_engine_due(const struct rt_engine *e)
{
	int64_t due = rt_sched_due(&e->sched, &e->st);

	return due > e->retry_ns ? due : e->retry_ns;
}

static void send_failed(struct rt_engine *e, int err)
{
	struct rt_event ev = { .kind = RT_EV_SEND_ERROR, .err = err };
	int handled = 0;

	/* An ICMP error may explain the failure: report that one instead. */
	for (int i = 0, rc; i < 256 && (rc = rt_engine_recv_err(e)) >= 0; i++)
		handled += rc == 1;
	if (handled)
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

static void send_probe(struct rt_engine *e)
{
	const struct rt_opts *o = e->o;
	uint16_t seq = rt_stats_next_seq(&e->st);
	uint16_t last = (uint16_t)e->st.ntransmitted;
	int64_t now;
	bool ask;
	int err;
	uint8_t rnd[6] = { 0 };

	if (e->st.ntransmitted && (o->outstanding || o->json) && !rt_stats_received(&e->st, last)) {
		struct rt_event ev = { .kind = RT_EV_TIMEOUT, .seq = last, .wall_us = rt_engine_wall(e) };

		if (e->eager)
			rt_engine_drain_errq(e);
		ev.egress = rt_observe_egress(&e->ob, last);
		rt_out_event(&e->out, &ev);
	}
	ask = e->sock.reports && rt_egress_sample(o->flood, e->st.ntransmitted);
	if (e->ni)
		new_nonce(e, seq, rnd);
	err = -rt_tx_echo(e->tx, seq, rnd, &ask, &now);
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
	said = rt_observe_step(&e->ob, now, rt_engine_wall(e));
	if (rt_policy_may_send(e->o, &e->st) && now >= rt_engine_due(e)) {
		send_probe(e);
		return now;
	}
	/*
	 * A reply is often queued already (veth, loopback: the peer answers
	 * inside our sendto()): read it without a ppoll() round first.
	 */
	if (e->rx_maybe) {
		e->rx_maybe = rt_engine_drain(e, POLLIN);
		return now;
	}
	/* Nothing due: sleep until the next probe, the linger or -w ends. */
	until = rt_policy_wake(&e->run);
	if (rt_policy_may_send(e->o, &e->st) && (!until || rt_engine_due(e) < until))
		until = rt_engine_due(e);
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
		rt_engine_drain_errq(e);
	rt_observe_step(&e->ob, INT64_MAX, rt_engine_wall(e));   /* a held change: now or never */
	rt_out_summary(&e->out, &e->st);
}
