/*
 * emu/x86/tr-muldiv.c — MUL, IMUL (one, two and three operands), DIV, IDIV,
 * and BMI2 MULX.
 *
 * Flags of MUL/IMUL: CC_OP_MUL* with dst = the low half and src = nonzero
 * iff the result does not fit the destination (CF = OF = that); SF, ZF,
 * AF and PF are undefined per the manual, and emu gives what Intel
 * hardware does (SF, PF from the low half; ZF = AF = 0: cc_helper.h).
 * DIV/IDIV leave the flags alone (undefined per the manual) and run in a
 * helper that raises #DE before writing anything.
 */
#include "emu/x86/tr-int2.h"
#include "emu/x86/int_helper.h"

/* One-operand MUL/IMUL: rDX:rAX = rAX * r/m (AX = AL * r/m8). */
static void gen_mul1(DisasContext *s, X86Insn *insn, bool sign)
{
    if (!tr2_lock_ok(s, insn, false)) {
        return;
    }
    const X86Operand *op = tr2_rm_op(insn);
    int size = op->size;
    TCGv b = tcg_temp_new(), a = tcg_temp_new();
    TCGv lo = tcg_temp_new(), hi = tcg_temp_new(), ov = tcg_temp_new();

    if (sign) {
        gen_load_operand_sext(s, b, op);
    } else {
        gen_load_operand(s, b, op);
    }
    gen_ext(a, cpu_regs[R_EAX], size, sign);

    if (size == 8) {
        if (sign) {
            tcg_gen_muls2_i64(lo, hi, a, b);
            /* Overflow iff hi is not the sign extension of lo. */
            TCGv t = tcg_temp_new();
            tcg_gen_sari_i64(t, lo, 63);
            tcg_gen_setcond_i64(TCG_COND_NE, ov, t, hi);
        } else {
            tcg_gen_mulu2_i64(lo, hi, a, b);
            tcg_gen_setcondi_i64(TCG_COND_NE, ov, hi, 0);
        }
        tcg_gen_mov_i64(cpu_regs[R_EAX], lo);
        tcg_gen_mov_i64(cpu_regs[R_EDX], hi);
    } else {
        int bits = size * 8;
        /* The full product fits in 64 bits. */
        tcg_gen_mul_i64(lo, a, b);
        if (sign) {
            TCGv t = tcg_temp_new();
            gen_ext(t, lo, size, true);
            tcg_gen_setcond_i64(TCG_COND_NE, ov, t, lo);   /* does not fit */
        } else {
            tcg_gen_shri_i64(ov, lo, bits);
            tcg_gen_setcondi_i64(TCG_COND_NE, ov, ov, 0);
        }
        if (size == 1) {
            gen_write_gpr(s, R_EAX, false, 2, lo);
        } else {
            tcg_gen_shri_i64(hi, lo, bits);
            gen_write_gpr(s, R_EAX, false, size, lo);
            gen_write_gpr(s, R_EDX, false, size, hi);
        }
    }
    tcg_gen_mov_i64(cpu_cc_dst, lo);
    tcg_gen_mov_i64(cpu_cc_src, ov);
    set_cc_op(s, CC_OP_MULB + tr2_ot(size));
}

void gen_MUL(DisasContext *s, X86Insn *insn)
{
    gen_mul1(s, insn, false);
}

/* IMUL: F6/F7 /5 is the one-operand form; 0F AF is Gv, Ev; 69/6B are
 * Gv, Ev, Iz/Ib.  dst = truncated product. */
void gen_IMUL(DisasContext *s, X86Insn *insn)
{
    if (!tr2_lock_ok(s, insn, false)) {
        return;
    }
    if (insn->map == X86_MAP_ONE && (insn->opcode == 0xf6 || insn->opcode == 0xf7)) {
        gen_mul1(s, insn, true);
        return;
    }
    const X86Operand *d = &insn->ops[0];
    int size = d->size;
    TCGv a = tcg_temp_new(), b = tcg_temp_new();
    TCGv lo = tcg_temp_new(), ov = tcg_temp_new();

    if (insn->nb_ops >= 3) {
        gen_load_operand_sext(s, a, &insn->ops[1]);
        gen_load_operand_sext(s, b, &insn->ops[2]);
    } else {
        gen_load_operand_sext(s, a, &insn->ops[0]);
        gen_load_operand_sext(s, b, &insn->ops[1]);
    }
    if (size == 8) {
        TCGv hi = tcg_temp_new(), t = tcg_temp_new();
        tcg_gen_muls2_i64(lo, hi, a, b);
        tcg_gen_sari_i64(t, lo, 63);
        tcg_gen_setcond_i64(TCG_COND_NE, ov, t, hi);
    } else {
        TCGv t = tcg_temp_new();
        tcg_gen_mul_i64(lo, a, b);
        gen_ext(t, lo, size, true);
        tcg_gen_setcond_i64(TCG_COND_NE, ov, t, lo);
    }
    gen_store_operand(s, d, lo, NULL);
    tcg_gen_mov_i64(cpu_cc_dst, lo);
    tcg_gen_mov_i64(cpu_cc_src, ov);
    set_cc_op(s, CC_OP_MULB + tr2_ot(size));
}

static void gen_divide(DisasContext *s, X86Insn *insn, bool sign)
{
    if (!tr2_lock_ok(s, insn, false)) {
        return;
    }
    const X86Operand *op = tr2_rm_op(insn);
    TCGv d = tcg_temp_new();

    gen_load_operand(s, d, op);   /* memory read before any state change */
    gen_update_cc_op(s);
    tcg_gen_call4(sign ? &helper_info_idiv : &helper_info_div, NULL, tr2_env(), d,
                  tcg_constant_i64(op->size), tcg_constant_i64(s->pc));
}

void gen_DIV(DisasContext *s, X86Insn *insn) { gen_divide(s, insn, false); }
void gen_IDIV(DisasContext *s, X86Insn *insn) { gen_divide(s, insn, true); }

/* MULX dst_hi(reg), dst_lo(vvvv), r/m: unsigned rDX * r/m, no flags.  If
 * both destinations are the same register it gets the high half. */
void gen_MULX(DisasContext *s, X86Insn *insn)
{
    if (!tr2_lock_ok(s, insn, false)) {
        return;
    }
    if (!x86_cpu_has(X86_FEAT_BMI2)) {
        gen_illegal_opcode(s);
        return;
    }
    const X86Operand *hi_op = &insn->ops[0];
    const X86Operand *src = &insn->ops[insn->nb_ops - 1];
    int size = hi_op->size;
    TCGv a = tcg_temp_new(), b = tcg_temp_new(), lo = tcg_temp_new(), hi = tcg_temp_new();
    int lo_reg = insn->nb_ops >= 3 && insn->ops[1].kind == X86_OPK_GPR ?
                 insn->ops[1].reg : insn->vex_v;

    gen_load_operand(s, b, src);
    gen_ext(a, cpu_regs[R_EDX], size, false);
    if (size == 8) {
        tcg_gen_mulu2_i64(lo, hi, a, b);
    } else {
        tcg_gen_mul_i64(lo, a, b);
        tcg_gen_shri_i64(hi, lo, 32);
    }
    gen_write_gpr(s, lo_reg, false, size, lo);
    gen_write_gpr(s, hi_op->reg, false, size, hi);
}
