/* The error struct's two fillers (include/rtping/error.h). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "rtping/error.h"

int rt_error_set(struct rt_error *e, int code, const char *fmt, ...)
{
	va_list ap;

	if (!e)
		return code;
	e->code = code;
	e->subject = false;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	return code;
}

int rt_error_errno(struct rt_error *e, int code, const char *what)
{
	if (what)
		return rt_error_set(e, code, "%s: %s", what, strerror(-code));
	return rt_error_set(e, code, "%s", strerror(-code));
}
