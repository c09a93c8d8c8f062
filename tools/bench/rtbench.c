/*
 * rtbench: the measuring half of tools/bench/run (run by hand, never a
 * timed test).
 *
 *   rtbench exec NETNS OUT CMD [ARG...]
 *       enters /run/netns/NETNS ("-": stay), runs CMD once with stdout to
 *       OUT, prints "wall_us maxrss_kb status cpu_us" (user + system). The clock and wait4() sit
 *       here rather than in `ip netns exec`/time(1), whose own start-up and
 *       memory would otherwise be counted.
 *   rtbench route DEST COUNT
 *       in-process microseconds per query, calls interleaved so machine
 *       noise hits every method alike: RTM_GETROUTE on a reused netlink
 *       socket, on a fresh one, the UDP-connect probe, and the whole
 *       --explain-route path (socket, queries, probe, text to /dev/null).
 *       Prints "name min_us median_us" per method.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include "rtping/explain.h"
#include "rtping/nl.h"
#include "rtping/udpconnect.h"
#include "rtping/route.h"

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int enter_netns(const char *name)
{
	char path[256];
	int fd, rc;

	if (!strcmp(name, "-"))
		return 0;
	snprintf(path, sizeof(path), "/run/netns/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	rc = setns(fd, CLONE_NEWNET) < 0 ? -errno : 0;
	close(fd);
	return rc;
}

static int cmd_exec(char **argv)
{
	struct rusage ru;
	int64_t t0, t1;
	int status = 0, rc = enter_netns(argv[0]);
	pid_t pid;

	if (rc < 0) {
		fprintf(stderr, "rtbench: netns %s: %s\n", argv[0], strerror(-rc));
		return 2;
	}
	t0 = now_ns();
	pid = fork();
	if (pid == 0) {
		int fd = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

		if (fd < 0 || dup2(fd, 1) < 0)
			_exit(127);
		execvp(argv[2], argv + 2);
		_exit(127);
	}
	if (pid < 0 || wait4(pid, &status, 0, &ru) < 0)
		return 2;
	t1 = now_ns();
	printf("%lld %ld %d %lld\n", (long long)((t1 - t0) / 1000), ru.ru_maxrss,
	       WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status),
	       (long long)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000 +
	       ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
	return 0;
}

/* ---- route: in-process query cost ---- */

enum { M_NL_REUSE, M_NL_FRESH, M_PROBE, M_EXPLAIN, M_COUNT };
static const char *const method_name[M_COUNT] = {
	"netlink_reused", "netlink_fresh", "udp_probe", "explain_path",
};

static int one_query(int m, struct rt_nl *nl, const struct rt_flow *f, FILE *devnull)
{
	struct rt_route r;
	struct rt_udpc p;
	struct rt_nl fresh;
	static struct rt_explain ex;   /* large */
	int rc;

	switch (m) {
	case M_NL_REUSE:
		return rt_route_get(nl, f, 0, &r, NULL);
	case M_NL_FRESH:
		if ((rc = rt_nl_open(&fresh)) < 0)
			return rc;
		rc = rt_route_get(&fresh, f, 0, &r, NULL);
		rt_nl_close(&fresh);
		return rc;
	case M_PROBE:
		return rt_udpc_run(f, &p);
	default:
		if ((rc = rt_nl_open(&fresh)) < 0)
			return rc;
		rt_explain_run(&fresh, 0, f, NULL, &ex);
		rt_explain_text(devnull, &ex, NULL, "bench");
		fflush(devnull);
		rt_nl_close(&fresh);
		return 0;
	}
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

static int flow_for(const char *dest, struct rt_flow *f)
{
	memset(f, 0, sizeof(*f));
	if (rt_addr_parse(&f->dst, AF_UNSPEC, dest) < 0)
		return -EINVAL;
	f->fam = rt_family_get(f->dst.af);
	f->uid = geteuid();
	f->proto = (uint8_t)f->fam->proto;
	f->dport = rt_family_echo_dport(f->fam);
	return 0;
}

static int cmd_route(char **argv)
{
	long count = atol(argv[1]);
	int64_t *t[M_COUNT];
	struct rt_flow f;
	struct rt_nl nl;
	FILE *devnull = fopen("/dev/null", "we");

	if (count < 1 || count > 1000000 || flow_for(argv[0], &f) < 0 || !devnull ||
	    rt_nl_open(&nl) < 0) {
		fprintf(stderr, "rtbench: route: bad destination, count or netlink\n");
		return 2;
	}
	for (int m = 0; m < M_COUNT; m++)
		t[m] = calloc((size_t)count, sizeof(int64_t));
	for (long i = 0; i < count; i++) {
		for (int m = 0; m < M_COUNT; m++) {
			int64_t t0 = now_ns();

			if (one_query(m, &nl, &f, devnull) < 0) {
				fprintf(stderr, "rtbench: %s failed\n", method_name[m]);
				return 2;
			}
			t[m][i] = now_ns() - t0;
		}
	}
	for (int m = 0; m < M_COUNT; m++) {
		qsort(t[m], (size_t)count, sizeof(int64_t), cmp_i64);
		printf("%s %.1f %.1f\n", method_name[m], t[m][0] / 1000.0,
		       t[m][count / 2] / 1000.0);
		free(t[m]);
	}
	rt_nl_close(&nl);
	fclose(devnull);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 5 && !strcmp(argv[1], "exec"))
		return cmd_exec(argv + 2);
	if (argc == 4 && !strcmp(argv[1], "route"))
		return cmd_route(argv + 2);
	fprintf(stderr, "usage: rtbench exec NETNS OUT CMD [ARG...] | rtbench route DEST COUNT\n");
	return 2;
}
