/*
 * The echo's flow: options and target in, one struct out; and the one
 * place socket options are derived from it.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "rtping/caps.h"
#include "rtping/error.h"
#include "rtping/flow.h"
#include "rtping/opts.h"
#include "rtping/probe.h"
#include "rtping/resolve.h"

int rt_flow_build(struct rt_flow *f, const struct rt_opts *o, const struct rt_dest *t,
		  uint32_t uid)
{
	memset(f, 0, sizeof(*f));
	f->fam = t->fam;
	f->dst = t->addr;
	f->src = o->src;
	rt_family_self_dst(f->fam, &f->src, o->iface, &f->dst);
	f->has_mark = o->has_mark;
	f->mark = o->mark;
	f->has_tos = o->has_tos;
	f->tos = o->tos;
	f->uid = uid;
	f->proto = (uint8_t)f->fam->proto;
	/* What the engine sends: an echo, or a -N query (139 << 8 | subject type). */
	struct rt_probe probe;

	rt_probe_init(&probe, o, f->fam, &f->dst, 0);
	f->dport = rt_probe_dport(&probe);
	f->scope = t->scope;
	f->broadcast = o->broadcast;
	f->connected = o->connect;
	f->has_flowlabel = f->fam->af == AF_INET6 && o->has_flowlabel;
	f->flowlabel = f->has_flowlabel ? o->flowlabel : 0;
	snprintf(f->iface, sizeof(f->iface), "%s", o->iface);
	if (o->iface[0]) {
		f->oif = if_nametoindex(o->iface);
		if (!f->oif)
			return -ENODEV;
	} else if (rt_addr_needs_scope(&f->dst)) {
		f->oif = t->scope;
	}
	/* A socket refuses these without a device (EINVAL); netlink would guess one. */
	if (!f->oif && f->dst.af == AF_INET6 && (IN6_IS_ADDR_LINKLOCAL(&f->dst.u.v6) ||
						 IN6_IS_ADDR_MC_LINKLOCAL(&f->dst.u.v6)))
		return -EDESTADDRREQ;
	return 0;
}

static int setopt_int(int fd, int level, int name, int v)
{
	return setsockopt(fd, level, name, &v, sizeof(v)) < 0 ? -errno : 0;
}

int rt_flow_apply(int fd, const struct rt_flow *f, int *mark_err, struct rt_error *err)
{
	int rc = rt_caps_sockopts(fd, f->iface, false, 0, err);

	if (rc < 0)
		return rc;
	/* A refused mark that the caller takes as a warning fills no error. */
	if (f->has_mark &&
	    (rc = rt_caps_sockopts(fd, NULL, true, f->mark, mark_err ? NULL : err)) < 0) {
		if (!mark_err)
			return rc;
		*mark_err = -rc;   /* iputils: a warning, and the ping goes on unmarked */
	}
	if (f->has_tos && (rc = setopt_int(fd, f->fam->sol_ip, f->fam->opt_tos, f->tos)) < 0)
		return rt_error_errno(err, rc, "IP_TOS");
	if (f->broadcast && (rc = setopt_int(fd, SOL_SOCKET, SO_BROADCAST, 1)) < 0)
		return rt_error_errno(err, rc, "cannot set broadcasting");
	return 0;
}

bool rt_flow_needs_caps(const struct rt_opts *o)
{
	return o->privileged && (o->has_mark || o->iface[0]);
}

int rt_flow_mark_refused(const struct rt_opts *o)
{
	int fd, rc;

	if (!o->has_mark)
		return 0;
	fd = socket(o->af == AF_INET6 ? AF_INET6 : AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return 0;   /* no verdict: each probe's socket says what fails */
	rc = rt_caps_sockopts(fd, NULL, true, o->mark, NULL);
	close(fd);
	return -rc;
}

/* A link-local source's scope: the -I device (iputils), else the target's. */
socklen_t rt_flow_src_sockaddr(const struct rt_flow *f, const struct rt_addr *src,
			       struct sockaddr_storage *ss)
{
	uint32_t scope = 0;

	if (rt_addr_needs_scope(src))
		scope = f->iface[0] ? f->oif : f->scope;
	return rt_addr_to_sockaddr(src, 0, scope, ss);
}

int rt_flow_bind(int fd, const struct rt_flow *f, const struct rt_addr *src, uint16_t port,
		 struct rt_error *err)
{
	struct sockaddr_storage ss;
	struct rt_addr any = { .af = f->fam->af };
	socklen_t len;

	if (!src || !rt_addr_is_set(src))
		src = &any;
	len = rt_flow_src_sockaddr(f, src, &ss);
	/* sin_port and sin6_port share their place. */
	((struct sockaddr_in *)&ss)->sin_port = htons(port);

	if (bind(fd, (struct sockaddr *)&ss, len) < 0)
		return rt_error_errno(err, -errno, "bind");
	return 0;
}
