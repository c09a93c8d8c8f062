/*
 * IPv6 node information queries (RFC 4620, iputils' -N): the sub-options,
 * the query's bytes, the reply parsed and worded as iputils 20250605 prints
 * it. Pure: bytes in, struct or text out; the nonces' random bytes come
 * from the caller.
 */
#ifndef RTPING_NODEINFO_H
#define RTPING_NODEINFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RT_NI_QUERY 139
#define RT_NI_REPLY 140
#define RT_NI_HDR_LEN 16         /* type, code, checksum, qtype, flags, nonce */
#define RT_NI_NONCE_LEN 8        /* the sequence (2 bytes), then 6 random ones */

enum { RT_NI_QTYPE_NAME = 2, RT_NI_QTYPE_IPV6 = 3, RT_NI_QTYPE_IPV4 = 4 };
/* The query's code: what its subject is. */
enum { RT_NI_SUBJ_IPV6 = 0, RT_NI_SUBJ_NAME = 1, RT_NI_SUBJ_IPV4 = 2 };
/* The reply's code. */
enum { RT_NI_SUCCESS = 0, RT_NI_REFUSED = 1, RT_NI_UNKNOWN = 2 };
/* Flags, host order (RFC 4620 4.; "compatible" and "all" share no bit). */
enum {
	RT_NI_FLAG_TRUNCATE = 0x01, RT_NI_FLAG_ALL = 0x02, RT_NI_FLAG_COMPAT = 0x04,
	RT_NI_FLAG_LINKLOCAL = 0x08, RT_NI_FLAG_SITELOCAL = 0x10, RT_NI_FLAG_GLOBAL = 0x20,
};

/* A name subject: DNS wire format (255 bytes) plus iputils' extra zero. */
#define RT_NI_SUBJECT_MAX 257

/* What -N options asked for. */
struct rt_ni {
	bool used;               /* any -N: iputils then opens raw sockets */
	int qtype;               /* -1: none, and then echo requests are sent */
	uint16_t flags;
	int subject_type;        /* -1: the target's address */
	uint8_t subject[RT_NI_SUBJECT_MAX];
	size_t subject_len;
};

enum rt_ni_err {
	RT_NI_OK,
	RT_NI_HELP,              /* -N help: the list on stdout, exit 0 */
	RT_NI_BAD,               /* an unknown sub-option or a missing/extra value */
	RT_NI_QTYPE_CONFLICT,
	RT_NI_SUBJECT_CONFLICT,
	RT_NI_BAD_ADDR,          /* subject-ipv6/-ipv4: not an address of that family */
	RT_NI_BAD_NAME,          /* subject-name/-fqdn: no DNS name (iputils' dn_comp()) */
	RT_NI_LONG_SCOPE,        /* name%scope with a scope of 16 bytes or more */
};

void rt_ni_init(struct rt_ni *n);
/*
 * One -N argument, applied to n (iputils' node_info.c rules: a query type
 * once, flags add up, one kind of subject, later subjects replace earlier).
 * Subject addresses are literals only: parsing looks nothing up.
 */
enum rt_ni_err rt_ni_option(struct rt_ni *n, const char *arg);
/* iputils' "ping -6 -N <nodeinfo opt>" list, newline-terminated. */
extern const char rt_ni_help[];

/*
 * The query for sequence seq into buf (cap bytes): header, nonce (seq then
 * rnd's 6 bytes), subject (n's, else target, 16 bytes). The kernel sums it.
 * Returns the length, or 0 when cap is too small.
 */
size_t rt_ni_build(const struct rt_ni *n, const uint8_t target[16], uint16_t seq,
		   const uint8_t rnd[6], uint8_t *buf, size_t cap);

/* The nonces in flight: sequence -> its random bytes, as sent. */
#define RT_NI_NONCES 128
struct rt_ni_nonces {
	uint8_t rnd[RT_NI_NONCES][6];
	bool set[RT_NI_NONCES];
};
void rt_ni_nonce_remember(struct rt_ni_nonces *t, uint16_t seq, const uint8_t rnd[6]);
/* The sequence a reply's nonce names, or -1 when we never sent that nonce. */
int rt_ni_nonce_seq(const struct rt_ni_nonces *t, const uint8_t nonce[RT_NI_NONCE_LEN]);

struct rt_ni_reply {
	uint8_t code;
	uint16_t qtype, flags;   /* host order */
	uint8_t nonce[RT_NI_NONCE_LEN];
	const uint8_t *data;     /* after the header, into the caller's buffer */
	size_t data_len;
};
/* An ICMPv6 message (its header first): 0, or -EBADMSG (not a reply, too short). */
int rt_ni_parse(const uint8_t *buf, size_t len, struct rt_ni_reply *r);

/*
 * Each answer of a successful name or address reply, in order, to fn: a
 * name as iputils words it ("peer.example." fully qualified, "alias" not),
 * or an address. Returns what stopped the walk ("parse error (truncated)",
 * "unknown qtype"), or NULL. Other codes have no answers.
 */
typedef void (*rt_ni_answer_fn)(void *ctx, const char *answer);
const char *rt_ni_answers(const struct rt_ni_reply *r, rt_ni_answer_fn fn, void *ctx);

/*
 * What iputils prints between "N bytes from ADDR:" and " ttl=": names
 * (" peer.example., alias"), addresses, " refused", parse errors, then
 * "; seq=N;". Truncated to fit cap; returns out.
 */
char *rt_ni_format(const struct rt_ni_reply *r, char *out, size_t cap);

#endif
