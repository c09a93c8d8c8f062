/*
 * iputils' run rules (ping_common.c: pinger(), __schedule_exit(), main
 * loop exit conditions, exit status), with no syscalls and no clock of
 * their own.
 */
#include <errno.h>

#include "rtping/policy.h"
#include "rtping/sched.h"

void rt_policy_start(struct rt_run *r)
{
	r->exit_ns = 0;
	r->deadline_ns = 0;
}

void rt_policy_sent(struct rt_run *r, const struct rt_opts *o, int64_t now)
{
	/* iputils arms -w's timer just before its first echo. */
	if (o->deadline_s && !r->deadline_ns)
		r->deadline_ns = now + o->deadline_s * RT_NS_PER_SEC;
}

bool rt_policy_may_send(const struct rt_opts *o, const struct rt_stats *st)
{
	return !(o->count && (long long)st->ntransmitted >= o->count && !o->deadline_s);
}

bool rt_policy_linger(const struct rt_opts *o, const struct rt_stats *st, int64_t *wait)
{
	if (!st->nreceived) {
		*wait = o->timeout_set ? o->timeout_ns : RT_LINGER_DEFAULT_NS;
		return *wait > 0;
	}
	*wait = 2 * st->tmax * 1000;
	if (*wait < o->interval_ns)
		*wait = o->interval_ns;
	return true;
}

void rt_policy_schedule_exit(struct rt_run *r, const struct rt_opts *o,
			     const struct rt_stats *st, int64_t now)
{
	int64_t wait;

	if (rt_policy_may_send(o, st) || r->exit_ns)
		return;
	if (rt_policy_linger(o, st, &wait))
		r->exit_ns = now + wait;
}

bool rt_policy_finished(const struct rt_run *r, const struct rt_opts *o,
			const struct rt_stats *st, int64_t now)
{
	if (o->count && (long long)(st->nreceived + st->nerrors) >= o->count)
		return true;
	if (r->deadline_ns && (st->nerrors || now >= r->deadline_ns))
		return true;
	return r->exit_ns && now >= r->exit_ns;
}

int64_t rt_policy_wake(const struct rt_run *r)
{
	if (!r->exit_ns)
		return r->deadline_ns;
	if (!r->deadline_ns)
		return r->exit_ns;
	return r->exit_ns < r->deadline_ns ? r->exit_ns : r->deadline_ns;
}

enum rt_send_verdict rt_policy_send_error(const struct rt_opts *o, const struct rt_stats *st,
					  int err, bool shared)
{
	/*
	 * iputils retries a send the buffer refused. With many targets the
	 * retries of one whose echoes cannot leave would hold the buffer
	 * against the others: a hard local error instead, as iputils makes
	 * of ENOBUFS that outlasts the linger.
	 */
	if (err == EAGAIN || err == ENOBUFS || err == ENOMEM)
		return shared ? RT_SEND_BLOCKED : RT_SEND_RETRY;
	/*
	 * Broadcast without -b: the kernel says EACCES; iputils stops with
	 * this. Not with several targets: one target's route turned prohibit
	 * fails that target's sends, not the run.
	 */
	if (err == EACCES && !o->broadcast && !st->ntransmitted && !shared)
		return RT_SEND_FATAL;
	/* A hard error counts as sent, as in iputils: the summary shows the loss. */
	return RT_SEND_FAILED;
}

/*
 * Every send a reply may still count for: -c sends at most (without -w),
 * and otherwise what leaves while a reply is awaited (-W, at least
 * iputils' 10 s) at the rate unanswered probes can go: the interval, or
 * one per 10 ms when flooding or adaptive.
 */
size_t rt_policy_window(const struct rt_opts *o)
{
	int64_t gap = o->interval_ns && !o->adaptive ? o->interval_ns : RT_FLOOD_GAP_NS;
	int64_t wait = o->timeout_set && o->timeout_ns > RT_LINGER_DEFAULT_NS
		       ? o->timeout_ns : RT_LINGER_DEFAULT_NS;

	return rt_window_size(o->count, !o->deadline_s, o->preload, gap, wait);
}

bool rt_policy_answered(const struct rt_opts *o, const struct rt_stats *st)
{
	if (!st->nreceived)
		return false;
	return !o->deadline_s || (long long)st->nreceived >= o->count;
}
