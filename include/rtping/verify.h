/*
 * --explain-route --verify: one echo sent on a socket set up as the ping
 * engine's, and its transmit report read: the egress the kernel really
 * chose, beside the route query's prediction.
 */
#ifndef RTPING_VERIFY_H
#define RTPING_VERIFY_H

#include "rtping/egress.h"
#include "rtping/opts.h"
#include "rtping/resolve.h"

struct rt_error;
struct rt_sock;

/* How long to wait for the report (it comes when the echo reaches a device). */
#define RT_VERIFY_WAIT_MS 1000

/*
 * The echo sent to t on s, a socket rt_sock_open() opened for t and its
 * flow (opened apart, while capabilities are held: the send needs none).
 * 0 with *eg filled; -ETIMEDOUT when no report came (e.g. a neighbour that
 * never resolved), -EOPNOTSUPP when the kernel gives no reports, other
 * -errno with err naming the failing step.
 */
int rt_verify_egress(const struct rt_opts *o, const struct rt_dest *t,
		     const struct rt_sock *s, struct rt_egress *eg, struct rt_error *err);

#endif
