/*
 * One option's value at a time: numbers through one range-checked,
 * locale-free parser (OpenBSD's strtonum idea), words against iputils'
 * tables, each with iputils' message. Nothing is stored unless the whole
 * value parses.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rtping/error.h"
#include "rtping/opts.h"
#include "opts_int.h"

#define MAX_SECONDS ((double)INT_MAX / 1000)       /* iputils' bound on -i/-W */

/*
 * The message quotes what the user typed; a newline or escape in it would
 * make the one error line several (or drive the terminal), so control bytes
 * print as '?' (found by tests/fuzz; test_regressions.c).
 */
int rt_opts_fail(struct parse *p, int code, const char *fmt, ...)
{
	struct rt_error *e = p->err;
	va_list ap;

	e->code = code;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	for (char *c = e->msg; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			*c = '?';
	return code;
}

int rt_opts_int(struct parse *p, const char *s, int base, long long min, long long max,
		long long *out)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, base);
	if (!*s || *end || (errno && errno != ERANGE))
		return rt_opts_fail(p, -ERANGE, "invalid argument: '%s'", s);
	if (errno == ERANGE || v < min || v > max)
		return rt_opts_fail(p, -ERANGE,
				    "invalid argument: '%s': out of range: %lld <= value <= %lld",
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

int rt_opts_pattern(struct parse *p, const char *s)
{
	size_t n = strlen(s);

	if (strspn(s, "0123456789abcdefABCDEF") != n)
		return rt_opts_fail(p, -EINVAL, "patterns must be specified as hex digits: %s", s);
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

int rt_opts_pmtu_mode(struct parse *p, const char *s)
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
	return rt_opts_fail(p, -EINVAL, "invalid -M argument: %s", s);
}

int rt_opts_tos(struct parse *p, const char *s)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 0);
	if (!*s || *end || errno)
		return rt_opts_fail(p, -EINVAL, "bad TOS value: %s", s);
	if (v < 0 || v > 255)
		return rt_opts_fail(p, -EINVAL,
				    "the decimal value of TOS bits must be in range 0-255: %ld", v);
	p->o->has_tos = true;
	p->o->tos = (uint8_t)v;
	return 0;
}

/*
 * -N: iputils' node information sub-options (ping/node_info.c). iputils
 * prints its sub-option list to stderr for any mistake; rtping says which
 * in one line. Subject addresses are literals (no lookups while parsing).
 */
int rt_opts_ni(struct parse *p, const char *arg)
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
		return rt_opts_fail(p, -EINVAL, "-N %s: Qtype conflict", arg);
	case RT_NI_SUBJECT_CONFLICT:
		return rt_opts_fail(p, -EINVAL, "-N %s: Subject type conflict", arg);
	case RT_NI_BAD_ADDR:
		return rt_opts_fail(p, -EINVAL, "-N %.12s: not an IPv%c address: '%s'",
				    arg, arg[11], val + 1);
	case RT_NI_BAD_NAME:
		/* iputils names the lower-cased name without its scope. */
		len = strcspn(val + 1, "%");
		for (size_t i = 0; i < sizeof(canon); i++)
			canon[i] = i < len ? (char)tolower((unsigned char)val[1 + i]) : '\0';
		canon[sizeof(canon) - 1] = '\0';
		return rt_opts_fail(p, -EINVAL, "inappropriate subject name: %s", canon);
	case RT_NI_LONG_SCOPE:
		return rt_opts_fail(p, -EINVAL, "too long scope name");
	case RT_NI_BAD:
		break;
	}
	return rt_opts_fail(p, -EINVAL,
			    "-N: unknown node information option: '%s' (-N help lists them)", arg);
}

/*
 * -F as iputils' parseflow(): "0x" hex or decimal, at most 20 bits. Like
 * iputils, an empty value (or a bare "0x") is label 0; unlike it, values
 * past 32 bits are too large rather than truncated.
 */
int rt_opts_flowlabel(struct parse *p, const char *s)
{
	bool hex = s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(hex ? s + 2 : s, &end, hex ? 16 : 10);
	if (*end)
		return rt_opts_fail(p, -EINVAL, "bad value for flowinfo: %s", s);
	if (errno || v > 0xfffff || strchr(s, '-'))
		return rt_opts_fail(p, -EINVAL, "flow value is greater than 20 bits: %s", s);
	p->o->has_flowlabel = true;
	p->o->flowlabel = (uint32_t)v;
	return 0;
}

/* -R and -T: one IPv4 option at a time (iputils' order of checks). */
int rt_opts_ipopt(struct parse *p, int c, const char *s)
{
	static const struct { const char *name; enum rt_ipopt v; } tab[] = {
		{ "tsonly", RT_IPOPT_TSONLY }, { "tsandaddr", RT_IPOPT_TSANDADDR },
		{ "tsprespec", RT_IPOPT_TSPRESPEC },
	};
	struct rt_opts *o = p->o;

	if (c == 'R') {
		if (o->ipopt != RT_IPOPT_NONE && o->ipopt != RT_IPOPT_RR)
			return rt_opts_fail(p, -EINVAL, "only one of -T or -R may be used");
		o->ipopt = RT_IPOPT_RR;
		return 0;
	}
	if (o->ipopt == RT_IPOPT_RR)
		return rt_opts_fail(p, -EINVAL, "only one of -T or -R may be used");
	for (size_t i = 0; i < sizeof(tab) / sizeof(tab[0]); i++) {
		if (!strcmp(s, tab[i].name)) {
			o->ipopt = tab[i].v;
			return 0;
		}
	}
	return rt_opts_fail(p, -EINVAL, "invalid timestamp type: %s", s);
}

int rt_opts_ident(struct parse *p, const char *s)
{
	long long v;
	int rc;

	if ((rc = rt_opts_int(p, s, 10, 0, UINT16_MAX, &v)) < 0)
		return rc;
	p->o->has_ident = true;
	p->o->ident = (uint16_t)v;
	return 0;
}

static int set_iface(struct parse *p, const char *s, size_t len)
{
	struct rt_opts *o = p->o;

	/* dev_valid_name(): no slash, colon or blank. */
	if (!len || len >= sizeof(o->iface) || strcspn(s, "/: \t\n") < len)
		return rt_opts_fail(p, -EINVAL, "invalid interface name: '%.*s'", (int)len, s);
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
		return rt_opts_fail(p, -EINVAL, "invalid source address: %s", s);
	memcpy(addr, s, n);
	addr[n] = '\0';
	if (rt_addr_parse(&a, AF_INET6, addr) < 0)
		return rt_opts_fail(p, -EINVAL, "invalid source address: %s", s);
	p->o->src = a;
	return s[n] ? set_iface(p, s + n + 1, strlen(s + n + 1)) : 0;
}

/*
 * -I: a colon means an IPv6 source, an IPv4 address binds the source,
 * anything else names a device. A device and a source are kept side by
 * side (SO_BINDTODEVICE and bind()), whichever -I came first.
 */
int rt_opts_iface(struct parse *p, const char *s)
{
	struct rt_addr a;

	if (strchr(s, ':'))
		return parse_source6(p, s);
	if (rt_addr_parse(&a, AF_INET, s) < 0)
		return set_iface(p, s, strlen(s));
	p->o->src = a;
	return 0;
}

int rt_opts_file(struct parse *p, const char *opt, const char *s)
{
	if (!*s)
		return rt_opts_fail(p, -EINVAL, "%s: empty file name", opt);
	if (p->o->file && strcmp(p->o->file, s))
		return rt_opts_fail(p, -EINVAL, "only one file of destinations: '%s'", s);
	p->o->file = s;
	return 0;
}

int rt_opts_interval(struct parse *p, const char *s)
{
	if (parse_seconds(s, &p->o->interval_ns) < 0)
		return rt_opts_fail(p, -EINVAL, "bad timing interval: %s", s);
	p->o->interval_set = true;
	return 0;
}

int rt_opts_timeout(struct parse *p, const char *s)
{
	if (parse_seconds(s, &p->o->timeout_ns) < 0)
		return rt_opts_fail(p, -EINVAL, "bad linger time: %s", s);
	p->o->timeout_set = true;
	return 0;
}
