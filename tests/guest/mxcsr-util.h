/*
 * mxcsr-util.h — the MXCSR and double bit-pattern helpers the fp-mxcsr-*
 * guest programs share.
 */
#ifndef MXCSR_UTIL_H
#define MXCSR_UTIL_H

#include <stdint.h>
#include <string.h>

static inline uint32_t get_mx(void)
{
    uint32_t v;
    __asm__ volatile("stmxcsr %0" : "=m"(v));
    return v;
}

static inline void set_mx(uint32_t v)
{
    __asm__ volatile("ldmxcsr %0" : : "m"(v));
}

static inline uint64_t bits(double d)
{
    uint64_t u;
    memcpy(&u, &d, 8);
    return u;
}

#endif
