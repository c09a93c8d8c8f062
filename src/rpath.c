/*
 * The return path, asked of the kernel: an input-route lookup per device
 * for a reply from the target (fib_validate_source() applies rp_filter
 * there, and refuses with EINVAL), the rp_filter sysctls, and the
 * IPReversePathFilter counter. Builders and parsers are pure; the rest
 * are thin calls.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>

#include "rtping/route.h"
#include "rtping/rpath.h"

struct nlmsghdr *rt_rpath_request(void *buf, const struct rt_family *f, uint32_t iif,
				  const struct rt_addr *target, const struct rt_addr *src)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct rtmsg *rtm;
	uint8_t bits = (uint8_t)(f->addr_len * 8);

	nlh->nlmsg_type = RTM_GETROUTE;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = (uint8_t)f->af;
	rtm->rtm_dst_len = bits;
	rtm->rtm_src_len = bits;
	rtm->rtm_flags = f->rtm_flags;
	mnl_attr_put(nlh, RTA_DST, f->addr_len, iif ? src->u.raw : target->u.raw);
	mnl_attr_put(nlh, RTA_SRC, f->addr_len, iif ? target->u.raw : src->u.raw);
	if (iif)
		mnl_attr_put_u32(nlh, RTA_IIF, iif);
	/* Rules on the protocol make the kernel dissect it for rp_filter's lookup too. */
	mnl_attr_put_u8(nlh, RTA_IP_PROTO, (uint8_t)f->proto);
	return nlh;
}

int rt_rpath_addr_cb(const struct nlmsghdr *nlh, void *data)
{
	struct rt_rpath_ifs *ifs = data;
	const struct ifaddrmsg *ifa;

	if (nlh->nlmsg_type != RTM_NEWADDR || mnl_nlmsg_get_payload_len(nlh) < sizeof(*ifa))
		return MNL_CB_OK;
	ifa = mnl_nlmsg_get_payload(nlh);
	if (ifa->ifa_family != ifs->af || !ifa->ifa_index)
		return MNL_CB_OK;
	for (size_t i = 0; i < ifs->n; i++)
		if (ifs->idx[i] == ifa->ifa_index)
			return MNL_CB_OK;
	if (ifs->n < RT_RPATH_MAX)
		ifs->idx[ifs->n++] = ifa->ifa_index;
	else
		ifs->cut = true;
	return MNL_CB_OK;
}

/* The next line of text[0, len) from *at; its length, *at moved past it. */
static size_t next_line(const char *text, size_t len, size_t *at, const char **line)
{
	const char *s = text + *at, *nl = memchr(s, '\n', len - *at);
	size_t n = nl ? (size_t)(nl - s) : len - *at;

	*line = s;
	*at += n + (nl ? 1 : 0);
	return n;
}

/* The field-th space-separated word of line[0, n) (word 0: "TcpExt:"); its length. */
static size_t word(const char *line, size_t n, size_t field, const char **w)
{
	size_t i = 0, k = 0;

	for (;;) {
		while (i < n && line[i] == ' ')
			i++;
		if (i >= n)
			return 0;
		*w = line + i;
		while (i < n && line[i] != ' ')
			i++;
		if (k++ == field)
			return (size_t)(line + i - *w);
	}
}

int rt_rpath_netstat(const char *text, size_t len, const char *key, uint64_t *out)
{
	static const char tag[] = "TcpExt:";
	const char *names, *vals, *w;
	size_t at = 0, nn, nv, kl = strlen(key), wl;

	while (at < len) {
		nn = next_line(text, len, &at, &names);
		if (nn < sizeof(tag) - 1 || memcmp(names, tag, sizeof(tag) - 1))
			continue;
		nv = next_line(text, len, &at, &vals);
		if (nv < sizeof(tag) - 1 || memcmp(vals, tag, sizeof(tag) - 1))
			return -EINVAL;
		for (size_t f = 1; (wl = word(names, nn, f, &w)); f++) {
			char num[24];
			char *end;

			if (wl != kl || memcmp(w, key, kl))
				continue;
			wl = word(vals, nv, f, &w);
			if (!wl || wl >= sizeof(num))
				return -EINVAL;
			memcpy(num, w, wl);
			num[wl] = '\0';
			*out = strtoull(num, &end, 10);
			return *end || num[0] == '-' ? -EINVAL : 0;
		}
		return -ENOENT;
	}
	return -ENOENT;
}

const struct rt_rpath_dev *rt_rpath_find(const struct rt_rpath *r, uint32_t ifindex)
{
	for (size_t i = 0; i < r->n; i++)
		if (r->d[i].ifindex == ifindex)
			return &r->d[i];
	return NULL;
}

bool rt_rpath_filtered(const struct rt_rpath_dev *d)
{
	return d->err == -EINVAL;
}

bool rt_rpath_news(const struct rt_rpath *r)
{
	const struct rt_rpath_dev *eg = rt_rpath_find(r, r->egress);

	return (r->have_drops && r->drops) || (r->egress && eg && rt_rpath_filtered(eg));
}

int rt_rpath_counter(uint64_t *out)
{
	char buf[8192];
	ssize_t n;
	int fd = open("/proc/net/netstat", O_RDONLY | O_CLOEXEC), rc;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf));
	rc = n < 0 ? -errno : 0;
	close(fd);
	if (rc < 0)
		return rc;
	return rt_rpath_netstat(buf, (size_t)n, "IPReversePathFilter", out);
}

static int sysctl_int(const char *dev)
{
	char path[64 + IF_NAMESIZE], buf[16];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/sys/net/ipv4/conf/%s/rp_filter", dev);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return n < 0 ? -errno : -EINVAL;
	buf[n] = '\0';
	return atoi(buf);
}

/* The kernel applies the larger of the two (IN_DEV_RPFILTER()). */
int rt_rpath_rp_filter(const char *dev)
{
	int all = sysctl_int("all"), one = sysctl_int(dev);

	if (all < 0 || one < 0)
		return all < 0 ? all : one;
	return all > one ? all : one;
}

/* The lookup itself; *oif: the device it names. 0 or -errno. */
static int lookup(struct rt_nl *nl, const struct rt_family *f, uint32_t iif,
		  const struct rt_addr *target, const struct rt_addr *src, uint32_t *oif)
{
	char buf[RT_NL_BUFSZ] __attribute__((aligned(4)));
	struct rt_route r = { 0 };
	int rc = rt_nl_talk(nl, rt_rpath_request(buf, f, iif, target, src), rt_route_cb, &r);

	*oif = r.oif;
	return rc;
}

int rt_rpath_ask(struct rt_nl *nl, const struct rt_family *f, uint32_t iif,
		 const struct rt_addr *target, const struct rt_addr *src)
{
	uint32_t oif;

	return lookup(nl, f, iif, target, src, &oif);
}

/* Up and not loopback, by SIOCGIFFLAGS on the netlink socket (no message sent). */
static bool usable(struct rt_nl *nl, uint32_t ifindex)
{
	struct ifreq ifr = { 0 };
	int fd = mnl_socket_get_fd(nl->sk);

	rt_nl_ifname(nl, ifindex, ifr.ifr_name);
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0)
		return false;
	return (ifr.ifr_flags & IFF_UP) && !(ifr.ifr_flags & IFF_LOOPBACK);
}

int rt_rpath_dump(struct rt_nl *nl, const struct rt_family *f, struct rt_rpath_ifs *up)
{
	char buf[RT_NL_BUFSZ] __attribute__((aligned(4)));
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifaddrmsg *ifa;
	struct rt_rpath_ifs all = { .af = f->af };
	int rc;

	*up = (struct rt_rpath_ifs){ .af = f->af, .cut = false };
	nlh->nlmsg_type = RTM_GETADDR;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = (uint8_t)f->af;
	if ((rc = rt_nl_talk(nl, nlh, rt_rpath_addr_cb, &all)) < 0)
		return rc;
	for (size_t i = 0; i < all.n; i++)
		if (usable(nl, all.idx[i]))
			up->idx[up->n++] = all.idx[i];
	up->cut = all.cut;
	return 0;
}

void rt_rpath_order(const struct rt_rpath_ifs *up, uint32_t egress, struct rt_rpath_ifs *ifs)
{
	*ifs = (struct rt_rpath_ifs){ .af = up->af, .cut = up->cut };
	if (egress)
		ifs->idx[ifs->n++] = egress;
	for (size_t i = 0; i < up->n; i++) {
		if (up->idx[i] == egress)
			continue;
		if (ifs->n < RT_RPATH_MAX)
			ifs->idx[ifs->n++] = up->idx[i];
		else
			ifs->cut = true;
	}
}

int rt_rpath_devices(struct rt_nl *nl, const struct rt_family *f, uint32_t egress,
		     struct rt_rpath_ifs *ifs)
{
	struct rt_rpath_ifs up;
	int rc = rt_rpath_dump(nl, f, &up);

	if (rc < 0)
		return rc;
	rt_rpath_order(&up, egress, ifs);
	return 0;
}

int rt_rpath_diagnose(struct rt_nl *nl, const struct rt_family *f, const struct rt_rpath_ifs *ifs,
		      const struct rt_addr *target, const struct rt_addr *src, uint32_t egress,
		      struct rt_rpath *out)
{
	bool same = out->n == ifs->n;
	uint32_t back;

	for (size_t i = 0; same && i < ifs->n; i++)
		same = out->d[i].ifindex == ifs->idx[i];
	if (f->af != AF_INET)
		return -EAFNOSUPPORT;
	/* The devices of the last call: their names and modes are kept, not asked again. */
	if (!same)
		memset(out, 0, sizeof(*out));
	out->egress = egress;
	out->back[0] = '\0';
	out->have_drops = false;
	out->drops = 0;
	if (lookup(nl, f, 0, target, src, &back) == 0 && back)
		rt_nl_ifname(nl, back, out->back);
	out->cut = ifs->cut;
	out->n = ifs->n;
	for (size_t i = 0; i < ifs->n; i++) {
		struct rt_rpath_dev *d = &out->d[i];

		d->err = rt_rpath_ask(nl, f, ifs->idx[i], target, src);
		if (same)
			continue;
		d->ifindex = ifs->idx[i];
		rt_nl_ifname(nl, d->ifindex, d->dev);
		d->rp_filter = rt_rpath_rp_filter(d->dev);
		if (d->rp_filter < 0)
			d->rp_filter = -1;
	}
	return 0;
}
