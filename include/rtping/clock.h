/* The two clocks, in nanoseconds: the one syscall every module shares. */
#ifndef RTPING_CLOCK_H
#define RTPING_CLOCK_H

#include <stdint.h>
#include <time.h>

static inline int64_t rt_clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

#endif
