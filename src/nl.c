/*
 * The rtnetlink socket. Requests carry NLM_F_ACK so every error is read;
 * replies go through mnl_cb_run2() with our sequence and port checked.
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <linux/netlink.h>

#include "rtping/nl.h"

#ifndef NETLINK_GET_STRICT_CHK
#define NETLINK_GET_STRICT_CHK 12
#endif

struct feed {
	mnl_cb_t cb;
	void *data;
	char *extack;
	size_t extack_len;
};

static int extack_attr_cb(const struct nlattr *attr, void *data)
{
	struct feed *f = data;

	if (mnl_attr_get_type(attr) == NLMSGERR_ATTR_MSG &&
	    mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) == 0 && f->extack)
		snprintf(f->extack, f->extack_len, "%s", mnl_attr_get_str(attr));
	return MNL_CB_OK;
}

/* NLMSG_ERROR: error 0 is the ACK that ends a reply. */
static int error_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlmsgerr *err = mnl_nlmsg_get_payload(nlh);
	size_t off = sizeof(*err);

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*err)) {
		errno = EBADMSG;
		return MNL_CB_ERROR;
	}
	if (nlh->nlmsg_flags & NLM_F_ACK_TLVS) {
		if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
			off += mnl_nlmsg_get_payload_len(&err->msg);
		if (off <= mnl_nlmsg_get_payload_len(nlh))
			mnl_attr_parse(nlh, (unsigned)off, extack_attr_cb, data);
	}
	if (err->error == 0)
		return MNL_CB_STOP;
	/* A positive or absurd value is not an errno; report the message as bad. */
	errno = err->error < 0 && err->error > -4096 ? -err->error : EBADMSG;
	return MNL_CB_ERROR;
}

/* NLMSG_DONE ends a dump; since 4.x it may carry the dump's error code. */
static int done_cb(const struct nlmsghdr *nlh, void *data)
{
	if (mnl_nlmsg_get_payload_len(nlh) >= sizeof(int)) {
		int err = *(const int *)mnl_nlmsg_get_payload(nlh);

		if (err < 0 && err > -4096) {
			errno = -err;
			return MNL_CB_ERROR;
		}
	}
	return MNL_CB_STOP;
}

static int overrun_cb(const struct nlmsghdr *nlh, void *data)
{
	errno = ENOSPC;
	return MNL_CB_ERROR;
}

static int noop_cb(const struct nlmsghdr *nlh, void *data)
{
	return MNL_CB_OK;
}

static int data_cb(const struct nlmsghdr *nlh, void *data)
{
	struct feed *f = data;

	return f->cb(nlh, f->data);
}

/*
 * The buffer must hold whole messages only: a cut one is a bad reply, not
 * "more". Checked here in size_t, not with mnl_nlmsg_ok(): it compares
 * (int)nlmsg_len, so a length of 0xffffffff passes as -1 and
 * mnl_nlmsg_next() then loops forever or walks off the buffer (found by
 * tests/fuzz; test_regressions.c). Once this holds, libmnl's walk is safe.
 */
static bool whole_messages(const void *buf, size_t len)
{
	const uint8_t *p = buf;

	if (len > (size_t)INT32_MAX)
		return false;
	while (len >= sizeof(struct nlmsghdr)) {
		uint32_t n;

		memcpy(&n, p + offsetof(struct nlmsghdr, nlmsg_len), sizeof(n));
		if (n < sizeof(struct nlmsghdr) || n > len)
			return false;
		n = MNL_ALIGN(n);   /* n <= len <= INT32_MAX: no overflow */
		if (n > len)
			return false;
		p += n;
		len -= n;
	}
	return len == 0;
}

int rt_nl_feed(const void *buf, size_t len, uint32_t seq, uint32_t portid,
	       mnl_cb_t cb, void *data, char *extack, size_t extack_len)
{
	struct feed f = { cb, data, extack, extack_len };
	/* libmnl calls no default for a type this table covers: fill them all. */
	mnl_cb_t ctl[NLMSG_MIN_TYPE] = {
		[0] = noop_cb, [NLMSG_NOOP] = noop_cb, [NLMSG_ERROR] = error_cb,
		[NLMSG_DONE] = done_cb, [NLMSG_OVERRUN] = overrun_cb,
	};
	int rc;

	if (!len || !whole_messages(buf, len))
		return -EBADMSG;
	errno = 0;
	rc = mnl_cb_run2(buf, len, seq, portid, data_cb, &f, ctl, NLMSG_MIN_TYPE);
	if (rc == MNL_CB_ERROR) {
		/* libmnl: ESRCH wrong port, EPROTO wrong sequence, ENOSPC overrun. */
		if (errno == ESRCH)
			return -EPROTO;
		return errno ? -errno : -EBADMSG;
	}
	return rc == MNL_CB_STOP ? 0 : 1;
}

int rt_nl_open(struct rt_nl *nl)
{
	static const int one = 1;
	struct timeval tv = { .tv_sec = 2 };
	int fd, rc;

	memset(nl, 0, sizeof(*nl));
	nl->sk = mnl_socket_open(NETLINK_ROUTE);
	if (!nl->sk)
		return -errno;
	fd = mnl_socket_get_fd(nl->sk);
	if (mnl_socket_bind(nl->sk, 0, MNL_SOCKET_AUTOPID) < 0) {
		rc = -errno;
		rt_nl_close(nl);
		return rc;
	}
	nl->portid = mnl_socket_get_portid(nl->sk);
	/* Without strict checking an old kernel ignores attributes it does not
	 * know and answers for another flow; remember whether we have it. */
	nl->strict = setsockopt(fd, SOL_NETLINK, NETLINK_GET_STRICT_CHK, &one,
				sizeof(one)) == 0;
	setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	/* The kernel answers at once; a hang here is a filter, not a slow route. */
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	return 0;
}

void rt_nl_close(struct rt_nl *nl)
{
	if (nl->sk)
		mnl_socket_close(nl->sk);
	nl->sk = NULL;
}

/*
 * The kernel answers a request inside our sendto(): the reply and its ACK
 * are two datagrams already queued, so one recvmmsg() takes both
 * (MSG_WAITFORONE: only the first waits, under SO_RCVTIMEO). Returns how
 * many arrived, or -errno as mnl_socket_recvfrom() would set it.
 */
static int nl_recv(struct rt_nl *nl, char (*buf)[RT_NL_BUFSZ], struct mmsghdr *msg)
{
	struct sockaddr_nl sa[2];
	struct iovec iov[2];
	int n;

	for (int i = 0; i < 2; i++) {
		iov[i] = (struct iovec){ buf[i], RT_NL_BUFSZ };
		msg[i].msg_hdr = (struct msghdr){ .msg_name = &sa[i], .msg_namelen = sizeof(sa[i]),
						  .msg_iov = &iov[i], .msg_iovlen = 1 };
	}
	n = recvmmsg(mnl_socket_get_fd(nl->sk), msg, 2, MSG_WAITFORONE, NULL);
	if (n < 0)
		return -errno;
	for (int i = 0; i < n; i++) {
		if (msg[i].msg_hdr.msg_flags & MSG_TRUNC)
			return -ENOSPC;
		if (msg[i].msg_hdr.msg_namelen != sizeof(sa[i]))
			return -EINVAL;
	}
	return n;
}

int rt_nl_talk(struct rt_nl *nl, struct nlmsghdr *nlh, mnl_cb_t cb, void *data)
{
	char buf[2][RT_NL_BUFSZ] __attribute__((aligned(4)));
	struct mmsghdr msg[2];
	int n, rc = 1;

	nlh->nlmsg_seq = ++nl->seq;
	nl->extack[0] = '\0';
	if (mnl_socket_sendto(nl->sk, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	do {
		n = nl_recv(nl, buf, msg);
		if (n == -EINTR)
			continue;
		if (n < 0)
			return n == -EAGAIN ? -ETIMEDOUT : n;
		for (int i = 0; i < n && rc > 0; i++) {
			rc = rt_nl_feed(buf[i], msg[i].msg_len, nlh->nlmsg_seq, nl->portid, cb, data,
					nl->extack, sizeof(nl->extack));
			/* A late answer to an earlier request (one that timed out) is skipped. */
			if (rc == -EPROTO)
				rc = 1;
		}
	} while (rc > 0);
	return rc;
}

/* The name kept for ifindex (rt_nl_ifname_keep), or NULL. */
static const char *kept_name(const struct rt_nl *nl, uint32_t ifindex)
{
	for (unsigned i = 0; nl->keep_names && i < nl->nnames; i++)
		if (nl->names[i].ifindex == ifindex)
			return nl->names[i].name;
	return NULL;
}

static void keep_name(struct rt_nl *nl, uint32_t ifindex, const char *name)
{
	unsigned i = nl->nnames < RT_NL_IFNAMES ? nl->nnames++ : ifindex % RT_NL_IFNAMES;

	nl->names[i].ifindex = ifindex;
	memcpy(nl->names[i].name, name, IF_NAMESIZE);
}

void rt_nl_ifname(struct rt_nl *nl, uint32_t ifindex, char *name)
{
	struct ifreq ifr = { .ifr_ifindex = (int)ifindex };
	const char *kept = nl ? kept_name(nl, ifindex) : NULL;

	if (kept) {
		memcpy(name, kept, IF_NAMESIZE);
		return;
	}
	/* Any socket serves SIOCGIFNAME: ours saves if_indextoname()'s socket()/close(). */
	if (nl && ioctl(mnl_socket_get_fd(nl->sk), SIOCGIFNAME, &ifr) == 0) {
		memcpy(name, ifr.ifr_name, IF_NAMESIZE);
		name[IF_NAMESIZE - 1] = '\0';
		if (nl->keep_names)
			keep_name(nl, ifindex, name);
	} else if (!if_indextoname(ifindex, name)) {
		snprintf(name, IF_NAMESIZE, "if%u", ifindex);
	}
}

void rt_nl_ifname_keep(struct rt_nl *nl, bool on)
{
	nl->keep_names = on;
	nl->nnames = 0;
}

int rt_nl_send(struct rt_nl *nl, const void *buf, size_t len)
{
	ssize_t n = mnl_socket_sendto(nl->sk, buf, len);

	if (n < 0)
		return -errno;
	return (size_t)n == len ? 0 : -EMSGSIZE;
}

int rt_nl_recv_queued(struct rt_nl *nl, void *bufs, size_t bufsz, size_t *lens, unsigned n)
{
	struct mmsghdr msg[64];
	struct iovec iov[64];
	struct sockaddr_nl sa[64];
	int got;

	if (n > 64)
		n = 64;
	for (unsigned i = 0; i < n; i++) {
		iov[i] = (struct iovec){ (char *)bufs + i * bufsz, bufsz };
		msg[i].msg_hdr = (struct msghdr){ .msg_name = &sa[i], .msg_namelen = sizeof(sa[i]),
						  .msg_iov = &iov[i], .msg_iovlen = 1 };
	}
	do {
		/* MSG_TRUNC: netlink then gives a cut datagram's whole length. */
		got = recvmmsg(mnl_socket_get_fd(nl->sk), msg, n, MSG_DONTWAIT | MSG_TRUNC, NULL);
	} while (got < 0 && errno == EINTR);
	if (got < 0)
		return errno == EWOULDBLOCK ? -EAGAIN : -errno;
	/* Only the kernel (port 0) answers. */
	for (int i = 0; i < got; i++)
		lens[i] = msg[i].msg_hdr.msg_namelen == sizeof(sa[i]) && sa[i].nl_pid == 0
			  ? msg[i].msg_len : 0;
	return got;
}

int rt_nl_rcvbuf(struct rt_nl *nl, int bytes)
{
	int fd = mnl_socket_get_fd(nl->sk), got = 0;
	socklen_t len = sizeof(got);

	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &bytes, sizeof(bytes)) < 0 ||
	    getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &got, &len) < 0)
		return -errno;
	return got;
}
