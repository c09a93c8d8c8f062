/*
 * -N (RFC 4620 node information): sub-options, query bytes, nonces, reply
 * text. Expected query bytes are what iputils 20250605 put on the wire
 * (logged by tests/tools/hostile_peer.py); expected text is its output for
 * the same reply (tests/golden/20250605/ni-*).
 */
#include <check.h>
#include <errno.h>
#include <string.h>

#include "rtping/nodeinfo.h"
#include "runner.h"

static const uint8_t target[16] = { 0xfd, 0, 0, 0x66, [15] = 2 };
static const uint8_t rnd[6] = { 1, 2, 3, 4, 5, 6 };

/* n after the -N arguments in args (NULL-terminated); the last result. */
static enum rt_ni_err opts(struct rt_ni *n, const char *const *args)
{
	enum rt_ni_err e = RT_NI_OK;

	rt_ni_init(n);
	for (; *args && e == RT_NI_OK; args++)
		e = rt_ni_option(n, *args);
	return e;
}

#define OPTS(n, ...) opts(n, (const char *const[]){ __VA_ARGS__, NULL })

START_TEST(queries_and_flags_as_iputils)
{
	struct rt_ni n;

	ck_assert_int_eq(OPTS(&n, "name"), RT_NI_OK);
	ck_assert_int_eq(n.qtype, RT_NI_QTYPE_NAME);
	ck_assert_int_eq(OPTS(&n, "fqdn", "name"), RT_NI_OK);
	ck_assert_int_eq(OPTS(&n, "ipv6-all", "ipv6-global", "ipv6-linklocal"), RT_NI_OK);
	ck_assert_int_eq(n.qtype, RT_NI_QTYPE_IPV6);
	ck_assert_uint_eq(n.flags, 0x2a);
	ck_assert_int_eq(OPTS(&n, "ipv6-sitelocal", "ipv6-compatible", "ipv6"), RT_NI_OK);
	ck_assert_uint_eq(n.flags, 0x14);
	ck_assert_int_eq(OPTS(&n, "ipv4-all"), RT_NI_OK);
	ck_assert_int_eq(n.qtype, RT_NI_QTYPE_IPV4);
	ck_assert_uint_eq(n.flags, 0x02);
	ck_assert(n.used);
	rt_ni_init(&n);
	ck_assert(!n.used);
	ck_assert_int_eq(n.qtype, -1);
}
END_TEST

START_TEST(bad_and_conflicting_options)
{
	struct rt_ni n;

	ck_assert_int_eq(OPTS(&n, "help"), RT_NI_HELP);
	ck_assert_int_eq(OPTS(&n, "name", "help"), RT_NI_HELP);
	ck_assert_int_eq(OPTS(&n, "bogus"), RT_NI_BAD);
	ck_assert_int_eq(OPTS(&n, ""), RT_NI_BAD);
	ck_assert_int_eq(OPTS(&n, "name=x"), RT_NI_BAD);
	ck_assert_int_eq(OPTS(&n, "names"), RT_NI_BAD);
	ck_assert_int_eq(OPTS(&n, "ipv6-"), RT_NI_BAD);
	ck_assert_int_eq(OPTS(&n, "subject-ipv6"), RT_NI_BAD);
	ck_assert_int_eq(OPTS(&n, "NAME"), RT_NI_BAD);
	ck_assert_int_eq(OPTS(&n, "name", "ipv6"), RT_NI_QTYPE_CONFLICT);
	ck_assert_int_eq(OPTS(&n, "ipv4-all", "ipv6-all"), RT_NI_QTYPE_CONFLICT);
	ck_assert_int_eq(OPTS(&n, "subject-ipv6=::2", "subject-ipv4=1.2.3.4"),
			 RT_NI_SUBJECT_CONFLICT);
	ck_assert_int_eq(OPTS(&n, "subject-name=a", "subject-ipv6=::1"), RT_NI_SUBJECT_CONFLICT);
	ck_assert_int_eq(OPTS(&n, "subject-ipv4=::1"), RT_NI_BAD_ADDR);
	ck_assert_int_eq(OPTS(&n, "subject-ipv6=1.2.3.4"), RT_NI_BAD_ADDR);
	ck_assert_int_eq(OPTS(&n, "subject-ipv6=host.example"), RT_NI_BAD_ADDR);
	ck_assert_int_eq(OPTS(&n, "subject-ipv6="), RT_NI_BAD_ADDR);
	ck_assert_int_eq(OPTS(&n, "subject-name=a%bbbbbbbbbbbbbbbbbbbbbbbbbbbb"), RT_NI_LONG_SCOPE);
	ck_assert_int_eq(OPTS(&n, "subject-name=a%bbbbbbbbbbbbbbb"), RT_NI_OK);
	/* A label longer than 63 bytes: iputils' "inappropriate subject name". */
	ck_assert_int_eq(OPTS(&n, "subject-name=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
			      "aaaaaaaaaaaaaaaaaaaaaaaa"), RT_NI_BAD_NAME);
	ck_assert_int_eq(OPTS(&n, "subject-name=a..b"), RT_NI_BAD_NAME);
}
END_TEST

/* The subject bytes iputils 20250605 sent for each argument. */
START_TEST(subjects_as_iputils_encodes_them)
{
	static const struct {
		const char *arg;
		int type;
		size_t len;
		const char *bytes;
	} c[] = {
		{ "subject-ipv6=fd00:66::9", 0, 16, "\xfd\0\0\x66\0\0\0\0\0\0\0\0\0\0\0\x09" },
		{ "subject-ipv4=10.66.0.2", 2, 4, "\x0a\x42\0\x02" },
		{ "subject-name=Peer.HP.test", 1, 14, "\4peer\2hp\4test\0" },
		{ "subject-name=peer", 1, 7, "\4peer\0\0" },
		{ "subject-fqdn=peer.hp", 1, 10, "\4peer\2hp\0\0" },
		{ "subject-fqdn=peer.", 1, 7, "\4peer\0\0" },
		{ "subject-name=peer%hp0", 1, 7, "\4peer\0\0" },
		{ "subject-name=a\\.b\\065", 1, 6, "\4a.bA\0" },
	};
	struct rt_ni n;

	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		ck_assert_int_eq(OPTS(&n, "name", c[i].arg), RT_NI_OK);
		ck_assert_int_eq(n.subject_type, c[i].type);
		ck_assert_uint_eq(n.subject_len, c[i].len);
		ck_assert_mem_eq(n.subject, c[i].bytes, c[i].len);
	}
}
END_TEST

START_TEST(query_bytes)
{
	struct rt_ni n;
	uint8_t b[64];
	static const uint8_t want[] = {
		139, 0, 0, 0, 0, 3, 0, 0x2a, 0x12, 0x34, 1, 2, 3, 4, 5, 6,
		0xfd, 0, 0, 0x66, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2,
	};
	static const uint8_t name[] = {
		139, 1, 0, 0, 0, 4, 0, 0, 0, 1, 1, 2, 3, 4, 5, 6, 4, 'p', 'e', 'e', 'r', 0, 0,
	};

	OPTS(&n, "ipv6-all", "ipv6-global", "ipv6-linklocal");
	ck_assert_uint_eq(rt_ni_build(&n, target, 0x1234, rnd, b, sizeof(b)), sizeof(want));
	ck_assert_mem_eq(b, want, sizeof(want));
	ck_assert_uint_eq(rt_ni_build(&n, target, 0x1234, rnd, b, 31), 0);
	OPTS(&n, "ipv4", "subject-name=peer");
	ck_assert_uint_eq(rt_ni_build(&n, target, 1, rnd, b, sizeof(b)), sizeof(name));
	ck_assert_mem_eq(b, name, sizeof(name));
}
END_TEST

START_TEST(nonce_matches_only_what_was_sent)
{
	static struct rt_ni_nonces t;
	uint8_t nonce[8] = { 0x12, 0x34, 1, 2, 3, 4, 5, 6 };

	ck_assert_int_eq(rt_ni_nonce_seq(&t, nonce), -1);
	rt_ni_nonce_remember(&t, 0x1234, rnd);
	ck_assert_int_eq(rt_ni_nonce_seq(&t, nonce), 0x1234);
	nonce[7] ^= 0xff;
	ck_assert_int_eq(rt_ni_nonce_seq(&t, nonce), -1);
	nonce[7] ^= 0xff;
	nonce[1] = 0x35;     /* another sequence, with that one's bytes unknown */
	ck_assert_int_eq(rt_ni_nonce_seq(&t, nonce), -1);
	/* A later sequence in the same slot replaces it. */
	rt_ni_nonce_remember(&t, 0x1234 + RT_NI_NONCES, (const uint8_t *)"abcdef");
	nonce[1] = 0x34;
	ck_assert_int_eq(rt_ni_nonce_seq(&t, nonce), -1);
}
END_TEST

/* Parses an ICMPv6 message and formats it. */
static const char *fmt(const uint8_t *msg, size_t len)
{
	static char out[512];
	struct rt_ni_reply r;

	ck_assert_int_eq(rt_ni_parse(msg, len, &r), 0);
	return rt_ni_format(&r, out, sizeof(out));
}

#define HDR(code, qtype, flags) 140, code, 0, 0, 0, qtype, 0, flags, 0, 1, 1, 2, 3, 4, 5, 6

START_TEST(reply_names_as_iputils_prints_them)
{
	static const uint8_t ok[] = { HDR(0, 2, 0), 0, 0, 0, 0,
		4, 'p', 'e', 'e', 'r', 2, 'h', 'p', 4, 't', 'e', 's', 't', 0,
		5, 'a', 'l', 'i', 'a', 's', 0, 0 };
	/* a.b, a space, a 0x01 byte, then a pointer (from the TTL) to "hp.test". */
	static const uint8_t odd[] = { HDR(0, 2, 0), 0, 0, 0, 0,
		3, 'a', '.', 'b', 6, 's', 'p', ' ', 'a', 'c', 'e', 3, 'x', 1, 'y',
		4, 'p', 'e', 'e', 'r', 2, 'h', 'p', 4, 't', 'e', 's', 't', 0,
		5, 'o', 't', 'h', 'e', 'r', 0xc0, 24 };
	static const uint8_t trunc[] = { HDR(0, 2, 0), 0, 0, 0, 0, 4, 'p', 'e', 'e', 'r' };
	static const uint8_t loop[] = { HDR(0, 2, 0), 0, 0, 0, 0, 0xc0, 4 };

	ck_assert_uint_eq(sizeof(ok), 42);
	ck_assert_str_eq(fmt(ok, sizeof(ok)), " peer.hp.test., alias; seq=1;");
	ck_assert_uint_eq(sizeof(odd), 57);
	ck_assert_str_eq(fmt(odd, sizeof(odd)),
			 " a\\.b.sp\\032ace.x\\001y.peer.hp.test., other.hp.test.; seq=1;");
	ck_assert_str_eq(fmt(trunc, 16 + 9), " parse error (truncated); seq=1;");
	ck_assert_str_eq(fmt(ok, 16), " parse error (too short); seq=1;");
	ck_assert_str_eq(fmt(ok, 19), " parse error (too short); seq=1;");
	ck_assert_str_eq(fmt(loop, sizeof(loop)), " parse error (truncated); seq=1;");
}
END_TEST

START_TEST(reply_addresses_codes_and_qtypes)
{
	static const uint8_t v6[] = { HDR(0, 3, 0),
		0, 0, 0, 0, 0xfd, 0, 0, 0x66, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2,
		0, 0, 0, 0, 0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2 };
	static const uint8_t v4t[] = { HDR(0, 4, 1), 0, 0, 0, 0, 10, 66, 0, 2 };
	uint8_t m[] = { HDR(1, 2, 0) };

	ck_assert_str_eq(fmt(v6, sizeof(v6)), " fd00:66::2, fe80::2; seq=1;");
	ck_assert_str_eq(fmt(v6, sizeof(v6) - 3), " fd00:66::2, parse error (truncated); seq=1;");
	ck_assert_str_eq(fmt(v4t, sizeof(v4t)), " 10.66.0.2 (truncated); seq=1;");
	ck_assert_str_eq(fmt(v4t, 16), " (truncated); seq=1;");
	ck_assert_str_eq(fmt(v6, 16), "; seq=1;");
	ck_assert_str_eq(fmt(m, sizeof(m)), " refused; seq=1;");
	m[1] = 2;
	ck_assert_str_eq(fmt(m, sizeof(m)), " unknown; seq=1;");
	m[1] = 5;
	ck_assert_str_eq(fmt(m, sizeof(m)), " unknown code(500); seq=1;");
	m[1] = 0;
	m[5] = 0x77;
	ck_assert_str_eq(fmt(m, sizeof(m)), " unknown qtype(0x77); seq=1;");
}
END_TEST

/* The answers one at a time, for JSON: the same words, no separators, no sequence. */
static void collect(void *ctx, const char *answer)
{
	char *all = ctx;

	strcat(all, "[");
	strcat(all, answer);
	strcat(all, "]");
}

START_TEST(reply_answers_one_by_one)
{
	static const uint8_t names[] = { HDR(0, 2, 0), 0, 0, 0, 0,
		4, 'p', 'e', 'e', 'r', 2, 'h', 'p', 4, 't', 'e', 's', 't', 0,
		5, 'a', 'l', 'i', 'a', 's', 0, 0 };
	static const uint8_t v4[] = { HDR(0, 4, 1), 0, 0, 0, 0, 10, 66, 0, 2, 0, 0, 0, 0, 10, 66 };
	uint8_t m[] = { HDR(1, 2, 0) };
	struct rt_ni_reply r;
	char all[256] = "";

	ck_assert_int_eq(rt_ni_parse(names, sizeof(names), &r), 0);
	ck_assert_ptr_null(rt_ni_answers(&r, collect, all));
	ck_assert_str_eq(all, "[peer.hp.test.][alias]");
	all[0] = '\0';
	ck_assert_int_eq(rt_ni_parse(v4, sizeof(v4), &r), 0);
	ck_assert_str_eq(rt_ni_answers(&r, collect, all), "parse error (truncated)");
	ck_assert_str_eq(all, "[10.66.0.2]");
	all[0] = '\0';
	ck_assert_int_eq(rt_ni_parse(names, 18, &r), 0);
	ck_assert_str_eq(rt_ni_answers(&r, collect, all), "parse error (too short)");
	ck_assert_int_eq(rt_ni_parse(m, sizeof(m), &r), 0);
	ck_assert_ptr_null(rt_ni_answers(&r, collect, all));
	m[1] = 0;
	m[5] = 0x77;
	ck_assert_int_eq(rt_ni_parse(m, sizeof(m), &r), 0);
	ck_assert_str_eq(rt_ni_answers(&r, collect, all), "unknown qtype");
	ck_assert_str_eq(all, "");
}
END_TEST

START_TEST(short_or_foreign_messages_are_refused)
{
	static const uint8_t echo[16] = { 129 };
	static const uint8_t r[16] = { 140 };
	struct rt_ni_reply out;
	char small[8];
	static const uint8_t ok[] = { HDR(0, 4, 0), 0, 0, 0, 0, 10, 66, 0, 2 };

	ck_assert_int_eq(rt_ni_parse(echo, sizeof(echo), &out), -EBADMSG);
	ck_assert_int_eq(rt_ni_parse(r, 15, &out), -EBADMSG);
	ck_assert_int_eq(rt_ni_parse(r, 16, &out), 0);
	ck_assert_uint_eq(out.data_len, 0);
	/* A small buffer truncates, terminated. */
	ck_assert_int_eq(rt_ni_parse(ok, sizeof(ok), &out), 0);
	ck_assert_str_eq(rt_ni_format(&out, small, sizeof(small)), " 10.66.");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("nodeinfo");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, queries_and_flags_as_iputils);
	tcase_add_test(tc, bad_and_conflicting_options);
	tcase_add_test(tc, subjects_as_iputils_encodes_them);
	tcase_add_test(tc, query_bytes);
	tcase_add_test(tc, nonce_matches_only_what_was_sent);
	tcase_add_test(tc, reply_names_as_iputils_prints_them);
	tcase_add_test(tc, reply_addresses_codes_and_qtypes);
	tcase_add_test(tc, short_or_foreign_messages_are_refused);
	tcase_add_test(tc, reply_answers_one_by_one);
	suite_add_tcase(s, tc);
	return rt_test_run(s);
}
