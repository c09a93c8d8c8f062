/* Destination lists (line parser) and the audit's counters and summary. */
#include <check.h>
#include <errno.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/fib_rules.h>

#include "rtping/audit.h"
#include "rtping/exitcodes.h"
#include "rtping/tfile.h"
#include "runner.h"

/* line(text): the parser's verdict on a copy, name or reason in out. */
static enum rt_tline line(const char *text, size_t len, char *out)
{
	char buf[512], *name = NULL;
	const char *why = NULL;
	enum rt_tline r;

	memcpy(buf, text, len);
	r = rt_tfile_line(buf, len, &name, &why);
	snprintf(out, 300, "%s", r == RT_TLINE_NAME ? name : r == RT_TLINE_BAD ? why : "");
	return r;
}

START_TEST(tfile_names_comments_and_blanks)
{
	char out[300];

	ck_assert_int_eq(line("host.example\n", 13, out), RT_TLINE_NAME);
	ck_assert_str_eq(out, "host.example");
	ck_assert_int_eq(line("  10.0.0.1 \t# the router\r\n", 26, out), RT_TLINE_NAME);
	ck_assert_str_eq(out, "10.0.0.1");
	ck_assert_int_eq(line("fe80::1%eth0", 12, out), RT_TLINE_NAME);
	ck_assert_str_eq(out, "fe80::1%eth0");
	ck_assert_int_eq(line("# only a comment\n", 17, out), RT_TLINE_SKIP);
	ck_assert_int_eq(line("   \t\r\n", 6, out), RT_TLINE_SKIP);
	ck_assert_int_eq(line("", 0, out), RT_TLINE_SKIP);
}
END_TEST

START_TEST(tfile_malformed_lines_say_why)
{
	char out[300], longname[300];

	ck_assert_int_eq(line("a b\n", 4, out), RT_TLINE_BAD);
	ck_assert_str_eq(out, "more than one name on the line");
	ck_assert_int_eq(line("a\0b\n", 4, out), RT_TLINE_BAD);
	ck_assert_str_eq(out, "NUL byte in the line");
	ck_assert_int_eq(line("a\x1b[2Jb", 6, out), RT_TLINE_BAD);
	ck_assert_str_eq(out, "control character in the name");
	memset(longname, 'a', RT_TNAME_MAX);
	ck_assert_int_eq(line(longname, RT_TNAME_MAX, out), RT_TLINE_BAD);
	ck_assert_str_eq(out, "name too long");
	ck_assert_int_eq(line(longname, RT_TNAME_MAX - 1, out), RT_TLINE_NAME);
	/* A NUL inside a comment is no one's business. */
	ck_assert_int_eq(line("a # x\0y", 7, out), RT_TLINE_NAME);
}
END_TEST

/* The source: operands in order, "-" and the file read where they stand, line numbers. */
START_TEST(tsrc_operands_then_file_with_line_numbers)
{
	char path[] = "/tmp/rtping-tsrc-XXXXXX";
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w");
	char *args[] = { "a", "", "b" };
	struct rt_tfile s;
	const char *name, *why;
	char got[512] = "";

	ck_assert_ptr_nonnull(f);
	fputs("# list\nc\n\nd e\nf", f);   /* no newline at the end */
	fclose(f);
	ck_assert_int_eq(rt_tfile_open(&s, args, 3, path, true, &why), 0);
	while (rt_tfile_next(&s, &name, &why) > 0) {
		char one[64];

		snprintf(one, sizeof(one), "%s@%lu ", name ? name : why, s.line);
		strcat(got, one);
	}
	rt_tfile_close(&s);
	unlink(path);
	ck_assert_str_eq(got, "a@0 empty name@0 b@0 c@2 more than one name on the line@4 f@5 ");
	ck_assert_int_eq(rt_tfile_open(&s, NULL, 0, path, true, &why), -ENOENT);
	ck_assert_str_eq(why, path);
}
END_TEST

/* The audit's window ends when the next entry may wait: an idle pipe, not a file or operand. */
START_TEST(tsrc_waits_only_for_an_idle_pipe)
{
	char *args[] = { "a", "b" };
	char path[64], rpath[] = "/tmp/rtping-twait-XXXXXX";
	int p[2], fd = mkstemp(rpath);
	struct rt_tfile s;
	const char *name, *why;

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, "r1\nr2\n", 6), 6);
	close(fd);
	ck_assert_int_eq(rt_tfile_open(&s, args, 2, rpath, true, &why), 0);
	ck_assert(!rt_tfile_would_wait(&s));           /* operands first */
	ck_assert_int_eq(rt_tfile_next(&s, &name, &why), 1);
	ck_assert(!rt_tfile_would_wait(&s));
	ck_assert_int_eq(rt_tfile_next(&s, &name, &why), 1);
	ck_assert(rt_tfile_would_wait(&s));            /* the file next: not known here */
	ck_assert_int_eq(rt_tfile_next(&s, &name, &why), 1);
	ck_assert_str_eq(name, "r1");
	ck_assert(!rt_tfile_would_wait(&s));           /* a regular file never waits */
	rt_tfile_close(&s);
	unlink(rpath);

	ck_assert_int_eq(pipe(p), 0);
	snprintf(path, sizeof(path), "/dev/fd/%d", p[0]);
	ck_assert_int_eq(rt_tfile_open(&s, NULL, 0, path, true, &why), 0);
	ck_assert_int_eq(write(p[1], "x\n", 2), 2);
	ck_assert_int_eq(rt_tfile_next(&s, &name, &why), 1);
	ck_assert_str_eq(name, "x");
	ck_assert(rt_tfile_would_wait(&s));            /* nothing in the pipe */
	ck_assert_int_eq(write(p[1], "y\n", 2), 2);
	ck_assert(!rt_tfile_would_wait(&s));
	ck_assert_int_eq(rt_tfile_next(&s, &name, &why), 1);
	ck_assert_str_eq(name, "y");
	close(p[1]);
	ck_assert(!rt_tfile_would_wait(&s));           /* the end is no wait */
	ck_assert_int_eq(rt_tfile_next(&s, &name, &why), 0);
	rt_tfile_close(&s);
	close(p[0]);
}
END_TEST

START_TEST(tfile_split_finds_lines_within_the_bound)
{
	static char big[RT_TLINE_MAX + 2];
	size_t used;

	ck_assert_int_eq(rt_tfile_split("a\nb", 3, false, &used), 1);
	ck_assert_uint_eq(used, 2);
	ck_assert_int_eq(rt_tfile_split("b", 1, false, &used), -EAGAIN);
	ck_assert_int_eq(rt_tfile_split("b", 1, true, &used), 1);
	ck_assert_uint_eq(used, 1);
	ck_assert_int_eq(rt_tfile_split("", 0, true, &used), -ENODATA);
	memset(big, 'x', sizeof(big));
	big[RT_TLINE_MAX] = '\n';
	ck_assert_int_eq(rt_tfile_split(big, RT_TLINE_MAX + 1, false, &used), RT_TLINE_MAX);
	ck_assert_uint_eq(used, RT_TLINE_MAX + 1);
	ck_assert_int_eq(rt_tfile_split(big, RT_TLINE_MAX, false, &used), -EAGAIN);
	ck_assert_int_eq(rt_tfile_split(big, RT_TLINE_MAX, true, &used), RT_TLINE_MAX);
	big[RT_TLINE_MAX] = 'x';
	ck_assert_int_eq(rt_tfile_split(big, RT_TLINE_MAX + 1, false, &used), -E2BIG);
	ck_assert_int_eq(rt_tfile_split(big, RT_TLINE_MAX + 2, true, &used), -E2BIG);
}
END_TEST

/* tsrc(text): the entries read from a file holding text, as "name@line ". */
static void tsrc(const char *text, size_t len, char *got, size_t cap)
{
	char path[] = "/tmp/rtping-tsrc-XXXXXX";
	int fd = mkstemp(path);
	const char *name, *why;
	struct rt_tfile *s = malloc(sizeof(*s));
	size_t n = 0;

	ck_assert_ptr_nonnull(s);
	ck_assert_int_eq(write(fd, text, len), (ssize_t)len);
	close(fd);
	ck_assert_int_eq(rt_tfile_open(s, NULL, 0, path, false, &why), 0);
	got[0] = '\0';
	while (rt_tfile_next(s, &name, &why) > 0 && n < cap)
		n += (size_t)snprintf(got + n, cap - n, "%s@%lu ", name ? name : why, s->line);
	rt_tfile_close(s);
	free(s);
	unlink(path);
}

/* --file /dev/zero spun at 100 % CPU: a line had no bound but its newline. */
START_TEST(tsrc_endless_line_is_too_long_and_ends_its_input)
{
	static char text[3 * RT_TLINE_MAX];
	char got[256];
	size_t n;

	n = (size_t)sprintf(text, "a\n");
	memset(text + n, '#', RT_TLINE_MAX);   /* a comment of the longest line */
	n += RT_TLINE_MAX;
	n += (size_t)sprintf(text + n, "\nb\n");
	memset(text + n, ' ', RT_TLINE_MAX + 1);
	n += RT_TLINE_MAX + 1;
	n += (size_t)sprintf(text + n, "\nc\n");
	tsrc(text, n, got, sizeof(got));
	ck_assert_str_eq(got, "a@1 b@3 too long@4 ");
	/* The longest last line, no newline: its name ends in the spare byte. */
	memset(text, ' ', RT_TLINE_MAX);
	text[RT_TLINE_MAX - 1] = 'z';
	tsrc(text, RT_TLINE_MAX, got, sizeof(got));
	ck_assert_str_eq(got, "z@1 ");
}
END_TEST

static struct rt_reason reason(uint32_t pref, const char *sel)
{
	struct rt_reason r = { .pref = pref, .table = 100, .action = FR_ACT_TO_TBL,
			       .udp_matches = true };

	snprintf(r.selector, sizeof(r.selector), "%s", sel);
	return r;
}

static char *summary(const struct rt_audit *a, bool json)
{
	static char buf[2048];
	FILE *f = fmemopen(buf, sizeof(buf), "w");

	rt_audit_summary(f, a, json);
	fclose(f);
	return buf;
}

START_TEST(audit_counts_and_exit_codes)
{
	struct rt_audit a = { 0 };
	struct rt_reason r[2] = { reason(200, "dport 1025"), reason(100, "ipproto udp") };

	ck_assert_int_eq(rt_audit_exit(&a), RT_EXIT_OK);
	rt_audit_count(&a, RT_VERDICT_AGREE, AF_INET, NULL, 0);
	ck_assert_int_eq(rt_audit_exit(&a), RT_EXIT_OK);
	rt_audit_count(&a, RT_VERDICT_DIFFER, AF_INET, r, 2);
	rt_audit_count(&a, RT_VERDICT_DIFFER, AF_INET, &r[1], 1);
	rt_audit_count(&a, RT_VERDICT_DIFFER, AF_INET6, &r[1], 1);
	ck_assert_int_eq(rt_audit_exit(&a), RT_EXIT_NOREPLY);
	/* Same rule, same family: one counter; another family: its own. */
	ck_assert_uint_eq(a.nrules, 3);
	rt_audit_count(&a, RT_VERDICT_ERROR, 0, NULL, 0);
	ck_assert_int_eq(rt_audit_exit(&a), RT_EXIT_ERROR);
	ck_assert_str_eq(summary(&a, true),
		"{\"type\": \"audit_summary\", \"total\": 5, \"agree\": 1, \"differ\": 3, "
		"\"errors\": 1, \"return_dropped\": 0, \"rules\": [{\"pref\": 100, \"rule\": \"ipproto udp\", "
		"\"table\": 100, \"family\": \"inet\", \"count\": 2}, {\"pref\": 200, \"rule\": "
		"\"dport 1025\", \"table\": 100, \"family\": \"inet\", \"count\": 1}, "
		"{\"pref\": 100, \"rule\": \"ipproto udp\", \"table\": 100, \"family\": \"inet6\", "
		"\"count\": 1}]}\n");
	ck_assert_str_eq(summary(&a, false),
		"\n--- audit: 5 destinations, 1 agree, 3 differ, 1 error ---\n"
		"2 differ by rule pref 100 ipproto udp \u2192 table 100 (inet)\n"
		"1 differ by rule pref 200 dport 1025 \u2192 table 100 (inet)\n"
		"1 differ by rule pref 100 ipproto udp \u2192 table 100 (inet6)\n");
	rt_audit_free(&a);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("audit");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, tfile_names_comments_and_blanks);
	tcase_add_test(tc, tfile_malformed_lines_say_why);
	tcase_add_test(tc, tsrc_operands_then_file_with_line_numbers);
	tcase_add_test(tc, tsrc_waits_only_for_an_idle_pipe);
	tcase_add_test(tc, tfile_split_finds_lines_within_the_bound);
	tcase_add_test(tc, tsrc_endless_line_is_too_long_and_ends_its_input);
	tcase_add_test(tc, audit_counts_and_exit_codes);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return rt_test_run(suite());
}
