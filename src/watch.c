/*
 * The route watch: rtnetlink multicast in, "ask again" out. Nothing here
 * parses routes: any message of a watched kind may change the echo flow's
 * route (a rule can point anywhere), so each burst ends in one re-query by
 * the owner, never one per message. ENOBUFS means messages were dropped:
 * the next re-query resynchronises, and the watch goes on.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <libmnl/libmnl.h>

#include "rtping/clock.h"
#include "rtping/loop.h"
#include "rtping/nl.h"
#include "rtping/watch.h"

/* recv() calls per wake-up: a storm must not hold the loop from sending. */
#define WATCH_READS 256

struct rt_watch {
	struct mnl_socket *sk;
	int af;
	struct rt_addr bound;      /* AF_UNSPEC: nothing bound */
	struct rt_watch_ops ops;
	unsigned causes;           /* of the burst in progress */
	int64_t first_ns, last_ns; /* its first and latest message */
	struct rt_watch_stats st;
	/*
	 * One message per recv(), at most a few pages: malloc'ed, not cleared,
	 * so a run whose routing never changes never touches it.
	 */
	uint8_t *buf;
};

/* AF_UNSPEC: both families' groups, for a run with targets of each. */
static unsigned groups_of(int af)
{
	unsigned v4 = RTMGRP_IPV4_ROUTE | RTMGRP_IPV4_RULE | RTMGRP_IPV4_IFADDR | RTMGRP_LINK;
	/* RTNLGRP_IPV6_RULE has no RTMGRP_ constant: its bit is 1 << (group - 1). */
	unsigned v6 = RTMGRP_IPV6_ROUTE | (1u << (RTNLGRP_IPV6_RULE - 1)) | RTMGRP_IPV6_IFADDR |
		      RTMGRP_LINK;

	return af == AF_INET ? v4 : af == AF_INET6 ? v6 : v4 | v6;
}

int rt_watch_open(struct rt_watch **wp, int af, int rcvbuf, const struct rt_addr *bound,
		  const struct rt_watch_ops *ops)
{
	struct rt_watch *w = calloc(1, sizeof(*w));
	int rc = 0;

	*wp = NULL;
	if (!w)
		return -ENOMEM;
	w->af = af;
	w->ops = *ops;
	if (!(w->buf = malloc(RT_NL_BUFSZ))) {
		free(w);
		return -ENOMEM;
	}
	if (bound)
		w->bound = *bound;
	w->sk = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (!w->sk)
		rc = -errno;
	if (!rc && rcvbuf > 0 &&
	    setsockopt(mnl_socket_get_fd(w->sk), SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf)) < 0)
		rc = -errno;
	if (!rc && mnl_socket_bind(w->sk, groups_of(af), MNL_SOCKET_AUTOPID) < 0)
		rc = -errno;
	if (rc) {
		rt_watch_close(w);
		return rc;
	}
	*wp = w;
	return 0;
}

void rt_watch_close(struct rt_watch *w)
{
	if (!w)
		return;
	if (w->sk)
		mnl_socket_close(w->sk);
	free(w->buf);
	free(w);
}

int rt_watch_fd(const struct rt_watch *w)
{
	return mnl_socket_get_fd(w->sk);
}

static bool addr_is(const struct nlmsghdr *nlh, const struct rt_addr *a)
{
	const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *attr;

	mnl_attr_for_each(attr, nlh, sizeof(*ifa)) {
		uint16_t t = mnl_attr_get_type(attr);
		struct rt_addr x;

		/* An unknown family fails here (no length of 0 makes an address). */
		if ((t != IFA_LOCAL && t != IFA_ADDRESS) ||
		    rt_addr_from_bytes(&x, ifa->ifa_family, mnl_attr_get_payload(attr),
				       mnl_attr_get_payload_len(attr)) < 0)
			continue;
		if (rt_addr_equal(&x, a))
			return true;
	}
	return false;
}

unsigned rt_watch_classify(const struct nlmsghdr *nlh, int af, const struct rt_addr *bound,
			   int *bound_ev)
{
	*bound_ev = 0;
	switch (nlh->nlmsg_type) {
	case RTM_NEWLINK: case RTM_DELLINK:
		return RT_WATCH_LINK;
	case RTM_NEWRULE: case RTM_DELRULE:
		return RT_WATCH_RULE;
	case RTM_NEWROUTE: case RTM_DELROUTE:
		return RT_WATCH_ROUTE;
	case RTM_NEWADDR: case RTM_DELADDR:
		if (mnl_nlmsg_get_payload_len(nlh) < sizeof(struct ifaddrmsg))
			return 0;
		if (bound && (bound->af == af || af == AF_UNSPEC) && addr_is(nlh, bound))
			*bound_ev = nlh->nlmsg_type == RTM_DELADDR ? -1 : 1;
		return RT_WATCH_ADDRESS;
	case NLMSG_OVERRUN:
		return RT_WATCH_RESYNC;
	}
	return 0;
}

struct parse {
	int af;
	const struct rt_addr *bound;
	struct rt_watch_batch *out;
	int last_ev;
};

static int msg_cb(const struct nlmsghdr *nlh, void *data)
{
	struct parse *p = data;
	struct rt_watch_batch *b = p->out;
	int ev;

	b->causes |= rt_watch_classify(nlh, p->af, p->bound, &ev);
	b->messages++;
	if (ev && ev != p->last_ev) {
		if (!b->bound_changes++)
			b->bound_first_gone = ev < 0;
		p->last_ev = ev;
	}
	return MNL_CB_OK;
}

int rt_watch_parse(const void *buf, size_t len, int af, const struct rt_addr *bound,
		   struct rt_watch_batch *out)
{
	struct parse p = { af, bound, out, 0 };
	int rc;

	memset(out, 0, sizeof(*out));
	/* rt_nl_feed() checks the lengths first: libmnl's own walk trusts them. */
	rc = rt_nl_feed(buf, len, 0, 0, msg_cb, &p, NULL, 0);
	return rc < 0 ? rc : 0;
}

/* Multicast: sequence 0 and the kernel's port 0; a malformed buffer is skipped. */
static void watch_batch(struct rt_watch *w, size_t n)
{
	struct rt_watch_batch b;

	rt_watch_parse(w->buf, n, w->af, rt_addr_is_set(&w->bound) ? &w->bound : NULL, &b);
	w->causes |= b.causes;
	w->st.messages += b.messages;
	for (uint64_t i = 0; i < b.bound_changes && w->ops.bound; i++)
		w->ops.bound(w->ops.arg, i & 1 ? !b.bound_first_gone : b.bound_first_gone);
}

void rt_watch_io(struct rt_watch *w, short revents)
{
	unsigned before = w->causes;
	int64_t now = rt_clock_ns(CLOCK_MONOTONIC);

	for (int i = 0; i < WATCH_READS; i++) {
		ssize_t n = mnl_socket_recvfrom(w->sk, w->buf, RT_NL_BUFSZ);

		if (n < 0 && errno == ENOBUFS) {
			/* The kernel dropped messages: whatever they said, ask afresh. */
			w->st.overruns++;
			w->causes |= RT_WATCH_RESYNC;
			continue;
		}
		if (n <= 0)
			break;
		watch_batch(w, (size_t)n);
	}
	if (w->causes && !before)
		w->first_ns = now;
	if (w->causes)
		w->last_ns = now;
}

int64_t rt_watch_step(struct rt_watch *w, int64_t now)
{
	unsigned causes = w->causes;
	int64_t due;

	if (!causes)
		return RT_LOOP_IDLE;
	due = w->last_ns + RT_WATCH_QUIET_NS;
	if (due > w->first_ns + RT_WATCH_MAX_NS)
		due = w->first_ns + RT_WATCH_MAX_NS;
	if (now < due)
		return due;
	w->causes = 0;
	w->st.requeries++;
	w->ops.changed(w->ops.arg, causes);
	return RT_LOOP_IDLE;
}

void rt_watch_stats(const struct rt_watch *w, struct rt_watch_stats *st)
{
	*st = w->st;
}

const char *rt_watch_cause_name(unsigned causes)
{
	if (causes & RT_WATCH_LINK)
		return "link";
	if (causes & RT_WATCH_ADDRESS)
		return "address";
	if (causes & RT_WATCH_RULE)
		return "rule";
	return "route";
}
