/* The return path (src/rpath.c) as text and JSON. */
#ifndef RTPING_RPATH_OUT_H
#define RTPING_RPATH_OUT_H

#include <stddef.h>
#include <stdio.h>

#include "rtping/rpath.h"

/*
 * Pure: ping mode's diagnosis, one sentence without the program name, in
 * buf; its length, 0 when there is nothing to say (no device refuses and
 * the counter did not rise). target: the address as text.
 */
size_t rt_rpath_say(const struct rt_rpath *r, const char *target, char *buf, size_t len);

/* Pure: why d refuses a reply: "rp_filter=1, the route back uses v1", or the kernel's error. */
void rt_rpath_refusal(const struct rt_rpath *r, const struct rt_rpath_dev *d, char *buf,
		      size_t len);

/* explain: one "return" line per device asked. */
void rt_rpath_text(FILE *out, const struct rt_rpath *r);

/*
 * The "return_path" object: devices (device, ifindex, accepted,
 * rp_filter, error), devices_cut, route_back_device, rp_filter_drops;
 * null when r is NULL.
 */
void rt_rpath_json(FILE *out, const struct rt_rpath *r);

#endif
