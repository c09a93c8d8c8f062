/*
 * JSON writing: string escaping (RFC 8259: every byte below 0x20, quote
 * and backslash), and addresses written the same way in every member.
 */
#include <string.h>

#include "rtping/addr.h"
#include "rtping/json.h"

void rt_json_str(FILE *f, const char *s)
{
	if (!s) {
		fputs("null", f);
		return;
	}
	fputc('"', f);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"': fputs("\\\"", f); break;
		case '\\': fputs("\\\\", f); break;
		case '\n': fputs("\\n", f); break;
		case '\r': fputs("\\r", f); break;
		case '\t': fputs("\\t", f); break;
		default:
			if (*p < 0x20 || *p == 0x7f)
				fprintf(f, "\\u%04x", *p);
			else
				fputc(*p, f);
		}
	}
	fputc('"', f);
}

void rt_json_kstr(FILE *f, const char *sep, const char *key, const char *val)
{
	fputs(sep, f);
	rt_json_str(f, key);
	fputs(": ", f);
	rt_json_str(f, val);
}

void rt_json_addr(FILE *f, const char *sep, const char *key, const struct rt_addr *a,
		  const char *dev)
{
	char s[RT_ADDRSTRLEN + 1 + 16];
	size_t n;

	if (!rt_addr_is_set(a)) {
		rt_json_kstr(f, sep, key, NULL);
		return;
	}
	rt_addr_str(a, s, sizeof(s));
	n = strlen(s);
	if (dev && *dev && rt_addr_needs_scope(a))
		snprintf(s + n, sizeof(s) - n, "%%%s", dev);
	rt_json_kstr(f, sep, key, s);
}
