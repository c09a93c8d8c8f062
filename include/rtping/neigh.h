/*
 * One neighbour entry (RTM_GETNEIGH for an address on a device): whether
 * a next hop is resolved, so a target whose echoes cannot leave can name
 * the neighbour that holds them.
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
	bool found;
	uint16_t state;          /* NUD_* */
};

/* Builds the request for a on ifindex in buf (RT_NL_BUFSZ); pure. */
struct nlmsghdr *rt_neigh_request(void *buf, uint32_t ifindex, const struct rt_addr *a,
				  uint32_t seq);

/* The mnl callback that fills a struct rt_neigh from RTM_NEWNEIGH. */
int rt_neigh_cb(const struct nlmsghdr *nlh, void *data);

/* Pure: parse a whole reply buffer. 0, -errno from the kernel, -EBADMSG, -ENODATA. */
int rt_neigh_parse(const void *buf, size_t len, uint32_t seq, uint32_t portid,
		   struct rt_neigh *out);

/* Asks the kernel. 0 or -errno (ENOENT: no entry; EINVAL: a kernel before 5.0). */
int rt_neigh_get(struct rt_nl *nl, uint32_t ifindex, const struct rt_addr *a,
		 struct rt_neigh *out);

/* The state says the neighbour is being resolved or failed to be. */
bool rt_neigh_unresolved(const struct rt_neigh *n);

#endif
