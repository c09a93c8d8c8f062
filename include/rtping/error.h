/*
 * The one error convention: functions return 0 or -errno (or a small
 * negative enum where errno does not fit). Where a person needs a message,
 * the failing step fills one struct rt_error; only the edge (main, or the
 * command that owns the output) prints it, once, as "rtping: <msg>".
 */
#ifndef RTPING_ERROR_H
#define RTPING_ERROR_H

#include <stdbool.h>
#include <stddef.h>

struct rt_error {
	int code;                /* -errno, or a negative enum value; 0 none */
	char msg[384];           /* "<what>: <why>" or "<why>", iputils' words where they exist */
	bool subject;            /* msg is about the input the caller names: print "<input>: <msg>" */
};

/* Fills e (when not NULL) from a printf format; returns code for "return rt_error_set(...)". */
int rt_error_set(struct rt_error *e, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* "<what>: strerror(-code)", the common shape; what may be NULL. */
int rt_error_errno(struct rt_error *e, int code, const char *what);

#endif
