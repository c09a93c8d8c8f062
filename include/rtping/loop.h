/*
 * The event loop: file descriptors with callbacks, each source telling
 * when it next needs to run, one ppoll() for all of them. SIGINT and
 * SIGALRM end the loop (as they end iputils' run, with its statistics) and
 * SIGQUIT asks for a status line; all stay blocked except inside ppoll(),
 * so none can slip in between a check and the sleep.
 *
 * Each turn: read the clock, handle a pending signal, call every source's
 * step(now). A step returns the absolute time (CLOCK_MONOTONIC, ns) it
 * wants to run again (<= now: at once, without sleeping), RT_LOOP_IDLE,
 * or RT_LOOP_STOP to end the loop. Then, unless some step is due, ppoll()
 * on every fd until the earliest deadline and hand each its revents.
 */
#ifndef RTPING_LOOP_H
#define RTPING_LOOP_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RT_LOOP_IDLE INT64_MAX
#define RT_LOOP_STOP INT64_MIN
#define RT_LOOP_MAX 4

typedef void (*rt_loop_io_fn)(void *arg, short revents);
typedef int64_t (*rt_loop_step_fn)(void *arg, int64_t now);

struct rt_loop_src {
	int fd;
	short events;
	rt_loop_io_fn io;
	rt_loop_step_fn step;
	void *arg;
};

struct rt_loop {
	struct rt_loop_src src[RT_LOOP_MAX];
	size_t n;
	void (*status)(void *arg);     /* SIGQUIT */
	void *status_arg;
	sigset_t waitmask, oldmask;
};

/*
 * The process's handlers for the loop's signals: each only sets a flag
 * the loop reads. The command that runs a loop installs them, once.
 */
void rt_loop_catch_signals(void);
/* SIGINT (or SIGALRM) came: the run is to end; for work done before the loop. */
bool rt_loop_exit_asked(void);
/* The loop's signals blocked until ppoll() or rt_loop_close(). */
void rt_loop_init(struct rt_loop *l);
/* 0, or -ENOSPC past RT_LOOP_MAX sources. */
int rt_loop_add(struct rt_loop *l, int fd, short events, rt_loop_io_fn io,
		rt_loop_step_fn step, void *arg);
/* Until a step returns RT_LOOP_STOP or SIGINT arrives. */
void rt_loop_run(struct rt_loop *l);
/* Restores the signal mask rt_loop_init() found. */
void rt_loop_close(struct rt_loop *l);

/*
 * For a source that must wait inside its callback, bounded (a reverse
 * lookup, src/names.c): sleeps until fd is readable or until, letting
 * the loop's signals in as its own ppoll() does. 1 readable, 0 not
 * (time is up, or SIGQUIT: the loop prints its status later), -EINTR when
 * SIGINT asked the loop to end.
 */
int rt_loop_wait_fd(int fd, int64_t until);

#endif
