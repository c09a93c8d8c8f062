/*
 * Ping mode's return-path diagnosis, asked once a run is over: only for a
 * target that lost echoes, only for IPv4 (IPv6 has no rp_filter), one
 * target at a time so that a long list holds one answer.
 */
#include <errno.h>
#include <string.h>

#include "rtping/demux.h"
#include "rtping/ping_rpath.h"
#include "rtping/stats.h"
#include "rtping/targets.h"

void rt_ping_rpath_begin(struct rt_ping_rpath *pr, struct rt_nl *nl, const struct rt_targets *tl)
{
	memset(pr, 0, sizeof(*pr));
	pr->nl = nl;
	pr->tl = tl;
	pr->have0 = nl && rt_rpath_counter(&pr->c0) == 0;
	pr->up_err = pr->c1_err = 1;
}

const struct rt_rpath *rt_ping_rpath_of(void *arg, size_t i)
{
	struct rt_ping_rpath *pr = arg;
	const struct rt_tgt *t = &pr->tl->t[i];
	const struct rt_stats *st = &pr->tl->st[i];
	struct rt_rpath_ifs ifs;

	if (!pr->nl || t->fam->af != AF_INET || st->nreceived >= st->ntransmitted ||
	    !rt_addr_is_set(&t->src) || t->group || t->ifindex == RT_LOOPBACK_IFINDEX)
		return NULL;
	if (pr->up_err == 1)
		pr->up_err = rt_rpath_dump(pr->nl, t->fam, &pr->up);
	if (pr->up_err < 0)
		return NULL;
	rt_rpath_order(&pr->up, t->ifindex, &ifs);
	if (rt_rpath_diagnose(pr->nl, t->fam, &ifs, &pr->tl->peers[i].addr, &t->src, t->ifindex,
			      &pr->r) < 0)
		return NULL;
	/* The run is over: one reading at its end serves every target. */
	if (pr->c1_err == 1)
		pr->c1_err = pr->have0 ? rt_rpath_counter(&pr->c1) : -ENOENT;
	pr->r.have_drops = !pr->c1_err && pr->c1 >= pr->c0;
	pr->r.drops = pr->r.have_drops ? pr->c1 - pr->c0 : 0;
	return &pr->r;
}
