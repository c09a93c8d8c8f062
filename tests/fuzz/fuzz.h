/* What the fuzz targets share: the selector byte that picks a variant. */
#ifndef RTPING_FUZZ_H
#define RTPING_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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

#endif
