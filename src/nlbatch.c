/*
 * Many netlink questions at once (include/rtping/nlbatch.h). The kernel
 * answers rtnetlink requests inside the sendmsg() that carries them
 * (netlink_unicast_kernel() runs the handler in the sender's context), so
 * once it returns every answer is queued, or was dropped for want of room
 * in the receive buffer (netlink_attachskb(): the reader then gets one
 * ENOBUFS). Reading the queue until it is empty therefore settles a chunk.
 *
 * Requests go without NLM_F_ACK: a request of one answer gets its reply or
 * its error (netlink_rcv_skb() acks an error always), never neither, and the
 * ACK would double the datagrams. Each reply is kept with the ACK the
 * kernel would have added, so that whoever reads it back reads what the
 * same request with NLM_F_ACK gets (rt_nl_talk()).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <linux/netlink.h>

#include "rtping/nl.h"
#include "rtping/nlbatch.h"

/*
 * rt_nlb_ask()'s buffers: one sendmsg(), and one recvmmsg() of datagrams.
 * An answer is a few hundred bytes (a route, an error); a longer one (a
 * multipath route of many hops) is cut and asked again alone.
 */
#define RECVS 32
#define RECVSZ 1024
struct io {
	char send[RT_NL_BUFSZ] __attribute__((aligned(4)));
	char recv[RECVS][RECVSZ] __attribute__((aligned(4)));
	size_t lens[RECVS];
};

void rt_nlb_init(struct rt_nlb *b, uint32_t portid, size_t per_send)
{
	memset(b, 0, sizeof(*b));
	b->portid = portid;
	b->per_send = b->per_send_max = per_send ? per_send : 1;
}

void rt_nlb_clear(struct rt_nlb *b)
{
	b->n = b->req_len = b->ans_len = b->nchunk = 0;
	if (b->slots)
		memset(b->slots, 0, b->nslots * sizeof(*b->slots));
}

void rt_nlb_free(struct rt_nlb *b)
{
	free(b->r);
	free(b->req);
	free(b->ans);
	free(b->chunk);
	free(b->slots);
	free(b->io);
	memset(b, 0, sizeof(*b));
}

/* Room for more bytes at *buf (cap *cap, len used); 0 or -ENOMEM. */
static int room(uint8_t **buf, size_t *cap, size_t len, size_t more)
{
	size_t want = *cap ? *cap : 4096;
	void *p;

	if (len + more <= *cap)
		return 0;
	while (want < len + more)
		want *= 2;
	p = realloc(*buf, want);
	if (!p)
		return -ENOMEM;
	*buf = p;
	*cap = want;
	return 0;
}

/* FNV-1a over what makes two requests the same question (rt_nlb_answer()). */
static uint32_t question_hash(const struct nlmsghdr *q)
{
	const uint8_t *p = (const uint8_t *)(q + 1);
	uint32_t h = 2166136261u ^ q->nlmsg_type ^ (uint32_t)q->nlmsg_flags << 16;

	for (size_t i = 0; i < q->nlmsg_len - sizeof(*q); i++)
		h = (h ^ p[i]) * 16777619u;
	return h;
}

/* Request i into the index (slots hold index + 1; 0 is empty). */
static void index_put(struct rt_nlb *b, size_t i)
{
	size_t mask = b->nslots - 1, s = b->r[i].hash & mask;

	while (b->slots[s])
		s = (s + 1) & mask;
	b->slots[s] = (uint32_t)i + 1;
}

/* Room for cap requests in the index, kept at most half full. 0 or -ENOMEM. */
static int index_grow(struct rt_nlb *b, size_t cap)
{
	void *p;

	if (2 * cap <= b->nslots)
		return 0;
	p = calloc(4 * cap, sizeof(*b->slots));
	if (!p)
		return -ENOMEM;
	free(b->slots);
	b->slots = p;
	b->nslots = 4 * cap;
	for (size_t i = 0; i < b->n; i++)
		index_put(b, i);
	return 0;
}

/* Room for cap requests. 0 or -ENOMEM. */
static int grow(struct rt_nlb *b, size_t cap)
{
	void *p;

	if (cap <= b->cap)
		return 0;
	if (!(p = realloc(b->r, cap * sizeof(*b->r))))
		return -ENOMEM;
	b->r = p;
	if (!(p = realloc(b->chunk, cap * sizeof(*b->chunk))))
		return -ENOMEM;
	b->chunk = p;
	if (index_grow(b, cap) < 0)
		return -ENOMEM;
	b->cap = cap;
	return 0;
}

int rt_nlb_reserve(struct rt_nlb *b, size_t nreq, size_t bytes)
{
	if (grow(b, nreq) < 0 || room(&b->req, &b->req_cap, 0, nreq * 128) < 0 ||
	    room(&b->ans, &b->ans_cap, 0, bytes) < 0 ||
	    (!b->io && !(b->io = malloc(sizeof(struct io)))))
		return -ENOMEM;
	return 0;
}

int rt_nlb_add(struct rt_nlb *b, const struct nlmsghdr *req)
{
	size_t len = MNL_ALIGN(req->nlmsg_len);
	struct rt_nlb_req *r;

	if ((req->nlmsg_flags & NLM_F_DUMP) || req->nlmsg_len < sizeof(*req) ||
	    len > RT_NL_BUFSZ)
		return -EINVAL;
	if (b->n == b->cap && grow(b, b->cap ? 2 * b->cap : 64) < 0)
		return -ENOMEM;
	if (room(&b->req, &b->req_cap, b->req_len, len) < 0)
		return -ENOMEM;
	r = &b->r[b->n++];
	memset(r, 0, sizeof(*r));
	r->off = (uint32_t)b->req_len;
	r->len = (uint32_t)len;
	memcpy(b->req + b->req_len, req, req->nlmsg_len);
	memset(b->req + b->req_len + req->nlmsg_len, 0, len - req->nlmsg_len);
	b->req_len += len;
	r->hash = question_hash(req);
	index_put(b, b->n - 1);
	b->st.asked++;
	return 0;
}

size_t rt_nlb_pack(struct rt_nlb *b, void *buf, size_t cap, size_t max)
{
	size_t used = 0;

	b->nchunk = 0;
	/* Consecutive numbers, none of them 0 (which turns libmnl's check off). */
	if (b->seq > UINT32_MAX - b->n - 1)
		b->seq = 0;
	b->chunk_seq = b->seq + 1;
	for (size_t i = 0; i < b->n && b->nchunk < max; i++) {
		struct rt_nlb_req *r = &b->r[i];
		struct nlmsghdr *nlh = (struct nlmsghdr *)((char *)buf + used);

		if (r->state != RT_NLB_QUEUED)
			continue;
		if (used + r->len > cap)
			break;
		memcpy(nlh, b->req + r->off, r->len);
		nlh->nlmsg_seq = r->seq = ++b->seq;
		nlh->nlmsg_pid = 0;
		nlh->nlmsg_flags &= (uint16_t)~NLM_F_ACK;
		r->state = RT_NLB_SENT;
		b->chunk[b->nchunk++] = i;
		used += r->len;
	}
	return used;
}

/* Appends len bytes to request r's answer, moving it to the end first if it is not there. */
static int append(struct rt_nlb *b, struct rt_nlb_req *r, const void *msg, size_t len)
{
	bool at_end = r->alen && r->aoff + r->alen == b->ans_len;

	if (room(&b->ans, &b->ans_cap, b->ans_len, r->alen + len) < 0)
		return -ENOMEM;
	if (r->alen && !at_end) {
		memmove(b->ans + b->ans_len, b->ans + r->aoff, r->alen);
		r->aoff = (uint32_t)b->ans_len;
		b->ans_len += r->alen;
	}
	if (!r->alen)
		r->aoff = (uint32_t)b->ans_len;
	memcpy(b->ans + b->ans_len, msg, len);
	b->ans_len += len;
	r->alen += (uint32_t)len;
	return 0;
}

/* The request of the chunk a message answers, or NULL. */
static struct rt_nlb_req *answered_by(struct rt_nlb *b, const struct nlmsghdr *nlh)
{
	uint32_t k = nlh->nlmsg_seq - b->chunk_seq;
	struct rt_nlb_req *r;

	if ((nlh->nlmsg_pid && nlh->nlmsg_pid != b->portid) || k >= b->nchunk)
		return NULL;
	r = &b->r[b->chunk[k]];
	return r->state == RT_NLB_SENT || r->state == RT_NLB_DATA ? r : NULL;
}

int rt_nlb_take(struct rt_nlb *b, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	int kept = 0;

	while (len >= sizeof(struct nlmsghdr)) {
		struct nlmsghdr h;
		struct rt_nlb_req *r;
		size_t n;

		memcpy(&h, p, sizeof(h));
		if (h.nlmsg_len < sizeof(h) || h.nlmsg_len > len)
			break;    /* a cut message: the rest cannot be trusted */
		n = MNL_ALIGN(h.nlmsg_len);
		r = answered_by(b, &h);
		if (r && h.nlmsg_type != NLMSG_NOOP && h.nlmsg_type != NLMSG_OVERRUN) {
			static const uint8_t pad[NLMSG_ALIGNTO];

			/* Padded, so the next message kept stays aligned. */
			if (append(b, r, p, h.nlmsg_len) < 0 ||
			    append(b, r, pad, n - h.nlmsg_len) < 0)
				return -ENOMEM;
			r->state = h.nlmsg_type == NLMSG_ERROR || h.nlmsg_type == NLMSG_DONE
				   ? RT_NLB_ANSWERED : RT_NLB_DATA;
			kept++;
		}
		if (n >= len)
			break;
		p += n;
		len -= n;
	}
	return kept;
}

int rt_nlb_cut(struct rt_nlb *b, const void *buf, size_t len)
{
	struct nlmsghdr h;
	struct rt_nlb_req *r;

	if (len < sizeof(h))
		return 0;
	memcpy(&h, buf, sizeof(h));
	if (!(r = answered_by(b, &h)))
		return 0;
	r->state = RT_NLB_GIVEN_UP;
	r->alen = 0;
	b->st.unanswered++;
	return 1;
}

/* The ACK the kernel sends for r with NLM_F_ACK (NETLINK_CAP_ACK: the request's header only). */
static int write_ack(struct rt_nlb *b, struct rt_nlb_req *r)
{
	char buf[MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(struct nlmsgerr))] __attribute__((aligned(4)));
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct nlmsgerr *e = mnl_nlmsg_put_extra_header(nlh, sizeof(*e));

	nlh->nlmsg_type = NLMSG_ERROR;
	nlh->nlmsg_flags = NLM_F_CAPPED;
	nlh->nlmsg_seq = r->seq;
	nlh->nlmsg_pid = b->portid;
	e->error = 0;
	memcpy(&e->msg, b->req + r->off, sizeof(e->msg));
	e->msg.nlmsg_seq = r->seq;
	e->msg.nlmsg_pid = b->portid;
	return append(b, r, buf, MNL_ALIGN(nlh->nlmsg_len));
}

size_t rt_nlb_settle(struct rt_nlb *b)
{
	size_t queued = 0;

	for (size_t k = 0; k < b->nchunk; k++) {
		struct rt_nlb_req *r = &b->r[b->chunk[k]];

		if (r->state == RT_NLB_DATA && write_ack(b, r) == 0)
			r->state = RT_NLB_ANSWERED;
		if (r->state == RT_NLB_SENT || r->state == RT_NLB_DATA) {
			r->state = RT_NLB_QUEUED;
			r->alen = 0;
			b->st.reasked++;
		}
	}
	b->nchunk = 0;
	for (size_t i = 0; i < b->n; i++)
		queued += b->r[i].state == RT_NLB_QUEUED;
	return queued;
}

static bool same_question(const struct rt_nlb *b, const struct rt_nlb_req *r,
			  const struct nlmsghdr *q)
{
	const struct nlmsghdr *h = (const struct nlmsghdr *)(b->req + r->off);

	return h->nlmsg_len == q->nlmsg_len && h->nlmsg_type == q->nlmsg_type &&
	       h->nlmsg_flags == q->nlmsg_flags &&
	       !memcmp(h + 1, q + 1, q->nlmsg_len - sizeof(*q));
}

bool rt_nlb_answer(const struct rt_nlb *b, const struct nlmsghdr *req, const void **buf,
		   size_t *len, uint32_t *seq)
{
	uint32_t h;
	size_t mask, s;

	if (!b || !b->n || req->nlmsg_len < sizeof(*req))
		return false;
	h = question_hash(req);
	mask = b->nslots - 1;
	for (s = h & mask; b->slots[s]; s = (s + 1) & mask) {
		const struct rt_nlb_req *r = &b->r[b->slots[s] - 1];

		if (r->hash != h || r->state != RT_NLB_ANSWERED || !same_question(b, r, req))
			continue;
		*buf = b->ans + r->aoff;
		*len = r->alen;
		*seq = r->seq;
		return true;
	}
	return false;
}

bool rt_nlb_replay(struct rt_nlb *b, const struct nlmsghdr *req, mnl_cb_t cb, void *data,
		   char *extack, size_t extack_len, int *rc)
{
	const void *buf;
	size_t len;
	uint32_t seq;

	if (!rt_nlb_answer(b, req, &buf, &len, &seq))
		return false;
	b->st.replayed++;
	if (extack && extack_len)
		extack[0] = '\0';
	*rc = rt_nl_feed(buf, len, seq, b->portid, cb, data, extack, extack_len);
	return true;
}

/* Every request not answered yet is left to be asked one at a time. */
static int give_up(struct rt_nlb *b, int rc)
{
	for (size_t i = 0; i < b->n; i++)
		if (b->r[i].state != RT_NLB_ANSWERED && b->r[i].state != RT_NLB_GIVEN_UP) {
			b->r[i].state = RT_NLB_GIVEN_UP;
			b->st.unanswered++;
		}
	b->nchunk = 0;
	return rc;
}

/* Reads the queue empty; 1 when the kernel said it dropped answers, 0, or -errno. */
static int drain(struct rt_nlb *b, struct rt_nl *nl, struct io *io)
{
	bool overrun = false;
	int n;

	for (;;) {
		n = rt_nl_recv_queued(nl, io->recv, RECVSZ, io->lens, RECVS);
		if (n == -EAGAIN)
			return overrun;
		if (n == -ENOBUFS) {
			overrun = true;
			b->st.overruns++;
			continue;
		}
		if (n < 0)
			return n;
		for (int i = 0; i < n; i++) {
			if (io->lens[i] > RECVSZ)
				rt_nlb_cut(b, io->recv[i], RECVSZ);
			else if (io->lens[i] && rt_nlb_take(b, io->recv[i], io->lens[i]) < 0)
				return -ENOMEM;
		}
	}
}

int rt_nlb_ask(struct rt_nlb *b, struct rt_nl *nl)
{
	struct io *io = b->io;
	unsigned idle = 0;
	size_t len;

	if (!io && !(io = b->io = malloc(sizeof(*io))))
		return give_up(b, -ENOMEM);
	while ((len = rt_nlb_pack(b, io->send, sizeof(io->send), b->per_send)) > 0) {
		size_t sent = b->nchunk, first = b->chunk[0], before = b->st.reasked;
		int rc;

		b->st.sends++;
		if ((rc = rt_nl_send(nl, io->send, len)) < 0 || (rc = drain(b, nl, io)) < 0)
			return give_up(b, rc);
		rt_nlb_settle(b);
		/* Smaller chunks after an overrun; back up slowly while they fit. */
		if (rc > 0)
			b->per_send = b->per_send > 1 ? b->per_send / 2 : 1;
		else if (sent == b->per_send && b->per_send < b->per_send_max)
			b->per_send = b->per_send + b->per_send / 4 + 1 < b->per_send_max
				      ? b->per_send + b->per_send / 4 + 1 : b->per_send_max;
		if (b->st.reasked - before < sent) {
			idle = 0;
		} else if (sent == 1 && ++idle >= 3) {
			/* No answer even alone, three times: not worth a fourth try. */
			b->r[first].state = RT_NLB_GIVEN_UP;
			b->st.unanswered++;
			idle = 0;
		}
	}
	return 0;
}
