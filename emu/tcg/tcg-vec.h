/*
 * emu/tcg/tcg-vec.h — the `vec` IR op: a host vector instruction on
 * env-resident vector registers, with a helper call as its meaning.
 *
 *   vec env, fn, ctl, b_lo, b_hi ; c0 = desc, c1 = offsets, c2 = fallback
 *   vec_ret d, env, fn, ctl, b_lo, b_hi ; c0, c1, c2 as vec, d = its result
 *
 * Semantics (what the interpreter does, and every backend's slow path):
 * call c2->func(env, fn, ctl, b_lo, b_hi), a helper that reads and writes
 * env (vector registers, MXCSR) and may raise a guest exception.
 *
 * desc and offsets additionally describe one host SSE/AVX instruction that
 * does the same thing, for a backend that can run it natively:
 *   d = insn(a, b) on 16 (legacy, VEX.128) or 32 (VEX.256) bytes, with d,
 *   a and b the vector registers at the env byte offsets of `offsets`
 *   (legacy SSE forms have d == a), or b = {b_lo, b_hi} (a memory source
 *   the IR already loaded) when VEC_BREG is clear.  A VEX form writes all
 *   32 bytes of d (VEX.128 zeroes bits 255:128, as the host does); a legacy
 *   form writes the low 16, or only the low 8 or 4 (VEC_DW: a scalar
 *   instruction keeps the rest of d), reading VEC_BW bytes of a register b.
 *   vec_ret forms return a GPR (VEC_RGPR) or flags (VEC_FLAGS, VEC_STR)
 *   instead of writing d; the string compares also return ECX or write
 *   XMM0, and may read EAX/EDX (VEC_STR, VEC_ECX, VEC_LENS).
 *   VEC_FP: the instruction reads the MXCSR (rounding, DAZ, FTZ) and ORs
 *   exception flags into it; a native run is exact only while every
 *   exception is masked (the MXCSR at env offset `mx`), otherwise the
 *   backend must call the fallback, which raises #XM as hardware does.
 * The encoding fields are the guest's own (the guest and host ISAs are
 * the same): opcode byte, map, mandatory prefix, VEX.L/W, imm8, and for
 * the shift-by-immediate group forms the ModRM.reg extension.
 */
#ifndef EMU_TCG_VEC_H
#define EMU_TCG_VEC_H

#include <stdint.h>
#include "tcg.h"

/* Whether the backend runs vec ops natively: then the
 * front end lowers whole-register SSE moves and bitwise ops to vec ops too,
 * so that chains of vector code stay in host vector registers instead of
 * going through pairs of 64-bit IR values (set by the core from
 * TCGBackend.vec_native before the first translation). */
extern bool tcg_vec_ops_native;

/* desc (c0) */
#define VEC_OPC(x)      ((x) & 0xff)            /* opcode byte */
#define VEC_MAP_SHIFT   8                       /* 1 = 0F, 2 = 0F 38, 3 = 0F 3A */
#define VEC_PP_SHIFT    10                      /* 0 none, 1 = 66, 2 = F3, 3 = F2 */
#define VEC_VEX         (1u << 12)              /* VEX encoding */
#define VEC_L           (1u << 13)              /* VEX.L = 1 (256 bits) */
#define VEC_W           (1u << 14)              /* VEX.W = 1 */
#define VEC_IMM         (1u << 15)              /* an imm8 follows */
#define VEC_IMM_SHIFT   16                      /* the imm8 */
#define VEC_EXT_SHIFT   24                      /* ModRM.reg of a group form */
#define VEC_GROUP       (1u << 27)              /* shift-by-imm group form: legacy
                                                 * rm = d; VEX vvvv = d, rm = a */
#define VEC_FP          (1u << 28)              /* MXCSR-dependent (see above) */
#define VEC_BREG        (1u << 29)              /* b is the register at offset b */
#define VEC_A3          (1u << 30)              /* VEX: a distinct source in vvvv */
#define VEC_FEAT_SHIFT  32                      /* host feature needed (VEC_HF_*) */
#define VEC_FLAGS       (1ull << 40)            /* vec_ret: d is not written; the result
                                                 * is ZF|PF|CF of the host EFLAGS */
#define VEC_BGPR        (1ull << 41)            /* legacy: b is the GPR b_lo (ModRM.rm),
                                                 * VEC_W its REX.W (CVTSI2SS/SD) */
#define VEC_RGPR        (1ull << 42)            /* vec_ret: the result is the GPR of
                                                 * ModRM.reg, d not written (CVT*2SI) */
#define VEC_STR         (1ull << 43)            /* vec_ret of a string compare
                                                 * (PCMPxSTRx, a = reg, b = rm): the result
                                                 * is CF|ZF|SF|OF of the host EFLAGS, and
                                                 * without VEC_ECX the instruction's
                                                 * implicit XMM0 is stored at d (16 bytes) */
#define VEC_ECX         (1ull << 44)            /* VEC_STR: the instruction writes ECX; the
                                                 * result has it in bits 63:32 */
#define VEC_LENS        (1ull << 45)            /* VEC_STR: the instruction reads EAX/EDX
                                                 * (VEC_W: RAX/RDX), loaded from the env
                                                 * offsets of the mx field (VEC_LENS_OFFS) */
#define VEC_DNR         (1ull << 46)            /* legacy: the instruction does not read d
                                                 * (a whole-register move): its old value
                                                 * need not be loaded */
#define VEC_DW_SHIFT    36                      /* legacy: bytes of d read and written */
#define VEC_BW_SHIFT    38                      /* legacy: bytes of a register b read */
enum { VEC_W16, VEC_W8, VEC_W4 };               /* VEC_DW/VEC_BW codes */

enum {
    VEC_HF_SSE2, VEC_HF_SSE3, VEC_HF_SSSE3, VEC_HF_SSE41, VEC_HF_SSE42,
    VEC_HF_AVX, VEC_HF_AVX2, VEC_HF_NB,
};

#define VEC_MAP(d)   (((d) >> VEC_MAP_SHIFT) & 3)
#define VEC_PP(d)    (((d) >> VEC_PP_SHIFT) & 3)
#define VEC_IMM8(d)  ((uint8_t)((d) >> VEC_IMM_SHIFT))
#define VEC_EXT(d)   (((d) >> VEC_EXT_SHIFT) & 7)
#define VEC_FEAT(d)  ((unsigned)((d) >> VEC_FEAT_SHIFT) & 15)
#define VEC_DW(d)    ((unsigned)((d) >> VEC_DW_SHIFT) & 3)
#define VEC_BW(d)    ((unsigned)((d) >> VEC_BW_SHIFT) & 3)

/* offsets (c1): env byte offsets of d, a, b and the MXCSR word */
#define VEC_OFFS(d, a, b, mx) ((uint64_t)(d) | ((uint64_t)(a) << 16) | \
                               ((uint64_t)(b) << 32) | ((uint64_t)(mx) << 48))
#define VEC_OFF_D(o)  ((int32_t)((o) & 0xffff))
#define VEC_OFF_A(o)  ((int32_t)(((o) >> 16) & 0xffff))
#define VEC_OFF_B(o)  ((int32_t)(((o) >> 32) & 0xffff))
#define VEC_OFF_MX(o) ((int32_t)(((o) >> 48) & 0xffff))
/* VEC_LENS: the mx field holds the env byte offsets (< 256) of the two
 * length registers instead */
#define VEC_LENS_OFFS(ax, dx) ((uint64_t)(ax) | ((uint64_t)(dx) << 8))
#define VEC_OFF_LEN_AX(o) ((int32_t)(((o) >> 48) & 0xff))
#define VEC_OFF_LEN_DX(o) ((int32_t)(((o) >> 56) & 0xff))

/* Emit a vec op; fallback is a 5-argument helper without result (vec) or
 * with one (vec_ret, ret = its result). */
static inline void tcg_gen_vec(TCGv env, TCGv fn, TCGv ctl, TCGv b_lo, TCGv b_hi,
                               uint64_t desc, uint64_t offs, const TCGHelperInfo *fallback)
{
    tcg_emit_op(INDEX_op_vec, 8, (TCGArg)env, (TCGArg)fn, (TCGArg)ctl, (TCGArg)b_lo,
                (TCGArg)b_hi, (TCGArg)desc, (TCGArg)offs, (TCGArg)fallback);
}

static inline void tcg_gen_vec_ret(TCGv ret, TCGv env, TCGv fn, TCGv ctl, TCGv b_lo, TCGv b_hi,
                                   uint64_t desc, uint64_t offs, const TCGHelperInfo *fallback)
{
    tcg_emit_op(INDEX_op_vec_ret, 9, (TCGArg)ret, (TCGArg)env, (TCGArg)fn, (TCGArg)ctl,
                (TCGArg)b_lo, (TCGArg)b_hi, (TCGArg)desc, (TCGArg)offs, (TCGArg)fallback);
}

#endif
