/*
 * RTM_GETNEIGH for one neighbour (neigh_get(): NDA_DST and the device,
 * nothing else under strict checking): request builder and reply parser
 * pure, one call that talks.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>

#include "rtping/neigh.h"

struct nlmsghdr *rt_neigh_request(void *buf, const struct rt_addr *addr, uint32_t ifindex)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ndmsg *ndm;

	nlh->nlmsg_type = RTM_GETNEIGH;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	ndm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ndm));
	ndm->ndm_family = (uint8_t)addr->af;
	ndm->ndm_ifindex = (int)ifindex;
	mnl_attr_put(nlh, NDA_DST, rt_addr_len(addr->af), addr->u.raw);
	return nlh;
}

static int attr_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;

	if (mnl_attr_type_valid(attr, NDA_MAX) < 0)
		return MNL_CB_OK;
	if (mnl_attr_get_type(attr) == NDA_DST)
		tb[NDA_DST] = attr;
	return MNL_CB_OK;
}

int rt_neigh_cb(const struct nlmsghdr *nlh, void *data)
{
	struct rt_neigh *n = data;
	const struct ndmsg *ndm = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *tb[NDA_MAX + 1] = { 0 };
	size_t alen;

	if (nlh->nlmsg_type != RTM_NEWNEIGH || mnl_nlmsg_get_payload_len(nlh) < sizeof(*ndm) ||
	    !(alen = rt_addr_len(ndm->ndm_family))) {
		errno = EBADMSG;
		return MNL_CB_ERROR;
	}
	if (mnl_attr_parse(nlh, sizeof(*ndm), attr_cb, tb) < 0)
		return MNL_CB_ERROR;
	/* An answer for another neighbour is not this one's state. */
	if (!tb[NDA_DST] || mnl_attr_get_payload_len(tb[NDA_DST]) != alen ||
	    ndm->ndm_family != n->addr.af ||
	    memcmp(mnl_attr_get_payload(tb[NDA_DST]), n->addr.u.raw, alen))
		return MNL_CB_OK;
	n->found = true;
	n->state = ndm->ndm_state;
	n->ifindex = (uint32_t)ndm->ndm_ifindex;
	return MNL_CB_OK;
}

const char *rt_neigh_state_name(uint16_t state, char *buf, size_t len)
{
	static const struct { uint16_t bit; const char *name; } names[] = {
		{ NUD_INCOMPLETE, "INCOMPLETE" }, { NUD_REACHABLE, "REACHABLE" },
		{ NUD_STALE, "STALE" }, { NUD_DELAY, "DELAY" }, { NUD_PROBE, "PROBE" },
		{ NUD_FAILED, "FAILED" }, { NUD_NOARP, "NOARP" }, { NUD_PERMANENT, "PERMANENT" },
	};
	size_t at = 0;

	if (!len)
		return "";
	buf[0] = '\0';
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		int n;

		if (!(state & names[i].bit) || at >= len)
			continue;
		n = snprintf(buf + at, len - at, "%s%s", at ? "|" : "", names[i].name);
		at = n > 0 && at + (size_t)n < len ? at + (size_t)n : len;
	}
	if (!buf[0])
		snprintf(buf, len, "NONE");
	return buf;
}

int rt_neigh_parse(const void *buf, size_t len, uint32_t seq, uint32_t portid,
		   const struct rt_addr *addr, struct rt_neigh *out)
{
	int rc;

	memset(out, 0, sizeof(*out));
	out->addr = *addr;
	rc = rt_nl_feed(buf, len, seq, portid, rt_neigh_cb, out, NULL, 0);
	if (rc < 0)
		return rc;
	if (!out->found)
		return rc > 0 ? -EBADMSG : -ENODATA;
	return 0;
}

bool rt_neigh_unresolved(const struct rt_neigh *n)
{
	return n->found && (n->state & (NUD_INCOMPLETE | NUD_FAILED));
}

int rt_neigh_get(struct rt_nl *nl, const struct rt_addr *addr, uint32_t ifindex,
		 struct rt_neigh *out)
{
	char buf[RT_NL_BUFSZ] __attribute__((aligned(4)));
	int rc;

	memset(out, 0, sizeof(*out));
	out->addr = *addr;
	out->ifindex = ifindex;
	rc = rt_nl_talk(nl, rt_neigh_request(buf, addr, ifindex), rt_neigh_cb, out);
	if (rc == 0 && !out->found)
		rc = -ENOENT;
	return rc;
}
