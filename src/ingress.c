/*
 * Replies' ingress devices: names cached so a flood asks the kernel once
 * per device, and the per-target memory of an asymmetry already said.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "rtping/ingress.h"
#include "rtping/nl.h"

int rt_ingress_init(struct rt_ingress *g, size_t ntargets)
{
	memset(g, 0, sizeof(*g));
	g->said = calloc(ntargets ? ntargets : 1, 1);
	if (!g->said)
		return -ENOMEM;
	g->n = ntargets;
	return 0;
}

void rt_ingress_free(struct rt_ingress *g)
{
	free(g->said);
	g->said = NULL;
	g->n = 0;
}

const char *rt_ingress_name(struct rt_ingress *g, uint32_t ifindex)
{
	unsigned k;

	if (!ifindex)
		return NULL;
	for (k = 0; k < RT_INGRESS_NAMES; k++)
		if (g->ifindex[k] == ifindex)
			return g->dev[k];
	k = g->next++ % RT_INGRESS_NAMES;
	g->ifindex[k] = ifindex;
	rt_nl_ifname(NULL, ifindex, g->dev[k]);
	return g->dev[k];
}

bool rt_ingress_differs(uint32_t in, uint32_t out)
{
	return in && out && in != out && in != RT_LOOPBACK_IFINDEX && out != RT_LOOPBACK_IFINDEX;
}

bool rt_ingress_news(struct rt_ingress *g, size_t i, uint32_t in, uint32_t out)
{
	if (!rt_ingress_differs(in, out) || i >= g->n || g->said[i])
		return false;
	g->said[i] = 1;
	return true;
}
