/*
 * Addresses as ping prints them: "name (addr)" or "addr", as iputils'
 * pr_addr(); the last answer is cached, since a run mostly hears from one.
 */
#ifndef RTPING_NAMES_H
#define RTPING_NAMES_H

#include <stdbool.h>
#include <stdint.h>
#include <netdb.h>
#include <sys/socket.h>

#include "rtping/addr.h"

struct rt_names {
	bool numeric;                 /* no reverse lookups */
	uint32_t scope;               /* for link-local addresses given as rt_addr */
	struct sockaddr_storage sa;   /* the address last turned into text */
	char name[NI_MAXHOST * 2 + 4];
	char addr[NI_MAXHOST];        /* its numeric form */
};

/* The text for sa; names->addr then holds the numeric form. */
const char *rt_names_sockaddr(struct rt_names *n, const struct sockaddr *sa, socklen_t len);
const char *rt_names_addr(struct rt_names *n, const struct rt_addr *a);
/*
 * The text for a into buf, n a struct rt_names *: the shape of
 * rt_ipopt_name_fn, for addresses inside IP options.
 */
const char *rt_names_copy(void *n, const struct rt_addr *a, char *buf, size_t len);

#endif
