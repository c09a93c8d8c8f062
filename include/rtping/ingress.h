/*
 * Where replies come in: each reply's ingress device (pktinfo, src/rx.c)
 * named through a small cache, and whether a target's replies arrive on
 * another device than its echoes leave by, said once per target.
 */
#ifndef RTPING_INGRESS_H
#define RTPING_INGRESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <net/if.h>

/* Device names remembered; a run sees few ingress devices. */
#define RT_INGRESS_NAMES 8

struct rt_ingress {
	uint32_t ifindex[RT_INGRESS_NAMES];  /* 0: empty slot */
	char dev[RT_INGRESS_NAMES][IF_NAMESIZE];
	unsigned next;                       /* the slot the next miss takes */
	uint8_t *said;                       /* [i]: target i's asymmetry said */
	size_t n;
};

/* ntargets: the run's targets. 0 or -ENOMEM. */
int rt_ingress_init(struct rt_ingress *g, size_t ntargets);
void rt_ingress_free(struct rt_ingress *g);

/* ifindex's name, asked of the kernel once (a syscall on a miss); NULL for 0. */
const char *rt_ingress_name(struct rt_ingress *g, uint32_t ifindex);

/*
 * Pure: a reply that came in on in for an echo that left by out took
 * another path back: both known, neither loopback (a reply from this host
 * itself names the device of the address it was sent to, not lo).
 */
bool rt_ingress_differs(uint32_t in, uint32_t out);

/*
 * Pure: a reply of target i came in on in, its echo left by out (either 0
 * when unknown). True the first time they differ (rt_ingress_differs())
 * for that target: the asymmetry is news once.
 */
bool rt_ingress_news(struct rt_ingress *g, size_t i, uint32_t in, uint32_t out);

#endif
