/*
 * What the echoes did against what was said about them, for each target
 * of a run: transmit reports (src/egress.c keeps the counts and the rules)
 * and route re-queries come in; route-change events and divergence lines
 * go out to the owner's callback, which prints them. The engine feeds it
 * reports; ping mode feeds it the watch's re-queries, target by target.
 *
 * Each target's live route (the prediction the re-queries update) is an
 * index into the run's table of distinct routes: thousands of targets
 * behind one gateway share one entry, so live state stays a few bytes a
 * target, apart from the plan each target was asked with.
 */
#ifndef RTPING_OBSERVE_H
#define RTPING_OBSERVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rtping/egress.h"
#include "rtping/route.h"

/*
 * How long an unexplained egress change waits for the route watch to
 * explain it (the watch coalesces for 20 ms): a change netlink reports is
 * said once, by the watch, with its cause.
 */
#define RT_OBSERVE_GRACE_NS (100 * 1000 * 1000LL)

struct rt_event;
/* Where the observer's events go: the owner names target i in them and prints them. */
typedef void (*rt_observe_emit_fn)(void *arg, size_t i, struct rt_event *ev);

/* One target: its echoes, its live route, an egress change held for the watch. */
struct rt_observe_tgt {
	struct rt_egress_track eg;
	uint32_t route;          /* its current prediction: the run's routes[route] */
	bool multipath;          /* the route has several next hops: "multipath hash" */
	bool held;               /* an egress that is news, held until the watch had its chance */
	uint8_t held_kind;       /* enum rt_egress_verdict */
	uint8_t held_from, held_to;   /* egresses of the run's table; from 0: none */
	uint16_t held_seq;
	int64_t held_since;
};

/* A held change, in the order they were held (the grace is the same for all). */
struct rt_observe_hold {
	uint32_t i;
	int64_t since;
};

struct rt_observe {
	rt_observe_emit_fn emit;
	void *emit_arg;
	bool on;                 /* the sockets give transmit reports */
	struct rt_observe_tgt *t;
	size_t n;
	struct rt_egress_table egs;     /* the egresses seen or predicted in the run */
	struct rt_route_view *routes;   /* distinct routes, [0] unknown (known false) */
	size_t nroutes, routes_cap;
	struct rt_observe_hold *holds;  /* a ring: head .. head + nholds */
	size_t hold_head, nholds, holds_cap;
};

/*
 * n targets, every prediction unknown until rt_observe_predict(). on:
 * reports are given (window: each target's slots, keys: one target with
 * its socket to itself). Events go to emit(arg, i, ev). 0 or -ENOMEM.
 */
int rt_observe_init(struct rt_observe *ob, rt_observe_emit_fn emit, void *arg, bool on,
		    size_t n, size_t window, bool keys);
void rt_observe_free(struct rt_observe *ob);

/*
 * Target i's prediction, from its plan. multipath: the route has several
 * next hops, so an echo may leave by another. 0 or -ENOMEM.
 */
int rt_observe_predict(struct rt_observe *ob, size_t i, const struct rt_route_view *route,
		       bool multipath);

/* A transmit report about target i's echo, read at now. Names the device of a new egress. */
void rt_observe_report(struct rt_observe *ob, size_t i, const struct rt_txrep *r, int64_t now);

/*
 * A re-query of target i after the watch saw cause ("route", "rule",
 * ...): said when source, device, gateway, table or the error changed.
 * next_seq: the target's next echo.
 */
void rt_observe_route(struct rt_observe *ob, size_t i, const struct rt_route_view *route,
		      const char *cause, uint16_t next_seq, int64_t wall_us);

/* Says each held egress change once its grace is over; when to call again. */
int64_t rt_observe_step(struct rt_observe *ob, int64_t now, int64_t wall_us);

/* The egress target i's echo seq left by; NULL when unknown. */
const struct rt_egress *rt_observe_egress(const struct rt_observe *ob, size_t i, uint16_t seq);

/* Target i's echoes per egress into out (RT_EGRESS_MAX of them): how many egresses. */
size_t rt_observe_counts(const struct rt_observe *ob, size_t i, struct rt_egress_seen *out);

#endif
