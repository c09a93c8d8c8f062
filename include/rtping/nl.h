/*
 * The rtnetlink boundary: one socket, requests with NLM_F_ACK, replies fed
 * through mnl_cb_run() with sequence and port checked. rt_nl_feed() is pure
 * so every reply parser can be tested on byte buffers.
 */
#ifndef RTPING_NL_H
#define RTPING_NL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <net/if.h>
#include <libmnl/libmnl.h>

struct rt_nlb;

/* Interface names kept while many answers are read in a row (rt_nl_ifname_keep). */
#define RT_NL_IFNAMES 4

struct rt_nl {
	struct mnl_socket *sk;
	uint32_t portid;
	uint32_t seq;
	bool strict;            /* NETLINK_GET_STRICT_CHK took: answers are for our flow */
	char extack[128];       /* the kernel's message for the last error, if any */
	/* Route answers asked ahead on another socket (src/nlbatch.c); NULL none. */
	struct rt_nlb *ahead;
	bool keep_names;
	unsigned nnames;
	struct { uint32_t ifindex; char name[IF_NAMESIZE]; } names[RT_NL_IFNAMES];
};

/* 0 or -errno (EPERM/EACCES under seccomp, EAFNOSUPPORT without rtnetlink). */
int rt_nl_open(struct rt_nl *nl);
void rt_nl_close(struct rt_nl *nl);

/*
 * Runs cb over the messages in buf. Returns 1 when more messages are due,
 * 0 when the reply is complete (ACK or NLMSG_DONE), -errno for a kernel
 * error, -EBADMSG for a malformed buffer, -EPROTO for another sequence or
 * port. When the kernel sent an extended-ack message it lands in extack.
 */
int rt_nl_feed(const void *buf, size_t len, uint32_t seq, uint32_t portid,
	       mnl_cb_t cb, void *data, char *extack, size_t extack_len);

/* Sends nlh (seq assigned here) and feeds replies to cb until complete. */
int rt_nl_talk(struct rt_nl *nl, struct nlmsghdr *nlh, mnl_cb_t cb, void *data);

/*
 * The interface name of ifindex into name (IF_NAMESIZE bytes): SIOCGIFNAME,
 * an ioctl on the netlink socket's fd when nl is given (no message is
 * sent), else if_indextoname(); "ifN" when the index has no name.
 */
void rt_nl_ifname(struct rt_nl *nl, uint32_t ifindex, char *name);
/*
 * on: rt_nl_ifname() remembers the last few names it read and answers
 * from them (many answers in a row, the audit's window); off: forgets them
 * and asks each time again.
 */
void rt_nl_ifname_keep(struct rt_nl *nl, bool on);

/*
 * For asking many questions at once (src/nlbatch.c). rt_nl_send() sends a
 * buffer of several requests in one sendmsg(); the kernel has answered
 * them all (or dropped answers its receive buffer had no room for) by the
 * time it returns. 0 or -errno.
 */
int rt_nl_send(struct rt_nl *nl, const void *buf, size_t len);
/*
 * Up to n datagrams already queued, without waiting: into bufs (n buffers
 * of bufsz bytes each), their lengths into lens (0: not the kernel's; over
 * bufsz: cut, its first bufsz bytes kept). Returns how many, -EAGAIN when none is queued,
 * -ENOBUFS once after the kernel dropped answers for want of room, or -errno.
 */
int rt_nl_recv_queued(struct rt_nl *nl, void *bufs, size_t bufsz, size_t *lens, unsigned n);
/* SO_RCVBUF: asks for bytes; returns what the kernel granted, or -errno. */
int rt_nl_rcvbuf(struct rt_nl *nl, int bytes);

/* The loopback device's index in every namespace (the kernel's LOOPBACK_IFINDEX). */
#define RT_LOOPBACK_IFINDEX 1

/* Buffer size for one request or one recv(). */
#define RT_NL_BUFSZ 32768

#endif
