/*
 * explain's JSON: the struct src/explain.c filled, as the one object
 * --explain-route --json prints, each audit line and ping's "route"
 * member. Every member is written in every case (null when there is no
 * answer); the man page's JSON OUTPUT section and tests/json/schema.json
 * describe it.
 */
#include <errno.h>
#include <string.h>
#include <linux/fib_rules.h>
#include <linux/rtnetlink.h>

#include "rtping/explain.h"
#include "rtping/facts.h"
#include "rtping/json.h"

static const char *errstr(int err)
{
	return strerror(err < 0 ? -err : err);
}

static const char *action_name(uint8_t action)
{
	uint8_t type = rt_rule_action_type(action);

	if (type != RTN_UNSPEC)
		return rt_route_type_name(type);
	return action == FR_ACT_GOTO ? "goto" : action == FR_ACT_TO_TBL ? "lookup" : "nop";
}

/* "type", and the audit's "input" (where the line came from) when input is given. */
static void json_head(FILE *out, const char *dest, const char *input)
{
	rt_json_kstr(out, "{", "type", input ? "audit" : "explain");
	if (input)
		rt_json_kstr(out, ", ", "input", input);
	rt_json_kstr(out, ", ", "destination", dest);
}

/* The JSON "netlink" object (null on fallback). */
static void json_netlink(FILE *out, const struct rt_explain *ex)
{
	struct rt_route_view v;

	rt_explain_route_view(ex, &v);
	rt_route_json(out, &v);
}

/* Always source, error, sport, table, device: null where the probe gave no answer. */
static void json_probe(FILE *out, const struct rt_explain *ex)
{
	bool routed = !ex->udpc_err && !ex->fallback && !ex->udp_err;

	if (ex->udpc_err) {
		fprintf(out, "{\"source\": null");
		rt_json_kstr(out, ", ", "error", errstr(ex->udpc_err));
		fprintf(out, ", \"sport\": null");
	} else {
		rt_json_addr(out, "{", "source", &ex->udpc.src, routed ? ex->udp_route.ifname : NULL);
		fprintf(out, ", \"error\": null, \"sport\": %u", ex->udpc.sport);
	}
	if (routed) {
		fprintf(out, ", \"table\": %u", ex->udp_route.table);
		rt_json_kstr(out, ", ", "device", ex->udp_route.ifname);
	} else {
		fprintf(out, ", \"table\": null, \"device\": null");
	}
	fprintf(out, "}");
}

static void json_candidates(FILE *out, const struct rt_explain *ex)
{
	fprintf(out, "[");
	for (size_t i = 0; i < ex->ncands; i++) {
		const struct rt_cand *c = &ex->cands[i];

		rt_json_addr(out, i ? ", {" : "{", "source", &c->src, c->dev);
		rt_json_kstr(out, ", ", "device", c->dev);
		fprintf(out, ", \"ifindex\": %u", c->ifindex);
		rt_json_addr(out, ", ", "gateway", &c->gateway, c->dev);
		rt_json_kstr(out, ", ", "error", c->err ? errstr(c->err) : NULL);
		fprintf(out, "}");
	}
	fprintf(out, "]");
}

/* --verify's one echo; both null without --verify (v NULL). */
static void json_observed(FILE *out, const struct rt_explain *ex, const struct rt_verified *v)
{
	fprintf(out, ", \"observed\": ");
	if (!v || v->err || ex->route_err) {
		fprintf(out, "null");
		rt_json_kstr(out, ", ", "observed_error", !v ? NULL
			     : ex->route_err ? "no route"
			     : v->err == -ETIMEDOUT ? "no transmit report within 1 s"
			     : errstr(v->err));
		return;
	}
	rt_json_addr(out, "{", "source", &v->eg.src, v->eg.dev);
	rt_json_kstr(out, ", ", "device", v->eg.dev);
	fprintf(out, ", \"ifindex\": %u}, \"observed_error\": null", v->eg.ifindex);
}

static void json_reasons(FILE *out, const struct rt_explain *ex)
{
	fprintf(out, "[");
	for (size_t i = 0; i < ex->nreasons; i++) {
		const struct rt_reason *r = &ex->reasons[i];

		rt_json_kstr(out, i ? ", {" : "{", "rule", r->selector);
		fprintf(out, ", \"pref\": %u", r->pref);
		rt_json_kstr(out, ", ", "action", action_name(r->action));
		if (r->action == FR_ACT_TO_TBL)
			fprintf(out, ", \"table\": %u, \"goto\": null", r->table);
		else if (r->action == FR_ACT_GOTO)
			fprintf(out, ", \"table\": null, \"goto\": %u", r->goto_pref);
		else
			fprintf(out, ", \"table\": null, \"goto\": null");
		rt_json_kstr(out, ", ", "selects", r->unsure ? "unknown"
			     : r->icmp_matches && r->udp_matches ? "both"
			     : r->icmp_matches ? "icmp" : "udp");
		fprintf(out, "}");
	}
	fprintf(out, "]");
}

/* -C: connect()'s key and the source it fixed; null without -C. */
static void json_connect(FILE *out, const struct rt_explain *ex)
{
	if (!ex->flow.connected) {
		fprintf(out, "null");
		return;
	}
	fprintf(out, "{\"sport\": %u, \"dport\": 0", ex->flow.connect_sport);
	if (ex->fallback || ex->connect_err) {
		fprintf(out, ", \"source\": null, \"table\": null");
		rt_json_kstr(out, ", ", "error", ex->fallback ? "netlink unavailable"
			     : errstr(ex->connect_err));
	} else {
		rt_json_addr(out, ", ", "source", rt_explain_source(ex), ex->connect_route.ifname);
		fprintf(out, ", \"table\": %u, \"error\": null", ex->connect_route.table);
	}
	fprintf(out, "}");
}

static void json_flow(FILE *out, const struct rt_explain *ex)
{
	const struct rt_flow *f = &ex->flow;

	fprintf(out, ", \"flow\": {\"protocol\": \"%s\", \"dport\": %u, \"uid\": %u, "
		"\"mark\": %u, \"tos\": %u", f->fam->icmp_name, f->dport, f->uid, f->mark, f->tos);
	rt_json_kstr(out, ", ", "device", ex->oif_name[0] ? ex->oif_name : NULL);
	fprintf(out, ", \"connect\": ");
	json_connect(out, ex);
	fprintf(out, "}");
}

/* true, false, or null when no netlink answer says (fallback). */
static const char *tristate(bool known, bool v)
{
	return !known ? "null" : v ? "true" : "false";
}

void rt_explain_json(FILE *out, const struct rt_explain *ex, const struct rt_verified *v,
		     const char *dest, const char *input)
{
	bool nl = !ex->fallback;

	json_head(out, dest, input);
	rt_json_addr(out, ", ", "address", &ex->flow.dst, ex->oif_name);
	rt_json_kstr(out, ", ", "family", ex->flow.fam->name);
	json_flow(out, ex);
	fprintf(out, ", \"netlink\": ");
	json_netlink(out, ex);
	fprintf(out, ", \"udp_probe\": ");
	json_probe(out, ex);
	fprintf(out, ", \"agree\": %s", tristate(nl && !ex->route_err, ex->agree));
	fprintf(out, ", \"reasons\": ");
	json_reasons(out, ex);
	fprintf(out, ", \"fallback\": %s, \"verified\": %s, \"hash_dependent\": %s",
		ex->fallback ? "true" : "false", tristate(nl, !ex->unverified),
		tristate(nl, ex->hash_dependent || ex->flowlabel_hashed));
	fprintf(out, ", \"candidates\": ");
	json_candidates(out, ex);
	json_observed(out, ex, v);
	rt_facts_json(out, ex->facts);
	fprintf(out, ", \"error\": null}\n");
}

void rt_explain_json_error(FILE *out, const char *dest, const struct rt_addr *addr,
			   const struct rt_family *fam, const char *error, const char *input)
{
	json_head(out, dest, input);
	if (addr)
		rt_json_addr(out, ", ", "address", addr, NULL);
	else
		fprintf(out, ", \"address\": null");
	rt_json_kstr(out, ", ", "family", fam ? fam->name : NULL);
	/* Nothing was asked: no answer is true or false. */
	fprintf(out, ", \"flow\": null, \"netlink\": null, \"udp_probe\": null, "
		"\"agree\": null, \"reasons\": [], \"fallback\": null, \"verified\": null, "
		"\"hash_dependent\": null, \"candidates\": [], \"observed\": null, "
		"\"observed_error\": null, \"return_path\": null, \"neighbour\": null");
	rt_json_kstr(out, ", ", "error", error);
	fprintf(out, "}\n");
}
