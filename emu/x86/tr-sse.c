/*
 * emu/x86/tr-sse.c — SSE/SSE2 and MMX instructions.
 *
 * Moves and bitwise logic on XMM registers are inline IR on the 64-bit
 * halves cpu_xmm[r][0..1].  Everything else goes through the generic vec
 * helper (sse_helper.h): the translator loads the second source (a
 * register's halves, or 4/8/16 bytes of guest memory — before any state
 * is written, so faults are precise) and passes the vec op's address, the
 * register numbers and the immediate.  One table line per instruction
 * (SSE_VEC_OPS below) gives the vec op, the memory operand size of the XMM
 * form and a few flags; the MMX forms (no 66 prefix, MMX operands) reuse
 * the same vec ops at 64-bit width.
 *
 * Alignment: legacy SSE 16-byte memory operands must be 16-byte aligned
 * (#GP -> SIGSEGV) except MOVUPS/MOVUPD/MOVDQU/LDDQU and MASKMOVDQU; MMX,
 * scalar and 8-byte operands have no requirement.
 *
 * VEX forms (V<MNEMONIC>, AVX/AVX2) of every line here and in sse4-ops.h
 * are translated by gen_vex from the same line: see "VEX forms" below and
 * in docs/cpu-model.md.
 */
#include <glib.h>

#include "translate.h"
#include "sse_helper.h"
#include "sse4-ops.h"
#include "cpu-model.h"
#include "emu/tcg/tcg-vec.h"

static inline TCGv env_arg(void)
{
    return tcg_ctx()->env;
}

/* ---- the generic vec op table ---- */

/* Flags of a table line. */
#define G_RET      0x01  /* result is a GPR value into ops[0] */
#define G_FLAGS    0x02  /* result is ZF/PF/CF (COMIS/UCOMIS) */
#define G_W        0x04  /* REX.W makes the GPR operand 64-bit (VF_W64) */
#define G_IMMCTL   0x08  /* an imm8 in ops[1] is the op's immediate (PSLLDQ) */
#define G_NOALIGN  0x10  /* 16-byte memory operand needs no alignment */
#define G_CVT      0x20  /* conversion: msize is exact for MMX forms too */
#define G_MMX_M32  0x40  /* MMX form's memory operand is 32 bits (PUNPCKL*) */
#define G_FP       0x80  /* 128-bit only vec op (host FP instruction): the VEX
                            256-bit form runs it once per 128-bit lane */

/*
 * X(MNEMONIC, vec op, memory size of the XMM form, flags)  semantics
 */
#define SSE_VEC_OPS(X) \
    X(PADDB, paddb, 16, 0)             /* d.b[i] += s.b[i] */ \
    X(PADDW, paddw, 16, 0)             /* d.w[i] += s.w[i] */ \
    X(PADDD, paddd, 16, 0)             /* d.l[i] += s.l[i] */ \
    X(PADDQ, paddq, 16, 0)             /* d.q[i] += s.q[i] */ \
    X(PSUBB, psubb, 16, 0)             /* d.b[i] -= s.b[i] */ \
    X(PSUBW, psubw, 16, 0)             /* d.w[i] -= s.w[i] */ \
    X(PSUBD, psubd, 16, 0)             /* d.l[i] -= s.l[i] */ \
    X(PSUBQ, psubq, 16, 0)             /* d.q[i] -= s.q[i] */ \
    X(PADDSB, paddsb, 16, 0)           /* signed saturating byte add */ \
    X(PADDSW, paddsw, 16, 0)           /* signed saturating word add */ \
    X(PADDUSB, paddusb, 16, 0)         /* unsigned saturating byte add */ \
    X(PADDUSW, paddusw, 16, 0)         /* unsigned saturating word add */ \
    X(PSUBSB, psubsb, 16, 0)           /* signed saturating byte sub */ \
    X(PSUBSW, psubsw, 16, 0)           /* signed saturating word sub */ \
    X(PSUBUSB, psubusb, 16, 0)         /* unsigned saturating byte sub */ \
    X(PSUBUSW, psubusw, 16, 0)         /* unsigned saturating word sub */ \
    X(PMULLW, pmullw, 16, 0)           /* low 16 bits of word products */ \
    X(PMULHW, pmulhw, 16, 0)           /* high 16 bits, signed */ \
    X(PMULHUW, pmulhuw, 16, 0)         /* high 16 bits, unsigned */ \
    X(PMULUDQ, pmuludq, 16, 0)         /* d.q[i] = d.l[2i] * s.l[2i] */ \
    X(PMADDWD, pmaddwd, 16, 0)         /* d.l[i] = sum of two word products */ \
    X(PSADBW, psadbw, 16, 0)           /* sum of |byte differences| per qword */ \
    X(PAVGB, pavgb, 16, 0)             /* rounded unsigned byte average */ \
    X(PAVGW, pavgw, 16, 0)             /* rounded unsigned word average */ \
    X(PMINUB, pminub, 16, 0)           /* unsigned byte minimum */ \
    X(PMAXUB, pmaxub, 16, 0)           /* unsigned byte maximum */ \
    X(PMINSW, pminsw, 16, 0)           /* signed word minimum */ \
    X(PMAXSW, pmaxsw, 16, 0)           /* signed word maximum */ \
    X(PCMPEQB, pcmpeqb, 16, 0)         /* bytes equal ? ff : 0 */ \
    X(PCMPEQW, pcmpeqw, 16, 0)         /* words equal ? ffff : 0 */ \
    X(PCMPEQD, pcmpeqd, 16, 0)         /* dwords equal ? -1 : 0 */ \
    X(PCMPGTB, pcmpgtb, 16, 0)         /* signed bytes d > s ? ff : 0 */ \
    X(PCMPGTW, pcmpgtw, 16, 0)         /* signed words d > s */ \
    X(PCMPGTD, pcmpgtd, 16, 0)         /* signed dwords d > s */ \
    X(PSLLW, psllw, 16, 0)             /* words << count (xmm/m128 or imm8) */ \
    X(PSLLD, pslld, 16, 0)             /* dwords << count */ \
    X(PSLLQ, psllq, 16, 0)             /* qwords << count */ \
    X(PSRLW, psrlw, 16, 0)             /* words >> count, logical */ \
    X(PSRLD, psrld, 16, 0)             /* dwords >> count, logical */ \
    X(PSRLQ, psrlq, 16, 0)             /* qwords >> count, logical */ \
    X(PSRAW, psraw, 16, 0)             /* words >> count, arithmetic */ \
    X(PSRAD, psrad, 16, 0)             /* dwords >> count, arithmetic */ \
    X(PSLLDQ, pslldq, 16, G_IMMCTL)    /* whole register << imm8 bytes */ \
    X(PSRLDQ, psrldq, 16, G_IMMCTL)    /* whole register >> imm8 bytes */ \
    X(PACKSSWB, packsswb, 16, 0)       /* words -> signed-saturated bytes (d, s) */ \
    X(PACKSSDW, packssdw, 16, 0)       /* dwords -> signed-saturated words */ \
    X(PACKUSWB, packuswb, 16, 0)       /* words -> unsigned-saturated bytes */ \
    X(PUNPCKLBW, punpcklbw, 16, G_MMX_M32) /* interleave low bytes of d, s */ \
    X(PUNPCKLWD, punpcklwd, 16, G_MMX_M32) /* interleave low words */ \
    X(PUNPCKLDQ, punpckldq, 16, G_MMX_M32) /* interleave low dwords */ \
    X(PUNPCKLQDQ, punpcklqdq, 16, 0)   /* d = {d.q[0], s.q[0]} */ \
    X(PUNPCKHBW, punpckhbw, 16, 0)     /* interleave high bytes */ \
    X(PUNPCKHWD, punpckhwd, 16, 0)     /* interleave high words */ \
    X(PUNPCKHDQ, punpckhdq, 16, 0)     /* interleave high dwords */ \
    X(PUNPCKHQDQ, punpckhqdq, 16, 0)   /* d = {d.q[1], s.q[1]} */ \
    X(PSHUFD, pshufd, 16, 0)           /* d.l[i] = s.l[imm field i] */ \
    X(PSHUFHW, pshufhw, 16, 0)         /* high words of s shuffled by imm */ \
    X(PSHUFLW, pshuflw, 16, 0)         /* low words of s shuffled by imm */ \
    X(PSHUFW, pshufw, 8, 0)            /* mm: words of s shuffled by imm */ \
    X(PEXTRW, pextrw, 16, G_RET)       /* r32 = s.w[imm] */ \
    X(PINSRW, pinsrw, 2, 0)            /* d.w[imm] = r32/m16 */ \
    X(PMOVMSKB, pmovmskb, 16, G_RET)   /* r32 = sign bits of s's bytes */ \
    X(SHUFPS, shufps, 16, 0)           /* d = {d.l[i0], d.l[i1], s.l[i2], s.l[i3]} */ \
    X(SHUFPD, shufpd, 16, 0)           /* d = {d.q[i0], s.q[i1]} */ \
    X(UNPCKLPS, unpcklps, 16, 0)       /* interleave low floats */ \
    X(UNPCKHPS, unpckhps, 16, 0)       /* interleave high floats */ \
    X(UNPCKLPD, unpcklpd, 16, 0)       /* d = {d.q[0], s.q[0]} */ \
    X(UNPCKHPD, unpckhpd, 16, 0)       /* d = {d.q[1], s.q[1]} */ \
    X(MOVMSKPS, movmskps, 16, G_RET)   /* r32 = sign bits of 4 floats */ \
    X(MOVMSKPD, movmskpd, 16, G_RET)   /* r32 = sign bits of 2 doubles */ \
    X(ADDPS, addps, 16, G_FP)          /* d += s, 4 floats */ \
    X(ADDSS, addss, 4, 0)              /* d.s[0] += s.s[0] */ \
    X(ADDPD, addpd, 16, G_FP)          /* d += s, 2 doubles */ \
    X(ADDSD, addsd, 8, 0)              /* d.d[0] += s.d[0] */ \
    X(SUBPS, subps, 16, G_FP)          /* d -= s */ \
    X(SUBSS, subss, 4, 0) \
    X(SUBPD, subpd, 16, G_FP) \
    X(SUBSD, subsd, 8, 0) \
    X(MULPS, mulps, 16, G_FP)          /* d *= s */ \
    X(MULSS, mulss, 4, 0) \
    X(MULPD, mulpd, 16, G_FP) \
    X(MULSD, mulsd, 8, 0) \
    X(DIVPS, divps, 16, G_FP)          /* d /= s */ \
    X(DIVSS, divss, 4, 0) \
    X(DIVPD, divpd, 16, G_FP) \
    X(DIVSD, divsd, 8, 0) \
    X(MINPS, minps, 16, G_FP)          /* d = d < s ? d : s (NaN, ±0: s) */ \
    X(MINSS, minss, 4, 0) \
    X(MINPD, minpd, 16, G_FP) \
    X(MINSD, minsd, 8, 0) \
    X(MAXPS, maxps, 16, G_FP)          /* d = d > s ? d : s (NaN, ±0: s) */ \
    X(MAXSS, maxss, 4, 0) \
    X(MAXPD, maxpd, 16, G_FP) \
    X(MAXSD, maxsd, 8, 0) \
    X(SQRTPS, sqrtps, 16, G_FP)        /* d = sqrt(s) */ \
    X(SQRTSS, sqrtss, 4, 0)            /* d.s[0] = sqrt(s.s[0]) */ \
    X(SQRTPD, sqrtpd, 16, G_FP) \
    X(SQRTSD, sqrtsd, 8, 0) \
    X(RCPPS, rcpps, 16, G_FP)          /* d ~= 1/s (host approximation) */ \
    X(RCPSS, rcpss, 4, 0) \
    X(RSQRTPS, rsqrtps, 16, G_FP)      /* d ~= 1/sqrt(s) */ \
    X(RSQRTSS, rsqrtss, 4, 0) \
    X(CMPPS, cmpps, 16, G_FP)          /* d = pred[imm&7](d, s) ? -1 : 0 */ \
    X(CMPSS, cmpss, 4, 0) \
    X(CMPPD, cmppd, 16, G_FP) \
    X(CMPSD, cmpsd, 8, 0) \
    X(COMISS, comiss, 4, G_FLAGS)      /* ZF,PF,CF = compare (signalling) */ \
    X(UCOMISS, ucomiss, 4, G_FLAGS)    /* ZF,PF,CF = compare (quiet) */ \
    X(COMISD, comisd, 8, G_FLAGS) \
    X(UCOMISD, ucomisd, 8, G_FLAGS) \
    X(CVTSI2SS, cvtsi2ss, 4, G_W | G_CVT)    /* d.s[0] = (float)r/m32|64 */ \
    X(CVTSI2SD, cvtsi2sd, 4, G_W | G_CVT)    /* d.d[0] = (double)r/m32|64 */ \
    X(CVTSS2SI, cvtss2si, 4, G_RET | G_W | G_CVT)   /* r = round(s.s[0]) */ \
    X(CVTTSS2SI, cvttss2si, 4, G_RET | G_W | G_CVT) /* r = trunc(s.s[0]) */ \
    X(CVTSD2SI, cvtsd2si, 8, G_RET | G_W | G_CVT)   /* r = round(s.d[0]) */ \
    X(CVTTSD2SI, cvttsd2si, 8, G_RET | G_W | G_CVT) /* r = trunc(s.d[0]) */ \
    X(CVTPI2PS, cvtpi2ps, 8, G_CVT)    /* d.s[0..1] = 2 int32 of mm/m64 */ \
    X(CVTPS2PI, cvtps2pi, 8, G_CVT)    /* mm = 2 int32 of s.s[0..1] (rounded) */ \
    X(CVTTPS2PI, cvttps2pi, 8, G_CVT)  /* mm = ... (truncated) */ \
    X(CVTPI2PD, cvtpi2pd, 8, G_CVT)    /* d.d[0..1] = 2 int32 of mm/m64 */ \
    X(CVTPD2PI, cvtpd2pi, 16, G_CVT)   /* mm = 2 int32 of s.d[0..1] */ \
    X(CVTTPD2PI, cvttpd2pi, 16, G_CVT) \
    X(CVTPD2DQ, cvtpd2dq, 16, G_CVT | G_FP) /* d.l[0..1] = int32 of 2 doubles; upper 0 */ \
    X(CVTTPD2DQ, cvttpd2dq, 16, G_CVT | G_FP) \
    X(CVTDQ2PD, cvtdq2pd, 8, G_CVT | G_FP) /* d.d[0..1] = doubles of s.l[0..1] */ \
    X(CVTPS2PD, cvtps2pd, 8, G_CVT | G_FP) /* d.d[0..1] = doubles of s.s[0..1] */ \
    X(CVTPD2PS, cvtpd2ps, 16, G_CVT | G_FP) /* d.s[0..1] = floats of s.d[0..1]; upper 0 */ \
    X(CVTSS2SD, cvtss2sd, 4, G_CVT)    /* d.d[0] = s.s[0] */ \
    X(CVTSD2SS, cvtsd2ss, 8, G_CVT)    /* d.s[0] = s.d[0] */ \
    X(CVTDQ2PS, cvtdq2ps, 16, G_CVT | G_FP) /* 4 int32 -> 4 floats */ \
    X(CVTPS2DQ, cvtps2dq, 16, G_CVT | G_FP) /* 4 floats -> 4 int32 (rounded) */ \
    X(CVTTPS2DQ, cvttps2dq, 16, G_CVT | G_FP) /* 4 floats -> 4 int32 (truncated) */

typedef struct SSEVecOp {
    X86VecFn fn;
    uint8_t msize;
    uint16_t flags;
    int feature;   /* X86_FEAT_* the legacy form needs (#UD without); 0: SSE/SSE2 */
} SSEVecOp;

static SSEVecOp sse_vec_ops[X86_MN_NB];
static GOnce sse_vec_once = G_ONCE_INIT;

static gpointer sse_vec_build(gpointer unused)
{
#define X(MN, fn, size, fl) sse_vec_ops[X86_MN_##MN] = (SSEVecOp){ vop_##fn, size, fl, FEAT };
#define FEAT 0
    SSE_VEC_OPS(X)
#undef FEAT
#define FEAT X86_FEAT_SSE3
    SSE3_VEC_OPS(X)
#undef FEAT
#define FEAT X86_FEAT_SSSE3
    SSSE3_VEC_OPS(X)
#undef FEAT
#define FEAT X86_FEAT_SSE4_1
    SSE41_VEC_OPS(X)
#undef FEAT
#define FEAT X86_FEAT_SSE4_2
    SSE42_VEC_OPS(X)
#undef FEAT
#define FEAT 0
    /* MMX forms of the logic ops (the XMM forms are inline) */
    X(PAND, pand, 16, 0)
    X(PANDN, pandn, 16, 0)
    X(POR, por, 16, 0)
    X(PXOR, pxor, 16, 0)
    /* the FP-typed logic ops as vec ops (the same bits): their VEX forms
     * with tcg_vec_ops_native (gen_vlogic); the legacy ones are inline */
    X(ANDPS, pand, 16, 0)
    X(ANDPD, pand, 16, 0)
    X(ANDNPS, pandn, 16, 0)
    X(ANDNPD, pandn, 16, 0)
    X(ORPS, por, 16, 0)
    X(ORPD, por, 16, 0)
    X(XORPS, pxor, 16, 0)
    X(XORPD, pxor, 16, 0)
#undef FEAT
#undef X
    return NULL;
}

/* ---- operand helpers ---- */

/* Branch around a #GP unless addr is aligned to size (16 or 32): a test
 * of the low bits (one host `test`), the raise out of line (no return). */
static void gen_check_align(DisasContext *s, TCGv addr, int size)
{
    TCGLabel *ok = gen_new_label();

    tcg_gen_brcondi_i64(TCG_COND_TSTEQ, addr, (uint64_t)size - 1, ok);
    tcg_gen_call1(&helper_info_sse_misaligned, NULL, env_arg());
    gen_set_label(ok);
}

static void gen_check_align16(DisasContext *s, TCGv addr)
{
    gen_check_align(s, addr, 16);
}

/* Load size (2, 4, 8 or 16) bytes at addr into lo/hi (zero-extended). */
static void gen_ld_vec(DisasContext *s, TCGv addr, int size, TCGv lo, TCGv hi)
{
    if (size == 16) {
        TCGv a8 = tcg_temp_new();
        gen_ld(s, lo, addr, 8, false);
        tcg_gen_addi_i64(a8, addr, 8);
        gen_ld(s, hi, a8, 8, false);
    } else {
        gen_ld(s, lo, addr, size, false);
        tcg_gen_movi_i64(hi, 0);
    }
}

/* The 128-bit value of an XMM or memory operand.  Registers return the
 * globals themselves (read them before writing the destination). */
static void gen_src128(DisasContext *s, const X86Operand *op, int size, bool align,
                       TCGv *lo, TCGv *hi)
{
    if (op->kind == X86_OPK_XMM) {
        *lo = cpu_xmm[op->reg][0];
        *hi = cpu_xmm[op->reg][1];
        return;
    }
    TCGv addr = gen_lea(s);
    *lo = tcg_temp_new();
    *hi = tcg_temp_new();
    if (align && size == 16) {
        gen_check_align16(s, addr);
    }
    gen_ld_vec(s, addr, size, *lo, *hi);
}

static bool is_vec_reg(const X86Operand *op)
{
    return op->kind == X86_OPK_XMM || op->kind == X86_OPK_MMX;
}

/* An MMX instruction with a memory operand waits (a pending unmasked x87
 * exception is #MF) before the operand is checked for alignment or
 * accessed; register forms wait inside their helper.  The transition to
 * MMX mode comes after the access (sse_helper.c, "MMX state"). */
static void gen_mmx_wait_mem(const X86Insn *insn)
{
    bool mmx = false, mem = false;

    for (int i = 0; i < insn->nb_ops; i++) {
        mmx |= insn->ops[i].kind == X86_OPK_MMX;
        mem |= insn->ops[i].kind == X86_OPK_MEM;
    }
    if (mmx && mem) {
        tcg_gen_call1(&helper_info_mmx_wait, NULL, env_arg());
    }
}


/* ---- host lowering (the vec IR op, emu/tcg/tcg-vec.h) ----
 *
 * A vec op whose XMM/YMM form is the same instruction on the host is
 * emitted as a `vec` IR op: the backend may run that instruction natively
 * (docs/jit.md, "Vector and FP"); its meaning stays the helper call.  Not
 * lowered: MMX operands, GPR operands and results other than those of the
 * host instruction's own ModRM (vec_gpr_src/dst), flag results other than
 * COMIS*, PTEST and PCMPxSTRx, implicit XMM0 (BLENDV*).  A 32-byte memory
 * source is stored to env->vtmp and read from there as a register.
 */

/* Vec ops that read or write MXCSR (rounding, DAZ/FTZ, exception flags). */
static bool vec_is_fp(unsigned mn)
{
    switch (mn) {
    case X86_MN_ADDPS: case X86_MN_ADDSS: case X86_MN_ADDPD: case X86_MN_ADDSD:
    case X86_MN_SUBPS: case X86_MN_SUBSS: case X86_MN_SUBPD: case X86_MN_SUBSD:
    case X86_MN_MULPS: case X86_MN_MULSS: case X86_MN_MULPD: case X86_MN_MULSD:
    case X86_MN_DIVPS: case X86_MN_DIVSS: case X86_MN_DIVPD: case X86_MN_DIVSD:
    case X86_MN_MINPS: case X86_MN_MINSS: case X86_MN_MINPD: case X86_MN_MINSD:
    case X86_MN_MAXPS: case X86_MN_MAXSS: case X86_MN_MAXPD: case X86_MN_MAXSD:
    case X86_MN_SQRTPS: case X86_MN_SQRTSS: case X86_MN_SQRTPD: case X86_MN_SQRTSD:
    case X86_MN_RCPPS: case X86_MN_RCPSS: case X86_MN_RSQRTPS: case X86_MN_RSQRTSS:
    case X86_MN_CMPPS: case X86_MN_CMPSS: case X86_MN_CMPPD: case X86_MN_CMPSD:
    case X86_MN_CVTPD2DQ: case X86_MN_CVTTPD2DQ: case X86_MN_CVTDQ2PD:
    case X86_MN_CVTPS2PD: case X86_MN_CVTPD2PS: case X86_MN_CVTSS2SD:
    case X86_MN_CVTSD2SS: case X86_MN_CVTDQ2PS: case X86_MN_CVTPS2DQ:
    case X86_MN_CVTTPS2DQ:
    case X86_MN_COMISS: case X86_MN_UCOMISS: case X86_MN_COMISD: case X86_MN_UCOMISD:
    case X86_MN_CVTSI2SS: case X86_MN_CVTSI2SD: case X86_MN_CVTSS2SI: case X86_MN_CVTTSS2SI:
    case X86_MN_CVTSD2SI: case X86_MN_CVTTSD2SI:
    case X86_MN_ADDSUBPS: case X86_MN_ADDSUBPD: case X86_MN_HADDPS: case X86_MN_HADDPD:
    case X86_MN_HSUBPS: case X86_MN_HSUBPD:
    case X86_MN_ROUNDPS: case X86_MN_ROUNDPD: case X86_MN_ROUNDSS: case X86_MN_ROUNDSD:
    case X86_MN_DPPS: case X86_MN_DPPD:
        return true;
    default:
        return false;
    }
}

/* Whether the XMM form of mn is its host instruction with d, b in registers. */
/* CVTSI2SS/SD: the integer source is a GPR operand of the host insn. */
static bool vec_gpr_src(unsigned mn)
{
    return mn == X86_MN_CVTSI2SS || mn == X86_MN_CVTSI2SD;
}

/* CVT(T)SS2SI/CVT(T)SD2SI, PMOVMSKB, MOVMSKPS/PD, PEXTRW (0F C5): the
 * result is the GPR in ModRM.reg of the host insn. */
static bool vec_gpr_dst(unsigned mn)
{
    return mn == X86_MN_CVTSS2SI || mn == X86_MN_CVTTSS2SI || mn == X86_MN_CVTSD2SI ||
           mn == X86_MN_CVTTSD2SI || mn == X86_MN_PMOVMSKB || mn == X86_MN_MOVMSKPS ||
           mn == X86_MN_MOVMSKPD || mn == X86_MN_PEXTRW;
}

/* PCMPxSTRx: the VEC_STR bits of the host instruction (0 for others).
 * The I forms write ECX, the E forms read rAX/rDX (tcg-vec.h). */
static uint64_t vec_str_bits(unsigned mn)
{
    switch (mn) {
    case X86_MN_PCMPISTRI: return VEC_STR | VEC_ECX;
    case X86_MN_PCMPESTRI: return VEC_STR | VEC_ECX | VEC_LENS;
    case X86_MN_PCMPISTRM: return VEC_STR;
    case X86_MN_PCMPESTRM: return VEC_STR | VEC_LENS;
    default: return 0;
    }
}

static bool vec_lowerable(unsigned mn, const SSEVecOp *g)
{
    if (vec_gpr_src(mn) || vec_gpr_dst(mn)) {
        return true;
    }
    if (g->flags & G_FLAGS) {   /* EFLAGS of the host instruction */
        return mn == X86_MN_COMISS || mn == X86_MN_UCOMISS || mn == X86_MN_COMISD ||
               mn == X86_MN_UCOMISD || mn == X86_MN_PTEST || vec_str_bits(mn);
    }
    if (g->flags & (G_RET | G_W)) {
        return false;
    }
    switch (mn) {
    case X86_MN_PBLENDVB: case X86_MN_BLENDVPS: case X86_MN_BLENDVPD:   /* XMM0 / is4 */
    case X86_MN_PINSRB: case X86_MN_PINSRD: case X86_MN_PINSRQ: case X86_MN_PINSRW:
    case X86_MN_CVTPI2PS: case X86_MN_CVTPI2PD: case X86_MN_CVTPS2PI:
    case X86_MN_CVTTPS2PI: case X86_MN_CVTPD2PI: case X86_MN_CVTTPD2PI:
    case X86_MN_PSHUFW:
        return false;
    default:
        return true;
    }
}

/* Legacy scalar ops: VEC_DW/VEC_BW codes (d bytes written, b bytes read);
 * the rest of d is kept, so the backend need not touch it. */
static uint64_t vec_scalar_widths(unsigned mn)
{
    unsigned dw, bw;
    switch (mn) {
    case X86_MN_ADDSS: case X86_MN_SUBSS: case X86_MN_MULSS: case X86_MN_DIVSS:
    case X86_MN_MINSS: case X86_MN_MAXSS: case X86_MN_SQRTSS: case X86_MN_RCPSS:
    case X86_MN_RSQRTSS: case X86_MN_CMPSS: case X86_MN_ROUNDSS:
        dw = bw = VEC_W4;
        break;
    case X86_MN_ADDSD: case X86_MN_SUBSD: case X86_MN_MULSD: case X86_MN_DIVSD:
    case X86_MN_MINSD: case X86_MN_MAXSD: case X86_MN_SQRTSD: case X86_MN_CMPSD:
    case X86_MN_ROUNDSD:
        dw = bw = VEC_W8;
        break;
    case X86_MN_CVTSS2SD:
        dw = VEC_W8, bw = VEC_W4;
        break;
    case X86_MN_CVTSD2SS:
        dw = VEC_W4, bw = VEC_W8;
        break;
    case X86_MN_CVTSI2SS:
        return VEC_BGPR | ((uint64_t)VEC_W4 << VEC_DW_SHIFT);
    case X86_MN_CVTSI2SD:
        return VEC_BGPR | ((uint64_t)VEC_W8 << VEC_DW_SHIFT);
    case X86_MN_CVTSS2SI: case X86_MN_CVTTSS2SI:
        return VEC_RGPR | ((uint64_t)VEC_W4 << VEC_BW_SHIFT);
    case X86_MN_CVTSD2SI: case X86_MN_CVTTSD2SI:
        return VEC_RGPR | ((uint64_t)VEC_W8 << VEC_BW_SHIFT);
    case X86_MN_PMOVMSKB: case X86_MN_MOVMSKPS: case X86_MN_MOVMSKPD: case X86_MN_PEXTRW:
        return VEC_RGPR;
    case X86_MN_COMISS: case X86_MN_UCOMISS:
        return VEC_FLAGS | ((uint64_t)VEC_W4 << VEC_DW_SHIFT) | ((uint64_t)VEC_W4 << VEC_BW_SHIFT);
    case X86_MN_COMISD: case X86_MN_UCOMISD:
        return VEC_FLAGS | ((uint64_t)VEC_W8 << VEC_DW_SHIFT) | ((uint64_t)VEC_W8 << VEC_BW_SHIFT);
    case X86_MN_PTEST:
        return VEC_FLAGS;
    default:
        return 0;
    }
    return ((uint64_t)dw << VEC_DW_SHIFT) | ((uint64_t)bw << VEC_BW_SHIFT);
}

static unsigned vec_host_feature(int feature)
{
    switch (feature) {
    case 0: return VEC_HF_SSE2;
    case X86_FEAT_SSE3: return VEC_HF_SSE3;
    case X86_FEAT_SSSE3: return VEC_HF_SSSE3;
    case X86_FEAT_SSE4_1: return VEC_HF_SSE41;
    case X86_FEAT_SSE4_2: return VEC_HF_SSE42;
    default: return VEC_HF_NB;   /* never native */
    }
}

/* The encoding fields common to both forms; src an XMM register, a memory
 * operand (in b_lo/b_hi) or the imm8 of a shift group form (0F 71..73). */
static uint64_t vec_desc_common(const X86Insn *insn, unsigned base, const X86Operand *src,
                                uint32_t imm8, bool has_imm, bool *ok)
{
    uint64_t desc = insn->opcode | ((uint64_t)(insn->map - X86_MAP_ONE) << VEC_MAP_SHIFT);

    *ok = true;
    if (insn->map < X86_MAP_0F || insn->map > X86_MAP_0F3A) {
        *ok = false;
    }
    switch (src->kind) {
    case X86_OPK_XMM:
        desc |= VEC_BREG;
        break;
    case X86_OPK_MEM:
        *ok &= src->size <= 16;
        break;
    case X86_OPK_IMM:
        if (insn->map != X86_MAP_0F || insn->opcode < 0x71 || insn->opcode > 0x73) {
            *ok = false;
        }
        desc |= VEC_GROUP | ((uint64_t)((insn->modrm >> 3) & 7) << VEC_EXT_SHIFT);
        imm8 = (uint32_t)src->imm & 0xff;
        has_imm = true;
        break;
    default:
        *ok = false;
        break;
    }
    if (has_imm) {
        desc |= VEC_IMM | ((uint64_t)(imm8 & 0xff) << VEC_IMM_SHIFT);
    }
    if (vec_is_fp(base)) {
        desc |= VEC_FP;
    }
    return desc;
}

#define XMM_OFF(r) ((uint64_t)offsetof(CPUX86State, xmm[(r) & 15]))
#define MXCSR_OFF  ((uint64_t)offsetof(CPUX86State, mxcsr))
#define VTMP_OFF   ((uint64_t)offsetof(CPUX86State, vtmp))
/* PCMPESTRx: the mx field holds where the lengths are (VEC_LENS) */
#define LENS_OFF   VEC_LENS_OFFS(offsetof(CPUX86State, regs[R_EAX]), \
                                 offsetof(CPUX86State, regs[R_EDX]))

/* The mx field of offs: the MXCSR, or the length registers of PCMPESTRx. */
static uint64_t vec_mx_off(uint64_t desc)
{
    return (desc & VEC_LENS) ? LENS_OFF : MXCSR_OFF;
}

/* Legacy SSE form: desc for tcg_gen_vec, or 0 if it has no host form. */
static uint64_t vec_legacy_desc(const X86Insn *insn, const SSEVecOp *g, int feature,
                                uint32_t immf, uint64_t *offs)
{
    const X86Operand *d = &insn->ops[0], *src = &insn->ops[1];
    unsigned p = insn->prefixes;
    bool ok;

    if (d->kind != (vec_gpr_dst(insn->mnemonic) ? X86_OPK_GPR : X86_OPK_XMM) ||
        !vec_lowerable(insn->mnemonic, g) ||
        ((p & X86_PREFIX_DATA) && (p & (X86_PREFIX_REPZ | X86_PREFIX_REPNZ))) ||
        ((p & X86_PREFIX_REPZ) && (p & X86_PREFIX_REPNZ))) {
        return 0;
    }
    if (insn->mnemonic == X86_MN_PEXTRW && insn->map != X86_MAP_0F) {
        return 0;   /* 0F 3A 15: r/m destination */
    }
    unsigned pp = (p & X86_PREFIX_REPNZ) ? 3 : (p & X86_PREFIX_REPZ) ? 2
                : (p & X86_PREFIX_DATA) ? 1 : 0;
    bool has_imm = insn->nb_ops > 2 && insn->ops[2].kind == X86_OPK_IMM;
    uint32_t imm8 = immf & 0xff;
    switch (insn->mnemonic) {
    case X86_MN_CMPPS: case X86_MN_CMPPD: case X86_MN_CMPSS: case X86_MN_CMPSD:
        imm8 &= 7;   /* as the vec op: legacy predicates 0..7 */
        break;
    default:
        break;
    }
    X86Operand gsrc = *src;
    if (vec_gpr_src(insn->mnemonic) && src->kind == X86_OPK_GPR) {
        gsrc.kind = X86_OPK_MEM;   /* the value is in b_lo like a loaded one */
        gsrc.size = 8;
    }
    uint64_t desc = vec_desc_common(insn, insn->mnemonic, &gsrc, imm8, has_imm, &ok);
    if (!ok) {
        return 0;
    }
    uint64_t str = vec_str_bits(insn->mnemonic);
    if ((vec_gpr_src(insn->mnemonic) || vec_gpr_dst(insn->mnemonic) || (str & VEC_LENS)) &&
        (insn->rex & 8)) {
        desc |= VEC_W;   /* r/m64 forms, 64-bit lengths */
    }
    desc |= (uint64_t)pp << VEC_PP_SHIFT;
    desc |= (uint64_t)vec_host_feature(feature) << VEC_FEAT_SHIFT;
    desc |= vec_scalar_widths(insn->mnemonic) | str;
    /* d: the register written (XMM0 for PCMPxSTRM); a: the first source */
    uint64_t doff = d->kind == X86_OPK_XMM ? XMM_OFF(d->reg) : 0;
    *offs = VEC_OFFS(str ? XMM_OFF(0) : doff, doff,
                     src->kind == X86_OPK_XMM ? XMM_OFF(src->reg) : 0, vec_mx_off(desc));
    return desc;
}

/* ---- the generic vec emitter ---- */

/* A vec op's memory source of size bytes at addr: 16 bytes are one access
 * into env->vtmp, which the op reads as a register (returns true; lo/hi
 * are the vtmp globals, the fallback's b_lo/b_hi); fewer are loaded into
 * GPR temps (zero-extended). */
static bool gen_vec_src_mem(DisasContext *s, TCGv addr, int size, TCGv *lo, TCGv *hi)
{
    if (size == 16) {
        tcg_gen_qemu_ld_env(VTMP_OFF, addr, 16);
        *lo = cpu_vtmp[0];
        *hi = cpu_vtmp[1];
        return true;
    }
    *lo = tcg_temp_new();
    *hi = tcg_temp_new();
    gen_ld_vec(s, addr, size, *lo, *hi);
    return false;
}

/* A G_FLAGS result: the arithmetic flags, and for PCMPxSTRI the index
 * (its vec ops return ECX << 32 | flags, sse4-ops.h). */
static void gen_flags_result(DisasContext *s, unsigned mn, TCGv ret)
{
    if (vec_str_bits(mn) & VEC_ECX) {
        tcg_gen_shri_i64(cpu_regs[R_ECX], ret, 32);   /* <= 16: zero-extended */
        tcg_gen_ext32u_i64(cpu_cc_src, ret);
    } else {
        tcg_gen_mov_i64(cpu_cc_src, ret);
    }
    set_cc_op(s, CC_OP_EFLAGS);
}

static void gen_sse_vec(DisasContext *s, X86Insn *insn)
{
    const SSEVecOp *g;
    const X86Operand *d = &insn->ops[0], *src = &insn->ops[1];
    uint32_t immf = 0;
    int msize, dreg = 0;
    bool w64 = (insn->rex & 8) != 0, b_vtmp = false;
    TCGv lo, hi, ret = NULL, st_addr = NULL;

    g_once(&sse_vec_once, sse_vec_build, NULL);
    g = &sse_vec_ops[insn->mnemonic];
    msize = g->msize;
    if (!g->fn || insn->nb_ops < 2) {
        gen_illegal_opcode(s);
        return;
    }
    if (insn->prefixes & X86_PREFIX_LOCK) {
        gen_illegal_opcode(s);
        return;
    }
    /* the model's feature; PEXTRW is SSE2 in 0F C5, SSE4.1 in 0F 3A 15 */
    int feature = g->feature;
    if (insn->mnemonic == X86_MN_PEXTRW && insn->map == X86_MAP_0F3A) {
        feature = X86_FEAT_SSE4_1;
    }
    if (feature && !x86_cpu_has(feature)) {
        gen_illegal_opcode(s);
        return;
    }
    if (is_vec_reg(d)) {
        dreg = d->reg;
    } else if ((g->flags & G_RET) && d->kind == X86_OPK_MEM) {
        st_addr = gen_lea(s);     /* PEXTRB/W/D/Q, EXTRACTPS m, xmm, imm8 */
    } else if (!(g->flags & (G_RET | G_FLAGS)) || d->kind != X86_OPK_GPR) {
        gen_illegal_opcode(s);
        return;
    }
    if (d->kind == X86_OPK_MMX) {
        immf |= VF_MMX | VF_MMX_DST;
        if (!(g->flags & G_CVT)) {
            msize = (g->flags & G_MMX_M32) ? 4 : (msize == 16 ? 8 : msize);
        }
    }
    if ((g->flags & G_W) && w64) {
        immf |= VF_W64;
        if (g->msize == 4 && (g->flags & G_RET) == 0) {
            msize = 8;   /* CVTSI2SS/SD r/m64 */
        }
    }
    if (insn->nb_ops > 2 && insn->ops[2].kind == X86_OPK_IMM) {
        immf |= (uint32_t)insn->ops[2].imm & 0xff;
    }

    gen_mmx_wait_mem(insn);
    switch (src->kind) {
    case X86_OPK_IMM:
        if (g->flags & G_IMMCTL) {
            immf |= (uint32_t)src->imm & 0xff;
            lo = hi = tcg_constant_i64(0);
        } else {
            /* shift by imm8: the count as the second source */
            lo = tcg_constant_i64((uint64_t)src->imm & 0xff);
            hi = tcg_constant_i64(0);
        }
        break;
    case X86_OPK_XMM:
        lo = cpu_xmm[src->reg][0];
        hi = cpu_xmm[src->reg][1];
        break;
    case X86_OPK_MMX:
        lo = tcg_constant_i64(src->reg);
        hi = tcg_constant_i64(0);
        immf |= VF_BREG_MMX | VF_MMX_SRC;
        if (d->kind == X86_OPK_GPR) {
            immf |= VF_MMX;   /* PEXTRW/PMOVMSKB r, mm */
        }
        break;
    case X86_OPK_GPR:
        lo = tcg_temp_new();
        gen_load_operand(s, lo, src);
        hi = tcg_constant_i64(0);
        break;
    case X86_OPK_MEM: {
        TCGv addr = gen_lea(s);
        bool align = msize == 16 && !(g->flags & G_NOALIGN);
        if (align) {
            gen_check_align16(s, addr);
        }
        b_vtmp = gen_vec_src_mem(s, addr, msize, &lo, &hi);
        if (insn->mnemonic == X86_MN_INSERTPS) {
            immf &= ~0xc0u;   /* the m32 is the source single, whatever imm[7:6] */
        }
        break;
    }
    default:
        gen_illegal_opcode(s);
        return;
    }

    if (g->flags & (G_RET | G_FLAGS)) {
        ret = tcg_temp_new();
    }
    TCGv args[5] = {
        env_arg(), tcg_constant_i64((uint64_t)(uintptr_t)g->fn),
        tcg_constant_i64(VEC_CTL(dreg, dreg, immf)), lo, hi,
    };
    uint64_t offs = 0, desc = vec_legacy_desc(insn, g, feature, immf, &offs);
    if (desc && b_vtmp) {
        desc |= VEC_BREG;
        offs |= VTMP_OFF << 32;     /* VEC_OFFS's b */
    }
    if (desc && ret) {
        tcg_gen_vec_ret(ret, args[0], args[1], args[2], lo, hi, desc, offs, &helper_info_vec_ret);
    } else if (desc) {
        tcg_gen_vec(args[0], args[1], args[2], lo, hi, desc, offs, &helper_info_vec);
    } else {
        tcg_gen_callN(ret ? &helper_info_vec_ret : &helper_info_vec, ret, 5, args);
    }
    if (st_addr) {
        gen_st(s, ret, st_addr, d->size);
    } else if (g->flags & G_RET) {
        gen_write_gpr(s, d->reg, false, (immf & VF_W64) ? 8 : 4, ret);
    } else if (g->flags & G_FLAGS) {
        gen_flags_result(s, insn->mnemonic, ret);
    }
}

/* ---- whole-register ops as vec ops ---- */

/* With tcg_vec_ops_native (the backend runs vec ops as host
 * instructions), d = op(d, src) on all 16 bytes of XMM registers as a vec
 * op of the host instruction opc (map 0F, mandatory prefix pp, d not read
 * if dnr) whose meaning is fn, instead of two 64-bit IR operations: a
 * chain of SSE code then stays in host vector registers (the JIT's vector
 * cache) rather than moving each value to GPRs and back.  src is an XMM
 * register or a 16-byte memory operand (one access into env->vtmp). */
static void gen_vec_whole(DisasContext *s, const X86Operand *d, const X86Operand *src,
                          uint8_t opc, unsigned pp, X86VecFn fn, bool dnr, bool align)
{
    TCGv lo, hi;
    uint64_t boff;
    if (src->kind == X86_OPK_XMM) {
        lo = cpu_xmm[src->reg][0];
        hi = cpu_xmm[src->reg][1];
        boff = XMM_OFF(src->reg);
    } else {
        TCGv addr = gen_lea(s);
        if (align) {
            gen_check_align16(s, addr);
        }
        gen_vec_src_mem(s, addr, 16, &lo, &hi);
        boff = VTMP_OFF;
    }
    uint64_t desc = opc | (1u << VEC_MAP_SHIFT) | ((uint64_t)pp << VEC_PP_SHIFT) | VEC_BREG |
                    (dnr ? VEC_DNR : 0) | ((uint64_t)VEC_HF_SSE2 << VEC_FEAT_SHIFT);
    uint64_t offs = VEC_OFFS(XMM_OFF(d->reg), XMM_OFF(d->reg), boff, MXCSR_OFF);
    tcg_gen_vec(env_arg(), tcg_constant_i64((uint64_t)(uintptr_t)fn),
                tcg_constant_i64(VEC_CTL(d->reg, d->reg, 0)), lo, hi, desc, offs,
                &helper_info_vec);
}

/* ---- inline moves ---- */

/* MOVAPS/MOVAPD/MOVDQA/MOVNTPS/MOVNTPD/MOVNTDQ (aligned) and
 * MOVUPS/MOVUPD/MOVDQU/LDDQU: 128-bit copy between xmm and xmm/m128. */
static void gen_mov128(DisasContext *s, X86Insn *insn, bool align)
{
    const X86Operand *d = &insn->ops[0], *src = &insn->ops[1];

    if (d->kind == X86_OPK_XMM && src->kind == X86_OPK_MEM) {
        TCGv addr = gen_lea(s);
        if (align) {
            gen_check_align16(s, addr);
        }
        tcg_gen_qemu_ld_env(XMM_OFF(d->reg), addr, 16);   /* one 16-byte access */
    } else if (d->kind == X86_OPK_XMM && src->kind == X86_OPK_XMM && tcg_vec_ops_native) {
        if (src->reg != d->reg) {
            gen_vec_whole(s, d, src, 0x28, 0, vop_mov128, true, false);   /* movaps */
        }
    } else if (d->kind == X86_OPK_XMM) {
        TCGv lo, hi;
        gen_src128(s, src, 16, align, &lo, &hi);
        if (src->reg != d->reg) {
            tcg_gen_mov_i64(cpu_xmm[d->reg][0], lo);
            tcg_gen_mov_i64(cpu_xmm[d->reg][1], hi);
        }
    } else if (d->kind == X86_OPK_MEM && src->kind == X86_OPK_XMM) {
        TCGv addr = gen_lea(s);
        if (align) {
            gen_check_align16(s, addr);
        }
        tcg_gen_qemu_st_env(XMM_OFF(src->reg), addr, 16);
    } else {
        gen_illegal_opcode(s);
    }
}

static void gen_MOVAPS(DisasContext *s, X86Insn *insn) { gen_mov128(s, insn, true); }
static void gen_MOVUPS(DisasContext *s, X86Insn *insn) { gen_mov128(s, insn, false); }

/* MOVNT*: memory destination only. */
static void gen_MOVNT(DisasContext *s, X86Insn *insn)
{
    if (insn->ops[0].kind != X86_OPK_MEM) {
        gen_illegal_opcode(s);
        return;
    }
    gen_mov128(s, insn, true);
}

/* LDDQU: memory source only (SSE3; shares the unaligned move). */
/* MOVNTDQA xmm, m128 (SSE4.1): an aligned load (the non-temporal hint is
 * moot). */
static void gen_MOVNTDQA(DisasContext *s, X86Insn *insn)
{
    if (insn->ops[1].kind != X86_OPK_MEM || insn->ops[0].kind != X86_OPK_XMM ||
        (insn->prefixes & X86_PREFIX_LOCK) || !x86_cpu_has(X86_FEAT_SSE4_1)) {
        gen_illegal_opcode(s);
        return;
    }
    gen_mov128(s, insn, true);
}

static void gen_LDDQU(DisasContext *s, X86Insn *insn)
{
    if (insn->ops[1].kind != X86_OPK_MEM || !x86_cpu_has(X86_FEAT_SSE3)) {
        gen_illegal_opcode(s);
        return;
    }
    gen_mov128(s, insn, false);
}

/* MOVSS (size 4) / MOVSD_SSE (size 8): load zero-extends into the whole
 * register; register-register and stores touch only the low element. */
static void gen_movs_scalar(DisasContext *s, X86Insn *insn, int size)
{
    const X86Operand *d = &insn->ops[0], *src = &insn->ops[1];

    if (d->kind == X86_OPK_XMM && src->kind == X86_OPK_MEM) {
        TCGv addr = gen_lea(s), v = tcg_temp_new();
        gen_ld(s, v, addr, size, false);
        tcg_gen_mov_i64(cpu_xmm[d->reg][0], v);
        tcg_gen_movi_i64(cpu_xmm[d->reg][1], 0);
    } else if (d->kind == X86_OPK_XMM && src->kind == X86_OPK_XMM) {
        if (size == 8) {
            tcg_gen_mov_i64(cpu_xmm[d->reg][0], cpu_xmm[src->reg][0]);
        } else {
            tcg_gen_deposit_i64(cpu_xmm[d->reg][0], cpu_xmm[d->reg][0],
                                cpu_xmm[src->reg][0], 0, 32);
        }
    } else if (d->kind == X86_OPK_MEM && src->kind == X86_OPK_XMM) {
        gen_st(s, cpu_xmm[src->reg][0], gen_lea(s), size);
    } else {
        gen_illegal_opcode(s);
    }
}

static void gen_MOVSS(DisasContext *s, X86Insn *insn) { gen_movs_scalar(s, insn, 4); }
static void gen_MOVSD_SSE(DisasContext *s, X86Insn *insn) { gen_movs_scalar(s, insn, 8); }

/* MOVLPS/MOVLPD (half 0) and MOVHPS/MOVHPD (half 1): xmm half <-> m64. */
static void gen_mov_half(DisasContext *s, X86Insn *insn, int half)
{
    const X86Operand *d = &insn->ops[0], *src = &insn->ops[1];

    if (d->kind == X86_OPK_XMM && src->kind == X86_OPK_MEM) {
        TCGv v = tcg_temp_new();
        gen_ld(s, v, gen_lea(s), 8, false);
        tcg_gen_mov_i64(cpu_xmm[d->reg][half], v);
    } else if (d->kind == X86_OPK_MEM && src->kind == X86_OPK_XMM) {
        gen_st(s, cpu_xmm[src->reg][half], gen_lea(s), 8);
    } else if (d->kind == X86_OPK_XMM && src->kind == X86_OPK_XMM) {
        /* the register forms of these opcodes are MOVHLPS/MOVLHPS */
        tcg_gen_mov_i64(cpu_xmm[d->reg][half], cpu_xmm[src->reg][half ^ 1]);
    } else {
        gen_illegal_opcode(s);
    }
}

static void gen_MOVLPS(DisasContext *s, X86Insn *insn) { gen_mov_half(s, insn, 0); }
static void gen_MOVHPS(DisasContext *s, X86Insn *insn) { gen_mov_half(s, insn, 1); }

/* MOVHLPS d, s: d.q[0] = s.q[1].  MOVLHPS d, s: d.q[1] = s.q[0]. */
static void gen_MOVHLPS(DisasContext *s, X86Insn *insn)
{
    if (insn->ops[0].kind != X86_OPK_XMM || insn->ops[1].kind != X86_OPK_XMM) {
        gen_illegal_opcode(s);
        return;
    }
    tcg_gen_mov_i64(cpu_xmm[insn->ops[0].reg][0], cpu_xmm[insn->ops[1].reg][1]);
}

static void gen_MOVLHPS(DisasContext *s, X86Insn *insn)
{
    if (insn->ops[0].kind != X86_OPK_XMM || insn->ops[1].kind != X86_OPK_XMM) {
        gen_illegal_opcode(s);
        return;
    }
    tcg_gen_mov_i64(cpu_xmm[insn->ops[0].reg][1], cpu_xmm[insn->ops[1].reg][0]);
}

/* Value of an MMX register; enters MMX mode if enter (a store enters it
 * only after the store: gen_movdq). */
static TCGv gen_mmx_read(int reg, bool enter)
{
    TCGv v = tcg_temp_new();
    tcg_gen_call3(&helper_info_mmx_read, v, env_arg(), tcg_constant_i64(reg),
                  tcg_constant_i64(enter));
    return v;
}

static void gen_mmx_write(int reg, TCGv v)
{
    tcg_gen_call3(&helper_info_mmx_write, NULL, env_arg(), tcg_constant_i64(reg), v);
}

/*
 * MOVD/MOVQ: every form of moving 32 (MOVD, zero-extended) or 64 bits
 * between GPR/memory, MMX and the low half of XMM.  An XMM destination
 * has its upper half zeroed.
 */
static void gen_movdq(DisasContext *s, X86Insn *insn, int size)
{
    const X86Operand *d = &insn->ops[0], *src = &insn->ops[1];
    TCGv v;

    gen_mmx_wait_mem(insn);
    switch (src->kind) {
    case X86_OPK_XMM:
        v = cpu_xmm[src->reg][0];
        break;
    case X86_OPK_MMX:
        v = gen_mmx_read(src->reg, d->kind != X86_OPK_MEM);
        break;
    case X86_OPK_GPR:
        v = tcg_temp_new();
        gen_load_operand(s, v, src);
        break;
    case X86_OPK_MEM:
        if (d->kind == X86_OPK_MEM) {
            gen_illegal_opcode(s);
            return;
        }
        v = tcg_temp_new();
        gen_ld(s, v, gen_lea(s), size, false);
        break;
    default:
        gen_illegal_opcode(s);
        return;
    }
    if (size == 4 && (src->kind == X86_OPK_XMM || src->kind == X86_OPK_MMX ||
                      src->kind == X86_OPK_GPR)) {
        TCGv t = tcg_temp_new();
        tcg_gen_ext32u_i64(t, v);
        v = t;
    }
    switch (d->kind) {
    case X86_OPK_XMM:
        tcg_gen_mov_i64(cpu_xmm[d->reg][0], v);
        tcg_gen_movi_i64(cpu_xmm[d->reg][1], 0);
        break;
    case X86_OPK_MMX:
        gen_mmx_write(d->reg, v);
        break;
    case X86_OPK_GPR:
        gen_write_gpr(s, d->reg, false, size, v);
        break;
    case X86_OPK_MEM:
        gen_st(s, v, gen_lea(s), size);
        if (src->kind == X86_OPK_MMX) {
            tcg_gen_call1(&helper_info_mmx_enter, NULL, env_arg());
        }
        break;
    default:
        gen_illegal_opcode(s);
    }
}

static void gen_MOVD(DisasContext *s, X86Insn *insn)
{
    gen_movdq(s, insn, (insn->rex & 8) ? 8 : 4);
}

static void gen_MOVQ(DisasContext *s, X86Insn *insn)
{
    gen_movdq(s, insn, 8);
}

/* MOVQ2DQ xmm, mm / MOVDQ2Q mm, xmm / MOVNTQ m64, mm: all 64-bit moves. */
static void gen_MOVQ2DQ(DisasContext *s, X86Insn *insn) { gen_movdq(s, insn, 8); }

static void gen_MOVNTQ(DisasContext *s, X86Insn *insn)
{
    if (insn->ops[0].kind != X86_OPK_MEM) {
        gen_illegal_opcode(s);
        return;
    }
    gen_movdq(s, insn, 8);
}

/* ---- inline logic ---- */

enum { LOGIC_AND, LOGIC_ANDN, LOGIC_OR, LOGIC_XOR };

static void gen_logic128(DisasContext *s, X86Insn *insn, int op)
{
    const X86Operand *d = &insn->ops[0], *src = &insn->ops[1];
    TCGv lo, hi, r[2];

    if (d->kind == X86_OPK_MMX) {
        gen_sse_vec(s, insn);
        return;
    }
    if (d->kind != X86_OPK_XMM || (src->kind != X86_OPK_XMM && src->kind != X86_OPK_MEM)) {
        gen_illegal_opcode(s);
        return;
    }
    if (tcg_vec_ops_native) {
        /* pand, pandn, por, pxor (integer forms for ANDPS & co. too:
         * the same bits) */
        static const uint8_t opc[4] = { 0xDB, 0xDF, 0xEB, 0xEF };
        static const X86VecFn fn[4] = { vop_pand, vop_pandn, vop_por, vop_pxor };
        gen_vec_whole(s, d, src, opc[op], 1, fn[op], false, true);
        return;
    }
    gen_src128(s, src, 16, true, &lo, &hi);
    if (src->kind == X86_OPK_XMM && src->reg == d->reg && op == LOGIC_XOR) {
        /* the zeroing idiom */
        tcg_gen_movi_i64(cpu_xmm[d->reg][0], 0);
        tcg_gen_movi_i64(cpu_xmm[d->reg][1], 0);
        return;
    }
    for (int i = 0; i < 2; i++) {
        TCGv a = cpu_xmm[d->reg][i], b = i ? hi : lo;
        r[i] = tcg_temp_new();
        switch (op) {
        case LOGIC_AND:  tcg_gen_and_i64(r[i], a, b); break;
        case LOGIC_ANDN: tcg_gen_andc_i64(r[i], b, a); break;
        case LOGIC_OR:   tcg_gen_or_i64(r[i], a, b); break;
        default:         tcg_gen_xor_i64(r[i], a, b); break;
        }
    }
    tcg_gen_mov_i64(cpu_xmm[d->reg][0], r[0]);
    tcg_gen_mov_i64(cpu_xmm[d->reg][1], r[1]);
}

static void gen_AND128(DisasContext *s, X86Insn *insn) { gen_logic128(s, insn, LOGIC_AND); }
static void gen_ANDN128(DisasContext *s, X86Insn *insn) { gen_logic128(s, insn, LOGIC_ANDN); }
static void gen_OR128(DisasContext *s, X86Insn *insn) { gen_logic128(s, insn, LOGIC_OR); }
static void gen_XOR128(DisasContext *s, X86Insn *insn) { gen_logic128(s, insn, LOGIC_XOR); }

/* ---- MXCSR, MMX state, masked stores ---- */

static void gen_LDMXCSR(DisasContext *s, X86Insn *insn)
{
    TCGv v = tcg_temp_new();
    if (insn->ops[0].kind != X86_OPK_MEM) {
        gen_illegal_opcode(s);
        return;
    }
    gen_ld(s, v, gen_lea(s), 4, false);
    tcg_gen_call2(&helper_info_ldmxcsr, NULL, env_arg(), v);
}

static void gen_STMXCSR(DisasContext *s, X86Insn *insn)
{
    if (insn->ops[0].kind != X86_OPK_MEM) {
        gen_illegal_opcode(s);
        return;
    }
    gen_st(s, cpu_mxcsr, gen_lea(s), 4);
}

static void gen_EMMS(DisasContext *s, X86Insn *insn)
{
    tcg_gen_call1(&helper_info_emms, NULL, env_arg());
}

/* MASKMOVDQU xmm, xmm / MASKMOVQ mm, mm: bytes of ops[0] whose mask byte
 * in ops[1] has bit 7 set go to [rDI] (DS segment; 0x67 truncates). */
static void gen_maskmov(DisasContext *s, X86Insn *insn, bool mmx)
{
    const X86Operand *d = &insn->ops[0], *m = &insn->ops[1];
    TCGv addr = tcg_temp_new();

    if (!is_vec_reg(d) || !is_vec_reg(m)) {
        gen_illegal_opcode(s);
        return;
    }
    if (insn->prefixes & X86_PREFIX_ADDR) {
        tcg_gen_ext32u_i64(addr, cpu_regs[R_EDI]);
    } else {
        tcg_gen_mov_i64(addr, cpu_regs[R_EDI]);
    }
    if (insn->mem.seg == R_FS) {
        tcg_gen_add_i64(addr, addr, cpu_fs_base);
    } else if (insn->mem.seg == R_GS) {
        tcg_gen_add_i64(addr, addr, cpu_gs_base);
    }
    tcg_gen_call5(&helper_info_maskmov, NULL, env_arg(), tcg_constant_i64(d->reg),
                  tcg_constant_i64(m->reg), addr, tcg_constant_i64(mmx));
}

static void gen_MASKMOVDQU(DisasContext *s, X86Insn *insn) { gen_maskmov(s, insn, false); }
static void gen_MASKMOVQ(DisasContext *s, X86Insn *insn) { gen_maskmov(s, insn, true); }

/* ---- VEX forms (AVX, AVX2) ----
 *
 * Every V<MNEMONIC> whose <MNEMONIC> has a vec-op line or a special emitter
 * here is translated from that line: operands d, a = VEX.vvvv, b = r/m
 * (d = fn(a, b)), VEX.L=1 -> VF_256, VEX.128 results zero bits 255:128,
 * memory operands unaligned (except VMOVAPS/APD/DQA and VMOVNT*: aligned
 * to their size).  Scalar lines (memory size < 16) ignore VEX.L (LIG);
 * other lines without a 32-byte operand under VEX.L=1 are #UD.
 */

typedef void (*VexGenFn)(DisasContext *s, X86Insn *insn, unsigned base);

static uint16_t vex_base[X86_MN_NB];    /* V-mnemonic -> legacy mnemonic */
static VexGenFn vex_special[X86_MN_NB]; /* legacy mnemonic -> VEX emitter */
static GOnce vex_once = G_ONCE_INIT;

static void gen_zero_upper(int reg)
{
    tcg_gen_movi_i64(cpu_xmm[reg][2], 0);
    tcg_gen_movi_i64(cpu_xmm[reg][3], 0);
}


/* nq qwords of an XMM/YMM register (the globals) or of memory (loaded). */
static void gen_src_q(DisasContext *s, const X86Operand *op, int nq, int align, TCGv *q)
{
    if (op->kind == X86_OPK_XMM) {
        for (int i = 0; i < nq; i++) {
            q[i] = cpu_xmm[op->reg][i];
        }
        return;
    }
    TCGv addr = gen_lea(s);
    if (align) {
        gen_check_align(s, addr, align);
    }
    for (int i = 0; i < nq; i++) {
        TCGv a = addr;
        q[i] = tcg_temp_new();
        if (i) {
            a = tcg_temp_new();
            tcg_gen_addi_i64(a, addr, 8 * i);
        }
        gen_ld(s, q[i], a, 8, false);
    }
}

/* 256-bit integer forms are AVX2; the FP ones, moves and VPTEST are AVX. */
static bool vex_needs_avx2(unsigned base)
{
    const char *n = x86_mnemonic_names[base];
    return (n[0] == 'P' && base != X86_MN_PTEST) || base == X86_MN_MPSADBW ||
           base == X86_MN_MOVNTDQA;
}

static bool vex_256_ok(DisasContext *s, unsigned base)
{
    if (vex_needs_avx2(base) && !x86_cpu_has(X86_FEAT_AVX2)) {
        gen_illegal_opcode(s);
        return false;
    }
    return true;
}


/* VEX.pp of a VEX-encoded instruction, from its bytes (only segment and
 * 67 prefixes may precede VEX); -1 if not found. */
static int vex_pp(const X86Insn *insn)
{
    for (int i = 0; i + 2 < insn->len; i++) {
        switch (insn->bytes[i]) {
        case 0x26: case 0x2e: case 0x36: case 0x3e: case 0x64: case 0x65: case 0x67:
            continue;
        case 0xC5:
            return insn->bytes[i + 1] & 3;
        case 0xC4:
            return insn->bytes[i + 2] & 3;
        default:
            return -1;
        }
    }
    return -1;
}

/* VEX form: desc for tcg_gen_vec, or 0 if it has no host form. */
static uint64_t vec_vex_desc(const X86Insn *insn, unsigned base, const X86Operand *a,
                             const X86Operand *src, bool wide, uint32_t immf, uint64_t xf,
                             uint64_t *offs)
{
    const X86Operand *d = &insn->ops[0];
    const SSEVecOp *g = &sse_vec_ops[base];
    int pp = vex_pp(insn);
    bool ok;

    if (d->kind != (vec_gpr_dst(base) ? X86_OPK_GPR : X86_OPK_XMM) || pp < 0 ||
        vec_gpr_src(base) ||   /* VCVTSI2SS/SD: legacy forms only */
        (base == X86_MN_PEXTRW && insn->map != X86_MAP_0F) ||   /* r/m destination */
        !vec_lowerable(base, g) || vec_host_feature(g->feature) == VEC_HF_NB) {
        return 0;
    }
    bool has_imm = insn->nb_ops > 2 && insn->ops[insn->nb_ops - 1].kind == X86_OPK_IMM;
    X86Operand bsrc = *src;
    if (xf & VX_BTMP) {
        bsrc.kind = X86_OPK_XMM;   /* a 32-byte memory source: read from env->vtmp */
    }
    uint64_t desc = vec_desc_common(insn, base, &bsrc, immf & 0xff, has_imm, &ok);
    if (!ok) {
        return 0;
    }
    desc |= VEC_VEX | ((uint64_t)pp << VEC_PP_SHIFT);
    desc |= (wide ? VEC_L : 0) | (insn->vex_w ? VEC_W : 0) | (a ? VEC_A3 : 0);
    desc |= (uint64_t)(wide && vex_needs_avx2(base) ? VEC_HF_AVX2 : VEC_HF_AVX) << VEC_FEAT_SHIFT;
    desc |= (vec_scalar_widths(base) & (VEC_RGPR | VEC_FLAGS)) | vec_str_bits(base);
    uint64_t doff = d->kind == X86_OPK_XMM ? XMM_OFF(d->reg) : 0;
    *offs = VEC_OFFS((desc & VEC_STR) ? XMM_OFF(0) : doff, a ? XMM_OFF(a->reg) : doff,
                     (xf & VX_BTMP) ? VTMP_OFF : src->kind == X86_OPK_XMM ? XMM_OFF(src->reg) : 0,
                     vec_mx_off(desc));
    return desc;
}

/* The generic vec emitter for VEX forms. */
static void gen_vex_vec(DisasContext *s, X86Insn *insn, unsigned base)
{
    const SSEVecOp *g = &sse_vec_ops[base];
    const X86Operand *d = &insn->ops[0], *a = NULL, *src;
    X86VecFn fn = g->fn;
    uint32_t immf = 0;
    uint64_t xf = 0;
    int n = insn->nb_ops, k;
    bool wide, b_vtmp = false;
    TCGv lo, hi, ret = NULL;

    if (n < 2) {
        gen_illegal_opcode(s);
        return;
    }
    /* operand shapes: (H, U, Ib) shifts by imm8; (V, H, W...); (V, W...) */
    if (insn->map == X86_MAP_0F && insn->opcode >= 0x71 && insn->opcode <= 0x73) {
        a = &insn->ops[1];
        src = &insn->ops[2];
        k = 3;
    } else if (n >= 3 && insn->ops[2].kind != X86_OPK_IMM) {
        a = &insn->ops[1];
        src = &insn->ops[2];
        k = 3;
    } else {
        src = &insn->ops[1];
        k = 2;
    }
    for (; k < n; k++) {
        if (insn->ops[k].kind == X86_OPK_IMM) {
            immf |= (uint32_t)insn->ops[k].imm & 0xff;
        } else if (insn->ops[k].kind == X86_OPK_XMM) {
            immf |= (uint32_t)insn->ops[k].reg << 4;   /* is4 register (VBLENDV*) */
        }
    }
    if ((a && a->kind != X86_OPK_XMM) ||
        (d->kind != X86_OPK_XMM && !(g->flags & G_RET)) ||
        (d->kind != X86_OPK_XMM && d->kind != X86_OPK_GPR && d->kind != X86_OPK_MEM)) {
        gen_illegal_opcode(s);
        return;
    }

    wide = insn->vex_l && ((d->kind == X86_OPK_XMM && d->size == 32) ||
                           ((src->kind == X86_OPK_XMM || src->kind == X86_OPK_MEM) &&
                            src->size == 32));
    if (insn->vex_l && !wide && g->msize >= 16) {
        gen_illegal_opcode(s);    /* VEX.128-only instruction */
        return;
    }
    if (wide) {
        if (!vex_256_ok(s, base)) {
            return;
        }
        immf |= VF_256;
        if (base == X86_MN_CVTPS2PD || base == X86_MN_CVTDQ2PD) {
            xf |= VX_WIDEN;
        } else if (base == X86_MN_CVTPD2PS || base == X86_MN_CVTPD2DQ ||
                   base == X86_MN_CVTTPD2DQ) {
            xf |= VX_NARROW;
        } else if (g->flags & G_FP) {
            xf |= VX_LANES;
        }
    }
    if ((g->flags & G_W) && insn->vex_w) {
        immf |= VF_W64;
    }
    switch (base) {
    case X86_MN_CMPPS: fn = vop_vcmpps; immf = (immf & ~0xffu) | (immf & 0x1f); break;
    case X86_MN_CMPPD: fn = vop_vcmppd; immf = (immf & ~0xffu) | (immf & 0x1f); break;
    case X86_MN_CMPSS: fn = vop_vcmpss; immf = (immf & ~0xffu) | (immf & 0x1f); break;
    case X86_MN_CMPSD: fn = vop_vcmpsd; immf = (immf & ~0xffu) | (immf & 0x1f); break;
    case X86_MN_INSERTPS:
        if (src->kind == X86_OPK_MEM) {
            immf &= ~0xc0u;   /* the m32 is the source element */
        }
        break;
    default:
        break;
    }
    if (d->kind == X86_OPK_XMM && d->size != 32 && !(g->flags & (G_RET | G_FLAGS))) {
        xf |= VX_ZUPPER;
    }
    if (g->flags & (G_RET | G_FLAGS)) {
        xf |= VX_NODEST;   /* ops[0] is a source (or a GPR), never written */
    }

    switch (src->kind) {
    case X86_OPK_IMM:
        if (g->flags & G_IMMCTL) {
            immf |= (uint32_t)src->imm & 0xff;
            lo = tcg_constant_i64(0);
        } else {
            lo = tcg_constant_i64((uint64_t)src->imm & 0xff);
        }
        hi = tcg_constant_i64(0);
        break;
    case X86_OPK_XMM:
        xf |= VX_BREG | ((uint64_t)src->reg << VX_BREG_SHIFT);
        lo = hi = tcg_constant_i64(0);
        break;
    case X86_OPK_GPR:
        lo = tcg_temp_new();
        gen_load_operand(s, lo, src);
        hi = tcg_constant_i64(0);
        break;
    case X86_OPK_MEM: {
        unsigned size = src->size ? src->size : g->msize;
        if (size == 32) {
            /* one 32-byte access into env->vtmp, which the op reads as a
             * register */
            tcg_gen_qemu_ld_env(VTMP_OFF, gen_lea(s), 32);
            xf |= VX_BTMP;
            lo = hi = tcg_constant_i64(0);
        } else {
            b_vtmp = gen_vec_src_mem(s, gen_lea(s), (int)size, &lo, &hi);
        }
        break;
    }
    default:
        gen_illegal_opcode(s);
        return;
    }

    if (g->flags & (G_RET | G_FLAGS)) {
        ret = tcg_temp_new();
    }
    int dreg = d->kind == X86_OPK_XMM ? d->reg : 0;
    int areg = a ? a->reg : dreg;
    TCGv args[5] = {
        env_arg(), tcg_constant_i64((uint64_t)(uintptr_t)fn),
        tcg_constant_i64(VEC_CTL(dreg, areg, immf) | xf), lo, hi,
    };
    uint64_t offs = 0, desc = vec_vex_desc(insn, base, a, src, wide, immf,
                                           xf | (b_vtmp ? VX_BTMP : 0), &offs);
    if (desc && ret) {
        tcg_gen_vec_ret(ret, args[0], args[1], args[2], lo, hi, desc, offs, &helper_info_vex_ret);
    } else if (desc) {
        tcg_gen_vec(args[0], args[1], args[2], lo, hi, desc, offs, &helper_info_vex);
    } else {
        tcg_gen_callN(ret ? &helper_info_vex_ret : &helper_info_vex, ret, 5, args);
    }
    if (g->flags & G_RET) {
        if (d->kind == X86_OPK_MEM) {
            gen_st(s, ret, gen_lea(s), d->size);
        } else {
            gen_write_gpr(s, d->reg, false, (immf & VF_W64) ? 8 : 4, ret);
        }
    } else if (g->flags & G_FLAGS) {
        gen_flags_result(s, base, ret);
    }
    if (base == X86_MN_PCMPESTRM || base == X86_MN_PCMPISTRM) {
        gen_zero_upper(0);   /* the implicit VEX.128 destination XMM0 */
    }
}

/* A VEX register-to-register move as a vec op (tcg_vec_ops_native):
 * vmovaps d, s on 16 (bits 255:128 of d zeroed) or 32 bytes. */
static void gen_vex_mov_rr(int dreg, int sreg, bool wide)
{
    uint64_t xf = VX_BREG | ((uint64_t)sreg << VX_BREG_SHIFT) | (wide ? 0 : VX_ZUPPER);
    uint64_t desc = 0x28 | (1u << VEC_MAP_SHIFT) | VEC_VEX | VEC_BREG | (wide ? VEC_L : 0) |
                    ((uint64_t)VEC_HF_AVX << VEC_FEAT_SHIFT);
    uint64_t offs = VEC_OFFS(XMM_OFF(dreg), XMM_OFF(dreg), XMM_OFF(sreg), MXCSR_OFF);
    TCGv zero = tcg_constant_i64(0);
    tcg_gen_vec(env_arg(), tcg_constant_i64((uint64_t)(uintptr_t)vop_mov128),
                tcg_constant_i64(VEC_CTL(dreg, dreg, wide ? VF_256 : 0) | xf), zero, zero,
                desc, offs, &helper_info_vex);
}

/* VMOVAPS/APD/DQA/UPS/UPD/DQU, VLDDQU, VMOVNTPS/PD/DQ, VMOVNTDQA:
 * 128/256-bit copies; VEX.128 register destinations zero bits 255:128. */
static void gen_vmov(DisasContext *s, X86Insn *insn, unsigned base)
{
    const X86Operand *d = &insn->ops[0], *src = &insn->ops[1];
    int nq = insn->vex_l ? 4 : 2;
    bool align = base == X86_MN_MOVAPS || base == X86_MN_MOVAPD || base == X86_MN_MOVDQA ||
                 base == X86_MN_MOVNTPS || base == X86_MN_MOVNTPD || base == X86_MN_MOVNTDQ ||
                 base == X86_MN_MOVNTDQA;
    TCGv q[4];

    if (insn->nb_ops != 2 ||
        ((base == X86_MN_MOVNTPS || base == X86_MN_MOVNTPD || base == X86_MN_MOVNTDQ) &&
         d->kind != X86_OPK_MEM) ||
        ((base == X86_MN_LDDQU || base == X86_MN_MOVNTDQA) && src->kind != X86_OPK_MEM)) {
        gen_illegal_opcode(s);
        return;
    }
    if (insn->vex_l && !vex_256_ok(s, base)) {
        return;
    }
    if (d->kind == X86_OPK_XMM && src->kind == X86_OPK_MEM) {
        TCGv addr = gen_lea(s);
        if (align) {
            gen_check_align(s, addr, 8 * nq);
        }
        tcg_gen_qemu_ld_env(XMM_OFF(d->reg), addr, 8 * nq);   /* one access */
        if (nq == 2) {
            gen_zero_upper(d->reg);
        }
    } else if (d->kind == X86_OPK_XMM && src->kind == X86_OPK_XMM && tcg_vec_ops_native) {
        gen_vex_mov_rr(d->reg, src->reg, nq == 4);
    } else if (d->kind == X86_OPK_XMM && src->kind == X86_OPK_XMM) {
        gen_src_q(s, src, nq, 0, q);
        if (src->kind != X86_OPK_XMM || src->reg != d->reg) {
            for (int i = 0; i < nq; i++) {
                tcg_gen_mov_i64(cpu_xmm[d->reg][i], q[i]);
            }
        }
        if (nq == 2) {
            gen_zero_upper(d->reg);
        }
    } else if (d->kind == X86_OPK_MEM && src->kind == X86_OPK_XMM) {
        TCGv addr = gen_lea(s);
        if (align) {
            gen_check_align(s, addr, 8 * nq);
        }
        tcg_gen_qemu_st_env(XMM_OFF(src->reg), addr, 8 * nq);
    } else {
        gen_illegal_opcode(s);
    }
}

/* VMOVSS/VMOVSD: loads zero-extend to 256 bits; the 3-operand register
 * form is d = {s low element, H's bits 127:size*8}, 255:128 zero (LIG). */
static void gen_vmovs(DisasContext *s, X86Insn *insn, unsigned base)
{
    const X86Operand *d = &insn->ops[0];
    int size = base == X86_MN_MOVSS ? 4 : 8;

    if (insn->nb_ops == 3 && d->kind == X86_OPK_XMM && insn->ops[1].kind == X86_OPK_XMM &&
        insn->ops[2].kind == X86_OPK_XMM) {
        int h = insn->ops[1].reg, r = insn->ops[2].reg;
        TCGv lo = tcg_temp_new(), hi = tcg_temp_new();
        if (size == 8) {
            tcg_gen_mov_i64(lo, cpu_xmm[r][0]);
        } else {
            tcg_gen_deposit_i64(lo, cpu_xmm[h][0], cpu_xmm[r][0], 0, 32);
        }
        tcg_gen_mov_i64(hi, cpu_xmm[h][1]);
        tcg_gen_mov_i64(cpu_xmm[d->reg][0], lo);
        tcg_gen_mov_i64(cpu_xmm[d->reg][1], hi);
        gen_zero_upper(d->reg);
    } else if (insn->nb_ops == 2 && d->kind == X86_OPK_XMM &&
               insn->ops[1].kind == X86_OPK_MEM) {
        TCGv v = tcg_temp_new();
        gen_ld(s, v, gen_lea(s), size, false);
        tcg_gen_mov_i64(cpu_xmm[d->reg][0], v);
        tcg_gen_movi_i64(cpu_xmm[d->reg][1], 0);
        gen_zero_upper(d->reg);
    } else if (insn->nb_ops == 2 && d->kind == X86_OPK_MEM &&
               insn->ops[1].kind == X86_OPK_XMM) {
        gen_st(s, cpu_xmm[insn->ops[1].reg][0], gen_lea(s), size);
    } else {
        gen_illegal_opcode(s);
    }
}

/* VMOVLPS/LPD (half 0), VMOVHPS/HPD (half 1): d = H with that half from
 * m64; stores as legacy.  VMOVHLPS: d = {U.q1, H.q1}; VMOVLHPS: {H.q0, U.q0}. */
static void gen_vmov_half(DisasContext *s, X86Insn *insn, unsigned base)
{
    const X86Operand *d = &insn->ops[0];
    int half = (base == X86_MN_MOVHPS || base == X86_MN_MOVHPD) ? 1 : 0;
    TCGv r[2];

    if (insn->vex_l) {
        gen_illegal_opcode(s);
        return;
    }
    if (insn->nb_ops == 2 && d->kind == X86_OPK_MEM && insn->ops[1].kind == X86_OPK_XMM) {
        gen_st(s, cpu_xmm[insn->ops[1].reg][half], gen_lea(s), 8);
        return;
    }
    if (insn->nb_ops != 3 || d->kind != X86_OPK_XMM || insn->ops[1].kind != X86_OPK_XMM) {
        gen_illegal_opcode(s);
        return;
    }
    int h = insn->ops[1].reg;
    const X86Operand *src = &insn->ops[2];
    r[0] = tcg_temp_new();
    r[1] = tcg_temp_new();
    if (base == X86_MN_MOVHLPS || base == X86_MN_MOVLHPS) {
        if (src->kind != X86_OPK_XMM) {
            gen_illegal_opcode(s);
            return;
        }
        if (base == X86_MN_MOVHLPS) {
            tcg_gen_mov_i64(r[0], cpu_xmm[src->reg][1]);
            tcg_gen_mov_i64(r[1], cpu_xmm[h][1]);
        } else {
            tcg_gen_mov_i64(r[0], cpu_xmm[h][0]);
            tcg_gen_mov_i64(r[1], cpu_xmm[src->reg][0]);
        }
    } else {
        if (src->kind != X86_OPK_MEM) {
            gen_illegal_opcode(s);
            return;
        }
        gen_ld(s, r[half], gen_lea(s), 8, false);
        tcg_gen_mov_i64(r[half ^ 1], cpu_xmm[h][half ^ 1]);
    }
    tcg_gen_mov_i64(cpu_xmm[d->reg][0], r[0]);
    tcg_gen_mov_i64(cpu_xmm[d->reg][1], r[1]);
    gen_zero_upper(d->reg);
}

/* VMOVD/VMOVQ (VEX.128 only): as legacy, XMM destinations zeroed to 255. */
static void gen_vmovdq(DisasContext *s, X86Insn *insn, unsigned base)
{
    if (insn->vex_l) {
        gen_illegal_opcode(s);
        return;
    }
    gen_movdq(s, insn, base == X86_MN_MOVD ? 4 : 8);
    if (insn->ops[0].kind == X86_OPK_XMM) {
        gen_zero_upper(insn->ops[0].reg);
    }
}

/* VPAND/VANDPS/..., 128 or 256 bits: d = H op W (ANDN: ~H & W). */
static void gen_vlogic(DisasContext *s, X86Insn *insn, unsigned base)
{
    const X86Operand *d = &insn->ops[0], *h = &insn->ops[1], *src = &insn->ops[2];
    int nq = insn->vex_l ? 4 : 2, op;
    TCGv q[4], r[4];

    switch (base) {
    case X86_MN_PAND: case X86_MN_ANDPS: case X86_MN_ANDPD: op = LOGIC_AND; break;
    case X86_MN_PANDN: case X86_MN_ANDNPS: case X86_MN_ANDNPD: op = LOGIC_ANDN; break;
    case X86_MN_POR: case X86_MN_ORPS: case X86_MN_ORPD: op = LOGIC_OR; break;
    default: op = LOGIC_XOR; break;
    }
    if (insn->nb_ops != 3 || d->kind != X86_OPK_XMM || h->kind != X86_OPK_XMM ||
        (src->kind != X86_OPK_XMM && src->kind != X86_OPK_MEM)) {
        gen_illegal_opcode(s);
        return;
    }
    if (insn->vex_l && !vex_256_ok(s, base)) {
        return;
    }
    if (tcg_vec_ops_native && !(src->kind == X86_OPK_XMM && src->reg == h->reg &&
                                op == LOGIC_ANDN)) {
        gen_vex_vec(s, insn, base);     /* (the JIT zeroes for vpxor x, h, h) */
        return;
    }
    if (src->kind == X86_OPK_XMM && src->reg == h->reg &&
        (op == LOGIC_XOR || op == LOGIC_ANDN)) {
        /* the zeroing idioms */
        for (int i = 0; i < 4; i++) {
            tcg_gen_movi_i64(cpu_xmm[d->reg][i], 0);
        }
        return;
    }
    gen_src_q(s, src, nq, 0, q);
    for (int i = 0; i < nq; i++) {
        TCGv x = cpu_xmm[h->reg][i];
        r[i] = tcg_temp_new();
        switch (op) {
        case LOGIC_AND:  tcg_gen_and_i64(r[i], x, q[i]); break;
        case LOGIC_ANDN: tcg_gen_andc_i64(r[i], q[i], x); break;
        case LOGIC_OR:   tcg_gen_or_i64(r[i], x, q[i]); break;
        default:         tcg_gen_xor_i64(r[i], x, q[i]); break;
        }
    }
    for (int i = 0; i < nq; i++) {
        tcg_gen_mov_i64(cpu_xmm[d->reg][i], r[i]);
    }
    if (nq == 2) {
        gen_zero_upper(d->reg);
    }
}

/* VLDMXCSR/VSTMXCSR (the decoder allows only VEX.L=0), VMASKMOVDQU. */
static void gen_vmxcsr(DisasContext *s, X86Insn *insn, unsigned base)
{
    if (base == X86_MN_LDMXCSR) {
        gen_LDMXCSR(s, insn);
    } else {
        gen_STMXCSR(s, insn);
    }
}

static void gen_vmaskmov(DisasContext *s, X86Insn *insn, unsigned base)
{
    if (insn->vex_l) {
        gen_illegal_opcode(s);
        return;
    }
    gen_maskmov(s, insn, false);
}

static gpointer vex_build(gpointer unused)
{
    static const struct { uint16_t mn; VexGenFn fn; } special[] = {
        { X86_MN_MOVAPS, gen_vmov }, { X86_MN_MOVAPD, gen_vmov }, { X86_MN_MOVDQA, gen_vmov },
        { X86_MN_MOVUPS, gen_vmov }, { X86_MN_MOVUPD, gen_vmov }, { X86_MN_MOVDQU, gen_vmov },
        { X86_MN_LDDQU, gen_vmov }, { X86_MN_MOVNTPS, gen_vmov }, { X86_MN_MOVNTPD, gen_vmov },
        { X86_MN_MOVNTDQ, gen_vmov }, { X86_MN_MOVNTDQA, gen_vmov },
        { X86_MN_MOVSS, gen_vmovs }, { X86_MN_MOVSD_SSE, gen_vmovs },
        { X86_MN_MOVLPS, gen_vmov_half }, { X86_MN_MOVLPD, gen_vmov_half },
        { X86_MN_MOVHPS, gen_vmov_half }, { X86_MN_MOVHPD, gen_vmov_half },
        { X86_MN_MOVHLPS, gen_vmov_half }, { X86_MN_MOVLHPS, gen_vmov_half },
        { X86_MN_MOVD, gen_vmovdq }, { X86_MN_MOVQ, gen_vmovdq },
        { X86_MN_PAND, gen_vlogic }, { X86_MN_ANDPS, gen_vlogic }, { X86_MN_ANDPD, gen_vlogic },
        { X86_MN_PANDN, gen_vlogic }, { X86_MN_ANDNPS, gen_vlogic }, { X86_MN_ANDNPD, gen_vlogic },
        { X86_MN_POR, gen_vlogic }, { X86_MN_ORPS, gen_vlogic }, { X86_MN_ORPD, gen_vlogic },
        { X86_MN_PXOR, gen_vlogic }, { X86_MN_XORPS, gen_vlogic }, { X86_MN_XORPD, gen_vlogic },
        { X86_MN_LDMXCSR, gen_vmxcsr }, { X86_MN_STMXCSR, gen_vmxcsr },
        { X86_MN_MASKMOVDQU, gen_vmaskmov },
    };
    GHashTable *by_name = g_hash_table_new(g_str_hash, g_str_equal);

    for (unsigned m = 0; m < X86_MN_NB; m++) {
        g_hash_table_insert(by_name, (gpointer)x86_mnemonic_names[m], GUINT_TO_POINTER(m));
    }
    for (unsigned m = 0; m < X86_MN_NB; m++) {
        const char *n = x86_mnemonic_names[m];
        gpointer b;
        if (n[0] != 'V' || m == X86_MN_VERR || m == X86_MN_VERW) {
            continue;
        }
        /* MOVSD is the string instruction: VMOVSD is the VEX MOVSD_SSE */
        if (m == X86_MN_VMOVSD) {
            vex_base[m] = X86_MN_MOVSD_SSE;
        } else if (g_hash_table_lookup_extended(by_name, n + 1, NULL, &b)) {
            vex_base[m] = (uint16_t)GPOINTER_TO_UINT(b);
        }
    }
    g_hash_table_destroy(by_name);
    for (size_t i = 0; i < G_N_ELEMENTS(special); i++) {
        vex_special[special[i].mn] = special[i].fn;
    }
    return NULL;
}

/* Any V<MNEMONIC>: the VEX form of a legacy line, if there is one. */
static void gen_vex(DisasContext *s, X86Insn *insn)
{
    unsigned base;

    g_once(&sse_vec_once, sse_vec_build, NULL);
    g_once(&vex_once, vex_build, NULL);
    base = vex_base[insn->mnemonic];
    if (!base || !(insn->prefixes & X86_PREFIX_VEX) ||
        (!vex_special[base] && !sse_vec_ops[base].fn)) {
        gen_unimplemented(s);
        return;
    }
    if (!x86_cpu_has(X86_FEAT_AVX)) {
        gen_illegal_opcode(s);
        return;
    }
    if (vex_special[base]) {
        vex_special[base](s, insn, base);
    } else {
        gen_vex_vec(s, insn, base);
    }
}

/* ---- dispatch table ---- */

const X86GenEntry x86_gen_sse[] = {
#define X(MN, fn, size, fl) { X86_MN_##MN, gen_sse_vec },
    SSE_VEC_OPS(X)
    SSE4_VEC_OPS(X)
#undef X
    { X86_MN_MOVAPS, gen_MOVAPS },        /* xmm/m128 = xmm/m128, aligned */
    { X86_MN_MOVAPD, gen_MOVAPS },
    { X86_MN_MOVDQA, gen_MOVAPS },
    { X86_MN_MOVUPS, gen_MOVUPS },        /* unaligned */
    { X86_MN_MOVUPD, gen_MOVUPS },
    { X86_MN_MOVDQU, gen_MOVUPS },
    { X86_MN_LDDQU, gen_LDDQU },          /* xmm = m128, unaligned */
    { X86_MN_MOVNTDQA, gen_MOVNTDQA },    /* xmm = m128, aligned (SSE4.1) */
    { X86_MN_MOVNTPS, gen_MOVNT },        /* m128 = xmm, aligned (hint ignored) */
    { X86_MN_MOVNTPD, gen_MOVNT },
    { X86_MN_MOVNTDQ, gen_MOVNT },
    { X86_MN_MOVNTQ, gen_MOVNTQ },        /* m64 = mm */
    { X86_MN_MOVSS, gen_MOVSS },          /* low float; loads zero the rest */
    { X86_MN_MOVSD_SSE, gen_MOVSD_SSE },  /* low double; loads zero the rest */
    { X86_MN_MOVLPS, gen_MOVLPS },        /* xmm.q[0] <-> m64 */
    { X86_MN_MOVLPD, gen_MOVLPS },
    { X86_MN_MOVHPS, gen_MOVHPS },        /* xmm.q[1] <-> m64 */
    { X86_MN_MOVHPD, gen_MOVHPS },
    { X86_MN_MOVHLPS, gen_MOVHLPS },      /* d.q[0] = s.q[1] */
    { X86_MN_MOVLHPS, gen_MOVLHPS },      /* d.q[1] = s.q[0] */
    { X86_MN_MOVD, gen_MOVD },            /* 32 bits gpr/m32 <-> mm/xmm (zero-extends) */
    { X86_MN_MOVQ, gen_MOVQ },            /* 64 bits gpr/m64/mm/xmm */
    { X86_MN_MOVQ2DQ, gen_MOVQ2DQ },      /* xmm = zext(mm) */
    { X86_MN_MOVDQ2Q, gen_MOVQ2DQ },      /* mm = xmm.q[0] */
    { X86_MN_PAND, gen_AND128 },          /* d &= s */
    { X86_MN_ANDPS, gen_AND128 },
    { X86_MN_ANDPD, gen_AND128 },
    { X86_MN_PANDN, gen_ANDN128 },        /* d = ~d & s */
    { X86_MN_ANDNPS, gen_ANDN128 },
    { X86_MN_ANDNPD, gen_ANDN128 },
    { X86_MN_POR, gen_OR128 },            /* d |= s */
    { X86_MN_ORPS, gen_OR128 },
    { X86_MN_ORPD, gen_OR128 },
    { X86_MN_PXOR, gen_XOR128 },          /* d ^= s */
    { X86_MN_XORPS, gen_XOR128 },
    { X86_MN_XORPD, gen_XOR128 },
    { X86_MN_LDMXCSR, gen_LDMXCSR },      /* MXCSR = m32 (#GP on reserved bits) */
    { X86_MN_STMXCSR, gen_STMXCSR },      /* m32 = MXCSR */
    { X86_MN_EMMS, gen_EMMS },            /* all x87 tags empty */
    { X86_MN_MASKMOVDQU, gen_MASKMOVDQU },/* byte-masked store to [rDI] */
    { X86_MN_MASKMOVQ, gen_MASKMOVQ },
    /* every V-mnemonic (but VERR/VERW) -> gen_vex; tables after this one
     * (tr-sse4.c, tr-avx.c) override it for what they handle themselves */
#define MN(name) { (#name)[0] == 'V' && X86_MN_##name != X86_MN_VERR &&          \
                   X86_MN_##name != X86_MN_VERW ? X86_MN_##name : X86_MN_UNKNOWN, gen_vex },
#include "mnemonics.def"
#undef MN
    { 0, NULL }
};
