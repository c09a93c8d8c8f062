/*
 * Predictions against observations. The rules of what is news live in
 * src/egress.c; here they become events: a divergence from the prediction
 * is one line, a change is one route_change, and a change the route watch
 * explains is said once, by the watch's re-query, with its cause.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/rtnetlink.h>

#include "rtping/json.h"
#include "rtping/nl.h"
#include "rtping/observe.h"

static struct rt_egress snap_egress(const struct rt_route_view *v)
{
	struct rt_egress eg = { 0 };

	if (!v->err) {
		eg.ifindex = v->snap.ifindex;
		eg.src = v->snap.src;
	}
	return eg;
}

static const char *table_name(uint32_t t, char *buf, size_t len)
{
	switch (t) {
	case RT_TABLE_MAIN: return "main";
	case RT_TABLE_LOCAL: return "local";
	case RT_TABLE_DEFAULT: return "default";
	}
	snprintf(buf, len, "%u", t);
	return buf;
}

void rt_route_view_text(struct rt_route_view *v)
{
	const struct rt_route_snap *r = &v->snap;
	char a[RT_ADDRSTRLEN], g[RT_ADDRSTRLEN], t[16];
	int n;

	if (v->err) {
		snprintf(v->text, sizeof(v->text), "no route (%s)", strerror(-v->err));
		return;
	}
	n = snprintf(v->text, sizeof(v->text), "src %s dev %s", rt_addr_str(&r->src, a, sizeof(a)),
		     r->dev[0] ? r->dev : "?");
	if (n > 0 && (size_t)n < sizeof(v->text) && rt_addr_is_set(&r->gateway))
		n += snprintf(v->text + n, sizeof(v->text) - (size_t)n, " via %s",
			      rt_addr_str(&r->gateway, g, sizeof(g)));
	if (n > 0 && (size_t)n < sizeof(v->text) && r->table)
		snprintf(v->text + n, sizeof(v->text) - (size_t)n, " table %s",
			 table_name(r->table, t, sizeof(t)));
}

int rt_observe_init(struct rt_observe *ob, const struct rt_out *out, bool on, size_t window,
		    struct rt_route_view *route, bool multipath)
{
	struct rt_egress expect;

	memset(ob, 0, sizeof(*ob));
	ob->out = out;
	ob->on = on;
	ob->route = *route;
	route->json = NULL;
	rt_route_view_text(&ob->route);
	ob->why = multipath ? "multipath hash" : NULL;
	expect = snap_egress(&ob->route);
	return on ? rt_egress_init(&ob->eg, window, &expect) : 0;
}

void rt_observe_free(struct rt_observe *ob)
{
	rt_egress_free(&ob->eg);
	free(ob->route.json);
	ob->route.json = NULL;
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

/* The JSON route object of an observed egress: only what a report says. */
static void egress_json(const struct rt_egress *eg, char *buf, size_t len)
{
	FILE *f = fmemopen(buf, len, "w");
	char a[RT_ADDRSTRLEN];

	if (!f) {
		snprintf(buf, len, "null");
		return;
	}
	rt_json_kstr(f, "{", "source", rt_addr_str(&eg->src, a, sizeof(a)));
	rt_json_kstr(f, ", ", "device", eg->dev[0] ? eg->dev : NULL);
	fprintf(f, ", \"ifindex\": %u, \"gateway\": null, \"table\": null, \"type\": null, "
		"\"prefix\": null, \"protocol\": null, \"metric\": null, \"scope\": null, "
		"\"multipath\": null, \"error\": null}", eg->ifindex);
	if (fclose(f) == EOF)
		snprintf(buf, len, "null");
}

static void egress_text(const struct rt_egress *eg, char *buf, size_t len)
{
	char a[RT_ADDRSTRLEN];

	snprintf(buf, len, "src %s dev %s", rt_addr_str(&eg->src, a, sizeof(a)),
		 eg->dev[0] ? eg->dev : "?");
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
	rt_out_event(ob->out, &ev);
}

static void say_changed(struct rt_observe *ob, const struct rt_egress *from,
			const struct rt_egress *to, int64_t wall_us)
{
	struct rt_event ev = { .kind = RT_EV_ROUTE_CHANGE, .wall_us = wall_us,
			       .seq = ob->held_seq, .cause = "observed" };
	char ft[128], tt[128], fj[512], tj[512];

	egress_text(from, ft, sizeof(ft));
	egress_text(to, tt, sizeof(tt));
	egress_json(from, fj, sizeof(fj));
	egress_json(to, tj, sizeof(tj));
	ev.from_text = ft;
	ev.to_text = tt;
	ev.from_json = fj;
	ev.to_json = tj;
	rt_out_event(ob->out, &ev);
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

void rt_observe_route(struct rt_observe *ob, struct rt_route_view *route, const char *cause,
		      uint16_t next_seq, int64_t wall_us)
{
	struct rt_event ev = { .kind = RT_EV_ROUTE_CHANGE, .wall_us = wall_us, .seq = next_seq,
			       .cause = cause };
	struct rt_egress expect;

	rt_route_view_text(route);
	if (same_route(&ob->route, route)) {
		free(route->json);
		route->json = NULL;
		return;
	}
	expect = snap_egress(route);
	/* Echoes already left by the new route: the change came before the first. */
	if (ob->held && rt_egress_equal(&ob->eg.seen[ob->held_to].eg, &expect)) {
		ev.seq = ob->held_seq;
		ob->held = false;
	}
	ev.from_text = ob->route.text;
	ev.to_text = route->text;
	ev.from_json = ob->route.json ? ob->route.json : "null";
	ev.to_json = route->json ? route->json : "null";
	rt_out_event(ob->out, &ev);
	free(ob->route.json);
	ob->route = *route;
	route->json = NULL;
	if (ob->on)
		rt_egress_expect(&ob->eg, &expect, true);
}

const struct rt_egress *rt_observe_egress(const struct rt_observe *ob, uint16_t seq)
{
	return ob->on ? rt_egress_of(&ob->eg, seq) : NULL;
}
