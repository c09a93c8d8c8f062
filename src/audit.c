/*
 * The divergence audit: each destination resolved, its echo flow built and
 * explained exactly as a single --explain-route run does (same flow key,
 * same UDP-connect check), printed at once, and only counted afterwards.
 */
#include <errno.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/fib_rules.h>

#include "rtping/audit.h"
#include "rtping/error.h"
#include "rtping/exitcodes.h"
#include "rtping/flow.h"
#include "rtping/json.h"
#include "rtping/target.h"
#include "rtping/tfile.h"

static bool same_rule(const struct rt_audit_rule *r, int af, const struct rt_reason *re)
{
	return r->af == af && r->pref == re->pref && r->action == re->action &&
	       r->table == re->table && !strcmp(r->selector, re->selector);
}

static int count_rule(struct rt_audit *a, int af, const struct rt_reason *re)
{
	struct rt_audit_rule *r;

	for (size_t i = 0; i < a->nrules; i++)
		if (same_rule(&a->rules[i], af, re))
			return a->rules[i].count++, 0;
	if (a->nrules == a->cap) {
		size_t cap = a->cap ? 2 * a->cap : 8;
		void *p = realloc(a->rules, cap * sizeof(*a->rules));

		if (!p)
			return -ENOMEM;
		a->rules = p;
		a->cap = cap;
	}
	r = &a->rules[a->nrules++];
	memset(r, 0, sizeof(*r));
	r->af = af;
	r->pref = re->pref;
	r->table = re->table;
	r->action = re->action;
	snprintf(r->selector, sizeof(r->selector), "%s", re->selector);
	r->count = 1;
	return 0;
}

int rt_audit_count(struct rt_audit *a, enum rt_verdict v, int af,
		   const struct rt_reason *reasons, size_t n)
{
	a->total++;
	if (v == RT_VERDICT_AGREE) {
		a->agree++;
	} else if (v == RT_VERDICT_ERROR) {
		a->errors++;
	} else {
		a->differ++;
		for (size_t i = 0; i < n; i++)
			if (count_rule(a, af, &reasons[i]) < 0)
				return -ENOMEM;
	}
	return 0;
}

static int cmp_rule(const void *x, const void *y)
{
	const struct rt_audit_rule *a = x, *b = y;

	if (a->af != b->af)
		return a->af < b->af ? -1 : 1;
	if (a->pref != b->pref)
		return a->pref < b->pref ? -1 : 1;
	return strcmp(a->selector, b->selector);
}

static const char *fam_name(int af)
{
	return af == AF_INET6 ? "inet6" : "inet";
}

static void summary_json(FILE *out, const struct rt_audit *a)
{
	fprintf(out, "{\"type\": \"audit_summary\", \"total\": %lu, \"agree\": %lu, "
		"\"differ\": %lu, \"errors\": %lu, \"rules\": [", a->total, a->agree, a->differ,
		a->errors);
	for (size_t i = 0; i < a->nrules; i++) {
		const struct rt_audit_rule *r = &a->rules[i];

		fprintf(out, "%s{\"pref\": %u", i ? ", " : "", r->pref);
		rt_json_kstr(out, ", ", "rule", r->selector);
		if (r->action == FR_ACT_TO_TBL)
			fprintf(out, ", \"table\": %u", r->table);
		else
			fprintf(out, ", \"table\": null");
		fprintf(out, ", \"family\": \"%s\", \"count\": %lu}", fam_name(r->af), r->count);
	}
	fprintf(out, "]}\n");
}

void rt_audit_summary(FILE *out, const struct rt_audit *a, bool json)
{
	/* Sorted in place: the order counting found them in is no one's business. */
	if (a->nrules)
		qsort(a->rules, a->nrules, sizeof(*a->rules), cmp_rule);
	if (json) {
		summary_json(out, a);
		return;
	}
	fprintf(out, "\n--- audit: %lu destination%s, %lu agree, %lu differ, %lu error%s ---\n",
		a->total, a->total == 1 ? "" : "s", a->agree, a->differ, a->errors,
		a->errors == 1 ? "" : "s");
	for (size_t i = 0; i < a->nrules; i++) {
		const struct rt_audit_rule *r = &a->rules[i];

		fprintf(out, "%lu differ by rule pref %u %s", r->count, r->pref, r->selector);
		if (r->action == FR_ACT_TO_TBL)
			fprintf(out, " \u2192 table %u", r->table);
		fprintf(out, " (%s)\n", fam_name(r->af));
	}
}

int rt_audit_exit(const struct rt_audit *a)
{
	if (a->errors)
		return RT_EXIT_ERROR;
	return a->differ ? RT_EXIT_NOREPLY : RT_EXIT_OK;
}

void rt_audit_free(struct rt_audit *a)
{
	free(a->rules);
	a->rules = NULL;
	a->nrules = a->cap = 0;
}

/* ---- the run ------------------------------------------------------------ */

struct audit_run {
	struct rt_audit *a;
	const struct rt_opts *o;
	struct rt_nl *nl;
	int nl_err;
	FILE *out;
	struct rt_tsrc src;
	struct rt_target t;
	struct rt_flow flow;
	struct rt_explain ex;
	struct rt_rules_cache rules;   /* one dump per family a second, not one a difference */
	char where[300];
};

/* Where an entry came from, for errors: "stdin line 3", "argument 2". */
static const char *where(struct audit_run *r)
{
	if (r->src.line)
		snprintf(r->where, sizeof(r->where), "%s line %lu", r->src.in_name, r->src.line);
	else
		snprintf(r->where, sizeof(r->where), "argument %d", r->src.next);
	return r->where;
}

/* A destination that could not be explained: one line, counted as an error. */
static int bad_entry(struct audit_run *r, const char *name, const char *why)
{
	if (r->o->json) {
		rt_json_kstr(r->out, "{", "destination", name);
		rt_json_kstr(r->out, ", ", "input", where(r));
		rt_json_kstr(r->out, ", ", "error", why);
		fputs("}\n", r->out);
	} else if (name) {
		fprintf(r->out, "%s  ERROR %s (%s)\n", name, why, where(r));
	} else {
		fprintf(r->out, "%s  ERROR %s\n", where(r), why);
	}
	return rt_audit_count(r->a, RT_VERDICT_ERROR, 0, NULL, 0);
}

/* The same steps as a single run's prepare(), then the explanation. */
static int one(struct audit_run *r, const char *name)
{
	char err[256];
	struct rt_error e;
	int rc = rt_target_resolve(&r->t, name, r->o->af);

	if (rc)
		return bad_entry(r, name, gai_strerror(rc));
	if (rt_opts_check_family(r->o, r->t.fam, &r->t.addr, &e) < 0)
		return bad_entry(r, name, e.msg);
	rc = rt_flow_build(&r->flow, r->o, &r->t, geteuid());
	if (rc == -EDESTADDRREQ)
		return bad_entry(r, name, "link-local destination needs an interface "
				 "(-I IFACE or ADDRESS%IFACE)");
	if (rc < 0) {
		snprintf(err, sizeof(err), "SO_BINDTODEVICE %s: %s", r->o->iface, strerror(-rc));
		return bad_entry(r, name, err);
	}
	rt_explain_run_cached(r->nl, r->nl_err, &r->flow, &r->rules, &r->ex);
	if (r->o->json)
		rt_explain_json(r->out, &r->ex, name);
	else
		rt_explain_line(r->out, &r->ex, name);
	return rt_audit_count(r->a, rt_explain_verdict(&r->ex), r->flow.fam->af, r->ex.reasons,
			      r->ex.nreasons);
}

int rt_audit_run(struct rt_audit *a, const struct rt_opts *o, struct rt_nl *nl, int nl_err,
		 FILE *out, const char **what)
{
	struct audit_run *r = calloc(1, sizeof(*r));
	const char *name, *why;
	bool out_err = false;
	int rc;

	*what = NULL;
	if (!r)
		return *what = "malloc", -ENOMEM;
	*r = (struct audit_run){ .a = a, .o = o, .nl = nl, .nl_err = nl_err, .out = out };
	rc = rt_tsrc_init(&r->src, o->dests, o->ndests, o->file, true, what);
	if (rc < 0) {
		free(r);
		return rc;
	}
	a->started = true;
	while ((rc = rt_tsrc_next(&r->src, &name, &why)) > 0) {
		if ((name ? one(r, name) : bad_entry(r, NULL, why)) < 0) {
			rc = -ENOMEM;
			*what = "malloc";
			break;
		}
		/* Streaming: each line out before the next is read. */
		if (fflush(out) == EOF) {
			rc = -EIO;   /* what stays NULL: the caller reports output errors */
			out_err = true;
			break;
		}
	}
	if (rc < 0 && !out_err && !*what)
		*what = why;
	rt_tsrc_close(&r->src);
	rt_rules_cache_free(&r->rules);
	free(r);
	return rc;
}
