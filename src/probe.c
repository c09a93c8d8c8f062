/*
 * The UDP-connect probe iputils relies on, with the ICMP socket's options
 * copied so that any disagreement left is the protocol, ports or uid.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "rtping/caps.h"
#include "rtping/probe.h"

static int setopt(int fd, int level, int name, const void *v, socklen_t len)
{
	return setsockopt(fd, level, name, v, len) < 0 ? -errno : 0;
}

/* The ICMP socket's device, mark, tos; SO_BROADCAST for a broadcast target. */
static int apply_opts(int fd, const struct rt_flow *f, const char *iface, bool broadcast)
{
	int tos = f->tos, one = 1, rc;
	const char *what;

	rc = rt_caps_sockopts(fd, iface, f->mark != 0, f->mark, &what);
	if (!rc && tos)
		rc = setopt(fd, f->fam->sol_ip, f->fam->opt_tos, &tos, sizeof(tos));
	if (!rc && broadcast)
		rc = setopt(fd, SOL_SOCKET, SO_BROADCAST, &one, sizeof(one));
	return rc;
}

int rt_probe_run(const struct rt_flow *f, const char *iface, uint32_t scope,
		 bool broadcast, struct rt_probe *out)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int fd, rc;

	memset(out, 0, sizeof(*out));
	fd = socket(f->fam->af, SOCK_DGRAM | SOCK_CLOEXEC, IPPROTO_UDP);
	if (fd < 0)
		return -errno;
	out->uid = geteuid();
	rc = apply_opts(fd, f, iface, broadcast);
	if (!rc && rt_addr_is_set(&f->src)) {
		len = rt_addr_to_sockaddr(&f->src, 0, scope, &ss);
		if (bind(fd, (struct sockaddr *)&ss, len) < 0)
			rc = -errno;
	}
	if (!rc) {
		len = rt_addr_to_sockaddr(&f->dst, RT_PROBE_PORT, scope, &ss);
		if (connect(fd, (struct sockaddr *)&ss, len) < 0)
			rc = -errno;
	}
	if (!rc) {
		len = sizeof(ss);
		if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0)
			rc = -errno;
		else
			rc = rt_addr_from_sockaddr(&out->src, &out->sport, NULL,
						   (struct sockaddr *)&ss, len);
	}
	close(fd);
	return rc;
}

void rt_probe_flow(const struct rt_flow *icmp, const struct rt_probe *p, struct rt_flow *udp)
{
	*udp = *icmp;
	udp->proto = IPPROTO_UDP;
	udp->sport = p->sport;
	udp->dport = RT_PROBE_PORT;
	udp->uid = p->uid;
}
