/*
 * Option parsing: validate and fill struct rt_opts, nothing else. Numbers go
 * through one range-checked, locale-free parser (OpenBSD's strtonum idea);
 * messages follow iputils' wording so scripts and users see familiar text.
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rtping/family.h"
#include "rtping/opts.h"

#define SHORTOPTS ":346aAbBc:CdDe:fF:hHi:I:jl:Lm:M:nN:Op:qQ:rRs:S:t:T:UvVw:W:"
#define MAX_USER_PRELOAD 3
#define MAX_SECONDS ((double)INT_MAX / 1000)       /* iputils' bound on -i/-W */

enum { OPT_EXPLAIN = 256, OPT_JSON, OPT_HELP, OPT_VERSION, OPT_AUDIT, OPT_FILE, OPT_VERIFY,
       OPT_WATCH_RCVBUF, OPT_RATE };

static const struct option longopts[] = {
	{ "explain-route", no_argument, NULL, OPT_EXPLAIN },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "audit", optional_argument, NULL, OPT_AUDIT },
	{ "file", required_argument, NULL, OPT_FILE },
	{ "rate", required_argument, NULL, OPT_RATE },
	{ "verify", no_argument, NULL, OPT_VERIFY },
	{ "watch-rcvbuf", required_argument, NULL, OPT_WATCH_RCVBUF },
	{ "help", no_argument, NULL, OPT_HELP },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ "count", required_argument, NULL, 'c' },
	{ "interval", required_argument, NULL, 'i' },
	{ "interface", required_argument, NULL, 'I' },
	{ "mark", required_argument, NULL, 'm' },
	{ "tos", required_argument, NULL, 'Q' },
	{ "size", required_argument, NULL, 's' },
	{ "ttl", required_argument, NULL, 't' },
	{ "deadline", required_argument, NULL, 'w' },
	{ "timeout", required_argument, NULL, 'W' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "numeric", no_argument, NULL, 'n' },
	{ "verbose", no_argument, NULL, 'v' },
	{ NULL, 0, NULL, 0 },
};

struct parse {
	struct rt_opts *o;
	char *err;
	size_t errlen;
	const char *arg;         /* the argv word getopt just read (for messages) */
};

/*
 * The message quotes what the user typed; a newline or escape in it would
 * make the one error line several (or drive the terminal), so control bytes
 * print as '?' (found by tests/fuzz; test_regressions.c).
 */
static int fail(struct parse *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(p->err, p->errlen, fmt, ap);
	va_end(ap);
	for (char *c = p->err; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			*c = '?';
	return -EINVAL;
}

/* Whole-string integer in [min, max]; base 0 accepts 0x.. where noted. */
static int parse_int(struct parse *p, const char *s, int base, long long min,
		     long long max, long long *out)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, base);
	if (!*s || *end || (errno && errno != ERANGE))
		return fail(p, "invalid argument: '%s'", s);
	if (errno == ERANGE || v < min || v > max)
		return fail(p, "invalid argument: '%s': out of range: %lld <= value <= %lld",
			    s, min, max);
	*out = v;
	return 0;
}

/*
 * llround() for 0 <= x < 2^52, exactly (x - floor(x) is exact there). Not
 * libm's: that one call made the binary load libm, ~300 KiB of RSS and a
 * library mapping at every start (tools/bench/run).
 */
static int64_t round_half_up(double x)
{
	int64_t i = (int64_t)x;

	return x - (double)i >= 0.5 ? i + 1 : i;
}

/* Seconds as a decimal fraction ("0.2", "1e-3"); "C" locale semantics. */
static int parse_seconds(const char *s, int64_t *ns)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (!*s || *end || errno || !isfinite(v) || v < 0 || v >= MAX_SECONDS)
		return -EINVAL;
	*ns = round_half_up(v * 1e9);
	return 0;
}

static int parse_pattern(struct parse *p, const char *s)
{
	size_t n = strlen(s);

	if (strspn(s, "0123456789abcdefABCDEF") != n)
		return fail(p, "patterns must be specified as hex digits: %s", s);
	/*
	 * iputils reads up to 16 bytes, two hex digits each, from the front.
	 * An empty pattern is accepted there too: no fill, zero bytes sent.
	 */
	p->o->pattern_set = true;
	p->o->pattern_len = 0;
	for (size_t i = 0; i < n && p->o->pattern_len < RT_PATTERN_MAX; i += 2) {
		char byte[3] = { s[i], i + 1 < n ? s[i + 1] : '\0', '\0' };

		p->o->pattern[p->o->pattern_len++] = (uint8_t)strtoul(byte, NULL, 16);
	}
	return 0;
}

static int parse_pmtu(struct parse *p, const char *s)
{
	static const struct { const char *name; enum rt_pmtu v; } tab[] = {
		{ "do", RT_PMTU_DO }, { "want", RT_PMTU_WANT },
		{ "dont", RT_PMTU_DONT }, { "probe", RT_PMTU_PROBE },
	};

	for (size_t i = 0; i < sizeof(tab) / sizeof(tab[0]); i++) {
		if (!strcmp(s, tab[i].name)) {
			p->o->pmtu = tab[i].v;
			return 0;
		}
	}
	return fail(p, "invalid -M argument: %s", s);
}

static int parse_tos(struct parse *p, const char *s)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 0);
	if (!*s || *end || errno)
		return fail(p, "bad TOS value: %s", s);
	if (v < 0 || v > 255)
		return fail(p, "the decimal value of TOS bits must be in range 0-255: %ld", v);
	p->o->has_tos = true;
	p->o->tos = (uint8_t)v;
	return 0;
}

/*
 * -N: iputils' node information sub-options (ping/node_info.c). iputils
 * prints its sub-option list to stderr for any mistake; rtping says which
 * in one line. Subject addresses are literals (no lookups while parsing).
 */
static int parse_ni(struct parse *p, const char *arg)
{
	struct rt_opts *o = p->o;
	const char *val = strchr(arg, '=');
	char canon[256];
	size_t len;

	switch (rt_ni_option(&o->ni, arg)) {
	case RT_NI_OK:
		return 0;
	case RT_NI_HELP:
		o->mode = RT_MODE_NI_HELP;
		return 0;
	case RT_NI_QTYPE_CONFLICT:
		return fail(p, "-N %s: Qtype conflict", arg);
	case RT_NI_SUBJECT_CONFLICT:
		return fail(p, "-N %s: Subject type conflict", arg);
	case RT_NI_BAD_ADDR:
		return fail(p, "-N %.12s: not an IPv%c address: '%s'", arg, arg[11], val + 1);
	case RT_NI_BAD_NAME:
		/* iputils names the lower-cased name without its scope. */
		len = strcspn(val + 1, "%");
		for (size_t i = 0; i < sizeof(canon); i++)
			canon[i] = i < len ? (char)tolower((unsigned char)val[1 + i]) : '\0';
		canon[sizeof(canon) - 1] = '\0';
		return fail(p, "inappropriate subject name: %s", canon);
	case RT_NI_LONG_SCOPE:
		return fail(p, "too long scope name");
	case RT_NI_BAD:
		break;
	}
	return fail(p, "-N: unknown node information option: '%s' (-N help lists them)", arg);
}

/*
 * -F as iputils' parseflow(): "0x" hex or decimal, at most 20 bits. Like
 * iputils, an empty value (or a bare "0x") is label 0; unlike it, values
 * past 32 bits are too large rather than truncated.
 */
static int parse_flowlabel(struct parse *p, const char *s)
{
	bool hex = s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(hex ? s + 2 : s, &end, hex ? 16 : 10);
	if (*end)
		return fail(p, "bad value for flowinfo: %s", s);
	if (errno || v > 0xfffff || strchr(s, '-'))
		return fail(p, "flow value is greater than 20 bits: %s", s);
	p->o->has_flowlabel = true;
	p->o->flowlabel = (uint32_t)v;
	return 0;
}

/* -R and -T: one IPv4 option at a time (iputils' order of checks). */
static int parse_ipopt(struct parse *p, int c, const char *s)
{
	static const struct { const char *name; enum rt_ipopt v; } tab[] = {
		{ "tsonly", RT_IPOPT_TSONLY }, { "tsandaddr", RT_IPOPT_TSANDADDR },
		{ "tsprespec", RT_IPOPT_TSPRESPEC },
	};
	struct rt_opts *o = p->o;

	if (c == 'R') {
		if (o->ipopt != RT_IPOPT_NONE && o->ipopt != RT_IPOPT_RR)
			return fail(p, "only one of -T or -R may be used");
		o->ipopt = RT_IPOPT_RR;
		return 0;
	}
	if (o->ipopt == RT_IPOPT_RR)
		return fail(p, "only one of -T or -R may be used");
	for (size_t i = 0; i < sizeof(tab) / sizeof(tab[0]); i++) {
		if (!strcmp(s, tab[i].name)) {
			o->ipopt = tab[i].v;
			return 0;
		}
	}
	return fail(p, "invalid timestamp type: %s", s);
}

static int parse_ident(struct parse *p, const char *s)
{
	long long v;

	if (parse_int(p, s, 10, 0, UINT16_MAX, &v) < 0)
		return -EINVAL;
	p->o->has_ident = true;
	p->o->ident = (uint16_t)v;
	return 0;
}

static int set_iface(struct parse *p, const char *s, size_t len)
{
	struct rt_opts *o = p->o;

	/* dev_valid_name(): no slash, colon or blank. */
	if (!len || len >= sizeof(o->iface) || strcspn(s, "/: \t\n") < len)
		return fail(p, "invalid interface name: '%.*s'", (int)len, s);
	memcpy(o->iface, s, len);
	o->iface[len] = '\0';
	return 0;
}

/* "ADDR6%DEV": the source and, from its scope, the device (iputils' -I). */
static int parse_source6(struct parse *p, const char *s)
{
	char addr[RT_ADDRSTRLEN + 1];
	size_t n = strcspn(s, "%");
	struct rt_addr a;

	if (n >= sizeof(addr))
		return fail(p, "invalid source address: %s", s);
	memcpy(addr, s, n);
	addr[n] = '\0';
	if (rt_addr_parse(&a, AF_INET6, addr) < 0)
		return fail(p, "invalid source address: %s", s);
	p->o->src = a;
	return s[n] ? set_iface(p, s + n + 1, strlen(s + n + 1)) : 0;
}

/*
 * -I: a colon means an IPv6 source, an IPv4 address binds the source,
 * anything else names a device. A device and a source are kept side by
 * side (SO_BINDTODEVICE and bind()), whichever -I came first.
 */
static int parse_iface(struct parse *p, const char *s)
{
	struct rt_addr a;

	if (strchr(s, ':'))
		return parse_source6(p, s);
	if (rt_addr_parse(&a, AF_INET, s) < 0)
		return set_iface(p, s, strlen(s));
	p->o->src = a;
	return 0;
}

static int parse_file(struct parse *p, const char *opt, const char *s)
{
	if (!*s)
		return fail(p, "%s: empty file name", opt);
	if (p->o->file && strcmp(p->o->file, s))
		return fail(p, "only one file of destinations: '%s'", s);
	p->o->file = s;
	return 0;
}

static int parse_interval(struct parse *p, const char *s)
{
	if (parse_seconds(s, &p->o->interval_ns) < 0)
		return fail(p, "bad timing interval: %s", s);
	p->o->interval_set = true;
	return 0;
}

/* Stores nothing unless the whole value parses: no half-set option on error. */
static int parse_numeric(struct parse *p, int c, const char *s)
{
	struct rt_opts *o = p->o;
	long long v;

	switch (c) {
	case 'c':
		if (parse_int(p, s, 10, 1, LLONG_MAX, &v) < 0)
			return -EINVAL;
		o->count = v;
		return 0;
	case 'l':
		if (parse_int(p, s, 10, 1, 65536, &v) < 0)
			return -EINVAL;
		o->preload = (long)v;
		return 0;
	case 'm':
		if (parse_int(p, s, 0, 0, UINT32_MAX, &v) < 0)
			return -EINVAL;
		o->has_mark = true;
		o->mark = (uint32_t)v;
		return 0;
	case 's':
		if (parse_int(p, s, 10, 0, (long long)rt_inet6.max_payload, &v) < 0)
			return -EINVAL;
		o->size = (long)v;
		return 0;
	case 'S':
		if (parse_int(p, s, 10, 1, INT_MAX, &v) < 0)
			return -EINVAL;
		o->sndbuf = (long)v;
		return 0;
	case 't':
		if (parse_int(p, s, 10, 0, 255, &v) < 0)
			return -EINVAL;
		o->ttl = (int)v;
		return 0;
	case 'w':
		if (parse_int(p, s, 10, 0, INT_MAX, &v) < 0)
			return -EINVAL;
		o->deadline_s = v;
		return 0;
	case OPT_RATE:
		if (parse_int(p, s, 10, 1, RT_RATE_MAX, &v) < 0)
			return -EINVAL;
		o->rate = (long)v;
		return 0;
	case OPT_WATCH_RCVBUF:
		if (parse_int(p, s, 10, 1, INT_MAX, &v) < 0)
			return -EINVAL;
		o->watch_rcvbuf = (int)v;
		return 0;
	}
	return fail(p, "invalid option -- '%c'", c);
}

static int parse_one(struct parse *p, int c, const char *arg)
{
	struct rt_opts *o = p->o;

	switch (c) {
	case '4': case '6': {
		int af = c == '4' ? AF_INET : AF_INET6;

		if (o->af != AF_UNSPEC && o->af != af)
			return fail(p, "only one -4 or -6 option may be specified");
		o->af = af;
		return 0;
	}
	case 'a': o->audible = true; return 0;
	case 'A': o->adaptive = true; return 0;
	case 'b': o->broadcast = true; return 0;
	case 'B': o->bind_source = true; return 0;
	case 'd': o->so_debug = true; return 0;
	case 'D': o->timestamps = true; return 0;
	case 'f': o->flood = true; return 0;
	case 'L': o->no_loop = true; return 0;
	case 'n': o->numeric = true; o->force_lookup = false; return 0;
	case 'H': o->force_lookup = true; return 0;
	case '3': o->rtt_precise = true; return 0;
	case 'C': o->connect = true; return 0;
	case 'j': o->json = true; return 0;
	case 'R': case 'T': return parse_ipopt(p, c, arg);
	case 'e': return parse_ident(p, arg);
	case 'F': return parse_flowlabel(p, arg);
	case 'N': return parse_ni(p, arg);
	case 'O': o->outstanding = true; return 0;
	case 'q': o->quiet = true; return 0;
	case 'r': o->dontroute = true; return 0;
	case 'U': o->latency_user = true; return 0;
	case 'v': o->verbose = true; return 0;
	case 'h': case OPT_HELP: o->mode = RT_MODE_HELP; return 0;
	case 'V': case OPT_VERSION: o->mode = RT_MODE_VERSION; return 0;
	case OPT_EXPLAIN: o->mode = RT_MODE_EXPLAIN; return 0;
	case OPT_JSON: o->json = true; return 0;
	case OPT_AUDIT:
		o->audit = true;
		return arg ? parse_file(p, "--audit", arg) : 0;
	case OPT_FILE: return parse_file(p, "--file", arg);
	case OPT_VERIFY: o->verify = true; return 0;
	case 'i': return parse_interval(p, arg);
	case 'I': return parse_iface(p, arg);
	case 'M': return parse_pmtu(p, arg);
	case 'p': return parse_pattern(p, arg);
	case 'Q': return parse_tos(p, arg);
	case 'W':
		if (parse_seconds(arg, &o->timeout_ns) < 0)
			return fail(p, "bad linger time: %s", arg);
		o->timeout_set = true;
		return 0;
	case ':':
		return fail(p, "option requires an argument -- '%c'", optopt);
	case '?':
		/* A long option given a value it does not take: optopt is its
		 * code (>= 256), not a character (found by tests/fuzz). */
		if (optopt >= OPT_EXPLAIN)
			return fail(p, "option '%.*s' doesn't allow an argument",
				    (int)strcspn(p->arg, "="), p->arg);
		if (optopt)
			return fail(p, "invalid option -- '%c'", optopt);
		return fail(p, "unrecognized option '%s'", p->arg);
	}
	return parse_numeric(p, c, arg);
}

/*
 * -T tsprespec HOP... DEST: iputils takes up to four hops before the
 * destination, whose stamps are asked for. rtping takes them as IPv4
 * literals only (no name lookups while parsing).
 */
static int parse_prespec(struct parse *p, int argc, char **argv)
{
	struct rt_opts *o = p->o;

	if (argc - optind - 1 > RT_IPOPT_PRESPEC_MAX)
		return fail(p, "usage error: -T tsprespec takes at most %d addresses before "
			    "the destination", RT_IPOPT_PRESPEC_MAX);
	while (argc - optind > 1) {
		if (rt_addr_parse(&o->prespec[o->nprespec], AF_INET, argv[optind]) < 0)
			return fail(p, "-T tsprespec: not an IPv4 address: '%s'", argv[optind]);
		o->nprespec++;
		optind++;
	}
	return 0;
}

/*
 * Limits that depend on more than one option or on who runs rtping. The
 * interval's user minimum waits for rt_opts_check_family(): iputils checks
 * it after the name lookup and the broadcast rules.
 */
static int check_combined(struct parse *p)
{
	struct rt_opts *o = p->o;

	if (o->src.af != AF_UNSPEC && o->af != AF_UNSPEC && o->src.af != o->af)
		return fail(p, "-I address family does not match -%c",
			    o->af == AF_INET ? '4' : '6');
	if (!o->privileged && o->preload > MAX_USER_PRELOAD)
		return fail(p, "cannot set preload to value greater than 3: %ld", o->preload);
	if (o->verify && o->mode != RT_MODE_EXPLAIN)
		return fail(p, "--verify needs --explain-route");
	if (o->verify && o->audit)
		return fail(p, "--verify explains one destination, not an --audit");
	return 0;
}

/* --audit: operands, a file or stdin; an empty operand is reported in its turn. */
static int check_audit(struct parse *p)
{
	struct rt_opts *o = p->o;

	if (!o->audit)
		return fail(p, "--file needs --explain-route --audit");
	if (o->rate)
		return fail(p, "--rate needs ping mode");
	if (o->mode != RT_MODE_EXPLAIN)
		return fail(p, "--audit needs --explain-route");
	/* connect()'s key holds a socket's port: an audit opens no ICMP socket. */
	if (o->connect)
		return fail(p, "--audit cannot explain -C: connect() keys on a socket's port");
	o->dest = o->ndests ? o->dests[0] : NULL;
	return check_combined(p);
}

static void set_defaults(struct rt_opts *o)
{
	memset(o, 0, sizeof(*o));
	rt_ni_init(&o->ni);
	o->mode = RT_MODE_PING;
	o->af = AF_UNSPEC;
	o->interval_ns = RT_NS_PER_SEC;
	o->preload = 1;
	o->size = 56;
	o->ttl = -1;
}

int rt_opts_parse(struct rt_opts *o, int argc, char **argv, bool privileged,
		  char *err, size_t errlen)
{
	struct parse p = { .o = o, .err = err, .errlen = errlen };
	int c, rc;

	set_defaults(o);
	o->privileged = privileged;
	err[0] = '\0';
	opterr = 0;
	optind = 0;     /* 0, not 1: fully reinitialise glibc getopt between calls */
	while ((c = getopt_long(argc, argv, SHORTOPTS, longopts, NULL)) != -1) {
		p.arg = optind > 0 && optind <= argc ? argv[optind - 1] : "";
		rc = parse_one(&p, c, optarg);
		if (rc < 0)
			return rc;
		/* iputils prints the -N list and exits at once, whatever follows. */
		if (o->mode == RT_MODE_NI_HELP)
			return 0;
	}
	if (o->mode == RT_MODE_HELP || o->mode == RT_MODE_VERSION)
		return 0;
	o->dests = argv + optind;
	o->ndests = argc - optind;
	if (o->audit || (o->file && o->mode == RT_MODE_EXPLAIN))
		return check_audit(&p);
	if (optind >= argc && !o->file)
		return fail(&p, "usage error: Destination address required");
	if (o->ipopt == RT_IPOPT_TSPRESPEC && (rc = parse_prespec(&p, argc, argv)) < 0)
		return rc;
	/* -T tsprespec took its hops: what is left are the targets. */
	o->dests = argv + optind;
	o->ndests = argc - optind;
	/* Ping takes many (src/targets.c); explain one. */
	if (argc - optind > 1 && o->mode == RT_MODE_EXPLAIN)
		return fail(&p, "usage error: only one destination address allowed: '%s'",
			    argv[optind + 1]);
	if (o->rate && o->mode == RT_MODE_EXPLAIN)
		return fail(&p, "--rate needs ping mode");
	/* An empty name is bad input wherever it is (before anything is sent). */
	for (int i = optind; i < argc; i++)
		if (!*argv[i])
			return fail(&p, "usage error: Destination address required");
	o->dest = optind < argc ? argv[optind] : NULL;
	if (o->flood && !o->interval_set)
		o->interval_ns = 0;
	return check_combined(&p);
}

/*
 * iputils' "multicast" flag: many hosts may answer. IPv4: -b or a multicast
 * destination; IPv6 has no broadcast and ping6 ignores -b.
 */
static bool is_group(const struct rt_opts *o, const struct rt_family *fam,
		     const struct rt_addr *dst)
{
	if (fam->af == AF_INET)
		return o->broadcast || (dst && (dst->u.raw[0] & 0xf0) == 0xe0);
	return dst && dst->u.raw[0] == 0xff;
}

enum rt_pmtu rt_opts_pmtu(const struct rt_opts *o, const struct rt_family *fam,
			  const struct rt_addr *dst)
{
	/* A broadcast or multicast echo is never fragmented (iputils). */
	if (o->pmtu == RT_PMTU_DEFAULT && is_group(o, fam, dst))
		return RT_PMTU_DO;
	return o->pmtu;
}

/* iputils' rules for a user pinging many hosts at once. */
static int check_group(const struct rt_opts *o, const struct rt_family *fam,
		       const struct rt_addr *dst, char *err, size_t errlen)
{
	const char *what = fam->af == AF_INET ? "broadcast" : "multicast";
	/* iputils checks before -f zeroes the interval: -f alone passes here. */
	int64_t iv = o->flood && !o->interval_set ? RT_NS_PER_SEC : o->interval_ns;

	if (o->privileged || !is_group(o, fam, dst))
		return 0;
	if (iv < RT_NS_PER_SEC) {
		snprintf(err, errlen, "%s ping with too short interval: %lld", what,
			 (long long)(iv / (RT_NS_PER_SEC / 1000)));
		return -EINVAL;
	}
	if (o->pmtu != RT_PMTU_DEFAULT && o->pmtu != RT_PMTU_DO) {
		snprintf(err, errlen, "%s ping does not fragment", what);
		return -EINVAL;
	}
	return 0;
}

size_t rt_opts_ipopt_len(const struct rt_opts *o, const struct rt_family *fam)
{
	return fam->af == AF_INET && o->ipopt != RT_IPOPT_NONE ? RT_IPOPT_MAX : 0;
}

int rt_opts_check_family(const struct rt_opts *o, const struct rt_family *fam,
			 const struct rt_addr *dst, char *err, size_t errlen)
{
	size_t max = fam->max_payload - rt_opts_ipopt_len(o, fam);

	if ((size_t)o->size > max) {
		snprintf(err, errlen, "packet size %ld is too large. Maximum is %zu",
			 o->size, max);
		return -EINVAL;
	}
	if (o->src.af != AF_UNSPEC && o->src.af != fam->af) {
		snprintf(err, errlen, "-I address family does not match the destination");
		return -EINVAL;
	}
	if (check_group(o, fam, dst, err, errlen) < 0)
		return -EINVAL;
	if (!o->privileged && o->interval_ns < RT_MIN_USER_INTERVAL_NS) {
		snprintf(err, errlen, "cannot flood; minimal interval allowed for user is 2ms");
		return -EINVAL;
	}
	return 0;
}

void rt_opts_usage(FILE *out, const char *prog)
{
	/* Every line fits 80 columns (tests/integration/docs.sh checks it). */
	fprintf(out,
"Usage:\n"
"  %s [options] <destination>...\n"
"  %s --explain-route [--verify] [--json] [-4|-6] [-I iface|addr] [-m mark]\n"
"         [-Q tos] <destination>\n"
"  %s --explain-route --audit[=<file>] [--json] [...] [<destination>...]\n"
"\n"
"Route (the flow both modes use):\n"
"      --explain-route      print the kernel's route for the echo flow, the UDP\n"
"                           probe's answer and why they differ; sends nothing;\n"
"                           exit 0 agree, 1 differ, 2 no route or error\n"
"      --audit              with --explain-route: one line per destination\n"
"                           (operands, then --file; '-' or none: stdin) and\n"
"                           a summary; exit 0 all agree, 1 some differ, 2 error\n"
"      --audit=<file>       the same as --audit --file <file>\n"
"      --file <file>        destinations, one a line, '#' comments; '-' stdin\n"
"                           (ping: targets after the operands, at most 65536)\n"
"      --verify             with --explain-route: send one echo and show the\n"
"                           egress the kernel reports for it\n"
"      --watch-rcvbuf <bytes>\n"
"                           receive buffer of the route watch's netlink socket\n"
"  -j, --json               JSON output (explain: one object; ping: one per line)\n"
"  -4, -6                   use IPv4 / IPv6 only\n"
"  -I, --interface <iface|addr>\n"
"                           bind to a device, or send from an address\n"
"                           (ADDR%%IFACE or -I twice: both)\n"
"  -m, --mark <mark>        tag packets with a socket mark (fwmark)\n"
"  -Q, --tos <tos>          IP TOS / IPv6 traffic class (0-255, 0x.. accepted)\n"
"  -B                       bind to the kernel's source for the echo flow\n"
"  -C                       connect() the socket: connect() picks the source\n"
"  -F <flowlabel>           IPv6 flow label (0x.. or decimal, 20 bits; 0 random)\n"
"\n"
"Sending:\n"
"  -c, --count <count>      stop after <count> replies\n"
"  -i, --interval <secs>    seconds between packets (user minimum 0.002)\n"
"  -f                       flood ping (root only)\n"
"  -A                       adaptive interval\n"
"  -l <preload>             send <preload> packets at once (user maximum 3)\n"
"  -s, --size <bytes>       data bytes (default 56)\n"
"  -t, --ttl <ttl>          IP time to live / IPv6 hop limit\n"
"  -M <do|dont|want|probe>  path MTU discovery\n"
"  -p <pattern>             hex fill pattern (up to 16 bytes)\n"
"  -S <bytes>               socket send buffer\n"
"  -e <identifier>          echo identifier (0-65535; 0 needs a raw socket)\n"
"  -R                       record route (IPv4)\n"
"  -T <tsonly|tsandaddr|tsprespec>\n"
"                           IPv4 timestamp option (tsprespec: up to 4 IPv4\n"
"                           hops before <destination>)\n"
"  -b                       allow pinging a broadcast address\n"
"  -r                       bypass the routing table (SO_DONTROUTE)\n"
"  -d                       set SO_DEBUG on the socket\n"
"  -L                       no loopback of multicast packets\n"
"      --rate <pps>         many targets: sends a second, all of them together\n"
"                           (default 1000 for several, none for one)\n"
"  -w, --deadline <secs>    stop after <secs> seconds\n"
"  -W, --timeout <secs>     seconds to wait for a reply (0: for ever)\n"
"\n"
"Output:\n"
"  -a                       audible ping\n"
"  -D                       print timestamps\n"
"  -n, --numeric            no reverse DNS lookups (overrides an earlier -H)\n"
"  -H                       reverse lookups even for numeric targets and -f\n"
"                           (overrides an earlier -n)\n"
"  -3                       reply times to the microsecond, not rounded\n"
"  -O                       report outstanding replies\n"
"  -q, --quiet              only the header and the summary\n"
"  -U                       user-to-user latency\n"
"  -v, --verbose            verbose output (shows the route decision)\n"
"  -N <opt>                 IPv6 node information query (RFC 4620): -N help\n"
"  -h, --help               this text\n"
"  -V, --version            version, libraries and build options\n"
"\n"
"See rtping(8).\n",
		prog, prog, prog);
}
