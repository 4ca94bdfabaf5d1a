/*
 * tests/harness/x86-random.h — edge values and random initial states for
 * the x86 unit tests (tests/harness/x86-random.c).
 */
#ifndef TESTS_HARNESS_X86_RANDOM_H
#define TESTS_HARNESS_X86_RANDOM_H

#include "x86-state.h"

/* Edge values: ±0, ±1, quiet/signalling NaNs, infinities, denormals,
 * extremes, values that round differently per mode, conversion limits. */
extern const uint32_t hx_f32_edge[];
extern const uint64_t hx_f64_edge[];
extern const uint64_t hx_f80_edge[][2];   /* {mantissa, sign|exponent} */
extern const int16_t hx_int16_edge[];
extern const size_t hx_n_f32_edge, hx_n_f64_edge, hx_n_f80_edge, hx_n_int16_edge;

/* 16 bytes of vector data: singles, doubles or words from the tables, or
 * random bits. */
void hx_fill16_edge(uint64_t *rng, uint8_t *x);

/* An integer near the edges of some operand size (where flags change),
 * or random bits. */
uint64_t hx_interesting(uint64_t *rng);

/* Integer tests: GPRs near the edges of each size (sometimes rcx = rax),
 * rsp, random arithmetic flags, random data and stack areas of layout l
 * (the qword below rsp holding the code address), default FP state. */
void hx_random_int_state(uint64_t *rng, HxState *st, const HxLayout *l, uint64_t rsp);

/* x87/SSE tests: GPRs, rsp, rsi = the data area, random flags; x87 RC/PC
 * and a partly filled stack, MXCSR modes (FTZ, DAZ, unmasked exceptions),
 * XMM and the data area from the tables (floats at 0, doubles at 0x100,
 * long doubles at 0x200 with a 16-byte stride, random bytes at 0x400,
 * small integers at 0x800), a random stack area. */
void hx_random_fp_state(uint64_t *rng, HxState *st, const HxLayout *l, uint64_t rsp);

#endif
