/*
 * The live route watch: its own rtnetlink socket joined to the multicast
 * groups of the family in use (routes, rules, addresses; links), bursts of
 * messages coalesced into one "something changed" with its causes. It owns
 * the socket and nothing else: main registers its fd with src/loop.c and
 * re-asks the route query when rt_watch_step() says so.
 */
#ifndef RTPING_WATCH_H
#define RTPING_WATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/netlink.h>

#include "rtping/addr.h"

enum rt_watch_cause {
	RT_WATCH_ROUTE = 1 << 0,
	RT_WATCH_RULE = 1 << 1,
	RT_WATCH_ADDRESS = 1 << 2,
	RT_WATCH_LINK = 1 << 3,
	RT_WATCH_RESYNC = 1 << 4,   /* messages were lost (ENOBUFS): ask afresh */
};

/* A burst is over after this long without a message ... */
#define RT_WATCH_QUIET_NS (20 * 1000 * 1000LL)
/* ... or this long after its first, so a storm is still followed. */
#define RT_WATCH_MAX_NS (200 * 1000 * 1000LL)

/* What the watch tells its owner. */
struct rt_watch_ops {
	/* The burst is over: re-query. causes: enum rt_watch_cause bits. */
	void (*changed)(void *arg, unsigned causes);
	/* The bound source was deleted (gone) or added again. */
	void (*bound)(void *arg, bool gone);
	void *arg;
};

struct rt_watch;

/*
 * Joins af's groups (AF_UNSPEC: both families', one socket for the run). rcvbuf: SO_RCVBUF in bytes (0: the kernel's default).
 * bound: the address the ICMP socket is bound to (NULL: none). 0 or -errno.
 */
int rt_watch_open(struct rt_watch **w, int af, int rcvbuf, const struct rt_addr *bound,
		  const struct rt_watch_ops *ops);
void rt_watch_close(struct rt_watch *w);
int rt_watch_fd(const struct rt_watch *w);
/* Reads what is queued (bounded per call). */
void rt_watch_io(struct rt_watch *w, short revents);
/* Reports a finished burst; returns when to run again (RT_LOOP_IDLE: nothing pending). */
int64_t rt_watch_step(struct rt_watch *w, int64_t now);

/* Messages handled and overruns seen, for the tests and -v. */
struct rt_watch_stats {
	uint64_t messages, overruns, requeries;
};
void rt_watch_stats(const struct rt_watch *w, struct rt_watch_stats *st);

/*
 * Pure: one multicast message. Returns its cause bits (0: not for us);
 * *bound_ev is -1 when it deletes the address bound, +1 when it adds it,
 * else 0.
 */
unsigned rt_watch_classify(const struct nlmsghdr *nlh, int af, const struct rt_addr *bound,
			   int *bound_ev);

/*
 * What one recv() of multicast said. The bound address's events, repeats
 * dropped, alternate: the first is bound_first_gone, each next the other.
 */
struct rt_watch_batch {
	unsigned causes;
	uint64_t messages;       /* handed to rt_watch_classify() */
	uint64_t bound_changes;
	bool bound_first_gone;
};

/*
 * Pure: a buffer of multicast messages (sequence and port 0) into *out.
 * 0, or -errno when the buffer is malformed (no message of it counted)
 * or holds an error, overrun or interrupted-dump message (those before
 * it counted; lost messages come as ENOBUFS from recv(), not as these).
 */
int rt_watch_parse(const void *buf, size_t len, int af, const struct rt_addr *bound,
		   struct rt_watch_batch *out);

/* "link", "address", "rule" or "route": the one a change is said to come from. */
const char *rt_watch_cause_name(unsigned causes);

#endif
