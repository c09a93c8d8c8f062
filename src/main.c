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
#include "rtping/error.h"
#include "rtping/exitcodes.h"
#include "rtping/explain.h"
#include "rtping/flow.h"
#include "rtping/opts.h"
#include "rtping/ping.h"
#include "rtping/sock.h"
#include "rtping/target.h"
#include "rtping/verify.h"

struct ctx {
	const char *prog;
	struct rt_opts opts;
	struct rt_target target;
	struct rt_flow flow;
	struct rt_nl nl;
	int nl_err;
	struct rt_explain ex;
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

static int run_explain(struct ctx *c)
{
	struct rt_sock s;
	const char *what = NULL;
	int rc;

	/*
	 * -C: what connect() keys on (the socket's port, whether a source is
	 * bound first) belongs to the socket, so open it as ping mode would.
	 * Nothing is sent.
	 */
	if (c->flow.connected) {
		rc = rt_sock_open(&s, &c->opts, &c->flow, &c->target, 1, &what);
		if (rc < 0)
			return die_dest(c, what, strerror(-rc));
		rt_sock_mark_warning(stderr, c->prog, &s, c->flow.mark);
		rt_sock_flow_facts(&s, &c->flow);
		rt_sock_close(&s);
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
 * Ping: every target's run (src/ping.c); the exit code from how they went.
 * A target that could not be pinged was reported there: exit 2 at the end.
 */
static int run_ping(struct ctx *c)
{
	struct rt_ping_result r;
	char err[512];
	int rc = rt_ping_run(&c->opts, c->nl_err ? NULL : &c->nl, c->nl_err, c->prog, &r,
			     err, sizeof(err));

	if (rc < 0)
		return die(c, NULL, err);
	if (r.fatal) {
		fflush(stdout);   /* the lines so far, then the reason, as iputils */
		return die(c, NULL, r.fatal);
	}
	/* A write error is reported by main() once all output is done (iputils). */
	if (r.totals.failed)
		return RT_EXIT_ERROR;
	return r.totals.answered == r.totals.total ? RT_EXIT_OK : RT_EXIT_NOREPLY;
}

/*
 * Everything that can fail on bad input happens here, before any socket.
 * true: go on and run; false: done, with the exit code in *rc.
 */
static bool prepare(struct ctx *c, int argc, char **argv, int *rc)
{
	char err[256];
	struct rt_error e;
	int gai;

	*rc = RT_EXIT_OK;
	if (rt_opts_parse(&c->opts, argc, argv, rt_caps_privileged(), &e) < 0) {
		*rc = die(c, NULL, e.msg);
		/* iputils exits 1 for a bad number; explain's 1 means "differ". */
		if (e.code == -ERANGE && c->opts.mode == RT_MODE_PING)
			*rc = RT_EXIT_BADVALUE;
		return false;
	}
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
	/*
	 * The charset of names typed and shown (IDN); numbers and messages stay
	 * C. Ping mode sets it once its list is read (src/ping.c), and only
	 * when a name may need it: the locale's tables cost 200 KiB of RSS.
	 */
	if (c->opts.mode != RT_MODE_PING)
		setlocale(LC_CTYPE, "");
	if (c->opts.audit || c->opts.mode == RT_MODE_PING)
		return true;   /* each destination in its turn (src/ping.c, src/audit.c) */
	gai = rt_target_resolve(&c->target, c->opts.dest, c->opts.af);
	if (gai)
		return *rc = die_dest(c, c->opts.dest, gai_strerror(gai)), false;
	if (rt_opts_check_family(&c->opts, c->target.fam, &c->target.addr, &e) < 0)
		return *rc = die_dest(c, NULL, e.msg), false;
	/* The socket's owner: fsuid at socket() time, i.e. after rt_caps_init(). */
	*rc = rt_flow_build(&c->flow, &c->opts, &c->target, geteuid());
	if (*rc == -EDESTADDRREQ)
		return *rc = die_dest(c, c->opts.dest, "link-local destination needs an "
				      "interface (-I IFACE or ADDRESS%IFACE)"), false;
	if (*rc < 0) {
		snprintf(err, sizeof(err), "SO_BINDTODEVICE %s", c->opts.iface);
		return *rc = die_dest(c, err, strerror(-*rc)), false;
	}
	/* The echo goes where the flow does (0.0.0.0 -> 127.0.0.1), as in ping mode. */
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
	return check_output(&c, run(&c, argc, argv));
}
