/*
 * emu/x86/simd_exc.h — SIMD floating-point exceptions (MXCSR flags and
 * #XM) around host instructions, for the AVX helpers (FMA, F16C).
 *
 * The helpers run the guest's instruction on the host under the guest's
 * rounding, DAZ and FTZ with every exception masked, then turn the
 * host's flags into what hardware with the guest's masks reports:
 *
 * - UE: with UM unmasked, underflow is signalled on tininess alone (the
 *   masked host only when the tiny result is also inexact), so a nonzero
 *   denormal result adds UE.
 * - PE: with OM or UM unmasked, an element that overflows or underflows
 *   does not deliver a result; its PE says whether the result rounded to
 *   the destination's precision with an unbounded exponent is inexact,
 *   not whether the masked response (infinity, denormal) was.  The
 *   callers recompute those elements' flags and ask the exact tests
 *   below.
 * - an unmasked pre-computation exception (IE, DE, ZE) stops the
 *   instruction before its result exists: post-computation flags are
 *   dropped.
 *
 * An unmasked flag raises #XM (EXCP_MF, SIGFPE with the kernel's
 * si_code) before the destination is written.
 */
#ifndef EMU_X86_SIMD_EXC_H
#define EMU_X86_SIMD_EXC_H

#include <stdbool.h>
#include <stdint.h>
#include "emu/cpu.h"

/* MXCSR flag bits */
#define MX_IE 0x01u
#define MX_DE 0x02u
#define MX_ZE 0x04u
#define MX_OE 0x08u
#define MX_UE 0x10u
#define MX_PE 0x20u

static inline uint32_t simd_host_stmxcsr(void)
{
    uint32_t v;
    __asm__ volatile("stmxcsr %0" : "=m"(v));
    return v;
}

static inline void simd_host_ldmxcsr(uint32_t v)
{
    __asm__ volatile("ldmxcsr %0" : : "m"(v));
}

/* The guest's unmasked exceptions (MX_* bits). */
static inline uint32_t simd_unmasked(const CPUX86State *env)
{
    return ~((uint32_t)env->mxcsr >> 7) & 0x3f;
}

/* Switch the host to the guest's rounding, DAZ and (while UM is masked)
 * FTZ, every exception masked, no flags.  Returns the host MXCSR to
 * restore. */
uint32_t simd_fp_enter(CPUX86State *env);

/* The host's flags since simd_fp_enter (or the last simd_host_ldmxcsr of
 * a flag-less mode), plus UE if UM is unmasked and one of the n bytes of
 * results at res (elements of esize 2, 4 or 8 bytes; res may be NULL) is
 * a nonzero denormal. */
uint32_t simd_fp_flags(CPUX86State *env, const void *res, unsigned n, unsigned esize);

/* Restore the host MXCSR old, merge flags into the guest MXCSR and raise
 * #XM for an unmasked one (pre-computation ones first). */
void simd_fp_commit(CPUX86State *env, uint32_t old, uint32_t flags);

/* True if the element of esize bytes at p is a nonzero denormal. */
bool simd_is_denormal(const void *p, unsigned esize);

/* Bit pattern x (f64: double, else single) with DAZ applied: a denormal
 * becomes a zero of its sign. */
uint64_t simd_daz(uint64_t x, bool f64);

/*
 * Whether a*b+c of finite singles/doubles (neg_p negates the product,
 * neg_c the addend), computed exactly and rounded to 24/53 bits with an
 * unbounded exponent, is inexact.  Exact integer arithmetic: no host
 * rounding is involved, so the rounding mode does not matter.
 */
bool simd_fma_inexact(uint64_t a, uint64_t b, uint64_t c, bool f64, bool neg_p, bool neg_c);

/* Whether the finite single f has more significant bits than a half
 * (11): its conversion with an unbounded exponent is inexact. */
bool simd_f16_inexact(uint32_t f);

#endif
