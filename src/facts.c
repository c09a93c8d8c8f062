/*
 * --explain-route's path facts, asked of the kernel once the route is
 * known: the return path on each device (IPv4 only: IPv6 has no
 * rp_filter) and the neighbour entry of the gateway or on-link target.
 */
#include <string.h>
#include <linux/rtnetlink.h>

#include "rtping/explain.h"
#include "rtping/facts.h"

/* The neighbour the echo needs: the gateway, else the target on a link; NULL none. */
static const struct rt_addr *next_hop(const struct rt_explain *ex)
{
	const struct rt_route *r = &ex->route;

	if (r->type != RTN_UNICAST || !r->oif)
		return NULL;
	return rt_addr_is_set(&r->gateway) ? &r->gateway : &ex->flow.dst;
}

void rt_facts_ask(struct rt_nl *nl, const struct rt_explain *ex, struct rt_facts *out)
{
	const struct rt_addr *hop = next_hop(ex);
	struct rt_route_snap s;
	struct rt_rpath_ifs ifs;

	memset(out, 0, sizeof(*out));
	if (!nl || ex->fallback || ex->route_err)
		return;
	rt_explain_snapshot(ex, &s);
	/* A reply from this host itself comes through loopback: no input route to ask. */
	if (ex->flow.fam->af == AF_INET && rt_addr_is_set(&s.src) && s.ifindex &&
	    s.ifindex != RT_LOOPBACK_IFINDEX) {
		out->rpath_asked = true;
		out->rpath_err = rt_rpath_devices(nl, ex->flow.fam, s.ifindex, &ifs);
		if (!out->rpath_err)
			out->rpath_err = rt_rpath_diagnose(nl, ex->flow.fam, &ifs, &ex->flow.dst,
							   &s.src, s.ifindex, &out->rpath);
	}
	if (hop) {
		out->neigh_asked = true;
		out->neigh_err = rt_neigh_get(nl, hop, ex->route.oif, &out->neigh);
	}
}
