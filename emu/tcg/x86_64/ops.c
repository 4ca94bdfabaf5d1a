/*
 * emu/tcg/x86_64/ops.c — instruction selection: one IR op to host code.
 *
 * Every data op of ir-ops.def is lowered here, natively where x86 has it
 * (ALU, shifts by constants, BMI2 shifts, compares, cmov, bsr/bsf,
 * popcnt, bswap, mul) or by a call to a C function with the semantics of
 * emu/tcg/internal.h (variable rotates; shifts without BMI2; popcnt
 * without POPCNT).  Guest accesses are inline: one compare against
 * guest_addr_limit - JIT_ACCESS_MAX, then [guest_base + addr]; the rare
 * access near the limit or past it goes to an out-of-line stub that calls a
 * C function doing the exact check (and raising the guest fault).  A
 * constant address below the limit needs no compare: [guest_base + disp32]
 * (guest_addr_limit is fixed before anything is translated).
 *
 * Values that need flags (setcond, movcond, clz...) are computed in the
 * scratch r11 and moved to their register last: allocating an output may
 * spill (plain stores), never anything that changes flags or r11.
 */
#include <glib.h>

#include "emu/cpu.h"
#include "emu/tcg/internal.h"
#include "emu/tcg/backend.h"
#include "jit-internal.h"
#include "vec.h"

static inline int32_t slot_disp(unsigned slot)
{
    return (int32_t)(slot * 8);
}

static inline TCGTemp *T(const TCGOp *op, unsigned k)
{
    return (TCGTemp *)op->args[k];
}

static bool is_const(TCGTemp *t)
{
    return t->kind == TEMP_CONST;
}

/* Destination register for d computed from a in register ra: ra itself when
 * a's value is not needed after this op. */
static int dst_from(JitGen *g, TCGTemp *d, TCGTemp *a, int ra)
{
    if (a == d || is_const(a) || ra_dies(g, a)) {
        return ra;
    }
    return ra_out(g, d, 1u << ra);
}

static void movi_to(JitGen *g, TCGTemp *d, uint64_t v)
{
    int rd = ra_out(g, d, 0);
    jit_movi(&g->b, rd, v);
    ra_bind(g, d, rd);
}

/* ---- moves ---- */

static void lower_mov(JitGen *g, TCGTemp *d, TCGTemp *a)
{
    if (d == a) {
        return;
    }
    if (is_const(a)) {
        if (d->kind == TEMP_GLOBAL && d != g->pin && jit_fits_s32(a->val)) {
            /* cc_op, rip, constant flags: straight to env, no register */
            ra_drop(g, d);
            jit_st64i(&g->b, REG_ENV, slot_disp(d->slot), (int32_t)a->val);
            ti_of(g, d)->mem_ok = true;
            return;
        }
        movi_to(g, d, a->val);
        return;
    }
    TempInfo *ai = ti_of(g, a);
    if (ai->reg >= 0) {
        int ra = ai->reg;
        if (ra_dies(g, a)) {
            ra_bind(g, d, ra);      /* rename: no code */
            return;
        }
        g->locked |= 1u << ra;
        int rd = ra_out(g, d, 1u << ra);
        jit_mov_rr(&g->b, rd, ra);
        ra_bind(g, d, rd);
        return;
    }
    int rd = ra_out(g, d, 0);
    jit_ld64(&g->b, rd, REG_ENV, slot_disp((unsigned)ai->home));
    ra_bind(g, d, rd);
}

/* ---- calls ---- */

static const int8_t arg_regs[6] = { RDI, RSI, RDX, RCX, R8, R9 };

/*
 * Call func(args...) under SysV: values are read where they are now,
 * caller-saved registers are emptied first (live values saved home), then
 * register arguments move through the stack (push all, pop in reverse:
 * no ordering problem), then memory and constant ones load directly.
 * rsp is 16-byte aligned at the call (it is in all TB code).
 */
static void emit_call(JitGen *g, const void *func, TCGTemp *ret, TCGTemp **args,
                      const uint64_t *imm, unsigned n, bool is_helper, bool drop_globals,
                      bool flush_icount, bool may_fp)
{
    int src[6];
    g_assert(n <= 6);
    for (unsigned i = 0; i < n; i++) {
        TCGTemp *t = args[i];
        if (t && !is_const(t) && t != g->s->env && ti_of(g, t)->reg < 0 &&
            ti_of(g, t)->home < 0) {
            ra_in(g, t);    /* a TB temp never written: give it a place */
        }
        src[i] = t == NULL ? -1 : t == g->s->env ? REG_ENV : ti_of(g, t)->reg;
        if (src[i] >= 0) {
            g->locked |= 1u << src[i];
        }
    }
    if (is_helper) {
        jit_store_insn_start(g);
        jit_store_cur_tb(g);    /* it may raise, or ask which TB runs */
    }
    ra_before_call(g, drop_globals);
    if (may_fp) {
        jit_vec_mx_close_main(g);   /* C runs under the host's MXCSR */
    }
    if (flush_icount) {
        jit_flush_icount(&g->b);    /* C may read the counter or raise */
    }
    for (unsigned i = 0; i < n; i++) {
        if (src[i] >= 0) {
            jit_push(&g->b, src[i]);
        }
    }
    for (int i = (int)n - 1; i >= 0; i--) {
        if (src[i] >= 0) {
            jit_pop(&g->b, arg_regs[i]);
        }
    }
    for (unsigned i = 0; i < n; i++) {
        TCGTemp *t = args[i];
        if (src[i] >= 0) {
            continue;
        }
        if (t == NULL) {
            jit_movi(&g->b, arg_regs[i], imm[i]);
        } else if (is_const(t)) {
            jit_movi(&g->b, arg_regs[i], t->val);
        } else {
            TempInfo *ti = ti_of(g, t);
            g_assert(ti->home >= 0);
            jit_ld64(&g->b, arg_regs[i], REG_ENV, slot_disp((unsigned)ti->home));
        }
    }
    jit_movi(&g->b, REG_TMP, (uint64_t)(uintptr_t)func);
    jit_call_r(&g->b, REG_TMP);
    if (drop_globals) {
        ra_reload_pin(g);       /* the callee may have written it in env */
    }
    if (ret) {
        ra_bind(g, ret, RAX);
    }
}

static void lower_call(JitGen *g, const TCGOp *op)
{
    const TCGHelperInfo *info = tcg_op_helper(op);
    unsigned no = op->call_oargs, ni = op->call_iargs;
    TCGTemp *args[6];
    for (unsigned i = 0; i < ni; i++) {
        args[i] = T(op, no + i);
    }
    emit_call(g, info->func, no ? T(op, 0) : NULL, args, NULL, ni, true,
              !(info->flags & TCG_CALL_NO_WRITE_GLOBALS),
              !(info->flags & TCG_CALL_NO_SIDE_EFFECTS), !(info->flags & TCG_CALL_NO_FP));
}

/* d = jit_helper_binop(opc, a, b): the rare ops without a native form. */
static void lower_binop_call(JitGen *g, const TCGOp *op)
{
    TCGTemp *args[3] = { NULL, T(op, 1), T(op, 2) };
    uint64_t imm[3] = { op->opc, 0, 0 };
    emit_call(g, (const void *)jit_helper_binop, T(op, 0), args, imm, 3, false, false, false, false);
}

/* ---- arithmetic ---- */

static bool op_commutes(TCGOpcode opc)
{
    return opc == INDEX_op_add || opc == INDEX_op_mul || opc == INDEX_op_and ||
           opc == INDEX_op_or || opc == INDEX_op_xor;
}

/* ---- fusion with the ops after the one being lowered ---- */

/* The op n after the one being lowered, or NULL. */
static const TCGOp *op_after(JitGen *g, unsigned n)
{
    return g->idx + n < g->s->nb_ops ? &g->s->ops[g->idx + n] : NULL;
}

/* Whether t is a TB temp whose last reader is the op n after this one. */
static bool last_read_by(JitGen *g, TCGTemp *t, unsigned n)
{
    return t->kind == TEMP_TB && ti_of(g, t)->last_use == (int32_t)(g->idx + n);
}

/* The next n ops are part of this op's code: the vector cache sees them
 * now, and the driver skips them (JitGen.skip_ops). */
static void consume_ops(JitGen *g, unsigned n)
{
    for (unsigned k = 1; k <= n; k++) {
        jit_xc_note_op(&g->b, op_after(g, k));
    }
    g->skip_ops = n;
}

/*
 * `t = op a, b; d = ext32u t` with t dead after: the op's 32-bit form,
 * which zero-extends, straight into d (32-bit guest arithmetic).  Returns
 * d, or NULL.
 */
static TCGTemp *alu_fuse_ext32u(JitGen *g, const TCGOp *op)
{
    TCGTemp *t = T(op, 0);
    const TCGOp *nx = op_after(g, 1);
    if (op->opc == INDEX_op_mul || nx == NULL || nx->opc != INDEX_op_ext32u ||
        T(nx, 1) != t || !last_read_by(g, t, 1)) {
        return NULL;
    }
    consume_ops(g, 1);
    return T(nx, 0);
}

static void lower_alu(JitGen *g, const TCGOp *op)
{
    TCGOpcode opc = op->opc;
    TCGTemp *d = T(op, 0), *a = T(op, 1), *b = T(op, 2);
    static const uint8_t rr_opc[NB_OPS] = {
        [INDEX_op_add] = OPC_ADD, [INDEX_op_sub] = OPC_SUB, [INDEX_op_and] = OPC_AND,
        [INDEX_op_or] = OPC_OR, [INDEX_op_xor] = OPC_XOR, [INDEX_op_andc] = OPC_AND,
    };
    static const uint8_t ext[NB_OPS] = {
        [INDEX_op_add] = EXT_ADD, [INDEX_op_sub] = EXT_SUB, [INDEX_op_and] = EXT_AND,
        [INDEX_op_or] = EXT_OR, [INDEX_op_xor] = EXT_XOR, [INDEX_op_andc] = EXT_AND,
    };

    if (is_const(a) && is_const(b)) {
        uint64_t in[2] = { a->val, b->val }, r;
        tcg_fold_op(opc, in, NULL, &r);
        movi_to(g, d, r);
        return;
    }
    /* w: the operand size; 32 bits when fused with a zero-extension */
    TCGTemp *d32 = alu_fuse_ext32u(g, op);
    unsigned w = d32 ? 0 : P_W;
    if (d32) {
        d = d32;
    }
    if (is_const(a) && op_commutes(opc)) {
        TCGTemp *t = a; a = b; b = t;
    }
    /* the immediate, if b is a constant that fits */
    bool bimm = false;
    int64_t imm = 0;
    if (is_const(b)) {
        uint64_t v = opc == INDEX_op_andc ? ~b->val : b->val;
        if (!w) {
            v = (uint64_t)(int64_t)(int32_t)v;  /* only the low 32 bits count */
        }
        if (jit_fits_s32(v)) {
            bimm = true;
            imm = (int64_t)v;
        }
    }
    int ra = ra_in(g, a);
    int rb = bimm ? -1 : ra_in(g, b);
    int rd = (a == d || is_const(a) || ra_dies(g, a)) ? ra
             : ra_out(g, d, (1u << ra) | (rb >= 0 ? 1u << rb : 0));
    if (rd != ra && (opc == INDEX_op_add ||
                     (opc == INDEX_op_sub && bimm && imm != INT32_MIN))) {
        /* three-operand add: lea reads both sources before writing */
        if (bimm) {
            jit_op_rm(&g->b, w | OPC_LEA, rd, ra, (int32_t)(opc == INDEX_op_sub ? -imm : imm));
        } else {
            jit_op_rbi(&g->b, w | OPC_LEA, rd, ra, rb);
        }
        ra_bind(g, d, rd);
        return;
    }
    if (rb >= 0 && rd == rb && rd != ra) {
        /* d is b: compute in r11 */
        rd = REG_TMP;
    }
    jit_mov_rr(&g->b, rd, ra);
    if (opc == INDEX_op_mul) {
        if (bimm) {
            jit_imul_ri(&g->b, rd, rd, (int32_t)imm);
        } else {
            jit_op_rr(&g->b, P_W | OPC_IMUL, rd, rb);
        }
    } else if (bimm) {
        jit_alu_ri(&g->b, w, ext[opc], rd, (int32_t)imm);
    } else if (opc == INDEX_op_andc) {
        int rt = rd == REG_TMP ? ra_alloc(g, 0) : REG_TMP;
        if (is_const(b)) {
            jit_movi(&g->b, rt, ~b->val);
        } else {
            jit_mov_rr(&g->b, rt, rb);
            jit_unary(&g->b, EXT_NOT, rt);
        }
        jit_op_rr(&g->b, w | OPC_AND, rd, rt);
    } else {
        jit_op_rr(&g->b, w | rr_opc[opc], rd, rb);
    }
    if (rd == REG_TMP) {
        rd = ra_out(g, d, 0);
        jit_mov_rr(&g->b, rd, REG_TMP);
    }
    ra_bind(g, d, rd);
}

/*
 * `t = shl x, k (k <= 3); d = add a, t` with t dead after: one `lea d,
 * [a + x << k]` (`lea d, [x << k + c]` for a constant a that fits), the
 * indexing of an array; with `d2 = add d, c` next (d dead after, or d2
 * is d), `lea d2, [a + x << k + c]`.  Returns true if done (the adds consumed).
 */
static bool shl_fuse_add(JitGen *g, const TCGOp *op)
{
    TCGTemp *t = T(op, 0), *x = T(op, 1), *k = T(op, 2);
    const TCGOp *nx = op_after(g, 1);
    if (op->opc != INDEX_op_shl || !is_const(k) || k->val < 1 || k->val > 3 ||
        is_const(x) || nx == NULL || nx->opc != INDEX_op_add ||
        (T(nx, 1) == t) == (T(nx, 2) == t) || !last_read_by(g, t, 1)) {
        return false;
    }
    TCGTemp *d = T(nx, 0), *a = T(nx, 1) == t ? T(nx, 2) : T(nx, 1);
    if (is_const(a) && !jit_fits_s32(a->val)) {
        return false;
    }
    int64_t disp = is_const(a) ? (int64_t)a->val : 0;
    unsigned used = 1;
    /* and a displacement added next: `[a + x << k + c]` */
    const TCGOp *n2 = op_after(g, 2);
    if (n2 && n2->opc == INDEX_op_add && T(n2, 1) == d && is_const(T(n2, 2)) &&
        d->kind == TEMP_TB && (T(n2, 0) == d || last_read_by(g, d, 2)) &&
        jit_fits_s32((uint64_t)(disp + (int64_t)T(n2, 2)->val))) {
        disp += (int64_t)T(n2, 2)->val;
        d = T(n2, 0);
        used = 2;
    }
    consume_ops(g, used);
    int rx = ra_in(g, x);
    int ra = is_const(a) ? -1 : ra_in(g, a);
    /* lea reads its sources before it writes: d may be any of them */
    int rd = d == x ? rx : d == a ? ra : ra_out(g, d, 0);
    jit_lea_sib(&g->b, P_W, rd, ra, rx, (unsigned)k->val, (int32_t)disp);
    ra_bind(g, d, rd);
    return true;
}

static void lower_shift(JitGen *g, const TCGOp *op)
{
    TCGOpcode opc = op->opc;
    TCGTemp *d = T(op, 0), *a = T(op, 1), *b = T(op, 2);
    static const int8_t ext[NB_OPS] = {
        [INDEX_op_shl] = EXT_SHL, [INDEX_op_shr] = EXT_SHR, [INDEX_op_sar] = EXT_SAR,
        [INDEX_op_rotl] = EXT_ROL, [INDEX_op_rotr] = EXT_ROR,
        [INDEX_op_rotl32] = EXT_ROL, [INDEX_op_rotr32] = EXT_ROR,
    };
    bool is32 = opc == INDEX_op_rotl32 || opc == INDEX_op_rotr32;

    if (shl_fuse_add(g, op)) {
        return;
    }
    if (is_const(b)) {
        unsigned n = (unsigned)b->val & (is32 ? 31 : 63);
        int ra = ra_in(g, a);
        int rd = dst_from(g, d, a, ra);
        if (is32) {
            jit_op_rr(&g->b, OPC_MOV_LD, rd, ra);   /* zero-extends */
        } else {
            jit_mov_rr(&g->b, rd, ra);
        }
        if (n) {
            jit_shift_ri(&g->b, is32 ? 0 : P_W, ext[opc], rd, n);
        }
        ra_bind(g, d, rd);
        return;
    }
    if (jit_have_bmi2 && !is32 && opc != INDEX_op_rotl && opc != INDEX_op_rotr) {
        int ra = ra_in(g, a), rb = ra_in(g, b);
        int rd = ra_out(g, d, 0);
        jit_shiftx(&g->b, ext[opc], rd, ra, rb);
        ra_bind(g, d, rd);
        return;
    }
    lower_binop_call(g, op);
}

/* clz/ctz: d = a ? count : b */
static void lower_cnt_zeros(JitGen *g, const TCGOp *op)
{
    TCGTemp *d = T(op, 0), *a = T(op, 1), *b = T(op, 2);
    int ra = ra_in(g, a), rb = ra_in(g, b);
    if (op->opc == INDEX_op_clz) {
        jit_op_rr(&g->b, P_W | OPC_BSR, REG_TMP, ra);
        jit_alu_ri(&g->b, P_W, EXT_XOR, REG_TMP, 63);
        jit_op_rr(&g->b, P_W | OPC_TEST, ra, ra);
    } else {
        jit_op_rr(&g->b, P_W | OPC_BSF, REG_TMP, ra);
    }
    jit_op_rr(&g->b, P_W | OPC_CMOV(JCC_E), REG_TMP, rb);
    int rd = ra_out(g, d, 0);
    jit_mov_rr(&g->b, rd, REG_TMP);
    ra_bind(g, d, rd);
}

static void lower_unary(JitGen *g, const TCGOp *op)
{
    TCGOpcode opc = op->opc;
    TCGTemp *d = T(op, 0), *a = T(op, 1);
    if (is_const(a)) {
        uint64_t in[1] = { a->val }, r;
        tcg_fold_op(opc, in, NULL, &r);
        movi_to(g, d, r);
        return;
    }
    if (opc == INDEX_op_ctpop && !jit_have_popcnt) {
        TCGTemp *args[3] = { NULL, a, a };
        uint64_t imm[3] = { opc, 0, 0 };
        emit_call(g, (const void *)jit_helper_binop, d, args, imm, 3, false, false, false, false);
        return;
    }
    int ra = ra_in(g, a);
    int rd = dst_from(g, d, a, ra);
    JitBuf *b = &g->b;
    switch (opc) {
    case INDEX_op_neg:
    case INDEX_op_not:
        jit_mov_rr(b, rd, ra);
        jit_unary(b, opc == INDEX_op_neg ? EXT_NEG : EXT_NOT, rd);
        break;
    case INDEX_op_ext8s:  jit_op_rr(b, P_W | P_BREG | OPC_MOVSB, rd, ra); break;
    case INDEX_op_ext8u:  jit_op_rr(b, P_BREG | OPC_MOVZB, rd, ra); break;
    case INDEX_op_ext16s: jit_op_rr(b, P_W | OPC_MOVSW, rd, ra); break;
    case INDEX_op_ext16u: jit_op_rr(b, OPC_MOVZW, rd, ra); break;
    case INDEX_op_ext32s: jit_op_rr(b, P_W | OPC_MOVSXD, rd, ra); break;
    case INDEX_op_ext32u: jit_op_rr(b, OPC_MOV_LD, rd, ra); break;
    case INDEX_op_bswap16:
        jit_op_rr(b, OPC_MOVZW, rd, ra);
        jit_shift_ri(b, P_66, EXT_ROL, rd, 8);
        break;
    case INDEX_op_bswap32:
        jit_op_rr(b, OPC_MOV_LD, rd, ra);
        jit_bswap(b, 0, rd);
        break;
    case INDEX_op_bswap64:
        jit_mov_rr(b, rd, ra);
        jit_bswap(b, P_W, rd);
        break;
    case INDEX_op_ctpop:
        jit_op_rr(b, P_W | OPC_POPCNT, rd, ra);
        break;
    default:
        g_error("tcg jit: unary op %s", tcg_op_defs[opc].name);
    }
    ra_bind(g, d, rd);
}

static void lower_extract(JitGen *g, const TCGOp *op)
{
    TCGTemp *d = T(op, 0), *a = T(op, 1);
    unsigned pos = (unsigned)op->args[2], len = (unsigned)op->args[3];
    bool sign = op->opc == INDEX_op_sextract;
    if (is_const(a)) {
        movi_to(g, d, sign ? tcg_sem_sextract(a->val, pos, len)
                           : tcg_sem_extract(a->val, pos, len));
        return;
    }
    int ra = ra_in(g, a);
    int rd = dst_from(g, d, a, ra);
    JitBuf *b = &g->b;
    if (pos == 0 && (len == 8 || len == 16 || len == 32)) {
        static const unsigned zx[3] = { P_BREG | OPC_MOVZB, OPC_MOVZW, OPC_MOV_LD };
        static const unsigned sx[3] = { P_W | P_BREG | OPC_MOVSB, P_W | OPC_MOVSW,
                                        P_W | OPC_MOVSXD };
        unsigned k = len == 8 ? 0 : len == 16 ? 1 : 2;
        jit_op_rr(b, sign ? sx[k] : zx[k], rd, ra);
    } else {
        jit_mov_rr(b, rd, ra);
        if (64 - pos - len) {
            jit_shift_ri(b, P_W, EXT_SHL, rd, 64 - pos - len);
        }
        if (64 - len) {
            jit_shift_ri(b, P_W, sign ? EXT_SAR : EXT_SHR, rd, 64 - len);
        }
    }
    ra_bind(g, d, rd);
}

static void lower_deposit(JitGen *g, const TCGOp *op)
{
    TCGTemp *d = T(op, 0), *a = T(op, 1), *bt = T(op, 2);
    unsigned pos = (unsigned)op->args[3], len = (unsigned)op->args[4];
    JitBuf *b = &g->b;
    if (len >= 64) {
        lower_mov(g, d, bt);
        return;
    }
    if (pos == 0 && (len == 8 || len == 16)) {
        /* guest byte/word register writes: one narrow mov */
        int rb = ra_in(g, bt), ra = ra_in(g, a);
        int rd = dst_from(g, d, a, ra), src = rb;
        if (rd == rb && rd != ra) {
            jit_mov_rr(b, REG_TMP, rb);
            src = REG_TMP;
        }
        jit_mov_rr(b, rd, ra);
        jit_op_rr(b, len == 8 ? P_BREG | OPC_MOV_ST8 : P_66 | OPC_MOV_ST, src, rd);
        ra_bind(g, d, rd);
        return;
    }
    /* r11 = the field of b in place */
    int rb = ra_in(g, bt);
    jit_mov_rr(b, REG_TMP, rb);
    jit_shift_ri(b, P_W, EXT_SHL, REG_TMP, 64 - len);
    if (64 - len - pos) {
        jit_shift_ri(b, P_W, EXT_SHR, REG_TMP, 64 - len - pos);
    }
    /* rd = a with the field cleared: rotate it to bit 0, shift it out */
    int ra = ra_in(g, a);
    int rd = dst_from(g, d, a, ra);
    jit_mov_rr(b, rd, ra);
    if (pos) {
        jit_shift_ri(b, P_W, EXT_ROR, rd, pos);
    }
    jit_shift_ri(b, P_W, EXT_SHR, rd, len);
    jit_shift_ri(b, P_W, EXT_SHL, rd, len);
    if (pos) {
        jit_shift_ri(b, P_W, EXT_ROL, rd, pos);
    }
    jit_op_rr(b, P_W | OPC_OR, rd, REG_TMP);
    ra_bind(g, d, rd);
}

static void lower_mul2(JitGen *g, const TCGOp *op)
{
    TCGTemp *lo = T(op, 0), *hi = T(op, 1), *a = T(op, 2), *bt = T(op, 3);
    ra_take(g, RAX);
    ra_take(g, RDX);
    int ra = ra_in(g, a), rb = ra_in(g, bt);
    jit_mov_rr(&g->b, RAX, ra);
    jit_unary(&g->b, op->opc == INDEX_op_mulu2 ? EXT_MUL : EXT_IMUL, rb);
    ra_bind(g, lo, RAX);
    ra_bind(g, hi, RDX);
}

/* ---- comparisons ---- */

static int cond_cc(TCGCond c)
{
    switch (c) {
    case TCG_COND_EQ: case TCG_COND_TSTEQ: return JCC_E;
    case TCG_COND_NE: case TCG_COND_TSTNE: return JCC_NE;
    case TCG_COND_LT:  return JCC_L;
    case TCG_COND_GE:  return JCC_GE;
    case TCG_COND_LE:  return JCC_LE;
    case TCG_COND_GT:  return JCC_G;
    case TCG_COND_LTU: return JCC_B;
    case TCG_COND_GEU: return JCC_AE;
    case TCG_COND_LEU: return JCC_BE;
    case TCG_COND_GTU: return JCC_A;
    default:
        g_error("tcg jit: condition %d", c);
    }
}

/* A comparison with its operands in registers (or b an immediate). */
typedef struct Cmp {
    TCGCond c;
    int ra, rb;        /* rb < 0: immediate */
    int32_t imm;
} Cmp;

static Cmp cmp_prepare(JitGen *g, TCGCond c, TCGTemp *a, TCGTemp *b)
{
    Cmp k = { .c = c, .rb = -1 };
    if (is_const(a) && !is_const(b)) {
        TCGTemp *t = a; a = b; b = t;
        k.c = tcg_swap_cond(c);
    }
    k.ra = ra_in(g, a);
    if (is_const(b) && jit_fits_s32(b->val)) {
        k.imm = (int32_t)b->val;
    } else {
        k.rb = ra_in(g, b);
    }
    return k;
}

static int cmp_emit(JitGen *g, const Cmp *k)
{
    bool tst = k->c == TCG_COND_TSTEQ || k->c == TCG_COND_TSTNE;
    if (k->rb >= 0) {
        jit_op_rr(&g->b, P_W | (tst ? OPC_TEST : OPC_CMP), tst ? k->rb : k->ra,
                  tst ? k->ra : k->rb);
    } else if (tst) {
        jit_test_ri(&g->b, k->ra, k->imm);
    } else if (k->imm == 0) {
        jit_op_rr(&g->b, P_W | OPC_TEST, k->ra, k->ra);
    } else {
        jit_alu_ri(&g->b, P_W, EXT_CMP, k->ra, k->imm);
    }
    return cond_cc(k->c);
}

static void lower_setcond(JitGen *g, const TCGOp *op)
{
    TCGTemp *d = T(op, 0), *a = T(op, 1), *b = T(op, 2);
    TCGCond c = (TCGCond)op->args[3];
    if (c == TCG_COND_NEVER || c == TCG_COND_ALWAYS || (is_const(a) && is_const(b))) {
        movi_to(g, d, tcg_cond_eval(c, a->val, b->val));
        return;
    }
    const TCGOp *nx = op_after(g, 1);
    if (nx && nx->opc == INDEX_op_deposit && T(nx, 2) == d && T(nx, 1) != d &&
        nx->args[3] == 0 && nx->args[4] == 8 && last_read_by(g, d, 1)) {
        /* SETcc of a guest byte register: the flag straight into its
         * low byte (`cmp; setcc dil`, not setcc + movzx + mov) */
        TCGTemp *d2 = T(nx, 0), *a2 = T(nx, 1);
        consume_ops(g, 1);
        Cmp k = cmp_prepare(g, c, a, b);
        int cc = cmp_emit(g, &k);
        g->idx++;                       /* at the deposit now (ra_dies) */
        int ra2 = ra_in(g, a2);         /* loads and moves keep the flags */
        int rd = dst_from(g, d2, a2, ra2);
        jit_mov_rr(&g->b, rd, ra2);
        jit_op_rr(&g->b, P_BREG | OPC_SET(cc), 0, rd);
        ra_bind(g, d2, rd);
        return;
    }
    Cmp k = cmp_prepare(g, c, a, b);
    int cc = cmp_emit(g, &k);
    jit_op_rr(&g->b, OPC_SET(cc), 0, REG_TMP);
    int rd = ra_out(g, d, 0);
    jit_op_rr(&g->b, OPC_MOVZB, rd, REG_TMP);
    ra_bind(g, d, rd);
}

static void lower_movcond(JitGen *g, const TCGOp *op)
{
    TCGTemp *d = T(op, 0), *a = T(op, 1), *b = T(op, 2), *v1 = T(op, 3), *v2 = T(op, 4);
    TCGCond c = (TCGCond)op->args[5];
    if (c == TCG_COND_NEVER || c == TCG_COND_ALWAYS || (is_const(a) && is_const(b))) {
        lower_mov(g, d, tcg_cond_eval(c, a->val, b->val) ? v1 : v2);
        return;
    }
    int r1 = ra_in(g, v1), r2 = ra_in(g, v2);
    Cmp k = cmp_prepare(g, c, a, b);
    int cc = cmp_emit(g, &k);
    /* d = v2, then v1 if cc: in place when d is v2 (cmovcc eax, edi);
     * loads, stores and moves keep the flags */
    int rd = dst_from(g, d, v2, r2);
    if (rd == r1) {
        /* d's register holds v1 (d is the pinned rsp and so is v1) */
        jit_op_rr(&g->b, P_W | OPC_CMOV(cc ^ 1), rd, r2);
    } else {
        jit_mov_rr(&g->b, rd, r2);
        jit_op_rr(&g->b, P_W | OPC_CMOV(cc), rd, r1);
    }
    ra_bind(g, d, rd);
}

void jit_branch_label(JitGen *g, int cc, const TCGLabel *l)
{
    size_t at = cc < 0 ? jit_jmp32(&g->b) : jit_jcc32(&g->b, cc);
    if (g->nfix == g->fix_cap) {
        g->fix_cap = g->fix_cap ? g->fix_cap * 2 : 64;
        g->fix = g_renew(LabelFix, g->fix, g->fix_cap);
    }
    g->fix[g->nfix].at = at;
    g->fix[g->nfix].label = l->id;
    g->nfix++;
}

/* env->insn_pc = pc, env->insn_cc_op = cc_op (uses r11) */
static void emit_insn_values(JitBuf *b, uint64_t pc, uint64_t cc_op)
{
    jit_movi(b, REG_TMP, pc);
    jit_st64(b, REG_TMP, REG_ENV, slot_disp(ENV_SLOT(insn_pc)));
    if (jit_fits_s32(cc_op)) {
        jit_st64i(b, REG_ENV, slot_disp(ENV_SLOT(insn_cc_op)), (int32_t)cc_op);
    } else {
        jit_movi(b, REG_TMP, cc_op);
        jit_st64(b, REG_TMP, REG_ENV, slot_disp(ENV_SLOT(insn_cc_op)));
    }
}

/*
 * Cold raises.  The translator guards a check with
 *     brcond ok-condition, L ; call raise_*(env, consts) ; set_label L
 * (a non-canonical jump target, say).  Lowered as written, the call sits
 * in the main path behind a taken branch, and the label ends the basic
 * block: every register is written back and reloaded after it.  A call
 * that never returns (TCG_CALL_NO_RETURN) goes out of line instead: the
 * inverse jcc leads to a stub that stores the globals then only in
 * registers and the insn_start values, then calls the helper; the main
 * path goes on with its registers as they are.
 */
typedef struct ColdRaise {
    size_t jcc_at;
    const void *func;
    unsigned nargs;
    bool arg_env[6];
    uint64_t arg[6];
    DirtyGlobals dirty;
    XCacheState xc;         /* the vector cache there: its dirty entries stored */
    bool have_insn;
    uint64_t pc, cc_op;
} ColdRaise;

static __thread ColdRaise *colds;
static __thread uint32_t ncold, cold_cap;

/* The call after the brcond at op i, if the three ops are a cold raise. */
static const TCGOp *cold_raise_call(JitGen *g, uint32_t i)
{
    TCGContext *s = g->s;
    const TCGOp *op = &s->ops[i];
    if (op->opc != INDEX_op_brcond) {
        return NULL;
    }
    const TCGLabel *l = tcg_op_label(op, 3);
    if (i + 2 >= s->nb_ops) {
        return NULL;
    }
    const TCGOp *call = &s->ops[i + 1], *lab = &s->ops[i + 2];
    if (call->opc != INDEX_op_call || lab->opc != INDEX_op_set_label ||
        tcg_op_label(lab, 0) != l || call->call_oargs != 0 || call->call_iargs > 6 ||
        !(tcg_op_helper(call)->flags & TCG_CALL_NO_RETURN)) {
        return NULL;
    }
    for (unsigned k = 0; k < call->call_iargs; k++) {
        TCGTemp *t = T(call, k);
        if (!is_const(t) && t != s->env) {
            return NULL;
        }
    }
    for (uint32_t k = 0; k < s->nb_ops; k++) {   /* no other way to L */
        const TCGOp *o = &s->ops[k];
        if (k != i && ((o->opc == INDEX_op_brcond && tcg_op_label(o, 3) == l) ||
                       (o->opc == INDEX_op_br && tcg_op_label(o, 0) == l))) {
            return NULL;
        }
    }
    return call;
}

bool jit_is_cold_raise(JitGen *g, uint32_t i)
{
    return cold_raise_call(g, i) != NULL;
}

static void lower_cold_raise(JitGen *g, const Cmp *k, const TCGOp *call)
{
    if (ncold == cold_cap) {
        cold_cap = cold_cap ? cold_cap * 2 : 8;
        colds = g_renew(ColdRaise, colds, cold_cap);
    }
    ColdRaise *c = &colds[ncold++];
    c->func = tcg_op_helper(call)->func;
    c->nargs = call->call_iargs;
    for (unsigned i = 0; i < c->nargs; i++) {
        TCGTemp *t = T(call, i);
        c->arg_env[i] = t == g->s->env;
        c->arg[i] = c->arg_env[i] ? 0 : t->val;
    }
    ra_dirty_globals(g, &c->dirty);
    jit_xc_save(&c->xc);
    c->have_insn = g->have_insn;
    c->pc = g->insn_pc;
    c->cc_op = g->insn_cc_op;
    c->jcc_at = jit_jcc32(&g->b, cmp_emit(g, k) ^ 1);
}

static void emit_cold_raises(JitGen *g)
{
    JitBuf *b = &g->b;
    for (uint32_t i = 0; i < ncold; i++) {
        const ColdRaise *c = &colds[i];
        jit_patch_rel32(b, c->jcc_at, jit_buf_offset(b));
        jit_store_dirty(b, &c->dirty);
        jit_xc_flush_state(b, &c->xc);
        jit_vec_mx_close(b, g->epilogue);
        jit_store_cur_tb(g);
        if (c->have_insn) {
            emit_insn_values(b, c->pc, c->cc_op);
        }
        for (unsigned k = 0; k < c->nargs; k++) {
            if (c->arg_env[k]) {
                jit_mov_rr(b, arg_regs[k], REG_ENV);
            } else {
                jit_movi(b, arg_regs[k], c->arg[k]);
            }
        }
        jit_flush_icount(b);
        jit_movi(b, REG_TMP, (uint64_t)(uintptr_t)c->func);
        jit_call_r(b, REG_TMP);     /* rsp is 16-byte aligned in TB code */
        jit_byte(b, 0x0f);          /* ud2: it does not return */
        jit_byte(b, 0x0b);
    }
    ncold = 0;
}

bool jit_lower_brcond(JitGen *g, const TCGOp *op)
{
    TCGTemp *a = T(op, 0), *b = T(op, 1);
    TCGCond c = (TCGCond)op->args[2];
    const TCGLabel *l = tcg_op_label(op, 3);
    if (c == TCG_COND_NEVER || c == TCG_COND_ALWAYS || (is_const(a) && is_const(b))) {
        if (!tcg_cond_eval(c, a->val, b->val)) {
            return false;
        }
        ra_bb_end(g);
        jit_xc_branch(g, l);
        jit_branch_label(g, -1, l);
        ra_note_branch(g, l);
        jit_xc_save(&g->label_xc[l->id]);
        return true;
    }
    Cmp k = cmp_prepare(g, c, a, b);
    const TCGOp *call = cold_raise_call(g, g->idx);
    if (call) {
        lower_cold_raise(g, &k, call);
        g->skip_ops = 2;    /* the call and the label */
        return false;
    }
    ra_branch_sync(g, l);
    jit_xc_branch(g, l);        /* stores only: the flags stay */
    jit_branch_label(g, cmp_emit(g, &k), l);
    ra_note_branch(g, l);
    jit_xc_save(&g->label_xc[l->id]);   /* used if l has no other way in */
    return false;
}

/* ---- guest memory ---- */

void jit_store_insn_start(JitGen *g)
{
    if (!g->have_insn || g->insn_stored) {
        return;
    }
    emit_insn_values(&g->b, g->insn_pc, g->insn_cc_op);
    g->insn_stored = true;
}

bool jit_const_addr_ok(uint64_t addr, unsigned size)
{
    return addr <= guest_addr_limit - size && addr <= INT32_MAX - size;
}

void jit_add_slow(JitGen *g, size_t jcc_at, int addr, int val, bool is_store,
                  unsigned memop, uint32_t env_off, unsigned env_size)
{
    if (g->nslow == g->slow_cap) {
        g->slow_cap = g->slow_cap ? g->slow_cap * 2 : 32;
        g->slow = g_renew(SlowPath, g->slow, g->slow_cap);
    }
    g->slow[g->nslow++] = (SlowPath){
        .jcc_at = jcc_at, .back = jit_buf_offset(&g->b), .addr = (int8_t)addr,
        .val = (int8_t)val, .is_store = is_store, .memop = (uint8_t)memop,
        .env_off = (uint16_t)env_off, .env_size = (uint8_t)env_size,
    };
    jit_xc_save(&g->slow[g->nslow - 1].xc);
    g->slow[g->nslow - 1].amap_at = g->amap_last;   /* jit_note_access's */
}

void jit_note_insn(JitGen *g)
{
    if (!g->have_insn) {
        return;
    }
    uint32_t off = (uint32_t)jit_buf_offset(&g->b);
    if (g->nimap && g->imap[g->nimap - 1].pc == g->insn_pc &&
        g->imap[g->nimap - 1].cc_op == (uint32_t)g->insn_cc_op) {
        return;     /* still the same instruction */
    }
    if (g->nimap == g->imap_cap) {
        g->imap_cap = g->imap_cap ? g->imap_cap * 2 : 64;
        g->imap = g_renew(InsnMapEntry, g->imap, g->imap_cap);
    }
    g->imap[g->nimap++] = (InsnMapEntry){ off, (uint32_t)g->insn_cc_op, g->insn_pc };
}

/* The next instruction emitted is a guest access: record the globals only
 * in registers there, which a host fault at it takes from the interrupted
 * context (jit_fault_context), instead of storing them all before every
 * access. */
void jit_note_access(JitGen *g)
{
    DirtyGlobals d;
    ra_dirty_globals(g, &d);
    unsigned n = d.n;
    if (g->namap + 2 + n > g->amap_cap) {
        g->amap_cap = MAX(g->amap_cap * 2, g->namap + 2 + n + 64);
        g->amap = g_renew(uint32_t, g->amap, g->amap_cap);
    }
    g->amap_last = g->namap;
    g->amap[g->namap++] = (uint32_t)jit_buf_offset(&g->b);
    g->amap[g->namap++] = n;
    for (unsigned k = 0; k < n; k++) {
        g->amap[g->namap++] = (uint32_t)(d.disp[k] / 8) << 8 | d.reg[k];
    }
}

static void lower_qemu_ld(JitGen *g, const TCGOp *op)
{
    static const unsigned ld_opc[8] = {
        [MO_UB] = P_BREG | OPC_MOVZB, [MO_UW] = OPC_MOVZW, [MO_UL] = OPC_MOV_LD,
        [MO_UQ] = P_W | OPC_MOV_LD, [MO_SB] = P_W | OPC_MOVSB, [MO_SW] = P_W | OPC_MOVSW,
        [MO_SL] = P_W | OPC_MOVSXD, [MO_SIGN | MO_64] = P_W | OPC_MOV_LD,
    };
    TCGTemp *d = T(op, 0), *a = T(op, 1);
    unsigned memop = (unsigned)op->args[2] & 7;
    jit_note_insn(g);
    if (is_const(a) && jit_const_addr_ok(a->val, 8)) {
        int rd = ra_out(g, d, 0);
        jit_note_access(g);
        jit_op_rm(&g->b, ld_opc[memop] & ~P_BREG, rd, REG_GBASE, (int32_t)a->val);
        ra_bind(g, d, rd);
        return;
    }
    int ra = ra_in(g, a);
    int rd = dst_from(g, d, a, ra);
    jit_op_rr(&g->b, P_W | OPC_CMP, ra, REG_LIMIT);
    size_t jcc = jit_jcc32(&g->b, JCC_A);
    jit_note_access(g);
    jit_op_rbi(&g->b, ld_opc[memop] & ~P_BREG, rd, REG_GBASE, ra);
    jit_add_slow(g, jcc, ra, rd, false, memop, 0, 0);
    ra_bind(g, d, rd);
}

/* A constant stored as an immediate: one whose stored bytes are those of
 * a signed 16-bit value (what a slow path's description carries). */
static bool store_imm(TCGTemp *v, unsigned size_log2, int16_t *imm)
{
    if (!is_const(v)) {
        return false;
    }
    unsigned bits = 8u << size_log2;
    uint64_t val = bits == 64 ? v->val : v->val & ((1ull << bits) - 1);
    int64_t s = bits == 64 ? (int64_t)val : (int64_t)(val << (64 - bits)) >> (64 - bits);
    if (s < INT16_MIN || s > INT16_MAX) {
        return false;
    }
    *imm = (int16_t)s;
    return true;
}

/* mov [r15 + index] (index < 0: [r15 + disp]), from register rv or, rv < 0,
 * the immediate imm */
static void store_guest(JitGen *g, unsigned size_log2, int rv, int16_t imm, int index,
                        int32_t disp)
{
    static const unsigned st_opc[4] = {
        P_BREG | OPC_MOV_ST8, P_66 | OPC_MOV_ST, OPC_MOV_ST, P_W | OPC_MOV_ST,
    };
    if (rv < 0) {
        jit_st_imm(&g->b, size_log2, REG_GBASE, index, disp, imm);
    } else if (index < 0) {
        jit_op_rm(&g->b, st_opc[size_log2], rv, REG_GBASE, disp);
    } else {
        jit_op_rbi(&g->b, st_opc[size_log2], rv, REG_GBASE, index);
    }
}

static void lower_qemu_st(JitGen *g, const TCGOp *op)
{
    TCGTemp *v = T(op, 0), *a = T(op, 1);
    unsigned memop = (unsigned)op->args[2] & MO_SIZE;
    jit_note_insn(g);
    /* a constant needs no register: `mov [r15 + addr], imm`, the slow
     * path gets it from its description */
    int16_t imm = 0;
    int rv = store_imm(v, memop, &imm) ? -1 : ra_in(g, v);
    if (is_const(a) && jit_const_addr_ok(a->val, 8)) {
        jit_note_access(g);
        store_guest(g, memop, rv, imm, -1, (int32_t)a->val);
        return;
    }
    int ra = ra_in(g, a);
    jit_op_rr(&g->b, P_W | OPC_CMP, ra, REG_LIMIT);
    size_t jcc = jit_jcc32(&g->b, JCC_A);
    jit_note_access(g);
    store_guest(g, memop, rv, imm, ra, 0);
    jit_add_slow(g, jcc, ra, rv, true, memop, 0, 0);
    g->slow[g->nslow - 1].imm = imm;
}

/*
 * Out-of-line stubs that call C (access slow paths here, vector fallbacks
 * in vec.c): save every caller-saved register, align the stack, store the
 * guest instruction's insn_start values (the callee may raise a guest
 * fault from them), call, put a result where the restore leaves it in its
 * register, restore, jump back.
 */
static const int8_t saved_regs[9] = { RAX, RCX, RDX, RSI, RDI, R8, R9, R10, R11 };

static int saved_off(int r)
{
    for (int i = 0; i < 9; i++) {
        if (saved_regs[i] == r) {
            return 8 + 8 * (8 - i);   /* above the 8-byte alignment pad */
        }
    }
    return -1;
}

void jit_stub_enter(JitGen *g, bool have_insn, uint64_t pc, uint64_t cc_op)
{
    JitBuf *b = &g->b;
    for (int k = 0; k < 9; k++) {
        jit_push(b, saved_regs[k]);
    }
    jit_store_cur_tb(g);        /* r11 is restored on the way back */
    jit_alu_ri(b, P_W, EXT_SUB, RSP, 8);
    jit_flush_icount(b);    /* the C code may raise (longjmp) */
    if (have_insn) {
        emit_insn_values(b, pc, cc_op);
    }
}

void jit_stub_load(JitBuf *b, int dst, int r)
{
    int off = saved_off(r);
    if (off >= 0) {
        jit_ld64(b, dst, RSP, off);
    } else {
        jit_mov_rr(b, dst, r);      /* callee-saved: unchanged */
    }
}

void jit_stub_result(JitBuf *b, int r)
{
    int off = saved_off(r);
    if (off >= 0) {
        jit_st64(b, RAX, RSP, off);     /* restored into r below */
    } else {
        jit_mov_rr(b, r, RAX);
    }
}

void jit_stub_leave(JitBuf *b, size_t back)
{
    jit_alu_ri(b, P_W, EXT_ADD, RSP, 8);
    for (int k = 8; k >= 0; k--) {
        jit_pop(b, saved_regs[k]);
    }
    jit_patch_rel32(b, jit_jmp32(b), back);
}

void jit_emit_slow_paths(JitGen *g)
{
    JitBuf *b = &g->b;
    jit_vec_emit_stubs(g);
    emit_cold_raises(g);
    for (uint32_t i = 0; i < g->nslow; i++) {
        const SlowPath *sp = &g->slow[i];
        jit_patch_rel32(b, sp->jcc_at, jit_buf_offset(b));
        /* The segment's thunk (prologue.c) saves every register, and its
         * C side stores into env what a raise needs (the globals only in
         * registers from the access map record, the pending count, the
         * instruction from the instruction map) before the access. */
        uint64_t kind = sp->env_size ? (sp->is_store ? JIT_SLOW_ST_ENV : JIT_SLOW_LD_ENV)
                                     : (sp->is_store ? JIT_SLOW_ST : JIT_SLOW_LD);
        uint64_t info = (uint64_t)g->amap[sp->amap_at] |
                        (uint64_t)sp->addr << JIT_SLOW_ADDR_SHIFT |
                        kind << JIT_SLOW_KIND_SHIFT;
        g_assert(sp->addr >= 0 && sp->addr < 16 && sp->addr != REG_TMP);
        if (sp->env_size) {
            g_assert(sp->env_size == 16 || sp->env_size == 32);
            info |= (uint64_t)(sp->env_size / 16) << JIT_SLOW_ENVSZ_SHIFT |
                    (uint64_t)sp->env_off << JIT_SLOW_ENVOFF_SHIFT;
        } else if (sp->val < 0) {
            g_assert(sp->is_store);
            info |= JIT_SLOW_IMM_BIT | (uint64_t)(uint16_t)sp->imm << JIT_SLOW_IMM_SHIFT |
                    (uint64_t)sp->memop << JIT_SLOW_MEMOP_SHIFT;
        } else {
            g_assert(sp->val < 16 && sp->val != REG_TMP);
            info |= (uint64_t)sp->val << JIT_SLOW_VAL_SHIFT |
                    (uint64_t)sp->memop << JIT_SLOW_MEMOP_SHIFT;
        }
        jit_movi(b, REG_TMP, info);
        jit_call_abs(b, g->epilogue + JIT_SEG_THUNK_OFF);
        /* the helper moved a vector access's bytes between memory and
         * env; the main path goes on after its own env store */
        jit_xc_reload(b, &sp->xc);
        jit_patch_rel32(b, jit_jmp32(b), sp->back);
    }
}

/* ---- the rest ---- */

static void lower_add_counter(JitGen *g, const TCGOp *op)
{
    uint64_t base = op->args[0], stride = op->args[1], imm = op->args[2];
    JitBuf *b = &g->b;
    int k = tcg_counter_slot ? tcg_counter_slot((void *)(uintptr_t)base, stride) : -1;
    if (k == 0 && jit_fits_s32(imm)) {
        jit_alu_ri(b, P_W, EXT_ADD, REG_ICOUNT, (int32_t)imm);   /* pending: REG_ICOUNT */
        return;
    }
    if (k >= 0 && jit_fits_s32(imm)) {
        /* r11 = env->counter_ptr[k]; add qword [r11], imm */
        jit_ld64(b, REG_TMP, REG_ENV,
                 (int32_t)(offsetof(CPUX86State, counter_ptr) + 8 * (unsigned)k));
        jit_op_rm(b, P_W | (jit_fits_s8((int64_t)imm) ? 0x83 : 0x81), EXT_ADD, REG_TMP, 0);
        if (jit_fits_s8((int64_t)imm)) {
            jit_byte(b, (uint8_t)imm);
        } else {
            jit_u32(b, (uint32_t)imm);
        }
        return;
    }
    int rs = ra_alloc(g, 0);
    /* r11 = base + cpu_index * stride; *(u64 *)r11 += imm */
    jit_op_rm(b, P_W | OPC_MOVSXD, REG_TMP, REG_ENV,
              (int32_t)offsetof(CPUX86State, cpu_index));
    if (jit_fits_s32(stride)) {
        jit_imul_ri(b, REG_TMP, REG_TMP, (int32_t)stride);
    } else {
        jit_movi(b, rs, stride);
        jit_op_rr(b, P_W | OPC_IMUL, REG_TMP, rs);
    }
    jit_movi(b, rs, base);
    jit_op_rr(b, P_W | OPC_ADD, REG_TMP, rs);
    if (jit_fits_s32(imm)) {
        jit_op_rm(b, P_W | (jit_fits_s8((int64_t)imm) ? 0x83 : 0x81), EXT_ADD, REG_TMP, 0);
        if (jit_fits_s8((int64_t)imm)) {
            jit_byte(b, (uint8_t)imm);
        } else {
            jit_u32(b, (uint32_t)imm);
        }
    } else {
        jit_movi(b, rs, imm);
        jit_op_rm(b, P_W | 0x01, rs, REG_TMP, 0);   /* add [r11], rs */
    }
}

void jit_lower_op(JitGen *g, const TCGOp *op)
{
    switch (op->opc) {
    case INDEX_op_mov:
        lower_mov(g, T(op, 0), T(op, 1));
        break;
    case INDEX_op_add: case INDEX_op_sub: case INDEX_op_mul:
    case INDEX_op_and: case INDEX_op_or: case INDEX_op_xor: case INDEX_op_andc:
        lower_alu(g, op);
        break;
    case INDEX_op_shl: case INDEX_op_shr: case INDEX_op_sar:
    case INDEX_op_rotl: case INDEX_op_rotr: case INDEX_op_rotl32: case INDEX_op_rotr32:
        lower_shift(g, op);
        break;
    case INDEX_op_clz: case INDEX_op_ctz:
        lower_cnt_zeros(g, op);
        break;
    case INDEX_op_neg: case INDEX_op_not:
    case INDEX_op_ext8s: case INDEX_op_ext8u: case INDEX_op_ext16s: case INDEX_op_ext16u:
    case INDEX_op_ext32s: case INDEX_op_ext32u:
    case INDEX_op_bswap16: case INDEX_op_bswap32: case INDEX_op_bswap64:
    case INDEX_op_ctpop:
        lower_unary(g, op);
        break;
    case INDEX_op_extract: case INDEX_op_sextract:
        lower_extract(g, op);
        break;
    case INDEX_op_deposit:
        lower_deposit(g, op);
        break;
    case INDEX_op_mulu2: case INDEX_op_muls2:
        lower_mul2(g, op);
        break;
    case INDEX_op_setcond:
        lower_setcond(g, op);
        break;
    case INDEX_op_movcond:
        lower_movcond(g, op);
        break;
    case INDEX_op_qemu_ld:
        lower_qemu_ld(g, op);
        break;
    case INDEX_op_qemu_st:
        lower_qemu_st(g, op);
        break;
    case INDEX_op_qemu_ld_env:
        jit_lower_ld_env(g, op);
        break;
    case INDEX_op_qemu_st_env:
        jit_lower_st_env(g, op);
        break;
    case INDEX_op_call:
        lower_call(g, op);
        break;
    case INDEX_op_vec:
    case INDEX_op_vec_ret:
        jit_lower_vec(g, op);
        break;
    case INDEX_op_mb:
        jit_mfence(&g->b);
        break;
    case INDEX_op_add_counter:
        lower_add_counter(g, op);
        break;
    default:
        g_error("tcg jit: cannot lower op %s", tcg_op_defs[op->opc].name);
    }
}
