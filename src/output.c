/*
 * Printing: iputils-exact text, or newline-delimited JSON from the same
 * events. Text wording follows iputils ping (ping_common.c, ping.c,
 * ping6_common.c); every JSON line is one complete object, flushed at once.
 *
 * ## `--json` output (ping mode)
 *
 * One JSON object per line. Every object has `"type"`; events also have
 * `"timestamp"` (Unix time in seconds, microsecond decimals, a number).
 * Absent values are `null`, never left out. Strings are JSON-escaped.
 *
 * | type      | when                               | fields |
 * |-----------|------------------------------------|--------|
 * | `start`   | once, before the first probe       | `host` (as typed or canonical), `addr` (where the echo goes), `data_bytes`, `source` (the route decision's source, or null), `device` (or null), `route` (the `--explain-route --json` object) |
 * | `reply`   | an echo reply                      | `seq`, `addr`, `from` (as text prints it, `name (addr)` or `addr`), `bytes` (ICMP bytes), `ttl` (or null), `time_ms` (or null when -s < 16), `bad_checksum`, `different_address`, `truncated`, `egress` (`source`, `device`, `ifindex`, or null: no transmit report) |
 * | `dup`     | a duplicate reply                  | same fields as `reply` |
 * | `error`   | an ICMP error about our probe, or a local error | `local` (bool), `seq` (null for local), `addr`, `from`, `icmp_type`, `icmp_code` (null for local), `errno` (local only, else null), `message` (iputils' wording), `egress` |
 * | `timeout` | a probe is still unanswered when the next one leaves (the text printer shows these only with -O) | `seq`, `egress` |
 * | `route_change` | the echo flow's route changed, or its egress did | `seq` (the next echo), `from`, `to` (route objects), `cause` |
 * | `summary` | always last, also at 100 % loss    | `host`, `addr`, `transmitted`, `received`, `duplicates`, `corrupted`, `errors`, `loss_percent`, `time_ms`, `rtt_min_ms`, `rtt_avg_ms`, `rtt_max_ms`, `rtt_mdev_ms` (null when nothing was timed), `pipe` (null unless > 1), `ipg_ms`, `ewma_ms` (null outside flood/adaptive), `route` (as in `start`), `egress` (per egress: `source`, `device`, `ifindex`, `echoes`; null without transmit reports), `egress_sampled` (echoes that asked for a report: all but in flood mode), `egress_unobserved`, `route_watch` (`messages`, `overruns`, `requeries`; null without a watch) |
 *
 * Times in milliseconds are numbers with three decimals (`0.045`).
 * Every event (`reply`, `dup`, `error`, `timeout`) also has `host` and
 * `target_addr`: the target it is about (its name, its address). With
 * more than one target, each has its `start` and `summary`, and the run
 * ends with `run_summary`: `targets`, `answered`, `unreachable`,
 * `diverging`, `failed` (could not be pinged: no address, no route).
 *
 * With `-q` only `start` and `summary` (and `run_summary`) are printed.
 * Exit codes are the same as in text mode; error messages still go to
 * stderr as text.
 */
#include <inttypes.h>
#include <string.h>
#include <unistd.h>

#include "rtping/icmp.h"
#include "rtping/json.h"
#include "rtping/opts.h"
#include "rtping/output.h"

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

static void json_begin(const struct rt_out *o, const char *type, int64_t wall_us)
{
	fputs("{", o->f);
	rt_json_kstr(o->f, "", "type", type);
	if (wall_us >= 0)
		fprintf(o->f, ", \"timestamp\": %" PRId64 ".%06" PRId64, wall_us / 1000000,
			wall_us % 1000000);
}

/* The target an event is about. */
static void json_target(const struct rt_out *o)
{
	rt_json_kstr(o->f, ", ", "host", o->host);
	rt_json_kstr(o->f, ", ", "target_addr", o->target_addr);
}

/* Many targets: which one a line is about (-v, or two share an address). */
static void print_prefix(const struct rt_out *o)
{
	if (o->prefix)
		fprintf(o->f, "%s: ", o->host);
}

/* stderr lines name the target when there are several. */
static void err_prefix(const struct rt_out *o)
{
	fprintf(o->err, o->multi ? "%s: %s: " : "%s: ", o->prog, o->host);
}

static void json_end(const struct rt_out *o)
{
	fputs("}\n", o->f);
	fflush(o->f);
}

static void json_ms(FILE *f, const char *key, bool have, int64_t us)
{
	char b[32];

	if (have)
		fprintf(f, ", \"%s\": %s", key, rt_fmt_ms3(b, sizeof(b), us));
	else
		fprintf(f, ", \"%s\": null", key);
}

static void json_egress(const struct rt_out *o, const struct rt_egress *eg)
{
	char a[RT_ADDRSTRLEN];

	fputs(", \"egress\": ", o->f);
	if (!eg) {
		fputs("null", o->f);
		return;
	}
	rt_json_kstr(o->f, "{", "source", rt_addr_is_set(&eg->src)
		     ? rt_addr_str(&eg->src, a, sizeof(a)) : NULL);
	rt_json_kstr(o->f, ", ", "device", eg->dev[0] ? eg->dev : NULL);
	fprintf(o->f, ", \"ifindex\": %u}", eg->ifindex);
}

void rt_out_init(struct rt_out *o, const struct rt_opts *opts, bool v6, const char *prog,
		 const char *host)
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
	o->v6 = v6;
	o->timing = opts->size >= 16;   /* sizeof(struct timeval): iputils' rule */
	o->ipg = opts->flood || opts->adaptive || opts->interval_ns == 0;
	o->precise = opts->rtt_precise;
	o->flowlabel = v6 && opts->has_flowlabel ? opts->flowlabel : 0;
	o->host = host;
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

void rt_out_header(const struct rt_out *o, const char *addr, const char *src,
		   const char *dev, long size, size_t ip_hdr_len)
{
	if (o->json) {
		json_begin(o, "start", -1);
		rt_json_kstr(o->f, ", ", "host", o->host);
		rt_json_kstr(o->f, ", ", "addr", addr);
		fprintf(o->f, ", \"data_bytes\": %ld", size);
		rt_json_kstr(o->f, ", ", "source", src);
		rt_json_kstr(o->f, ", ", "device", dev && *dev ? dev : NULL);
		fprintf(o->f, ", \"route\": %s", o->route_json ? o->route_json : "null");
		json_end(o);
		return;
	}
	fprintf(o->f, "PING %s (%s) ", o->host, addr);
	if (o->v6 && o->flowlabel)
		fprintf(o->f, ", flow 0x%05x, ", (unsigned)o->flowlabel);
	if (src)
		fprintf(o->f, "from %s %s: ", src, dev ? dev : "");
	if (o->v6)
		fprintf(o->f, "%ld data bytes\n", size);
	else
		fprintf(o->f, "%ld(%zu) bytes of data.\n", size, (size_t)size + 8 + ip_hdr_len);
}

bool rt_out_reply_detail(const struct rt_out *o)
{
	return !o->quiet && (o->json || !o->flood);
}

void rt_out_sent(const struct rt_out *o)
{
	if (o->flood && !o->quiet && !o->json)
		flood_write(o, ".");
}

static void json_reply(const struct rt_out *o, const struct rt_event *ev)
{
	json_begin(o, ev->dup ? "dup" : "reply", ev->wall_us);
	json_target(o);
	fprintf(o->f, ", \"seq\": %u", ev->seq);
	rt_json_kstr(o->f, ", ", "addr", ev->addr);
	rt_json_kstr(o->f, ", ", "from", ev->from);
	fprintf(o->f, ", \"bytes\": %zu", ev->bytes);
	if (ev->ttl >= 0)
		fprintf(o->f, ", \"ttl\": %d", ev->ttl);
	else
		fputs(", \"ttl\": null", o->f);
	json_ms(o->f, "time_ms", ev->timed && !ev->bad_csum, ev->rtt_us);
	fprintf(o->f, ", \"bad_checksum\": %s, \"different_address\": %s, \"truncated\": %s",
		ev->bad_csum ? "true" : "false", ev->wrong_src ? "true" : "false",
		ev->truncated ? "true" : "false");
	if (ev->ni_text)
		rt_json_kstr(o->f, ", ", "node_info", ev->ni_text);
	json_egress(o, ev->egress);
	json_end(o);
}

/*
 * iputils' payload dump after "wrong data byte": every byte from 16 on,
 * 32 to a line, each line led by its offset.
 */
static void text_wrong_data(const struct rt_out *o, const struct rt_event *ev)
{
	fprintf(o->f, "\nwrong data byte #%zu should be 0x%x but was 0x%x", ev->wrong_at,
		ev->wrong_want, ev->data[ev->wrong_at]);
	for (size_t i = 16; i < ev->data_len; i++) {
		if (i % 32 == 16)
			fprintf(o->f, "\n#%zu\t", i);
		fprintf(o->f, "%x ", ev->data[i]);
	}
}

/* iputils' reply line: gather_statistics() plus the parse_reply() tail. */
static void text_reply(const struct rt_out *o, const struct rt_event *ev)
{
	char t[32];

	if (o->quiet)
		return;
	if (o->flood) {
		flood_write(o, ev->bad_csum ? "\bC" : "\b \b");
		return;
	}
	print_stamp(o, ev->wall_us);
	print_prefix(o);
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
	if (ev->dup && !o->quiet_dup)
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
	if (ev->wrong_data && ev->wrong_at < ev->data_len)
		text_wrong_data(o, ev);
	if (o->audible)
		fputc('\a', o->f);
	if (ev->ipopts_len)
		rt_ipopt_print(o->f, ev->ipopts, ev->ipopts_len, o->rr, o->name, o->name_ctx);
	fputc('\n', o->f);
	fflush(o->f);
}

static void json_error(const struct rt_out *o, const struct rt_event *ev)
{
	bool local = ev->kind != RT_EV_ERROR;

	json_begin(o, "error", ev->wall_us);
	json_target(o);
	fprintf(o->f, ", \"local\": %s", local ? "true" : "false");
	if (local)
		fputs(", \"seq\": null", o->f);
	else
		fprintf(o->f, ", \"seq\": %u", ev->seq);
	rt_json_kstr(o->f, ", ", "addr", local ? NULL : ev->addr);
	rt_json_kstr(o->f, ", ", "from", local ? NULL : ev->from);
	if (local)
		fprintf(o->f, ", \"icmp_type\": null, \"icmp_code\": null, \"errno\": %d", ev->err);
	else
		fprintf(o->f, ", \"icmp_type\": %u, \"icmp_code\": %u, \"errno\": null",
			ev->type, ev->code);
	rt_json_kstr(o->f, ", ", "message", ev->text);
	json_egress(o, ev->egress);
	json_end(o);
}

static void text_error(const struct rt_out *o, const struct rt_event *ev)
{
	if (ev->kind == RT_EV_SEND_ERROR) {
		if (o->flood) {
			flood_write(o, "E");
		} else if (!o->quiet) {
			fflush(o->f);
			err_prefix(o);
			fprintf(o->err, "sendmsg: %s\n", ev->text);
		}
		return;
	}
	if (ev->kind == RT_EV_LOCAL_ERROR) {
		if (o->quiet)
			return;
		if (o->flood) {
			flood_write(o, "E");
		} else {
			fflush(o->f);
			err_prefix(o);
			fprintf(o->err, "local error: %s\n", ev->text);
		}
		return;
	}
	if (o->quiet)
		return;
	if (o->flood) {
		flood_write(o, "\bE");
		return;
	}
	print_stamp(o, ev->wall_us);
	print_prefix(o);
	fprintf(o->f, "From %s icmp_seq=%u %s\n", ev->from, ev->seq, ev->text);
	fflush(o->f);
}

/*
 * A redirect or source quench about one of our probes: iputils prints it
 * ("From GW: icmp_seq=N Redirect Host(New nexthop: X)") and counts nothing.
 */
static void notice_event(const struct rt_out *o, const struct rt_event *ev)
{
	if (o->json) {
		json_begin(o, "notice", ev->wall_us);
		json_target(o);
		fprintf(o->f, ", \"seq\": %u", ev->seq);
		rt_json_kstr(o->f, ", ", "addr", ev->addr);
		rt_json_kstr(o->f, ", ", "from", ev->from);
		fprintf(o->f, ", \"icmp_type\": %u, \"icmp_code\": %u, \"bad_checksum\": %s",
			ev->type, ev->code, ev->bad_csum ? "true" : "false");
		rt_json_kstr(o->f, ", ", "message", ev->text);
		json_end(o);
		return;
	}
	if (o->quiet || o->flood)
		return;
	print_stamp(o, ev->wall_us);
	print_prefix(o);
	fprintf(o->f, "From %s: icmp_seq=%u %s%s\n", ev->from, ev->seq,
		ev->bad_csum ? "(BAD CHECKSUM)" : "", ev->text);
	fflush(o->f);
}

static void timeout_event(const struct rt_out *o, const struct rt_event *ev)
{
	if (o->json) {
		json_begin(o, "timeout", ev->wall_us);
		json_target(o);
		fprintf(o->f, ", \"seq\": %u", ev->seq);
		json_egress(o, ev->egress);
		json_end(o);
		return;
	}
	/* iputils prints these even with -q. */
	print_stamp(o, ev->wall_us);
	print_prefix(o);
	fprintf(o->f, "no answer yet for icmp_seq=%u\n", ev->seq);
	fflush(o->f);
}

/*
 * Route changes: a JSON event, or one line on stderr so stdout stays what
 * iputils prints.
 */
static void route_change(const struct rt_out *o, const struct rt_event *ev)
{
	if (o->json) {
		json_begin(o, "route_change", ev->wall_us);
		json_target(o);
		fprintf(o->f, ", \"seq\": %u, \"from\": %s, \"to\": %s", ev->seq, ev->from_json,
			ev->to_json);
		rt_json_kstr(o->f, ", ", "cause", ev->cause);
		json_end(o);
		return;
	}
	fflush(o->f);
	fprintf(o->err, "%s: route changed before icmp_seq=%u: %s \u2192 %s\n", o->prog, ev->seq,
		ev->from_text, ev->to_text);
	fflush(o->err);
}

static void message(const struct rt_out *o, const struct rt_event *ev)
{
	fflush(o->f);
	fprintf(o->err, "%s: %s\n", o->prog, ev->text);
	fflush(o->err);
}

void rt_out_event(const struct rt_out *o, const struct rt_event *ev)
{
	/* Said on stderr, so -q does not hide it. */
	if (ev->kind == RT_EV_MESSAGE) {
		message(o, ev);
		return;
	}
	/* -q in JSON mode: only the start and summary objects. */
	if (o->json && o->quiet)
		return;
	switch (ev->kind) {
	case RT_EV_REPLY:
		if (o->json)
			json_reply(o, ev);
		else
			text_reply(o, ev);
		break;
	case RT_EV_ERROR:
	case RT_EV_LOCAL_ERROR:
	case RT_EV_SEND_ERROR:
		if (o->json)
			json_error(o, ev);
		else
			text_error(o, ev);
		break;
	case RT_EV_TIMEOUT:
		timeout_event(o, ev);
		break;
	case RT_EV_ROUTE_CHANGE:
		route_change(o, ev);
		break;
	case RT_EV_MESSAGE:
		break;
	case RT_EV_NOTICE:
		notice_event(o, ev);
		break;
	}
}

/* Echoes that asked for a report and got none (a neighbour never resolved...). */
static uint64_t unobserved(const struct rt_out *o)
{
	uint64_t seen = rt_egress_observed(o->egress);

	return o->egress->asked > seen ? o->egress->asked - seen : 0;
}

static void json_egress_counts(const struct rt_out *o, const struct rt_stats *st)
{
	const struct rt_egress_track *t = o->egress;
	char a[RT_ADDRSTRLEN];

	if (!t) {
		fputs(", \"egress\": null, \"egress_sampled\": null, \"egress_unobserved\": null",
		      o->f);
		return;
	}
	fputs(", \"egress\": [", o->f);
	for (size_t i = 0; i < t->nseen; i++) {
		const struct rt_egress *eg = &t->seen[i].eg;

		rt_json_kstr(o->f, i ? ", {" : "{", "source", rt_addr_str(&eg->src, a, sizeof(a)));
		rt_json_kstr(o->f, ", ", "device", eg->dev[0] ? eg->dev : NULL);
		fprintf(o->f, ", \"ifindex\": %u, \"echoes\": %" PRIu64 "}", eg->ifindex,
			t->seen[i].echoes);
	}
	fprintf(o->f, "], \"egress_sampled\": %" PRIu64 ", \"egress_unobserved\": %" PRIu64,
		t->asked, unobserved(o));
}

static void json_watch(const struct rt_out *o)
{
	const struct rt_watch_stats *w = o->watch;

	if (!w) {
		fputs(", \"route_watch\": null", o->f);
		return;
	}
	fprintf(o->f, ", \"route_watch\": {\"messages\": %" PRIu64 ", \"overruns\": %" PRIu64
		", \"requeries\": %" PRIu64 "}", w->messages, w->overruns, w->requeries);
}

/* -v: how many echoes left by each egress, after the rtt line. */
static void text_egress_counts(const struct rt_out *o, const struct rt_stats *st)
{
	const struct rt_egress_track *t = o->egress;
	char a[RT_ADDRSTRLEN];
	uint64_t n;

	if (!o->verbose)
		return;
	for (size_t i = 0; t && i < t->nseen; i++)
		fprintf(o->f, "egress %s %s: %" PRIu64 " echoes\n",
			rt_addr_str(&t->seen[i].eg.src, a, sizeof(a)), t->seen[i].eg.dev,
			t->seen[i].echoes);
	if (t && (n = unobserved(o)))
		fprintf(o->f, "egress not observed: %" PRIu64 " echoes\n", n);
	if (t && t->asked < st->ntransmitted)
		fprintf(o->f, "egress sampled: %" PRIu64 " of %" PRIu64 " echoes (flood: the first "
			"%d, then one each %lld ms)\n", t->asked, st->ntransmitted, RT_EGRESS_FIRST,
			RT_EGRESS_GAP_NS / 1000000);
	if (o->watch)
		fprintf(o->f, "route watch: %" PRIu64 " messages, %" PRIu64 " overruns, %" PRIu64
			" re-queries\n", o->watch->messages, o->watch->overruns,
			o->watch->requeries);
}

static void json_summary(const struct rt_out *o, const struct rt_stats *st)
{
	struct rt_rtt_summary r;
	bool timed = st->nreceived && o->timing;
	bool ipg = st->nreceived && o->ipg && st->ntransmitted > 1;
	char b[32];

	rt_stats_rtt(st, &r);
	json_begin(o, "summary", -1);
	rt_json_kstr(o->f, ", ", "host", o->host);
	rt_json_kstr(o->f, ", ", "addr", o->target_addr);
	fprintf(o->f, ", \"transmitted\": %" PRIu64 ", \"received\": %" PRIu64
		", \"duplicates\": %" PRIu64 ", \"corrupted\": %" PRIu64 ", \"errors\": %" PRIu64,
		st->ntransmitted, st->nreceived, st->nrepeats, st->nchecksum, st->nerrors);
	fprintf(o->f, ", \"loss_percent\": %s, \"time_ms\": %" PRId64,
		rt_fmt_loss(b, sizeof(b), rt_stats_loss(st)), rt_stats_elapsed_ms(st));
	json_ms(o->f, "rtt_min_ms", timed, r.min_us);
	json_ms(o->f, "rtt_avg_ms", timed, r.avg_us);
	json_ms(o->f, "rtt_max_ms", timed, r.max_us);
	json_ms(o->f, "rtt_mdev_ms", timed, r.mdev_us);
	if (st->pipesize > 1)
		fprintf(o->f, ", \"pipe\": %d", st->pipesize);
	else
		fputs(", \"pipe\": null", o->f);
	json_ms(o->f, "ipg_ms", ipg, rt_stats_ipg_us(st));
	json_ms(o->f, "ewma_ms", ipg, (int64_t)(st->ewma8 / 8));
	fprintf(o->f, ", \"route\": %s", o->route_json ? o->route_json : "null");
	json_egress_counts(o, st);
	json_watch(o);
	json_end(o);
}

/* The rtt / pipe / ipg line: iputils prints a bare newline when all are absent. */
static void text_rtt_line(const struct rt_out *o, const struct rt_stats *st)
{
	struct rt_rtt_summary r;
	char a[32], b[32], c[32], d[32];
	const char *sep = "";

	if (st->nreceived && o->timing) {
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

void rt_out_summary(const struct rt_out *o, const struct rt_stats *st)
{
	char b[32];

	if (o->json) {
		json_summary(o, st);
		return;
	}
	fprintf(o->f, "\n--- %s ping statistics ---\n", o->host);
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
	text_rtt_line(o, st);
	text_egress_counts(o, st);
}

void rt_out_status(const struct rt_out *o, const struct rt_stats *st)
{
	struct rt_rtt_summary r;
	char a[32], b[32], c[32], d[32];
	int loss = 0;

	if (st->ntransmitted)
		loss = (int)((st->ntransmitted - st->nreceived) * 100 / st->ntransmitted);
	fputc('\r', o->err);
	if (o->multi)
		fprintf(o->err, "%s: ", o->host);
	fprintf(o->err, "%" PRIu64 "/%" PRIu64 " packets, %d%% loss", st->nreceived,
		st->ntransmitted, loss);
	if (st->nreceived && o->timing) {
		rt_stats_rtt(st, &r);
		fprintf(o->err, ", min/avg/ewma/max = %s/%s/%s/%s ms",
			rt_fmt_ms3(a, sizeof(a), r.min_us), rt_fmt_ms3(b, sizeof(b), r.avg_us),
			rt_fmt_ms3(c, sizeof(c), (int64_t)(st->ewma8 / 8)),
			rt_fmt_ms3(d, sizeof(d), r.max_us));
	}
	fputc('\n', o->err);
	fflush(o->err);
}

void rt_out_run_summary(const struct rt_out *o, const struct rt_out_totals *t)
{
	if (o->json) {
		json_begin(o, "run_summary", -1);
		fprintf(o->f, ", \"targets\": %zu, \"answered\": %zu, \"unreachable\": %zu"
			", \"diverging\": %zu, \"failed\": %zu",
			t->total, t->answered, t->unreachable, t->diverging, t->failed);
		json_end(o);
		return;
	}
	fprintf(o->f, "\n%zu targets: %zu answered, %zu unreachable, %zu with route divergence\n",
		t->total, t->answered, t->unreachable, t->diverging);
	fflush(o->f);
}
