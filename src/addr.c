/* Address helpers: the only place that knows struct in_addr from in6_addr. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "rtping/addr.h"

size_t rt_addr_len(sa_family_t af)
{
	return af == AF_INET ? 4 : af == AF_INET6 ? 16 : 0;
}

bool rt_addr_is_set(const struct rt_addr *a)
{
	return a->af == AF_INET || a->af == AF_INET6;
}

bool rt_addr_equal(const struct rt_addr *a, const struct rt_addr *b)
{
	return a->af == b->af && rt_addr_is_set(a) &&
	       memcmp(a->u.raw, b->u.raw, rt_addr_len(a->af)) == 0;
}

int rt_addr_from_bytes(struct rt_addr *a, sa_family_t af, const void *p, size_t len)
{
	size_t want = rt_addr_len(af);

	if (!want || len != want)
		return -EINVAL;
	memset(a, 0, sizeof(*a));
	a->af = af;
	memcpy(a->u.raw, p, len);
	return 0;
}

int rt_addr_parse(struct rt_addr *a, int af, const char *s)
{
	static const int order[] = { AF_INET, AF_INET6 };

	for (size_t i = 0; i < 2; i++) {
		if (af != AF_UNSPEC && af != order[i])
			continue;
		memset(a, 0, sizeof(*a));
		if (inet_pton(order[i], s, a->u.raw) == 1) {
			a->af = (sa_family_t)order[i];
			return 0;
		}
	}
	memset(a, 0, sizeof(*a));
	return -EINVAL;
}

const char *rt_addr_str(const struct rt_addr *a, char *buf, size_t len)
{
	if (!rt_addr_is_set(a) || !inet_ntop(a->af, a->u.raw, buf, (socklen_t)len))
		snprintf(buf, len, "?");
	return buf;
}

socklen_t rt_addr_to_sockaddr(const struct rt_addr *a, uint16_t port, uint32_t scope,
			      struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (a->af == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)ss;

		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		sin->sin_addr = a->u.v4;
		return sizeof(*sin);
	}
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

	sin6->sin6_family = AF_INET6;
	sin6->sin6_port = htons(port);
	sin6->sin6_addr = a->u.v6;
	sin6->sin6_scope_id = scope;
	return sizeof(*sin6);
}

int rt_addr_from_sockaddr(struct rt_addr *a, uint16_t *port, uint32_t *scope,
			  const struct sockaddr *sa, socklen_t len)
{
	uint16_t p = 0;
	uint32_t sc = 0;

	memset(a, 0, sizeof(*a));
	if (sa->sa_family == AF_INET && len >= (socklen_t)sizeof(struct sockaddr_in)) {
		const struct sockaddr_in *sin = (const struct sockaddr_in *)sa;

		a->af = AF_INET;
		a->u.v4 = sin->sin_addr;
		p = ntohs(sin->sin_port);
	} else if (sa->sa_family == AF_INET6 &&
		   len >= (socklen_t)sizeof(struct sockaddr_in6)) {
		const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)sa;

		a->af = AF_INET6;
		a->u.v6 = sin6->sin6_addr;
		p = ntohs(sin6->sin6_port);
		sc = sin6->sin6_scope_id;
	} else {
		return -EAFNOSUPPORT;
	}
	if (port)
		*port = p;
	if (scope)
		*scope = sc;
	return 0;
}

bool rt_addr_in_prefix(const struct rt_addr *a, const struct rt_addr *prefix, unsigned plen)
{
	size_t len = rt_addr_len(a->af);

	if (a->af != prefix->af || plen > len * 8)
		return false;
	size_t whole = plen / 8;
	unsigned rest = plen % 8;

	if (memcmp(a->u.raw, prefix->u.raw, whole) != 0)
		return false;
	if (!rest)
		return true;
	uint8_t mask = (uint8_t)(0xff << (8 - rest));

	return ((a->u.raw[whole] ^ prefix->u.raw[whole]) & mask) == 0;
}

bool rt_addr_needs_scope(const struct rt_addr *a)
{
	return a->af == AF_INET6 &&
	       (IN6_IS_ADDR_LINKLOCAL(&a->u.v6) || IN6_IS_ADDR_MULTICAST(&a->u.v6));
}
