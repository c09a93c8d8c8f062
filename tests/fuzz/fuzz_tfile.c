/*
 * libFuzzer target: destination lists (src/tfile.c), whatever a user feeds
 * on stdin or in a file: NUL bytes, CR, invalid UTF-8, lines past the
 * bound. The input is split with rt_tfile_split() over an exact-size heap
 * copy, each line parsed by rt_tfile_line() in a heap copy of its length
 * plus the one byte the parser may write; then the same bytes go through
 * the reader (rt_tfile_next() on an in-memory file), which must hand out
 * the same entries with the same line numbers. Invariants: lines within
 * RT_TLINE_MAX, the line count consistent with the newlines, names inside
 * their line, shorter than RT_TNAME_MAX, free of blanks, controls and '#'.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rtping/tfile.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_ENTRIES 512

struct entry {
	unsigned long line;
	char text[RT_TNAME_MAX + 8];   /* the name, or "!" and the reason */
};

static void check_name(const char *line, size_t len, const char *name)
{
	size_t n = strlen(name);

	if (name < line || name + n > line + len || !n || n >= RT_TNAME_MAX)
		abort();
	for (const char *c = name; *c; c++)
		if ((unsigned char)*c <= ' ' || *c == 0x7f || *c == '#')
			abort();
}

/* The entries by splitting the whole buffer; -1 when a line is too long. */
static int by_split(const uint8_t *buf, size_t size, struct entry *e, size_t *ne)
{
	size_t off = 0, used, newlines = 0, want = 0;
	unsigned long line = 0;
	long len;

	*ne = 0;
	while ((len = rt_tfile_split((const char *)buf + off, size - off, true, &used)) >= 0) {
		char *copy, *name = NULL;
		const char *why = NULL;
		enum rt_tline r;

		line++;
		if (len > RT_TLINE_MAX || !used || used > size - off || (size_t)len > used ||
		    memchr(buf + off, '\n', (size_t)len) ||
		    (used == (size_t)len + 1) != (off + (size_t)len < size && buf[off + len] == '\n'))
			abort();
		newlines += used == (size_t)len + 1;
		copy = malloc((size_t)len + 1);
		if (!copy)
			abort();
		memcpy(copy, buf + off, (size_t)len);
		r = rt_tfile_line(copy, (size_t)len, &name, &why);
		if (r == RT_TLINE_NAME) {
			check_name(copy, (size_t)len, name);
		} else if (r == RT_TLINE_BAD && (!why || !*why)) {
			abort();
		}
		if (r != RT_TLINE_SKIP && *ne < MAX_ENTRIES) {
			e[*ne].line = line;
			snprintf(e[*ne].text, sizeof(e->text), "%s%s", r == RT_TLINE_NAME ? "" : "!",
				 r == RT_TLINE_NAME ? name : why);
			++*ne;
		}
		free(copy);
		off += used;
	}
	if (len == -ENODATA) {
		/* One line a newline, and one more for bytes after the last. */
		for (size_t i = 0; i < size; i++)
			want += buf[i] == '\n';
		if (off != size || newlines != want || line != want + (size && buf[size - 1] != '\n'))
			abort();
		return 0;
	}
	if (len != -E2BIG || size - off <= RT_TLINE_MAX || memchr(buf + off, '\n', RT_TLINE_MAX + 1))
		abort();
	if (*ne < MAX_ENTRIES) {
		e[*ne].line = line + 1;
		snprintf(e[*ne].text, sizeof(e->text), "!too long");
		++*ne;
	}
	return -1;
}

/* The same through the reader, from an in-memory file. */
static void by_reader(uint8_t *buf, size_t size, const struct entry *e, size_t ne)
{
	struct rt_tfile *s = malloc(sizeof(*s));
	const char *name, *why;
	size_t i = 0;
	int rc;

	if (!s)
		abort();
	if (rt_tfile_open(s, NULL, 0, NULL, false, &why))
		abort();
	s->file = "fuzz";
	s->file_in = fmemopen(buf, size, "r");
	if (!s->file_in) {
		free(s);
		return;
	}
	while ((rc = rt_tfile_next(s, &name, &why)) > 0 && i < ne) {
		char text[sizeof(e->text)];

		snprintf(text, sizeof(text), "%s%s", name ? "" : "!", name ? name : why);
		if (s->line != e[i].line || strcmp(text, e[i].text))
			abort();
		i++;
	}
	if (rc < 0 || (ne < MAX_ENTRIES && (i != ne || rc != 0)))
		abort();
	rt_tfile_close(s);
	free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct entry e[MAX_ENTRIES];
	uint8_t *copy;
	size_t ne;

	copy = fuzz_copy(data, size);
	if (!copy)
		return 0;
	by_split(copy, size, e, &ne);
	if (size)
		by_reader(copy, size, e, ne);
	free(copy);
	return 0;
}
