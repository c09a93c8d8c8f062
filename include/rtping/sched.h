/*
 * When probes leave, for one target or many. Each target keeps its own
 * schedule by iputils' rules (-i, -l, -A, as one target's run): fixed
 * intervals run on an absolute schedule (probe k of a run with preload P
 * is due at the target's first send + max(0, k - P + 1) x interval), so
 * processing time never accumulates into drift; interval 0 (flood) and -A
 * follow iputils' pinger(): send when the preload window has room, and at
 * least every 10 ms. Across targets the one due earliest goes next, never
 * two sends closer than the global rate allows on average (--rate: an
 * absolute schedule, one token, no bursts to catch up after a stall), and
 * the first sends are spread evenly over one interval. A second queue
 * holds each target's wake time: its -w deadline or linger end, which
 * src/policy.c decides. No clock of its own: `now` comes in, so the tests
 * drive it with a fake clock. Memory: 48 bytes a target.
 */
#ifndef RTPING_SCHED_H
#define RTPING_SCHED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct rt_stats;

#define RT_RATE_DEFAULT 1000                   /* sends per second, all targets together */
#define RT_FLOOD_GAP_NS (10 * 1000 * 1000LL)   /* iputils' MIN_INTERVAL_MS */
#define RT_SCHED_NONE INT64_MAX                /* no wake time (the loop's RT_LOOP_IDLE) */

/*
 * Targets in order of a due time: a binary min-heap of target indices
 * (O(log n) a change, for 10 000 targets) and a one-token pacer.
 */
struct rt_sched_queue {
	int64_t gap_ns;          /* 1 s / rate */
	int64_t next_ns;         /* the pacer's earliest next send */
	uint32_t *heap;          /* target indices, earliest due first */
	size_t n;                /* targets still queued */
	int64_t *due;            /* per target */
	uint32_t *pos;           /* per target: its heap slot, UINT32_MAX when done */
	size_t ntargets;
};

/*
 * n targets (at most UINT32_MAX - 1), rate sends per second (0: no
 * pacing); target i is first due at now + i x interval / n. 0 or
 * -ENOMEM/-EINVAL.
 */
int rt_sched_queue_init(struct rt_sched_queue *q, size_t n, long rate, int64_t interval_ns,
			int64_t now);
void rt_sched_queue_free(struct rt_sched_queue *q);
/*
 * The target due at now: its index (call _sent() or _done() for it next),
 * or -1 with *wake the time to ask again (0 when no target is left).
 */
long rt_sched_queue_pick(const struct rt_sched_queue *q, int64_t now, int64_t *wake);
/* Target i sent at now (the pacer's token taken); it is next due at due. */
void rt_sched_queue_sent(struct rt_sched_queue *q, size_t i, int64_t now, int64_t due);
/* Target i is due at due, without a send. */
void rt_sched_queue_defer(struct rt_sched_queue *q, size_t i, int64_t due);
/* Target i leaves the queue. */
void rt_sched_queue_done(struct rt_sched_queue *q, size_t i);

/* iputils' timing options, the same for every target. */
struct rt_sched_cfg {
	int64_t interval_ns;       /* -i; 0 flood */
	long preload;              /* -l */
	bool adaptive;             /* -A */
	int64_t min_interval_ns;   /* -A floor: 2 ms for users, 0 for root */
	long rate;                 /* --rate: sends per second, all targets; 0 no limit */
	/* Group targets (rt_sched_set_group()): at most one send per this, all together. */
	int64_t group_gap_ns;
};

struct rt_sched {
	struct rt_sched_cfg cfg;
	size_t n;                      /* targets */
	int64_t start_ns;              /* the run's start: target 0's first send */
	int64_t *next_ns;              /* [i]: the fixed schedule's next send */
	int64_t *retry_ns;             /* [i]: a full send queue said not before this */
	struct rt_sched_queue send;    /* who sends next */
	struct rt_sched_queue wake;    /* whose deadline or linger ends next */
	/*
	 * Group targets (a user's broadcast and multicast) send from their
	 * own queue, whose pacer is the group gap, and take the send queue's
	 * token too. Allocated by the first rt_sched_set_group().
	 */
	struct rt_sched_queue group;
	uint8_t *in_group;             /* [i]: target i is in it */
};

/* n targets from now, each sending from rt_sched_first(). 0 or -ENOMEM/-EINVAL. */
int rt_sched_init(struct rt_sched *s, const struct rt_sched_cfg *c, size_t n, int64_t now);
/*
 * Target i sends to many hosts: it shares the group pacer (cfg.group_gap_ns;
 * nothing changes when 0). Before its first send. 0 or -ENOMEM.
 */
int rt_sched_set_group(struct rt_sched *s, size_t i);
void rt_sched_free(struct rt_sched *s);
/* Target i's first send: the start + i x interval / n (spread over one interval). */
int64_t rt_sched_first(const struct rt_sched *s, size_t i);
/* When target i's next probe may leave, given its statistics (<= now: at once). */
int64_t rt_sched_due(const struct rt_sched *s, size_t i, const struct rt_stats *st);
/* -A: iputils' update_interval(), the smoothed RTT rounded to milliseconds. */
int64_t rt_sched_adaptive_interval(const struct rt_sched *s, const struct rt_stats *st);
/* Target i sent at now (st already counts it). */
void rt_sched_sent(struct rt_sched *s, size_t i, const struct rt_stats *st, int64_t now);
/* Target i's send found the queue full at now: try again in 10 ms. */
void rt_sched_retry(struct rt_sched *s, size_t i, const struct rt_stats *st, int64_t now);
/*
 * Many targets: target i's echo was refused at now and counted as sent
 * (st counts it): its next waits one interval, and at least
 * RT_SCHED_BACKOFF_NS, so a flood to a target whose echoes cannot leave
 * does not fail a send each turn.
 */
#define RT_SCHED_BACKOFF_NS (100 * 1000 * 1000LL)
void rt_sched_backoff(struct rt_sched *s, size_t i, const struct rt_stats *st, int64_t now);
/*
 * Something happened to target i: it sends when due (no more when
 * !may_send) and wakes at wake (0 none).
 */
void rt_sched_plan(struct rt_sched *s, size_t i, const struct rt_stats *st, bool may_send,
		   int64_t wake);
/* Target i's run is over: it neither sends nor wakes. */
void rt_sched_done(struct rt_sched *s, size_t i);
/* The target to send for at now, or -1 with *wake as rt_sched_queue_pick(). */
long rt_sched_next_send(const struct rt_sched *s, int64_t now, int64_t *wake);
/* A target whose wake time came by now, or -1 with *wake as rt_sched_queue_pick(). */
long rt_sched_next_wake(const struct rt_sched *s, int64_t now, int64_t *wake);
/* Target i woke at now and goes on: no wake time until the next plan. */
void rt_sched_woke(struct rt_sched *s, size_t i, int64_t now);
/* The earliest time a send or a wake is due; 0 none. */
int64_t rt_sched_earliest(const struct rt_sched *s);

#endif
