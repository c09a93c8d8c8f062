/*
 * Live route state: the route watch's re-queries, target by target, in
 * batches between the engine's sends (include/rtping/live.h). A change
 * that touches ten thousand targets costs a few hundred microseconds a
 * loop turn, never one long stall: the send schedule holds.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "rtping/ahead.h"
#include "rtping/clock.h"
#include "rtping/demux.h"
#include "rtping/engine.h"
#include "rtping/live.h"
#include "rtping/loop.h"
#include "rtping/plan.h"
#include "rtping/sock.h"
#include "rtping/targets.h"
#include "rtping/watch.h"

int rt_live_init(struct rt_live *l, struct rt_plan_env *pe, const struct rt_targets *tl,
		 const struct rt_sock *const sock[2], struct rt_engine *e, struct rt_explain *one)
{
	memset(l, 0, sizeof(*l));
	l->pe = pe;
	l->tl = tl;
	l->sock = sock;
	l->e = e;
	l->one = one;
	if (!one && !(l->scratch = malloc(sizeof(*l->scratch))))
		return -ENOMEM;
	return 0;
}

/*
 * The batches' questions socket, opened at the first pass: a run whose
 * routes never change pays nothing for it. Without it (the test hook, no
 * memory, no socket) each target is asked alone.
 */
static void open_ahead(struct rt_live *l)
{
	int rcvbuf;

	l->ahead_tried = true;
	if (l->one || l->tl->n < 2 || !l->pe->nl || !rt_ahead_hook(&rcvbuf) ||
	    !(l->ahead = malloc(sizeof(*l->ahead))))
		return;
	if (rt_ahead_open(l->ahead, l->pe, rcvbuf) < 0) {
		free(l->ahead);
		l->ahead = NULL;
	}
}

void rt_live_free(struct rt_live *l)
{
	if (l->ahead)
		rt_ahead_close(l->ahead);
	free(l->ahead);
	l->ahead = NULL;
	free(l->scratch);
	l->scratch = NULL;
}

void rt_live_changed(struct rt_live *l, unsigned causes)
{
	/* A change during a pass: the targets already asked are asked again after it. */
	if (l->busy) {
		l->again = true;
		l->again_causes |= causes;
		return;
	}
	l->busy = true;
	l->next = 0;
	l->causes = causes;
}

/* Target i's flow as planned, ready to be asked again; NULL: it cannot be. */
static struct rt_explain *flow_of(struct rt_live *l, size_t i)
{
	const struct rt_tgt *t = &l->tl->t[i];
	struct rt_dest d = { .fam = t->fam, .addr = l->tl->peers[i].addr, .scope = t->scope };
	struct rt_error err;

	if (l->one)
		return l->one;
	if (rt_plan_resolved(l->scratch, l->pe, &d, &err) < 0)
		return NULL;
	if (l->sock[t->fam->af == AF_INET6])
		rt_sock_flow_facts(l->sock[t->fam->af == AF_INET6], &l->scratch->flow);
	l->scratch->ex.flow = l->scratch->ex.echo = l->scratch->flow;
	return &l->scratch->ex;
}

/* Target i's route now: its flow as planned, asked again. false: not asked. */
static bool requery(struct rt_live *l, size_t i, struct rt_route_view *v)
{
	struct rt_explain *ex = flow_of(l, i);

	if (!ex)
		return false;
	rt_explain_requery(l->pe->nl, ex);
	rt_explain_route_view(ex, v);
	return true;
}

/* The route questions of the next batch of running targets, asked together. */
static void ask_ahead(struct rt_live *l, int batch)
{
	struct rt_explain *ex;

	for (size_t i = l->next; batch > 0 && i < l->tl->n; i++) {
		if (l->tl->t[i].state != RT_TGT_RUNNING)
			continue;
		batch--;
		if ((ex = flow_of(l, i)) && rt_ahead_requery(l->ahead, ex) < 0)
			break;   /* out of memory: the rest ask for themselves */
	}
	rt_ahead_ask(l->ahead);
}

int64_t rt_live_step(struct rt_live *l, int64_t now)
{
	int64_t stop = now + RT_LIVE_BATCH_NS;
	const char *cause = rt_watch_cause_name(l->causes);
	/* Sends first: while one is due, a single target a turn, so the pass still ends. */
	int batch = l->busy && rt_engine_send_due(l->e, now) ? 1 : RT_LIVE_BATCH;
	struct rt_route_view v;
	bool ahead;

	if (l->busy && !l->ahead_tried)
		open_ahead(l);
	ahead = l->ahead && l->busy && batch > 1;

	if (ahead)
		ask_ahead(l, batch);
	for (int k = 0; l->busy && k < batch; k++) {
		if (l->next >= l->tl->n) {
			l->busy = l->again;
			l->again = false;
			l->next = 0;
			l->causes = l->again_causes;
			l->again_causes = 0;
			cause = rt_watch_cause_name(l->causes);
			continue;
		}
		if (l->tl->t[l->next].state == RT_TGT_RUNNING && requery(l, l->next, &v))
			rt_engine_route(l->e, l->next, &v, cause);
		l->next++;
		if (rt_clock_ns(CLOCK_MONOTONIC) >= stop)
			break;
	}
	if (ahead)
		rt_ahead_next(l->ahead);
	return l->busy ? now : RT_LOOP_IDLE;
}
