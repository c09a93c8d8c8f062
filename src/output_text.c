/*
 * The text printer: iputils ping's wording (ping_common.c, ping.c,
 * ping6_common.c) on stdout; errors, route changes and status on stderr,
 * so stdout stays what iputils prints.
 */
#include <inttypes.h>
#include <string.h>
#include <linux/rtnetlink.h>

#include "rtping/egress.h"
#include "rtping/route.h"
#include "rtping/stats.h"
#include "rtping/watch.h"
#include "output_int.h"

/* -D: "[seconds.micros] " before a line, wall clock. */
static void print_stamp(const struct rt_out *o, int64_t wall_us)
{
	if (o->timestamps)
		fprintf(o->f, "[%" PRId64 ".%06" PRId64 "] ", wall_us / 1000000, wall_us % 1000000);
}

/* Flood bookkeeping: stdout flushed at once, as iputils' write_stdout() writes fd 1. */
static void flood_write(const struct rt_out *o, const char *s)
{
	fputs(s, o->f);
	fflush(o->f);
}

/*
 * Many targets: which one a line is about. A reply names it by its
 * sender, so its line is led by the target only where that is not
 * enough (-v, a shared address, a group: src/engine_start.c) or the
 * sender is another host; every other line about a target is led by it.
 */
static void print_prefix(const struct rt_out *o, const struct rt_out_target *t, bool always)
{
	if (t->prefix || (always && o->multi))
		fprintf(o->f, "%s: ", t->host);
}

/* stderr lines name the target when there are several. */
static void err_prefix(const struct rt_out *o, const struct rt_out_target *t)
{
	if (o->multi && t)
		fprintf(o->err, "%s: %s: ", o->prog, t->host);
	else
		fprintf(o->err, "%s: ", o->prog);
}

void rt_out_text_header(const struct rt_out *o, const struct rt_out_target *t,
			const char *addr, const char *src, const char *dev, long size,
			size_t ip_hdr_len)
{
	fprintf(o->f, "PING %s (%s) ", t->host, addr);
	if (t->v6 && t->flowlabel)
		fprintf(o->f, ", flow 0x%05x, ", (unsigned)t->flowlabel);
	if (src)
		fprintf(o->f, "from %s %s: ", src, dev ? dev : "");
	if (t->v6)
		fprintf(o->f, "%ld data bytes\n", size);
	else
		fprintf(o->f, "%ld(%zu) bytes of data.\n", size, (size_t)size + 8 + ip_hdr_len);
}

/*
 * iputils' payload dump after "wrong data byte": every byte from 16 on,
 * 32 to a line, each line led by its offset.
 */
static void wrong_data(const struct rt_out *o, const struct rt_event *ev)
{
	fprintf(o->f, "\nwrong data byte #%zu should be 0x%x but was 0x%x", ev->wrong_at,
		ev->wrong_want, ev->data[ev->wrong_at]);
	for (size_t i = 16; i < ev->data_len; i++) {
		if (i % 32 == 16)
			fprintf(o->f, "\n#%zu\t", i);
		fprintf(o->f, "%x ", ev->data[i]);
	}
}

/* The reply line after the time: its flags, -v's egress, the data dump, IP options. */
static void reply_tail(const struct rt_out *o, const struct rt_event *ev)
{
	const struct rt_out_target *t = ev->tgt;

	if (ev->dup && !t->quiet_dup)
		fputs(" (DUP!)", o->f);
	if (ev->bad_csum)
		fputs(" (BAD CHECKSUM!)", o->f);
	if (ev->wrong_src)
		fputs(" (DIFFERENT ADDRESS!)", o->f);
	if (o->verbose && ev->egress) {
		char a[RT_ADDRSTRLEN];

		fprintf(o->f, " egress %s %s", rt_addr_str(&ev->egress->src, a, sizeof(a)),
			ev->egress->dev);
	}
	if (o->verbose && ev->ingress_other && ev->ingress_dev)
		fprintf(o->f, " ingress %s", ev->ingress_dev);
	if (ev->wrong_data && ev->wrong_at < ev->data_len)
		wrong_data(o, ev);
	if (o->audible)
		fputc('\a', o->f);
	if (ev->ipopts_len)
		rt_ipopt_print(o->f, ev->ipopts, ev->ipopts_len, t->rr, t->name, t->name_ctx);
}

/* iputils' reply line: gather_statistics() plus the parse_reply() tail. */
static void reply(const struct rt_out *o, const struct rt_event *ev)
{
	char t[32];

	if (o->quiet)
		return;
	if (o->flood) {
		flood_write(o, ev->bad_csum ? "\bC" : "\b \b");
		return;
	}
	print_stamp(o, ev->wall_us);
	print_prefix(o, ev->tgt, ev->wrong_src);
	if (ev->ni_text)
		fprintf(o->f, "%zu bytes from %s:%s", ev->bytes, ev->from, ev->ni_text);
	else
		fprintf(o->f, "%zu bytes from %s: icmp_seq=%u", ev->bytes, ev->from, ev->seq);
	if (ev->show_ident)
		fprintf(o->f, " ident=%u", ev->ident);
	if (ev->ttl >= 0)
		fprintf(o->f, " ttl=%d", ev->ttl);
	if (ev->truncated) {
		/* iputils stops the line here: no time, no flags. */
		fputs(" (truncated)\n", o->f);
		fflush(o->f);
		return;
	}
	if (ev->timed)
		fprintf(o->f, " time=%s ms", o->precise ? rt_fmt_ms3(t, sizeof(t), ev->rtt_us) :
			rt_fmt_rtt(t, sizeof(t), ev->rtt_us));
	reply_tail(o, ev);
	fputc('\n', o->f);
	fflush(o->f);
}

/* A failed send, or our own stack's refusal: stderr, or -f's "E". */
static void local_error(const struct rt_out *o, const struct rt_event *ev)
{
	bool send = ev->kind == RT_EV_SEND_ERROR;

	if ((o->quiet && !(send && o->flood)) || (send && ev->unsaid))
		return;
	if (o->flood) {
		flood_write(o, "E");
		return;
	}
	fflush(o->f);
	err_prefix(o, ev->tgt);
	fprintf(o->err, send ? "sendmsg: %s\n" : "local error: %s\n", ev->text);
}

static void error(const struct rt_out *o, const struct rt_event *ev)
{
	if (o->quiet)
		return;
	if (o->flood) {
		flood_write(o, "\bE");
		return;
	}
	print_stamp(o, ev->wall_us);
	print_prefix(o, ev->tgt, true);
	fprintf(o->f, "From %s icmp_seq=%u %s\n", ev->from, ev->seq, ev->text);
	fflush(o->f);
}

/*
 * A redirect or source quench about one of our probes: iputils prints it
 * ("From GW: icmp_seq=N Redirect Host(New nexthop: X)") and counts nothing.
 */
static void notice(const struct rt_out *o, const struct rt_event *ev)
{
	if (o->quiet || o->flood)
		return;
	print_stamp(o, ev->wall_us);
	print_prefix(o, ev->tgt, true);
	fprintf(o->f, "From %s: icmp_seq=%u %s%s\n", ev->from, ev->seq,
		ev->bad_csum ? "(BAD CHECKSUM)" : "", ev->text);
	fflush(o->f);
}

static void timeout(const struct rt_out *o, const struct rt_event *ev)
{
	/* iputils prints these even with -q. */
	print_stamp(o, ev->wall_us);
	print_prefix(o, ev->tgt, true);
	fprintf(o->f, "no answer yet for icmp_seq=%u\n", ev->seq);
	fflush(o->f);
}

static const char *table_name(uint32_t t, char *buf, size_t len)
{
	switch (t) {
	case RT_TABLE_MAIN: return "main";
	case RT_TABLE_LOCAL: return "local";
	case RT_TABLE_DEFAULT: return "default";
	}
	snprintf(buf, len, "%u", t);
	return buf;
}

/* "src 10.9.0.12 dev dva via 10.9.0.1 table main", or "no route (...)". */
static void route_text(FILE *f, const struct rt_route_view *v)
{
	const struct rt_route_snap *r = &v->snap;
	char a[RT_ADDRSTRLEN], t[16];

	if (v->err) {
		fprintf(f, "no route (%s)", strerror(-v->err));
		return;
	}
	fprintf(f, "src %s dev %s", rt_addr_str(&r->src, a, sizeof(a)), r->dev[0] ? r->dev : "?");
	if (rt_addr_is_set(&r->gateway))
		fprintf(f, " via %s", rt_addr_str(&r->gateway, a, sizeof(a)));
	if (r->table)
		fprintf(f, " table %s", table_name(r->table, t, sizeof(t)));
}

/* One line on stderr, so stdout stays what iputils prints. */
static void route_change(const struct rt_out *o, const struct rt_event *ev)
{
	fflush(o->f);
	err_prefix(o, ev->tgt);
	fprintf(o->err, "route changed before icmp_seq=%u: ", ev->seq);
	route_text(o->err, ev->route_from);
	fputs(" \u2192 ", o->err);
	route_text(o->err, ev->route_to);
	fputc('\n', o->err);
	fflush(o->err);
}

static void message(const struct rt_out *o, const struct rt_event *ev)
{
	fflush(o->f);
	err_prefix(o, ev->tgt);
	fprintf(o->err, "%s\n", ev->text);
	fflush(o->err);
}

void rt_out_text_event(const struct rt_out *o, const struct rt_event *ev)
{
	switch (ev->kind) {
	case RT_EV_REPLY:
		reply(o, ev);
		break;
	case RT_EV_ERROR:
		error(o, ev);
		break;
	case RT_EV_LOCAL_ERROR:
	case RT_EV_SEND_ERROR:
		local_error(o, ev);
		break;
	case RT_EV_TIMEOUT:
		timeout(o, ev);
		break;
	case RT_EV_ROUTE_CHANGE:
		route_change(o, ev);
		break;
	case RT_EV_MESSAGE:
		message(o, ev);
		break;
	case RT_EV_NOTICE:
		notice(o, ev);
		break;
	}
}

/* The rtt / pipe / ipg line: iputils prints a bare newline when all are absent. */
static void rtt_line(const struct rt_out *o, const struct rt_out_target *t,
		     const struct rt_stats *st)
{
	struct rt_rtt_summary r;
	char a[32], b[32], c[32], d[32];
	const char *sep = "";

	if (st->nreceived && t->timing) {
		rt_stats_rtt(st, &r);
		fprintf(o->f, "rtt min/avg/max/mdev = %s/%s/%s/%s ms",
			rt_fmt_ms3(a, sizeof(a), r.min_us), rt_fmt_ms3(b, sizeof(b), r.avg_us),
			rt_fmt_ms3(c, sizeof(c), r.max_us), rt_fmt_ms3(d, sizeof(d), r.mdev_us));
		sep = ", ";
	}
	if (st->pipesize > 1) {
		fprintf(o->f, "%spipe %d", sep, st->pipesize);
		sep = ", ";
	}
	if (st->nreceived && o->ipg && st->ntransmitted > 1)
		fprintf(o->f, "%sipg/ewma %s/%s ms", sep,
			rt_fmt_ms3(a, sizeof(a), rt_stats_ipg_us(st)),
			rt_fmt_ms3(b, sizeof(b), (int64_t)(st->ewma8 / 8)));
	fputc('\n', o->f);
}

/* -v: how many echoes left by each egress, after the rtt line. */
static void egress_counts(const struct rt_out *o, const struct rt_stats *st,
			  const struct rt_out_counts *c)
{
	char a[RT_ADDRSTRLEN];

	if (!o->verbose)
		return;
	for (size_t i = 0; c->egress && i < c->negress; i++)
		fprintf(o->f, "egress %s %s: %" PRIu64 " echoes\n",
			rt_addr_str(&c->egress[i].eg.src, a, sizeof(a)), c->egress[i].eg.dev,
			c->egress[i].echoes);
	if (c->egress && c->unobserved)
		fprintf(o->f, "egress not observed: %" PRIu64 " echoes\n", c->unobserved);
	/* Only a flood samples: elsewhere an echo not asked about never left (a send error). */
	if (c->egress && (o->flood || c->sampled) && c->asked < st->ntransmitted)
		fprintf(o->f, "egress sampled: %" PRIu64 " of %" PRIu64 " echoes (%s: the first "
			"%d, then one each %lld ms)\n", c->asked, st->ntransmitted,
			o->flood ? "flood" : "faster than one echo each 10 ms", RT_EGRESS_FIRST,
			RT_EGRESS_GAP_NS / 1000000);
	if (c->watch)
		fprintf(o->f, "route watch: %" PRIu64 " messages, %" PRIu64 " overruns, %" PRIu64
			" re-queries\n", c->watch->messages, c->watch->overruns,
			c->watch->requeries);
}

void rt_out_text_summary(const struct rt_out *o, const struct rt_out_target *t,
			 const struct rt_stats *st, const struct rt_out_counts *c)
{
	char b[32];

	fprintf(o->f, "\n--- %s ping statistics ---\n", t->host);
	fprintf(o->f, "%" PRIu64 " packets transmitted, %" PRIu64 " received",
		st->ntransmitted, st->nreceived);
	if (st->nrepeats)
		fprintf(o->f, ", +%" PRIu64 " duplicates", st->nrepeats);
	if (st->nchecksum)
		fprintf(o->f, ", +%" PRIu64 " corrupted", st->nchecksum);
	if (st->nerrors)
		fprintf(o->f, ", +%" PRIu64 " errors", st->nerrors);
	if (st->ntransmitted)
		fprintf(o->f, ", %s%% packet loss, time %" PRId64 "ms",
			rt_fmt_loss(b, sizeof(b), rt_stats_loss(st)), rt_stats_elapsed_ms(st));
	fputc('\n', o->f);
	rtt_line(o, t, st);
	egress_counts(o, st, c);
}

void rt_out_status(const struct rt_out *o, const struct rt_out_target *t,
		   const struct rt_stats *st)
{
	struct rt_rtt_summary r;
	char a[32], b[32], c[32], d[32];
	int loss = 0;

	if (st->ntransmitted)
		loss = (int)((st->ntransmitted - st->nreceived) * 100 / st->ntransmitted);
	fputc('\r', o->err);
	if (o->multi)
		fprintf(o->err, "%s: ", t->host);
	fprintf(o->err, "%" PRIu64 "/%" PRIu64 " packets, %d%% loss", st->nreceived,
		st->ntransmitted, loss);
	if (st->nreceived && t->timing) {
		rt_stats_rtt(st, &r);
		fprintf(o->err, ", min/avg/ewma/max = %s/%s/%s/%s ms",
			rt_fmt_ms3(a, sizeof(a), r.min_us), rt_fmt_ms3(b, sizeof(b), r.avg_us),
			rt_fmt_ms3(c, sizeof(c), (int64_t)(st->ewma8 / 8)),
			rt_fmt_ms3(d, sizeof(d), r.max_us));
	}
	fputc('\n', o->err);
	fflush(o->err);
}
