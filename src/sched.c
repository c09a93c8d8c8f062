/*
 * When probes leave: each target's schedule by iputils' rules (its fixed
 * interval, preload, -A), and two queues of targets, a binary min-heap of
 * target indices keyed by due time (O(log n) a change, for 10 000
 * targets): who sends next, with a one-token pacer, and whose wake time
 * comes next.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "rtping/sched.h"
#include "rtping/stats.h"

#define GONE UINT32_MAX

/* Target i of n: its first send, the n spread evenly over one interval. */
static int64_t spread(int64_t start, int64_t interval_ns, size_t i, size_t n)
{
	return start + (int64_t)((double)interval_ns * (double)i / (double)n);
}

static bool before(const struct rt_sched_queue *q, size_t a, size_t b)
{
	int64_t da = q->due[q->heap[a]], db = q->due[q->heap[b]];

	/* Ties go to the lower index: argument order. */
	return da < db || (da == db && q->heap[a] < q->heap[b]);
}

static void swap(struct rt_sched_queue *q, size_t a, size_t b)
{
	uint32_t t = q->heap[a];

	q->heap[a] = q->heap[b];
	q->heap[b] = t;
	q->pos[q->heap[a]] = (uint32_t)a;
	q->pos[q->heap[b]] = (uint32_t)b;
}

static void up(struct rt_sched_queue *q, size_t k)
{
	while (k && before(q, k, (k - 1) / 2)) {
		swap(q, k, (k - 1) / 2);
		k = (k - 1) / 2;
	}
}

static void down(struct rt_sched_queue *q, size_t k)
{
	for (;;) {
		size_t l = 2 * k + 1, r = l + 1, m = k;

		if (l < q->n && before(q, l, m))
			m = l;
		if (r < q->n && before(q, r, m))
			m = r;
		if (m == k)
			return;
		swap(q, k, m);
		k = m;
	}
}

int rt_sched_queue_init(struct rt_sched_queue *q, size_t n, long rate, int64_t interval_ns,
			int64_t now)
{
	memset(q, 0, sizeof(*q));
	if (rate < 0 || n >= GONE)
		return -EINVAL;
	q->gap_ns = rate ? 1000000000LL / rate : 0;
	q->next_ns = now;
	q->heap = malloc(n * sizeof(*q->heap) + 1);
	q->pos = malloc(n * sizeof(*q->pos) + 1);
	q->due = malloc(n * sizeof(*q->due) + 1);
	if (!q->heap || !q->pos || !q->due) {
		rt_sched_queue_free(q);
		return -ENOMEM;
	}
	q->ntargets = q->n = n;
	/* Already a heap: due times rise with the index. */
	for (size_t i = 0; i < n; i++) {
		q->heap[i] = q->pos[i] = (uint32_t)i;
		q->due[i] = spread(now, interval_ns, i, n);
	}
	return 0;
}

void rt_sched_queue_free(struct rt_sched_queue *q)
{
	free(q->heap);
	free(q->pos);
	free(q->due);
	memset(q, 0, sizeof(*q));
}

/* When q's first target (q not empty) may go: its due time, not before the pacer's nor floor. */
static int64_t head_at(const struct rt_sched_queue *q, int64_t floor)
{
	int64_t at = q->due[q->heap[0]];

	if (at < q->next_ns)
		at = q->next_ns;
	return at < floor ? floor : at;
}

long rt_sched_queue_pick(const struct rt_sched_queue *q, int64_t now, int64_t *wake)
{
	int64_t at;

	if (!q->n) {
		*wake = 0;
		return -1;
	}
	at = head_at(q, INT64_MIN);
	if (at > now) {
		*wake = at;
		return -1;
	}
	return q->heap[0];
}

void rt_sched_queue_defer(struct rt_sched_queue *q, size_t i, int64_t due)
{
	int64_t old = q->due[i];

	if (q->pos[i] == GONE || due == old)   /* a flood's wake time, asked per echo */
		return;
	q->due[i] = due;
	if (due < old)
		up(q, q->pos[i]);
	else
		down(q, q->pos[i]);
}

/*
 * A send at now takes q's token. An absolute schedule, so the wake-up
 * latency of each send does not add up over thousands (1000 targets at
 * 1000/s lost 0.1 s to it); but a send later than a whole gap restarts it
 * from now: one token, never a burst for the time lost.
 */
static void take_token(struct rt_sched_queue *q, int64_t now)
{
	q->next_ns = (now - q->next_ns >= q->gap_ns ? now : q->next_ns) + q->gap_ns;
}

void rt_sched_queue_sent(struct rt_sched_queue *q, size_t i, int64_t now, int64_t due)
{
	take_token(q, now);
	rt_sched_queue_defer(q, i, due);
}

/* Target i (not in q) joins it, due at due. */
static void queue_insert(struct rt_sched_queue *q, size_t i, int64_t due)
{
	q->heap[q->n] = (uint32_t)i;
	q->pos[i] = (uint32_t)q->n;
	q->due[i] = due;
	up(q, q->n++);
}

void rt_sched_queue_done(struct rt_sched_queue *q, size_t i)
{
	size_t k = q->pos[i];

	if (k == GONE)
		return;
	q->n--;
	if (k != q->n) {
		swap(q, k, q->n);
		q->pos[i] = GONE;
		/* The one moved into slot k may belong higher or lower. */
		up(q, k);
		down(q, k);
	}
	q->pos[i] = GONE;
}

/* ---- each target's schedule --------------------------------------------- */

int rt_sched_init(struct rt_sched *s, const struct rt_sched_cfg *c, size_t n, int64_t now)
{
	int rc;

	memset(s, 0, sizeof(*s));
	s->cfg = *c;
	if (s->cfg.preload < 1)
		s->cfg.preload = 1;
	s->n = n;
	s->start_ns = now;
	if ((rc = rt_sched_queue_init(&s->send, n, c->rate, c->interval_ns, now)) < 0 ||
	    (rc = rt_sched_queue_init(&s->wake, n, 0, 0, now)) < 0) {
		rt_sched_free(s);
		return rc;
	}
	s->next_ns = malloc(n * sizeof(*s->next_ns) + 1);
	s->retry_ns = malloc(n * sizeof(*s->retry_ns) + 1);
	if (!s->next_ns || !s->retry_ns) {
		rt_sched_free(s);
		return -ENOMEM;
	}
	/* Each its own -i schedule from its first send, and no send before that. */
	for (size_t i = 0; i < n; i++)
		s->next_ns[i] = s->retry_ns[i] = rt_sched_first(s, i);
	return 0;
}

int rt_sched_set_group(struct rt_sched *s, size_t i)
{
	int rc;

	if (!s->cfg.group_gap_ns || i >= s->n || (s->in_group && s->in_group[i]))
		return 0;
	if (!s->in_group) {
		/* Its arrays as long as the send queue's, then emptied: indices are targets. */
		if ((rc = rt_sched_queue_init(&s->group, s->n, 0, 0, s->start_ns)) < 0)
			return rc;
		if (!(s->in_group = calloc(s->n + 1, 1))) {
			rt_sched_queue_free(&s->group);
			return -ENOMEM;
		}
		s->group.gap_ns = s->cfg.group_gap_ns;
		s->group.n = 0;
		memset(s->group.pos, 0xff, s->n * sizeof(*s->group.pos));
	}
	s->in_group[i] = 1;
	queue_insert(&s->group, i, s->send.due[i]);
	rt_sched_queue_done(&s->send, i);
	return 0;
}

/* The queue target i sends from. */
static struct rt_sched_queue *queue_of(struct rt_sched *s, size_t i)
{
	return s->in_group && s->in_group[i] ? &s->group : &s->send;
}

void rt_sched_free(struct rt_sched *s)
{
	rt_sched_queue_free(&s->send);
	rt_sched_queue_free(&s->wake);
	rt_sched_queue_free(&s->group);
	free(s->in_group);
	free(s->next_ns);
	free(s->retry_ns);
	memset(s, 0, sizeof(*s));
}

int64_t rt_sched_first(const struct rt_sched *s, size_t i)
{
	return spread(s->start_ns, s->cfg.interval_ns, i, s->n);
}

int64_t rt_sched_adaptive_interval(const struct rt_sched *s, const struct rt_stats *st)
{
	int64_t est_us = st->ewma8 ? (int64_t)(st->ewma8 / 8) : s->cfg.interval_ns / 1000;
	int64_t ns = (est_us + 500) / 1000 * 1000000;

	return ns < s->cfg.min_interval_ns ? s->cfg.min_interval_ns : ns;
}

/* iputils' pinger(): when target i's next probe is due by its statistics. */
static int64_t rule_due(const struct rt_sched *s, size_t i, const struct rt_stats *st)
{
	const struct rt_sched_cfg *c = &s->cfg;
	int64_t iv = c->adaptive ? rt_sched_adaptive_interval(s, st) : c->interval_ns;
	bool room = rt_stats_in_flight(st) < c->preload;

	if ((long)st->ntransmitted < c->preload)
		return INT64_MIN;
	/* Flood, or -A faster than 10 ms: the window decides, 10 ms at most. */
	if (iv == 0 || (c->adaptive && iv < RT_FLOOD_GAP_NS && !room))
		return room ? INT64_MIN : st->last_send_ns + RT_FLOOD_GAP_NS;
	if (c->adaptive)
		return st->last_send_ns + iv;
	return s->next_ns[i];
}

int64_t rt_sched_due(const struct rt_sched *s, size_t i, const struct rt_stats *st)
{
	int64_t due = rule_due(s, i, st);

	/* Unless a full queue said wait. */
	return due > s->retry_ns[i] ? due : s->retry_ns[i];
}

void rt_sched_sent(struct rt_sched *s, size_t i, const struct rt_stats *st, int64_t now)
{
	int64_t iv = s->cfg.interval_ns;

	/* Its schedule runs from its first echo, which --rate may have held back. */
	if (st->ntransmitted == 1)
		s->next_ns[i] = now;
	if ((long)st->ntransmitted >= s->cfg.preload) {
		s->next_ns[i] += iv;
		/* Stalled (stopped process, slow device): restart, don't burst to catch up. */
		if (s->next_ns[i] < now - iv)
			s->next_ns[i] = now;
	}
	/*
	 * A group send takes the run's token, and the group's next is a whole
	 * gap after it: at most one a gap, even after a late one.
	 */
	if (queue_of(s, i) == &s->group) {
		take_token(&s->send, now);
		s->group.next_ns = now + s->group.gap_ns;
		rt_sched_queue_defer(&s->group, i, rt_sched_due(s, i, st));
		return;
	}
	rt_sched_queue_sent(&s->send, i, now, rt_sched_due(s, i, st));
}

void rt_sched_retry(struct rt_sched *s, size_t i, const struct rt_stats *st, int64_t now)
{
	s->retry_ns[i] = now + RT_FLOOD_GAP_NS;
	rt_sched_queue_defer(queue_of(s, i), i, rt_sched_due(s, i, st));
}

void rt_sched_backoff(struct rt_sched *s, size_t i, const struct rt_stats *st, int64_t now)
{
	int64_t wait = s->cfg.interval_ns > RT_SCHED_BACKOFF_NS ? s->cfg.interval_ns
								 : RT_SCHED_BACKOFF_NS;

	s->retry_ns[i] = now + wait;
	rt_sched_sent(s, i, st, now);
}

void rt_sched_plan(struct rt_sched *s, size_t i, const struct rt_stats *st, bool may_send,
		   int64_t wake)
{
	if (may_send)
		rt_sched_queue_defer(queue_of(s, i), i, rt_sched_due(s, i, st));
	else
		rt_sched_queue_done(queue_of(s, i), i);
	rt_sched_queue_defer(&s->wake, i, wake ? wake : RT_SCHED_NONE);
}

void rt_sched_done(struct rt_sched *s, size_t i)
{
	rt_sched_queue_done(queue_of(s, i), i);
	rt_sched_queue_done(&s->wake, i);
}

long rt_sched_next_send(const struct rt_sched *s, int64_t now, int64_t *wake)
{
	int64_t a, b;

	if (!s->in_group || !s->group.n)
		return rt_sched_queue_pick(&s->send, now, wake);
	if (!s->send.n)
		a = INT64_MAX;
	else
		a = head_at(&s->send, INT64_MIN);
	/* Whichever may go first: a group target also waits for the run's token. */
	b = head_at(&s->group, s->send.next_ns);
	*wake = a < b ? a : b;
	if (*wake > now)
		return -1;
	return a <= b ? s->send.heap[0] : s->group.heap[0];
}

long rt_sched_next_wake(const struct rt_sched *s, int64_t now, int64_t *wake)
{
	return rt_sched_queue_pick(&s->wake, now, wake);
}

void rt_sched_woke(struct rt_sched *s, size_t i, int64_t now)
{
	/* Never asked about the same one for ever. */
	if (s->wake.due[i] <= now)
		rt_sched_queue_defer(&s->wake, i, RT_SCHED_NONE);
}

int64_t rt_sched_earliest(const struct rt_sched *s)
{
	int64_t next = 0, w;

	/* Asking for the earliest with a time before any is a pure query. */
	if (rt_sched_next_send(s, INT64_MIN + 1, &w) < 0 && w)
		next = w;
	if (rt_sched_next_wake(s, INT64_MIN + 1, &w) < 0 && w && w != RT_SCHED_NONE &&
	    (!next || w < next))
		next = w;
	return next;
}
