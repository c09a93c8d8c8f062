/*
 * Transmit reports to echoes, per-egress counts, and the rules for when an
 * egress is news: the first echo that left otherwise than predicted (once),
 * or an echo that left otherwise than the one before it when no route
 * change explained it. An echo that confirms the current prediction, or
 * repeats the previous echo's egress, says nothing. Egresses are indices
 * into the run's table, so two are the same when their indices are.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "rtping/egress.h"

/* Two reports without a source are the same egress when their device is. */
bool rt_egress_equal(const struct rt_egress *a, const struct rt_egress *b)
{
	bool unset = !rt_addr_is_set(&a->src) && !rt_addr_is_set(&b->src);

	return a->ifindex == b->ifindex && (unset || rt_addr_equal(&a->src, &b->src));
}

uint8_t rt_egress_table_add(struct rt_egress_table *tb, const struct rt_egress *eg)
{
	struct rt_egress *more;

	for (size_t i = 0; i < tb->n; i++)
		if (rt_egress_equal(&tb->eg[i], eg))
			return (uint8_t)(i + 1);
	if (tb->n == RT_EGRESS_TABLE || !(more = realloc(tb->eg, (tb->n + 1) * sizeof(*more))))
		return 0;
	tb->eg = more;
	tb->eg[tb->n] = *eg;
	return (uint8_t)++tb->n;
}

void rt_egress_table_free(struct rt_egress_table *tb)
{
	free(tb->eg);
	tb->eg = NULL;
	tb->n = 0;
}

int rt_egress_init(struct rt_egress_track *t, size_t window, bool keys)
{
	memset(t, 0, sizeof(*t));
	if (!window || (window & (window - 1)))
		return -EINVAL;
	/* The slots wait for the first report: many targets, -c 1, cost little. */
	t->mask = (uint32_t)window - 1;
	t->fresh = true;
	if (keys && !(t->key_seq = calloc(RT_EGRESS_KEYS, sizeof(*t->key_seq))))
		return -ENOMEM;
	return 0;
}

void rt_egress_free(struct rt_egress_track *t)
{
	if (t->slot != &t->slot1)
		free(t->slot);
	free(t->more);
	free(t->key_seq);
	t->slot = NULL;
	t->more = NULL;
	t->key_seq = NULL;
	t->nseen = 0;
}

/* Counted egress k: echoes << 8 | egress. */
static uint64_t *entry(const struct rt_egress_track *t, size_t k)
{
	return k ? &t->more[k - 1] : (uint64_t *)&t->seen1;
}

/* Counts one echo by eg; false when past RT_EGRESS_MAX (or out of memory). */
static bool count(struct rt_egress_track *t, uint8_t eg)
{
	uint64_t *more;

	for (size_t k = 0; k < t->nseen; k++) {
		uint64_t *e = entry(t, k);

		if ((*e & 0xff) == eg) {
			*e += 1 << 8;
			return true;
		}
	}
	if (t->nseen == RT_EGRESS_MAX)
		return false;
	if (t->nseen) {
		if (!(more = realloc(t->more, t->nseen * sizeof(*more))))
			return false;
		t->more = more;
	}
	*entry(t, t->nseen++) = 1 << 8 | eg;
	return true;
}

static enum rt_egress_verdict judge(struct rt_egress_track *t, uint8_t eg, uint8_t *prev)
{
	bool fresh = t->fresh, predicted = t->expect != 0;

	*prev = t->last;
	t->last = eg;
	t->fresh = false;
	if (predicted && eg == t->expect)
		return RT_EGRESS_SAME;
	if (fresh && predicted)
		return RT_EGRESS_DIVERGES;
	if (!*prev || *prev == eg)
		return RT_EGRESS_SAME;
	return RT_EGRESS_CHANGED;
}

enum rt_egress_verdict rt_egress_report(struct rt_egress_track *t, struct rt_egress_table *tb,
					const struct rt_txrep *r, uint16_t *seq, uint8_t *eg,
					uint8_t *prev)
{
	struct rt_egress e = { .ifindex = r->ifindex, .src = r->src };
	uint32_t *slot;

	*eg = *prev = 0;
	if (r->has_seq) {
		*seq = r->seq;
	} else if (t->key_seq && r->key < t->next_key && t->next_key - r->key <= RT_EGRESS_KEYS) {
		*seq = t->key_seq[r->key % RT_EGRESS_KEYS];
	} else {
		*seq = 0;
		return RT_EGRESS_SAME;   /* no packet and a key we no longer know */
	}
	if (!t->mask)
		t->slot = &t->slot1;
	else if (!t->slot && !(t->slot = calloc((size_t)t->mask + 1, sizeof(*t->slot))))
		return RT_EGRESS_SAME;
	slot = &t->slot[*seq & t->mask];
	/* The echo's second report (SND after SCHED) or a stale one. */
	if (*slot && (*slot >> 16) == *seq)
		return RT_EGRESS_SAME;
	*eg = rt_egress_table_add(tb, &e);
	if (!*eg || !count(t, *eg)) {
		t->unlisted++;
		*slot = 0;
		*eg = 0;
		return RT_EGRESS_SAME;
	}
	*slot = (uint32_t)*seq << 16 | *eg;
	return judge(t, *eg, prev);
}

bool rt_egress_sample(const struct rt_egress_track *t, bool sample, int64_t now)
{
	return !sample || t->asked < RT_EGRESS_FIRST || now - t->last_ask_ns >= RT_EGRESS_GAP_NS;
}

void rt_egress_asked(struct rt_egress_track *t, uint16_t seq, int64_t now)
{
	t->last_ask_ns = now;
	if (t->key_seq)
		t->key_seq[t->next_key % RT_EGRESS_KEYS] = seq;
	t->next_key++;
	t->asked++;
}

uint8_t rt_egress_of(const struct rt_egress_track *t, uint16_t seq)
{
	uint32_t s;

	if (!t->slot)
		return 0;
	s = t->slot[seq & t->mask];
	if (!s || (s >> 16) != seq)
		return 0;
	return (uint8_t)(s & 0xff);
}

void rt_egress_expect(struct rt_egress_track *t, uint8_t expect, bool fresh)
{
	t->expect = expect;
	t->fresh = fresh;
}

uint64_t rt_egress_observed(const struct rt_egress_track *t)
{
	uint64_t n = t->unlisted;

	for (size_t k = 0; k < t->nseen; k++)
		n += *entry(t, k) >> 8;
	return n;
}

size_t rt_egress_counts(const struct rt_egress_track *t, const struct rt_egress_table *tb,
			struct rt_egress_seen *out)
{
	for (size_t k = 0; k < t->nseen; k++) {
		uint64_t e = *entry(t, k);

		out[k] = (struct rt_egress_seen){ .eg = tb->eg[(e & 0xff) - 1], .echoes = e >> 8 };
	}
	return t->nseen;
}
