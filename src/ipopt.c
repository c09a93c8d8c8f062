/*
 * IPv4 options for -R and -T. The request side follows iputils' ping4_run():
 * record route reserves all 40 option bytes (a NOP, then RR with room for
 * nine addresses); a timestamp option asks for nine stamps (tsonly) or four
 * address/stamp pairs. The reply side prints what iputils' pr_options()
 * prints, with two differences on purpose: every read is bounded by the
 * option's own length (a forged pointer cannot make us read past it), and
 * "(same route)" compares every recorded byte (iputils compares from the
 * pointer byte, so a route that changed only in the last octet of its last
 * hop passed as the same).
 */
#include <string.h>

#include "rtping/ipopt.h"

/* RFC 791 option types, and the offsets every option shares. */
#define OPT_EOL 0
#define OPT_NOP 1
#define OPT_RR 7
#define OPT_TS 68
#define OPT_LSRR 131
#define OPT_SSRR 137
#define OPT_MINOFF 4          /* the first pointer value: data starts at byte 3 */
#define TS_MINOFF 5           /* timestamp data starts at byte 4 */
#define TS_TSONLY 0
#define TS_TSANDADDR 1
#define TS_PRESPEC 3
#define RR_LEN (RT_IPOPT_MAX - 1) /* after iputils' leading NOP */

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

size_t rt_ipopt_build(enum rt_ipopt kind, const struct rt_addr *hops, size_t nhops,
		      uint8_t *out)
{
	memset(out, 0, RT_IPOPT_MAX);
	switch (kind) {
	case RT_IPOPT_RR:
		out[0] = OPT_NOP;
		out[1] = OPT_RR;
		out[2] = RR_LEN;
		out[3] = OPT_MINOFF;
		return RT_IPOPT_MAX;
	case RT_IPOPT_TSONLY:
	case RT_IPOPT_TSANDADDR:
	case RT_IPOPT_TSPRESPEC:
		out[0] = OPT_TS;
		out[2] = TS_MINOFF;
		if (kind == RT_IPOPT_TSONLY) {
			out[1] = 40;             /* nine 4-byte stamps */
			out[3] = TS_TSONLY;
		} else if (kind == RT_IPOPT_TSANDADDR) {
			out[1] = 36;             /* four address/stamp pairs */
			out[3] = TS_TSANDADDR;
		} else {
			if (nhops > RT_IPOPT_PRESPEC_MAX)
				nhops = RT_IPOPT_PRESPEC_MAX;
			out[1] = (uint8_t)(4 + nhops * 8);
			out[3] = TS_PRESPEC;
			for (size_t i = 0; i < nhops; i++)
				memcpy(out + 4 + i * 8, &hops[i].u.v4, 4);
		}
		return out[1];
	case RT_IPOPT_NONE:
		break;
	}
	return 0;
}

static void print_addr(FILE *f, const uint8_t *p, rt_ipopt_name_fn name, void *ctx)
{
	char buf[1100];
	struct rt_addr a;

	if (!get32(p)) {
		fputs("\t0.0.0.0", f);   /* an empty slot: never looked up */
		return;
	}
	rt_addr_from_bytes(&a, AF_INET, p, 4);
	if (name)
		fprintf(f, "\t%s", name(ctx, &a, buf, sizeof(buf)));
	else
		fprintf(f, "\t%s", rt_addr_str(&a, buf, sizeof(buf)));
}

/* Source routes (never sent by rtping, printed as iputils when a peer adds one). */
static void print_srr(FILE *f, const uint8_t *o, size_t olen, rt_ipopt_name_fn name, void *ctx)
{
	fprintf(f, "\n%cSRR: ", o[0] == OPT_SSRR ? 'S' : 'L');
	for (size_t off = 3; olen > OPT_MINOFF && off + 4 <= olen; off += 4) {
		print_addr(f, o + off, name, ctx);
		fputc('\n', f);
	}
}

static void print_rr(FILE *f, const uint8_t *o, size_t olen, struct rt_ipopt_rr *rr,
		     rt_ipopt_name_fn name, void *ctx)
{
	size_t ptr = o[2] < olen ? o[2] : olen;
	size_t n;

	if (ptr <= OPT_MINOFF)
		return;
	/* The recorded bytes, rounded up to whole addresses inside the option. */
	n = (ptr - OPT_MINOFF + 3) / 4 * 4;
	while (n && 3 + n > olen)
		n -= 4;
	if (!n)
		return;
	/* Options come from an IPv4 header (40 bytes at most); a longer buffer is not remembered. */
	if (n > RT_IPOPT_MAX)
		rr = NULL;
	if (rr && rr->len == n && !memcmp(rr->bytes, o + 3, n)) {
		fputs("\t(same route)", f);
		return;
	}
	if (rr) {
		rr->len = n;
		memcpy(rr->bytes, o + 3, n);
	}
	fputs("\nRR: ", f);
	for (size_t off = 3; off < 3 + n; off += 4) {
		print_addr(f, o + off, name, ctx);
		fputc('\n', f);
	}
}

/* One stamp: the first absolute, then deltas; bit 31 marks a non-standard clock. */
static void print_stamp(FILE *f, uint32_t l, int64_t *std, int64_t *nonstd)
{
	int64_t v = l & 0x7fffffff;

	if (l & 0x80000000u) {
		if (!*nonstd)
			fprintf(f, "\t%lld absolute not-standard", (long long)v);
		else
			fprintf(f, "\t%lld not-standard", (long long)(v - *nonstd));
		*nonstd = v;
	} else {
		if (!*std)
			fprintf(f, "\t%lld absolute", (long long)v);
		else
			fprintf(f, "\t%lld", (long long)(v - *std));
		*std = v;
	}
}

static void print_ts(FILE *f, const uint8_t *o, size_t olen, rt_ipopt_name_fn name, void *ctx)
{
	size_t ptr = o[2] < olen ? o[2] : olen;
	long left = (long)ptr - TS_MINOFF;
	uint8_t flags = o[3];
	int64_t std = 0, nonstd = 0;
	size_t off = 4;

	if (left <= 0)
		return;
	fputs("\nTS: ", f);
	for (;;) {
		if ((flags & 0x0f) != TS_TSONLY) {
			if (off + 4 > olen)
				break;
			print_addr(f, o + off, name, ctx);
			off += 4;
			left -= 4;
			if (left <= 0)
				break;
		}
		if (off + 4 > olen)
			break;
		print_stamp(f, get32(o + off), &std, &nonstd);
		off += 4;
		left -= 4;
		fputc('\n', f);
		if (left <= 0)
			break;
	}
	if (flags >> 4)
		fprintf(f, "Unrecorded hops: %d\n", flags >> 4);
}

void rt_ipopt_print(FILE *f, const uint8_t *opt, size_t len, struct rt_ipopt_rr *rr,
		    rt_ipopt_name_fn name, void *ctx)
{
	while (len > 0 && opt[0] != OPT_EOL) {
		size_t olen;

		if (opt[0] == OPT_NOP) {
			fputs("\nNOP", f);
			opt++;
			len--;
			continue;
		}
		if (len < 2)
			break;
		olen = opt[1];
		if (olen < 2 || olen > len)
			break;
		switch (opt[0]) {
		case OPT_SSRR:
		case OPT_LSRR:
			print_srr(f, opt, olen, name, ctx);
			break;
		case OPT_RR:
			if (olen >= 3)
				print_rr(f, opt, olen, rr, name, ctx);
			break;
		case OPT_TS:
			if (olen >= 4)
				print_ts(f, opt, olen, name, ctx);
			break;
		default:
			fprintf(f, "\nunknown option %x", opt[0]);
			break;
		}
		opt += olen;
		len -= olen;
	}
}
