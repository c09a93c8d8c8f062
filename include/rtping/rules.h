/*
 * Policy rules (RTM_GETRULE dump) and which of them tell two flows apart:
 * the explanation when the UDP probe and the ICMP flow disagree.
 */
#ifndef RTPING_RULES_H
#define RTPING_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <net/if.h>

#include "rtping/addr.h"
#include "rtping/nl.h"

struct rt_rule {
	uint32_t pref;
	uint32_t table;
	uint8_t action;                 /* FR_ACT_* */
	uint32_t goto_pref;             /* FRA_GOTO: the pref a goto jumps to */
	bool invert;                    /* "not" */
	struct rt_addr src, dst;
	uint8_t src_len, dst_len;
	uint8_t tos;
	bool has_mark;
	uint32_t mark, mark_mask;
	uint8_t ipproto;                /* 0 = any */
	bool has_sport, has_dport, has_uid;
	uint16_t sport_lo, sport_hi, dport_lo, dport_hi;
	uint16_t sport_mask, dport_mask;  /* Linux 6.15: lo/mask replaces the range; 0 none */
	uint32_t uid_lo, uid_hi;
	char iif[IF_NAMESIZE], oif[IF_NAMESIZE];
	bool l3mdev;
	int suppress_prefixlen;         /* -1 when unset */
	/*
	 * Selectors rtping cannot evaluate (RT_RULE_SEL_* bits), with what the
	 * dump said of them: such a rule may or may not match ("cannot tell").
	 */
	unsigned unknown;
	uint8_t dscp, dscp_mask;
	uint32_t flowlabel, flowlabel_mask;   /* network order, as the kernel keeps them */
	uint16_t other_attr;            /* RT_RULE_SEL_OTHER: the first attribute type not known */
};

enum {
	RT_RULE_SEL_DSCP = 1 << 0,       /* FRA_DSCP (Linux 6.13), FRA_DSCP_MASK */
	RT_RULE_SEL_FLOWLABEL = 1 << 1,  /* FRA_FLOWLABEL, FRA_FLOWLABEL_MASK (6.14) */
	RT_RULE_SEL_TUN_ID = 1 << 2,     /* FRA_TUN_ID: metadata a route query lacks */
	RT_RULE_SEL_OTHER = 1 << 3,      /* an attribute newer than rtping: it may select */
};

struct rt_rules {
	struct rt_rule *v;
	size_t n, cap;
};

void rt_rules_free(struct rt_rules *r);

/* The mnl callback for RTM_NEWRULE; data is a struct rt_rules. */
int rt_rule_cb(const struct nlmsghdr *nlh, void *data);

/* Pure: parse a dump reply buffer (may be one of several). 1 more, 0 done, -errno. */
int rt_rules_parse(const void *buf, size_t len, uint32_t seq, uint32_t portid,
		   struct rt_rules *out);

/* Pure: orders by pref, keeping the kernel's order among rules of one pref. */
void rt_rules_sort(struct rt_rules *r);

/* Dumps the family's rules, sorted by pref. 0 or -errno. */
int rt_rules_dump(struct rt_nl *nl, int af, struct rt_rules *out);

/*
 * Would the kernel's fib rule walk take this rule's selector for flow f
 * (an output lookup: iif is lo; oif_name is the bound device or "")?
 * Ignores the action.
 */
bool rt_rule_matches(const struct rt_rule *r, const struct rt_flow *f, const char *oif_name);
/*
 * Pure: r has a selector rtping cannot evaluate and the rest does not rule
 * f out (an inverted one: always), so whether it matches f is unknown.
 * rt_rule_matches() and the walk never take such a rule as matching.
 */
bool rt_rule_unsure(const struct rt_rule *r, const struct rt_flow *f, const char *oif_name);
/* The selectors r has that rtping cannot evaluate, "dscp, flowlabel"; "" if none. */
const char *rt_rule_unknown_names(const struct rt_rule *r, char *buf, size_t len);

/*
 * Pure: walks the rules for flow f as fib_rules_lookup() does: a goto
 * jumps to the first rule with its target pref, an unresolved goto or a
 * nop passes. A lookup in `table` ends the walk (the kernel answered from
 * it; 0 if unknown: every lookup falls through), as does a blackhole,
 * unreachable or prohibit rule. Sets taken[i] (rules->n entries) for each
 * rule the walk acts on. Returns the index of the rule that ended the
 * walk, or rules->n.
 */
size_t rt_rules_walk(const struct rt_rules *rules, const struct rt_flow *f,
		     const char *oif_name, uint32_t table, bool *taken);

/* RTN_BLACKHOLE/UNREACHABLE/PROHIBIT for a rule action that ends a lookup, else RTN_UNSPEC. */
uint8_t rt_rule_action_type(uint8_t action);
/* The error such a rule gives a lookup (fib4/fib6_rule_action), or 0. */
int rt_rule_action_errno(uint8_t action);

/* Selector text in ip-rule(8) words ("ipproto udp dport 1025"), "all" if none. */
const char *rt_rule_selector(const struct rt_rule *r, char *buf, size_t len);

#endif
