/*
 * Nexthop objects (RTM_GETNEXTHOP, Linux 5.3): a route that names one by
 * RTA_NH_ID spreads over several paths only when the object is a group.
 */
#ifndef RTPING_NEXTHOP_H
#define RTPING_NEXTHOP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <libmnl/libmnl.h>

#include "rtping/nl.h"

struct rt_nexthop {
	uint32_t id;
	bool group;              /* NHA_GROUP seen */
	size_t paths;            /* group members; 1 for a single nexthop */
};

/* Builds the request for one id in buf (RT_NL_BUFSZ); pure. */
struct nlmsghdr *rt_nexthop_request(void *buf, uint32_t id, uint32_t seq);

/* The mnl callback that fills a struct rt_nexthop from RTM_NEWNEXTHOP. */
int rt_nexthop_cb(const struct nlmsghdr *nlh, void *data);

/* Pure: parse a whole reply buffer. 0, -errno from the kernel, -EBADMSG, -ENODATA. */
int rt_nexthop_parse(const void *buf, size_t len, uint32_t seq, uint32_t portid,
		     struct rt_nexthop *out);

/* Asks the kernel about nexthop id. 0 or -errno (ENOENT: no such id). */
int rt_nexthop_get(struct rt_nl *nl, uint32_t id, struct rt_nexthop *out);

#endif
