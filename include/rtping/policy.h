/*
 * iputils' rules for a run, as pure functions of the options, the
 * statistics and `now` (CLOCK_MONOTONIC, ns): when a probe may leave, how
 * long to linger, when the run is over, what a failed send means, the
 * exit code. The tests drive them with a fake clock.
 */
#ifndef RTPING_POLICY_H
#define RTPING_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rtping/opts.h"
#include "rtping/stats.h"

#define RT_LINGER_DEFAULT_NS (10 * RT_NS_PER_SEC)   /* iputils' MAXWAIT */

/* The clock-driven part of a target's run: set after each send. */
struct rt_run {
	int64_t deadline_ns;     /* -w end; 0 none (or no echo sent yet) */
	int64_t exit_ns;         /* linger end after the last probe; 0 none */
};

/* Nothing sent yet: neither deadline nor linger. */
void rt_policy_start(struct rt_run *r);
/*
 * An echo counted as sent at now: the first starts -w. Each target's
 * deadline runs from its own first echo, so a target that --rate holds
 * back is never over before it was probed.
 */
void rt_policy_sent(struct rt_run *r, const struct rt_opts *o, int64_t now);
/* -c not reached yet (with -w, iputils keeps sending until enough replies came). */
bool rt_policy_may_send(const struct rt_opts *o, const struct rt_stats *st);
/*
 * Once -c probes left, the linger starts (iputils' __schedule_exit()).
 * Asked on every turn until it is set: with -W 0 a late reply still
 * starts it.
 */
void rt_policy_schedule_exit(struct rt_run *r, const struct rt_opts *o,
			     const struct rt_stats *st, int64_t now);
/*
 * How long to wait after the last probe: with a reply 2 x max RTT (at
 * least one interval), else -W (default 10 s). False for "for ever": -W 0
 * without a reply (iputils arms a zero timer, which never fires).
 */
bool rt_policy_linger(const struct rt_opts *o, const struct rt_stats *st, int64_t *wait);
/* The run is over: -c answered, -w passed (or an error with -w), linger ended. */
bool rt_policy_finished(const struct rt_run *r, const struct rt_opts *o,
			const struct rt_stats *st, int64_t now);
/* The earliest time finished() can change on its own; 0 none. */
int64_t rt_policy_wake(const struct rt_run *r);

enum rt_send_verdict {
	RT_SEND_RETRY,           /* queue full: not sent, try again shortly */
	/*
	 * Many targets share the socket and its buffer is full: the echo
	 * counts as sent and as an error, the target waits for its next
	 * interval, the others go on.
	 */
	RT_SEND_BLOCKED,
	RT_SEND_FATAL,           /* broadcast without -b: the run ends, exit 2 */
	RT_SEND_FAILED,          /* counts as sent; the error is reported */
};
/* What sendto() failing with err means (iputils' rules); shared: many targets on the socket. */
enum rt_send_verdict rt_policy_send_error(const struct rt_opts *o, const struct rt_stats *st,
					  int err, bool shared);
/* Window slots for one target (rt_window_size() from the options). */
size_t rt_policy_window(const struct rt_opts *o);
/*
 * iputils' answer to "did it answer?" for a run that ended normally: a
 * reply came, and with -w as many as -c asked for. The ping command turns
 * it into the exit status.
 */
bool rt_policy_answered(const struct rt_opts *o, const struct rt_stats *st);

#endif
