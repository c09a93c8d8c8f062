/*
 * Lists of destinations: operands, then a file or stdin, one name a line
 * with '#' comments. Read one line at a time into a fixed buffer, so a
 * long list (or an endless stdin) costs no memory, and each name is
 * handed out as soon as its line is complete. A line longer than the
 * buffer ends its input ("too long"): /dev/zero has no newline to wait for.
 */
#ifndef RTPING_TFILE_H
#define RTPING_TFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Longest name accepted: struct rt_dest's name buffer, NUL included. */
#define RT_TNAME_MAX 256
/*
 * Longest line read, newline not included, comment included: 4 KB holds a
 * name and any comment a person writes beside it, and bounds what an
 * endless line (--file /dev/zero) costs before it is reported.
 */
#define RT_TLINE_MAX 4096

enum rt_tline {
	RT_TLINE_SKIP,     /* blank or comment */
	RT_TLINE_NAME,     /* *name points into the line */
	RT_TLINE_BAD,      /* *why says what is wrong */
};

/*
 * Pure: one line (its newline, if any, included; len bytes, which may
 * hold NULs). '#' starts a comment; blanks around the name are dropped.
 * Modifies line: the name is NUL-terminated in place, so line must have
 * room for len + 1 bytes.
 */
enum rt_tline rt_tfile_line(char *line, size_t len, char **name, const char **why);

/*
 * Pure: where the first line of buf (len bytes, any bytes) ends. Returns
 * its length, newline not included, with *used the bytes it takes up
 * (newline included); at the end of input (eof) a last line needs no
 * newline. -EAGAIN: no newline yet and more may come; -E2BIG: the line
 * runs past RT_TLINE_MAX bytes; -ENODATA: eof and nothing left.
 */
long rt_tfile_split(const char *buf, size_t len, bool eof, size_t *used);

struct rt_tfile {
	char **args;            /* operands; "-" reads stdin there */
	int nargs, next;
	const char *file;       /* then this file ("-" stdin); NULL none */
	FILE *file_in;          /* opened at init, read after the operands */
	FILE *in;               /* the file being read */
	const char *in_name;    /* for messages: the path, or "stdin" */
	unsigned long line;     /* its line number, 0 for an operand */
	size_t have, drop;      /* bytes in buf; of them, the last line's */
	bool eof;               /* s->in has no more */
	bool regular;           /* s->in is a regular file: reading it never waits */
	char buf[RT_TLINE_MAX + 1];   /* a line and its newline */
};

/*
 * stdin_if_empty: no operand and no file reads stdin. The file is opened
 * here: 0, or -errno with *why its path.
 */
int rt_tfile_open(struct rt_tfile *s, char **args, int nargs, const char *file,
		 bool stdin_if_empty, const char **why);

/*
 * The next entry: 1 with *name (or with *why for a bad line or operand:
 * s->line says where, 0 for an operand), 0 at the end, -EIO when a file
 * cannot be read (*why then names it). A line past RT_TLINE_MAX is a bad
 * line ("too long") and the last one read from its file.
 */
int rt_tfile_next(struct rt_tfile *s, const char **name, const char **why);

/*
 * Might the next rt_tfile_next() wait for its input (a pipe or terminal
 * with nothing to read yet)? false for operands, files and a line already
 * buffered; true also when unsure (what stdio holds is not known here).
 */
bool rt_tfile_would_wait(const struct rt_tfile *s);

void rt_tfile_close(struct rt_tfile *s);

#endif
