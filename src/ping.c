/*
 * Ping mode: the list, per-target preparation and route truth, the loop.
 * What single-target rtping did in main, done for each target of a list.
 */
#include <errno.h>
#include <locale.h>
#include <netdb.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/rtnetlink.h>

#include "rtping/caps.h"
#include "rtping/engine.h"
#include "rtping/error.h"
#include "rtping/explain.h"
#include "rtping/flow.h"
#include "rtping/loop.h"
#include "rtping/names.h"
#include "rtping/ping.h"
#include "rtping/target.h"
#include "rtping/targets.h"
#include "rtping/tfile.h"
#include "rtping/watch.h"

struct ping {
	const struct rt_opts *o;
	const char *prog;
	struct rt_nl *nl;
	int nl_err;
	struct rt_targets tl;
	struct rt_flow flow[2];          /* each family's first flow: its socket's */
	struct rt_target first[2];
	bool have[2];
	struct rt_rules_cache rules;     /* one dump per family a second */
	struct rt_explain ex;            /* reused for every target */
	const struct rt_sock *sock[2];   /* each family's socket, once open */
	/* One target: the route watch and the egress observer (issue 12). */
	struct rt_engine *e;
	struct rt_watch_stats wst;
	bool src_gone;                   /* the bound source was deleted (said once) */
	char *err;
	size_t errlen;
};

static int fail(struct ping *p, int rc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int fail(struct ping *p, int rc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(p->err, p->errlen, fmt, ap);
	va_end(ap);
	return rc;
}

/* A target that cannot be pinged: one line naming it, the others go on. */
static void target_failed(struct ping *p, size_t i, const char *what, const char *why)
{
	struct rt_tgt *t = &p->tl.t[i];
	bool multi = p->tl.n > 1;

	t->state = RT_TGT_FAILED;
	fflush(stdout);
	fprintf(stderr, "%s: ", p->prog);
	if (multi && (!what || strcmp(what, t->typed)))
		fprintf(stderr, "%s: ", t->typed);
	fprintf(stderr, "%s%s%s\n", what ? what : "", what ? ": " : "", why);
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
		return fail(p, -E2BIG, "too many targets: at most %d", RT_TARGETS_MAX);
	case RT_TADD_NOMEM:
		break;
	}
	return fail(p, -ENOMEM, "malloc: %s", strerror(ENOMEM));
}

/* Operands, then --file: all read (and checked) before anything is sent. */
static int read_list(struct ping *p)
{
	const struct rt_opts *o = p->o;
	struct rt_tsrc src;
	const char *name, *why;
	int rc = 0;

	for (int i = 0; i < o->ndests && rc == 0; i++)
		rc = add(p, o->dests[i], false);
	if (rc < 0 || !o->file)
		return rc;
	if ((rc = rt_tsrc_init(&src, NULL, 0, o->file, false, &why)) < 0)
		return fail(p, rc, "%s: %s", why, strerror(-rc));
	while (rc == 0 && (rc = rt_tsrc_next(&src, &name, &why)) > 0)
		rc = name ? add(p, name, true)
			  : fail(p, -EINVAL, "%s line %lu: %s", src.in_name, src.line, why);
	if (rc == -EIO)
		fail(p, rc, "%s: %s", why, strerror(EIO));
	rt_tsrc_close(&src);
	if (rc == 0 && !p->tl.n)
		rc = fail(p, -EINVAL, "usage error: Destination address required");
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

/* single-target main's prepare(), for target i: resolve, check, flow. */
static void prepare(struct ping *p, size_t i)
{
	struct rt_tgt *t = &p->tl.t[i];
	struct rt_target tg;
	struct rt_flow f;
	char err[256];
	struct rt_error e;
	int rc = rt_target_resolve(&tg, t->typed, p->o->af);
	int k;

	if (rc)
		return target_failed(p, i, t->typed, gai_strerror(rc));
	if (rt_opts_check_family(p->o, tg.fam, &tg.addr, &e) < 0)
		return target_failed(p, i, NULL, e.msg);
	/* The socket's owner: fsuid at socket() time, i.e. after rt_caps_init(). */
	rc = rt_flow_build(&f, p->o, &tg, geteuid());
	if (rc == -EDESTADDRREQ)
		return target_failed(p, i, t->typed, "link-local destination needs an "
				     "interface (-I IFACE or ADDRESS%IFACE)");
	if (rc < 0) {
		snprintf(err, sizeof(err), "SO_BINDTODEVICE %s", p->o->iface);
		return target_failed(p, i, err, strerror(-rc));
	}
	if (strcmp(tg.name, t->typed) && (t->name = strdup(tg.name)))
		t->owned_name = true;
	if (!t->name)
		t->name = t->typed;
	t->fam = tg.fam;
	t->scope = tg.scope;
	/*
	 * iputils resolves reply addresses unless -n, -f or a numeric target;
	 * -H resolves them anyway.
	 */
	t->numeric = !p->o->force_lookup && (p->o->numeric || p->o->flood ||
					     rt_names_numeric_target(tg.fam->af, t->typed));
	/*
	 * The echo goes where the flow does (0.0.0.0 -> 127.0.0.1): the engine
	 * sends there and expects replies from there, as iputils replaces
	 * 0.0.0.0 with its probe's source. The name as typed stays.
	 */
	p->tl.peers[i].addr = f.dst;
	t->state = RT_TGT_READY;
	k = tg.fam->af == AF_INET6;
	if (!p->have[k]) {
		p->have[k] = true;
		p->flow[k] = f;
		tg.addr = f.dst;
		p->first[k] = tg;
	}
}

/* --json: the target's --explain-route object, one line. NULL if out of memory. */
static char *route_json(const struct rt_explain *ex, const char *name)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	rt_explain_json(f, ex, name);
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

/* The route truth for target i, from its own flow; warnings name it when there are many. */
static void explain(struct ping *p, size_t i, bool *bcast_warned)
{
	struct rt_tgt *t = &p->tl.t[i];
	struct rt_explain *ex = &p->ex;
	struct rt_target tg = { .fam = t->fam, .addr = p->tl.peers[i].addr, .scope = t->scope };
	struct rt_route_snap snap;
	struct rt_flow f;
	char who[300];

	if (t->state != RT_TGT_READY)
		return;
	if (rt_flow_build(&f, p->o, &tg, geteuid()) < 0)
		return target_failed(p, i, "connect", strerror(EINVAL));
	if (p->sock[t->fam->af == AF_INET6])
		rt_sock_flow_facts(p->sock[t->fam->af == AF_INET6], &f);
	rt_explain_run_cached(p->nl_err ? NULL : p->nl, p->nl_err, &f, &p->rules, ex);
	/* iputils learns this from its probe's connect(), before the header. */
	if (broadcast_refused(p->o, ex))
		return target_failed(p, i, NULL, "Do you want to ping broadcast? Then -b. If "
				     "not, check your local firewall rules");
	/* iputils learns "no route" from its probe's connect(); we from the kernel. */
	if (ex->route_err)
		return target_failed(p, i, "connect", strerror(-ex->route_err));
	snprintf(who, sizeof(who), p->tl.n > 1 ? "%s: %s" : "%s", p->prog, t->typed);
	rt_explain_warn(stderr, who, ex);
	t->diverges = !ex->fallback && rt_explain_verdict(ex) == RT_VERDICT_DIFFER;
	if (p->o->json)
		t->route_json = route_json(ex, t->name);
	/* iputils' words, on stderr before the header, for a -b run that goes ahead. */
	if (p->o->broadcast && !ex->fallback && ex->route.type == RTN_BROADCAST &&
	    !*bcast_warned) {
		fprintf(stderr, "WARNING: pinging broadcast address\n");
		*bcast_warned = true;
	}
	rt_explain_snapshot(ex, &snap);
	t->src = snap.src;
	t->ifindex = snap.ifindex;
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

/* The route decision as the observer and route-change events show it. */
static void route_view(const struct rt_explain *ex, struct rt_route_view *v)
{
	size_t len = 0;
	FILE *f;

	memset(v, 0, sizeof(*v));
	v->err = ex->route_err;
	rt_explain_snapshot(ex, &v->snap);
	f = open_memstream(&v->json, &len);
	if (!f)
		return;
	rt_explain_json_netlink(f, ex);
	if (fclose(f) == EOF) {
		free(v->json);
		v->json = NULL;
	}
}

/* The watch saw a burst end: ask again; the engine says whether it changed. */
static void watch_changed(void *arg, unsigned causes)
{
	struct ping *p = arg;
	struct rt_route_view v;

	rt_explain_requery(p->nl, &p->ex);
	route_view(&p->ex, &v);
	rt_engine_route(p->e, &v, rt_watch_cause_name(causes));
}

static void watch_bound(void *arg, bool gone)
{
	struct ping *p = arg;
	char a[RT_ADDRSTRLEN], text[160];

	if (gone && !p->src_gone) {
		struct rt_event ev = { .kind = RT_EV_MESSAGE, .text = text };

		snprintf(text, sizeof(text), "source address %s is no longer on this host; "
			 "echoes bound to it cannot leave", rt_addr_str(&p->ex.flow.src, a, sizeof(a)));
		rt_out_event(rt_engine_out(p->e), &ev);
	}
	p->src_gone = gone;
}

static void watch_io(void *w, short revents)
{
	rt_watch_io(w, revents);
}

static int64_t watch_step(void *w, int64_t now)
{
	return rt_watch_step(w, now);
}

/*
 * One target: its route watched (issue 12), when netlink answers at all; a
 * watch that cannot be had is said once and the ping goes on without it.
 * NULL then, and for several targets (per-target watching is not done).
 */
static struct rt_watch *open_watch(struct ping *p)
{
	static const struct rt_watch_ops ops = { watch_changed, watch_bound, NULL };
	struct rt_watch_ops o = ops;
	const struct rt_tgt *t = &p->tl.t[0];
	struct rt_watch *w;
	int rc;

	if (p->tl.n != 1 || t->state != RT_TGT_READY || p->nl_err || p->ex.fallback)
		return NULL;
	/* -B, -e, -C pin the route's source: later queries ask for the bound flow. */
	if ((p->o->bind_source || p->ex.flow.binds_source || p->ex.flow.connected) &&
	    !rt_addr_is_set(&p->ex.flow.src) && rt_addr_is_set(&t->src))
		p->ex.flow.src = p->ex.echo.src = t->src;
	o.arg = p;
	rc = rt_watch_open(&w, t->fam->af, p->o->watch_rcvbuf,
			   rt_addr_is_set(&p->ex.flow.src) ? &p->ex.flow.src : NULL, &o);
	if (rc < 0) {
		fprintf(stderr, "%s: warning: route watch unavailable: %s\n", p->prog, strerror(-rc));
		return NULL;
	}
	return w;
}

/* The loop over the engine's sockets (and the route watch's); -errno and *what. */
static int ping_loop(struct ping *p, struct rt_engine *e, const char **what)
{
	struct rt_loop loop;
	rt_loop_step_fn step = engine_step;
	struct rt_watch *w = open_watch(p);
	int rc = 0;

	/* Before the headers: a SIGINT from then on ends the run with its summaries. */
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
		rc = rt_loop_add(&loop, rt_watch_fd(w), POLLIN, watch_io, watch_step, w);
	if (w)
		rt_engine_out(e)->watch = &p->wst;   /* copied in when the loop ends */
	if (!rc && (rc = rt_engine_start(e, what)) == 0)
		rt_loop_run(&loop);
	rt_loop_close(&loop);
	if (w)
		rt_watch_stats(w, &p->wst);
	rt_watch_close(w);
	return rc;
}

static size_t count_ready(const struct rt_targets *tl)
{
	size_t n = 0;

	for (size_t i = 0; i < tl->n; i++)
		n += tl->t[i].state == RT_TGT_READY;
	return n;
}

/* Each target's statistics in argument order; for several, the run's totals. */
static void summaries(struct ping *p, struct rt_engine *e)
{
	struct rt_out_totals tot;
	struct rt_out out;

	rt_engine_summary(e);
	if (p->tl.n < 2)
		return;
	rt_targets_totals(&p->tl, p->o, &tot);
	rt_out_init(&out, p->o, false, p->prog, NULL);
	rt_out_run_summary(&out, &tot);
}

/* Sockets, route truth, privileges dropped, the run. */
static int run(struct ping *p, struct rt_ping_result *r)
{
	struct rt_engine_fam fams[2] = { { 0 } };
	struct rt_engine *e;
	const char *what = NULL;
	bool warned = false;
	int rc;

	for (int k = 0; k < 2; k++)
		if (p->have[k])
			fams[k] = (struct rt_engine_fam){ &p->flow[k], &p->first[k] };
	rc = rt_engine_open(&e, p->o, &p->tl, fams, p->prog, &what);
	if (rc < 0)
		return fail(p, rc, "%s: %s", what, strerror(-rc));
	for (int k = 0; k < 2; k++) {
		p->sock[k] = rt_engine_sock(e, k);
		if (p->sock[k])
			rt_sock_mark_warning(stderr, p->prog, p->sock[k], p->flow[k].mark);
	}
	for (size_t i = 0; i < p->tl.n; i++)
		explain(p, i, &warned);
	if (rt_caps_drop_all() < 0) {
		rc = -errno;
		rt_engine_close(e);
		return fail(p, rc, "cap_set_proc: %s", strerror(-rc));
	}
	rt_targets_link_shared(&p->tl);
	p->e = e;
	/* One target: the prediction its echoes' egress is held against (issue 12). */
	if (p->tl.n == 1 && p->tl.t[0].state == RT_TGT_READY) {
		struct rt_route_view v;

		route_view(&p->ex, &v);
		rt_engine_set_prediction(e, &v, !p->ex.match_err && p->ex.match.multipath);
	}
	if (count_ready(&p->tl)) {
		rc = ping_loop(p, e, &what);
		if (rc < 0) {
			rt_engine_close(e);
			return fail(p, rc, "%s: %s", what, strerror(-rc));
		}
		r->ran = true;
		r->fatal = rt_engine_fatal(e);
		if (!r->fatal)
			summaries(p, e);
	}
	rt_engine_close(e);
	return 0;
}

int rt_ping_run(const struct rt_opts *o, struct rt_nl *nl, int nl_err, const char *prog,
		struct rt_ping_result *r, char *err, size_t errlen)
{
	struct ping *p = calloc(1, sizeof(*p));
	int rc;

	memset(r, 0, sizeof(*r));
	if (!p)
		return snprintf(err, errlen, "malloc: %s", strerror(ENOMEM)), -ENOMEM;
	*p = (struct ping){ .o = o, .prog = prog, .nl = nl, .nl_err = nl_err,
			    .err = err, .errlen = errlen };
	rc = read_list(p);
	if (rc == 0 && needs_locale(p))
		setlocale(LC_CTYPE, "");
	/* connect(), a leased flow label and -N's nonces hold one destination. */
	if (rc == 0 && p->tl.n > 1 && (o->connect || o->has_flowlabel || o->ni.used))
		rc = fail(p, -EINVAL, "usage error: %s takes one destination",
			  o->connect ? "-C" : o->has_flowlabel ? "-F" : "-N");
	if (rc == 0 && rt_targets_seal(&p->tl) < 0)
		rc = fail(p, -ENOMEM, "malloc: %s", strerror(ENOMEM));
	for (size_t i = 0; rc == 0 && i < p->tl.n; i++)
		prepare(p, i);
	if (rc == 0 && count_ready(&p->tl))
		rc = run(p, r);
	if (rc == 0)
		rt_targets_totals(&p->tl, o, &r->totals);
	rt_rules_cache_free(&p->rules);
	rt_targets_free(&p->tl);
	free(p);
	return rc;
}
