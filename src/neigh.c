/*
 * RTM_GETNEIGH for one address on one device. The request builder and
 * the reply parser are pure; rt_neigh_get() is the only part that talks.
 */
#include <errno.h>
#include <string.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>

#include "rtping/neigh.h"

struct nlmsghdr *rt_neigh_request(void *buf, uint32_t ifindex, const struct rt_addr *a,
				  uint32_t seq)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ndmsg *ndm;

	nlh->nlmsg_type = RTM_GETNEIGH;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = seq;
	/* The kernel wants state, type and flags zero in a get (neigh_valid_get_req()). */
	ndm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ndm));
	ndm->ndm_family = (uint8_t)a->af;
	ndm->ndm_ifindex = (int)ifindex;
	mnl_attr_put(nlh, NDA_DST, a->af == AF_INET ? 4 : 16, a->u.raw);
	return nlh;
}

int rt_neigh_cb(const struct nlmsghdr *nlh, void *data)
{
	struct rt_neigh *n = data;
	const struct ndmsg *ndm;

	if (nlh->nlmsg_type != RTM_NEWNEIGH ||
	    mnl_nlmsg_get_payload_len(nlh) < sizeof(struct ndmsg)) {
		errno = EBADMSG;
		return MNL_CB_ERROR;
	}
	ndm = mnl_nlmsg_get_payload(nlh);
	n->found = true;
	n->state = ndm->ndm_state;
	return MNL_CB_OK;
}

int rt_neigh_parse(const void *buf, size_t len, uint32_t seq, uint32_t portid,
		   struct rt_neigh *out)
{
	int rc;

	memset(out, 0, sizeof(*out));
	rc = rt_nl_feed(buf, len, seq, portid, rt_neigh_cb, out, NULL, 0);
	if (rc < 0)
		return rc;
	if (!out->found)
		return rc > 0 ? -EBADMSG : -ENODATA;
	return 0;
}

int rt_neigh_get(struct rt_nl *nl, uint32_t ifindex, const struct rt_addr *a,
		 struct rt_neigh *out)
{
	char buf[RT_NL_BUFSZ] __attribute__((aligned(4)));
	struct nlmsghdr *nlh;
	int rc;

	memset(out, 0, sizeof(*out));
	if (a->af != AF_INET && a->af != AF_INET6)
		return -EAFNOSUPPORT;
	nlh = rt_neigh_request(buf, ifindex, a, 0);
	rc = rt_nl_talk(nl, nlh, rt_neigh_cb, out);
	if (rc == 0 && !out->found)
		rc = -ENODATA;
	return rc;
}

bool rt_neigh_unresolved(const struct rt_neigh *n)
{
	return n->found && (n->state & (NUD_INCOMPLETE | NUD_FAILED));
}
