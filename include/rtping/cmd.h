/*
 * The commands main dispatches to: ping, --explain-route and its --audit.
 * Each owns its output (stdout, and stderr lines about its destinations)
 * and returns the process exit status (include/rtping/exitcodes.h). An
 * error that ends the command is not printed by it: it fills *fatal and
 * main prints "rtping: <msg>" once, after the command's output.
 */
#ifndef RTPING_CMD_H
#define RTPING_CMD_H

#include "rtping/error.h"

struct rt_opts;
struct rt_nl;

struct rt_cmd_env {
	const char *prog;
	const struct rt_opts *o;
	struct rt_nl *nl;                /* NULL: netlink unusable, nl_err says why */
	int nl_err;
};

typedef int (*rt_cmd_fn)(const struct rt_cmd_env *env, struct rt_error *fatal);

int rt_cmd_ping(const struct rt_cmd_env *env, struct rt_error *fatal);
int rt_cmd_explain(const struct rt_cmd_env *env, struct rt_error *fatal);
int rt_cmd_audit(const struct rt_cmd_env *env, struct rt_error *fatal);

#endif
