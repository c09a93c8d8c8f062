/*
 * libFuzzer target: node information replies (RFC 4620) through
 * rt_ni_parse() and rt_ni_format(): names (DNS wire format, compression
 * pointers), addresses, codes. Byte 0 picks the output size; the rest is
 * the ICMPv6 message, in an exact-size heap copy, and the output buffer is
 * exact-size too. Invariants: a reply is parsed iff it has a header and
 * type 140, its data is the rest of the buffer; the text is terminated
 * inside its buffer, a prefix of the untruncated text, which ends with
 * the nonce's "; seq=N;"; each answer rt_ni_answers() gives (JSON's)
 * is in the untruncated text; a pointer loop ends (a hang is a libFuzzer
 * timeout).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rtping/nodeinfo.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The text to compare with; a pile of compression pointers may still fill it. */
#define FULL (1 << 20)

/* An answer the text does not hold, when the text was not cut short. */
static void in_text(void *ctx, const char *answer)
{
	const char *full = ctx;

	if (strlen(full) < FULL - 1 && !strstr(full, answer))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char full[FULL];
	struct rt_ni_reply r;
	char seq[32], *out;
	uint8_t *copy;
	size_t cap, flen;
	int rc;

	if (size < 1)
		return 0;
	cap = data[0];
	data++;
	size--;
	copy = fuzz_copy(data, size);
	if (!copy)
		return 0;
	rc = rt_ni_parse(copy, size, &r);
	if ((rc == 0) != (size >= RT_NI_HDR_LEN && copy[0] == RT_NI_REPLY))
		abort();
	if (rc) {
		free(copy);
		return 0;
	}
	if (r.data != copy + RT_NI_HDR_LEN || r.data_len != size - RT_NI_HDR_LEN ||
	    r.code != copy[1] || memcmp(r.nonce, copy + 8, RT_NI_NONCE_LEN))
		abort();
	rt_ni_format(&r, full, sizeof(full));
	flen = strnlen(full, sizeof(full));
	snprintf(seq, sizeof(seq), "; seq=%u;", (unsigned)(copy[8] << 8 | copy[9]));
	if (flen >= sizeof(full))
		abort();
	if (flen < sizeof(full) - 1 &&
	    (flen < strlen(seq) || strcmp(full + flen - strlen(seq), seq)))
		abort();
	rt_ni_answers(&r, in_text, full);
	out = malloc(cap ? cap : 1);
	if (out) {
		out[0] = 'x';
		rt_ni_format(&r, out, cap);
		if (cap && (strnlen(out, cap) == cap || strncmp(out, full, strlen(out))))
			abort();
		if (!cap && out[0] != 'x')
			abort();
		free(out);
	}
	free(copy);
	return 0;
}
