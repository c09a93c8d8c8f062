/*
 * Many targets' sends, in time. Each target keeps its own schedule (its
 * struct rt_sched: -i, -l, -A, as one target's run); this module decides
 * which target goes next: the one due earliest, never two sends closer
 * than the global rate allows on average (--rate: an absolute schedule, one
 * token, no bursts to catch up after a stall),
 * and the first sends spread evenly over one interval. Pure: `now` comes
 * in, so the tests drive it with a fake clock. Memory: 12 bytes a target.
 */
#ifndef RTPING_TSCHED_H
#define RTPING_TSCHED_H

#include <stddef.h>
#include <stdint.h>

#define RT_RATE_DEFAULT 1000          /* sends per second, all targets together */

struct rt_tsched {
	int64_t gap_ns;          /* 1 s / rate */
	int64_t next_ns;         /* the pacer's earliest next send */
	uint32_t *heap;          /* target indices, earliest due first */
	size_t n;                /* targets still scheduled */
	int64_t *due;            /* per target */
	uint32_t *pos;           /* per target: its heap slot, UINT32_MAX when done */
	size_t ntargets;
};

/*
 * n targets (at most UINT32_MAX - 1), rate sends per second (0: no
 * global limit, each target's own schedule only); target
 * i's first send is due at now + i x interval / n. 0 or -ENOMEM/-EINVAL.
 */
int rt_tsched_init(struct rt_tsched *s, size_t n, long rate, int64_t interval_ns,
		   int64_t now);
void rt_tsched_free(struct rt_tsched *s);

/*
 * The target to send for at now: its index (call rt_tsched_sent() or
 * _done() for it next), or -1 with *wake the time to ask again (0 when
 * no target is left).
 */
long rt_tsched_pick(struct rt_tsched *s, int64_t now, int64_t *wake);

/* Target i sent at now; its own schedule says it is next due at due. */
void rt_tsched_sent(struct rt_tsched *s, size_t i, int64_t now, int64_t due);

/* Target i is due at due, without a send (its window was full, say). */
void rt_tsched_defer(struct rt_tsched *s, size_t i, int64_t due);

/* Target i sends no more (its -c reached, or its run failed). */
void rt_tsched_done(struct rt_tsched *s, size_t i);

#endif
