/*
 * The request the engine sends: an echo request, or with -N a node
 * information query to an IPv6 target (iputils sends echoes to IPv4 ones).
 * src/tx.c sends these bytes and the flow module reads its key from them,
 * so the route query describes what really leaves. Pure.
 */
#ifndef RTPING_PROBE_H
#define RTPING_PROBE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rtping/addr.h"
#include "rtping/family.h"
#include "rtping/nodeinfo.h"

struct rt_opts;

/* What every request of a run shares. */
struct rt_probe {
	const struct rt_family *fam;
	const struct rt_ni *ni;         /* -N query (IPv6 only); NULL: echo requests */
	struct rt_addr dst;             /* the target: a query's default subject */
	uint16_t id;                    /* echo identifier (raw sockets; datagram: the kernel's) */
	const uint8_t *pattern;         /* -p, pattern_len bytes; NULL for iputils' default */
	size_t pattern_len;
	size_t size;                    /* echo data bytes (-s) */
	bool tagged;                    /* echoes carry tag (rt_icmp_put_tag()): their target */
	uint32_t tag;
};

/* -N asked a query and the target is IPv6: node information, not echoes. */
bool rt_probe_is_ni(const struct rt_opts *o, const struct rt_family *fam);
/* The requests o sends to dst of family fam; id as above. */
void rt_probe_init(struct rt_probe *p, const struct rt_opts *o, const struct rt_family *fam,
		   const struct rt_addr *dst, uint16_t id);
/* The largest request p builds. */
size_t rt_probe_cap(const struct rt_probe *p);
/* The length of p's requests (every one of a run has the same). */
size_t rt_probe_len(const struct rt_probe *p);
/*
 * Request seq into buf (cap bytes); rnd: a query's nonce bytes after the
 * sequence (ignored for echoes). Its length, 0 when cap is too small.
 */
size_t rt_probe_build(const struct rt_probe *p, uint16_t seq, const uint8_t rnd[6],
		      uint8_t *buf, size_t cap);
/*
 * The same, into a buf that holds the previous request of p (prev_len its
 * length, 0: none): an echo differs from the one before only in its
 * identifier and sequence, so only those and the checksum are rewritten.
 * A query carries a fresh nonce and a tagged echo maybe another target's
 * tag: those are built whole.
 */
size_t rt_probe_next(const struct rt_probe *p, uint16_t seq, const uint8_t rnd[6],
		     uint8_t *buf, size_t cap, size_t prev_len);
/*
 * The flow key's destination port of that request: ICMP type << 8 | code,
 * read back from the bytes rt_probe_build() writes (kernel-flow.md).
 */
uint16_t rt_probe_dport(const struct rt_probe *p);

#endif
