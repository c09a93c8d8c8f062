/*
 * rt_nl_feed() on hostile and faulty reply buffers: replies for another
 * request, another socket, kernel errors (ENOBUFS, EINTR in a dump), overrun,
 * cut and malformed messages. No sockets: byte buffers as recv() returns them.
 */
#include <check.h>
#include <errno.h>
#include <string.h>
#include <linux/rtnetlink.h>

#include "rtping/nl.h"
#include "rtping/route.h"
#include "nltest.h"
#include "runner.h"

static int ncalls;
static int count_cb(const struct nlmsghdr *nlh, void *data)
{
	(void)nlh;
	(void)data;
	ncalls++;
	return MNL_CB_OK;
}

static int feed(struct tbuf *t, char *extack, size_t len)
{
	ncalls = 0;
	return rt_nl_feed(t->b, t->len, T_SEQ, T_PORT, count_cb, NULL, extack, len);
}

/* A data message (RTM_NEWROUTE with an empty rtmsg) with seq and port. */
static void data_msg(struct tbuf *t, uint32_t seq, uint32_t port, uint16_t flags)
{
	struct nlmsghdr *nlh = tbuf_msg(t, RTM_NEWROUTE, flags);

	nlh->nlmsg_seq = seq;
	nlh->nlmsg_pid = port;
	mnl_nlmsg_put_extra_header(nlh, sizeof(struct rtmsg));
	tbuf_end(t, nlh);
}

START_TEST(reply_for_another_sequence_is_eproto)
{
	struct tbuf t = { .len = 0 };

	data_msg(&t, T_SEQ + 1, T_PORT, 0);
	tbuf_error(&t, 0, NULL);
	ck_assert_int_eq(feed(&t, NULL, 0), -EPROTO);
	ck_assert_int_eq(ncalls, 0);
}
END_TEST

START_TEST(reply_for_another_port_is_eproto)
{
	struct tbuf t = { .len = 0 };

	data_msg(&t, T_SEQ, T_PORT + 1, 0);
	ck_assert_int_eq(feed(&t, NULL, 0), -EPROTO);
	ck_assert_int_eq(ncalls, 0);
}
END_TEST

/* Our reply, then a stale ACK of an earlier request in the same buffer. */
START_TEST(stale_ack_after_our_data_is_eproto)
{
	struct tbuf t = { .len = 0 };
	struct nlmsghdr *nlh;

	data_msg(&t, T_SEQ, T_PORT, NLM_F_MULTI);
	tbuf_error(&t, 0, NULL);
	nlh = (struct nlmsghdr *)(t.b + t.len - MNL_ALIGN(sizeof(struct nlmsghdr) + sizeof(struct nlmsgerr)));
	nlh->nlmsg_seq = T_SEQ - 1;
	ck_assert_int_eq(feed(&t, NULL, 0), -EPROTO);
	ck_assert_int_eq(ncalls, 1);
}
END_TEST

START_TEST(kernel_enobufs_is_returned)
{
	struct tbuf t = { .len = 0 };

	tbuf_error(&t, -ENOBUFS, NULL);
	ck_assert_int_eq(feed(&t, NULL, 0), -ENOBUFS);
}
END_TEST

START_TEST(dump_interrupted_in_done_is_returned)
{
	struct tbuf t = { .len = 0 };

	data_msg(&t, T_SEQ, T_PORT, NLM_F_MULTI);
	tbuf_done(&t, -EINTR);
	ck_assert_int_eq(feed(&t, NULL, 0), -EINTR);
	ck_assert_int_eq(ncalls, 1);
}
END_TEST

START_TEST(overrun_is_enospc)
{
	struct tbuf t = { .len = 0 };

	tbuf_end(&t, tbuf_msg(&t, NLMSG_OVERRUN, 0));
	ck_assert_int_eq(feed(&t, NULL, 0), -ENOSPC);
}
END_TEST

START_TEST(absurd_error_codes_are_bad_messages)
{
	struct tbuf t = { .len = 0 };

	tbuf_error(&t, 5, NULL);              /* positive: not an errno */
	ck_assert_int_eq(feed(&t, NULL, 0), -EBADMSG);
	t.len = 0;
	tbuf_error(&t, -100000, NULL);        /* beyond MAX_ERRNO */
	ck_assert_int_eq(feed(&t, NULL, 0), -EBADMSG);
}
END_TEST

START_TEST(error_message_too_short_is_bad_message)
{
	struct tbuf t = { .len = 0 };
	struct nlmsghdr *nlh = tbuf_msg(&t, NLMSG_ERROR, 0);

	mnl_nlmsg_put_extra_header(nlh, 2);
	tbuf_end(&t, nlh);
	ck_assert_int_eq(feed(&t, NULL, 0), -EBADMSG);
}
END_TEST

START_TEST(empty_cut_and_garbage_buffers_are_bad_messages)
{
	struct tbuf t = { .len = 0 };

	ck_assert_int_eq(feed(&t, NULL, 0), -EBADMSG);            /* empty */
	data_msg(&t, T_SEQ, T_PORT, 0);
	tbuf_error(&t, 0, NULL);
	t.len -= 4;                                                /* cut */
	ck_assert_int_eq(feed(&t, NULL, 0), -EBADMSG);
	t.len = 10;                                                /* shorter than a header */
	ck_assert_int_eq(feed(&t, NULL, 0), -EBADMSG);
	memset(t.b, 0, 64);                                        /* nlmsg_len 0 */
	t.len = 64;
	ck_assert_int_eq(feed(&t, NULL, 0), -EBADMSG);
	ck_assert_int_eq(ncalls, 0);
}
END_TEST

START_TEST(multipart_without_done_wants_more)
{
	struct tbuf t = { .len = 0 };

	data_msg(&t, T_SEQ, T_PORT, NLM_F_MULTI);
	data_msg(&t, T_SEQ, T_PORT, NLM_F_MULTI);
	ck_assert_int_eq(feed(&t, NULL, 0), 1);
	ck_assert_int_eq(ncalls, 2);
}
END_TEST

START_TEST(noop_then_ack_completes)
{
	struct tbuf t = { .len = 0 };

	tbuf_end(&t, tbuf_msg(&t, NLMSG_NOOP, 0));
	tbuf_error(&t, 0, NULL);
	ck_assert_int_eq(feed(&t, NULL, 0), 0);
	ck_assert_int_eq(ncalls, 0);
}
END_TEST

START_TEST(extack_is_copied_and_bounded)
{
	struct tbuf t = { .len = 0 };
	char small[8];

	tbuf_error(&t, -EINVAL, "Invalid protocol attribute");
	ck_assert_int_eq(feed(&t, small, sizeof(small)), -EINVAL);
	ck_assert_str_eq(small, "Invalid");
}
END_TEST

/* An extack string without its NUL must not be read past its attribute. */
START_TEST(extack_without_nul_is_ignored)
{
	struct tbuf t = { .len = 0 };
	struct nlmsghdr *nlh = tbuf_msg(&t, NLMSG_ERROR, NLM_F_CAPPED | NLM_F_ACK_TLVS);
	struct nlmsgerr *e = mnl_nlmsg_put_extra_header(nlh, sizeof(*e));
	char msg[64] = "";

	e->error = -EINVAL;
	e->msg.nlmsg_len = sizeof(struct nlmsghdr);
	mnl_attr_put(nlh, NLMSGERR_ATTR_MSG, 4, "abcd");
	tbuf_end(&t, nlh);
	ck_assert_int_eq(feed(&t, msg, sizeof(msg)), -EINVAL);
	ck_assert_str_eq(msg, "");
}
END_TEST

/* A callback's error (here: a route reply of the wrong type) ends the feed. */
START_TEST(callback_error_is_returned)
{
	struct tbuf t = { .len = 0 };
	struct rt_route r;

	data_msg(&t, T_SEQ, T_PORT, 0);
	((struct nlmsghdr *)t.b)->nlmsg_type = RTM_NEWLINK;
	tbuf_error(&t, 0, NULL);
	ck_assert_int_eq(rt_nl_feed(t.b, t.len, T_SEQ, T_PORT, rt_route_cb, &r, NULL, 0), -EBADMSG);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("nl");
	TCase *tc = tcase_create("feed");

	tcase_add_test(tc, reply_for_another_sequence_is_eproto);
	tcase_add_test(tc, reply_for_another_port_is_eproto);
	tcase_add_test(tc, stale_ack_after_our_data_is_eproto);
	tcase_add_test(tc, kernel_enobufs_is_returned);
	tcase_add_test(tc, dump_interrupted_in_done_is_returned);
	tcase_add_test(tc, overrun_is_enospc);
	tcase_add_test(tc, absurd_error_codes_are_bad_messages);
	tcase_add_test(tc, error_message_too_short_is_bad_message);
	tcase_add_test(tc, empty_cut_and_garbage_buffers_are_bad_messages);
	tcase_add_test(tc, multipart_without_done_wants_more);
	tcase_add_test(tc, noop_then_ack_completes);
	tcase_add_test(tc, extack_is_copied_and_bounded);
	tcase_add_test(tc, extack_without_nul_is_ignored);
	tcase_add_test(tc, callback_error_is_returned);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return rt_test_run(suite());
}
