/*
 * The next hop's neighbour entry (RTM_GETNEIGH): whether the gateway, or
 * an on-link target, has answered neighbour discovery (REACHABLE, STALE),
 * is being asked (INCOMPLETE), or did not answer (FAILED). Explain shows
 * it; a target whose echoes cannot leave names it.
 */
#ifndef RTPING_NEIGH_H
#define RTPING_NEIGH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <libmnl/libmnl.h>

#include "rtping/addr.h"
#include "rtping/nl.h"

struct rt_neigh {
	struct rt_addr addr;     /* the neighbour asked about */
	uint32_t ifindex;
	bool found;              /* the kernel has an entry */
	uint16_t state;          /* NUD_* of the entry */
};

/* Pure: the request for addr's entry on ifindex in buf (RT_NL_BUFSZ). */
struct nlmsghdr *rt_neigh_request(void *buf, const struct rt_addr *addr, uint32_t ifindex);

/* Pure: the mnl callback filling a struct rt_neigh from RTM_NEWNEIGH. */
int rt_neigh_cb(const struct nlmsghdr *nlh, void *data);

/* Pure: "REACHABLE", "STALE", ... as ip(8) names NUD_* states; several joined by '|'. */
const char *rt_neigh_state_name(uint16_t state, char *buf, size_t len);

/*
 * Pure: a whole reply buffer about addr. 0, -errno from the kernel,
 * -EBADMSG, -ENODATA (no entry for addr in it).
 */
int rt_neigh_parse(const void *buf, size_t len, uint32_t seq, uint32_t portid,
		   const struct rt_addr *addr, struct rt_neigh *out);

/* The entry says the neighbour is being resolved or failed to be. */
bool rt_neigh_unresolved(const struct rt_neigh *n);

/*
 * Asks the kernel for addr's entry on ifindex. 0 with out->found set, or
 * -errno (-ENOENT: none yet; out->found false).
 */
int rt_neigh_get(struct rt_nl *nl, const struct rt_addr *addr, uint32_t ifindex,
		 struct rt_neigh *out);

#endif
