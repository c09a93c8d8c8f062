/*
 * Which target sends next: a binary min-heap of target indices keyed by
 * due time (O(log n) a send, for 10 000 targets), and a one-token pacer.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "rtping/tsched.h"

#define GONE UINT32_MAX

static bool before(const struct rt_tsched *s, size_t a, size_t b)
{
	int64_t da = s->due[s->heap[a]], db = s->due[s->heap[b]];

	/* Ties go to the lower index: argument order. */
	return da < db || (da == db && s->heap[a] < s->heap[b]);
}

static void swap(struct rt_tsched *s, size_t a, size_t b)
{
	uint32_t t = s->heap[a];

	s->heap[a] = s->heap[b];
	s->heap[b] = t;
	s->pos[s->heap[a]] = (uint32_t)a;
	s->pos[s->heap[b]] = (uint32_t)b;
}

static void up(struct rt_tsched *s, size_t k)
{
	while (k && before(s, k, (k - 1) / 2)) {
		swap(s, k, (k - 1) / 2);
		k = (k - 1) / 2;
	}
}

static void down(struct rt_tsched *s, size_t k)
{
	for (;;) {
		size_t l = 2 * k + 1, r = l + 1, m = k;

		if (l < s->n && before(s, l, m))
			m = l;
		if (r < s->n && before(s, r, m))
			m = r;
		if (m == k)
			return;
		swap(s, k, m);
		k = m;
	}
}

int rt_tsched_init(struct rt_tsched *s, size_t n, long rate, int64_t interval_ns,
		   int64_t now)
{
	memset(s, 0, sizeof(*s));
	if (rate < 0 || n >= GONE)
		return -EINVAL;
	s->gap_ns = rate ? 1000000000LL / rate : 0;
	s->next_ns = now;
	s->heap = malloc(n * sizeof(*s->heap) + 1);
	s->pos = malloc(n * sizeof(*s->pos) + 1);
	s->due = malloc(n * sizeof(*s->due) + 1);
	if (!s->heap || !s->pos || !s->due) {
		rt_tsched_free(s);
		return -ENOMEM;
	}
	s->ntargets = s->n = n;
	/* Already a heap: due times rise with the index. */
	for (size_t i = 0; i < n; i++) {
		s->heap[i] = s->pos[i] = (uint32_t)i;
		s->due[i] = now + (int64_t)((double)interval_ns * (double)i / (double)n);
	}
	return 0;
}

void rt_tsched_free(struct rt_tsched *s)
{
	free(s->heap);
	free(s->pos);
	free(s->due);
	memset(s, 0, sizeof(*s));
}

long rt_tsched_pick(struct rt_tsched *s, int64_t now, int64_t *wake)
{
	int64_t at;

	if (!s->n) {
		*wake = 0;
		return -1;
	}
	at = s->due[s->heap[0]];
	if (at < s->next_ns)
		at = s->next_ns;
	if (at > now) {
		*wake = at;
		return -1;
	}
	return s->heap[0];
}

void rt_tsched_defer(struct rt_tsched *s, size_t i, int64_t due)
{
	int64_t old = s->due[i];

	if (s->pos[i] == GONE || due == old)   /* a flood's wake time, asked per echo */
		return;
	s->due[i] = due;
	if (due < old)
		up(s, s->pos[i]);
	else
		down(s, s->pos[i]);
}

void rt_tsched_sent(struct rt_tsched *s, size_t i, int64_t now, int64_t due)
{
	/*
	 * An absolute schedule, so the wake-up latency of each send does not
	 * add up over thousands (1000 targets at 1000/s lost 0.1 s to it);
	 * but a send later than a whole gap restarts it from now: one token,
	 * never a burst for the time lost.
	 */
	s->next_ns = (now - s->next_ns >= s->gap_ns ? now : s->next_ns) + s->gap_ns;
	rt_tsched_defer(s, i, due);
}

void rt_tsched_done(struct rt_tsched *s, size_t i)
{
	size_t k = s->pos[i];

	if (k == GONE)
		return;
	s->n--;
	if (k != s->n) {
		swap(s, k, s->n);
		s->pos[i] = GONE;
		/* The one moved into slot k may belong higher or lower. */
		up(s, k);
		down(s, k);
	}
	s->pos[i] = GONE;
}
