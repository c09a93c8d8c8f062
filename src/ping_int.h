/*
 * The ping command's state, shared by its two files: src/ping.c (sockets,
 * privileges, the loop, summaries, exit status) and src/ping_plan.c (the
 * list and each target's plan). Private to them.
 */
#ifndef RTPING_PING_INT_H
#define RTPING_PING_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "rtping/explain.h"
#include "rtping/flow.h"
#include "rtping/live.h"
#include "rtping/ping_rpath.h"
#include "rtping/plan.h"
#include "rtping/resolve.h"
#include "rtping/targets.h"
#include "rtping/watch.h"

struct rt_engine;
struct rt_error;
struct rt_opts;
struct rt_sock;

struct ping {
	const struct rt_opts *o;
	const char *prog;
	struct rt_plan_env pe;
	struct rt_targets tl;
	struct rt_flow flow[2];          /* each family's first flow: its socket's */
	struct rt_dest first[2];
	bool have[2];
	struct rt_rules_cache rules;     /* one dump per family a second */
	struct rt_plan plan;             /* each target's in its turn */
	const struct rt_sock *sock[2];   /* each family's socket, once open */
	/*
	 * One target: its route as the watch re-asks it, a copy of the plan's
	 * answer that the re-queries update; the plan itself stays as asked.
	 * Many: each target's flow is rebuilt and asked (src/live.c).
	 */
	struct rt_explain live;
	struct rt_live lv;
	struct rt_engine *e;
	struct rt_watch *w;
	struct rt_watch_stats wst;
	bool src_gone;                   /* the bound source was deleted (said once) */
	struct rt_ping_rpath rp;         /* loss: the return path, asked at the summaries */
	struct rt_error *fatal;
};

/* Operands, then --file: all read (and checked) before anything is sent; -errno with p->fatal. */
int rt_ping_read_list(struct ping *p);
/* Some target's name needs the locale's charset (IDN): not for address literals alone. */
bool rt_ping_needs_locale(const struct ping *p);
/* Target i's plan without the kernel's answer: a target that fails is said and marked. */
void rt_ping_prepare(struct ping *p, size_t i);
/* The targets ready to run. */
size_t rt_ping_count_ready(const struct rt_targets *tl);
/* Every target's plan asked, in order (a window's questions together); p->e set first. */
void rt_ping_explain_all(struct ping *p, bool *bcast_warned);

#endif
