/*
 * Transmit reports into plain structs. IPv4 puts the egress device and the
 * packet's source in in_pktinfo (ipi_ifindex, ipi_spec_dst); IPv6 puts the
 * device in in6_pktinfo but the destination in ipi6_addr, so the source is
 * read from the returned packet. That packet starts with a link-layer header
 * of unknown length (14 bytes on veth, none on tun): the IP header is found
 * from the end, our echo's length being known, and checked before use; a
 * fragmented IPv6 echo's first fragment, by its payload length.
 */
#include <errno.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "rtping/clock.h"
#include "rtping/nodeinfo.h"
#include "rtping/txrep.h"

#ifndef SCM_TIMESTAMPING
#define SCM_TIMESTAMPING SO_TIMESTAMPING
#endif

static void read_cmsgs(const struct rt_family *fam, const struct msghdr *msg,
		       struct rt_txrep *out)
{
	for (struct cmsghdr *c = CMSG_FIRSTHDR((struct msghdr *)msg); c;
	     c = CMSG_NXTHDR((struct msghdr *)msg, c)) {
		/* CMSG_FIRSTHDR() checks only that a header fits, not its length. */
		if (c->cmsg_len > msg->msg_controllen -
				  (size_t)((const uint8_t *)c - (const uint8_t *)msg->msg_control))
			continue;
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPING &&
		    c->cmsg_len >= CMSG_LEN(sizeof(struct timespec))) {
			struct timespec ts;

			memcpy(&ts, CMSG_DATA(c), sizeof(ts));   /* [0]: software */
			out->real_ns = rt_timespec_ns(&ts);
		} else if (c->cmsg_level != fam->sol_ip || c->cmsg_type != fam->cmsg_pktinfo) {
			continue;
		} else if (fam->af == AF_INET && c->cmsg_len >= CMSG_LEN(sizeof(struct in_pktinfo))) {
			struct in_pktinfo pi;

			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			out->ifindex = (uint32_t)pi.ipi_ifindex;
			rt_addr_from_bytes(&out->src, AF_INET, &pi.ipi_spec_dst, 4);
		} else if (fam->af == AF_INET6 &&
			   c->cmsg_len >= CMSG_LEN(sizeof(struct in6_pktinfo))) {
			struct in6_pktinfo pi;

			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			out->ifindex = pi.ipi6_ifindex;
		}
	}
}

/*
 * Our echo request whole at the end of data: the IP header before it must
 * have the family's version, no options or extension headers, our
 * protocol and a length that ends exactly at the end of data. Returns the
 * ICMP header (*ip the IP header), or NULL.
 */
static const uint8_t *whole_echo(const struct rt_icmp_match *m, const uint8_t *data, size_t len,
				 const uint8_t **ip)
{
	const struct rt_family *fam = m->fam;
	size_t need = fam->ip_hdr_len + m->echo_len;
	const uint8_t *h;

	if (len < need)
		return NULL;
	h = data + (len - need);
	if (fam->af == AF_INET) {
		if (h[0] != 0x45 || ((size_t)h[2] << 8 | h[3]) != need || h[9] != fam->proto)
			return NULL;
	} else if ((h[0] >> 4) != 6 || ((size_t)h[4] << 8 | h[5]) != m->echo_len ||
		   h[6] != fam->proto) {
		return NULL;
	}
	*ip = h;
	return h + fam->ip_hdr_len;
}

/* The most link-layer bytes looked past for a fragment's IPv6 header. */
#define LL_MAX 64
#define IPV6_HDR_LEN 40
#define FRAG_HDR_LEN 8

/*
 * An IPv6 echo larger than the path MTU leaves in fragments, and the
 * report carries the first: the IPv6 header, a fragment header (offset 0,
 * more to come), then the start of our echo. Its IPv6 header is found
 * after the link layer by its payload length, which must end at the end
 * of data. Returns the ICMP header (*ip the IPv6 header), or NULL.
 */
static const uint8_t *first_fragment(const struct rt_icmp_match *m, const uint8_t *data,
				     size_t len, const uint8_t **ip, size_t *avail)
{
	const size_t hdrs = IPV6_HDR_LEN + FRAG_HDR_LEN;

	for (size_t o = 0; o <= LL_MAX && len >= o + hdrs + RT_ICMP_HDR_LEN; o++) {
		const uint8_t *h = data + o, *fh = h + IPV6_HDR_LEN;

		if ((h[0] >> 4) != 6 || ((size_t)h[4] << 8 | h[5]) != len - o - IPV6_HDR_LEN ||
		    h[6] != IPPROTO_FRAGMENT || fh[0] != m->fam->proto ||
		    (fh[2] << 8 | fh[3]) != 1)     /* offset 0, more fragments */
			continue;
		*ip = h;
		*avail = len - o - hdrs;
		return h + hdrs;
	}
	return NULL;
}

/* Our echo request (or its first fragment) in data: its sequence and source. */
static void read_packet(const struct rt_icmp_match *m, const uint8_t *data, size_t len,
			struct rt_txrep *out)
{
	const struct rt_family *fam = m->fam;
	const uint8_t *h = NULL, *icmp;
	size_t avail = m->echo_len;
	uint16_t id;

	if (!m->echo_len || m->echo_len < RT_ICMP_HDR_LEN)
		return;
	icmp = whole_echo(m, data, len, &h);
	if (!icmp && fam->af == AF_INET6)
		icmp = first_fragment(m, data, len, &h, &avail);
	if (!icmp)
		return;
	if ((icmp[0] << 8 | icmp[1]) != (m->req_key ? m->req_key : fam->echo_request << 8))
		return;
	if (icmp[0] == RT_NI_QUERY) {
		/* -N: no identifier; the nonce starts with the sequence. */
		if (m->echo_len < RT_NI_HDR_LEN || avail < RT_NI_HDR_LEN)
			return;
		out->seq = (uint16_t)(icmp[8] << 8 | icmp[9]);
	} else {
		id = (uint16_t)(icmp[4] << 8 | icmp[5]);
		/* Datagram sockets: the kernel wrote its own identifier. */
		if (m->check_id && !rt_icmp_our_id(m, id))
			return;
		out->id = id;
		out->seq = (uint16_t)(icmp[6] << 8 | icmp[7]);
	}
	out->has_seq = true;
	rt_addr_from_bytes(&out->dst, (sa_family_t)fam->af, h + (fam->af == AF_INET ? 16 : 24),
			   fam->addr_len);
	if (!rt_addr_is_set(&out->src))
		rt_addr_from_bytes(&out->src, (sa_family_t)fam->af, h + (fam->af == AF_INET ? 12 : 8),
				   fam->addr_len);
}

int rt_txrep_parse(const struct rt_icmp_match *m, const struct sock_extended_err *ee,
		   const struct msghdr *msg, const uint8_t *data, size_t len,
		   struct rt_txrep *out)
{
	memset(out, 0, sizeof(*out));
	if (ee->ee_origin != SO_EE_ORIGIN_TIMESTAMPING)
		return -ENOMSG;
	out->key = ee->ee_data;
	out->point = ee->ee_info;
	read_cmsgs(m->fam, msg, out);
	if (data)
		read_packet(m, data, len, out);
	return out->ifindex ? 0 : -ENOMSG;
}
