/*
 * src/nlbatch.c on byte buffers: requests packed with fresh sequence
 * numbers and no NLM_F_ACK, answers matched back by sequence number (out
 * of order, for another port, cut), a reply whose ACK never came completed
 * with the ACK the kernel sends, the unanswered queued again, and kept
 * answers read back as rt_nl_talk() would read them. No sockets.
 */
#include <check.h>
#include <errno.h>
#include <string.h>
#include <linux/rtnetlink.h>

#include "rtping/family.h"
#include "rtping/nlbatch.h"
#include "rtping/route.h"
#include "runner.h"

#define PORT 4242

static char sendbuf[RT_NL_BUFSZ] __attribute__((aligned(4)));

/* A request to route 10.0.0.N (the question differs with n). */
static const struct nlmsghdr *question(char *buf, uint8_t n)
{
	struct rt_flow f = { .fam = rt_family_get(AF_INET), .proto = 1, .dport = 2048 };
	uint8_t a[4] = { 10, 0, 0, n };

	rt_addr_from_bytes(&f.dst, AF_INET, a, 4);
	return rt_route_request(buf, &f, 0, 0);
}

static void add(struct rt_nlb *b, uint8_t n)
{
	char buf[RT_NL_BUFSZ] __attribute__((aligned(4)));

	ck_assert_int_eq(rt_nlb_add(b, question(buf, n)), 0);
}

/* One datagram of answers, built message by message. */
struct dgram {
	char b[4096] __attribute__((aligned(4)));
	size_t len;
};

static struct nlmsghdr *msg(struct dgram *d, uint16_t type, uint32_t seq, uint32_t port)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(d->b + d->len);

	nlh->nlmsg_type = type;
	nlh->nlmsg_seq = seq;
	nlh->nlmsg_pid = port;
	return nlh;
}

/* RTM_NEWROUTE for 10.0.0.N with prefsrc 10.9.0.N. */
static void reply(struct dgram *d, uint32_t seq, uint32_t port, uint8_t n)
{
	struct nlmsghdr *nlh = msg(d, RTM_NEWROUTE, seq, port);
	struct rtmsg *rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	uint8_t dst[4] = { 10, 0, 0, n }, src[4] = { 10, 9, 0, n };

	rtm->rtm_family = AF_INET;
	rtm->rtm_type = RTN_UNICAST;
	rtm->rtm_table = RT_TABLE_MAIN;
	mnl_attr_put(nlh, RTA_DST, 4, dst);
	mnl_attr_put(nlh, RTA_PREFSRC, 4, src);
	d->len += MNL_ALIGN(nlh->nlmsg_len);
}

static void error(struct dgram *d, uint32_t seq, int err)
{
	struct nlmsghdr *nlh = msg(d, NLMSG_ERROR, seq, PORT);
	struct nlmsgerr *e = mnl_nlmsg_put_extra_header(nlh, sizeof(*e));

	e->error = err;
	e->msg.nlmsg_len = sizeof(struct nlmsghdr);
	e->msg.nlmsg_seq = seq;
	nlh->nlmsg_flags = NLM_F_CAPPED;
	d->len += MNL_ALIGN(nlh->nlmsg_len);
}

START_TEST(pack_numbers_requests_and_drops_the_ack_flag)
{
	struct rt_nlb b;
	const struct nlmsghdr *nlh;
	size_t len, n = 0;

	rt_nlb_init(&b, PORT, 8);
	b.seq = 41;
	add(&b, 1);
	add(&b, 2);
	add(&b, 3);
	len = rt_nlb_pack(&b, sendbuf, sizeof(sendbuf), 8);
	ck_assert_uint_gt(len, 0);
	for (nlh = (const struct nlmsghdr *)sendbuf; mnl_nlmsg_ok(nlh, (int)len);
	     nlh = mnl_nlmsg_next(nlh, (int *)&len), n++) {
		ck_assert_uint_eq(nlh->nlmsg_seq, 42 + n);
		ck_assert_uint_eq(nlh->nlmsg_pid, 0);
		ck_assert(!(nlh->nlmsg_flags & NLM_F_ACK));
		ck_assert(nlh->nlmsg_flags & NLM_F_REQUEST);
		ck_assert_int_eq(b.r[n].state, RT_NLB_SENT);
	}
	ck_assert_uint_eq(n, 3);
	/* Nothing queued any more: nothing to pack. */
	ck_assert_uint_eq(rt_nlb_pack(&b, sendbuf, sizeof(sendbuf), 8), 0);
	rt_nlb_free(&b);
}
END_TEST

START_TEST(pack_takes_at_most_max_and_what_fits)
{
	struct rt_nlb b;
	size_t one;

	rt_nlb_init(&b, PORT, 2);
	for (uint8_t i = 1; i <= 5; i++)
		add(&b, i);
	one = rt_nlb_pack(&b, sendbuf, sizeof(sendbuf), 1);
	ck_assert_uint_eq(b.nchunk, 1);
	/* Room for one and a half: one goes. */
	ck_assert_uint_eq(rt_nlb_pack(&b, sendbuf, one + one / 2, 4), one);
	ck_assert_uint_eq(b.nchunk, 1);
	ck_assert_uint_eq(b.chunk[0], 1);
	rt_nlb_pack(&b, sendbuf, sizeof(sendbuf), 2);
	ck_assert_uint_eq(b.nchunk, 2);
	ck_assert_uint_eq(b.chunk[1], 3);
	rt_nlb_free(&b);
}
END_TEST

START_TEST(sequence_numbers_skip_zero_at_the_wrap)
{
	struct rt_nlb b;

	rt_nlb_init(&b, PORT, 8);
	b.seq = UINT32_MAX - 1;
	add(&b, 1);
	add(&b, 2);
	rt_nlb_pack(&b, sendbuf, sizeof(sendbuf), 8);
	ck_assert_uint_eq(b.r[0].seq, 1);
	ck_assert_uint_eq(b.r[1].seq, 2);
	rt_nlb_free(&b);
}
END_TEST

START_TEST(a_dump_is_refused)
{
	char buf[RT_NL_BUFSZ] __attribute__((aligned(4)));
	struct nlmsghdr *nlh = (struct nlmsghdr *)question(buf, 1);
	struct rt_nlb b;

	rt_nlb_init(&b, PORT, 8);
	nlh->nlmsg_flags |= NLM_F_DUMP;
	ck_assert_int_eq(rt_nlb_add(&b, nlh), -EINVAL);
	ck_assert_uint_eq(b.n, 0);
	rt_nlb_free(&b);
}
END_TEST

/* Three requests sent as seq 1, 2, 3. */
static void sent_three(struct rt_nlb *b)
{
	rt_nlb_init(b, PORT, 8);
	add(b, 1);
	add(b, 2);
	add(b, 3);
	rt_nlb_pack(b, sendbuf, sizeof(sendbuf), 8);
}

START_TEST(answers_are_matched_by_sequence_not_order)
{
	struct rt_nlb b;
	struct dgram d = { .len = 0 };

	sent_three(&b);
	reply(&d, 3, PORT, 3);
	error(&d, 1, -EHOSTUNREACH);
	reply(&d, 2, PORT, 2);
	ck_assert_int_eq(rt_nlb_take(&b, d.b, d.len), 3);
	ck_assert_int_eq(b.r[0].state, RT_NLB_ANSWERED);   /* an error ends an answer */
	ck_assert_int_eq(b.r[1].state, RT_NLB_DATA);
	ck_assert_int_eq(b.r[2].state, RT_NLB_DATA);
	ck_assert_uint_eq(rt_nlb_settle(&b), 0);
	for (int i = 0; i < 3; i++)
		ck_assert_int_eq(b.r[i].state, RT_NLB_ANSWERED);
	ck_assert_uint_eq(b.st.reasked, 0);
	rt_nlb_free(&b);
}
END_TEST

START_TEST(answers_for_others_are_skipped)
{
	struct rt_nlb b;
	struct dgram d = { .len = 0 };

	sent_three(&b);
	reply(&d, 2, PORT + 1, 2);     /* another socket's */
	reply(&d, 9, PORT, 9);         /* a sequence never sent */
	reply(&d, 0, PORT, 0);
	ck_assert_int_eq(rt_nlb_take(&b, d.b, d.len), 0);
	/* Port 0 is the kernel not saying: taken, as libmnl does. */
	d.len = 0;
	reply(&d, 2, 0, 2);
	ck_assert_int_eq(rt_nlb_take(&b, d.b, d.len), 1);
	rt_nlb_free(&b);
}
END_TEST

START_TEST(a_cut_message_ends_the_datagram)
{
	struct rt_nlb b;
	struct dgram d = { .len = 0 };

	sent_three(&b);
	reply(&d, 1, PORT, 1);
	reply(&d, 2, PORT, 2);
	/* The second message's length runs past the datagram. */
	ck_assert_int_eq(rt_nlb_take(&b, d.b, d.len - 4), 1);
	ck_assert_int_eq(b.r[1].state, RT_NLB_SENT);
	rt_nlb_free(&b);
}
END_TEST

/* A datagram too long for the read: its request goes to be asked alone, not again in a batch. */
START_TEST(a_cut_datagram_gives_its_request_up)
{
	struct rt_nlb b;
	struct dgram d = { .len = 0 };

	sent_three(&b);
	reply(&d, 2, PORT, 2);
	ck_assert_int_eq(rt_nlb_cut(&b, d.b, 16), 1);
	ck_assert_int_eq(b.r[1].state, RT_NLB_GIVEN_UP);
	ck_assert_uint_eq(b.st.unanswered, 1);
	/* Too short for a header, another port's, or a request no longer in flight: nothing. */
	ck_assert_int_eq(rt_nlb_cut(&b, d.b, 15), 0);
	ck_assert_int_eq(rt_nlb_cut(&b, d.b, 16), 0);
	d.len = 0;
	reply(&d, 1, PORT + 1, 1);
	ck_assert_int_eq(rt_nlb_cut(&b, d.b, 16), 0);
	ck_assert_int_eq(b.r[0].state, RT_NLB_SENT);
	/* The other two are queued again; the cut one is not, and has no answer. */
	ck_assert_uint_eq(rt_nlb_settle(&b), 2);
	ck_assert_int_eq(b.r[1].state, RT_NLB_GIVEN_UP);
	ck_assert_uint_eq(rt_nlb_pack(&b, sendbuf, sizeof(sendbuf), 8) > 0, 1);
	ck_assert_uint_eq(b.nchunk, 2);
	rt_nlb_free(&b);
}
END_TEST

START_TEST(after_an_overrun_the_unanswered_are_queued_again)
{
	struct rt_nlb b;
	struct dgram d = { .len = 0 };
	size_t len;

	sent_three(&b);
	reply(&d, 2, PORT, 2);         /* 1 and 3 were dropped */
	rt_nlb_take(&b, d.b, d.len);
	ck_assert_uint_eq(rt_nlb_settle(&b), 2);
	ck_assert_uint_eq(b.st.reasked, 2);
	ck_assert_int_eq(b.r[0].state, RT_NLB_QUEUED);
	ck_assert_int_eq(b.r[1].state, RT_NLB_ANSWERED);
	ck_assert_int_eq(b.r[2].state, RT_NLB_QUEUED);
	/* Asked again with new numbers; a late answer to an old one counts for nothing. */
	len = rt_nlb_pack(&b, sendbuf, sizeof(sendbuf), 8);
	ck_assert_uint_gt(len, 0);
	ck_assert_uint_eq(b.nchunk, 2);
	ck_assert_uint_eq(b.r[0].seq, 4);
	ck_assert_uint_eq(b.r[2].seq, 5);
	d.len = 0;
	reply(&d, 1, PORT, 1);
	ck_assert_int_eq(rt_nlb_take(&b, d.b, d.len), 0);
	d.len = 0;
	reply(&d, 5, PORT, 3);
	reply(&d, 4, PORT, 1);
	ck_assert_int_eq(rt_nlb_take(&b, d.b, d.len), 2);
	ck_assert_uint_eq(rt_nlb_settle(&b), 0);
	rt_nlb_free(&b);
}
END_TEST

static int nroutes;
static struct rt_route got;
static int route_cb(const struct nlmsghdr *nlh, void *data)
{
	nroutes++;
	return rt_route_cb(nlh, data);
}

START_TEST(a_kept_answer_reads_back_as_with_its_ack)
{
	char buf[RT_NL_BUFSZ] __attribute__((aligned(4)));
	struct nlmsghdr *q;
	struct rt_nlb b;
	struct dgram d = { .len = 0 };
	char a[RT_ADDRSTRLEN], extack[64] = "stale";
	int rc = 1;

	sent_three(&b);
	reply(&d, 2, PORT, 2);
	error(&d, 1, -ENETUNREACH);
	reply(&d, 3, PORT, 3);
	rt_nlb_take(&b, d.b, d.len);
	rt_nlb_settle(&b);
	/* Asked as rt_route_get() asks: NLM_F_ACK, its own seq and port. */
	q = (struct nlmsghdr *)question(buf, 2);
	q->nlmsg_seq = 777;
	q->nlmsg_pid = 1;
	nroutes = 0;
	ck_assert(rt_nlb_replay(&b, q, route_cb, &got, extack, sizeof(extack), &rc));
	ck_assert_int_eq(rc, 0);         /* complete: the ACK was written in */
	ck_assert_int_eq(nroutes, 1);
	ck_assert_str_eq(rt_addr_str(&got.prefsrc, a, sizeof(a)), "10.9.0.2");
	ck_assert_str_eq(extack, "");
	ck_assert(rt_nlb_replay(&b, question(buf, 1), route_cb, &got, NULL, 0, &rc));
	ck_assert_int_eq(rc, -ENETUNREACH);
	/* The same question twice: the same answer. */
	ck_assert(rt_nlb_replay(&b, question(buf, 3), route_cb, &got, NULL, 0, &rc));
	ck_assert(rt_nlb_replay(&b, question(buf, 3), route_cb, &got, NULL, 0, &rc));
	ck_assert_str_eq(rt_addr_str(&got.prefsrc, a, sizeof(a)), "10.9.0.3");
	ck_assert_uint_eq(b.st.replayed, 4);
	/* Never asked, or asked for another flag: not kept. */
	ck_assert(!rt_nlb_replay(&b, question(buf, 4), route_cb, &got, NULL, 0, &rc));
	q = (struct nlmsghdr *)question(buf, 2);
	((struct rtmsg *)mnl_nlmsg_get_payload(q))->rtm_flags |= RTM_F_FIB_MATCH;
	ck_assert(!rt_nlb_replay(&b, q, route_cb, &got, NULL, 0, &rc));
	ck_assert(!rt_nlb_replay(NULL, q, route_cb, &got, NULL, 0, &rc));
	rt_nlb_free(&b);
}
END_TEST

START_TEST(an_answer_split_across_datagrams_stays_whole)
{
	char buf[RT_NL_BUFSZ] __attribute__((aligned(4)));
	struct rt_nlb b;
	struct dgram d = { .len = 0 };
	char a[RT_ADDRSTRLEN];
	int rc = 1;

	sent_three(&b);
	reply(&d, 1, PORT, 1);
	rt_nlb_take(&b, d.b, d.len);
	d.len = 0;
	reply(&d, 2, PORT, 2);
	rt_nlb_take(&b, d.b, d.len);
	/* Request 1's ACK after request 2's reply: its answer is moved, not mixed. */
	d.len = 0;
	error(&d, 1, 0);
	error(&d, 2, 0);
	error(&d, 3, -EACCES);
	rt_nlb_take(&b, d.b, d.len);
	ck_assert_uint_eq(rt_nlb_settle(&b), 0);
	for (uint8_t n = 1; n <= 2; n++) {
		char want[16];

		nroutes = 0;
		ck_assert(rt_nlb_replay(&b, question(buf, n), route_cb, &got, NULL, 0, &rc));
		ck_assert_int_eq(rc, 0);
		ck_assert_int_eq(nroutes, 1);
		snprintf(want, sizeof(want), "10.9.0.%u", n);
		ck_assert_str_eq(rt_addr_str(&got.prefsrc, a, sizeof(a)), want);
	}
	rt_nlb_free(&b);
}
END_TEST

START_TEST(clear_forgets_and_reserve_keeps_room)
{
	char buf[RT_NL_BUFSZ] __attribute__((aligned(4)));
	struct rt_nlb b;
	struct dgram d = { .len = 0 };
	int rc;

	rt_nlb_init(&b, PORT, 8);
	ck_assert_int_eq(rt_nlb_reserve(&b, 300, 4096), 0);
	ck_assert_uint_ge(b.cap, 300);
	add(&b, 1);
	rt_nlb_pack(&b, sendbuf, sizeof(sendbuf), 8);
	reply(&d, b.r[0].seq, PORT, 1);
	rt_nlb_take(&b, d.b, d.len);
	rt_nlb_settle(&b);
	ck_assert(rt_nlb_replay(&b, question(buf, 1), route_cb, &got, NULL, 0, &rc));
	rt_nlb_clear(&b);
	ck_assert(!rt_nlb_replay(&b, question(buf, 1), route_cb, &got, NULL, 0, &rc));
	ck_assert_uint_ge(b.cap, 300);
	rt_nlb_free(&b);
}
END_TEST

/* libmnl leaves attribute padding as the buffer held it: the bytes must not depend on it. */
START_TEST(one_flow_gives_the_same_request_bytes)
{
	char x[RT_NL_BUFSZ] __attribute__((aligned(4))), y[RT_NL_BUFSZ] __attribute__((aligned(4)));
	const struct nlmsghdr *a, *b;

	memset(x, 0xa5, sizeof(x));
	memset(y, 0x00, sizeof(y));
	a = question(x, 7);
	b = question(y, 7);
	ck_assert_uint_eq(a->nlmsg_len, b->nlmsg_len);
	ck_assert_int_eq(memcmp(a, b, a->nlmsg_len), 0);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("nlbatch");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, pack_numbers_requests_and_drops_the_ack_flag);
	tcase_add_test(tc, pack_takes_at_most_max_and_what_fits);
	tcase_add_test(tc, sequence_numbers_skip_zero_at_the_wrap);
	tcase_add_test(tc, a_dump_is_refused);
	tcase_add_test(tc, answers_are_matched_by_sequence_not_order);
	tcase_add_test(tc, answers_for_others_are_skipped);
	tcase_add_test(tc, a_cut_message_ends_the_datagram);
	tcase_add_test(tc, a_cut_datagram_gives_its_request_up);
	tcase_add_test(tc, after_an_overrun_the_unanswered_are_queued_again);
	tcase_add_test(tc, a_kept_answer_reads_back_as_with_its_ack);
	tcase_add_test(tc, an_answer_split_across_datagrams_stays_whole);
	tcase_add_test(tc, clear_forgets_and_reserve_keeps_room);
	tcase_add_test(tc, one_flow_gives_the_same_request_bytes);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return rt_test_run(suite());
}
