/* IPv4 options (-R, -T): request bytes, and the RR:/TS: text of a reply. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rtping/ipopt.h"
#include "runner.h"

static char *text;
static size_t textlen;
static FILE *mem;
static struct rt_ipopt_rr rr;

static void setup(void)
{
	mem = open_memstream(&text, &textlen);
	memset(&rr, 0, sizeof(rr));
}

static void teardown(void)
{
	fclose(mem);
	free(text);
}

/* Prints opt and returns what was printed since the last call. */
static const char *print(const uint8_t *opt, size_t len)
{
	static char last[4096];

	fseek(mem, 0, SEEK_SET);
	rt_ipopt_print(mem, opt, len, &rr, NULL, NULL);
	fputc('\0', mem);
	fflush(mem);
	snprintf(last, sizeof(last), "%s", text);
	return last;
}

static const char *fake_name(void *ctx, const struct rt_addr *a, char *buf, size_t len)
{
	(*(int *)ctx)++;
	snprintf(buf, len, "hop%u (%u.%u.%u.%u)", a->u.raw[3], a->u.raw[0], a->u.raw[1],
		 a->u.raw[2], a->u.raw[3]);
	return buf;
}

START_TEST(build_record_route_as_iputils)
{
	uint8_t b[RT_IPOPT_MAX];
	static const uint8_t want[4] = { 1, 7, 39, 4 };

	ck_assert_uint_eq(rt_ipopt_build(RT_IPOPT_RR, NULL, 0, b), 40);
	ck_assert_mem_eq(b, want, 4);
	for (int i = 4; i < 40; i++)
		ck_assert_uint_eq(b[i], 0);
	ck_assert_uint_eq(rt_ipopt_build(RT_IPOPT_NONE, NULL, 0, b), 0);
}
END_TEST

START_TEST(build_timestamps_as_iputils)
{
	uint8_t b[RT_IPOPT_MAX];
	struct rt_addr hops[2];
	static const uint8_t tsonly[4] = { 68, 40, 5, 0 }, tsaddr[4] = { 68, 36, 5, 1 };
	static const uint8_t pre[20] = { 68, 20, 5, 3, 10, 0, 0, 1, 0, 0, 0, 0,
					 10, 0, 0, 2, 0, 0, 0, 0 };

	ck_assert_uint_eq(rt_ipopt_build(RT_IPOPT_TSONLY, NULL, 0, b), 40);
	ck_assert_mem_eq(b, tsonly, 4);
	ck_assert_uint_eq(rt_ipopt_build(RT_IPOPT_TSANDADDR, NULL, 0, b), 36);
	ck_assert_mem_eq(b, tsaddr, 4);
	ck_assert_int_eq(rt_addr_parse(&hops[0], AF_INET, "10.0.0.1"), 0);
	ck_assert_int_eq(rt_addr_parse(&hops[1], AF_INET, "10.0.0.2"), 0);
	ck_assert_uint_eq(rt_ipopt_build(RT_IPOPT_TSPRESPEC, hops, 2, b), 20);
	ck_assert_mem_eq(b, pre, 20);
	/* No hops: a bare 4-byte option, as iputils sends for one operand. */
	ck_assert_uint_eq(rt_ipopt_build(RT_IPOPT_TSPRESPEC, NULL, 0, b), 4);
}
END_TEST

/* The 40 option bytes of a loopback reply to ping-20250605 -R (tcpdump -xx). */
static const uint8_t rr3[40] = {
	0x07, 0x27, 0x10, 0x7f, 0, 0, 1, 0x7f, 0, 0, 1, 0x7f, 0, 0, 1,
};

START_TEST(record_route_then_same_route)
{
	uint8_t other[40];

	ck_assert_str_eq(print(rr3, sizeof(rr3)),
			 "\nRR: \t127.0.0.1\n\t127.0.0.1\n\t127.0.0.1\n");
	ck_assert_str_eq(print(rr3, sizeof(rr3)), "\t(same route)");
	/* One more hop recorded: a new route. */
	memcpy(other, rr3, sizeof(other));
	other[2] = 20;
	memcpy(other + 15, "\x0a\x00\x00\x07", 4);
	ck_assert_str_eq(print(other, sizeof(other)),
			 "\nRR: \t127.0.0.1\n\t127.0.0.1\n\t127.0.0.1\n\t10.0.0.7\n");
}
END_TEST

/*
 * iputils compares from the pointer byte, so it calls this "(same route)";
 * every recorded byte counts here (a deliberate difference, rtping(8)).
 */
START_TEST(same_route_compares_the_last_octet)
{
	uint8_t other[40];

	memcpy(other, rr3, sizeof(other));
	other[14] = 9;
	print(rr3, sizeof(rr3));
	ck_assert_str_eq(print(other, sizeof(other)),
			 "\nRR: \t127.0.0.1\n\t127.0.0.1\n\t127.0.0.9\n");
}
END_TEST

START_TEST(record_route_names_and_empty_slots)
{
	uint8_t o[15] = { 0x07, 15, 16, 10, 0, 0, 1, 0, 0, 0, 0, 10, 0, 0, 3 };
	int calls = 0;

	fseek(mem, 0, SEEK_SET);
	rt_ipopt_print(mem, o, sizeof(o), NULL, fake_name, &calls);
	fputc('\0', mem);
	fflush(mem);
	ck_assert_str_eq(text, "\nRR: \thop1 (10.0.0.1)\n\t0.0.0.0\n\thop3 (10.0.0.3)\n");
	ck_assert_int_eq(calls, 2);   /* 0.0.0.0 is never looked up */
}
END_TEST

/* A loopback reply to ping-20250605 -T tsandaddr: three address/stamp pairs. */
START_TEST(timestamps_with_addresses)
{
	static const uint8_t ts[40] = {
		0x44, 0x24, 0x1d, 0x01, 0x7f, 0, 0, 1, 0x03, 0x7e, 0x0a, 0xe2,
		0x7f, 0, 0, 1, 0x03, 0x7e, 0x0a, 0xe2, 0x7f, 0, 0, 1, 0x03, 0x7e, 0x0a, 0xe7,
	};

	ck_assert_str_eq(print(ts, sizeof(ts)),
			 "\nTS: \t127.0.0.1\t58591970 absolute\n"
			 "\t127.0.0.1\t0\n\t127.0.0.1\t5\n");
}
END_TEST

START_TEST(timestamps_only_nonstandard_and_overflow)
{
	/* tsonly, pointer after four stamps, overflow count 2 in the flags. */
	static const uint8_t ts[24] = {
		0x44, 24, 21, 0x20, 0, 0, 0, 100, 0, 0, 0, 90,
		0x80, 0, 0, 7, 0x80, 0, 0, 10,
	};

	ck_assert_str_eq(print(ts, sizeof(ts)),
			 "\nTS: \t100 absolute\n\t-10\n\t7 absolute not-standard\n"
			 "\t3 not-standard\nUnrecorded hops: 2\n");
}
END_TEST

START_TEST(nop_unknown_and_end_of_list)
{
	static const uint8_t o[12] = { 1, 1, 0x94, 4, 0, 0, 0, 0x07, 7, 4, 0, 0 };

	/* NOP, NOP, router alert (unknown to iputils), then EOL stops the walk. */
	ck_assert_str_eq(print(o, sizeof(o)), "\nNOP\nNOP\nunknown option 94");
	/* An RR whose pointer says nothing was recorded prints nothing. */
	ck_assert_str_eq(print(o + 7, 5), "");
}
END_TEST

START_TEST(loose_source_route)
{
	static const uint8_t o[11] = { 131, 11, 12, 10, 0, 0, 1, 10, 0, 0, 2 };

	ck_assert_str_eq(print(o, sizeof(o)), "\nLSRR: \t10.0.0.1\n\t10.0.0.2\n");
}
END_TEST

/* Forged lengths and pointers: never read past the option or the buffer. */
START_TEST(forged_pointers_stay_inside)
{
	/* RR pointer past the length: clamped to it (two addresses). */
	static const uint8_t rr_big[11] = { 7, 11, 200, 1, 2, 3, 4, 5, 6, 7, 8 };
	/* RR pointer not on a 4-byte boundary, option too short for a third. */
	static const uint8_t rr_odd[10] = { 7, 10, 10, 1, 1, 1, 1, 2, 2, 2 };
	/* TS with addresses whose pointer ends between an address and its stamp. */
	static const uint8_t ts_odd[12] = { 68, 12, 13, 1, 9, 9, 9, 9, 0, 0, 0, 5 };
	/* An option longer than what is left, and a type byte with no length. */
	static const uint8_t too_long[4] = { 7, 39, 4, 0 };
	static const uint8_t lone[1] = { 68 };

	ck_assert_str_eq(print(rr_big, sizeof(rr_big)), "\nRR: \t1.2.3.4\n\t5.6.7.8\n");
	ck_assert_str_eq(print(rr_odd, sizeof(rr_odd)), "\nRR: \t1.1.1.1\n");
	ck_assert_str_eq(print(ts_odd, sizeof(ts_odd)), "\nTS: \t9.9.9.9\t5 absolute\n");
	ck_assert_str_eq(print(too_long, sizeof(too_long)), "");
	ck_assert_str_eq(print(lone, sizeof(lone)), "");
	ck_assert_str_eq(print(rr3, 0), "");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("ipopt");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, build_record_route_as_iputils);
	tcase_add_test(tc, build_timestamps_as_iputils);
	tcase_add_test(tc, record_route_then_same_route);
	tcase_add_test(tc, same_route_compares_the_last_octet);
	tcase_add_test(tc, record_route_names_and_empty_slots);
	tcase_add_test(tc, timestamps_with_addresses);
	tcase_add_test(tc, timestamps_only_nonstandard_and_overflow);
	tcase_add_test(tc, nop_unknown_and_end_of_list);
	tcase_add_test(tc, loose_source_route);
	tcase_add_test(tc, forged_pointers_stay_inside);
	suite_add_tcase(s, tc);
	return rt_test_run(s);
}
