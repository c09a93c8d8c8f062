/*
 * Plans asked ahead (include/rtping/ahead.h). The questions queued here
 * are the ones src/explain.c asks first for a flow: the echo flow's route,
 * the matched entry (unless brief), and the UDP flow's route once the
 * UDP-connect check gave its port. Should they drift apart, a question
 * queued here goes unused and one not queued is asked when the plan is:
 * slower, never wrong.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "rtping/ahead.h"
#include "rtping/route.h"
#include "rtping/sock.h"

/*
 * Requests a sendmsg(), and the receive buffer asked for their answers:
 * the kernel allocates a route reply at NLMSG_GOODSIZE (a page and more,
 * inet_rtm_getroute()), so 64 of them fit the buffer most hosts grant
 * (twice net.core.rmem_max). Where less is granted, the overruns halve
 * the chunks (src/nlbatch.c).
 */
#define PER_SEND 64
#define RCVBUF_WANTED (1 << 20)

int rt_ahead_open(struct rt_ahead *a, struct rt_plan_env *env, int rcvbuf)
{
	int rc;

	memset(a, 0, sizeof(*a));
	a->env = env;
	rt_udpc_sock_init(&a->probe);
	if (env->nl) {
		if ((rc = rt_nl_open(&a->nl)) < 0)
			return rc;
		rc = rt_nl_rcvbuf(&a->nl, rcvbuf ? rcvbuf : RCVBUF_WANTED);
		if (rc < 0) {
			rt_nl_close(&a->nl);
			return rc;
		}
	}
	rt_nlb_init(&a->b, a->nl.portid, PER_SEND);
	/* A window's worth: three questions a plan, a few hundred bytes an answer. */
	if ((a->nl.sk && rt_nlb_reserve(&a->b, 3 * RT_AHEAD_WINDOW,
					3 * RT_AHEAD_WINDOW * 320) < 0) ||
	    rt_udpc_reserve(&a->probe, RT_AHEAD_WINDOW) < 0) {
		rt_nlb_free(&a->b);
		rt_udpc_sock_close(&a->probe);
		rt_nl_close(&a->nl);
		return -ENOMEM;
	}
	env->probe = &a->probe;
	return 0;
}

void rt_ahead_close(struct rt_ahead *a)
{
	rt_ahead_next(a);
	a->env->probe = NULL;
	rt_udpc_sock_close(&a->probe);
	rt_nlb_free(&a->b);
	rt_nl_close(&a->nl);
}

static int queue(struct rt_ahead *a, const struct rt_flow *f, unsigned flags)
{
	char buf[RT_NL_BUFSZ] __attribute__((aligned(4)));

	if (!a->nl.sk)
		return 0;
	return rt_nlb_add(&a->b, rt_route_request(buf, f, 0, flags));
}

/* explain's ask_netlink(): -C asks connect()'s key first, with a source not known yet. */
static int queue_route(struct rt_ahead *a, const struct rt_flow *echo, bool brief)
{
	int rc;

	if (echo->connected)
		return 0;
	rc = queue(a, echo, 0);
	if (!rc && !brief)
		rc = queue(a, echo, RT_Q_FIB_MATCH);
	return rc;
}

static int queue_udp(struct rt_ahead *a, const struct rt_flow *f, const struct rt_udpc *u)
{
	struct rt_flow udp;

	rt_udpc_flow(f, u, &udp);
	return queue(a, &udp, 0);
}

int rt_ahead_plan(struct rt_ahead *a, const struct rt_plan *p, const struct rt_sock *sock)
{
	struct rt_flow f = p->flow;
	struct rt_udpc u;
	int err, rc;

	if (sock)
		rt_sock_flow_facts(sock, &f);   /* as rt_plan_ask() will */
	rc = queue_route(a, &f, a->env->brief);
	if (!rc)
		rc = rt_udpc_ahead(&a->probe, &f, &u, &err);
	/* Brief: the UDP flow's route once the echo's says the two differ (rt_ahead_ask). */
	if (!rc && !err && !a->env->brief)
		rc = queue_udp(a, &f, &u);
	return rc;
}

/*
 * Brief: will explain find the check and the echo's route apart (and ask
 * the UDP flow's route)? As rt_explain_run() decides, from the answer
 * kept for the echo flow; no answer kept: not known here, no.
 */
static bool differs(struct rt_ahead *a, const struct rt_udpc_kept *k)
{
	char buf[RT_NL_BUFSZ] __attribute__((aligned(4)));
	const struct rt_addr *src = &k->f.src;
	struct rt_route r;
	const void *ans;
	size_t len;
	uint32_t seq;

	if (k->err || k->f.connected ||
	    !rt_nlb_answer(&a->b, rt_route_request(buf, &k->f, 0, 0), &ans, &len, &seq) ||
	    rt_route_parse(ans, len, seq, a->b.portid, &r) < 0)
		return false;
	if (!rt_addr_is_set(src))
		src = &r.prefsrc;
	return !rt_addr_equal(src, &k->u.src);
}

int rt_ahead_requery(struct rt_ahead *a, const struct rt_explain *ex)
{
	return ex->fallback ? 0 : queue_route(a, &ex->echo, false);
}

int rt_ahead_ask(struct rt_ahead *a)
{
	struct rt_nl *nl = a->env->nl;
	int rc;

	if (!a->nl.sk || !a->b.n)
		return 0;
	rc = rt_nlb_ask(&a->b, &a->nl);
	if (rc == 0 && a->env->brief) {
		size_t n = a->b.n;

		for (size_t i = 0; i < a->probe.nkept && rc == 0; i++)
			if (differs(a, &a->probe.kept[i]))
				rc = queue_udp(a, &a->probe.kept[i].f, &a->probe.kept[i].u);
		if (rc == 0 && a->b.n > n)
			rc = rt_nlb_ask(&a->b, &a->nl);
	}
	nl->ahead = &a->b;
	rt_nl_ifname_keep(nl, true);
	return rc;
}

void rt_ahead_next(struct rt_ahead *a)
{
	if (a->env->nl) {
		a->env->nl->ahead = NULL;
		rt_nl_ifname_keep(a->env->nl, false);
	}
	rt_nlb_clear(&a->b);
	rt_udpc_forget(&a->probe);
}

bool rt_ahead_hook(int *rcvbuf)
{
	/* Not for a setuid or setcap install: the caller's environment is not ours. */
	const char *v = secure_getenv("RTPING_TEST_AHEAD");
	char *end;
	long n;

	*rcvbuf = 0;
	if (!v)
		return true;
	if (!strcmp(v, "off"))
		return false;
	n = strtol(v, &end, 10);
	if (*end || n < 1 || n > INT_MAX)
		return true;
	*rcvbuf = (int)n;
	return true;
}
