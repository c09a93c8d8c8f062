/*
 * What --explain-route adds about the path beyond the echo's route: would
 * a reply be taken on each device (IPv4: src/rpath.c), the route's MTU
 * (already in the route answer), and the next hop's neighbour state.
 */
#ifndef RTPING_FACTS_H
#define RTPING_FACTS_H

#include <stdbool.h>
#include <stdio.h>

#include "rtping/neigh.h"
#include "rtping/rpath.h"

struct rt_explain;

struct rt_facts {
	bool rpath_asked;        /* IPv4 with a route: the return path was asked */
	int rpath_err;           /* it could not be (the device list): -errno */
	struct rt_rpath rpath;
	bool neigh_asked;        /* the route has a next hop to resolve */
	int neigh_err;           /* -ENOENT: no entry yet; other -errno: not answered */
	struct rt_neigh neigh;
};

/* Asks the kernel about ex's route (nothing without nl, a route, or a next hop). */
void rt_facts_ask(struct rt_nl *nl, const struct rt_explain *ex, struct rt_facts *out);

/* explain's lines: "mtu", "neighbour", one "return" per device (IPv4). */
void rt_facts_text(FILE *out, const struct rt_explain *ex, const struct rt_facts *f);
/* explain's JSON members: ", \"return_path\": ..., \"neighbour\": ...". */
void rt_facts_json(FILE *out, const struct rt_facts *f);

#endif
