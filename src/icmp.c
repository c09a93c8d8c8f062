/*
 * ICMP bytes in, plain structs out. Raw IPv4 sockets deliver the IP header
 * first; datagram sockets and every IPv6 socket deliver the ICMP message
 * only. Errors reach us through the error queue (IP_RECVERR), which hands
 * back the ICMP header of the probe that caused them. No syscalls here.
 */
#include <errno.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/errqueue.h>
#include <netinet/icmp6.h>
#include <netinet/ip_icmp.h>

#include "rtping/icmp.h"

#define IPV4_MIN_HDR 20

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

uint16_t rt_icmp_checksum(const void *p, size_t len)
{
	const uint8_t *b = p;
	uint64_t sum = 0;
	uint32_t w;
	uint16_t h;

	/*
	 * A one's-complement sum does not depend on byte order (RFC 1071
	 * 2(B)): native words are added four bytes at a time and the result
	 * read back big-endian. The odd byte is the high half of a word.
	 */
	for (; len >= 4; len -= 4, b += 4) {
		memcpy(&w, b, 4);
		sum += w;
	}
	if (len >= 2) {
		memcpy(&h, b, 2);
		sum += h;
		b += 2;
		len -= 2;
	}
	if (len) {
		uint8_t last[2] = { b[0], 0 };

		memcpy(&h, last, 2);
		sum += h;
	}
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	h = (uint16_t)~sum;
	return ntohs(h);
}

size_t rt_icmp_build_echo(const struct rt_family *f, uint8_t *buf, size_t cap,
			  uint16_t id, uint16_t seq, const uint8_t *pattern,
			  size_t pattern_len, size_t size)
{
	size_t len = RT_ICMP_HDR_LEN + size;

	if (cap < len)
		return 0;
	memset(buf, 0, RT_ICMP_HDR_LEN);
	buf[0] = f->echo_request;
	buf[4] = (uint8_t)(id >> 8);
	buf[5] = (uint8_t)id;
	buf[6] = (uint8_t)(seq >> 8);
	buf[7] = (uint8_t)seq;
	for (size_t i = 0; i < size; i++)
		buf[RT_ICMP_HDR_LEN + i] = rt_icmp_fill_byte(pattern, pattern_len, i);
	/* ICMPv6 sums a pseudo-header the kernel fills in (RFC 4443 2.3). */
	if (f->af == AF_INET) {
		uint16_t c = rt_icmp_checksum(buf, len);

		buf[2] = (uint8_t)(c >> 8);
		buf[3] = (uint8_t)c;
	}
	return len;
}

void rt_icmp_echo_retag(const struct rt_family *f, uint8_t *buf, uint16_t id, uint16_t seq)
{
	uint16_t old_id = get16(buf + 4), old_seq = get16(buf + 6);
	uint32_t sum;

	buf[4] = (uint8_t)(id >> 8);
	buf[5] = (uint8_t)id;
	buf[6] = (uint8_t)(seq >> 8);
	buf[7] = (uint8_t)seq;
	if (f->af != AF_INET)
		return;
	/* RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m'), for each changed word. */
	sum = (uint16_t)~get16(buf + 2);
	sum += (uint16_t)~old_id + (uint32_t)id + (uint16_t)~old_seq + (uint32_t)seq;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	sum = (uint16_t)~sum;
	buf[2] = (uint8_t)(sum >> 8);
	buf[3] = (uint8_t)sum;
}

/* Ahead of the index: the data of an echo someone else built rarely starts so. */
static const uint8_t tag_magic[4] = { 'r', 't', 'p', 'g' };

void rt_icmp_put_tag(const struct rt_family *f, uint8_t *pkt, size_t len, uint32_t index)
{
	uint8_t *t = pkt + RT_ICMP_HDR_LEN;
	uint16_t c;

	memcpy(t, tag_magic, sizeof(tag_magic));
	t[4] = (uint8_t)(index >> 24);
	t[5] = (uint8_t)(index >> 16);
	t[6] = (uint8_t)(index >> 8);
	t[7] = (uint8_t)index;
	if (f->af != AF_INET)
		return;
	pkt[2] = pkt[3] = 0;
	c = rt_icmp_checksum(pkt, len);
	pkt[2] = (uint8_t)(c >> 8);
	pkt[3] = (uint8_t)c;
}

bool rt_icmp_get_tag(const uint8_t *data, size_t len, uint32_t *index)
{
	if (!data || len < RT_ICMP_TAG_LEN || memcmp(data, tag_magic, sizeof(tag_magic)) != 0)
		return false;
	*index = get32(data + 4);
	return true;
}

/* iputils' fill: the pattern repeated, zeros for -p '', 0, 1, 2... without -p. */
uint8_t rt_icmp_fill_byte(const uint8_t *pattern, size_t pattern_len, size_t i)
{
	if (!pattern)
		return (uint8_t)i;
	return pattern_len ? pattern[i % pattern_len] : 0;
}

/* iputils skips sizeof(struct timeval): where its send time used to be. */
#define DATA_CHECK_FROM 16

long rt_icmp_data_mismatch(const uint8_t *data, size_t len, const uint8_t *pattern,
			   size_t pattern_len, size_t size)
{
	size_t n = len < size ? len : size;

	for (size_t i = DATA_CHECK_FROM; i < n; i++)
		if (data[i] != rt_icmp_fill_byte(pattern, pattern_len, i))
			return (long)i;
	return -1;
}

/* Skips the IPv4 header of a raw-socket datagram; -EBADMSG if it lies. */
static int strip_ip(const struct rt_icmp_match *m, const uint8_t **buf, size_t *len, int *ttl,
		    struct rt_icmp_pkt *out)
{
	size_t hlen;

	*ttl = -1;
	if (!m->has_iphdr)
		return 0;
	if (*len < IPV4_MIN_HDR || (**buf >> 4) != 4)
		return -EBADMSG;
	hlen = (size_t)(**buf & 0x0f) * 4;
	if (hlen < IPV4_MIN_HDR || *len < hlen)
		return -EBADMSG;
	*ttl = (*buf)[8];
	out->ipopts = *buf + IPV4_MIN_HDR;
	out->ipopts_len = hlen - IPV4_MIN_HDR;
	*buf += hlen;
	*len -= hlen;
	return 0;
}

/*
 * An error quoting a datagram (raw sockets see these besides the error
 * queue): ours when it quotes an echo request with our id to our target.
 */
bool rt_icmp_our_id(const struct rt_icmp_match *m, uint16_t id)
{
	return (uint16_t)(id - m->id) < (m->nids ? m->nids : 1);
}

static bool quotes_our_probe(const struct rt_icmp_match *m, const uint8_t *q, size_t qlen,
			     uint16_t *id, uint16_t *seq, struct rt_addr *dst)
{
	size_t hlen = m->fam->ip_hdr_len;
	const uint8_t *dp;

	if (m->fam->af == AF_INET) {
		if (qlen < IPV4_MIN_HDR || (q[0] >> 4) != 4)
			return false;
		hlen = (size_t)(q[0] & 0x0f) * 4;
		dp = q + 16;
	} else {
		/* No extension headers: our probes never carry any. */
		if (qlen < hlen || q[6] != IPPROTO_ICMPV6)
			return false;
		dp = q + 24;
	}
	if (qlen < hlen + RT_ICMP_HDR_LEN)
		return false;
	rt_addr_from_bytes(dst, m->fam->af, dp, m->fam->addr_len);
	q += hlen;
	if ((!m->any_dst && !rt_addr_equal(dst, &m->dst)) || q[0] != m->fam->echo_request)
		return false;
	if (m->check_id && !rt_icmp_our_id(m, get16(q + 4)))
		return false;
	*id = get16(q + 4);
	*seq = get16(q + 6);
	return true;
}

static bool is_error_type(const struct rt_family *f, uint8_t type)
{
	if (f->af == AF_INET)
		return type == ICMP_DEST_UNREACH || type == ICMP_TIME_EXCEEDED ||
		       type == ICMP_PARAMETERPROB || type == ICMP_SOURCE_QUENCH ||
		       type == ICMP_REDIRECT;
	return type < 128;   /* RFC 4443: error messages have the high bit clear */
}

/* Advice rather than failure: iputils' ping4_parse_reply() prints these itself. */
static bool is_notice(const struct rt_family *f, uint8_t type)
{
	return f->af == AF_INET && (type == ICMP_REDIRECT || type == ICMP_SOURCE_QUENCH);
}

int rt_icmp_parse(const struct rt_icmp_match *m, const uint8_t *buf, size_t len,
		  struct rt_icmp_pkt *out)
{
	memset(out, 0, sizeof(*out));
	out->kind = RT_ICMP_OTHER;
	if (strip_ip(m, &buf, &len, &out->ttl, out) < 0 || len < RT_ICMP_HDR_LEN)
		return -EBADMSG;
	out->icmp_len = len;
	out->data = buf + RT_ICMP_HDR_LEN;
	out->data_len = len - RT_ICMP_HDR_LEN;
	out->type = buf[0];
	out->code = buf[1];
	out->id = get16(buf + 4);
	out->seq = get16(buf + 6);
	out->info = get32(buf + 4);
	/* The kernel verifies ICMPv6 sums (pseudo-header) before we see them. */
	if (m->fam->af == AF_INET)
		out->bad_checksum = rt_icmp_checksum(buf, len) != 0;
	if (out->type == m->fam->echo_reply) {
		if (!m->check_id || rt_icmp_our_id(m, out->id))
			out->kind = RT_ICMP_REPLY;
		return 0;
	}
	if (is_error_type(m->fam, out->type) &&
	    quotes_our_probe(m, buf + RT_ICMP_HDR_LEN, len - RT_ICMP_HDR_LEN, &out->id, &out->seq,
			     &out->quoted_dst))
		out->kind = is_notice(m->fam, out->type) ? RT_ICMP_NOTICE : RT_ICMP_QUOTE;
	return 0;
}

int rt_icmp_parse_err(const struct rt_icmp_match *m, uint8_t origin, int ee_errno,
		      uint8_t type, uint8_t code, uint32_t info,
		      const struct rt_addr *offender, const struct rt_addr *dst,
		      const uint8_t *buf, size_t len, struct rt_icmp_err *out)
{
	memset(out, 0, sizeof(*out));
	out->err = ee_errno;
	out->type = type;
	out->code = code;
	out->info = info;
	if (dst)
		out->dst = *dst;
	if (origin == SO_EE_ORIGIN_LOCAL) {
		out->local = true;
		return 0;
	}
	if (origin != m->fam->so_ee_origin_icmp)
		return -ENOMSG;
	/* The kernel quotes our ICMP header; the entry's name is its destination. */
	if (len < RT_ICMP_HDR_LEN || buf[0] != m->fam->echo_request)
		return -ENOMSG;
	if (dst && !m->any_dst && !rt_addr_equal(dst, &m->dst))
		return -ENOMSG;
	if (m->check_id && !rt_icmp_our_id(m, get16(buf + 4)))
		return -ENOMSG;
	if (offender)
		out->offender = *offender;
	out->id = get16(buf + 4);
	out->seq = get16(buf + 6);
	out->data = buf + RT_ICMP_HDR_LEN;
	out->data_len = len - RT_ICMP_HDR_LEN;
	return 0;
}

struct icmp_text {
	uint8_t type;
	int code;                /* -1: any code */
	const char *text;
};

/* iputils' pr_icmph() wording, ping.c. */
static const struct icmp_text v4_text[] = {
	{ ICMP_ECHOREPLY, -1, "Echo Reply" },
	{ ICMP_DEST_UNREACH, ICMP_NET_UNREACH, "Destination Net Unreachable" },
	{ ICMP_DEST_UNREACH, ICMP_HOST_UNREACH, "Destination Host Unreachable" },
	{ ICMP_DEST_UNREACH, ICMP_PROT_UNREACH, "Destination Protocol Unreachable" },
	{ ICMP_DEST_UNREACH, ICMP_PORT_UNREACH, "Destination Port Unreachable" },
	{ ICMP_DEST_UNREACH, ICMP_SR_FAILED, "Source Route Failed" },
	{ ICMP_DEST_UNREACH, ICMP_NET_UNKNOWN, "Destination Net Unknown" },
	{ ICMP_DEST_UNREACH, ICMP_HOST_UNKNOWN, "Destination Host Unknown" },
	{ ICMP_DEST_UNREACH, ICMP_HOST_ISOLATED, "Source Host Isolated" },
	{ ICMP_DEST_UNREACH, ICMP_NET_ANO, "Destination Net Prohibited" },
	{ ICMP_DEST_UNREACH, ICMP_HOST_ANO, "Destination Host Prohibited" },
	{ ICMP_DEST_UNREACH, ICMP_NET_UNR_TOS, "Destination Net Unreachable for Type of Service" },
	{ ICMP_DEST_UNREACH, ICMP_HOST_UNR_TOS, "Destination Host Unreachable for Type of Service" },
	{ ICMP_DEST_UNREACH, ICMP_PKT_FILTERED, "Packet filtered" },
	{ ICMP_DEST_UNREACH, ICMP_PREC_VIOLATION, "Precedence Violation" },
	{ ICMP_DEST_UNREACH, ICMP_PREC_CUTOFF, "Precedence Cutoff" },
	{ ICMP_SOURCE_QUENCH, -1, "Source Quench" },
	{ ICMP_ECHO, -1, "Echo Request" },
	{ ICMP_TIME_EXCEEDED, ICMP_EXC_TTL, "Time to live exceeded" },
	{ ICMP_TIME_EXCEEDED, ICMP_EXC_FRAGTIME, "Frag reassembly time exceeded" },
	{ ICMP_TIMESTAMP, -1, "Timestamp" },
	{ ICMP_TIMESTAMPREPLY, -1, "Timestamp Reply" },
	{ ICMP_INFO_REQUEST, -1, "Information Request" },
	{ ICMP_INFO_REPLY, -1, "Information Reply" },
	{ ICMP_ADDRESS, -1, "Address Mask Request" },
	{ ICMP_ADDRESSREPLY, -1, "Address Mask Reply" },
};

/* iputils' print_icmp() wording, ping6_common.c. */
static const struct icmp_text v6_text[] = {
	{ ICMP6_DST_UNREACH, ICMP6_DST_UNREACH_NOROUTE, "Destination unreachable: No route" },
	{ ICMP6_DST_UNREACH, ICMP6_DST_UNREACH_ADMIN,
	  "Destination unreachable: Administratively prohibited" },
	{ ICMP6_DST_UNREACH, ICMP6_DST_UNREACH_BEYONDSCOPE,
	  "Destination unreachable: Beyond scope of source address" },
	{ ICMP6_DST_UNREACH, ICMP6_DST_UNREACH_ADDR, "Destination unreachable: Address unreachable" },
	{ ICMP6_DST_UNREACH, ICMP6_DST_UNREACH_NOPORT, "Destination unreachable: Port unreachable" },
	{ ICMP6_DST_UNREACH, 5, "Destination unreachable: Source address failed ingress/egress policy" },
	{ ICMP6_DST_UNREACH, 6, "Destination unreachable: Reject route to destination" },
	{ ICMP6_TIME_EXCEEDED, ICMP6_TIME_EXCEED_TRANSIT, "Time exceeded: Hop limit" },
	{ ICMP6_TIME_EXCEEDED, ICMP6_TIME_EXCEED_REASSEMBLY, "Time exceeded: Defragmentation failure" },
	{ ICMP6_ECHO_REQUEST, -1, "Echo request" },
	{ ICMP6_ECHO_REPLY, -1, "Echo reply" },
	{ MLD_LISTENER_QUERY, -1, "MLD Query" },
	{ MLD_LISTENER_REPORT, -1, "MLD Report" },
	{ MLD_LISTENER_REDUCTION, -1, "MLD Reduction" },
};

static const char *lookup(const struct icmp_text *t, size_t n, uint8_t type, uint8_t code)
{
	for (size_t i = 0; i < n; i++)
		if (t[i].type == type && (t[i].code < 0 || t[i].code == code))
			return t[i].text;
	return NULL;
}

/* The messages with numbers in them, and the "bad code" fallbacks. */
static const char *describe_v4(uint8_t type, uint8_t code, uint32_t info, char *buf, size_t len)
{
	if (type == ICMP_DEST_UNREACH && code == ICMP_FRAG_NEEDED)
		snprintf(buf, len, "Frag needed and DF set (mtu = %u)", info);
	else if (type == ICMP_DEST_UNREACH)
		snprintf(buf, len, "Dest Unreachable, Bad Code: %d", code);
	else if (type == ICMP_TIME_EXCEEDED)
		snprintf(buf, len, "Time exceeded, Bad Code: %d", code);
	else if (type == ICMP_PARAMETERPROB)
		snprintf(buf, len, "Parameter problem: pointer = %u", info);
	else if (type == ICMP_REDIRECT)
		return rt_icmp_describe_redirect(code, info, NULL, buf, len);
	else
		snprintf(buf, len, "Bad ICMP type: %d", type);
	return buf;
}

const char *rt_icmp_describe_redirect(uint8_t code, uint32_t gw, const char *gw_text,
				      char *buf, size_t len)
{
	static const char *const what[] = { "Redirect Network", "Redirect Host",
		"Redirect Type of Service and Network", "Redirect Type of Service and Host" };
	char c[40], g[20];

	if (!gw_text) {
		snprintf(g, sizeof(g), "%u.%u.%u.%u", gw >> 24, (gw >> 16) & 0xff,
			 (gw >> 8) & 0xff, gw & 0xff);
		gw_text = g;
	}
	snprintf(c, sizeof(c), "Redirect, Bad Code: %d", code);
	snprintf(buf, len, "%s(New nexthop: %s)", code < 4 ? what[code] : c, gw_text);
	return buf;
}

static const char *describe_v6(uint8_t type, uint8_t code, uint32_t info, char *buf, size_t len)
{
	static const char *const param[] = { "Wrong header field ", "Unknown header ",
					     "Unknown option " };
	char c[24];

	if (type == ICMP6_DST_UNREACH) {
		snprintf(buf, len, "Destination unreachable: Unknown code %d", code);
	} else if (type == ICMP6_PACKET_TOO_BIG) {
		snprintf(c, sizeof(c), ", code=%d", code);
		snprintf(buf, len, "Packet too big: mtu=%u%s", info, code ? c : "");
	} else if (type == ICMP6_TIME_EXCEEDED) {
		snprintf(buf, len, "Time exceeded: code %d", code);
	} else if (type == ICMP6_PARAM_PROB) {
		snprintf(c, sizeof(c), "code %d ", code);
		snprintf(buf, len, "Parameter problem: %sat %u", code < 3 ? param[code] : c, info);
	} else {
		snprintf(buf, len, "unknown icmp type: %u", type);
	}
	return buf;
}

const char *rt_icmp_describe(const struct rt_family *f, uint8_t type, uint8_t code,
			     uint32_t info, char *buf, size_t len)
{
	const char *s;

	if (f->af == AF_INET) {
		s = lookup(v4_text, sizeof(v4_text) / sizeof(v4_text[0]), type, code);
		return s ? s : describe_v4(type, code, info, buf, len);
	}
	s = lookup(v6_text, sizeof(v6_text) / sizeof(v6_text[0]), type, code);
	return s ? s : describe_v6(type, code, info, buf, len);
}
