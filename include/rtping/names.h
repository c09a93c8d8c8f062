/*
 * Addresses as ping prints them: "name (addr)" or "addr", as iputils'
 * pr_addr(). Reverse lookups run on one worker thread and land in a cache;
 * the caller waits for an answer only a bounded time, once per address,
 * and a signal ends the wait. A resolver that never answers therefore
 * holds neither the send schedule nor SIGINT: the line shows the number,
 * and later lines the name once it has come.
 */
#ifndef RTPING_NAMES_H
#define RTPING_NAMES_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "rtping/addr.h"

/* Longest wait for one address's name, and the shortest (a hosts file answers in it). */
#define RT_NAMES_WAIT_MAX_NS (1000 * 1000 * 1000LL)
#define RT_NAMES_WAIT_MIN_NS (10 * 1000 * 1000LL)

struct rt_names;

/*
 * A reverse lookup: the name of sa into host, 0 or an EAI_* code (as
 * getnameinfo() with NI_NAMEREQD). Tests pass their own; NULL is getnameinfo().
 */
typedef int (*rt_names_lookup_fn)(const struct sockaddr *sa, socklen_t len, char *host,
				  size_t hostlen);
/*
 * Sleeps until fd is readable or until (CLOCK_MONOTONIC ns), letting in the
 * signals the caller's loop acts on: 1 readable, 0 not (yet), -EINTR when
 * the run is to end. The engine passes rt_loop_wait_fd().
 */
typedef int (*rt_names_wait_fn)(int fd, int64_t until);

/*
 * iputils' rule for "no reverse lookups": an IPv4 target that inet_aton()
 * accepts (127.1, 0x7f000001, 017700000001, 2130706433) or an IPv6 target
 * written with a colon. Pure.
 */
bool rt_names_numeric_target(int af, const char *dest);

/*
 * name has an IDNA "xn--" label, the only kind NI_IDN and AI_CANONIDN turn
 * into Unicode. Pure.
 */
bool rt_names_ace(const char *name);

/*
 * The end of a wait for a name: now + RT_NAMES_WAIT_MAX_NS, cut to the
 * loop's next event (next, 0 none) but never below RT_NAMES_WAIT_MIN_NS. Pure.
 */
int64_t rt_names_wait_until(int64_t now, int64_t next);

/*
 * numeric: no lookups, no thread ever. scope: for link-local addresses
 * given as rt_addr. lookup NULL: getnameinfo(). 0 or -errno.
 */
int rt_names_open(struct rt_names **np, bool numeric, uint32_t scope,
		  rt_names_lookup_fn lookup, rt_names_wait_fn wait);
/* Never waits for a lookup in progress: the worker then frees its own part. */
void rt_names_close(struct rt_names *n);

/*
 * The text for sa, and its numeric form in *addr; both valid until the next
 * call. A name not known yet is waited for until `until` (0: not at all).
 */
const char *rt_names_sockaddr(struct rt_names *n, const struct sockaddr *sa, socklen_t len,
			      int64_t until, const char **addr);
const char *rt_names_addr(struct rt_names *n, const struct rt_addr *a, int64_t until,
			  const char **addr);
/*
 * The text for a into buf, n a struct rt_names *: the shape of
 * rt_ipopt_name_fn, for addresses inside IP options. It waits as the
 * event's rt_names_sockaddr() call allowed, and leaves that call's text
 * and number alone.
 */
const char *rt_names_copy(void *n, const struct rt_addr *a, char *buf, size_t len);

#endif
