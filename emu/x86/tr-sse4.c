/*
 * emu/x86/tr-sse4.c — the legacy (non-VEX) encodings of SSE3, SSSE3,
 * SSE4.1 and SSE4.2.
 *
 * Most of them are vec ops (sse4-ops.h) called the way tr-sse.c's generic
 * emitter calls them; this file has its own copy of that emitter because
 * the legacy forms need what the generic one does not do: the CPUID
 * feature check (#UD when the model lacks SSE3/SSSE3/SSE4.1/SSE4.2),
 * memory destinations of PEXTRB/W/D/Q and EXTRACTPS, and INSERTPS from
 * memory (the m32 is the source whatever imm[7:6] says).  The entries of
 * x86_gen_sse4[] come after x86_gen_sse[] in the dispatch and so replace
 * the generic emitter for these mnemonics; the VEX forms (V-names) stay
 * with tr-sse.c.  CRC32 and MOVNTDQA are not vec ops: inline IR and a
 * small helper.
 *
 * Alignment of legacy 16-byte memory operands: required (#GP) except for
 * PCMPESTRx/PCMPISTRx (G_NOALIGN), as on hardware.
 */
#include <glib.h>

#include "translate.h"
#include "cpu-model.h"
#include "sse4-ops.h"

/* The G_* line flags of tr-sse.c (same values; SSE4_VEC_OPS uses them). */
#define G_RET      0x01  /* result is a GPR value into ops[0] (or memory here) */
#define G_FLAGS    0x02  /* result is RFLAGS' arithmetic bits */
#define G_W        0x04  /* REX.W makes the GPR operand 64-bit (VF_W64) */
#define G_IMMCTL   0x08  /* an imm8 in ops[1] is the op's immediate */
#define G_NOALIGN  0x10  /* 16-byte memory operand needs no alignment */
#define G_CVT      0x20  /* conversion: msize is exact for MMX forms too */
#define G_MMX_M32  0x40  /* MMX form's memory operand is 32 bits */

static inline TCGv env_arg(void)
{
    return tcg_ctx()->env;
}

typedef struct SSE4Op {
    X86VecFn fn;
    uint8_t msize;
    uint8_t flags;
    int feature;   /* X86_FEAT_*; 0 = always present (PEXTRW of SSE) */
} SSE4Op;

static SSE4Op sse4_ops[X86_MN_NB];
static GOnce sse4_once = G_ONCE_INIT;

static gpointer sse4_build(gpointer unused)
{
#define X(MN, fn, size, fl) sse4_ops[X86_MN_##MN] = (SSE4Op){ vop_##fn, size, fl, FEAT };
#define FEAT X86_FEAT_SSE3
    SSE3_VEC_OPS(X)
#undef FEAT
#define FEAT X86_FEAT_SSSE3
    SSSE3_VEC_OPS(X)
#undef FEAT
#define FEAT X86_FEAT_SSE4_1
    SSE41_VEC_OPS(X)
    /* PEXTRW: 0F C5 (SSE2, GPR destination) and 0F 3A 15 (SSE4.1, r/m16) */
    X(PEXTRW, pextrw, 2, G_RET)
#undef FEAT
#define FEAT X86_FEAT_SSE4_2
    SSE42_VEC_OPS(X)
#undef FEAT
#undef X
    return NULL;
}

/* Branch around a #GP unless addr is 16-byte aligned. */
static void gen_check_align16(TCGv addr)
{
    TCGLabel *ok = gen_new_label();
    TCGv t = tcg_temp_new();

    tcg_gen_andi_i64(t, addr, 15);
    tcg_gen_brcondi_i64(TCG_COND_EQ, t, 0, ok);
    tcg_gen_call1(&helper_info_sse_misaligned, NULL, env_arg());
    gen_set_label(ok);
}

/* Load size (1, 2, 4, 8 or 16) bytes at addr into lo/hi (zero-extended). */
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

static bool is_vec_reg(const X86Operand *op)
{
    return op->kind == X86_OPK_XMM || op->kind == X86_OPK_MMX;
}

/* The generic vec emitter for the legacy forms (see the file comment). */
static void gen_sse4_vec(DisasContext *s, X86Insn *insn)
{
    const SSE4Op *g;
    const X86Operand *d = &insn->ops[0], *src = &insn->ops[1];
    uint32_t immf = 0;
    int msize, dreg = 0;
    TCGv lo, hi, ret = NULL, st_addr = NULL;

    g_once(&sse4_once, sse4_build, NULL);
    g = &sse4_ops[insn->mnemonic];
    msize = g->msize;
    if (!g->fn || insn->nb_ops < 2 || (insn->prefixes & (X86_PREFIX_LOCK | X86_PREFIX_VEX))) {
        gen_illegal_opcode(s);
        return;
    }
    /* PEXTRW's 0F C5 form is SSE2 (baseline); the other lines need theirs */
    if (g->feature && !(insn->mnemonic == X86_MN_PEXTRW && insn->map == X86_MAP_0F) &&
        !x86_cpu_has(g->feature)) {
        gen_illegal_opcode(s);
        return;
    }
    if (is_vec_reg(d)) {
        dreg = d->reg;
    } else if ((g->flags & G_RET) && d->kind == X86_OPK_MEM) {
        st_addr = gen_lea(s);     /* PEXTRx/EXTRACTPS m, xmm, imm8 */
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
    if ((g->flags & G_W) && (insn->rex & 8)) {
        immf |= VF_W64;
    }
    if (insn->nb_ops > 2 && insn->ops[2].kind == X86_OPK_IMM) {
        immf |= (uint32_t)insn->ops[2].imm & 0xff;
    }

    switch (src->kind) {
    case X86_OPK_XMM:
        lo = cpu_xmm[src->reg][0];
        hi = cpu_xmm[src->reg][1];
        break;
    case X86_OPK_MMX:
        lo = tcg_constant_i64(src->reg);
        hi = tcg_constant_i64(0);
        immf |= VF_BREG_MMX | VF_MMX_SRC;
        if (d->kind == X86_OPK_GPR) {
            immf |= VF_MMX;   /* PEXTRW r, mm */
        }
        break;
    case X86_OPK_GPR:
        lo = tcg_temp_new();
        gen_load_operand(s, lo, src);
        hi = tcg_constant_i64(0);
        break;
    case X86_OPK_MEM: {
        TCGv addr = gen_lea(s);
        lo = tcg_temp_new();
        hi = tcg_temp_new();
        if (msize == 16 && !(g->flags & G_NOALIGN)) {
            gen_check_align16(addr);
        }
        gen_ld_vec(s, addr, msize, lo, hi);
        if (insn->mnemonic == X86_MN_INSERTPS) {
            immf &= ~0xc0u;   /* the m32 is the source single */
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
    tcg_gen_callN(ret ? &helper_info_vec_ret : &helper_info_vec, ret, 5, args);
    if (st_addr) {
        gen_st(s, ret, st_addr, msize);
    } else if (g->flags & G_RET) {
        gen_write_gpr(s, d->reg, false, (immf & VF_W64) ? 8 : 4, ret);
    } else if (g->flags & G_FLAGS) {
        tcg_gen_mov_i64(cpu_cc_src, ret);
        set_cc_op(s, CC_OP_EFLAGS);
    }
}

/* MOVNTDQA xmm, m128: an aligned load (the non-temporal hint is moot). */
static void gen_MOVNTDQA(DisasContext *s, X86Insn *insn)
{
    const X86Operand *d = &insn->ops[0], *src = &insn->ops[1];
    TCGv addr, lo, hi;

    if (!x86_cpu_has(X86_FEAT_SSE4_1) || (insn->prefixes & X86_PREFIX_LOCK) ||
        d->kind != X86_OPK_XMM || src->kind != X86_OPK_MEM) {
        gen_illegal_opcode(s);
        return;
    }
    addr = gen_lea(s);
    lo = tcg_temp_new();
    hi = tcg_temp_new();
    gen_check_align16(addr);
    gen_ld_vec(s, addr, 16, lo, hi);
    tcg_gen_mov_i64(cpu_xmm[d->reg][0], lo);
    tcg_gen_mov_i64(cpu_xmm[d->reg][1], hi);
}

/* CRC32 r32/r64, r/m8/16/32/64: crc32c accumulate; flags unchanged.  The
 * source size is the operand's (Eb, or Ev: 66 = 16, REX.W = 64). */
static void gen_CRC32(DisasContext *s, X86Insn *insn)
{
    const X86Operand *d = &insn->ops[0], *src = &insn->ops[1];
    TCGv v = tcg_temp_new(), crc = tcg_temp_new(), r = tcg_temp_new();

    if (!x86_cpu_has(X86_FEAT_SSE4_2) || (insn->prefixes & X86_PREFIX_LOCK) ||
        d->kind != X86_OPK_GPR) {
        gen_illegal_opcode(s);
        return;
    }
    gen_load_operand(s, v, src);
    tcg_gen_ext32u_i64(crc, cpu_regs[d->reg]);
    tcg_gen_call3(&helper_info_crc32, r, crc, v, tcg_constant_i64(src->size));
    gen_write_gpr(s, d->reg, false, 8, r);   /* zero-extended result */
}

const X86GenEntry x86_gen_sse4[] = {
#define X(MN, fn, size, fl) { X86_MN_##MN, gen_sse4_vec },
    SSE4_VEC_OPS(X)
#undef X
    { X86_MN_PEXTRW, gen_sse4_vec },      /* r32/m16 = word imm (0F C5, 0F 3A 15) */
    { X86_MN_MOVNTDQA, gen_MOVNTDQA },    /* xmm = m128, aligned */
    { X86_MN_CRC32, gen_CRC32 },          /* r32/64 = crc32c(r, r/m8..64) */
    { 0, NULL },
};
