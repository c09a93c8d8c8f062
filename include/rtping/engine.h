/*
 * The ping engine: the targets' echo requests and what comes back, turned
 * into events for src/output.c. One socket per family in use serves every
 * target of that family; replies go to their target through src/demux.c,
 * sends are paced by src/sched.c. One target is a list of one. It owns
 * no loop: main registers its fds with src/loop.c, which calls
 * rt_engine_io() with a socket's revents and rt_engine_step() for the next
 * deadline. It prints no error and picks no exit code: main reads the
 * targets' statistics.
 */
#ifndef RTPING_ENGINE_H
#define RTPING_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct rt_flow;
struct rt_opts;
struct rt_out;
struct rt_route_view;
struct rt_rpath;
struct rt_sock;
struct rt_dest;
struct rt_targets;
struct rt_watch_stats;
struct rt_nl;
struct rt_engine;
struct rt_error;

/* A family's socket is set up from its first target's flow (device, mark, tos). */
struct rt_engine_fam {
	const struct rt_flow *flow;      /* NULL: no target of this family */
	const struct rt_dest *t;
};

/*
 * Opens and configures one ICMP socket per family in use (src/sock.c):
 * fams[0] IPv4, fams[1] IPv6. The READY targets of tl are run. 0, or
 * -errno with err naming the failing step ("socket", "SO_BINDTODEVICE", ...).
 */
int rt_engine_open(struct rt_engine **e, const struct rt_opts *o, struct rt_targets *tl,
		   const struct rt_engine_fam fams[2], const char *prog, struct rt_error *err);

/*
 * -B bind, one header per target (its route, shown with -v), the clocks
 * started. 0, or -errno with err filled.
 */
int rt_engine_start(struct rt_engine *e, struct rt_error *err);

/* The sockets' fds (-1 for a family not in use). */
int rt_engine_fd(const struct rt_engine *e, int fam);
/* Socket fam as set up (its port, a refused SO_MARK, what it binds); NULL not in use. */
const struct rt_sock *rt_engine_sock(const struct rt_engine *e, int fam);
/* Socket fam (0 IPv4, 1 IPv6) is readable or has an error queued. */
void rt_engine_io(struct rt_engine *e, int fam, short revents);
/*
 * Target i's route query's prediction and whether the route has several
 * next hops (before rt_engine_start(); 0 or -ENOMEM); a re-query of target
 * i after a route watch event (cause "route", "rule", ...), said when its
 * route changed.
 */
int rt_engine_set_prediction(struct rt_engine *e, size_t i, const struct rt_route_view *v,
			     bool multipath);
void rt_engine_route(struct rt_engine *e, size_t i, const struct rt_route_view *v,
		     const char *cause);
/* One line for the user on stderr about the run's (one) target. */
void rt_engine_message(struct rt_engine *e, const char *text);
/* The route watch's counts for the summaries: w is read when they print; NULL none. */
void rt_engine_watch_counts(struct rt_engine *e, const struct rt_watch_stats *w);
/*
 * The netlink socket a target whose echoes cannot leave asks about its
 * neighbour with (once a target); NULL: not asked.
 */
void rt_engine_netlink(struct rt_engine *e, struct rt_nl *nl);
/*
 * The summaries ask fn(arg, i) for target i's return path (a run that
 * ended with loss); NULL from it: none. The answer is read before the
 * next call.
 */
typedef const struct rt_rpath *(*rt_engine_rpath_fn)(void *arg, size_t i);
void rt_engine_return_path(struct rt_engine *e, rt_engine_rpath_fn fn, void *arg);
/* The run's printer, for what the ping mode adds (the run's totals). */
const struct rt_out *rt_engine_out(const struct rt_engine *e);
/*
 * Sends what is due and reads what may be queued. Returns when to run
 * again (absolute CLOCK_MONOTONIC ns; <= now at once), RT_LOOP_IDLE, or
 * RT_LOOP_STOP when the run is over.
 */
int64_t rt_engine_step(struct rt_engine *e, int64_t now);
/* A probe is due at now: work that can wait (re-queries) should. */
bool rt_engine_send_due(const struct rt_engine *e, int64_t now);
/* SIGQUIT: the status line(s). */
void rt_engine_status(struct rt_engine *e);

/* Ended early (iputils' words; exit 2), else NULL. */
const struct rt_error *rt_engine_fatal(const struct rt_engine *e);
/*
 * The final statistics, one block per target in argument order (JSON: a
 * failed target's summary too, with its error). error: why the run ended
 * early, for the JSON summaries; NULL when it ended normally.
 */
void rt_engine_summary(struct rt_engine *e, const char *error);

void rt_engine_close(struct rt_engine *e);

#endif
