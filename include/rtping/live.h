/*
 * Live route state for ping mode: after the route watch saw a burst end,
 * every running target's route is asked again, a batch at a time between
 * the engine's sends, and each answer goes to the engine, which says a
 * change once, naming the target. The plans stay as they were asked: a
 * re-query builds the target's flow afresh (src/plan.c) into scratch
 * space, or, for a run of one target, re-asks the live copy of its plan
 * (whose source -B, -e or -C pinned). For many targets a batch's route
 * questions go to the kernel together first (src/ahead.c), as the plans'
 * did before the first echo.
 */
#ifndef RTPING_LIVE_H
#define RTPING_LIVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct rt_ahead;
struct rt_engine;
struct rt_explain;
struct rt_plan;
struct rt_plan_env;
struct rt_sock;
struct rt_targets;

/*
 * Targets re-asked per loop turn at most (one while a send is due), and
 * the time a batch may take.
 */
#define RT_LIVE_BATCH 16
#define RT_LIVE_BATCH_NS (300 * 1000LL)

struct rt_live {
	struct rt_plan_env *pe;
	const struct rt_targets *tl;
	const struct rt_sock *const *sock;   /* [2]: each family's socket */
	struct rt_engine *e;
	struct rt_explain *one;   /* one target: its live plan; NULL for many */
	struct rt_plan *scratch;  /* many: where each target's flow is rebuilt */
	struct rt_ahead *ahead;   /* many: a batch's questions asked together; NULL: one by one */
	bool ahead_tried;         /* opened (or failed to) at the first pass */
	size_t next;              /* the next target of the pass in progress */
	bool busy, again;         /* a pass is in progress; another is due after it */
	unsigned causes, again_causes;   /* enum rt_watch_cause bits of each */
};

/*
 * one: the live plan of a one-target run, else NULL (scratch space is
 * allocated for many; their batches' questions socket opens at the first
 * pass). 0 or -ENOMEM.
 */
int rt_live_init(struct rt_live *l, struct rt_plan_env *pe, const struct rt_targets *tl,
		 const struct rt_sock *const sock[2], struct rt_engine *e, struct rt_explain *one);
void rt_live_free(struct rt_live *l);

/* The watch saw a burst end (causes: enum rt_watch_cause bits): a pass is due. */
void rt_live_changed(struct rt_live *l, unsigned causes);

/* Re-asks the next batch; returns now while a pass goes on, else RT_LOOP_IDLE. */
int64_t rt_live_step(struct rt_live *l, int64_t now);

#endif
