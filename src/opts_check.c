/*
 * The option checks that need the destination's family (and, for the
 * broadcast rules, its address): made once a name is resolved, in
 * iputils' order.
 */
#include <errno.h>

#include "rtping/error.h"
#include "rtping/family.h"
#include "rtping/opts.h"
#include "opts_int.h"

/*
 * iputils' "multicast" flag: many hosts may answer. IPv4: -b or a multicast
 * destination; IPv6 has no broadcast and ping6 ignores -b.
 */
static bool is_group(const struct rt_opts *o, const struct rt_family *fam,
		     const struct rt_addr *dst)
{
	if (fam->af == AF_INET)
		return o->broadcast || (dst && (dst->u.raw[0] & 0xf0) == 0xe0);
	return dst && dst->u.raw[0] == 0xff;
}

enum rt_pmtu rt_opts_pmtu(const struct rt_opts *o, const struct rt_family *fam,
			  const struct rt_addr *dst)
{
	/* A broadcast or multicast echo is never fragmented (iputils). */
	if (o->pmtu == RT_PMTU_DEFAULT && is_group(o, fam, dst))
		return RT_PMTU_DO;
	return o->pmtu;
}

/* iputils' rules for a user pinging many hosts at once. */
static int check_group(const struct rt_opts *o, const struct rt_family *fam,
		       const struct rt_addr *dst, struct rt_error *err)
{
	const char *what = fam->af == AF_INET ? "broadcast" : "multicast";
	/* iputils checks before -f zeroes the interval: -f alone passes here. */
	int64_t iv = o->flood && !o->interval_set ? RT_NS_PER_SEC : o->interval_ns;

	if (o->privileged || !is_group(o, fam, dst))
		return 0;
	if (iv < RT_NS_PER_SEC)
		return rt_error_set(err, -EINVAL, "minimal interval for %s ping for user must be "
				    ">= 1000 ms, use -i 1 (or higher)", what);
	if (o->pmtu != RT_PMTU_DEFAULT && o->pmtu != RT_PMTU_DO)
		return rt_error_set(err, -EINVAL, "%s ping does not fragment", what);
	return 0;
}

size_t rt_opts_ipopt_len(const struct rt_opts *o, const struct rt_family *fam)
{
	return fam->af == AF_INET && o->ipopt != RT_IPOPT_NONE ? RT_IPOPT_MAX : 0;
}

/* The largest -s: 65507 for IPv4 (less 40 with -R/-T), 65527 for IPv6; NULL: either. */
static size_t size_max(const struct rt_opts *o, const struct rt_family *fam)
{
	size_t v4 = rt_inet.max_payload - rt_opts_ipopt_len(o, &rt_inet);

	if (!fam)
		return v4 > rt_inet6.max_payload ? v4 : rt_inet6.max_payload;
	return fam->max_payload - rt_opts_ipopt_len(o, fam);
}

/* iputils 20250605's words, where it checks the same limit. */
static int check_size(const struct rt_opts *o, const struct rt_family *fam,
		      struct rt_error *err)
{
	size_t max = size_max(o, fam);

	if ((size_t)o->size > max)
		return rt_error_set(err, -ERANGE,
				    "invalid -s value: '%ld': out of range: 0 <= value <= %zu",
				    o->size, max);
	return 0;
}

/*
 * iputils 20250605 checks -s before any name is looked up: against the
 * family of a destination typed as an address, else that of -4 or -6,
 * else the larger limit. A name is checked again once resolved
 * (rt_opts_check_family()); so is each destination of an audit, which
 * reports them in their turn.
 */
int rt_opts_check_size(const struct rt_opts *o, struct rt_error *err)
{
	const struct rt_family *fam = rt_family_get(o->af);
	int n = o->audit ? 0 : o->ndests;
	struct rt_addr a;
	int rc;

	for (int i = 0; i < n; i++) {
		const struct rt_family *f = fam;

		if (rt_addr_parse(&a, AF_UNSPEC, o->dests[i]) == 0)
			f = rt_family_get(a.af);
		if ((rc = check_size(o, f, err)) < 0)
			return rc;
	}
	return n ? 0 : check_size(o, fam, err);
}

int rt_opts_check_family(const struct rt_opts *o, const struct rt_family *fam,
			 const struct rt_addr *dst, struct rt_error *err)
{
	int rc;

	if ((rc = check_size(o, fam, err)) < 0)
		return rc;
	if (o->src.af != AF_UNSPEC && o->src.af != fam->af)
		return rt_error_set(err, -EINVAL,
				    "-I address family does not match the destination");
	if ((rc = check_group(o, fam, dst, err)) < 0)
		return rc;
	return rt_opts_check_user_interval(o, err);
}

int rt_opts_check_user_interval(const struct rt_opts *o, struct rt_error *err)
{
	if (!o->privileged && o->interval_ns < RT_MIN_USER_INTERVAL_NS)
		return rt_error_set(err, -EINVAL, "cannot flood, minimal interval for user must "
				    "be >= 2 ms, use -i 0.002 (or higher)");
	return 0;
}
