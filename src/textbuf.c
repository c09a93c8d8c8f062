/* Text built piece by piece in a fixed buffer (include/rtping/textbuf.h). */
#include <stdarg.h>
#include <stdio.h>

#include "rtping/textbuf.h"

void rt_text_put(char *buf, size_t len, size_t *at, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*at >= len)
		return;
	va_start(ap, fmt);
	n = vsnprintf(buf + *at, len - *at, fmt, ap);
	va_end(ap);
	if (n > 0)
		*at = *at + (size_t)n < len ? *at + (size_t)n : len - 1;
}
