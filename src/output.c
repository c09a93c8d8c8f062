/*
 * Printing: iputils-exact text (src/output_text.c), or newline-delimited
 * JSON (src/output_json.c) from the same events. The JSON members are
 * documented in the man page's JSON OUTPUT section.
 */
#include <errno.h>
#include <string.h>

#include "rtping/icmp.h"
#include "rtping/opts.h"
#include "rtping/rpath_out.h"
#include "output_int.h"

void rt_out_init(struct rt_out *o, const struct rt_opts *opts, const char *prog, bool multi)
{
	memset(o, 0, sizeof(*o));
	o->f = stdout;
	o->err = stderr;
	o->prog = prog;
	o->json = opts->json;
	o->quiet = opts->quiet;
	o->flood = opts->flood;
	o->timestamps = opts->timestamps;
	o->audible = opts->audible;
	o->ipg = opts->flood || opts->adaptive || opts->interval_ns == 0;
	o->precise = opts->rtt_precise;
	o->multi = multi;
	o->verbose = opts->verbose;
}

void rt_event_check_data(struct rt_event *ev, const uint8_t *data, size_t len,
			 const uint8_t *pattern, size_t pattern_len, size_t size)
{
	long at = rt_icmp_data_mismatch(data, len, pattern, pattern_len, size);

	if (at < 0)
		return;
	ev->wrong_data = true;
	ev->wrong_at = (size_t)at;
	ev->wrong_want = rt_icmp_fill_byte(pattern, pattern_len, (size_t)at);
	ev->data = data;
	ev->data_len = len < size ? len : size;
}

void rt_out_pattern(const struct rt_out *o, const uint8_t *pat, size_t len)
{
	if (o->json || o->quiet || !pat)
		return;
	fputs("PATTERN: 0x", o->f);
	for (size_t i = 0; i < len; i++)
		fprintf(o->f, "%02x", pat[i]);
	fputc('\n', o->f);
}

void rt_out_header(const struct rt_out *o, const struct rt_out_target *t, const char *addr,
		   const char *src, const char *dev, long size, size_t ip_hdr_len,
		   int64_t wall_us)
{
	if (o->json)
		rt_out_json_header(o, t, addr, src, dev, size, wall_us);
	else
		rt_out_text_header(o, t, addr, src, dev, size, ip_hdr_len);
}

bool rt_out_reply_detail(const struct rt_out *o)
{
	return !o->quiet && (o->json || !o->flood);
}

void rt_out_sent(const struct rt_out *o)
{
	/* Flushed at once, as iputils' write_stdout() writes fd 1. */
	if (o->flood && !o->quiet && !o->json) {
		fputs(".", o->f);
		fflush(o->f);
	}
}

void rt_out_event(const struct rt_out *o, const struct rt_event *ev)
{
	/* Messages are said on stderr, as text, so neither -q nor --json hides them. */
	if (ev->kind == RT_EV_MESSAGE || !o->json)
		rt_out_text_event(o, ev);
	/* -q in JSON mode: only the start and summary objects. */
	else if (!o->quiet)
		rt_out_json_event(o, ev);
}

/* The return path's diagnosis, when it has news: stderr, text and JSON alike. */
static void rpath_line(const struct rt_out *o, const struct rt_out_target *t,
		       const struct rt_out_counts *c)
{
	char a[RT_ADDRSTRLEN], b[1024];

	if (!c->rpath || !t->addr || !rt_rpath_say(c->rpath, rt_addr_str(t->addr, a, sizeof(a)),
						   b, sizeof(b)))
		return;
	fflush(o->f);
	fprintf(o->err, "%s: %s\n", o->prog, b);
	fflush(o->err);
}

void rt_out_summary(const struct rt_out *o, const struct rt_out_target *t,
		    const struct rt_stats *st, const struct rt_out_counts *c)
{
	rpath_line(o, t, c);
	if (o->json)
		rt_out_json_summary(o, t, st, c);
	else
		rt_out_text_summary(o, t, st, c);
}

void rt_out_failed(const struct rt_out *o, const struct rt_out_target *t, const char *error)
{
	if (o->json)
		rt_out_json_failed(o, t, error);
}

void rt_out_run_summary(const struct rt_out *o, const struct rt_out_totals *t)
{
	if (o->json) {
		rt_out_json_run_summary(o, t);
		return;
	}
	/* Apart from the statistics blocks; alone when no target could be pinged. */
	fprintf(o->f, "%s%zu targets: %zu answered, %zu unreachable", t->failed < t->total ? "\n" : "",
		t->total, t->answered, t->unreachable);
	if (t->failed)
		fprintf(o->f, ", %zu failed", t->failed);
	if (t->unprobed)
		fprintf(o->f, ", %zu not probed", t->unprobed);
	fprintf(o->f, ", %zu with route divergence\n", t->diverging);
	fflush(o->f);
}

void rt_out_mark_warning(FILE *err, const char *prog, int mark_err, uint32_t mark)
{
	if (!mark_err)
		return;
	fprintf(err, "%s: WARNING: failed to set mark: %u: %s\n", prog, mark, strerror(mark_err));
	if (mark_err == EPERM)
		fprintf(err, "%s: => missing cap_net_admin+p or cap_net_raw+p "
			"(since Linux 5.17) capability?\n", prog);
}
