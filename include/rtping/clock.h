/* The two clocks, in nanoseconds: the one syscall every module shares. */
#ifndef RTPING_CLOCK_H
#define RTPING_CLOCK_H

#include <stdint.h>
#include <time.h>

/*
 * A timespec in nanoseconds; 0 for one no clock of ours can hold (a
 * timestamp read from a control message is data, not trusted).
 */
static inline int64_t rt_timespec_ns(const struct timespec *ts)
{
	if (ts->tv_sec < 0 || ts->tv_sec > INT64_MAX / 1000000000LL - 1 ||
	    ts->tv_nsec < 0 || ts->tv_nsec >= 1000000000L)
		return 0;
	return (int64_t)ts->tv_sec * 1000000000LL + ts->tv_nsec;
}

static inline int64_t rt_clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return rt_timespec_ns(&ts);
}

#endif
