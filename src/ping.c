/*
 * The ping command: the list and each target's plan (src/ping_plan.c),
 * the sockets, privileges dropped, the engine's loop, the summaries and
 * the exit status.
 */
#include <errno.h>
#include <locale.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/rtnetlink.h>

#include "rtping/caps.h"
#include "rtping/cmd.h"
#include "rtping/demux.h"
#include "rtping/engine.h"
#include "rtping/exitcodes.h"
#include "rtping/flow.h"
#include "rtping/live.h"
#include "rtping/loop.h"
#include "rtping/opts.h"
#include "rtping/output.h"
#include "rtping/ping_rpath.h"
#include "rtping/plan.h"
#include "rtping/sock.h"
#include "rtping/targets.h"
#include "rtping/watch.h"
#include "ping_int.h"


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

	if (!rt_ping_count_ready(&p->tl) || !p->pe.nl || (one && p->live.fallback))
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

	rt_out_init(&out, p->o, p->prog, p->tl.n > 1);
	for (size_t i = 0; i < p->tl.n; i++) {
		const struct rt_addr *a = &p->tl.peers[i].addr;
		struct rt_out_target v = { .host = p->tl.t[i].name,
					   .addr = a->af != AF_UNSPEC ? a : NULL,
					   .route_json = p->tl.t[i].route_json };

		if (p->tl.t[i].state != RT_TGT_FAILED)
			continue;   /* interrupted before it was prepared: not probed */
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
		rt_ping_explain_all(p, &warned);
	if (rc == 0)
		rc = rt_caps_drop_all();
	if (rc < 0) {
		rt_engine_close(e);
		return rt_error_errno(p->fatal, rc, "cap_set_proc");
	}
	rt_targets_link_shared(&p->tl);
	rt_engine_netlink(e, p->pe.nl);
	/* Interrupted while many targets were prepared: none was probed, the totals say so. */
	if (p->tl.n > 1 && rt_loop_exit_asked()) {
		summaries(p, e, NULL);
		rt_engine_close(e);
		return 0;
	}
	/* One target: its live plan, which the watch re-asks. */
	if (p->tl.n == 1 && p->tl.t[0].state == RT_TGT_READY)
		p->live = p->plan.ex;
	if (rt_ping_count_ready(&p->tl)) {
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

/*
 * How the run went: 2 when a target could not be pinged, 1 when one did
 * not answer as iputils asks (with -w: as many replies as -c).
 */
static int exit_status(const struct ping *p)
{
	struct rt_out_totals tot;

	rt_targets_totals(&p->tl, p->o, &tot);
	if (tot.failed)
		return RT_EXIT_ERROR;
	return tot.met == tot.total ? RT_EXIT_OK : RT_EXIT_NOREPLY;
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
	rc = rt_ping_read_list(p);
	if (rc == 0 && rt_ping_needs_locale(p))
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
	/* A limit of the process, not of a target: said once. */
	if (rc == 0 && p->tl.n > 1)
		rc = rt_opts_check_user_interval(o, fatal);
	if (rc == 0 && rt_targets_seal(&p->tl) < 0)
		rc = rt_error_errno(fatal, -ENOMEM, "malloc");
	/*
	 * Many targets take a while to prepare: SIGINT then ends it and the
	 * totals still print (one target: iputils dies of it, so does this).
	 */
	if (rc == 0 && p->tl.n > 1)
		rt_loop_catch_signals();
	for (size_t i = 0; rc == 0 && i < p->tl.n && !(p->tl.n > 1 && rt_loop_exit_asked()); i++)
		rt_ping_prepare(p, i);
	if (rc == 0 && rt_ping_count_ready(&p->tl))
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
