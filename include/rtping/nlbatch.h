/*
 * Many netlink questions at once. Requests that the kernel answers with
 * one message and its ACK, or with one error (RTM_GETROUTE, not a dump),
 * are packed several to a sendmsg() on a socket of their own; the answers
 * are matched back to their requests by sequence number and kept. Whoever
 * later asks the same question gets the kept answer (rt_nlb_replay) and
 * sends nothing. Packing, matching and replay are pure (tested on byte
 * buffers); rt_nlb_ask() is the part that talks.
 */
#ifndef RTPING_NLBATCH_H
#define RTPING_NLBATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <libmnl/libmnl.h>

struct rt_nl;

struct rt_nlb_stats {
	unsigned long asked;        /* requests added */
	unsigned long sends;        /* sendmsg() calls */
	unsigned long overruns;     /* ENOBUFS: the kernel dropped answers */
	unsigned long reasked;      /* requests sent again, unanswered after an overrun */
	unsigned long unanswered;   /* given up on: asked one at a time when needed */
	unsigned long replayed;     /* kept answers read back */
};

enum rt_nlb_state {
	RT_NLB_QUEUED,              /* to be sent */
	RT_NLB_SENT,                /* in the chunk in flight */
	RT_NLB_DATA,                /* its reply came, its ACK not yet */
	RT_NLB_ANSWERED,
	RT_NLB_GIVEN_UP,
};

struct rt_nlb_req {
	uint32_t off, len;          /* the request, in req */
	uint32_t aoff, alen;        /* its answer (whole messages), in ans */
	uint32_t seq;               /* as last sent */
	uint32_t hash;              /* of the question, for the index */
	uint8_t state;              /* enum rt_nlb_state */
};

struct rt_nlb {
	uint32_t portid;            /* the socket the answers come to */
	uint32_t seq;               /* the last sequence number used */
	struct rt_nlb_req *r;
	size_t n, cap;
	uint8_t *req, *ans;         /* request and answer bytes, each message aligned */
	size_t req_len, req_cap, ans_len, ans_cap;
	size_t *chunk;              /* the chunk in flight: its requests, in seq order */
	size_t nchunk;
	uint32_t chunk_seq;         /* the seq of chunk[0] */
	uint32_t *slots;            /* the index: requests by question (index + 1; 0 empty) */
	size_t nslots;              /* a power of two, at least twice cap */
	size_t per_send;            /* requests per sendmsg(): halved on an overrun, */
	size_t per_send_max;        /* and back up to this while chunks are answered */
	void *io;                   /* rt_nlb_ask()'s buffers */
	struct rt_nlb_stats st;
};

/* An empty batch for answers that come to portid; per_send requests a sendmsg(). */
void rt_nlb_init(struct rt_nlb *b, uint32_t portid, size_t per_send);
void rt_nlb_free(struct rt_nlb *b);
/* Forgets every request and answer (the memory is kept for the next ones). */
void rt_nlb_clear(struct rt_nlb *b);

/*
 * Memory for nreq requests and bytes of answers, taken now, so that a
 * batch of that size grows nothing later; pages are touched as they are
 * used. 0 or -ENOMEM.
 */
int rt_nlb_reserve(struct rt_nlb *b, size_t nreq, size_t bytes);

/* Pure: queues a copy of req (its seq and port are set when sent). 0, -EINVAL (a dump), -ENOMEM. */
int rt_nlb_add(struct rt_nlb *b, const struct nlmsghdr *req);

/*
 * Pure: the next chunk, at most max requests still queued, into buf (cap
 * bytes) with fresh sequence numbers. Returns its length; 0 when nothing
 * is queued (or the first request does not fit).
 */
size_t rt_nlb_pack(struct rt_nlb *b, void *buf, size_t cap, size_t max);

/*
 * Pure: one datagram of answers. Each message for a request of the chunk
 * is kept with it; others (another port, an unknown or finished sequence,
 * a malformed buffer) are skipped. Returns the messages kept, or -ENOMEM.
 */
int rt_nlb_take(struct rt_nlb *b, const void *buf, size_t len);

/*
 * Pure: a datagram too long for the read, of which len bytes came. The
 * request its first message answers is given up, to be asked alone by
 * whoever needs it (a buffer of its own holds it). 1 when one was, else 0.
 */
int rt_nlb_cut(struct rt_nlb *b, const void *buf, size_t len);

/*
 * Pure: the chunk's answers are all in (the queue was read empty). A reply
 * whose ACK was dropped is complete (the ACK is written in); a request with
 * no answer is queued again. Returns how many requests are queued.
 */
size_t rt_nlb_settle(struct rt_nlb *b);

/*
 * Pure: the kept answer to the same question as req (type, flags and bytes
 * after the header; b may be NULL): its messages (buf, len) and the
 * sequence number they carry. false: none kept.
 */
bool rt_nlb_answer(const struct rt_nlb *b, const struct nlmsghdr *req, const void **buf,
		   size_t *len, uint32_t *seq);

/*
 * Pure: the kept answer to the same question as req (type, flags and bytes
 * after the header; NULL b: none), fed to cb as rt_nl_feed() does, with
 * extack filled and *rc what rt_nl_feed() returns. false when no answer
 * is kept: the question is to be asked.
 */
bool rt_nlb_replay(struct rt_nlb *b, const struct nlmsghdr *req, mnl_cb_t cb, void *data,
		   char *extack, size_t extack_len, int *rc);

/*
 * Sends every queued request over nl, per_send to a sendmsg(), and reads
 * the answers; after an overrun the unanswered are asked again in smaller
 * chunks, and given up on (left to be asked one at a time) when even one
 * request alone gets no answer. 0, or -errno when nl failed (the requests
 * not answered by then are given up on).
 */
int rt_nlb_ask(struct rt_nlb *b, struct rt_nl *nl);

#endif
