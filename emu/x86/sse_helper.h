/*
 * emu/x86/sse_helper.h — SSE/SSE2 (and MMX forms) lane operations.
 *
 * Every vector operation that is not a plain 64-bit move or logic op in IR
 * is a "vec op": a C function of the shape
 *
 *     uint64_t vop(env, d, a, b, imm)      d = op(a, b); returns a GPR/flags value
 *
 * where d and a point at register storage (XMM or, for MMX forms, a local
 * copy of an MMX register) and b at a local copy of the second source that
 * the IR already loaded (from a register or guest memory).  Legacy SSE
 * forms are d == a; VEX forms (issue 4) will pass a distinct a.  Vec ops
 * compute into a local and copy at the end, so d may alias a.
 *
 * The IR reaches them through one generic helper, helper_vec(env, fn, ctl,
 * b_lo, b_hi), with fn the vec op's address (a constant: function
 * addresses are stable for the life of the process) and ctl packing the
 * register numbers, the immediate and VF_* flags (VEC_CTL below).  Memory
 * sources are loaded by the IR before the call, so faults are precise and
 * happen before any state is written.
 *
 * Floating-point vec ops execute the very same instruction on the host
 * under the guest's MXCSR (rounding, FTZ, DAZ), with all exceptions masked
 * on the host; the raised flags are merged into the guest MXCSR.  Results
 * are therefore bit-exact with hardware, approximations (RCPPS, RSQRTPS)
 * included.  An exception that the guest left unmasked raises EXCP_MF
 * (SIGFPE with the kernel's si_code) without writing the destination; the
 * flags are then what hardware leaves: only the pre-computation ones
 * (IE/DE/ZE) if one of those is unmasked, and UE on tininess alone (and
 * no FTZ) when UM is unmasked.
 *
 * VEX forms (AVX/AVX2) go through helper_vex: d, a and b may all differ,
 * VF_256 selects 32-byte width, and the VX_* bits of its ctl word say
 * where b comes from (a register, two value arguments, or env->vtmp where
 * the IR stored a 32-byte memory operand), whether
 * the VEX.128 rule "bits 255:128 of the destination become zero" applies,
 * and whether a 128-bit-only vec op (the host-instruction FP ops) is run
 * once per 128-bit lane.
 */
#ifndef EMU_X86_SSE_HELPER_H
#define EMU_X86_SSE_HELPER_H

#include <stdint.h>
#include "emu/cpu.h"
#include "emu/tcg/tcg.h"

typedef uint64_t (*X86VecFn)(CPUX86State *env, X86YMMReg *d, const X86YMMReg *a,
                             const X86YMMReg *b, uint32_t imm);

/* Flags passed to vec ops in imm (above the imm8 in bits 0..7). */
#define VF_MMX      0x0100u  /* MMX width: 64-bit operation */
#define VF_W64      0x0200u  /* GPR operand is 64 bits (CVTSI2SD r64, CVTSD2SI r64...) */
#define VF_256      0x0400u  /* 256-bit operation (VEX.L=1, issue 4) */
#define VF_MMX_SRC  0x0800u  /* b came from an MMX register: enter MMX mode */
#define VF_MMX_DST  0x1000u  /* d and a are MMX registers (d written back) */
#define VF_BREG_MMX 0x2000u  /* b_lo is an MMX register number: b = its value */

/* ctl word of helper_vec: d register, a register, imm | VF_* flags. */
#define VEC_CTL(d, a, immf) ((uint64_t)(d) | ((uint64_t)(a) << 5) | ((uint64_t)(immf) << 10))

/* d = fn(a, b); b = {b_lo, b_hi}.  Returns fn's value. */
uint64_t helper_vec(CPUX86State *env, uint64_t fn, uint64_t ctl, uint64_t b_lo, uint64_t b_hi);
uint64_t helper_vec_ret(CPUX86State *env, uint64_t fn, uint64_t ctl, uint64_t b_lo, uint64_t b_hi);
extern const TCGHelperInfo helper_info_vec;      /* no result */
extern const TCGHelperInfo helper_info_vec_ret;  /* returns fn's value */

/*
 * VEX forms: d = fn(a, b) like helper_vec, with ctl = VEC_CTL(d, a, immf)
 * plus the VX_* bits below.  b is env->xmm[breg] (VX_BREG), env->vtmp
 * (VX_BTMP: the IR stored a 32-byte memory operand there) or {b_lo, b_hi}
 * with bytes 16..31 zero.
 * The destination is written only after fn returned (an FP exception or a
 * fault leaves it unchanged).
 */
#define VX_BREG_SHIFT 32
#define VX_BREG    (1ull << 37)  /* b = all of env->xmm[(ctl >> 32) & 15] */
#define VX_BTMP    (1ull << 38)  /* b = all of env->vtmp */
#define VX_ZUPPER  (1ull << 39)  /* VEX.128: zero bits 255:128 of d afterwards */
#define VX_LANES   (1ull << 40)  /* 256-bit op of a 128-bit-only fn: once per lane */
#define VX_WIDEN   (1ull << 41)  /* 256-bit result, lane i = fn(b.q[i]) (VCVTPS2PD y) */
#define VX_NARROW  (1ull << 42)  /* 128-bit result, d.q[i] = fn(b lane i).q[0] (VCVTPD2PS y) */
#define VX_NODEST  (1ull << 43)  /* no vector destination (flags/GPR result; PCMPxSTRM
                                  * writes XMM0 itself): d is not written back */
uint64_t helper_vex(CPUX86State *env, uint64_t fn, uint64_t ctl, uint64_t b_lo, uint64_t b_hi);
uint64_t helper_vex_ret(CPUX86State *env, uint64_t fn, uint64_t ctl, uint64_t b_lo, uint64_t b_hi);
extern const TCGHelperInfo helper_info_vex, helper_info_vex_ret;

/* #GP (SIGSEGV SI_KERNEL) for a misaligned 16-byte SSE memory operand. */
void helper_sse_misaligned(CPUX86State *env);
extern const TCGHelperInfo helper_info_sse_misaligned;

/* LDMXCSR: raise #GP if reserved bits are set, else load. */
void helper_ldmxcsr(CPUX86State *env, uint64_t val);
extern const TCGHelperInfo helper_info_ldmxcsr;

/* MASKMOVDQU / MASKMOVQ: store bytes of register data whose mask byte has
 * bit 7 set to [addr]. mmx: registers are MMX (wait first, enter MMX mode
 * after the stores). */
void helper_maskmov(CPUX86State *env, uint64_t data_reg, uint64_t mask_reg,
                    uint64_t addr, uint64_t mmx);
extern const TCGHelperInfo helper_info_maskmov;

/*
 * MMX state for the translator.  Order within an MMX instruction: wait
 * (pending x87 exception -> #MF), memory access, enter MMX mode (TOP = 0,
 * all tags valid) and write the result.  helper_mmx_wait: only the wait,
 * emitted before a memory operand is checked or accessed.
 * helper_mmx_enter: wait and enter (after an MMX store).
 * helper_mmx_read: wait, enter if enter != 0, return MMX register reg.
 * helper_mmx_write: wait, enter, MMX register reg = val.
 */
void helper_mmx_wait(CPUX86State *env);
void helper_mmx_enter(CPUX86State *env);
uint64_t helper_mmx_read(CPUX86State *env, uint64_t reg, uint64_t enter);
void helper_mmx_write(CPUX86State *env, uint64_t reg, uint64_t val);
void helper_emms(CPUX86State *env);
extern const TCGHelperInfo helper_info_mmx_wait, helper_info_mmx_enter;
extern const TCGHelperInfo helper_info_mmx_read, helper_info_mmx_write, helper_info_emms;

/* Default MXCSR after reset / FNINIT-like state. */
#define MXCSR_DEFAULT 0x1f80u
/* Bits LDMXCSR/FXRSTOR accept (MXCSR_MASK reported by FXSAVE). */
#define MXCSR_MASK    0xffffu

/* ---- vec ops (X86VecFn); grouped as the translator uses them ---- */
#define X86_VEC_OPS(X) \
    /* integer lane arithmetic */ \
    X(paddb) X(paddw) X(paddd) X(paddq) X(psubb) X(psubw) X(psubd) X(psubq) \
    X(paddsb) X(paddsw) X(paddusb) X(paddusw) X(psubsb) X(psubsw) X(psubusb) X(psubusw) \
    X(pmullw) X(pmulhw) X(pmulhuw) X(pmuludq) X(pmaddwd) X(psadbw) \
    X(pavgb) X(pavgw) X(pminub) X(pmaxub) X(pminsw) X(pmaxsw) \
    X(pcmpeqb) X(pcmpeqw) X(pcmpeqd) X(pcmpgtb) X(pcmpgtw) X(pcmpgtd) \
    X(pand) X(pandn) X(por) X(pxor) X(mov128) \
    /* shifts: count in b (imm forms pass the count as b) */ \
    X(psllw) X(pslld) X(psllq) X(psrlw) X(psrld) X(psrlq) X(psraw) X(psrad) \
    X(pslldq) X(psrldq) \
    /* packs, unpacks, shuffles, extract/insert, masks */ \
    X(packsswb) X(packssdw) X(packuswb) \
    X(punpcklbw) X(punpcklwd) X(punpckldq) X(punpcklqdq) \
    X(punpckhbw) X(punpckhwd) X(punpckhdq) X(punpckhqdq) \
    X(pshufd) X(pshufhw) X(pshuflw) X(pshufw) X(pextrw) X(pinsrw) X(pmovmskb) \
    X(shufps) X(shufpd) X(unpcklps) X(unpckhps) X(unpcklpd) X(unpckhpd) \
    X(movmskps) X(movmskpd) \
    /* floating point (host instruction under the guest MXCSR) */ \
    X(addps) X(addss) X(addpd) X(addsd) X(subps) X(subss) X(subpd) X(subsd) \
    X(mulps) X(mulss) X(mulpd) X(mulsd) X(divps) X(divss) X(divpd) X(divsd) \
    X(minps) X(minss) X(minpd) X(minsd) X(maxps) X(maxss) X(maxpd) X(maxsd) \
    X(sqrtps) X(sqrtss) X(sqrtpd) X(sqrtsd) X(rcpps) X(rcpss) X(rsqrtps) X(rsqrtss) \
    X(cmpps) X(cmpss) X(cmppd) X(cmpsd) \
    X(vcmpps) X(vcmpss) X(vcmppd) X(vcmpsd)  /* VEX: predicates 0..31 */ \
    X(comiss) X(ucomiss) X(comisd) X(ucomisd) \
    /* conversions */ \
    X(cvtsi2ss) X(cvtsi2sd) X(cvtss2si) X(cvttss2si) X(cvtsd2si) X(cvttsd2si) \
    X(cvtpi2ps) X(cvtps2pi) X(cvttps2pi) X(cvtpi2pd) X(cvtpd2pi) X(cvttpd2pi) \
    X(cvtpd2dq) X(cvttpd2dq) X(cvtdq2pd) X(cvtps2pd) X(cvtpd2ps) \
    X(cvtss2sd) X(cvtsd2ss) X(cvtdq2ps) X(cvtps2dq) X(cvttps2dq)

#define X(name) uint64_t vop_##name(CPUX86State *env, X86YMMReg *d, const X86YMMReg *a, \
                                    const X86YMMReg *b, uint32_t imm);
X86_VEC_OPS(X)
#undef X

#endif
