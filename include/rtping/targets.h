/*
 * The targets of a ping run: the operands, then --file (one a line), each
 * once, in argument order. One target is a list of one. Per-target state
 * is allocated once, when the list is complete, and stays small (its
 * statistics, deadlines and route summary): what the engine
 * and the printers need, nothing per packet beyond the window of sends.
 */
#ifndef RTPING_TARGETS_H
#define RTPING_TARGETS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rtping/addr.h"
#include "rtping/policy.h"

struct rt_family;
struct rt_opts;
struct rt_out_totals;
struct rt_peer;
struct rt_stats;

/*
 * The most targets in one run: raw sockets give each its own echo
 * identifier, and there are 65536 of those.
 */
#define RT_TARGETS_MAX 65536

enum rt_tstate {
	RT_TGT_NEW,          /* listed, not resolved yet */
	RT_TGT_FAILED,       /* could not be pinged: reported, exit 2 at the end */
	RT_TGT_READY,        /* resolved, flow and route known */
	RT_TGT_RUNNING,
	RT_TGT_DONE,         /* its run is over (-c, -w, linger) */
};

struct rt_tgt {
	const char *typed;           /* as typed (argv, or a copy of a file line) */
	const char *name;            /* for headers: canonical, or typed */
	const struct rt_family *fam;
	uint32_t scope;              /* IPv6 scope id */
	uint32_t same_next;          /* next target with the same address; UINT32_MAX none */
	uint8_t state;               /* enum rt_tstate */
	bool owned_name;             /* name: a canonical name, malloc'ed */
	bool numeric;                /* replies shown by address (-n, or a numeric IPv4 target) */
	bool shared;                 /* another target has the same address */
	bool diverges;               /* the UDP probe's answer differs from the kernel's */
	bool hashed;                 /* multipath by a hash no query can express: no one source */
	bool refused;                /* the kernel refuses the echo flow, not the UDP probe's:
	                              * every send fails, as iputils' do */
	bool group;                  /* broadcast or multicast: many may answer */
	bool last_unsent;            /* the last probe's send failed: it never left */
	bool stuck_said;             /* "echoes cannot leave" said (many targets) */
	bool sendfail_said;          /* a failed send said (many targets: once each) */
	struct rt_addr src;          /* the echo's route: its source, device (header, -B) */
	uint32_t ifindex;
	struct rt_addr gateway;      /* the route's next hop; unset: on-link */
	char *route_json;            /* --json: the route object; NULL otherwise */
	char *why;                   /* --json, failed: its summary's error; NULL otherwise */
	struct rt_run run;
};

/* A name while the list is read: 16 bytes, so reading costs little. */
struct rt_tname {
	const char *s;
	bool said_dup;               /* "listed more than once" said */
};

struct rt_targets {
	struct rt_tgt *t;            /* allocated once, by rt_targets_seal() */
	struct rt_peer *peers;       /* [i]: target i's address, echo id and stats */
	struct rt_stats *st;         /* [i]: target i's counters (peers point here) */
	size_t n;
	/* While the list is read: the names, hashed by address or text to drop duplicates. */
	struct rt_tname *names;
	size_t cap;
	uint32_t *seen;
	size_t seen_mask;
	/* Copied names, packed in blocks (a strdup() each cost 32 bytes for 14). */
	char *arena;                 /* current block: a link to the previous, then names */
	size_t arena_used;
};

enum rt_tadd {
	RT_TADD_OK,
	RT_TADD_DUP,          /* already listed: pinged once, said once */
	RT_TADD_FULL,         /* RT_TARGETS_MAX reached */
	RT_TADD_NOMEM,
};

/*
 * Appends name (copy: it is copied, else it must outlive the list).
 * Duplicates (one address however it is spelled, with its scope for
 * IPv6; a name by its text) are not added. *at: its index (the first's
 * for a duplicate, whose names[*at].said_dup the caller may set).
 */
enum rt_tadd rt_targets_add(struct rt_targets *l, const char *name, bool copy, size_t *at);
/* The list is complete: per-target state allocated, once. 0 or -ENOMEM. */
int rt_targets_seal(struct rt_targets *l);
/*
 * After addresses are set, marks targets that share one and chains them
 * (left unmarked when the sort's index array cannot be allocated).
 */
void rt_targets_link_shared(struct rt_targets *l);
void rt_targets_free(struct rt_targets *l);

/* Pure: what a run comes to, for the closing line and the exit code. */
void rt_targets_totals(const struct rt_targets *l, const struct rt_opts *o,
		       struct rt_out_totals *out);

#endif
