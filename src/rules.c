/*
 * Policy rules: dump, parse, and match a flow against a rule's selectors
 * the way fib_rule_match() and fib4/fib6_rule_match() do in the kernel.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/fib_rules.h>
#include <linux/rtnetlink.h>

#include "rtping/flow.h"
#include "rtping/rules.h"
#include "rtping/textbuf.h"

void rt_rules_free(struct rt_rules *r)
{
	free(r->v);
	memset(r, 0, sizeof(*r));
}

/*
 * Selectors newer than some installed headers (Linux 6.13 to 6.15), which
 * follow FRA_DPORT_RANGE in this order.
 */
enum {
	RT_FRA_DSCP = FRA_DPORT_RANGE + 1, RT_FRA_FLOWLABEL, RT_FRA_FLOWLABEL_MASK,
	RT_FRA_SPORT_MASK, RT_FRA_DPORT_MASK, RT_FRA_DSCP_MASK,
	RT_FRA_LAST = RT_FRA_DSCP_MASK,
};
_Static_assert(FRA_DPORT_RANGE == 24, "fib_rules.h attribute numbers");

struct attrs {
	const struct nlattr *tb[RT_FRA_LAST + 1];
	uint16_t other;                  /* the first attribute type past RT_FRA_LAST */
};

static int attr_cb(const struct nlattr *attr, void *data)
{
	struct attrs *a = data;
	uint16_t type = mnl_attr_get_type(attr);

	if (type > RT_FRA_LAST) {
		if (!a->other)
			a->other = type;
		return MNL_CB_OK;
	}
	a->tb[type] = attr;
	return MNL_CB_OK;
}

/* Every attribute we read, with the length it must have (0: a string). */
static const struct { uint16_t type; size_t len; } rule_attrs[] = {
	{ FRA_PRIORITY, 4 }, { FRA_TABLE, 4 }, { FRA_FWMARK, 4 }, { FRA_FWMASK, 4 },
	{ FRA_GOTO, 4 },
	{ FRA_SUPPRESS_PREFIXLEN, 4 }, { FRA_L3MDEV, 1 }, { FRA_IP_PROTO, 1 },
	{ FRA_UID_RANGE, sizeof(struct fib_rule_uid_range) },
	{ FRA_SPORT_RANGE, sizeof(struct fib_rule_port_range) },
	{ FRA_DPORT_RANGE, sizeof(struct fib_rule_port_range) },
	{ FRA_IIFNAME, 0 }, { FRA_OIFNAME, 0 }, { FRA_TUN_ID, 8 },
	{ RT_FRA_DSCP, 1 }, { RT_FRA_DSCP_MASK, 1 }, { RT_FRA_FLOWLABEL, 4 },
	{ RT_FRA_FLOWLABEL_MASK, 4 }, { RT_FRA_SPORT_MASK, 2 }, { RT_FRA_DPORT_MASK, 2 },
};

static int validate(const struct nlattr **tb, size_t addr_len)
{
	for (size_t i = 0; i < sizeof(rule_attrs) / sizeof(rule_attrs[0]); i++) {
		const struct nlattr *a = tb[rule_attrs[i].type];

		if (!a)
			continue;
		if (rule_attrs[i].len ? mnl_attr_validate2(a, MNL_TYPE_BINARY,
							   rule_attrs[i].len) < 0
				      : mnl_attr_validate(a, MNL_TYPE_NUL_STRING) < 0)
			return -1;
	}
	if ((tb[FRA_SRC] && mnl_attr_get_payload_len(tb[FRA_SRC]) != addr_len) ||
	    (tb[FRA_DST] && mnl_attr_get_payload_len(tb[FRA_DST]) != addr_len))
		return -1;
	return 0;
}

static uint32_t u32_or(const struct nlattr *a, uint32_t dflt)
{
	return a ? mnl_attr_get_u32(a) : dflt;
}

static uint16_t u16_or(const struct nlattr *a, uint16_t dflt)
{
	return a ? mnl_attr_get_u16(a) : dflt;
}

static void fill_ranges(struct rt_rule *r, const struct nlattr **tb)
{
	if (tb[FRA_UID_RANGE]) {
		const struct fib_rule_uid_range *u = mnl_attr_get_payload(tb[FRA_UID_RANGE]);

		r->has_uid = true;
		r->uid_lo = u->start;
		r->uid_hi = u->end;
	}
	if (tb[FRA_SPORT_RANGE]) {
		const struct fib_rule_port_range *p = mnl_attr_get_payload(tb[FRA_SPORT_RANGE]);

		r->has_sport = p->start || p->end;
		r->sport_lo = p->start;
		r->sport_hi = p->end;
	}
	if (tb[FRA_DPORT_RANGE]) {
		const struct fib_rule_port_range *p = mnl_attr_get_payload(tb[FRA_DPORT_RANGE]);

		r->has_dport = p->start || p->end;
		r->dport_lo = p->start;
		r->dport_hi = p->end;
	}
	/* Linux 6.15 dumps a single port with mask 0xffff. */
	r->sport_mask = u16_or(tb[RT_FRA_SPORT_MASK], 0);
	r->dport_mask = u16_or(tb[RT_FRA_DPORT_MASK], 0);
}

/* What rtping cannot evaluate: kept to be named, never matched. */
static void fill_unknown(struct rt_rule *r, const struct nlattr **tb, uint16_t other)
{
	if (tb[RT_FRA_DSCP] || tb[RT_FRA_DSCP_MASK]) {
		r->unknown |= RT_RULE_SEL_DSCP;
		r->dscp = tb[RT_FRA_DSCP] ? mnl_attr_get_u8(tb[RT_FRA_DSCP]) : 0;
		r->dscp_mask = tb[RT_FRA_DSCP_MASK] ? mnl_attr_get_u8(tb[RT_FRA_DSCP_MASK]) : 0x3f;
	}
	if (tb[RT_FRA_FLOWLABEL] || tb[RT_FRA_FLOWLABEL_MASK]) {
		r->unknown |= RT_RULE_SEL_FLOWLABEL;
		r->flowlabel = u32_or(tb[RT_FRA_FLOWLABEL], 0);
		r->flowlabel_mask = u32_or(tb[RT_FRA_FLOWLABEL_MASK], 0);
	}
	if (tb[FRA_TUN_ID])
		r->unknown |= RT_RULE_SEL_TUN_ID;
	if (other) {
		r->unknown |= RT_RULE_SEL_OTHER;
		r->other_attr = other;
	}
}

static void fill_rule(struct rt_rule *r, const struct fib_rule_hdr *frh,
		      const struct nlattr **tb, uint16_t other)
{
	memset(r, 0, sizeof(*r));
	r->pref = u32_or(tb[FRA_PRIORITY], 0);
	r->table = u32_or(tb[FRA_TABLE], frh->table);
	r->action = frh->action;
	r->goto_pref = u32_or(tb[FRA_GOTO], 0);
	r->invert = frh->flags & FIB_RULE_INVERT;
	r->tos = frh->tos;
	r->src_len = frh->src_len;
	r->dst_len = frh->dst_len;
	if (tb[FRA_SRC])
		rt_addr_from_bytes(&r->src, frh->family, mnl_attr_get_payload(tb[FRA_SRC]),
				   mnl_attr_get_payload_len(tb[FRA_SRC]));
	if (tb[FRA_DST])
		rt_addr_from_bytes(&r->dst, frh->family, mnl_attr_get_payload(tb[FRA_DST]),
				   mnl_attr_get_payload_len(tb[FRA_DST]));
	/* The kernel's default mask with a mark is all ones. */
	r->has_mark = tb[FRA_FWMARK] || tb[FRA_FWMASK];
	r->mark = u32_or(tb[FRA_FWMARK], 0);
	r->mark_mask = u32_or(tb[FRA_FWMASK], r->has_mark ? 0xffffffffu : 0);
	r->ipproto = tb[FRA_IP_PROTO] ? mnl_attr_get_u8(tb[FRA_IP_PROTO]) : 0;
	r->l3mdev = tb[FRA_L3MDEV] && mnl_attr_get_u8(tb[FRA_L3MDEV]);
	r->suppress_prefixlen = tb[FRA_SUPPRESS_PREFIXLEN]
		? (int)mnl_attr_get_u32(tb[FRA_SUPPRESS_PREFIXLEN]) : -1;
	if (tb[FRA_IIFNAME])
		snprintf(r->iif, sizeof(r->iif), "%s", mnl_attr_get_str(tb[FRA_IIFNAME]));
	if (tb[FRA_OIFNAME])
		snprintf(r->oif, sizeof(r->oif), "%s", mnl_attr_get_str(tb[FRA_OIFNAME]));
	fill_ranges(r, tb);
	fill_unknown(r, tb, other);
}

int rt_rule_cb(const struct nlmsghdr *nlh, void *data)
{
	struct rt_rules *rules = data;
	const struct fib_rule_hdr *frh = mnl_nlmsg_get_payload(nlh);
	struct attrs a = { .other = 0 };
	size_t addr_len;

	if (nlh->nlmsg_type != RTM_NEWRULE || mnl_nlmsg_get_payload_len(nlh) < sizeof(*frh) ||
	    !(addr_len = rt_addr_len(frh->family))) {
		errno = EBADMSG;
		return MNL_CB_ERROR;
	}
	if (mnl_attr_parse(nlh, sizeof(*frh), attr_cb, &a) < 0 || validate(a.tb, addr_len) < 0) {
		errno = EBADMSG;
		return MNL_CB_ERROR;
	}
	if (rules->n == rules->cap) {
		size_t cap = rules->cap ? rules->cap * 2 : 16;
		struct rt_rule *v = realloc(rules->v, cap * sizeof(*v));

		if (!v) {
			errno = ENOMEM;
			return MNL_CB_ERROR;
		}
		rules->v = v;
		rules->cap = cap;
	}
	fill_rule(&rules->v[rules->n++], frh, a.tb, a.other);
	return MNL_CB_OK;
}

int rt_rules_parse(const void *buf, size_t len, uint32_t seq, uint32_t portid,
		   struct rt_rules *out)
{
	return rt_nl_feed(buf, len, seq, portid, rt_rule_cb, out, NULL, 0);
}

/*
 * Stable, unlike qsort(): the kernel keeps rules of one pref in the order
 * they were added, and a goto lands on the first of them. The dump comes
 * sorted already, so this is one pass.
 */
void rt_rules_sort(struct rt_rules *r)
{
	for (size_t i = 1; i < r->n; i++) {
		struct rt_rule x = r->v[i];
		size_t j = i;

		for (; j > 0 && r->v[j - 1].pref > x.pref; j--)
			r->v[j] = r->v[j - 1];
		r->v[j] = x;
	}
}

int rt_rules_dump(struct rt_nl *nl, int af, struct rt_rules *out)
{
	char buf[RT_NL_BUFSZ] __attribute__((aligned(4)));
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct fib_rule_hdr *frh;
	int rc;

	memset(out, 0, sizeof(*out));
	nlh->nlmsg_type = RTM_GETRULE;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	frh = mnl_nlmsg_put_extra_header(nlh, sizeof(*frh));
	frh->family = (uint8_t)af;
	rc = rt_nl_talk(nl, nlh, rt_rule_cb, out);
	if (rc < 0) {
		rt_rules_free(out);
		return rc;
	}
	rt_rules_sort(out);
	return 0;
}

static bool in_range(uint32_t v, uint32_t lo, uint32_t hi)
{
	return v >= lo && v <= hi;
}

/* fib_rule_port_match(): value/mask with a mask, else the range. */
static bool port_match(bool has, uint16_t lo, uint16_t hi, uint16_t mask, uint16_t port)
{
	if (mask)
		return !((lo ^ port) & mask);
	return !has || in_range(port, lo, hi);
}

/* fib4_rule_match()/fib6_rule_match(): addresses, dscp, protocol, ports. */
static bool family_match(const struct rt_rule *r, const struct rt_flow *f)
{
	/* An unbound socket's output lookup runs with source 0. */
	struct rt_addr src = f->src;

	if (!rt_addr_is_set(&src)) {
		memset(&src, 0, sizeof(src));
		src.af = f->dst.af;
	}
	if (r->src_len && !rt_addr_in_prefix(&src, &r->src, r->src_len))
		return false;
	if (r->dst_len && !rt_addr_in_prefix(&f->dst, &r->dst, r->dst_len))
		return false;
	if (r->tos && (r->tos & 0xfc) != (f->tos & 0xfc))
		return false;
	if (r->ipproto && r->ipproto != f->proto)
		return false;
	if (!port_match(r->has_sport, r->sport_lo, r->sport_hi, r->sport_mask, f->sport) ||
	    !port_match(r->has_dport, r->dport_lo, r->dport_hi, r->dport_mask, f->dport))
		return false;
	return true;
}

/* fib_rule_match() on the selectors rtping knows, before "not". */
static bool known_match(const struct rt_rule *r, const struct rt_flow *f, const char *oif_name)
{
	/* Locally generated traffic is looked up with iif = lo. */
	if (r->iif[0] && strcmp(r->iif, "lo"))
		return false;
	if (r->oif[0] && strcmp(r->oif, oif_name ? oif_name : ""))
		return false;
	if ((r->mark ^ f->mark) & r->mark_mask)
		return false;
	if (r->has_uid && !in_range(f->uid, r->uid_lo, r->uid_hi))
		return false;
	return family_match(r, f);
}

bool rt_rule_matches(const struct rt_rule *r, const struct rt_flow *f, const char *oif_name)
{
	if (r->unknown)
		return false;   /* cannot tell: rt_rule_unsure() */
	return known_match(r, f, oif_name) != r->invert;
}

bool rt_rule_unsure(const struct rt_rule *r, const struct rt_flow *f, const char *oif_name)
{
	return r->unknown && (r->invert || known_match(r, f, oif_name));
}

uint8_t rt_rule_action_type(uint8_t action)
{
	switch (action) {
	case FR_ACT_BLACKHOLE: return RTN_BLACKHOLE;
	case FR_ACT_UNREACHABLE: return RTN_UNREACHABLE;
	case FR_ACT_PROHIBIT: return RTN_PROHIBIT;
	}
	return RTN_UNSPEC;
}

int rt_rule_action_errno(uint8_t action)
{
	switch (action) {
	case FR_ACT_BLACKHOLE: return -EINVAL;
	case FR_ACT_UNREACHABLE: return -ENETUNREACH;
	case FR_ACT_PROHIBIT: return -EACCES;
	}
	return 0;
}

/* Where the goto at index i lands: the first rule with its target pref, or rules->n. */
static size_t goto_target(const struct rt_rules *rules, size_t i)
{
	uint32_t want = rules->v[i].goto_pref;

	/* The kernel refuses backward and self jumps; forward only, a forged dump cannot loop. */
	if (want <= rules->v[i].pref)
		return rules->n;
	for (size_t j = i + 1; j < rules->n && rules->v[j].pref <= want; j++)
		if (rules->v[j].pref == want)
			return j;
	return rules->n;
}

size_t rt_rules_walk(const struct rt_rules *rules, const struct rt_flow *f,
		     const char *oif_name, uint32_t table, bool *taken)
{
	size_t i = 0;

	memset(taken, 0, rules->n * sizeof(*taken));
	while (i < rules->n) {
		const struct rt_rule *r = &rules->v[i];
		size_t next = i + 1;

		if (!rt_rule_matches(r, f, oif_name)) {
			i = next;
			continue;
		}
		if (r->action == FR_ACT_GOTO) {
			next = goto_target(rules, i);
			taken[i] = next < rules->n;
			/* Unresolved: the kernel passes on to the next rule. */
			if (!taken[i])
				next = i + 1;
		} else if (r->action == FR_ACT_TO_TBL) {
			taken[i] = true;
			if (table && r->table == table)
				return i;
		} else if (rt_rule_action_type(r->action) != RTN_UNSPEC) {
			taken[i] = true;
			return i;
		}
		i = next;
	}
	return rules->n;
}

static const char *proto_name(uint8_t p, char *buf, size_t len)
{
	switch (p) {
	case 1: return "icmp";
	case 6: return "tcp";
	case 17: return "udp";
	case 58: return "ipv6-icmp";
	}
	snprintf(buf, len, "%u", p);
	return buf;
}

static void add_prefix(char *buf, size_t len, size_t *off, const char *word,
		       const struct rt_addr *a, uint8_t plen)
{
	char s[RT_ADDRSTRLEN];

	rt_text_put(buf, len, off, " %s %s/%u", word, rt_addr_str(a, s, sizeof(s)), plen);
}

static void add_range(char *buf, size_t len, size_t *off, const char *word,
		      uint32_t lo, uint32_t hi)
{
	if (lo == hi)
		rt_text_put(buf, len, off, " %s %u", word, lo);
	else
		rt_text_put(buf, len, off, " %s %u-%u", word, lo, hi);
}

/* "dport 2048", "dport 1024-2047", "sport 256/0xff00" (a full mask is one port). */
static void add_port(char *buf, size_t len, size_t *off, const char *word, bool has,
		     uint16_t lo, uint16_t hi, uint16_t mask)
{
	if (!has && !mask)
		return;
	add_range(buf, len, off, word, lo, hi);
	if (mask && mask != 0xffff)
		rt_text_put(buf, len, off, "/0x%x", mask);
}

/* The selectors rtping cannot evaluate, in ip-rule(8) words where it has them. */
static void add_unknown(char *buf, size_t len, size_t *off, const struct rt_rule *r)
{
	if (r->unknown & RT_RULE_SEL_DSCP)
		rt_text_put(buf, len, off, r->dscp_mask == 0x3f ? " dscp %u" : " dscp %u/0x%x", r->dscp,
		    r->dscp_mask);
	if (r->unknown & RT_RULE_SEL_FLOWLABEL)
		rt_text_put(buf, len, off, " flowlabel 0x%x/0x%x", ntohl(r->flowlabel),
		    ntohl(r->flowlabel_mask));
	if (r->unknown & RT_RULE_SEL_TUN_ID)
		rt_text_put(buf, len, off, " tun_id");
	if (r->unknown & RT_RULE_SEL_OTHER)
		rt_text_put(buf, len, off, " attribute %u", r->other_attr);
}

const char *rt_rule_unknown_names(const struct rt_rule *r, char *buf, size_t len)
{
	static const struct { unsigned bit; const char *name; } names[] = {
		{ RT_RULE_SEL_DSCP, "dscp" }, { RT_RULE_SEL_FLOWLABEL, "flowlabel" },
		{ RT_RULE_SEL_TUN_ID, "tun_id" },
		{ RT_RULE_SEL_OTHER, "attribute" },
	};
	size_t off = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!(r->unknown & names[i].bit))
			continue;
		rt_text_put(buf, len, &off, "%s%s", off ? ", " : "", names[i].name);
		if (names[i].bit == RT_RULE_SEL_OTHER)
			rt_text_put(buf, len, &off, " %u", r->other_attr);
	}
	return buf;
}

const char *rt_rule_selector(const struct rt_rule *r, char *buf, size_t len)
{
	char num[16];
	size_t off = 0;

	buf[0] = '\0';
	if (r->invert)
		rt_text_put(buf, len, &off, " not");
	if (r->src_len)
		add_prefix(buf, len, &off, "from", &r->src, r->src_len);
	if (r->dst_len)
		add_prefix(buf, len, &off, "to", &r->dst, r->dst_len);
	if (r->tos)
		rt_text_put(buf, len, &off, " tos 0x%02x", r->tos);
	if (r->has_mark)
		rt_text_put(buf, len, &off, r->mark_mask == 0xffffffffu ? " fwmark 0x%x" : " fwmark 0x%x/0x%x",
		    r->mark, r->mark_mask);
	if (r->iif[0])
		rt_text_put(buf, len, &off, " iif %s", r->iif);
	if (r->oif[0])
		rt_text_put(buf, len, &off, " oif %s", r->oif);
	if (r->has_uid)
		add_range(buf, len, &off, "uidrange", r->uid_lo, r->uid_hi);
	if (r->ipproto)
		rt_text_put(buf, len, &off, " ipproto %s", proto_name(r->ipproto, num, sizeof(num)));
	add_port(buf, len, &off, "sport", r->has_sport, r->sport_lo, r->sport_hi, r->sport_mask);
	add_port(buf, len, &off, "dport", r->has_dport, r->dport_lo, r->dport_hi, r->dport_mask);
	add_unknown(buf, len, &off, r);
	if (!off || (r->invert && off == 4))
		rt_text_put(buf, len, &off, " all");
	/* Skip the leading blank every piece starts with. */
	memmove(buf, buf + 1, strlen(buf));
	return buf;
}
