/*
 * libFuzzer target: error-queue messages (src/errq.c) other than transmit
 * reports (fuzz-txrep has those): the control buffer, the name and the
 * quoted packet each in an exact-size heap copy, so a read past any of
 * them is an ASan report. Input: sel (bit 0 v6, bit 1 id checked, bit 2
 * no extended error, bit 3 no name, bit 4 any destination), the extended
 * error (16 bytes), then three length-prefixed parts: the offender after
 * it, the name, more cmsgs as raw bytes; the rest is the packet.
 * Invariants: fields copied from the extended error, the quoted id and
 * sequence read from the packet, -ENOMSG without an extended error.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <linux/errqueue.h>

#include "rtping/errq.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* take(&data, &size, n): n bytes off the front (fewer when short). */
static const uint8_t *take(const uint8_t **data, size_t *size, size_t *n)
{
	const uint8_t *p = *data;

	if (*n > *size)
		*n = *size;
	*data += *n;
	*size -= *n;
	return p;
}

static uint8_t *dup_exact(const uint8_t *p, size_t n)
{
	uint8_t *c = malloc(n ? n : 1);

	if (c)
		memcpy(c, p, n);
	return c;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rt_icmp_match m = { 0 };
	struct sock_extended_err ee = { 0 };
	struct rt_errq_entry e;
	struct msghdr msg = { 0 };
	struct iovec iov;
	size_t n_ee = sizeof(ee), n_off, n_name, n_cm, clen = 0;
	const uint8_t *off, *name, *cm, *p;
	uint8_t *ctl, *namec, *pkt;
	uint8_t sel;
	uint32_t tag;
	int rc;

	if (size < 4 + sizeof(ee))
		return 0;
	sel = data[0];
	data++;
	size--;
	memcpy(&ee, take(&data, &size, &n_ee), sizeof(ee));
	n_off = *take(&data, &size, &(size_t){ 1 }) % 40;
	off = take(&data, &size, &n_off);
	n_name = size ? *take(&data, &size, &(size_t){ 1 }) % 40 : 0;
	name = take(&data, &size, &n_name);
	n_cm = size ? *take(&data, &size, &(size_t){ 1 }) : 0;
	cm = take(&data, &size, &n_cm);

	m.fam = sel & 1 ? &rt_inet6 : &rt_inet;
	m.check_id = sel & 2;
	m.any_dst = sel & 0x10;
	m.id = 0x1234;
	m.echo_len = 64;
	rt_addr_parse(&m.dst, m.fam->af, m.fam == &rt_inet ? "10.77.0.2" : "fd00::2");
	/* Transmit reports are fuzz-txrep's (though raw cmsgs may still hold one). */
	if (ee.ee_origin == SO_EE_ORIGIN_TIMESTAMPING)
		ee.ee_origin = SO_EE_ORIGIN_LOCAL;

	/* The control buffer: the extended error and its offender, then raw bytes. */
	ctl = calloc(1, CMSG_SPACE(sizeof(ee) + n_off) + n_cm + 1);
	if (!ctl)
		return 0;
	if (!(sel & 4)) {
		struct cmsghdr *c = (struct cmsghdr *)ctl;

		c->cmsg_level = m.fam->sol_ip;
		c->cmsg_type = m.fam->cmsg_recverr;
		c->cmsg_len = CMSG_LEN(sizeof(ee) + n_off);
		memcpy(CMSG_DATA(c), &ee, sizeof(ee));
		memcpy(CMSG_DATA(c) + sizeof(ee), off, n_off);
		clen = CMSG_SPACE(sizeof(ee) + n_off);
	}
	memcpy(ctl + clen, cm, n_cm);
	clen += n_cm;
	/* Exact size: the kernel never hands over more than msg_controllen. */
	p = ctl;
	ctl = dup_exact(p, clen);
	free((void *)p);
	namec = dup_exact(name, n_name);
	pkt = dup_exact(data, size);
	if (!ctl || !namec || !pkt)
		goto out;
	iov = (struct iovec){ pkt, size };
	msg = (struct msghdr){ .msg_iov = &iov, .msg_iovlen = 1, .msg_control = clen ? ctl : NULL,
			       .msg_controllen = clen,
			       .msg_name = sel & 8 ? NULL : namec,
			       .msg_namelen = (socklen_t)n_name };
	rc = rt_errq_decode(&m, &msg, size, &e);
	if (rc != 0 && rc != -ENOMSG)
		abort();
	if ((sel & 4) && !n_cm && rc != -ENOMSG)
		abort();
	if (rc == 0) {
		/* A report only from an extended error among the raw cmsgs, and it names a device. */
		if (e.kind == RT_ERRQ_TXREPORT ? !n_cm || !e.tx.ifindex
					       : (e.kind == RT_ERRQ_LOCAL) != e.err.local)
			abort();
		if (e.err.dst.af != AF_UNSPEC && e.err.dst.af != AF_INET && e.err.dst.af != AF_INET6)
			abort();
		if (e.err.offender.af != AF_UNSPEC && e.err.offender.af != AF_INET &&
		    e.err.offender.af != AF_INET6)
			abort();
		/* The quoted header is ours: at least 8 bytes, ids from its bytes 4-7. */
		if (e.kind == RT_ERRQ_ICMP &&
		    (size < 8 || pkt[0] != m.fam->echo_request ||
		     e.err.id != (pkt[4] << 8 | pkt[5]) || e.err.seq != (pkt[6] << 8 | pkt[7]) ||
		     (m.check_id && e.err.id != m.id)))
			abort();
		/* The quoted data: the rest of the packet, a tag read within it. */
		if (e.kind == RT_ERRQ_ICMP &&
		    (e.err.data != pkt + 8 || e.err.data_len != size - 8 ||
		     (rt_icmp_get_tag(e.err.data, e.err.data_len, &tag) &&
		      tag != ((uint32_t)pkt[12] << 24 | (uint32_t)pkt[13] << 16 |
			      (uint32_t)pkt[14] << 8 | pkt[15]))))
			abort();
		/* Only the extended error that sel put first: its fields come through. */
		if (!(sel & 4) && !n_cm &&
		    (e.err.err != (int)ee.ee_errno || e.err.type != ee.ee_type ||
		     e.err.code != ee.ee_code || e.err.info != ee.ee_info))
			abort();
	}
out:
	free(ctl);
	free(namec);
	free(pkt);
	return 0;
}
