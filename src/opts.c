/*
 * Option parsing: validate and fill struct rt_opts, nothing else. This file
 * holds the getopt loop and the checks across options; each value is read
 * in src/opts_value.c, the checks that need the destination's family are in
 * src/opts_check.c. Messages follow iputils' wording so scripts and users
 * see familiar text.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <string.h>

#include "rtping/error.h"
#include "rtping/opts.h"
#include "opts_int.h"

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

/* Stores nothing unless the whole value parses: no half-set option on error. */
static int parse_numeric(struct parse *p, int c, const char *s)
{
	struct rt_opts *o = p->o;
	long long v;
	int rc;

	switch (c) {
	case 'c':
		if ((rc = rt_opts_int(p, s, 10, 1, LLONG_MAX, &v)) < 0)
			return rc;
		o->count = v;
		return 0;
	case 'l':
		if ((rc = rt_opts_int(p, s, 10, 1, 65536, &v)) < 0)
			return rc;
		o->preload = (long)v;
		return 0;
	case 'm':
		if ((rc = rt_opts_int(p, s, 0, 0, UINT32_MAX, &v)) < 0)
			return rc;
		o->has_mark = true;
		o->mark = (uint32_t)v;
		return 0;
	case 's':
		/* iputils' bounds here; the family's limit comes once the operands are read. */
		if ((rc = rt_opts_int(p, s, 10, 0, INT_MAX, &v)) < 0)
			return rc;
		o->size = (long)v;
		return 0;
	case 'S':
		if ((rc = rt_opts_int(p, s, 10, 1, INT_MAX, &v)) < 0)
			return rc;
		o->sndbuf = (long)v;
		return 0;
	case 't':
		if ((rc = rt_opts_int(p, s, 10, 0, 255, &v)) < 0)
			return rc;
		o->ttl = (int)v;
		return 0;
	case 'w':
		if ((rc = rt_opts_int(p, s, 10, 0, INT_MAX, &v)) < 0)
			return rc;
		o->deadline_s = v;
		return 0;
	case OPT_RATE:
		if ((rc = rt_opts_int(p, s, 10, 1, RT_RATE_MAX, &v)) < 0)
			return rc;
		o->rate = (long)v;
		return 0;
	case OPT_WATCH_RCVBUF:
		if ((rc = rt_opts_int(p, s, 10, 1, INT_MAX, &v)) < 0)
			return rc;
		o->watch_rcvbuf = (int)v;
		return 0;
	}
	return rt_opts_fail(p, -EINVAL, "invalid option -- '%c'", c);
}

static int parse_one(struct parse *p, int c, const char *arg)
{
	struct rt_opts *o = p->o;

	switch (c) {
	case '4': case '6': {
		int af = c == '4' ? AF_INET : AF_INET6;

		if (o->af != AF_UNSPEC && o->af != af)
			return rt_opts_fail(p, -EINVAL,
					    "only one -4 or -6 option may be specified");
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
	case 'R': case 'T': return rt_opts_ipopt(p, c, arg);
	case 'e': return rt_opts_ident(p, arg);
	case 'F': return rt_opts_flowlabel(p, arg);
	case 'N': return rt_opts_ni(p, arg);
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
		return arg ? rt_opts_file(p, "--audit", arg) : 0;
	case OPT_FILE: return rt_opts_file(p, "--file", arg);
	case OPT_VERIFY: o->verify = true; return 0;
	case 'i': return rt_opts_interval(p, arg);
	case 'I': return rt_opts_iface(p, arg);
	case 'M': return rt_opts_pmtu_mode(p, arg);
	case 'p': return rt_opts_pattern(p, arg);
	case 'Q': return rt_opts_tos(p, arg);
	case 'W': return rt_opts_timeout(p, arg);
	case ':':
		return rt_opts_fail(p, -EINVAL, "option requires an argument -- '%c'", optopt);
	case '?':
		/* A long option given a value it does not take: optopt is its
		 * code (>= 256), not a character (found by tests/fuzz). */
		if (optopt >= OPT_EXPLAIN)
			return rt_opts_fail(p, -EINVAL, "option '%.*s' doesn't allow an argument",
					    (int)strcspn(p->arg, "="), p->arg);
		if (optopt)
			return rt_opts_fail(p, -EINVAL, "invalid option -- '%c'", optopt);
		return rt_opts_fail(p, -EINVAL, "unrecognized option '%s'", p->arg);
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
		return rt_opts_fail(p, -EINVAL, "usage error: -T tsprespec takes at most %d "
				    "addresses before the destination", RT_IPOPT_PRESPEC_MAX);
	while (argc - optind > 1) {
		if (rt_addr_parse(&o->prespec[o->nprespec], AF_INET, argv[optind]) < 0)
			return rt_opts_fail(p, -EINVAL, "-T tsprespec: not an IPv4 address: '%s'",
					    argv[optind]);
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
		return rt_opts_fail(p, -EINVAL, "-I address family does not match -%c",
				    o->af == AF_INET ? '4' : '6');
	if (!o->privileged && o->preload > MAX_USER_PRELOAD)
		return rt_opts_fail(p, -EINVAL, "cannot set preload to value greater than 3: %ld",
				    o->preload);
	/* iputils' 2 ms a user, for the whole process: the sum over all targets. */
	if (!o->privileged && o->rate > RT_USER_RATE_MAX)
		return rt_opts_fail(p, -EINVAL, "cannot flood; maximal rate allowed for user is "
				    "%lld/s", (long long)RT_USER_RATE_MAX);
	if (o->verify && o->mode != RT_MODE_EXPLAIN)
		return rt_opts_fail(p, -EINVAL, "--verify needs --explain-route");
	if (o->verify && o->audit)
		return rt_opts_fail(p, -EINVAL,
				    "--verify explains one destination, not an --audit");
	return 0;
}

/* --audit: operands, a file or stdin; an empty operand is reported in its turn. */
static int check_audit(struct parse *p)
{
	struct rt_opts *o = p->o;
	int rc;

	if (!o->audit)
		return rt_opts_fail(p, -EINVAL, "--file needs --explain-route --audit");
	if (o->rate)
		return rt_opts_fail(p, -EINVAL, "--rate needs ping mode");
	if (o->mode != RT_MODE_EXPLAIN)
		return rt_opts_fail(p, -EINVAL, "--audit needs --explain-route");
	/* connect()'s key holds a socket's port: an audit opens no ICMP socket. */
	if (o->connect)
		return rt_opts_fail(p, -EINVAL,
				    "--audit cannot explain -C: connect() keys on a socket's port");
	o->dest = o->ndests ? o->dests[0] : NULL;
	if ((rc = check_combined(p)) < 0)
		return rc;
	return rt_opts_check_size(o, p->err);
}

/*
 * After a bad option the rest still say which mode was asked for: main's
 * exit status for a bad value depends on it. Only the first error counts.
 */
static int scan_mode(struct parse *p, int argc, char **argv, int rc)
{
	int c;

	while ((c = getopt_long(argc, argv, SHORTOPTS, longopts, NULL)) != -1)
		if (c == OPT_EXPLAIN)
			p->o->mode = RT_MODE_EXPLAIN;
	return rc;
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
		  struct rt_error *err)
{
	struct rt_error scratch;
	struct parse p = { .o = o, .err = err ? err : &scratch };
	int c, rc;

	set_defaults(o);
	o->privileged = privileged;
	*p.err = (struct rt_error){ 0 };
	opterr = 0;
	optind = 0;     /* 0, not 1: fully reinitialise glibc getopt between calls */
	while ((c = getopt_long(argc, argv, SHORTOPTS, longopts, NULL)) != -1) {
		p.arg = optind > 0 && optind <= argc ? argv[optind - 1] : "";
		rc = parse_one(&p, c, optarg);
		if (rc < 0)
			return scan_mode(&p, argc, argv, rc);
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
		return rt_opts_fail(&p, -EINVAL, "usage error: Destination address required");
	if (o->ipopt == RT_IPOPT_TSPRESPEC && (rc = parse_prespec(&p, argc, argv)) < 0)
		return rc;
	/* -T tsprespec took its hops: what is left are the targets. */
	o->dests = argv + optind;
	o->ndests = argc - optind;
	/* Ping takes many (src/targets.c); explain one. */
	if (argc - optind > 1 && o->mode == RT_MODE_EXPLAIN)
		return rt_opts_fail(&p, -EINVAL,
				    "usage error: only one destination address allowed: '%s'",
				    argv[optind + 1]);
	if (o->rate && o->mode == RT_MODE_EXPLAIN)
		return rt_opts_fail(&p, -EINVAL, "--rate needs ping mode");
	/* An empty name is bad input wherever it is (before anything is sent). */
	for (int i = optind; i < argc; i++)
		if (!*argv[i])
			return rt_opts_fail(&p, -EINVAL,
					    "usage error: Destination address required");
	o->dest = optind < argc ? argv[optind] : NULL;
	if (o->flood && !o->interval_set)
		o->interval_ns = 0;
	if ((rc = check_combined(&p)) < 0)
		return rc;
	return rt_opts_check_size(o, p.err);
}