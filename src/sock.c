/*
 * The ICMP socket's set-up: iputils' choices (datagram socket first, its
 * buffer sizes and send timeout, the raw socket's filters) with every
 * option that shapes the route applied from the flow.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <linux/filter.h>
#include <linux/in6.h>
#include <linux/net_tstamp.h>
#include <netinet/ip_icmp.h>
#include <netinet/icmp6.h>
#include <sys/random.h>
#include <sys/socket.h>

#include "rtping/caps.h"
#include "rtping/clock.h"
#include "rtping/error.h"
#include "rtping/ipopt.h"
#include "rtping/probe.h"
#include "rtping/sched.h"
#include "rtping/sock.h"
#include "rtping/stats.h"

/* Not in older uapi headers; kernels that lack it refuse it with EINVAL. */
#ifndef SOF_TIMESTAMPING_OPT_RX_FILTER
#define SOF_TIMESTAMPING_OPT_RX_FILTER (1 << 17)
#endif

/* SOL_RAW ICMP_FILTER from linux/icmp.h, which clashes with net/if.h. */
#define RT_ICMP_FILTER 1

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
static int open_socket(struct rt_sock *s, const struct rt_opts *o)
{
	int af = s->match.fam->af, err = EPERM;

	rt_caps_raise();
	/*
	 * -e 0: a datagram socket cannot carry identifier 0; -N: it sends
	 * echoes only (iputils: raw sockets for both, -N even for IPv4).
	 */
	s->fd = -1;
	if ((!o->has_ident || o->ident) && !o->ni.used) {
		s->fd = socket(af, SOCK_DGRAM | SOCK_CLOEXEC, s->match.fam->proto);
		err = errno;
	}
	s->type = SOCK_DGRAM;
	if (s->fd < 0 && (err == EACCES || err == EPERM || err == EPROTONOSUPPORT ||
			  (err == EAFNOSUPPORT && af == AF_INET))) {
		s->fd = socket(af, SOCK_RAW | SOCK_CLOEXEC, s->match.fam->proto);
		s->type = SOCK_RAW;
		err = errno;
	}
	rt_caps_lower();
	return s->fd < 0 ? -err : 0;
}

/*
 * Raw sockets see every ICMP packet: keep echo replies with our ids
 * (iputils' BPF; one id a target, id .. id + nids - 1).
 */
static int attach_bpf(struct rt_sock *s)
{
	bool v4 = s->match.fam->af == AF_INET;
	uint32_t nids = s->match.nids ? s->match.nids : 1;
	/* IPv4 raw sockets deliver the IP header: X = its length (BPF_MSH). */
	struct sock_filter insns[] = {
		BPF_STMT(BPF_LDX | BPF_B | BPF_MSH, 0),
		BPF_STMT(BPF_LD | BPF_H | BPF_IND, 4),          /* echo identifier */
		BPF_STMT(BPF_ALU | BPF_SUB | BPF_K, s->match.id),
		BPF_STMT(BPF_ALU | BPF_AND | BPF_K, 0xffff),
		BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, nids, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, ~0U),                 /* ours */
		BPF_STMT(BPF_LD | BPF_B | BPF_IND, 0),          /* type */
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, s->match.fam->echo_reply, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, ~0U),                 /* errors pass */
		BPF_STMT(BPF_RET | BPF_K, 0),                   /* another ping's reply */
	};
	struct sock_fprog prog = { .len = sizeof(insns) / sizeof(insns[0]), .filter = insns };

	if (!v4) {
		/* IPv6 raw sockets start at the ICMPv6 header: X = 0. */
		insns[0] = (struct sock_filter)BPF_STMT(BPF_LDX | BPF_IMM, 0);
	}
	return setsockopt(s->fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog)) < 0 ? -errno : 0;
}

/* Type filters: errors come through the error queue, replies through recv. */
static int raw_type_filter(struct rt_sock *s, bool ni)
{
	if (s->match.fam->af == AF_INET) {
		/* A set bit blocks that type. */
		uint32_t f = ~(uint32_t)((1 << ICMP_SOURCE_QUENCH) | (1 << ICMP_DEST_UNREACH) |
			(1 << ICMP_TIME_EXCEEDED) | (1 << ICMP_PARAMETERPROB) |
			(1 << ICMP_REDIRECT) | (1 << ICMP_ECHOREPLY));

		return setsockopt(s->fd, SOL_RAW, RT_ICMP_FILTER, &f, sizeof(f)) < 0 ? -errno : 0;
	}
	struct icmp6_filter f6;

	ICMP6_FILTER_SETBLOCKALL(&f6);
	/* -N: node information replies only, as iputils. */
	ICMP6_FILTER_SETPASS(ni ? RT_NI_REPLY : ICMP6_ECHO_REPLY, &f6);
	setopt_int(s->fd, SOL_RAW, IPV6_CHECKSUM, 2);   /* the kernel's default; be sure */
	return setsockopt(s->fd, IPPROTO_ICMPV6, ICMP6_FILTER, &f6, sizeof(f6)) < 0 ? -errno : 0;
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

/*
 * Many targets share the send buffer: echoes wait in it while a neighbour
 * is resolved (the kernel's three probes a second apart) or a device
 * queue drains, so a buffer sized for one target let one silent on-link
 * address fail every other target's sends. Room for what the run sends
 * in that time (its rate: --rate, or every target once an interval,
 * whichever is lower), counted at an echo's cost in the kernel (its
 * bytes and the packet's bookkeeping, about 512 bytes).
 */
#define RT_RESOLVE_S 3
#define RT_SNDBUF_MAX (4L << 20)

static long shared_sndbuf(const struct rt_sock *s, const struct rt_opts *o, long alloc)
{
	double rate = o->rate ? (double)o->rate : RT_RATE_DEFAULT;
	double per_iv = o->interval_ns ? (double)s->ntargets * RT_NS_PER_SEC / (double)o->interval_ns
				      : rate;
	double want = (per_iv < rate ? per_iv : rate) * RT_RESOLVE_S;
	double bytes = (want < 64 ? 64 : want) * (double)(alloc + 512);

	return bytes > RT_SNDBUF_MAX ? RT_SNDBUF_MAX : (long)bytes;
}

/* Root may go past net.core.wmem_max (SO_SNDBUFFORCE, CAP_NET_ADMIN). */
static void set_sndbuf(struct rt_sock *s, const struct rt_opts *o, long bytes)
{
	int rc = -EPERM;

	if (o->privileged) {
		rt_caps_raise();
		rc = setopt_int(s->fd, SOL_SOCKET, SO_SNDBUFFORCE, (int)bytes);
		rt_caps_lower();
	}
	if (rc < 0)
		setopt_int(s->fd, SOL_SOCKET, SO_SNDBUF, (int)bytes);
}

/*
 * iputils' sock_setbufs(): room for preload packets in the receive buffer;
 * with many targets, for one reply each (up to the kernel's rmem_max).
 * -S sets the send buffer; one target keeps iputils' size.
 */
static void set_buffers(struct rt_sock *s, const struct rt_opts *o)
{
	long alloc = o->size + 8;
	long burst = (long)s->ntargets > o->preload ? (long)s->ntargets : o->preload;
	long rcv;

	alloc += ((alloc + 511) / 512) * (long)(s->match.fam->ip_hdr_len + 16 + 64 + 160);
	if (o->sndbuf || s->ntargets < 2)
		setopt_int(s->fd, SOL_SOCKET, SO_SNDBUF, (int)(o->sndbuf ? o->sndbuf : alloc));
	else
		set_sndbuf(s, o, shared_sndbuf(s, o, alloc));
	rcv = alloc * (burst < 65536 ? burst : 65536);
	setopt_int(s->fd, SOL_SOCKET, SO_RCVBUF, (int)(rcv < 65536 ? 65536 : rcv));
}

/*
 * A stalled device must not block sendto() past the schedule: at most one
 * second, or one interval (at least 10 ms), as iputils' setup().
 */
static void set_send_timeout(struct rt_sock *s, const struct rt_opts *o)
{
	int64_t ns = o->interval_ns < RT_NS_PER_SEC ? o->interval_ns : RT_NS_PER_SEC;
	struct timeval tv;

	if (ns < RT_FLOOD_GAP_NS)
		ns = RT_FLOOD_GAP_NS;
	tv.tv_sec = (time_t)(ns / RT_NS_PER_SEC);
	tv.tv_usec = (suseconds_t)(ns % RT_NS_PER_SEC / 1000);
	setsockopt(s->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

/*
 * Transmit reports (SO_TIMESTAMPING with IP_PKTINFO): the device an echo was handed to
 * and its source, from the error queue. Each echo asks for its report
 * (src/tx.c: TX_SCHED, the hand-over to the device's queue, in a control
 * message), so a flood can ask for some only; the socket sets how reports
 * look: with the packet (the IPv6 source), a software time, pktinfo
 * (OPT_CMSG) and the send counter (OPT_ID). Pktinfo itself is on for the
 * replies' ingress (ingress_opt()), else only while the error queue is read
 * (src/rx.c). OPT_RX_FILTER (6.x) keeps
 * replies free of a timestamp we do not read; older kernels refuse it, so
 * try without. Best effort: without reports egress is unknown, not fatal.
 */
static bool enable_reports(struct rt_sock *s)
{
	const struct rt_family *f = s->match.fam;
	int flags = SOF_TIMESTAMPING_SOFTWARE | SOF_TIMESTAMPING_OPT_CMSG |
		    SOF_TIMESTAMPING_OPT_ID;

	/* Probe that pktinfo can be had; without ingress it stays off until an error-queue read. */
	if (!s->ingress && setopt_int(s->fd, f->sol_ip, f->opt_pktinfo, 0) < 0)
		return false;
	if (setopt_int(s->fd, SOL_SOCKET, SO_TIMESTAMPING, flags | SOF_TIMESTAMPING_OPT_RX_FILTER) == 0)
		return true;
	return setopt_int(s->fd, SOL_SOCKET, SO_TIMESTAMPING, flags) == 0;
}

/* Options every socket gets; -errno and err for the ones iputils treats as fatal. */
static int common_opts(struct rt_sock *s, const struct rt_opts *o, struct rt_error *err)
{
	const struct rt_family *f = s->match.fam;
	enum rt_pmtu pmtu = rt_opts_pmtu(o, f, &s->match.dst);
	int sol = f->sol_ip, rc = 0;

	if (o->ttl >= 0 && (rc = setopt_int(s->fd, sol, f->opt_mcast_ttl, o->ttl)) < 0)
		return rt_error_errno(err, rc, f->msg_mcast_ttl);
	if (o->ttl >= 0 && (rc = setopt_int(s->fd, sol, f->opt_ttl, o->ttl)) < 0)
		return rt_error_errno(err, rc, f->msg_ttl);
	if (pmtu_value(pmtu) >= 0 &&
	    (rc = setopt_int(s->fd, sol, f->opt_mtu_disc, pmtu_value(pmtu))) < 0)
		return rt_error_errno(err, rc, "IP_MTU_DISCOVER");
	if (o->no_loop && (rc = setopt_int(s->fd, sol, f->opt_mcast_loop, 0)) < 0)
		return rt_error_errno(err, rc, f->msg_mcast_loop);
	if ((rc = setopt_int(s->fd, sol, f->opt_recverr, 1)) < 0)
		return rt_error_errno(err, rc, f->af == AF_INET ? "IP_RECVERR" : "IPV6_RECVERR");
	/* A raw IPv4 socket reads the TTL from the header it delivers, as iputils. */
	if (!s->match.has_iphdr && (rc = setopt_int(s->fd, sol, f->opt_recvttl, 1)) < 0)
		return rt_error_errno(err, rc, f->msg_recvttl);
	/* Best effort, as in iputils: these only refine behaviour. */
	if (o->so_debug)
		setopt_int(s->fd, SOL_SOCKET, SO_DEBUG, 1);
	if (o->dontroute)
		setopt_int(s->fd, SOL_SOCKET, SO_DONTROUTE, 1);
	if (!o->latency_user)
		setopt_int(s->fd, SOL_SOCKET, SO_TIMESTAMPNS, 1);
	set_send_timeout(s, o);
	set_buffers(s, o);
	/* Each reply's ingress device: best effort, raw and datagram sockets alike. */
	s->ingress = setopt_int(s->fd, sol, f->opt_pktinfo, 1) == 0;
	/* Each report carries its echo, which names the target (src/engine_rx.c). */
	s->reports = enable_reports(s);
	return 0;
}

/*
 * -R/-T: iputils' option bytes on every request (IPv4 only; IPv6 ignores
 * both). Datagram sockets get a reply's options only through IP_RETOPTS,
 * which iputils asks for whatever the flags (a warning if refused).
 */
static int ip_options(struct rt_sock *s, const struct rt_opts *o, struct rt_error *err)
{
	uint8_t b[RT_IPOPT_MAX];
	size_t len;

	if (s->match.fam->af != AF_INET)
		return 0;
	if (s->type == SOCK_DGRAM)
		setopt_int(s->fd, SOL_IP, IP_RETOPTS, 1);
	len = rt_ipopt_build(o->ipopt, o->prespec, o->nprespec, b);
	if (len && setsockopt(s->fd, SOL_IP, IP_OPTIONS, b, (socklen_t)len) < 0)
		return rt_error_errno(err, -errno, o->ipopt == RT_IPOPT_RR ? "record route" : "ts option");
	return 0;
}

/*
 * -F: a flow label is leased from the kernel (IPV6_FLOWLABEL_MGR, exclusive,
 * created on demand; 0 asks for a random one, as iputils) and then sent in
 * the destination's sin6_flowinfo (IPV6_FLOWINFO_SEND).
 */
static int flow_label(struct rt_sock *s, const struct rt_opts *o, struct rt_error *err)
{
	struct sockaddr_in6 *d = (struct sockaddr_in6 *)&s->dst;
	struct in6_flowlabel_req fr;

	if (s->match.fam->af != AF_INET6 || !o->has_flowlabel)
		return 0;
	memset(&fr, 0, sizeof(fr));
	fr.flr_dst = d->sin6_addr;
	fr.flr_label = htonl(o->flowlabel & IPV6_FLOWINFO_FLOWLABEL);
	fr.flr_action = IPV6_FL_A_GET;
	fr.flr_flags = IPV6_FL_F_CREATE;
	fr.flr_share = IPV6_FL_S_EXCL;
	if (setsockopt(s->fd, SOL_IPV6, IPV6_FLOWLABEL_MGR, &fr, sizeof(fr)) < 0)
		return rt_error_errno(err, -errno, "can't set flowlabel");
	if (setopt_int(s->fd, SOL_IPV6, IPV6_FLOWINFO_SEND, 1) < 0)
		return rt_error_errno(err, -errno, "can't send flowinfo");
	d->sin6_flowinfo = fr.flr_label;
	s->flowlabel = ntohl(fr.flr_label);
	return 0;
}

/*
 * The bind() done at set-up: -I addr (with -e's port on a datagram
 * socket, whose identifier is its port). -C on a datagram socket whose
 * source nothing else fixes binds the wildcard address, so the identifier
 * connect() routes with is known before the route is asked. Otherwise a
 * datagram socket with -e, like -B, binds the route's source once it is
 * known (rt_sock_bind_route): iputils binds its probe's source for -e.
 */
static int bind_early(struct rt_sock *s, const struct rt_opts *o, const struct rt_flow *f,
		      struct rt_error *err)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	bool dgram = s->type == SOCK_DGRAM;
	int rc;

	if (dgram && o->has_ident)
		s->port = o->ident;
	s->bind_route = o->src.af == AF_UNSPEC && (o->bind_source || (dgram && o->has_ident));
	if (o->src.af == AF_UNSPEC && !(dgram && o->connect && !s->bind_route))
		return 0;
	if ((rc = rt_flow_bind(s->fd, f, &o->src, s->port, err)) < 0)
		return rc;
	s->bound = true;
	if (dgram && getsockname(s->fd, (struct sockaddr *)&ss, &len) == 0)
		rt_addr_from_sockaddr(&(struct rt_addr){ 0 }, &s->port, NULL,
				      (struct sockaddr *)&ss, len);
	return 0;
}

static int configure(struct rt_sock *s, const struct rt_opts *o, const struct rt_flow *f,
		     struct rt_error *err)
{
	int rc;

	if ((rc = rt_flow_apply(s->fd, f, &s->mark_err, err)) < 0)
		return rc;
	if ((rc = common_opts(s, o, err)) < 0)
		return rc;
	if ((rc = ip_options(s, o, err)) < 0 || (rc = flow_label(s, o, err)) < 0)
		return rc;
	if ((rc = bind_early(s, o, f, err)) < 0)
		return rc;
	if (s->type == SOCK_RAW) {
		if ((rc = raw_type_filter(s, rt_probe_is_ni(o, s->match.fam))) < 0)
			return rt_error_errno(err, rc, "setsockopt(ICMP_FILTER)");
		if ((rc = attach_bpf(s)) < 0)
			return rt_error_errno(err, rc, "SO_ATTACH_FILTER");
	}
	return 0;
}

/*
 * A raw socket's first echo identifier: -e's, else the pid as iputils
 * (one target). Several targets take id .. id + n - 1: counted from the
 * pid those are the pids of the next processes started, other pings among
 * them, whose replies and errors would then look like ours. They start at
 * random instead.
 */
static uint16_t first_id(const struct rt_opts *o, size_t ntargets)
{
	uint16_t r;

	if (o->has_ident)
		return o->ident;
	if (ntargets <= 1)
		return (uint16_t)getpid();
	if (getrandom(&r, sizeof(r), GRND_NONBLOCK) != sizeof(r))
		r = (uint16_t)(rt_clock_ns(CLOCK_MONOTONIC) ^ getpid() * 40503u);
	return r;
}

int rt_sock_open(struct rt_sock *s, const struct rt_opts *o, const struct rt_flow *f,
		 const struct rt_dest *t, size_t ntargets, struct rt_error *err)
{
	struct rt_probe probe;
	int rc;

	memset(s, 0, sizeof(*s));
	s->ntargets = ntargets;
	s->match.fam = t->fam;
	rc = open_socket(s, o);
	if (rc < 0)
		return rt_error_errno(err, rc, "socket");
	s->match.has_iphdr = s->type == SOCK_RAW && t->fam->af == AF_INET;
	s->match.check_id = s->type == SOCK_RAW;
	/* A raw socket's echoes carry -e or the pid; a datagram socket's its port. */
	s->match.id = first_id(o, ntargets);
	/* 32 bits: 65536 targets take every id (16 bits wrapped that to one). */
	s->match.nids = (uint32_t)(s->type == SOCK_RAW ? ntargets : 1);
	s->match.dst = t->addr;
	s->match.any_dst = ntargets > 1;
	rt_probe_init(&probe, o, t->fam, &t->addr, s->match.id);
	s->match.echo_len = rt_probe_len(&probe);
	s->match.req_key = rt_probe_dport(&probe);
	s->dst_len = rt_addr_to_sockaddr(&t->addr, 0, t->scope, &s->dst);
	rc = configure(s, o, f, err);
	if (rc < 0)
		rt_sock_close(s);
	return rc;
}

int rt_sock_bind_route(struct rt_sock *s, const struct rt_opts *o, const struct rt_flow *f,
		       const struct rt_route_snap *route, struct rt_error *err)
{
	int rc;

	if (!s->bind_route || s->bound)
		return 0;
	/* No source known (fallback): -e's port still wants its bind. */
	if (!rt_addr_is_set(&route->src) && !s->port)
		return 0;
	rc = rt_flow_bind(s->fd, f, &route->src, s->port, err);
	s->bound = rc == 0;
	return rc;
}

uint16_t rt_sock_connect_sport(const struct rt_sock *s)
{
	/* A raw socket's port is its protocol number (inet_create()). */
	return s->type == SOCK_RAW ? (uint16_t)s->match.fam->proto : s->port;
}

int rt_sock_connect(struct rt_sock *s, struct rt_error *err)
{
	if (connect(s->fd, (struct sockaddr *)&s->dst, s->dst_len) < 0)
		return rt_error_errno(err, -errno, "connect failed");
	return 0;
}

void rt_sock_flow_facts(const struct rt_sock *s, struct rt_flow *f)
{
	if (s->mark_err) {
		f->has_mark = false;
		f->mark = 0;
	}
	f->binds_source = s->bind_route;
	if (f->connected)
		f->connect_sport = rt_sock_connect_sport(s);
}

void rt_sock_close(struct rt_sock *s)
{
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
}
