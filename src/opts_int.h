/*
 * Option parsing's inside: the state one rt_opts_parse() call carries, the
 * value parsers (src/opts_value.c) and the -s check (src/opts_check.c) that
 * the getopt loop (src/opts.c) calls.
 */
#ifndef RTPING_OPTS_INT_H
#define RTPING_OPTS_INT_H

struct rt_error;
struct rt_opts;

struct parse {
	struct rt_opts *o;
	struct rt_error *err;
	const char *arg;         /* the argv word getopt just read (for messages) */
};

/* Fills p->err (control bytes shown as '?') and returns code. */
int rt_opts_fail(struct parse *p, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * Whole-string integer in [min, max]; base 0 accepts 0x... Malformed or out
 * of range: -ERANGE, iputils' strtol_or_err() cases (it exits 1 for them).
 */
int rt_opts_int(struct parse *p, const char *s, int base, long long min, long long max,
		long long *out);

/* One option's value into p->o; 0 or a negative code with p->err filled. */
int rt_opts_pattern(struct parse *p, const char *s);
int rt_opts_pmtu_mode(struct parse *p, const char *s);
int rt_opts_tos(struct parse *p, const char *s);
int rt_opts_ni(struct parse *p, const char *arg);
int rt_opts_flowlabel(struct parse *p, const char *s);
int rt_opts_ipopt(struct parse *p, int c, const char *s);
int rt_opts_ident(struct parse *p, const char *s);
int rt_opts_iface(struct parse *p, const char *s);
int rt_opts_file(struct parse *p, const char *opt, const char *s);
int rt_opts_interval(struct parse *p, const char *s);
int rt_opts_timeout(struct parse *p, const char *s);

/* -s against -4/-6 or each destination typed as an address; -ERANGE when too large. */
int rt_opts_check_size(const struct rt_opts *o, struct rt_error *err);

#endif
