/*
 * The target list: names in, duplicates out (a hash of the typed text
 * while the list is read), then one allocation per array of state.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "rtping/demux.h"
#include "rtping/output.h"
#include "rtping/targets.h"

#define NONE UINT32_MAX

/* FNV-1a: names are short, and this only has to spread them. */
static uint32_t hash_str(const char *s)
{
	uint32_t h = 2166136261u;

	while (*s)
		h = (h ^ (uint8_t)*s++) * 16777619u;
	return h;
}

/* Keeps the table at most half full; indices into l->t, NONE empty. */
static int seen_grow(struct rt_targets *l)
{
	size_t size = l->seen ? 2 * (l->seen_mask + 1) : 64;
	uint32_t *tab = malloc(size * sizeof(*tab));

	if (!tab)
		return -ENOMEM;
	memset(tab, 0xff, size * sizeof(*tab));
	for (size_t i = 0; i < l->n; i++) {
		size_t k = hash_str(l->names[i].s) & (size - 1);

		while (tab[k] != NONE)
			k = (k + 1) & (size - 1);
		tab[k] = (uint32_t)i;
	}
	free(l->seen);
	l->seen = tab;
	l->seen_mask = size - 1;
	return 0;
}

/* The slot name hashes to: holding its index when listed, else NONE. */
static uint32_t *seen_slot(const struct rt_targets *l, const char *name)
{
	size_t k = hash_str(name) & l->seen_mask;

	while (l->seen[k] != NONE && strcmp(l->names[l->seen[k]].s, name))
		k = (k + 1) & l->seen_mask;
	return &l->seen[k];
}

static int grow(struct rt_targets *l)
{
	size_t cap = l->cap ? 2 * l->cap : 16;
	void *p;

	if (cap > RT_TARGETS_MAX)
		cap = RT_TARGETS_MAX;
	p = realloc(l->names, cap * sizeof(*l->names));
	if (!p)
		return -ENOMEM;
	l->names = p;
	l->cap = cap;
	return 0;
}

#define ARENA_BLOCK 16384

/* A copy of name in the arena; NULL when out of memory. */
static const char *arena_copy(struct rt_targets *l, const char *name)
{
	size_t len = strlen(name) + 1;
	char *b;

	if (len > ARENA_BLOCK - sizeof(char *))
		return NULL;   /* names are at most RT_TNAME_MAX long */
	if (!l->arena || l->arena_used + len > ARENA_BLOCK) {
		b = malloc(ARENA_BLOCK);
		if (!b)
			return NULL;
		memcpy(b, &l->arena, sizeof(char *));   /* link to the previous block */
		l->arena = b;
		l->arena_used = sizeof(char *);
	}
	b = l->arena + l->arena_used;
	memcpy(b, name, len);
	l->arena_used += len;
	return b;
}

enum rt_tadd rt_targets_add(struct rt_targets *l, const char *name, bool copy, size_t *at)
{
	struct rt_tname *t;
	uint32_t *slot;

	if ((!l->seen || 2 * (l->n + 1) > l->seen_mask + 1) && seen_grow(l) < 0)
		return RT_TADD_NOMEM;
	slot = seen_slot(l, name);
	if (*slot != NONE)
		return *at = *slot, RT_TADD_DUP;
	if (l->n >= RT_TARGETS_MAX)
		return RT_TADD_FULL;
	if (l->n == l->cap && grow(l) < 0)
		return RT_TADD_NOMEM;
	t = &l->names[l->n];
	t->s = copy ? arena_copy(l, name) : name;
	if (!t->s)
		return RT_TADD_NOMEM;
	t->said_dup = false;
	*at = l->n;
	*slot = (uint32_t)l->n++;
	return RT_TADD_OK;
}

int rt_targets_seal(struct rt_targets *l)
{
	size_t n = l->n ? l->n : 1;

	free(l->seen);
	l->seen = NULL;
	l->seen_mask = 0;
	/* Exactly n of each, once: no doubling, so 10 000 targets stay small. */
	l->t = calloc(n, sizeof(*l->t));
	l->peers = calloc(n, sizeof(*l->peers));
	l->st = calloc(n, sizeof(*l->st));
	if (!l->t || !l->peers || !l->st)
		return -ENOMEM;
	for (size_t i = 0; i < l->n; i++) {
		l->t[i].typed = l->t[i].name = l->names[i].s;
		l->t[i].same_next = NONE;
		l->peers[i].st = &l->st[i];
	}
	free(l->names);
	l->names = NULL;
	l->cap = 0;
	return 0;
}

static int cmp_addr_idx(const void *a, const void *b, void *arg)
{
	const struct rt_targets *l = arg;
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	const struct rt_addr *ax = &l->peers[x].addr, *ay = &l->peers[y].addr;
	int c = ax->af != ay->af ? (ax->af < ay->af ? -1 : 1)
			       : memcmp(ax->u.raw, ay->u.raw, ax->af == AF_INET ? 4 : 16);

	return c ? c : (x < y ? -1 : x > y);
}

void rt_targets_link_shared(struct rt_targets *l)
{
	uint32_t *idx = malloc((l->n ? l->n : 1) * sizeof(*idx));
	size_t k = 0;

	if (!idx)
		return;   /* only the prefix and the datagram tie-break need it */
	for (size_t i = 0; i < l->n; i++)
		if (l->t[i].fam)
			idx[k++] = (uint32_t)i;
	/* Sorted by address, then index: neighbours with one address share it. */
	qsort_r(idx, k, sizeof(*idx), cmp_addr_idx, l);
	for (size_t i = 1; i < k; i++) {
		if (!rt_addr_equal(&l->peers[idx[i - 1]].addr, &l->peers[idx[i]].addr))
			continue;
		l->t[idx[i - 1]].same_next = idx[i];
		l->t[idx[i - 1]].shared = l->t[idx[i]].shared = true;
	}
	free(idx);
}

void rt_targets_free(struct rt_targets *l)
{
	for (size_t i = 0; l->t && i < l->n; i++) {
		struct rt_tgt *t = &l->t[i];

		if (t->owned_name)
			free((char *)t->name);
		free(t->route_json);
		free(t->why);
		if (l->st)
			rt_stats_free(&l->st[i]);
	}
	while (l->arena) {
		char *prev;

		memcpy(&prev, l->arena, sizeof(prev));
		free(l->arena);
		l->arena = prev;
	}
	free(l->names);
	free(l->t);
	free(l->peers);
	free(l->st);
	free(l->seen);
	memset(l, 0, sizeof(*l));
}

void rt_targets_totals(const struct rt_targets *l, const struct rt_opts *o,
		       struct rt_out_totals *out)
{
	memset(out, 0, sizeof(*out));
	out->total = l->n;
	for (size_t i = 0; i < l->n; i++) {
		const struct rt_tgt *t = &l->t[i];

		if (t->state == RT_TGT_FAILED)
			out->failed++;
		else if (!l->st[i].ntransmitted)
			out->unprobed++;   /* the run was interrupted before its first echo */
		else if (rt_policy_answered(o, &l->st[i]))
			out->answered++;
		if (t->diverges)
			out->diverging++;
	}
	/* Only a target that was probed can be unreachable. */
	out->unreachable = out->total - out->answered - out->failed - out->unprobed;
}
