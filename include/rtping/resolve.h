/* The destination: resolved once, before any socket exists. */
#ifndef RTPING_RESOLVE_H
#define RTPING_RESOLVE_H

#include <stdint.h>

#include "rtping/addr.h"
#include "rtping/family.h"

struct rt_dest {
	const struct rt_family *fam;
	struct rt_addr addr;
	uint32_t scope;              /* IPv6 scope id from "fe80::1%eth0" */
	char name[256];              /* as typed, or the canonical name */
};

/*
 * Resolves host for af (AF_UNSPEC: first answer, as iputils). Returns 0 or
 * an EAI_* code for gai_strerror().
 */
int rt_dest_resolve(struct rt_dest *t, const char *host, int af);

#endif
