/*
 * The destination plan (include/rtping/plan.h): the one place a
 * destination becomes a flow and the kernel's answer for it.
 */
#include <errno.h>
#include <netdb.h>
#include <string.h>

#include "rtping/flow.h"
#include "rtping/opts.h"
#include "rtping/plan.h"
#include "rtping/sock.h"

static int about_dest(struct rt_error *err, int code, const char *why)
{
	rt_error_set(err, code, "%s", why);
	err->subject = true;
	return code;
}

int rt_plan_resolved(struct rt_plan *p, const struct rt_plan_env *env, const struct rt_dest *t,
		   struct rt_error *err)
{
	const struct rt_opts *o = env->o;
	int rc;

	memset(&p->ex, 0, sizeof(p->ex));
	p->dest = *t;
	rc = rt_opts_check_family(o, t->fam, &t->addr, err);
	if (rc < 0)
		return rc;
	rc = rt_flow_build(&p->flow, o, t, env->uid);
	if (rc == -EDESTADDRREQ)
		return about_dest(err, rc, "link-local destination needs an interface "
				  "(-I IFACE or ADDRESS%IFACE)");
	if (rc < 0)
		return rt_error_set(err, rc, "SO_BINDTODEVICE %s: %s", o->iface, strerror(-rc));
	if (env->mark_err) {
		p->flow.has_mark = false;   /* as the refusing socket sends (iputils) */
		p->flow.mark = 0;
	}
	/* The echo goes where the flow does (0.0.0.0 -> 127.0.0.1). */
	p->dest.addr = p->flow.dst;
	return 0;
}

int rt_plan_resolve(struct rt_plan *p, const struct rt_plan_env *env, const char *dest,
		    struct rt_error *err)
{
	struct rt_dest t;
	int gai = rt_dest_resolve(&t, dest, env->o->af);

	memset(p, 0, sizeof(*p));
	if (gai)
		return about_dest(err, -EINVAL, gai_strerror(gai));
	return rt_plan_resolved(p, env, &t, err);
}

int rt_plan_ask(struct rt_plan *p, const struct rt_plan_env *env, const struct rt_sock *sock)
{
	struct rt_explain_ctx c = { env->nl, env->nl_err, env->rules, env->probe, env->brief };

	if (sock)
		rt_sock_flow_facts(sock, &p->flow);
	return rt_explain_run(&c, &p->flow, &p->ex);
}
