/*
 * One target's run, asked again whenever something happened to it (a
 * send, a reply, an error, its wake time): iputils' rules (src/policy.c)
 * say whether it is over, and its schedule (src/sched.c) when it sends
 * and wakes next; and, once, that its echoes cannot leave. Below the
 * rest of the engine: it calls no engine file.
 */
#include <stdio.h>
#include <string.h>
#include <net/if.h>

#include "engine_int.h"
#include "rtping/neigh.h"
#include "rtping/targets.h"

/* Target i's next hop, when the kernel says it is unresolved (asked once a target). */
static bool neighbour_unresolved(const struct rt_engine *e, size_t i, const struct rt_addr *nh)
{
	const struct rt_tgt *t = &e->tl->t[i];
	struct rt_neigh n;

	return e->nl && t->ifindex && rt_neigh_get(e->nl, nh, t->ifindex, &n) == 0 &&
	       rt_neigh_unresolved(&n);
}

void rt_engine_stuck(struct rt_engine *e, size_t i, int err)
{
	struct rt_tgt *t = &e->tl->t[i];
	const struct rt_addr *nh = rt_addr_is_set(&t->gateway) ? &t->gateway
							      : &e->tl->peers[i].addr;
	struct rt_event ev = { .kind = RT_EV_MESSAGE, .tgt = &e->views[i] };
	char text[512], a[RT_ADDRSTRLEN];
	char dev[IF_NAMESIZE] = "";

	if (!e->multi || t->stuck_said)
		return;
	t->stuck_said = true;
	if (err && !neighbour_unresolved(e, i, nh)) {
		/* The printer leads the line with the target's name. */
		snprintf(text, sizeof(text), "echoes cannot leave: %s; counted as errors, "
			 "the other targets go on", strerror(err));
	} else {
		if (t->ifindex)
			if_indextoname(t->ifindex, dev);
		snprintf(text, sizeof(text), "echoes cannot leave: neighbour %s%s%s does not "
			 "resolve%s%s%s; counted as errors, the other targets go on",
			 rt_addr_str(nh, a, sizeof(a)), *dev ? " dev " : "", dev,
			 err ? " (" : "", err ? strerror(err) : "", err ? ")" : "");
	}
	ev.wall_us = rt_engine_wall(e);
	ev.text = text;
	rt_out_event(&e->out, &ev);
}

void rt_engine_update(struct rt_engine *e, size_t i, int64_t now)
{
	struct rt_tgt *t = &e->tl->t[i];
	const struct rt_stats *st = &e->tl->st[i];

	if (t->state != RT_TGT_RUNNING)
		return;
	rt_policy_schedule_exit(&t->run, e->o, st, now);
	if (rt_policy_finished(&t->run, e->o, st, now)) {
		t->state = RT_TGT_DONE;
		rt_sched_done(&e->sched, i);
		e->nlive--;
		return;
	}
	rt_sched_plan(&e->sched, i, st, rt_policy_may_send(e->o, st), rt_policy_wake(&t->run));
}
