/* Minimal JSON writing: escaped strings, so every object we print is valid. */
#ifndef RTPING_JSON_H
#define RTPING_JSON_H

#include <stdio.h>

struct rt_addr;

/* Writes s as a JSON string literal (quotes included); NULL writes null. */
void rt_json_str(FILE *f, const char *s);
/* Writes "key": and the escaped value; sep is printed first (", " or ""). */
void rt_json_kstr(FILE *f, const char *sep, const char *key, const char *val);
/*
 * Writes "key": and the address, or null when a is unset. An address that
 * needs a scope (IPv6 link-local or multicast) carries "%dev" when dev is
 * given, as getnameinfo() writes it, so one address reads the same in
 * every member.
 */
void rt_json_addr(FILE *f, const char *sep, const char *key, const struct rt_addr *a,
		  const char *dev);

#endif
