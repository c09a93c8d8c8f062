/*
 * The divergence audit (--explain-route --audit): every destination of a
 * list explained as single --explain-route does, one line (or JSON object)
 * each in input order, a window of them at a time whose questions are
 * asked together (src/ahead.c), then the totals and the rules that split
 * the flows. Memory: the window and the per-rule counters.
 */
#ifndef RTPING_AUDIT_H
#define RTPING_AUDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "rtping/explain.h"

/* One rule that split the flows, and for how many destinations. */
struct rt_audit_rule {
	int af;
	uint32_t pref;
	uint32_t table;
	uint8_t action;
	char selector[160];
	unsigned long count;
};

struct rt_audit {
	bool started;            /* input opened: a summary is due */
	unsigned long total, agree, differ, errors;
	unsigned long rpath_dropped;   /* IPv4: a symmetric reply would be dropped (rp_filter) */
	struct rt_audit_rule *rules;
	size_t nrules, cap;
};

/* Pure: one destination's verdict and the rules behind a difference. 0 or -ENOMEM. */
int rt_audit_count(struct rt_audit *a, enum rt_verdict v, int af,
		   const struct rt_reason *reasons, size_t n);
/* Pure: the closing summary, text or one JSON object (type audit_summary). */
void rt_audit_summary(FILE *out, const struct rt_audit *a, bool json);
/* An enum rt_exit value: 0 all agree, 1 some differ, 2 any error. */
int rt_audit_exit(const struct rt_audit *a);
void rt_audit_free(struct rt_audit *a);

#endif
