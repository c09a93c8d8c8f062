/*
 * Which target a reply is for, so one socket can serve many. Raw sockets
 * see every echo reply: the identifier names the run, the sequence the
 * send (it must be in that target's window). Datagram sockets get only
 * their own replies (the kernel matched the identifier): the source
 * address names the target. No I/O: the tests build the peers by hand.
 */
#ifndef RTPING_DEMUX_H
#define RTPING_DEMUX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rtping/addr.h"
#include "rtping/stats.h"

struct rt_peer {
	struct rt_addr addr;
	uint16_t id;                  /* echo identifier its requests carry */
	const struct rt_stats *st;    /* its window of sends */
};

/*
 * The peers, their addresses hashed once. Of targets that share an
 * address (datagram sockets cannot tell them apart by id), the first
 * still waiting for that sequence, else the first.
 */
struct rt_demux {
	const struct rt_peer *peers;
	size_t n;
	uint32_t *slot;              /* peer indices; UINT32_MAX empty */
	size_t mask;
};
/* peers must outlive d and keep their addresses. 0 or -ENOMEM. */
int rt_demux_init(struct rt_demux *d, const struct rt_peer *peers, size_t n);
void rt_demux_free(struct rt_demux *d);
/*
 * A reply's peer: its index, or -1 when the reply is none of theirs. With
 * a single target on a datagram socket every reply is its own (a reply
 * from another address is shown as such, as iputils does).
 */
long rt_demux_find(const struct rt_demux *d, bool raw, uint16_t id, uint16_t seq,
		   const struct rt_addr *from);
/* An error about our probe: raw by its quoted id, datagram by its destination. */
long rt_demux_error(const struct rt_demux *d, bool raw, uint16_t id, uint16_t seq,
		    const struct rt_addr *dst);

#endif
