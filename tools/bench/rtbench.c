/*
 * rtbench: the measuring half of tools/bench/run (run by hand, never a
 * timed test).
 *
 *   rtbench exec NETNS OUT CMD [ARG...]
 *       enters /run/netns/NETNS ("-": stay), runs CMD once with stdout to
 *       OUT, prints "wall_us maxrss_kb status cpu_us" (user + system). The
 *       clock and wait4() sit here rather than in `ip netns exec`/time(1), whose own start-up and
 *       memory would otherwise be counted.
 *   rtbench first NETNS IFACE OUT CMD [ARG...]
 *       the same start, and prints the microseconds until the command's
 *       first ICMP or ICMPv6 echo request leaves IFACE (seen on a packet
 *       socket), then ends the command with SIGINT and adds its user + sys
 *       microseconds (the preparation, and the little after the echo).
 *   rtbench route DEST COUNT
 *       in-process microseconds per query, calls interleaved so machine
 *       noise hits every method alike: RTM_GETROUTE on a reused netlink
 *       socket, on a fresh one, the UDP-connect probe, and the whole
 *       --explain-route path (socket, queries, probe, text to /dev/null).
 *       Prints "name min_us median_us" per method.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
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

/* Runs cmd with its stdout to out; its pid, or -1. */
static pid_t spawn(const char *out, char **cmd)
{
	pid_t pid = fork();

	if (pid == 0) {
		int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

		if (fd < 0 || dup2(fd, 1) < 0)
			_exit(127);
		execvp(cmd[0], cmd);
		_exit(127);
	}
	return pid;
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
	pid = spawn(argv[1], argv + 2);
	if (pid < 0 || wait4(pid, &status, 0, &ru) < 0)
		return 2;
	t1 = now_ns();
	printf("%lld %ld %d", (long long)((t1 - t0) / 1000), ru.ru_maxrss,
	       WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
	printf(" %lld", (long long)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000 +
		       ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
	putchar('\n');
	return 0;
}

/* ---- first: the time to the first echo request on a device ---- */

/* An echo request (ICMP type 8, ICMPv6 128) in a packet that a datagram packet socket read. */
static bool is_echo(const uint8_t *p, ssize_t n, uint16_t proto)
{
	if (proto == ETH_P_IP && n >= 21 && p[9] == IPPROTO_ICMP)
		return p[(p[0] & 0x0f) * 4] == 8;
	return proto == ETH_P_IPV6 && n >= 41 && p[6] == IPPROTO_ICMPV6 && p[40] == 128;
}

/* Watches iface for the command's first echo request, then ends the command with SIGINT. */
static int cmd_first(char **argv)
{
	struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ALL) };
	struct rusage ru;
	int64_t t0, t1 = 0;
	int ps, status = 0, rc = enter_netns(argv[0]);
	pid_t pid;

	if (rc < 0 || !(sll.sll_ifindex = (int)if_nametoindex(argv[1])) ||
	    (ps = socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC, htons(ETH_P_ALL))) < 0 ||
	    bind(ps, (struct sockaddr *)&sll, sizeof(sll)) < 0) {
		fprintf(stderr, "rtbench: %s in %s: %s\n", argv[1], argv[0], strerror(errno));
		return 2;
	}
	t0 = now_ns();
	pid = spawn(argv[2], argv + 3);
	while (pid > 0 && !t1) {
		struct pollfd p = { ps, POLLIN, 0 };
		struct sockaddr_ll from;
		socklen_t len = sizeof(from);
		uint8_t buf[2048];
		ssize_t n;

		if (poll(&p, 1, 30000) != 1)
			break;
		n = recvfrom(ps, buf, sizeof(buf), 0, (struct sockaddr *)&from, &len);
		if (n > 0 && from.sll_pkttype == PACKET_OUTGOING &&
		    is_echo(buf, n, ntohs(from.sll_protocol)))
			t1 = now_ns();
	}
	if (pid > 0)
		kill(pid, SIGINT);
	if (pid < 0 || wait4(pid, &status, 0, &ru) < 0 || !t1)
		return 2;
	printf("%lld %lld\n", (long long)((t1 - t0) / 1000),
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
	default: {
		struct rt_explain_ctx c = { .nl = &fresh };

		if ((rc = rt_nl_open(&fresh)) < 0)
			return rc;
		rt_explain_run(&c, f, &ex);
		rt_explain_text(devnull, &ex, NULL, "bench");
		fflush(devnull);
		rt_nl_close(&fresh);
		return 0;
	}
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
	if (argc >= 6 && !strcmp(argv[1], "first"))
		return cmd_first(argv + 2);
	if (argc == 4 && !strcmp(argv[1], "route"))
		return cmd_route(argv + 2);
	fprintf(stderr, "usage: rtbench exec NETNS OUT CMD [ARG...] | "
		"rtbench first NETNS IFACE OUT CMD [ARG...] | rtbench route DEST COUNT\n");
	return 2;
}
