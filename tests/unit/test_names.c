/*
 * Names: iputils' numeric-target rule, the wait bound, the lookup cache
 * driven by a fake resolver that can be made to hang like a dead DNS
 * server, and the loop's bounded wait that SIGINT ends.
 */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <sys/time.h>
#include <sys/wait.h>

#include "rtping/loop.h"
#include "rtping/names.h"
#include "runner.h"

#define MS 1000000LL
/*
 * A wait that ends as soon as the answer is in, bounded far beyond any
 * scheduling delay of a busy machine; and the time a call that must not
 * wait is given (half of that bound, so a wait still shows).
 */
#define LONG_WAIT (10000 * MS)
#define NO_WAIT (LONG_WAIT / 2)

/* The fake resolver: "host-A-B-C-D" for 10.x, "peer" for 10.0.0.2, nothing for 10.0.0.3. */
static pthread_mutex_t fake_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t fake_cv = PTHREAD_COND_INITIALIZER;
static int fake_calls;
static bool fake_hang;         /* lookups block until released */

static int fake_lookup(const struct sockaddr *sa, socklen_t len, char *host, size_t hostlen)
{
	const struct sockaddr_in *sin = (const struct sockaddr_in *)sa;
	uint8_t b[4];

	pthread_mutex_lock(&fake_mu);
	fake_calls++;
	while (fake_hang)
		pthread_cond_wait(&fake_cv, &fake_mu);
	pthread_mutex_unlock(&fake_mu);
	if (sa->sa_family != AF_INET || len < sizeof(*sin))
		return EAI_NONAME;
	memcpy(b, &sin->sin_addr, 4);
	if (b[3] == 3)
		return EAI_NONAME;
	if (b[3] == 4) {
		snprintf(host, hostlen, "10.0.0.4");   /* a "name" that is the number */
		return 0;
	}
	if (b[3] == 2 && b[2] == 0)
		snprintf(host, hostlen, "peer");
	else
		snprintf(host, hostlen, "host-%u-%u-%u-%u", b[0], b[1], b[2], b[3]);
	return 0;
}

static void fake_reset(bool hang)
{
	pthread_mutex_lock(&fake_mu);
	fake_calls = 0;
	fake_hang = hang;
	pthread_mutex_unlock(&fake_mu);
}

static void fake_release(void)
{
	pthread_mutex_lock(&fake_mu);
	fake_hang = false;
	pthread_cond_broadcast(&fake_cv);
	pthread_mutex_unlock(&fake_mu);
}

static int calls(void)
{
	int n;

	pthread_mutex_lock(&fake_mu);
	n = fake_calls;
	pthread_mutex_unlock(&fake_mu);
	return n;
}

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 * MS + ts.tv_nsec;
}

/* The tests' rt_names_wait_fn: ppoll() with test_mask; test_stop ends the wait. */
static const sigset_t *test_mask;
static volatile sig_atomic_t test_stop;

static int test_wait(int fd, int64_t until)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	int64_t now = now_ns();
	struct timespec ts;
	int rc;

	if (test_stop)
		return -EINTR;
	if (until <= now)
		return 0;
	ts.tv_sec = (until - now) / (1000 * MS);
	ts.tv_nsec = (until - now) % (1000 * MS);
	rc = ppoll(&p, 1, &ts, test_mask);
	if (test_stop)
		return -EINTR;
	return rc > 0;
}

static volatile sig_atomic_t alarmed;

/* Each test starts from a resolver that answers and no stop (CK_FORK=no too). */
static void reset(void)
{
	fake_reset(false);
	test_mask = NULL;
	test_stop = alarmed = 0;
}

static struct rt_names *open_names(bool numeric)
{
	struct rt_names *n;

	ck_assert_int_eq(rt_names_open(&n, numeric, 0, fake_lookup, test_wait), 0);
	return n;
}

static struct sockaddr_in v4(const char *s, uint16_t port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(port) };

	ck_assert_int_eq(inet_pton(AF_INET, s, &sin.sin_addr), 1);
	return sin;
}

static const char *show(struct rt_names *n, const char *ip, int64_t wait_ns, const char **addr)
{
	struct sockaddr_in sin = v4(ip, 0);

	return rt_names_sockaddr(n, (struct sockaddr *)&sin, sizeof(sin),
				 wait_ns ? now_ns() + wait_ns : 0, addr);
}

START_TEST(numeric_target_every_inet_aton_form)
{
	const char *yes4[] = { "127.0.0.1", "127.1", "0x7f000001", "017700000001", "2130706433",
			       "10.87.2", "0x0a.0x57.0.2" };
	const char *no4[] = { "localhost", "bücher.example", "1.2.3.4.5", "0x7g000001", "",
			      "::1", "256.1.1.1.1" };

	for (size_t i = 0; i < sizeof(yes4) / sizeof(yes4[0]); i++)
		ck_assert_msg(rt_names_numeric_target(AF_INET, yes4[i]), "%s", yes4[i]);
	for (size_t i = 0; i < sizeof(no4) / sizeof(no4[0]); i++)
		ck_assert_msg(!rt_names_numeric_target(AF_INET, no4[i]), "%s", no4[i]);
}
END_TEST

START_TEST(numeric_target_any_ipv6_literal)
{
	ck_assert(rt_names_numeric_target(AF_INET6, "::1"));
	ck_assert(rt_names_numeric_target(AF_INET6, "ff02::1"));
	ck_assert(rt_names_numeric_target(AF_INET6, "fe80::1%eth0"));
	ck_assert(rt_names_numeric_target(AF_INET6, "::ffff:127.0.0.1"));
	ck_assert(!rt_names_numeric_target(AF_INET6, "allnodes"));
	ck_assert(!rt_names_numeric_target(AF_INET6, "ip6-localhost"));
	/* iputils asks ping6 for the colon only: an IPv4 form is a name there. */
	ck_assert(!rt_names_numeric_target(AF_INET6, "127.1"));
	ck_assert(!rt_names_numeric_target(AF_UNSPEC, "127.1"));
}
END_TEST

START_TEST(ace_labels_found_anywhere_any_case)
{
	ck_assert(rt_names_ace("xn--bcher-kva.example"));
	ck_assert(rt_names_ace("www.XN--bcher-kva.example"));
	ck_assert(rt_names_ace("a.b.xn--p1ai"));
	ck_assert(!rt_names_ace("bücher.example"));
	ck_assert(!rt_names_ace("axn--b.example"));
	ck_assert(!rt_names_ace("peer"));
	ck_assert(!rt_names_ace(""));
}
END_TEST

START_TEST(wait_bound_follows_the_next_event)
{
	int64_t now = 5000 * MS;

	ck_assert_int_eq(rt_names_wait_until(now, 0), now + RT_NAMES_WAIT_MAX_NS);
	ck_assert_int_eq(rt_names_wait_until(now, now + 200 * MS), now + 200 * MS);
	ck_assert_int_eq(rt_names_wait_until(now, now + 60000 * MS), now + RT_NAMES_WAIT_MAX_NS);
	/* Already due (or "send now"): the short floor, never a negative wait. */
	ck_assert_int_eq(rt_names_wait_until(now, now - 5 * MS), now + RT_NAMES_WAIT_MIN_NS);
	ck_assert_int_eq(rt_names_wait_until(now, INT64_MIN), now + RT_NAMES_WAIT_MIN_NS);
	ck_assert_int_eq(rt_names_wait_until(now, now + 1), now + RT_NAMES_WAIT_MIN_NS);
}
END_TEST

START_TEST(names_shown_as_iputils_pr_addr)
{
	struct rt_names *n;
	const char *addr;

	fake_reset(false);
	n = open_names(false);
	ck_assert_str_eq(show(n, "10.0.0.2", LONG_WAIT, &addr), "peer (10.0.0.2)");
	ck_assert_str_eq(addr, "10.0.0.2");
	/* No name, or a "name" that is the number itself: the number once. */
	ck_assert_str_eq(show(n, "10.0.0.3", LONG_WAIT, &addr), "10.0.0.3");
	ck_assert_str_eq(show(n, "10.0.0.4", LONG_WAIT, &addr), "10.0.0.4");
	ck_assert_str_eq(addr, "10.0.0.4");
	rt_names_close(n);
}
END_TEST

START_TEST(cache_asks_once_per_address_not_per_port)
{
	struct rt_names *n;
	struct sockaddr_in a = v4("10.0.0.2", 1), b = v4("10.0.0.2", 2);
	int64_t until = now_ns() + LONG_WAIT;
	const char *addr;

	fake_reset(false);
	n = open_names(false);
	ck_assert_str_eq(rt_names_sockaddr(n, (struct sockaddr *)&a, sizeof(a), until, &addr),
			 "peer (10.0.0.2)");
	ck_assert_str_eq(rt_names_sockaddr(n, (struct sockaddr *)&b, sizeof(b), until, &addr),
			 "peer (10.0.0.2)");
	ck_assert_str_eq(show(n, "10.0.0.3", LONG_WAIT, &addr), "10.0.0.3");
	ck_assert_str_eq(show(n, "10.0.0.3", LONG_WAIT, &addr), "10.0.0.3");
	ck_assert_int_eq(calls(), 2);
	rt_names_close(n);
}
END_TEST

START_TEST(cache_evicts_and_stays_right)
{
	struct rt_names *n;
	char ip[32], want[64];
	const char *addr;

	fake_reset(false);
	n = open_names(false);
	for (int round = 0; round < 2; round++) {
		for (int i = 0; i < 200; i++) {
			snprintf(ip, sizeof(ip), "10.1.%d.%d", i / 100, 10 + i % 100);
			snprintf(want, sizeof(want), "host-10-1-%d-%d (%s)", i / 100, 10 + i % 100, ip);
			ck_assert_str_eq(show(n, ip, LONG_WAIT, &addr), want);
			ck_assert_str_eq(addr, ip);
		}
	}
	rt_names_close(n);
}
END_TEST

/* An rt_addr (an ICMP error's offender) gets the target's scope: fe80::1%lo. */
START_TEST(error_offender_shown_with_scope)
{
	struct rt_names *n;
	struct rt_addr a;
	const char *addr;

	fake_reset(false);
	ck_assert_int_eq(rt_names_open(&n, false, 1, fake_lookup, test_wait), 0);
	ck_assert_int_eq(rt_addr_parse(&a, AF_INET6, "fe80::1"), 0);
	ck_assert_str_eq(rt_names_addr(n, &a, now_ns() + LONG_WAIT, &addr), "fe80::1%lo");
	ck_assert_str_eq(addr, "fe80::1%lo");
	ck_assert_int_eq(rt_addr_parse(&a, AF_INET, "10.0.0.2"), 0);
	ck_assert_str_eq(rt_names_addr(n, &a, now_ns() + LONG_WAIT, &addr), "peer (10.0.0.2)");
	rt_names_close(n);
}
END_TEST

START_TEST(numeric_run_never_looks_up)
{
	struct rt_names *n;
	const char *addr;

	fake_reset(false);
	n = open_names(true);
	ck_assert_str_eq(show(n, "10.0.0.2", LONG_WAIT, &addr), "10.0.0.2");
	ck_assert_str_eq(addr, "10.0.0.2");
	ck_assert_int_eq(calls(), 0);
	rt_names_close(n);
}
END_TEST

/* A resolver that never answers: the number after the bound, once; the name when it comes. */
START_TEST(dead_resolver_holds_the_loop_only_until_the_bound)
{
	struct rt_names *n;
	const char *addr, *txt;
	int64_t t0, dt;

	fake_reset(true);
	n = open_names(false);
	t0 = now_ns();
	ck_assert_str_eq(show(n, "10.0.0.2", 80 * MS, &addr), "10.0.0.2");
	dt = now_ns() - t0;
	ck_assert_msg(dt >= 75 * MS && dt < NO_WAIT, "waited %lld ns", (long long)dt);
	/* Waited once for this address: the next line does not wait again. */
	t0 = now_ns();
	ck_assert_str_eq(show(n, "10.0.0.2", LONG_WAIT, &addr), "10.0.0.2");
	ck_assert_msg(now_ns() - t0 < NO_WAIT, "waited again");
	/* Queued behind the hung lookup: no wait, even with a bound. */
	t0 = now_ns();
	ck_assert_str_eq(show(n, "10.0.0.6", LONG_WAIT, &addr), "10.0.0.6");
	ck_assert_msg(now_ns() - t0 < NO_WAIT, "waited behind a hung lookup");
	/* Without a bound, never a wait (the hung lookup would hold it for ever). */
	t0 = now_ns();
	ck_assert_str_eq(show(n, "10.0.0.5", 0, &addr), "10.0.0.5");
	ck_assert_msg(now_ns() - t0 < NO_WAIT, "waited without a bound");
	fake_release();
	/* Polled without a bound until the name is in (LONG_WAIT at most). */
	for (t0 = now_ns(); now_ns() - t0 < LONG_WAIT; usleep(5000)) {
		txt = show(n, "10.0.0.2", 0, &addr);
		if (strcmp(txt, "10.0.0.2"))
			break;
	}
	ck_assert_str_eq(txt, "peer (10.0.0.2)");
	rt_names_close(n);
}
END_TEST

START_TEST(stop_ends_the_wait)
{
	struct rt_names *n;
	const char *addr;
	int64_t t0 = now_ns();

	test_stop = 1;
	fake_reset(true);
	n = open_names(false);
	ck_assert_str_eq(show(n, "10.0.0.2", LONG_WAIT, &addr), "10.0.0.2");
	ck_assert_msg(now_ns() - t0 < NO_WAIT, "waited with stop set");
	fake_release();
	rt_names_close(n);
}
END_TEST

static void on_alarm(int sig)
{
	(void)sig;
	alarmed = test_stop = 1;
}

/* As the engine's SIGINT: blocked but for the wait, whose mask lets it in. */
START_TEST(signal_during_wait_ends_it)
{
	struct sigaction sa = { .sa_handler = on_alarm };
	struct itimerval it = { .it_value = { .tv_usec = 100000 } };
	sigset_t block, waitmask;
	struct rt_names *n;
	const char *addr;
	int64_t t0 = now_ns(), dt;

	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);
	sigemptyset(&block);
	sigaddset(&block, SIGALRM);
	sigprocmask(SIG_BLOCK, &block, &waitmask);
	sigdelset(&waitmask, SIGALRM);
	test_mask = &waitmask;
	fake_reset(true);
	n = open_names(false);
	setitimer(ITIMER_REAL, &it, NULL);
	ck_assert_str_eq(show(n, "10.0.0.2", LONG_WAIT, &addr), "10.0.0.2");
	dt = now_ns() - t0;
	ck_assert(alarmed);
	ck_assert_msg(dt >= 90 * MS && dt < NO_WAIT, "ended after %lld ns", (long long)dt);
	fake_release();
	rt_names_close(n);
}
END_TEST

/* The engine's wait: SIGINT, blocked outside the loop's sleeps, ends it at once. */
START_TEST(sigint_ends_the_loop_wait)
{
	struct rt_loop l;
	int fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	eventfd_t v;
	int64_t t0, dt;
	pid_t child;

	ck_assert_int_ge(fd, 0);
	rt_loop_catch_signals();
	rt_loop_init(&l);
	ck_assert_int_eq(rt_loop_wait_fd(fd, now_ns() + 20 * MS), 0);
	ck_assert_int_eq(eventfd_write(fd, 1), 0);
	ck_assert_int_eq(rt_loop_wait_fd(fd, now_ns() + LONG_WAIT), 1);
	ck_assert_int_eq(eventfd_read(fd, &v), 0);
	t0 = now_ns();
	child = fork();
	ck_assert_int_ge(child, 0);
	if (child == 0) {
		usleep(100000);
		kill(getppid(), SIGINT);
		_exit(0);
	}
	ck_assert_int_eq(rt_loop_wait_fd(fd, now_ns() + LONG_WAIT), -EINTR);
	dt = now_ns() - t0;
	waitpid(child, NULL, 0);
	ck_assert_msg(dt >= 90 * MS && dt < NO_WAIT, "ended after %lld ns", (long long)dt);
	/* Once the run is to end, it does not sleep again. */
	t0 = now_ns();
	ck_assert_int_eq(rt_loop_wait_fd(fd, now_ns() + LONG_WAIT), -EINTR);
	ck_assert_msg(now_ns() - t0 < NO_WAIT, "slept again");
	rt_loop_close(&l);
	close(fd);
}
END_TEST

/* Closing never waits for a lookup in progress; the worker cleans up after. */
START_TEST(close_does_not_wait_for_a_hung_lookup)
{
	struct rt_names *n;
	const char *addr;
	int64_t t0;

	fake_reset(true);
	n = open_names(false);
	show(n, "10.0.0.2", 20 * MS, &addr);
	show(n, "10.0.0.5", 0, &addr);   /* queued behind it */
	while (calls() < 1)
		usleep(1000);
	t0 = now_ns();
	rt_names_close(n);
	ck_assert_msg(now_ns() - t0 < NO_WAIT, "close waited");
	fake_release();
	usleep(50000);   /* the abandoned worker finishes and frees (ASan watches) */
	ck_assert_int_eq(calls(), 1);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("names");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 20);
	tcase_add_checked_fixture(tc, reset, NULL);
	tcase_add_test(tc, numeric_target_every_inet_aton_form);
	tcase_add_test(tc, numeric_target_any_ipv6_literal);
	tcase_add_test(tc, ace_labels_found_anywhere_any_case);
	tcase_add_test(tc, wait_bound_follows_the_next_event);
	tcase_add_test(tc, names_shown_as_iputils_pr_addr);
	tcase_add_test(tc, cache_asks_once_per_address_not_per_port);
	tcase_add_test(tc, cache_evicts_and_stays_right);
	tcase_add_test(tc, error_offender_shown_with_scope);
	tcase_add_test(tc, numeric_run_never_looks_up);
	tcase_add_test(tc, dead_resolver_holds_the_loop_only_until_the_bound);
	tcase_add_test(tc, stop_ends_the_wait);
	tcase_add_test(tc, signal_during_wait_ends_it);
	tcase_add_test(tc, sigint_ends_the_loop_wait);
	tcase_add_test(tc, close_does_not_wait_for_a_hung_lookup);
	suite_add_tcase(s, tc);
	return rt_test_run(s);
}
