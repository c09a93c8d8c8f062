/*
 * The ping engine: one target's echo requests and what comes back, turned
 * into events for src/output.c. It owns no loop: main registers its fd
 * with src/loop.c, which calls rt_engine_io() with the socket's revents
 * and rt_engine_step() for the next deadline. It prints no error and picks
 * no exit code: main reads the result.
 */
#ifndef RTPING_ENGINE_H
#define RTPING_ENGINE_H

#include <stdbool.h>
#include <stdint.h>

#include "rtping/flow.h"
#include "rtping/observe.h"
#include "rtping/opts.h"
#include "rtping/route.h"
#include "rtping/sock.h"
#include "rtping/stats.h"
#include "rtping/output.h"
#include "rtping/target.h"

struct rt_engine;

/*
 * Opens and configures the ICMP socket (src/sock.c). 0, or -errno with
 * *what naming the failing step ("socket", "SO_BINDTODEVICE", ...).
 */
int rt_engine_open(struct rt_engine **e, const struct rt_opts *o,
		   const struct rt_target *t, const struct rt_flow *f, const char *prog,
		   const char **what);

/*
 * -B bind, the header (route: the route module's answer, shown with -v),
 * the clocks started. 0, or -errno with *what.
 */
int rt_engine_start(struct rt_engine *e, const struct rt_route_snap *route, const char **what);

/*
 * --json: the route object for the start event (the --explain-route JSON
 * object, one line without its newline). Not copied: it must outlive the run.
 */
void rt_engine_set_route_json(struct rt_engine *e, const char *json);

/*
 * The route query's prediction (v's json, the explain "netlink" object, is
 * taken over) and whether the route has several next hops. Before start.
 */
void rt_engine_set_prediction(struct rt_engine *e, struct rt_route_view *v, bool multipath);
/* A re-query after a route watch event (cause "route", "rule", ...); v taken over. */
void rt_engine_route(struct rt_engine *e, struct rt_route_view *v, const char *cause);
/* The run's printer, for what main adds: notices, the route watch's counts. */
struct rt_out *rt_engine_out(struct rt_engine *e);

int rt_engine_fd(const struct rt_engine *e);
/* The socket, as set up (its port, a refused SO_MARK, what it binds). */
const struct rt_sock *rt_engine_sock(const struct rt_engine *e);
/* The socket is readable or has an error queued. */
void rt_engine_io(struct rt_engine *e, short revents);
/*
 * Sends what is due and reads what may be queued. Returns when to run
 * again (absolute CLOCK_MONOTONIC ns; <= now at once), RT_LOOP_IDLE, or
 * RT_LOOP_STOP when the run is over.
 */
int64_t rt_engine_step(struct rt_engine *e, int64_t now);
/* SIGQUIT: the status line. */
void rt_engine_status(struct rt_engine *e);

struct rt_engine_result {
	const char *fatal;           /* ended early, iputils' words; exit 2 */
	const struct rt_stats *st;   /* valid until rt_engine_close() */
};
void rt_engine_result(const struct rt_engine *e, struct rt_engine_result *r);
/* The final statistics, through the printer. */
void rt_engine_summary(struct rt_engine *e);

void rt_engine_close(struct rt_engine *e);

#endif
