/*
 * libFuzzer target: a buffer of rtnetlink multicast through
 * rt_watch_parse() (the route watch's reading, src/watch.c), in an
 * exact-size heap copy. Byte 0: bit 0 IPv6, bit 1 an address bound. The
 * counts are checked against a walk of the buffer written here: every
 * message of a data type up to the first that ends a reply (error, done,
 * overrun, an interrupted dump) is counted, each one's causes added up,
 * the bound address's events counted once per change.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <linux/netlink.h>

#include "rtping/watch.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The expected batch, or false when the buffer holds no whole messages. */
static bool walk(const uint8_t *buf, size_t len, int af, const struct rt_addr *bound,
		 struct rt_watch_batch *b)
{
	const uint8_t *p = buf;
	size_t left = len;
	int last = 0;

	memset(b, 0, sizeof(*b));
	if (!len)
		return false;
	for (; left >= sizeof(struct nlmsghdr);) {
		struct nlmsghdr h;
		size_t n;

		memcpy(&h, p, sizeof(h));
		n = h.nlmsg_len;
		if (n < sizeof(h) || n > left || NLMSG_ALIGN(n) > left)
			return false;
		p += NLMSG_ALIGN(n);
		left -= NLMSG_ALIGN(n);
	}
	if (left)
		return false;
	for (p = buf; p < buf + len;) {
		const struct nlmsghdr *h = (const struct nlmsghdr *)p;
		int ev;

		p += NLMSG_ALIGN(h->nlmsg_len);
		if (h->nlmsg_flags & NLM_F_DUMP_INTR || h->nlmsg_type == NLMSG_ERROR ||
		    h->nlmsg_type == NLMSG_DONE || h->nlmsg_type == NLMSG_OVERRUN)
			break;
		if (h->nlmsg_type < NLMSG_MIN_TYPE)
			continue;
		b->causes |= rt_watch_classify(h, af, bound, &ev);
		b->messages++;
		if (ev && ev != last) {
			if (!b->bound_changes++)
				b->bound_first_gone = ev < 0;
			last = ev;
		}
	}
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rt_watch_batch got, want;
	struct rt_addr bound;
	const struct rt_addr *pb = NULL;
	int af, rc;
	void *copy;
	uint8_t sel;

	if (!fuzz_selector(&data, &size, &sel))
		return 0;
	af = sel & 1 ? AF_INET6 : AF_INET;
	if (sel & 2) {
		rt_addr_parse(&bound, af, af == AF_INET ? "10.9.0.12" : "fd00:9::12");
		pb = &bound;
	}
	/* Netlink buffers come 4-byte aligned from recv(); malloc keeps that. */
	copy = fuzz_copy(data, size);
	if (!copy)
		return 0;
	rc = rt_watch_parse(copy, size, af, pb, &got);
	if (rc > 0 || rc <= -4096)
		abort();
	if (!walk(copy, size, af, pb, &want)) {
		if (rc != -EBADMSG || got.messages || got.causes)
			abort();
	} else if (got.messages != want.messages || got.causes != want.causes ||
		   got.bound_changes != want.bound_changes ||
		   (want.bound_changes && got.bound_first_gone != want.bound_first_gone)) {
		abort();
	}
	if (got.messages > size / NLMSG_HDRLEN || got.bound_changes > got.messages ||
	    (!pb && got.bound_changes) || (got.bound_changes && !(got.causes & RT_WATCH_ADDRESS)) ||
	    got.causes & ~(unsigned)(RT_WATCH_ROUTE | RT_WATCH_RULE | RT_WATCH_ADDRESS |
				     RT_WATCH_LINK | RT_WATCH_RESYNC))
		abort();
	free(copy);
	return 0;
}
