/*
 * IPv6 node information queries (RFC 4620) as iputils 20250605 sends and
 * prints them (ping/node_info.c, ping6_common.c). Names go through libc's
 * dn_comp()/dn_expand(), as iputils', so subjects and replies come out
 * byte for byte and escape for escape the same.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <net/if.h>
#include <resolv.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "rtping/nodeinfo.h"

const char rt_ni_help[] =
	"ping -6 -N <nodeinfo opt>\n"
	"Help:\n"
	"  help\n"
	"Query:\n"
	"  name\n"
	"  ipv6\n"
	"  ipv6-all\n"
	"  ipv6-compatible\n"
	"  ipv6-global\n"
	"  ipv6-linklocal\n"
	"  ipv6-sitelocal\n"
	"  ipv4\n"
	"  ipv4-all\n"
	"Subject:\n"
	"  subject-ipv6=addr\n"
	"  subject-ipv4=addr\n"
	"  subject-name=name\n"
	"  subject-fqdn=name\n";

void rt_ni_init(struct rt_ni *n)
{
	memset(n, 0, sizeof(*n));
	n->qtype = -1;
	n->subject_type = -1;
}

enum ni_kind { K_QUERY, K_SUBJ_ADDR, K_SUBJ_NAME, K_HELP };

/* iputils' table: "fqdn" is an unlisted alias of "name". */
static const struct {
	const char *name;
	enum ni_kind kind;
	int value;               /* qtype; subject type; names: 0 guess, -1 subject-fqdn */
	uint16_t flag;
} opts_tab[] = {
	{ "name", K_QUERY, RT_NI_QTYPE_NAME, 0 },
	{ "fqdn", K_QUERY, RT_NI_QTYPE_NAME, 0 },
	{ "ipv6", K_QUERY, RT_NI_QTYPE_IPV6, 0 },
	{ "ipv6-all", K_QUERY, RT_NI_QTYPE_IPV6, RT_NI_FLAG_ALL },
	{ "ipv6-compatible", K_QUERY, RT_NI_QTYPE_IPV6, RT_NI_FLAG_COMPAT },
	{ "ipv6-linklocal", K_QUERY, RT_NI_QTYPE_IPV6, RT_NI_FLAG_LINKLOCAL },
	{ "ipv6-sitelocal", K_QUERY, RT_NI_QTYPE_IPV6, RT_NI_FLAG_SITELOCAL },
	{ "ipv6-global", K_QUERY, RT_NI_QTYPE_IPV6, RT_NI_FLAG_GLOBAL },
	{ "ipv4", K_QUERY, RT_NI_QTYPE_IPV4, 0 },
	{ "ipv4-all", K_QUERY, RT_NI_QTYPE_IPV4, RT_NI_FLAG_ALL },
	{ "subject-ipv6=", K_SUBJ_ADDR, RT_NI_SUBJ_IPV6, 0 },
	{ "subject-ipv4=", K_SUBJ_ADDR, RT_NI_SUBJ_IPV4, 0 },
	{ "subject-name=", K_SUBJ_NAME, 0, 0 },
	{ "subject-fqdn=", K_SUBJ_NAME, -1, 0 },
	{ "help", K_HELP, 0, 0 },
};

static enum rt_ni_err set_subject_type(struct rt_ni *n, int type)
{
	if (n->subject_type >= 0 && n->subject_type != type)
		return RT_NI_SUBJECT_CONFLICT;
	n->subject_type = type;
	return RT_NI_OK;
}

/*
 * A name subject as iputils encodes it: the scope after '%' dropped,
 * lower-cased, dn_comp()'s wire form, and one more zero byte when the
 * name is taken as not fully qualified (no dot; or always for
 * subject-fqdn, whose flag iputils reads the wrong way round).
 */
static enum rt_ni_err subject_name(struct rt_ni *n, const char *arg, int fqdn)
{
	char name[RT_NI_SUBJECT_MAX * 4 + 1];
	unsigned char *dnptrs[2] = { NULL, NULL };
	const char *pct = strchr(arg, '%');
	size_t len = pct ? (size_t)(pct - arg) : strlen(arg);
	int dots = 0, w;

	if (pct && strlen(pct + 1) >= IF_NAMESIZE)
		return RT_NI_LONG_SCOPE;
	if (len >= sizeof(name))
		return RT_NI_BAD_NAME;
	for (size_t i = 0; i < len; i++) {
		name[i] = (char)tolower((unsigned char)arg[i]);
		dots += arg[i] == '.';
	}
	name[len] = '\0';
	if (fqdn == 0)
		fqdn = dots ? 1 : -1;
	dnptrs[0] = n->subject;
	/* A full pointer table, as iputils': nothing is compressed. */
	w = dn_comp(name, n->subject, RT_NI_SUBJECT_MAX - 1, dnptrs, &dnptrs[2]);
	if (w < 0)
		return RT_NI_BAD_NAME;
	n->subject_len = (size_t)w;
	if (fqdn < 0)
		n->subject[n->subject_len++] = 0;
	return RT_NI_OK;
}

static enum rt_ni_err apply(struct rt_ni *n, size_t i, const char *val)
{
	enum rt_ni_err e;

	switch (opts_tab[i].kind) {
	case K_HELP:
		return RT_NI_HELP;
	case K_QUERY:
		if (n->qtype >= 0 && n->qtype != opts_tab[i].value)
			return RT_NI_QTYPE_CONFLICT;
		n->qtype = opts_tab[i].value;
		n->flags |= opts_tab[i].flag;
		return RT_NI_OK;
	case K_SUBJ_ADDR: {
		int type = opts_tab[i].value;
		int af = type == RT_NI_SUBJ_IPV6 ? AF_INET6 : AF_INET;

		if ((e = set_subject_type(n, type)) != RT_NI_OK)
			return e;
		if (inet_pton(af, val, n->subject) != 1)
			return RT_NI_BAD_ADDR;
		n->subject_len = af == AF_INET6 ? 16 : 4;
		return RT_NI_OK;
	}
	case K_SUBJ_NAME:
		if ((e = set_subject_type(n, RT_NI_SUBJ_NAME)) != RT_NI_OK)
			return e;
		return subject_name(n, val, opts_tab[i].value);
	}
	return RT_NI_BAD;
}

enum rt_ni_err rt_ni_option(struct rt_ni *n, const char *arg)
{
	n->used = true;
	for (size_t i = 0; i < sizeof(opts_tab) / sizeof(opts_tab[0]); i++) {
		const char *name = opts_tab[i].name;
		size_t len = strlen(name);
		bool has_val = name[len - 1] == '=';

		if (strncmp(arg, name, len) != 0 || (!has_val && arg[len] != '\0'))
			continue;
		return apply(n, i, has_val ? arg + len : NULL);
	}
	return RT_NI_BAD;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

size_t rt_ni_build(const struct rt_ni *n, const uint8_t target[16], uint16_t seq,
		   const uint8_t rnd[6], uint8_t *buf, size_t cap)
{
	const uint8_t *subj = n->subject_type >= 0 ? n->subject : target;
	size_t subj_len = n->subject_type >= 0 ? n->subject_len : 16;

	if (cap < RT_NI_HDR_LEN + subj_len)
		return 0;
	buf[0] = RT_NI_QUERY;
	buf[1] = (uint8_t)(n->subject_type >= 0 ? n->subject_type : RT_NI_SUBJ_IPV6);
	put16(buf + 2, 0);
	put16(buf + 4, (uint16_t)n->qtype);
	put16(buf + 6, n->flags);
	put16(buf + 8, seq);
	memcpy(buf + 10, rnd, 6);
	memcpy(buf + RT_NI_HDR_LEN, subj, subj_len);
	return RT_NI_HDR_LEN + subj_len;
}

void rt_ni_nonce_remember(struct rt_ni_nonces *t, uint16_t seq, const uint8_t rnd[6])
{
	memcpy(t->rnd[seq % RT_NI_NONCES], rnd, 6);
	t->set[seq % RT_NI_NONCES] = true;
}

int rt_ni_nonce_seq(const struct rt_ni_nonces *t, const uint8_t nonce[RT_NI_NONCE_LEN])
{
	uint16_t seq = (uint16_t)(nonce[0] << 8 | nonce[1]);

	if (!t->set[seq % RT_NI_NONCES] || memcmp(t->rnd[seq % RT_NI_NONCES], nonce + 2, 6))
		return -1;
	return seq;
}

int rt_ni_parse(const uint8_t *buf, size_t len, struct rt_ni_reply *r)
{
	if (len < RT_NI_HDR_LEN || buf[0] != RT_NI_REPLY)
		return -EBADMSG;
	r->code = buf[1];
	r->qtype = (uint16_t)(buf[4] << 8 | buf[5]);
	r->flags = (uint16_t)(buf[6] << 8 | buf[7]);
	memcpy(r->nonce, buf + 8, RT_NI_NONCE_LEN);
	r->data = buf + RT_NI_HDR_LEN;
	r->data_len = len - RT_NI_HDR_LEN;
	return 0;
}

/* An appending writer that truncates instead of overflowing. */
struct sbuf {
	char *p;
	size_t cap, len;
};

__attribute__((format(printf, 2, 3)))
static void put(struct sbuf *s, const char *fmt, ...)
{
	va_list ap;
	int w;

	if (s->len + 1 >= s->cap)
		return;
	va_start(ap, fmt);
	w = vsnprintf(s->p + s->len, s->cap - s->len, fmt, ap);
	va_end(ap);
	if (w > 0)
		s->len = s->len + (size_t)w < s->cap ? s->len + (size_t)w : s->cap - 1;
}

/* One answer's text into buf: an appending writer of its own. */
struct item {
	struct sbuf s;
	char buf[4 * 1024];      /* a 1024-byte name, every byte escaped */
};

/*
 * Names: each after the 4-byte TTL through dn_expand() (offsets count
 * from the TTL field, as iputils passes it); a zero byte right after a
 * name marks it not fully qualified (no trailing dot).
 */
static const char *walk_names(const struct rt_ni_reply *r, rt_ni_answer_fn fn, void *ctx)
{
	const uint8_t *h = r->data, *end = r->data + r->data_len, *p = h + 4;
	char name[1024];
	struct item it;

	if (r->data_len < 4)
		return "parse error (too short)";
	while (p < end) {
		int used = dn_expand(h, end, p, name, sizeof(name));
		bool fqdn = true;

		if (used < 0)
			return "parse error (truncated)";
		if (p + used < end && p[used] == 0)
			fqdn = false;
		it.s = (struct sbuf){ .p = it.buf, .cap = sizeof(it.buf) };
		it.buf[0] = '\0';
		for (const char *c = name; *c; c++)
			put(&it.s, isprint((unsigned char)*c) ? "%c" : "\\%03o", (unsigned char)*c);
		if (fqdn)
			put(&it.s, ".");
		fn(ctx, it.buf);
		p += used + !fqdn;
	}
	return NULL;
}

static const char *walk_addrs(const struct rt_ni_reply *r, rt_ni_answer_fn fn, void *ctx)
{
	int af = r->qtype == RT_NI_QTYPE_IPV4 ? AF_INET : AF_INET6;
	size_t alen = af == AF_INET ? 4 : 16;
	const uint8_t *p = r->data, *end = r->data + r->data_len;
	char text[INET6_ADDRSTRLEN];

	for (; p < end; p += 4 + alen) {
		if ((size_t)(end - p) < 4 + alen)
			return "parse error (truncated)";
		inet_ntop(af, p + 4, text, sizeof(text));
		fn(ctx, text);
	}
	return NULL;
}

const char *rt_ni_answers(const struct rt_ni_reply *r, rt_ni_answer_fn fn, void *ctx)
{
	if (r->code != RT_NI_SUCCESS)
		return NULL;
	if (r->qtype == RT_NI_QTYPE_NAME)
		return walk_names(r, fn, ctx);
	if (r->qtype == RT_NI_QTYPE_IPV4 || r->qtype == RT_NI_QTYPE_IPV6)
		return walk_addrs(r, fn, ctx);
	return "unknown qtype";
}

/* iputils' words: ", " between answers, one space before each. */
struct text {
	struct sbuf s;
	bool first;
};

static void text_answer(void *ctx, const char *answer)
{
	struct text *t = ctx;

	put(&t->s, "%s %s", t->first ? "" : ",", answer);
	t->first = false;
}

char *rt_ni_format(const struct rt_ni_reply *r, char *out, size_t cap)
{
	struct text t = { .s = { .p = out, .cap = cap }, .first = true };
	const char *err;

	if (cap)
		out[0] = '\0';
	switch (r->code) {
	case RT_NI_SUCCESS:
		if (r->qtype != RT_NI_QTYPE_NAME && r->qtype != RT_NI_QTYPE_IPV4 &&
		    r->qtype != RT_NI_QTYPE_IPV6) {
			put(&t.s, " unknown qtype(0x%02x)", r->qtype);
			break;
		}
		err = rt_ni_answers(r, text_answer, &t);
		if (err)
			put(&t.s, "%s %s", t.first ? "" : ",", err);
		if (r->qtype != RT_NI_QTYPE_NAME && (r->flags & RT_NI_FLAG_TRUNCATE))
			put(&t.s, " (truncated)");
		break;
	case RT_NI_REFUSED:
		put(&t.s, " refused");
		break;
	case RT_NI_UNKNOWN:
		put(&t.s, " unknown");
		break;
	default:
		/* iputils byte-swaps the one-byte code: 5 prints as "500". */
		put(&t.s, " unknown code(%02x)", (unsigned)r->code << 8);
	}
	put(&t.s, "; seq=%u;", (unsigned)(r->nonce[0] << 8 | r->nonce[1]));
	return out;
}
