/*
 * Which request the engine sends, and its bytes: one builder for the
 * sender (src/tx.c) and for the flow key, so the two cannot disagree.
 */
#include <string.h>

#include "rtping/icmp.h"
#include "rtping/opts.h"
#include "rtping/probe.h"

bool rt_probe_is_ni(const struct rt_opts *o, const struct rt_family *fam)
{
	return o->ni.qtype >= 0 && fam->af == AF_INET6;
}

void rt_probe_init(struct rt_probe *p, const struct rt_opts *o, const struct rt_family *fam,
		   const struct rt_addr *dst, uint16_t id)
{
	memset(p, 0, sizeof(*p));
	p->fam = fam;
	p->ni = rt_probe_is_ni(o, fam) ? &o->ni : NULL;
	p->dst = *dst;
	p->id = id;
	p->pattern = o->pattern_set ? o->pattern : NULL;
	p->pattern_len = o->pattern_len;
	p->size = (size_t)o->size;
}

size_t rt_probe_cap(const struct rt_probe *p)
{
	return p->ni ? RT_NI_HDR_LEN + RT_NI_SUBJECT_MAX : p->size + RT_ICMP_HDR_LEN;
}

size_t rt_probe_build(const struct rt_probe *p, uint16_t seq, const uint8_t rnd[6],
		      uint8_t *buf, size_t cap)
{
	size_t len;

	if (p->ni)
		return rt_ni_build(p->ni, p->dst.u.raw, seq, rnd, buf, cap);
	len = rt_icmp_build_echo(p->fam, buf, cap, p->id, seq, p->pattern, p->pattern_len,
				 p->size);
	if (p->tagged && len >= RT_ICMP_HDR_LEN + RT_ICMP_TAG_LEN)
		rt_icmp_put_tag(p->fam, buf, len, p->tag);
	return len;
}

size_t rt_probe_next(const struct rt_probe *p, uint16_t seq, const uint8_t rnd[6],
		     uint8_t *buf, size_t cap, size_t prev_len)
{
	if (!p->ni && !p->tagged && prev_len) {
		rt_icmp_echo_retag(p->fam, buf, p->id, seq);
		return prev_len;
	}
	return rt_probe_build(p, seq, rnd, buf, cap);
}

size_t rt_probe_len(const struct rt_probe *p)
{
	static const uint8_t rnd[6];
	uint8_t b[RT_NI_HDR_LEN + RT_NI_SUBJECT_MAX];

	if (!p->ni)
		return p->size + RT_ICMP_HDR_LEN;
	return rt_probe_build(p, 0, rnd, b, sizeof(b));
}

uint16_t rt_probe_dport(const struct rt_probe *p)
{
	static const uint8_t rnd[6];
	struct rt_probe hdr = *p;
	uint8_t b[RT_NI_HDR_LEN + RT_NI_SUBJECT_MAX];

	/* Type and code lead either request: no data bytes needed. */
	hdr.size = 0;
	if (rt_probe_build(&hdr, 0, rnd, b, sizeof(b)) < 2)
		return 0;
	return (uint16_t)(b[0] << 8 | b[1]);
}
