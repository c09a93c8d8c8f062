/*
 * Reply addresses as text, with reverse lookups off the loop.
 *
 * iputils calls getnameinfo() inside its loop and longjmp()s out of it on
 * SIGINT; a resolver that never answers still holds every probe for the
 * resolver's timeout (6 s a line with glibc's defaults). Here one worker
 * thread does the lookups (getnameinfo(): /etc/hosts, nsswitch and DNS as
 * iputils sees them) and the loop only reads a cache. For an address it
 * has not seen, the loop waits for the answer until the next probe is due
 * (at most RT_NAMES_WAIT_MAX_NS, at least RT_NAMES_WAIT_MIN_NS) through the
 * caller's wait function, which lets SIGINT end the wait at once; it does
 * not wait when another lookup is still running ahead of this one (a dead
 * resolver would make every new address pay). A name that comes later
 * shows on later lines. The worker starts at the first lookup, after main
 * has dropped capabilities, with every signal blocked.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <sys/eventfd.h>

#include "rtping/clock.h"
#include "rtping/names.h"

#define CACHE_SLOTS 64
#define QUEUE_SLOTS 16          /* lookups queued, running or unread; < CACHE_SLOTS */
#define ADDR_MAX 128            /* "fe80::1%ifname" with room to spare */

enum slot_state { SLOT_FREE, SLOT_PENDING, SLOT_DONE };

struct slot {
	struct sockaddr_storage key;    /* address and scope only: see make_key() */
	socklen_t len;
	enum slot_state state;
	bool waited;                    /* the loop waited for it once: never again */
	char addr[ADDR_MAX];
	char name[NI_MAXHOST];          /* "" when it has none */
};

struct job {
	struct sockaddr_storage key;
	socklen_t len;
	int rc;
	char name[NI_MAXHOST];
};

/* What the loop and the worker share; mu guards every field. */
struct shared {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	rt_names_lookup_fn fn;
	int efd;                        /* the loop's; written only while !quit */
	bool quit, busy, abandoned;
	struct job req[QUEUE_SLOTS], res[QUEUE_SLOTS];
	unsigned req_head, req_n, res_head, res_n;
};

struct rt_names {
	bool resolve;
	uint32_t scope;                 /* for rt_names_addr() */
	rt_names_wait_fn wait;
	bool started, broken;           /* worker running / could not start */
	pthread_t th;
	struct shared *sh;
	unsigned evict;                 /* round-robin victim */
	int64_t until;                  /* the current event's wait (rt_names_copy()) */
	char text[NI_MAXHOST + ADDR_MAX + 4];
	char addr[ADDR_MAX];
	struct slot *slot;              /* CACHE_SLOTS, taken at the first lookup (84 KiB) */
};

bool rt_names_numeric_target(int af, const char *dest)
{
	struct in_addr a;

	if (af == AF_INET)
		return inet_aton(dest, &a) == 1;
	return af == AF_INET6 && strchr(dest, ':') != NULL;
}

int64_t rt_names_wait_until(int64_t now, int64_t next)
{
	int64_t until = now + RT_NAMES_WAIT_MAX_NS;

	if (next && next < until)
		until = next;
	if (until < now + RT_NAMES_WAIT_MIN_NS)
		until = now + RT_NAMES_WAIT_MIN_NS;
	return until;
}

bool rt_names_ace(const char *name)
{
	for (const char *p = name; *p; p++)
		if ((p == name || p[-1] == '.') && !strncasecmp(p, "xn--", 4))
			return true;
	return false;
}

static int lookup_default(const struct sockaddr *sa, socklen_t len, char *host, size_t hostlen)
{
	int rc = getnameinfo(sa, len, host, (socklen_t)hostlen, NULL, 0, NI_NAMEREQD);

	/*
	 * NI_IDN: an xn-- name shows in the locale's script, as iputils built
	 * with IDN. Asked for those only: glibc loads libidn2 for every call.
	 */
	if (rc == 0 && rt_names_ace(host))
		rc = getnameinfo(sa, len, host, (socklen_t)hostlen, NULL, 0, NI_NAMEREQD | NI_IDN);
	return rc;
}

/* ---- the worker ------------------------------------------------------------ */

static void shared_free(struct shared *sh)
{
	pthread_mutex_destroy(&sh->mu);
	pthread_cond_destroy(&sh->cv);
	free(sh);
}

static void *worker(void *arg)
{
	struct shared *sh = arg;
	struct job *j = malloc(sizeof(*j));
	bool own;

	pthread_mutex_lock(&sh->mu);
	while (j) {
		while (!sh->quit && !sh->req_n)
			pthread_cond_wait(&sh->cv, &sh->mu);
		if (sh->quit)
			break;
		*j = sh->req[sh->req_head];
		sh->req_head = (sh->req_head + 1) % QUEUE_SLOTS;
		sh->req_n--;
		sh->busy = true;
		pthread_mutex_unlock(&sh->mu);
		j->rc = sh->fn((struct sockaddr *)&j->key, j->len, j->name, sizeof(j->name));
		pthread_mutex_lock(&sh->mu);
		sh->busy = false;
		if (sh->quit)
			break;
		sh->res[(sh->res_head + sh->res_n) % QUEUE_SLOTS] = *j;
		sh->res_n++;
		(void)eventfd_write(sh->efd, 1);
	}
	/* The loop gave up on a lookup in progress: the last one out frees. */
	own = sh->quit && sh->abandoned;
	pthread_mutex_unlock(&sh->mu);
	free(j);
	if (own)
		shared_free(sh);
	return NULL;
}

/* Every signal stays with the loop: the worker blocks them all. */
static bool start_worker(struct rt_names *n)
{
	sigset_t all, old;
	int rc;

	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&n->th, NULL, worker, n->sh);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	n->started = rc == 0;
	n->broken = rc != 0;
	return n->started;
}

/* ---- the loop's side --------------------------------------------------------- */

int rt_names_open(struct rt_names **np, bool numeric, uint32_t scope,
		  rt_names_lookup_fn fn, rt_names_wait_fn wait)
{
	struct rt_names *n = calloc(1, sizeof(*n));
	struct shared *sh;

	*np = NULL;
	if (!n)
		return -ENOMEM;
	n->resolve = !numeric;
	n->scope = scope;
	n->wait = wait;
	if (n->resolve) {
		sh = n->sh = calloc(1, sizeof(*sh));
		if (!sh) {
			free(n);
			return -ENOMEM;
		}
		pthread_mutex_init(&sh->mu, NULL);
		pthread_cond_init(&sh->cv, NULL);
		sh->fn = fn ? fn : lookup_default;
		sh->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
		if (sh->efd < 0) {
			int err = errno;

			shared_free(sh);
			free(n);
			return -err;
		}
	}
	*np = n;
	return 0;
}

void rt_names_close(struct rt_names *n)
{
	struct shared *sh;
	bool abandoned;

	if (!n)
		return;
	sh = n->sh;
	if (sh) {
		pthread_mutex_lock(&sh->mu);
		sh->quit = true;
		abandoned = sh->abandoned = n->started && sh->busy;
		pthread_cond_signal(&sh->cv);
		close(sh->efd);
		pthread_mutex_unlock(&sh->mu);
		if (abandoned) {
			pthread_detach(n->th);
		} else {
			if (n->started)
				pthread_join(n->th, NULL);
			shared_free(sh);
		}
	}
	free(n->slot);
	free(n);
}

/* Address and scope only: a reply's port or flow label must not split the cache. */
static socklen_t make_key(const struct sockaddr *sa, socklen_t len, struct sockaddr_storage *key)
{
	struct rt_addr a;
	uint32_t scope = 0;

	if (rt_addr_from_sockaddr(&a, NULL, &scope, sa, len) < 0)
		return 0;
	return rt_addr_to_sockaddr(&a, 0, scope, key);
}

static struct slot *find(struct rt_names *n, const struct sockaddr_storage *key, socklen_t len)
{
	if (!n->slot)
		return NULL;
	for (unsigned i = 0; i < CACHE_SLOTS; i++) {
		struct slot *s = &n->slot[i];

		if (s->state != SLOT_FREE && s->len == len && !memcmp(&s->key, key, len))
			return s;
	}
	return NULL;
}

/* A free slot, else the next finished one (a pending one is never taken). */
static struct slot *claim(struct rt_names *n)
{
	if (!n->slot && !(n->slot = calloc(CACHE_SLOTS, sizeof(*n->slot))))
		return NULL;
	for (unsigned i = 0; i < CACHE_SLOTS; i++)
		if (n->slot[i].state == SLOT_FREE)
			return &n->slot[i];
	for (unsigned i = 0; i < CACHE_SLOTS; i++) {
		struct slot *s = &n->slot[n->evict++ % CACHE_SLOTS];

		if (s->state == SLOT_DONE)
			return s;
	}
	return NULL;
}

/*
 * Queues a lookup for s; false when the queue is full or no worker can run.
 * *ahead: lookups queued or running before it.
 */
static bool submit(struct rt_names *n, struct slot *s, unsigned *ahead)
{
	struct shared *sh = n->sh;
	bool ok;

	if (n->broken || (!n->started && !start_worker(n)))
		return false;
	pthread_mutex_lock(&sh->mu);
	*ahead = sh->req_n + (sh->busy ? 1 : 0);
	ok = *ahead + sh->res_n < QUEUE_SLOTS;
	if (ok) {
		struct job *j = &sh->req[(sh->req_head + sh->req_n) % QUEUE_SLOTS];

		j->key = s->key;
		j->len = s->len;
		sh->req_n++;
		pthread_cond_signal(&sh->cv);
	}
	pthread_mutex_unlock(&sh->mu);
	return ok;
}

/* Moves finished lookups into the cache. */
static void collect(struct rt_names *n)
{
	struct shared *sh = n->sh;
	eventfd_t v;

	if (!n->started)
		return;
	(void)eventfd_read(sh->efd, &v);
	pthread_mutex_lock(&sh->mu);
	while (sh->res_n) {
		struct job *j = &sh->res[sh->res_head];
		struct slot *s = find(n, &j->key, j->len);

		if (s && s->state == SLOT_PENDING) {
			snprintf(s->name, sizeof(s->name), "%s", j->rc ? "" : j->name);
			s->state = SLOT_DONE;
		}
		sh->res_head = (sh->res_head + 1) % QUEUE_SLOTS;
		sh->res_n--;
	}
	pthread_mutex_unlock(&sh->mu);
}

/* Waits for s's name until `until`, the answer, or the end of the run. */
static void wait_for(struct rt_names *n, struct slot *s, int64_t until)
{
	while (s->state == SLOT_PENDING && rt_clock_ns(CLOCK_MONOTONIC) < until) {
		int rc = n->wait(n->sh->efd, until);

		if (rc < 0)
			break;
		if (rc > 0)
			collect(n);
	}
}

/* The slot for key, queued for lookup when new; NULL when none can be had. */
static struct slot *slot_for(struct rt_names *n, const struct sockaddr_storage *key,
			     socklen_t len)
{
	struct slot *s = find(n, key, len);
	unsigned ahead;

	if (s || !(s = claim(n)))
		return s;
	memset(s, 0, sizeof(*s));
	s->key = *key;
	s->len = len;
	if (getnameinfo((struct sockaddr *)key, len, s->addr, sizeof(s->addr), NULL, 0,
			NI_NUMERICHOST))
		snprintf(s->addr, sizeof(s->addr), "?");
	s->state = SLOT_PENDING;
	if (!submit(n, s, &ahead)) {
		s->state = SLOT_FREE;   /* a number this time; the next line tries again */
		return NULL;
	}
	/* Behind a lookup still running (a dead resolver?): waiting would only add up. */
	s->waited = ahead > 0;
	return s;
}

/*
 * "name (addr)" or "addr" for sa into buf, *addr (when asked) its number;
 * a new address's name is waited for once, until `until`.
 */
static const char *show(struct rt_names *n, const struct sockaddr *sa, socklen_t len,
			int64_t until, char *buf, size_t buflen, const char **addr)
{
	struct sockaddr_storage key;
	socklen_t klen = make_key(sa, len, &key);
	struct slot *s = NULL;

	if (klen && n->resolve) {
		collect(n);
		s = slot_for(n, &key, klen);
	}
	if (!s) {
		/* No lookup (numeric run, full queue): the number alone. */
		if (!klen || getnameinfo((struct sockaddr *)&key, klen, buf, (socklen_t)buflen,
					 NULL, 0, NI_NUMERICHOST))
			snprintf(buf, buflen, "?");
		if (addr)
			*addr = buf;
		return buf;
	}
	if (s->state == SLOT_PENDING && !s->waited && until && n->wait) {
		s->waited = true;
		wait_for(n, s, until);
	}
	if (addr)
		*addr = s->addr;
	if (s->state == SLOT_DONE && s->name[0] && strcmp(s->name, s->addr))
		snprintf(buf, buflen, "%s (%s)", s->name, s->addr);
	else
		snprintf(buf, buflen, "%s", s->addr);
	return buf;
}

const char *rt_names_sockaddr(struct rt_names *n, const struct sockaddr *sa, socklen_t len,
			      int64_t until, const char **addr)
{
	const char *num;

	n->until = until;
	show(n, sa, len, until, n->text, sizeof(n->text), &num);
	/* Its own copy: a later call in the same event may reuse the slot. */
	snprintf(n->addr, sizeof(n->addr), "%s", num);
	*addr = n->addr;
	return n->text;
}

const char *rt_names_addr(struct rt_names *n, const struct rt_addr *a, int64_t until,
			  const char **addr)
{
	struct sockaddr_storage ss;
	socklen_t len = rt_addr_to_sockaddr(a, 0, rt_addr_needs_scope(a) ? n->scope : 0, &ss);

	return rt_names_sockaddr(n, (struct sockaddr *)&ss, len, until, addr);
}

const char *rt_names_copy(void *ctx, const struct rt_addr *a, char *buf, size_t len)
{
	struct rt_names *n = ctx;
	struct sockaddr_storage ss;
	socklen_t sl = rt_addr_to_sockaddr(a, 0, rt_addr_needs_scope(a) ? n->scope : 0, &ss);

	return show(n, (struct sockaddr *)&ss, sl, n->until, buf, len, NULL);
}
