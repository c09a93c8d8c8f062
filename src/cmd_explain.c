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

#include "rtping/cmd.h"
#include "rtping/exitcodes.h"
#include "rtping/opts.h"
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
	const struct rt_target *t = &p->target;
	char why[sizeof(err->msg)];

	if (err->subject) {
		memcpy(why, err->msg, sizeof(why));
		rt_error_set(err, err->code, "%s: %s", env->o->dest, why);
	}
	if (env->o->json)
		/* The name is set once resolution succeeded. */
		rt_explain_json_error(stdout, t->name[0] ? t->name : env->o->dest,
				      t->name[0] ? &t->addr : NULL, t->name[0] ? t->fam : NULL,
				      err->msg);
	return RT_EXIT_ERROR;
}

/*
 * -C: what connect() keys on (the socket's port, whether a source is bound
 * first) belongs to the socket, so it is opened as ping mode would and its
 * facts go into the plan. Nothing is sent.
 */
static int ask(const struct rt_cmd_env *env, const struct rt_plan_env *pe, struct rt_plan *p,
	       struct rt_error *err)
{
	struct rt_sock s;
	const char *what = NULL;
	int rc;

	if (!p->flow.connected) {
		rt_plan_ask(p, pe, NULL);
		return 0;
	}
	rc = rt_sock_open(&s, env->o, &p->flow, &p->target, 1, &what);
	if (rc < 0)
		return rt_error_errno(err, rc, what);
	rt_sock_mark_warning(stderr, env->prog, &s, p->flow.mark);
	rt_plan_ask(p, pe, &s);
	rt_sock_close(&s);
	return 0;
}

int rt_cmd_explain(const struct rt_cmd_env *env, struct rt_error *fatal)
{
	static struct rt_plan p;   /* static: large */
	struct rt_plan_env pe = { .o = env->o, .nl = env->nl, .nl_err = env->nl_err,
				  .uid = geteuid() };
	struct rt_verified v = { 0 }, *vp = NULL;
	const char *what = NULL;

	if (rt_plan_resolve(&p, &pe, env->o->dest, fatal) < 0 || ask(env, &pe, &p, fatal) < 0)
		return no_plan(env, &p, fatal);
	if (env->o->verify && !p.ex.route_err) {
		vp = &v;
		v.err = rt_verify_egress(env->o, &p.target, &p.flow, &v.eg, &what);
		/* A socket that cannot be had is an error, not an observation. */
		if (v.err && v.err != -ETIMEDOUT && v.err != -EOPNOTSUPP && what)
			return rt_error_errno(fatal, v.err, what), RT_EXIT_ERROR;
	}
	if (env->o->json)
		rt_explain_json(stdout, &p.ex, vp, p.target.name);
	else
		rt_explain_text(stdout, &p.ex, vp, p.target.name);
	if (p.ex.route_err)
		return RT_EXIT_ERROR;
	if (rt_explain_observed_differs(&p.ex, vp))
		return RT_EXIT_NOREPLY;
	/* On fallback there is one answer only: nothing to disagree with. */
	return p.ex.agree || p.ex.fallback ? RT_EXIT_OK : RT_EXIT_NOREPLY;
}
