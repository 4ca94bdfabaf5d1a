/*
 * emu/x86/avx_helper.h — helpers of the VEX-only instructions of AVX, AVX2,
 * FMA3 and F16C (tr-avx.c), and the XSAVE/XRSTOR state images.
 *
 * Most instructions go through one generic helper:
 *
 *     helper_avx(env, fn, ctl, addr)      ymm[d] = fn(...), see AvxFn
 *
 * ctl (AVX_CTL) names the destination, the VEX.vvvv register, the r/m
 * register, the is4 register, the imm8, the memory operand size and AF_*
 * flags.  If AF_MEM is set the r/m operand is msize bytes of guest memory
 * at addr: the helper reads it completely before computing, and writes
 * the destination only after the operation can no longer fault, so faults
 * and SIMD exceptions are precise.  The destination is written 256 bits
 * wide: a 128-bit (VEX.L = 0) result has bits 255:128 zeroed, as every
 * VEX-encoded instruction does.
 *
 * Floating-point work (FMA, F16C) runs the host's own instruction under
 * the guest MXCSR, as sse_helper.c does for SSE, so results, NaN
 * propagation and flags are those of the hardware.  Host features assumed
 * here: FMA3, with a software fallback where the host lacks it (fma()/
 * fmaf() from libm under the guest rounding mode, DAZ/FTZ, tininess and
 * NaN rules applied explicitly; see fma_helper.c), and F16C, without one
 * (VCVTPH2PS/VCVTPS2PH are #UD on a host without F16C).  MXCSR flags with
 * exceptions unmasked: simd_exc.h.
 */
#ifndef EMU_X86_AVX_HELPER_H
#define EMU_X86_AVX_HELPER_H

#include <stdbool.h>
#include <stdint.h>
#include "emu/cpu.h"
#include "emu/tcg/tcg.h"

/* r = result (256 bits, zeroed by the caller), v = VEX.vvvv register,
 * w = r/m operand (register or the loaded memory, zero-padded to 256
 * bits), d = the destination's old value, x = the is4 register (or
 * unused), ctl = the AVX_CTL word.  Returns a value for helper_avx_ret
 * (VTESTPS/PD: the arithmetic flags). */
typedef uint64_t (*AvxFn)(CPUX86State *env, X86YMMReg *r, const X86YMMReg *v,
                          const X86YMMReg *w, const X86YMMReg *d, const X86YMMReg *x,
                          uint64_t ctl);

/* Define or declare the helper op avx_NAME. */
#define AVXOP(name) uint64_t avx_##name(CPUX86State *env, X86YMMReg *r, const X86YMMReg *v, \
                                        const X86YMMReg *w, const X86YMMReg *d,             \
                                        const X86YMMReg *x, uint64_t ctl)

#define AF_L       (1ull << 32)  /* VEX.L = 1: 256-bit operation */
#define AF_MEM     (1ull << 33)  /* r/m is memory at addr */
#define AF_NOWRITE (1ull << 34)  /* no destination (VTEST) */

/* ctl: d 0..3, v 4..7, rm 8..11, is4 12..15, imm8 16..23, msize 24..29, AF_* */
#define AVX_CTL(d, v, rm, x, imm, msize) \
    ((uint64_t)(d) | ((uint64_t)(v) << 4) | ((uint64_t)(rm) << 8) | ((uint64_t)(x) << 12) | \
     ((uint64_t)((imm) & 0xff) << 16) | ((uint64_t)(msize) << 24))
#define AVX_D(c)     ((unsigned)(c) & 15)
#define AVX_V(c)     ((unsigned)((c) >> 4) & 15)
#define AVX_RM(c)    ((unsigned)((c) >> 8) & 15)
#define AVX_X(c)     ((unsigned)((c) >> 12) & 15)
#define AVX_IMM(c)   ((unsigned)((c) >> 16) & 0xff)
#define AVX_MSIZE(c) ((unsigned)((c) >> 24) & 63)

/*
 * The integer and move ops that the JIT may run as their own host
 * instruction (tr-avx.c, A_VEC lines) are vec IR ops (emu/tcg/tcg-vec.h),
 * whose meaning is helper_vex (sse_helper.h) with these X86VecFn adapters:
 * d = op(a = VEX.vvvv, b = r/m), imm = imm8 | VF_256.  The broadcasts
 * carry their element size in the name.
 */
#define AVX_VEC_OPS(X) \
    X(broadcast1) X(broadcast2) X(broadcast4) X(broadcast8) \
    X(permd) X(permq) X(perm2x128) X(insert128) X(pblendd) \
    X(psllvd) X(psllvq) X(psrlvd) X(psrlvq) X(psravd)
#define X(name) uint64_t vop_avx_##name(CPUX86State *env, X86YMMReg *d, const X86YMMReg *a, \
                                        const X86YMMReg *b, uint32_t imm);
AVX_VEC_OPS(X)
#undef X

uint64_t helper_avx(CPUX86State *env, uint64_t fn, uint64_t ctl, uint64_t addr);
uint64_t helper_avx_ret(CPUX86State *env, uint64_t fn, uint64_t ctl, uint64_t addr);
extern const TCGHelperInfo helper_info_avx, helper_info_avx_ret;

/* VMASKMOVPS/PD, VPMASKMOVD/Q.  esize 4 or 8 in ctl's imm field.
 * Load: ymm[d] = elements at addr whose mask (ymm[v]) sign bit is set,
 * others 0; masked-off elements are never accessed.  Store: the selected
 * elements of ymm[rm] to addr; nothing is written if one of them faults. */
void helper_avx_maskload(CPUX86State *env, uint64_t ctl, uint64_t addr);
void helper_avx_maskstore(CPUX86State *env, uint64_t ctl, uint64_t addr);
extern const TCGHelperInfo helper_info_avx_maskload, helper_info_avx_maskstore;

/* Gathers.  ctl: d = destination, v = mask, rm = index register, imm =
 * AVX_G_* kind | scale << 4, AF_L, AF_A32 (0x67).  base = base register +
 * displacement, seg = FS/GS base or 0.  Elements complete in order; on a
 * fault the completed ones are in d with their mask elements cleared. */
#define AVX_G_IDX64 0x1   /* qword indices (else dword) */
#define AVX_G_EL64  0x2   /* qword elements (else dword) */
#define AF_A32     (1ull << 36)
void helper_avx_gather(CPUX86State *env, uint64_t ctl, uint64_t base, uint64_t seg);
extern const TCGHelperInfo helper_info_avx_gather;

/* VCVTPS2PH to memory: msize bytes of half floats of ymm[rm] to addr. */
void helper_avx_cvtps2ph_st(CPUX86State *env, uint64_t ctl, uint64_t addr);
extern const TCGHelperInfo helper_info_avx_cvtps2ph_st;

/* XSAVE/XSAVEOPT and XRSTOR at addr with requested-feature bitmap
 * EDX:EAX (rfbm), rexw = the REX.W (64-bit FIP/FDP) form.  #GP if addr is
 * not 64-byte aligned, and for XRSTOR on a bad header or MXCSR. */
void helper_xsave(CPUX86State *env, uint64_t addr, uint64_t rexw);
void helper_xrstor(CPUX86State *env, uint64_t addr, uint64_t rexw);
extern const TCGHelperInfo helper_info_xsave, helper_info_xrstor;

/* XSAVE area layout (standard format) as CPUID leaf 0xD reports it. */
#define XSAVE_HDR_OFF   512
#define XSAVE_AVX_OFF   576
#define XSAVE_AVX_SIZE  256
#define XSAVE_SIZE_AVX  (XSAVE_AVX_OFF + XSAVE_AVX_SIZE)   /* 832 */

/*
 * Standard-format XSAVE image of env for the components in rfbm (masked
 * here with XCR0, x86_cpu_xcr0()) into img (XSAVE_SIZE_AVX bytes): only those components'
 * bytes and XSTATE_BV's bits in rfbm are written (the rest of img is left
 * alone).  A component in its initial configuration gets XSTATE_BV = 0.
 * For linux-user signal frames as well as XSAVE.
 */
void x86_xsave_image(CPUX86State *env, uint8_t *img, uint64_t rfbm, bool rexw);
/* Load env from img for rfbm (masked with XCR0): components whose XSTATE_BV
 * bit is clear are set to their initial state.  Returns false (env
 * unchanged) for a header or MXCSR XRSTOR rejects with #GP. */
bool x86_xrstor_image(CPUX86State *env, const uint8_t *img, uint64_t rfbm, bool rexw);

/* Tests: use the software FMA path even where the host has FMA. */
void avx_helper_force_soft_fma(bool on);

#endif
