/*
 * Statistics with iputils' arithmetic (microsecond integers, its mdev
 * formula and rounding), but RTTs from our own send-time table: the reply
 * payload is never trusted (CVE-2025-47268, CVE-2025-48964). No syscalls.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rtping/stats.h"

size_t rt_window_size(long long count, bool count_stops, long preload, int64_t gap_ns,
		      int64_t wait_ns)
{
	long long need = (long long)(preload < 1 ? 1 : preload) + 1;
	size_t n = 1;

	need += gap_ns > 0 ? wait_ns / gap_ns : RT_WINDOW_MAX;
	if (count && count_stops && count < need)
		need = count;
	while (n < (size_t)need && n < RT_WINDOW_MAX)
		n <<= 1;
	return n;
}

int rt_stats_init(struct rt_stats *st, int64_t now, size_t window)
{
	memset(st, 0, sizeof(*st));
	if (window < 1 || window > RT_WINDOW_MAX || (window & (window - 1)))
		return -EINVAL;
	st->win = calloc(window, sizeof(*st->win));
	if (!st->win)
		return -ENOMEM;
	st->win_mask = (uint32_t)window - 1;
	st->tmin = LLONG_MAX;
	st->pipesize = -1;
	st->start_ns = now;
	st->last_send_ns = now;
	return 0;
}

void rt_stats_free(struct rt_stats *st)
{
	free(st->win);
	st->win = NULL;
}

size_t rt_stats_footprint(const struct rt_stats *st)
{
	return sizeof(*st) + ((size_t)st->win_mask + 1) * sizeof(*st->win);
}

uint16_t rt_stats_next_seq(const struct rt_stats *st)
{
	return (uint16_t)(st->ntransmitted + 1);
}

/* The window's record of seq's latest send; NULL when it left the window. */
static struct rt_sent *slot(const struct rt_stats *st, uint16_t seq)
{
	struct rt_sent *s = &st->win[seq & st->win_mask];

	return s->used && s->seq == seq ? s : NULL;
}

bool rt_stats_in_window(const struct rt_stats *st, uint16_t seq)
{
	return slot(st, seq) != NULL;
}

bool rt_stats_received(const struct rt_stats *st, uint16_t seq)
{
	const struct rt_sent *s = slot(st, seq);

	return s && s->rcvd;
}

void rt_stats_sent(struct rt_stats *st, uint16_t seq, int64_t now)
{
	/* A reused sequence (after a wrap) starts over: not a duplicate. */
	st->win[seq & st->win_mask] = (struct rt_sent){ .ns = now, .seq = seq, .used = true };
	/* "time Nms" runs from the first echo (--rate may hold a target back). */
	if (!st->ntransmitted)
		st->start_ns = now;
	st->ntransmitted++;
	st->last_send_ns = now;
	/* Invalidate "acked" when the 16-bit window has moved past it. */
	if ((uint16_t)((uint16_t)st->ntransmitted - st->acked) > 0x7FFF)
		st->acked = (uint16_t)(st->ntransmitted + 1);
}

long rt_stats_in_flight(const struct rt_stats *st)
{
	uint16_t diff = (uint16_t)((uint16_t)st->ntransmitted - st->acked);

	if (diff <= 0x7FFF)
		return diff;
	return (long)(st->ntransmitted - st->nreceived - st->nerrors);
}

/* Only sequences inside the current half-window count (wrap-safe). */
static bool in_half_window(const struct rt_stats *st, uint16_t seq)
{
	return (uint16_t)((uint16_t)st->ntransmitted - seq) <= 0x7FFF;
}

void rt_stats_settle(struct rt_stats *st, uint16_t seq)
{
	if (!in_half_window(st, seq))
		return;
	if ((int16_t)(seq - st->acked) > 0 ||
	    (uint16_t)((uint16_t)st->ntransmitted - st->acked) > 0x7FFF)
		st->acked = seq;
}

void rt_stats_ack(struct rt_stats *st, uint16_t seq)
{
	uint16_t diff = (uint16_t)((uint16_t)st->ntransmitted - seq);

	if (!in_half_window(st, seq))
		return;
	if ((int)diff + 1 > st->pipesize)
		st->pipesize = (int)diff + 1;
	rt_stats_settle(st, seq);
}

int64_t rt_stats_arrival(const struct rt_stats *st, uint16_t seq, int64_t stamp_ns,
			 int64_t read_ns)
{
	const struct rt_sent *s = slot(st, seq);

	return s && stamp_ns < s->ns ? read_ns : stamp_ns;
}

/* Timing of one reply: known only for sequences sent in the live window. */
static struct rt_sent *reply_rtt(const struct rt_stats *st, uint16_t seq, int64_t rx_ns,
				 int64_t *us)
{
	struct rt_sent *s = slot(st, seq);

	*us = 0;
	/* A kernel timestamp can precede our clock read of the send by a hair. */
	if (s && rx_ns > s->ns)
		*us = (rx_ns - s->ns) / 1000;
	return s;
}

static void add_rtt(struct rt_stats *st, int64_t us)
{
	st->tsum += us;
	st->tsum2 += (double)us * (double)us;
	if (us < st->tmin)
		st->tmin = us;
	if (us > st->tmax)
		st->tmax = us;
	/* iputils' EWMA with gain 1/8, kept scaled by 8. */
	if (!st->ewma8)
		st->ewma8 = (uint64_t)us * 8;
	else
		st->ewma8 += (uint64_t)us - st->ewma8 / 8;
}

void rt_stats_reply(struct rt_stats *st, uint16_t seq, int64_t rx_ns, bool bad_csum,
		    struct rt_reply_acct *a)
{
	struct rt_sent *s;

	memset(a, 0, sizeof(*a));
	s = reply_rtt(st, seq, rx_ns, &a->rtt_us);
	a->known = s != NULL;
	if (bad_csum) {
		st->nchecksum++;
		return;
	}
	/*
	 * A sequence we never sent (or one beyond the live half-window) is
	 * printed but not counted: iputils counts it and can end -c early
	 * with "3 received" of 1 sent, and untimed replies would pull the
	 * average under the minimum (tests/tools/hostile-lib.sh, seqwrap).
	 */
	if (!s)
		return;
	rt_stats_ack(st, seq);
	/* iputils times duplicates too: they enter min/avg/max/mdev. */
	add_rtt(st, a->rtt_us);
	if (s->rcvd) {
		st->nrepeats++;
		a->dup = true;
	} else {
		s->rcvd = true;
		st->nreceived++;
	}
}

/* Integer square root by Newton's method, as iputils' llsqrt(). */
static int64_t isqrt(int64_t a)
{
	int64_t prev = INT64_MAX, x = a;

	if (x <= 0)
		return 0;
	while (x < prev) {
		prev = x;
		x = (x + a / x) / 2;
	}
	return x;
}

void rt_stats_rtt(const struct rt_stats *st, struct rt_rtt_summary *out)
{
	int64_t total = (int64_t)(st->nreceived + st->nrepeats);
	double var;

	memset(out, 0, sizeof(*out));
	if (total <= 0 || st->tmin == LLONG_MAX)
		return;
	out->min_us = st->tmin;
	out->max_us = st->tmax;
	out->avg_us = st->tsum / total;
	/* iputils' order of operations: the integer square of the sum first. */
	if (st->tsum < INT_MAX)
		var = (st->tsum2 - (double)((st->tsum * st->tsum) / total)) / (double)total;
	else
		var = st->tsum2 / (double)total - (double)(out->avg_us * out->avg_us);
	out->mdev_us = isqrt((int64_t)var);
}

double rt_stats_loss(const struct rt_stats *st)
{
	if (!st->ntransmitted)
		return 0;
	/* iputils prints a float: keep its rounding for identical %g output. */
	return (float)(((double)st->ntransmitted - (double)st->nreceived) * 100.0 /
		       (double)st->ntransmitted);
}

int64_t rt_stats_elapsed_ms(const struct rt_stats *st)
{
	int64_t ns = st->last_send_ns - st->start_ns;

	if (ns < 0)
		ns = 0;
	return (ns + 500000) / 1000000;
}

int64_t rt_stats_ipg_us(const struct rt_stats *st)
{
	if (st->ntransmitted < 2)
		return 0;
	return (st->last_send_ns - st->start_ns) / 1000 / (int64_t)(st->ntransmitted - 1);
}

char *rt_fmt_rtt(char *buf, size_t len, int64_t us)
{
	if (us < 0)
		us = 0;
	if (us >= 100000 - 50)
		snprintf(buf, len, "%" PRId64, (us + 500) / 1000);
	else if (us >= 10000 - 5)
		snprintf(buf, len, "%" PRId64 ".%01" PRId64, (us + 50) / 1000,
			 ((us + 50) % 1000) / 100);
	else if (us >= 1000)
		snprintf(buf, len, "%" PRId64 ".%02" PRId64, (us + 5) / 1000,
			 ((us + 5) % 1000) / 10);
	else
		snprintf(buf, len, "0.%03" PRId64, us);
	return buf;
}

char *rt_fmt_ms3(char *buf, size_t len, int64_t us)
{
	snprintf(buf, len, "%" PRId64 ".%03" PRId64, us / 1000, us % 1000);
	return buf;
}

char *rt_fmt_loss(char *buf, size_t len, double loss)
{
	snprintf(buf, len, "%g", loss);
	return buf;
}
