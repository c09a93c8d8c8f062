/*
 * libFuzzer target: one datagram of answers for a batch of three route
 * requests (sequences 7, 8, 9, port 4242, as the seed corpus uses) through
 * rt_nlb_take() and rt_nlb_settle(), in an exact-size heap copy; then each
 * kept answer read back through rt_nlb_replay(). Invariants: no more
 * messages kept than 16-byte headers fit the datagram, every request
 * answered or queued again, a kept answer complete (never "more due") and
 * the same twice.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <linux/rtnetlink.h>

#include "rtping/family.h"
#include "rtping/nlbatch.h"
#include "rtping/route.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char buf[RT_NL_BUFSZ] __attribute__((aligned(4)));

static const struct nlmsghdr *question(uint8_t n)
{
	struct rt_flow f = { .fam = rt_family_get(AF_INET), .proto = 1, .dport = 2048 };
	uint8_t a[4] = { 10, 0, 0, n };

	rt_addr_from_bytes(&f.dst, AF_INET, a, 4);
	return rt_route_request(buf, &f, 0, 0);
}

static int count_cb(const struct nlmsghdr *nlh, void *data)
{
	(void)nlh;
	++*(int *)data;
	return MNL_CB_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char send[RT_NL_BUFSZ] __attribute__((aligned(4)));
	struct rt_nlb b;
	void *copy = fuzz_copy(data, size);
	int kept, rc, again, n1, n2;

	if (!copy)
		return 0;
	rt_nlb_init(&b, 4242, 8);
	b.seq = 6;
	for (uint8_t i = 1; i <= 3; i++)
		if (rt_nlb_add(&b, question(i)) < 0)
			abort();
	if (!rt_nlb_pack(&b, send, sizeof(send), 8) || b.nchunk != 3)
		abort();
	kept = rt_nlb_take(&b, copy, size);
	if (kept < 0 || (size_t)kept > size / 16)
		abort();
	rt_nlb_settle(&b);
	for (uint8_t i = 1; i <= 3; i++) {
		const struct rt_nlb_req *r = &b.r[i - 1];

		if (r->state != RT_NLB_ANSWERED && r->state != RT_NLB_QUEUED)
			abort();
		n1 = n2 = 0;
		if (rt_nlb_replay(&b, question(i), count_cb, &n1, NULL, 0, &rc) !=
		    (r->state == RT_NLB_ANSWERED))
			abort();
		if (r->state != RT_NLB_ANSWERED)
			continue;
		if (rc > 0 || rc <= -4096 || !rt_nlb_replay(&b, question(i), count_cb, &n2, NULL, 0,
							      &again) || again != rc || n1 != n2)
			abort();
	}
	rt_nlb_free(&b);
	free(copy);
	return 0;
}
