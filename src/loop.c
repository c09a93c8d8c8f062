/*
 * The event loop: registered fds, deadlines from each source's step, one
 * ppoll(). Absolute CLOCK_MONOTONIC deadlines instead of SIGALRM.
 */
#include <errno.h>
#include <poll.h>
#include <string.h>

#include "rtping/clock.h"
#include "rtping/loop.h"

/* The only file-scope state: what the signal handlers tell the loop. */
static volatile sig_atomic_t sig_exit, sig_status;

static void on_exit_signal(int sig)
{
	(void)sig;
	sig_exit = 1;
}

static void on_status_signal(int sig)
{
	(void)sig;
	sig_status = 1;
}

/* The signals the loop acts on: they are let in only while it sleeps. */
static void loop_signals(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGALRM);
	sigaddset(set, SIGQUIT);
}

/* Lets the loop's signals in: the mask in force otherwise. */
static void let_in(sigset_t *mask)
{
	sigdelset(mask, SIGINT);
	sigdelset(mask, SIGALRM);
	sigdelset(mask, SIGQUIT);
}

void rt_loop_catch_signals(void)
{
	struct sigaction sa = { .sa_handler = on_exit_signal };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGALRM, &sa, NULL);
	sa.sa_handler = on_status_signal;
	sigaction(SIGQUIT, &sa, NULL);
}

bool rt_loop_exit_asked(void)
{
	return sig_exit;
}

void rt_loop_init(struct rt_loop *l)
{
	sigset_t block;

	memset(l, 0, sizeof(*l));
	loop_signals(&block);
	sigprocmask(SIG_BLOCK, &block, &l->oldmask);
	l->waitmask = l->oldmask;
	let_in(&l->waitmask);
}

int rt_loop_add(struct rt_loop *l, int fd, short events, rt_loop_io_fn io,
		rt_loop_step_fn step, void *arg)
{
	if (l->n >= RT_LOOP_MAX)
		return -ENOSPC;
	l->src[l->n++] = (struct rt_loop_src){ fd, events, io, step, arg };
	return 0;
}

/* Sleeps until `until` (RT_LOOP_IDLE: no limit) or an fd has something. */
static void wait_io(struct rt_loop *l, int64_t now, int64_t until)
{
	struct pollfd pfd[RT_LOOP_MAX];
	struct timespec ts, *tp = NULL;

	for (size_t i = 0; i < l->n; i++)
		pfd[i] = (struct pollfd){ .fd = l->src[i].fd, .events = l->src[i].events };
	if (until != RT_LOOP_IDLE) {
		int64_t d = until > now ? until - now : 0;

		ts.tv_sec = d / 1000000000LL;
		ts.tv_nsec = d % 1000000000LL;
		tp = &ts;
	}
	if (ppoll(pfd, l->n, tp, &l->waitmask) <= 0)
		return;
	for (size_t i = 0; i < l->n; i++)
		if (pfd[i].revents && l->src[i].io)
			l->src[i].io(l->src[i].arg, pfd[i].revents);
}

void rt_loop_run(struct rt_loop *l)
{
	for (;;) {
		int64_t now = rt_clock_ns(CLOCK_MONOTONIC), next = RT_LOOP_IDLE;

		if (sig_status) {
			sig_status = 0;
			if (l->status)
				l->status(l->status_arg);
		}
		if (sig_exit)
			return;
		for (size_t i = 0; i < l->n; i++) {
			int64_t d = l->src[i].step(l->src[i].arg, now);

			if (d == RT_LOOP_STOP)
				return;
			if (d < next)
				next = d;
		}
		if (next > now)
			wait_io(l, now, next);
	}
}

void rt_loop_close(struct rt_loop *l)
{
	sigprocmask(SIG_SETMASK, &l->oldmask, NULL);
}

int rt_loop_wait_fd(int fd, int64_t until)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	int64_t now = rt_clock_ns(CLOCK_MONOTONIC);
	struct timespec ts;
	sigset_t mask;
	int rc;

	if (sig_exit)
		return -EINTR;
	if (until <= now)
		return 0;
	ts.tv_sec = (until - now) / 1000000000LL;
	ts.tv_nsec = (until - now) % 1000000000LL;
	/* The loop's waitmask: the mask in force, the loop's signals let in. */
	sigprocmask(SIG_SETMASK, NULL, &mask);
	let_in(&mask);
	rc = ppoll(&pfd, 1, &ts, &mask);
	if (sig_exit)
		return -EINTR;
	return rc > 0 ? 1 : 0;
}
