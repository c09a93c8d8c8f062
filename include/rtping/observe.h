/*
 * What the echoes did against what was said about them: transmit reports
 * (src/egress.c keeps the counts and the rules) and route re-queries come
 * in; route-change events and the one divergence line go out to the
 * owner's callback, which prints them. The engine feeds it; ping mode
 * feeds it the watch's re-queries.
 */
#ifndef RTPING_OBSERVE_H
#define RTPING_OBSERVE_H

#include <stdbool.h>
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
/* Where the observer's events go: the owner fills in their target and prints them. */
typedef void (*rt_observe_emit_fn)(void *arg, struct rt_event *ev);

struct rt_observe {
	rt_observe_emit_fn emit;
	void *emit_arg;
	bool on;                 /* the socket gives transmit reports */
	struct rt_egress_track eg;
	struct rt_route_view route;     /* the current prediction */
	const char *why;         /* what can make an echo leave otherwise: "multipath hash" */
	/* An egress that is news, held until the watch had its chance. */
	bool held;
	enum rt_egress_verdict held_kind;
	uint16_t held_seq;
	int held_from, held_to;
	int64_t held_since;
};

/*
 * route: the prediction. multipath: the route has several next hops, so
 * an echo may leave by another. Events go to emit(arg, ev). 0 or -ENOMEM.
 */
int rt_observe_init(struct rt_observe *ob, rt_observe_emit_fn emit, void *arg, bool on,
		    size_t window, const struct rt_route_view *route, bool multipath);
void rt_observe_free(struct rt_observe *ob);

/* A transmit report read at now. Names the device of a new egress (a syscall). */
void rt_observe_report(struct rt_observe *ob, const struct rt_txrep *r, int64_t now);

/*
 * A re-query after the watch saw cause ("route", "rule", ...): said when
 * source, device, gateway, table or the error changed. next_seq: the next
 * echo.
 */
void rt_observe_route(struct rt_observe *ob, const struct rt_route_view *route,
		      const char *cause, uint16_t next_seq, int64_t wall_us);

/* Says a held egress change once its grace is over; when to call again. */
int64_t rt_observe_step(struct rt_observe *ob, int64_t now, int64_t wall_us);

/* The egress echo seq left by; NULL when unknown. */
const struct rt_egress *rt_observe_egress(const struct rt_observe *ob, uint16_t seq);

#endif
