/*
 * --explain-route --audit: each destination's plan (src/plan.c, as a
 * single --explain-route run makes it), printed on one line and counted;
 * the summary groups the differences by the rule that made them. A window
 * of destinations is planned, its questions asked together, then printed
 * in input order. Exit 0 when all agree, 1 when some differ, 2 on any error.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/fib_rules.h>
#include <sys/stat.h>

#include "rtping/ahead.h"
#include "rtping/audit.h"
#include "rtping/caps.h"
#include "rtping/cmd.h"
#include "rtping/exitcodes.h"
#include "rtping/facts.h"
#include "rtping/flow.h"
#include "rtping/json.h"
#include "rtping/opts.h"
#include "rtping/output.h"
#include "rtping/plan.h"
#include "rtping/rpath_out.h"
#include "rtping/sock.h"
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
		"\"differ\": %lu, \"errors\": %lu, \"return_dropped\": %lu, \"rules\": [",
		a->total, a->agree, a->differ, a->errors, a->rpath_dropped);
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
	if (a->rpath_dropped)
		fprintf(out, "%lu with a reply dropped by reverse-path filtering\n", a->rpath_dropped);
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

/* ---- the command ------------------------------------------------------- */

/*
 * One entry of the window, in input order: a destination planned (its
 * target, asked when the window is), or a line that could not be.
 */
struct entry {
	bool planned;
	char name[RT_TNAME_MAX];       /* as read; "" for a bad line or operand */
	struct rt_dest dest;           /* planned: the target */
	char why[sizeof(((struct rt_error *)0)->msg)];   /* not planned: what is wrong */
	char where[300];               /* "stdin line 3", "argument 2" */
};

struct audit_run {
	struct rt_audit *a;
	const struct rt_opts *o;
	FILE *out;
	struct rt_tfile src;
	struct rt_plan_env pe;
	struct rt_plan plan;
	struct rt_rules_cache rules;   /* one dump per family a second, not one a difference */
	struct rt_ahead ahead;         /* a window's questions asked together */
	bool asks_ahead;
	struct entry win[RT_AHEAD_WINDOW];
	size_t nwin, max;              /* max: entries a window takes (1: one at a time) */
	struct rt_facts facts;         /* the return path on the egress device */
	uint32_t mode_ifindex;         /* the device whose rp_filter mode is below; 0 none */
	int mode;
};

/* Where the entry just read came from, for errors: "stdin line 3", "argument 2". */
static void where(const struct audit_run *r, struct entry *e)
{
	if (r->src.line)
		snprintf(e->where, sizeof(e->where), "%s line %lu", r->src.in_name, r->src.line);
	else
		snprintf(e->where, sizeof(e->where), "argument %d", r->src.next);
}

/* A destination that could not be explained: one line, counted as an error. */
static int bad_entry(struct audit_run *r, const char *name, const char *why, const char *where)
{
	if (r->o->json)
		rt_explain_json_error(r->out, name, NULL, NULL, why, where);
	else if (name)
		fprintf(r->out, "%s  ERROR %s (%s)\n", name, why, where);
	else
		fprintf(r->out, "%s  ERROR %s\n", where, why);
	return rt_audit_count(r->a, RT_VERDICT_ERROR, 0, NULL, 0);
}

static bool is_file(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* ifindex's effective rp_filter mode, read once for a run of destinations through it. */
static int mode_of(struct audit_run *r, uint32_t ifindex)
{
	char dev[IF_NAMESIZE];

	if (r->mode_ifindex != ifindex) {
		rt_nl_ifname(r->pe.nl, ifindex, dev);
		r->mode = rt_rpath_rp_filter(dev);
		r->mode_ifindex = ifindex;
	}
	return r->mode;
}

/*
 * IPv4: would the symmetric reply, arriving on the device the echo leaves
 * by, be dropped (rp_filter)? One input-route lookup, none where the mode
 * is 0 (nothing can drop it); the JSON object carries it as return_path
 * (null when not asked), the text flags it on a line of its own.
 */
static void return_path(struct audit_run *r)
{
	struct rt_explain *ex = &r->plan.ex;
	struct rt_rpath_ifs ifs = { .af = AF_INET, .n = 1 };
	struct rt_route_snap s;

	r->facts.rpath_asked = r->facts.neigh_asked = false;
	ex->facts = &r->facts;
	if (!r->pe.nl || ex->fallback || ex->route_err || ex->flow.fam->af != AF_INET)
		return;
	rt_explain_snapshot(ex, &s);
	if (!s.ifindex || s.ifindex == RT_LOOPBACK_IFINDEX || !rt_addr_is_set(&s.src) ||
	    mode_of(r, s.ifindex) == 0)
		return;
	ifs.idx[0] = s.ifindex;
	/* The last destination's answer stays: a device asked again keeps its name and mode. */
	r->facts.rpath_asked = true;
	r->facts.rpath_err = rt_rpath_diagnose(r->pe.nl, ex->flow.fam, &ifs, &ex->flow.dst, &s.src,
					       s.ifindex, &r->facts.rpath);
}

/* The text flag: a symmetric reply would be dropped. */
static void flag_line(struct audit_run *r, const char *name)
{
	const struct rt_explain *ex = &r->plan.ex;
	const struct rt_rpath *rp = ex->facts ? &ex->facts->rpath : NULL;
	char b[256];

	if (!rp || !ex->facts->rpath_asked || ex->facts->rpath_err || !rp->n ||
	    !rt_rpath_filtered(&rp->d[0]))
		return;
	r->a->rpath_dropped++;
	if (r->o->json)
		return;
	rt_rpath_refusal(rp, &rp->d[0], b, sizeof(b));
	fprintf(r->out, "%s  REVERSE-PATH a reply arriving on %s, the echo's egress, would be "
		"dropped (%s)\n", name, rp->d[0].dev, b);
}

/* An entry read (a name, or why not): resolved and planned now, asked with its window. */
static void take(struct audit_run *r, const char *name, const char *why)
{
	struct entry *e = &r->win[r->nwin++];
	struct rt_error err;

	e->planned = false;
	snprintf(e->name, sizeof(e->name), "%s", name ? name : "");
	where(r, e);
	if (!name) {
		snprintf(e->why, sizeof(e->why), "%s", why);
		return;
	}
	if (rt_plan_resolve(&r->plan, &r->pe, name, &err) < 0) {
		/* "--audit hosts.txt": the file was meant, and is given as --audit=FILE. */
		if (err.subject && !r->src.line && is_file(name))
			snprintf(e->why, sizeof(e->why), "%.200s; a file is given as --audit=%.100s",
				 err.msg, name);
		else
			snprintf(e->why, sizeof(e->why), "%s", err.msg);
		return;
	}
	e->planned = true;
	e->dest = r->plan.dest;
	/* Out of memory: what was not queued, the plan asks for itself. */
	if (r->asks_ahead)
		(void)rt_ahead_plan(&r->ahead, &r->plan, NULL);
}

/* One planned destination: its plan asked and printed on one line. */
static int one(struct audit_run *r, const struct entry *e)
{
	const struct rt_explain *ex = &r->plan.ex;
	struct rt_error err;

	/* Planned once already: the same option checks and flow again (-I's device may be gone). */
	if (rt_plan_resolved(&r->plan, &r->pe, &e->dest, &err) < 0)
		return bad_entry(r, e->name, err.msg, e->where);
	rt_plan_ask(&r->plan, &r->pe, NULL);
	return_path(r);
	if (r->o->json)
		rt_explain_json(r->out, ex, NULL, e->name, e->where);
	else
		rt_explain_line(r->out, ex, e->name);
	flag_line(r, e->name);
	return rt_audit_count(r->a, rt_explain_verdict(ex), r->plan.flow.fam->af, ex->reasons,
			      ex->nreasons);
}

/* The window's questions asked together, then its lines in input order; -ENOMEM, -EIO. */
static int answer(struct audit_run *r)
{
	int rc = 0;

	if (r->asks_ahead)
		rt_ahead_ask(&r->ahead);
	for (size_t i = 0; i < r->nwin && rc == 0; i++)
		rc = r->win[i].planned ? one(r, &r->win[i])
			: bad_entry(r, r->win[i].name[0] ? r->win[i].name : NULL, r->win[i].why,
				    r->win[i].where);
	if (r->asks_ahead)
		rt_ahead_next(&r->ahead);
	r->nwin = 0;
	/* Streaming: the window's lines out before more input is waited for. */
	if (rc == 0 && fflush(r->out) == EOF)
		rc = -EIO;
	return rc;
}

/*
 * Every destination, a window at a time: it ends when full, or when the
 * input has nothing ready (a pipe, a terminal), so lines still come out
 * as names are typed. -errno with *what, or -EIO (what NULL) when output failed.
 */
static int run(struct audit_run *r, const char **what)
{
	const char *name, *why = NULL;
	int rc, out_rc = 0;

	*what = NULL;
	rc = rt_tfile_open(&r->src, r->o->dests, r->o->ndests, r->o->file, true, what);
	if (rc < 0)
		return rc;
	r->a->started = true;
	for (;;) {
		/* rc 1 with the window full or the input idle: answer, then read on. */
		rc = 1;
		if (r->nwin < r->max && (!r->nwin || !rt_tfile_would_wait(&r->src))) {
			rc = rt_tfile_next(&r->src, &name, &why);
			if (rc > 0) {
				take(r, name, why);
				continue;
			}
		}
		if (r->nwin && (out_rc = answer(r)) < 0)
			break;
		if (rc <= 0)
			break;   /* the end (0), or the input failed */
	}
	if (out_rc == -ENOMEM)
		*what = "malloc";
	else if (rc < 0)
		*what = why;
	rt_tfile_close(&r->src);
	return out_rc ? out_rc : rc;
}
/* The test hook's figures (RTPING_TEST_AHEAD=BYTES), on stderr. */
static void ahead_figures(const char *prog, const struct rt_nlb_stats *st)
{
	fprintf(stderr, "%s: asked ahead: %lu questions, %lu sends, %lu overruns, "
		"%lu asked again, %lu given up, %lu answers used\n", prog, st->asked, st->sends,
		st->overruns, st->reasked, st->unanswered, st->replayed);
}

/* Input trouble ends the audit early, but after its summary. */
int rt_cmd_audit(const struct rt_cmd_env *env, struct rt_error *fatal)
{
	struct rt_audit a = { 0 };
	struct audit_run *r = malloc(sizeof(*r));
	const char *what = NULL;
	int rc, rcvbuf;

	if (!r)
		return rt_error_errno(fatal, -ENOMEM, "malloc"), RT_EXIT_ERROR;
	/* Touched now, the window too: memory does not grow as the audit goes on. */
	memset(r, 0, sizeof(*r));
	r->a = &a;
	r->o = env->o;
	r->out = stdout;
	r->max = 1;
	r->pe = (struct rt_plan_env){ .o = env->o, .nl = env->nl, .nl_err = env->nl_err,
				      .uid = geteuid(), .rules = &r->rules, .brief = !env->o->json };
	/* No socket here needs a capability: none held while input is read. */
	rc = rt_flow_needs_caps(env->o) ? 0 : rt_caps_drop_all();
	if (rc < 0) {
		free(r);
		return rt_error_errno(fatal, rc, "cap_set_proc"), RT_EXIT_ERROR;
	}
	r->pe.mark_err = rt_flow_mark_refused(env->o);
	rt_out_mark_warning(stderr, env->prog, r->pe.mark_err, env->o->mark);
	/* Without its own socket the audit still works, one question at a time. */
	if (rt_ahead_hook(&rcvbuf) && rt_ahead_open(&r->ahead, &r->pe, rcvbuf) == 0) {
		r->asks_ahead = true;
		r->max = RT_AHEAD_WINDOW;
	}
	rc = run(r, &what);
	if (r->asks_ahead) {
		if (rcvbuf)
			ahead_figures(env->prog, &r->ahead.b.st);
		rt_ahead_close(&r->ahead);
	}
	rt_rules_cache_free(&r->rules);
	free(r);
	if (a.started)
		rt_audit_summary(stdout, &a, env->o->json);
	rt_audit_free(&a);
	if (rc < 0 && what)
		rt_error_errno(fatal, rc, what);
	return rc < 0 ? RT_EXIT_ERROR : rt_audit_exit(&a);
}
