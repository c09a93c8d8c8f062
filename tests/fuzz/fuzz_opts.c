/*
 * libFuzzer target: the command line. The input is split at NUL bytes into
 * at most 32 arguments after "rtping"; the first byte chooses privileged
 * or user limits. A success must leave a consistent struct.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rtping/error.h"
#include "rtping/family.h"
#include "rtping/opts.h"

#define MAX_ARGS 32

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *argv[MAX_ARGS + 2];
	char *buf, *p, *end;
	struct rt_error e;
	struct rt_opts o;
	int argc = 1, rc;
	bool privileged;

	if (size < 1)
		return 0;
	privileged = data[0] & 1;
	buf = malloc(size);   /* size - 1 bytes plus a final NUL */
	if (!buf)
		return 0;
	memcpy(buf, data + 1, size - 1);
	buf[size - 1] = '\0';
	argv[0] = "rtping";
	for (p = buf, end = buf + size - 1; p <= end && argc <= MAX_ARGS; p += strlen(p) + 1)
		argv[argc++] = p;
	argv[argc] = NULL;
	rc = rt_opts_parse(&o, argc, argv, privileged, &e);
	if (rc == 0 && o.mode != RT_MODE_HELP && o.mode != RT_MODE_VERSION &&
	    o.mode != RT_MODE_NI_HELP) {
		/* Invariants any caller relies on. */
		/* An audit or --file may read every destination from a file or stdin. */
		if ((!o.dest && !o.audit && !o.file) || o.ndests < 0 || (o.ndests && !o.dests) ||
		    o.pattern_len > RT_PATTERN_MAX || o.count < 0 || o.preload < 1 ||
		    o.interval_ns < 0 || o.timeout_ns < 0 || o.size < 0 || o.ttl > 255 ||
		    memchr(o.iface, '\0', sizeof(o.iface)) == NULL)
			abort();
		rt_opts_check_family(&o, &rt_inet, NULL, &e);
		rt_opts_check_family(&o, &rt_inet6, NULL, &e);
	} else if (rc < 0 && (!e.msg[0] || strchr(e.msg, '\n'))) {
		abort();      /* every error is exactly one line of text */
	}
	free(buf);
	return 0;
}
