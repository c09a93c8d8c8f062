/*
 * The destination plan: one destination, from the options, to what the
 * kernel will do with its echo. Resolve, check against the options, build
 * the echo flow (include/rtping/flow.h), then ask the kernel and the
 * UDP-connect probe about that flow (include/rtping/explain.h). Explain
 * mode, the audit and every target of a ping run get their destination
 * from here and nowhere else; nothing here prints. Once asked, a plan is
 * read through const pointers only: live route state (the route watch's
 * re-queries) is a copy the ping command keeps apart.
 */
#ifndef RTPING_PLAN_H
#define RTPING_PLAN_H

#include <stdint.h>

#include "rtping/error.h"
#include "rtping/explain.h"
#include "rtping/resolve.h"

struct rt_opts;
struct rt_nl;
struct rt_sock;

/* What every plan of one run shares. */
struct rt_plan_env {
	const struct rt_opts *o;
	struct rt_nl *nl;                /* NULL: netlink unusable, nl_err says why */
	int nl_err;
	uint32_t uid;                    /* the socket's owner: fsuid at socket() time */
	struct rt_rules_cache *rules;    /* many plans: rules dumped once a second; NULL per plan */
	int mark_err;                    /* -m refused to this run (errno): flows unmarked */
	struct rt_udpc_sock *probe;      /* many plans: one UDP-connect socket; NULL per plan */
	bool brief;                      /* the audit's lines: rt_explain_ctx's brief */
};

struct rt_plan {
	struct rt_dest dest;           /* addr: where the echo goes (0.0.0.0 -> 127.0.0.1) */
	struct rt_flow flow;             /* the echo flow as the socket will send it */
	struct rt_explain ex;            /* both answers and their comparison, once asked */
};

/*
 * Resolves dest and plans it (rt_plan_resolved()). 0, or a negative code
 * with err filled (err->subject: the message is about dest itself, as
 * "unknown host" is). Nothing is asked of the kernel yet.
 */
int rt_plan_resolve(struct rt_plan *p, const struct rt_plan_env *env, const char *dest,
		    struct rt_error *err);
/* The same for a target already resolved: the option checks and the flow. */
int rt_plan_resolved(struct rt_plan *p, const struct rt_plan_env *env, const struct rt_dest *t,
		   struct rt_error *err);
/*
 * Asks the kernel and the UDP-connect probe about p's flow, as the socket
 * sock will send it (its refused mark, connect()'s port; NULL: no socket).
 * Returns 0 or the route error (-ENETUNREACH, -EACCES, ...), also in p->ex.
 */
int rt_plan_ask(struct rt_plan *p, const struct rt_plan_env *env, const struct rt_sock *sock);

#endif
