/* JSON string escaping (RFC 8259): every byte below 0x20, quote and backslash. */
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
