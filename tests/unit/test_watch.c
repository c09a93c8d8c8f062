/*
 * The route watch's message classification (netlink messages built as
 * bytes), and the observer on a fake clock: a route change said once with
 * its cause, the echo that confirms it not said again, an unexplained
 * egress change held for the watch's grace and then said as "observed".
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <libmnl/libmnl.h>

#include "rtping/observe.h"
#include "rtping/output.h"
#include "rtping/watch.h"
#include "runner.h"

#define MS 1000000LL

static char buf[512] __attribute__((aligned(4)));

static struct nlmsghdr *msg(uint16_t type, size_t extra)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(memset(buf, 0, sizeof(buf)));

	nlh->nlmsg_type = type;
	mnl_nlmsg_put_extra_header(nlh, extra);
	return nlh;
}

static struct nlmsghdr *addr_msg(uint16_t type, const char *a)
{
	struct nlmsghdr *nlh = msg(type, sizeof(struct ifaddrmsg));
	struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
	uint8_t b[4];

	ifa->ifa_family = AF_INET;
	ifa->ifa_prefixlen = 24;
	inet_pton(AF_INET, a, b);
	mnl_attr_put(nlh, IFA_LOCAL, 4, b);
	return nlh;
}

START_TEST(watch_classifies_by_message_type)
{
	int ev;

	ck_assert_uint_eq(rt_watch_classify(msg(RTM_NEWROUTE, sizeof(struct rtmsg)), AF_INET, NULL, &ev),
			  RT_WATCH_ROUTE);
	ck_assert_uint_eq(rt_watch_classify(msg(RTM_DELRULE, 12), AF_INET, NULL, &ev), RT_WATCH_RULE);
	ck_assert_uint_eq(rt_watch_classify(msg(RTM_NEWLINK, 16), AF_INET, NULL, &ev), RT_WATCH_LINK);
	ck_assert_uint_eq(rt_watch_classify(msg(NLMSG_ERROR, 16), AF_INET, NULL, &ev), 0);
	/* An address message too short for its header: nothing. */
	ck_assert_uint_eq(rt_watch_classify(msg(RTM_NEWADDR, 0), AF_INET, NULL, &ev), 0);
	ck_assert_int_eq(ev, 0);
}
END_TEST

START_TEST(watch_bound_source_deleted_and_added)
{
	struct rt_addr bound;
	int ev;

	rt_addr_parse(&bound, AF_INET, "10.9.0.12");
	ck_assert_uint_eq(rt_watch_classify(addr_msg(RTM_DELADDR, "10.9.0.12"), AF_INET, &bound, &ev),
			  RT_WATCH_ADDRESS);
	ck_assert_int_eq(ev, -1);
	rt_watch_classify(addr_msg(RTM_NEWADDR, "10.9.0.12"), AF_INET, &bound, &ev);
	ck_assert_int_eq(ev, 1);
	/* Another address, or nothing bound: a change, not ours to announce. */
	rt_watch_classify(addr_msg(RTM_DELADDR, "10.9.0.11"), AF_INET, &bound, &ev);
	ck_assert_int_eq(ev, 0);
	rt_watch_classify(addr_msg(RTM_DELADDR, "10.9.0.12"), AF_INET, NULL, &ev);
	ck_assert_int_eq(ev, 0);
}
END_TEST

/* A buffer of several messages: causes added up, the bound address's events, repeats dropped. */
START_TEST(watch_parse_a_buffer_of_messages)
{
	static uint8_t all[2048] __attribute__((aligned(4)));
	struct rt_watch_batch b;
	struct rt_addr bound;
	size_t n = 0;

	rt_addr_parse(&bound, AF_INET, "10.9.0.12");
#define ADD(nlh) do { struct nlmsghdr *m_ = (nlh); memcpy(all + n, m_, m_->nlmsg_len); \
		      n += MNL_ALIGN(m_->nlmsg_len); } while (0)
	ADD(msg(RTM_NEWROUTE, sizeof(struct rtmsg)));
	ADD(addr_msg(RTM_DELADDR, "10.9.0.12"));
	ADD(addr_msg(RTM_DELADDR, "10.9.0.12"));
	ADD(addr_msg(RTM_NEWADDR, "10.9.0.11"));
	ADD(addr_msg(RTM_NEWADDR, "10.9.0.12"));
	ADD(addr_msg(RTM_DELADDR, "10.9.0.12"));
#undef ADD
	ck_assert_int_eq(rt_watch_parse(all, n, AF_INET, &bound, &b), 0);
	ck_assert_uint_eq(b.causes, RT_WATCH_ROUTE | RT_WATCH_ADDRESS);
	ck_assert_uint_eq(b.messages, 6);
	ck_assert_uint_eq(b.bound_changes, 3);
	ck_assert(b.bound_first_gone);
	ck_assert_int_eq(rt_watch_parse(all, n, AF_INET, NULL, &b), 0);
	ck_assert_uint_eq(b.bound_changes, 0);
	/* A cut message: the buffer is bad, nothing in it counts. */
	ck_assert_int_eq(rt_watch_parse(all, n - 4, AF_INET, &bound, &b), -EBADMSG);
	ck_assert_uint_eq(b.messages, 0);
	ck_assert_uint_eq(b.causes, 0);
}
END_TEST

START_TEST(watch_cause_names_the_most_specific)
{
	ck_assert_str_eq(rt_watch_cause_name(RT_WATCH_ROUTE | RT_WATCH_LINK), "link");
	ck_assert_str_eq(rt_watch_cause_name(RT_WATCH_ROUTE | RT_WATCH_ADDRESS), "address");
	ck_assert_str_eq(rt_watch_cause_name(RT_WATCH_ROUTE | RT_WATCH_RULE), "rule");
	ck_assert_str_eq(rt_watch_cause_name(RT_WATCH_ROUTE), "route");
	/* Only an overrun: something may have changed; a route is the likeliest. */
	ck_assert_str_eq(rt_watch_cause_name(RT_WATCH_RESYNC), "route");
}
END_TEST

/* ---- the observer ---- */

static char *text;
static size_t textlen;
static FILE *mem;
static struct rt_out o;
static const struct rt_out_target tg[2] = { { .host = "10.9.0.2" }, { .host = "10.9.0.3" } };

/* The engine's part: the observer's events name their target and are printed. */
static void emit(void *arg, size_t i, struct rt_event *ev)
{
	(void)arg;
	ev->tgt = &tg[i];
	rt_out_event(&o, ev);
}

/* One target's observer, predicted route v. */
static void init1(struct rt_observe *ob, const struct rt_route_view *v, bool multipath)
{
	ck_assert_int_eq(rt_observe_init(ob, emit, NULL, true, 1, 16, true), 0);
	ck_assert_int_eq(rt_observe_predict(ob, 0, v, multipath), 0);
}

static void setup(void)
{
	mem = open_memstream(&text, &textlen);
	o = (struct rt_out){ .f = mem, .err = mem, .prog = "rtping" };
}

static void teardown(void)
{
	fclose(mem);
	free(text);
}

static const char *out(void)
{
	fflush(mem);
	return text;
}

static struct rt_route_view view(const char *src, uint32_t table)
{
	struct rt_route_view v = { .snap = { .ifindex = 2, .dev = "dva", .table = table },
				   .known = true };

	rt_addr_parse(&v.snap.src, AF_INET, src);
	rt_addr_parse(&v.snap.gateway, AF_INET, "10.9.0.1");
	return v;
}

static struct rt_txrep rep(int seq, const char *src)
{
	struct rt_txrep r = { .key = (uint32_t)seq - 1, .ifindex = 2, .has_seq = true,
			      .seq = (uint16_t)seq };

	rt_addr_parse(&r.src, AF_INET, src);
	return r;
}

START_TEST(observe_route_change_said_once_with_its_cause)
{
	struct rt_observe ob;
	struct rt_route_view v = view("10.9.0.12", 254);
	struct rt_txrep r;

	init1(&ob, &v, false);
	r = rep(1, "10.9.0.12");
	rt_observe_report(&ob, 0, &r, 0);
	/* A re-query that finds the same route: nothing. */
	v = view("10.9.0.12", 254);
	rt_observe_route(&ob, 0, &v, "link", 2, 0);
	ck_assert_str_eq(out(), "");
	/* Nor for an on-link route (no gateway on either side). */
	ob.routes[ob.t[0].route].snap.gateway.af = AF_UNSPEC;
	v = view("10.9.0.12", 254);
	v.snap.gateway.af = AF_UNSPEC;
	rt_observe_route(&ob, 0, &v, "address", 2, 0);
	ck_assert_str_eq(out(), "");
	rt_addr_parse(&ob.routes[ob.t[0].route].snap.gateway, AF_INET, "10.9.0.1");
	v = view("10.9.0.11", 100);
	rt_observe_route(&ob, 0, &v, "rule", 2, 0);
	ck_assert_str_eq(out(), "rtping: route changed before icmp_seq=2: src 10.9.0.12 dev dva "
			 "via 10.9.0.1 table main \u2192 src 10.9.0.11 dev dva via 10.9.0.1 table 100\n");
	/* The echo that confirms it: not news, even after the grace. */
	r = rep(2, "10.9.0.11");
	rt_observe_report(&ob, 0, &r, 10 * MS);
	ck_assert_int_eq(rt_observe_step(&ob, 500 * MS, 0), INT64_MAX);
	ck_assert_uint_eq(textlen, strlen(out()));
	ck_assert_ptr_null(strstr(out(), "observed"));
	ck_assert_ptr_nonnull(rt_observe_egress(&ob, 0, 2));
	rt_observe_free(&ob);
}
END_TEST

START_TEST(observe_unexplained_egress_change_waits_then_is_said)
{
	struct rt_observe ob;
	struct rt_route_view v = view("10.9.0.12", 254);
	struct rt_txrep r;

	o.json = true;
	init1(&ob, &v, false);
	r = rep(1, "10.9.0.12");
	rt_observe_report(&ob, 0, &r, 0);
	r = rep(2, "10.9.0.11");
	rt_observe_report(&ob, 0, &r, 5 * MS);
	/* Within the grace the watch may still explain it. */
	ck_assert_int_eq(rt_observe_step(&ob, 50 * MS, 0), 5 * MS + RT_OBSERVE_GRACE_NS);
	ck_assert_str_eq(out(), "");
	rt_observe_step(&ob, 5 * MS + RT_OBSERVE_GRACE_NS, 0);
	ck_assert_ptr_nonnull(strstr(out(), "\"type\": \"route_change\""));
	ck_assert_ptr_nonnull(strstr(out(), "\"seq\": 2, \"from\": {\"source\": \"10.9.0.12\""));
	ck_assert_ptr_nonnull(strstr(out(), "\"cause\": \"observed\""));
	rt_observe_free(&ob);
}
END_TEST

START_TEST(observe_watch_explains_a_held_change_with_the_echo_seq)
{
	struct rt_observe ob;
	struct rt_route_view v = view("10.9.0.12", 254);
	struct rt_txrep r;

	init1(&ob, &v, false);
	r = rep(1, "10.9.0.12");
	rt_observe_report(&ob, 0, &r, 0);
	r = rep(4, "10.9.0.11");
	rt_observe_report(&ob, 0, &r, 5 * MS);
	/* The watch's re-query comes in the grace: one line, from echo 4 on. */
	v = view("10.9.0.11", 254);
	rt_observe_route(&ob, 0, &v, "route", 5, 0);
	rt_observe_step(&ob, 900 * MS, 0);
	ck_assert_str_eq(out(), "rtping: route changed before icmp_seq=4: src 10.9.0.12 dev dva "
			 "via 10.9.0.1 table main \u2192 src 10.9.0.11 dev dva via 10.9.0.1 table main\n");
	rt_observe_free(&ob);
}
END_TEST

START_TEST(observe_multipath_divergence_once)
{
	struct rt_observe ob;
	struct rt_route_view v = view("10.61.0.1", 254);
	struct rt_txrep r;

	snprintf(v.snap.dev, sizeof(v.snap.dev), "mpv1");
	init1(&ob, &v, true);
	for (int i = 1; i <= 5; i++) {
		r = rep(i, "10.62.0.1");
		r.ifindex = 3;
		rt_observe_report(&ob, 0, &r, i * MS);
		snprintf(ob.egs.eg[ob.egs.n - 1].dev, IF_NAMESIZE, "mpv2");   /* no such device here */
		rt_observe_step(&ob, i * MS + RT_OBSERVE_GRACE_NS, 0);
	}
	ck_assert_str_eq(out(), "rtping: echo left from 10.62.0.1 dev mpv2, not 10.61.0.1 dev mpv1 "
			 "as the route query said (multipath hash)\n");
	rt_observe_free(&ob);
}
END_TEST

START_TEST(observe_two_targets_only_the_one_whose_route_changed_is_named)
{
	struct rt_observe ob;
	struct rt_route_view a = view("10.9.0.12", 254), b = view("10.9.0.12", 254), c;
	struct rt_txrep r;

	o.multi = true;
	ck_assert_int_eq(rt_observe_init(&ob, emit, NULL, true, 2, 16, false), 0);
	ck_assert_int_eq(rt_observe_predict(&ob, 0, &a, false), 0);
	ck_assert_int_eq(rt_observe_predict(&ob, 1, &b, false), 0);
	/* Both behind one route: one entry in the run's table. */
	ck_assert_uint_eq(ob.t[0].route, ob.t[1].route);
	r = rep(1, "10.9.0.12");
	rt_observe_report(&ob, 0, &r, 0);
	rt_observe_report(&ob, 1, &r, 0);
	/* A pass of re-queries: target 1's route moved, target 0's did not. */
	c = view("10.9.0.11", 254);
	rt_observe_route(&ob, 0, &a, "route", 2, 0);
	rt_observe_route(&ob, 1, &c, "route", 2, 0);
	ck_assert_str_eq(out(), "rtping: 10.9.0.3: route changed before icmp_seq=2: src 10.9.0.12 "
			 "dev dva via 10.9.0.1 table main \u2192 src 10.9.0.11 dev dva via 10.9.0.1 "
			 "table main\n");
	ck_assert_uint_ne(ob.t[0].route, ob.t[1].route);
	/* Each target's echo has its own egress. */
	r = rep(2, "10.9.0.11");
	rt_observe_report(&ob, 1, &r, MS);
	ck_assert_ptr_null(rt_observe_egress(&ob, 0, 2));
	ck_assert_ptr_nonnull(rt_observe_egress(&ob, 1, 2));
	ck_assert_ptr_null(rt_observe_egress(&ob, 2, 2));
	/* A second pass finds nothing new: nothing said. */
	textlen = strlen(out());
	rt_observe_route(&ob, 0, &a, "route", 3, 0);
	rt_observe_route(&ob, 1, &c, "route", 3, 0);
	ck_assert_int_eq(rt_observe_step(&ob, 900 * MS, 0), INT64_MAX);
	ck_assert_uint_eq(textlen, strlen(out()));
	rt_observe_free(&ob);
}
END_TEST

START_TEST(observe_held_changes_of_many_targets_are_said_in_order)
{
	struct rt_observe ob;
	struct rt_route_view v = view("10.9.0.12", 254);
	struct rt_txrep r;

	o.multi = true;
	ck_assert_int_eq(rt_observe_init(&ob, emit, NULL, true, 2, 16, false), 0);
	for (size_t i = 0; i < 2; i++) {
		ck_assert_int_eq(rt_observe_predict(&ob, i, &v, false), 0);
		r = rep(1, "10.9.0.12");
		rt_observe_report(&ob, i, &r, 0);
	}
	/* Target 1 changes first, target 0 a little later; neither is explained. */
	r = rep(2, "10.9.0.11");
	rt_observe_report(&ob, 1, &r, 5 * MS);
	rt_observe_report(&ob, 0, &r, 7 * MS);
	ck_assert_int_eq(rt_observe_step(&ob, 50 * MS, 0), 5 * MS + RT_OBSERVE_GRACE_NS);
	ck_assert_int_eq(rt_observe_step(&ob, 5 * MS + RT_OBSERVE_GRACE_NS, 0),
			 7 * MS + RT_OBSERVE_GRACE_NS);
	ck_assert_ptr_nonnull(strstr(out(), "rtping: 10.9.0.3: route changed"));
	ck_assert_ptr_null(strstr(out(), "rtping: 10.9.0.2: route changed"));
	ck_assert_int_eq(rt_observe_step(&ob, 7 * MS + RT_OBSERVE_GRACE_NS, 0), INT64_MAX);
	ck_assert_ptr_nonnull(strstr(out(), "rtping: 10.9.0.2: route changed"));
	ck_assert_uint_eq(ob.nholds, 0);
	rt_observe_free(&ob);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("watch");
	TCase *tc = tcase_create("watch");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, watch_classifies_by_message_type);
	tcase_add_test(tc, watch_bound_source_deleted_and_added);
	tcase_add_test(tc, watch_parse_a_buffer_of_messages);
	tcase_add_test(tc, watch_cause_names_the_most_specific);
	tcase_add_test(tc, observe_route_change_said_once_with_its_cause);
	tcase_add_test(tc, observe_unexplained_egress_change_waits_then_is_said);
	tcase_add_test(tc, observe_watch_explains_a_held_change_with_the_echo_seq);
	tcase_add_test(tc, observe_multipath_divergence_once);
	tcase_add_test(tc, observe_two_targets_only_the_one_whose_route_changed_is_named);
	tcase_add_test(tc, observe_held_changes_of_many_targets_are_said_in_order);
	suite_add_tcase(s, tc);
	return rt_test_run(s);
}
