/*
 * What the fuzz targets share: the selector byte that picks a variant, and
 * the exact-size heap copy a parser reads (a read past it is an ASan report).
 */
#ifndef RTPING_FUZZ_H
#define RTPING_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Takes the input's first byte as *sel; false when there is none. */
static inline bool fuzz_selector(const uint8_t **data, size_t *size, uint8_t *sel)
{
	if (*size < 1)
		return false;
	*sel = (*data)[0];
	(*data)++;
	(*size)--;
	return true;
}

/* size bytes of data in a heap block of that size (1 for none); NULL out of memory. */
static inline void *fuzz_copy(const uint8_t *data, size_t size)
{
	void *copy = malloc(size ? size : 1);

	if (copy)
		memcpy(copy, data, size);
	return copy;
}

#endif
