/*
 * explain's printers: the struct src/explain.c filled, as text, one line
 * (the audit's) and ping mode's warnings; the JSON object is
 * src/explain_json.c's. No lookups here.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <linux/fib_rules.h>
#include <linux/rtnetlink.h>

#include "rtping/explain.h"
#include "rtping/facts.h"

/*
 * Table 0: the kernel routed without a table lookup. Why depends on what
 * the flow has bound (ip_route_output_key_hash_rcu()): a device it leaves
 * through (a failed lookup is taken as on-link there, a local multicast
 * goes out there), a source (multicast and limited broadcast leave through
 * its device), or neither (e.g. an unspecified destination, sent to this
 * host). oif: the device the answer names.
 */
static const char *table_name(uint32_t t, const struct rt_flow *f, uint32_t oif,
			      char *buf, size_t len)
{
	switch (t) {
	case RT_TABLE_UNSPEC:
		if (f->oif && f->oif == oif)
			return "none (on-link through the bound device)";
		if (!f->oif && rt_addr_is_set(&f->src))
			return "none (no table lookup: through the bound source's device)";
		return "none (the kernel answered without a table lookup)";
	case RT_TABLE_MAIN: return "main";
	case RT_TABLE_LOCAL: return "local";
	case RT_TABLE_DEFAULT: return "default";
	}
	snprintf(buf, len, "%u", t);
	return buf;
}

static const char *errstr(int err)
{
	return strerror(err < 0 ? -err : err);
}

/* "rule pref 100 ipproto udp → table 100" */
static void reason_text(FILE *out, const struct rt_reason *r)
{
	uint8_t type = rt_rule_action_type(r->action);

	fprintf(out, "rule pref %u %s", r->pref, r->selector);
	if (r->action == FR_ACT_TO_TBL)
		fprintf(out, " \u2192 table %u", r->table);
	else if (r->action == FR_ACT_GOTO)
		fprintf(out, " \u2192 goto %u", r->goto_pref);
	else if (type != RTN_UNSPEC)
		fprintf(out, " \u2192 %s", rt_route_type_name(type));
	if (r->unsure)
		fprintf(out, " (cannot tell: %s not evaluated)", r->unknown);
}

/*
 * The matched prefix, "10.99.0.0/16". A default route has no RTA_DST: text
 * says "default" as ip route does, JSON "0.0.0.0/0" or "::/0".
 */
static const char *prefix_str(const struct rt_explain *ex, bool text, char *buf, size_t len)
{
	const struct rt_route *m = &ex->match;
	struct rt_addr dst = m->dst;
	char a[RT_ADDRSTRLEN];

	if (!m->dst_len && text)
		return "default";
	if (!rt_addr_is_set(&dst))
		rt_addr_from_bytes(&dst, (sa_family_t)ex->flow.fam->af, (uint8_t[16]){ 0 },
				   ex->flow.fam->addr_len);
	snprintf(buf, len, "%s/%u", rt_addr_str(&dst, a, sizeof(a)), m->dst_len);
	return buf;
}

/* "10.61.0.1 dev mpv1 via 10.61.0.2" */
static void cand_text(FILE *out, const struct rt_cand *c)
{
	char a[RT_ADDRSTRLEN];

	if (c->err)
		fprintf(out, "dev %s: %s", c->dev, errstr(c->err));
	else
		fprintf(out, "%s dev %s", rt_addr_str(&c->src, a, sizeof(a)), c->dev);
	if (rt_addr_is_set(&c->gateway))
		fprintf(out, " via %s", rt_addr_str(&c->gateway, a, sizeof(a)));
}

/* The route type behind a route error: the rule's action, else the errno's (or unknown). */
static uint8_t error_type(const struct rt_explain *ex)
{
	if (ex->rule_unsure)
		return RTN_UNSPEC;
	if (ex->rule_error)
		return rt_rule_action_type(ex->reasons[0].action);
	return rt_route_type_from_errno(ex->route_err);
}

static void text_route(FILE *out, const struct rt_explain *ex)
{
	char a[RT_ADDRSTRLEN], b[16];
	struct rt_route_snap r;

	rt_explain_snapshot(ex, &r);
	fprintf(out, "source       %s\n", rt_addr_str(&r.src, a, sizeof(a)));
	fprintf(out, "device       %s (ifindex %u)\n", r.dev, r.ifindex);
	fprintf(out, "gateway      %s\n", rt_addr_is_set(&r.gateway)
		? rt_addr_str(&r.gateway, a, sizeof(a)) : "none (on-link)");
	fprintf(out, "table        %s\n", table_name(r.table, &ex->flow, r.ifindex, b, sizeof(b)));
	fprintf(out, "type         %s\n", rt_route_type_name(r.type));
	if (!ex->match_err) {
		const struct rt_route *m = &ex->match;
		char c[16], d[16], p[RT_ADDRSTRLEN + 4];

		fprintf(out, "prefix       %s", prefix_str(ex, true, p, sizeof(p)));
		if (m->src_len)   /* a source-specific entry: ip route's "from" */
			fprintf(out, " from %s/%u", rt_addr_str(&m->src, a, sizeof(a)), m->src_len);
		fprintf(out, " proto %s scope %s",
			rt_route_proto_name(m->protocol, c, sizeof(c)),
			rt_route_scope_name(m->scope, d, sizeof(d)));
		fprintf(out, " metric %u%s\n", m->metric, m->multipath ? " (multipath)" : "");
	}
	for (size_t i = 0; i < ex->ncands; i++) {
		fputs("candidate    ", out);
		cand_text(out, &ex->cands[i]);
		fputc('\n', out);
	}
}

static void text_probe(FILE *out, const struct rt_explain *ex)
{
	char a[RT_ADDRSTRLEN], b[16];

	if (ex->udpc_err) {
		fprintf(out, "udp probe    failed: %s\n", errstr(ex->udpc_err));
		return;
	}
	fprintf(out, "udp probe    %s", rt_addr_str(&ex->udpc.src, a, sizeof(a)));
	if (!ex->fallback && !ex->udp_err)
		fprintf(out, " (udp sport %u dport %u: table %s, device %s)", ex->udpc.sport,
			RT_UDPC_PORT,
			table_name(ex->udp_route.table, &ex->flow, ex->udp_route.oif, b, sizeof(b)),
			ex->udp_route.ifname);
	fputc('\n', out);
}

static void reason_lines(FILE *out, const struct rt_explain *ex)
{
	for (size_t i = 0; i < ex->nreasons; i++) {
		const struct rt_reason *r = &ex->reasons[i];

		fprintf(out, "reason       ");
		reason_text(out, r);
		if (r->unsure)
			fputc('\n', out);
		else if (r->icmp_matches && r->udp_matches)
			fprintf(out, " (matches both flows)\n");
		else
			fprintf(out, " (matches the %s only)\n",
				r->icmp_matches ? "ICMP flow" : "UDP probe");
	}
}

static void text_reasons(FILE *out, const struct rt_explain *ex)
{
	reason_lines(out, ex);
	if (ex->rules_err)
		fprintf(out, "reason       unknown: cannot read the policy rules: %s\n",
			errstr(ex->rules_err));
	else if (!ex->nreasons && !ex->udpc_err)
		fprintf(out, "reason       no policy rule separates the flows%s\n",
			ex->match.multipath ? "; multipath hashing does" : "");
}

static void text_verdict(FILE *out, const struct rt_explain *ex)
{
	char a[RT_ADDRSTRLEN];

	if (ex->fallback) {
		fprintf(out, "agree        unknown: netlink unavailable (%s); "
			"the source is the UDP probe's\n", errstr(ex->nl_err));
		return;
	}
	if (ex->agree)
		fprintf(out, "agree        yes\n");
	else if (ex->udpc_err)
		fprintf(out, "agree        no: the UDP probe failed where the kernel has a route\n");
	else
		fprintf(out, "agree        no: the UDP probe answers for another flow\n");
	if (!ex->agree)
		text_reasons(out, ex);
	if (ex->route.type == RTN_BROADCAST && ex->udpc_err == -EACCES)
		fprintf(out, "note         a broadcast destination needs -b (SO_BROADCAST)\n");
	if (ex->hash_dependent && !ex->flowlabel_hashed)
		fprintf(out, "note         multipath with L4 hashing: the echo's next hop "
			"depends on the ICMP type, which a route query cannot express; no "
			"query can choose among the candidates\n");
	if (ex->flowlabel_hashed)
		fprintf(out, "note         multipath: the echo's next hop depends on its flow "
			"label (-F), which IPv6 hashes and a route query cannot express\n");
	if (ex->src_selected)
		fprintf(out, "note         source-specific: no route without a source; the kernel "
			"selected %s and looked up again from it\n",
			rt_addr_str(&ex->echo.src, a, sizeof(a)));
	if (ex->dropped_proto)
		fprintf(out, "note         kernel refused RTA_IP_PROTO: answer is for a "
			"protocol-less flow\n");
	if (ex->unverified)
		fprintf(out, "note         kernel lacks strict netlink checking: answer unverified\n");
}

static void text_observed(FILE *out, const struct rt_explain *ex, const struct rt_verified *v)
{
	char a[RT_ADDRSTRLEN];

	if (v->err) {
		fprintf(out, "observed     none: %s\n", v->err == -ETIMEDOUT
			? "no transmit report within 1 s (the echo never reached a device)"
			: errstr(v->err));
		return;
	}
	fprintf(out, "observed     %s dev %s (ifindex %u): the kernel's report of one echo%s\n",
		rt_addr_str(&v->eg.src, a, sizeof(a)), v->eg.dev, v->eg.ifindex,
		rt_explain_observed_differs(ex, v) ? ", not the route query's answer" : "");
}

/* -C: connect()'s own lookup, which fixes the source every echo then uses. */
static void text_connect(FILE *out, const struct rt_explain *ex)
{
	const struct rt_route *r = &ex->connect_route;
	char a[RT_ADDRSTRLEN], b[16];

	fprintf(out, "connect      %s sport %u dport 0: ", ex->flow.fam->icmp_name,
		ex->flow.connect_sport);
	if (ex->fallback)
		fprintf(out, "not asked (netlink unavailable)\n");
	else if (ex->connect_err)
		fprintf(out, "%s\n", errstr(ex->connect_err));
	else
		fprintf(out, "source %s, table %s, device %s (%s)\n",
			rt_addr_str(rt_explain_source(ex), a, sizeof(a)),
			table_name(r->table, &ex->flow, r->oif, b, sizeof(b)), r->ifname,
			ex->connect_picked ? "picked here, kept for every echo"
					   : "bound before connect(), kept");
}

void rt_explain_text(FILE *out, const struct rt_explain *ex, const struct rt_verified *v,
		     const char *dest)
{
	const struct rt_flow *f = &ex->flow;
	char a[RT_ADDRSTRLEN];

	fprintf(out, "destination  %s (%s)\n", dest, rt_addr_str(&f->dst, a, sizeof(a)));
	fprintf(out, "flow         %s dport %u uid %u mark 0x%x tos 0x%02x%s%s\n",
		f->fam->icmp_name, f->dport, f->uid, f->mark, f->tos,
		ex->oif_name[0] ? " oif " : "", ex->oif_name);
	if (f->connected)
		text_connect(out, ex);
	if (ex->route_err && !ex->fallback) {
		uint8_t t = error_type(ex);

		fprintf(out, "error        %s", errstr(ex->route_err));
		if (t != RTN_UNSPEC)
			fprintf(out, " (%s %s)", rt_route_type_name(t),
				ex->rule_error ? "rule" : "route");
		fputc('\n', out);
	} else if (ex->fallback) {
		fprintf(out, "source       %s (the UDP probe's: netlink unavailable)\n",
			rt_addr_str(&ex->udpc.src, a, sizeof(a)));
	} else {
		text_route(out, ex);
	}
	text_probe(out, ex);
	if (!ex->route_err)
		text_verdict(out, ex);
	else if (ex->rule_error || ex->rule_unsure)
		reason_lines(out, ex);
	if (v && !ex->route_err)
		text_observed(out, ex, v);
	rt_facts_text(out, ex, ex->facts);
}

/* ---- one line (--audit) ---- */

static void line_differs(FILE *out, const struct rt_explain *ex)
{
	char a[RT_ADDRSTRLEN];

	if (ex->udpc_err)
		fprintf(out, "  DIFFERS (udp probe failed: %s", errstr(ex->udpc_err));
	else
		fprintf(out, "  DIFFERS (udp probe %s", rt_addr_str(&ex->udpc.src, a, sizeof(a)));
	for (size_t i = 0; i < ex->nreasons; i++) {
		fputs("; ", out);
		reason_text(out, &ex->reasons[i]);
	}
	if (ex->rules_err)
		fprintf(out, "; cannot read the policy rules: %s", errstr(ex->rules_err));
	else if (!ex->nreasons && !ex->udpc_err)
		fprintf(out, "; no policy rule separates the flows%s",
			ex->match.multipath ? ", multipath hashing does" : "");
	fputs(")\n", out);
}

void rt_explain_line(FILE *out, const struct rt_explain *ex, const char *dest)
{
	char a[RT_ADDRSTRLEN], b[16];
	struct rt_route_snap r;

	rt_addr_str(&ex->flow.dst, a, sizeof(a));
	fputs(dest, out);
	if (strcmp(dest, a))
		fprintf(out, " (%s)", a);
	if (ex->fallback) {
		fprintf(out, "  ERROR netlink unavailable: %s\n", errstr(ex->nl_err));
		return;
	}
	if (ex->route_err) {
		uint8_t t = error_type(ex);

		fprintf(out, "  ERROR %s", errstr(ex->route_err));
		if (t != RTN_UNSPEC)
			fprintf(out, " (%s %s)", rt_route_type_name(t),
				ex->rule_error ? "rule" : "route");
		if (ex->rule_error || ex->rule_unsure) {
			fputs(": ", out);
			reason_text(out, &ex->reasons[0]);
		}
		fputc('\n', out);
		return;
	}
	rt_explain_snapshot(ex, &r);
	fprintf(out, "  src %s dev %s table %s", rt_addr_str(&r.src, a, sizeof(a)), r.dev,
		table_name(r.table, &ex->flow, r.ifindex, b, sizeof(b)));
	if (ex->agree)
		fputs("  agree\n", out);
	else
		line_differs(out, ex);
}

/* ---- the route as JSON shows it (src/explain_json.c) ---- */

void rt_explain_route_view(const struct rt_explain *ex, struct rt_route_view *v)
{
	const struct rt_route *m = &ex->match;
	char a[RT_ADDRSTRLEN];

	memset(v, 0, sizeof(*v));
	v->known = !ex->fallback;
	v->err = ex->route_err;
	if (ex->route_err)
		v->err_type = error_type(ex);
	rt_explain_snapshot(ex, &v->snap);
	v->mtu = ex->route.mtu;
	v->matched = !ex->match_err;
	if (!v->matched)
		return;
	prefix_str(ex, false, v->prefix, sizeof(v->prefix));
	if (m->src_len)
		snprintf(v->from, sizeof(v->from), "%s/%u", rt_addr_str(&m->src, a, sizeof(a)),
			 m->src_len);
	v->protocol = m->protocol;
	v->scope = m->scope;
	v->metric = m->metric;
	v->multipath = m->multipath;
}

/* ---- ping mode ---- */

void rt_explain_warn(FILE *err, const char *prog, const struct rt_explain *ex)
{
	char a[RT_ADDRSTRLEN], b[RT_ADDRSTRLEN];
	struct rt_route_snap r;

	if (ex->fallback) {
		fprintf(err, "%s: warning: netlink route query unavailable (%s); "
			"using the UDP probe's source\n", prog, errstr(ex->nl_err));
		return;
	}
	if (ex->dropped_proto)
		fprintf(err, "%s: warning: kernel refused RTA_IP_PROTO; route answer is "
			"for a protocol-less flow\n", prog);
	if (ex->route_err)
		return;
	/* No query knows this flow's next hop: never claim one (only a transmit report can). */
	if (ex->hash_dependent) {
		fprintf(err, "%s: warning: multipath route with L4 hashing: the echo leaves by "
			"one of", prog);
		for (size_t i = 0; i < ex->ncands; i++) {
			fputs(i ? ", " : " ", err);
			cand_text(err, &ex->cands[i]);
		}
		fputs("; no route query can choose (the first echo's transmit report says)\n", err);
		return;
	}
	if (ex->agree)
		return;
	rt_explain_snapshot(ex, &r);
	rt_addr_str(&r.src, b, sizeof(b));
	if (ex->udpc_err)
		fprintf(err, "%s: warning: UDP probe fails (%s), ICMP flow uses %s", prog,
			errstr(ex->udpc_err), b);
	else
		fprintf(err, "%s: warning: UDP probe says %s, ICMP flow uses %s", prog,
			rt_addr_str(&ex->udpc.src, a, sizeof(a)), b);
	for (size_t i = 0; i < ex->nreasons; i++) {
		fputs(i ? "; " : " (", err);
		reason_text(err, &ex->reasons[i]);
	}
	fputs(ex->nreasons ? ")\n" : "\n", err);
}
