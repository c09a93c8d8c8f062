/*
 * The divergence audit (--explain-route --audit): every destination of a
 * list explained through one netlink socket, as single --explain-route
 * does, one line (or JSON object) each as soon as it is read, then the
 * totals and the rules that split the flows. Memory: the per-rule counters.
 */
#ifndef RTPING_AUDIT_H
#define RTPING_AUDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "rtping/explain.h"
#include "rtping/nl.h"
#include "rtping/opts.h"

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

/*
 * Runs the audit over o's operands and file (or stdin) into out. nl may be
 * NULL (nl_err says why: every destination is then an error). 0, or -errno
 * with *what when input failed (-EIO with *what NULL: output failed, for
 * the caller's one "write error"); a->started says whether the
 * audit began (then its summary is still due) or the file could not be
 * opened.
 */
int rt_audit_run(struct rt_audit *a, const struct rt_opts *o, struct rt_nl *nl, int nl_err,
		 FILE *out, const char **what);

#endif
