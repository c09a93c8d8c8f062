/*
 * Capabilities with libcap. Model: iputils' ping with libcap - two caps
 * kept permitted, raised around socket(), SO_BINDTODEVICE and root's
 * SO_MARK, and everything dropped once the sockets that need one are open.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "rtping/caps.h"
#include "rtping/error.h"

static const cap_value_t kept[] = { CAP_NET_RAW, CAP_NET_ADMIN };
#define NKEPT (sizeof(kept) / sizeof(kept[0]))

/* Sets the effective flag of the kept caps that are permitted. */
static int set_effective(cap_flag_value_t v)
{
	cap_t c = cap_get_proc();
	int rc = 0;

	if (!c)
		return -errno;
	for (size_t i = 0; i < NKEPT; i++) {
		cap_flag_value_t perm = CAP_CLEAR;

		cap_get_flag(c, kept[i], CAP_PERMITTED, &perm);
		if (perm == CAP_SET && cap_set_flag(c, CAP_EFFECTIVE, 1, &kept[i], v) < 0)
			rc = -errno;
	}
	if (!rc && cap_set_proc(c) < 0)
		rc = -errno;
	cap_free(c);
	return rc;
}

int rt_caps_init(void)
{
	uid_t uid = getuid();
	cap_t c;
	int rc = 0;

	if (uid == 0 || geteuid() != 0)
		goto limit;
	/* Setuid root: become the user but keep the permitted set across setuid. */
	if (prctl(PR_SET_KEEPCAPS, 1) < 0 || setuid(uid) < 0)
		return -errno;
	if (prctl(PR_SET_KEEPCAPS, 0) < 0)
		return -errno;
limit:
	/* Anything beyond the two kept caps goes now, even for root. */
	c = cap_init();
	if (!c)
		return -errno;
	cap_t cur = cap_get_proc();

	if (!cur) {
		cap_free(c);
		return -errno;
	}
	for (size_t i = 0; i < NKEPT; i++) {
		cap_flag_value_t perm = CAP_CLEAR;

		cap_get_flag(cur, kept[i], CAP_PERMITTED, &perm);
		if (perm == CAP_SET)
			cap_set_flag(c, CAP_PERMITTED, 1, &kept[i], CAP_SET);
	}
	if (cap_set_proc(c) < 0)
		rc = -errno;
	cap_free(cur);
	cap_free(c);
	return rc;
}

int rt_caps_raise(void)
{
	return set_effective(CAP_SET);
}

int rt_caps_lower(void)
{
	return set_effective(CAP_CLEAR);
}

int rt_caps_drop_all(void)
{
	cap_t c = cap_init();
	int rc = 0;

	if (!c)
		return -errno;
	if (cap_set_proc(c) < 0)
		rc = -errno;
	cap_free(c);
	return rc;
}

int rt_caps_sockopts(int fd, const char *iface, bool has_mark, uint32_t mark,
		     struct rt_error *err)
{
	int rc = 0;

	if (iface && *iface) {
		rt_caps_raise();
		if (setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, iface,
			       (socklen_t)strlen(iface) + 1) < 0) {
			rc = rt_error_errno(err, -errno, "SO_BINDTODEVICE");
		}
		rt_caps_lower();
	}
	if (rc || !has_mark)
		return rc;
	/*
	 * A mark chooses policy (fwmark rules, wg-quick's exemption): the
	 * binary's capabilities serve root's only. A user's is the kernel's to
	 * allow, as with iputils installed cap_net_raw+p: refused, it warns.
	 */
	bool raise = rt_caps_privileged();

	if (raise)
		rt_caps_raise();
	if (setsockopt(fd, SOL_SOCKET, SO_MARK, &mark, sizeof(mark)) < 0) {
		rc = rt_error_errno(err, -errno, "SO_MARK");
	}
	if (raise)
		rt_caps_lower();
	return rc;
}

bool rt_caps_privileged(void)
{
	/*
	 * iputils' rts->uid: the limits are about who runs ping. A setcap or
	 * setuid copy run by a user holds CAP_NET_RAW and is still a user.
	 */
	return getuid() == 0;
}
