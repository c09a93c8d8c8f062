/*
 * RTM_GETNEXTHOP for one id. The request builder and the reply parser are
 * pure; rt_nexthop_get() is the only part that talks.
 */
#include <errno.h>
#include <string.h>
#include <linux/nexthop.h>
#include <linux/rtnetlink.h>

#include "rtping/nexthop.h"

struct nlmsghdr *rt_nexthop_request(void *buf, uint32_t id, uint32_t seq)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct nhmsg *nhm;

	nlh->nlmsg_type = RTM_GETNEXTHOP;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = seq;
	nhm = mnl_nlmsg_put_extra_header(nlh, sizeof(*nhm));
	nhm->nh_family = AF_UNSPEC;
	mnl_attr_put_u32(nlh, NHA_ID, id);
	return nlh;
}

static int attr_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;
	uint16_t type = mnl_attr_get_type(attr);

	if (mnl_attr_type_valid(attr, NHA_MAX) < 0)
		return MNL_CB_OK;       /* newer kernel, unknown attribute: skip */
	tb[type] = attr;
	return MNL_CB_OK;
}

int rt_nexthop_cb(const struct nlmsghdr *nlh, void *data)
{
	struct rt_nexthop *nh = data;
	const struct nlattr *tb[NHA_MAX + 1] = { 0 };
	size_t glen;

	if (nlh->nlmsg_type != RTM_NEWNEXTHOP ||
	    mnl_nlmsg_get_payload_len(nlh) < sizeof(struct nhmsg) ||
	    mnl_attr_parse(nlh, sizeof(struct nhmsg), attr_cb, tb) < 0 ||
	    !tb[NHA_ID] || mnl_attr_validate(tb[NHA_ID], MNL_TYPE_U32) < 0) {
		errno = EBADMSG;
		return MNL_CB_ERROR;
	}
	glen = tb[NHA_GROUP] ? mnl_attr_get_payload_len(tb[NHA_GROUP]) : 0;
	if (tb[NHA_GROUP] && (!glen || glen % sizeof(struct nexthop_grp))) {
		errno = EBADMSG;
		return MNL_CB_ERROR;
	}
	memset(nh, 0, sizeof(*nh));
	nh->id = mnl_attr_get_u32(tb[NHA_ID]);
	nh->group = tb[NHA_GROUP] != NULL;
	nh->paths = nh->group ? glen / sizeof(struct nexthop_grp) : 1;
	return MNL_CB_OK;
}

int rt_nexthop_parse(const void *buf, size_t len, uint32_t seq, uint32_t portid,
		     struct rt_nexthop *out)
{
	int rc;

	memset(out, 0, sizeof(*out));
	rc = rt_nl_feed(buf, len, seq, portid, rt_nexthop_cb, out, NULL, 0);
	if (rc < 0)
		return rc;
	/* Every nexthop has at least one path: 0 means no nexthop message came. */
	if (!out->paths)
		return rc > 0 ? -EBADMSG : -ENODATA;
	return 0;
}

int rt_nexthop_get(struct rt_nl *nl, uint32_t id, struct rt_nexthop *out)
{
	char buf[RT_NL_BUFSZ] __attribute__((aligned(4)));
	struct nlmsghdr *nlh = rt_nexthop_request(buf, id, 0);
	int rc;

	memset(out, 0, sizeof(*out));
	rc = rt_nl_talk(nl, nlh, rt_nexthop_cb, out);
	if (rc == 0 && !out->paths)
		rc = -ENODATA;
	if (rc == 0 && out->id != id)
		rc = -EBADMSG;
	return rc;
}
