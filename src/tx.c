/*
 * Sending echo requests: build, read the clock, sendto(). Nothing else
 * happens between the clock and the call, so the RTT starts at the send.
 */
#include <errno.h>
#include <stdlib.h>

#include "rtping/clock.h"
#include "rtping/icmp.h"
#include "rtping/tx.h"

struct rt_tx {
	struct rt_tx_cfg cfg;
	size_t cap;
	uint8_t pkt[];
};

struct rt_tx *rt_tx_new(const struct rt_tx_cfg *cfg)
{
	size_t cap = cfg->size + RT_ICMP_HDR_LEN;
	struct rt_tx *tx = malloc(sizeof(*tx) + cap);

	if (!tx)
		return NULL;
	tx->cfg = *cfg;
	tx->cap = cap;
	return tx;
}

void rt_tx_free(struct rt_tx *tx)
{
	free(tx);
}

size_t rt_tx_echo_len(const struct rt_tx *tx)
{
	return tx->cap;
}

int rt_tx_echo(struct rt_tx *tx, uint16_t seq, int64_t *now)
{
	const struct rt_tx_cfg *c = &tx->cfg;
	size_t len = rt_icmp_build_echo(c->fam, tx->pkt, tx->cap, c->id, seq, c->pattern,
					c->pattern_len, c->size);

	*now = rt_clock_ns(CLOCK_MONOTONIC);
	if (sendto(c->fd, tx->pkt, len, 0, c->dst, c->dst_len) < 0)
		return -errno;
	return 0;
}
