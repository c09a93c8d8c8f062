/*
 * Receiving: recvmmsg() batches and MSG_ERRQUEUE reads, the thin syscall
 * layer under the engine; decoding lives in pure functions.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>

#include "rtping/clock.h"
#include "rtping/icmp.h"
#include "rtping/rx.h"

#define RBUF_EXTRA 4096                          /* IP header and options, slack */
/*
 * Any IP datagram fits a receive slot, so an oversized reply shows its true
 * size and checksum. Slots are malloc'ed, never cleared: a page costs RSS
 * only once a reply lands on it.
 */
#define RBUF_MIN 65536
/*
 * Datagrams per recvmmsg(). A reply batch never asks for more than are in
 * flight, so -c 1 touches one receive slot and RSS stays iputils'; a
 * flood's transmit reports are read from the error queue in batches.
 */
#define BATCH 16
#define RX_CBUF 256                    /* timestamp, TTL, pktinfo, IP options cmsgs */
/* An error-queue message: the extended error, the offender, pktinfo, timestamps. */
#define EQ_CBUF 512
#define EQ_EXTRA 192                             /* link-layer and IP headers */

/* BATCH slots of slot_len bytes, each with its address and control buffer. */
struct batch {
	uint8_t *buf;
	size_t slot_len, cbuf_len;
	struct mmsghdr msg[BATCH];
	struct iovec iov[BATCH];
	struct sockaddr_storage name[BATCH];
	char cbuf[BATCH][EQ_CBUF];
	int n, next;          /* received, next to hand out */
};

struct rt_rx {
	const struct rt_family *fam;
	bool kernel_ts;
	struct batch rb;      /* replies */
	int64_t mono, real;   /* clocks read once after the batch arrived */
	int64_t offset;       /* REALTIME - MONOTONIC at the last bracketed read; 0 none */
	struct batch eb;      /* the error queue */
	bool edrained;        /* the last batch was short: the queue was empty then */
	bool pktinfo;         /* switch pktinfo on for error-queue reads */
	enum rt_rx_ingress ingress;
	bool pk_on;           /* pktinfo is on on the socket now */
	unsigned pk_first;    /* SAMPLED: replies still to read with it before the gaps */
	int64_t pk_off_ns;    /* SAMPLED: when it went off */
};

static bool batch_init(struct batch *b, size_t slot_len, size_t cbuf_len)
{
	b->slot_len = slot_len;
	b->cbuf_len = cbuf_len;
	b->buf = malloc(slot_len * BATCH);
	return b->buf != NULL;
}

/* The first want slots made ready for a read (recvmsg() writes their lengths back). */
static void batch_arm(struct batch *b, int want)
{
	for (int i = 0; i < want; i++) {
		b->iov[i] = (struct iovec){ b->buf + (size_t)i * b->slot_len, b->slot_len };
		b->msg[i].msg_hdr = (struct msghdr){
			.msg_name = &b->name[i], .msg_namelen = sizeof(b->name[i]),
			.msg_iov = &b->iov[i], .msg_iovlen = 1,
			.msg_control = b->cbuf[i], .msg_controllen = b->cbuf_len };
	}
}

struct rt_rx *rt_rx_new(const struct rt_family *fam, bool kernel_ts, long size)
{
	struct rt_rx *rx = calloc(1, sizeof(*rx));
	size_t rlen = (size_t)size + RT_ICMP_HDR_LEN + RBUF_EXTRA;

	if (!rx)
		return NULL;
	rx->fam = fam;
	rx->kernel_ts = kernel_ts;
	if (!batch_init(&rx->rb, rlen < RBUF_MIN ? RBUF_MIN : rlen, RX_CBUF) ||
	    !batch_init(&rx->eb, (size_t)size + RT_ICMP_HDR_LEN + EQ_EXTRA, EQ_CBUF)) {
		rt_rx_free(rx);
		return NULL;
	}
	return rx;
}

void rt_rx_free(struct rt_rx *rx)
{
	if (!rx)
		return;
	free(rx->rb.buf);
	free(rx->eb.buf);
	free(rx);
}

/* The device of an IP_PKTINFO / IPV6_PKTINFO cmsg; 0 when it is short. */
static uint32_t pktinfo_ifindex(const struct cmsghdr *c, const struct rt_family *fam)
{
	struct in_pktinfo p4;
	struct in6_pktinfo p6;

	if (fam->af == AF_INET && c->cmsg_len >= CMSG_LEN(sizeof(p4))) {
		memcpy(&p4, CMSG_DATA(c), sizeof(p4));
		return p4.ipi_ifindex > 0 ? (uint32_t)p4.ipi_ifindex : 0;
	}
	if (fam->af == AF_INET6 && c->cmsg_len >= CMSG_LEN(sizeof(p6))) {
		memcpy(&p6, CMSG_DATA(c), sizeof(p6));
		return p6.ipi6_ifindex;
	}
	return 0;
}

void rt_rx_cmsgs(const struct msghdr *msg, const struct rt_family *fam, bool kernel_ts,
		 int64_t mono, int64_t real, struct rt_rx_meta *m)
{
	int64_t age;

	m->ttl = -1;
	m->rx_ns = m->read_ns = mono;
	m->ipopts = NULL;
	m->ipopts_len = 0;
	m->ifindex = 0;
	for (struct cmsghdr *c = CMSG_FIRSTHDR((struct msghdr *)msg); c;
	     c = CMSG_NXTHDR((struct msghdr *)msg, c)) {
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS &&
		    c->cmsg_len >= CMSG_LEN(sizeof(struct timespec)) && kernel_ts) {
			struct timespec ts;

			memcpy(&ts, CMSG_DATA(c), sizeof(ts));
			age = real - rt_timespec_ns(&ts);
			if (age >= 0 && rt_timespec_ns(&ts))
				m->rx_ns = mono - age;
		} else if (c->cmsg_level == fam->sol_ip && c->cmsg_type == fam->cmsg_ttl &&
			   c->cmsg_len >= CMSG_LEN(sizeof(int))) {
			memcpy(&m->ttl, CMSG_DATA(c), sizeof(int));
		} else if (fam->af == AF_INET && c->cmsg_level == SOL_IP &&
			   c->cmsg_type == IP_RETOPTS && c->cmsg_len > CMSG_LEN(0)) {
			/* Exactly the option bytes (iputils reads cmsg_len of them, header included). */
			m->ipopts = CMSG_DATA(c);
			m->ipopts_len = c->cmsg_len - CMSG_LEN(0);
		} else if (c->cmsg_level == fam->sol_ip && c->cmsg_type == fam->cmsg_pktinfo) {
			m->ifindex = pktinfo_ifindex(c, fam);
		}
	}
}

/*
 * Both clocks at one instant, as near as we can tell: a preemption between
 * two reads would shift every kernel stamp's conversion (and could put a
 * reply before its send). MONOTONIC is read between two REALTIME reads;
 * the tighter of two tries is kept.
 */
static void bracket(int64_t *mono, int64_t *real)
{
	int64_t best = INT64_MAX;

	for (int i = 0; i < 2 && best > 10000; i++) {
		int64_t r1 = rt_clock_ns(CLOCK_REALTIME), m = rt_clock_ns(CLOCK_MONOTONIC);
		int64_t r2 = rt_clock_ns(CLOCK_REALTIME);

		if (r2 - r1 < best) {
			best = r2 - r1;
			*mono = m;
			*real = r1 + (r2 - r1) / 2;
		}
	}
}

/*
 * The two clocks differ by an offset that changes only when the wall
 * clock is set (NTP slews both alike). Two plain reads whose difference
 * is within 1 µs of the last bracketed offset had no preemption and no
 * step between them: a flood saves a clock read per reply. Otherwise
 * bracket, and keep its offset.
 */
static void read_clocks(struct rt_rx *rx)
{
	int64_t m = rt_clock_ns(CLOCK_MONOTONIC), r = rt_clock_ns(CLOCK_REALTIME);
	int64_t d = r - m - rx->offset;

	if (rx->offset && d >= -1000 && d <= 1000) {
		rx->mono = m;
		rx->real = m + rx->offset;   /* the bracket's pairing, not r's 30 ns later */
		return;
	}
	bracket(&rx->mono, &rx->real);
	rx->offset = rx->real - rx->mono;
}

/* Refills the batch: 0, or -errno (-EAGAIN: nothing queued). */
static int fill(struct rt_rx *rx, int fd, long want)
{
	int n;

	if (want < 1)
		want = 1;
	if (want > BATCH)
		want = BATCH;
	batch_arm(&rx->rb, (int)want);
	/* One expected (a flood's echo): recvmsg() costs the kernel less. */
	if (want == 1) {
		ssize_t len = recvmsg(fd, &rx->rb.msg[0].msg_hdr, MSG_DONTWAIT);

		n = len < 0 ? -1 : 1;
		rx->rb.msg[0].msg_len = len < 0 ? 0 : (unsigned)len;
	} else {
		n = recvmmsg(fd, rx->rb.msg, (unsigned)want, MSG_DONTWAIT, NULL);
	}
	if (n < 0)
		return errno == EINTR ? 0 : -errno;
	read_clocks(rx);
	rx->rb.n = n;
	rx->rb.next = 0;
	return 0;
}

/* SAMPLED: pktinfo off once a reply carried it, on again a gap later (rt_rx_ingress()). */
static void sample(struct rt_rx *rx, int fd, const struct rt_rx_meta *m)
{
	int v;

	if (rx->ingress != RT_RX_INGRESS_SAMPLED)
		return;
	if (rx->pk_on && m->ifindex && rx->pk_first)
		rx->pk_first--;
	if (rx->pk_on && m->ifindex && !rx->pk_first) {
		v = 0;
		rx->pk_on = false;
		rx->pk_off_ns = m->read_ns;
	} else if (!rx->pk_on && m->read_ns - rx->pk_off_ns >= RT_RX_INGRESS_GAP_NS) {
		v = 1;
		rx->pk_on = true;
	} else {
		return;
	}
	setsockopt(fd, rx->fam->sol_ip, rx->fam->opt_pktinfo, &v, sizeof(v));
}

int rt_rx_next(struct rt_rx *rx, int fd, long want, struct rt_rx_dgram *d)
{
	struct msghdr *msg;
	int rc;

	if (rx->rb.next >= rx->rb.n && (rc = fill(rx, fd, want)) < 0)
		return rc;
	if (rx->rb.next >= rx->rb.n)
		return 0;   /* EINTR */
	msg = &rx->rb.msg[rx->rb.next].msg_hdr;
	rt_rx_cmsgs(msg, rx->fam, rx->kernel_ts, rx->mono, rx->real, &d->meta);
	sample(rx, fd, &d->meta);
	d->buf = msg->msg_iov->iov_base;
	d->len = rx->rb.msg[rx->rb.next++].msg_len;
	d->from = (const struct sockaddr *)msg->msg_name;
	d->fromlen = msg->msg_namelen;
	return 1;
}

void rt_rx_want_pktinfo(struct rt_rx *rx, bool on)
{
	rx->pktinfo = on;
}

void rt_rx_ingress(struct rt_rx *rx, enum rt_rx_ingress mode)
{
	rx->ingress = mode;
	rx->pk_on = mode != RT_RX_INGRESS_OFF;
	rx->pk_first = RT_RX_INGRESS_FIRST;
}

/*
 * The kernel adds pktinfo to an error-queue message when the option is on
 * at read time (ip_recv_error(), ipv6_recv_error()). While it is on for
 * the replies' ingress, nothing to switch.
 */
static void pktinfo(const struct rt_rx *rx, int fd, int on)
{
	if (rx->pktinfo && !rx->pk_on)
		setsockopt(fd, rx->fam->sol_ip, rx->fam->opt_pktinfo, &on, sizeof(on));
}

/* Refills the error-queue batch: 0, or -errno (-EAGAIN: empty). */
static int efill(struct rt_rx *rx, int fd)
{
	int n, err;

	batch_arm(&rx->eb, BATCH);
	pktinfo(rx, fd, 1);
	n = recvmmsg(fd, rx->eb.msg, BATCH, MSG_ERRQUEUE | MSG_DONTWAIT, NULL);
	err = errno;
	pktinfo(rx, fd, 0);
	if (n < 0)
		return -err;
	rx->eb.n = n;
	rx->eb.next = 0;
	rx->edrained = n < BATCH;
	return n ? 0 : -EAGAIN;
}

int rt_rx_errqueue(struct rt_rx *rx, int fd, const struct rt_icmp_match *m,
		   struct rt_errq_entry *e)
{
	struct mmsghdr *mm;
	int rc;

	/* A short batch emptied the queue: say so once without another syscall. */
	if (rx->eb.next >= rx->eb.n && rx->edrained) {
		rx->edrained = false;
		return -EAGAIN;
	}
	if (rx->eb.next >= rx->eb.n && (rc = efill(rx, fd)) < 0)
		return rc;
	mm = &rx->eb.msg[rx->eb.next++];
	return rt_errq_decode(m, &mm->msg_hdr, mm->msg_len, e) == 0 ? 1 : 0;
}
