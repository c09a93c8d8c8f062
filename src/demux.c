/*
 * Replies and errors to targets: by identifier and sequence (raw), by the
 * echo's tag or by address and link (datagram). With many targets the
 * address goes through a hash (open addressing), so 10 000 targets cost a
 * probe or two a reply, not a scan.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "rtping/demux.h"
#include "rtping/icmp.h"

#define EMPTY UINT32_MAX

/* Datagram: of the peers at this address, the one still waiting for seq. */
static bool waiting(const struct rt_peer *p, uint16_t seq)
{
	return rt_stats_in_window(p->st, seq) && !rt_stats_received(p->st, seq);
}

/* fe80::1 on one link is not fe80::1 on another: both links known, they must agree. */
static bool at(const struct rt_peer *p, const struct rt_demux_key *k)
{
	return rt_addr_equal(&p->addr, &k->addr) &&
	       (!rt_addr_needs_scope(&p->addr) || !p->scope || !k->scope || p->scope == k->scope);
}

/* Raw: each family's socket has its own ids; an unknown family is any. */
static bool has_id(const struct rt_peer *p, const struct rt_demux_key *k)
{
	return p->id == k->id && p->addr.af != AF_UNSPEC &&
	       (k->addr.af == AF_UNSPEC || p->addr.af == k->addr.af);
}

/*
 * Raw: target i's id is its family's base + i, so one slot answers (a
 * scan of every target would let a flood of stray ids cost them all).
 * Out of every window: still the run's (shown, not counted).
 */
static long by_id(const struct rt_demux *d, const struct rt_demux_key *k)
{
	long any = -1;

	for (int f = 0; f < 2; f++) {
		size_t i = (uint16_t)(k->id - d->base[f]);

		if ((k->addr.af != AF_UNSPEC && f != (k->addr.af == AF_INET6)) || i >= d->n ||
		    !has_id(&d->peers[i], k))
			continue;
		if (rt_stats_in_window(d->peers[i].st, k->seq))
			return (long)i;
		if (any < 0)
			any = (long)i;
	}
	return any;
}

/*
 * Datagram: the target the echo's data names. An error's quoted
 * destination must be that target's (strict); a reply may come from
 * elsewhere (anycast, multicast) but not from another family.
 */
static long by_tag(const struct rt_demux *d, const struct rt_demux_key *k, bool strict)
{
	uint32_t i;

	if (!d->tags || !rt_icmp_get_tag(k->data, k->data_len, &i) || i >= d->n ||
	    d->peers[i].addr.af == AF_UNSPEC)
		return -1;
	if (k->addr.af != AF_UNSPEC && (strict ? !rt_addr_equal(&d->peers[i].addr, &k->addr)
					       : d->peers[i].addr.af != k->addr.af))
		return -1;
	return (long)i;
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
	for (size_t i = n; i-- > 0;)
		if (peers[i].addr.af != AF_UNSPEC)
			d->base[peers[i].addr.af == AF_INET6] = (uint16_t)(peers[i].id - i);
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
static long find_addr(const struct rt_demux *d, const struct rt_demux_key *k)
{
	size_t h = hash_addr(&k->addr) & d->mask;
	long first = -1;

	for (; d->slot[h] != EMPTY; h = (h + 1) & d->mask) {
		const struct rt_peer *p = &d->peers[d->slot[h]];

		if (!at(p, k))
			continue;
		if (waiting(p, k->seq))
			return d->slot[h];
		if (first < 0 || d->slot[h] < (uint32_t)first)
			first = d->slot[h];
	}
	return first;
}

/*
 * Datagram: one target is every reply's and error's; else the tag names
 * it, else the address and link (the tag strict for an error).
 */
static long by_tag_or_addr(const struct rt_demux *d, const struct rt_demux_key *k, bool strict)
{
	long i;

	if (d->n == 1)
		return 0;
	if ((i = by_tag(d, k, strict)) >= 0)
		return i;
	return k->addr.af == AF_UNSPEC ? -1 : find_addr(d, k);
}

long rt_demux_find(const struct rt_demux *d, bool raw, const struct rt_demux_key *k)
{
	long i;

	if (!d->n)
		return -1;
	if (raw) {
		/*
		 * Another process may use the id too (the run holds n of
		 * 65536): with several targets a reply from elsewhere than a
		 * unicast target (anycast) counts only when its echo names
		 * that target.
		 */
		i = by_id(d, k);
		if (i >= 0 && d->n > 1 && k->addr.af != AF_UNSPEC && !d->peers[i].any_source &&
		    !at(&d->peers[i], k) && by_tag(d, k, false) != i)
			return -1;
		return i;
	}
	return by_tag_or_addr(d, k, false);
}

long rt_demux_error(const struct rt_demux *d, bool raw, const struct rt_demux_key *k)
{
	long i;

	if (!d->n)
		return -1;
	if (raw) {
		/*
		 * Another process may use the id too (ids are 16 bits): the
		 * echo quoted must have gone to this target and, with several
		 * targets, have been sent by this run.
		 */
		i = by_id(d, k);
		if (i < 0 || (k->addr.af != AF_UNSPEC && !at(&d->peers[i], k)) ||
		    (d->n > 1 && !rt_stats_in_window(d->peers[i].st, k->seq)))
			return -1;
		return i;
	}
	return by_tag_or_addr(d, k, true);
}
