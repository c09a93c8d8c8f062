/*
 * Transmit reports to echoes, per-egress counts, and the rules for when an
 * egress is news: the first echo that left otherwise than predicted (once),
 * or an echo that left otherwise than the one before it when no route
 * change explained it. An echo that confirms the current prediction, or
 * repeats the previous echo's egress, says nothing.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "rtping/egress.h"

int rt_egress_init(struct rt_egress_track *t, size_t window, const struct rt_egress *expect)
{
	memset(t, 0, sizeof(*t));
	if (!window || (window & (window - 1)))
		return -EINVAL;
	t->slot = calloc(window, sizeof(*t->slot));
	if (!t->slot)
		return -ENOMEM;
	t->mask = (uint32_t)window - 1;
	t->last = -1;
	t->fresh = true;
	if (expect)
		t->expect = *expect;
	return 0;
}

void rt_egress_free(struct rt_egress_track *t)
{
	free(t->slot);
	t->slot = NULL;
}

/* Two reports without a source are the same egress when their device is. */
bool rt_egress_equal(const struct rt_egress *a, const struct rt_egress *b)
{
	bool unset = !rt_addr_is_set(&a->src) && !rt_addr_is_set(&b->src);

	return a->ifindex == b->ifindex && (unset || rt_addr_equal(&a->src, &b->src));
}

static int find_or_add(struct rt_egress_track *t, const struct rt_txrep *r)
{
	struct rt_egress eg = { .ifindex = r->ifindex, .src = r->src };

	for (size_t i = 0; i < t->nseen; i++)
		if (rt_egress_equal(&t->seen[i].eg, &eg))
			return (int)i;
	if (t->nseen == RT_EGRESS_MAX)
		return -1;
	t->seen[t->nseen].eg = eg;
	return (int)t->nseen++;
}

static enum rt_egress_verdict judge(struct rt_egress_track *t, int idx, int *prev_idx)
{
	const struct rt_egress *eg = &t->seen[idx].eg;
	bool fresh = t->fresh, predicted = t->expect.ifindex != 0;

	*prev_idx = t->last;
	t->last = idx;
	t->fresh = false;
	if (predicted && rt_egress_equal(eg, &t->expect))
		return RT_EGRESS_SAME;
	if (fresh && predicted)
		return RT_EGRESS_DIVERGES;
	if (*prev_idx < 0 || *prev_idx == idx)
		return RT_EGRESS_SAME;
	return RT_EGRESS_CHANGED;
}

enum rt_egress_verdict rt_egress_report(struct rt_egress_track *t, const struct rt_txrep *r,
					uint16_t *seq, int *idx, int *prev_idx)
{
	uint32_t *slot;

	*idx = *prev_idx = -1;
	if (r->has_seq) {
		*seq = r->seq;
	} else if (r->key < t->next_key && t->next_key - r->key <= RT_EGRESS_KEYS) {
		*seq = t->key_seq[r->key % RT_EGRESS_KEYS];
	} else {
		*seq = 0;
		return RT_EGRESS_SAME;   /* no packet and a key we no longer know */
	}
	slot = &t->slot[*seq & t->mask];
	/* The echo's second report (SND after SCHED) or a stale one. */
	if (*slot && (*slot >> 16) == *seq)
		return RT_EGRESS_SAME;
	*idx = find_or_add(t, r);
	if (*idx < 0) {
		t->unlisted++;
		*slot = 0;
		return RT_EGRESS_SAME;
	}
	t->seen[*idx].echoes++;
	*slot = (uint32_t)*seq << 16 | (uint32_t)(*idx + 1);
	return judge(t, *idx, prev_idx);
}

bool rt_egress_sample(const struct rt_egress_track *t, bool sample, int64_t now)
{
	return !sample || t->asked < RT_EGRESS_FIRST || now - t->last_ask_ns >= RT_EGRESS_GAP_NS;
}

void rt_egress_asked(struct rt_egress_track *t, uint16_t seq, int64_t now)
{
	t->last_ask_ns = now;
	t->key_seq[t->next_key % RT_EGRESS_KEYS] = seq;
	t->next_key++;
	t->asked++;
}

const struct rt_egress *rt_egress_of(const struct rt_egress_track *t, uint16_t seq)
{
	uint32_t s;

	if (!t->slot)
		return NULL;
	s = t->slot[seq & t->mask];
	if (!s || (s >> 16) != seq)
		return NULL;
	return &t->seen[(s & 0xffff) - 1].eg;
}

void rt_egress_expect(struct rt_egress_track *t, const struct rt_egress *expect, bool fresh)
{
	t->expect = *expect;
	t->fresh = fresh;
}

uint64_t rt_egress_observed(const struct rt_egress_track *t)
{
	uint64_t n = t->unlisted;

	for (size_t i = 0; i < t->nseen; i++)
		n += t->seen[i].echoes;
	return n;
}
