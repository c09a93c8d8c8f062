/*
 * libFuzzer target: the return path's parsers, picked by the first byte:
 * 0 an RTM_GETNEIGH reply through rt_neigh_cb(), 1 an RTM_GETADDR dump
 * through rt_rpath_addr_cb() (both fed by rt_nl_feed(), sequence 7, port
 * 4242), 2 /proc/net/netstat text through rt_rpath_netstat(); each in an
 * exact-size heap copy. Invariants: 0 or -errno; a neighbour found only
 * for the address asked; the device list within RT_RPATH_MAX, no index 0,
 * none twice; the counter's answer 0, -ENOENT or -EINVAL, the same twice.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "rtping/neigh.h"
#include "rtping/rpath.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void neighbour(const void *buf, size_t size)
{
	struct rt_neigh n = { 0 };
	int rc;

	rt_addr_parse(&n.addr, AF_INET, "10.1.0.1");
	rc = rt_nl_feed(buf, size, 7, 4242, rt_neigh_cb, &n, NULL, 0);
	if (rc > 1 || rc <= -4096 || (n.found && n.addr.af != AF_INET))
		abort();
}

static void addresses(const void *buf, size_t size)
{
	struct rt_rpath_ifs ifs = { .af = AF_INET };
	int rc = rt_nl_feed(buf, size, 7, 4242, rt_rpath_addr_cb, &ifs, NULL, 0);

	if (rc > 1 || rc <= -4096 || ifs.n > RT_RPATH_MAX)
		abort();
	for (size_t i = 0; i < ifs.n; i++) {
		if (!ifs.idx[i])
			abort();
		for (size_t j = 0; j < i; j++)
			if (ifs.idx[i] == ifs.idx[j])
				abort();
	}
}

static void netstat(const char *text, size_t size)
{
	uint64_t a = 0, b = 0;
	int rc = rt_rpath_netstat(text, size, "IPReversePathFilter", &a);

	if (rc != 0 && rc != -ENOENT && rc != -EINVAL)
		abort();
	if (rt_rpath_netstat(text, size, "IPReversePathFilter", &b) != rc || (!rc && a != b))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t sel;
	void *copy;

	if (!fuzz_selector(&data, &size, &sel) || !(copy = fuzz_copy(data, size)))
		return 0;
	switch (sel % 3) {
	case 0:
		neighbour(copy, size);
		break;
	case 1:
		addresses(copy, size);
		break;
	default:
		netstat(copy, size);
		break;
	}
	free(copy);
	return 0;
}
