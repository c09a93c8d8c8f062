/*
 * libFuzzer target: transmit reports (src/txrep.c) through the error-queue
 * decoder, then the egress tracker. Byte 0 picks the socket shape (family,
 * id checked, the echo length hint), byte 1 how many of the following bytes
 * are the control buffer (cmsgs as recvmsg() would leave them: a timestamping
 * extended error is put first so the report path is reached); the rest is
 * the returned packet.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <linux/errqueue.h>

#include "rtping/egress.h"
#include "rtping/errq.h"
#include "rtping/nodeinfo.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const size_t lens[4] = { 0, 8, 64, 1480 };
	struct rt_icmp_match m = { 0 };
	struct sock_extended_err ee = { .ee_origin = SO_EE_ORIGIN_TIMESTAMPING };
	union { char b[1024]; struct cmsghdr align; } cbuf;
	struct rt_errq_entry e;
	struct rt_egress_track t;
	static struct rt_egress_table tb;
	struct msghdr msg;
	struct iovec iov;
	struct cmsghdr *c;
	size_t clen, n;
	uint8_t *copy;
	uint8_t sel;

	if (size < 2)
		return 0;
	sel = data[0];
	clen = data[1];
	data += 2;
	size -= 2;
	if (clen > size)
		clen = size;
	m.fam = sel & 1 ? &rt_inet6 : &rt_inet;
	m.check_id = sel & 2;
	m.id = 0x1234;
	m.echo_len = lens[(sel >> 2) & 3];
	/* -N: a node information query, read by its nonce. */
	m.req_key = sel & 0x10 ? RT_NI_QUERY << 8 | (sel >> 5 & 3) : 0;
	memset(&cbuf, 0, sizeof(cbuf));
	c = (struct cmsghdr *)cbuf.b;
	c->cmsg_level = m.fam->sol_ip;
	c->cmsg_type = m.fam->cmsg_recverr;
	c->cmsg_len = CMSG_LEN(sizeof(ee));
	ee.ee_data = sel;
	memcpy(CMSG_DATA(c), &ee, sizeof(ee));
	n = CMSG_SPACE(sizeof(ee));
	memcpy(cbuf.b + n, data, clen);
	/* An exact-size heap copy of the packet: any read past it is an ASan report. */
	copy = malloc(size - clen ? size - clen : 1);
	if (!copy)
		return 0;
	memcpy(copy, data + clen, size - clen);
	iov = (struct iovec){ copy, size - clen };
	msg = (struct msghdr){ .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf.b,
			       .msg_controllen = n + clen };
	if (rt_errq_decode(&m, &msg, size - clen, &e) == 0 && e.kind == RT_ERRQ_TXREPORT &&
	    rt_egress_init(&t, 8, true) == 0) {
		uint16_t seq, seq2;
		uint8_t eg, eg2, prev;

		rt_egress_table_free(&tb);
		rt_egress_report(&t, &tb, &e.tx, &seq, &eg, &prev);
		rt_egress_report(&t, &tb, &e.tx, &seq2, &eg2, &prev);
		/* A counted report is found again; its repeat is not counted twice. */
		if (eg && (rt_egress_of(&t, seq) != eg || eg2 || seq2 != seq || eg > tb.n))
			abort();
		rt_egress_free(&t);
		rt_egress_table_free(&tb);
	}
	free(copy);
	return 0;
}
