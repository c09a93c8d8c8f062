/*
 * The ping command: the list, each target's plan (src/plan.c), the
 * sockets, privileges dropped, the engine's loop, the summaries and the
 * exit status. A target that cannot be pinged is said on one line naming
 * it; the others go on.
 */
#include <errno.h>
#include <ifaddrs.h>
#include <locale.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/rtnetlink.h>

#include "rtping/ahead.h"
#include "rtping/caps.h"
#include "rtping/cmd.h"
#include "rtping/demux.h"
#include "rtping/engine.h"
#include "rtping/exitcodes.h"
#include "rtping/flow.h"
#include "rtping/live.h"
#include "rtping/loop.h"
#include "rtping/names.h"
#include "rtping/output.h"
#include "rtping/ping_rpath.h"
#include "rtping/plan.h"
#include "rtping/sock.h"
#include "rtping/targets.h"
#include "rtping/tfile.h"
#include "rtping/watch.h"

struct ping {
	const struct rt_opts *o;
	const char *prog;
	struct rt_plan_env pe;
	struct rt_targets tl;
	struct rt_flow flow[2];          /* each family's first flow: its socket's */
	struct rt_dest first[2];
	bool have[2];
	struct rt_rules_cache rules;     /* one dump per family a second */
	struct rt_plan plan;             /* each target's in its turn */
	const struct rt_sock *sock[2];   /* each family's socket, once open */
	/*
	 * One target: its route as the watch re-asks it, a copy of the plan's
	 * answer that the re-queries update; the plan itself stays as asked.
	 * Many: each target's flow is rebuilt and asked (src/live.c).
	 */
	struct rt_explain live;
	struct rt_live lv;
	struct rt_engine *e;
	struct rt_watch *w;
	struct rt_watch_stats wst;
	bool src_gone;                   /* the bound source was deleted (said once) */
	struct rt_ping_rpath rp;         /* loss: the return path, asked at the summaries */
	struct rt_error *fatal;
};

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
static int read_list(struct ping *p)
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
static bool needs_locale(const struct ping *p)
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
static void prepare(struct ping *p, size_t i)
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

static size_t count_ready(const struct rt_targets *tl)
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

/*
 * Target i's plan asked, as its family's socket sends (iputils learns
 * "no route" and a refused broadcast from its probe's connect(), before
 * the header); warnings name the target when there are many.
 */
/* Target i planned again, from what prepare() kept of its first plan. */
static int replan(struct ping *p, size_t i, struct rt_error *err)
{
	const struct rt_tgt *t = &p->tl.t[i];
	struct rt_dest tg = { .fam = t->fam, .addr = p->tl.peers[i].addr, .scope = t->scope };

	return rt_plan_resolved(&p->plan, &p->pe, &tg, err);
}

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
static void explain_all(struct ping *p, bool *bcast_warned)
{
	struct rt_ahead a;
	int rcvbuf;
	bool ahead = p->tl.n > 1 && rt_ahead_hook(&rcvbuf) &&
		     rt_ahead_open(&a, &p->pe, rcvbuf) == 0;

	for (size_t i = 0; i < p->tl.n; i += RT_AHEAD_WINDOW) {
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

static void engine_io4(void *e, short revents)
{
	rt_engine_io(e, 0, revents);
}

static void engine_io6(void *e, short revents)
{
	rt_engine_io(e, 1, revents);
}

static int64_t engine_step(void *e, int64_t now)
{
	return rt_engine_step(e, now);
}

static int64_t no_step(void *e, int64_t now)
{
	(void)e;
	(void)now;
	return RT_LOOP_IDLE;
}

static void engine_status(void *e)
{
	rt_engine_status(e);
}

/* The watch saw a burst end: every target asked again, in batches (src/live.c). */
static void watch_changed(void *arg, unsigned causes)
{
	struct ping *p = arg;

	rt_live_changed(&p->lv, causes);
}

static void watch_bound(void *arg, bool gone)
{
	struct ping *p = arg;
	char a[RT_ADDRSTRLEN], text[160];

	if (gone && !p->src_gone) {
		snprintf(text, sizeof(text), "source address %s is no longer on this host; "
			 "echoes bound to it cannot leave", rt_addr_str(&p->live.flow.src, a, sizeof(a)));
		rt_engine_message(p->e, text);
	}
	p->src_gone = gone;
}

static void watch_io(void *arg, short revents)
{
	struct ping *p = arg;

	rt_watch_io(p->w, revents);
}

/* The watch's burst, then a batch of the re-queries it asked for. */
static int64_t watch_step(void *arg, int64_t now)
{
	struct ping *p = arg;
	int64_t w = rt_watch_step(p->w, now), l = rt_live_step(&p->lv, now);

	return w < l ? w : l;
}

/*
 * One watch socket for the run, for each family in use, when netlink
 * answers at all; a watch that cannot be had is said once and the ping
 * goes on without it. NULL then.
 */
static struct rt_watch *open_watch(struct ping *p)
{
	static const struct rt_watch_ops ops = { watch_changed, watch_bound, NULL };
	struct rt_watch_ops o = ops;
	const struct rt_tgt *t = &p->tl.t[0];
	bool one = p->tl.n == 1;
	struct rt_watch *w;
	int rc;

	if (!count_ready(&p->tl) || !p->pe.nl || (one && p->live.fallback))
		return NULL;
	/* -B, -e, -C pin the route's source: later queries ask for the bound flow. */
	if (one && (p->o->bind_source || p->live.flow.binds_source || p->live.flow.connected) &&
	    !rt_addr_is_set(&p->live.flow.src) && rt_addr_is_set(&t->src))
		p->live.flow.src = p->live.echo.src = t->src;
	o.arg = p;
	rc = rt_live_init(&p->lv, &p->pe, &p->tl, p->sock, p->e, one ? &p->live : NULL);
	if (rc == 0)
		rc = rt_watch_open(&w, p->have[0] && p->have[1] ? AF_UNSPEC
				   : p->have[0] ? AF_INET : AF_INET6,
				   p->o->watch_rcvbuf, one && rt_addr_is_set(&p->live.flow.src)
				   ? &p->live.flow.src : NULL, &o);
	if (rc < 0) {
		rt_live_free(&p->lv);
		fprintf(stderr, "%s: warning: route watch unavailable: %s\n", p->prog, strerror(-rc));
		return NULL;
	}
	return w;
}

/* The loop over the engine's sockets (and the route watch's); -errno with p->fatal. */
static int ping_loop(struct ping *p, struct rt_engine *e)
{
	struct rt_loop loop;
	rt_loop_step_fn step = engine_step;
	struct rt_watch *w = p->w = open_watch(p);
	int rc = 0;

	/* Before the headers: a SIGINT from then on ends the run with its summaries. */
	rt_loop_catch_signals();
	rt_loop_init(&loop);
	loop.status = engine_status;
	loop.status_arg = e;
	for (int k = 0; k < 2 && rc == 0; k++) {
		if (rt_engine_fd(e, k) < 0)
			continue;
		rc = rt_loop_add(&loop, rt_engine_fd(e, k), POLLIN, k ? engine_io6 : engine_io4,
				 step, e);
		step = no_step;   /* one engine, stepped once a turn */
	}
	if (!rc && w)
		rc = rt_loop_add(&loop, rt_watch_fd(w), POLLIN, watch_io, watch_step, p);
	if (rc < 0)
		rt_error_errno(p->fatal, rc, "ppoll");
	if (w)
		rt_engine_watch_counts(e, &p->wst);   /* copied in when the loop ends */
	if (!rc && (rc = rt_engine_start(e, p->fatal)) == 0)
		rt_loop_run(&loop);
	rt_loop_close(&loop);
	if (w)
		rt_watch_stats(w, &p->wst);
	rt_watch_close(w);
	rt_live_free(&p->lv);
	p->w = NULL;
	return rc;
}

/* For several targets, the run's totals. */
static void totals(const struct ping *p, const struct rt_out *out)
{
	struct rt_out_totals tot;

	if (p->tl.n < 2)
		return;
	rt_targets_totals(&p->tl, p->o, &tot);
	rt_out_run_summary(out, &tot);
}

/*
 * Each target's statistics in argument order, then the totals; error:
 * why the run ended early, for the JSON summaries (NULL: it did not).
 */
static void summaries(struct ping *p, struct rt_engine *e, const char *error)
{
	rt_engine_summary(e, error);
	totals(p, rt_engine_out(e));
}

/*
 * No target could be pinged, so no engine ran: each one's JSON summary
 * with its error (text said each on stderr), then the totals.
 */
static void failed_summaries(const struct ping *p)
{
	struct rt_out out;

	rt_out_init(&out, p->o, p->prog, p->tl.n > 1, NULL);
	for (size_t i = 0; i < p->tl.n; i++) {
		const struct rt_addr *a = &p->tl.peers[i].addr;
		struct rt_out_target v = { .host = p->tl.t[i].name,
					   .addr = a->af != AF_UNSPEC ? a : NULL,
					   .route_json = p->tl.t[i].route_json };

		rt_out_failed(&out, &v, p->tl.t[i].why);
	}
	totals(p, &out);
	fflush(out.f);
}

/* Sockets, each target's plan asked, privileges dropped, the run; -errno with p->fatal. */
static int run(struct ping *p)
{
	struct rt_engine_fam fams[2] = { { 0 } };
	struct rt_engine *e;
	const struct rt_error *fatal = NULL;
	bool warned = false;
	int rc;

	for (int k = 0; k < 2; k++)
		if (p->have[k])
			fams[k] = (struct rt_engine_fam){ &p->flow[k], &p->first[k] };
	rc = rt_engine_open(&e, p->o, &p->tl, fams, p->prog, p->fatal);
	if (rc < 0)
		return rc;
	for (int k = 0; k < 2; k++) {
		p->sock[k] = rt_engine_sock(e, k);
		if (p->sock[k])
			rt_out_mark_warning(stderr, p->prog, p->sock[k]->mark_err, p->o->mark);
	}
	/* The sockets are open: the route questions need nothing but root's -m, -I. */
	rc = rt_flow_needs_caps(p->o) ? 0 : rt_caps_drop_all();
	p->e = e;
	if (rc == 0)
		explain_all(p, &warned);
	if (rc == 0)
		rc = rt_caps_drop_all();
	if (rc < 0) {
		rt_engine_close(e);
		return rt_error_errno(p->fatal, rc, "cap_set_proc");
	}
	rt_targets_link_shared(&p->tl);
	rt_engine_netlink(e, p->pe.nl);
	/* One target: its live plan, which the watch re-asks. */
	if (p->tl.n == 1 && p->tl.t[0].state == RT_TGT_READY)
		p->live = p->plan.ex;
	if (count_ready(&p->tl)) {
		rt_ping_rpath_begin(&p->rp, p->pe.nl, &p->tl);
		rt_engine_return_path(e, rt_ping_rpath_of, &p->rp);
		rc = ping_loop(p, e);
		if (rc < 0) {
			rt_engine_close(e);
			return rc;
		}
		fatal = rt_engine_fatal(e);
		if (fatal)
			rc = (*p->fatal = *fatal).code;
	}
	/*
	 * Ended early (iputils' words): the lines so far, then the reason; JSON
	 * still ends with the summaries, which carry it.
	 */
	if (!fatal)
		summaries(p, e, NULL);
	else if (p->o->json)
		summaries(p, e, fatal->msg);
	rt_engine_close(e);
	return rc;
}

/* How the run went: 2 when a target could not be pinged, 1 when one did not answer. */
static int exit_status(const struct ping *p)
{
	struct rt_out_totals tot;

	rt_targets_totals(&p->tl, p->o, &tot);
	if (tot.failed)
		return RT_EXIT_ERROR;
	return tot.answered == tot.total ? RT_EXIT_OK : RT_EXIT_NOREPLY;
}

int rt_cmd_ping(const struct rt_cmd_env *env, struct rt_error *fatal)
{
	const struct rt_opts *o = env->o;
	struct ping *p = calloc(1, sizeof(*p));
	int rc;

	if (!p)
		return rt_error_errno(fatal, -ENOMEM, "malloc"), RT_EXIT_ERROR;
	p->o = o;
	p->prog = env->prog;
	p->fatal = fatal;
	p->pe = (struct rt_plan_env){ .o = o, .nl = env->nl, .nl_err = env->nl_err,
				      .uid = geteuid(), .rules = &p->rules };
	rc = read_list(p);
	if (rc == 0 && needs_locale(p))
		setlocale(LC_CTYPE, "");
	/*
	 * connect(), a leased flow label and -N's nonces hold one destination;
	 * so does -B: a socket binds one source, right for its first target only.
	 */
	if (rc == 0 && p->tl.n > 1 &&
	    (o->connect || o->has_flowlabel || o->ni.used || o->bind_source))
		rc = rt_error_set(fatal, -EINVAL, "usage error: %s takes one destination",
				  o->connect ? "-C" : o->has_flowlabel ? "-F" :
				  o->ni.used ? "-N" : "-B");
	if (rc == 0 && rt_targets_seal(&p->tl) < 0)
		rc = rt_error_errno(fatal, -ENOMEM, "malloc");
	for (size_t i = 0; rc == 0 && i < p->tl.n; i++)
		prepare(p, i);
	if (rc == 0 && count_ready(&p->tl))
		rc = run(p);
	else if (rc == 0)
		failed_summaries(p);
	if (rc == 0)
		rc = exit_status(p);
	rt_rules_cache_free(&p->rules);
	rt_targets_free(&p->tl);
	free(p);
	return rc < 0 ? RT_EXIT_ERROR : rc;
}
