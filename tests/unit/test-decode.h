/* tests/unit/test-decode.h — shared by the decoder unit tests. */
#ifndef TEST_DECODE_H
#define TEST_DECODE_H

#include <stdbool.h>

/* Cross-check x86_decode() against capstone on path's .text; prints a
 * summary and the first mismatches.  False if the file doesn't exist. */
bool xcheck_elf(const char *path, long *insns, long *bad);

/* Dev aid: both decoders on random instruction bytes, disagreements
 * printed (capstone 4 has prefix bugs, so this is not a test). */
void xcheck_random(long iters, unsigned seed);

/* Run every SSE/MMX/AVX/BMI register-form encoding natively (call in a
 * child process); returns how many the host executes but x86_decode()
 * rejects. */
int decode_host_sweep(void);

#endif
