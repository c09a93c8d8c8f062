/*
 * The JSON printer: one complete object a line, flushed at once. Every
 * object has "type"; events also "timestamp" and the target they are
 * about. Absent values are null, never left out. The members are
 * documented in the man page's JSON OUTPUT section.
 */
#include <inttypes.h>

#include "rtping/egress.h"
#include "rtping/rpath_out.h"
#include "rtping/json.h"
#include "rtping/nodeinfo.h"
#include "rtping/route.h"
#include "rtping/stats.h"
#include "rtping/watch.h"
#include "output_int.h"

static void json_begin(const struct rt_out *o, const char *type, int64_t wall_us)
{
	fputs("{", o->f);
	rt_json_kstr(o->f, "", "type", type);
	if (wall_us >= 0)
		fprintf(o->f, ", \"timestamp\": %" PRId64 ".%06" PRId64, wall_us / 1000000,
			wall_us % 1000000);
}

static void json_end(const struct rt_out *o)
{
	fputs("}\n", o->f);
	fflush(o->f);
}

/* The target's address, with its scope ("fe80::1%eth0") wherever it is written. */
static void json_target_addr(FILE *f, const char *key, const struct rt_out_target *t)
{
	if (t->addr)
		rt_json_addr(f, ", ", key, t->addr, t->scope);
	else
		rt_json_kstr(f, ", ", key, NULL);
}

/* The target an event is about. */
static void json_target(const struct rt_out *o, const struct rt_event *ev)
{
	rt_json_kstr(o->f, ", ", "host", ev->tgt->host);
	json_target_addr(o->f, "target_addr", ev->tgt);
}

static void json_ms(FILE *f, const char *key, bool have, int64_t us)
{
	char b[32];

	if (have)
		fprintf(f, ", \"%s\": %s", key, rt_fmt_ms3(b, sizeof(b), us));
	else
		fprintf(f, ", \"%s\": null", key);
}

/* A transmit report's egress: source (null when the report has none), device, ifindex. */
static void json_egress_members(const struct rt_out *o, const char *sep,
				const struct rt_egress *eg)
{
	rt_json_addr(o->f, sep, "source", &eg->src, eg->dev);
	rt_json_kstr(o->f, ", ", "device", eg->dev[0] ? eg->dev : NULL);
	fprintf(o->f, ", \"ifindex\": %u", eg->ifindex);
}

static void json_egress(const struct rt_out *o, const struct rt_egress *eg)
{
	fputs(", \"egress\": ", o->f);
	if (!eg) {
		fputs("null", o->f);
		return;
	}
	json_egress_members(o, "{", eg);
	fputs("}", o->f);
}

static void json_ingress(const struct rt_out *o, const struct rt_event *ev)
{
	if (!ev->ingress) {
		fputs(", \"ingress\": null", o->f);
		return;
	}
	rt_json_kstr(o->f, ", \"ingress\": {", "device", ev->ingress_dev);
	fprintf(o->f, ", \"ifindex\": %u}", ev->ingress);
}

static void json_route(const struct rt_out *o, const struct rt_out_target *t)
{
	fprintf(o->f, ", \"route\": %s", t->route_json ? t->route_json : "null");
}

void rt_out_json_header(const struct rt_out *o, const struct rt_out_target *t,
			const char *addr, const char *src, const char *dev, long size,
			int64_t wall_us)
{
	json_begin(o, "start", wall_us);
	rt_json_kstr(o->f, ", ", "host", t->host);
	if (t->addr)
		json_target_addr(o->f, "addr", t);
	else
		rt_json_kstr(o->f, ", ", "addr", addr);
	json_target_addr(o->f, "target_addr", t);
	fprintf(o->f, ", \"data_bytes\": %ld", size);
	rt_json_kstr(o->f, ", ", "source", src);
	rt_json_kstr(o->f, ", ", "device", dev && *dev ? dev : NULL);
	json_route(o, t);
	json_end(o);
}

struct answers {
	FILE *f;
	bool first;
};

static void json_answer(void *ctx, const char *answer)
{
	struct answers *a = ctx;

	fputs(a->first ? "" : ", ", a->f);
	rt_json_str(a->f, answer);
	a->first = false;
}

/* -N: the node information reply as values; null for an echo reply. */
static void json_node_info(const struct rt_out *o, const struct rt_ni_reply *r)
{
	struct answers a = { .f = o->f, .first = true };
	const char *err;

	fputs(", \"node_info\": ", o->f);
	if (!r) {
		fputs("null", o->f);
		return;
	}
	fprintf(o->f, "{\"qtype\": %u, \"code\": %u, \"answers\": [", r->qtype, r->code);
	err = rt_ni_answers(r, json_answer, &a);
	fprintf(o->f, "], \"truncated\": %s", r->flags & RT_NI_FLAG_TRUNCATE ? "true" : "false");
	rt_json_kstr(o->f, ", ", "error", err);
	fputs("}", o->f);
}

static void reply(const struct rt_out *o, const struct rt_event *ev)
{
	json_begin(o, ev->dup ? "dup" : "reply", ev->wall_us);
	json_target(o, ev);
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
	json_node_info(o, ev->ni);
	json_egress(o, ev->egress);
	json_ingress(o, ev);
	json_end(o);
}

static void error(const struct rt_out *o, const struct rt_event *ev)
{
	bool local = ev->kind != RT_EV_ERROR;

	json_begin(o, "error", ev->wall_us);
	json_target(o, ev);
	fprintf(o->f, ", \"local\": %s", local ? "true" : "false");
	/* A failed send's sequence is known; the error queue's local errors quote none. */
	if (ev->kind == RT_EV_LOCAL_ERROR)
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

/* A redirect or source quench about one of our probes: counted nowhere. */
static void notice(const struct rt_out *o, const struct rt_event *ev)
{
	json_begin(o, "notice", ev->wall_us);
	json_target(o, ev);
	fprintf(o->f, ", \"seq\": %u", ev->seq);
	rt_json_kstr(o->f, ", ", "addr", ev->addr);
	rt_json_kstr(o->f, ", ", "from", ev->from);
	fprintf(o->f, ", \"icmp_type\": %u, \"icmp_code\": %u, \"bad_checksum\": %s",
		ev->type, ev->code, ev->bad_csum ? "true" : "false");
	rt_json_kstr(o->f, ", ", "message", ev->text);
	json_end(o);
}

static void timeout(const struct rt_out *o, const struct rt_event *ev)
{
	json_begin(o, "timeout", ev->wall_us);
	json_target(o, ev);
	fprintf(o->f, ", \"seq\": %u", ev->seq);
	json_egress(o, ev->egress);
	json_end(o);
}

static void route_change(const struct rt_out *o, const struct rt_event *ev)
{
	json_begin(o, "route_change", ev->wall_us);
	json_target(o, ev);
	fprintf(o->f, ", \"seq\": %u, \"from\": ", ev->seq);
	rt_route_json(o->f, ev->route_from);
	fputs(", \"to\": ", o->f);
	rt_route_json(o->f, ev->route_to);
	rt_json_kstr(o->f, ", ", "cause", ev->cause);
	json_end(o);
}

void rt_out_json_event(const struct rt_out *o, const struct rt_event *ev)
{
	switch (ev->kind) {
	case RT_EV_REPLY:
		reply(o, ev);
		break;
	case RT_EV_ERROR:
	case RT_EV_LOCAL_ERROR:
	case RT_EV_SEND_ERROR:
		error(o, ev);
		break;
	case RT_EV_TIMEOUT:
		timeout(o, ev);
		break;
	case RT_EV_ROUTE_CHANGE:
		route_change(o, ev);
		break;
	case RT_EV_NOTICE:
		notice(o, ev);
		break;
	case RT_EV_MESSAGE:   /* stderr, as text (src/output.c) */
		break;
	}
}

static void egress_counts(const struct rt_out *o, const struct rt_out_counts *c)
{
	if (!c->egress) {
		fputs(", \"egress\": null, \"egress_sampled\": null, \"egress_unobserved\": null",
		      o->f);
		return;
	}
	fputs(", \"egress\": [", o->f);
	for (size_t i = 0; i < c->negress; i++) {
		json_egress_members(o, i ? ", {" : "{", &c->egress[i].eg);
		fprintf(o->f, ", \"echoes\": %" PRIu64 "}", c->egress[i].echoes);
	}
	fprintf(o->f, "], \"egress_sampled\": %" PRIu64 ", \"egress_unobserved\": %" PRIu64,
		c->asked, c->unobserved);
}

static void watch_counts(const struct rt_out *o, const struct rt_watch_stats *w)
{
	if (!w) {
		fputs(", \"route_watch\": null", o->f);
		return;
	}
	fprintf(o->f, ", \"route_watch\": {\"messages\": %" PRIu64 ", \"overruns\": %" PRIu64
		", \"requeries\": %" PRIu64 "}", w->messages, w->overruns, w->requeries);
}

/* A target's summary; error: why its run ended early or never began (NULL none). */
static void summary(const struct rt_out *o, const struct rt_out_target *t,
		    const struct rt_stats *st, const struct rt_out_counts *c, const char *error)
{
	struct rt_rtt_summary r;
	bool timed = st->nreceived && t->timing;
	bool ipg = st->nreceived && o->ipg && st->ntransmitted > 1;
	char b[32];

	rt_stats_rtt(st, &r);
	json_begin(o, "summary", -1);
	rt_json_kstr(o->f, ", ", "host", t->host);
	json_target_addr(o->f, "addr", t);
	json_target_addr(o->f, "target_addr", t);
	fprintf(o->f, ", \"transmitted\": %" PRIu64 ", \"received\": %" PRIu64
		", \"duplicates\": %" PRIu64 ", \"corrupted\": %" PRIu64 ", \"errors\": %" PRIu64
		", \"send_errors\": %" PRIu64, st->ntransmitted, st->nreceived, st->nrepeats,
		st->nchecksum, st->nerrors, st->nsendfail);
	/* As the text, which says neither loss nor time before a first echo. */
	if (st->ntransmitted)
		fprintf(o->f, ", \"loss_percent\": %s, \"time_ms\": %" PRId64,
			rt_fmt_loss(b, sizeof(b), rt_stats_loss(st)), rt_stats_elapsed_ms(st));
	else
		fputs(", \"loss_percent\": null, \"time_ms\": null", o->f);
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
	json_route(o, t);
	egress_counts(o, c);
	watch_counts(o, c->watch);
	rt_json_kstr(o->f, ", ", "error", error);
	fputs(", \"return_path\": ", o->f);
	rt_rpath_json(o->f, c->rpath);
	json_end(o);
}

void rt_out_json_summary(const struct rt_out *o, const struct rt_out_target *t,
			 const struct rt_stats *st, const struct rt_out_counts *c)
{
	summary(o, t, st, c, c->error);
}

void rt_out_json_failed(const struct rt_out *o, const struct rt_out_target *t,
			const char *error)
{
	static const struct rt_out_counts none;
	struct rt_stats zero = { .pipesize = -1 };

	summary(o, t, &zero, &none, error);
}

void rt_out_json_run_summary(const struct rt_out *o, const struct rt_out_totals *t)
{
	json_begin(o, "run_summary", -1);
	fprintf(o->f, ", \"targets\": %zu, \"answered\": %zu, \"unreachable\": %zu"
		", \"diverging\": %zu, \"failed\": %zu, \"not_probed\": %zu",
		t->total, t->answered, t->unreachable, t->diverging, t->failed, t->unprobed);
	json_end(o);
}
