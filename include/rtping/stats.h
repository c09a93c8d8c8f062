/*
 * Counters, the window of outstanding sends and iputils' arithmetic. No
 * clock of its own: every function that needs the time takes `now`
 * (CLOCK_MONOTONIC, ns), so the tests drive it with a fake clock. When
 * probes leave is src/sched.c's.
 */
#ifndef RTPING_STATS_H
#define RTPING_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The largest window: half the 16-bit sequence space, beyond which a
 * sequence number no longer says which send it answers.
 */
#define RT_WINDOW_MAX 32768

/* One send that may still be answered: the window's slot for seq % size. */
struct rt_sent {
	int64_t ns;               /* our send time: RTT never comes from the payload */
	uint16_t seq;
	bool used;
	bool rcvd;                /* answered: a further reply is a duplicate */
};

struct rt_stats {
	uint64_t ntransmitted;
	uint64_t nreceived;       /* first replies with a good checksum */
	uint64_t nrepeats;        /* (DUP!) */
	uint64_t nchecksum;       /* (BAD CHECKSUM!) */
	uint64_t nerrors;         /* ICMP errors for our probes, local errors */
	uint64_t nsendfail;       /* sends the kernel refused, counted in nerrors or not */
	/* RTT sums in microseconds, as iputils keeps them (its mdev formula). */
	int64_t tmin, tmax, tsum;
	double tsum2;
	uint64_t ewma8;           /* 8 x smoothed RTT (us), iputils' "rtt" */
	int pipesize;             /* most probes seen in flight, -1 none */
	uint16_t acked;           /* newest sequence answered (reply or error) */
	int64_t start_ns;         /* the first send (until then, the run's start) */
	int64_t last_send_ns;     /* "time Nms" runs to the last send */
	/*
	 * The last win_mask + 1 sends, a ring keyed by sequence: a reply for
	 * an older one is shown but not counted or timed, like a stranger's.
	 */
	struct rt_sent *win;
	uint32_t win_mask;
};

/* Result of accounting one echo reply. */
struct rt_reply_acct {
	bool dup;
	bool known;              /* we have a send time for this sequence */
	int64_t rtt_us;          /* 0 when !known */
};

/* Summary numbers in microseconds (valid when nreceived > 0). */
struct rt_rtt_summary {
	int64_t min_us, avg_us, max_us, mdev_us;
};

/*
 * Window slots for a run (a power of two, at most RT_WINDOW_MAX): every send
 * a reply may still come for. count: -c (0 none); count_stops: no -w, so
 * -c is also the number of sends; gap_ns: the shortest time between two
 * unanswered sends; wait_ns: how long a reply is waited for.
 */
size_t rt_window_size(long long count, bool count_stops, long preload, int64_t gap_ns,
		      int64_t wait_ns);
/* window: slots, as rt_window_size() gives. 0, or -ENOMEM. */
int rt_stats_init(struct rt_stats *st, int64_t now, size_t window);
void rt_stats_free(struct rt_stats *st);
/* Bytes one target's statistics take, the window included. */
size_t rt_stats_footprint(const struct rt_stats *st);
/* The sequence number of the next probe: ntransmitted + 1, wrapped to 16 bits. */
uint16_t rt_stats_next_seq(const struct rt_stats *st);
/* Records a send of seq at now (it takes over its window slot). */
void rt_stats_sent(struct rt_stats *st, uint16_t seq, int64_t now);
/* Probes sent but neither answered nor errored, as iputils counts them. */
long rt_stats_in_flight(const struct rt_stats *st);
/* A reply or an error for seq arrived: pipe size and "acked" bookkeeping. */
void rt_stats_ack(struct rt_stats *st, uint16_t seq);
/* The same without the pipe size (errors where iputils leaves it alone). */
void rt_stats_settle(struct rt_stats *st, uint16_t seq);
/*
 * Accounts a reply for seq received at rx_ns. bad_csum replies count as
 * corrupted and are not timed (as iputils). Fills *a.
 */
void rt_stats_reply(struct rt_stats *st, uint16_t seq, int64_t rx_ns, bool bad_csum,
		    struct rt_reply_acct *a);
bool rt_stats_received(const struct rt_stats *st, uint16_t seq);
/*
 * When seq's reply arrived, for its RTT: stamp_ns (the kernel's receive
 * stamp, however old) unless it precedes seq's send, which only a wall-clock
 * step between arrival and our read can cause; then read_ns, our read.
 */
int64_t rt_stats_arrival(const struct rt_stats *st, uint16_t seq, int64_t stamp_ns,
			 int64_t read_ns);
/* seq's send is still in the window (a reply for it would count). */
bool rt_stats_in_window(const struct rt_stats *st, uint16_t seq);
void rt_stats_rtt(const struct rt_stats *st, struct rt_rtt_summary *out);
/* Loss in percent, as a float like iputils prints with %g. */
double rt_stats_loss(const struct rt_stats *st);
/* Whole milliseconds from start to the last send, rounded as iputils. */
int64_t rt_stats_elapsed_ms(const struct rt_stats *st);
/* Inter-packet gap (us) for the ipg/ewma line; 0 when fewer than two sends. */
int64_t rt_stats_ipg_us(const struct rt_stats *st);

/* "0.045", "9.99", "10.0", "100": iputils' reply-time precision rules. */
char *rt_fmt_rtt(char *buf, size_t len, int64_t us);
/* "12.345": microseconds as milliseconds with three decimals (summary). */
char *rt_fmt_ms3(char *buf, size_t len, int64_t us);
/* "%g" of the loss percentage, locale-independent ("33.3333", "0", "100"). */
char *rt_fmt_loss(char *buf, size_t len, double loss);

#endif
