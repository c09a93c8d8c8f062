/*
 * libFuzzer target: IPv4 options of a reply through rt_ipopt_print(), the
 * RR:/TS: printer. Byte 0: bit 0 no record-route memory, bit 1 a second
 * print with the same memory ("(same route)"), bit 2 no name callback; the
 * rest are the options, in an exact-size heap copy. Invariants: no read
 * past them, at most one address looked up per 4 bytes, the remembered
 * route a whole number of addresses copied from the options.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rtping/ipopt.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct names {
	size_t calls;
};

static const char *name(void *ctx, const struct rt_addr *a, char *buf, size_t len)
{
	struct names *n = ctx;

	if (a->af != AF_INET || len < 64)
		abort();
	n->calls++;
	return rt_addr_str(a, buf, len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rt_ipopt_rr rr = { 0 };
	struct names n = { 0 };
	uint8_t *opt;
	FILE *out;
	uint8_t sel;

	if (!fuzz_selector(&data, &size, &sel))
		return 0;
	opt = fuzz_copy(data, size);
	out = fopen("/dev/null", "w");
	if (!opt || !out)
		goto done;
	for (int pass = 0; pass < (sel & 2 ? 2 : 1); pass++) {
		size_t before = n.calls;

		rt_ipopt_print(out, opt, size, sel & 1 ? NULL : &rr, sel & 4 ? NULL : name, &n);
		if (n.calls - before > size / 4)
			abort();
	}
	if (rr.len > sizeof(rr.bytes) || rr.len % 4 || (rr.len && !memmem(opt, size, rr.bytes, rr.len)))
		abort();
done:
	if (out)
		fclose(out);
	free(opt);
	return 0;
}
