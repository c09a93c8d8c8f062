/* Building netlink reply buffers by hand, for the parser tests. */
#ifndef RTPING_TEST_NLTEST_H
#define RTPING_TEST_NLTEST_H

#include <string.h>
#include <libmnl/libmnl.h>
#include <linux/netlink.h>

#define T_SEQ 7
#define T_PORT 4242

/* A buffer that grows message by message, like one recv() of a reply. */
struct tbuf {
	char b[8192] __attribute__((aligned(4)));
	size_t len;
};

static inline struct nlmsghdr *tbuf_msg(struct tbuf *t, uint16_t type, uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(t->b + t->len);

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = flags;
	nlh->nlmsg_seq = T_SEQ;
	nlh->nlmsg_pid = T_PORT;
	return nlh;
}

/* Call when the message is complete. */
static inline void tbuf_end(struct tbuf *t, struct nlmsghdr *nlh)
{
	t->len += MNL_ALIGN(nlh->nlmsg_len);
}

/* NLMSG_ERROR with the given (negative) error; 0 is an ACK. */
static inline void tbuf_error(struct tbuf *t, int error, const char *extack)
{
	struct nlmsghdr *nlh = tbuf_msg(t, NLMSG_ERROR, extack ? NLM_F_CAPPED | NLM_F_ACK_TLVS : 0);
	struct nlmsgerr *e = mnl_nlmsg_put_extra_header(nlh, sizeof(*e));

	e->error = error;
	e->msg.nlmsg_len = sizeof(struct nlmsghdr);
	e->msg.nlmsg_seq = T_SEQ;
	if (extack)
		mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, extack);
	tbuf_end(t, nlh);
}

static inline void tbuf_done(struct tbuf *t, int error)
{
	struct nlmsghdr *nlh = tbuf_msg(t, NLMSG_DONE, NLM_F_MULTI);
	int *p = mnl_nlmsg_put_extra_header(nlh, sizeof(int));

	*p = error;
	tbuf_end(t, nlh);
}

#endif
