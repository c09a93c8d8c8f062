/*
 * Where each echo really left: transmit reports (src/txrep.c) matched to
 * echoes, counted per egress, and compared with what the route query
 * predicted. Pure: the engine feeds reports and asks questions; printing
 * is the output module's.
 */
#ifndef RTPING_EGRESS_H
#define RTPING_EGRESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <net/if.h>

#include "rtping/addr.h"
#include "rtping/txrep.h"

/* Distinct egresses counted per run; more are counted as "unlisted". */
#define RT_EGRESS_MAX 16
/* Recent OPT_ID keys remembered, for reports that carry no packet. */
#define RT_EGRESS_KEYS 64
/*
 * Flood sampling: a report for each of the first RT_EGRESS_FIRST echoes,
 * then for at most one echo each RT_EGRESS_GAP_NS. A report per echo costs
 * a flood about a sixth of its rate; this bounds the cost at 100 reports a
 * second whatever the rate, and a slow flood still asks on every echo.
 */
#define RT_EGRESS_FIRST 16
#define RT_EGRESS_GAP_NS 10000000LL

struct rt_egress {
	uint32_t ifindex;        /* 0: unknown */
	struct rt_addr src;
	char dev[IF_NAMESIZE];   /* filled by whoever can ask the kernel; "" unknown */
};

struct rt_egress_seen {
	struct rt_egress eg;
	uint64_t echoes;
};

enum rt_egress_verdict {
	RT_EGRESS_SAME,          /* nothing new to say */
	RT_EGRESS_DIVERGES,      /* the first echo since the prediction left otherwise */
	RT_EGRESS_CHANGED,       /* left otherwise than the previous echo and the prediction */
};

struct rt_egress_track {
	uint32_t *slot;          /* per sequence: seq << 16 | seen index + 1; 0 none */
	uint32_t mask;
	struct rt_egress_seen seen[RT_EGRESS_MAX];
	size_t nseen;
	uint64_t unlisted;       /* echoes that left by an egress past RT_EGRESS_MAX */
	uint32_t next_key;       /* the OPT_ID key the next echo asked to report gets */
	uint16_t key_seq[RT_EGRESS_KEYS];   /* the echo each recent key went to */
	uint64_t asked;          /* echoes sent with a report asked for */
	int64_t last_ask_ns;     /* CLOCK_MONOTONIC of the latest of them */
	int last;                /* seen index of the latest echo's egress; -1 none */
	struct rt_egress expect; /* the route query's prediction; ifindex 0: none */
	bool fresh;              /* no echo judged against the prediction yet */
};

/* window: slots (a power of two), as many as the statistics keep. 0 or -ENOMEM. */
int rt_egress_init(struct rt_egress_track *t, size_t window, const struct rt_egress *expect);
void rt_egress_free(struct rt_egress_track *t);

/*
 * One report. Returns what it means, with *seq the echo it is about and
 * *idx its seen index (-1 when not counted: a second report for the same
 * echo, or past RT_EGRESS_MAX). For RT_EGRESS_CHANGED *prev_idx is the
 * previous echo's egress.
 */
enum rt_egress_verdict rt_egress_report(struct rt_egress_track *t, const struct rt_txrep *r,
					uint16_t *seq, int *idx, int *prev_idx);

/*
 * Pure: whether an echo sent at now asks for a report: every one, or with
 * sample (flood) the first RT_EGRESS_FIRST and then one when
 * RT_EGRESS_GAP_NS have passed since the last that asked.
 */
bool rt_egress_sample(const struct rt_egress_track *t, bool sample, int64_t now);

/* Echo seq left at now with a report asked for: it took the next OPT_ID key. */
void rt_egress_asked(struct rt_egress_track *t, uint16_t seq, int64_t now);

/* The egress echo seq left by, or NULL when no report came for it (yet). */
const struct rt_egress *rt_egress_of(const struct rt_egress_track *t, uint16_t seq);

/*
 * A new expectation. fresh: a new prediction (the route changed and that
 * was said), so the first echo that does not confirm it is a divergence;
 * else an egress already reported, so only a change from it is news.
 */
void rt_egress_expect(struct rt_egress_track *t, const struct rt_egress *expect, bool fresh);

/* Echoes observed in all. */
uint64_t rt_egress_observed(const struct rt_egress_track *t);

bool rt_egress_equal(const struct rt_egress *a, const struct rt_egress *b);

#endif
