/*
 * Destination lists: the line parser (pure) and the source that walks the
 * operands, then the file. Lines are read into a buffer one name long; a
 * longer line is consumed to its end and reported once.
 */
#include <errno.h>
#include <string.h>

#include "rtping/tfile.h"

static bool blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

enum rt_tline rt_tfile_line(char *line, size_t len, char **name, const char **why)
{
	char *p, *end, *hash = memchr(line, '#', len);

	if (hash)
		len = (size_t)(hash - line);
	if (memchr(line, '\0', len))
		return *why = "NUL byte in the line", RT_TLINE_BAD;
	p = line;
	end = line + len;
	while (p < end && blank(*p))
		p++;
	while (end > p && blank(end[-1]))
		end--;
	if (p == end)
		return RT_TLINE_SKIP;
	for (char *c = p; c < end; c++) {
		if (blank(*c))
			return *why = "more than one name on the line", RT_TLINE_BAD;
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			return *why = "control character in the name", RT_TLINE_BAD;
	}
	if ((size_t)(end - p) >= RT_TNAME_MAX)
		return *why = "name too long", RT_TLINE_BAD;
	*end = '\0';
	*name = p;
	return RT_TLINE_NAME;
}

static FILE *open_file(struct rt_tsrc *s, const char *path, const char **why)
{
	FILE *f;

	if (!strcmp(path, "-"))
		return stdin;
	f = fopen(path, "re");
	if (!f)
		*why = path;
	return f;
}

int rt_tsrc_init(struct rt_tsrc *s, char **args, int nargs, const char *file,
		 bool stdin_if_empty, const char **why)
{
	memset(s, 0, sizeof(*s));
	s->args = args;
	s->nargs = nargs;
	s->file = file;
	if (!file && !nargs && stdin_if_empty)
		file = "-";
	if (!file)
		return 0;
	/* Opened now, so a missing file is bad input before anything is done. */
	s->file_in = open_file(s, file, why);
	return s->file_in ? 0 : -errno;
}

/* Reads f from now on: its lines replace the list until they end. */
static void use_input(struct rt_tsrc *s, FILE *f, const char *path)
{
	s->in = f;
	s->in_name = f == stdin ? "stdin" : path;
	s->line = 0;
}

/*
 * One raw line into s->buf: its length, the newline dropped; a line longer
 * than the buffer is consumed to its end and its length reported as
 * sizeof(buf) + 1. -1 at the end of input.
 */
static long raw_line(struct rt_tsrc *s)
{
	size_t n = 0;
	bool any = false;
	int c;

	while ((c = getc_unlocked(s->in)) != EOF) {
		any = true;
		if (c == '\n')
			break;
		if (n < sizeof(s->buf))
			s->buf[n] = (char)c;
		n += n <= sizeof(s->buf);
	}
	return any ? (long)n : -1;
}

/* One entry from s->in: 1 with the result in *name or *why, 0 at its end. */
static int read_line(struct rt_tsrc *s, const char **name, const char **why)
{
	long len;
	char *n;

	while ((len = raw_line(s)) >= 0) {
		s->line++;
		/* Past the buffer is fine inside a comment only. */
		if ((size_t)len >= sizeof(s->buf) && !memchr(s->buf, '#', sizeof(s->buf)))
			return *why = "name too long", 1;
		if ((size_t)len > sizeof(s->buf))
			len = sizeof(s->buf);
		switch (rt_tfile_line(s->buf, (size_t)len, &n, why)) {
		case RT_TLINE_SKIP:
			continue;
		case RT_TLINE_NAME:
			*name = n;
			return 1;
		case RT_TLINE_BAD:
			return 1;
		}
	}
	return 0;
}

static void close_input(struct rt_tsrc *s)
{
	if (s->in && s->in != stdin)
		fclose(s->in);
	s->in = NULL;
}

int rt_tsrc_next(struct rt_tsrc *s, const char **name, const char **why)
{
	int rc;

	*name = NULL;
	*why = NULL;
	for (;;) {
		if (s->in) {
			rc = read_line(s, name, why);
			if (rc)
				return rc;
			rc = ferror(s->in) ? -EIO : 0;
			if (rc)
				*why = s->in_name;
			close_input(s);
			if (rc)
				return rc;
			continue;
		}
		s->line = 0;
		if (s->next < s->nargs) {
			const char *a = s->args[s->next++];

			if (!strcmp(a, "-")) {
				use_input(s, stdin, a);
				continue;
			}
			if (!*a)
				*why = "empty name";
			else if (strlen(a) >= RT_TNAME_MAX)
				*why = "name too long";
			else
				*name = a;
			return 1;
		}
		if (s->file_in) {
			use_input(s, s->file_in, s->file);
			s->file_in = NULL;
			continue;
		}
		return 0;
	}
}

void rt_tsrc_close(struct rt_tsrc *s)
{
	close_input(s);
	if (s->file_in && s->file_in != stdin)
		fclose(s->file_in);
	s->file_in = NULL;
}
