/*
 * Predictions against observations. The rules of what is news live in
 * src/egress.c; here they become events: a divergence from the prediction
 * is one line, a change is one route_change, and a change the route watch
 * explains is said once, by the watch's re-query, with its cause. The
 * events carry the routes as values; the printer words them.
 */
#include <stdio.h>
#include <string.h>

#include "rtping/nl.h"
#include "rtping/observe.h"
#include "rtping/output.h"

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
		    size_t window, const struct rt_route_view *route, bool multipath)
{
	struct rt_egress expect;

	memset(ob, 0, sizeof(*ob));
	ob->emit = emit;
	ob->emit_arg = arg;
	ob->on = on;
	ob->route = *route;
	ob->why = multipath ? "multipath hash" : NULL;
	expect = snap_egress(&ob->route);
	return on ? rt_egress_init(&ob->eg, window, &expect) : 0;
}

void rt_observe_free(struct rt_observe *ob)
{
	rt_egress_free(&ob->eg);
}

void rt_observe_report(struct rt_observe *ob, const struct rt_txrep *r, int64_t now)
{
	enum rt_egress_verdict v;
	uint16_t seq;
	int idx, prev;

	if (!ob->on)
		return;
	v = rt_egress_report(&ob->eg, r, &seq, &idx, &prev);
	if (idx >= 0 && !ob->eg.seen[idx].eg.dev[0])
		rt_nl_ifname(NULL, r->ifindex, ob->eg.seen[idx].eg.dev);
	if (v == RT_EGRESS_SAME)
		return;
	if (ob->held) {
		ob->held_to = idx;      /* still one change: from the first to the latest */
		return;
	}
	ob->held = true;
	ob->held_kind = v;
	ob->held_seq = seq;
	ob->held_from = prev;
	ob->held_to = idx;
	ob->held_since = now;
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

static void say_diverges(struct rt_observe *ob, const struct rt_egress *to, int64_t wall_us)
{
	struct rt_event ev = { .kind = RT_EV_MESSAGE, .wall_us = wall_us };
	const struct rt_route_snap *p = &ob->route.snap;
	char a[RT_ADDRSTRLEN], b[RT_ADDRSTRLEN], text[256];

	snprintf(text, sizeof(text), "echo left from %s dev %s, not %s dev %s as the route "
		 "query said%s%s%s", rt_addr_str(&to->src, a, sizeof(a)), to->dev,
		 rt_addr_str(&p->src, b, sizeof(b)), p->dev, ob->why ? " (" : "",
		 ob->why ? ob->why : "", ob->why ? ")" : "");
	ev.text = text;
	ob->emit(ob->emit_arg, &ev);
}

static void say_changed(struct rt_observe *ob, const struct rt_egress *from,
			const struct rt_egress *to, int64_t wall_us)
{
	struct rt_event ev = { .kind = RT_EV_ROUTE_CHANGE, .wall_us = wall_us,
			       .seq = ob->held_seq, .cause = "observed" };
	struct rt_route_view f = egress_view(from), t = egress_view(to);

	ev.route_from = &f;
	ev.route_to = &t;
	ob->emit(ob->emit_arg, &ev);
}

int64_t rt_observe_step(struct rt_observe *ob, int64_t now, int64_t wall_us)
{
	const struct rt_egress *to;

	if (!ob->held)
		return INT64_MAX;
	if (now - ob->held_since < RT_OBSERVE_GRACE_NS)
		return ob->held_since + RT_OBSERVE_GRACE_NS;
	ob->held = false;
	to = &ob->eg.seen[ob->held_to].eg;
	/* Back to the expected egress meanwhile, or explained by the watch. */
	if (ob->eg.expect.ifindex && rt_egress_equal(to, &ob->eg.expect))
		return INT64_MAX;
	if (ob->held_kind == RT_EGRESS_DIVERGES || ob->held_from < 0)
		say_diverges(ob, to, wall_us);
	else
		say_changed(ob, &ob->eg.seen[ob->held_from].eg, to, wall_us);
	/* Said: from now on only a change away from it is news. */
	rt_egress_expect(&ob->eg, to, false);
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

void rt_observe_route(struct rt_observe *ob, const struct rt_route_view *route,
		      const char *cause, uint16_t next_seq, int64_t wall_us)
{
	struct rt_event ev = { .kind = RT_EV_ROUTE_CHANGE, .wall_us = wall_us, .seq = next_seq,
			       .cause = cause };
	struct rt_egress expect;

	if (same_route(&ob->route, route))
		return;
	expect = snap_egress(route);
	/* Echoes already left by the new route: the change came before the first. */
	if (ob->held && rt_egress_equal(&ob->eg.seen[ob->held_to].eg, &expect)) {
		ev.seq = ob->held_seq;
		ob->held = false;
	}
	ev.route_from = &ob->route;
	ev.route_to = route;
	ob->emit(ob->emit_arg, &ev);
	ob->route = *route;
	if (ob->on)
		rt_egress_expect(&ob->eg, &expect, true);
}

const struct rt_egress *rt_observe_egress(const struct rt_observe *ob, uint16_t seq)
{
	return ob->on ? rt_egress_of(&ob->eg, seq) : NULL;
}
