/*
 * The ping engine: socket set-up, one poll loop, replies and errors turned
 * into events for src/output.c. Model: iputils ping's behaviour (options,
 * timing rules, exit codes) without its structure: absolute CLOCK_MONOTONIC
 * deadlines instead of SIGALRM, RTTs from our own send-time table instead
 * of the reply payload, one code path for IPv4 and IPv6.
 */
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/errqueue.h>
#include <linux/filter.h>
#include <netinet/ip_icmp.h>
#include <netinet/icmp6.h>
#include <sys/socket.h>

#include "rtping/caps.h"
#include "rtping/engine.h"
#include "rtping/exitcodes.h"
#include "rtping/icmp.h"
#include "rtping/output.h"
#include "rtping/stats.h"

#define NS_PER_MS 1000000LL
#define LINGER_DEFAULT_NS (10 * RT_NS_PER_SEC)  /* iputils' MAXWAIT */
#define MIN_USER_INTERVAL_NS (2 * NS_PER_MS)
#define RBUF_EXTRA 4096                          /* IP header and options, slack */
/*
 * Any IP datagram fits a receive slot, so an oversized reply shows its true
 * size and checksum. Slots are malloc'ed, never cleared: a page costs RSS
 * only once a reply lands on it.
 */
#define RBUF_MIN 65536
/*
 * Replies taken per recvmmsg(). A batch never asks for more than are in
 * flight, so -c 1 touches one receive slot and RSS stays iputils'.
 */
#define RX_BATCH 16
#define RX_CBUF 256                              /* timestamp + TTL cmsgs, slack */
/* SOL_RAW ICMP_FILTER from linux/icmp.h, which clashes with net/if.h. */
#define RT_ICMP_FILTER 1

/* One recvmmsg() worth of replies, handed out one at a time. */
struct rx_batch {
	struct mmsghdr msg[RX_BATCH];
	struct iovec iov[RX_BATCH];
	struct sockaddr_storage from[RX_BATCH];
	char cbuf[RX_BATCH][RX_CBUF];
	int n, next;          /* received, next to process */
	int64_t mono, real;   /* clocks read once after the batch arrived */
};

/* The only file-scope state: what the signal handlers tell the loop. */
static volatile sig_atomic_t sig_exit, sig_status;

struct rt_engine {
	const struct rt_opts *o;
	const struct rt_target *t;
	const struct rt_family *fam;
	const char *prog;
	int fd;
	int socktype;
	struct rt_icmp_match match;
	struct sockaddr_storage dst;
	socklen_t dst_len;
	bool numeric;               /* no reverse lookups (iputils: numeric IPv4 target, -n, -f) */
	bool timing;                /* -s >= 16: iputils shows times only then */
	bool privileged;
	bool group;                 /* -b or a multicast target: many may answer */
	const char *fatal;          /* ends the run with exit 2 (iputils' wording) */
	struct rt_out out;
	struct rt_sched sched;      /* when the next probe is due */
	int64_t retry_ns;           /* a full send queue: not before this */
	int64_t exit_ns;            /* linger end after the last probe; 0 none */
	int64_t deadline_ns;        /* -w; 0 none */
	uint8_t *pkt, *rbuf;        /* rbuf: RX_BATCH slots of rbuf_len */
	size_t pkt_cap, rbuf_len;
	bool need_wall;             /* -D or JSON: events carry the wall clock */
	bool rx_maybe;              /* a reply may be queued: read before sleeping */
	struct rx_batch *rx;
	struct sockaddr_storage name_sa;   /* the address last turned into text */
	char name[NI_MAXHOST * 2 + 4];
	char addr[NI_MAXHOST];
	struct rt_stats st;         /* last: large (the send-time table) */
};

static int64_t clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (int64_t)ts.tv_sec * RT_NS_PER_SEC + ts.tv_nsec;
}

static int64_t wall_us(void)
{
	return clock_ns(CLOCK_REALTIME) / 1000;
}

/* An event's wall time: read only when -D or JSON prints it (flood cost). */
static int64_t event_wall(const struct rt_engine *e)
{
	return e->need_wall ? wall_us() : 0;
}

static int setopt_int(int fd, int level, int name, int v)
{
	return setsockopt(fd, level, name, &v, sizeof(v)) < 0 ? -errno : 0;
}

/*
 * Datagram ping socket first: it needs no privilege inside
 * net.ipv4.ping_group_range. Fall back to raw on the errno values iputils
 * documents: EACCES (not in the group range), EPROTONOSUPPORT and, for
 * IPv4, EAFNOSUPPORT (kernels without ping sockets).
 */
static int open_socket(struct rt_engine *e)
{
	int af = e->fam->af, err;

	rt_caps_raise();
	e->fd = socket(af, SOCK_DGRAM | SOCK_CLOEXEC, e->fam->proto);
	e->socktype = SOCK_DGRAM;
	err = errno;
	if (e->fd < 0 && (err == EACCES || err == EPERM || err == EPROTONOSUPPORT ||
			  (err == EAFNOSUPPORT && af == AF_INET))) {
		e->fd = socket(af, SOCK_RAW | SOCK_CLOEXEC, e->fam->proto);
		e->socktype = SOCK_RAW;
		err = errno;
	}
	rt_caps_lower();
	return e->fd < 0 ? -err : 0;
}

/* Raw sockets see every ICMP packet: keep echo replies with our id (iputils' BPF). */
static int attach_bpf(struct rt_engine *e)
{
	bool v4 = e->fam->af == AF_INET;
	/* IPv4 raw sockets deliver the IP header: X = its length (BPF_MSH). */
	struct sock_filter insns[] = {
		BPF_STMT(BPF_LDX | BPF_B | BPF_MSH, 0),
		BPF_STMT(BPF_LD | BPF_H | BPF_IND, 4),          /* echo identifier */
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, e->match.id, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, ~0U),                 /* ours */
		BPF_STMT(BPF_LD | BPF_B | BPF_IND, 0),          /* type */
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, e->fam->echo_reply, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, ~0U),                 /* errors pass */
		BPF_STMT(BPF_RET | BPF_K, 0),                   /* another ping's reply */
	};
	struct sock_fprog prog = { .len = sizeof(insns) / sizeof(insns[0]), .filter = insns };

	if (!v4) {
		/* IPv6 raw sockets start at the ICMPv6 header: X = 0. */
		insns[0] = (struct sock_filter)BPF_STMT(BPF_LDX | BPF_IMM, 0);
	}
	return setsockopt(e->fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog)) < 0 ? -errno : 0;
}

/* Type filters: errors come through the error queue, replies through recv. */
static int raw_type_filter(struct rt_engine *e)
{
	if (e->fam->af == AF_INET) {
		/* A set bit blocks that type. */
		uint32_t f = ~(uint32_t)((1 << ICMP_SOURCE_QUENCH) | (1 << ICMP_DEST_UNREACH) |
			(1 << ICMP_TIME_EXCEEDED) | (1 << ICMP_PARAMETERPROB) |
			(1 << ICMP_REDIRECT) | (1 << ICMP_ECHOREPLY));

		return setsockopt(e->fd, SOL_RAW, RT_ICMP_FILTER, &f, sizeof(f)) < 0 ? -errno : 0;
	}
	struct icmp6_filter f6;

	ICMP6_FILTER_SETBLOCKALL(&f6);
	ICMP6_FILTER_SETPASS(ICMP6_ECHO_REPLY, &f6);
	setopt_int(e->fd, SOL_RAW, IPV6_CHECKSUM, 2);   /* the kernel's default; be sure */
	return setsockopt(e->fd, IPPROTO_ICMPV6, ICMP6_FILTER, &f6, sizeof(f6)) < 0 ? -errno : 0;
}

static int pmtu_value(enum rt_pmtu p)
{
	/* IP_PMTUDISC_* and IPV6_PMTUDISC_* share their values. */
	switch (p) {
	case RT_PMTU_DO: return IP_PMTUDISC_DO;
	case RT_PMTU_WANT: return IP_PMTUDISC_WANT;
	case RT_PMTU_DONT: return IP_PMTUDISC_DONT;
	case RT_PMTU_PROBE: return IP_PMTUDISC_PROBE;
	default: return -1;
	}
}

/* iputils' sock_setbufs(): room for preload packets in the receive buffer. */
static void set_buffers(struct rt_engine *e)
{
	const struct rt_opts *o = e->o;
	long alloc = o->size + 8;
	long rcv;

	alloc += ((alloc + 511) / 512) * (long)(e->fam->ip_hdr_len + 16 + 64 + 160);
	setopt_int(e->fd, SOL_SOCKET, SO_SNDBUF, (int)(o->sndbuf ? o->sndbuf : alloc));
	rcv = alloc * o->preload;
	setopt_int(e->fd, SOL_SOCKET, SO_RCVBUF, (int)(rcv < 65536 ? 65536 : rcv));
}

/*
 * A stalled device must not block sendto() past the schedule: at most one
 * second, or one interval (at least 10 ms), as iputils' setup().
 */
static void set_send_timeout(struct rt_engine *e)
{
	int64_t ns = e->o->interval_ns < RT_NS_PER_SEC ? e->o->interval_ns : RT_NS_PER_SEC;
	struct timeval tv;

	if (ns < RT_FLOOD_GAP_NS)
		ns = RT_FLOOD_GAP_NS;
	tv.tv_sec = (time_t)(ns / RT_NS_PER_SEC);
	tv.tv_usec = (suseconds_t)(ns % RT_NS_PER_SEC / 1000);
	setsockopt(e->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

/* Options every socket gets; -errno and *what for the ones iputils treats as fatal. */
static int common_opts(struct rt_engine *e, const char **what)
{
	const struct rt_opts *o = e->o;
	const struct rt_family *f = e->fam;
	enum rt_pmtu pmtu = rt_opts_pmtu(o, f, &e->t->addr);
	int sol = f->sol_ip, rc = 0;

	if (o->has_tos && (rc = setopt_int(e->fd, sol, f->opt_tos, o->tos)) < 0)
		return *what = "IP_TOS", rc;
	if (o->ttl >= 0 && (rc = setopt_int(e->fd, sol, f->opt_mcast_ttl, o->ttl)) < 0)
		return *what = f->msg_mcast_ttl, rc;
	if (o->ttl >= 0 && (rc = setopt_int(e->fd, sol, f->opt_ttl, o->ttl)) < 0)
		return *what = f->msg_ttl, rc;
	if (pmtu_value(pmtu) >= 0 &&
	    (rc = setopt_int(e->fd, sol, f->opt_mtu_disc, pmtu_value(pmtu))) < 0)
		return *what = "IP_MTU_DISCOVER", rc;
	if (o->broadcast && (rc = setopt_int(e->fd, SOL_SOCKET, SO_BROADCAST, 1)) < 0)
		return *what = "cannot set broadcasting", rc;
	if (o->no_loop && (rc = setopt_int(e->fd, sol, f->opt_mcast_loop, 0)) < 0)
		return *what = f->msg_mcast_loop, rc;
	if ((rc = setopt_int(e->fd, sol, f->opt_recverr, 1)) < 0)
		return *what = f->af == AF_INET ? "IP_RECVERR" : "IPV6_RECVERR", rc;
	if ((rc = setopt_int(e->fd, sol, f->opt_recvttl, 1)) < 0)
		return *what = f->msg_recvttl, rc;
	/* Best effort, as in iputils: these only refine behaviour. */
	if (o->so_debug)
		setopt_int(e->fd, SOL_SOCKET, SO_DEBUG, 1);
	if (o->dontroute)
		setopt_int(e->fd, SOL_SOCKET, SO_DONTROUTE, 1);
	if (!o->latency_user)
		setopt_int(e->fd, SOL_SOCKET, SO_TIMESTAMPNS, 1);
	set_send_timeout(e);
	set_buffers(e);
	return 0;
}

/* A link-local source's scope: the -I device (iputils), else the target's. */
static socklen_t source_sockaddr(const struct rt_engine *e, const struct rt_addr *src,
				 struct sockaddr_storage *ss)
{
	uint32_t scope = 0;

	if (rt_addr_needs_scope(src))
		scope = e->o->iface[0] ? if_nametoindex(e->o->iface) : e->t->scope;
	return rt_addr_to_sockaddr(src, 0, scope, ss);
}

static int bind_source(struct rt_engine *e, const struct rt_addr *src, const char **what)
{
	struct sockaddr_storage ss;
	socklen_t len = source_sockaddr(e, src, &ss);

	if (bind(e->fd, (struct sockaddr *)&ss, len) < 0) {
		*what = "bind";
		return -errno;
	}
	return 0;
}

static int configure(struct rt_engine *e, const char **what)
{
	int rc;

	if ((rc = rt_caps_sockopts(e->fd, e->o->iface, e->o->has_mark, e->o->mark, what)) < 0)
		return rc;
	if ((rc = common_opts(e, what)) < 0)
		return rc;
	if (e->o->src.af != AF_UNSPEC && (rc = bind_source(e, &e->o->src, what)) < 0)
		return rc;
	if (e->socktype == SOCK_RAW) {
		if ((rc = raw_type_filter(e)) < 0)
			return *what = "setsockopt(ICMP_FILTER)", rc;
		if ((rc = attach_bpf(e)) < 0)
			return *what = "SO_ATTACH_FILTER", rc;
	}
	return 0;
}

static void setup_output(struct rt_engine *e)
{
	const struct rt_opts *o = e->o;
	struct rt_out *out = &e->out;

	out->f = stdout;
	out->err = stderr;
	out->prog = e->prog;
	out->json = o->json;
	out->quiet = o->quiet;
	out->flood = o->flood;
	out->timestamps = o->timestamps;
	out->audible = o->audible;
	out->v6 = e->fam->af == AF_INET6;
	out->timing = e->timing;
	out->ipg = o->flood || o->adaptive || o->interval_ns == 0;
	out->host = e->t->name;
}

static bool is_multicast(const struct rt_addr *a)
{
	/* 224.0.0.0/4 and ff00::/8: the first byte says it for both families. */
	return a->af == AF_INET ? (a->u.raw[0] & 0xf0) == 0xe0 : a->u.raw[0] == 0xff;
}

static void setup_state(struct rt_engine *e)
{
	const struct rt_opts *o = e->o;
	struct rt_addr tmp;

	e->timing = o->size >= 16;   /* sizeof(struct timeval): iputils' rule */
	e->group = o->broadcast || is_multicast(&e->t->addr);
	/* iputils resolves reply addresses unless -n, -f or a numeric IPv4 target. */
	e->numeric = o->numeric || o->flood ||
		     (e->fam->af == AF_INET && rt_addr_parse(&tmp, AF_INET, o->dest) == 0);
	e->match.fam = e->fam;
	e->match.has_iphdr = e->socktype == SOCK_RAW && e->fam->af == AF_INET;
	e->match.check_id = e->socktype == SOCK_RAW;
	e->match.id = (uint16_t)getpid();
	e->match.dst = e->t->addr;
	e->dst_len = rt_addr_to_sockaddr(&e->t->addr, 0, e->t->scope, &e->dst);
	e->pkt_cap = (size_t)o->size + RT_ICMP_HDR_LEN;
	e->rbuf_len = (size_t)o->size + RT_ICMP_HDR_LEN + RBUF_EXTRA;
	if (e->rbuf_len < RBUF_MIN)
		e->rbuf_len = RBUF_MIN;
	e->need_wall = o->timestamps || o->json;
	setup_output(e);
}

int rt_engine_open(struct rt_engine **ep, const struct rt_opts *o,
		   const struct rt_target *t, const char *prog, const char **what)
{
	struct rt_engine *e = calloc(1, sizeof(*e));
	int rc;

	*ep = NULL;
	*what = "malloc";
	if (!e)
		return -ENOMEM;
	e->o = o;
	e->t = t;
	e->fam = t->fam;
	e->prog = prog;
	e->privileged = rt_caps_privileged();
	*what = "socket";
	rc = open_socket(e);
	if (rc == 0) {
		setup_state(e);
		e->pkt = malloc(e->pkt_cap);
		e->rbuf = malloc(e->rbuf_len * RX_BATCH);
		e->rx = calloc(1, sizeof(*e->rx));
		rc = e->pkt && e->rbuf && e->rx ? configure(e, what) : (*what = "malloc", -ENOMEM);
	}
	if (rc < 0) {
		rt_engine_close(e);
		return rc;
	}
	*ep = e;
	return 0;
}

void rt_engine_set_route_json(struct rt_engine *e, const char *json)
{
	e->out.route_json = json;
}

void rt_engine_close(struct rt_engine *e)
{
	if (!e)
		return;
	if (e->fd >= 0)
		close(e->fd);
	free(e->pkt);
	free(e->rbuf);
	free(e->rx);
	free(e);
}

/* ---- the run: addresses as text ---------------------------------------- */

/* "name (addr)" or "addr", as iputils' pr_addr(); the last answer is cached. */
static const char *display_addr(struct rt_engine *e, const struct sockaddr *sa, socklen_t len)
{
	char host[NI_MAXHOST];

	if (len <= sizeof(e->name_sa) && e->name[0] && !memcmp(&e->name_sa, sa, len))
		return e->name;
	memset(&e->name_sa, 0, sizeof(e->name_sa));
	memcpy(&e->name_sa, sa, len < sizeof(e->name_sa) ? len : sizeof(e->name_sa));
	if (getnameinfo(sa, len, e->addr, sizeof(e->addr), NULL, 0, NI_NUMERICHOST))
		snprintf(e->addr, sizeof(e->addr), "?");
	if (!e->numeric && !getnameinfo(sa, len, host, sizeof(host), NULL, 0, NI_NAMEREQD) &&
	    strcmp(host, e->addr))
		snprintf(e->name, sizeof(e->name), "%s (%s)", host, e->addr);
	else
		snprintf(e->name, sizeof(e->name), "%s", e->addr);
	return e->name;
}

static const char *display_rt_addr(struct rt_engine *e, const struct rt_addr *a)
{
	struct sockaddr_storage ss;
	socklen_t len = rt_addr_to_sockaddr(a, 0, rt_addr_needs_scope(a) ? e->t->scope : 0, &ss);

	return display_addr(e, (struct sockaddr *)&ss, len);
}

/* ---- the run: receiving ------------------------------------------------- */

struct rx_meta {
	int ttl;              /* from a cmsg; -1 none */
	int64_t rx_ns;        /* CLOCK_MONOTONIC receive time */
};

/*
 * Kernel receive timestamps are CLOCK_REALTIME: convert by the packet's
 * age, so a wall-clock step between send and receive cannot bend the RTT.
 * The clocks are read once per batch; the age comes from each packet.
 */
static void read_cmsgs(struct rt_engine *e, struct msghdr *msg, struct rx_meta *m)
{
	int64_t age;

	m->ttl = -1;
	m->rx_ns = e->rx->mono;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(msg); c; c = CMSG_NXTHDR(msg, c)) {
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS &&
		    c->cmsg_len >= CMSG_LEN(sizeof(struct timespec)) && !e->o->latency_user) {
			struct timespec ts;

			memcpy(&ts, CMSG_DATA(c), sizeof(ts));
			age = e->rx->real - ((int64_t)ts.tv_sec * RT_NS_PER_SEC + ts.tv_nsec);
			if (age > 0 && age < RT_NS_PER_SEC)
				m->rx_ns = e->rx->mono - age;
		} else if (c->cmsg_level == e->fam->sol_ip && c->cmsg_type == e->fam->cmsg_ttl &&
			   c->cmsg_len >= CMSG_LEN(sizeof(int))) {
			memcpy(&m->ttl, CMSG_DATA(c), sizeof(int));
		}
	}
}

static void on_reply(struct rt_engine *e, const struct rt_icmp_pkt *p, const struct rx_meta *m,
		     const struct sockaddr *from, socklen_t fromlen)
{
	struct rt_reply_acct a;
	struct rt_event ev = { .kind = RT_EV_REPLY };
	struct rt_addr fa;

	rt_stats_reply(&e->st, p->seq, m->rx_ns, p->bad_checksum, &a);
	rt_addr_from_sockaddr(&fa, NULL, NULL, from, fromlen);
	ev.wall_us = event_wall(e);
	ev.seq = p->seq;
	ev.from = display_addr(e, from, fromlen);
	ev.addr = e->addr;
	ev.bytes = p->icmp_len;
	ev.ttl = p->ttl >= 0 ? p->ttl : m->ttl;
	ev.timed = e->timing && a.known;
	ev.rtt_us = a.rtt_us;
	/* Broadcast/multicast: many hosts answer, so iputils hides (DUP!) unless -v. */
	ev.dup = a.dup && (!e->group || e->o->verbose);
	ev.bad_csum = p->bad_checksum;
	ev.wrong_src = !e->group && !rt_addr_equal(&fa, &e->t->addr);
	ev.truncated = p->icmp_len < (size_t)e->o->size + RT_ICMP_HDR_LEN;
	ev.show_ident = e->o->verbose && e->socktype == SOCK_RAW;
	ev.ident = e->match.id;
	rt_out_event(&e->out, &ev);
}

/*
 * Refills the batch with what is queued, never more than is in flight
 * (at least one: duplicates and strays still need reading). 0, or -errno
 * (-EAGAIN: nothing queued).
 */
static int rx_fill(struct rt_engine *e)
{
	struct rx_batch *b = e->rx;
	long want = rt_stats_in_flight(&e->st);
	int n;

	if (want < 1)
		want = 1;
	if (want > RX_BATCH)
		want = RX_BATCH;
	for (int i = 0; i < want; i++) {
		b->iov[i] = (struct iovec){ e->rbuf + (size_t)i * e->rbuf_len, e->rbuf_len };
		b->msg[i].msg_hdr = (struct msghdr){
			.msg_name = &b->from[i], .msg_namelen = sizeof(b->from[i]),
			.msg_iov = &b->iov[i], .msg_iovlen = 1,
			.msg_control = b->cbuf[i], .msg_controllen = RX_CBUF };
	}
	n = recvmmsg(e->fd, b->msg, (unsigned)want, MSG_DONTWAIT, NULL);
	if (n < 0)
		return errno == EINTR ? 0 : -errno;
	b->mono = clock_ns(CLOCK_MONOTONIC);
	b->real = clock_ns(CLOCK_REALTIME);
	b->n = n;
	b->next = 0;
	return 0;
}

/* One datagram from the normal queue: 0, or -errno (-EAGAIN when drained). */
static int recv_one(struct rt_engine *e)
{
	struct rx_batch *b = e->rx;
	struct msghdr *msg;
	struct rt_icmp_pkt p;
	struct rx_meta m;
	int rc;

	if (b->next >= b->n && (rc = rx_fill(e)) < 0)
		return rc;
	if (b->next >= b->n)
		return 0;   /* EINTR */
	msg = &b->msg[b->next].msg_hdr;
	read_cmsgs(e, msg, &m);
	if (rt_icmp_parse(&e->match, msg->msg_iov->iov_base, b->msg[b->next++].msg_len, &p) < 0)
		return 0;
	if (p.kind == RT_ICMP_REPLY)
		on_reply(e, &p, &m, (struct sockaddr *)msg->msg_name, msg->msg_namelen);
	else if (p.kind == RT_ICMP_QUOTE)
		rt_stats_ack(&e->st, p.seq);   /* reported through the error queue */
	return 0;
}

static void report_error(struct rt_engine *e, const struct rt_icmp_err *er)
{
	struct rt_event ev = { .kind = er->local ? RT_EV_LOCAL_ERROR : RT_EV_ERROR };
	char text[128];

	e->st.nerrors++;
	ev.wall_us = event_wall(e);
	ev.seq = er->seq;
	ev.type = er->type;
	ev.code = er->code;
	ev.err = er->err;
	ev.info = er->info;
	if (er->local && er->err == EMSGSIZE) {
		snprintf(text, sizeof(text), "message too long, mtu%s%u",
			 e->fam->af == AF_INET ? "=" : ": ", er->info);
		ev.text = text;
	} else if (er->local) {
		ev.text = strerror(er->err);
	} else {
		rt_stats_ack(&e->st, er->seq);
		ev.from = display_rt_addr(e, &er->offender);
		ev.addr = e->addr;
		ev.text = rt_icmp_describe(e->fam, er->type, er->code, er->info, text, sizeof(text));
	}
	rt_out_event(&e->out, &ev);
}

/* One error-queue entry: 1 handled (ours), 0 not ours, -errno when empty. */
static int recv_err(struct rt_engine *e)
{
	char cbuf[512];
	uint8_t q[64];
	struct sockaddr_storage dst;
	struct iovec iov = { .iov_base = q, .iov_len = sizeof(q) };
	struct msghdr msg = { .msg_name = &dst, .msg_namelen = sizeof(dst),
			      .msg_iov = &iov, .msg_iovlen = 1,
			      .msg_control = cbuf, .msg_controllen = sizeof(cbuf) };
	struct sock_extended_err *ee = NULL;
	struct rt_addr off = { .af = AF_UNSPEC }, to = { .af = AF_UNSPEC };
	struct rt_icmp_err er;
	ssize_t n = recvmsg(e->fd, &msg, MSG_ERRQUEUE | MSG_DONTWAIT);

	if (n < 0)
		return -errno;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c))
		if (c->cmsg_level == e->fam->sol_ip && c->cmsg_type == e->fam->cmsg_recverr)
			ee = (struct sock_extended_err *)CMSG_DATA(c);
	if (!ee)
		return 0;
	rt_addr_from_sockaddr(&off, NULL, NULL, SO_EE_OFFENDER(ee), sizeof(struct sockaddr_in6));
	rt_addr_from_sockaddr(&to, NULL, NULL, (struct sockaddr *)&dst, msg.msg_namelen);
	if (rt_icmp_parse_err(&e->match, ee->ee_origin, (int)ee->ee_errno, ee->ee_type,
			      ee->ee_code, ee->ee_info, &off,
			      to.af == AF_UNSPEC ? NULL : &to, q, (size_t)n, &er) < 0)
		return 0;
	report_error(e, &er);
	return 1;
}

/*
 * Reads what is queued; true when more may be waiting (the loop then reads
 * again instead of sleeping in ppoll()). Bounded: a flood of replies must
 * not starve the sender. Like iputils, go back to the loop once nothing is
 * in flight, so a run that reached -c stops before reading a late duplicate.
 */
static bool drain(struct rt_engine *e, short revents)
{
	int rc = -EAGAIN;

	for (int i = 0; i < 256 && (revents & POLLIN); i++)
		if ((rc = recv_one(e)) < 0 || rt_stats_in_flight(&e->st) == 0)
			break;
	/* A pending socket error (ICMP error with IP_RECVERR): its report is queued. */
	if (rc < 0 && rc != -EAGAIN)
		revents |= POLLERR;
	for (int i = 0; i < 256 && (revents & POLLERR); i++)
		if (recv_err(e) < 0)
			break;
	return (revents & POLLIN) && rc != -EAGAIN;
}

/* ---- the run: sending --------------------------------------------------- */

/* When the next probe may leave: the schedule, unless a full queue said wait. */
static int64_t due_time(const struct rt_engine *e)
{
	int64_t due = rt_sched_due(&e->sched, &e->st);

	return due > e->retry_ns ? due : e->retry_ns;
}

static bool may_send(const struct rt_engine *e)
{
	/* With -w, iputils keeps sending past -c until enough replies came. */
	return !(e->o->count && (long long)e->st.ntransmitted >= e->o->count && !e->deadline_ns);
}

/*
 * Once -c probes left, the linger starts. Asked again on every turn of the
 * loop until it is set, as iputils' schedule_exit(): with -W 0 a late reply
 * still starts it.
 */
static void schedule_exit(struct rt_engine *e, int64_t now)
{
	int64_t wait;

	if (may_send(e) || e->exit_ns)
		return;
	if (rt_sched_linger(&e->st, e->o->interval_ns,
			    e->o->timeout_set ? e->o->timeout_ns : LINGER_DEFAULT_NS, &wait))
		e->exit_ns = now + wait;
}

static void send_failed(struct rt_engine *e, int err)
{
	struct rt_event ev = { .kind = RT_EV_SEND_ERROR, .err = err };
	int handled = 0;

	/* An ICMP error may explain the failure: report that one instead. */
	while (recv_err(e) > 0)
		handled++;
	if (handled)
		return;
	ev.wall_us = event_wall(e);
	ev.text = strerror(err);
	rt_out_event(&e->out, &ev);
}

static void send_probe(struct rt_engine *e, int64_t now)
{
	const struct rt_opts *o = e->o;
	uint16_t seq = rt_stats_next_seq(&e->st);
	uint16_t last = (uint16_t)e->st.ntransmitted;
	size_t len;
	ssize_t n;

	if (e->st.ntransmitted && (o->outstanding || o->json) && !rt_stats_received(&e->st, last)) {
		struct rt_event ev = { .kind = RT_EV_TIMEOUT, .seq = last, .wall_us = event_wall(e) };

		rt_out_event(&e->out, &ev);
	}
	len = rt_icmp_build_echo(e->fam, e->pkt, e->pkt_cap, e->match.id, seq,
				 o->pattern_set ? o->pattern : NULL, o->pattern_len,
				 (size_t)o->size);
	/* The RTT's start: as close to the send as we can read it. */
	now = clock_ns(CLOCK_MONOTONIC);
	n = sendto(e->fd, e->pkt, len, 0, (struct sockaddr *)&e->dst, e->dst_len);
	if (n < 0 && (errno == EAGAIN || errno == ENOBUFS || errno == ENOMEM)) {
		/* Queue full: not sent, try again shortly (iputils does the same). */
		e->retry_ns = now + RT_FLOOD_GAP_NS;
		return;
	}
	/* Broadcast without -b: the kernel says EACCES; iputils stops with this. */
	if (n < 0 && errno == EACCES && !o->broadcast && !e->st.ntransmitted) {
		e->fatal = "Do you want to ping broadcast? Then -b. If not, check your local firewall rules";
		return;
	}
	/* A hard error counts as sent, as in iputils: the summary shows the loss. */
	rt_stats_sent(&e->st, seq, now);
	if (n < 0)
		send_failed(e, errno);
	else
		rt_out_sent(&e->out);
	rt_sched_sent(&e->sched, &e->st, now);
	e->rx_maybe = true;
}

/* ---- the run: the loop -------------------------------------------------- */

static void on_exit_signal(int sig)
{
	(void)sig;
	sig_exit = 1;
}

static void on_status_signal(int sig)
{
	(void)sig;
	sig_status = 1;
}

/*
 * SIGINT/SIGQUIT stay blocked except inside ppoll(), so a signal can never
 * slip in between checking the flags and going to sleep.
 */
static void signals_install(sigset_t *waitmask, sigset_t *oldmask)
{
	struct sigaction sa = { .sa_handler = on_exit_signal };
	sigset_t block;

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sa.sa_handler = on_status_signal;
	sigaction(SIGQUIT, &sa, NULL);
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGQUIT);
	sigprocmask(SIG_BLOCK, &block, oldmask);
	*waitmask = *oldmask;
	sigdelset(waitmask, SIGINT);
	sigdelset(waitmask, SIGQUIT);
}

static bool finished(const struct rt_engine *e, int64_t now)
{
	const struct rt_stats *st = &e->st;

	if (sig_exit || e->fatal)
		return true;
	if (e->o->count && (long long)(st->nreceived + st->nerrors) >= e->o->count)
		return true;
	if (e->deadline_ns && (st->nerrors || now >= e->deadline_ns))
		return true;
	return e->exit_ns && now >= e->exit_ns;
}

/* Sleeps until `until` (absolute, 0 = no limit) or the socket has something. */
static void wait_io(struct rt_engine *e, int64_t now, int64_t until, const sigset_t *mask)
{
	struct pollfd pfd = { .fd = e->fd, .events = POLLIN };
	struct timespec ts, *tp = NULL;

	if (until) {
		int64_t d = until > now ? until - now : 0;

		ts.tv_sec = d / RT_NS_PER_SEC;
		ts.tv_nsec = d % RT_NS_PER_SEC;
		tp = &ts;
	}
	if (ppoll(&pfd, 1, tp, mask) > 0)
		e->rx_maybe = drain(e, pfd.revents);
}

static int64_t earliest(int64_t a, int64_t b)
{
	if (!a)
		return b;
	if (!b)
		return a;
	return a < b ? a : b;
}

static void run_loop(struct rt_engine *e, const sigset_t *mask)
{
	for (;;) {
		int64_t now = clock_ns(CLOCK_MONOTONIC), until;

		if (sig_status) {
			sig_status = 0;
			rt_out_status(&e->out, &e->st);
		}
		if (finished(e, now))
			return;
		schedule_exit(e, now);
		if (may_send(e) && now >= due_time(e)) {
			send_probe(e, now);
			continue;
		}
		/*
		 * A reply is often queued already (veth, loopback: the peer answers
		 * inside our sendto()): read it without a ppoll() round first.
		 */
		if (e->rx_maybe) {
			e->rx_maybe = drain(e, POLLIN);
			continue;
		}
		until = earliest(e->exit_ns, e->deadline_ns);
		if (may_send(e))
			until = earliest(until, due_time(e) > now ? due_time(e) : now);
		wait_io(e, now, until, mask);
	}
}

/* ---- the run: header, exit code ----------------------------------------- */

/*
 * iputils prints "from SRC DEV: " when -I was given (device or address);
 * rtping also does with -v, showing the route module's decision, and the
 * JSON start event always has it.
 */
static void print_header(struct rt_engine *e, const struct rt_addr *src, const char *dev)
{
	const struct rt_opts *o = e->o;
	char dbuf[NI_MAXHOST], sbuf[NI_MAXHOST];
	const char *s = NULL, *d = NULL;

	if (o->src.af != AF_UNSPEC) {
		struct sockaddr_storage ss;
		socklen_t len = source_sockaddr(e, &o->src, &ss);

		/* Numeric, with "%dev" for a link-local source, as iputils. */
		s = getnameinfo((struct sockaddr *)&ss, len, sbuf, sizeof(sbuf), NULL, 0,
				NI_NUMERICHOST) ? rt_addr_str(&o->src, sbuf, sizeof(sbuf)) : sbuf;
		d = o->iface[0] ? o->iface : "";
	} else if ((o->iface[0] || o->verbose || o->json) && src && rt_addr_is_set(src)) {
		s = rt_addr_str(src, sbuf, sizeof(sbuf));
		d = o->iface[0] ? o->iface : (dev ? dev : "");
	}
	rt_out_pattern(&e->out, o->pattern_set ? o->pattern : NULL, o->pattern_len);
	/* From the sockaddr: a scoped IPv6 target shows its "%iface", as iputils. */
	if (getnameinfo((struct sockaddr *)&e->dst, e->dst_len, dbuf, sizeof(dbuf), NULL, 0,
			NI_NUMERICHOST))
		rt_addr_str(&e->t->addr, dbuf, sizeof(dbuf));
	rt_out_header(&e->out, dbuf, s, d,
		      o->size, e->fam->ip_hdr_len);
}

static int exit_code(const struct rt_engine *e)
{
	const struct rt_stats *st = &e->st;

	if (!st->nreceived)
		return RT_EXIT_NOREPLY;
	if (e->deadline_ns && (long long)st->nreceived < e->o->count)
		return RT_EXIT_NOREPLY;
	return RT_EXIT_OK;
}

int rt_engine_run(struct rt_engine *e, const struct rt_addr *src, const char *dev)
{
	const char *what = NULL;
	sigset_t waitmask, oldmask;
	int64_t now;

	/* -B: pin the source the route module chose, so it cannot change mid-run. */
	if (e->o->bind_source && e->o->src.af == AF_UNSPEC && src && rt_addr_is_set(src)) {
		int rc = bind_source(e, src, &what);

		if (rc < 0) {
			fprintf(stderr, "%s: %s: %s\n", e->prog, what, strerror(-rc));
			return RT_EXIT_ERROR;
		}
	}
	print_header(e, src, dev);
	signals_install(&waitmask, &oldmask);
	now = clock_ns(CLOCK_MONOTONIC);
	rt_stats_init(&e->st, now);
	rt_sched_init(&e->sched, e->o->interval_ns, e->o->preload, e->o->adaptive,
		      e->privileged ? 0 : MIN_USER_INTERVAL_NS, now);
	e->retry_ns = INT64_MIN;
	if (e->o->deadline_s)
		e->deadline_ns = now + e->o->deadline_s * RT_NS_PER_SEC;
	run_loop(e, &waitmask);
	sigprocmask(SIG_SETMASK, &oldmask, NULL);
	if (e->fatal) {
		fflush(stdout);
		fprintf(stderr, "%s: %s\n", e->prog, e->fatal);
		return RT_EXIT_ERROR;
	}
	rt_out_summary(&e->out, &e->st);
	/* A write error is main's to report, once all output is done (iputils). */
	return exit_code(e);
}
