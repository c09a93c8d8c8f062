/*
 * The UDP-connect check iputils relies on, with the ICMP socket's options
 * applied from the same flow so that any disagreement left is the
 * protocol, ports or uid.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "rtping/udpconnect.h"

int rt_udpc_run(const struct rt_flow *f, struct rt_udpc *out)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int fd, rc;

	memset(out, 0, sizeof(*out));
	fd = socket(f->fam->af, SOCK_DGRAM | SOCK_CLOEXEC, IPPROTO_UDP);
	if (fd < 0)
		return -errno;
	out->uid = geteuid();
	rc = rt_flow_apply(fd, f, NULL, NULL);
	if (!rc && rt_addr_is_set(&f->src))
		rc = rt_flow_bind(fd, f, &f->src, 0, NULL);
	if (!rc) {
		len = rt_addr_to_sockaddr(&f->dst, RT_UDPC_PORT, f->scope, &ss);
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

void rt_udpc_flow(const struct rt_flow *icmp, const struct rt_udpc *u, struct rt_flow *udp)
{
	*udp = *icmp;
	udp->proto = IPPROTO_UDP;
	udp->sport = u->sport;
	udp->dport = RT_UDPC_PORT;
	udp->uid = u->uid;
}
