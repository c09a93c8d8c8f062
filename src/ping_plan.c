/*
 * The ping command's targets: the list read, each target's plan prepared
 * and asked (src/plan.c), its warnings said, its prediction handed to the
 * engine. A target that cannot be pinged is said on one line naming it.
 */
#include <errno.h>
#include <ifaddrs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/rtnetlink.h>

#include "rtping/ahead.h"
#include "rtping/demux.h"
#include "rtping/engine.h"
#include "rtping/loop.h"
#include "rtping/names.h"
#include "rtping/tfile.h"
#include "ping_int.h"

/*
 * A target that cannot be pinged: one line naming it (always when the
 * message is about the name itself), the others go on.
 */
static void target_failed(struct ping *p, size_t i, const struct rt_error *err)
{
	struct rt_tgt *t = &p->tl.t[i];

	t->state = RT_TGT_FAILED;
	/* JSON: its summary says it too, after the run (NULL if out of memory: null). */
	if (p->o->json)
		t->why = strdup(err->msg);
	fflush(stdout);
	fprintf(stderr, "%s: ", p->prog);
	if (p->tl.n > 1 || err->subject)
		fprintf(stderr, "%s: ", t->typed);
	fprintf(stderr, "%s\n", err->msg);
}

static int add(struct ping *p, const char *name, bool copy)
{
	size_t at;

	switch (rt_targets_add(&p->tl, name, copy, &at)) {
	case RT_TADD_OK:
		return 0;
	case RT_TADD_DUP:
		if (!p->tl.names[at].said_dup)
			fprintf(stderr, "%s: %s: listed more than once, pinged once\n",
				p->prog, name);
		p->tl.names[at].said_dup = true;
		return 0;
	case RT_TADD_FULL:
		return rt_error_set(p->fatal, -E2BIG, "too many targets: at most %d",
				    RT_TARGETS_MAX);
	case RT_TADD_NOMEM:
		break;
	}
	return rt_error_errno(p->fatal, -ENOMEM, "malloc");
}

/* Operands, then --file: all read (and checked) before anything is sent. */
int rt_ping_read_list(struct ping *p)
{
	const struct rt_opts *o = p->o;
	struct rt_tfile src;
	const char *name, *why;
	int rc = 0;

	for (int i = 0; i < o->ndests && rc == 0; i++)
		rc = add(p, o->dests[i], false);
	if (rc < 0 || !o->file)
		return rc;
	if ((rc = rt_tfile_open(&src, NULL, 0, o->file, false, &why)) < 0)
		return rt_error_errno(p->fatal, rc, why);
	while (rc == 0 && (rc = rt_tfile_next(&src, &name, &why)) > 0)
		rc = name ? add(p, name, true)
			  : rt_error_set(p->fatal, -EINVAL, "%s line %lu: %s", src.in_name,
					 src.line, why);
	if (rc == -EIO)
		rt_error_errno(p->fatal, rc, why);
	rt_tfile_close(&src);
	if (rc == 0 && !p->tl.n)
		rc = rt_error_set(p->fatal, -EINVAL, "usage error: Destination address required");
	return rc;
}

/*
 * The charset of names typed and shown (IDN) matters only when a name is
 * resolved or looked up: not for a list of address literals (no reverse
 * lookups for those without -H, as iputils).
 */
bool rt_ping_needs_locale(const struct ping *p)
{
	if (p->o->force_lookup)
		return true;
	for (size_t i = 0; i < p->tl.n; i++) {
		const char *s = p->tl.names[i].s;

		if (!rt_names_numeric_target(AF_INET, s) && !rt_names_numeric_target(AF_INET6, s))
			return true;
	}
	return false;
}

/* Target i's plan without the kernel's answer: what can fail on bad input. */
void rt_ping_prepare(struct ping *p, size_t i)
{
	struct rt_tgt *t = &p->tl.t[i];
	const struct rt_dest *tg = &p->plan.dest;
	struct rt_error err;
	int k;

	if (rt_plan_resolve(&p->plan, &p->pe, t->typed, &err) < 0)
		return target_failed(p, i, &err);
	if (strcmp(tg->name, t->typed) && (t->name = strdup(tg->name)))
		t->owned_name = true;
	if (!t->name)
		t->name = t->typed;
	t->fam = tg->fam;
	t->scope = tg->scope;
	/*
	 * iputils resolves reply addresses unless -n, -f or a numeric target;
	 * -H resolves them anyway.
	 */
	t->numeric = !p->o->force_lookup && (p->o->numeric || p->o->flood ||
					     rt_names_numeric_target(tg->fam->af, t->typed));
	/*
	 * The engine sends where the flow does (0.0.0.0 -> 127.0.0.1) and
	 * expects replies from there, as iputils replaces 0.0.0.0 with its
	 * probe's source. The name as typed stays.
	 */
	p->tl.peers[i].addr = tg->addr;
	t->state = RT_TGT_READY;
	k = tg->fam->af == AF_INET6;
	if (!p->have[k]) {
		p->have[k] = true;
		p->flow[k] = p->plan.flow;
		p->first[k] = *tg;
	}
}

size_t rt_ping_count_ready(const struct rt_targets *tl)
{
	size_t n = 0;

	for (size_t i = 0; i < tl->n; i++)
		n += tl->t[i].state == RT_TGT_READY;
	return n;
}

/* --json: the target's --explain-route object, one line. NULL if out of memory. */
static char *route_json(const struct rt_explain *ex, const char *name)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	rt_explain_json(f, ex, NULL, name, NULL);
	if (fclose(f) == EOF) {
		free(buf);
		return NULL;
	}
	if (len && buf[len - 1] == '\n')
		buf[len - 1] = '\0';
	return buf;
}

/* A broadcast destination without -b: the kernel's route type, or the probe's EACCES. */
static bool broadcast_refused(const struct rt_opts *o, const struct rt_explain *ex)
{
	if (o->broadcast)
		return false;
	if (ex->fallback)
		return ex->route_err == -EACCES;
	return !ex->route_err && ex->route.type == RTN_BROADCAST;
}

/*
 * -I DEVICE: is the source the echo leaves with one of the device's
 * addresses? iputils warns when not (ping4_run(), ping6_run()); when the
 * addresses cannot be listed, nothing is said.
 */
static bool source_on_device(const char *dev, const struct rt_addr *src)
{
	struct ifaddrs *ifa0, *ifa;
	struct rt_addr a;
	bool found = false;

	if (getifaddrs(&ifa0) < 0)
		return true;
	for (ifa = ifa0; ifa && !found; ifa = ifa->ifa_next)
		found = ifa->ifa_name && ifa->ifa_addr && !strcmp(ifa->ifa_name, dev) &&
			rt_addr_from_sockaddr(&a, NULL, NULL, ifa->ifa_addr,
					      ifa->ifa_addr->sa_family == AF_INET6
					      ? sizeof(struct sockaddr_in6)
					      : sizeof(struct sockaddr_in)) == 0 &&
			rt_addr_equal(&a, src);
	freeifaddrs(ifa0);
	return found;
}

/*
 * explain's warnings about one target in one write(): stderr is unbuffered,
 * and a warning of several parts is a write() each, thousands of them
 * before the first echo of a long list.
 */
static void warn(const char *who, const struct rt_explain *ex)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (f) {
		rt_explain_warn(f, who, ex);
		if (fclose(f) == 0) {
			fwrite(buf, 1, len, stderr);
			free(buf);
			return;
		}
		free(buf);
	}
	rt_explain_warn(stderr, who, ex);
}

/*
 * Target i's prediction, the live route its echoes' egress and the
 * watch's re-queries are held against. Without it (out of memory) its
 * echoes are counted, and no change of its route is news.
 */
static void predict(struct ping *p, size_t i, const struct rt_explain *ex)
{
	struct rt_route_view v;

	rt_explain_route_view(ex, &v);
	rt_engine_set_prediction(p->e, i, &v, !ex->match_err && ex->match.multipath);
}

/* Target i planned again, from what rt_ping_prepare() kept of its first plan. */
static int replan(struct ping *p, size_t i, struct rt_error *err)
{
	const struct rt_tgt *t = &p->tl.t[i];
	struct rt_dest tg = { .fam = t->fam, .addr = p->tl.peers[i].addr, .scope = t->scope };

	return rt_plan_resolved(&p->plan, &p->pe, &tg, err);
}

/*
 * Target i's plan asked, as its family's socket sends (iputils learns
 * "no route" and a refused broadcast from its probe's connect(), before
 * the header); warnings name the target when there are many.
 */
static void explain(struct ping *p, size_t i, bool *bcast_warned)
{
	struct rt_tgt *t = &p->tl.t[i];
	const struct rt_explain *ex = &p->plan.ex;
	struct rt_route_snap snap;
	struct rt_error err;
	char who[300];

	if (t->state != RT_TGT_READY)
		return;
	if (replan(p, i, &err) < 0)
		return target_failed(p, i, &err);
	rt_plan_ask(&p->plan, &p->pe, p->sock[t->fam->af == AF_INET6]);
	/* JSON: the route object, in its summary too when the target fails here. */
	if (p->o->json)
		t->route_json = route_json(ex, t->name);
	if (broadcast_refused(p->o, ex)) {
		rt_error_set(&err, -EACCES, "Do you want to ping broadcast? Then -b. If not, "
			     "check your local firewall rules");
		return target_failed(p, i, &err);
	}
	/*
	 * iputils learns "no route" from its probe's connect() alone: where the
	 * probe has a route and the echo flow none (a rule for ICMP only), it
	 * goes ahead, and every send fails.
	 */
	if (ex->route_err && ex->udpc_err) {
		/* A refused probe: IPv4 iputils asks about broadcast, or warns and tries -b. */
		bool refused = ex->udpc_err == -EACCES && t->fam->msg_probe_eacces;

		if (refused && !p->o->broadcast) {
			rt_error_set(&err, -EACCES, t->fam->msg_probe_eacces);
			return target_failed(p, i, &err);
		}
		if (refused && !*bcast_warned) {
			fprintf(stderr, "WARNING: pinging broadcast address\n");
			*bcast_warned = true;
		}
		rt_error_errno(&err, ex->route_err, "connect");
		return target_failed(p, i, &err);
	}
	snprintf(who, sizeof(who), p->tl.n > 1 ? "%s: %s" : "%s", p->prog, t->typed);
	t->refused = ex->route_err != 0;
	if (t->refused)
		fprintf(stderr, "%s: warning: the kernel refuses the %s flow (%s), not the UDP "
			"probe's: every echo will fail to send (--explain-route says why)\n", who,
			t->fam->icmp_name, strerror(-ex->route_err));
	if (p->o->iface[0] && !source_on_device(p->o->iface, rt_explain_source(ex)))
		fprintf(stderr, "%s: Warning: source address might be selected on device other "
			"than: %s\n", who, p->o->iface);
	warn(who, ex);
	t->diverges = !ex->fallback && rt_explain_verdict(ex) == RT_VERDICT_DIFFER;
	/* iputils' words, on stderr before the header, for a -b run that goes ahead. */
	if (p->o->broadcast && !ex->fallback && ex->route.type == RTN_BROADCAST &&
	    !*bcast_warned) {
		fprintf(stderr, "WARNING: pinging broadcast address\n");
		*bcast_warned = true;
	}
	rt_explain_snapshot(ex, &snap);
	/* A refused flow has no source of its own: iputils' is the probe's. */
	t->src = t->refused ? ex->udpc.src : snap.src;
	t->ifindex = snap.ifindex;
	t->gateway = snap.gateway;
	t->hashed = !ex->fallback && (ex->hash_dependent || ex->flowlabel_hashed);
	predict(p, i, ex);
}

/* Targets from..to-1: what their plans will ask, asked together (src/ahead.c). */
static void ask_ahead(struct ping *p, struct rt_ahead *a, size_t from, size_t to)
{
	struct rt_error err;

	for (size_t i = from; i < to; i++)
		if (p->tl.t[i].state == RT_TGT_READY && replan(p, i, &err) == 0 &&
		    rt_ahead_plan(a, &p->plan, p->sock[p->tl.t[i].fam->af == AF_INET6]) < 0)
			break;   /* out of memory: the rest ask for themselves */
	rt_ahead_ask(a);
}

/* Every target's plan asked, in order; for many, a window's questions asked together. */
void rt_ping_explain_all(struct ping *p, bool *bcast_warned)
{
	struct rt_ahead a;
	int rcvbuf;
	bool ahead = p->tl.n > 1 && rt_ahead_hook(&rcvbuf) &&
		     rt_ahead_open(&a, &p->pe, rcvbuf) == 0;

	for (size_t i = 0; i < p->tl.n && !(p->tl.n > 1 && rt_loop_exit_asked());
	     i += RT_AHEAD_WINDOW) {
		size_t to = p->tl.n - i < RT_AHEAD_WINDOW ? p->tl.n : i + RT_AHEAD_WINDOW;

		if (ahead)
			ask_ahead(p, &a, i, to);
		for (size_t j = i; j < to; j++)
			explain(p, j, bcast_warned);
		if (ahead)
			rt_ahead_next(&a);
	}
	if (ahead)
		rt_ahead_close(&a);
}
