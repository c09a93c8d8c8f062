/*
 * Command line: parsed once into an immutable struct. Parsing validates and
 * fills; it opens no socket and resolves no name.
 */
#ifndef RTPING_OPTS_H
#define RTPING_OPTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <net/if.h>

#include "rtping/addr.h"
#include "rtping/ipopt.h"
#include "rtping/nodeinfo.h"

enum rt_mode {
	RT_MODE_PING,
	RT_MODE_EXPLAIN,    /* --explain-route */
	RT_MODE_HELP,       /* -h: usage on stdout, exit 0 */
	RT_MODE_VERSION,    /* -V */
	RT_MODE_NI_HELP,    /* -N help: the sub-options on stdout, exit 0 */
};

enum rt_pmtu { RT_PMTU_DEFAULT, RT_PMTU_DO, RT_PMTU_WANT, RT_PMTU_DONT, RT_PMTU_PROBE };

#define RT_PATTERN_MAX 16
#define RT_NS_PER_SEC 1000000000LL
/* iputils: the shortest -i (and -A floor) without privilege, 2 ms. */
#define RT_MIN_USER_INTERVAL_NS (2 * 1000 * 1000LL)
/* --rate's upper bound: one send a microsecond. */
#define RT_RATE_MAX 1000000
/* A user's run, all targets together: iputils' one echo each 2 ms. */
#define RT_USER_RATE_MAX (RT_NS_PER_SEC / RT_MIN_USER_INTERVAL_NS)
/* A user's broadcast and multicast echoes, all targets together: one a second. */
#define RT_USER_GROUP_GAP_NS RT_NS_PER_SEC

struct rt_opts {
	enum rt_mode mode;
	/*
	 * The real uid is 0: iputils' user limits (interval, flood, preload,
	 * broadcast) do not apply. They follow who runs rtping, not which
	 * capability the binary holds.
	 */
	bool privileged;
	bool json;               /* --json */
	bool verify;             /* --verify: explain sends one echo to observe its egress */
	int watch_rcvbuf;        /* --watch-rcvbuf: the route watch's SO_RCVBUF; 0 default */
	int af;                  /* -4 / -6, else AF_UNSPEC */
	const char *dest;        /* the first operand; NULL when only --file names them */
	char **dests;            /* every operand, in order */
	int ndests;
	bool audit;              /* --explain-route --audit: many destinations */
	const char *file;        /* --audit=FILE, --file: destinations, one a line; "-" stdin */
	long rate;               /* --rate: sends per second, all targets; 0 unset */

	/* What shapes the echo's flow key (and so its route). */
	char iface[IF_NAMESIZE]; /* -I name: SO_BINDTODEVICE; "" when unset */
	struct rt_addr src;      /* -I addr: bind(); af AF_UNSPEC when unset */
	bool has_mark;           /* -m */
	uint32_t mark;
	bool has_tos;            /* -Q */
	uint8_t tos;
	bool has_flowlabel;      /* -F: IPv6 flow label (20 bits); ignored for IPv4 */
	uint32_t flowlabel;
	bool connect;            /* -C: connect() the socket (changes its flow key) */
	bool has_ident;          /* -e: echo identifier (0 forces a raw socket) */
	uint16_t ident;
	struct rt_ni ni;         /* -N: IPv6 node information queries (raw sockets) */

	/* Sending. */
	long long count;         /* -c; 0 = until interrupted */
	int64_t interval_ns;     /* -i (default 1 s; flood 0) */
	bool interval_set;
	long long deadline_s;    /* -w; 0 = none */
	int64_t timeout_ns;      /* -W (with timeout_set; 0 = wait for ever) */
	bool timeout_set;
	long preload;            /* -l; 1 = none */
	long size;               /* -s data bytes */
	int ttl;                 /* -t; -1 = kernel default */
	enum rt_pmtu pmtu;       /* -M */
	bool pattern_set;        /* -p, maybe empty (iputils: zero bytes) */
	uint8_t pattern[RT_PATTERN_MAX];
	size_t pattern_len;
	long sndbuf;             /* -S; 0 = default */
	enum rt_ipopt ipopt;     /* -R / -T: IPv4 options; ignored for IPv6 */
	struct rt_addr prespec[RT_IPOPT_PRESPEC_MAX]; /* -T tsprespec HOP... DEST */
	size_t nprespec;

	/* Behaviour and output. */
	bool audible;            /* -a */
	bool adaptive;           /* -A */
	bool broadcast;          /* -b */
	bool bind_source;        /* -B: bind the netlink source */
	bool flood;              /* -f */
	bool numeric;            /* -n */
	bool force_lookup;       /* -H: reverse lookups even where -n/-f/a literal skip them */
	bool rtt_precise;        /* -3: reply times truncated to the microsecond, unrounded */
	bool outstanding;        /* -O */
	bool quiet;              /* -q */
	bool timestamps;         /* -D */
	bool latency_user;       /* -U */
	bool verbose;            /* -v */
	bool so_debug;           /* -d */
	bool dontroute;          /* -r */
	bool no_loop;            /* -L */
};

struct rt_error;
/*
 * Fills *o from argv. Returns 0, or a negative code with a one-line message
 * (no program name, no newline) in err (which may be NULL): -ERANGE for a
 * numeric value malformed or out of range (iputils exits 1 for those, and
 * for -s too large for a family), -EINVAL for any other bad input. After an
 * error o->mode still says whether --explain-route was given. privileged:
 * the real uid is 0; when false iputils' user limits apply (preload above 3
 * here; the interval in rt_opts_check_family()).
 */
int rt_opts_parse(struct rt_opts *o, int argc, char **argv, bool privileged,
		  struct rt_error *err);

/*
 * A user's interval minimum (iputils' setup(); none for root): 0 or
 * -EINVAL, the message in err. rt_opts_check_family() asks it too; with
 * several targets ping asks it once, before any target.
 */
int rt_opts_check_user_interval(const struct rt_opts *o, struct rt_error *err);

struct rt_family;
/*
 * Limits that need the destination (dst may be NULL: family only): -s, -I
 * addr, the broadcast/multicast rules and the user's interval minimum, in
 * iputils' order. 0, -ERANGE (-s too large) or -EINVAL, the message in err.
 */
int rt_opts_check_family(const struct rt_opts *o, const struct rt_family *fam,
			 const struct rt_addr *dst, struct rt_error *err);

/* The path MTU discovery mode to set: -M, else "do" for a broadcast or multicast echo. */
enum rt_pmtu rt_opts_pmtu(const struct rt_opts *o, const struct rt_family *fam,
			  const struct rt_addr *dst);

/* IPv4 option bytes every request carries (-R/-T reserve all 40, as iputils). */
size_t rt_opts_ipopt_len(const struct rt_opts *o, const struct rt_family *fam);

/* The usage text, for -h and for a bad option. */
void rt_opts_usage(FILE *out, const char *prog);

#endif
