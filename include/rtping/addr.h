/* An IPv4 or IPv6 address without port, and the few things done with one. */
#ifndef RTPING_ADDR_H
#define RTPING_ADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>
#include <sys/socket.h>

struct rt_addr {
	sa_family_t af;                 /* AF_UNSPEC when absent */
	union {
		struct in_addr v4;
		struct in6_addr v6;
		uint8_t raw[16];
	} u;
};

#define RT_ADDRSTRLEN INET6_ADDRSTRLEN

size_t rt_addr_len(sa_family_t af);
bool rt_addr_is_set(const struct rt_addr *a);
bool rt_addr_equal(const struct rt_addr *a, const struct rt_addr *b);
/* Copies len bytes of a raw address; -EINVAL when len does not fit af. */
int rt_addr_from_bytes(struct rt_addr *a, sa_family_t af, const void *p, size_t len);
/* Numeric parse only (no DNS): 0 or -EINVAL. af may be AF_UNSPEC. */
int rt_addr_parse(struct rt_addr *a, int af, const char *s);
const char *rt_addr_str(const struct rt_addr *a, char *buf, size_t len);
/* Fills a sockaddr (port and scope id given); returns its length. */
socklen_t rt_addr_to_sockaddr(const struct rt_addr *a, uint16_t port, uint32_t scope,
			      struct sockaddr_storage *ss);
/* Reads address, port and scope id back; -EAFNOSUPPORT for other families. */
int rt_addr_from_sockaddr(struct rt_addr *a, uint16_t *port, uint32_t *scope,
			  const struct sockaddr *sa, socklen_t len);
/* True when bits [0, plen) of a and prefix agree. */
bool rt_addr_in_prefix(const struct rt_addr *a, const struct rt_addr *prefix, unsigned plen);
/* IPv6 link-local or multicast: the destination needs an interface (scope). */
bool rt_addr_needs_scope(const struct rt_addr *a);

#endif
