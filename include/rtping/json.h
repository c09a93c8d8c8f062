/* Minimal JSON writing: escaped strings, so every object we print is valid. */
#ifndef RTPING_JSON_H
#define RTPING_JSON_H

#include <stdio.h>

/* Writes s as a JSON string literal (quotes included); NULL writes null. */
void rt_json_str(FILE *f, const char *s);
/* Writes "key": and the escaped value; sep is printed first (", " or ""). */
void rt_json_kstr(FILE *f, const char *sep, const char *key, const char *val);

#endif
