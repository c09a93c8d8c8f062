/*
 * Text built piece by piece in a fixed buffer: the rule selectors
 * (src/rules.c) and the return-path lines (src/rpath_out.c).
 */
#ifndef RTPING_TEXTBUF_H
#define RTPING_TEXTBUF_H

#include <stddef.h>

/*
 * Appends one formatted piece to buf[0, len) at *at, never past its end:
 * buf stays terminated, and *at stops at len - 1 when the text is cut
 * (so it is always the text's length). Pure.
 */
void rt_text_put(char *buf, size_t len, size_t *at, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

#endif
