/*
 * The engine's state, shared by its two halves: src/engine.c (set-up,
 * sending, the run) and src/engine_rx.c (what comes back). Private to
 * them: the rest of rtping sees struct rt_engine only through
 * include/rtping/engine.h.
 */
#ifndef RTPING_ENGINE_INT_H
#define RTPING_ENGINE_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "rtping/clock.h"
#include "rtping/engine.h"
#include "rtping/ipopt.h"
#include "rtping/names.h"
#include "rtping/nodeinfo.h"
#include "rtping/observe.h"
#include "rtping/output.h"
#include "rtping/policy.h"
#include "rtping/rx.h"
#include "rtping/sock.h"
#include "rtping/tx.h"

struct rt_engine {
	const struct rt_opts *o;
	const struct rt_target *t;
	const struct rt_flow *flow;
	const struct rt_family *fam;
	struct rt_sock sock;
	struct rt_rx *rx;
	struct rt_tx *tx;
	bool privileged;
	bool group;                 /* -b or a multicast target: many may answer */
	bool need_wall;             /* -D or JSON: events carry the wall clock */
	bool rx_maybe;              /* a reply may be queued: read before sleeping */
	const char *fatal;          /* ends the run with exit 2 (iputils' wording) */
	struct rt_out out;
	struct rt_sched sched;      /* when the next probe is due */
	struct rt_run run;          /* -w and linger deadlines */
	int64_t retry_ns;           /* a full send queue: not before this */
	struct rt_names *names;     /* addresses as text, lookups off the loop */
	struct rt_ipopt_rr rr;      /* -R: the last route shown, for "(same route)" */
	struct rt_stats st;
	/* Transmit reports: where each echo left, against the prediction. */
	struct rt_observe ob;
	struct rt_route_view route; /* the prediction, until rt_engine_start() */
	bool multipath;
	bool eager;                 /* every event shows its egress: read reports at once */
	unsigned unread;            /* reports asked for since the error queue was last read */
	bool ni;                    /* -N to an IPv6 target: node information queries */
	struct rt_ni_nonces nonces; /* the queries' nonces, by sequence */
};

/* An event's wall time: read only when -D or JSON prints it (flood cost). */
static inline int64_t rt_engine_wall(const struct rt_engine *e)
{
	return e->need_wall ? rt_clock_ns(CLOCK_REALTIME) / 1000 : 0;
}

/* engine.c: when the next probe may leave. */
int64_t rt_engine_due(const struct rt_engine *e);

/*
 * engine_rx.c: read what is queued (true: more may be waiting), the error
 * queue until empty, one error-queue entry (2 a transmit report, 1 an
 * error reported, 0 not ours, -errno when empty).
 */
bool rt_engine_drain(struct rt_engine *e, short revents);
void rt_engine_drain_errq(struct rt_engine *e);
int rt_engine_recv_err(struct rt_engine *e);

#endif
