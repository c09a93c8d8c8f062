/* Reverse lookups for display, with a one-entry cache. */
#include <stdio.h>
#include <string.h>

#include "rtping/names.h"

const char *rt_names_sockaddr(struct rt_names *n, const struct sockaddr *sa, socklen_t len)
{
	char host[NI_MAXHOST];

	if (len <= sizeof(n->sa) && n->name[0] && !memcmp(&n->sa, sa, len))
		return n->name;
	memset(&n->sa, 0, sizeof(n->sa));
	memcpy(&n->sa, sa, len < sizeof(n->sa) ? len : sizeof(n->sa));
	if (getnameinfo(sa, len, n->addr, sizeof(n->addr), NULL, 0, NI_NUMERICHOST))
		snprintf(n->addr, sizeof(n->addr), "?");
	if (!n->numeric && !getnameinfo(sa, len, host, sizeof(host), NULL, 0, NI_NAMEREQD) &&
	    strcmp(host, n->addr))
		snprintf(n->name, sizeof(n->name), "%s (%s)", host, n->addr);
	else
		snprintf(n->name, sizeof(n->name), "%s", n->addr);
	return n->name;
}

const char *rt_names_addr(struct rt_names *n, const struct rt_addr *a)
{
	struct sockaddr_storage ss;
	socklen_t len = rt_addr_to_sockaddr(a, 0, rt_addr_needs_scope(a) ? n->scope : 0, &ss);

	return rt_names_sockaddr(n, (struct sockaddr *)&ss, len);
}

const char *rt_names_copy(void *n, const struct rt_addr *a, char *buf, size_t len)
{
	snprintf(buf, len, "%s", rt_names_addr(n, a));
	return buf;
}
