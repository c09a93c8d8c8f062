/*
 * Replies to targets: by identifier and sequence, or by source address.
 * With many targets the address goes through a hash (open addressing), so
 * 10 000 targets cost a probe or two a reply, not a scan.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "rtping/demux.h"

#define EMPTY UINT32_MAX

/* Datagram: of the peers at this address, the one still waiting for seq. */
static bool waiting(const struct rt_peer *p, uint16_t seq)
{
	return rt_stats_in_window(p->st, seq) && !rt_stats_received(p->st, seq);
}

/* Raw: ids are usually base + index (one a target): try that slot first. */
static long by_id(const struct rt_peer *peers, size_t n, uint16_t id, uint16_t seq)
{
	size_t k = (uint16_t)(id - peers[0].id);
	long any = -1;

	if (k < n && peers[k].id == id && rt_stats_in_window(peers[k].st, seq))
		return (long)k;
	for (size_t i = 0; i < n; i++) {
		if (peers[i].id != id)
			continue;
		if (rt_stats_in_window(peers[i].st, seq))
			return (long)i;
		/* Not in any window: still the run's (shown, not counted). */
		if (any < 0)
			any = (long)i;
	}
	return any;
}

static uint32_t hash_addr(const struct rt_addr *a)
{
	size_t len = a->af == AF_INET ? 4 : 16;
	uint32_t h = 2166136261u ^ a->af;

	for (size_t i = 0; i < len; i++)
		h = (h ^ a->u.raw[i]) * 16777619u;
	return h;
}

int rt_demux_init(struct rt_demux *d, const struct rt_peer *peers, size_t n)
{
	size_t size = 16;

	memset(d, 0, sizeof(*d));
	while (size < 2 * n)
		size <<= 1;
	d->slot = malloc(size * sizeof(*d->slot));
	if (!d->slot)
		return -ENOMEM;
	memset(d->slot, 0xff, size * sizeof(*d->slot));
	d->mask = size - 1;
	d->peers = peers;
	d->n = n;
	for (size_t i = 0; i < n; i++) {
		size_t k;

		if (peers[i].addr.af == AF_UNSPEC)
			continue;
		k = hash_addr(&peers[i].addr) & d->mask;
		while (d->slot[k] != EMPTY)
			k = (k + 1) & d->mask;
		d->slot[k] = (uint32_t)i;
	}
	return 0;
}

void rt_demux_free(struct rt_demux *d)
{
	free(d->slot);
	memset(d, 0, sizeof(*d));
}

/* Every peer at addr lies on its probe sequence, in index order. */
static long find_addr(const struct rt_demux *d, uint16_t seq, const struct rt_addr *a,
		      bool any_seq)
{
	size_t k = hash_addr(a) & d->mask;
	long first = -1;

	for (; d->slot[k] != EMPTY; k = (k + 1) & d->mask) {
		const struct rt_peer *p = &d->peers[d->slot[k]];

		if (!rt_addr_equal(&p->addr, a))
			continue;
		if (any_seq || waiting(p, seq))
			return d->slot[k];
		if (first < 0 || d->slot[k] < (uint32_t)first)
			first = d->slot[k];
	}
	return first;
}

long rt_demux_find(const struct rt_demux *d, bool raw, uint16_t id, uint16_t seq,
		   const struct rt_addr *from)
{
	if (!d->n)
		return -1;
	if (raw)
		return by_id(d->peers, d->n, id, seq);
	return d->n == 1 ? 0 : find_addr(d, seq, from, false);
}

long rt_demux_error(const struct rt_demux *d, bool raw, uint16_t id, uint16_t seq,
		    const struct rt_addr *dst)
{
	if (!d->n)
		return -1;
	if (raw)
		return by_id(d->peers, d->n, id, seq);
	if (d->n == 1)
		return 0;
	return dst->af == AF_UNSPEC ? -1 : find_addr(d, seq, dst, false);
}
