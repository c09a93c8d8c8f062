/*
 * Which target a reply or an error is for, so one socket can serve many.
 * Raw sockets see every echo reply and every ICMP error: the identifier
 * names the run and the target, the sequence the send (it must be in that
 * target's window), and an error must quote that target's address, as
 * another process may use the same identifier. Datagram sockets get only
 * their own (the kernel matched the identifier, one for all targets): the
 * echo's tag names the target (rt_icmp_put_tag()), else the reply's source
 * or the error's destination, with its link. No I/O: the tests build the
 * peers by hand.
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
	uint32_t scope;               /* its link, for an address that needs one; 0 any */
	uint16_t id;                  /* echo identifier its requests carry */
	bool any_source;              /* broadcast or multicast: any host may answer */
	const struct rt_stats *st;    /* its window of sends */
};

/* What came back, as far as it names a target. */
struct rt_demux_key {
	uint16_t id, seq;             /* the echo's; an error's: the echo it quotes */
	struct rt_addr addr;          /* a reply's source, an error's destination; AF_UNSPEC unknown */
	uint32_t scope;               /* addr's link (link-local, multicast); 0 unknown */
	const uint8_t *data;          /* the echo's data bytes as they came back; NULL none */
	size_t data_len;
};

/*
 * The peers, their addresses hashed once. Of targets that share an
 * address and a link, the first still waiting for that sequence, else the
 * first.
 */
struct rt_demux {
	const struct rt_peer *peers;
	size_t n;
	uint32_t *slot;              /* peer indices; UINT32_MAX empty */
	size_t mask;
	uint16_t base[2];            /* [IPv4, IPv6]: ids are usually base + index */
	bool tags;                   /* datagram echoes carry their target's index */
};
/* peers must outlive d and keep their addresses and ids. 0 or -ENOMEM. */
int rt_demux_init(struct rt_demux *d, const struct rt_peer *peers, size_t n);
void rt_demux_free(struct rt_demux *d);
/*
 * A reply's peer: its index, or -1 when the reply is none of theirs. With
 * a single target on a datagram socket every reply is its own (a reply
 * from another address is shown as such, as iputils does).
 */
long rt_demux_find(const struct rt_demux *d, bool raw, const struct rt_demux_key *k);
/*
 * An error's peer: raw by the quoted id, destination and a sequence sent
 * (with several targets); datagram (and local errors) by tag or
 * destination.
 */
long rt_demux_error(const struct rt_demux *d, bool raw, const struct rt_demux_key *k);

#endif
