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

/* Distinct egresses counted per target; more are counted as "unlisted". */
#define RT_EGRESS_MAX 16
/*
 * Recent OPT_ID keys remembered, for reports that carry no packet. The
 * counter is the socket's: a target keeps keys only when it has its
 * socket to itself (one target); with many the packet names the echo.
 */
#define RT_EGRESS_KEYS 64
/*
 * Sampling, per target: a report for each of its first RT_EGRESS_FIRST
 * echoes, then for at most one echo each RT_EGRESS_GAP_NS. A report per
 * echo costs a flood about a sixth of its rate; this bounds the cost at
 * 100 reports a second and target whatever the rate, and a target pinged
 * less often than once each RT_EGRESS_GAP_NS still asks on every echo.
 * Floods sample; so do the targets of a many-target run whose interval
 * is below RT_EGRESS_GAP_NS.
 */
#define RT_EGRESS_FIRST 16
#define RT_EGRESS_GAP_NS 10000000LL

struct rt_egress {
	uint32_t ifindex;        /* 0: unknown */
	struct rt_addr src;
	char dev[IF_NAMESIZE];   /* filled by whoever can ask the kernel; "" unknown */
};

/* An egress and how many of one target's echoes left by it (summaries). */
struct rt_egress_seen {
	struct rt_egress eg;
	uint64_t echoes;
};

/*
 * The run's distinct egresses, shared by all its targets, so that a
 * target names an egress in one byte (its index + 1; 0 none).
 */
#define RT_EGRESS_TABLE 255
struct rt_egress_table {
	struct rt_egress *eg;    /* n of them, grown as they appear; zeroed: empty */
	size_t n;
};

/*
 * eg's index + 1 in tb (by device and source), added when new; 0 when the
 * table is full (RT_EGRESS_TABLE) or out of memory.
 */
uint8_t rt_egress_table_add(struct rt_egress_table *tb, const struct rt_egress *eg);
void rt_egress_table_free(struct rt_egress_table *tb);

enum rt_egress_verdict {
	RT_EGRESS_SAME,          /* nothing new to say */
	RT_EGRESS_DIVERGES,      /* the first echo since the prediction left otherwise */
	RT_EGRESS_CHANGED,       /* left otherwise than the previous echo and the prediction */
};

/*
 * One target's echoes, in a few dozen bytes (a run has up to 65536
 * targets): egresses are table indices, the slots and keys are allocated
 * when first needed, an egress past the first when it appears. It may
 * point into itself: kept in place, never copied.
 */
struct rt_egress_track {
	uint32_t *slot;          /* per sequence: seq << 16 | egress; 0 none (or &slot1) */
	uint64_t seen1;          /* echoes << 8 | egress: the first egress seen */
	uint64_t *more;          /* the others, nseen - 1 of them */
	uint64_t unlisted;       /* echoes that left by an egress past RT_EGRESS_MAX */
	uint64_t asked;          /* echoes sent with a report asked for */
	int64_t last_ask_ns;     /* CLOCK_MONOTONIC of the latest of them */
	uint16_t *key_seq;       /* RT_EGRESS_KEYS: the echo each recent key went to; NULL none */
	uint32_t next_key;       /* the OPT_ID key the next echo asked to report gets */
	uint32_t mask;           /* slots - 1 */
	uint32_t slot1;          /* the one slot of a one-slot window (-c 1): no allocation */
	uint8_t nseen;           /* egresses counted, at most RT_EGRESS_MAX */
	uint8_t last;            /* the latest echo's egress; 0 none */
	uint8_t expect;          /* the route query's prediction; 0 none */
	bool fresh;              /* no echo judged against the prediction yet */
};

/*
 * window: slots (a power of two), as many as the statistics keep. keys:
 * the target has the socket's OPT_ID counter to itself (one target), so
 * reports without a packet are matched by key. 0, -EINVAL or -ENOMEM.
 */
int rt_egress_init(struct rt_egress_track *t, size_t window, bool keys);
void rt_egress_free(struct rt_egress_track *t);

/*
 * One report, its egress added to tb. Returns what it means, with *seq
 * the echo it is about and *eg its egress (0 when not counted: a second
 * report for the same echo, or past RT_EGRESS_MAX or the table). For
 * RT_EGRESS_CHANGED *prev is the previous echo's egress.
 */
enum rt_egress_verdict rt_egress_report(struct rt_egress_track *t, struct rt_egress_table *tb,
					const struct rt_txrep *r, uint16_t *seq, uint8_t *eg,
					uint8_t *prev);

/*
 * Pure: whether an echo sent at now asks for a report: every one, or with
 * sample the first RT_EGRESS_FIRST and then one when RT_EGRESS_GAP_NS
 * have passed since the last that asked.
 */
bool rt_egress_sample(const struct rt_egress_track *t, bool sample, int64_t now);

/* Echo seq left at now with a report asked for: it took the next OPT_ID key. */
void rt_egress_asked(struct rt_egress_track *t, uint16_t seq, int64_t now);

/* The egress echo seq left by (an index + 1 in the table), or 0 when no report came for it. */
uint8_t rt_egress_of(const struct rt_egress_track *t, uint16_t seq);

/*
 * A new expectation (an egress of tb, 0 none). fresh: a new prediction
 * (the route changed and that was said), so the first echo that does not
 * confirm it is a divergence; else an egress already reported, so only a
 * change from it is news.
 */
void rt_egress_expect(struct rt_egress_track *t, uint8_t expect, bool fresh);

/* Echoes observed in all. */
uint64_t rt_egress_observed(const struct rt_egress_track *t);

/* The echoes per egress into out (RT_EGRESS_MAX): how many there are. */
size_t rt_egress_counts(const struct rt_egress_track *t, const struct rt_egress_table *tb,
			struct rt_egress_seen *out);

bool rt_egress_equal(const struct rt_egress *a, const struct rt_egress *b);

#endif
