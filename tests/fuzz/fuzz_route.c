/*
 * libFuzzer target: an RTM_GETROUTE reply buffer through rt_route_parse()
 * (rt_nl_feed + rt_route_cb), as one recv() from the kernel would hand it
 * over. Sequence 7 and port 4242 are what the seed corpus uses.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rtping/route.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rt_route r;
	char extack[128];
	char name[32];
	void *copy;

	/* Netlink buffers come 4-byte aligned from recv(); malloc keeps that. */
	copy = fuzz_copy(data, size);
	if (!copy)
		return 0;
	if (rt_route_parse(copy, size, 7, 4242, &r) == 0) {
		rt_route_type_name(r.type);
		rt_route_proto_name(r.protocol, name, sizeof(name));
		rt_route_scope_name(r.scope, name, sizeof(name));
	}
	memset(&r, 0, sizeof(r));
	rt_nl_feed(copy, size, 7, 4242, rt_route_cb, &r, extack, sizeof(extack));
	rt_route_proto_refused(-22, extack);
	free(copy);
	return 0;
}
