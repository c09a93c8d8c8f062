/*
 * JSON writing: string escaping (RFC 8259: every byte below 0x20, quote
 * and backslash; UTF-8 only), and addresses written the same way in every
 * member.
 */
#include <stdint.h>
#include <string.h>

#include "rtping/addr.h"
#include "rtping/json.h"

/* The length of the valid UTF-8 sequence at p (RFC 3629: shortest form, no surrogates), else 0. */
static size_t utf8_len(const unsigned char *p)
{
	unsigned c = p[0];
	size_t n = c >= 0xf0 && c <= 0xf4 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 && c <= 0xdf ? 2 : 0;
	uint32_t cp;

	if (c >= 0xf5 || !n)
		return 0;
	cp = c & (0x7f >> n);
	for (size_t i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	if ((n == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (n == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	return n;
}

/*
 * JSON is UTF-8 (RFC 8259): a name or a line that is not (another
 * locale's bytes, a hostile list) has each bad byte written as U+FFFD;
 * control characters, C1 ones too, as \u escapes.
 */
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
			if (*p < 0x20 || *p == 0x7f) {
				fprintf(f, "\\u%04x", *p);
			} else if (*p < 0x80) {
				fputc(*p, f);
			} else {
				size_t n = utf8_len(p);

				if (!n)
					fputs("\\ufffd", f);
				else if (n == 2 && p[0] == 0xc2 && p[1] < 0xa0)
					fprintf(f, "\\u%04x", p[1]);   /* C1 control */
				else
					fwrite(p, 1, n, f);
				p += n ? n - 1 : 0;
			}
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
