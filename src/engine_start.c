/*
 * The engine's start: -B binds, the headers in argument order, -C's
 * connect(), the schedules, and each target's first send spread over one
 * interval.
 */
#include <errno.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>
#include <net/if.h>

#include "engine_int.h"
#include "rtping/error.h"
#include "rtping/targets.h"

static bool is_multicast(const struct rt_addr *a)
{
	/* 224.0.0.0/4 and ff00::/8: the first byte says it for both families. */
	return a->af == AF_INET ? (a->u.raw[0] & 0xf0) == 0xe0 : a->u.raw[0] == 0xff;
}

/*
 * iputils' "broadcast pings" for a user's limits (src/opts_check.c): -b
 * on IPv4 (ping6 ignores it), or a multicast destination.
 */
static bool sends_to_group(const struct rt_engine *e, size_t i)
{
	return is_multicast(&e->tl->peers[i].addr) ||
	       (e->o->broadcast && e->tl->t[i].fam->af == AF_INET);
}

/* Target i as the printers name it: once, before its header. */
static void make_view(struct rt_engine *e, size_t i)
{
	struct rt_tgt *t = &e->tl->t[i];
	const struct fsock *fs = &e->fs[rt_engine_fam(t->fam)];

	const struct rt_addr *a = &e->tl->peers[i].addr;
	/* The scope typed ("%dev"), else -I's device: JSON writes it with the address. */
	uint32_t scope = t->scope ? t->scope : fs->flow ? fs->flow->oif : 0;

	t->group = e->o->broadcast || is_multicast(a);
	e->tl->peers[i].any_source = t->group;
	e->views[i] = (struct rt_out_target){
		.host = t->name,
		.addr = &e->tl->peers[i].addr,
		.route_json = t->route_json,
		.name = rt_names_copy,
		.name_ctx = e->names[t->numeric],
		.rr = e->rrs ? &e->rrs[i] : &e->rr,
		.flowlabel = fs->sock.flowlabel,
		.v6 = t->fam->af == AF_INET6,
		/* -v; or the replies' sender does not say which target they answer. */
		.prefix = e->multi && (e->o->verbose || t->shared || t->group),
		/* Broadcast/multicast: many hosts answer, so iputils hides (DUP!) unless -v. */
		.quiet_dup = t->group && !e->o->verbose,
		/* iputils times echoes only: no "time=", no rtt line for queries. */
		.timing = e->timing && !fs->ni,
	};
	if (scope && rt_addr_needs_scope(a) && !if_indextoname(scope, e->views[i].scope))
		snprintf(e->views[i].scope, sizeof(e->views[i].scope), "%u", scope);
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
	} else if ((o->iface[0] || o->bind_source || ((o->verbose || o->json) && !t->hashed)) &&
		   rt_addr_is_set(&t->src)) {
		/*
		 * iputils names the source with -I DEVICE and -B ("from S : ");
		 * -v and JSON add the route's device, unless a hash no query can
		 * express picks among next hops: then there are candidates (the
		 * route object lists them), not a source.
		 */
		s = rt_addr_str(&t->src, sbuf, sizeof(sbuf));
		d = o->iface[0] ? o->iface : "";
		if (!o->iface[0] && (o->verbose || o->json) && t->ifindex &&
		    if_indextoname(t->ifindex, dev))
			d = dev;
		/* JSON writes a link-local address with its device, as everywhere else. */
		if (o->json && *d && rt_addr_needs_scope(&t->src))
			snprintf(sbuf + strlen(sbuf), sizeof(sbuf) - strlen(sbuf), "%%%s", d);
	}
	/* From the sockaddr: a scoped IPv6 target shows its "%iface", as iputils. */
	if (getnameinfo((struct sockaddr *)&dst, dst_len, dbuf, sizeof(dbuf), NULL, 0,
			NI_NUMERICHOST))
		rt_addr_str(&e->tl->peers[i].addr, dbuf, sizeof(dbuf));
	rt_out_header(&e->out, &e->views[i], dbuf, s, d, o->size,
		      t->fam->ip_hdr_len + rt_opts_ipopt_len(o, t->fam), rt_engine_wall(e));
}

/* Target i ready to run: its state, from its own start (spread over one interval). */
static int start_target(struct rt_engine *e, size_t i, int64_t now)
{
	const struct rt_opts *o = e->o;
	struct rt_tgt *t = &e->tl->t[i];

	if (rt_stats_init(&e->tl->st[i], rt_sched_first(&e->sched, i), rt_policy_window(o)) < 0)
		return -ENOMEM;
	rt_policy_start(&t->run);
	t->state = RT_TGT_RUNNING;
	e->nlive++;
	rt_engine_update(e, i, now);
	return 0;
}

/* -B on each socket: its first target's source (every target's, on one device). */
static int bind_sources(struct rt_engine *e, struct rt_error *err)
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
					&(struct rt_route_snap){ .src = t->src }, err);
		if (rc < 0)
			return rc;
	}
	return 0;
}

int rt_engine_start(struct rt_engine *e, struct rt_error *err)
{
	const struct rt_opts *o = e->o;
	struct rt_targets *tl = e->tl;
	struct rt_sched_cfg sc = {
		.interval_ns = o->interval_ns, .preload = o->preload, .adaptive = o->adaptive,
		.min_interval_ns = e->privileged ? 0 : RT_MIN_USER_INTERVAL_NS,
		.rate = o->rate ? o->rate : tl->n > 1 ? RT_RATE_DEFAULT : 0,
		/* A user's many targets: iputils' limits hold for the process (src/opts.c). */
		.group_gap_ns = e->privileged || tl->n < 2 ? 0 : RT_USER_GROUP_GAP_NS,
	};
	int64_t now;
	int rc;

	if ((rc = bind_sources(e, err)) < 0)
		return rc;
	if (!e->privileged && tl->n > 1 && sc.rate > RT_USER_RATE_MAX)
		sc.rate = RT_USER_RATE_MAX;
	/*
	 * One echo id a target (raw sockets match replies by it): its family
	 * socket's + i. Link-local targets are told apart by their link too.
	 */
	for (size_t i = 0; i < tl->n; i++) {
		int k = tl->t[i].fam ? rt_engine_fam(tl->t[i].fam) : 0;

		tl->peers[i].id = (uint16_t)(e->fs[e->fs[k].open ? k : !k].sock.match.id + i);
		tl->peers[i].scope = tl->t[i].scope;
	}
	if (rt_demux_init(&e->dmx, tl->peers, tl->n) < 0 || rt_ingress_init(&e->ing, tl->n) < 0 ||
	    !(e->views = calloc(tl->n, sizeof(*e->views))) ||
	    (e->multi && o->ipopt == RT_IPOPT_RR && !(e->rrs = calloc(tl->n, sizeof(*e->rrs)))))
		return rt_error_errno(err, -ENOMEM, "malloc");
	e->dmx.tags = e->fs[0].tagged || e->fs[1].tagged;
	rt_out_pattern(&e->out, o->pattern_set ? o->pattern : NULL, o->pattern_len);
	for (size_t i = 0; i < tl->n; i++) {
		if (tl->t[i].state != RT_TGT_READY)
			continue;
		make_view(e, i);
		print_header(e, i);
	}
	fflush(e->out.f);
	/* -C (one target: src/ping.c): iputils connects once the header is out. */
	for (int k = 0; k < 2 && o->connect; k++)
		if (e->fs[k].open && (rc = rt_sock_connect(&e->fs[k].sock, err)) < 0)
			return rc;
	now = rt_clock_ns(CLOCK_MONOTONIC);
	/* Target i's first send: now + i x interval / n (rt_sched_first()). */
	if (rt_sched_init(&e->sched, &sc, tl->n, now) < 0)
		return rt_error_errno(err, -ENOMEM, "malloc");
	for (size_t i = 0; i < tl->n; i++) {
		if (tl->t[i].state != RT_TGT_READY)
			rt_sched_done(&e->sched, i);
		else if ((sends_to_group(e, i) && rt_sched_set_group(&e->sched, i) < 0) ||
			 start_target(e, i, now) < 0)
			return rt_error_errno(err, -ENOMEM, "malloc");
	}
	return 0;
}
