/* Name resolution, done once before sockets exist. */
#include <locale.h>
#include <netdb.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>

#include "rtping/names.h"
#include "rtping/resolve.h"

/*
 * As iputils built with IDN: AI_IDN reads "bücher.example" in the locale's
 * charset, AI_CANONIDN shows the canonical name back in it, but not in the
 * C locale, which cannot spell it (getaddrinfo() would fail). glibc loads
 * libidn2 for every AI_CANONIDN call (300 KiB, and more in an audit), yet
 * only an "xn--" label comes out different: ask again for those alone.
 */
static void canon_unicode(const char *host, struct addrinfo *hints, struct addrinfo **res)
{
	const char *loc = setlocale(LC_CTYPE, NULL);
	struct addrinfo *again;

	if (!loc || !strcmp(loc, "C") || !strcmp(loc, "POSIX") || !(*res)->ai_canonname ||
	    !rt_names_ace((*res)->ai_canonname))
		return;
	hints->ai_flags |= AI_CANONIDN;
	if (getaddrinfo(host, NULL, hints, &again) == 0) {
		freeaddrinfo(*res);
		*res = again;
	}
}

/*
 * An address as inet_pton() reads it (dotted decimal, IPv6 without a
 * scope) of a family af allows: what getaddrinfo() answers for it (the
 * address, and the text as its canonical name), without the IDN
 * conversion and allocations it costs an audit of many addresses.
 */
static bool literal(struct rt_dest *t, const char *host, int af)
{
	static const int fams[] = { AF_INET, AF_INET6 };
	unsigned char raw[16];

	for (size_t i = 0; i < 2; i++) {
		if ((af != AF_UNSPEC && af != fams[i]) || inet_pton(fams[i], host, raw) != 1)
			continue;
		memset(t, 0, sizeof(*t));
		t->fam = rt_family_get(fams[i]);
		rt_addr_from_bytes(&t->addr, (sa_family_t)fams[i], raw, rt_addr_len(fams[i]));
		snprintf(t->name, sizeof(t->name), "%s", host);
		return t->fam != NULL;
	}
	return false;
}

/*
 * As iputils: every family is asked for (a lookup of one family fails
 * differently, "Temporary failure in name resolution" when DNS cannot be
 * reached), and -4/-6 then take the first answer of theirs; none is
 * "Address family for hostname not supported".
 */
int rt_dest_resolve(struct rt_dest *t, const char *host, int af)
{
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_RAW,
				  .ai_flags = AI_CANONNAME | AI_IDN };
	struct addrinfo *res, *ai;
	int rc;

	if (literal(t, host, af))
		return 0;
	rc = getaddrinfo(host, NULL, &hints, &res);
	if (rc)
		return rc;
	canon_unicode(host, &hints, &res);
	memset(t, 0, sizeof(*t));
	for (ai = res; ai; ai = ai->ai_next) {
		t->fam = af == AF_UNSPEC || ai->ai_family == af ? rt_family_get(ai->ai_family) : NULL;
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
