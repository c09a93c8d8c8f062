/*
 * explain: the kernel's answer for the echo flow, the UDP probe's answer,
 * and the policy rules that split them. Rendering is kept apart from the
 * lookups so both printers read the same struct.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/fib_rules.h>
#include <linux/rtnetlink.h>

#include "rtping/clock.h"
#include "rtping/explain.h"
#include "rtping/json.h"

static void fill_reason(struct rt_reason *re, const struct rt_rule *r, bool mi, bool mu)
{
	memset(re, 0, sizeof(*re));
	re->pref = r->pref;
	re->action = r->action;
	re->table = r->action == FR_ACT_TO_TBL ? r->table : 0;
	re->goto_pref = r->action == FR_ACT_GOTO ? r->goto_pref : 0;
	re->icmp_matches = mi;
	re->udp_matches = mu;
	rt_rule_selector(r, re->selector, sizeof(re->selector));
}

int rt_explain_reasons(const struct rt_rules *rules, const char *oif_name,
		       struct rt_side icmp, struct rt_side udp,
		       struct rt_reason *out, size_t max)
{
	bool *ti, *tu;
	size_t n = 0;

	if (!rules->n)
		return 0;
	ti = calloc(2 * rules->n, sizeof(*ti));
	if (!ti)
		return -ENOMEM;
	tu = ti + rules->n;
	rt_rules_walk(rules, icmp.flow, oif_name, icmp.table, ti);
	rt_rules_walk(rules, udp.flow, oif_name, udp.table, tu);
	/*
	 * A rule the other flow would match too but never reaches (a goto
	 * jumped over it, or its walk had ended) separates nothing by itself.
	 */
	for (size_t i = 0; i < rules->n && n < max; i++) {
		const struct rt_rule *r = &rules->v[i];
		bool mi = rt_rule_matches(r, icmp.flow, oif_name);
		bool mu = rt_rule_matches(r, udp.flow, oif_name);

		if ((ti[i] && !mu) || (tu[i] && !mi))
			fill_reason(&out[n++], r, mi, mu);
	}
	free(ti);
	return (int)n;
}

/* IPv4 L4 hashing mixes in the ICMP type, which a route query cannot carry. */
static bool v4_hash_is_l4(void)
{
	FILE *f = fopen("/proc/sys/net/ipv4/fib_multipath_hash_policy", "re");
	int policy = 0;

	if (f) {
		if (fscanf(f, "%d", &policy) != 1)
			policy = 0;
		fclose(f);
	}
	return policy != 0;
}

/* The family's rules: from the cache while fresh, else a new dump. */
static const struct rt_rules *cached_rules(struct rt_nl *nl, int af,
					   struct rt_rules_cache *c, int *err)
{
	int k = af == AF_INET6;
	int64_t now = rt_clock_ns(CLOCK_MONOTONIC);

	if (!c->at[k] || now - c->at[k] >= RT_RULES_CACHE_NS) {
		rt_rules_free(&c->v[k]);
		c->err[k] = rt_rules_dump(nl, af, &c->v[k]);
		c->at[k] = now;
	}
	*err = c->err[k];
	return c->err[k] ? NULL : &c->v[k];
}

void rt_rules_cache_free(struct rt_rules_cache *c)
{
	rt_rules_free(&c->v[0]);
	rt_rules_free(&c->v[1]);
	memset(c, 0, sizeof(*c));
}

static void find_reasons(struct rt_nl *nl, struct rt_explain *ex, struct rt_rules_cache *c)
{
	struct rt_rules own = { 0 };
	const struct rt_rules *rules = &own;
	struct rt_flow udp;
	struct rt_side si = { &ex->echo, ex->route_err ? 0 : ex->route.table };
	struct rt_side su = { &udp, ex->udp_err ? 0 : ex->udp_route.table };
	struct rt_flow cf;
	int rc;

	/* -C: the source came from connect()'s key; that is what the rules saw. */
	if (ex->connect_picked) {
		cf = ex->flow;
		cf.sport = ex->flow.connect_sport;
		cf.dport = 0;
		si = (struct rt_side){ &cf, ex->connect_route.table };
	}

	rt_udpc_flow(&ex->flow, &ex->udpc, &udp);
	if (c)
		rules = cached_rules(nl, ex->flow.fam->af, c, &ex->rules_err);
	else
		ex->rules_err = rt_rules_dump(nl, ex->flow.fam->af, &own);
	if (!ex->rules_err) {
		rc = rt_explain_reasons(rules, ex->oif_name, si, su, ex->reasons, RT_REASONS_MAX);
		if (rc < 0)
			ex->rules_err = rc;
		else
			ex->nreasons = (size_t)rc;
	}
	rt_rules_free(&own);
}

/* The tables the walk looked up (and fell through) before it ended at rule d. */
static size_t walked_tables(const struct rt_rules *rules, const bool *taken, size_t d,
			    uint32_t *tables)
{
	size_t n = 0;

	for (size_t i = 0; i < d; i++)
		if (taken[i] && rules->v[i].action == FR_ACT_TO_TBL)
			tables[n++] = rules->v[i].table;
	return n;
}

/*
 * Is the route error rule d's doing? Its errno must be the error, and no
 * table the walk looked up first may hold a route of the same type for the
 * destination (a prohibit route answers EACCES too, and would come first).
 */
static bool rule_gave_error(struct rt_nl *nl, const struct rt_explain *ex,
			    const struct rt_rules *rules, const bool *taken, size_t d)
{
	uint8_t type = rt_rule_action_type(rules->v[d].action);
	uint32_t *tables;
	int rc;

	if (rt_rule_action_errno(rules->v[d].action) != ex->route_err)
		return false;
	if (rt_route_type_from_errno(ex->route_err) != type)
		return true;    /* no route gives this error (ENETUNREACH) */
	tables = calloc(d + 1, sizeof(*tables));
	if (!tables)
		return false;
	rc = rt_route_type_covers(nl, &ex->flow.dst, type, tables,
				  walked_tables(rules, taken, d, tables));
	free(tables);
	return rc == 0;
}

/*
 * A route error that a blackhole, unreachable or prohibit rule gave: the
 * echo flow's walk ends there. IPv4 with a bound device never fails in the
 * rules: ip_route_output_key_hash_rcu() then answers on-link.
 */
static void find_error_rule(struct rt_nl *nl, struct rt_explain *ex)
{
	struct rt_rules rules;
	struct rt_flow udp;
	bool *taken;
	size_t d;

	if ((ex->flow.fam->af == AF_INET && ex->flow.oif) ||
	    rt_rules_dump(nl, ex->flow.fam->af, &rules) < 0)
		return;
	taken = calloc(rules.n + 1, sizeof(*taken));
	d = taken ? rt_rules_walk(&rules, &ex->flow, ex->oif_name, 0, taken) : rules.n;
	if (d < rules.n && rule_gave_error(nl, ex, &rules, taken, d)) {
		/* The UDP-connect check's flow; its port is unknown if it failed. */
		rt_udpc_flow(&ex->flow, &ex->udpc, &udp);
		fill_reason(&ex->reasons[0], &rules.v[d], true,
			    rt_rule_matches(&rules.v[d], &udp, ex->oif_name));
		ex->nreasons = 1;
		ex->rule_error = true;
	}
	free(taken);
	rt_rules_free(&rules);
}

/*
 * Each next hop of a multipath route, asked with the flow bound to its
 * device: with an output device the kernel skips the hash and takes that
 * next hop (fib_select_path()), so the answer is its source and gateway.
 */
static void find_candidates(struct rt_nl *nl, struct rt_explain *ex)
{
	ex->ncands = 0;
	if (ex->echo.oif)
		return;   /* the bound device already chose */
	for (size_t i = 0; i < ex->match.nnh; i++) {
		struct rt_cand *c = &ex->cands[ex->ncands++];
		struct rt_flow f = ex->echo;
		struct rt_route r;

		memset(c, 0, sizeof(*c));
		c->ifindex = ex->match.nh_oif[i];
		c->gateway = ex->match.nh_gw[i];
		rt_nl_ifname(nl, c->ifindex, c->dev);
		f.oif = c->ifindex;
		c->err = rt_route_get(nl, &f, 0, &r, NULL);
		if (c->err)
			continue;
		c->src = rt_addr_is_set(&f.src) ? f.src : r.prefsrc;
		if (rt_addr_is_set(&r.gateway))
			c->gateway = r.gateway;
	}
}

/*
 * -C: connect() routes its own key (proto, the socket's port as sport,
 * dport 0) and, unless the socket is bound already, fixes the source it
 * picks; each echo is then routed by its own key from that source
 * (reference/kernel-flow.md). src: the bound source, or NULL.
 */
static int ask_connect(struct rt_nl *nl, struct rt_explain *ex, const struct rt_addr *src)
{
	struct rt_flow cf = ex->flow;

	cf.sport = ex->flow.connect_sport;
	cf.dport = 0;
	if (src)
		cf.src = *src;
	ex->connect_err = rt_route_get(nl, &cf, 0, &ex->connect_route, NULL);
	if (!ex->connect_err && !src) {
		ex->echo.src = ex->connect_route.prefsrc;
		ex->connect_picked = true;
	}
	return ex->connect_err;
}

static void ask_netlink(struct rt_nl *nl, struct rt_explain *ex)
{
	const struct rt_flow *f = &ex->flow;
	bool picks = f->connected && !f->binds_source && !rt_addr_is_set(&f->src);

	ex->unverified = !nl->strict;
	/* connect() picks the source: its error is the run's, as for a connect(). */
	if (picks && (ex->route_err = ask_connect(nl, ex, NULL)) != 0)
		return;
	ex->route_err = rt_route_get(nl, &ex->echo, 0, &ex->route, &ex->dropped_proto);
	if (f->connected && !picks && !ex->route_err)
		ask_connect(nl, ex, rt_addr_is_set(&f->src) ? &f->src : &ex->route.prefsrc);
	/* FIB_MATCH only explains; it can fail where the real query works. */
	ex->match_err = ex->route_err ? ex->route_err
		: rt_route_get(nl, &ex->echo, RT_Q_FIB_MATCH, &ex->match, NULL);
	/*
	 * IPv6 answers FIB_MATCH with the origin of the cached route, and routes
	 * on one nexthop object share that cache: an entry that does not cover
	 * the destination is another route's, so it explains nothing.
	 */
	if (!ex->match_err && ex->match.dst_len &&
	    !rt_addr_in_prefix(&ex->flow.dst, &ex->match.dst, ex->match.dst_len)) {
		memset(&ex->match, 0, sizeof(ex->match));
		ex->match_err = -ESTALE;
	}
	if (!ex->match_err && ex->match.multipath) {
		ex->hash_dependent = ex->flow.fam->af == AF_INET && v4_hash_is_l4();
		/* IPv6 hashes the flow label (every policy); a query carries none. */
		ex->flowlabel_hashed = ex->flow.has_flowlabel;
		find_candidates(nl, ex);
	}
}

int rt_explain_requery(struct rt_nl *nl, struct rt_explain *ex)
{
	if (ex->fallback)
		return 0;
	memset(&ex->route, 0, sizeof(ex->route));
	memset(&ex->match, 0, sizeof(ex->match));
	ex->hash_dependent = ex->flowlabel_hashed = false;
	ask_netlink(nl, ex);
	return ex->route_err;
}

/* The source the echo leaves with: netlink's, or the UDP check's on fallback. */
static const struct rt_addr *source(const struct rt_explain *ex)
{
	if (ex->fallback)
		return &ex->udpc.src;
	/* A bound socket keeps its address (so does a connected one). */
	if (rt_addr_is_set(&ex->echo.src))
		return &ex->echo.src;
	if (rt_addr_is_set(&ex->flow.src))
		return &ex->flow.src;
	return &ex->route.prefsrc;
}

int rt_explain_run(struct rt_nl *nl, int nl_err, const struct rt_flow *f,
		   struct rt_explain *ex)
{
	return rt_explain_run_cached(nl, nl_err, f, NULL, ex);
}

int rt_explain_run_cached(struct rt_nl *nl, int nl_err, const struct rt_flow *f,
			  struct rt_rules_cache *cache, struct rt_explain *ex)
{
	memset(ex, 0, sizeof(*ex));
	ex->flow = *f;
	ex->echo = *f;
	if (f->oif)
		rt_nl_ifname(nl, f->oif, ex->oif_name);
	ex->nl_err = nl ? 0 : nl_err;
	if (nl)
		ask_netlink(nl, ex);
	/* EPERM is netlink refused (seccomp, LSM), not a route's verdict. */
	if (nl && ex->route_err == -EPERM) {
		ex->nl_err = ex->route_err;
		nl = NULL;
	}
	ex->fallback = !nl;
	ex->udpc_err = rt_udpc_run(f, &ex->udpc);
	/* A source this host lacks: the socket's bind() fails before any route. */
	if (rt_addr_is_set(&f->src) && ex->udpc_err == -EADDRNOTAVAIL)
		ex->route_err = ex->udpc_err;
	if (ex->fallback) {
		ex->route_err = ex->udpc_err;
		return ex->route_err;
	}
	if (!ex->udpc_err) {
		struct rt_flow udp;

		rt_udpc_flow(f, &ex->udpc, &udp);
		ex->udp_err = rt_route_get(nl, &udp, 0, &ex->udp_route, NULL);
	}
	ex->agree = !ex->route_err && !ex->udpc_err &&
		    rt_addr_equal(source(ex), &ex->udpc.src);
	if (!ex->agree && !ex->route_err)
		find_reasons(nl, ex, cache);
	else if (ex->route_err)
		find_error_rule(nl, ex);
	return ex->route_err;
}

void rt_explain_snapshot(const struct rt_explain *ex, struct rt_route_snap *out)
{
	const struct rt_route *r = &ex->route;

	memset(out, 0, sizeof(*out));
	out->src = *source(ex);
	if (ex->fallback || ex->route_err) {
		snprintf(out->dev, sizeof(out->dev), "%s", ex->flow.iface);
		return;
	}
	snprintf(out->dev, sizeof(out->dev), "%s", r->ifname);
	out->ifindex = r->oif;
	out->gateway = r->gateway;
	out->table = r->table;
	out->type = r->type;
}

/* ---- rendering ---- */

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
}

static const char *action_name(uint8_t action)
{
	uint8_t type = rt_rule_action_type(action);

	if (type != RTN_UNSPEC)
		return rt_route_type_name(type);
	return action == FR_ACT_GOTO ? "goto" : action == FR_ACT_TO_TBL ? "lookup" : "nop";
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

/* The route type behind a route error: the rule's action, else the errno's. */
static uint8_t error_type(const struct rt_explain *ex)
{
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

		fprintf(out, "prefix       %s proto %s scope %s", prefix_str(ex, true, p, sizeof(p)),
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
		if (r->icmp_matches && r->udp_matches)
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
	if (ex->dropped_proto)
		fprintf(out, "note         kernel refused RTA_IP_PROTO: answer is for a "
			"protocol-less flow\n");
	if (ex->unverified)
		fprintf(out, "note         kernel lacks strict netlink checking: answer unverified\n");
}

bool rt_explain_observed_differs(const struct rt_explain *ex)
{
	struct rt_route_snap r;

	if (!ex->verify || ex->observed_err || ex->route_err)
		return false;
	rt_explain_snapshot(ex, &r);
	return !rt_addr_equal(&r.src, &ex->observed.src) || r.ifindex != ex->observed.ifindex;
}

static void text_observed(FILE *out, const struct rt_explain *ex)
{
	char a[RT_ADDRSTRLEN];

	if (ex->observed_err) {
		fprintf(out, "observed     none: %s\n", ex->observed_err == -ETIMEDOUT
			? "no transmit report within 1 s (the echo never reached a device)"
			: errstr(ex->observed_err));
		return;
	}
	fprintf(out, "observed     %s dev %s (ifindex %u): the kernel's report of one echo%s\n",
		rt_addr_str(&ex->observed.src, a, sizeof(a)), ex->observed.dev,
		ex->observed.ifindex, rt_explain_observed_differs(ex)
		? ", not the route query's answer" : "");
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
			rt_addr_str(source(ex), a, sizeof(a)),
			table_name(r->table, &ex->flow, r->oif, b, sizeof(b)), r->ifname,
			ex->connect_picked ? "picked here, kept for every echo"
					   : "bound before connect(), kept");
}

void rt_explain_text(FILE *out, const struct rt_explain *ex, const char *dest)
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
	else if (ex->rule_error)
		reason_lines(out, ex);
	if (ex->verify && !ex->route_err)
		text_observed(out, ex);
}

/* ---- one line (--audit) ---- */

enum rt_verdict rt_explain_verdict(const struct rt_explain *ex)
{
	if (ex->fallback || ex->route_err)
		return RT_VERDICT_ERROR;
	return ex->agree ? RT_VERDICT_AGREE : RT_VERDICT_DIFFER;
}

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
		if (ex->rule_error) {
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

/* ---- JSON ---- */

static void json_addr(FILE *out, const char *sep, const char *key, const struct rt_addr *a)
{
	char s[RT_ADDRSTRLEN];

	rt_json_kstr(out, sep, key, rt_addr_is_set(a) ? rt_addr_str(a, s, sizeof(s)) : NULL);
}

void rt_explain_json_netlink(FILE *out, const struct rt_explain *ex)
{
	const struct rt_route *m = &ex->match;
	char a[RT_ADDRSTRLEN + 4], b[16];
	struct rt_route_snap r;

	if (ex->fallback) {
		fprintf(out, "null");
		return;
	}
	if (ex->route_err) {
		uint8_t t = error_type(ex);

		rt_json_kstr(out, "{", "error", errstr(ex->route_err));
		rt_json_kstr(out, ", ", "type", t != RTN_UNSPEC ? rt_route_type_name(t) : NULL);
		fprintf(out, "}");
		return;
	}
	rt_explain_snapshot(ex, &r);
	json_addr(out, "{", "source", &r.src);
	rt_json_kstr(out, ", ", "device", r.dev);
	fprintf(out, ", \"ifindex\": %u", r.ifindex);
	json_addr(out, ", ", "gateway", &r.gateway);
	fprintf(out, ", \"table\": %u", r.table);
	rt_json_kstr(out, ", ", "type", rt_route_type_name(r.type));
	if (ex->match_err) {
		fprintf(out, ", \"prefix\": null, \"protocol\": null, \"metric\": null, "
			"\"scope\": null, \"multipath\": null");
	} else {
		rt_json_kstr(out, ", ", "prefix", prefix_str(ex, false, a, sizeof(a)));
		rt_json_kstr(out, ", ", "protocol", rt_route_proto_name(m->protocol, b, sizeof(b)));
		/* IPv4 leaves RTA_PRIORITY out when the metric is 0. */
		fprintf(out, ", \"metric\": %u", m->metric);
		rt_json_kstr(out, ", ", "scope", rt_route_scope_name(m->scope, b, sizeof(b)));
		fprintf(out, ", \"multipath\": %s", m->multipath ? "true" : "false");
	}
	fprintf(out, ", \"error\": null}");
}

static void json_probe(FILE *out, const struct rt_explain *ex)
{
	if (ex->udpc_err) {
		fprintf(out, "{\"source\": null");
		rt_json_kstr(out, ", ", "error", errstr(ex->udpc_err));
		fprintf(out, "}");
		return;
	}
	json_addr(out, "{", "source", &ex->udpc.src);
	fprintf(out, ", \"error\": null, \"sport\": %u", ex->udpc.sport);
	if (!ex->fallback && !ex->udp_err) {
		fprintf(out, ", \"table\": %u", ex->udp_route.table);
		rt_json_kstr(out, ", ", "device", ex->udp_route.ifname);
	}
	fprintf(out, "}");
}

static void json_candidates(FILE *out, const struct rt_explain *ex)
{
	fprintf(out, "[");
	for (size_t i = 0; i < ex->ncands; i++) {
		const struct rt_cand *c = &ex->cands[i];

		json_addr(out, i ? ", {" : "{", "source", &c->src);
		rt_json_kstr(out, ", ", "device", c->dev);
		fprintf(out, ", \"ifindex\": %u", c->ifindex);
		json_addr(out, ", ", "gateway", &c->gateway);
		rt_json_kstr(out, ", ", "error", c->err ? errstr(c->err) : NULL);
		fprintf(out, "}");
	}
	fprintf(out, "]");
}

static void json_observed(FILE *out, const struct rt_explain *ex)
{
	fprintf(out, ", \"observed\": ");
	if (ex->observed_err || ex->route_err) {
		fprintf(out, "null");
		rt_json_kstr(out, ", ", "observed_error", ex->route_err ? "no route"
			     : ex->observed_err == -ETIMEDOUT ? "no transmit report within 1 s"
			     : errstr(ex->observed_err));
		return;
	}
	json_addr(out, "{", "source", &ex->observed.src);
	rt_json_kstr(out, ", ", "device", ex->observed.dev);
	fprintf(out, ", \"ifindex\": %u}, \"observed_error\": null", ex->observed.ifindex);
}

static void json_reasons(FILE *out, const struct rt_explain *ex)
{
	fprintf(out, "[");
	for (size_t i = 0; i < ex->nreasons; i++) {
		const struct rt_reason *r = &ex->reasons[i];

		rt_json_kstr(out, i ? ", {" : "{", "rule", r->selector);
		fprintf(out, ", \"pref\": %u", r->pref);
		rt_json_kstr(out, ", ", "action", action_name(r->action));
		if (r->action == FR_ACT_TO_TBL)
			fprintf(out, ", \"table\": %u, \"goto\": null", r->table);
		else if (r->action == FR_ACT_GOTO)
			fprintf(out, ", \"table\": null, \"goto\": %u", r->goto_pref);
		else
			fprintf(out, ", \"table\": null, \"goto\": null");
		rt_json_kstr(out, ", ", "selects", r->icmp_matches && r->udp_matches ? "both"
			     : r->icmp_matches ? "icmp" : "udp");
		fprintf(out, "}");
	}
	fprintf(out, "]");
}

/* -C: connect()'s key and the source it fixed; null without -C. */
static void json_connect(FILE *out, const struct rt_explain *ex)
{
	if (!ex->flow.connected) {
		fprintf(out, "null");
		return;
	}
	fprintf(out, "{\"sport\": %u, \"dport\": 0", ex->flow.connect_sport);
	if (ex->fallback || ex->connect_err) {
		fprintf(out, ", \"source\": null, \"table\": null");
		rt_json_kstr(out, ", ", "error", ex->fallback ? "netlink unavailable"
			     : errstr(ex->connect_err));
	} else {
		json_addr(out, ", ", "source", source(ex));
		fprintf(out, ", \"table\": %u, \"error\": null", ex->connect_route.table);
	}
	fprintf(out, "}");
}

void rt_explain_json(FILE *out, const struct rt_explain *ex, const char *dest)
{
	const struct rt_flow *f = &ex->flow;

	rt_json_kstr(out, "{", "destination", dest);
	json_addr(out, ", ", "address", &f->dst);
	rt_json_kstr(out, ", ", "family", f->fam->name);
	fprintf(out, ", \"flow\": {\"protocol\": \"%s\", \"dport\": %u, \"uid\": %u, "
		"\"mark\": %u, \"tos\": %u", f->fam->icmp_name, f->dport, f->uid, f->mark, f->tos);
	rt_json_kstr(out, ", ", "device", ex->oif_name[0] ? ex->oif_name : NULL);
	fprintf(out, ", \"connect\": ");
	json_connect(out, ex);
	fprintf(out, "}, \"netlink\": ");
	rt_explain_json_netlink(out, ex);
	fprintf(out, ", \"udp_probe\": ");
	json_probe(out, ex);
	if (ex->fallback || ex->route_err)
		fprintf(out, ", \"agree\": null");
	else
		fprintf(out, ", \"agree\": %s", ex->agree ? "true" : "false");
	fprintf(out, ", \"reasons\": ");
	json_reasons(out, ex);
	fprintf(out, ", \"fallback\": %s, \"verified\": %s, \"hash_dependent\": %s",
		ex->fallback ? "true" : "false", ex->unverified || ex->fallback ? "false" : "true",
		ex->hash_dependent || ex->flowlabel_hashed ? "true" : "false");
	fprintf(out, ", \"candidates\": ");
	json_candidates(out, ex);
	if (ex->verify)
		json_observed(out, ex);
	fprintf(out, ", \"error\": null}\n");
}

void rt_explain_json_error(FILE *out, const char *dest, const struct rt_addr *addr,
			   const struct rt_family *fam, const char *error)
{
	rt_json_kstr(out, "{", "destination", dest);
	if (addr)
		json_addr(out, ", ", "address", addr);
	else
		fprintf(out, ", \"address\": null");
	rt_json_kstr(out, ", ", "family", fam ? fam->name : NULL);
	fprintf(out, ", \"flow\": null, \"netlink\": null, \"udp_probe\": null, "
		"\"agree\": null, \"reasons\": [], \"fallback\": false, \"verified\": false, "
		"\"hash_dependent\": false, \"candidates\": []");
	rt_json_kstr(out, ", ", "error", error);
	fprintf(out, "}\n");
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
	/* No query knows this flow's next hop: never claim one (reference/egress.md). */
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
