/*
 * --explain-route DEST: one destination's plan, printed as text or JSON;
 * with --verify, one echo sent to hold the answer against the kernel's
 * report of where it left. Exit 0 when the answers agree, 1 when they
 * (or the observed egress) differ, 2 when there is no route.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "rtping/caps.h"
#include "rtping/cmd.h"
#include "rtping/exitcodes.h"
#include "rtping/facts.h"
#include "rtping/flow.h"
#include "rtping/opts.h"
#include "rtping/output.h"
#include "rtping/plan.h"
#include "rtping/sock.h"
#include "rtping/verify.h"

/*
 * No flow to explain (unknown host, bad -I): with --json an object on
 * stdout that says so; the line on stderr is main's.
 */
static int no_plan(const struct rt_cmd_env *env, const struct rt_plan *p,
		   struct rt_error *err)
{
	const struct rt_dest *t = &p->dest;
	char why[sizeof(err->msg)];

	if (err->subject) {
		memcpy(why, err->msg, sizeof(why));
		rt_error_set(err, err->code, "%s: %s", env->o->dest, why);
	}
	if (env->o->json)
		/* The name is set once resolution succeeded. */
		rt_explain_json_error(stdout, t->name[0] ? t->name : env->o->dest,
				      t->name[0] ? &t->addr : NULL, t->name[0] ? t->fam : NULL,
				      err->msg, NULL);
	return RT_EXIT_ERROR;
}

/*
 * Every capability goes once the sockets that need one are open, unless
 * root's -m or -I still needs one for the UDP probe (rt_flow_needs_caps()).
 */
static int drop_caps(const struct rt_opts *o, struct rt_error *err)
{
	int rc = rt_flow_needs_caps(o) ? 0 : rt_caps_drop_all();

	return rc < 0 ? rt_error_errno(err, rc, "cap_set_proc") : 0;
}

int rt_cmd_explain(const struct rt_cmd_env *env, struct rt_error *fatal)
{
	static struct rt_plan p;   /* static: large */
	static struct rt_facts facts;
	const struct rt_opts *o = env->o;
	struct rt_plan_env pe = { .o = o, .nl = env->nl, .nl_err = env->nl_err,
				  .uid = geteuid() };
	struct rt_verified v = { 0 }, *vp = NULL;
	struct rt_sock s = { .fd = -1 };
	struct rt_error verr = { 0 };
	bool sock = o->connect || o->verify;
	int sock_err = 0;

	/* Without a socket to open, nothing held while the name is resolved. */
	if (!sock && drop_caps(o, fatal) < 0)
		return RT_EXIT_ERROR;
	pe.mark_err = rt_flow_mark_refused(o);
	if (rt_plan_resolve(&p, &pe, o->dest, fatal) < 0)
		return no_plan(env, &p, fatal);
	/*
	 * -C and --verify's socket, opened as ping mode would (a raw one needs
	 * a capability) before the route is asked: what connect() keys on (its
	 * port, whether a source is bound first) goes into the plan, and
	 * --verify sends on it. -C cannot go on without it; --verify's failure
	 * is its report's.
	 */
	if (sock) {
		sock_err = rt_sock_open(&s, o, &p.flow, &p.dest, 1, &verr);
		if (sock_err && o->connect)
			return *fatal = verr, no_plan(env, &p, fatal);
		if (drop_caps(o, fatal) < 0) {
			rt_sock_close(&s);
			return RT_EXIT_ERROR;
		}
	}
	rt_out_mark_warning(stderr, env->prog, pe.mark_err, o->mark);
	rt_plan_ask(&p, &pe, sock && !sock_err ? &s : NULL);
	if (o->verify && !p.ex.route_err) {
		vp = &v;
		v.err = sock_err ? sock_err : rt_verify_egress(o, &p.dest, &s, &v.eg, &verr);
	}
	rt_sock_close(&s);
	rt_facts_ask(env->nl, &p.ex, &facts);
	p.ex.facts = &facts;
	/* A socket that cannot be had is an error, not an observation. */
	if (vp && v.err && verr.code)
		return *fatal = verr, RT_EXIT_ERROR;
	if (env->o->json)
		rt_explain_json(stdout, &p.ex, vp, p.dest.name, NULL);
	else
		rt_explain_text(stdout, &p.ex, vp, p.dest.name);
	if (p.ex.route_err)
		return RT_EXIT_ERROR;
	if (rt_explain_observed_differs(&p.ex, vp))
		return RT_EXIT_NOREPLY;
	/* On fallback there is one answer only: nothing to disagree with. */
	return p.ex.agree || p.ex.fallback ? RT_EXIT_OK : RT_EXIT_NOREPLY;
}
