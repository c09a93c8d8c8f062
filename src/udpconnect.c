/*
 * The UDP-connect check iputils relies on, with the ICMP socket's options
 * applied from the same flow so that any disagreement left is the
 * protocol, ports or uid.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "rtping/udpconnect.h"

/* fd connected to f's destination, and the source and port it got. 0 or -errno. */
static int connect_and_name(int fd, const struct rt_flow *f, struct rt_udpc *out)
{
	struct sockaddr_storage ss;
	socklen_t len = rt_addr_to_sockaddr(&f->dst, RT_UDPC_PORT, f->scope, &ss);

	if (connect(fd, (struct sockaddr *)&ss, len) < 0)
		return -errno;
	len = sizeof(ss);
	if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0)
		return -errno;
	return rt_addr_from_sockaddr(&out->src, &out->sport, NULL, (struct sockaddr *)&ss, len);
}

int rt_udpc_run(const struct rt_flow *f, struct rt_udpc *out)
{
	int fd, rc;

	memset(out, 0, sizeof(*out));
	fd = socket(f->fam->af, SOCK_DGRAM | SOCK_CLOEXEC, IPPROTO_UDP);
	if (fd < 0)
		return -errno;
	out->uid = geteuid();
	rc = rt_flow_apply(fd, f, NULL, NULL);
	if (!rc && rt_addr_is_set(&f->src))
		rc = rt_flow_bind(fd, f, &f->src, 0, NULL);
	if (!rc)
		rc = connect_and_name(fd, f, out);
	close(fd);
	return rc;
}

void rt_udpc_sock_init(struct rt_udpc_sock *s)
{
	memset(s, 0, sizeof(*s));
	s->fd[0] = s->fd[1] = -1;
}

void rt_udpc_sock_close(struct rt_udpc_sock *s)
{
	for (int k = 0; k < 2; k++)
		if (s->fd[k] >= 0)
			close(s->fd[k]);
	free(s->kept);
	rt_udpc_sock_init(s);
}

static bool same_addr(const struct rt_addr *a, const struct rt_addr *b)
{
	return rt_addr_is_set(a) ? rt_addr_equal(a, b) : !rt_addr_is_set(b);
}

/* Would the sockets for flows a and b be set up alike (options, bound source)? */
static bool same_socket(const struct rt_flow *a, const struct rt_flow *b)
{
	return a->fam == b->fam && same_addr(&a->src, &b->src) &&
	       !strcmp(a->iface, b->iface) && a->has_mark == b->has_mark &&
	       a->mark == b->mark && a->has_tos == b->has_tos && a->tos == b->tos &&
	       a->broadcast == b->broadcast &&
	       (!rt_addr_needs_scope(&a->src) || (a->oif == b->oif && a->scope == b->scope));
}

/*
 * The family's socket with f's options and bound source, its owner in
 * out->uid as rt_udpc_run() sets it; -errno, and then no socket is kept.
 */
static int udp_socket(struct rt_udpc_sock *s, const struct rt_flow *f, int k,
		      struct rt_udpc *out)
{
	int fd, rc;

	if (s->fd[k] >= 0 && same_socket(&s->opts[k], f)) {
		out->uid = s->uid[k];
		/* A disconnect unbinds the device (__udp_disconnect()): bound again. */
		return f->iface[0] ? rt_flow_apply(s->fd[k], f, NULL, NULL) : 0;
	}
	if (s->fd[k] >= 0)
		close(s->fd[k]);
	s->fd[k] = fd = socket(f->fam->af, SOCK_DGRAM | SOCK_CLOEXEC, IPPROTO_UDP);
	if (fd < 0)
		return -errno;
	out->uid = s->uid[k] = geteuid();
	rc = rt_flow_apply(fd, f, NULL, NULL);
	if (!rc && rt_addr_is_set(&f->src))
		rc = rt_flow_bind(fd, f, &f->src, 0, NULL);
	if (rc < 0) {
		close(fd);
		s->fd[k] = -1;
		return rc;
	}
	s->opts[k] = *f;
	return 0;
}

/*
 * connect(), getsockname(), then connect() to AF_UNSPEC, also after a
 * failed connect() (which may have taken a port already); a socket that
 * cannot be disconnected is closed.
 */
static int check_shared(struct rt_udpc_sock *s, const struct rt_flow *f, struct rt_udpc *out)
{
	static const struct sockaddr unspec = { .sa_family = AF_UNSPEC };
	int k = f->fam->af == AF_INET6;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = udp_socket(s, f, k, out)) < 0)
		return rc;
	rc = connect_and_name(s->fd[k], f, out);
	if (connect(s->fd[k], &unspec, sizeof(unspec)) < 0) {
		close(s->fd[k]);
		s->fd[k] = -1;
	}
	return rc;
}

static bool same_check(const struct rt_flow *a, const struct rt_flow *b)
{
	return same_socket(a, b) && rt_addr_equal(&a->dst, &b->dst) && a->scope == b->scope;
}

int rt_udpc_check(struct rt_udpc_sock *s, const struct rt_flow *f, struct rt_udpc *out)
{
	if (!s)
		return rt_udpc_run(f, out);
	for (size_t i = s->next; i < s->nkept; i++) {
		if (!same_check(&s->kept[i].f, f))
			continue;
		s->next = i + 1;
		*out = s->kept[i].u;
		return s->kept[i].err;
	}
	return check_shared(s, f, out);
}

int rt_udpc_reserve(struct rt_udpc_sock *s, size_t n)
{
	void *p;

	if (n <= s->cap)
		return 0;
	p = realloc(s->kept, n * sizeof(*s->kept));
	if (!p)
		return -ENOMEM;
	s->kept = p;
	s->cap = n;
	memset(s->kept, 0, n * sizeof(*s->kept));   /* touched now, as the batch's memory */
	return 0;
}

int rt_udpc_ahead(struct rt_udpc_sock *s, const struct rt_flow *f, struct rt_udpc *out,
		  int *err)
{
	struct rt_udpc_kept *kp;

	if (s->nkept == s->cap && rt_udpc_reserve(s, s->cap ? 2 * s->cap : 64) < 0)
		return -ENOMEM;
	kp = &s->kept[s->nkept++];
	kp->f = *f;
	*err = kp->err = check_shared(s, f, &kp->u);
	*out = kp->u;
	return 0;
}

void rt_udpc_forget(struct rt_udpc_sock *s)
{
	s->nkept = s->next = 0;
}

void rt_udpc_flow(const struct rt_flow *icmp, const struct rt_udpc *u, struct rt_flow *udp)
{
	*udp = *icmp;
	udp->proto = IPPROTO_UDP;
	udp->sport = u->sport;
	udp->dport = RT_UDPC_PORT;
	udp->uid = u->uid;
}
