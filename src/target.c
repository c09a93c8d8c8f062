/* Name resolution, done once before sockets exist. */
#include <netdb.h>
#include <stdio.h>
#include <string.h>

#include "rtping/target.h"

int rt_target_resolve(struct rt_target *t, const char *host, int af)
{
	struct addrinfo hints = { .ai_family = af, .ai_socktype = SOCK_RAW,
				  .ai_flags = AI_CANONNAME };
	struct addrinfo *res, *ai;
	int rc = getaddrinfo(host, NULL, &hints, &res);

	if (rc)
		return rc;
	memset(t, 0, sizeof(*t));
	for (ai = res; ai; ai = ai->ai_next) {
		t->fam = rt_family_get(ai->ai_family);
		if (t->fam && rt_addr_from_sockaddr(&t->addr, NULL, &t->scope, ai->ai_addr,
						    ai->ai_addrlen) == 0)
			break;
	}
	if (!ai) {
		freeaddrinfo(res);
		return EAI_ADDRFAMILY;
	}
	/* iputils prints the canonical name when DNS gave one. */
	snprintf(t->name, sizeof(t->name), "%s",
		 res->ai_canonname ? res->ai_canonname : host);
	freeaddrinfo(res);
	return 0;
}
