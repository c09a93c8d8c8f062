/*
 * The engine's state, shared by its files: src/engine.c (set-up, the
 * step the loop calls), src/engine_start.c (the start), src/engine_tx.c
 * (sending), src/engine_rx.c (what comes back) and src/engine_run.c (a
 * target's rules asked again, below the others: calls run one way).
 * Private to them: the rest of rtping sees struct rt_engine only through
 * include/rtping/engine.h.
 */
#ifndef RTPING_ENGINE_INT_H
#define RTPING_ENGINE_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "rtping/clock.h"
#include "rtping/demux.h"
#include "rtping/engine.h"
#include "rtping/error.h"
#include "rtping/ingress.h"
#include "rtping/ipopt.h"
#include "rtping/names.h"
#include "rtping/nodeinfo.h"
#include "rtping/observe.h"
#include "rtping/output.h"
#include "rtping/rx.h"
#include "rtping/sock.h"
#include "rtping/sched.h"
#include "rtping/tx.h"

/*
 * Sends in a row before replies are read even though more sends are due:
 * a burst to many targets must not overflow the receive buffer. Above
 * preload bursts of one target at their usual size (iputils' -l 8 and so).
 */
#define RT_UNREAD_MAX 64

/* One family's socket, shared by all its targets. */
struct fsock {
	bool open;
	bool rx_maybe;              /* a reply may be queued: read before sleeping */
	unsigned unread;            /* sends since the last read */
	unsigned reports_unread;    /* reports asked for since the error queue was last read */
	unsigned msgsize_said;      /* EMSGSIZE sends said: their queued local errors are not */
	bool ni;                    /* -N to an IPv6 target: node information queries */
	bool tagged;                /* echoes name their target in their data (rt_icmp_put_tag()) */
	struct rt_sock sock;
	struct rt_rx *rx;
	struct rt_tx *tx;
	const struct rt_flow *flow;
};

struct rt_engine {
	const struct rt_opts *o;
	struct rt_targets *tl;
	struct fsock fs[2];         /* [0] IPv4, [1] IPv6 */
	struct sockaddr_storage dst;   /* the current send's destination (the tx reads it) */
	socklen_t dst_len;
	size_t dst_of;                 /* 1 + the target dst is for; 0 none yet */
	bool privileged;
	bool need_wall;             /* -D or JSON: events carry the wall clock */
	bool multi;                 /* more than one target: lines name theirs */
	struct rt_error fatal;      /* code set: ends the run with exit 2 (iputils' wording) */
	size_t nlive;               /* targets still running */
	size_t last_sent;           /* the target that sent last */
	struct rt_out out;          /* run-wide: set once, by rt_out_init() */
	struct rt_out_target *views;   /* [i]: target i as the printers name it */
	const struct rt_watch_stats *watch;   /* the route watch's counts; NULL none */
	struct rt_nl *nl;           /* asks about a stuck target's neighbour; NULL none */
	/* Addresses as text, lookups off the loop: [0] resolving, [1] numeric targets'. */
	struct rt_names *names[2];
	struct rt_ipopt_rr rr;      /* -R: the last route shown, for "(same route)" */
	struct rt_ipopt_rr *rrs;    /* -R, several targets: each one's (the views point here) */
	struct rt_sched sched;      /* who sends next, whose deadline or linger ends next */
	struct rt_demux dmx;
	struct rt_ingress ing;      /* replies' ingress devices, asymmetry said per target */
	rt_engine_rpath_fn rpath;   /* the summaries' return path, per target; NULL none */
	void *rpath_arg;
	/*
	 * Transmit reports: where each target's echoes left, against its
	 * prediction; its live route, which the watch's re-queries update.
	 */
	struct rt_observe ob;
	bool sample;                /* reports sampled per target (rt_egress_sample()) */
	bool eager;                 /* every event shows its egress: read reports at once */
	bool timing;                /* -s >= 16: echoes are timed (queries never, as iputils) */
	/* -N (one target: src/ping.c): the queries' nonces, by sequence. */
	struct rt_ni_nonces nonces;
};

static inline int rt_engine_fam(const struct rt_family *f)
{
	return f->af == AF_INET6;
}

/* An event's wall time: read only when -D or JSON prints it (flood cost). */
static inline int64_t rt_engine_wall(const struct rt_engine *e)
{
	return e->need_wall ? rt_clock_ns(CLOCK_REALTIME) / 1000 : 0;
}

/* engine_run.c: something happened to target i: iputils' rules asked again. */
void rt_engine_update(struct rt_engine *e, size_t i, int64_t now);
/*
 * engine_run.c: target i's echoes cannot leave (many targets): said once
 * on stderr, naming it; err the send's error, 0 a neighbour that does
 * not resolve (named: the route's gateway, else the target; for a send's
 * error too when RTM_GETNEIGH finds it incomplete or failed).
 */
void rt_engine_stuck(struct rt_engine *e, size_t i, int err);
/* engine_tx.c: target i's next probe, due at the loop's time at; the CLOCK_MONOTONIC time it left. */
int64_t rt_engine_send(struct rt_engine *e, size_t i, int64_t at);

/*
 * engine_rx.c: read what is queued on socket k (true: more may be
 * waiting), its error queue until empty, one error-queue entry (2 a
 * transmit report, 1 an error reported, 0 not ours, -errno when empty).
 */
bool rt_engine_drain(struct rt_engine *e, int k, short revents);
void rt_engine_drain_errq(struct rt_engine *e, int k);
int rt_engine_recv_err(struct rt_engine *e, int k);

#endif
