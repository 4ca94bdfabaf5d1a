/* tests/unit/test-decode.h — shared by the decoder unit tests. */
#ifndef TEST_DECODE_H
#define TEST_DECODE_H

#include <stdbool.h>

/* Cross-check x86_decode() against capstone on path's .text; prints a
 * summary and the first mismatches.  False if the file doesn't exist. */
bool xcheck_elf(const char *path, long *insns, long *bad);

#endif
