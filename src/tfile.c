/*
 * Destination lists: the line splitter and parser (pure) and the source
 * that walks the operands, then the file. Lines are read into a buffer of
 * RT_TLINE_MAX bytes; a longer line is reported and ends its input.
 */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/stat.h>

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

static FILE *open_file(struct rt_tfile *s, const char *path, const char **why)
{
	struct stat st;
	FILE *f;

	if (!strcmp(path, "-"))
		return stdin;
	f = fopen(path, "re");
	/* A directory opens, and fails only when read (as EISDIR, which stdio loses). */
	if (f && fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
		fclose(f);
		f = NULL;
		errno = EISDIR;
	}
	if (!f)
		*why = path;
	return f;
}

int rt_tfile_open(struct rt_tfile *s, char **args, int nargs, const char *file,
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
static void use_input(struct rt_tfile *s, FILE *f, const char *path)
{
	struct stat st;

	s->in = f;
	s->in_name = f == stdin ? "stdin" : path;
	s->line = 0;
	s->have = s->drop = 0;
	s->eof = false;
	s->regular = fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode);
}

long rt_tfile_split(const char *buf, size_t len, bool eof, size_t *used)
{
	const char *nl = memchr(buf, '\n', len < RT_TLINE_MAX + 1 ? len : RT_TLINE_MAX + 1);

	*used = 0;
	if (nl) {
		*used = (size_t)(nl - buf) + 1;
		return (long)(nl - buf);
	}
	if (len > RT_TLINE_MAX)
		return -E2BIG;
	if (!eof)
		return -EAGAIN;
	if (!len)
		return -ENODATA;
	*used = len;
	return (long)len;
}

/*
 * Appends to s->buf up to a newline, the end of input or a full buffer:
 * getc() hands over what stdin has without waiting for more, so a name
 * typed is read as soon as its line ends.
 */
static void fill(struct rt_tfile *s)
{
	int c;

	while (s->have < sizeof(s->buf)) {
		if ((c = getc_unlocked(s->in)) == EOF) {
			s->eof = true;
			return;
		}
		s->buf[s->have++] = (char)c;
		if (c == '\n')
			return;
	}
}

/*
 * One entry from s->in: 1 with the result in *name or *why, 0 at its end,
 * -E2BIG for a line past RT_TLINE_MAX (the rest of the input is not read).
 */
static int read_line(struct rt_tfile *s, const char **name, const char **why)
{
	size_t used;
	long len;
	char *n;

	for (;;) {
		/* The last line handed out stays in place until the next call. */
		memmove(s->buf, s->buf + s->drop, s->have - s->drop);
		s->have -= s->drop;
		s->drop = 0;
		len = rt_tfile_split(s->buf, s->have, s->eof, &used);
		if (len == -EAGAIN) {
			fill(s);
			continue;
		}
		if (len == -ENODATA)
			return 0;
		s->line++;
		if (len < 0)
			return *why = "too long", (int)len;
		s->drop = used;
		/* buf has a byte past the longest line: room for the name's NUL. */
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
}

static void close_input(struct rt_tfile *s)
{
	if (s->in && s->in != stdin)
		fclose(s->in);
	s->in = NULL;
}

int rt_tfile_next(struct rt_tfile *s, const char **name, const char **why)
{
	int rc;

	*name = NULL;
	*why = NULL;
	for (;;) {
		if (s->in) {
			rc = read_line(s, name, why);
			if (rc == -E2BIG) {
				/* A bad line, and the end of its input: what follows may never end. */
				close_input(s);
				return 1;
			}
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

bool rt_tfile_would_wait(const struct rt_tfile *s)
{
	struct pollfd p;

	if (s->in && s->have > s->drop &&
	    (s->eof || memchr(s->buf + s->drop, '\n', s->have - s->drop)))
		return false;   /* a line is read already */
	if (s->in && !s->eof) {
		if (s->regular)
			return false;
		p = (struct pollfd){ .fd = fileno(s->in), .events = POLLIN };
		return poll(&p, 1, 0) != 1;
	}
	/* This input is done: next, an operand or the file (or stdin, which may wait). */
	if (s->next < s->nargs)
		return !strcmp(s->args[s->next], "-");
	return s->file_in != NULL;
}

void rt_tfile_close(struct rt_tfile *s)
{
	close_input(s);
	if (s->file_in && s->file_in != stdin)
		fclose(s->file_in);
	s->file_in = NULL;
}
