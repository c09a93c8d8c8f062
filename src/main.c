/*
 * rtping: wires the modules together, and is the one place that prints an
 * error and picks the exit code. Order matters for privileges: sockets
 * first (caps raised around them), route query and probe, then every
 * capability dropped before the first echo is sent.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <locale.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/rtnetlink.h>
#include <sys/stat.h>

#include "config.h"
#include "rtping/audit.h"
#include "rtping/caps.h"
#include "rtping/engine.h"
#include "rtping/exitcodes.h"
#include "rtping/explain.h"
#include "rtping/flow.h"
#include "rtping/loop.h"
#include "rtping/policy.h"
#include "rtping/opts.h"
#include "rtping/target.h"
#include "rtping/verify.h"
#include "rtping/watch.h"

struct ctx {
	const char *prog;
	struct rt_opts opts;
	struct rt_target target;
	struct rt_flow flow;
	struct rt_nl nl;
	int nl_err;
	struct rt_explain ex;
	/* Ping mode: the route watch's partner. */
	struct rt_engine *e;
	struct rt_watch_stats wst;
	bool src_gone;               /* the bound source was deleted (said once) */
};

static int die(const struct ctx *c, const char *what, const char *why)
{
	if (what)
		fprintf(stderr, "%s: %s: %s\n", c->prog, what, why);
	else
		fprintf(stderr, "%s: %s\n", c->prog, why);
	return RT_EXIT_ERROR;
}

/*
 * No flow to explain (unknown host, bad -I): the same line on stderr and,
 * for --explain-route --json, an object that says so on stdout.
 */
static int die_dest(const struct ctx *c, const char *what, const char *why)
{
	const struct rt_target *t = &c->target;
	char msg[512];

	if (c->opts.mode == RT_MODE_EXPLAIN && c->opts.json) {
		snprintf(msg, sizeof(msg), "%s%s%s", what ? what : "", what ? ": " : "", why);
		/* The name is set once resolution succeeded. */
		rt_explain_json_error(stdout, t->name[0] ? t->name : c->opts.dest,
				      t->name[0] ? &t->addr : NULL, t->name[0] ? t->fam : NULL, msg);
	}
	return die(c, what, why);
}

/* Versions as pkg-config reported them at build time: neither library has a run-time query. */
static void print_version(void)
{
	printf("rtping %s\n", RTPING_VERSION);
	printf("built with libmnl %s, libcap %s\n", RTPING_LIBMNL_VERSION, RTPING_LIBCAP_VERSION);
	printf("build: %s\n", RTPING_BUILD_OPTIONS);
}

static void explain(struct ctx *c)
{
	rt_explain_run(c->nl_err ? NULL : &c->nl, c->nl_err, &c->flow, &c->ex);
}

static void socket_facts(struct ctx *c, const struct rt_engine *e);

static int run_explain(struct ctx *c)
{
	struct rt_engine *e;
	const char *what = NULL;
	int rc;

	/*
	 * -C: what connect() keys on (the socket's port, whether a source is
	 * bound first) belongs to the socket, so open it as ping mode would.
	 * Nothing is sent.
	 */
	if (c->flow.connected) {
		rc = rt_engine_open(&e, &c->opts, &c->target, &c->flow, c->prog, &what);
		if (rc < 0)
			return die_dest(c, what, strerror(-rc));
		socket_facts(c, e);
		rt_engine_close(e);
	}
	explain(c);
	if (c->opts.verify && !c->ex.route_err) {
		c->ex.verify = true;
		c->ex.observed_err = rt_verify_egress(&c->opts, &c->target, &c->flow,
						      &c->ex.observed, &what);
		/* A socket that cannot be had is an error, not an observation. */
		if (c->ex.observed_err && c->ex.observed_err != -ETIMEDOUT &&
		    c->ex.observed_err != -EOPNOTSUPP && what)
			return die(c, what, strerror(-c->ex.observed_err));
	}
	if (c->opts.json)
		rt_explain_json(stdout, &c->ex, c->target.name);
	else
		rt_explain_text(stdout, &c->ex, c->target.name);
	if (c->ex.route_err)
		return RT_EXIT_ERROR;
	if (rt_explain_observed_differs(&c->ex))
		return RT_EXIT_NOREPLY;
	/* On fallback there is one answer only: nothing to disagree with. */
	return c->ex.agree || c->ex.fallback ? RT_EXIT_OK : RT_EXIT_NOREPLY;
}

/* Input or output trouble ends the audit early, but after its summary. */
static int run_audit(struct ctx *c)
{
	struct rt_audit a = { 0 };
	const char *what = NULL;
	int rc = rt_audit_run(&a, &c->opts, c->nl_err ? NULL : &c->nl, c->nl_err, stdout, &what);

	if (a.started)
		rt_audit_summary(stdout, &a, c->opts.json);
	rt_audit_free(&a);
	/* A write error (what NULL) is reported by main() once all output is done. */
	if (rc < 0)
		return what ? die(c, what, strerror(-rc)) : RT_EXIT_ERROR;
	return rt_audit_exit(&a);
}

/*
 * --json: the start event carries the --explain-route object, so a reader
 * gets the route decision on every run. NULL (then null) if out of memory.
 */
static char *route_json(const struct ctx *c)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	rt_explain_json(f, &c->ex, c->target.name);
	if (fclose(f) == EOF) {
		free(buf);
		return NULL;
	}
	if (len && buf[len - 1] == '\n')
		buf[len - 1] = '\0';
	return buf;
}

/* The route decision as the observer and route-change events show it. */
static void route_view(const struct ctx *c, struct rt_route_view *v)
{
	size_t len = 0;
	FILE *f;

	memset(v, 0, sizeof(*v));
	v->err = c->ex.route_err;
	rt_explain_snapshot(&c->ex, &v->snap);
	f = open_memstream(&v->json, &len);
	if (!f)
		return;
	rt_explain_json_netlink(f, &c->ex);
	if (fclose(f) == EOF) {
		free(v->json);
		v->json = NULL;
	}
}

/* The summary, then the exit code from how the run went. */
static int finish(struct rt_engine *e, const struct rt_opts *o, const struct rt_stats *st)
{
	rt_engine_summary(e);
	/* A write error is reported by main() once all output is done (iputils). */
	return rt_policy_exit_code(o, st);
}

static void engine_io(void *e, short revents)
{
	rt_engine_io(e, revents);
}

static int64_t engine_step(void *e, int64_t now)
{
	return rt_engine_step(e, now);
}

static void engine_status(void *e)
{
	rt_engine_status(e);
}

/* The watch saw a burst end: ask again; the engine says whether it changed. */
static void watch_changed(void *arg, unsigned causes)
{
	struct ctx *c = arg;
	struct rt_route_view v;

	rt_explain_requery(&c->nl, &c->ex);
	route_view(c, &v);
	rt_engine_route(c->e, &v, rt_watch_cause_name(causes));
}

static void watch_bound(void *arg, bool gone)
{
	struct ctx *c = arg;
	char a[RT_ADDRSTRLEN], text[160];

	if (gone && !c->src_gone) {
		struct rt_event ev = { .kind = RT_EV_MESSAGE, .text = text };

		snprintf(text, sizeof(text), "source address %s is no longer on this host; "
			 "echoes bound to it cannot leave", rt_addr_str(&c->ex.flow.src, a, sizeof(a)));
		rt_out_event(rt_engine_out(c->e), &ev);
	}
	c->src_gone = gone;
}

static void watch_io(void *w, short revents)
{
	rt_watch_io(w, revents);
}

static int64_t watch_step(void *w, int64_t now)
{
	return rt_watch_step(w, now);
}

/*
 * The route watch, when netlink answers at all: a watch that cannot be had
 * is said once and the ping goes on without it. NULL then.
 */
static struct rt_watch *open_watch(struct ctx *c)
{
	static const struct rt_watch_ops ops = { watch_changed, watch_bound, NULL };
	struct rt_watch_ops o = ops;
	struct rt_watch *w;
	int rc;

	if (c->nl_err || c->ex.fallback)
		return NULL;
	o.arg = c;
	rc = rt_watch_open(&w, c->target.fam->af, c->opts.watch_rcvbuf,
			   rt_addr_is_set(&c->ex.flow.src) ? &c->ex.flow.src : NULL, &o);
	if (rc < 0) {
		fprintf(stderr, "%s: warning: route watch unavailable: %s\n", c->prog, strerror(-rc));
		return NULL;
	}
	return w;
}

/* The loop over the engine's socket and the route watch's; -errno and *what. */
static int ping_loop(struct ctx *c, const struct rt_route_snap *route, const char **what)
{
	struct rt_engine *e = c->e;
	struct rt_watch *w;
	struct rt_loop loop;
	int rc;

	/* -B, -e, -C pin the route's source: later queries ask for the bound flow. */
	if ((c->opts.bind_source || c->flow.binds_source || c->flow.connected) &&
	    !rt_addr_is_set(&c->ex.flow.src) && rt_addr_is_set(&route->src))
		c->ex.flow.src = c->ex.echo.src = route->src;
	w = open_watch(c);
	/* Before the header: a SIGINT from then on ends the run with its summary. */
	rt_loop_init(&loop);
	loop.status = engine_status;
	loop.status_arg = e;
	rc = rt_loop_add(&loop, rt_engine_fd(e), POLLIN, engine_io, engine_step, e);
	if (!rc && w)
		rc = rt_loop_add(&loop, rt_watch_fd(w), POLLIN, watch_io, watch_step, w);
	if (w)
		rt_engine_out(e)->watch = &c->wst;   /* copied in when the loop ends */
	if (!rc && (rc = rt_engine_start(e, route, what)) == 0)
		rt_loop_run(&loop);
	rt_loop_close(&loop);
	if (w)
		rt_watch_stats(w, &c->wst);
	rt_watch_close(w);
	return rc;
}

/*
 * What only the open socket knows, into the flow before anything asks the
 * route: a refused SO_MARK (iputils warns and pings unmarked, so neither
 * the route query nor the UDP check may carry the mark), and -C's port.
 */
static void socket_facts(struct ctx *c, const struct rt_engine *e)
{
	const struct rt_sock *s = rt_engine_sock(e);

	if (s->mark_err) {
		fprintf(stderr, "%s: WARNING: failed to set mark: %u: %s\n", c->prog,
			c->flow.mark, strerror(s->mark_err));
		if (s->mark_err == EPERM)
			fprintf(stderr, "%s: => missing cap_net_admin+p or cap_net_raw+p "
				"(since Linux 5.17) capability?\n", c->prog);
		c->flow.has_mark = false;
		c->flow.mark = 0;
	}
	if (c->flow.connected) {
		c->flow.connect_sport = rt_sock_connect_sport(s);
		c->flow.binds_source = s->bind_route;
	}
}

/* A broadcast destination without -b: the kernel's route type, or the probe's EACCES. */
static bool broadcast_refused(const struct ctx *c)
{
	if (c->opts.broadcast)
		return false;
	if (c->ex.fallback)
		return c->ex.route_err == -EACCES;
	return !c->ex.route_err && c->ex.route.type == RTN_BROADCAST;
}

static int run_ping(struct ctx *c)
{
	struct rt_engine *e;
	struct rt_engine_result res;
	struct rt_route_snap route;
	const char *what = NULL;
	char *json = NULL;
	int rc;

	rc = rt_engine_open(&e, &c->opts, &c->target, &c->flow, c->prog, &what);
	if (rc < 0)
		return die(c, what, strerror(-rc));
	c->e = e;
	socket_facts(c, e);
	explain(c);
	if (rt_caps_drop_all() < 0) {
		rt_engine_close(e);
		return die(c, "cap_set_proc", strerror(errno));
	}
	/* iputils learns this from its probe's connect(), before the header. */
	if (broadcast_refused(c)) {
		rt_engine_close(e);
		return die(c, NULL, "Do you want to ping broadcast? Then -b. If not, "
			   "check your local firewall rules");
	}
	/* iputils learns "no route" from its probe's connect(); we from the kernel. */
	if (c->ex.route_err) {
		rt_engine_close(e);
		return die(c, "connect", strerror(-c->ex.route_err));
	}
	rt_explain_warn(stderr, c->prog, &c->ex);
	if (c->opts.json) {
		json = route_json(c);
		rt_engine_set_route_json(e, json);
	}
	/* iputils' words, on stderr before the header, for a -b run that goes ahead. */
	if (c->opts.broadcast && !c->ex.fallback && c->ex.route.type == RTN_BROADCAST)
		fprintf(stderr, "WARNING: pinging broadcast address\n");
	rt_explain_snapshot(&c->ex, &route);
	{
		struct rt_route_view v;

		route_view(c, &v);
		rt_engine_set_prediction(e, &v, !c->ex.match_err && c->ex.match.multipath);
	}
	rc = ping_loop(c, &route, &what);
	rt_engine_result(e, &res);
	if (rc < 0) {
		rc = die(c, what, strerror(-rc));
	} else if (res.fatal) {
		fflush(stdout);   /* the lines so far, then the reason, as iputils */
		rc = die(c, NULL, res.fatal);
	} else {
		rc = finish(e, &c->opts, res.st);
	}
	rt_engine_close(e);
	free(json);
	return rc;
}

/*
 * Everything that can fail on bad input happens here, before any socket.
 * true: go on and run; false: done, with the exit code in *rc.
 */
static bool prepare(struct ctx *c, int argc, char **argv, int *rc)
{
	char err[256];
	int gai;

	*rc = RT_EXIT_OK;
	if (rt_opts_parse(&c->opts, argc, argv, rt_caps_privileged(), err, sizeof(err)) < 0)
		return *rc = die(c, NULL, err), false;
	if (c->opts.mode == RT_MODE_HELP) {
		rt_opts_usage(stdout, c->prog);
		return false;
	}
	if (c->opts.mode == RT_MODE_VERSION) {
		print_version();
		return false;
	}
	if (c->opts.mode == RT_MODE_NI_HELP) {
		fputs(rt_ni_help, stdout);
		return false;
	}
	if (c->opts.audit)
		return true;   /* each destination in its turn */
	gai = rt_target_resolve(&c->target, c->opts.dest, c->opts.af);
	if (gai)
		return *rc = die_dest(c, c->opts.dest, gai_strerror(gai)), false;
	if (rt_opts_check_family(&c->opts, c->target.fam, &c->target.addr, err, sizeof(err)) < 0)
		return *rc = die_dest(c, NULL, err), false;
	/* The socket's owner: fsuid at socket() time, i.e. after rt_caps_init(). */
	*rc = rt_flow_build(&c->flow, &c->opts, &c->target, geteuid());
	if (*rc == -EDESTADDRREQ)
		return *rc = die_dest(c, c->opts.dest, "link-local destination needs an "
				      "interface (-I IFACE or ADDRESS%IFACE)"), false;
	if (*rc < 0) {
		snprintf(err, sizeof(err), "SO_BINDTODEVICE %s", c->opts.iface);
		return *rc = die_dest(c, err, strerror(-*rc)), false;
	}
	/*
	 * The echo goes where the flow does (0.0.0.0 -> 127.0.0.1): the engine
	 * sends there and expects replies from there, as iputils replaces
	 * 0.0.0.0 with its probe's source. The name as typed stays.
	 */
	c->target.addr = c->flow.dst;
	return true;
}

/*
 * Fds 0-2 must be open before the first socket, or the socket becomes
 * stdout and the output goes into it. A closed one gets /dev/null read-only
 * (glibc does so for setuid programs): writes then fail, and the run ends
 * with iputils' "write error" as if stdout had stayed closed.
 */
static int std_fds_open(void)
{
	for (int fd = 0; fd <= 2; fd++) {
		int nfd;

		if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF)
			continue;
		nfd = open("/dev/null", O_RDONLY | O_NOCTTY);
		if (nfd != fd) {
			if (nfd >= 0)
				close(nfd);
			return -1;
		}
	}
	return 0;
}

/* stdout is a pipe nobody reads: iputils stays silent about that (EPIPE). */
static bool reader_gone(void)
{
	struct pollfd p = { .fd = STDOUT_FILENO, .events = POLLOUT };
	struct stat st;

	return fstat(STDOUT_FILENO, &st) == 0 && S_ISFIFO(st.st_mode) &&
	       poll(&p, 1, 0) == 1 && (p.revents & POLLERR);
}

/*
 * Every write goes through stdio; its error flag is checked once, at the
 * end, as iputils' close_stdout(): "write error" and exit 1 for stdout,
 * exit 1 without a word for stderr. Explain mode exits 2 instead: there 1
 * means "the answers differ".
 */
static int check_output(const struct ctx *c, int rc)
{
	int failed = c->opts.mode == RT_MODE_EXPLAIN ? RT_EXIT_ERROR : RT_EXIT_WRITE;

	if ((fflush(stdout) == EOF || ferror(stdout)) && !reader_gone()) {
		fprintf(stderr, "%s: write error\n", c->prog);
		rc = failed;
	}
	if (fflush(stderr) == EOF || ferror(stderr))
		rc = failed;
	return rc;
}

static int run(struct ctx *c, int argc, char **argv)
{
	int rc = rt_caps_init();

	if (rc < 0)
		return die(c, "cap_set_proc", strerror(-rc));
	if (!prepare(c, argc, argv, &rc))
		return rc;
	c->nl_err = rt_nl_open(&c->nl);
	if (c->opts.audit)
		rc = run_audit(c);
	else
		rc = c->opts.mode == RT_MODE_EXPLAIN ? run_explain(c) : run_ping(c);
	rt_nl_close(&c->nl);
	return rc;
}

int main(int argc, char **argv)
{
	static struct ctx c;   /* static: large, and zeroed */

	c.prog = basename(argv[0]);
	if (std_fds_open() < 0)
		return RT_EXIT_ERROR;
	/* The charset of names typed and shown (IDN); numbers and messages stay C. */
	setlocale(LC_CTYPE, "");
	return check_output(&c, run(&c, argc, argv));
}
