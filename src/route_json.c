/*
 * The route as the JSON "netlink" object: one writer for the explain
 * report, ping's start event and its route-change events, so the object
 * cannot differ between them.
 */
#include <string.h>
#include <linux/rtnetlink.h>

#include "rtping/json.h"
#include "rtping/route.h"

/* The entry that decided (FIB_MATCH), or nulls when it is not known. */
static void json_match(FILE *out, const struct rt_route_view *v)
{
	char b[16];

	if (!v->matched) {
		fprintf(out, ", \"prefix\": null, \"from\": null, \"protocol\": null, "
			"\"metric\": null, \"scope\": null, \"multipath\": null");
		return;
	}
	rt_json_kstr(out, ", ", "prefix", v->prefix);
	rt_json_kstr(out, ", ", "from", v->from[0] ? v->from : NULL);
	rt_json_kstr(out, ", ", "protocol", rt_route_proto_name(v->protocol, b, sizeof(b)));
	/* IPv4 leaves RTA_PRIORITY out when the metric is 0. */
	fprintf(out, ", \"metric\": %u", v->metric);
	rt_json_kstr(out, ", ", "scope", rt_route_scope_name(v->scope, b, sizeof(b)));
	fprintf(out, ", \"multipath\": %s", v->multipath ? "true" : "false");
}

/* A failed query: every member null but the error and the route type behind it. */
static void json_error(FILE *out, const struct rt_route_view *v)
{
	fprintf(out, "{\"source\": null, \"device\": null, \"ifindex\": null, "
		"\"gateway\": null, \"table\": null");
	rt_json_kstr(out, ", ", "type", v->err_type != RTN_UNSPEC ?
		     rt_route_type_name(v->err_type) : NULL);
	fprintf(out, ", \"prefix\": null, \"from\": null, \"protocol\": null, "
		"\"metric\": null, \"scope\": null, \"multipath\": null, \"mtu\": null");
	rt_json_kstr(out, ", ", "error", strerror(-v->err));
	fprintf(out, "}");
}

/* "mtu": null, or the route's (or exception's) MTU, locked, and when it expires. */
static void json_mtu(FILE *out, const struct rt_route_view *v)
{
	const struct rt_route_mtu *m = &v->mtu;

	if (!m->mtu) {
		fputs(", \"mtu\": null", out);
		return;
	}
	fprintf(out, ", \"mtu\": {\"value\": %u, \"locked\": %s, \"expires\": ", m->mtu,
		m->locked ? "true" : "false");
	if (m->expires_s >= 0)
		fprintf(out, "%lld}", (long long)m->expires_s);
	else
		fputs("null}", out);
}

void rt_route_json(FILE *out, const struct rt_route_view *v)
{
	const struct rt_route_snap *r = &v->snap;

	if (!v->known) {
		fprintf(out, "null");
		return;
	}
	if (v->err) {
		json_error(out, v);
		return;
	}
	/* A transmit report names a source and a device, never a table or type. */
	rt_json_addr(out, "{", "source", &r->src, r->dev);
	rt_json_kstr(out, ", ", "device", r->dev[0] ? r->dev : NULL);
	fprintf(out, ", \"ifindex\": %u", r->ifindex);
	rt_json_addr(out, ", ", "gateway", &r->gateway, r->dev);
	if (v->observed) {
		fprintf(out, ", \"table\": null, \"type\": null");
	} else {
		fprintf(out, ", \"table\": %u", r->table);
		rt_json_kstr(out, ", ", "type", rt_route_type_name(r->type));
	}
	json_match(out, v);
	json_mtu(out, v);
	fprintf(out, ", \"error\": null}");
}
