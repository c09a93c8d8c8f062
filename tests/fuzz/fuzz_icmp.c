/*
 * libFuzzer target: the ICMP reply parser and the error-queue reader.
 * Byte 0 picks the socket shape (family, IPv4 header present, id checked);
 * the rest is the datagram as recvmsg() would hand it over.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <linux/errqueue.h>

#include "rtping/icmp.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rt_icmp_match m = { 0 };
	struct rt_icmp_pkt p;
	struct rt_icmp_err er;
	struct rt_addr off, dst;
	uint8_t *copy;
	char text[128];
	uint8_t sel;

	if (!fuzz_selector(&data, &size, &sel))
		return 0;
	m.fam = sel & 1 ? &rt_inet6 : &rt_inet;
	m.has_iphdr = m.fam == &rt_inet && (sel & 2);
	m.check_id = sel & 4;
	m.id = 0x1234;
	rt_addr_parse(&m.dst, m.fam->af, m.fam == &rt_inet ? "10.77.0.2" : "fd00::2");

	/* An exact-size heap copy: any read past the end is an ASan report. */
	copy = fuzz_copy(data, size);
	if (!copy)
		return 0;
	if (rt_icmp_parse(&m, copy, size, &p) == 0) {
		rt_icmp_describe(m.fam, p.type, p.code, p.info, text, sizeof(text));
		if (p.kind == RT_ICMP_QUOTE && p.seq == 0xffff)
			text[0] = 0;   /* touch the result */
	}
	off = m.dst;
	dst = m.dst;
	if (size >= 2)
		rt_icmp_parse_err(&m, (sel >> 3) & 1 ? SO_EE_ORIGIN_LOCAL : (uint8_t)m.fam->so_ee_origin_icmp,
				  (sel >> 4), copy[0], copy[1], (uint32_t)size, &off,
				  (sel & 0x80) ? NULL : &dst, copy, size, &er);
	rt_icmp_describe(&rt_inet, sel, (uint8_t)size, 0, text, sizeof(text));
	rt_icmp_describe(&rt_inet6, sel, (uint8_t)size, 0, text, sizeof(text));
	free(copy);
	return 0;
}
