/*
 * The return path: would the kernel take a reply from the target on each
 * device (RTM_GETROUTE with RTA_IIF, what `ip route get SRC from TARGET
 * iif DEV` asks), the rp_filter mode that decides it, and how many packets
 * reverse-path filtering dropped (IPReversePathFilter, per namespace).
 * IPv6 has no rp_filter: nothing here is asked for it.
 */
#ifndef RTPING_RPATH_H
#define RTPING_RPATH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <net/if.h>
#include <libmnl/libmnl.h>

#include "rtping/addr.h"
#include "rtping/family.h"
#include "rtping/nl.h"

/* Devices asked about per destination; more are cut (and that is said). */
#define RT_RPATH_MAX 64

struct rt_rpath_dev {
	uint32_t ifindex;
	char dev[IF_NAMESIZE];
	int err;                 /* 0: a reply is accepted here; else the kernel's -errno */
	int rp_filter;           /* the effective mode, max(conf/all, conf/DEV); -1 unknown */
};

/* Up devices with an address in a family: the egress first. */
struct rt_rpath_ifs {
	int af;
	uint32_t idx[RT_RPATH_MAX];
	size_t n;
	bool cut;
};

struct rt_rpath {
	struct rt_rpath_dev d[RT_RPATH_MAX];
	size_t n;
	bool cut;                /* there were more devices than RT_RPATH_MAX */
	uint32_t egress;         /* the device the echoes leave by */
	char back[IF_NAMESIZE];  /* the device the route back to the target uses; "" unknown */
	bool have_drops;         /* the counter was read at both ends of the run */
	uint64_t drops;          /* its rise */
};

/*
 * Pure: the request for "a packet from target to src arriving on iif"
 * in buf (RT_NL_BUFSZ). iif 0: the route back instead, the lookup
 * rp_filter makes (__fib_validate_source(): to target from src, no
 * device, mark 0).
 */
struct nlmsghdr *rt_rpath_request(void *buf, const struct rt_family *f, uint32_t iif,
				  const struct rt_addr *target, const struct rt_addr *src);

/*
 * Pure: the mnl callback for an RTM_GETADDR dump: each address of ifs->af
 * adds its device once (past RT_RPATH_MAX, ifs->cut).
 */
int rt_rpath_addr_cb(const struct nlmsghdr *nlh, void *data);

/*
 * Pure: the value of key in the "TcpExt:" lines of /proc/net/netstat's
 * text. 0, or -ENOENT when absent, -EINVAL when malformed.
 */
int rt_rpath_netstat(const char *text, size_t len, const char *key, uint64_t *out);

/* Pure: the entry of ifindex in r, or NULL. */
const struct rt_rpath_dev *rt_rpath_find(const struct rt_rpath *r, uint32_t ifindex);

/*
 * Pure: the kernel refused d's reply as reverse-path filtering does
 * (EINVAL from fib_validate_source()), not for want of a device or route.
 */
bool rt_rpath_filtered(const struct rt_rpath_dev *d);

/*
 * Pure: worth a line: the counter rose, or reverse-path filtering refuses
 * the reply on the egress device itself (a symmetric reply is dropped).
 * Other devices that refuse are a multi-homed host's everyday state, not
 * news on their own.
 */
bool rt_rpath_news(const struct rt_rpath *r);

/* IPReversePathFilter now, from /proc/net/netstat. 0 or -errno. */
int rt_rpath_counter(uint64_t *out);

/* dev's effective rp_filter mode from sysctl; -errno when unreadable. */
int rt_rpath_rp_filter(const char *dev);

/* Would a reply from target to src arriving on iif be taken? 0 yes, or the kernel's -errno. */
int rt_rpath_ask(struct rt_nl *nl, const struct rt_family *f, uint32_t iif,
		 const struct rt_addr *target, const struct rt_addr *src);

/* The up devices of f with an address, loopback left out (a dump). 0 or -errno. */
int rt_rpath_dump(struct rt_nl *nl, const struct rt_family *f, struct rt_rpath_ifs *up);

/* Pure: the devices to ask: egress first, then up's others, at most RT_RPATH_MAX. */
void rt_rpath_order(const struct rt_rpath_ifs *up, uint32_t egress, struct rt_rpath_ifs *ifs);

/*
 * rt_rpath_dump() and rt_rpath_order(): egress first (loopback left out
 * unless it is the egress). 0 or -errno.
 */
int rt_rpath_devices(struct rt_nl *nl, const struct rt_family *f, uint32_t egress,
		     struct rt_rpath_ifs *ifs);

/*
 * The diagnosis for a reply from target to src: each device of ifs asked,
 * its rp_filter read (kept from out when out already lists the same
 * devices: many targets ask once), the route back named; egress: the
 * device the echoes leave by. IPv4 only: -EAFNOSUPPORT for IPv6. 0 or
 * -errno. out must be zeroed or a previous answer.
 */
int rt_rpath_diagnose(struct rt_nl *nl, const struct rt_family *f, const struct rt_rpath_ifs *ifs,
		      const struct rt_addr *target, const struct rt_addr *src, uint32_t egress,
		      struct rt_rpath *out);

#endif
