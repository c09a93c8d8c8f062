/*
 * explain: the kernel's answer for the echo flow, the UDP probe's answer,
 * and the policy rules that split them. The printers (src/explain_out.c)
 * read only the struct filled here.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/fib_rules.h>
#include <linux/rtnetlink.h>

#include "rtping/clock.h"
#include "rtping/explain.h"

static void fill_reason(struct rt_reason *re, const struct rt_rule *r, bool mi, bool mu)
{
	memset(re, 0, sizeof(*re));
	re->unsure = r->unknown != 0;
	rt_rule_unknown_names(r, re->unknown, sizeof(re->unknown));
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
	size_t n = 0, ei, eu;

	if (!rules->n)
		return 0;
	ti = calloc(2 * rules->n, sizeof(*ti));
	if (!ti)
		return -ENOMEM;
	tu = ti + rules->n;
	ei = rt_rules_walk(rules, icmp.flow, oif_name, icmp.table, ti);
	eu = rt_rules_walk(rules, udp.flow, oif_name, udp.table, tu);
	/*
	 * A rule the other flow would match too but never reaches (a goto
	 * jumped over it, or its walk had ended) separates nothing by itself.
	 */
	for (size_t i = 0; i < rules->n && n < max; i++) {
		const struct rt_rule *r = &rules->v[i];
		bool mi = rt_rule_matches(r, icmp.flow, oif_name);
		bool mu = rt_rule_matches(r, udp.flow, oif_name);
		bool ui = i < ei && rt_rule_unsure(r, icmp.flow, oif_name);
		bool uu = i < eu && rt_rule_unsure(r, udp.flow, oif_name);

		if ((ti[i] && !mu) || (tu[i] && !mi) || ui || uu)
			fill_reason(&out[n++], r, mi || ui, mu || uu);
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
static void find_error_rule(struct rt_nl *nl, struct rt_explain *ex, struct rt_rules_cache *c)
{
	struct rt_rules own = { 0 };
	const struct rt_rules *rules = &own;
	struct rt_flow udp;
	bool *taken;
	size_t d;
	int err;

	if (ex->flow.fam->af == AF_INET && ex->flow.oif)
		return;
	if (c)
		rules = cached_rules(nl, ex->flow.fam->af, c, &err);
	else if (rt_rules_dump(nl, ex->flow.fam->af, &own) < 0)
		rules = NULL;
	if (!rules)
		return;
	taken = calloc(rules->n + 1, sizeof(*taken));
	d = taken ? rt_rules_walk(rules, &ex->flow, ex->oif_name, 0, taken) : rules->n;
	/* A rule before the walk's end that rtping cannot evaluate: cannot tell who refused. */
	for (size_t u = 0; taken && u < d; u++) {
		if (!rt_rule_unsure(&rules->v[u], &ex->flow, ex->oif_name))
			continue;
		rt_udpc_flow(&ex->flow, &ex->udpc, &udp);
		fill_reason(&ex->reasons[0], &rules->v[u], true,
			    rt_rule_unsure(&rules->v[u], &udp, ex->oif_name));
		ex->nreasons = 1;
		ex->rule_unsure = true;
		d = rules->n;
		break;
	}
	if (d < rules->n && rule_gave_error(nl, ex, rules, taken, d)) {
		/* The UDP-connect check's flow; its port is unknown if it failed. */
		rt_udpc_flow(&ex->flow, &ex->udpc, &udp);
		fill_reason(&ex->reasons[0], &rules->v[d], true,
			    rt_rule_matches(&rules->v[d], &udp, ex->oif_name));
		ex->nreasons = 1;
		ex->rule_error = true;
	}
	free(taken);
	rt_rules_free(&own);
}

/* Is c's answer one listed before it? */
static bool cand_repeats(const struct rt_explain *ex, const struct rt_cand *c)
{
	for (size_t i = 0; i < ex->ncands; i++)
		if (!ex->cands[i].err && ex->cands[i].ifindex == c->ifindex &&
		    rt_addr_equal(&ex->cands[i].gateway, &c->gateway) &&
		    rt_addr_equal(&ex->cands[i].src, &c->src))
			return true;
	return false;
}

/*
 * Each next hop of a multipath route, asked with the flow bound to its
 * device: with an output device the kernel skips the hash and takes that
 * next hop (fib_select_path()), so the answer is its source and gateway.
 * IPv6 holds a flow with a source to its device only loosely (no
 * RT6_LOOKUP_F_IFACE) and may answer another next hop: the candidate is
 * the answer, device and gateway together, listed once.
 */
static void find_candidates(struct rt_nl *nl, struct rt_explain *ex)
{
	ex->ncands = 0;
	if (ex->echo.oif)
		return;   /* the bound device already chose */
	for (size_t i = 0; i < ex->match.nnh; i++) {
		struct rt_cand *c = &ex->cands[ex->ncands];
		struct rt_flow f = ex->echo;
		struct rt_route r;

		memset(c, 0, sizeof(*c));
		c->ifindex = ex->match.nh_oif[i];
		c->gateway = ex->match.nh_gw[i];
		rt_nl_ifname(nl, c->ifindex, c->dev);
		f.oif = c->ifindex;
		c->err = rt_route_get(nl, &f, 0, &r, NULL);
		if (!c->err) {
			c->src = rt_addr_is_set(&f.src) ? f.src : r.prefsrc;
			if (r.oif && r.oif != c->ifindex) {
				c->ifindex = r.oif;
				snprintf(c->dev, sizeof(c->dev), "%s", r.ifname);
				c->gateway = r.gateway;
			} else if (rt_addr_is_set(&r.gateway)) {
				c->gateway = r.gateway;
			}
		}
		if (c->err || !cand_repeats(ex, c))
			ex->ncands++;
	}
}

/*
 * One lookup as a socket's: a flow without a source whose lookup fails is,
 * where the family does so (source_retry), looked up again from the
 * source the kernel selects then, and that second answer is the socket's.
 * The UDP probe's connect() took the same two steps: its source is that
 * selection (unless the UDP flow found a route without a source, where it
 * is that route's; the same address in all but odd set-ups). The
 * selected source is left in f->src.
 */
static int ask_route(struct rt_nl *nl, const struct rt_explain *ex, struct rt_flow *f,
		     struct rt_route *out, bool *dropped_proto)
{
	int rc = rt_route_get(nl, f, 0, out, dropped_proto);

	if (!rc || !f->fam->source_retry || rt_addr_is_set(&f->src) || ex->udpc_err ||
	    !rt_addr_is_set(&ex->udpc.src))
		return rc;
	f->src = ex->udpc.src;
	return rt_route_get(nl, f, 0, out, dropped_proto);
}

/*
 * -C: connect() routes its own key (proto, the socket's port as sport,
 * dport 0) and, unless the socket is bound already, fixes the source it
 * picks; each echo is then routed by its own key from that source
 * (inet_dgram_connect(), ip_route_connect()). src: the bound source, or NULL.
 */
static int ask_connect(struct rt_nl *nl, struct rt_explain *ex, const struct rt_addr *src)
{
	struct rt_flow cf = ex->flow;

	cf.sport = ex->flow.connect_sport;
	cf.dport = 0;
	if (src)
		cf.src = *src;
	ex->connect_err = ask_route(nl, ex, &cf, &ex->connect_route, NULL);
	if (!ex->connect_err && !src) {
		ex->src_selected = rt_addr_is_set(&cf.src);
		ex->echo.src = ex->src_selected ? cf.src : ex->connect_route.prefsrc;
		ex->connect_picked = true;
	}
	return ex->connect_err;
}

/* The entry that decided (RTM_F_FIB_MATCH), and a multipath route's next hops. */
static void ask_match(struct rt_nl *nl, struct rt_explain *ex)
{
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

/* The route for the echo flow (with -C, connect()'s first); the matched entry unless brief. */
static void ask_netlink(struct rt_nl *nl, struct rt_explain *ex, bool brief)
{
	const struct rt_flow *f = &ex->flow;
	bool picks = f->connected && !f->binds_source && !rt_addr_is_set(&f->src);

	bool had_src;

	ex->unverified = !nl->strict;
	/* connect() picks the source: its error is the run's, as for a connect(). */
	if (picks && (ex->route_err = ask_connect(nl, ex, NULL)) != 0)
		return;
	had_src = rt_addr_is_set(&ex->echo.src);
	ex->route_err = ask_route(nl, ex, &ex->echo, &ex->route, &ex->dropped_proto);
	ex->src_selected |= !had_src && rt_addr_is_set(&ex->echo.src);
	/*
	 * -B (and -e) bind the answer's source, and the kernel routes the bound
	 * socket's echoes from it: ask again, as a multipath hash mixes it in.
	 */
	if (f->binds_source && !ex->route_err && !rt_addr_is_set(&ex->echo.src) &&
	    rt_addr_is_set(&ex->route.prefsrc)) {
		ex->echo.src = ex->route.prefsrc;
		ex->route_err = rt_route_get(nl, &ex->echo, 0, &ex->route, &ex->dropped_proto);
	}
	if (f->connected && !picks && !ex->route_err)
		ask_connect(nl, ex, rt_addr_is_set(&f->src) ? &f->src : &ex->route.prefsrc);
	if (brief && !ex->route_err)
		ex->match_err = -ENOMSG;    /* not asked (yet) */
	else
		ask_match(nl, ex);
}

int rt_explain_requery(struct rt_nl *nl, struct rt_explain *ex)
{
	if (ex->fallback)
		return 0;
	memset(&ex->route, 0, sizeof(ex->route));
	memset(&ex->match, 0, sizeof(ex->match));
	ex->hash_dependent = ex->flowlabel_hashed = false;
	/* The kernel selects a source afresh for each unbound echo. */
	if (ex->src_selected && !ex->connect_picked) {
		ex->echo.src = ex->flow.src;
		ex->src_selected = false;
	}
	ask_netlink(nl, ex, false);
	return ex->route_err;
}

const struct rt_addr *rt_explain_source(const struct rt_explain *ex)
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

int rt_explain_run(const struct rt_explain_ctx *c, const struct rt_flow *f,
		   struct rt_explain *ex)
{
	struct rt_nl *nl = c->nl;

	memset(ex, 0, sizeof(*ex));
	ex->flow = *f;
	ex->echo = *f;
	if (f->oif)
		rt_nl_ifname(nl, f->oif, ex->oif_name);
	ex->nl_err = nl ? 0 : c->nl_err;
	/* First: a lookup that fails without a source is retried from the probe's. */
	ex->udpc_err = rt_udpc_check(c->probe, f, &ex->udpc);
	if (nl)
		ask_netlink(nl, ex, c->brief);
	/* EPERM is netlink refused (seccomp, LSM), not a route's verdict. */
	if (nl && ex->route_err == -EPERM) {
		ex->nl_err = ex->route_err;
		nl = NULL;
	}
	ex->fallback = !nl;
	/* A source this host lacks: the socket's bind() fails before any route. */
	if (rt_addr_is_set(&f->src) && ex->udpc_err == -EADDRNOTAVAIL)
		ex->route_err = ex->udpc_err;
	if (ex->fallback) {
		ex->route_err = ex->udpc_err;
		return ex->route_err;
	}
	ex->agree = !ex->route_err && !ex->udpc_err &&
		    rt_addr_equal(rt_explain_source(ex), &ex->udpc.src);
	/* Brief: only a line that differs shows (in its rules) the UDP flow's route. */
	if (c->brief && (ex->agree || ex->route_err)) {
		ex->udp_err = -ENOMSG;
	} else if (!ex->udpc_err) {
		struct rt_flow udp;

		rt_udpc_flow(f, &ex->udpc, &udp);
		ex->udp_err = ask_route(nl, ex, &udp, &ex->udp_route, NULL);
	}
	if (!ex->agree && !ex->route_err)
		find_reasons(nl, ex, c->rules);
	else if (ex->route_err)
		find_error_rule(nl, ex, c->rules);
	/* Brief: the line names multipath only for a difference that no rule explains. */
	if (c->brief && ex->match_err == -ENOMSG && !ex->agree && !ex->route_err &&
	    !ex->udpc_err && !ex->nreasons && !ex->rules_err)
		ask_match(nl, ex);
	return ex->route_err;
}

enum rt_verdict rt_explain_verdict(const struct rt_explain *ex)
{
	if (ex->fallback || ex->route_err)
		return RT_VERDICT_ERROR;
	return ex->agree ? RT_VERDICT_AGREE : RT_VERDICT_DIFFER;
}

bool rt_explain_observed_differs(const struct rt_explain *ex, const struct rt_verified *v)
{
	struct rt_route_snap r;

	if (!v || v->err || ex->route_err)
		return false;
	rt_explain_snapshot(ex, &r);
	return !rt_addr_equal(&r.src, &v->eg.src) || r.ifindex != v->eg.ifindex;
}

void rt_explain_snapshot(const struct rt_explain *ex, struct rt_route_snap *out)
{
	const struct rt_route *r = &ex->route;

	memset(out, 0, sizeof(*out));
	out->src = *rt_explain_source(ex);
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
