/*
 * One event struct per thing that happens (reply, error, timeout, summary);
 * the same event feeds the iputils-exact text printer and the --json
 * printer, so the two cannot drift apart.
 */
#ifndef RTPING_OUTPUT_H
#define RTPING_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <net/if.h>

#include "rtping/ipopt.h"

struct rt_addr;
struct rt_egress;
struct rt_egress_seen;
struct rt_ni_reply;
struct rt_route_view;
struct rt_rpath;
struct rt_stats;
struct rt_watch_stats;

/*
 * One target as the printers name it: built once by the engine when it
 * starts the target, and pointed at by each of the target's events.
 * Small: a run has up to 65536 targets.
 */
struct rt_out_target {
	const char *host;           /* as typed or canonical, for the headers */
	const struct rt_addr *addr; /* its address (JSON "target_addr"); NULL none */
	char scope[IF_NAMESIZE];    /* a link-local address's device (JSON "%dev"); "" none */
	const char *route_json;     /* JSON start event's "route" object; NULL: null */
	rt_ipopt_name_fn name;      /* addresses inside IP options; NULL numeric */
	struct rt_ipopt_rr *rr;     /* -R: its last route shown, for "(same route)"; NULL none */
	void *name_ctx;
	uint32_t flowlabel;         /* -F: ", flow 0x%05x, " in the IPv6 header; 0 none */
	bool v6;                    /* "56 data bytes" header */
	bool prefix;                /* reply lines too start with "HOST: " */
	bool quiet_dup;             /* text omits (DUP!); JSON still types "dup" */
	bool timing;                /* times and the rtt line (-s >= 16, echoes only) */
};

enum rt_ev_kind {
	RT_EV_REPLY,        /* echo reply (dup / bad checksum flagged) */
	RT_EV_ERROR,        /* ICMP error about one of our probes */
	RT_EV_LOCAL_ERROR,  /* our own stack refused (error queue, local origin) */
	RT_EV_TIMEOUT,      /* -O: no answer yet when the next probe leaves */
	RT_EV_SEND_ERROR,   /* sendto() failed: err says why */
	RT_EV_NOTICE,       /* a redirect / source quench quoting our probe (not counted) */
	RT_EV_ROUTE_CHANGE, /* the echo flow's route changed (cause), or its egress did */
	RT_EV_MESSAGE,      /* one line for the user (stderr), e.g. an egress that diverges */
};

struct rt_event {
	enum rt_ev_kind kind;
	const struct rt_out_target *tgt;   /* the target it is about */
	int64_t wall_us;            /* CLOCK_REALTIME at the event: -D and JSON */
	uint16_t seq;
	const char *from;           /* as printed: "name (addr)" or "addr" */
	const char *addr;           /* numeric address of the sender */
	/* Replies. */
	size_t bytes;               /* ICMP bytes received */
	int ttl;                    /* -1 unknown */
	bool timed;                 /* RTT shown (iputils: -s >= 16) */
	int64_t rtt_us;
	bool dup, bad_csum, wrong_src, truncated;
	bool show_ident;            /* -v on a raw socket */
	uint16_t ident;
	const uint8_t *data;        /* reply payload, for the dump below: as received, */
	size_t data_len;            /* at most the -s bytes that were sent */
	bool wrong_data;            /* a payload byte differs: iputils dumps the payload */
	size_t wrong_at;            /* its offset in the data, and what was sent there */
	uint8_t wrong_want;
	const char *ni_text;        /* -N: the node information reply, as iputils words it
	                             * (" name., alias; seq=1;"), instead of " icmp_seq=N" */
	const struct rt_ni_reply *ni;  /* -N: the same reply, for JSON; NULL otherwise */
	const uint8_t *ipopts;      /* IPv4 options of the reply: RR:/TS:/NOP lines */
	size_t ipopts_len;
	uint32_t ingress;           /* the device the reply came in on; 0 unknown */
	const char *ingress_dev;    /* its name; NULL unknown */
	bool ingress_other;         /* not the device the echo left by (-v says it) */
	/* Errors. */
	uint8_t type, code;
	const char *text;           /* "Destination Host Unreachable" */
	/* Notices: bad_csum above; text "Redirect Host(New nexthop: 10.0.0.7)". */
	int err;                    /* local errors: errno */
	bool unsaid;                /* a failed send the text does not mention (iputils
	                             * says one only when it knows more): JSON only */
	uint32_t info;              /* local EMSGSIZE: mtu */
	/* Replies, timeouts, errors: where the echo left (NULL: no report). */
	const struct rt_egress *egress;
	/* Route changes: both routes, and why. */
	const struct rt_route_view *route_from, *route_to;
	const char *cause;          /* "route", "rule", "address", "link", "observed" */
};

/* How to print: set by rt_out_init() for the whole run, never changed. */
struct rt_out {
	FILE *f;
	FILE *err;
	const char *prog;
	bool json, quiet, flood, timestamps, audible;
	bool ipg;                   /* flood / adaptive / -i 0: the ipg/ewma part */
	bool precise;               /* -3: reply times as %ld.%03ld, never rounded */
	bool multi;                 /* more than one target: stderr lines name it */
	bool verbose;               /* -v: egress on reply lines and in the summary */
};

struct rt_opts;
/*
 * A run's printer from its options: stdout for events, stderr for status.
 * multi: the run has several targets.
 */
void rt_out_init(struct rt_out *o, const struct rt_opts *opts, const char *prog, bool multi);
/*
 * iputils' payload check on a reply's data (len bytes as received, size
 * sent, pattern NULL without -p): sets the event's "wrong data byte" dump.
 */
void rt_event_check_data(struct rt_event *ev, const uint8_t *data, size_t len,
			 const uint8_t *pattern, size_t pattern_len, size_t size);

/*
 * -p: iputils' "PATTERN: 0x..." line, printed before the header (text
 * only); pat NULL without -p, len 0 for -p '' ("PATTERN: 0x").
 */
void rt_out_pattern(const struct rt_out *o, const uint8_t *pat, size_t len);
/*
 * Target t's header line(s), not flushed (text); src NULL for iputils' default header.
 * ip_hdr_len counts any IPv4 options the requests carry (iputils: 60 with -R or -T);
 * wall_us: CLOCK_REALTIME now, the JSON start event's timestamp.
 */
void rt_out_header(const struct rt_out *o, const struct rt_out_target *t, const char *addr,
		   const char *src, const char *dev, long size, size_t ip_hdr_len,
		   int64_t wall_us);
/*
 * Whether a reply's event is shown with its sender and data check: not
 * under -q, nor as a text flood's dots. The engine skips the lookup and
 * the check otherwise (iputils checks the data only for lines it prints).
 */
bool rt_out_reply_detail(const struct rt_out *o);
/* Flood mode: one dot per probe sent. */
void rt_out_sent(const struct rt_out *o);
void rt_out_event(const struct rt_out *o, const struct rt_event *ev);

/* What a summary says beside the statistics; the engine fills it. */
struct rt_out_counts {
	/* Transmit reports: echoes per egress; egress NULL when the kernel gives none. */
	const struct rt_egress_seen *egress;
	size_t negress;
	uint64_t asked;             /* echoes that asked for a report */
	uint64_t unobserved;        /* of those, echoes no report came for */
	bool sampled;               /* a many-target run sampled each fast target, as a flood does */
	/* The route watch's counts; NULL when no watch ran. */
	const struct rt_watch_stats *watch;
	/* Why the run ended early (JSON's "error"); NULL when it ended normally. */
	const char *error;
	/* The run ended with loss: the return path the kernel describes; NULL none. */
	const struct rt_rpath *rpath;
};
/*
 * Target t's final statistics (text block or the JSON summary object). Like the text
 * header, not flushed: the caller flushes once after all targets'.
 */
void rt_out_summary(const struct rt_out *o, const struct rt_out_target *t,
		    const struct rt_stats *st, const struct rt_out_counts *c);
/*
 * Target t could not be pinged (no address, no route), for error's
 * reason: JSON has its summary object, with the error and nothing sent;
 * text says nothing (its stderr line was said when it failed).
 */
void rt_out_failed(const struct rt_out *o, const struct rt_out_target *t, const char *error);
/* SIGQUIT: target t's status line on stderr. */
void rt_out_status(const struct rt_out *o, const struct rt_out_target *t,
		   const struct rt_stats *st);

/* Many targets: how the run went, after every target's statistics. */
struct rt_out_totals {
	size_t total, answered;     /* answered: at least one reply */
	size_t met;                 /* ended as iputils' exit 0 (with -w, -c replies) */
	size_t unreachable;         /* probed, not answered */
	size_t diverging;
	size_t failed;              /* could not be pinged */
	size_t unprobed;            /* interrupted before its first echo */
};
/*
 * "N targets: A answered, B unreachable, C with route divergence" (with
 * ", F failed" and ", P not probed" before the divergence when there are
 * any), or the JSON {"type": "run_summary", ...} object.
 */
void rt_out_run_summary(const struct rt_out *o, const struct rt_out_totals *t);

/*
 * iputils' warning (two lines for EPERM) when SO_MARK was refused
 * (mark_err an errno); nothing when it was not. Ping, explain and the
 * audit say it before their first line.
 */
void rt_out_mark_warning(FILE *err, const char *prog, int mark_err, uint32_t mark);

#endif
