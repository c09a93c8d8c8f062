/*
 * rtping: parses the command line, dispatches to a command (ping,
 * --explain-route, its --audit) and prints the error that ends one. Order
 * matters for privileges: capabilities are lowered before anything is
 * parsed, each command raises them only around the sockets that need
 * them and drops them all as soon as those are open: before any input or
 * name when it opens none (src/caps.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <locale.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "config.h"
#include "rtping/caps.h"
#include "rtping/cmd.h"
#include "rtping/exitcodes.h"
#include "rtping/nl.h"
#include "rtping/nodeinfo.h"
#include "rtping/opts.h"

/* Versions as pkg-config reported them at build time: neither library has a run-time query. */
static int cmd_version(const struct rt_cmd_env *env, struct rt_error *fatal)
{
	printf("rtping %s\n", RTPING_VERSION);
	printf("built with libmnl %s, libcap %s\n", RTPING_LIBMNL_VERSION, RTPING_LIBCAP_VERSION);
	printf("build: %s\n", RTPING_BUILD_OPTIONS);
	return RT_EXIT_OK;
}

static int cmd_help(const struct rt_cmd_env *env, struct rt_error *fatal)
{
	rt_opts_usage(stdout, env->prog);
	return RT_EXIT_OK;
}

static int cmd_ni_help(const struct rt_cmd_env *env, struct rt_error *fatal)
{
	fputs(rt_ni_help, stdout);
	return RT_EXIT_OK;
}

/* The command table: which command a parsed command line runs. */
static const struct cmd {
	enum rt_mode mode;
	bool audit;
	bool netlink;             /* asks the kernel about routes */
	rt_cmd_fn run;
} cmds[] = {
	{ RT_MODE_PING,    false, true,  rt_cmd_ping },
	{ RT_MODE_EXPLAIN, false, true,  rt_cmd_explain },
	{ RT_MODE_EXPLAIN, true,  true,  rt_cmd_audit },
	{ RT_MODE_HELP,    false, false, cmd_help },
	{ RT_MODE_VERSION, false, false, cmd_version },
	{ RT_MODE_NI_HELP, false, false, cmd_ni_help },
};

static const struct cmd *find_cmd(const struct rt_opts *o)
{
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (cmds[i].mode == o->mode && cmds[i].audit == o->audit)
			return &cmds[i];
	return NULL;
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
static int check_output(const char *prog, enum rt_mode mode, int rc)
{
	int failed = mode == RT_MODE_EXPLAIN ? RT_EXIT_ERROR : RT_EXIT_WRITE;

	if ((fflush(stdout) == EOF || ferror(stdout)) && !reader_gone()) {
		fprintf(stderr, "%s: write error\n", prog);
		rc = failed;
	}
	if (fflush(stderr) == EOF || ferror(stderr))
		rc = failed;
	return rc;
}

/* The one place an error that ends a run is printed. */
static int die(const char *prog, const struct rt_error *e)
{
	fflush(stdout);   /* the lines so far, then the reason, as iputils */
	fprintf(stderr, "%s: %s\n", prog, e->msg);
	return RT_EXIT_ERROR;
}

static int run(struct rt_cmd_env *env, struct rt_opts *o, int argc, char **argv)
{
	static struct rt_nl nl;
	struct rt_error err = { 0 };
	const struct cmd *cmd;
	int rc = rt_caps_init();

	if (rc < 0)
		return rt_error_errno(&err, rc, "cap_set_proc"), die(env->prog, &err);
	if (rt_opts_parse(o, argc, argv, rt_caps_privileged(), &err) < 0) {
		rc = die(env->prog, &err);
		/* iputils exits 1 for a bad number; explain's 1 means "differ". */
		return err.code == -ERANGE && o->mode == RT_MODE_PING ? RT_EXIT_BADVALUE : rc;
	}
	cmd = find_cmd(o);
	if (!cmd)
		return rt_error_set(&err, -EINVAL, "no command for these options"), die(env->prog, &err);
	/*
	 * The charset of names typed and shown (IDN); numbers and messages stay
	 * C. Ping mode sets it once its list is read (src/ping.c), and only
	 * when a name may need it: the locale's tables cost 200 KiB of RSS.
	 */
	if (cmd->netlink && o->mode != RT_MODE_PING)
		setlocale(LC_CTYPE, "");
	if (cmd->netlink) {
		env->nl_err = rt_nl_open(&nl);
		env->nl = env->nl_err ? NULL : &nl;
	}
	rc = cmd->run(env, &err);
	if (err.code)
		rc = die(env->prog, &err);
	if (cmd->netlink)
		rt_nl_close(&nl);
	return rc;
}

int main(int argc, char **argv)
{
	static struct rt_opts o;   /* static: large, and zeroed */
	struct rt_cmd_env env = { .prog = basename(argv[0]), .o = &o };
	int rc;

	if (std_fds_open() < 0)
		return RT_EXIT_ERROR;
	rc = run(&env, &o, argc, argv);
	return check_output(env.prog, o.mode, rc);
}
