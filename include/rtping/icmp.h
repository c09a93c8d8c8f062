/*
 * ICMP packets as bytes: building an echo request and parsing what comes
 * back (replies, and ICMP errors that quote one of our probes). Pure: no
 * syscalls, so the tests feed it crafted buffers.
 */
#ifndef RTPING_ICMP_H
#define RTPING_ICMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rtping/addr.h"
#include "rtping/family.h"

#define RT_ICMP_HDR_LEN 8

enum rt_icmp_kind {
	RT_ICMP_REPLY,       /* an echo reply for us */
	RT_ICMP_QUOTE,       /* an ICMP error quoting our echo request (raw sockets) */
	RT_ICMP_NOTICE,      /* a redirect or source quench quoting our request (raw
	                      * IPv4): iputils prints it, neither counts nor acks it */
	RT_ICMP_OTHER,       /* valid, not for us: another identifier, our own request */
};

/* What the receive path learnt from one datagram. */
struct rt_icmp_pkt {
	enum rt_icmp_kind kind;
	uint8_t type, code;
	uint16_t id, seq;        /* host order; for QUOTE and NOTICE, the quoted probe's */
	struct rt_addr quoted_dst; /* QUOTE and NOTICE: the quoted probe's destination */
	int ttl;                 /* from the IPv4 header when present, else -1 */
	size_t icmp_len;         /* ICMP bytes: iputils' "N bytes from" */
	bool bad_checksum;
	uint32_t info;           /* rest of header (gateway / mtu / pointer) */
	const uint8_t *data;     /* what follows the ICMP header (into the caller's buffer) */
	size_t data_len;
	const uint8_t *ipopts;   /* raw IPv4: the options after the fixed header */
	size_t ipopts_len;
};

/* What the socket's receive path delivers, and how to match it. */
struct rt_icmp_match {
	const struct rt_family *fam;
	bool has_iphdr;          /* raw IPv4: the IP header comes first */
	bool check_id;           /* raw sockets; datagram sockets are demuxed by the kernel */
	uint16_t id;             /* host order */
	uint32_t nids;           /* raw: ids id .. id + nids - 1 are ours (0: just id; 65536 all) */
	struct rt_addr dst;      /* the target: quoted errors must be for it */
	bool any_dst;            /* many targets: errors for any, demuxed by the caller */
	size_t echo_len;         /* our requests' ICMP length: finds them in transmit reports */
	uint16_t req_key;        /* their type << 8 | code (-N: a query's); 0: an echo request */
};

/* id is one of m's (raw sockets; datagram sockets have the kernel's). */
bool rt_icmp_our_id(const struct rt_icmp_match *m, uint16_t id);

/* An error-queue entry, reduced to the fields rtping uses. */
struct rt_icmp_err {
	bool local;              /* SO_EE_ORIGIN_LOCAL: our own stack refused */
	int err;                 /* ee_errno */
	uint8_t type, code;
	uint32_t info;           /* ee_info: mtu for "message too long" */
	struct rt_addr offender; /* who sent the ICMP error */
	struct rt_addr dst;      /* the probe's destination; AF_UNSPEC unknown */
	uint32_t dst_scope;      /* its interface (link-local, multicast); 0 unknown */
	uint16_t id, seq;        /* the quoted probe's */
	const uint8_t *data;     /* the quoted probe's data, as much as came back
	                          * (into the caller's buffer); NULL none */
	size_t data_len;
};

/* The Internet checksum (RFC 1071) over len bytes. */
uint16_t rt_icmp_checksum(const void *p, size_t len);

/*
 * Writes an echo request with size data bytes into buf (cap bytes):
 * the data filled with pattern repeated; pattern NULL (no -p): bytes
 * 0,1,2... as iputils; pattern_len 0 (-p ''): zeros.
 * IPv4 gets its checksum; IPv6 leaves it to the kernel (pseudo-header).
 * Returns the packet length, or 0 when cap is too small.
 */
size_t rt_icmp_build_echo(const struct rt_family *f, uint8_t *buf, size_t cap,
			  uint16_t id, uint16_t seq, const uint8_t *pattern,
			  size_t pattern_len, size_t size);

/*
 * Several targets on one datagram socket share its identifier (the
 * kernel's), and a reply's source does not always name its target (an
 * anycast address, a multicast group, one link-local address on two
 * links): the first RT_ICMP_TAG_LEN data bytes of their echoes, iputils'
 * time stamp slot that no one checks, carry the target's index.
 */
#define RT_ICMP_TAG_LEN 8
/*
 * Writes index into the echo request pkt (len bytes, at least
 * RT_ICMP_HDR_LEN + RT_ICMP_TAG_LEN) rt_icmp_build_echo() wrote; IPv4's
 * checksum is summed again.
 */
void rt_icmp_put_tag(const struct rt_family *f, uint8_t *pkt, size_t len, uint32_t index);
/* The index in data (an echo's data bytes as they came back); false when none is there. */
bool rt_icmp_get_tag(const uint8_t *data, size_t len, uint32_t *index);

/*
 * Turns an echo request rt_icmp_build_echo() wrote into the one it writes
 * for id and seq (the data unchanged), the IPv4 checksum updated for the
 * two changed words instead of summed again: a flood sends the same bytes
 * but for these.
 */
void rt_icmp_echo_retag(const struct rt_family *f, uint8_t *buf, uint16_t id, uint16_t seq);

/*
 * iputils' payload check: the first data byte at or after 16 (its timeval
 * slot) that differs from what rt_icmp_build_echo() put there, or -1. Only
 * the first min(len, size) bytes are compared.
 */
long rt_icmp_data_mismatch(const uint8_t *data, size_t len, const uint8_t *pattern,
			   size_t pattern_len, size_t size);
/* The byte rt_icmp_build_echo() puts at data offset i (pattern NULL: no -p). */
uint8_t rt_icmp_fill_byte(const uint8_t *pattern, size_t pattern_len, size_t i);

/*
 * Parses one received datagram. 0 with *out filled, -EBADMSG when too short
 * or malformed. Replies for another identifier come back as RT_ICMP_OTHER.
 */
int rt_icmp_parse(const struct rt_icmp_match *m, const uint8_t *buf, size_t len,
		  struct rt_icmp_pkt *out);

/*
 * Reads an error-queue entry: ee_origin/errno/type/code/info from the
 * extended error, the offender address, and the quoted probe (our ICMP
 * header, as the kernel returns it for IP_RECVERR) in buf. dst is the
 * msg_name of the entry: the probe's destination. 0 when it is about one of
 * our probes to the target (or a local error), -ENOMSG when not ours.
 */
int rt_icmp_parse_err(const struct rt_icmp_match *m, uint8_t origin, int ee_errno,
		      uint8_t type, uint8_t code, uint32_t info,
		      const struct rt_addr *offender, const struct rt_addr *dst,
		      const uint8_t *buf, size_t len, struct rt_icmp_err *out);

/*
 * iputils' words for an ICMP error ("Destination Host Unreachable",
 * "Time to live exceeded", "Destination unreachable: Address unreachable").
 */
const char *rt_icmp_describe(const struct rt_family *f, uint8_t type, uint8_t code,
			     uint32_t info, char *buf, size_t len);

/*
 * An IPv4 redirect as iputils words it: "Redirect Host(New nexthop: GW)".
 * gw (host order) is shown as gw_text when given (a name), else numeric.
 */
const char *rt_icmp_describe_redirect(uint8_t code, uint32_t gw, const char *gw_text,
				      char *buf, size_t len);

#endif
