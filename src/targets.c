/*
 * The target list: names in, duplicates out (a hash of the address a
 * name spells, or of its text, while the list is read), then one
 * allocation per array of state.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <net/if.h>

#include "rtping/demux.h"
#include "rtping/output.h"
#include "rtping/targets.h"

#define NONE UINT32_MAX

/*
 * What makes two names one target: the address they spell, however it is
 * written (inet_aton()'s forms for IPv4, as getaddrinfo() reads them:
 * 10.77.00.002 is 10.77.0.2), with its scope for IPv6 (fe80::1%a and
 * fe80::1%b are two); anything else by its text.
 */
struct tkey {
	int af;                      /* AF_UNSPEC: the text */
	uint8_t a[16];
	uint32_t scope;
	const char *s;
};

/* "%a" or "%2" after an IPv6 address: its interface index; 0 unknown. */
static uint32_t scope_of(const char *s)
{
	char *end;
	unsigned long v;

	if (!*s)
		return 0;
	v = strtoul(s, &end, 10);
	if (!*end && *s >= '0' && *s <= '9')
		return v <= UINT32_MAX ? (uint32_t)v : 0;
	return if_nametoindex(s);
}

static void key_of(const char *name, struct tkey *k)
{
	char buf[INET6_ADDRSTRLEN];
	const char *pct;
	size_t len;
	struct in_addr in;

	memset(k, 0, sizeof(*k));
	k->s = name;
	/* inet_aton() stops at a space; getaddrinfo() would refuse the rest. */
	if (strpbrk(name, " \t\n"))
		return;
	if (inet_aton(name, &in) == 1) {
		k->af = AF_INET;
		memcpy(k->a, &in, 4);
		return;
	}
	pct = strchr(name, '%');
	len = pct ? (size_t)(pct - name) : strlen(name);
	if (!strchr(name, ':') || len >= sizeof(buf))
		return;
	memcpy(buf, name, len);
	buf[len] = '\0';
	if (inet_pton(AF_INET6, buf, k->a) != 1 || (pct && !(k->scope = scope_of(pct + 1))))
		return;
	k->af = AF_INET6;
}

/* DNS names match whatever their ASCII case (RFC 4343): LOCALHOST is localhost. */
static uint8_t fold(uint8_t c)
{
	return c >= 'A' && c <= 'Z' ? (uint8_t)(c - 'A' + 'a') : c;
}

static bool same_name(const char *x, const char *y)
{
	for (; *x && fold((uint8_t)*x) == fold((uint8_t)*y); x++, y++)
		;
	return !*x && !*y;
}

static bool key_equal(const struct tkey *x, const struct tkey *y)
{
	if (x->af != y->af)
		return false;
	if (x->af == AF_UNSPEC)
		return same_name(x->s, y->s);
	return !memcmp(x->a, y->a, sizeof(x->a)) && x->scope == y->scope;
}

/* FNV-1a: names are short, and this only has to spread them. */
static uint32_t fnv(uint32_t h, const uint8_t *p, size_t n)
{
	while (n--)
		h = (h ^ *p++) * 16777619u;
	return h;
}

static uint32_t hash_key(const struct tkey *k)
{
	uint32_t h = 2166136261u;

	if (k->af == AF_UNSPEC) {
		for (const char *p = k->s; *p; p++)
			h = (h ^ fold((uint8_t)*p)) * 16777619u;
		return h;
	}
	h = fnv(h, (const uint8_t *)&k->af, sizeof(k->af));
	h = fnv(h, k->a, sizeof(k->a));
	return fnv(h, (const uint8_t *)&k->scope, sizeof(k->scope));
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
		struct tkey key;
		size_t k;

		key_of(l->names[i].s, &key);
		k = hash_key(&key) & (size - 1);

		while (tab[k] != NONE)
			k = (k + 1) & (size - 1);
		tab[k] = (uint32_t)i;
	}
	free(l->seen);
	l->seen = tab;
	l->seen_mask = size - 1;
	return 0;
}

/* The slot name's key hashes to: holding its index when listed, else NONE. */
static uint32_t *seen_slot(const struct rt_targets *l, const char *name)
{
	struct tkey key, other;
	size_t k;

	key_of(name, &key);
	for (k = hash_key(&key) & l->seen_mask; l->seen[k] != NONE; k = (k + 1) & l->seen_mask) {
		key_of(l->names[l->seen[k]].s, &other);
		if (key_equal(&key, &other))
			break;
	}
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
		else if (l->st[i].nreceived)
			out->answered++;
		out->met += t->state != RT_TGT_FAILED && rt_policy_answered(o, &l->st[i]);
		if (t->diverges)
			out->diverging++;
	}
	/* Only a target that was probed can be unreachable. */
	out->unreachable = out->total - out->answered - out->failed - out->unprobed;
}
