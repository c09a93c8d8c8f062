/*
 * One target's run, asked again whenever something happened to it (a
 * send, a reply, an error, its wake time): iputils' rules (src/policy.c)
 * say whether it is over, and its schedule (src/sched.c) when it sends
 * and wakes next. Below the rest of the engine: it calls no engine file.
 */
#include "engine_int.h"
#include "rtping/targets.h"

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
