/*
 * Ping mode's return-path diagnosis: the IPReversePathFilter counter read
 * when the run starts, and for each IPv4 target whose run ended with loss
 * the kernel asked, at summary time, whether its replies are taken.
 */
#ifndef RTPING_PING_RPATH_H
#define RTPING_PING_RPATH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rtping/rpath.h"

struct rt_targets;

struct rt_ping_rpath {
	struct rt_nl *nl;                /* NULL: netlink unavailable, nothing asked */
	const struct rt_targets *tl;
	bool have0;                      /* the counter was read at the start */
	uint64_t c0;
	struct rt_rpath_ifs up;          /* the IPv4 devices, dumped once for every target */
	int up_err;                      /* 1: not dumped yet; else 0 or -errno */
	int c1_err;                      /* 1: the counter not read at the end yet; else 0 or -errno */
	uint64_t c1;
	struct rt_rpath r;               /* the last target's answer */
};

/* Before the run: the counter's start (nl NULL: nothing will be asked). */
void rt_ping_rpath_begin(struct rt_ping_rpath *pr, struct rt_nl *nl, const struct rt_targets *tl);

/* rt_engine_rpath_fn: target i's return path when its run lost echoes, else NULL. */
const struct rt_rpath *rt_ping_rpath_of(void *arg, size_t i);

#endif
