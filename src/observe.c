/*
 * Predictions against observations, target by target. The rules of what
 * is news live in src/egress.c; here they become events: a divergence
 * from the prediction is one line, a change is one route_change, and a
 * change the route watch explains is said once, by the watch's re-query,
 * with its cause. The events carry the routes as values; the printer
 * words them and the owner names the target.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rtping/nl.h"
#include "rtping/observe.h"
#include "rtping/output.h"

/* How far back a new route is looked for among the known ones before it is added. */
#define ROUTE_LOOKBACK 256

static struct rt_egress snap_egress(const struct rt_route_view *v)
{
	struct rt_egress eg = { 0 };

	if (!v->err) {
		eg.ifindex = v->snap.ifindex;
		eg.src = v->snap.src;
	}
	return eg;
}

int rt_observe_init(struct rt_observe *ob, rt_observe_emit_fn emit, void *arg, bool on,
		    size_t n, size_t window, bool keys)
{
	memset(ob, 0, sizeof(*ob));
	ob->emit = emit;
	ob->emit_arg = arg;
	ob->on = on;
	ob->n = n;
	ob->t = calloc(n ? n : 1, sizeof(*ob->t));
	ob->routes = calloc(1, sizeof(*ob->routes));   /* [0]: not known yet */
	if (!ob->t || !ob->routes)
		return -ENOMEM;
	ob->nroutes = ob->routes_cap = 1;
	for (size_t i = 0; on && i < n; i++)
		if (rt_egress_init(&ob->t[i].eg, window, keys) < 0)
			return -ENOMEM;
	return 0;
}

void rt_observe_free(struct rt_observe *ob)
{
	for (size_t i = 0; ob->t && i < ob->n; i++)
		rt_egress_free(&ob->t[i].eg);
	free(ob->t);
	rt_egress_table_free(&ob->egs);
	free(ob->routes);
	free(ob->holds);
	memset(ob, 0, sizeof(*ob));
}

/* route's index in the run's table, added when new; 0 when out of memory. */
static uint32_t intern(struct rt_observe *ob, const struct rt_route_view *route)
{
	size_t stop = ob->nroutes > ROUTE_LOOKBACK ? ob->nroutes - ROUTE_LOOKBACK : 1;
	struct rt_route_view *more;

	for (size_t k = ob->nroutes; k-- > stop;)
		if (!memcmp(&ob->routes[k], route, sizeof(*route)))
			return (uint32_t)k;
	if (ob->nroutes == ob->routes_cap) {
		more = realloc(ob->routes, 2 * ob->routes_cap * sizeof(*more));
		if (!more || ob->routes_cap >= UINT32_MAX / 2)
			return 0;
		ob->routes = more;
		ob->routes_cap *= 2;
	}
	ob->routes[ob->nroutes] = *route;
	return (uint32_t)ob->nroutes++;
}

/* A predicted egress in the run's table; 0: none (unknown, or the table is full). */
static uint8_t expect_of(struct rt_observe *ob, const struct rt_egress *eg)
{
	return eg->ifindex ? rt_egress_table_add(&ob->egs, eg) : 0;
}

int rt_observe_predict(struct rt_observe *ob, size_t i, const struct rt_route_view *route,
		       bool multipath)
{
	struct rt_observe_tgt *t = &ob->t[i];
	struct rt_egress expect;
	struct rt_route_view v = *route;

	t->route = intern(ob, &v);
	if (!t->route)
		return -ENOMEM;
	t->multipath = multipath;
	expect = snap_egress(route);
	if (ob->on)
		rt_egress_expect(&t->eg, expect_of(ob, &expect), true);
	return 0;
}

/* Held changes, oldest first; false when out of memory (the change is not said). */
static bool hold_push(struct rt_observe *ob, size_t i, int64_t now)
{
	struct rt_observe_hold *more;

	if (ob->nholds == ob->holds_cap) {
		size_t cap = ob->holds_cap ? 2 * ob->holds_cap : 4;

		if (!(more = malloc(cap * sizeof(*more))))
			return false;
		for (size_t k = 0; k < ob->nholds; k++)
			more[k] = ob->holds[(ob->hold_head + k) % ob->holds_cap];
		free(ob->holds);
		ob->holds = more;
		ob->holds_cap = cap;
		ob->hold_head = 0;
	}
	ob->holds[(ob->hold_head + ob->nholds++) % ob->holds_cap] =
		(struct rt_observe_hold){ (uint32_t)i, now };
	return true;
}

void rt_observe_report(struct rt_observe *ob, size_t i, const struct rt_txrep *r, int64_t now)
{
	struct rt_observe_tgt *t;
	enum rt_egress_verdict v;
	uint16_t seq;
	uint8_t eg, prev;

	if (!ob->on || i >= ob->n)
		return;
	t = &ob->t[i];
	v = rt_egress_report(&t->eg, &ob->egs, r, &seq, &eg, &prev);
	/* A new egress of the run is named once, whichever target saw it first. */
	if (eg && !ob->egs.eg[eg - 1].dev[0])
		rt_nl_ifname(NULL, r->ifindex, ob->egs.eg[eg - 1].dev);
	if (v == RT_EGRESS_SAME)
		return;
	if (t->held) {
		t->held_to = eg;      /* still one change: from the first to the latest */
		return;
	}
	if (!hold_push(ob, i, now))
		return;
	t->held = true;
	t->held_kind = (uint8_t)v;
	t->held_seq = seq;
	t->held_from = prev;
	t->held_to = eg;
	t->held_since = now;
}

/* An observed egress as a route: only what a report says. */
static struct rt_route_view egress_view(const struct rt_egress *eg)
{
	struct rt_route_view v = { .known = true, .observed = true };

	v.snap.src = eg->src;
	v.snap.ifindex = eg->ifindex;
	snprintf(v.snap.dev, sizeof(v.snap.dev), "%s", eg->dev);
	return v;
}

static void say_diverges(struct rt_observe *ob, size_t i, const struct rt_egress *to,
			 int64_t wall_us)
{
	struct rt_event ev = { .kind = RT_EV_MESSAGE, .wall_us = wall_us };
	const struct rt_observe_tgt *t = &ob->t[i];
	const struct rt_route_snap *p = &ob->routes[t->route].snap;
	const char *why = t->multipath ? "multipath hash" : NULL;
	char a[RT_ADDRSTRLEN], b[RT_ADDRSTRLEN], text[256];

	snprintf(text, sizeof(text), "echo left from %s dev %s, not %s dev %s as the route "
		 "query said%s%s%s", rt_addr_str(&to->src, a, sizeof(a)), to->dev,
		 rt_addr_str(&p->src, b, sizeof(b)), p->dev, why ? " (" : "",
		 why ? why : "", why ? ")" : "");
	ev.text = text;
	ob->emit(ob->emit_arg, i, &ev);
}

static void say_changed(struct rt_observe *ob, size_t i, const struct rt_egress *from,
			const struct rt_egress *to, int64_t wall_us)
{
	struct rt_event ev = { .kind = RT_EV_ROUTE_CHANGE, .wall_us = wall_us,
			       .seq = ob->t[i].held_seq, .cause = "observed" };
	struct rt_route_view f = egress_view(from), t = egress_view(to);

	ev.route_from = &f;
	ev.route_to = &t;
	ob->emit(ob->emit_arg, i, &ev);
}

/* Target i's held change, its grace over: said unless it went back meanwhile. */
static void release(struct rt_observe *ob, size_t i, int64_t wall_us)
{
	struct rt_observe_tgt *t = &ob->t[i];
	const struct rt_egress *to = &ob->egs.eg[t->held_to - 1];

	t->held = false;
	/* Back to the expected egress meanwhile, or explained by the watch. */
	if (t->eg.expect && t->held_to == t->eg.expect)
		return;
	if (t->held_kind == RT_EGRESS_DIVERGES || !t->held_from)
		say_diverges(ob, i, to, wall_us);
	else
		say_changed(ob, i, &ob->egs.eg[t->held_from - 1], to, wall_us);
	/* Said: from now on only a change away from it is news. */
	rt_egress_expect(&t->eg, t->held_to, false);
}

int64_t rt_observe_step(struct rt_observe *ob, int64_t now, int64_t wall_us)
{
	while (ob->nholds) {
		struct rt_observe_hold h = ob->holds[ob->hold_head];
		struct rt_observe_tgt *t = &ob->t[h.i];

		/* Released by a re-query, or held again since: a later entry is its own. */
		if (t->held && t->held_since == h.since) {
			if (now - h.since < RT_OBSERVE_GRACE_NS)
				return h.since + RT_OBSERVE_GRACE_NS;
			release(ob, h.i, wall_us);
		}
		ob->hold_head = (ob->hold_head + 1) % ob->holds_cap;
		ob->nholds--;
	}
	return INT64_MAX;
}

/* Two addresses are the same, or both absent (an on-link route has no gateway). */
static bool same_addr(const struct rt_addr *a, const struct rt_addr *b)
{
	return rt_addr_is_set(a) ? rt_addr_equal(a, b) : !rt_addr_is_set(b);
}

static bool same_route(const struct rt_route_view *a, const struct rt_route_view *b)
{
	if (a->err || b->err)
		return a->err == b->err;
	return same_addr(&a->snap.src, &b->snap.src) && a->snap.ifindex == b->snap.ifindex &&
	       same_addr(&a->snap.gateway, &b->snap.gateway) && a->snap.table == b->snap.table;
}

void rt_observe_route(struct rt_observe *ob, size_t i, const struct rt_route_view *route,
		      const char *cause, uint16_t next_seq, int64_t wall_us)
{
	struct rt_event ev = { .kind = RT_EV_ROUTE_CHANGE, .wall_us = wall_us, .seq = next_seq,
			       .cause = cause };
	struct rt_observe_tgt *t;
	struct rt_route_view from;
	struct rt_egress expect;
	uint8_t want = 0;
	uint32_t to;

	if (i >= ob->n || same_route(&ob->routes[ob->t[i].route], route))
		return;
	t = &ob->t[i];
	expect = snap_egress(route);
	if (ob->on)
		want = expect_of(ob, &expect);
	/* Echoes already left by the new route: the change came before the first. */
	if (ob->on && t->held && want && t->held_to == want) {
		ev.seq = t->held_seq;
		t->held = false;
	}
	/* Said even when the table cannot take the new route; then kept as before. */
	from = ob->routes[t->route];
	to = intern(ob, route);
	ev.route_from = &from;
	ev.route_to = route;
	ob->emit(ob->emit_arg, i, &ev);
	if (to)
		t->route = to;
	if (ob->on)
		rt_egress_expect(&t->eg, want, true);
}

const struct rt_egress *rt_observe_egress(const struct rt_observe *ob, size_t i, uint16_t seq)
{
	uint8_t eg = ob->on && i < ob->n ? rt_egress_of(&ob->t[i].eg, seq) : 0;

	return eg ? &ob->egs.eg[eg - 1] : NULL;
}

size_t rt_observe_counts(const struct rt_observe *ob, size_t i, struct rt_egress_seen *out)
{
	return rt_egress_counts(&ob->t[i].eg, &ob->egs, out);
}
