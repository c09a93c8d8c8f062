/*
 * IPv4 options for -R (record route) and -T (timestamp): the bytes a
 * request carries (IP_OPTIONS), and the RR:/TS: lines iputils prints from
 * the options of a reply. Pure: bytes in, text out; names come from a
 * callback so the tests need no resolver.
 */
#ifndef RTPING_IPOPT_H
#define RTPING_IPOPT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "rtping/addr.h"

/* MAX_IPOPTLEN: the most an IPv4 header carries, and what iputils counts
 * in its header ("56(124) bytes") whenever -R or -T is given. */
#define RT_IPOPT_MAX 40
/* -T tsprespec: at most four (address, timestamp) pairs fit in 36 bytes. */
#define RT_IPOPT_PRESPEC_MAX 4

enum rt_ipopt {
	RT_IPOPT_NONE,
	RT_IPOPT_RR,          /* -R */
	RT_IPOPT_TSONLY,      /* -T tsonly */
	RT_IPOPT_TSANDADDR,   /* -T tsandaddr */
	RT_IPOPT_TSPRESPEC,   /* -T tsprespec [hop...] */
};

/*
 * Writes the option for kind into out (RT_IPOPT_MAX bytes) and returns its
 * length for setsockopt(IP_OPTIONS), 0 for RT_IPOPT_NONE. hops are the
 * tsprespec addresses (at most RT_IPOPT_PRESPEC_MAX; ignored otherwise).
 */
size_t rt_ipopt_build(enum rt_ipopt kind, const struct rt_addr *hops, size_t nhops,
		      uint8_t *out);

/*
 * What the last RR: line showed, so an unchanged route prints
 * "\t(same route)" instead (iputils' pr_options). One per run, zeroed.
 */
struct rt_ipopt_rr {
	size_t len;
	uint8_t bytes[RT_IPOPT_MAX];
};

/* Text for an address in an option ("name (addr)" or "addr"), into buf. */
typedef const char *(*rt_ipopt_name_fn)(void *ctx, const struct rt_addr *a,
					 char *buf, size_t len);

/*
 * Prints the options of a reply (the bytes after the fixed 20-byte IPv4
 * header) as iputils does after the reply line: "\nRR: \tA\n\tB\n",
 * "\nTS: \tT absolute\n\tDELTA\n", "\nNOP", "\nunknown option N"... The
 * caller ends the line. Never reads past len, whatever the pointers say.
 */
void rt_ipopt_print(FILE *f, const uint8_t *opt, size_t len, struct rt_ipopt_rr *rr,
		    rt_ipopt_name_fn name, void *ctx);

#endif
