/*
 * libFuzzer target: an RTM_GETNEXTHOP reply buffer through
 * rt_nexthop_parse(), as one recv() would hand it over (sequence 7, port
 * 4242, as the seed corpus uses), in an exact-size heap copy. Invariants:
 * a parsed nexthop has a path, a group's paths are its NHA_GROUP entries
 * (8 bytes each, so never more than the buffer holds), 0 or -errno, the
 * same answer twice.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rtping/nexthop.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rt_nexthop nh;
	void *copy;
	int rc;

	copy = fuzz_copy(data, size);
	if (!copy)
		return 0;
	rc = rt_nexthop_parse(copy, size, 7, 4242, &nh);
	if (rc > 0 || rc <= -4096)
		abort();
	if (rc == 0 && (!nh.paths || (!nh.group && nh.paths != 1) || nh.paths > size / 8))
		abort();
	/* Pure: the same bytes, the same answer. */
	{
		struct rt_nexthop again;

		if (rt_nexthop_parse(copy, size, 7, 4242, &again) != rc ||
		    (rc == 0 && memcmp(&again, &nh, sizeof(nh))))
			abort();
	}
	free(copy);
	return 0;
}
