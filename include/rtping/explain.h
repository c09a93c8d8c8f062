/*
 * explain: put the netlink answer for the ICMP echo flow beside the UDP
 * connect check's, and say why they differ. Rendering is text or JSON.
 */
#ifndef RTPING_EXPLAIN_H
#define RTPING_EXPLAIN_H

#include <stdbool.h>
#include <stdio.h>
#include <net/if.h>

#include "rtping/egress.h"
#include "rtping/route.h"
#include "rtping/rules.h"
#include "rtping/udpconnect.h"

#define RT_REASONS_MAX 16

struct rt_facts;

/* A rule that one flow takes and the other does not, or the rule that failed the echo flow. */
struct rt_reason {
	uint32_t pref;
	uint32_t table;          /* 0 for non-lookup actions */
	uint8_t action;
	uint32_t goto_pref;      /* the goto's target; 0 for other actions */
	bool icmp_matches;       /* which side the rule selects */
	bool udp_matches;
	char selector[160];
	/*
	 * The rule has selectors rtping cannot evaluate (named here): it may or
	 * may not select either side; never blamed for an error.
	 */
	bool unsure;
	char unknown[48];
};

/* One next hop of a multipath route, and the source the kernel gives it. */
struct rt_cand {
	struct rt_addr src;
	uint32_t ifindex;
	char dev[IF_NAMESIZE];
	struct rt_addr gateway;
	int err;                     /* the query through it failed */
};

struct rt_explain {
	struct rt_flow flow;         /* the ICMP echo flow (its iface: -I name, "" none) */
	/*
	 * What each echo is routed by: flow, or with -C flow from the source
	 * connect() fixed (connect_route: the kernel's answer for connect()'s
	 * own key, sport connect_sport and dport 0).
	 */
	struct rt_flow echo;
	int connect_err;
	struct rt_route connect_route;
	bool connect_picked;         /* the source is connect()'s pick (nothing bound first) */
	/*
	 * No route without a source: the kernel selected one (echo.src, the UDP
	 * probe's) and its lookup from that source is the answer (IPv6).
	 */
	bool src_selected;
	char oif_name[IF_NAMESIZE];  /* the flow's device: -I, or the IPv6 scope */
	int nl_err;                  /* netlink unusable: answer from the probe */
	bool fallback;
	bool unverified;             /* kernel has no strict checking */
	bool dropped_proto;          /* kernel refused RTA_IP_PROTO */
	int route_err;
	bool rule_error;             /* a rule's action gave route_err: reasons[0] */
	bool rule_unsure;            /* a rule rtping cannot evaluate may have: reasons[0] */
	struct rt_route route;       /* the kernel's decision for the flow */
	int match_err;
	struct rt_route match;       /* RTM_F_FIB_MATCH: the entry that decided */
	int udpc_err;
	struct rt_udpc udpc;         /* the UDP-connect check */
	int udp_err;
	struct rt_route udp_route;   /* the UDP flow, asked over netlink */
	bool agree;
	bool hash_dependent;         /* multipath with a hash the query cannot express */
	struct rt_cand cands[RT_NH_MAX];   /* a multipath route's next hops */
	size_t ncands;
	bool flowlabel_hashed;       /* IPv6 multipath and -F: the label enters the hash */
	int rules_err;
	struct rt_reason reasons[RT_REASONS_MAX];
	size_t nreasons;
	const struct rt_facts *facts; /* --explain-route's path facts (src/facts.c); NULL none */
};

/*
 * The policy rules for many explanations (the audit): dumped once per
 * family and reused for up to RT_RULES_CACHE_NS, so a rule changed during
 * a long audit is seen within that time.
 */
#define RT_RULES_CACHE_NS 1000000000LL
struct rt_rules_cache {
	struct rt_rules v[2];        /* [0] inet, [1] inet6 */
	int err[2];
	int64_t at[2];               /* CLOCK_MONOTONIC of the dump; 0 none */
};

/* What an explanation asks with (src/plan.c fills it from the plan's env). */
struct rt_explain_ctx {
	struct rt_nl *nl;                /* NULL: netlink unusable, nl_err says why */
	int nl_err;
	struct rt_rules_cache *rules;    /* NULL: the rules dumped for this explanation */
	struct rt_udpc_sock *probe;      /* the UDP-connect check's socket; NULL: a new one */
	/*
	 * Only what the audit's line shows: the matched entry (match, the
	 * candidates, the hashing flags) is asked only for a difference that no
	 * rule explains, the UDP flow's route only for a difference (not for an
	 * agreement or a route error); otherwise match_err, udp_err are -ENOMSG,
	 * not asked.
	 */
	bool brief;
};

/*
 * Runs both lookups for the flow f (src/plan.c is the caller). Without
 * c->nl, the answer is the UDP-connect check's; the rules come from
 * c->rules (refreshed when old). Returns 0 when a source was found (from
 * netlink, or the UDP-connect check on fallback), else the route error
 * (-ENETUNREACH, -EACCES, ...).
 */
int rt_explain_run(const struct rt_explain_ctx *c, const struct rt_flow *f,
		   struct rt_explain *ex);
void rt_rules_cache_free(struct rt_rules_cache *cache);

/*
 * Pure: the route the echo takes, as one value. The source is netlink's
 * (or the bound one), or the UDP-connect check's on fallback; the device
 * is the flow's -I name when the kernel gave no answer.
 */
void rt_explain_snapshot(const struct rt_explain *ex, struct rt_route_snap *out);
/* Pure: the source the echo leaves with: netlink's, or the UDP check's on fallback. */
const struct rt_addr *rt_explain_source(const struct rt_explain *ex);

/* One flow and the table the kernel answered it from (0: unknown). */
struct rt_side {
	const struct rt_flow *flow;
	uint32_t table;
};

/*
 * Pure: the rules, in pref order, that one flow's walk takes (following
 * goto, as the kernel does) and whose selector the other flow fails. The
 * walks end at the lookup of the table each side was answered from (when
 * known). A rule before a walk's end that rtping cannot evaluate for that
 * flow is listed too, as unsure. Returns how many are in out, or -ENOMEM.
 */
int rt_explain_reasons(const struct rt_rules *rules, const char *oif_name,
		       struct rt_side icmp, struct rt_side udp,
		       struct rt_reason *out, size_t max);

/*
 * The route asked again (route and matched entry only: no probe, no rules),
 * after a routing change. 0 or the route error.
 */
int rt_explain_requery(struct rt_nl *nl, struct rt_explain *ex);

/*
 * --verify: the kernel's report of one echo sent on the flow, kept apart
 * from the answers it is held against. Printers take NULL without --verify.
 */
struct rt_verified {
	int err;                     /* no transmit report came: why */
	struct rt_egress eg;         /* the echo's egress, from the report */
};

void rt_explain_text(FILE *out, const struct rt_explain *ex, const struct rt_verified *v,
		     const char *dest);
/* Pure: the route decision as the printers show it (the JSON "netlink" object). */
void rt_explain_route_view(const struct rt_explain *ex, struct rt_route_view *v);
/*
 * The JSON object, one line (src/explain_json.c): type "explain", or with
 * input (where an audit line came from: "hosts line 3") type "audit".
 */
void rt_explain_json(FILE *out, const struct rt_explain *ex, const struct rt_verified *v,
		     const char *dest, const char *input);
/* --verify: the observed egress differs from the prediction (false: v NULL, or no report). */
bool rt_explain_observed_differs(const struct rt_explain *ex, const struct rt_verified *v);
/*
 * The JSON object when there is no flow to ask about (unknown host, bad
 * -I, a bad audit line): the report's members, empty or null, and "error"
 * (dest, addr, fam may be NULL; input as for rt_explain_json()).
 */
void rt_explain_json_error(FILE *out, const char *dest, const struct rt_addr *addr,
			   const struct rt_family *fam, const char *error, const char *input);
/* What an explanation comes to, for the audit's counts and exit code. */
enum rt_verdict {
	RT_VERDICT_AGREE,
	RT_VERDICT_DIFFER,
	RT_VERDICT_ERROR,        /* no route, or netlink refused (nothing to compare) */
};
enum rt_verdict rt_explain_verdict(const struct rt_explain *ex);

/*
 * --audit: the report on one line, "DEST (ADDR)  src S dev D table T  agree"
 * (ADDR only when DEST is a name), DIFFERS (the probe's source; the rules)
 * or ERROR reason.
 */
void rt_explain_line(FILE *out, const struct rt_explain *ex, const char *dest);

/* Ping mode: a warning line on err when the answers differ or netlink failed. */
void rt_explain_warn(FILE *err, const char *prog, const struct rt_explain *ex);

#endif
