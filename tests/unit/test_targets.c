/* The target list and the many-target demux, pure: no sockets, no names resolved. */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "rtping/demux.h"
#include "rtping/exitcodes.h"
#include "rtping/family.h"
#include "rtping/icmp.h"
#include "rtping/output.h"
#include "rtping/targets.h"
#include "runner.h"

/* A duplicate is not added, and tells which entry it repeats. */
START_TEST(duplicates_listed_once_in_argument_order)
{
	struct rt_targets l = { 0 };
	char name[] = "b.example";
	size_t at;

	ck_assert_int_eq(rt_targets_add(&l, "a.example", false, &at), RT_TADD_OK);
	ck_assert_uint_eq(at, 0);
	ck_assert_int_eq(rt_targets_add(&l, name, true, &at), RT_TADD_OK);
	ck_assert_uint_eq(at, 1);
	name[0] = 'x';   /* a copy was asked for: the list keeps "b.example" */
	ck_assert_int_eq(rt_targets_add(&l, "b.example", false, &at), RT_TADD_DUP);
	ck_assert_uint_eq(at, 1);
	ck_assert_int_eq(rt_targets_add(&l, "a.example", true, &at), RT_TADD_DUP);
	ck_assert_uint_eq(at, 0);
	ck_assert_uint_eq(l.n, 2);
	ck_assert_str_eq(l.names[1].s, "b.example");
	ck_assert_int_eq(rt_targets_seal(&l), 0);
	ck_assert_str_eq(l.t[1].typed, "b.example");
	ck_assert_ptr_ne(l.t[1].typed, name);
	ck_assert_ptr_eq(l.t[0].typed, l.t[0].name);
	ck_assert_ptr_eq(l.peers[1].st, &l.st[1]);
	rt_targets_free(&l);
}
END_TEST

/* One address however it is spelled is one target; a scope makes another. */
START_TEST(duplicates_by_address_whatever_the_spelling)
{
	struct rt_targets l = { 0 };
	size_t at;

	ck_assert_int_eq(rt_targets_add(&l, "10.77.0.2", false, &at), RT_TADD_OK);
	ck_assert_int_eq(rt_targets_add(&l, "10.77.00.002", false, &at), RT_TADD_DUP);
	ck_assert_uint_eq(at, 0);
	ck_assert_int_eq(rt_targets_add(&l, "0x0a.77.0.2", false, &at), RT_TADD_DUP);
	ck_assert_int_eq(rt_targets_add(&l, "10.77.2", false, &at), RT_TADD_DUP);
	/* inet_aton()'s octal: 010 is 8, another host. */
	ck_assert_int_eq(rt_targets_add(&l, "010.77.0.2", false, &at), RT_TADD_OK);
	ck_assert_int_eq(rt_targets_add(&l, "fd00::1", false, &at), RT_TADD_OK);
	ck_assert_int_eq(rt_targets_add(&l, "fd00:0:0::0001", false, &at), RT_TADD_DUP);
	ck_assert_uint_eq(at, 2);
	ck_assert_int_eq(rt_targets_add(&l, "FD00::1", false, &at), RT_TADD_DUP);
	/* Scopes: by number, by name (lo is 1 in every namespace), or none. */
	ck_assert_int_eq(rt_targets_add(&l, "fe80::1%1", false, &at), RT_TADD_OK);
	ck_assert_int_eq(rt_targets_add(&l, "fe80::1%lo", false, &at), RT_TADD_DUP);
	ck_assert_uint_eq(at, 3);
	ck_assert_int_eq(rt_targets_add(&l, "fe80::1%2", false, &at), RT_TADD_OK);
	ck_assert_int_eq(rt_targets_add(&l, "fe80::1", false, &at), RT_TADD_OK);
	/* An unknown interface is text: the same text is still a duplicate. */
	ck_assert_int_eq(rt_targets_add(&l, "fe80::1%nosuch0", false, &at), RT_TADD_OK);
	ck_assert_int_eq(rt_targets_add(&l, "fe80::1%nosuch0", false, &at), RT_TADD_DUP);
	/* Not an address (getaddrinfo() refuses what follows a space): text. */
	ck_assert_int_eq(rt_targets_add(&l, "10.77.0.2 x", false, &at), RT_TADD_OK);
	/* A name is one whatever its ASCII case (DNS and /etc/hosts ignore it). */
	ck_assert_int_eq(rt_targets_add(&l, "a.example", false, &at), RT_TADD_OK);
	ck_assert_int_eq(rt_targets_add(&l, "A.EXAMPLE", false, &at), RT_TADD_DUP);
	ck_assert_int_eq(rt_targets_add(&l, "b.example", false, &at), RT_TADD_OK);
	ck_assert_uint_eq(l.n, 10);
	rt_targets_free(&l);
}
END_TEST

/* The limit is a count of distinct targets: duplicates past it are still duplicates. */
START_TEST(limit_is_distinct_targets)
{
	struct rt_targets l = { 0 };
	char name[32];
	size_t at;

	for (int i = 0; i < RT_TARGETS_MAX; i++) {
		snprintf(name, sizeof(name), "h%d", i);
		ck_assert_int_eq(rt_targets_add(&l, name, true, &at), RT_TADD_OK);
	}
	ck_assert_int_eq(rt_targets_add(&l, "h7", false, &at), RT_TADD_DUP);
	ck_assert_uint_eq(at, 7);
	ck_assert_int_eq(rt_targets_add(&l, "one-more", false, &at), RT_TADD_FULL);
	ck_assert_uint_eq(l.n, RT_TARGETS_MAX);
	rt_targets_free(&l);
}
END_TEST

static void set_addr(struct rt_targets *l, size_t i, const char *a)
{
	ck_assert_int_eq(rt_addr_parse(&l->peers[i].addr, AF_UNSPEC, a), 0);
	l->t[i].fam = rt_family_get(l->peers[i].addr.af);
	l->t[i].state = RT_TGT_READY;
}

/* Two names, one address: both marked (their lines get a prefix) and chained. */
START_TEST(shared_addresses_are_linked)
{
	struct rt_targets l = { 0 };
	const char *names[] = { "a", "b", "c", "d" };
	size_t at;

	for (size_t i = 0; i < 4; i++)
		rt_targets_add(&l, names[i], false, &at);
	ck_assert_int_eq(rt_targets_seal(&l), 0);
	set_addr(&l, 0, "10.0.0.1");
	set_addr(&l, 1, "10.0.0.2");
	set_addr(&l, 2, "::a00:1");     /* the same bytes in another family: not shared */
	set_addr(&l, 3, "10.0.0.1");
	rt_targets_link_shared(&l);
	ck_assert(l.t[0].shared && l.t[3].shared);
	ck_assert(!l.t[1].shared && !l.t[2].shared);
	ck_assert_uint_eq(l.t[0].same_next, 3);
	ck_assert_uint_eq(l.t[3].same_next, UINT32_MAX);
	rt_targets_free(&l);
}
END_TEST

/* Answered: a reply came; met: iputils' exit 0; failed and unprobed targets apart. */
START_TEST(totals_for_the_closing_line)
{
	struct rt_targets l = { 0 };
	struct rt_opts o = { .count = 2 };
	struct rt_out_totals t;
	struct rt_reply_acct a;
	size_t at;

	rt_targets_add(&l, "a", false, &at);
	rt_targets_add(&l, "b", false, &at);
	rt_targets_add(&l, "c", false, &at);
	rt_targets_add(&l, "d", false, &at);
	ck_assert_int_eq(rt_targets_seal(&l), 0);
	for (size_t i = 0; i < 2; i++)
		ck_assert_int_eq(rt_stats_init(&l.st[i], 0, 4), 0);
	ck_assert_int_eq(rt_stats_init(&l.st[3], 0, 4), 0);
	l.t[3].state = RT_TGT_RUNNING;   /* interrupted before its first echo */
	rt_stats_sent(&l.st[0], 1, 0);
	rt_stats_reply(&l.st[0], 1, 1000, false, &a);
	rt_stats_sent(&l.st[1], 1, 0);
	l.t[1].diverges = true;
	l.t[2].state = RT_TGT_FAILED;
	rt_targets_totals(&l, &o, &t);
	ck_assert_uint_eq(t.total, 4);
	ck_assert_uint_eq(t.answered, 1);
	ck_assert_uint_eq(t.unreachable, 1);   /* neither the failed one nor the unprobed one */
	ck_assert_uint_eq(t.diverging, 1);
	ck_assert_uint_eq(t.failed, 1);
	ck_assert_uint_eq(t.unprobed, 1);
	ck_assert_uint_eq(t.met, 1);
	/*
	 * -w: fewer than -c replies is iputils' exit 1, yet the target did
	 * answer: it is neither unreachable nor counted as a success.
	 */
	o.deadline_s = 5;
	rt_targets_totals(&l, &o, &t);
	ck_assert_uint_eq(t.answered, 1);
	ck_assert_uint_eq(t.unreachable, 1);
	ck_assert_uint_eq(t.met, 0);
	rt_stats_sent(&l.st[0], 2, 0);
	rt_stats_reply(&l.st[0], 2, 1000, false, &a);
	rt_targets_totals(&l, &o, &t);
	ck_assert_uint_eq(t.met, 1);
	rt_targets_free(&l);
}
END_TEST

/* What came back: an id, a sequence and an address (a reply's source, an error's destination). */
static const struct rt_demux_key *key(uint16_t id, uint16_t seq, const struct rt_addr *a)
{
	static struct rt_demux_key k;

	k = (struct rt_demux_key){ .id = id, .seq = seq, .addr = *a };
	return &k;
}

START_TEST(demux_by_id_and_seq_or_by_source)
{
	struct rt_stats a, b;
	struct rt_peer p[2];
	struct rt_addr from;
	struct rt_demux d, one;

	ck_assert_int_eq(rt_stats_init(&a, 0, 16), 0);
	ck_assert_int_eq(rt_stats_init(&b, 0, 16), 0);
	rt_stats_sent(&a, 1, 0);
	rt_stats_sent(&b, 1, 0);
	rt_stats_sent(&b, 2, 0);
	p[0] = (struct rt_peer){ .id = 7, .st = &a };
	p[1] = (struct rt_peer){ .id = 8, .st = &b };
	rt_addr_parse(&p[0].addr, AF_INET, "10.0.0.1");
	rt_addr_parse(&p[1].addr, AF_INET, "10.0.0.2");
	ck_assert_int_eq(rt_demux_init(&d, p, 2), 0);
	ck_assert_int_eq(rt_demux_init(&one, p, 1), 0);
	/*
	 * Raw: the identifier picks the target (out of its window: shown, not
	 * counted); with several, only from the target's own address.
	 */
	ck_assert_int_eq(rt_demux_find(&d, true, key(7, 1, &p[0].addr)), 0);
	ck_assert_int_eq(rt_demux_find(&d, true, key(8, 2, &p[1].addr)), 1);
	ck_assert_int_eq(rt_demux_find(&d, true, key(7, 9, &p[0].addr)), 0);
	ck_assert_int_eq(rt_demux_find(&d, true, key(9, 1, &p[0].addr)), -1);
	ck_assert_int_eq(rt_demux_find(&d, true, key(7, 1, &p[1].addr)), -1);
	/* A broadcast or multicast target: any host may answer. */
	p[0].any_source = true;
	ck_assert_int_eq(rt_demux_find(&d, true, key(7, 1, &p[1].addr)), 0);
	p[0].any_source = false;
	/* Anycast: from elsewhere, when the echo names the target in its data. */
	{
		uint8_t pkt[RT_ICMP_HDR_LEN + RT_ICMP_TAG_LEN] = { 0 };
		struct rt_demux_key k = *key(7, 1, &p[1].addr);

		d.tags = true;
		rt_icmp_put_tag(&rt_inet, pkt, sizeof(pkt), 0);
		k.data = pkt + RT_ICMP_HDR_LEN;
		k.data_len = RT_ICMP_TAG_LEN;
		ck_assert_int_eq(rt_demux_find(&d, true, &k), 0);
		rt_icmp_put_tag(&rt_inet, pkt, sizeof(pkt), 1);   /* names another target */
		ck_assert_int_eq(rt_demux_find(&d, true, &k), -1);
		d.tags = false;
	}
	/* Datagram: the source address does. */
	ck_assert_int_eq(rt_demux_find(&d, false, key(0, 1, &p[1].addr)), 1);
	rt_addr_parse(&from, AF_INET, "10.0.0.9");
	ck_assert_int_eq(rt_demux_find(&d, false, key(0, 1, &from)), -1);
	/* One target: a reply from elsewhere is still its own (shown as such). */
	ck_assert_int_eq(rt_demux_find(&one, false, key(0, 1, &from)), 0);
	rt_demux_free(&d);
	rt_demux_free(&one);
	rt_stats_free(&a);
	rt_stats_free(&b);
}
END_TEST

/* The hash finds each target by address; of two at one address, the one still waiting. */
START_TEST(demux_index_by_address_and_waiting_sequence)
{
	enum { N = 1000 };
	static struct rt_peer p[N];
	static struct rt_stats st[N];
	struct rt_demux d;
	struct rt_addr a;
	struct rt_reply_acct acct;
	char buf[32];

	for (int i = 0; i < N; i++) {
		ck_assert_int_eq(rt_stats_init(&st[i], 0, 4), 0);
		rt_stats_sent(&st[i], 1, 0);
		snprintf(buf, sizeof(buf), "10.%d.%d.1", i / 256, i % 256);
		rt_addr_parse(&p[i].addr, AF_INET, buf);
		p[i].st = &st[i];
		p[i].id = (uint16_t)(500 + i);
	}
	p[N - 1].addr = p[3].addr;   /* 3 and N-1 share an address */
	ck_assert_int_eq(rt_demux_init(&d, p, N), 0);
	for (int i = 0; i < N - 1; i++)
		ck_assert_int_eq(rt_demux_find(&d, false, key(0, 1, &p[i].addr)), i == 3 ? 3 : i);
	rt_stats_reply(&st[3], 1, 10, false, &acct);
	ck_assert_int_eq(rt_demux_find(&d, false, key(0, 1, &p[3].addr)), N - 1);
	rt_stats_reply(&st[N - 1], 1, 10, false, &acct);
	ck_assert_int_eq(rt_demux_find(&d, false, key(0, 1, &p[3].addr)), 3);   /* a duplicate */
	rt_addr_parse(&a, AF_INET, "192.0.2.1");
	ck_assert_int_eq(rt_demux_find(&d, false, key(0, 1, &a)), -1);
	/* Raw: the id names the target, from its address; an error must quote it. */
	ck_assert_int_eq(rt_demux_find(&d, true, key(500 + 42, 1, &p[42].addr)), 42);
	ck_assert_int_eq(rt_demux_find(&d, true, key(500 + 42, 1, &a)), -1);
	ck_assert_int_eq(rt_demux_error(&d, true, key(500 + 7, 1, &p[7].addr)), 7);
	ck_assert_int_eq(rt_demux_error(&d, true, key(500 + 7, 1, &a)), -1);
	ck_assert_int_eq(rt_demux_error(&d, false, key(0, 1, &p[9].addr)), 9);
	a.af = AF_UNSPEC;
	ck_assert_int_eq(rt_demux_error(&d, false, key(0, 1, &a)), -1);
	rt_demux_free(&d);
	for (int i = 0; i < N; i++)
		rt_stats_free(&st[i]);
}
END_TEST

/*
 * Raw: another ping may use one of our ids (they are 16 bits). Its error
 * quotes its destination, or a sequence this run never sent: not ours.
 */
START_TEST(raw_error_counts_only_for_an_echo_sent_to_that_target)
{
	struct rt_stats st[3];
	struct rt_peer p[3];
	struct rt_demux d;
	struct rt_addr other, unknown = { .af = AF_UNSPEC };
	const char *addr[] = { "fd00:9::1", "fd00:9::2", "fd00:9::3" };

	for (int i = 0; i < 3; i++) {
		ck_assert_int_eq(rt_stats_init(&st[i], 0, 16), 0);
		rt_stats_sent(&st[i], 1, 0);
		rt_stats_sent(&st[i], 2, 0);
		p[i] = (struct rt_peer){ .id = (uint16_t)(0xfffe + i), .st = &st[i] };   /* wraps */
		rt_addr_parse(&p[i].addr, AF_INET6, addr[i]);
	}
	rt_addr_parse(&other, AF_INET6, "fd00:7::1");
	ck_assert_int_eq(rt_demux_init(&d, p, 3), 0);
	ck_assert_int_eq(rt_demux_error(&d, true, key(0xffff, 2, &p[1].addr)), 1);
	ck_assert_int_eq(rt_demux_error(&d, true, key(0x0000, 1, &p[2].addr)), 2);
	/* The other ping's echo to fd00:7::1 with our target 1's id. */
	ck_assert_int_eq(rt_demux_error(&d, true, key(0xffff, 2, &other)), -1);
	/* Target 1's address, but a sequence not sent yet. */
	ck_assert_int_eq(rt_demux_error(&d, true, key(0xffff, 3, &p[1].addr)), -1);
	/* No destination known: the id and the sequence decide. */
	ck_assert_int_eq(rt_demux_error(&d, true, key(0xffff, 2, &unknown)), 1);
	/* Its replies: by id, and from its address (the other ping's reply is not ours). */
	ck_assert_int_eq(rt_demux_find(&d, true, key(0x0000, 2, &p[2].addr)), 2);
	ck_assert_int_eq(rt_demux_find(&d, true, key(0x0000, 2, &other)), -1);
	rt_demux_free(&d);
	/* One target: iputils' rules (the parser checked the destination). */
	ck_assert_int_eq(rt_demux_init(&d, p, 1), 0);
	ck_assert_int_eq(rt_demux_error(&d, true, key(0xfffe, 9, &p[0].addr)), 0);
	/* And a reply from elsewhere is its own, shown as such (DIFFERENT ADDRESS!). */
	ck_assert_int_eq(rt_demux_find(&d, true, key(0xfffe, 1, &other)), 0);
	rt_demux_free(&d);
	for (int i = 0; i < 3; i++)
		rt_stats_free(&st[i]);
}
END_TEST

/* Raw: each family's socket numbers its own ids; a v6 reply never lands on a v4 target. */
START_TEST(raw_ids_are_per_family)
{
	struct rt_stats st[4];
	struct rt_peer p[4];
	struct rt_demux d;
	const char *addr[] = { "10.0.0.1", "fd00::1", "10.0.0.2", "fd00::2" };

	for (int i = 0; i < 4; i++) {
		ck_assert_int_eq(rt_stats_init(&st[i], 0, 16), 0);
		rt_stats_sent(&st[i], 1, 0);
		rt_addr_parse(&p[i].addr, strchr(addr[i], ':') ? AF_INET6 : AF_INET, addr[i]);
		/* IPv4 ids 100 + i, IPv6 ids 98 + i: 100 is target 0's and target 2's base. */
		p[i] = (struct rt_peer){ .addr = p[i].addr, .st = &st[i],
					 .id = (uint16_t)((i % 2 ? 98 : 100) + i) };
	}
	ck_assert_int_eq(rt_demux_init(&d, p, 4), 0);
	ck_assert_int_eq(rt_demux_find(&d, true, key(100, 1, &p[0].addr)), 0);
	ck_assert_int_eq(rt_demux_find(&d, true, key(102, 1, &p[2].addr)), 2);
	ck_assert_int_eq(rt_demux_find(&d, true, key(99, 1, &p[1].addr)), 1);
	ck_assert_int_eq(rt_demux_find(&d, true, key(101, 1, &p[3].addr)), 3);
	ck_assert_int_eq(rt_demux_find(&d, true, key(101, 1, &p[0].addr)), -1);
	ck_assert_int_eq(rt_demux_find(&d, true, key(102, 1, &p[1].addr)), -1);
	rt_demux_free(&d);
	for (int i = 0; i < 4; i++)
		rt_stats_free(&st[i]);
}
END_TEST

/* Datagram: fe80::99 on link 3 and on link 5 are two targets; the link decides. */
START_TEST(link_local_address_on_two_links)
{
	struct rt_stats st[2];
	struct rt_peer p[2];
	struct rt_demux d;
	struct rt_demux_key k = { .seq = 1 };

	for (int i = 0; i < 2; i++) {
		ck_assert_int_eq(rt_stats_init(&st[i], 0, 16), 0);
		rt_stats_sent(&st[i], 1, 0);
		p[i] = (struct rt_peer){ .scope = i ? 5 : 3, .st = &st[i] };
		rt_addr_parse(&p[i].addr, AF_INET6, "fe80::99");
	}
	ck_assert_int_eq(rt_demux_init(&d, p, 2), 0);
	k.addr = p[0].addr;
	k.scope = 5;
	ck_assert_int_eq(rt_demux_find(&d, false, &k), 1);
	ck_assert_int_eq(rt_demux_error(&d, false, &k), 1);
	k.scope = 3;
	ck_assert_int_eq(rt_demux_find(&d, false, &k), 0);
	k.scope = 7;   /* a third link: neither */
	ck_assert_int_eq(rt_demux_find(&d, false, &k), -1);
	ck_assert_int_eq(rt_demux_error(&d, false, &k), -1);
	k.scope = 0;   /* no link said: the first still waiting */
	ck_assert_int_eq(rt_demux_find(&d, false, &k), 0);
	rt_demux_free(&d);
	for (int i = 0; i < 2; i++)
		rt_stats_free(&st[i]);
}
END_TEST

/*
 * Datagram: an anycast or multicast target is answered from another
 * address, maybe another target's. The echo's tag names its target.
 */
START_TEST(datagram_tag_names_the_target_whatever_the_source)
{
	struct rt_stats st[3];
	struct rt_peer p[3];
	struct rt_demux d;
	struct rt_demux_key k = { .seq = 1 };
	const char *addr[] = { "fd00:1::", "fd00:1::2", "ff02::1" };
	uint8_t pkt[RT_ICMP_HDR_LEN + 56];
	size_t n;

	for (int i = 0; i < 3; i++) {
		ck_assert_int_eq(rt_stats_init(&st[i], 0, 16), 0);
		rt_stats_sent(&st[i], 1, 0);
		p[i] = (struct rt_peer){ .scope = i == 2 ? 4 : 0, .st = &st[i] };
		rt_addr_parse(&p[i].addr, AF_INET6, addr[i]);
	}
	ck_assert_int_eq(rt_demux_init(&d, p, 3), 0);
	d.tags = true;
	n = rt_icmp_build_echo(&rt_inet6, pkt, sizeof(pkt), 0, 1, NULL, 0, 56);
	k.data = pkt + RT_ICMP_HDR_LEN;
	k.data_len = n - RT_ICMP_HDR_LEN;
	/* No tag in the data: the source decides (fd00:1::2 is target 1). */
	rt_addr_parse(&k.addr, AF_INET6, "fd00:1::2");
	ck_assert_int_eq(rt_demux_find(&d, false, &k), 1);
	/* Anycast fd00:1:: answered by fd00:1::2, which is a target itself. */
	rt_icmp_put_tag(&rt_inet6, pkt, n, 0);
	ck_assert_int_eq(rt_demux_find(&d, false, &k), 0);
	/* The group: a link-local source on its link. */
	rt_icmp_put_tag(&rt_inet6, pkt, n, 2);
	rt_addr_parse(&k.addr, AF_INET6, "fe80::1");
	k.scope = 4;
	ck_assert_int_eq(rt_demux_find(&d, false, &k), 2);
	/* A tag past the list, or a truncated one: not a tag. */
	rt_icmp_put_tag(&rt_inet6, pkt, n, 3);
	ck_assert_int_eq(rt_demux_find(&d, false, &k), -1);
	rt_icmp_put_tag(&rt_inet6, pkt, n, 2);
	k.data_len = RT_ICMP_TAG_LEN - 1;
	ck_assert_int_eq(rt_demux_find(&d, false, &k), -1);
	k.data_len = n - RT_ICMP_HDR_LEN;
	/* An error: its quoted destination must be the tagged target's. */
	k.addr = p[2].addr;
	ck_assert_int_eq(rt_demux_error(&d, false, &k), 2);
	k.addr = p[1].addr;
	k.scope = 0;
	ck_assert_int_eq(rt_demux_error(&d, false, &k), 1);
	/* A run that sends no tags reads none. */
	d.tags = false;
	k.addr = p[0].addr;
	ck_assert_int_eq(rt_demux_find(&d, false, &k), 0);
	rt_demux_free(&d);
	for (int i = 0; i < 3; i++)
		rt_stats_free(&st[i]);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("targets");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, duplicates_listed_once_in_argument_order);
	tcase_add_test(tc, duplicates_by_address_whatever_the_spelling);
	tcase_add_test(tc, limit_is_distinct_targets);
	tcase_add_test(tc, shared_addresses_are_linked);
	tcase_add_test(tc, totals_for_the_closing_line);
	tcase_add_test(tc, demux_by_id_and_seq_or_by_source);
	tcase_add_test(tc, demux_index_by_address_and_waiting_sequence);
	tcase_add_test(tc, raw_error_counts_only_for_an_echo_sent_to_that_target);
	tcase_add_test(tc, raw_ids_are_per_family);
	tcase_add_test(tc, link_local_address_on_two_links);
	tcase_add_test(tc, datagram_tag_names_the_target_whatever_the_source);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return rt_test_run(suite());
}
