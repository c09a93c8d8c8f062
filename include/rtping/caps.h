/*
 * Privileges, visible in a few calls from main() and each command: keep
 * CAP_NET_RAW and CAP_NET_ADMIN permitted but not effective, raise them
 * only around the calls that need them, drop everything as soon as the
 * sockets that need one are open (before any input or name for a command
 * that opens none).
 */
#ifndef RTPING_CAPS_H
#define RTPING_CAPS_H

#include <stdbool.h>
#include <stdint.h>

struct rt_error;
/* Setuid root: switch to the real uid keeping the two caps permitted. 0/-errno. */
int rt_caps_init(void);
/* Make the kept caps effective / not effective. 0 or -errno. */
int rt_caps_raise(void);
int rt_caps_lower(void);
/* Clear every capability set for good. 0 or -errno. */
int rt_caps_drop_all(void);
/*
 * SO_BINDTODEVICE (iface not "") and SO_MARK (has_mark) on fd, the kept caps
 * raised only around them, and around SO_MARK only when root runs rtping
 * (rt_caps_privileged()). 0, or -errno with err naming the option (NULL: no message).
 */
int rt_caps_sockopts(int fd, const char *iface, bool has_mark, uint32_t mark,
		     struct rt_error *err);

/*
 * The real uid is 0: iputils' user limits (interval, flood, preload,
 * broadcast) do not apply. Not CAP_NET_RAW: that says what the binary
 * holds, not who runs it.
 */
bool rt_caps_privileged(void);

#endif
