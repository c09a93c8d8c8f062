/* Replies to targets: by identifier and sequence, or by source address. */
#include "rtping/demux.h"

long rt_demux_reply(const struct rt_peer *peers, size_t n, bool raw, uint16_t id,
		    uint16_t seq, const struct rt_addr *from)
{
	long by_id = -1;

	if (!raw)
		for (size_t i = 0; i < n; i++)
			if (n == 1 || rt_addr_equal(&peers[i].addr, from))
				return (long)i;
	for (size_t i = 0; raw && i < n; i++) {
		if (peers[i].id != id)
			continue;
		if (rt_stats_in_window(peers[i].st, seq))
			return (long)i;
		/* Not in any window: still the run's (shown, not counted). */
		if (by_id < 0)
			by_id = (long)i;
	}
	return by_id;
}
