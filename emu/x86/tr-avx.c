/*
 * emu/x86/tr-avx.c — emitters for VEX-only instructions of AVX, AVX2, FMA
 * and F16C, and for XSAVE/XRSTOR.  VEX forms of SSE..SSE4.2 instructions
 * (VBLENDVPS/PD and VPBLENDVB included) go through the generic vec
 * emitter of tr-sse.c instead; XGETBV is in tr-misc.c.
 *
 * Most instructions are one line of AVX_OPS below: the helper op
 * (avx_helper.h, AvxFn), the CPUID feature that gates it, which operands
 * the decoder's table gives it (shape) and a few flags.  The generic
 * emitter passes register numbers, the imm8 and VEX.L in a ctl word and,
 * for a memory operand, its address; the helper loads it before writing
 * anything, so faults are precise.  VEX.L/VEX.W constraints of the SDM
 * are in the decoder's tables (L0/L1/W0/W1 lines): a form they reject is
 * #UD before it gets here.
 */
#include <glib.h>

#include "translate.h"
#include "avx_helper.h"
#include "cpu-model.h"
#include "sse_helper.h"
#include "emu/tcg/tcg-vec.h"

static inline TCGv env_arg(void)
{
    return tcg_ctx()->env;
}

/* Operand shapes, in the decoder's operand order. */
enum {
    S_VHW,    /* V, H, W [, Ib]: d = V, v = H, rm = W */
    S_VW,     /* V, W [, Ib]: d = V, rm = W */
};

/* Flags of a line. */
#define A_REG_AVX2  0x01  /* register source needs AVX2 (VBROADCASTSS/SD) */
#define A_MEMONLY   0x02  /* the W operand must be memory */
#define A_TEST      0x04  /* no destination; the result is ZF/CF (VTEST) */
#define A_VEC       0x08  /* integer/move op the JIT may run natively (vop_avx_*) */

/*
 * X(MNEMONIC, helper op, feature, shape, element/broadcast size or 0, flags)
 */
#define AVX_OPS(X) \
    X(VBROADCASTSS, broadcast, AVX, S_VW, 4, A_REG_AVX2 | A_VEC) /* all singles = W.s[0] */ \
    X(VBROADCASTSD, broadcast, AVX, S_VW, 8, A_REG_AVX2 | A_VEC) /* all doubles = W.d[0] */ \
    X(VBROADCASTF128, broadcast, AVX, S_VW, 16, A_MEMONLY) /* both lanes = m128 */ \
    X(VBROADCASTI128, broadcast, AVX2, S_VW, 16, A_MEMONLY) \
    X(VPBROADCASTB, broadcast, AVX2, S_VW, 1, A_VEC)      /* all bytes = W.b[0] */ \
    X(VPBROADCASTW, broadcast, AVX2, S_VW, 2, A_VEC) \
    X(VPBROADCASTD, broadcast, AVX2, S_VW, 4, A_VEC) \
    X(VPBROADCASTQ, broadcast, AVX2, S_VW, 8, A_VEC) \
    X(VPERMD, permd, AVX2, S_VHW, 0, A_VEC)               /* d.l[i] = W.l[H.l[i] & 7] */ \
    X(VPERMPS, permd, AVX2, S_VHW, 0, A_VEC) \
    X(VPERMQ, permq, AVX2, S_VW, 0, A_VEC)                /* d.q[i] = W.q[imm field i] */ \
    X(VPERMPD, permq, AVX2, S_VW, 0, A_VEC) \
    X(VPERM2F128, perm2x128, AVX, S_VHW, 0, A_VEC)        /* lanes from H/W or 0 per imm */ \
    X(VPERM2I128, perm2x128, AVX2, S_VHW, 0, A_VEC) \
    X(VINSERTF128, insert128, AVX, S_VHW, 0, A_VEC)       /* d = H with lane imm = W */ \
    X(VINSERTI128, insert128, AVX2, S_VHW, 0, A_VEC) \
    X(VPBLENDD, pblendd, AVX2, S_VHW, 0, A_VEC)           /* dwords: imm bit ? W : H */ \
    X(VTESTPS, vtestps, AVX, S_VW, 0, A_TEST)             /* ZF, CF from sign bits */ \
    X(VTESTPD, vtestpd, AVX, S_VW, 0, A_TEST) \
    X(VPSLLVD, psllvd, AVX2, S_VHW, 0, A_VEC)             /* H << W per dword */ \
    X(VPSLLVQ, psllvq, AVX2, S_VHW, 0, A_VEC) \
    X(VPSRLVD, psrlvd, AVX2, S_VHW, 0, A_VEC)             /* H >> W per dword, logical */ \
    X(VPSRLVQ, psrlvq, AVX2, S_VHW, 0, A_VEC) \
    X(VPSRAVD, psravd, AVX2, S_VHW, 0, A_VEC)             /* H >> W per dword, arithmetic */ \
    X(VCVTPH2PS, cvtph2ps, F16C, S_VW, 0, 0)              /* singles = halves */ \
    FMA_LINES(X)

/* VPERMILPS/PD have an imm8 form (V, W, Ib) and a variable one (V, H, W):
 * the emitter picks by the operands. */

#define FMA_ORD(X, MN, fn) \
    X(MN##132##PS, fn##132##ps, FMA, S_VHW, 0, 0) X(MN##213##PS, fn##213##ps, FMA, S_VHW, 0, 0) \
    X(MN##231##PS, fn##231##ps, FMA, S_VHW, 0, 0) X(MN##132##PD, fn##132##pd, FMA, S_VHW, 0, 0) \
    X(MN##213##PD, fn##213##pd, FMA, S_VHW, 0, 0) X(MN##231##PD, fn##231##pd, FMA, S_VHW, 0, 0)
#define FMA_ORD_S(X, MN, fn) \
    X(MN##132##SS, fn##132##ss, FMA, S_VHW, 0, 0) X(MN##213##SS, fn##213##ss, FMA, S_VHW, 0, 0) \
    X(MN##231##SS, fn##231##ss, FMA, S_VHW, 0, 0) X(MN##132##SD, fn##132##sd, FMA, S_VHW, 0, 0) \
    X(MN##213##SD, fn##213##sd, FMA, S_VHW, 0, 0) X(MN##231##SD, fn##231##sd, FMA, S_VHW, 0, 0)
/* d = ±(a*b) ± c with the operand order of the suffix (132: d*W+H,
 * 213: H*d+W, 231: H*W+d), one rounding */
#define FMA_LINES(X) \
    FMA_ORD(X, VFMADD, vfmadd) FMA_ORD(X, VFMSUB, vfmsub) \
    FMA_ORD(X, VFNMADD, vfnmadd) FMA_ORD(X, VFNMSUB, vfnmsub) \
    FMA_ORD(X, VFMADDSUB, vfmaddsub) FMA_ORD(X, VFMSUBADD, vfmsubadd) \
    FMA_ORD_S(X, VFMADD, vfmadd) FMA_ORD_S(X, VFMSUB, vfmsub) \
    FMA_ORD_S(X, VFNMADD, vfnmadd) FMA_ORD_S(X, VFNMSUB, vfnmsub)

#define X(MN, fn, feat, shape, es, fl) AVXOP(fn);
AVX_OPS(X)
#undef X
AVXOP(permilps_var); AVXOP(permilpd_var); AVXOP(permilps_imm); AVXOP(permilpd_imm);
AVXOP(extract128); AVXOP(cvtps2ph);

typedef struct AvxOpDesc {
    AvxFn fn;
    int feat;
    uint8_t shape, esize, flags;
} AvxOpDesc;

static AvxOpDesc avx_ops[X86_MN_NB];
static GOnce avx_ops_once = G_ONCE_INIT;

static gpointer avx_ops_build(gpointer unused)
{
#define X(MN, fn, feat, shape, es, fl) \
    avx_ops[X86_MN_##MN] = (AvxOpDesc){ avx_##fn, X86_FEAT_##feat, shape, es, fl };
    AVX_OPS(X)
#undef X
    return NULL;
}

static bool is_xmm(const X86Operand *op)
{
    return op->kind == X86_OPK_XMM;
}

/* Call fn through helper_avx: d, v, rm (register or memory), x, imm. */
static TCGv gen_avx_call(DisasContext *s, AvxFn fn, bool ret, int d, int v,
                         const X86Operand *rm, int x, unsigned imm, unsigned msize,
                         uint64_t flags)
{
    X86Insn *insn = &s->insn;
    uint64_t ctl = flags | (insn->vex_l ? AF_L : 0);
    TCGv addr, r = ret ? tcg_temp_new() : NULL;

    if (rm->kind == X86_OPK_MEM) {
        addr = gen_lea(s);
        ctl |= AF_MEM;
        ctl |= AVX_CTL(d, v, 0, x, imm, msize ? msize : rm->size);
    } else {
        addr = tcg_constant_i64(0);
        ctl |= AVX_CTL(d, v, rm->reg, x, imm, msize);
    }
    TCGv args[4] = {
        env_arg(), tcg_constant_i64((uint64_t)(uintptr_t)fn), tcg_constant_i64(ctl), addr,
    };
    tcg_gen_callN(ret ? &helper_info_avx_ret : &helper_info_avx, r, 4, args);
    return r;
}

static unsigned imm_of(const X86Insn *insn, int k)
{
    return (insn->nb_ops > k && insn->ops[k].kind == X86_OPK_IMM)
           ? (unsigned)insn->ops[k].imm & 0xff : 0;
}

/* ---- host lowering (the vec IR op, emu/tcg/tcg-vec.h) ----
 *
 * A_VEC lines are VEX.66 instructions with a host form taking registers
 * only (the broadcasts' m8..m64 forms too: the IR loads the element, the
 * host broadcasts it from a register): a `vec` op whose meaning is
 * helper_vex with the line's vop_avx_* adapter (avx_helper.h), loading a
 * memory source in the IR first as tr-sse.c does (a 32-byte one through
 * env->vtmp).  The host runs it when it has AVX2 (integer and moves: no
 * MXCSR).
 */

#define XMM_OFF(r) ((uint64_t)offsetof(CPUX86State, xmm[(r) & 15]))

static X86VecFn avx_vec_fn(AvxFn fn, unsigned esize)
{
    static const struct { AvxFn fn; X86VecFn vop; } map[] = {
        { avx_permd, vop_avx_permd }, { avx_permq, vop_avx_permq },
        { avx_perm2x128, vop_avx_perm2x128 }, { avx_insert128, vop_avx_insert128 },
        { avx_pblendd, vop_avx_pblendd }, { avx_psllvd, vop_avx_psllvd },
        { avx_psllvq, vop_avx_psllvq }, { avx_psrlvd, vop_avx_psrlvd },
        { avx_psrlvq, vop_avx_psrlvq }, { avx_psravd, vop_avx_psravd },
    };
    if (fn == avx_broadcast) {
        switch (esize) {
        case 1: return vop_avx_broadcast1;
        case 2: return vop_avx_broadcast2;
        case 4: return vop_avx_broadcast4;
        case 8: return vop_avx_broadcast8;
        default: return NULL;
        }
    }
    for (size_t i = 0; i < G_N_ELEMENTS(map); i++) {
        if (map[i].fn == fn) {
            return map[i].vop;
        }
    }
    return NULL;
}

/* An A_VEC line as a vec op; false if it has none (then the caller emits
 * the helper_avx call). */
static bool gen_avx_vec(DisasContext *s, X86Insn *insn, const AvxOpDesc *g, int d, int v,
                        const X86Operand *rm, unsigned imm)
{
    X86VecFn vop = avx_vec_fn(g->fn, g->esize);
    bool l = insn->vex_l, a3 = g->shape == S_VHW;
    bool has_imm = insn->ops[insn->nb_ops - 1].kind == X86_OPK_IMM;
    uint64_t xf = l ? 0 : VX_ZUPPER, boff = 0, desc;
    TCGv lo, hi;

    if (!vop || insn->map < X86_MAP_0F38 || insn->map > X86_MAP_0F3A) {
        return false;
    }
    desc = insn->opcode | ((uint64_t)(insn->map - X86_MAP_ONE) << VEC_MAP_SHIFT) |
           ((uint64_t)1 << VEC_PP_SHIFT) | VEC_VEX | (l ? VEC_L : 0) |
           (insn->vex_w ? VEC_W : 0) | (a3 ? VEC_A3 : 0) |
           ((uint64_t)VEC_HF_AVX2 << VEC_FEAT_SHIFT);
    if (has_imm) {
        desc |= VEC_IMM | ((uint64_t)(imm & 0xff) << VEC_IMM_SHIFT);
    }
    if (rm->kind == X86_OPK_XMM) {
        xf |= VX_BREG | ((uint64_t)rm->reg << VX_BREG_SHIFT);
        desc |= VEC_BREG;
        boff = XMM_OFF(rm->reg);
        lo = hi = tcg_constant_i64(0);
    } else {
        unsigned size = g->esize ? g->esize : rm->size;
        if (size != 1 && size != 2 && size != 4 && size != 8 && size != 16 && size != 32) {
            return false;
        }
        TCGv addr = gen_lea(s), q[4];
        if (size >= 16) {
            /* one access into env->vtmp, read as a register; the fallback
             * takes 32 bytes from there, 16 as b_lo/b_hi */
            tcg_gen_qemu_ld_env(offsetof(CPUX86State, vtmp), addr, size);
            desc |= VEC_BREG;
            boff = offsetof(CPUX86State, vtmp);
            if (size == 32) {
                xf |= VX_BTMP;
                lo = hi = tcg_constant_i64(0);
            } else {
                lo = cpu_vtmp[0];
                hi = cpu_vtmp[1];
            }
            goto emit;
        }
        /* every load before anything is written: a fault changes nothing */
        for (unsigned i = 0; i < (size + 7) / 8; i++) {
            TCGv a = addr;
            q[i] = tcg_temp_new();
            if (i) {
                a = tcg_temp_new();
                tcg_gen_addi_i64(a, addr, 8 * i);
            }
            gen_ld(s, q[i], a, size < 8 ? size : 8, false);
        }
        lo = q[0];
        hi = tcg_constant_i64(0);
    }
emit:;
    int a = a3 ? v : d;
    tcg_gen_vec(env_arg(), tcg_constant_i64((uint64_t)(uintptr_t)vop),
                tcg_constant_i64(VEC_CTL(d, a, (imm & 0xff) | (l ? VF_256 : 0)) | xf), lo, hi,
                desc, VEC_OFFS(XMM_OFF(d), XMM_OFF(a), boff, 0), &helper_info_vex);
    return true;
}

/* The generic emitter for the AVX_OPS lines. */
static void gen_avx_op(DisasContext *s, X86Insn *insn)
{
    const AvxOpDesc *g;
    const X86Operand *op = insn->ops, *rm;
    int d, v = 0;
    unsigned imm;

    g_once(&avx_ops_once, avx_ops_build, NULL);
    g = &avx_ops[insn->mnemonic];
    if (!g->fn || !x86_cpu_has(g->feat)) {
        gen_illegal_opcode(s);
        return;
    }
    switch (g->shape) {
    case S_VHW:
        d = op[0].reg;
        v = op[1].reg;
        rm = &op[2];
        imm = imm_of(insn, 3);
        break;
    default:
        d = op[0].reg;
        rm = &op[1];
        imm = imm_of(insn, 2);
        break;
    }
    if (!is_xmm(&op[0]) || (rm->kind != X86_OPK_XMM && rm->kind != X86_OPK_MEM)) {
        gen_illegal_opcode(s);
        return;
    }
    if (rm->kind == X86_OPK_XMM &&
        ((g->flags & A_MEMONLY) || ((g->flags & A_REG_AVX2) && !x86_cpu_has(X86_FEAT_AVX2)))) {
        gen_illegal_opcode(s);
        return;
    }
    if (g->flags & A_TEST) {
        TCGv f = gen_avx_call(s, g->fn, true, d, 0, rm, 0, 0, 0, AF_NOWRITE);
        tcg_gen_mov_i64(cpu_cc_src, f);
        set_cc_op(s, CC_OP_EFLAGS);
        return;
    }
    if ((g->flags & A_VEC) && gen_avx_vec(s, insn, g, d, v, rm, imm)) {
        return;
    }
    gen_avx_call(s, g->fn, false, d, v, rm, 0, imm, g->esize, 0);
}

/* VPERMILPS/VPERMILPD: V, W, Ib (imm form) or V, H, W (variable). */
static void gen_vpermil(DisasContext *s, X86Insn *insn, AvxFn fimm, AvxFn fvar)
{
    const X86Operand *op = insn->ops;

    if (!x86_cpu_has(X86_FEAT_AVX) || !is_xmm(&op[0])) {
        gen_illegal_opcode(s);
        return;
    }
    if (insn->nb_ops == 3 && op[2].kind == X86_OPK_IMM) {
        gen_avx_call(s, fimm, false, op[0].reg, 0, &op[1], 0, imm_of(insn, 2), 0, 0);
    } else {
        gen_avx_call(s, fvar, false, op[0].reg, op[1].reg, &op[2], 0, 0, 0, 0);
    }
}

static void gen_VPERMILPS(DisasContext *s, X86Insn *insn)
{
    gen_vpermil(s, insn, avx_permilps_imm, avx_permilps_var);
}

static void gen_VPERMILPD(DisasContext *s, X86Insn *insn)
{
    gen_vpermil(s, insn, avx_permilpd_imm, avx_permilpd_var);
}

/* VEXTRACTF128/I128 W, V, Ib: W = lane imm&1 of V (register: upper zeroed). */
static void gen_vextract128(DisasContext *s, X86Insn *insn, int feat)
{
    const X86Operand *dst = &insn->ops[0], *src = &insn->ops[1];
    unsigned l = imm_of(insn, 2) & 1;

    if (!x86_cpu_has(feat) || !is_xmm(src)) {
        gen_illegal_opcode(s);
        return;
    }
    if (dst->kind == X86_OPK_MEM) {
        TCGv addr = gen_lea(s), a8 = tcg_temp_new();
        /* the high half first: a fault on a following page writes nothing */
        tcg_gen_addi_i64(a8, addr, 8);
        gen_st(s, cpu_xmm[src->reg][2 * l + 1], a8, 8);
        gen_st(s, cpu_xmm[src->reg][2 * l], addr, 8);
    } else if (is_xmm(dst)) {
        TCGv lo = tcg_temp_new(), hi = tcg_temp_new();
        tcg_gen_mov_i64(lo, cpu_xmm[src->reg][2 * l]);
        tcg_gen_mov_i64(hi, cpu_xmm[src->reg][2 * l + 1]);
        tcg_gen_mov_i64(cpu_xmm[dst->reg][0], lo);
        tcg_gen_mov_i64(cpu_xmm[dst->reg][1], hi);
        tcg_gen_movi_i64(cpu_xmm[dst->reg][2], 0);
        tcg_gen_movi_i64(cpu_xmm[dst->reg][3], 0);
    } else {
        gen_illegal_opcode(s);
    }
}

static void gen_VEXTRACTF128(DisasContext *s, X86Insn *insn)
{
    gen_vextract128(s, insn, X86_FEAT_AVX);
}

static void gen_VEXTRACTI128(DisasContext *s, X86Insn *insn)
{
    gen_vextract128(s, insn, X86_FEAT_AVX2);
}

/* VCVTPS2PH W, V, Ib: halves of V's singles to a register or memory. */
static void gen_VCVTPS2PH(DisasContext *s, X86Insn *insn)
{
    const X86Operand *dst = &insn->ops[0], *src = &insn->ops[1];
    unsigned imm = imm_of(insn, 2);

    if (!x86_cpu_has(X86_FEAT_F16C) || !is_xmm(src)) {
        gen_illegal_opcode(s);
        return;
    }
    if (dst->kind == X86_OPK_MEM) {
        uint64_t ctl = AVX_CTL(0, 0, src->reg, 0, imm, 0) | (insn->vex_l ? AF_L : 0);
        tcg_gen_call3(&helper_info_avx_cvtps2ph_st, NULL, env_arg(), tcg_constant_i64(ctl),
                      gen_lea(s));
    } else if (is_xmm(dst)) {
        gen_avx_call(s, avx_cvtps2ph, false, dst->reg, 0, src, 0, imm, 0, 0);
    } else {
        gen_illegal_opcode(s);
    }
}

/* VMASKMOVPS/PD, VPMASKMOVD/Q: load (V, H, M) or store (M, H, V). */
static void gen_maskmov(DisasContext *s, X86Insn *insn, int feat, unsigned esize)
{
    const X86Operand *op = insn->ops;
    uint64_t l = insn->vex_l ? AF_L : 0;

    if (!x86_cpu_has(feat) || !is_xmm(&op[1])) {
        gen_illegal_opcode(s);
        return;
    }
    if (is_xmm(&op[0]) && op[2].kind == X86_OPK_MEM) {
        uint64_t ctl = AVX_CTL(op[0].reg, op[1].reg, 0, 0, esize, 0) | l;
        tcg_gen_call3(&helper_info_avx_maskload, NULL, env_arg(), tcg_constant_i64(ctl),
                      gen_lea(s));
    } else if (op[0].kind == X86_OPK_MEM && is_xmm(&op[2])) {
        uint64_t ctl = AVX_CTL(0, op[1].reg, op[2].reg, 0, esize, 0) | l;
        tcg_gen_call3(&helper_info_avx_maskstore, NULL, env_arg(), tcg_constant_i64(ctl),
                      gen_lea(s));
    } else {
        gen_illegal_opcode(s);
    }
}

static void gen_VMASKMOVPS(DisasContext *s, X86Insn *insn) { gen_maskmov(s, insn, X86_FEAT_AVX, 4); }
static void gen_VMASKMOVPD(DisasContext *s, X86Insn *insn) { gen_maskmov(s, insn, X86_FEAT_AVX, 8); }
static void gen_VPMASKMOVD(DisasContext *s, X86Insn *insn) { gen_maskmov(s, insn, X86_FEAT_AVX2, 4); }
static void gen_VPMASKMOVQ(DisasContext *s, X86Insn *insn) { gen_maskmov(s, insn, X86_FEAT_AVX2, 8); }

/* Gathers: V (destination), VSIB memory, H (mask). */
static void gen_gather(DisasContext *s, X86Insn *insn, unsigned kind)
{
    const X86Operand *op = insn->ops;
    const X86MemRef *m = &insn->mem;
    TCGv base = tcg_temp_new(), seg;

    if (!x86_cpu_has(X86_FEAT_AVX2) || !is_xmm(&op[0]) || op[1].kind != X86_OPK_MEM ||
        !is_xmm(&op[2]) || m->index < 0) {
        gen_illegal_opcode(s);
        return;
    }
    /* #UD if any two of destination, index and mask are the same */
    if (op[0].reg == op[2].reg || op[0].reg == m->index || op[2].reg == m->index) {
        gen_illegal_opcode(s);
        return;
    }
    if (m->base >= 0) {
        tcg_gen_addi_i64(base, cpu_regs[m->base], m->disp);
    } else {
        tcg_gen_movi_i64(base, m->disp);
    }
    seg = m->seg == R_FS ? cpu_fs_base : m->seg == R_GS ? cpu_gs_base : tcg_constant_i64(0);
    uint64_t ctl = AVX_CTL(op[0].reg, op[2].reg, m->index, 0, kind | (m->scale << 4), 0) |
                   (insn->vex_l ? AF_L : 0) | (m->addr_size == 4 ? AF_A32 : 0);
    tcg_gen_call4(&helper_info_avx_gather, NULL, env_arg(), tcg_constant_i64(ctl), base, seg);
}

static void gen_GATHER_DD(DisasContext *s, X86Insn *insn) { gen_gather(s, insn, 0); }
static void gen_GATHER_DQ(DisasContext *s, X86Insn *insn) { gen_gather(s, insn, AVX_G_EL64); }
static void gen_GATHER_QD(DisasContext *s, X86Insn *insn) { gen_gather(s, insn, AVX_G_IDX64); }
static void gen_GATHER_QQ(DisasContext *s, X86Insn *insn)
{
    gen_gather(s, insn, AVX_G_IDX64 | AVX_G_EL64);
}

/* VZEROUPPER: bits 255:128 of every ymm = 0.  VZEROALL: every ymm = 0. */
static void gen_vzero(DisasContext *s, bool all)
{
    if (!x86_cpu_has(X86_FEAT_AVX)) {
        gen_illegal_opcode(s);
        return;
    }
    for (int r = 0; r < 16; r++) {
        for (int q = all ? 0 : 2; q < 4; q++) {
            tcg_gen_movi_i64(cpu_xmm[r][q], 0);
        }
    }
}

static void gen_VZEROUPPER(DisasContext *s, X86Insn *insn) { gen_vzero(s, false); }
static void gen_VZEROALL(DisasContext *s, X86Insn *insn) { gen_vzero(s, true); }

/* XSAVE/XRSTOR m: components EDX:EAX & XCR0 (REX.W: XSAVE64/XRSTOR64). */
static void gen_xsave_op(DisasContext *s, X86Insn *insn, const TCGHelperInfo *h)
{
    if (!x86_cpu_has(X86_FEAT_XSAVE) || !x86_cpu_has(X86_FEAT_OSXSAVE) ||
        insn->nb_ops < 1 || insn->ops[0].kind != X86_OPK_MEM ||
        (insn->prefixes & X86_PREFIX_LOCK)) {
        gen_illegal_opcode(s);
        return;
    }
    tcg_gen_call3(h, NULL, env_arg(), gen_lea(s), tcg_constant_i64((insn->rex & 8) != 0));
}

static void gen_XSAVE(DisasContext *s, X86Insn *insn) { gen_xsave_op(s, insn, &helper_info_xsave); }
static void gen_XRSTOR(DisasContext *s, X86Insn *insn) { gen_xsave_op(s, insn, &helper_info_xrstor); }

const X86GenEntry x86_gen_avx[] = {
#define X(MN, fn, feat, shape, es, fl) { X86_MN_##MN, gen_avx_op },
    AVX_OPS(X)
#undef X
    { X86_MN_VPERMILPS, gen_VPERMILPS },       /* singles permuted in lane (imm or H) */
    { X86_MN_VPERMILPD, gen_VPERMILPD },       /* doubles permuted in lane */
    { X86_MN_VEXTRACTF128, gen_VEXTRACTF128 }, /* W = lane imm of V */
    { X86_MN_VEXTRACTI128, gen_VEXTRACTI128 },
    { X86_MN_VCVTPS2PH, gen_VCVTPS2PH },       /* halves = singles, rounding imm */
    { X86_MN_VMASKMOVPS, gen_VMASKMOVPS },     /* masked load/store, no fault when masked */
    { X86_MN_VMASKMOVPD, gen_VMASKMOVPD },
    { X86_MN_VPMASKMOVD, gen_VPMASKMOVD },
    { X86_MN_VPMASKMOVQ, gen_VPMASKMOVQ },
    { X86_MN_VPGATHERDD, gen_GATHER_DD },      /* gather by mask, dword indices */
    { X86_MN_VGATHERDPS, gen_GATHER_DD },
    { X86_MN_VPGATHERDQ, gen_GATHER_DQ },
    { X86_MN_VGATHERDPD, gen_GATHER_DQ },
    { X86_MN_VPGATHERQD, gen_GATHER_QD },      /* qword indices */
    { X86_MN_VGATHERQPS, gen_GATHER_QD },
    { X86_MN_VPGATHERQQ, gen_GATHER_QQ },
    { X86_MN_VGATHERQPD, gen_GATHER_QQ },
    { X86_MN_VZEROUPPER, gen_VZEROUPPER },     /* ymm[255:128] = 0 */
    { X86_MN_VZEROALL, gen_VZEROALL },         /* ymm = 0 */
    { X86_MN_XSAVE, gen_XSAVE },               /* m = state components of EDX:EAX */
    { X86_MN_XRSTOR, gen_XRSTOR },             /* state components = m (or init) */
    { 0, NULL },
};
