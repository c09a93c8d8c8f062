/*
 * Plans asked ahead, for many destinations (the audit, a ping of many
 * targets): what rt_plan_ask() will ask for each plan of a window is asked
 * first, all together. The route queries go over a netlink socket of their
 * own, many to a sendmsg() (src/nlbatch.c), and the UDP-connect checks over
 * one reused socket; then each plan is asked as always and finds its
 * answers kept, sending nothing. A question not asked ahead (a nexthop
 * object, -C's connect() key, a retry without RTA_IP_PROTO, an answer the
 * kernel dropped twice over) is asked then, one at a time, as before: the
 * plans come out the same either way.
 */
#ifndef RTPING_AHEAD_H
#define RTPING_AHEAD_H

#include <stdbool.h>

#include "rtping/nl.h"
#include "rtping/nlbatch.h"
#include "rtping/plan.h"
#include "rtping/udpconnect.h"

/* Destinations a window holds: a few sendmsg()s of questions, a few KiB each. */
#define RT_AHEAD_WINDOW 64

struct rt_ahead {
	struct rt_plan_env *env;         /* whose socket the answers are read back on */
	struct rt_nl nl;                 /* the questions' own socket; nl.sk NULL: none */
	struct rt_nlb b;
	struct rt_udpc_sock probe;       /* env->probe while open */
};

/*
 * Opens the questions' socket (when env has netlink) with a receive buffer
 * of rcvbuf bytes (0: a large one), and makes a->probe env's UDP-connect
 * socket. 0 or -errno (nothing opened, env unchanged).
 */
int rt_ahead_open(struct rt_ahead *a, struct rt_plan_env *env, int rcvbuf);
/* env as it was: one question at a time, a UDP socket per check. */
void rt_ahead_close(struct rt_ahead *a);

/*
 * Queues what rt_plan_ask(p, env, sock) will ask, and makes p's
 * UDP-connect check now (the route query for the UDP flow needs its port).
 * 0 or -ENOMEM.
 */
int rt_ahead_plan(struct rt_ahead *a, const struct rt_plan *p, const struct rt_sock *sock);
/* Queues what rt_explain_requery(nl, ex) will ask (the route watch). 0 or -ENOMEM. */
int rt_ahead_requery(struct rt_ahead *a, const struct rt_explain *ex);
/*
 * Asks everything queued and keeps the answers, which env's socket then
 * gives back (and interface names are kept) until rt_ahead_next(). 0, or
 * -errno when the questions' socket failed (the plans then ask themselves).
 */
int rt_ahead_ask(struct rt_ahead *a);
/* Forgets the window's answers: the next window's are asked afresh. */
void rt_ahead_next(struct rt_ahead *a);

/*
 * A test hook, not an interface: RTPING_TEST_AHEAD=off in the environment
 * asks one question at a time (false), =BYTES sets the questions' receive
 * buffer (*rcvbuf; a tiny one makes the kernel drop answers). true, with
 * *rcvbuf 0, without it, and in a setuid or setcap run (secure_getenv()).
 */
bool rt_ahead_hook(int *rcvbuf);

#endif
