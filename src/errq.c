/*
 * Error-queue messages into tagged entries: the extended error, the
 * offender after it, the probe's destination in msg_name, and the quoted
 * ICMP header in the payload. No syscalls.
 */
#include <errno.h>
#include <string.h>
#include <time.h>
#include <linux/errqueue.h>

#include "rtping/errq.h"

/* The extended error and how many bytes follow it (the offender) in its cmsg. */
static const struct sock_extended_err *find_ee(const struct rt_family *fam,
					       const struct msghdr *msg, size_t *tail)
{
	const struct sock_extended_err *ee = NULL;

	for (struct cmsghdr *c = CMSG_FIRSTHDR((struct msghdr *)msg); c;
	     c = CMSG_NXTHDR((struct msghdr *)msg, c)) {
		/* CMSG_FIRSTHDR() checks only that a header fits, not its length. */
		if (c->cmsg_level != fam->sol_ip || c->cmsg_type != fam->cmsg_recverr ||
		    c->cmsg_len < CMSG_LEN(sizeof(*ee)) ||
		    c->cmsg_len > msg->msg_controllen -
				  (size_t)((const uint8_t *)c - (const uint8_t *)msg->msg_control))
			continue;
		ee = (const struct sock_extended_err *)CMSG_DATA(c);
		*tail = c->cmsg_len - CMSG_LEN(sizeof(*ee));
	}
	return ee;
}

int rt_errq_decode(const struct rt_icmp_match *m, const struct msghdr *msg, size_t len,
		   struct rt_errq_entry *out)
{
	struct sock_extended_err ee;
	const struct sock_extended_err *pee;
	struct rt_addr off = { .af = AF_UNSPEC }, to = { .af = AF_UNSPEC };
	uint32_t scope = 0;
	size_t tail = 0;

	memset(out, 0, sizeof(*out));
	pee = find_ee(m->fam, msg, &tail);
	if (!pee)
		return -ENOMSG;
	memcpy(&ee, pee, sizeof(ee));
	if (len > msg->msg_iov[0].iov_len)
		len = msg->msg_iov[0].iov_len;
	if (ee.ee_origin == SO_EE_ORIGIN_TIMESTAMPING) {
		out->kind = RT_ERRQ_TXREPORT;
		return rt_txrep_parse(m, &ee, msg, msg->msg_iov[0].iov_base, len, &out->tx);
	}
	/* SO_EE_OFFENDER(): the sender of the ICMP error, right after ee. */
	if (tail >= sizeof(sa_family_t))
		rt_addr_from_sockaddr(&off, NULL, NULL,
				      (const struct sockaddr *)((const uint8_t *)pee + sizeof(ee)),
				      (socklen_t)tail);
	if (msg->msg_name && msg->msg_namelen >= sizeof(sa_family_t))
		rt_addr_from_sockaddr(&to, NULL, &scope, (const struct sockaddr *)msg->msg_name,
				      msg->msg_namelen);
	if (rt_icmp_parse_err(m, ee.ee_origin, (int)ee.ee_errno, ee.ee_type, ee.ee_code,
			      ee.ee_info, &off, to.af == AF_UNSPEC ? NULL : &to,
			      msg->msg_iov[0].iov_base, len, &out->err) < 0)
		return -ENOMSG;
	/* The kernel names the link the error came in on: two targets may differ only so. */
	out->err.dst_scope = scope;
	out->kind = out->err.local ? RT_ERRQ_LOCAL : RT_ERRQ_ICMP;
	return 0;
}
