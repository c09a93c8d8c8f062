/*
 * The route as the JSON "netlink" object: one writer for the explain
 * report, ping's start event and its route-change events, so the object
 * cannot differ between them.
 */
#include <string.h>
#include <linux/rtnetlink.h>

#include "rtping/json.h"
#include "rtping/route.h"

static void json_addr(FILE *out, const char *sep, const char *key, const struct rt_addr *a)
{
	char s[RT_ADDRSTRLEN];

	rt_json_kstr(out, sep, key, rt_addr_is_set(a) ? rt_addr_str(a, s, sizeof(s)) : NULL);
}

/* The entry that decided (FIB_MATCH), or nulls when it is not known. */
static void json_match(FILE *out, const struct rt_route_view *v)
{
	char b[16];

	if (!v->matched) {
		fprintf(out, ", \"prefix\": null, \"protocol\": null, \"metric\": null, "
			"\"scope\": null, \"multipath\": null");
		return;
	}
	rt_json_kstr(out, ", ", "prefix", v->prefix);
	rt_json_kstr(out, ", ", "protocol", rt_route_proto_name(v->protocol, b, sizeof(b)));
	/* IPv4 leaves RTA_PRIORITY out when the metric is 0. */
	fprintf(out, ", \"metric\": %u", v->metric);
	rt_json_kstr(out, ", ", "scope", rt_route_scope_name(v->scope, b, sizeof(b)));
	fprintf(out, ", \"multipath\": %s", v->multipath ? "true" : "false");
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
	char a[RT_ADDRSTRLEN];

	if (!v->known) {
		fprintf(out, "null");
		return;
	}
	if (v->err) {
		rt_json_kstr(out, "{", "error", strerror(-v->err));
		rt_json_kstr(out, ", ", "type", v->err_type != RTN_UNSPEC ?
			     rt_route_type_name(v->err_type) : NULL);
		fprintf(out, "}");
		return;
	}
	/* A transmit report names its source even when unset ("?"), never a table or type. */
	if (v->observed)
		rt_json_kstr(out, "{", "source", rt_addr_str(&r->src, a, sizeof(a)));
	else
		json_addr(out, "{", "source", &r->src);
	rt_json_kstr(out, ", ", "device", v->observed && !r->dev[0] ? NULL : r->dev);
	fprintf(out, ", \"ifindex\": %u", r->ifindex);
	json_addr(out, ", ", "gateway", &r->gateway);
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
