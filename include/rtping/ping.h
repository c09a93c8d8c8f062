/*
 * Ping mode from start to end: the target list read (operands, then
 * --file), each target resolved, its flow built and its route explained
 * through one netlink socket, the engine run over all of them in one
 * loop, then one statistics block per target and, for several, the run's
 * totals. A target that cannot be pinged is reported on stderr and the
 * others still run. One target is a list of one.
 */
#ifndef RTPING_PING_H
#define RTPING_PING_H

#include <stdbool.h>
#include <stddef.h>

#include "rtping/nl.h"
#include "rtping/opts.h"
#include "rtping/output.h"

struct rt_ping_result {
	bool ran;                    /* the loop ran: summaries printed */
	const char *fatal;           /* ended early (iputils' words): exit 2 */
	struct rt_out_totals totals;
};

/*
 * Runs o's ping. nl may be NULL (nl_err says why). 0 with *r filled, or
 * -errno with the whole message (no program name) in err: bad input (a
 * malformed --file line, too many targets) or a failed set-up step.
 */
int rt_ping_run(const struct rt_opts *o, struct rt_nl *nl, int nl_err, const char *prog,
		struct rt_ping_result *r, char *err, size_t errlen);

#endif
