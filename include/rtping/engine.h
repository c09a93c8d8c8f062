/*
 * The ICMP engine: one socket, the send/receive loop, iputils-compatible
 * output. Shared by IPv4 and IPv6 through struct rt_family.
 */
#ifndef RTPING_ENGINE_H
#define RTPING_ENGINE_H

#include "rtping/addr.h"
#include "rtping/family.h"
#include "rtping/opts.h"
#include "rtping/target.h"

struct rt_engine;

/*
 * Creates and configures the ICMP socket (datagram first, raw fallback),
 * raising capabilities only around the calls that need them. On failure
 * returns -errno and points *what at the failing step ("socket",
 * "SO_BINDTODEVICE", ...) for the message printed by main.
 */
int rt_engine_open(struct rt_engine **e, const struct rt_opts *o,
		   const struct rt_target *t, const char *prog, const char **what);

/*
 * Pings until done. src/dev: the route module's answer (header with -v,
 * bind for -B). Returns an enum rt_exit value.
 */
int rt_engine_run(struct rt_engine *e, const struct rt_addr *src, const char *dev);

/*
 * --json: the route object for the start event (the --explain-route JSON
 * object, one line without its newline). Not copied: it must outlive the run.
 */
void rt_engine_set_route_json(struct rt_engine *e, const char *json);

void rt_engine_close(struct rt_engine *e);

#endif
